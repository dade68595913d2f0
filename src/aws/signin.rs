//! The sign-in service of `aws login` (docs/compat.md#login-cache): CreateOAuth2Token, `POST
//! {endpoint}/v1/token` with a JSON body and a DPoP proof (`dpop`), for the refresh grant and the
//! authorization-code grant of a login. The endpoint is the override (`AWS_ENDPOINT_URL_SIGNIN`,
//! `AWS_ENDPOINT_URL`, a `[services]` block) or the region's, as the service's endpoint rules give
//! it (`https://{region}.signin.aws.amazon.com` and its China and GovCloud forms). Blocking API over
//! the SDK's HTTP connector; a transient failure is retried once. Must never put a token, a key or
//! the request body in an error message.

use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use aws_sdk_sso::config::http::HttpRequest;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::dpop::{uuid4, DpopKey};
use super::errors::{transport_failure, Endpoint, Failure, RequestError};
use crate::cache::login::RefreshedLogin;

const OP: &str = "CreateOAuth2Token";
/// The longest answer read (a token answer is a few kB).
const MAX_ANSWER: usize = 1 << 20;

/// The sign-in service's data-plane endpoint for `region` (its endpoint rules).
pub fn default_endpoint(region: &str) -> String {
    if region.starts_with("cn-") {
        format!("https://{region}.signin.amazonaws.cn")
    } else if region.starts_with("us-gov-") {
        format!("https://{region}.signin.amazonaws-us-gov.com")
    } else {
        format!("https://{region}.signin.aws.amazon.com")
    }
}

/// Why the service refused a token request, from its `error` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `TOKEN_EXPIRED`: the session is over; log in again.
    Expired,
    /// `USER_CREDENTIALS_CHANGED`: the console password changed since the login.
    CredentialsChanged,
    /// `INSUFFICIENT_PERMISSIONS`
    Permissions,
    /// `AUTHCODE_EXPIRED` (a login took too long).
    CodeExpired,
}

/// A refused request: what the service said, worded by the caller (it knows the profile).
#[derive(Debug)]
pub struct TokenRefused {
    pub why: Refused,
    pub error: RequestError,
}

impl std::fmt::Display for TokenRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for TokenRefused {}

/// The refresh grant: new credentials and refresh token for the cached ones.
pub fn refresh(
    endpoint: &Endpoint,
    client_id: &str,
    refresh_token: &str,
    key: &DpopKey,
    deadline: Instant,
) -> Result<RefreshedLogin> {
    let body = json!({
        "clientId": client_id,
        "refreshToken": refresh_token,
        "grantType": "refresh_token",
    });
    let out = create_token(endpoint, &body, key, deadline)?;
    let issued = OffsetDateTime::now_utc();
    refreshed(&out, issued).ok_or_else(|| {
        RequestError::new(OP, endpoint, Failure::Unreadable { status: Some(200) }, 1).into()
    })
}

/// The credentials in a token answer (`tokenOutput`), expiring `expiresIn` seconds after `issued`.
pub fn refreshed(out: &Value, issued: OffsetDateTime) -> Option<RefreshedLogin> {
    let access = out.get("accessToken")?;
    let text = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let expires_in = out.get("expiresIn")?.as_i64()?;
    Some(RefreshedLogin {
        access_key_id: text(access, "accessKeyId")?,
        secret_access_key: text(access, "secretAccessKey")?,
        session_token: text(access, "sessionToken")?,
        expires_at: issued.checked_add(time::Duration::seconds(expires_in))?,
        refresh_token: text(out, "refreshToken")?,
    })
}

/// CreateOAuth2Token with `body`, proved with `key`; the answer's JSON object (`tokenOutput`).
pub fn create_token(
    endpoint: &Endpoint,
    body: &Value,
    key: &DpopKey,
    deadline: Instant,
) -> Result<Value> {
    let url = format!("{}/v1/token", endpoint.url.trim_end_matches('/'));
    let rt = super::runtime()?;
    let t = super::timeouts();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(
                RequestError::new(OP, endpoint, Failure::Deadline(t.command), attempts).into(),
            );
        }
        let proof = key.proof(&url, OffsetDateTime::now_utc().unix_timestamp(), &uuid4()?);
        let sent = rt.block_on(async {
            tokio::time::timeout(left.min(t.connect + t.read), post(&url, body, &proof)).await
        });
        let failure = match sent {
            Err(_) => Failure::ReadTimeout(t.connect + t.read),
            Ok(Err(f)) => f,
            Ok(Ok((status, answer))) if (200..300).contains(&status) => {
                return match serde_json::from_slice::<Value>(&answer) {
                    Ok(v @ Value::Object(_)) => Ok(v),
                    _ => Err(RequestError::new(
                        OP,
                        endpoint,
                        Failure::Unreadable {
                            status: Some(status),
                        },
                        attempts,
                    )
                    .into()),
                };
            }
            Ok(Ok((status, answer))) => service_failure(status, &answer),
        };
        if failure.is_transient() && attempts < 2 {
            crate::verbose!(
                "{OP} failed ({}), trying again",
                RequestError::new(OP, endpoint, failure, attempts)
            );
            continue;
        }
        let error = RequestError::new(OP, endpoint, failure.clone(), attempts);
        let code = match &failure {
            Failure::Service { code, .. } => code.as_deref(),
            _ => None,
        };
        let why = match code {
            Some("TOKEN_EXPIRED") => Some(Refused::Expired),
            Some("USER_CREDENTIALS_CHANGED") => Some(Refused::CredentialsChanged),
            Some("INSUFFICIENT_PERMISSIONS") => Some(Refused::Permissions),
            Some("AUTHCODE_EXPIRED") => Some(Refused::CodeExpired),
            _ => None,
        };
        return Err(match why {
            Some(why) => TokenRefused { why, error }.into(),
            None => error.into(),
        });
    }
}

