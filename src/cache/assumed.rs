//! The AWS CLI's assume-role cache `~/.aws/cli/cache/<sha1>.json` (docs/compat.md#assume-role):
//! the file name botocore derives from the AssumeRole arguments, and the file holding the
//! AssumeRole response in the CLI's exact shape, so that ssox and the CLI reuse each other's
//! entries. Reading back is the role cache's (`role::read_fresh`: the same `Credentials` object,
//! the same 15 minutes). Must not touch the network or the terminal.

use std::path::Path;

use anyhow::Result;
use serde_json::{json, Map, Value};

use super::json::{py_json, py_json_str};
use super::role::RoleCredentials;
use crate::fsutil;

/// The AssumeRole arguments a profile sets (botocore's `_assume_kwargs`), which the cache key
/// hashes. `role_session_name` is `None` when the session name is generated (then it is left
/// out of the key, as botocore does). `serial_number` is the profile's `mfa_serial` (the MFA
/// code itself is not part of the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleArgs {
    pub role_arn: String,
    pub role_session_name: Option<String>,
    pub external_id: Option<String>,
    pub duration_seconds: Option<i64>,
    pub serial_number: Option<String>,
}

/// `BaseAssumeRoleCredentialFetcher._create_cache_key`: the sha1 of
/// `json.dumps(args, sort_keys=True)` (default separators). The hex digest needs none of its
/// `:` and `/` replacements.
pub fn file_name(args: &AssumeRoleArgs) -> String {
    // Keys in sorted order: DurationSeconds, ExternalId, RoleArn, RoleSessionName, SerialNumber.
    let mut parts = Vec::with_capacity(5);
    if let Some(d) = args.duration_seconds {
        parts.push(format!("\"DurationSeconds\": {d}"));
    }
    if let Some(e) = &args.external_id {
        parts.push(format!("\"ExternalId\": {}", py_json_str(e)));
    }
    parts.push(format!("\"RoleArn\": {}", py_json_str(&args.role_arn)));
    if let Some(n) = &args.role_session_name {
        parts.push(format!("\"RoleSessionName\": {}", py_json_str(n)));
    }
    if let Some(n) = &args.serial_number {
        parts.push(format!("\"SerialNumber\": {}", py_json_str(n)));
    }
    super::cache_file_name(&format!("{{{}}}", parts.join(", ")))
}

/// What an AssumeRole call answered, as botocore's parsed response holds it.
pub struct AssumedRole {
    /// `AccountId` is the account of `arn` (botocore's `_add_account_id_to_response`).
    pub credentials: RoleCredentials,
    pub assumed_role_id: String,
    pub arn: String,
    pub packed_policy_size: Option<i64>,
    pub source_identity: Option<String>,
    pub metadata: ResponseMetadata,
}

/// botocore's `ResponseMetadata` of a successful call.
pub struct ResponseMetadata {
    pub request_id: Option<String>,
    /// The answer's headers, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// Attempts made before the one that succeeded.
    pub retry_attempts: u32,
}

/// The account id of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`), if it has one.
pub fn arn_account(arn: &str) -> Option<&str> {
    let mut fields = arn.splitn(6, ':');
    if fields.next() != Some("arn") {
        return None;
    }
    let account = fields.nth(3)?;
    fields.next()?;
    (!account.is_empty()).then_some(account)
}

/// The file contents as the AWS CLI v2 writes them: the response in botocore's key order on one
/// line with Python's separators, `Expiration` as `…+00:00` (`datetime.isoformat`).
pub fn render(r: &AssumedRole) -> String {
    let c = &r.credentials;
    let expiration = c.expiration_string();
    let expiration = match expiration.strip_suffix('Z') {
        Some(head) => format!("{head}+00:00"),
        None => expiration,
    };
    let mut root = Map::new();
    root.insert(
        "Credentials".into(),
        json!({
            "AccessKeyId": c.access_key_id,
            "SecretAccessKey": c.secret_access_key(),
            "SessionToken": c.session_token(),
            "Expiration": expiration,
            "AccountId": c.account_id,
        }),
    );
    root.insert(
        "AssumedRoleUser".into(),
        json!({"AssumedRoleId": r.assumed_role_id, "Arn": r.arn}),
    );
    if let Some(size) = r.packed_policy_size {
        root.insert("PackedPolicySize".into(), json!(size));
    }
    if let Some(s) = &r.source_identity {
        root.insert("SourceIdentity".into(), json!(s));
    }
    let m = &r.metadata;
    let mut meta = Map::new();
    if let Some(id) = &m.request_id {
        meta.insert("RequestId".into(), json!(id));
    }
    meta.insert("HTTPStatusCode".into(), json!(200));
    let headers: Map<String, Value> = m
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    meta.insert("HTTPHeaders".into(), Value::Object(headers));
    meta.insert("RetryAttempts".into(), json!(m.retry_attempts));
    root.insert("ResponseMetadata".into(), Value::Object(meta));
    py_json(&Value::Object(root))
}

