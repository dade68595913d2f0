//! Tests of the `aws login` cache file: its name, reading and state, the refresh write-back, the ARN.

use super::*;
use time::macros::datetime;

const ARN: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";

fn cached(expires: &str) -> String {
    format!(
        r#"{{"accessToken": {{"accessKeyId": "AKIDOLD", "secretAccessKey": "old-secret",
            "sessionToken": "old-session", "accountId": "012345678910", "expiresAt": "{expires}"}},
            "tokenType": "aws_sigv4", "clientId": "arn:aws:signin:::devtools/same-device",
            "refreshToken": "rt-1", "idToken": "a.b.c", "dpopKey": "PEM", "extra": [1, "x"]}}"#
    )
}

#[test]
fn file_name_is_the_sha256_of_the_session() {
    // botocore's generate_login_cache_key, and the file name in smithy-rs' login-provider cases.
    assert_eq!(
        login_file_name(ARN),
        "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json"
    );
}

#[test]
fn a_complete_file_is_read_and_its_state_known() {
    let t = parse_login_token(&cached("2026-11-24T04:12:00Z")).unwrap();
    assert_eq!(t.access_key_id(), "AKIDOLD");
    assert_eq!(t.account_id, "012345678910");
    let now = datetime!(2026-11-24 04:00:00 UTC);
    assert_eq!(t.state(now).short(), "valid 12m");
    assert!(t.fresh(now));
    assert!(!t.fresh(datetime!(2026-11-24 04:07:01 UTC)));
    assert_eq!(
        t.state(datetime!(2026-11-24 05:00:00 UTC)).short(),
        "refreshable"
    );
}

#[test]
fn a_file_missing_what_botocore_requires_is_unusable_and_says_what() {
    let why = |text: &str| parse_login_token(text).err().unwrap().to_string();
    let full = cached("2026-11-24T04:12:00Z");
    for (key, msg) in [
        ("\"refreshToken\": \"rt-1\",", "it has no refreshToken"),
        (
            "\"clientId\": \"arn:aws:signin:::devtools/same-device\",",
            "it has no clientId",
        ),
        ("\"dpopKey\": \"PEM\",", "it has no dpopKey"),
        ("\"accountId\": \"012345678910\",", "it has no accountId"),
    ] {
        assert!(full.contains(key), "{key}");
        assert_eq!(why(&full.replace(key, "")), msg);
    }
    assert_eq!(why(r#"{"refreshToken": "r"}"#), "it has no accessToken");
    assert_eq!(why(r#"{"accessToken": "flat"}"#), "it has no accessToken");
    assert_eq!(
        why(&cached("soon")),
        "accessToken.expiresAt is not a valid timestamp"
    );
    assert!(parse_login_token("[]").is_err());
}

#[test]
fn a_refresh_replaces_the_credentials_and_keeps_every_other_key() {
    let old = parse_object(&cached("2020-01-01T00:00:00Z")).unwrap();
    let new = RefreshedLogin {
        access_key_id: "AKIDNEW".into(),
        secret_access_key: "new-secret".into(),
        session_token: "new-session".into(),
        expires_at: datetime!(2026-11-24 04:15:00 UTC),
        refresh_token: "rt-2".into(),
    };
    assert_eq!(
        refreshed_json(&old, &new, "012345678910"),
        "{\"accessToken\": {\"accessKeyId\": \"AKIDNEW\", \"secretAccessKey\": \"new-secret\", \
         \"sessionToken\": \"new-session\", \"accountId\": \"012345678910\", \"expiresAt\": \
         \"2026-11-24T04:15:00Z\"}, \"tokenType\": \"aws_sigv4\", \"clientId\": \
         \"arn:aws:signin:::devtools/same-device\", \"refreshToken\": \"rt-2\", \"idToken\": \
         \"a.b.c\", \"dpopKey\": \"PEM\", \"extra\": [1, \"x\"]}"
    );
}

#[test]
fn account_and_role_of_a_session_arn() {
    assert_eq!(session_account(ARN), Some("012345678910"));
    assert_eq!(session_role(ARN), Some("Admin"));
    assert_eq!(
        session_role("arn:aws:iam::111111111111:user/alice"),
        Some("alice")
    );
    assert_eq!(session_role("arn:aws:iam::111111111111:root"), Some("root"));
    assert_eq!(session_account("not an arn"), None);
    assert_eq!(session_account("arn:aws:sts::12€:x"), None);
    assert_eq!(session_role("arn:aws"), None);
}
