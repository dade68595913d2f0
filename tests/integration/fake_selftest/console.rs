//! The fake's console federation endpoint: a sign-in token for issued role credentials, and the
//! console login that accepts it.

use serde_json::json;

use super::{http, issued_role};
use crate::support::fake_aws::sigv4;
use crate::support::fake_aws::FakeAws;

#[test]
fn console_signin_token() {
    let fake = FakeAws::start();
    let (akid, secret, token) = issued_role(&fake);
    let session =
        json!({"sessionId": akid, "sessionKey": secret, "sessionToken": token}).to_string();
    let enc = sigv4::uri_encode(&session, false);
    let r = http(
        &fake,
        "GET",
        &format!("/federation?Action=getSigninToken&SessionDuration=43200&Session={enc}"),
        &[],
        "",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let t = r.json()["SigninToken"].as_str().unwrap().to_string();
    assert!(t.starts_with("fake-signin-"), "{t}");
    let bad = json!({"sessionId": akid, "sessionKey": "wrong", "sessionToken": token}).to_string();
    let r = http(
        &fake,
        "GET",
        &format!(
            "/federation?Action=getSigninToken&Session={}",
            sigv4::uri_encode(&bad, false)
        ),
        &[],
        "",
    );
    assert_eq!(r.status, 400);
    let r = http(
        &fake,
        "GET",
        &format!("/federation?Action=login&Issuer=x&Destination=y&SigninToken={t}"),
        &[],
        "",
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        fake.ops()[fake.ops().len() - 3..],
        ["GetSigninToken", "GetSigninToken", "ConsoleLogin"]
    );
    assert_eq!(
        fake.requests()
            .last()
            .unwrap()
            .query_param("SigninToken")
            .unwrap(),
        t
    );
}
