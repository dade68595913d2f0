//! The SSO portal calls a login owns (docs/compat.md#wire-shapes): `Logout` (revoke a token) and
//! a token check for `status --check`, as a synchronous API over aws-sdk-sso, each bounded by the
//! command's time with transient failures retried. Must not touch the cache or the UI.

use std::time::Instant;

use anyhow::Result;
use aws_sdk_sso::config::{BehaviorVersion, Region};
use aws_sdk_sso::operation::list_accounts::ListAccountsError;

use super::retry::{self, ATTEMPTS};
use super::Endpoint;

/// An sso portal client for one region and endpoint, with its own current-thread runtime.
pub struct Portal {
    runtime: tokio::runtime::Runtime,
    client: aws_sdk_sso::Client,
    endpoint: Endpoint,
}

impl Portal {
    pub fn new(region: &str, endpoint_override: Option<String>) -> Result<Portal> {
        let endpoint = Endpoint::new(
            endpoint_override,
            format!("https://portal.sso.{region}.amazonaws.com"),
        );
        let mut builder = aws_sdk_sso::Config::builder()
            .region(Region::new(region.to_string()))
            .behavior_version(BehaviorVersion::latest())
            .timeout_config(super::timeout_config())
            .retry_config(super::retry_config());
        if let Some(url) = &endpoint.overridden {
            builder = builder.endpoint_url(url.clone());
        }
        Ok(Portal {
            runtime: super::runtime()?,
            client: aws_sdk_sso::Client::from_conf(builder.build()),
            endpoint,
        })
    }

    /// Revoke `access_token` on the server (portal `Logout`).
    pub fn logout(&self, access_token: &str) -> Result<()> {
        let deadline = Instant::now() + super::timeouts().command;
        let send = || self.client.logout().access_token(access_token).send();
        self.runtime
            .block_on(retry::send("Logout", ATTEMPTS, Some(deadline), send))
            .map_err(|e| e.error("Logout", &self.endpoint))?;
        Ok(())
    }

    /// Whether the portal accepts `access_token` (one ListAccounts page of one): `Ok(false)` when
    /// it answers 401 Unauthorized, an error when it cannot be asked.
    pub fn token_accepted(&self, access_token: &str) -> Result<bool> {
        let deadline = Instant::now() + super::timeouts().command;
        let send = || {
            self.client
                .list_accounts()
                .access_token(access_token)
                .max_results(1)
                .send()
        };
        let result =
            self.runtime
                .block_on(retry::send("ListAccounts", ATTEMPTS, Some(deadline), send));
        match result {
            Ok(_) => Ok(true),
            Err(e) => match e.sdk().and_then(|e| e.as_service_error()) {
                Some(ListAccountsError::UnauthorizedException(_)) => Ok(false),
                _ => Err(e.error("ListAccounts", &self.endpoint).into()),
            },
        }
    }
}
