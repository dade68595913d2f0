//! The account names `ssox sync` has seen, per sso-session, in `STATE_DIR/accounts.json`, so that
//! `list` and `pick` name the account of every profile whose account a sync listed, hand-written
//! ones too (never written into a hand-written section). One small file: bounded when read,
//! written atomically (temp file + rename, 0600), other keys kept; a missing or corrupt file
//! reads as empty. Must not touch the terminal or the AWS files.
//!
//! ```json
//! {"sessions": {"corp": {"accounts": {"111111111111": "Prod Payments"}}}}
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

use crate::fsutil;

/// Larger files are not read (nor written): `list` must stay instant.
const MAX_BYTES: u64 = fsutil::MAX_CACHE_BYTES;

/// Names longer than this are not kept (AWS allows 50 characters; `sync` cuts a longer one to
/// 256 and a `…`, `sync::names::ACCOUNT_NAME_MAX`).
pub const MAX_NAME_CHARS: usize = 512;

/// The file under ssox's state directory.
pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join("accounts.json")
}

/// The names read from the file: per session, and for any session.
#[derive(Debug, Default)]
pub struct Seen {
    by_session: HashMap<String, HashMap<String, String>>,
    any: HashMap<String, String>,
}

impl Seen {
    /// The name of account `id`, as the sync of `session` saw it, else as any sync did.
    pub fn name(&self, session: Option<&str>, id: &str) -> Option<&str> {
        session
            .and_then(|s| self.by_session.get(s)?.get(id))
            .or_else(|| self.any.get(id))
            .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.any.is_empty()
    }
}

/// What the file holds; empty when missing, unreadable or corrupt.
pub fn load(path: &Path) -> Seen {
    let mut seen = Seen::default();
    let Some(sessions) = read_object(path).and_then(|mut o| match o.remove("sessions") {
        Some(Value::Object(s)) => Some(s),
        _ => None,
    }) else {
        return seen;
    };
    for (session, entry) in sessions {
        let Some(accounts) = entry.get("accounts").and_then(Value::as_object) else {
            continue;
        };
        let names: HashMap<String, String> = (accounts.iter())
            .filter_map(|(id, name)| Some((id.clone(), name.as_str()?.to_string())))
            .collect();
        for (id, name) in &names {
            seen.any.entry(id.clone()).or_insert_with(|| name.clone());
        }
        seen.by_session.insert(session, names);
    }
    seen
}

fn read_object(path: &Path) -> Option<Map<String, Value>> {
    let text = fsutil::read_cache_text(path).ok()??;
    match serde_json::from_str(&text).ok()? {
        Value::Object(o) => Some(o),
        _ => None,
    }
}

/// Replace what the file says about `session` with `accounts` (id, name as `sync` writes it into
/// `sso_account_name`); other sessions and keys are kept. Names over [`MAX_NAME_CHARS`] are left
/// out. Writes nothing when the file already says so.
pub fn record(path: &Path, session: &str, accounts: &[(&str, &str)]) -> Result<()> {
    let mut object = read_object(path).unwrap_or_default();
    let names: Map<String, Value> = (accounts.iter())
        .filter(|(_, name)| name.chars().count() <= MAX_NAME_CHARS)
        .map(|(id, name)| (id.to_string(), Value::String(name.to_string())))
        .collect();
    let mut entry = Map::new();
    entry.insert("accounts".into(), Value::Object(names));
    let entry = Value::Object(entry);
    let sessions = object
        .entry("sessions")
        .or_insert_with(|| Value::Object(Map::new()));
    if !sessions.is_object() {
        *sessions = Value::Object(Map::new());
    }
    if let Some(s) = sessions.as_object_mut() {
        if s.get(session) == Some(&entry) {
            return Ok(());
        }
        s.insert(session.to_string(), entry);
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(object))?;
    text.push('\n');
    if text.len() as u64 > MAX_BYTES {
        bail!(
            "{} would be over {} MiB; the account names are not kept",
            path.display(),
            MAX_BYTES >> 20
        );
    }
    fsutil::write_private(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_corrupt_files_are_empty() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path());
        assert!(load(&p).is_empty());
        for bad in [
            "",
            "{",
            "[1]",
            "{\"sessions\": 3}",
            "{\"sessions\": {\"a\": 1}}",
        ] {
            std::fs::write(&p, bad).unwrap();
            assert!(load(&p).is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn record_replaces_one_session_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(&dir.path().join("state"));
        record(
            &p,
            "corp",
            &[("111111111111", "Prod"), ("222222222222", "dev")],
        )
        .unwrap();
        record(&p, "other", &[("111111111111", "Prod (other)")]).unwrap();
        let seen = load(&p);
        assert_eq!(seen.name(Some("corp"), "111111111111"), Some("Prod"));
        assert_eq!(
            seen.name(Some("other"), "111111111111"),
            Some("Prod (other)")
        );
        assert_eq!(seen.name(Some("other"), "222222222222"), Some("dev"));
        assert_eq!(seen.name(None, "222222222222"), Some("dev"));
        assert_eq!(seen.name(None, "333333333333"), None);
        // A later sync of corp replaces what corp saw.
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        record(
            &p,
            "corp",
            &[("333333333333", "new"), ("444444444444", &long)],
        )
        .unwrap();
        let seen = load(&p);
        assert_eq!(seen.name(Some("corp"), "222222222222"), None);
        assert_eq!(seen.name(Some("corp"), "333333333333"), Some("new"));
        assert_eq!(seen.name(None, "444444444444"), None);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\n  \"sessions\": {\n    \"corp\": {\n      \"accounts\": {\n        \
             \"333333333333\": \"new\"\n      }\n    },\n    \"other\": {\n      \"accounts\": \
             {\n        \"111111111111\": \"Prod (other)\"\n      }\n    }\n  }\n}\n"
        );
        #[cfg(unix)]
        assert_eq!(crate::platform::testing::mode_at(&p), 0o600);
    }
}
