//! The fake sign-in service of `aws login` (docs/compat.md#login-cache): the authorize page
//! (`GET /v1/authorize`: back to a loopback callback with a code, or, for the cross-device
//! client, a page showing the code to paste) and CreateOAuth2Token (`POST /v1/token`, JSON) with
//! the `authorization_code` grant (PKCE checked) and the `refresh_token` grant. It checks what the real service
//! checks of a public CLI client: the client id, a refresh token it issued, and a DPoP proof (an
//! ES256 JWT over `POST` and this URL, fresh, never replayed, verified with its own JWK, which
//! must be the key the refresh token is bound to). It answers with new role credentials (which
//! the fake STS then accepts) and a new refresh token, or with the service's errors
//! (`{"error": CODE, "message": …}`, 401 for TOKEN_EXPIRED, 403 for USER_CREDENTIALS_CHANGED).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{json, Value};

use super::{body_json, now, str_field, sts, Answer, Ctx, Endpoint, FakeAws, Recorded, RoleCreds};

pub(super) const ENDPOINT: Endpoint = Endpoint {
    op,
    answer,
    failure,
    malformed,
};

/// A refresh token the fake accepts: for which client, bound to which key, for which identity.
#[derive(Debug, Clone)]
pub(super) struct LoginGrant {
    client_id: String,
    /// The JWK coordinates (base64url) of the DPoP key it is bound to.
    jwk: (String, String),
    account_id: String,
    role_name: String,
    /// When set, the service refuses it with this code.
    refused: Option<&'static str>,
}

/// An authorization code the authorize page handed out.
#[derive(Debug, Clone)]
pub(super) struct LoginCode {
    client_id: String,
    challenge: String,
    redirect_uri: String,
}

const SAME_DEVICE: &str = "arn:aws:signin:::devtools/same-device";
const CROSS_DEVICE: &str = "arn:aws:signin:::devtools/cross-device";

fn op(rq: &Recorded) -> Option<&'static str> {
    match (rq.method.as_str(), rq.path.as_str()) {
        ("POST", "/v1/token") => Some("CreateOAuth2Token"),
        ("GET", "/v1/authorize") => Some("SigninAuthorize"),
        _ => None,
    }
}

fn page(status: u16, text: &str) -> Answer {
    Answer::new(
        status,
        "text/html",
        format!(
            "<html><body><h1>Fake AWS sign-in</h1><p>{}</p></body></html>\n",
            super::html_escape(text)
        ),
    )
}

/// The authorize page: checks the request as the service does, then signs the (scripted) console
/// user in at once.
fn authorize(ctx: &mut Ctx, rq: &Recorded) -> Answer {
    let q = |k: &str| rq.query_param(k).unwrap_or_default();
    let client_id = q("client_id");
    let redirect = q("redirect_uri");
    let redirect_ok = match client_id.as_str() {
        SAME_DEVICE => redirect
            .strip_prefix("http://127.0.0.1:")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(port, path)| port.parse::<u16>().is_ok() && path == "oauth/callback"),
        CROSS_DEVICE => redirect == format!("{}/v1/sessions/confirmation", ctx.url),
        _ => return page(400, "Unknown client_id"),
    };
    if !redirect_ok {
        return page(400, "redirect_uri is not allowed for this client");
    }
    let challenge = q("code_challenge");
    let state = q("state");
    if q("response_type") != "code"
        || q("code_challenge_method") != "SHA-256"
        || q("scope") != "openid"
        || challenge.len() != 43
        || state.is_empty()
    {
        return page(
            400,
            "response_type=code, code_challenge_method=SHA-256, scope=openid, a code_challenge \
             and a state are required",
        );
    }
    let code = format!("fake-login-code-{}", ctx.inner.next());
    ctx.inner.login_codes.insert(
        code.clone(),
        LoginCode {
            client_id: client_id.clone(),
            challenge,
            redirect_uri: redirect.clone(),
        },
    );
    let enc = |v: &str| super::sigv4::uri_encode(v, false);
    match ctx.script.approval {
        super::Approval::Never => return page(200, "Sign in to the AWS console to continue."),
        super::Approval::Deny => {
            return Answer::new(302, "text/html", "").header(
                "Location",
                &format!(
                    "{redirect}?error=access_denied&error_description={}&state={}",
                    enc("The user denied the request"),
                    enc(&state)
                ),
            )
        }
        _ => {}
    }
    let query = format!("code={}&state={}", enc(&code), enc(&state));
    if client_id == SAME_DEVICE {
        Answer::new(302, "text/html", "").header("Location", &format!("{redirect}?{query}"))
    } else {
        // What the confirmation page shows: base64 of `state=…&code=…`.
        let shown = base64::engine::general_purpose::STANDARD.encode(format!(
            "state={}&code={}",
            enc(&state),
            enc(&code)
        ));
        Answer::new(
            200,
            "text/html",
            format!("<html><body><p>Authorization code:</p><code>{shown}</code></body></html>\n"),
        )
    }
}

