//! STS with credentials that ssox resolved itself (the SDK is handed keys, never a profile name):
//! GetCallerIdentity, and AssumeRole (docs/compat.md#assume-role) with the answer botocore would
//! cache. Blocking API, each call bounded by the command's deadline; AssumeRole retries transient
//! failures (`retry`). Must not read config or caches, and must never put a secret in an error.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use anyhow::{anyhow, Result};
use aws_credential_types::Credentials;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_sdk_sts::operation::RequestId;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use time::OffsetDateTime;

use super::errors::{Failure, RequestError};
use super::retry::{self, ATTEMPTS};
use super::Endpoint;
use crate::cache::assumed::{arn_account, AssumeRoleArgs, AssumedRole, ResponseMetadata};
use crate::cache::role::RoleCredentials;

/// Keys to sign requests with: long-term (no session token) or temporary. The secret is private
/// and there is no `Debug`, so it cannot end up in a message by accident.
#[derive(Clone)]
pub struct Keys {
    pub access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl Keys {
    pub fn new(
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
    ) -> Keys {
        Keys {
            access_key_id,
            secret_access_key,
            session_token,
        }
    }

    fn sdk(&self) -> Credentials {
        Credentials::new(
            &self.access_key_id,
            &self.secret_access_key,
            self.session_token.clone(),
            None,
            "ssox",
        )
    }
}

impl From<&RoleCredentials> for Keys {
    fn from(c: &RoleCredentials) -> Keys {
        Keys::new(
            c.access_key_id.clone(),
            c.secret_access_key().to_string(),
            Some(c.session_token().to_string()),
        )
    }
}

/// Where STS is called.
pub struct Sts<'a> {
    /// The signing region (and the default endpoint's).
    pub region: &'a str,
    /// Endpoint override, already resolved (`aws::endpoints::resolve`).
    pub endpoint: Option<&'a str>,
    /// Give up (retries included) at this instant.
    pub deadline: Instant,
}

impl Sts<'_> {
    /// STS's URL for the region (or the override), for messages.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint::new(
            self.endpoint.map(str::to_string),
            format!("https://sts.{}.amazonaws.com", self.region),
        )
    }

    fn client(&self, keys: &Keys) -> aws_sdk_sts::Client {
        let mut conf = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.to_string()))
            .credentials_provider(keys.sdk())
            .timeout_config(super::timeout_config())
            .retry_config(super::retry_config())
            .http_client(super::http_client());
        if let Some(url) = self.endpoint {
            conf = conf.endpoint_url(url);
        }
        aws_sdk_sts::Client::from_conf(conf.build())
    }

    /// The error for running out of the command's time in `op`.
    fn out_of_time(&self, op: &str) -> anyhow::Error {
        anyhow!(RequestError::new(
            op,
            &self.endpoint(),
            Failure::Deadline(super::timeouts().command),
            1,
        ))
    }
}

/// Who the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// GetCallerIdentity signed with `keys` (one attempt: `whoami` reports what STS says).
pub fn caller_identity(keys: &Keys, sts: &Sts) -> Result<CallerIdentity> {
    const OP: &str = "GetCallerIdentity";
    let rt = super::runtime()?;
    let client = sts.client(keys);
    let call = async {
        client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| anyhow!(RequestError::of(OP, &sts.endpoint(), &e, 1)))
    };
    let deadline = tokio::time::Instant::from_std(sts.deadline);
    let out = rt
        .block_on(async { tokio::time::timeout_at(deadline, call).await })
        .map_err(|_| sts.out_of_time(OP))??;
    Ok(CallerIdentity {
        account: out.account.unwrap_or_default(),
        arn: out.arn.unwrap_or_default(),
        user_id: out.user_id.unwrap_or_default(),
    })
}

/// AssumeRole signed with `keys`: `args` plus `session_name` (the profile's, or the generated
/// default). `args.serial_number` is not sent: ssox asks for no MFA code, and its caller assumes
/// no role that needs one. The credentials' account is the assumed role's.
pub fn assume_role(
    keys: &Keys,
    sts: &Sts,
    args: &AssumeRoleArgs,
    session_name: &str,
) -> Result<AssumedRole> {
    const OP: &str = "AssumeRole";
    let rt = super::runtime()?;
    let client = sts.client(keys);
    let endpoint = sts.endpoint();
    let headers = Arc::new(Mutex::new(Vec::new()));
    let attempts = std::cell::Cell::new(0u32);
    let duration = args
        .duration_seconds
        .map(|d| i32::try_from(d).unwrap_or(i32::MAX));
    let send = || {
        attempts.set(attempts.get() + 1);
        client
            .assume_role()
            .role_arn(&args.role_arn)
            .role_session_name(session_name)
            .set_external_id(args.external_id.clone())
            .set_duration_seconds(duration)
            .customize()
            .interceptor(KeepHeaders(headers.clone()))
            .send()
    };
    let out = rt
        .block_on(retry::send(OP, ATTEMPTS, Some(sts.deadline), send))
        .map_err(|gave_up| anyhow!(gave_up.error(OP, &endpoint)))?;
    let answer = |what: &str| anyhow!("{OP} at {endpoint} answered {what}");
    let request_id = out.request_id().map(str::to_string);
    let user = out
        .assumed_role_user
        .ok_or_else(|| answer("without AssumedRoleUser"))?;
    let c = out
        .credentials
        .ok_or_else(|| answer("without Credentials"))?;
    let expiration = OffsetDateTime::from_unix_timestamp(c.expiration.secs())
        .map_err(|_| answer("with an Expiration out of range"))?;
    let account = arn_account(&user.arn).unwrap_or_default().to_string();
    #[allow(deprecated)] // botocore still caches PackedPolicySize when STS sends it
    let packed_policy_size = out.packed_policy_size.map(i64::from);
    let headers = std::mem::take(&mut *headers.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(AssumedRole {
        credentials: RoleCredentials::new(
            c.access_key_id,
            c.secret_access_key,
            c.session_token,
            expiration,
            account,
        ),
        assumed_role_id: user.assumed_role_id,
        arn: user.arn,
        packed_policy_size,
        source_identity: out.source_identity,
        metadata: ResponseMetadata {
            request_id,
            headers,
            retry_attempts: attempts.get().saturating_sub(1),
        },
    })
}

/// Keeps the headers of the last answer (botocore caches them as `HTTPHeaders`).
#[derive(Debug)]
struct KeepHeaders(Arc<Mutex<Vec<(String, String)>>>);

impl Intercept for KeepHeaders {
    fn name(&self) -> &'static str {
        "KeepHeaders"
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let headers = context
            .response()
            .headers()
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect();
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = headers;
        Ok(())
    }
}
