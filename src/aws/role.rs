//! SSO portal GetRoleCredentials (aws-sdk-sso) behind a blocking call, and the wording of SDK
//! errors for users. Must not read caches or config, and must never put a token or secret key in
//! an error message.

use std::error::Error as StdError;

use anyhow::{anyhow, Result};
use aws_sdk_sso::config::{BehaviorVersion, Region};
use aws_sdk_sso::error::SdkError;

use super::errors::describe;
use time::OffsetDateTime;

use crate::cache::role::RoleCredentials;

/// What to ask the SSO portal for.
pub struct RoleRequest<'a> {
    /// The SSO region (`sso_region`).
    pub region: &'a str,
    /// Endpoint override, already resolved (`aws::endpoints::resolve`).
    pub endpoint: Option<&'a str>,
    pub access_token: &'a str,
    pub account_id: &'a str,
    pub role_name: &'a str,
}

/// Why GetRoleCredentials failed, for the caller to word with its context.
#[derive(Debug)]
pub enum RoleError {
    /// 401: the portal does not accept the access token (expired or revoked).
    Unauthorized,
    /// 403 or any other service error: `code: message (HTTP n)`.
    Service(String),
    /// Could not reach the portal, timed out, or an unreadable answer.
    Transport(String),
}

impl std::fmt::Display for RoleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RoleError::Unauthorized => f.write_str("the SSO portal rejected the access token"),
            RoleError::Service(s) | RoleError::Transport(s) => f.write_str(s),
        }
    }
}

impl StdError for RoleError {}

/// GetRoleCredentials, blocking (builds its own current-thread runtime).
pub fn get_role_credentials(req: &RoleRequest) -> Result<RoleCredentials> {
    let rt = super::runtime()?;
    rt.block_on(fetch(req)).map_err(|e| anyhow!(e))
}

async fn fetch(req: &RoleRequest<'_>) -> Result<RoleCredentials, RoleError> {
    let mut conf = aws_sdk_sso::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(req.region.to_string()))
        .timeout_config(super::timeout_config());
    if let Some(url) = req.endpoint {
        conf = conf.endpoint_url(url);
    }
    let client = aws_sdk_sso::Client::from_conf(conf.build());
    let out = client
        .get_role_credentials()
        .account_id(req.account_id)
        .role_name(req.role_name)
        .access_token(req.access_token)
        .send()
        .await
        .map_err(|e| match &e {
            SdkError::ServiceError(s) if s.raw().status().as_u16() == 401 => {
                RoleError::Unauthorized
            }
            SdkError::ServiceError(_) => RoleError::Service(describe(&e)),
            _ => RoleError::Transport(describe(&e)),
        })?;
    let rc = out
        .role_credentials
        .ok_or_else(|| RoleError::Transport("the SSO portal returned no roleCredentials".into()))?;
    let missing = |k: &str| RoleError::Transport(format!("the SSO portal's answer has no {k}"));
    let expiration = OffsetDateTime::from_unix_timestamp_nanos(
        i128::from(rc.expiration) * 1_000_000,
    )
    .map_err(|_| RoleError::Transport("the SSO portal's expiration is out of range".into()))?;
    Ok(RoleCredentials::new(
        rc.access_key_id.ok_or_else(|| missing("accessKeyId"))?,
        rc.secret_access_key
            .ok_or_else(|| missing("secretAccessKey"))?,
        rc.session_token.ok_or_else(|| missing("sessionToken"))?,
        expiration,
        req.account_id.to_string(),
    ))
}
