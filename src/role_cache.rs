//! The AWS CLI v2's role-credential cache `~/.aws/cli/cache/<sha1>.json` (reference §1): role
//! credentials, reading them back while enough time remains, and atomic 0600 writes in the CLI's
//! exact shape so ssox and the CLI share them. File names come from `cache::role_cache_file_name`.
//! Must not touch the network, the SSO token cache or the terminal.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::cache::{format_timestamp, parse_timestamp};
use crate::fsutil;

/// Cached credentials are reused only while more than this remains (botocore's expiry window).
pub const MIN_REMAINING: Duration = Duration::from_secs(15 * 60);

/// Temporary role credentials. The secrets are private and there is no `Debug`, so they cannot
/// end up in an error or a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct RoleCredentials {
    pub access_key_id: String,
    secret_access_key: String,
    session_token: String,
    pub expiration: OffsetDateTime,
    pub account_id: String,
}

impl RoleCredentials {
    pub fn new(
        access_key_id: String,
        secret_access_key: String,
        session_token: String,
        expiration: OffsetDateTime,
        account_id: String,
    ) -> RoleCredentials {
        RoleCredentials {
            access_key_id,
            secret_access_key,
            session_token,
            expiration,
            account_id,
        }
    }

    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> &str {
        &self.session_token
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`
    pub fn expiration_string(&self) -> String {
        format_timestamp(self.expiration)
    }

    /// Time left at `now` (zero when expired).
    pub fn remaining(&self, now: OffsetDateTime) -> Duration {
        let left = self.expiration - now;
        if left.is_positive() {
            left.unsigned_abs()
        } else {
            Duration::ZERO
        }
    }

    /// Usable from the cache: more than `MIN_REMAINING` left.
    pub fn fresh(&self, now: OffsetDateTime) -> bool {
        self.remaining(now) > MIN_REMAINING
    }
}

/// Parse a cache file as botocore's `JSONFileCache` holds it. `None` when it is not usable
/// credentials (not JSON, a key missing, an unreadable expiration): a cache miss, never an error.
pub fn parse(text: &str) -> Option<RoleCredentials> {
    let root: Map<String, Value> = serde_json::from_str(text).ok()?;
    let c = root.get("Credentials")?.as_object()?;
    let s = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Some(RoleCredentials {
        access_key_id: s("AccessKeyId")?,
        secret_access_key: s("SecretAccessKey")?,
        session_token: s("SessionToken")?,
        expiration: parse_timestamp(&s("Expiration")?)?,
        account_id: s("AccountId").unwrap_or_default(),
    })
}

/// Cached credentials at `path` with more than 15 minutes left, else `None`.
pub fn read_fresh(path: &Path, now: OffsetDateTime) -> Option<RoleCredentials> {
    let text = fsutil::read_cache_text(path).ok()??;
    parse(&text).filter(|c| c.fresh(now))
}

/// A JSON string literal (the values are ASCII, so this is also what Python writes).
fn json_str(s: &str) -> String {
    Value::from(s).to_string()
}

/// The file contents exactly as the AWS CLI v2 writes them: Python `json.dumps` separators,
/// key order as written, no trailing newline.
pub fn render(c: &RoleCredentials) -> String {
    format!(
        "{{\"ProviderType\": \"sso\", \"Credentials\": {{\"AccessKeyId\": {}, \"SecretAccessKey\": {}, \
         \"SessionToken\": {}, \"Expiration\": {}, \"AccountId\": {}}}}}",
        json_str(&c.access_key_id),
        json_str(&c.secret_access_key),
        json_str(&c.session_token),
        json_str(&c.expiration_string()),
        json_str(&c.account_id),
    )
}

/// Write `c` to `path` atomically (temp file in the same directory, then rename) with mode 0600;
/// the directory is created 0700 when missing.
pub fn write(path: &Path, c: &RoleCredentials) -> Result<()> {
    fsutil::write_private(path, render(c).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn creds() -> RoleCredentials {
        RoleCredentials::new(
            "ASIAEXAMPLE".into(),
            "secret/key+1=".into(),
            "token/abc+=".into(),
            datetime!(2026-11-24 04:34:20 UTC),
            "111111111111".into(),
        )
    }

    #[test]
    fn renders_the_cli_shape() {
        assert_eq!(
            render(&creds()),
            r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret/key+1=", "SessionToken": "token/abc+=", "Expiration": "2026-11-24T04:34:20Z", "AccountId": "111111111111"}}"#
        );
        assert!(parse(&render(&creds())) == Some(creds()));
    }

    #[test]
    fn reads_leniently_and_misses_quietly() {
        let c = parse(
            r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T",
                "Expiration": "2026-11-24T04:34:20+00:00"}, "extra": 1}"#,
        )
        .unwrap();
        assert_eq!(c.expiration, datetime!(2026-11-24 04:34:20 UTC));
        assert_eq!(c.account_id, "");
        assert!(parse("{}").is_none());
        assert!(parse("not json").is_none());
        assert!(parse(r#"{"Credentials": {"AccessKeyId": "A"}}"#).is_none());
        assert!(parse(
            r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "soon"}}"#
        )
        .is_none());
    }

    #[test]
    fn fresh_means_more_than_fifteen_minutes() {
        let c = creds();
        assert!(c.fresh(datetime!(2026-11-24 04:19:19 UTC)));
        assert!(!c.fresh(datetime!(2026-11-24 04:19:20 UTC)));
        assert!(!c.fresh(datetime!(2026-11-25 00:00:00 UTC)));
        assert_eq!(
            c.remaining(datetime!(2026-11-24 04:00:00 UTC)),
            Duration::from_secs(34 * 60 + 20)
        );
    }

    #[test]
    fn write_is_atomic_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cli/cache/x.json");
        write(&path, &creds()).unwrap();
        write(&path, &creds()).unwrap(); // replacing works too
        assert_eq!(std::fs::read_to_string(&path).unwrap(), render(&creds()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["x.json"]);
        assert!(read_fresh(&path, datetime!(2026-11-24 04:00:00 UTC)).is_some());
        assert!(read_fresh(&path, datetime!(2026-11-24 04:20:00 UTC)).is_none());
        assert!(read_fresh(
            &dir.path().join("missing.json"),
            datetime!(2026-11-24 04:00:00 UTC)
        )
        .is_none());
    }
}
