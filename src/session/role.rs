//! A profile's role credentials: from the AWS CLI's role cache while more than 15 minutes remain
//! (no request at all), else GetRoleCredentials with the session's cached token, written back to
//! the role cache (docs/compat.md#role-cache). Never logs in by itself: a missing or expired
//! token is an error saying `run: ssox login`. Must not word errors with a secret in them.

use anyhow::{bail, Context, Result};
use time::OffsetDateTime;

use crate::aws::endpoints::{self, Service};
use crate::aws::role::{self, RoleError, RoleRequest};
use crate::cache::role::{self as role_cache, RoleCredentials};
use crate::cache::{self, human_duration};
use crate::config::{Config, RoleTarget};
use crate::settings::Settings;
use crate::ui::warn;

/// The SSO portal no longer accepts the session's token (expired early, or revoked).
#[derive(Debug, thiserror::Error)]
#[error("{0} was rejected by the SSO portal (expired or revoked); run: ssox login")]
pub struct TokenRejected(pub String);

/// The profile named on the command line, else the active one (`AWS_PROFILE`, then
/// `AWS_DEFAULT_PROFILE`), else an error saying how to name one.
pub fn profile_name(arg: Option<&str>, settings: &Settings, command: &str) -> Result<String> {
    match arg.or(settings.active_profile()) {
        Some(p) => Ok(p.to_string()),
        None => bail!(
            "no profile given and AWS_PROFILE is not set; run: ssox {command} PROFILE (or ssox use PROFILE first)"
        ),
    }
}

/// What failed when role credentials could not be had for `profile` (the cause follows).
pub fn role_failure(target: &RoleTarget, profile: &str) -> String {
    format!(
        "cannot get credentials for role {} in account {} (profile {profile:?})",
        target.role_name, target.account_id
    )
}

/// The profile's role credentials: from the role cache while they have more than 15 minutes
/// left, else from GetRoleCredentials with the cached SSO token. Also returns the profile's SSO
/// role.
pub fn role_credentials(
    config: &Config,
    name: &str,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<(RoleCredentials, RoleTarget)> {
    let profile = config.profile(name)?;
    let target = config.role_target(profile)?;
    let login = &target.login;
    let cache_path = settings.cli_cache_dir().join(cache::role_cache_file_name(
        &target.account_id,
        &target.role_name,
        login.session_name.as_deref(),
        &login.start_url,
    ));
    let shown = settings.display_path(&cache_path);
    if let Some(c) = role_cache::read_fresh(&cache_path, now) {
        crate::verbose!(
            "using cached role credentials {shown} (valid {})",
            human_duration(c.remaining(now))
        );
        return Ok((c, target));
    }
    if let Some(message) = super::token_warning(config, name, settings, now) {
        bail!(message);
    }
    let token = cache::read_token(&super::token_path(settings, login))
        .with_context(|| format!("{} has no cached token; run: ssox login", login.label()))?;
    let endpoint = endpoints::resolve(&settings.endpoints, Some(config), Some(name), Service::Sso);
    crate::verbose!(
        "GetRoleCredentials account {} role {} (region {}{})",
        target.account_id,
        target.role_name,
        login.region,
        endpoint
            .as_deref()
            .map_or(String::new(), |e| format!(", endpoint {e}"))
    );
    let creds = role::get_role_credentials(&RoleRequest {
        region: &login.region,
        endpoint: endpoint.as_deref(),
        access_token: token.access_token(),
        account_id: &target.account_id,
        role_name: &target.role_name,
    })
    .map_err(|e| {
        if matches!(e.downcast_ref(), Some(RoleError::Unauthorized)) {
            TokenRejected(login.label()).into()
        } else {
            e.context(role_failure(&target, name))
        }
    })?;
    match role_cache::write(&cache_path, &creds) {
        Ok(()) => crate::verbose!("cached role credentials in {shown}"),
        Err(e) => warn(&format!("cannot cache role credentials: {e:#}")),
    }
    Ok((creds, target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_defaults_to_the_active_one() {
        let mut s = Settings::default();
        assert!(profile_name(None, &s, "creds").is_err());
        s.aws_default_profile = Some("d".into());
        assert_eq!(profile_name(None, &s, "creds").unwrap(), "d");
        s.aws_profile = Some("p".into());
        assert_eq!(profile_name(None, &s, "creds").unwrap(), "p");
        assert_eq!(profile_name(Some("x"), &s, "creds").unwrap(), "x");
    }
}
