//! The OIDC client registration a login uses: the AWS CLI's cached one while it is usable, has
//! the wanted scopes and is of the flow in use (device code and PKCE share the file), else
//! RegisterClient, saved in the CLI's registration file at once (as the CLI does). See
//! docs/compat.md#registration-cache.

use std::path::PathBuf;

use anyhow::Result;
use time::OffsetDateTime;

use crate::aws::login::{ClientKind, ClientRejected, Oidc, DEFAULT_SCOPE};
use crate::cache::{self, Registration};
use crate::config::LoginTarget;
use crate::settings::Settings;
use crate::ui::warn;

use super::flow::Flow;

/// The scopes a login registers with: the configured ones, or `sso:account:access` for
/// sso-session configs (so the token is refreshable); none for legacy profiles, as the CLI does.
pub fn wanted_scopes(login: &LoginTarget) -> Option<Vec<String>> {
    login.session_name.as_ref()?;
    Some(
        login
            .scopes
            .clone()
            .unwrap_or_else(|| vec![DEFAULT_SCOPE.to_string()]),
    )
}

/// The CLI's registration file for `login`.
pub(super) fn registration_path(login: &LoginTarget, settings: &Settings) -> PathBuf {
    settings.sso_cache_dir().join(cache::registration_file_name(
        &login.region,
        login.scopes.as_deref(),
        login.session_name.as_deref(),
        &login.start_url,
    ))
}

/// Run `attempt` (one interactive login) with the cached or a new registration for `flow`; when
/// the server rejects a cached one (forgotten or revoked), register once more and run it again.
/// Returns what `attempt` gave and the registration it used.
pub fn with_registration<T>(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
    flow: Flow,
    clock: &dyn Fn() -> OffsetDateTime,
    mut attempt: impl FnMut(&Registration) -> Result<T>,
) -> Result<(T, Registration)> {
    let (registration, cached) = cached_or_register(oidc, login, settings, flow, clock())?;
    match attempt(&registration) {
        Err(e) if cached && e.is::<ClientRejected>() => {
            warn("the server rejected the cached client registration; registering again");
            let registration = register_client(oidc, login, settings, flow, clock())?;
            Ok((attempt(&registration)?, registration))
        }
        result => Ok((result?, registration)),
    }
}

/// The cached registration when it has 15 minutes left, the wanted scopes and is for `flow`
/// (`(r, true)`), else a new one (`(r, false)`).
pub fn cached_or_register(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
    flow: Flow,
    now: OffsetDateTime,
) -> Result<(Registration, bool)> {
    let path = registration_path(login, settings);
    if let Some(r) = cache::read_registration(&path) {
        let r_flow = if r.is_for_auth_code() {
            Flow::Pkce
        } else {
            Flow::Device
        };
        if r_flow != flow {
            crate::verbose!(
                "the client registration in {} is for {} logins, not {} logins",
                settings.display_path(&path),
                r_flow.name(),
                flow.name()
            );
        } else if r.usable(now) && r.scopes == wanted_scopes(login) {
            crate::verbose!(
                "reusing the client registration in {}",
                settings.display_path(&path)
            );
            return Ok((r, true));
        }
    }
    Ok((register_client(oidc, login, settings, flow, now)?, false))
}

/// RegisterClient for `flow`, saved in the CLI's registration file at once.
pub fn register_client(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
    flow: Flow,
    now: OffsetDateTime,
) -> Result<Registration> {
    crate::verbose!("registering a new client for {} logins", flow.name());
    let scopes = wanted_scopes(login);
    let kind = match flow {
        Flow::Device => ClientKind::Device,
        Flow::Pkce => ClientKind::AuthCode {
            issuer_url: &login.start_url,
        },
    };
    let r = oidc.register(login.session_name.as_deref(), scopes.as_deref(), kind, now)?;
    cache::write_registration(&registration_path(login, settings), &r)?;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::test_config::{cfg, TWO};

    #[test]
    fn scopes_default_for_sessions_only() {
        let c = cfg(TWO);
        let a = c.session_login("alpha").unwrap();
        assert_eq!(wanted_scopes(&a), Some(vec![DEFAULT_SCOPE.to_string()]));
        let b = c.session_login("beta").unwrap();
        assert_eq!(
            wanted_scopes(&b),
            Some(vec!["sso:account:access".to_string(), "x".to_string()])
        );
        let l = c.profile_login(&c.profiles["legacy"]).unwrap();
        assert_eq!(wanted_scopes(&l), None);
    }
}
