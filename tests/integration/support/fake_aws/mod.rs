//! A loopback fake of AWS (sso-oidc, the sso portal, STS GetCallerIdentity with a real SigV4 check,
//! and the console federation endpoint) following reference §5 wire shapes, scriptable per test.
//! Owns only test-side state; never touches the ssox sources or anything outside 127.0.0.1.
//!
//! Do not hold the guard of [`FakeAws::script`] while ssox runs: the server locks it per request.

#![allow(dead_code)]

pub mod sigv4;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

/// One request the fake received, exactly as sent (nothing redacted).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub op: String,
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// A query parameter, decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        sigv4::form_decode(&self.query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// When a device code gets approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// When the browser visits `verificationUriComplete` (or on [`FakeAws::approve_all`]).
    OnVerify,
    /// On the nth CreateToken poll for that device code (counting slow_down answers).
    AfterPolls(u32),
    /// Every poll answers AccessDeniedException.
    Deny,
    /// Every poll answers ExpiredTokenException.
    Expire,
}

/// The fake's behaviour; change it at any time through [`FakeAws::script`].
#[derive(Debug, Clone)]
pub struct Script {
    pub approval: Approval,
    /// The first N device_code CreateToken polls (over the fake's life) answer slow_down.
    pub slow_down_polls: u32,
    /// CreateToken returns a refreshToken when this is true AND the client registered with
    /// scopes (as Identity Center does). Default true.
    pub issue_refresh_token: bool,
    pub token_expires_in: i64,
    pub client_secret_expires_in: i64,
    pub device_expires_in: i64,
    pub interval: i64,
    /// (op, status): the next request of that op fails with that status (popped when used).
    pub fail: Vec<(String, u16)>,
    /// Sleep before every answer.
    pub delay: Option<Duration>,
    /// Ops that answer 200 with a broken body.
    pub malformed: Vec<String>,
    /// (accountId, accountName, email, roles).
    pub accounts: Vec<(String, String, String, Vec<String>)>,
    /// ListAccounts / ListAccountRoles page size (further capped by `max_result`).
    pub page_size: usize,
    /// (accountId, roleName) for which GetRoleCredentials answers 403.
    pub deny_roles: Vec<(String, String)>,
    pub role_expires_in: i64,
}

impl Default for Script {
    fn default() -> Script {
        Script {
            approval: Approval::OnVerify,
            slow_down_polls: 0,
            issue_refresh_token: true,
            token_expires_in: 28800,
            client_secret_expires_in: 90 * 86400,
            device_expires_in: 600,
            interval: 1,
            fail: Vec::new(),
            delay: None,
            malformed: Vec::new(),
            accounts: vec![(
                "111111111111".into(),
                "blog".into(),
                "blog@example.com".into(),
                vec!["AdministratorAccess".into(), "ReadOnlyAccess".into()],
            )],
            page_size: 1,
            deny_roles: Vec::new(),
            role_expires_in: 3600,
        }
    }
}

#[derive(Debug, Clone)]
struct Client {
    secret: String,
    scopes: Vec<String>,
    secret_expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeviceState {
    Pending,
    Approved,
    Used,
}

#[derive(Debug, Clone)]
struct Device {
    client_id: String,
    user_code: String,
    state: DeviceState,
    polls: u32,
    expires_at: i64,
}

#[derive(Debug, Clone)]
struct RoleCreds {
    secret: String,
    session_token: String,
    account_id: String,
    role_name: String,
    expires_at: i64,
}

#[derive(Default)]
struct Inner {
    requests: Vec<Recorded>,
    counter: u64,
    clients: HashMap<String, Client>,
    devices: HashMap<String, Device>,
    /// access token -> expiry (epoch s), `None` = never expires
    access_tokens: HashMap<String, Option<i64>>,
    /// refresh token -> client id
    refresh_tokens: HashMap<String, String>,
    /// access key id -> issued role credentials
    role_creds: HashMap<String, RoleCreds>,
    slow_downs_served: u32,
    signin_tokens: Vec<String>,
}

impl Inner {
    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }
}

struct State {
    url: String,
    script: Mutex<Script>,
    inner: Mutex<Inner>,
}

