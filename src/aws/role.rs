//! SSO portal GetRoleCredentials (aws-sdk-sso) behind a blocking call: transient failures retried
//! (`retry`), the whole fetch bounded by a deadline. Must not read caches or config, and must
//! never put a token or secret key in an error message.

use std::error::Error as StdError;
use std::time::Instant;

use anyhow::{anyhow, Result};
use aws_sdk_sso::config::{BehaviorVersion, Region};
use aws_sdk_sso::error::SdkError;
use aws_sdk_sso::operation::get_role_credentials::GetRoleCredentialsError;
use time::OffsetDateTime;

use super::errors::RequestError;
use super::retry::{self, GaveUp, ATTEMPTS};
use super::Endpoint;
use crate::cache::role::RoleCredentials;
use crate::config::{check_account_id, check_role_name};

const OP: &str = "GetRoleCredentials";

/// What to ask the SSO portal for.
pub struct RoleRequest<'a> {
    /// The SSO region (`sso_region`).
    pub region: &'a str,
    /// Endpoint override, already resolved (`aws::endpoints::resolve`).
    pub endpoint: Option<&'a str>,
    pub access_token: &'a str,
    pub account_id: &'a str,
    pub role_name: &'a str,
    /// Give up (retries included) at this instant.
    pub deadline: Instant,
}

/// Why GetRoleCredentials failed, for the caller to word with its context.
#[derive(Debug)]
pub enum RoleError {
    /// 401: the portal does not accept the access token (expired or revoked).
    Unauthorized,
    /// Any other failure of the request (403, 5xx, the network, a timeout).
    Request(RequestError),
    /// Anything else: an answer without the credentials in it, no runtime.
    Other(String),
}

impl std::fmt::Display for RoleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RoleError::Unauthorized => f.write_str("the SSO portal rejected the access token"),
            RoleError::Request(e) => write!(f, "{e}"),
            RoleError::Other(s) => f.write_str(s),
        }
    }
}

impl StdError for RoleError {}

impl RoleError {
    /// The failure of a GetRoleCredentials call at `endpoint`, sent `attempts` times.
    pub fn of(
        endpoint: &Endpoint,
        e: &SdkError<GetRoleCredentialsError>,
        attempts: u32,
    ) -> RoleError {
        match e {
            SdkError::ServiceError(s) if s.raw().status().as_u16() == 401 => {
                RoleError::Unauthorized
            }
            _ => RoleError::Request(RequestError::of(OP, endpoint, e, attempts)),
        }
    }
}

/// The portal's URL for `region` (or the override).
pub fn endpoint(region: &str, overridden: Option<&str>) -> Endpoint {
    Endpoint::new(
        overridden.map(str::to_string),
        format!("https://portal.sso.{region}.amazonaws.com"),
    )
}

/// GetRoleCredentials, blocking (builds its own current-thread runtime).
pub fn get_role_credentials(req: &RoleRequest) -> Result<RoleCredentials> {
    let rt = super::runtime()?;
    rt.block_on(fetch(req)).map_err(|e| anyhow!(e))
}

async fn fetch(req: &RoleRequest<'_>) -> Result<RoleCredentials, RoleError> {
    // The SDK's request builder panics on a URI too long (the two go in its query string):
    // nothing that is not an account id and a role name reaches it.
    for check in [
        check_account_id(req.account_id),
        check_role_name(req.role_name),
    ] {
        check.map_err(|why| RoleError::Other(format!("{OP} not sent: {why}")))?;
    }
    let endpoint = endpoint(req.region, req.endpoint);
    let mut conf = aws_sdk_sso::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(req.region.to_string()))
        .timeout_config(super::timeout_config())
        .retry_config(super::retry_config())
        .http_client(super::http_client());
    if let Some(url) = &endpoint.overridden {
        conf = conf.endpoint_url(url);
    }
    let client = aws_sdk_sso::Client::from_conf(conf.build());
    let send = || {
        client
            .get_role_credentials()
            .account_id(req.account_id)
            .role_name(req.role_name)
            .access_token(req.access_token)
            .send()
    };
    let out = retry::send(OP, ATTEMPTS, Some(req.deadline), send)
        .await
        .map_err(|gave_up| match gave_up {
            GaveUp::Failed(e, n) => RoleError::of(&endpoint, &e, n),
            GaveUp::OutOfTime(_) => RoleError::Request(gave_up.error(OP, &endpoint)),
        })?;
    let answer = |what: &str| RoleError::Other(format!("{OP} at {endpoint} answered {what}"));
    let rc = out
        .role_credentials
        .ok_or_else(|| answer("without roleCredentials"))?;
    let missing = |k: &str| answer(&format!("without {k}"));
    let expiration =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(rc.expiration) * 1_000_000)
            .map_err(|_| answer("with an expiration out of range"))?;
    Ok(RoleCredentials::new(
        rc.access_key_id.ok_or_else(|| missing("accessKeyId"))?,
        rc.secret_access_key
            .ok_or_else(|| missing("secretAccessKey"))?,
        rc.session_token.ok_or_else(|| missing("sessionToken"))?,
        expiration,
        req.account_id.to_string(),
    ))
}
