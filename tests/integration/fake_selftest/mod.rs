//! Self-test of the fake AWS endpoint over real HTTP with a tiny hand-written client (this file):
//! the wire shapes of docs/compat.md#wire-shapes per endpoint (`oidc`, `portal`, `sts`,
//! `console`), scripting and the server loop (here), and the real AWS SDK for Rust and botocore
//! against the fake (`interop`). Touches no ssox code.

mod console;
mod interop;
mod oidc;
mod pkce;
mod portal;
mod sts;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::fake_aws::FakeAws;

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

fn portal_get(fake: &FakeAws, target: &str, token: Option<&str>) -> Resp {
    match token {
        Some(t) => http(fake, "GET", target, &[("x-amz-sso_bearer_token", t)], ""),
        None => http(fake, "GET", target, &[], ""),
    }
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

/// The status line and headers of the next response on a kept-alive connection: (status, head).
fn read_head(r: &mut std::io::BufReader<TcpStream>) -> (u16, String) {
    use std::io::BufRead;
    let mut head = String::new();
    loop {
        let mut line = String::new();
        assert!(r.read_line(&mut line).unwrap() > 0, "connection closed");
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    (head.split(' ').nth(1).unwrap().parse().unwrap(), head)
}

/// The next response on a kept-alive connection: (status, head, body).
fn read_response(r: &mut std::io::BufReader<TcpStream>) -> (u16, String, String) {
    let (status, head) = read_head(r);
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    (status, head, String::from_utf8(body).unwrap())
}

/// Connections that arrive together are all served and kept alive for the next request (the
/// SDK opens several at once), and dropping the fake closes those still open.
#[test]
fn a_burst_of_kept_alive_connections_is_served() {
    for _ in 0..5 {
        let fake = FakeAws::start();
        fake.issue_token("t");
        let hostport = fake.url().trim_start_matches("http://").to_string();
        let get = format!(
            "GET /assignment/accounts HTTP/1.1\r\nHost: {hostport}\r\nx-amz-sso_bearer_token: t\r\n\r\n"
        );
        let mut conns: Vec<std::io::BufReader<TcpStream>> = (0..8)
            .map(|_| {
                let mut s = TcpStream::connect(&hostport).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                s.write_all(get.as_bytes()).unwrap();
                std::io::BufReader::new(s)
            })
            .collect();
        for c in &mut conns {
            let (status, head, _) = read_response(c);
            assert_eq!(status, 200, "{head}");
            assert!(!head.contains("Connection: close"), "{head}");
            c.get_mut().write_all(get.as_bytes()).unwrap();
        }
        for c in &mut conns {
            assert_eq!(read_response(c).0, 200);
        }
        assert_eq!(fake.count("ListAccounts"), 16);
        drop(fake);
        for c in &mut conns {
            let mut rest = Vec::new();
            assert_eq!(c.read_to_end(&mut rest).unwrap_or(0), 0);
        }
    }
}

/// A chunked body sent after `Expect: 100-continue`, and `Connection: close` honoured.
#[test]
fn chunked_body_after_100_continue() {
    let fake = FakeAws::start();
    let hostport = fake.url().trim_start_matches("http://").to_string();
    let body = r#"{"clientName": "chunky", "clientType": "public"}"#;
    let (a, b) = body.split_at(10);
    let mut s = TcpStream::connect(&hostport).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(
        format!(
            "POST /client/register HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .unwrap();
    let mut r = std::io::BufReader::new(s.try_clone().unwrap());
    assert_eq!(
        read_head(&mut r),
        (100, "HTTP/1.1 100 Continue\r\n".to_string())
    );
    s.write_all(format!("{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n", a.len(), b.len()).as_bytes())
        .unwrap();
    let (status, head, answer) = read_response(&mut r);
    assert_eq!(status, 200, "{head}{answer}");
    assert!(head.contains("Connection: close\r\n"), "{head}");
    assert!(serde_json::from_str::<Value>(&answer).unwrap()["clientId"].is_string());
    let mut rest = Vec::new();
    assert_eq!(r.read_to_end(&mut rest).unwrap(), 0);
    assert_eq!(fake.requests()[0].body, body);
}
