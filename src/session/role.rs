//! A profile's role credentials: from the AWS CLI's role cache while more than 15 minutes remain
//! (no request at all), else GetRoleCredentials with the session's token (refreshed first when
//! needed, see `fresh_token`), written back to the role cache (docs/compat.md#role-cache). One
//! process at a time fetches for one cache file (a lock in ssox's state dir; the others then find
//! the cache filled). A 401 is remembered (`rejected`) and, when the token can be refreshed, tried
//! once more with a new token. Never logs in interactively: without a usable token the error says
//! `run: ssox login`. Must not word errors with a secret in them.

use std::time::Instant;

use anyhow::{bail, Result};
use time::OffsetDateTime;

use crate::aws::endpoints::{self, Service};
use crate::aws::role::{self, RoleError, RoleRequest};
use crate::cache::role::{self as role_cache, RoleCredentials};
use crate::cache::{self, human_duration, CachedToken};
use crate::config::{Config, RoleTarget};
use crate::settings::Settings;
use crate::ui::warn;

use super::{fresh_token, lock, rejected, token_path};

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

/// The profile's role credentials (see [`sso_role_credentials`]), with its SSO role. The network
/// part (refresh, fetch, retries) ends within the command's time (`aws::Timeouts::command`).
pub fn role_credentials(
    config: &Config,
    name: &str,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<(RoleCredentials, RoleTarget)> {
    let profile = config.profile(name)?;
    let target = config.role_target(profile)?;
    let deadline = Instant::now() + crate::aws::timeouts().command;
    let creds = sso_role_credentials(config, &target, settings, now, deadline)?;
    Ok((creds, target))
}

/// The role credentials of an SSO role (a profile's `sso_account_id` + `sso_role_name`, or the
/// root of a role chain): from the role cache while they have more than 15 minutes left, else
/// GetRoleCredentials with the session's token, under the cache file's lock, before `deadline`.
pub fn sso_role_credentials(
    config: &Config,
    target: &RoleTarget,
    settings: &Settings,
    now: OffsetDateTime,
    deadline: Instant,
) -> Result<RoleCredentials> {
    let login = &target.login;
    let file = cache::role_cache_file_name(
        &target.account_id,
        &target.role_name,
        login.session_name.as_deref(),
        &login.start_url,
    );
    let cache_path = settings.cli_cache_dir().join(&file);
    let shown = settings.display_path(&cache_path);
    let cached = |now| {
        let c = role_cache::read_fresh(&cache_path, now)?;
        crate::verbose!(
            "using cached role credentials {shown} (valid {})",
            human_duration(c.remaining(now))
        );
        Some(c)
    };
    if let Some(c) = cached(now) {
        return Ok(c);
    }
    let _lock = lock::role(settings, &file, deadline)?;
    // Whoever held the lock (even one that let go between our look and our lock) may just have
    // fetched them.
    if let Some(c) = cached(OffsetDateTime::now_utc()) {
        return Ok(c);
    }
    let profile = Some(target.profile.as_str());
    let token = fresh_token(config, login, profile, settings, deadline)?;
    let creds = match fetch(config, target, settings, &token, deadline) {
        Err(RoleError::Unauthorized) => {
            let path = token_path(settings, login);
            rejected::record(settings, &path, &token, OffsetDateTime::now_utc());
            if !super::can_refresh(settings, &path, &token, OffsetDateTime::now_utc()) {
                return Err(TokenRejected(login.label()).into());
            }
            // A refresh may still be accepted (the portal refuses only this access token).
            crate::verbose!("the SSO portal refused the token; refreshing it and trying again");
            let token = fresh_token(config, login, profile, settings, deadline)?;
            match fetch(config, target, settings, &token, deadline) {
                Err(RoleError::Unauthorized) => {
                    rejected::record(settings, &path, &token, OffsetDateTime::now_utc());
                    return Err(TokenRejected(login.label()).into());
                }
                other => other,
            }
        }
        other => other,
    }
    .map_err(|e| anyhow::Error::new(e).context(role_failure(target, &target.profile)))?;
    match role_cache::write(&cache_path, &creds) {
        Ok(()) => crate::verbose!("cached role credentials in {shown}"),
        Err(e) => warn(&format!("cannot cache role credentials: {e:#}")),
    }
    Ok(creds)
}

/// One GetRoleCredentials for `target` with `token`.
fn fetch(
    config: &Config,
    target: &RoleTarget,
    settings: &Settings,
    token: &CachedToken,
    deadline: Instant,
) -> Result<RoleCredentials, RoleError> {
    let login = &target.login;
    let endpoint = endpoints::resolve(
        &settings.endpoints,
        Some(config),
        Some(&target.profile),
        Service::Sso,
    );
    crate::verbose!(
        "GetRoleCredentials account {} role {} (region {}{})",
        target.account_id,
        target.role_name,
        login.region,
        endpoint
            .as_deref()
            .map_or(String::new(), |e| format!(", endpoint {e}"))
    );
    role::get_role_credentials(&RoleRequest {
        region: &login.region,
        endpoint: endpoint.as_deref(),
        access_token: token.access_token(),
        account_id: &target.account_id,
        role_name: &target.role_name,
        deadline,
    })
    .map_err(|e| match e.downcast::<RoleError>() {
        Ok(r) => r,
        Err(other) => RoleError::Other(format!("{other:#}")),
    })
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
