//! A server's clock, for `ssox doctor --network`: one GET to an AWS endpoint (the SSO portal)
//! and the HTTP `Date` header of whatever it answers, any status. Uses the SDK's own HTTP
//! connector, as `console` does. Blocking API; sends no credentials.

use anyhow::{anyhow, bail, Result};
use aws_sdk_sso::config::http::HttpRequest;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_runtime_api::client::http::HttpConnector;
use time::format_description::well_known::Rfc2822;
use time::OffsetDateTime;

use super::errors::{transport_failure, Endpoint, Failure, RequestError};

/// How far the server's clock is ahead of `clock()` (negative: behind), in seconds: its `Date`
/// header against the local time halfway through the request. `Date` has one-second
/// resolution, so ±1 s is noise.
pub fn skew_seconds(endpoint: &str, clock: &dyn Fn() -> OffsetDateTime) -> Result<i64> {
    let rt = super::runtime()?;
    let before = clock();
    let t = super::timeouts();
    let date = rt
        .block_on(async { tokio::time::timeout(t.connect + t.read, date_header(endpoint)).await })
        .map_err(|_| {
            RequestError::new(
                "GET",
                &Endpoint::new(None, endpoint.to_string()),
                Failure::ReadTimeout(t.connect + t.read),
                1,
            )
        })??;
    let after = clock();
    let server = parse_http_date(&date)
        .ok_or_else(|| anyhow!("{endpoint} answered with an unreadable Date header"))?;
    let local: OffsetDateTime = before + (after - before) / 2;
    Ok((server - local).whole_seconds())
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110's IMF-fixdate, a form of RFC 2822).
pub fn parse_http_date(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if text.len() > 64 {
        return None;
    }
    OffsetDateTime::parse(text, &Rfc2822).ok()
}

async fn date_header(endpoint: &str) -> Result<String> {
    let connector = aws_smithy_http_client::Connector::builder()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build();
    let request = HttpRequest::get(endpoint).map_err(|_| anyhow!("invalid URL {endpoint}"))?;
    let response = connector.call(request).await.map_err(|e| {
        RequestError::new(
            "GET",
            &Endpoint::new(None, endpoint.to_string()),
            transport_failure(&e),
            1,
        )
    })?;
    match response.headers().get("date") {
        Some(d) => Ok(d.to_string()),
        None => bail!("{endpoint} answered without a Date header"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(datetime!(1994-11-06 08:49:37 UTC))
        );
        assert_eq!(
            parse_http_date(" Tue, 24 Nov 2026 04:34:20 GMT\r\n"),
            Some(datetime!(2026-11-24 04:34:20 UTC))
        );
        assert_eq!(parse_http_date("yesterday"), None);
        assert_eq!(parse_http_date(""), None);
    }
}