pub struct FakeAws {
    state: Arc<State>,
    server: Option<Arc<tiny_http::Server>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for FakeAws {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(server) = self.server.take() {
            server.unblock();
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
            drop(server);
        }
        // tiny_http closes its listener on its own thread: wait until the port refuses.
        let addr = self.state.url.trim_start_matches("http://").to_string();
        for _ in 0..200 {
            if std::net::TcpStream::connect(&addr).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl FakeAws {
    /// Bind 127.0.0.1:0 and serve on background threads (one per request).
    pub fn start() -> FakeAws {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let state = Arc::new(State {
            url: format!("http://127.0.0.1:{port}"),
            script: Mutex::new(Script::default()),
            inner: Mutex::new(Inner::default()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (server, state, stop) = (server.clone(), state.clone(), stop.clone());
            std::thread::spawn(move || loop {
                let rq = match server.recv() {
                    Ok(rq) => rq,
                    Err(_) if stop.load(Ordering::SeqCst) => return,
                    Err(_) => continue,
                };
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let state = state.clone();
                std::thread::spawn(move || serve(&state, rq));
            })
        };
        FakeAws {
            state,
            server: Some(server),
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        self.state.url.clone()
    }

    /// The endpoint overrides that point ssox (and every AWS SDK) at this fake.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL_SSO_OIDC", self.url()),
            ("AWS_ENDPOINT_URL_SSO", self.url()),
            ("AWS_ENDPOINT_URL_STS", self.url()),
            ("SSOX_SIGNIN_ENDPOINT", format!("{}/federation", self.url())),
        ]
    }

    pub fn script(&self) -> MutexGuard<'_, Script> {
        self.state.script.lock().unwrap()
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.state.inner.lock().unwrap()
    }

    /// Every request, in order of arrival.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner().requests.clone()
    }

    pub fn count(&self, op: &str) -> usize {
        self.inner().requests.iter().filter(|r| r.op == op).count()
    }

    pub fn ops(&self) -> Vec<String> {
        self.inner().requests.iter().map(|r| r.op.clone()).collect()
    }

    /// Wait until at least `n` requests of `op` were received; false on timeout.
    pub fn wait_for(&self, op: &str, n: usize, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if self.count(op) >= n {
                return true;
            }
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Forget the recorded requests (state such as tokens is kept).
    pub fn clear_requests(&self) {
        self.inner().requests.clear();
    }

    /// Approve every pending device code (a `Deny` or `Expire` script still answers that way).
    pub fn approve_all(&self) {
        for d in self.inner().devices.values_mut() {
            if d.state == DeviceState::Pending {
                d.state = DeviceState::Approved;
            }
        }
    }

    /// Make `token` a valid access token (no expiry), e.g. for a pre-seeded cache file.
    pub fn issue_token(&self, token: &str) {
        self.inner().access_tokens.insert(token.to_string(), None);
    }

    /// Make `token` a valid refresh token for a client registered here.
    pub fn issue_refresh_token(&self, token: &str, client_id: &str) {
        self.inner()
            .refresh_tokens
            .insert(token.to_string(), client_id.to_string());
    }

    /// Register a client (as RegisterClient would) with a chosen id and secret, e.g. for a
    /// pre-seeded cache file. `scopes` decides whether CreateToken hands out refresh tokens.
    pub fn register_client(&self, client_id: &str, secret: &str, scopes: &[&str]) {
        let expires = now() + self.script().client_secret_expires_in;
        self.inner().clients.insert(
            client_id.to_string(),
            Client {
                secret: secret.to_string(),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                secret_expires_at: expires,
            },
        );
    }

    /// Whether the portal would accept `token` now (issued, not expired, not logged out).
    pub fn token_valid(&self, token: &str) -> bool {
        token_ok(&self.inner(), token)
    }

    /// The role credentials issued under this access key id: (akid, secret, session token).
    pub fn role_credentials_for(&self, access_key_id: &str) -> Option<(String, String, String)> {
        self.inner().role_creds.get(access_key_id).map(|c| {
            (
                access_key_id.to_string(),
                c.secret.clone(),
                c.session_token.clone(),
            )
        })
    }

    /// Make role credentials valid for STS and the sign-in endpoint (e.g. a pre-seeded role cache).
    pub fn issue_role_credentials(
        &self,
        access_key_id: &str,
        secret: &str,
        session_token: &str,
        account_id: &str,
        role_name: &str,
    ) {
        self.inner().role_creds.insert(
            access_key_id.to_string(),
            RoleCreds {
                secret: secret.to_string(),
                session_token: session_token.to_string(),
                account_id: account_id.to_string(),
                role_name: role_name.to_string(),
                expires_at: now() + 3600,
            },
        );
    }

    /// A directory with `xdg-open`, `open` and `wslview` stubs that GET the URL given as $1 (bash
    /// /dev/tcp) and then append it as one line to `<dir>/browser.log` (so a logged line means the
    /// visit is done). Non-`http://` URLs are only logged.
    pub fn browser_dir(&self, parent: &Path) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let dir = parent.join("fake-browser");
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("browser.log");
        let script = format!(
            r#"#!/usr/bin/env bash
# Fake browser for ssox tests: fetch $1 over plain HTTP, then log it.
url="$1"
case "$url" in
  http://*)
    rest="${{url#http://}}"
    hostport="${{rest%%/*}}"
    if [ "$rest" = "$hostport" ]; then path=/; else path="/${{rest#*/}}"; fi
    host="${{hostport%%:*}}"
    port="${{hostport##*:}}"
    [ "$port" = "$hostport" ] && port=80
    if exec 3<>"/dev/tcp/$host/$port"; then
      printf 'GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ssox-fake-browser\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
      cat <&3 >/dev/null
      exec 3<&-
    fi
    ;;
esac
printf '%s\n' "$url" >> '{log}'
"#,
            log = log.display()
        );
        for name in ["xdg-open", "open", "wslview"] {
            let p = dir.join(name);
            std::fs::write(&p, &script).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        dir
    }

    /// The lines of `<dir>/browser.log` (empty when no browser was opened).
    pub fn browser_log(dir: &Path) -> Vec<String> {
        std::fs::read_to_string(dir.join("browser.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

fn token_ok(inner: &Inner, token: &str) -> bool {
    match inner.access_tokens.get(token) {
        Some(None) => true,
        Some(Some(exp)) => now() < *exp,
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Request handling

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn new(status: u16, content_type: &str, body: impl Into<String>) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
    fn json(status: u16, v: Value) -> Answer {
        Answer::new(status, "application/json", v.to_string())
    }
    fn header(mut self, k: &str, v: &str) -> Answer {
        self.headers.push((k.into(), v.into()));
        self
    }
}

const OIDC_NS: &str = "http://internal.amazon.com/coral/com.amazonaws.ssooidc/";
const PORTAL_NS: &str = "http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/";

/// An sso-oidc error: typed header and `{"error", "error_description"}`.
fn oidc_error(status: u16, kind: &str, error: &str, description: &str) -> Answer {
    Answer::json(
        status,
        json!({"error": error, "error_description": description}),
    )
    .header("x-amzn-ErrorType", &format!("{kind}:{OIDC_NS}"))
}

/// An sso portal error: typed header and `{"message"}`.
fn portal_error(status: u16, kind: &str, message: &str) -> Answer {
    Answer::json(status, json!({"message": message}))
        .header("x-amzn-ErrorType", &format!("{kind}:{PORTAL_NS}"))
}

fn sts_error(status: u16, kind: &str, code: &str, message: &str, request_id: &str) -> Answer {
    Answer::new(
        status,
        "text/xml",
        format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{code}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
            xml_escape(message)
        ),
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_escape(s: &str) -> String {
    xml_escape(s)
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The op name for a request.
fn classify(method: &str, path: &str, query: &str, body: &str) -> &'static str {
    let q = sigv4::form_decode(query);
    match (method, path) {
        ("POST", "/client/register") => "RegisterClient",
        ("POST", "/device_authorization") => "StartDeviceAuthorization",
        ("POST", "/token") => "CreateToken",
        ("GET", "/device") => "Verify",
        ("GET", "/federation/credentials") => "GetRoleCredentials",
        ("GET", "/assignment/accounts") => "ListAccounts",
        ("GET", "/assignment/roles") => "ListAccountRoles",
        ("POST", "/logout") => "Logout",
        ("GET", "/federation") => match param(&q, "Action").as_deref() {
            Some("getSigninToken") => "GetSigninToken",
            Some("login") => "ConsoleLogin",
            _ => "Unknown",
        },
        (_, "/") => {
            let mut all = q;
            if method == "POST" {
                all.extend(sigv4::form_decode(body));
            }
            match param(&all, "Action").as_deref() {
                Some("GetCallerIdentity") => "GetCallerIdentity",
                _ => "Unknown",
            }
        }
        _ => "Unknown",
    }
}

fn serve(state: &State, mut rq: tiny_http::Request) {
    let method = rq.method().as_str().to_ascii_uppercase();
    let (path, query) = match rq.url().split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (rq.url().to_string(), String::new()),
    };
    let headers: Vec<(String, String)> = rq
        .headers()
        .iter()
        .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_string()))
        .collect();
    let mut raw = Vec::new();
    let _ = rq.as_reader().read_to_end(&mut raw);
    let body = String::from_utf8_lossy(&raw).into_owned();
    let op = classify(&method, &path, &query, &body);
    let request = Recorded {
        op: op.to_string(),
        method,
        path,
        query,
        headers,
        body,
    };
    state.inner.lock().unwrap().requests.push(request.clone());

    let delay = state.script.lock().unwrap().delay;
    if let Some(d) = delay {
        std::thread::sleep(d);
    }
    let answer = answer(state, &request);
    let mut response =
        tiny_http::Response::from_string(answer.body).with_status_code(answer.status);
    for (k, v) in &answer.headers {
        response = response
            .with_header(tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap());
    }
    let _ = rq.respond(response);
}

fn answer(state: &State, rq: &Recorded) -> Answer {
    let op = rq.op.as_str();
    let mut script = state.script.lock().unwrap();
    let mut inner = state.inner.lock().unwrap();
    let request_id = format!("fake-req-{:08}", inner.next());

    if let Some(i) = script.fail.iter().position(|(o, _)| o == op) {
        let (_, status) = script.fail.remove(i);
        return injected_failure(op, status, &request_id);
    }
    if script.malformed.iter().any(|o| o == op) {
        return match op {
            "GetCallerIdentity" => Answer::new(
                200,
                "text/xml",
                "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>",
            ),
            "Verify" | "ConsoleLogin" => Answer::new(200, "text/html", "<html><body"),
            _ => Answer::new(200, "application/json", "{\"accessToken\": \"tr"),
        };
    }
    let answer = match op {
        "RegisterClient" => register_client(&script, &mut inner, rq),
        "StartDeviceAuthorization" => start_device(&state.url, &script, &mut inner, rq),
        "CreateToken" => create_token(&script, &mut inner, rq),
        "Verify" => verify(&script, &mut inner, rq),
        "GetRoleCredentials" | "ListAccounts" | "ListAccountRoles" | "Logout" => {
            portal(op, &script, &mut inner, rq)
        }
        "GetCallerIdentity" => get_caller_identity(&inner, rq, &request_id),
        "GetSigninToken" => get_signin_token(&mut inner, rq),
        "ConsoleLogin" => console_login(&inner, rq),
        _ => Answer::json(
            404,
            json!({"message": format!("fake AWS: no route for {} {}", rq.method, rq.path)}),
        ),
    };
    answer.header("x-amzn-RequestId", &request_id)
}

fn injected_failure(op: &str, status: u16, request_id: &str) -> Answer {
    match op {
        "RegisterClient" | "StartDeviceAuthorization" | "CreateToken" => {
            let (kind, error) = match status {
                500..=599 => ("InternalServerException", "server_error"),
                401 => ("InvalidClientException", "invalid_client"),
                403 => ("AccessDeniedException", "access_denied"),
                _ => ("InvalidRequestException", "invalid_request"),
            };
            oidc_error(status, kind, error, "injected failure")
        }
        "GetRoleCredentials" | "ListAccounts" | "ListAccountRoles" | "Logout" => {
            let kind = match status {
                401 => "UnauthorizedException",
                403 => "ForbiddenException",
                404 => "ResourceNotFoundException",
                429 => "TooManyRequestsException",
                400..=499 => "InvalidRequestException",
                _ => "InternalServerException",
            };
            portal_error(status, kind, "injected failure")
        }
        "GetCallerIdentity" => {
            let (kind, code) = match status {
                500..=599 => ("Receiver", "InternalFailure"),
                403 => ("Sender", "AccessDenied"),
                429 | 400 => ("Sender", "Throttling"),
                _ => ("Sender", "InvalidAction"),
            };
            sts_error(status, kind, code, "injected failure", request_id)
        }
        _ => Answer::new(status, "text/plain", "injected failure"),
    }
}

fn body_json(rq: &Recorded) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_str(&rq.body) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

fn str_field(m: &serde_json::Map<String, Value>, k: &str) -> Option<String> {
    m.get(k).and_then(Value::as_str).map(str::to_string)
}

fn register_client(script: &Script, inner: &mut Inner, rq: &Recorded) -> Answer {
    let Some(m) = body_json(rq) else {
        return oidc_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            "body is not a JSON object",
        );
    };
    if str_field(&m, "clientName").is_none() || str_field(&m, "clientType").is_none() {
        return oidc_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            "clientName and clientType are required",
        );
    }
    let scopes: Vec<String> = m
        .get("scopes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let n = inner.next();
    let id = format!("fake-client-{n}");
    let secret = format!("fake-client-secret-{n}-c2VjcmV0");
    let t = now();
    let expires = t + script.client_secret_expires_in;
    inner.clients.insert(
        id.clone(),
        Client {
            secret: secret.clone(),
            scopes,
            secret_expires_at: expires,
        },
    );
    Answer::json(
        200,
        json!({"clientId": id, "clientSecret": secret, "clientIdIssuedAt": t, "clientSecretExpiresAt": expires}),
    )
}

/// Checks clientId/clientSecret; `Err` is the invalid_client answer.
fn check_client(inner: &Inner, m: &serde_json::Map<String, Value>) -> Result<Client, Answer> {
    let id = str_field(m, "clientId").unwrap_or_default();
    let secret = str_field(m, "clientSecret").unwrap_or_default();
    match inner.clients.get(&id) {
        Some(c) if c.secret == secret && now() < c.secret_expires_at => Ok(c.clone()),
        Some(c) if c.secret == secret => Err(oidc_error(
            401,
            "InvalidClientException",
            "invalid_client",
            "Client registration has expired",
        )),
        _ => Err(oidc_error(
            401,
            "InvalidClientException",
            "invalid_client",
            "Invalid client",
        )),
    }
}

fn user_code(n: u64) -> String {
    let mut letters = String::new();
    let mut x = n;
    for _ in 0..4 {
        letters.insert(0, (b'A' + (x % 26) as u8) as char);
        x /= 26;
    }
    format!("{letters}-{:04}", n % 10000)
}

fn start_device(url: &str, script: &Script, inner: &mut Inner, rq: &Recorded) -> Answer {
    let Some(m) = body_json(rq) else {
        return oidc_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            "body is not a JSON object",
        );
    };
    let client_id = str_field(&m, "clientId").unwrap_or_default();
    if let Err(a) = check_client(inner, &m) {
        return a;
    }
    if str_field(&m, "startUrl").is_none() {
        return oidc_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            "startUrl is required",
        );
    }
    let n = inner.next();
    let device_code = format!("fake-device-code-{n}");
    let code = user_code(n);
    inner.devices.insert(
        device_code.clone(),
        Device {
            client_id,
            user_code: code.clone(),
            state: DeviceState::Pending,
            polls: 0,
            expires_at: now() + script.device_expires_in,
        },
    );
    Answer::json(
        200,
        json!({
            "deviceCode": device_code,
            "userCode": code,
            "verificationUri": format!("{url}/device"),
            "verificationUriComplete": format!("{url}/device?user_code={code}"),
            "expiresIn": script.device_expires_in,
            "interval": script.interval,
        }),
    )
}

fn issue_tokens(script: &Script, inner: &mut Inner, client_id: &str, client: &Client) -> Value {
    let n = inner.next();
    let access = format!("fake-access-token-{n}");
    inner
        .access_tokens
        .insert(access.clone(), Some(now() + script.token_expires_in));
    let mut v =
        json!({"accessToken": access, "tokenType": "Bearer", "expiresIn": script.token_expires_in});
    if script.issue_refresh_token && !client.scopes.is_empty() {
        let refresh = format!("fake-refresh-token-{n}");
        inner
            .refresh_tokens
            .insert(refresh.clone(), client_id.to_string());
        v["refreshToken"] = json!(refresh);
    }
    v
}

fn create_token(script: &Script, inner: &mut Inner, rq: &Recorded) -> Answer {
    let Some(m) = body_json(rq) else {
        return oidc_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            "body is not a JSON object",
        );
    };
    let client = match check_client(inner, &m) {
        Ok(c) => c,
        Err(a) => return a,
    };
    let client_id = str_field(&m, "clientId").unwrap_or_default();
    match str_field(&m, "grantType").as_deref() {
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            let code = str_field(&m, "deviceCode").unwrap_or_default();
            let slow = inner.slow_downs_served < script.slow_down_polls;
            let Some(dev) = inner.devices.get_mut(&code) else {
                return oidc_error(
                    400,
                    "InvalidGrantException",
                    "invalid_grant",
                    "Invalid device code",
                );
            };
            if dev.client_id != client_id || dev.state == DeviceState::Used {
                return oidc_error(
                    400,
                    "InvalidGrantException",
                    "invalid_grant",
                    "Invalid device code",
                );
            }
            dev.polls += 1;
            match script.approval {
                Approval::Deny => {
                    return oidc_error(
                        400,
                        "AccessDeniedException",
                        "access_denied",
                        "The user denied the authorization request",
                    )
                }
                Approval::Expire => {
                    return oidc_error(
                        400,
                        "ExpiredTokenException",
                        "expired_token",
                        "The device code has expired",
                    )
                }
                _ => {}
            }
            if now() >= dev.expires_at {
                return oidc_error(
                    400,
                    "ExpiredTokenException",
                    "expired_token",
                    "The device code has expired",
                );
            }
            if slow {
                inner.slow_downs_served += 1;
                return oidc_error(
                    400,
                    "SlowDownException",
                    "slow_down",
                    "Client is polling too fast",
                );
            }
            if let Approval::AfterPolls(n) = script.approval {
                if dev.polls >= n {
                    dev.state = DeviceState::Approved;
                }
            }
            if dev.state != DeviceState::Approved {
                return oidc_error(
                    400,
                    "AuthorizationPendingException",
                    "authorization_pending",
                    "Authorization is still pending",
                );
            }
            dev.state = DeviceState::Used;
            Answer::json(200, issue_tokens(script, inner, &client_id, &client))
        }
        Some("refresh_token") => {
            let refresh = str_field(&m, "refreshToken").unwrap_or_default();
            if inner.refresh_tokens.get(&refresh) != Some(&client_id) {
                return oidc_error(
                    400,
                    "InvalidGrantException",
                    "invalid_grant",
                    "Invalid refresh token",
                );
            }
            let v = issue_tokens(script, inner, &client_id, &client);
            if v.get("refreshToken").is_some() {
                inner.refresh_tokens.remove(&refresh);
            }
            Answer::json(200, v)
        }
        Some(_) => oidc_error(
            400,
            "UnsupportedGrantTypeException",
            "unsupported_grant_type",
            "Unsupported grant type",
        ),
        None => oidc_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            "grantType is required",
        ),
    }
}

