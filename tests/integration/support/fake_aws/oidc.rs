//! The fake sso-oidc endpoint: RegisterClient, StartDeviceAuthorization, CreateToken (device
//! code, authorization code and refresh grants), the verification page a browser visits
//! (`GET /device`) and the authorize page of PKCE logins (`GET /authorize`, which redirects the
//! browser to the loopback callback), with the typed errors of docs/compat.md#wire-shapes. It
//! issues clients, device codes, authorization codes and tokens, and checks what
//! docs/compat.md#pkce asks: one flow per client, the S256 challenge against the verifier, the
//! loopback redirect.

use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{
    body_json, html_escape, malformed_json, now, plain_failure, str_field, Answer, Approval, Ctx,
    Endpoint, FakeAws, Inner, Recorded, Script,
};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The redirect a PKCE client registers (any port may be used with it).
const LOOPBACK_REDIRECT: &str = "http://127.0.0.1/oauth/callback";

/// A registered client.
#[derive(Debug, Clone)]
pub(super) struct Client {
    secret: String,
    scopes: Vec<String>,
    secret_expires_at: i64,
    /// As registered; empty = the service's default (device code and refresh token).
    grant_types: Vec<String>,
    redirect_uris: Vec<String>,
}

impl Client {
    fn allows(&self, grant: &str) -> bool {
        if self.grant_types.is_empty() {
            grant == DEVICE_GRANT || grant == "refresh_token"
        } else {
            self.grant_types.iter().any(|g| g == grant)
        }
    }
}

/// An authorization code the authorize page issued.
#[derive(Debug, Clone)]
pub(super) struct AuthCode {
    client_id: String,
    challenge: String,
    redirect_uri: String,
    used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeviceState {
    Pending,
    Approved,
    Used,
}

/// A device authorization waiting for (or past) its approval.
#[derive(Debug, Clone)]
pub(super) struct Device {
    client_id: String,
    user_code: String,
    state: DeviceState,
    polls: u32,
    expires_at: i64,
}

pub(super) const ENDPOINT: Endpoint = Endpoint {
    op,
    answer,
    failure,
    malformed,
};

fn op(rq: &Recorded) -> Option<&'static str> {
    match (rq.method.as_str(), rq.path.as_str()) {
        ("POST", "/client/register") => Some("RegisterClient"),
        ("POST", "/device_authorization") => Some("StartDeviceAuthorization"),
        ("POST", "/token") => Some("CreateToken"),
        ("GET", "/device") => Some("Verify"),
        ("GET", "/authorize") => Some("Authorize"),
        _ => None,
    }
}

fn answer(ctx: &mut Ctx, rq: &Recorded) -> Answer {
    match rq.op.as_str() {
        "RegisterClient" => register_client(ctx.script, ctx.inner, rq),
        "StartDeviceAuthorization" => start_device(ctx.url, ctx.script, ctx.inner, rq),
        "CreateToken" => create_token(ctx.script, ctx.inner, rq),
        "Authorize" => authorize(ctx.script, ctx.inner, rq),
        _ => verify(ctx.script, ctx.inner, rq),
    }
}

fn failure(op: &str, status: u16, _request_id: &str) -> Answer {
    if op == "Verify" || op == "Authorize" {
        return plain_failure(status);
    }
    let (kind, error) = match status {
        500..=599 => ("InternalServerException", "server_error"),
        401 => ("InvalidClientException", "invalid_client"),
        403 => ("AccessDeniedException", "access_denied"),
        _ => ("InvalidRequestException", "invalid_request"),
    };
    oidc_error(status, kind, error, "injected failure")
}

fn malformed(op: &str) -> Answer {
    match op {
        "Verify" | "Authorize" => Answer::new(200, "text/html", "<html><body"),
        _ => malformed_json(),
    }
}

/// Scripting of what sso-oidc issued.
impl FakeAws {
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
                grant_types: Vec::new(),
                redirect_uris: Vec::new(),
            },
        );
    }
}

const OIDC_NS: &str = "http://internal.amazon.com/coral/com.amazonaws.ssooidc/";

/// An sso-oidc error: typed header and `{"error", "error_description"}`.
fn oidc_error(status: u16, kind: &str, error: &str, description: &str) -> Answer {
    Answer::json(
        status,
        json!({"error": error, "error_description": description}),
    )
    .header("x-amzn-ErrorType", &format!("{kind}:{OIDC_NS}"))
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
    let scopes = strings(&m, "scopes");
    let grant_types = strings(&m, "grantTypes");
    let redirect_uris = strings(&m, "redirectUris");
    let auth_code = grant_types.iter().any(|g| g == "authorization_code");
    if auth_code && grant_types.iter().any(|g| g == DEVICE_GRANT) {
        // Identity Center will not register one client for both flows.
        return oidc_error(
            400,
            "InvalidClientMetadataException",
            "invalid_client_metadata",
            "authorization_code and device_code grants cannot be combined",
        );
    }
    if auth_code && (redirect_uris.is_empty() || str_field(&m, "issuerUrl").is_none()) {
        return oidc_error(
            400,
            "InvalidRequestException",
            "invalid_request",
            "authorization_code clients need redirectUris and issuerUrl",
        );
    }
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
            grant_types,
            redirect_uris,
        },
    );
    Answer::json(
        200,
        json!({"clientId": id, "clientSecret": secret, "clientIdIssuedAt": t, "clientSecretExpiresAt": expires}),
    )
}