fn error(status: u16, kind: &str, code: &str, message: &str) -> Answer {
    Answer::json(status, json!({"error": code, "message": message}))
        .header("x-amzn-ErrorType", kind)
}

fn invalid(message: &str) -> Answer {
    error(400, "ValidationException", "INVALID_REQUEST", message)
}

fn failure(_op: &str, status: u16, _request_id: &str) -> Answer {
    match status {
        500..=599 => error(
            status,
            "InternalServerException",
            "server_error",
            "injected",
        ),
        429 => error(429, "TooManyRequestsError", "INVALID_REQUEST", "injected"),
        _ => error(status, "AccessDeniedException", "TOKEN_EXPIRED", "injected"),
    }
}

fn malformed(_op: &str) -> Answer {
    Answer::new(200, "application/json", "{\"accessToken\": {\"acc")
}

fn answer(ctx: &mut Ctx, rq: &Recorded) -> Answer {
    if rq.op == "SigninAuthorize" {
        return authorize(ctx, rq);
    }
    let content_type = rq.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return invalid("expected a JSON body");
    }
    let Some(body) = body_json(rq) else {
        return invalid("the body is not a JSON object");
    };
    let (Some(client_id), Some(grant_type)) =
        (str_field(&body, "clientId"), str_field(&body, "grantType"))
    else {
        return invalid("clientId and grantType are required");
    };
    let url = format!("{}/v1/token", ctx.url);
    let jwk = match check_dpop(rq.header("dpop"), &url, &mut ctx.inner.login_jtis) {
        Ok(jwk) => jwk,
        Err(why) => return invalid(&format!("invalid DPoP proof: {why}")),
    };
    if grant_type == "authorization_code" {
        return redeem(ctx, &body, &client_id, jwk);
    }
    if grant_type != "refresh_token" {
        return invalid("unsupported grantType");
    }
    let Some(refresh_token) = str_field(&body, "refreshToken") else {
        return invalid("refreshToken is required");
    };
    let Some(grant) = ctx.inner.login_grants.get(&refresh_token).cloned() else {
        return error(
            401,
            "AccessDeniedException",
            "TOKEN_EXPIRED",
            "the refresh token expired",
        );
    };
    if let Some(code) = grant.refused {
        let status = if code == "TOKEN_EXPIRED" { 401 } else { 403 };
        return error(
            status,
            "AccessDeniedException",
            code,
            "refused by the script",
        );
    }
    if grant.client_id != client_id {
        return invalid("the refresh token was issued to another client");
    }
    if grant.jwk != jwk {
        return invalid("the DPoP key is not the one the refresh token is bound to");
    }
    // Refresh tokens rotate: the old one is spent.
    ctx.inner.login_grants.remove(&refresh_token);
    Answer::json(200, issue(ctx, grant, None))
}

/// New credentials and a new refresh token for `grant` (bound to its key); with `id_token`, the
/// answer of a code redemption.
fn issue(ctx: &mut Ctx, grant: LoginGrant, id_token: Option<String>) -> Value {
    let n = ctx.inner.next();
    let akid = format!("ASIALOGIN{n:011}");
    let secret = format!("login-secret-{n}");
    let token = format!("login-session-{n}");
    let expires_in = ctx.script.login_expires_in;
    ctx.inner.role_creds.insert(
        akid.clone(),
        RoleCreds {
            secret: secret.clone(),
            session_token: token.clone(),
            account_id: grant.account_id.clone(),
            arn: sts::role_arn(&grant.account_id, &grant.role_name, "ssox-user"),
            user_id: sts::role_user_id(&grant.account_id, &grant.role_name, "ssox-user"),
            expires_at: now() + expires_in,
        },
    );
    let new_refresh = format!("login-refresh-{n}");
    ctx.inner.login_grants.insert(new_refresh.clone(), grant);
    let mut out = json!({
        "accessToken": {
            "accessKeyId": akid,
            "secretAccessKey": secret,
            "sessionToken": token,
        },
        "tokenType": "aws_sigv4",
        "expiresIn": expires_in,
        "refreshToken": new_refresh,
    });
    if let Some(id) = id_token {
        out["idToken"] = id.into();
    }
    out
}