fn verify(script: &Script, inner: &mut Inner, rq: &Recorded) -> Answer {
    let Some(code) = rq.query_param("user_code") else {
        return Answer::new(
            200,
            "text/html",
            "<html><body><h1>Fake AWS</h1><p>Enter your code.</p></body></html>\n",
        );
    };
    let Some(dev) = inner.devices.values_mut().find(|d| d.user_code == code) else {
        return Answer::new(
            404,
            "text/html",
            format!(
                "<html><body><p>Unknown code {}</p></body></html>\n",
                html_escape(&code)
            ),
        );
    };
    if script.approval == Approval::OnVerify && dev.state == DeviceState::Pending {
        dev.state = DeviceState::Approved;
    }
    Answer::new(
        200,
        "text/html",
        format!("<html><body><h1>Fake AWS</h1><p>Request {} seen. You can close this window.</p></body></html>\n", html_escape(&code)),
    )
}

fn page<T: Clone>(
    items: &[T],
    rq: &Recorded,
    script: &Script,
    prefix: &str,
) -> Result<(Vec<T>, Option<String>), Answer> {
    let mut size = script.page_size.max(1);
    if let Some(max) = rq
        .query_param("max_result")
        .and_then(|m| m.parse::<usize>().ok())
    {
        size = size.min(max.max(1));
    }
    let start = match rq.query_param("next_token") {
        None => 0,
        Some(t) => match t.strip_prefix(prefix).and_then(|n| n.parse::<usize>().ok()) {
            Some(n) if n <= items.len() => n,
            _ => {
                return Err(portal_error(
                    400,
                    "InvalidRequestException",
                    "Invalid next token",
                ))
            }
        },
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| format!("{prefix}{end}"));
    Ok((items[start..end].to_vec(), next))
}

