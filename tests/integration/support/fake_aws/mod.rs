//! A loopback fake of AWS, scriptable per test, speaking the wire shapes of
//! docs/compat.md#wire-shapes. One file per endpoint: `oidc` (sso-oidc), `portal` (the sso portal),
//! `sts` (GetCallerIdentity and AssumeRole with a real SigV4 check), `console` (the federation
//! endpoint), `signin` (the sign-in service's CreateOAuth2Token of `aws login` profiles), and
//! `browser` (the fake browser on PATH), over the small HTTP/1.1 server in `http`. This file holds
//! what they share: the script, the recorded requests, the issued state and the router.
//! Owns only test-side state; never touches the ssox sources or anything outside 127.0.0.1.
//!
//! Do not hold the guard of [`FakeAws::script`] while ssox runs: the server locks it per request.
//!
//! A new operation goes into its endpoint's `op` and `answer` (and `failure`/`malformed` when its
//! errors differ); a new endpoint is a file with an [`Endpoint`], listed in [`ENDPOINTS`].

#![allow(dead_code)]

#[cfg(unix)]
mod browser;
mod console;
mod http;
mod oidc;
mod portal;
mod signin;
pub mod sigv4;
mod sts;

pub use portal::numbered_accounts;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
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

    /// A parameter of a query-protocol request (STS): from the query, or the form body of a POST.
    pub fn form_param(&self, name: &str) -> Option<String> {
        self.query_param(name).or_else(|| {
            sigv4::form_decode(&self.body)
                .into_iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
        })
    }
}

/// When a device code gets approved; for PKCE, what the authorize page answers (`Deny`:
/// `error=access_denied`, `Never`: no redirect, anything else: a code at once).
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
    /// Never approved: device codes stay pending, and the authorize page (PKCE) shows its
    /// sign-in page without ever redirecting back.
    Never,
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
    /// (op, k, status): the k-th, 2k-th, 3k-th… request of that op (counted over the fake's life)
    /// fails with that status; k = 1 fails every request.
    pub fail_every: Vec<(String, u64, u16)>,
    /// Sleep before every answer.
    pub delay: Option<Duration>,
    /// Ops that answer 200 with a broken body.
    pub malformed: Vec<String>,
    /// (accountId, accountName, email, roles).
    pub accounts: Vec<(String, String, String, Vec<String>)>,
    /// ListAccounts / ListAccountRoles page size (further capped by `max_result`, which the portal
    /// accepts from 1 to 100).
    pub page_size: usize,
    /// (accountId, roleName) for which GetRoleCredentials answers 403.
    pub deny_roles: Vec<(String, String)>,
    /// Role ARNs whose trust policy refuses every caller: AssumeRole answers AccessDenied.
    pub deny_assume: Vec<String>,
    pub role_expires_in: i64,
    /// When set, GetRoleCredentials' expiry in epoch seconds (instead of now + role_expires_in).
    pub role_expires_at: Option<i64>,
    /// Seconds added to the `Date` header of every answer (a server clock ahead; negative:
    /// behind).
    pub date_offset: i64,
    /// Fields that replace StartDeviceAuthorization's (a hostile portal's `userCode`,
    /// `verificationUri`, `verificationUriComplete`).
    pub device_answer: Vec<(String, Value)>,
    /// The message of injected failures (instead of "injected failure").
    pub fail_message: Option<String>,
    /// The sign-in service's `expiresIn` for refreshed `aws login` credentials (900, its
    /// maximum).
    pub login_expires_in: i64,
    /// Who signs in at the sign-in service's authorize page: (account, role, session name).
    pub login_user: (String, String, String),
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
            fail_every: Vec::new(),
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
            deny_assume: Vec::new(),
            role_expires_in: 3600,
            role_expires_at: None,
            date_offset: 0,
            device_answer: Vec::new(),
            fail_message: None,
            login_expires_in: 900,
            login_user: ("012345678910".into(), "Admin".into(), "admin".into()),
        }
    }
}

