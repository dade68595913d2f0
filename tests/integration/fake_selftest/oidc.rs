//! The fake's sso-oidc endpoint: registration, the device flow with its scripted answers, refresh,
//! and the fake browser that visits the verification page.

use std::process::Command;

use serde_json::json;

use super::{assert_oidc_error, http, login, now, poll, post_json, register, start};
use crate::support::fake_aws::{Approval, FakeAws};

#[test]
fn device_flow_happy_path_over_http() {
    let fake = FakeAws::start();
    let client = register(&fake, Some(&["sso:account:access"]));
    let reg = fake.requests()[0].json();
    assert_eq!(reg["scopes"], json!(["sso:account:access"]));

    let dev = start(&fake, &client);
    let code = dev["userCode"].as_str().unwrap();
    assert!(
        code.len() == 9
            && code.as_bytes()[4] == b'-'
            && code[..4].bytes().all(|b| b.is_ascii_uppercase()),
        "{code}"
    );
    assert_eq!(dev["verificationUri"], format!("{}/device", fake.url()));
    assert_eq!(
        dev["verificationUriComplete"],
        format!("{}/device?user_code={code}", fake.url())
    );
    assert_eq!(dev["expiresIn"], 600);
    assert_eq!(dev["interval"], 1);
    let device_code = dev["deviceCode"].as_str().unwrap();

    let r = poll(&fake, &client, device_code);
    assert_oidc_error(
        &r,
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );

    let page = http(&fake, "GET", &format!("/device?user_code={code}"), &[], "");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));

    let r = poll(&fake, &client, device_code);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["tokenType"], "Bearer");
    assert_eq!(v["expiresIn"], 28800);
    let access = v["accessToken"].as_str().unwrap();
    assert!(v["refreshToken"].is_string());
    assert!(fake.token_valid(access));

    // The device code is single-use.
    let r = poll(&fake, &client, device_code);
    assert_oidc_error(&r, 400, "InvalidGrantException", "invalid_grant");

    assert_eq!(
        fake.ops(),
        [
            "RegisterClient",
            "StartDeviceAuthorization",
            "CreateToken",
            "Verify",
            "CreateToken",
            "CreateToken"
        ]
    );
    assert_eq!(fake.count("CreateToken"), 3);
    let reqs = fake.requests();
    assert_eq!(reqs[3].method, "GET");
    assert_eq!(reqs[3].path, "/device");
    assert_eq!(reqs[3].query, format!("user_code={code}"));
    assert_eq!(reqs[2].json()["deviceCode"], device_code);
}

#[test]
fn registration_without_scopes_gets_no_refresh_token_and_client_fields() {
    let fake = FakeAws::start();
    let before = now();
    let r = post_json(
        &fake,
        "/client/register",
        json!({"clientName": "c", "clientType": "public"}),
    );
    let v = r.json();
    assert_eq!(r.header("content-type"), Some("application/json"));
    let issued = v["clientIdIssuedAt"].as_i64().unwrap();
    assert!(issued >= before && issued <= now());
    assert_eq!(
        v["clientSecretExpiresAt"].as_i64().unwrap(),
        issued + 90 * 86400
    );
    let (_, refresh) = login(&fake, None);
    assert_eq!(refresh, None);
    fake.script().issue_refresh_token = false;
    let (_, refresh) = login(&fake, Some(&["sso:account:access"]));
    assert_eq!(refresh, None);
}

#[test]
fn slow_down_then_approval_after_polls() {
    let fake = FakeAws::start();
    {
        let mut s = fake.script();
        s.slow_down_polls = 2;
        s.approval = Approval::AfterPolls(3);
    }
    let client = register(&fake, None);
    let dev = start(&fake, &client);
    let dc = dev["deviceCode"].as_str().unwrap();
    assert_oidc_error(
        &poll(&fake, &client, dc),
        400,
        "SlowDownException",
        "slow_down",
    );
    assert_oidc_error(
        &poll(&fake, &client, dc),
        400,
        "SlowDownException",
        "slow_down",
    );
    let r = poll(&fake, &client, dc);
    assert_eq!(r.status, 200, "{}", r.body);

    // AfterPolls(2) without slow_down: pending once, then approved; the browser visit does nothing.
    fake.script().approval = Approval::AfterPolls(2);
    let dev = start(&fake, &client);
    let dc = dev["deviceCode"].as_str().unwrap();
    let code = dev["userCode"].as_str().unwrap();
    http(&fake, "GET", &format!("/device?user_code={code}"), &[], "");
    assert_oidc_error(
        &poll(&fake, &client, dc),
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );
    assert_eq!(poll(&fake, &client, dc).status, 200);
}

