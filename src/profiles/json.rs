//! `list --json`: every row as a pretty-printed JSON array in serde_json's layout, written by
//! hand (serde_json's `serialize_str` and its small writes were 40% of `list --json` at 10,000
//! profiles). Keys in a stable order; keys added later come last.

use super::{LoginState, Row};
use crate::cache::push_json_str;

/// The end of the previous field, then `"key": ` on a new line (keys need no escapes), as one
/// literal: one write per key.
macro_rules! key {
    ($key:literal) => {
        concat!(",\n    \"", $key, "\": ")
    };
}

impl Row<'_> {
    /// The profile in `list --json`: one element of the array as serde_json's pretty printer
    /// lays it out (keys in this order, a stable interface: `account_name` came later, so it is
    /// last), appended to `out`.
    pub fn write_json(&self, out: &mut String) {
        let sso = self.sso.as_deref();
        let login_expires = self.login.as_deref().and_then(LoginState::expires_at_text);
        let fields: [(&str, Option<&str>); 9] = [
            (key!("kind"), Some(self.kind)),
            (key!("account_id"), self.account),
            (key!("role_name"), self.role),
            (
                key!("sso_session"),
                sso.and_then(|s| s.login.session_name.as_deref()),
            ),
            (
                key!("sso_start_url"),
                sso.map(|s| s.login.start_url.as_str()),
            ),
            (key!("sso_region"), sso.map(|s| s.login.region.as_str())),
            (key!("region"), self.region),
            (key!("token"), self.token().map(|t| t.as_str())),
            (
                key!("token_expires_at"),
                sso.and_then(|s| s.expires_at.as_deref())
                    .or(login_expires.as_deref()),
            ),
        ];
        out.push_str("  {\n    \"name\": ");
        push_json_str::<false>(out, self.name);
        for (key, value) in fields {
            out.push_str(key);
            json_value(out, value);
        }
        out.push_str(key!("active"));
        out.push_str(if self.active { "true" } else { "false" });
        out.push_str(key!("error"));
        json_value(out, self.error.as_deref());
        out.push_str(key!("account_name"));
        json_value(out, self.account_name.as_deref());
        out.push_str(key!("login_session"));
        json_value(out, self.login.as_deref().map(|l| l.session.as_str()));
        out.push_str("\n  }");
    }
}

/// Every row as `list --json` prints it: a pretty-printed JSON array (serde_json's layout),
/// written row by row into `out` (a hand-written writer: serde_json's `serialize_str` and its
/// small writes were 40% of `list --json` at 10,000 profiles).
pub fn write_json(rows: &[Row], out: &mut impl std::io::Write) -> std::io::Result<()> {
    if rows.is_empty() {
        return out.write_all(b"[]\n");
    }
    let mut buf = String::with_capacity(1024);
    out.write_all(b"[\n")?;
    for (i, r) in rows.iter().enumerate() {
        buf.clear();
        if i > 0 {
            buf.push_str(",\n");
        }
        r.write_json(&mut buf);
        out.write_all(buf.as_bytes())?;
    }
    out.write_all(b"\n]\n")
}

fn json_value(out: &mut String, value: Option<&str>) {
    match value {
        Some(s) => push_json_str::<false>(out, s),
        None => out.push_str("null"),
    }
}
