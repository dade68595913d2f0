//! How ssox's SDK clients report failures: the endpoint a request went to, and SDK errors turned
//! into one clear sentence (timeouts, unreachable hosts, service error codes). Never includes
//! request bodies or headers, so no secret can leak into a message.

use std::error::Error as StdError;
use std::fmt;

use aws_sdk_ssooidc::config::http::HttpResponse;
use aws_sdk_ssooidc::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::result::ConnectorError;

/// Where a client sends its requests, for messages.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The override in effect (`AWS_ENDPOINT_URL_*`, `[services]`), if any.
    pub overridden: Option<String>,
    /// The URL requests go to.
    pub url: String,
}

impl Endpoint {
    pub fn new(overridden: Option<String>, default: String) -> Endpoint {
        let url = overridden.clone().unwrap_or(default);
        Endpoint { overridden, url }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// No SDK-level retries: ssox's own loops decide what to retry, and a failing server fails the
/// command at once (predictably, leaving every cache file as it was).
pub fn retry_config() -> aws_sdk_ssooidc::config::retry::RetryConfig {
    aws_sdk_ssooidc::config::retry::RetryConfig::disabled()
}

/// One sentence for a failed `op` at `endpoint`.
pub fn sdk_error<E>(op: &str, endpoint: &Endpoint, err: SdkError<E, HttpResponse>) -> anyhow::Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &err {
        SdkError::TimeoutError(_) => anyhow::anyhow!(
            "{op} at {endpoint} timed out (no answer within {} s)",
            super::READ_TIMEOUT.as_secs()
        ),
        // Connecting (CONNECT_TIMEOUT) or waiting for the answer (READ_TIMEOUT): the chain says
        // which, e.g. "HTTP read timeout occurred after 30s".
        SdkError::DispatchFailure(d) if d.is_timeout() => {
            anyhow::anyhow!("{op} at {endpoint} timed out: {}", chain(&err))
        }
        SdkError::DispatchFailure(_) => {
            anyhow::anyhow!("{op}: cannot reach {endpoint}: {}", chain(&err))
        }
        SdkError::ServiceError(s) => {
            let status = s.raw().status().as_u16();
            let e = s.err();
            let Some(code) = e.code() else {
                return anyhow::anyhow!(
                    "{op} at {endpoint} returned a response ssox cannot read (HTTP {status})"
                );
            };
            match e.message().filter(|m| !m.is_empty()) {
                Some(m) => {
                    anyhow::anyhow!("{op} at {endpoint} failed: {code} (HTTP {status}): {m}")
                }
                None => anyhow::anyhow!("{op} at {endpoint} failed: {code} (HTTP {status})"),
            }
        }
        SdkError::ResponseError(_) => anyhow::anyhow!(
            "{op} at {endpoint} returned a response ssox cannot read: {}",
            chain(&err)
        ),
        _ => anyhow::anyhow!("{op} at {endpoint} failed: {}", chain(&err)),
    }
}

/// An SDK error in one line a user can act on: the service's code and message with the HTTP
/// status, or what went wrong on the way (connection, timeout). Request URLs, headers and bodies
/// are never included, so secrets cannot leak through it.
pub(crate) fn describe<E, R>(e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + StdError + 'static,
    R: std::fmt::Debug + 'static,
{
    match e {
        SdkError::ServiceError(s) => {
            let err = s.err();
            let code = err.code().unwrap_or("unknown error");
            match err.message() {
                Some(m) if !m.is_empty() => format!("{code}: {m}"),
                _ => code.to_string(),
            }
        }
        SdkError::TimeoutError(_) => "the request timed out".to_string(),
        SdkError::DispatchFailure(d) => {
            let what = if d.is_timeout() {
                "timed out"
            } else if d.is_io() {
                "connection failed"
            } else {
                "request failed"
            };
            format!("{what}: {}", chain(e))
        }
        SdkError::ResponseError(_) => format!("unreadable response: {}", chain(e)),
        _ => chain(e),
    }
}

/// The error's sources joined with `: ` (the SDK's outer wording is generic), or the error itself
/// when it has none. Repeats (an outer message that embeds its source) are dropped, and so is the
/// SDK connector's kind (`io error`, `other`), which only repeats what the message says.
pub(crate) fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !text.is_empty() && !s.is::<ConnectorError>() && !parts.iter().any(|p| p.contains(&text))
        {
            parts.push(text);
        }
        cur = s.source();
    }
    if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    }
}
