//! A session's token for a command that must not start an interactive login (`sync`): the
//! cached token while it has 15 minutes left; else one silent refresh under the session's lock
//! (the one `login` takes); else the cached token while it has not expired; else an error saying
//! `run: ssox login`. Never opens a browser.

use anyhow::{bail, Result};

use super::{cached_token, describe, lock, now, token_path, valid_for};
use crate::aws::endpoints::{self, Service};
use crate::aws::login::Oidc;
use crate::cache::{self, human_duration, CachedToken, Registration, TokenState};
use crate::config::{Config, LoginTarget};
use crate::settings::Settings;
use crate::ui::warn;
use crate::Cancelled;

/// The token of `login` without an interactive login (see the module's rules). `profile` is the
/// profile whose `[services]` endpoints apply, if any.
pub fn token_without_login(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
) -> Result<CachedToken> {
    let path = token_path(settings, login);
    let lasting = || {
        valid_for(&path, login, now())
            .is_some()
            .then(|| cached_token(&path, login))
            .flatten()
    };
    if let Some(t) = lasting() {
        return Ok(t);
    }
    if cached_token(&path, login).is_some_and(|t| t.refreshable(now())) {
        let _lock = lock::acquire(settings, login)?;
        // Whoever held the lock may just have refreshed it.
        if let Some(t) = lasting() {
            return Ok(t);
        }
        if let Some(t) = refresh(config, login, profile, settings)? {
            return Ok(t);
        }
    }
    let token = cached_token(&path, login);
    let state = TokenState::of(token.as_ref(), now());
    match (token, state) {
        (Some(t), TokenState::Valid { .. }) => Ok(t),
        (_, TokenState::None) => bail!("{} has no cached token; run: ssox login", login.label()),
        _ => bail!("{} {}; run: ssox login", login.label(), describe(state)),
    }
}

/// One refresh of the cached token, written back as `login` writes it; `None` (with a warning)
/// when the portal refuses it.
fn refresh(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
) -> Result<Option<CachedToken>> {
    let path = token_path(settings, login);
    let Some(old) = cached_token(&path, login) else {
        return Ok(None);
    };
    let (Some(registration), Some(refresh_token)) =
        (Registration::of_token(&old), old.refresh_token())
    else {
        return Ok(None);
    };
    let name = login.short_name();
    crate::verbose!("refreshing the cached token of {name}");
    let endpoint = endpoints::resolve(&settings.endpoints, Some(config), profile, Service::SsoOidc);
    let refreshed = Oidc::new(&login.region, endpoint)
        .and_then(|o| o.refresh(&registration, refresh_token, &now));
    match refreshed {
        Ok(new) => {
            cache::write_token(&path, &login.start_url, &login.region, &new, &registration)?;
            eprintln!(
                "refreshed the token of {name} (valid {})",
                human_duration((new.expires_at - now()).unsigned_abs())
            );
            Ok(cached_token(&path, login))
        }
        Err(e) if e.is::<Cancelled>() => Err(e),
        Err(e) => {
            warn(&format!("cannot refresh the token of {name}: {e:#}"));
            Ok(None)
        }
    }
}