fn portal(op: &str, script: &Script, inner: &mut Inner, rq: &Recorded) -> Answer {
    let token = rq
        .header("x-amz-sso_bearer_token")
        .unwrap_or_default()
        .to_string();
    if !token_ok(inner, &token) {
        return portal_error(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
    }
    match op {
        "Logout" => {
            inner.access_tokens.remove(&token);
            Answer {
                status: 200,
                headers: Vec::new(),
                body: String::new(),
            }
        }
        "ListAccounts" => {
            let list: Vec<Value> = script
                .accounts
                .iter()
                .map(|(id, name, email, _)| json!({"accountId": id, "accountName": name, "emailAddress": email}))
                .collect();
            match page(&list, rq, script, "accounts-page-") {
                Ok((items, next)) => {
                    let mut v = json!({"accountList": items});
                    if let Some(n) = next {
                        v["nextToken"] = json!(n);
                    }
                    Answer::json(200, v)
                }
                Err(a) => a,
            }
        }
        "ListAccountRoles" => {
            let Some(account) = rq.query_param("account_id") else {
                return portal_error(400, "InvalidRequestException", "account_id is required");
            };
            let list: Vec<Value> = script
                .accounts
                .iter()
                .filter(|a| a.0 == account)
                .flat_map(|a| a.3.iter().map(|r| json!({"roleName": r, "accountId": a.0})))
                .collect();
            match page(&list, rq, script, "roles-page-") {
                Ok((items, next)) => {
                    let mut v = json!({"roleList": items});
                    if let Some(n) = next {
                        v["nextToken"] = json!(n);
                    }
                    Answer::json(200, v)
                }
                Err(a) => a,
            }
        }
        _ => {
            let (Some(role), Some(account)) =
                (rq.query_param("role_name"), rq.query_param("account_id"))
            else {
                return portal_error(
                    400,
                    "InvalidRequestException",
                    "role_name and account_id are required",
                );
            };
            let assigned = script.accounts.is_empty()
                || script
                    .accounts
                    .iter()
                    .any(|a| a.0 == account && a.3.contains(&role));
            if !assigned || script.deny_roles.contains(&(account.clone(), role.clone())) {
                return portal_error(403, "ForbiddenException", "No access");
            }
            let n = inner.next();
            let akid = format!("ASIAFAKE{n:012}");
            let secret = format!("fakeSecretAccessKey/{n:08}+abcdefghijklmnopqr");
            let session =
                format!("FakeSessionToken//{n}//IQoJb3JpZ2luX2VjEFAaCXVzLWVhc3QtMSJHMEUCIQ");
            let expires_at = now() + script.role_expires_in;
            inner.role_creds.insert(
                akid.clone(),
                RoleCreds {
                    secret: secret.clone(),
                    session_token: session.clone(),
                    account_id: account,
                    role_name: role,
                    expires_at,
                },
            );
            Answer::json(
                200,
                json!({"roleCredentials": {
                    "accessKeyId": akid,
                    "secretAccessKey": secret,
                    "sessionToken": session,
                    "expiration": expires_at * 1000,
                }}),
            )
        }
    }
}

fn role_user_id(account: &str, role: &str) -> String {
    let h = sigv4::hex_sha256(format!("{account}/{role}").as_bytes()).to_ascii_uppercase();
    format!("AROA{}", &h[..17])
}

fn get_caller_identity(inner: &Inner, rq: &Recorded, request_id: &str) -> Answer {
    let denied = |code: &str, msg: &str| sts_error(403, "Sender", code, msg, request_id);
    let Some(auth_header) = rq.header("authorization") else {
        return denied(
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        );
    };
    let Some(auth) = sigv4::parse_authorization(auth_header) else {
        return denied("IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
    };
    let Some(creds) = inner.role_creds.get(&auth.access_key_id) else {
        return denied(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        );
    };
    if rq.header("x-amz-security-token") != Some(creds.session_token.as_str()) {
        return denied(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        );
    }
    let Some(amz_date) = rq.header("x-amz-date") else {
        return denied(
            "IncompleteSignature",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        );
    };
    if auth.service != "sts"
        || auth.terminator != "aws4_request"
        || !amz_date.starts_with(&auth.date)
    {
        return denied("SignatureDoesNotMatch", "Credential should be scoped to a valid region and service 'sts', and to the date of X-Amz-Date.");
    }
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return denied(
            "SignatureDoesNotMatch",
            "'Host' must be a 'SignedHeader' in the AWS Authorization.",
        );
    }
    let payload_hash = match rq.header("x-amz-content-sha256") {
        Some(h) => h.to_string(),
        None => sigv4::hex_sha256(rq.body.as_bytes()),
    };
    let creq = sigv4::canonical_request(
        &rq.method,
        &rq.path,
        &rq.query,
        &rq.headers,
        &auth.signed_headers,
        &payload_hash,
    );
    let expected = sigv4::signature(&creds.secret, amz_date, &auth.region, "sts", &creq);
    if expected != auth.signature {
        return denied(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        );
    }
    if now() >= creds.expires_at {
        return sts_error(
            400,
            "Sender",
            "ExpiredToken",
            "The security token included in the request is expired",
            request_id,
        );
    }
    Answer::new(
        200,
        "text/xml",
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    <Arn>arn:aws:sts::{acct}:assumed-role/{role}/ssox-user</Arn>\n    <UserId>{uid}:ssox-user</UserId>\n    <Account>{acct}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
            acct = creds.account_id,
            role = xml_escape(&creds.role_name),
            uid = role_user_id(&creds.account_id, &creds.role_name),
        ),
    )
}