/// An error answer: the service's `error` code (else the exception's type) and `message`, with
/// control characters dropped (text ssox did not write).
fn service_failure(status: u16, answer: &[u8]) -> Failure {
    let v: Value = serde_json::from_slice(answer).unwrap_or(Value::Null);
    let clean = |s: &str| -> String { s.chars().filter(|c| !c.is_control()).take(200).collect() };
    let word = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(clean)
            .filter(|s| !s.is_empty())
    };
    let code = word("error").or_else(|| word("__type"));
    if code.is_none() && status < 500 && status != 429 {
        return Failure::Unreadable {
            status: Some(status),
        };
    }
    Failure::Service {
        status,
        code,
        message: word("message"),
    }
}

/// POST `body` as JSON to `url` with the DPoP proof; the status and the answer's bytes.
async fn post(url: &str, body: &Value, proof: &str) -> Result<(u16, Vec<u8>), Failure> {
    let connector = aws_smithy_http_client::Connector::builder()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build();
    let mut request = HttpRequest::new(SdkBody::from(body.to_string()));
    request
        .set_uri(url)
        .map_err(|_| Failure::Request("invalid sign-in endpoint URL".into()))?;
    request
        .set_method("POST")
        .map_err(|_| Failure::Request("invalid method".into()))?;
    let headers = request.headers_mut();
    headers.insert("content-type", "application/json");
    headers.insert("dpop", proof.to_string());
    let response = connector
        .call(request)
        .await
        .map_err(|e| transport_failure(&e))?;
    let status = response.status().as_u16();
    // A token answer is a few kB: a longer one is not read to its end.
    let mut stream = ByteStream::new(response.into_body());
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.map_err(|_| Failure::Reset)?);
        if bytes.len() > MAX_ANSWER {
            return Err(Failure::Unreadable {
                status: Some(status),
            });
        }
    }
    Ok((status, bytes))
}

/// Call `poll` every `every` until it gives a value or fails; Ctrl-C cancels (exit 130).
pub fn poll_until<T>(
    every: std::time::Duration,
    mut poll: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let rt = super::runtime()?;
    rt.block_on(async {
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            if let Some(value) = poll()? {
                return Ok(value);
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                _ = &mut ctrl_c => return Err(crate::Cancelled.into()),
            }
        }
    })
}

/// Read an answer's `idToken` payload's `sub`: the session ARN a login gets.
pub fn id_token_subject(id_token: &str) -> Result<String> {
    use base64::Engine as _;
    let payload = id_token
        .split('.')
        .nth(1)
        .ok_or_else(|| anyhow!("the idToken is not a JWT"))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .context("the idToken's payload is not base64url")?;
    let v: Value = serde_json::from_slice(&bytes).context("the idToken's payload is not JSON")?;
    v.get("sub")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| anyhow!("the idToken has no sub"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn endpoints_follow_the_rules() {
        assert_eq!(
            default_endpoint("us-east-1"),
            "https://us-east-1.signin.aws.amazon.com"
        );
        assert_eq!(
            default_endpoint("cn-north-1"),
            "https://cn-north-1.signin.amazonaws.cn"
        );
        assert_eq!(
            default_endpoint("us-gov-west-1"),
            "https://us-gov-west-1.signin.amazonaws-us-gov.com"
        );
    }

    #[test]
    fn a_token_answer_becomes_credentials() {
        let out = json!({"accessToken": {"accessKeyId": "A", "secretAccessKey": "S",
            "sessionToken": "T"}, "tokenType": "aws_sigv4", "expiresIn": 900,
            "refreshToken": "R"});
        let r = refreshed(&out, datetime!(2025-11-19 00:00:00 UTC)).unwrap();
        assert_eq!(r.expires_at, datetime!(2025-11-19 00:15:00 UTC));
        assert_eq!(
            (r.access_key_id.as_str(), r.refresh_token.as_str()),
            ("A", "R")
        );
        let mut partial = out.clone();
        partial["accessToken"]
            .as_object_mut()
            .unwrap()
            .remove("sessionToken");
        assert!(refreshed(&partial, datetime!(2025-11-19 00:00:00 UTC)).is_none());
    }

    #[test]
    fn error_answers_are_classified_and_cleaned() {
        assert_eq!(
            service_failure(
                400,
                br#"{"error": "TOKEN_EXPIRED", "message": "gone\u001b[31m"}"#
            ),
            Failure::Service {
                status: 400,
                code: Some("TOKEN_EXPIRED".into()),
                message: Some("gone[31m".into())
            }
        );
        assert_eq!(
            service_failure(400, b""),
            Failure::Unreadable { status: Some(400) }
        );
        assert_eq!(
            service_failure(503, b"<html>"),
            Failure::Service {
                status: 503,
                code: None,
                message: None
            }
        );
    }

    #[test]
    fn the_id_token_names_the_session() {
        // The idToken of smithy-rs' login-provider cases.
        let payload = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            r#"{"sub":"arn:aws:sts::721781603755:assumed-role/Admin/x","aud":"a"}"#,
        );
        assert_eq!(
            id_token_subject(&format!("h.{payload}.s")).unwrap(),
            "arn:aws:sts::721781603755:assumed-role/Admin/x"
        );
        assert!(id_token_subject("nope").is_err());
    }
}
