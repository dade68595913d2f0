//! STS GetCallerIdentity through the SDK's own credential chain: aws-config reads the profile
//! from the given files and, for SSO profiles, the token cache, exactly as any Rust SDK program
//! would. Blocking API, bounded by the command's time. Must not read ssox's caches itself or word
//! errors with secrets in them.

use std::error::Error as StdError;
use std::path::Path;
use std::time::Instant;

use anyhow::{anyhow, Result};
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_sso::error::SdkError;
use aws_sdk_sso::operation::get_role_credentials::GetRoleCredentialsError;
use aws_sdk_sts::config::Region;

use super::errors::{chain, Failure, RequestError};
use super::role::RoleError;
use super::Endpoint;

/// Who the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// Where the profile comes from and which STS region to call.
pub struct WhoamiRequest<'a> {
    pub config_file: &'a Path,
    pub credentials_file: &'a Path,
    pub profile: &'a str,
    pub region: &'a str,
    /// Where the SDK sends GetRoleCredentials for an SSO profile, and STS requests (for messages).
    pub sso_endpoint: &'a Endpoint,
    pub sts_endpoint: &'a Endpoint,
    /// Give up (credentials and STS, retries included) at this instant.
    pub deadline: Instant,
}

/// Why `caller_identity` failed.
#[derive(Debug)]
pub enum WhoamiError {
    /// The SSO portal answered GetRoleCredentials with an error (or could not be reached).
    Role(RoleError),
    /// Any other failure to get credentials from the profile.
    Credentials(String),
    /// STS itself failed (e.g. `SignatureDoesNotMatch`).
    Sts(RequestError),
}

impl std::fmt::Display for WhoamiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WhoamiError::Role(e) => write!(f, "{e}"),
            WhoamiError::Sts(e) => write!(f, "{e}"),
            WhoamiError::Credentials(s) => f.write_str(s),
        }
    }
}

impl StdError for WhoamiError {}

/// Resolve the profile's credentials with aws-config, then call STS GetCallerIdentity with them.
/// Endpoint overrides (`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_STS`, `[services]`…) are
/// applied by the SDK itself.
pub fn caller_identity(req: &WhoamiRequest) -> Result<CallerIdentity> {
    let rt = super::runtime()?;
    let deadline = tokio::time::Instant::from_std(req.deadline);
    match rt.block_on(async { tokio::time::timeout_at(deadline, call(req)).await }) {
        Ok(result) => result.map_err(|e| anyhow!(e)),
        Err(_) => Err(anyhow!(WhoamiError::Sts(RequestError::new(
            "GetCallerIdentity",
            req.sts_endpoint,
            Failure::Deadline(super::timeouts().command),
            1,
        )))),
    }
}

#[allow(deprecated)] // the aliases in aws_config::profile name the same aws-runtime types
fn profile_files(req: &WhoamiRequest) -> aws_config::profile::profile_file::ProfileFiles {
    use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
    let files = ProfileFiles::builder().with_file(ProfileFileKind::Config, req.config_file);
    // aws-config refuses a named file that does not exist; a missing credentials file is normal.
    if req.credentials_file.is_file() {
        files
            .with_file(ProfileFileKind::Credentials, req.credentials_file)
            .build()
    } else {
        files.build()
    }
}

async fn call(req: &WhoamiRequest<'_>) -> Result<CallerIdentity, WhoamiError> {
    let region = Region::new(req.region.to_string());
    let files = profile_files(req);
    let provider_config = ProviderConfig::default()
        .with_region(Some(region.clone()))
        .with_timeout_config(super::timeout_config())
        .with_http_client(super::http_client());
    // The profile provider, not the default chain: static keys in the environment must not
    // answer for a profile named on the command line.
    let provider = ProfileFileCredentialsProvider::builder()
        .configure(&provider_config)
        .profile_files(files.clone())
        .profile_name(req.profile)
        .build();
    let creds = provider
        .provide_credentials()
        .await
        .map_err(|e| credentials_error(e, req.sso_endpoint))?;
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(region)
        .profile_files(files)
        .profile_name(req.profile)
        .timeout_config(super::timeout_config())
        .http_client(super::http_client())
        .credentials_provider(creds)
        .load()
        .await;
    let out = aws_sdk_sts::Client::new(&sdk)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            WhoamiError::Sts(RequestError::of(
                "GetCallerIdentity",
                req.sts_endpoint,
                &e,
                1,
            ))
        })?;
    Ok(CallerIdentity {
        account: out.account.unwrap_or_default(),
        arn: out.arn.unwrap_or_default(),
        user_id: out.user_id.unwrap_or_default(),
    })
}

/// Find the SSO portal's error inside the credential chain's error, if that is what failed.
fn credentials_error(
    e: aws_credential_types::provider::error::CredentialsError,
    sso_endpoint: &Endpoint,
) -> WhoamiError {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(&e);
    while let Some(err) = cur {
        if let Some(sdk) = err.downcast_ref::<SdkError<GetRoleCredentialsError>>() {
            return WhoamiError::Role(RoleError::of(sso_endpoint, sdk, 1));
        }
        cur = err.source();
    }
    let inner = chain(&e);
    let outer = e.to_string();
    WhoamiError::Credentials(if inner.contains(&outer) {
        inner
    } else {
        format!("{outer}: {inner}")
    })
}
