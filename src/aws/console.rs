//! AWS console federation (the sign-in endpoint's getSigninToken) and the login URL built from
//! its token. Uses the SDK's own HTTP connector (aws-smithy-http-client: hyper + rustls with
//! ring, native roots), so no second HTTP or TLS stack is compiled in. Blocking API. Must never
//! put the credentials, the request URL or the sign-in token in an error message.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use aws_sdk_sso::config::http::HttpRequest;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_types::byte_stream::ByteStream;
use serde_json::Value;

use super::errors::{transport_failure, Endpoint, Failure, RequestError};
use crate::cache::role::RoleCredentials;

/// The public partition's federation endpoint.
pub const DEFAULT_SIGNIN_ENDPOINT: &str = "https://signin.aws.amazon.com/federation";
/// The console home page, the default destination.
pub const DEFAULT_DESTINATION: &str = "https://console.aws.amazon.com/";
/// Console session length asked for (the maximum the federation endpoint allows: 12 h).
pub const SESSION_DURATION: Duration = Duration::from_secs(12 * 3600);

/// The federation endpoint and console home for the partition of `region` (`us-gov-…`, `cn-…`,
/// else the public one).
pub fn partition_defaults(region: Option<&str>) -> (&'static str, &'static str) {
    match region {
        Some(r) if r.starts_with("us-gov-") => (
            "https://signin.amazonaws-us-gov.com/federation",
            "https://console.amazonaws-us-gov.com/",
        ),
        Some(r) if r.starts_with("cn-") => (
            "https://signin.amazonaws.cn/federation",
            "https://console.amazonaws.cn/",
        ),
        _ => (DEFAULT_SIGNIN_ENDPOINT, DEFAULT_DESTINATION),
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn join_query(endpoint: &str, query: &str) -> String {
    let sep = if endpoint.contains('?') { '&' } else { '?' };
    format!("{endpoint}{sep}{query}")
}

/// `…/federation?Action=getSigninToken&SessionDuration=…&Session=<json>`
pub fn signin_token_url(endpoint: &str, c: &RoleCredentials) -> String {
    let session = serde_json::json!({
        "sessionId": c.access_key_id,
        "sessionKey": c.secret_access_key(),
        "sessionToken": c.session_token(),
    })
    .to_string();
    join_query(
        endpoint,
        &format!(
            "Action=getSigninToken&SessionDuration={}&Session={}",
            SESSION_DURATION.as_secs(),
            enc(&session)
        ),
    )
}

/// `…/federation?Action=login&Issuer=ssox&Destination=<url>&SigninToken=<token>`
pub fn login_url(endpoint: &str, destination: &str, signin_token: &str) -> String {
    join_query(
        endpoint,
        &format!(
            "Action=login&Issuer=ssox&Destination={}&SigninToken={}",
            enc(destination),
            enc(signin_token)
        ),
    )
}

/// Ask the federation endpoint for a sign-in token for these role credentials.
pub fn signin_token(endpoint: &str, c: &RoleCredentials) -> Result<String> {
    let url = signin_token_url(endpoint, c);
    let rt = super::runtime()?;
    let t = super::timeouts();
    let (status, body) = rt
        .block_on(async { tokio::time::timeout(t.connect + t.read, get(endpoint, &url)).await })
        .map_err(|_| {
            RequestError::new(
                "getSigninToken",
                &Endpoint::new(None, endpoint.to_string()),
                Failure::ReadTimeout(t.connect + t.read),
                1,
            )
        })??;
    if !(200..300).contains(&status) {
        // The body of an error page carries no secrets, but keep only a short first line.
        let text = String::from_utf8_lossy(&body);
        let first = text.lines().next().unwrap_or("").trim();
        let first: String = first.chars().take(200).collect();
        if first.is_empty() {
            bail!("the sign-in endpoint {endpoint} answered HTTP {status}");
        }
        bail!("the sign-in endpoint {endpoint} answered HTTP {status}: {first}");
    }
    let v: Value = serde_json::from_slice(&body).map_err(|_| {
        anyhow!("the sign-in endpoint {endpoint} answered with something other than JSON")
    })?;
    match v.get("SigninToken").and_then(Value::as_str) {
        Some(t) if !t.is_empty() => Ok(t.to_string()),
        _ => bail!("the sign-in endpoint {endpoint} answered without a SigninToken"),
    }
}

/// GET `url` (which holds the credentials) from the federation `endpoint`.
async fn get(endpoint: &str, url: &str) -> Result<(u16, Vec<u8>)> {
    let connector = aws_smithy_http_client::Connector::builder()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build();
    // The URL holds the credentials: the error must not echo it.
    let request = HttpRequest::get(url).map_err(|_| anyhow!("invalid sign-in endpoint URL"))?;
    let response = connector.call(request).await.map_err(|e| {
        RequestError::new(
            "getSigninToken",
            &Endpoint::new(None, endpoint.to_string()),
            transport_failure(&e),
            1,
        )
    })?;
    let status = response.status().as_u16();
    let body = ByteStream::new(response.into_body())
        .collect()
        .await
        .context("cannot read the answer")?
        .into_bytes()
        .to_vec();
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn creds() -> RoleCredentials {
        RoleCredentials::new(
            "ASIA1".into(),
            "s/k+".into(),
            "t=".into(),
            datetime!(2026-11-24 04:34:20 UTC),
            "111111111111".into(),
        )
    }

    #[test]
    fn urls_are_encoded() {
        assert_eq!(
            signin_token_url("http://127.0.0.1:1/federation", &creds()),
            "http://127.0.0.1:1/federation?Action=getSigninToken&SessionDuration=43200&Session=\
             %7B%22sessionId%22%3A%22ASIA1%22%2C%22sessionKey%22%3A%22s%2Fk%2B%22%2C%22sessionToken%22%3A%22t%3D%22%7D"
        );
        assert_eq!(
            login_url(DEFAULT_SIGNIN_ENDPOINT, "https://console.aws.amazon.com/s3/home?region=eu-west-1", "a+b/c="),
            "https://signin.aws.amazon.com/federation?Action=login&Issuer=ssox&Destination=\
             https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1&SigninToken=a%2Bb%2Fc%3D"
        );
    }

    #[test]
    fn partitions() {
        assert_eq!(
            partition_defaults(Some("eu-west-1")).0,
            DEFAULT_SIGNIN_ENDPOINT
        );
        assert_eq!(
            partition_defaults(Some("us-gov-west-1")),
            (
                "https://signin.amazonaws-us-gov.com/federation",
                "https://console.amazonaws-us-gov.com/"
            )
        );
        assert_eq!(
            partition_defaults(Some("cn-north-1")).1,
            "https://console.amazonaws.cn/"
        );
        assert_eq!(partition_defaults(None).1, DEFAULT_DESTINATION);
    }
}
