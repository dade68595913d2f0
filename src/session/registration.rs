//! The OIDC client registration a login uses: the AWS CLI's cached one while it is usable and
//! has the wanted scopes, else RegisterClient, saved in the CLI's registration file at once (as
//! the CLI does). See docs/compat.md#registration-cache.

use std::path::PathBuf;

use anyhow::Result;
use time::OffsetDateTime;

use crate::aws::login::{Oidc, DEFAULT_SCOPE};
use crate::cache::{self, Registration};
use crate::config::LoginTarget;
use crate::settings::Settings;

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
fn registration_path(login: &LoginTarget, settings: &Settings) -> PathBuf {
    settings.sso_cache_dir().join(cache::registration_file_name(
        &login.region,
        login.scopes.as_deref(),
        login.session_name.as_deref(),
        &login.start_url,
    ))
}

/// The cached registration when it has 15 minutes left and the wanted scopes (`(r, true)`),
/// else a new one (`(r, false)`).
pub fn cached_or_register(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<(Registration, bool)> {
    let path = registration_path(login, settings);
    if let Some(r) = cache::read_registration(&path) {
        if r.usable(now) && r.scopes == wanted_scopes(login) {
            crate::verbose!(
                "reusing the client registration in {}",
                settings.display_path(&path)
            );
            return Ok((r, true));
        }
    }
    Ok((register_client(oidc, login, settings, now)?, false))
}

/// RegisterClient, saved in the CLI's registration file at once.
pub fn register_client(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<Registration> {
    crate::verbose!("registering a new client");
    let scopes = wanted_scopes(login);
    let r = oidc.register(login.session_name.as_deref(), scopes.as_deref(), now)?;
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