fn get_signin_token(inner: &mut Inner, rq: &Recorded) -> Answer {
    let bad = |msg: &str| Answer::new(400, "text/plain", msg.to_string());
    let Some(session) = rq.query_param("Session") else {
        return bad("missing Session");
    };
    if let Some(d) = rq.query_param("SessionDuration") {
        match d.parse::<i64>() {
            Ok(s) if (900..=43200).contains(&s) => {}
            _ => return bad("invalid SessionDuration"),
        }
    }
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&session) else {
        return bad("Session is not a JSON object");
    };
    let (Some(id), Some(key), Some(token)) = (
        str_field(&m, "sessionId"),
        str_field(&m, "sessionKey"),
        str_field(&m, "sessionToken"),
    ) else {
        return bad("Session needs sessionId, sessionKey and sessionToken");
    };
    match inner.role_creds.get(&id) {
        Some(c) if c.secret == key && c.session_token == token => {
            let t = format!("fake-signin-{}", inner.next());
            inner.signin_tokens.push(t.clone());
            Answer::json(200, json!({"SigninToken": t}))
        }
        _ => bad("invalid credentials"),
    }
}

fn console_login(inner: &Inner, rq: &Recorded) -> Answer {
    match rq.query_param("SigninToken") {
        Some(t) if inner.signin_tokens.contains(&t) => Answer::new(
            200,
            "text/html",
            "<html><body><h1>Fake AWS console</h1></body></html>\n",
        ),
        _ => Answer::new(
            400,
            "text/html",
            "<html><body><p>invalid sign-in token</p></body></html>\n",
        ),
    }
}