/// Credentials the fake issued (the portal's role credentials, STS AssumeRole's, or an IAM
/// user's keys); STS and the sign-in endpoint accept them.
#[derive(Debug, Clone)]
struct RoleCreds {
    secret: String,
    /// Empty for an IAM user's long-term keys.
    session_token: String,
    account_id: String,
    /// What GetCallerIdentity answers for them.
    arn: String,
    user_id: String,
    expires_at: i64,
}

/// What the fake issued and received; every endpoint reads and changes it under one lock.
#[derive(Default)]
struct Inner {
    requests: Vec<Recorded>,
    counter: u64,
    clients: HashMap<String, oidc::Client>,
    devices: HashMap<String, oidc::Device>,
    /// authorization code -> what it was issued for
    auth_codes: HashMap<String, oidc::AuthCode>,
    /// access token -> expiry (epoch s), `None` = never expires
    access_tokens: HashMap<String, Option<i64>>,
    /// refresh token -> client id
    refresh_tokens: HashMap<String, String>,
    /// access key id -> issued role credentials
    role_creds: HashMap<String, RoleCreds>,
    slow_downs_served: u32,
    signin_tokens: Vec<String>,
    /// `aws login` refresh token -> what it refreshes into (the sign-in service, `signin`)
    login_grants: HashMap<String, signin::LoginGrant>,
    /// DPoP proof ids already used (a replay is refused)
    login_jtis: Vec<String>,
    /// `aws login` authorization codes not yet redeemed
    login_codes: HashMap<String, signin::LoginCode>,
    /// op -> requests of it answered so far, for [`Script::fail_every`]
    answered: HashMap<String, u64>,
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
    /// Requests received and not yet answered, and the most there ever were at once.
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

pub struct FakeAws {
    state: Arc<State>,
    server: Option<http::Server>,
}

impl Drop for FakeAws {
    /// Closes the port and every open connection before returning (how tests play "AWS is
    /// down").
    fn drop(&mut self) {
        self.server.take();
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The server and the recorded requests. Scripting that belongs to one endpoint (issuing tokens,
/// clients, role credentials) sits in that endpoint's file.
impl FakeAws {
    /// Bind 127.0.0.1:0 and serve on background threads (one per connection).
    pub fn start() -> FakeAws {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            url: format!("http://127.0.0.1:{port}"),
            script: Mutex::new(Script::default()),
            inner: Mutex::new(Inner::default()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        });
        let server = {
            let state = state.clone();
            http::Server::start(listener, move |rq| serve(&state, rq))
        };
        FakeAws {
            state,
            server: Some(server),
        }
    }

    pub fn url(&self) -> String {
        self.state.url.clone()
    }

    /// `127.0.0.1:PORT`, as ssox's messages name where a request went.
    pub fn place(&self) -> String {
        self.state.url.trim_start_matches("http://").to_string()
    }

    /// The endpoint overrides that point ssox (and every AWS SDK) at this fake.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL_SSO_OIDC", self.url()),
            ("AWS_ENDPOINT_URL_SSO", self.url()),
            ("AWS_ENDPOINT_URL_STS", self.url()),
            ("SSOX_SIGNIN_ENDPOINT", format!("{}/federation", self.url())),
            ("AWS_ENDPOINT_URL_SIGNIN", self.url()),
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

    /// The most requests the fake was serving at once (received, not yet answered), e.g. to
    /// check a client's concurrency with [`Script::delay`] set.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }
}

// ---------------------------------------------------------------------------------------------
// Request handling

/// One endpoint of the fake; each file defines one as `ENDPOINT`.
struct Endpoint {
    /// The op name of a request this endpoint serves (the request's `op` is still empty).
    op: fn(&Recorded) -> Option<&'static str>,
    /// The answer to a request of one of its ops.
    answer: fn(&mut Ctx, &Recorded) -> Answer,
    /// The answer to a failure injected through [`Script::fail`]: (op, status, request id).
    failure: fn(&str, u16, &str) -> Answer,
    /// A 200 with a broken body, for [`Script::malformed`].
    malformed: fn(&str) -> Answer,
}

/// Every endpoint, asked in this order which one serves a request.
static ENDPOINTS: [&Endpoint; 5] = [
    &oidc::ENDPOINT,
    &portal::ENDPOINT,
    &sts::ENDPOINT,
    &console::ENDPOINT,
    &signin::ENDPOINT,
];

/// What a handler may use: the fake's URL, the script, the issued state and the request id.
struct Ctx<'a> {
    url: &'a str,
    script: &'a Script,
    inner: &'a mut Inner,
    request_id: &'a str,
}

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

/// An injected failure of an op without typed errors.
fn plain_failure(status: u16) -> Answer {
    Answer::new(status, "text/plain", "injected failure")
}

/// A JSON answer cut short.
fn malformed_json() -> Answer {
    Answer::new(200, "application/json", "{\"accessToken\": \"tr")
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

fn body_json(rq: &Recorded) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_str(&rq.body) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

fn str_field(m: &serde_json::Map<String, Value>, k: &str) -> Option<String> {
    m.get(k).and_then(Value::as_str).map(str::to_string)
}

/// The op name for a request and the endpoint that serves it (`"Unknown"` and none when no
/// endpoint does).
fn route(rq: &Recorded) -> (&'static str, Option<&'static Endpoint>) {
    ENDPOINTS
        .iter()
        .find_map(|e| (e.op)(rq).map(|op| (op, Some(*e))))
        .unwrap_or(("Unknown", None))
}

fn serve(state: &State, rq: http::Request) -> http::Response {
    let (path, query) = match rq.target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (rq.target.clone(), String::new()),
    };
    let mut request = Recorded {
        op: String::new(),
        method: rq.method,
        path,
        query,
        headers: rq.headers,
        body: String::from_utf8_lossy(&rq.body).into_owned(),
    };
    let (op, endpoint) = route(&request);
    request.op = op.to_string();
    state.inner.lock().unwrap().requests.push(request.clone());
    let now_in_flight = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state
        .max_in_flight
        .fetch_max(now_in_flight, Ordering::SeqCst);

    let (delay, date_offset) = {
        let script = state.script.lock().unwrap();
        (script.delay, script.date_offset)
    };
    if let Some(d) = delay {
        std::thread::sleep(d);
    }
    let mut answer = answer(state, endpoint, &request);
    // AWS answers carry a Date header; the script can skew the server's clock.
    answer = answer.header("Date", &http_date(now() + date_offset));
    // Answered from here on: the client may send its next request as soon as it reads this.
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    http::Response {
        status: answer.status,
        headers: answer.headers,
        body: answer.body,
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`, the form of an HTTP `Date` header.
fn http_date(epoch: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .unwrap()
        .format(&format)
        .unwrap()
}

fn answer(state: &State, endpoint: Option<&Endpoint>, rq: &Recorded) -> Answer {
    let op = rq.op.as_str();
    let mut script = state.script.lock().unwrap();
    let mut inner = state.inner.lock().unwrap();
    let request_id = format!("fake-req-{:08}", inner.next());
    let nth = {
        let n = inner.answered.entry(op.to_string()).or_insert(0);
        *n += 1;
        *n
    };

    let injected = match script.fail.iter().position(|(o, _)| o == op) {
        Some(i) => Some(script.fail.remove(i).1),
        None => script
            .fail_every
            .iter()
            .find(|(o, k, _)| o == op && nth % (*k).max(1) == 0)
            .map(|f| f.2),
    };
    if let Some(status) = injected {
        let mut a = match endpoint {
            Some(e) => (e.failure)(op, status, &request_id),
            None => plain_failure(status),
        };
        if let Some(m) = &script.fail_message {
            let json = Value::String(m.clone()).to_string();
            a.body = a
                .body
                .replace("\"injected failure\"", &json)
                .replace("injected failure", m);
        }
        return a;
    }
    if script.malformed.iter().any(|o| o == op) {
        return match endpoint {
            Some(e) => (e.malformed)(op),
            None => malformed_json(),
        };
    }
    let answer = match endpoint {
        Some(e) => {
            let mut ctx = Ctx {
                url: &state.url,
                script: &script,
                inner: &mut inner,
                request_id: &request_id,
            };
            (e.answer)(&mut ctx, rq)
        }
        None => Answer::json(
            404,
            json!({"message": format!("fake AWS: no route for {} {}", rq.method, rq.path)}),
        ),
    };
    answer.header("x-amzn-RequestId", &request_id)
}
