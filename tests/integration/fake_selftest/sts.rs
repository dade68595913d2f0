//! The fake's STS: GetCallerIdentity with a SigV4 check, and the signer against external vectors.

use super::{http, issued_role, Resp};
use crate::support::fake_aws::sigv4;
use crate::support::fake_aws::FakeAws;

fn amz_now() -> String {
    let t = time::OffsetDateTime::now_utc();
    t.format(time::macros::format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))
    .unwrap()
}

/// Sign and send GetCallerIdentity with the given credentials.
fn sts_call(fake: &FakeAws, akid: &str, secret: &str, token: &str, region: &str) -> Resp {
    sts_post(
        fake,
        "Action=GetCallerIdentity&Version=2011-06-15",
        akid,
        secret,
        Some(token),
        region,
    )
}

/// Sign and send an STS query-protocol request with this form body.
fn sts_post(
    fake: &FakeAws,
    body: &str,
    akid: &str,
    secret: &str,
    token: Option<&str>,
    region: &str,
) -> Resp {
    let hostport = fake.url().trim_start_matches("http://").to_string();
    let headers = vec![
        (
            "content-type".to_string(),
            "application/x-www-form-urlencoded; charset=utf-8".to_string(),
        ),
        ("host".to_string(), hostport),
    ];
    let signed = sigv4::sign(
        "POST",
        "/",
        "",
        &headers,
        body.as_bytes(),
        akid,
        secret,
        token,
        region,
        "sts",
        &amz_now(),
    );
    let extra: Vec<(&str, &str)> = signed
        .iter()
        .filter(|(k, _)| k != "host")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    http(fake, "POST", "/", &extra, body)
}

#[test]
fn sts_accepts_a_correct_signature() {
    let fake = FakeAws::start();
    let (akid, secret, token) = issued_role(&fake);
    let r = sts_call(&fake, &akid, &secret, &token, "eu-central-1");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/xml"));
    let uid = {
        let b = &r.body;
        let s = b.find("<UserId>").unwrap() + 8;
        b[s..b.find("</UserId>").unwrap()].to_string()
    };
    assert!(
        uid.starts_with("AROA") && uid.ends_with(":ssox-user") && uid.len() == 21 + 10,
        "{uid}"
    );
    assert_eq!(
        r.body,
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    <Arn>arn:aws:sts::111111111111:assumed-role/AdministratorAccess/ssox-user</Arn>\n    <UserId>{uid}</UserId>\n    <Account>111111111111</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
            r.header("x-amzn-RequestId").unwrap()
        )
    );
    assert_eq!(fake.ops().last().unwrap(), "GetCallerIdentity");
}

fn assert_sts_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(r.body.starts_with("<ErrorResponse"), "{}", r.body);
    assert!(r.body.contains("<Type>Sender</Type>"), "{}", r.body);
    assert!(
        r.body.contains(&format!("<Code>{code}</Code>")),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<Message>") && r.body.contains("<RequestId>fake-req-"),
        "{}",
        r.body
    );
}

#[test]
fn sts_rejects_wrong_secret_unknown_key_and_wrong_token() {
    let fake = FakeAws::start();
    let (akid, secret, token) = issued_role(&fake);
    assert_sts_error(
        &sts_call(&fake, &akid, "wrong-secret", &token, "us-east-1"),
        403,
        "SignatureDoesNotMatch",
    );
    assert_sts_error(
        &sts_call(&fake, "ASIAUNKNOWN000000000", &secret, &token, "us-east-1"),
        403,
        "InvalidClientTokenId",
    );
    assert_sts_error(
        &sts_call(&fake, &akid, &secret, "other-token", "us-east-1"),
        403,
        "InvalidClientTokenId",
    );
    let r = http(
        &fake,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "Action=GetCallerIdentity&Version=2011-06-15",
    );
    assert_sts_error(&r, 403, "MissingAuthenticationToken");

    // A body altered after signing fails the check.
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let hostport = fake.url().trim_start_matches("http://").to_string();
    let signed = sigv4::sign(
        "POST",
        "/",
        "",
        &[("host".into(), hostport)],
        body.as_bytes(),
        &akid,
        &secret,
        Some(&token),
        "us-east-1",
        "sts",
        &amz_now(),
    );
    let extra: Vec<(&str, &str)> = signed
        .iter()
        .filter(|(k, _)| k != "host")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_sts_error(
        &http(
            &fake,
            "POST",
            "/",
            &extra,
            "Action=GetCallerIdentity&Version=2011-06-16",
        ),
        403,
        "SignatureDoesNotMatch",
    );
    assert_eq!(http(&fake, "POST", "/", &extra, body).status, 200);
    // Expired role credentials.
    fake.script().role_expires_in = -1;
    let (akid, secret, token) = issued_role(&fake);
    assert_sts_error(
        &sts_call(&fake, &akid, &secret, &token, "us-east-1"),
        400,
        "ExpiredToken",
    );
}