/// A JSON array of strings (empty when absent).
fn strings(m: &serde_json::Map<String, Value>, k: &str) -> Vec<String> {
    m.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn unauthorized_client(grant: &str) -> Answer {
    oidc_error(
        400,
        "UnauthorizedClientException",
        "unauthorized_client",
        &format!("The client is not registered for the {grant} grant"),
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
    match check_client(inner, &m) {
        Err(a) => return a,
        Ok(c) if !c.allows(DEVICE_GRANT) => return unauthorized_client("device code"),
        Ok(_) => {}
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
    let mut answer = json!({
        "deviceCode": device_code,
        "userCode": code,
        "verificationUri": format!("{url}/device"),
        "verificationUriComplete": format!("{url}/device?user_code={code}"),
        "expiresIn": script.device_expires_in,
        "interval": script.interval,
    });
    for (k, v) in &script.device_answer {
        answer[k.as_str()] = v.clone();
    }
    Answer::json(200, answer)
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
    let grant = str_field(&m, "grantType").unwrap_or_default();
    let known = [DEVICE_GRANT, "authorization_code", "refresh_token"];
    if known.contains(&grant.as_str()) && !client.allows(&grant) {
        return unauthorized_client(&grant);
    }
    match str_field(&m, "grantType").as_deref() {
        Some("authorization_code") => exchange_code(script, inner, &m, &client_id, &client),
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

/// CreateToken with an authorization code: the code must be this client's, unused, for the same
/// redirect URI, and the verifier must hash to the challenge the authorize page was given.
fn exchange_code(
    script: &Script,
    inner: &mut Inner,
    m: &serde_json::Map<String, Value>,
    client_id: &str,
    client: &Client,
) -> Answer {
    let invalid = |why: &str| oidc_error(400, "InvalidGrantException", "invalid_grant", why);
    let code = str_field(m, "code").unwrap_or_default();
    let redirect = str_field(m, "redirectUri").unwrap_or_default();
    let verifier = str_field(m, "codeVerifier").unwrap_or_default();
    let Some(issued) = inner.auth_codes.get_mut(&code) else {
        return invalid("Invalid authorization code");
    };
    if issued.used || issued.client_id != client_id {
        return invalid("Invalid authorization code");
    }
    if issued.redirect_uri != redirect {
        return invalid("redirectUri does not match the authorization request");
    }
    let verifier_ok = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !verifier_ok || s256(&verifier) != issued.challenge {
        return invalid("codeVerifier does not match the code challenge");
    }
    issued.used = true;
    Answer::json(200, issue_tokens(script, inner, client_id, client))
}

/// base64url(sha256(verifier)) without padding.
pub(super) fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// An HTML error page of the authorize endpoint (no redirect: the client or redirect is bad).
fn authorize_page(status: u16, text: &str) -> Answer {
    Answer::new(
        status,
        "text/html",
        format!(
            "<html><body><h1>Fake AWS</h1><p>{}</p></body></html>\n",
            html_escape(text)
        ),
    )
}

/// `http://127.0.0.1:<port>/oauth/callback` matches the registered loopback redirect (any port,
/// RFC 8252 §7.3).
fn loopback_redirect_ok(client: &Client, redirect: &str) -> bool {
    let Some(rest) = redirect.strip_prefix("http://127.0.0.1:") else {
        return false;
    };
    let Some((port, path)) = rest.split_once('/') else {
        return false;
    };
    port.parse::<u16>().is_ok_and(|p| p > 0)
        && path == "oauth/callback"
        && client.redirect_uris.iter().any(|u| u == LOOPBACK_REDIRECT)
}

/// The authorize page (GET /authorize): checks the request, then sends the browser back to the
/// redirect with `code` and `state` (or `error=access_denied` under [`Approval::Deny`]); under
/// [`Approval::Never`] it shows a sign-in page and never redirects.
fn authorize(script: &Script, inner: &mut Inner, rq: &Recorded) -> Answer {
    let q = |k: &str| rq.query_param(k).unwrap_or_default();
    let client_id = q("client_id");
    let Some(client) = inner.clients.get(&client_id).cloned() else {
        return authorize_page(400, "Unknown client_id");
    };
    if !client.allows("authorization_code") {
        return authorize_page(
            400,
            "The client is not registered for the authorization code",
        );
    }
    let redirect = q("redirect_uri");
    if !loopback_redirect_ok(&client, &redirect) {
        return authorize_page(400, "redirect_uri is not a registered loopback callback");
    }
    let challenge = q("code_challenge");
    let challenge_ok = challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let state = q("state");
    if q("response_type") != "code"
        || q("code_challenge_method") != "S256"
        || !challenge_ok
        || state.is_empty()
    {
        return authorize_page(
            400,
            "response_type=code, code_challenge_method=S256, a code_challenge and a state are required",
        );
    }
    let back = |query: String| {
        Answer::new(302, "text/html", "").header("Location", &format!("{redirect}?{query}"))
    };
    let enc = |v: &str| super::sigv4::uri_encode(v, false);
    let scopes = q("scopes");
    if scopes
        .split(' ')
        .any(|s| !client.scopes.iter().any(|c| c == s))
    {
        return back(format!(
            "error=invalid_scope&error_description={}&state={}",
            enc("The requested scopes were not registered"),
            enc(&state)
        ));
    }
    match script.approval {
        Approval::Never => authorize_page(200, "Sign in to continue."),
        Approval::Deny => back(format!(
            "error=access_denied&error_description={}&state={}",
            enc("The user denied the authorization request"),
            enc(&state)
        )),
        _ => {
            let code = format!("fake-auth-code-{}", inner.next());
            inner.auth_codes.insert(
                code.clone(),
                AuthCode {
                    client_id,
                    challenge,
                    redirect_uri: redirect.clone(),
                    used: false,
                },
            );
            back(format!("code={}&state={}", enc(&code), enc(&state)))
        }
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
