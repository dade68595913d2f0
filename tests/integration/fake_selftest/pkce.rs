//! The fake's PKCE side: the authorize page (`GET /authorize`) with its checks and scripted
//! answers, the authorization-code grant of CreateToken, one client per flow, and the fake
//! browser following the authorize page's redirect to a loopback callback.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;

use serde_json::json;

use super::{assert_oidc_error, http, post_json, Resp};
use crate::support::fake_aws::{sigv4::form_decode, Approval, FakeAws};

const VERIFIER: &str = "Tz8-q.Lm_~0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefghijklmnopq";
/// base64url(sha256(VERIFIER)) without padding (computed with Python's hashlib and base64).
const CHALLENGE: &str = "jRJ0zromuwHV0WLjKFDMkgK5zXsLr2Ee3RA_tjtWaUY";
const REDIRECT: &str = "http://127.0.0.1:5555/oauth/callback";

fn register_pkce(fake: &FakeAws) -> (String, String) {
    let r = post_json(
        fake,
        "/client/register",
        json!({"clientName": "botocore-client-s", "clientType": "public",
               "scopes": ["sso:account:access"],
               "grantTypes": ["authorization_code", "refresh_token"],
               "redirectUris": ["http://127.0.0.1/oauth/callback"],
               "issuerUrl": "https://x.awsapps.com/start"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    (
        v["clientId"].as_str().unwrap().to_string(),
        v["clientSecret"].as_str().unwrap().to_string(),
    )
}

fn enc(v: &str) -> String {
    crate::support::fake_aws::sigv4::uri_encode(v, false)
}

fn authorize_target(client_id: &str, redirect: &str, challenge: &str, state: &str) -> String {
    format!(
        "/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={challenge}",
        enc(client_id),
        enc(redirect),
        enc(state),
        enc("sso:account:access"),
    )
}

fn authorize(fake: &FakeAws, client_id: &str) -> Resp {
    http(
        fake,
        "GET",
        &authorize_target(client_id, REDIRECT, CHALLENGE, "st-1"),
        &[],
        "",
    )
}

/// The query of a 302 to the callback, decoded.
fn redirected(r: &Resp) -> Vec<(String, String)> {
    assert_eq!(r.status, 302, "{}", r.body);
    let loc = r.header("Location").unwrap();
    let query = loc
        .strip_prefix(&format!("{REDIRECT}?"))
        .unwrap_or_else(|| panic!("{loc}"));
    form_decode(query)
}

fn exchange(fake: &FakeAws, c: &(String, String), code: &str, redirect: &str, v: &str) -> Resp {
    post_json(
        fake,
        "/token",
        json!({"grantType": "authorization_code", "clientId": c.0, "clientSecret": c.1,
               "code": code, "redirectUri": redirect, "codeVerifier": v}),
    )
}

#[test]
fn authorization_code_flow_over_http() {
    let fake = FakeAws::start();
    let client = register_pkce(&fake);
    let q = redirected(&authorize(&fake, &client.0));
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].0, "code");
    assert_eq!(q[1], ("state".to_string(), "st-1".to_string()));
    let code = q[0].1.clone();

    let bad_verifier = VERIFIER.replace('d', "e");
    let r = exchange(&fake, &client, &code, REDIRECT, &bad_verifier);
    assert_oidc_error(&r, 400, "InvalidGrantException", "invalid_grant");
    let other_port = "http://127.0.0.1:5556/oauth/callback";
    let r = exchange(&fake, &client, &code, other_port, VERIFIER);
    assert_oidc_error(&r, 400, "InvalidGrantException", "invalid_grant");
    let r = exchange(&fake, &client, &code, REDIRECT, VERIFIER);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["tokenType"], "Bearer");
    assert!(fake.token_valid(v["accessToken"].as_str().unwrap()));
    let refresh = v["refreshToken"].as_str().unwrap().to_string();
    // A code is good once.
    let r = exchange(&fake, &client, &code, REDIRECT, VERIFIER);
    assert_oidc_error(&r, 400, "InvalidGrantException", "invalid_grant");
    // The refresh token works like the device flow's.
    let r = post_json(
        &fake,
        "/token",
        json!({"grantType": "refresh_token", "clientId": client.0, "clientSecret": client.1,
               "refreshToken": refresh}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        fake.ops(),
        [
            "RegisterClient",
            "Authorize",
            "CreateToken",
            "CreateToken",
            "CreateToken",
            "CreateToken",
            "CreateToken"
        ]
    );
}

#[test]
fn the_authorize_page_checks_the_request_and_follows_the_script() {
    let fake = FakeAws::start();
    let client = register_pkce(&fake);
    let device_client = super::register(&fake, Some(&["sso:account:access"]));
    let page = |target: String| {
        let r = http(&fake, "GET", &target, &[], "");
        assert_eq!(r.status, 400, "{target}: {}", r.body);
        assert!(r.header("Location").is_none());
        r.body
    };
    assert!(page(authorize_target("nope", REDIRECT, CHALLENGE, "s")).contains("Unknown client_id"));
    assert!(
        page(authorize_target(&device_client.0, REDIRECT, CHALLENGE, "s"))
            .contains("not registered for the authorization code")
    );
    for bad in [
        "http://localhost:5555/oauth/callback",
        "http://127.0.0.1:5555/other",
        "https://127.0.0.1:5555/oauth/callback",
        "http://127.0.0.1/oauth/callback",
    ] {
        assert!(page(authorize_target(&client.0, bad, CHALLENGE, "s")).contains("redirect_uri"));
    }
    assert!(page(authorize_target(&client.0, REDIRECT, "short", "s")).contains("code_challenge"));
    assert!(page(authorize_target(&client.0, REDIRECT, CHALLENGE, "")).contains("a state"));
    let plain = authorize_target(&client.0, REDIRECT, CHALLENGE, "s").replace("S256", "plain");
    assert!(page(plain).contains("S256"));
    let scope = authorize_target(&client.0, REDIRECT, CHALLENGE, "s")
        .replace("sso%3Aaccount%3Aaccess", "admin");
    let q = redirected(&http(&fake, "GET", &scope, &[], ""));
    assert_eq!(q[0], ("error".to_string(), "invalid_scope".to_string()));

    fake.script().approval = Approval::Deny;
    let q = redirected(&authorize(&fake, &client.0));
    assert_eq!(
        q,
        [
            ("error".to_string(), "access_denied".to_string()),
            (
                "error_description".to_string(),
                "The user denied the authorization request".to_string()
            ),
            ("state".to_string(), "st-1".to_string()),
        ]
    );
    fake.script().approval = Approval::Never;
    let r = authorize(&fake, &client.0);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Sign in to continue."), "{}", r.body);
}

#[test]
fn one_client_per_flow() {
    let fake = FakeAws::start();
    let mixed = post_json(
        &fake,
        "/client/register",
        json!({"clientName": "c", "clientType": "public",
               "grantTypes": ["authorization_code", "urn:ietf:params:oauth:grant-type:device_code"],
               "redirectUris": ["http://127.0.0.1/oauth/callback"], "issuerUrl": "https://x"}),
    );
    assert_oidc_error(
        &mixed,
        400,
        "InvalidClientMetadataException",
        "invalid_client_metadata",
    );
    let no_redirect = post_json(
        &fake,
        "/client/register",
        json!({"clientName": "c", "clientType": "public", "grantTypes": ["authorization_code"]}),
    );
    assert_oidc_error(
        &no_redirect,
        400,
        "InvalidRequestException",
        "invalid_request",
    );

    let pkce = register_pkce(&fake);
    let r = post_json(
        &fake,
        "/device_authorization",
        json!({"clientId": pkce.0, "clientSecret": pkce.1, "startUrl": "https://x"}),
    );
    assert_oidc_error(
        &r,
        400,
        "UnauthorizedClientException",
        "unauthorized_client",
    );
    let device = super::register(&fake, Some(&["sso:account:access"]));
    let r = exchange(&fake, &device, "fake-auth-code-1", REDIRECT, VERIFIER);
    assert_oidc_error(
        &r,
        400,
        "UnauthorizedClientException",
        "unauthorized_client",
    );
}

#[test]
fn the_fake_browser_follows_the_redirect_to_the_callback() {
    let fake = FakeAws::start();
    let client = register_pkce(&fake);
    let callback = TcpListener::bind("127.0.0.1:0").unwrap();
    let redirect = format!(
        "http://127.0.0.1:{}/oauth/callback",
        callback.local_addr().unwrap().port()
    );
    let server = std::thread::spawn(move || {
        let (mut s, _) = callback.accept().unwrap();
        let mut reader = BufReader::new(&s);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let mut header = String::new();
        while reader.read_line(&mut header).unwrap() > 2 {
            header.clear();
        }
        let body = "<h1>callback page</h1>";
        write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        line
    });
    let url = format!(
        "{}{}",
        fake.url(),
        authorize_target(&client.0, &redirect, CHALLENGE, "st-9")
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = fake.browser_dir(tmp.path());
    let st = Command::new(dir.join("xdg-open"))
        .arg(&url)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let line = server.join().unwrap();
    assert!(
        line.starts_with("GET /oauth/callback?code=fake-auth-code-")
            && line.ends_with("&state=st-9 HTTP/1.1\r\n"),
        "{line}"
    );
    assert_eq!(FakeAws::browser_log(&dir), [url]);
    assert_eq!(FakeAws::browser_page(&dir), "<h1>callback page</h1>");
}