/// Signatures computed independently with Python botocore 1.43.11 (`SigV4Auth.add_auth`, date
/// patched); the second is also the AWS SigV4 test suite's `get-vanilla-query-order-key-case`.
#[test]
fn sigv4_matches_external_vectors() {
    let headers = vec![
        (
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded; charset=utf-8".to_string(),
        ),
        ("Host".to_string(), "127.0.0.1:4567".to_string()),
        ("X-Amz-Date".to_string(), "20261123T123600Z".to_string()),
        (
            "X-Amz-Security-Token".to_string(),
            "Fake//Session+Token=".to_string(),
        ),
    ];
    let auth = sigv4::parse_authorization(
        "AWS4-HMAC-SHA256 Credential=ASIAFAKE000000000042/20261123/eu-west-1/sts/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, \
         Signature=7919a1cb5756a644d641525ca0a51e95e60c0c168d1dcef3c29ae80ecc77dff1",
    )
    .unwrap();
    assert_eq!(auth.access_key_id, "ASIAFAKE000000000042");
    assert_eq!(auth.region, "eu-west-1");
    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let creq = sigv4::canonical_request(
        "POST",
        "/",
        "",
        &headers,
        &auth.signed_headers,
        &sigv4::hex_sha256(body),
    );
    assert_eq!(
        sigv4::signature(
            "fakeSecret/abc+XYZ",
            "20261123T123600Z",
            "eu-west-1",
            "sts",
            &creq
        ),
        auth.signature
    );

    let headers = vec![
        ("host".to_string(), "example.amazonaws.com".to_string()),
        ("x-amz-date".to_string(), "20150830T123600Z".to_string()),
    ];
    let creq = sigv4::canonical_request(
        "GET",
        "/",
        "Param2=value2&Param1=value1",
        &headers,
        &["host".to_string(), "x-amz-date".to_string()],
        &sigv4::hex_sha256(b""),
    );
    assert_eq!(
        creq,
        "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sigv4::signature(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20150830T123600Z",
            "us-east-1",
            "service",
            &creq
        ),
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
    );
    // Header values are trimmed and space-collapsed; query values re-encoded.
    assert_eq!(
        sigv4::canonical_query("b=a%20b&a=x+y&a=%7e"),
        "a=x%2By&a=~&b=a%20b"
    );
}

/// The text of the first `<tag>…</tag>` in an XML answer.
fn between(body: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = body.find(&open).unwrap() + open.len();
    let end = body[start..].find(&format!("</{tag}>")).unwrap();
    body[start..start + end].to_string()
}

const ASSUME: &str = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A333333333333%3Arole%2Fteam%2FChainRole";

#[test]
fn assume_role_mints_credentials_that_sts_accepts_in_turn() {
    let fake = FakeAws::start();
    let (akid, secret, token) = issued_role(&fake);
    let body = format!("{ASSUME}&RoleSessionName=me&DurationSeconds=900");
    let r = sts_post(&fake, &body, &akid, &secret, Some(&token), "us-east-1");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(fake.ops().last().unwrap(), "AssumeRole");
    assert_eq!(
        between(&r.body, "Arn"),
        "arn:aws:sts::333333333333:assumed-role/ChainRole/me"
    );
    assert!(between(&r.body, "AssumedRoleId").ends_with(":me"));
    assert!(r.body.contains("<PackedPolicySize>6</PackedPolicySize>"));
    let expiration = time::OffsetDateTime::parse(
        &between(&r.body, "Expiration"),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let left = expiration - time::OffsetDateTime::now_utc();
    assert!(
        left.whole_seconds() > 890 && left.whole_seconds() <= 900,
        "{left}"
    );
    let (new_akid, new_secret, new_token) = (
        between(&r.body, "AccessKeyId"),
        between(&r.body, "SecretAccessKey"),
        between(&r.body, "SessionToken"),
    );
    assert_ne!(new_akid, akid);
    // The new credentials sign in turn, as the role.
    let r = sts_call(&fake, &new_akid, &new_secret, &new_token, "eu-west-1");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        between(&r.body, "Arn"),
        "arn:aws:sts::333333333333:assumed-role/ChainRole/me"
    );
    assert_eq!(between(&r.body, "Account"), "333333333333");
    assert_sts_error(
        &sts_call(&fake, &new_akid, "wrong", &new_token, "eu-west-1"),
        403,
        "SignatureDoesNotMatch",
    );
    // IAM user keys sign without a session token.
    fake.issue_user_keys(
        "AKIAFAKEUSER00000001",
        "userSecret",
        "555555555555",
        "alice",
    );
    let r = sts_post(
        &fake,
        "Action=GetCallerIdentity&Version=2011-06-15",
        "AKIAFAKEUSER00000001",
        "userSecret",
        None,
        "us-east-1",
    );
    assert_eq!(
        between(&r.body, "Arn"),
        "arn:aws:iam::555555555555:user/alice"
    );
}

#[test]
fn assume_role_validates_as_sts_does() {
    let fake = FakeAws::start();
    let (akid, secret, token) = issued_role(&fake);
    let call = |body: &str| sts_post(&fake, body, &akid, &secret, Some(&token), "us-east-1");
    for bad in [
        format!("{ASSUME}&RoleSessionName=me&DurationSeconds=7200"),
        format!("{ASSUME}&RoleSessionName=me&DurationSeconds=60"),
        format!("{ASSUME}&RoleSessionName=a%20b"),
        ASSUME.to_string(),
        "Action=AssumeRole&Version=2011-06-15&RoleArn=nope&RoleSessionName=me".to_string(),
    ] {
        let r = call(&bad);
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(
            r.body.contains("<Code>ValidationError</Code>"),
            "{bad}: {}",
            r.body
        );
    }
    fake.script()
        .deny_assume
        .push("arn:aws:iam::333333333333:role/team/ChainRole".into());
    assert_sts_error(
        &call(&format!("{ASSUME}&RoleSessionName=me")),
        403,
        "AccessDenied",
    );
}
