//! The AWS CLI v2's role-credential cache `~/.aws/cli/cache/<sha1>.json`
//! (docs/compat.md#role-cache): file names, role credentials, reading them back while enough time
//! remains, and atomic 0600 writes in the CLI's exact shape so ssox and the CLI share them. Must
//! not touch the network, the SSO token cache or the terminal (warnings go through
//! `super::warn_unusable`).

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::json::{format_timestamp, py_json, py_json_str, timestamp};
use super::{cache_file_name, load_object, warn_unusable, Unusable, MIN_VALIDITY};
use crate::fsutil;

/// The AWS CLI v2's role-credential cache file name: the sha1 of the compact sorted JSON of
/// account, role and session name (or legacy start URL).
pub fn role_cache_file_name(
    account_id: &str,
    role_name: &str,
    session_name: Option<&str>,
    start_url: &str,
) -> String {
    let last = match session_name {
        Some(s) => format!("\"sessionName\":{}", py_json_str(s)),
        None => format!("\"startUrl\":{}", py_json_str(start_url)),
    };
    cache_file_name(&format!(
        "{{\"accountId\":{},\"roleName\":{},{last}}}",
        py_json_str(account_id),
        py_json_str(role_name)
    ))
}

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

    /// Usable from the cache: more than [`MIN_VALIDITY`] left (botocore's expiry window).
    pub fn fresh(&self, now: OffsetDateTime) -> bool {
        self.remaining(now) > MIN_VALIDITY
    }
}

/// Credentials in a cache file's JSON object as botocore's `JSONFileCache` holds them (exact key
/// names); the error says why they are not usable.
fn from_object(root: &Map<String, Value>) -> Result<RoleCredentials, Unusable> {
    let c = root
        .get("Credentials")
        .and_then(Value::as_object)
        .ok_or(Unusable::Missing("Credentials"))?;
    let s = |k: &'static str| {
        c.get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or(Unusable::Missing(k))
    };
    Ok(RoleCredentials {
        access_key_id: s("AccessKeyId")?,
        secret_access_key: s("SecretAccessKey")?,
        session_token: s("SessionToken")?,
        expiration: timestamp(c.get("Expiration"), "Expiration")?
            .ok_or(Unusable::Missing("Expiration"))?,
        account_id: s("AccountId").unwrap_or_default(),
    })
}

/// Parse a cache file's text; the error says why it is not usable credentials.
pub fn parse(text: &str) -> Result<RoleCredentials, Unusable> {
    from_object(&super::parse_object(text)?)
}

/// Cached credentials at `path` with more than 15 minutes left, else `None`: a cache miss. An
/// unusable file is a miss with a warning naming it (the fetch that follows overwrites it).
pub fn read_fresh(path: &Path, now: OffsetDateTime) -> Option<RoleCredentials> {
    load_object(path)
        .and_then(|obj| obj.as_ref().map(from_object).transpose())
        .map_err(|e| warn_unusable(path, &e, "ssox fetches new credentials"))
        .ok()?
        .filter(|c| c.fresh(now))
}

/// The file contents exactly as the AWS CLI v2 writes them: Python `json.dumps` separators,
/// key order as written, no trailing newline.
pub fn render(c: &RoleCredentials) -> String {
    py_json(&json!({
        "ProviderType": "sso",
        "Credentials": {
            "AccessKeyId": c.access_key_id,
            "SecretAccessKey": c.secret_access_key,
            "SessionToken": c.session_token,
            "Expiration": c.expiration_string(),
            "AccountId": c.account_id,
        }
    }))
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
        assert!(parse(&render(&creds())).ok() == Some(creds()));
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
        assert!(parse("{}").is_err());
        assert!(parse("not json").is_err());
        assert!(parse(r#"{"Credentials": {"AccessKeyId": "A"}}"#).is_err());
        assert!(parse(
            r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "soon"}}"#
        )
        .is_err());
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
            use crate::platform::testing::mode_at as mode;
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

    #[test]
    fn cli_cache_names_match_the_reference() {
        assert_eq!(
            role_cache_file_name("111111111111", "Admin", Some("my-sso"), "ignored"),
            "4d591a7ab0da2e15379d89377621ae9cda619cc3.json"
        );
        assert_eq!(
            role_cache_file_name(
                "111111111111",
                "Admin",
                None,
                "https://d-123.awsapps.com/start"
            ),
            "e50eea367309484e3b695c47c45af94d161048ac.json"
        );
    }

    #[test]
    fn a_bad_expiration_is_a_miss_that_says_why() {
        let with = |exp: &str| {
            format!(
                r#"{{"Credentials": {{"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": {exp}}}}}"#
            )
        };
        for bad in [
            "\"aaaaaa\u{20ac}\u{20ac}\"",
            "\"\u{20ac}aaaaa\"",
            "\"9999-12-31T23:59:59-23:59\"",
            "1700000000",
        ] {
            assert_eq!(
                parse(&with(bad)).err().unwrap().to_string(),
                "Expiration is not a valid timestamp",
                "{bad}"
            );
        }
        assert_eq!(
            parse(&with("null")).err().unwrap().to_string(),
            "it has no Expiration"
        );
        assert_eq!(
            parse(r#"{"Credentials": 1}"#).err().unwrap().to_string(),
            "it has no Credentials"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, with("\"\u{20ac}aaaaa\"")).unwrap();
        assert!(read_fresh(&path, datetime!(2026-11-24 04:00:00 UTC)).is_none());
        // Year 9999 is far in the future, not broken; the arithmetic holds at the calendar's ends.
        std::fs::write(&path, with("\"9999-12-31T23:59:59Z\"")).unwrap();
        let c = read_fresh(&path, datetime!(-9999-01-01 00:00:00 UTC)).unwrap();
        assert_eq!(c.expiration_string(), "9999-12-31T23:59:59Z");
        assert_eq!(
            c.remaining(datetime!(-9999-01-01 00:00:00 UTC)),
            Duration::from_secs(631_107_417_599)
        );
        assert!(!c.fresh(datetime!(9999-12-31 23:59:59 UTC)));
    }
}