/// The `authorization_code` grant: the code once, for its client and redirect, with the PKCE
/// verifier; the scripted console user ([`super::Script::login_user`]) signs in.
fn redeem(
    ctx: &mut Ctx,
    body: &serde_json::Map<String, Value>,
    client_id: &str,
    jwk: (String, String),
) -> Answer {
    let field = |k: &str| str_field(body, k).unwrap_or_default();
    let Some(code) = ctx.inner.login_codes.remove(&field("code")) else {
        return error(
            401,
            "AccessDeniedException",
            "AUTHCODE_EXPIRED",
            "unknown or used code",
        );
    };
    if code.client_id != client_id || code.redirect_uri != field("redirectUri") {
        return invalid("the code was issued to another client or redirect");
    }
    let verifier = field("codeVerifier");
    let challenge =
        URL_SAFE_NO_PAD.encode(<sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes()));
    if challenge != code.challenge {
        return invalid("codeVerifier does not match the code_challenge");
    }
    let (account_id, role_name, session) = ctx.script.login_user.clone();
    let arn = format!("arn:aws:sts::{account_id}:assumed-role/{role_name}/{session}");
    let id_token = format!(
        "{}.{}.fake-signature",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"ES384","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(json!({"sub": arn, "aud": client_id, "iat": now()}).to_string())
    );
    let grant = LoginGrant {
        client_id: client_id.to_string(),
        jwk,
        account_id,
        role_name,
        refused: None,
    };
    Answer::json(200, issue(ctx, grant, Some(id_token)))
}

/// Check a DPoP proof for `POST url`; its JWK's coordinates.
fn check_dpop(
    proof: Option<&str>,
    url: &str,
    seen: &mut Vec<String>,
) -> Result<(String, String), String> {
    let proof = proof.ok_or("no DPoP header")?;
    let parts: Vec<&str> = proof.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err("not a JWS".into());
    };
    let decode = |part: &str| -> Result<Value, String> {
        let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    };
    let header = decode(h)?;
    let payload = decode(p)?;
    if header["typ"] != "dpop+jwt" || header["alg"] != "ES256" {
        return Err(format!("bad header {header}"));
    }
    let jwk = &header["jwk"];
    if jwk["kty"] != "EC" || jwk["crv"] != "P-256" {
        return Err(format!("bad jwk {jwk}"));
    }
    let coord = |k: &str| -> Result<Vec<u8>, String> {
        let c = jwk[k].as_str().ok_or("jwk without coordinates")?;
        URL_SAFE_NO_PAD.decode(c).map_err(|e| e.to_string())
    };
    let mut point = vec![4u8];
    point.extend(coord("x")?);
    point.extend(coord("y")?);
    let key = VerifyingKey::from_sec1_bytes(&point).map_err(|e| e.to_string())?;
    let sig = URL_SAFE_NO_PAD.decode(s).map_err(|e| e.to_string())?;
    let sig = Signature::from_slice(&sig).map_err(|e| e.to_string())?;
    key.verify(format!("{h}.{p}").as_bytes(), &sig)
        .map_err(|_| "the signature does not verify".to_string())?;
    if payload["htm"] != "POST" || payload["htu"] != url {
        return Err(format!("bad htm/htu {payload}"));
    }
    let iat = payload["iat"].as_i64().ok_or("no iat")?;
    if (iat - now()).abs() > 300 {
        return Err("iat is not now".into());
    }
    let jti = payload["jti"]
        .as_str()
        .filter(|j| !j.is_empty())
        .ok_or("no jti")?;
    if seen.iter().any(|j| j == jti) {
        return Err("jti replayed".into());
    }
    seen.push(jti.to_string());
    Ok((
        jwk["x"].as_str().unwrap_or_default().to_string(),
        jwk["y"].as_str().unwrap_or_default().to_string(),
    ))
}

/// The scripting of the sign-in service.
impl FakeAws {
    /// Accept `refresh_token` from `client_id` with a DPoP proof signed by the key of `dpop_pem`
    /// (a SEC1 PEM), refreshing into credentials of `role_name` in `account_id`.
    pub fn issue_login_refresh_token(
        &self,
        refresh_token: &str,
        client_id: &str,
        dpop_pem: &str,
        account_id: &str,
        role_name: &str,
    ) {
        use p256::elliptic_curve::sec1::ToEncodedPoint as _;
        use p256::pkcs8::DecodePrivateKey as _;
        let secret = p256::SecretKey::from_sec1_pem(dpop_pem)
            .or_else(|_| p256::SecretKey::from_pkcs8_pem(dpop_pem))
            .expect("a P-256 PEM");
        let point = secret.public_key().to_encoded_point(false);
        let jwk = (
            URL_SAFE_NO_PAD.encode(point.x().unwrap()),
            URL_SAFE_NO_PAD.encode(point.y().unwrap()),
        );
        self.inner().login_grants.insert(
            refresh_token.to_string(),
            LoginGrant {
                client_id: client_id.to_string(),
                jwk,
                account_id: account_id.to_string(),
                role_name: role_name.to_string(),
                refused: None,
            },
        );
    }

    /// Make the service refuse `refresh_token` with `code` (`TOKEN_EXPIRED`,
    /// `USER_CREDENTIALS_CHANGED`, `INSUFFICIENT_PERMISSIONS`).
    pub fn refuse_login_refresh_token(&self, refresh_token: &str, code: &'static str) {
        if let Some(g) = self.inner().login_grants.get_mut(refresh_token) {
            g.refused = Some(code);
        }
    }
}