/// Write `r` to `path` atomically with mode 0600 (the directory created 0700 when missing).
pub fn write(path: &Path, r: &AssumedRole) -> Result<()> {
    fsutil::write_private(path, render(r).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn args(arn: &str) -> AssumeRoleArgs {
        AssumeRoleArgs {
            role_arn: arn.into(),
            role_session_name: None,
            external_id: None,
            duration_seconds: None,
            serial_number: None,
        }
    }

    #[test]
    fn file_names_match_botocore() {
        // Seen from the AWS CLI v2 (docs/compat.md#assume-role).
        assert_eq!(
            file_name(&args("arn:aws:iam::333333333333:role/ChainRole")),
            "fd12b8f5918586dff3e3bb813b57c57ae9051daa.json"
        );
        // Every key, as Python's json.dumps(sort_keys=True) writes them.
        let all = AssumeRoleArgs {
            role_session_name: Some("me".into()),
            external_id: Some("ext-\u{e9}".into()),
            duration_seconds: Some(1800),
            serial_number: Some("arn:aws:iam::111111111111:mfa/me".into()),
            ..args("arn:aws:iam::333333333333:role/ChainRole")
        };
        assert_eq!(
            file_name(&all),
            super::super::cache_file_name(
                "{\"DurationSeconds\": 1800, \"ExternalId\": \"ext-\\u00e9\", \"RoleArn\": \
                 \"arn:aws:iam::333333333333:role/ChainRole\", \"RoleSessionName\": \"me\", \
                 \"SerialNumber\": \"arn:aws:iam::111111111111:mfa/me\"}"
            )
        );
    }

    #[test]
    fn arn_accounts() {
        assert_eq!(
            arn_account("arn:aws:iam::333333333333:role/a/b"),
            Some("333333333333")
        );
        assert_eq!(
            arn_account("arn:aws:sts::444444444444:assumed-role/R/s"),
            Some("444444444444")
        );
        assert_eq!(arn_account("arn:aws:iam:::role/x"), None);
        assert_eq!(arn_account("arn:aws:iam::333333333333"), None);
        assert_eq!(arn_account("333333333333"), None);
    }

    #[test]
    fn renders_the_cli_shape_and_reads_back() {
        let r = AssumedRole {
            credentials: RoleCredentials::new(
                "ASIAEXAMPLE".into(),
                "secret/key+1=".into(),
                "token/abc+=".into(),
                datetime!(2026-11-24 04:34:20 UTC),
                "333333333333".into(),
            ),
            assumed_role_id: "AROAEXAMPLE:me".into(),
            arn: "arn:aws:sts::333333333333:assumed-role/ChainRole/me".into(),
            packed_policy_size: Some(6),
            source_identity: None,
            metadata: ResponseMetadata {
                request_id: Some("req-1".into()),
                headers: vec![("content-type".into(), "text/xml".into())],
                retry_attempts: 0,
            },
        };
        let text = render(&r);
        assert_eq!(
            text,
            "{\"Credentials\": {\"AccessKeyId\": \"ASIAEXAMPLE\", \"SecretAccessKey\": \"secret/key+1=\", \
             \"SessionToken\": \"token/abc+=\", \"Expiration\": \"2026-11-24T04:34:20+00:00\", \
             \"AccountId\": \"333333333333\"}, \"AssumedRoleUser\": {\"AssumedRoleId\": \"AROAEXAMPLE:me\", \
             \"Arn\": \"arn:aws:sts::333333333333:assumed-role/ChainRole/me\"}, \"PackedPolicySize\": 6, \
             \"ResponseMetadata\": {\"RequestId\": \"req-1\", \"HTTPStatusCode\": 200, \"HTTPHeaders\": \
             {\"content-type\": \"text/xml\"}, \"RetryAttempts\": 0}}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cli/cache/x.json");
        write(&path, &r).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        let back = super::super::role::read_fresh(&path, datetime!(2026-11-24 04:19:19 UTC));
        assert!(back == Some(r.credentials.clone()));
        assert!(
            super::super::role::read_fresh(&path, datetime!(2026-11-24 04:19:20 UTC)).is_none()
        );
    }
}