#[test]
fn deny_and_expire() {
    let fake = FakeAws::start();
    let client = register(&fake, None);
    fake.script().approval = Approval::Deny;
    let dev = start(&fake, &client);
    let dc = dev["deviceCode"].as_str().unwrap();
    http(
        &fake,
        "GET",
        &format!("/device?user_code={}", dev["userCode"].as_str().unwrap()),
        &[],
        "",
    );
    assert_oidc_error(
        &poll(&fake, &client, dc),
        400,
        "AccessDeniedException",
        "access_denied",
    );

    fake.script().approval = Approval::Expire;
    assert_oidc_error(
        &poll(&fake, &client, dc),
        400,
        "ExpiredTokenException",
        "expired_token",
    );

    // A device code past its expiresIn expires too, even when approved.
    {
        let mut s = fake.script();
        s.approval = Approval::OnVerify;
        s.device_expires_in = 0;
    }
    let dev = start(&fake, &client);
    assert_eq!(dev["expiresIn"], 0);
    fake.approve_all();
    let r = poll(&fake, &client, dev["deviceCode"].as_str().unwrap());
    assert_oidc_error(&r, 400, "ExpiredTokenException", "expired_token");
}

#[test]
fn invalid_client_and_bad_requests() {
    let fake = FakeAws::start();
    let r = post_json(
        &fake,
        "/device_authorization",
        json!({"clientId": "nope", "clientSecret": "x", "startUrl": "https://x"}),
    );
    assert_oidc_error(&r, 401, "InvalidClientException", "invalid_client");

    let client = register(&fake, None);
    let dev = start(&fake, &client);
    let wrong = (client.0.clone(), "wrong-secret".to_string());
    let r = poll(&fake, &wrong, dev["deviceCode"].as_str().unwrap());
    assert_oidc_error(&r, 401, "InvalidClientException", "invalid_client");

    let r = post_json(
        &fake,
        "/token",
        json!({"grantType": "password", "clientId": client.0, "clientSecret": client.1}),
    );
    assert_oidc_error(
        &r,
        400,
        "UnsupportedGrantTypeException",
        "unsupported_grant_type",
    );

    // An expired registration is an invalid client.
    fake.script().client_secret_expires_in = -1;
    let old = register(&fake, None);
    let r = post_json(
        &fake,
        "/device_authorization",
        json!({"clientId": old.0, "clientSecret": old.1, "startUrl": "https://x"}),
    );
    assert_oidc_error(&r, 401, "InvalidClientException", "invalid_client");

    let r = http(&fake, "GET", "/nowhere", &[], "");
    assert_eq!(r.status, 404);
    assert_eq!(fake.ops().last().unwrap(), "Unknown");
}

#[test]
fn refresh_grant_rotates_tokens() {
    let fake = FakeAws::start();
    let client = register(&fake, Some(&["sso:account:access"]));
    let dev = start(&fake, &client);
    fake.approve_all();
    let v = poll(&fake, &client, dev["deviceCode"].as_str().unwrap()).json();
    let refresh1 = v["refreshToken"].as_str().unwrap().to_string();

    let refresh = |token: &str| {
        post_json(
            &fake,
            "/token",
            json!({"grantType": "refresh_token", "clientId": client.0, "clientSecret": client.1, "refreshToken": token}),
        )
    };
    let r = refresh(&refresh1);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let access2 = v["accessToken"].as_str().unwrap();
    let refresh2 = v["refreshToken"].as_str().unwrap().to_string();
    assert_ne!(refresh2, refresh1);
    assert!(fake.token_valid(access2));
    assert_eq!(v["tokenType"], "Bearer");

    assert_oidc_error(
        &refresh(&refresh1),
        400,
        "InvalidGrantException",
        "invalid_grant",
    );
    assert_oidc_error(
        &refresh("unknown"),
        400,
        "InvalidGrantException",
        "invalid_grant",
    );

    // Without new refresh tokens the old one stays valid.
    fake.script().issue_refresh_token = false;
    let v = refresh(&refresh2).json();
    assert!(v.get("refreshToken").is_none(), "{v}");
    assert_eq!(refresh(&refresh2).status, 200);

    // Pre-seeded client and refresh token.
    fake.register_client("seed-client", "seed-secret", &["sso:account:access"]);
    fake.issue_refresh_token("seed-refresh", "seed-client");
    let r = post_json(
        &fake,
        "/token",
        json!({"grantType": "refresh_token", "clientId": "seed-client", "clientSecret": "seed-secret", "refreshToken": "seed-refresh"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn browser_stub_visits_and_logs() {
    let fake = FakeAws::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = fake.browser_dir(tmp.path());
    assert!(FakeAws::browser_log(&dir).is_empty());
    let client = register(&fake, None);
    let dev = start(&fake, &client);
    let url = dev["verificationUriComplete"].as_str().unwrap();
    for name in ["xdg-open", "open", "wslview"] {
        assert!(dir.join(name).is_file());
    }
    // Run with a bare environment (PATH only), as ssox's scrubbed children would.
    let st = Command::new(dir.join("xdg-open"))
        .arg(url)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(FakeAws::browser_log(&dir), [url]);
    assert_eq!(fake.count("Verify"), 1);
    let visit = fake
        .requests()
        .into_iter()
        .find(|r| r.op == "Verify")
        .unwrap();
    assert_eq!(visit.header("user-agent"), Some("ssox-fake-browser"));
    let r = poll(&fake, &client, dev["deviceCode"].as_str().unwrap());
    assert_eq!(r.status, 200, "{}", r.body);

    // Non-HTTP URLs are logged only.
    let st = Command::new(dir.join("open"))
        .arg("https://example.com/x")
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(FakeAws::browser_log(&dir), [url, "https://example.com/x"]);
    assert_eq!(fake.requests().len(), 4);
}
