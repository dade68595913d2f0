//! The authorization-code side of sso-oidc for PKCE logins (docs/compat.md#pkce): where the
//! browser's authorize page lives, the code exchange, and waiting for the browser with Ctrl-C
//! honoured. Must not read or write the cache, draw, or listen on a socket: the loopback listener
//! and the terminal side are `session::pkce`'s.

use std::time::Duration;

use anyhow::Result;
use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use time::OffsetDateTime;

use super::login::{new_token, ClientRejected, Oidc};
use crate::cache::{NewToken, Registration};
use crate::Cancelled;

/// The redirect a PKCE client registers: the loopback callback, without its port (the port of
/// each login is free to change, RFC 8252 §7.3).
pub const LOOPBACK_REDIRECT: &str = "http://127.0.0.1/oauth/callback";

/// The grant types a PKCE client registers with, as the CLI does.
pub fn grant_types() -> Vec<String> {
    vec![
        "authorization_code".to_string(),
        "refresh_token".to_string(),
    ]
}

/// What the browser's approval is exchanged with.
pub struct CodeExchange<'a> {
    pub code: &'a str,
    /// The redirect URI with the port actually used, as sent to the authorize page.
    pub redirect_uri: &'a str,
    pub code_verifier: &'a str,
}

impl Oidc {
    /// `scheme://host[:port]` of the endpoint requests go to: the authorize page is there (the
    /// CLI takes it from the resolved endpoint too, so overrides apply).
    pub fn authorize_base(&self) -> String {
        origin(&self.endpoint.url)
    }

    /// CreateToken with the authorization-code grant: exactly one request. A client the server
    /// does not know ends with [`ClientRejected`]; Ctrl-C with [`Cancelled`].
    pub fn exchange_code(
        &self,
        registration: &Registration,
        exchange: &CodeExchange<'_>,
        clock: &dyn Fn() -> OffsetDateTime,
    ) -> Result<NewToken> {
        let out = self.call_with(
            "CreateToken (authorization code)",
            1,
            || {
                self.client
                    .create_token()
                    .grant_type("authorization_code")
                    .client_id(&registration.client_id)
                    .client_secret(registration.client_secret())
                    .code(exchange.code)
                    .redirect_uri(exchange.redirect_uri)
                    .code_verifier(exchange.code_verifier)
                    .send()
            },
            |e| {
                matches!(
                    e.as_service_error(),
                    Some(CreateTokenError::InvalidClientException(_))
                )
                .then(|| ClientRejected.into())
            },
        )?;
        new_token(&out, clock(), &self.endpoint)
    }

    /// Call `poll` every `every` until it gives a value or fails; Ctrl-C ends the wait with
    /// [`Cancelled`]. `poll` runs on this thread, so it must return quickly.
    pub fn poll_until<T>(
        &self,
        every: Duration,
        mut poll: impl FnMut() -> Result<Option<T>>,
    ) -> Result<T> {
        self.runtime.block_on(async {
            let ctrl_c = tokio::signal::ctrl_c();
            tokio::pin!(ctrl_c);
            loop {
                if let Some(value) = poll()? {
                    return Ok(value);
                }
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    _ = &mut ctrl_c => return Err(Cancelled.into()),
                }
            }
        })
    }
}

/// `scheme://authority` of a URL: its path, query and fragment dropped.
fn origin(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.trim_end_matches('/').to_string();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{authority}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_keeps_scheme_host_and_port_only() {
        assert_eq!(
            origin("https://oidc.us-east-1.amazonaws.com"),
            "https://oidc.us-east-1.amazonaws.com"
        );
        assert_eq!(
            origin("http://127.0.0.1:4566/some/path?x=1"),
            "http://127.0.0.1:4566"
        );
        assert_eq!(origin("https://proxy.corp/"), "https://proxy.corp");
        assert_eq!(origin("https://h?q#f"), "https://h");
        assert_eq!(origin("no-scheme/"), "no-scheme");
    }
}
