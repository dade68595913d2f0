//! Self-test of the fake AWS endpoint over real HTTP with a tiny hand-written client: §5 wire
//! shapes, scripting, SigV4 (against externally computed vectors) and the fake browser. Touches no
//! ssox code.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::fake_aws::sigv4;
use crate::support::fake_aws::{Approval, FakeAws};

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// One HTTP/1.1 request with `Connection: close`; `target` is the path and query.
fn http(fake: &FakeAws, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    let hostport = fake.url().trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(&hostport).unwrap();
    let mut req =
        format!("{method} {target} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: body.to_string(),
    }
}

fn post_json(fake: &FakeAws, path: &str, body: Value) -> Resp {
    http(
        fake,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        &body.to_string(),
    )
}

fn register(fake: &FakeAws, scopes: Option<&[&str]>) -> (String, String) {
    let mut body = json!({"clientName": "botocore-client-test", "clientType": "public"});
    if let Some(s) = scopes {
        body["scopes"] = json!(s);
    }
    let r = post_json(fake, "/client/register", body);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    (
        v["clientId"].as_str().unwrap().to_string(),
        v["clientSecret"].as_str().unwrap().to_string(),
    )
}

fn start(fake: &FakeAws, client: &(String, String)) -> Value {
    let r = post_json(
        fake,
        "/device_authorization",
        json!({"clientId": client.0, "clientSecret": client.1, "startUrl": "https://x.awsapps.com/start"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn poll(fake: &FakeAws, client: &(String, String), device_code: &str) -> Resp {
    post_json(
        fake,
        "/token",
        json!({"grantType": "urn:ietf:params:oauth:grant-type:device_code",
               "clientId": client.0, "clientSecret": client.1, "deviceCode": device_code}),
    )
}

/// Asserts an sso-oidc error: status, typed header with the coral suffix, exact body `error`.
fn assert_oidc_error(r: &Resp, status: u16, kind: &str, error: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let t = r.header("x-amzn-ErrorType").unwrap();
    assert_eq!(t.split(':').next().unwrap(), kind);
    assert!(
        t.starts_with(&format!("{kind}:http://internal.amazon.com/coral/")),
        "{t}"
    );
    let v = r.json();
    assert_eq!(v["error"], error);
    assert!(v["error_description"].is_string());
    assert_eq!(v.as_object().unwrap().len(), 2, "{v}");
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A full device-flow login; returns (access token, refresh token if any).
fn login(fake: &FakeAws, scopes: Option<&[&str]>) -> (String, Option<String>) {
    let client = register(fake, scopes);
    let dev = start(fake, &client);
    fake.approve_all();
    let r = poll(fake, &client, dev["deviceCode"].as_str().unwrap());
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    (
        v["accessToken"].as_str().unwrap().to_string(),
        v["refreshToken"].as_str().map(str::to_string),
    )
}

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

fn portal_get(fake: &FakeAws, target: &str, token: Option<&str>) -> Resp {
    match token {
        Some(t) => http(fake, "GET", target, &[("x-amz-sso_bearer_token", t)], ""),
        None => http(fake, "GET", target, &[], ""),
    }
}

fn assert_unauthorized(r: &Resp) {
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(r
        .header("x-amzn-ErrorType")
        .unwrap()
        .starts_with("UnauthorizedException:http://internal.amazon.com/coral/"));
    assert_eq!(
        r.json(),
        json!({"message": "Session token not found or invalid"})
    );
}

#[test]
fn portal_rejects_bad_bearer_and_logout_revokes() {
    let fake = FakeAws::start();
    let target = "/federation/credentials?role_name=AdministratorAccess&account_id=111111111111";
    assert_unauthorized(&portal_get(&fake, target, None));
    assert_unauthorized(&portal_get(&fake, target, Some("not-a-token")));
    assert_unauthorized(&portal_get(
        &fake,
        "/assignment/accounts?max_result=10",
        Some("nope"),
    ));

    let (token, _) = login(&fake, None);
    assert_eq!(portal_get(&fake, target, Some(&token)).status, 200);

    let r = http(
        &fake,
        "POST",
        "/logout",
        &[("x-amz-sso_bearer_token", &token)],
        "",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "");
    assert_unauthorized(&portal_get(&fake, target, Some(&token)));
    assert!(!fake.token_valid(&token));

    // Expired tokens are refused; issue_token makes a pre-seeded token valid.
    fake.script().token_expires_in = 0;
    let (expired, _) = login(&fake, None);
    assert_unauthorized(&portal_get(&fake, target, Some(&expired)));
    fake.issue_token("seeded-token");
    assert_eq!(portal_get(&fake, target, Some("seeded-token")).status, 200);
    assert_eq!(fake.count("Logout"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 6);
}

#[test]
fn list_accounts_and_roles_paginate() {
    let fake = FakeAws::start();
    fake.script().accounts = vec![
        (
            "111111111111".into(),
            "one".into(),
            "one@example.com".into(),
            vec!["A".into()],
        ),
        (
            "222222222222".into(),
            "two".into(),
            "two@example.com".into(),
            vec!["B".into(), "C".into(), "D".into()],
        ),
        (
            "333333333333".into(),
            "three".into(),
            "three@example.com".into(),
            vec![],
        ),
    ];
    fake.issue_token("t");
    let mut ids = Vec::new();
    let mut next: Option<String> = None;
    let mut pages = 0;
    loop {
        let target = match &next {
            Some(n) => format!("/assignment/accounts?max_result=100&next_token={n}"),
            None => "/assignment/accounts?max_result=100".to_string(),
        };
        let v = portal_get(&fake, &target, Some("t")).json();
        pages += 1;
        let list = v["accountList"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        ids.push(list[0]["accountId"].as_str().unwrap().to_string());
        next = v["nextToken"].as_str().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(ids, ["111111111111", "222222222222", "333333333333"]);
    assert_eq!(fake.count("ListAccounts"), 3);

    fake.script().page_size = 2;
    let v = portal_get(
        &fake,
        "/assignment/roles?account_id=222222222222&max_result=10",
        Some("t"),
    )
    .json();
    assert_eq!(
        v,
        json!({"roleList": [{"roleName": "B", "accountId": "222222222222"}, {"roleName": "C", "accountId": "222222222222"}],
               "nextToken": "roles-page-2"})
    );
    let v = portal_get(
        &fake,
        "/assignment/roles?account_id=222222222222&max_result=10&next_token=roles-page-2",
        Some("t"),
    )
    .json();
    assert_eq!(
        v,
        json!({"roleList": [{"roleName": "D", "accountId": "222222222222"}]})
    );
    // max_result caps the page too.
    let v = portal_get(&fake, "/assignment/accounts?max_result=1", Some("t")).json();
    assert_eq!(v["accountList"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["accountList"][0],
        json!({"accountId": "111111111111", "accountName": "one", "emailAddress": "one@example.com"})
    );
    let r = portal_get(&fake, "/assignment/accounts?next_token=garbage", Some("t"));
    assert_eq!(r.status, 400);
}

#[test]
fn role_credentials_and_forbidden_roles() {
    let fake = FakeAws::start();
    fake.issue_token("t");
    let before = now();
    let r = portal_get(
        &fake,
        "/federation/credentials?role_name=ReadOnlyAccess&account_id=111111111111",
        Some("t"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let c = &r.json()["roleCredentials"];
    let akid = c["accessKeyId"].as_str().unwrap();
    assert!(akid.starts_with("ASIA") && akid.len() == 20, "{akid}");
    let exp = c["expiration"].as_i64().unwrap();
    assert!(
        exp >= (before + 3600) * 1000 && exp <= (now() + 3600) * 1000,
        "{exp}"
    );
    assert_eq!(
        fake.role_credentials_for(akid),
        Some((
            akid.to_string(),
            c["secretAccessKey"].as_str().unwrap().to_string(),
            c["sessionToken"].as_str().unwrap().to_string()
        ))
    );
    assert_eq!(fake.role_credentials_for("ASIANOPE"), None);

    let forbidden = |target: &str| {
        let r = portal_get(&fake, target, Some("t"));
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r
            .header("x-amzn-ErrorType")
            .unwrap()
            .starts_with("ForbiddenException:"));
        assert!(r.json()["message"].is_string());
    };
    forbidden("/federation/credentials?role_name=Nope&account_id=111111111111");
    forbidden("/federation/credentials?role_name=AdministratorAccess&account_id=999999999999");
    fake.script().deny_roles = vec![("111111111111".into(), "AdministratorAccess".into())];
    forbidden("/federation/credentials?role_name=AdministratorAccess&account_id=111111111111");
    // With no accounts configured any role is granted.
    fake.script().accounts.clear();
    let r = portal_get(
        &fake,
        "/federation/credentials?role_name=X&account_id=123",
        Some("t"),
    );
    assert_eq!(r.status, 200);
}

fn amz_now() -> String {
    let t = time::OffsetDateTime::now_utc();
    t.format(time::macros::format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))
    .unwrap()
}

/// Sign and send GetCallerIdentity with the given credentials.
fn sts_call(fake: &FakeAws, akid: &str, secret: &str, token: &str, region: &str) -> Resp {
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
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
        Some(token),
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

fn issued_role(fake: &FakeAws) -> (String, String, String) {
    fake.issue_token("t");
    let r = portal_get(
        fake,
        "/federation/credentials?role_name=AdministratorAccess&account_id=111111111111",
        Some("t"),
    );
    let akid = r.json()["roleCredentials"]["accessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    fake.role_credentials_for(&akid).unwrap()
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

#[test]
fn injected_500_malformed_and_delay() {
    let fake = FakeAws::start();
    fake.script().fail.push(("RegisterClient".into(), 500));
    let r = post_json(
        &fake,
        "/client/register",
        json!({"clientName": "c", "clientType": "public"}),
    );
    assert_oidc_error(&r, 500, "InternalServerException", "server_error");
    // Popped: the next one succeeds.
    let client = register(&fake, None);
    assert!(fake.script().fail.is_empty());

    fake.issue_token("t");
    fake.script().fail.push(("ListAccounts".into(), 500));
    let r = portal_get(&fake, "/assignment/accounts", Some("t"));
    assert_eq!(r.status, 500);
    assert!(r
        .header("x-amzn-ErrorType")
        .unwrap()
        .starts_with("InternalServerException:"));
    assert!(r.json()["message"].is_string());

    fake.script()
        .malformed
        .push("StartDeviceAuthorization".into());
    let r = post_json(
        &fake,
        "/device_authorization",
        json!({"clientId": client.0, "clientSecret": client.1, "startUrl": "u"}),
    );
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<Value>(&r.body).is_err(),
        "{}",
        r.body
    );
    fake.script().malformed.clear();

    fake.script().delay = Some(Duration::from_millis(300));
    let t = Instant::now();
    assert_eq!(
        portal_get(&fake, "/assignment/accounts", Some("t")).status,
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        fake.ops(),
        [
            "RegisterClient",
            "RegisterClient",
            "ListAccounts",
            "StartDeviceAuthorization",
            "ListAccounts"
        ]
    );
}

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

// ---------------------------------------------------------------------------------------------
// Interop: the real AWS SDK for Rust and Python botocore against the fake.

/// The AWS SDK for Rust (the crates ssox itself uses) speaks to the fake: typed OIDC errors,
/// the device flow, portal pagination, and STS with its own SigV4 signer.
#[test]
fn rust_sdk_interoperates_with_the_fake() {
    use aws_credential_types::Credentials;
    use aws_sdk_ssooidc::error::ProvideErrorMetadata;
    use aws_sdk_sts::config::{BehaviorVersion, Region};

    let fake = FakeAws::start();
    fake.script().accounts.push((
        "222222222222".into(),
        "other".into(),
        "other@example.com".into(),
        vec!["Dev".into()],
    ));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let oidc = aws_sdk_ssooidc::Client::from_conf(
            aws_sdk_ssooidc::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("eu-west-1"))
                .endpoint_url(fake.url())
                .build(),
        );
        let reg = oidc
            .register_client()
            .client_name("ssox-test")
            .client_type("public")
            .scopes("sso:account:access")
            .send()
            .await
            .unwrap();
        let (cid, csecret) = (reg.client_id().unwrap(), reg.client_secret().unwrap());
        assert!(reg.client_secret_expires_at() > now());
        let dev = oidc
            .start_device_authorization()
            .client_id(cid)
            .client_secret(csecret)
            .start_url("https://x.awsapps.com/start")
            .send()
            .await
            .unwrap();
        assert_eq!(dev.interval(), 1);
        let create = || {
            oidc.create_token()
                .grant_type("urn:ietf:params:oauth:grant-type:device_code")
                .client_id(cid)
                .client_secret(csecret)
                .device_code(dev.device_code().unwrap())
                .send()
        };
        let err = create().await.unwrap_err().into_service_error();
        assert!(err.is_authorization_pending_exception(), "{err:?}");
        assert_eq!(err.code(), Some("AuthorizationPendingException"));
        fake.script().slow_down_polls = 1;
        let err = create().await.unwrap_err().into_service_error();
        assert!(err.is_slow_down_exception(), "{err:?}");
        fake.approve_all();
        let tok = create().await.unwrap();
        let access = tok.access_token().unwrap().to_string();
        assert_eq!(tok.expires_in(), 28800);
        let refresh = tok.refresh_token().unwrap();
        let again = oidc
            .create_token()
            .grant_type("refresh_token")
            .client_id(cid)
            .client_secret(csecret)
            .refresh_token(refresh)
            .send()
            .await
            .unwrap();
        assert!(again.access_token().is_some());
        let err = oidc
            .create_token()
            .grant_type("refresh_token")
            .client_id(cid)
            .client_secret(csecret)
            .refresh_token(refresh)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_grant_exception(), "{err:?}");
        let err = oidc
            .start_device_authorization()
            .client_id("nope")
            .client_secret("x")
            .start_url("u")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_client_exception(), "{err:?}");

        let sso = aws_sdk_sso::Client::from_conf(
            aws_sdk_sso::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("eu-west-1"))
                .endpoint_url(fake.url())
                .build(),
        );
        let accounts: Vec<_> = sso
            .list_accounts()
            .access_token(&access)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap();
        let ids: Vec<_> = accounts.iter().map(|a| a.account_id().unwrap()).collect();
        assert_eq!(ids, ["111111111111", "222222222222"]);
        let roles: Vec<_> = sso
            .list_account_roles()
            .access_token(&access)
            .account_id("111111111111")
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap();
        let names: Vec<_> = roles.iter().map(|r| r.role_name().unwrap()).collect();
        assert_eq!(names, ["AdministratorAccess", "ReadOnlyAccess"]);
        let rc = sso
            .get_role_credentials()
            .access_token(&access)
            .account_id("111111111111")
            .role_name("AdministratorAccess")
            .send()
            .await
            .unwrap();
        let rc = rc.role_credentials().unwrap();
        assert!(rc.expiration() > now() * 1000);
        let err = sso
            .get_role_credentials()
            .access_token("bogus")
            .account_id("111111111111")
            .role_name("AdministratorAccess")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_unauthorized_exception(), "{err:?}");
        let err = sso
            .get_role_credentials()
            .access_token(&access)
            .account_id("111111111111")
            .role_name("Nope")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert_eq!(err.meta().code(), Some("ForbiddenException"), "{err:?}");

        let sts_for = |secret: &str| {
            aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .region(Region::new("ap-southeast-2"))
                    .endpoint_url(fake.url())
                    .credentials_provider(Credentials::new(
                        rc.access_key_id().unwrap(),
                        secret,
                        rc.session_token().map(str::to_string),
                        None,
                        "test",
                    ))
                    .build(),
            )
        };
        let id = sts_for(rc.secret_access_key().unwrap())
            .get_caller_identity()
            .send()
            .await
            .unwrap();
        assert_eq!(id.account(), Some("111111111111"));
        assert_eq!(
            id.arn(),
            Some("arn:aws:sts::111111111111:assumed-role/AdministratorAccess/ssox-user")
        );
        let err = sts_for("wrong")
            .get_caller_identity()
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert_eq!(err.meta().code(), Some("SignatureDoesNotMatch"), "{err:?}");

        sso.logout().access_token(&access).send().await.unwrap();
        assert!(!fake.token_valid(&access));
    });
    assert_eq!(fake.count("Logout"), 1);
    assert_eq!(fake.count("GetCallerIdentity"), 2);
}

/// A Python with botocore: `<repo>/.venv/bin/python` (what `.ci/run` installs), else `python3`.
/// Under CI a missing botocore fails; elsewhere the caller skips.
fn botocore_python() -> Option<std::path::PathBuf> {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    for py in [venv, std::path::PathBuf::from("python3")] {
        let ok = Command::new(&py)
            .args(["-c", "import botocore"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py);
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("botocore is not installed, but CI is set: .ci/run must install it");
    }
    eprintln!("skipped: no python with botocore (run .ci/run to install it)");
    None
}

/// botocore (what the AWS CLI and boto3 run on) speaks to the fake: its error parsing of the
/// OIDC and portal errors, pagination, and STS with its own SigV4 signer.
#[test]
fn botocore_interoperates_with_the_fake() {
    let Some(py) = botocore_python() else { return };
    let fake = FakeAws::start();
    fake.script().approval = Approval::AfterPolls(2);
    let script = r#"
import os, botocore.session
from botocore.config import Config
url = os.environ["FAKE_URL"]
s = botocore.session.get_session()
cfg = Config(retries={"max_attempts": 1})
oidc = s.create_client("sso-oidc", region_name="us-east-1", endpoint_url=url, config=cfg)
reg = oidc.register_client(clientName="botocore-client-x", clientType="public", scopes=["sso:account:access"])
dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl="https://x")
def token():
    return oidc.create_token(grantType="urn:ietf:params:oauth:grant-type:device_code",
                             clientId=reg["clientId"], clientSecret=reg["clientSecret"], deviceCode=dev["deviceCode"])
try:
    token(); print("no error")
except oidc.exceptions.AuthorizationPendingException as e:
    print("pending", e.response["Error"]["Code"], e.response["error"])
tok = token()
print("token", "refreshToken" in tok, tok["expiresIn"])
sso = s.create_client("sso", region_name="us-east-1", endpoint_url=url, config=cfg)
ids = [a["accountId"] for p in sso.get_paginator("list_accounts").paginate(accessToken=tok["accessToken"]) for a in p["accountList"]]
print("accounts", ids)
try:
    sso.list_accounts(accessToken="bogus")
except sso.exceptions.UnauthorizedException as e:
    print("unauthorized", e.response["Error"]["Message"])
rc = sso.get_role_credentials(accessToken=tok["accessToken"], accountId="111111111111", roleName="ReadOnlyAccess")["roleCredentials"]
for secret in (rc["secretAccessKey"], "wrong"):
    sts = s.create_client("sts", region_name="eu-west-1", endpoint_url=url, config=cfg,
                          aws_access_key_id=rc["accessKeyId"], aws_secret_access_key=secret,
                          aws_session_token=rc["sessionToken"])
    try:
        print("sts", sts.get_caller_identity()["Arn"])
    except sts.exceptions.ClientError as e:
        print("sts error", e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
"#;
    let out = Command::new(py)
        .args(["-c", script])
        .env("FAKE_URL", fake.url())
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "pending AuthorizationPendingException authorization_pending\n\
         token True 28800\n\
         accounts ['111111111111']\n\
         unauthorized Session token not found or invalid\n\
         sts arn:aws:sts::111111111111:assumed-role/ReadOnlyAccess/ssox-user\n\
         sts error SignatureDoesNotMatch 403\n"
    );
}

/// Requests are served concurrently (a delayed answer does not hold up others), and dropping the
/// fake closes the port (how tests play "AWS is down").
#[test]
fn concurrent_requests_and_drop_closes_the_port() {
    let fake = FakeAws::start();
    fake.issue_token("t");
    fake.script().delay = Some(Duration::from_millis(400));
    let t = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| s.spawn(|| portal_get(&fake, "/assignment/accounts", Some("t")).status))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), 200);
        }
    });
    assert!(
        t.elapsed() < Duration::from_millis(2000),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(fake.count("ListAccounts"), 6);
    assert!(fake.wait_for("ListAccounts", 6, Duration::ZERO));
    assert!(!fake.wait_for("ListAccounts", 7, Duration::from_millis(50)));

    let hostport = fake.url().trim_start_matches("http://").to_string();
    drop(fake);
    assert!(TcpStream::connect(&hostport).is_err());
}
