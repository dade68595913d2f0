//! Refreshing a session's token: the one CreateToken `login` sends before an interactive login,
//! and the silent refresh of every command that cannot ask anyone (`creds`, also as a
//! `credential_process`, `exec`, `console`, `whoami`), under the session's lock and within the
//! command's time. Never opens a browser.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use crate::aws::login::{refresh_refused, Oidc};
use crate::cache::{self, human_duration, CachedToken, Registration, TokenState};
use crate::config::{Config, LoginTarget};
use crate::settings::Settings;
use crate::ui::warn;
use crate::Cancelled;

use super::{
    cached_token, can_refresh, describe, lasting, lock, now, oidc, rejected, token_path,
    token_state, unusable_message,
};

/// No usable token without an interactive login (expired, rejected, none, or the refresh
/// failed): the message ends with `run: ssox login`. Typed so that callers that cannot log in
/// (`ssox serve`) can tell it from a failed request.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoginRequired(pub String);

/// Refresh `old` (the cached token of `login`): one CreateToken request (more only after a
/// transient failure), the new token written as `login` writes it. Returns its lifetime.
pub(super) fn refresh(
    oidc: &Oidc,
    settings: &Settings,
    path: &Path,
    login: &LoginTarget,
    old: &CachedToken,
) -> Result<Duration> {
    let (Some(registration), Some(refresh_token)) =
        (Registration::of_token(old), old.refresh_token())
    else {
        bail!("the cached token has no refresh token or client");
    };
    crate::verbose!("refreshing the cached token of {}", login.short_name());
    let new = match oidc.refresh(&registration, refresh_token, &now) {
        Ok(new) => new,
        Err(e) => {
            if refresh_refused(&e) {
                rejected::record_refresh_refused(settings, path, old, now());
            }
            return Err(e);
        }
    };
    cache::write_token(path, &login.start_url, &login.region, &new, &registration)?;
    rejected::clear(settings, path);
    Ok((new.expires_at - now()).unsigned_abs())
}

/// The cached token of `login` for a command that cannot ask anyone (`creds`, `exec`,
/// `console`, `whoami`, `sync`, `serve`): one with 15 minutes left as it is; else a silent
/// refresh under the session's lock (the one `login` takes), all before `deadline`; else the
/// current token while it is still valid; else an error saying `run: ssox login`. While another
/// ssox holds the lock (a login waiting for its browser), a still-valid token is used at once;
/// only without one does it wait for the lock. Never opens a browser.
pub fn fresh_token(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
    deadline: Instant,
) -> Result<CachedToken> {
    let path = token_path(settings, login);
    let current = cached_token(&path, login);
    if let Some(t) = current.as_ref().filter(|t| lasting(settings, &path, t)) {
        return Ok(t.clone());
    }
    let refreshable = |t: &CachedToken| can_refresh(settings, &path, t, now());
    if !current.as_ref().is_some_and(refreshable) {
        return still_valid(settings, &path, login, current);
    }
    // A login may hold the lock while its user takes minutes to approve it in a browser: the
    // current token serves while it is valid, and only a command without one waits.
    let _lock = match lock::try_acquire(settings, login)? {
        Some(lock) => lock,
        None => match current.as_ref().filter(|t| usable(settings, &path, t)) {
            Some(t) => {
                crate::verbose!(
                    "another ssox is logging in to (or refreshing) {}; using the cached token \
                     while it lasts (valid {})",
                    login.short_name(),
                    human_duration((t.expires_at - now()).unsigned_abs())
                );
                return Ok(t.clone());
            }
            None => lock::acquire_until(settings, login, deadline)?,
        },
    };
    // Whoever held the lock may just have refreshed it.
    let current = cached_token(&path, login);
    let Some(old) = current.as_ref().filter(|t| refreshable(t)) else {
        return still_valid(settings, &path, login, current);
    };
    if lasting(settings, &path, old) {
        return Ok(old.clone());
    }
    let refreshed = oidc(config, login, profile, settings)
        .map(|o| o.with_deadline(deadline))
        .and_then(|o| refresh(&o, settings, &path, login, old));
    match refreshed {
        Ok(left) => {
            crate::verbose!(
                "refreshed the token of {} (valid {})",
                login.short_name(),
                human_duration(left)
            );
            cached_token(&path, login).ok_or_else(|| {
                anyhow::anyhow!(
                    "the refreshed token of {} cannot be read back",
                    login.label()
                )
            })
        }
        Err(e) if e.is::<Cancelled>() => Err(e),
        Err(e) if usable(settings, &path, old) => {
            warn(&format!(
                "cannot refresh the token of {} ({e:#}); using it while it lasts",
                login.short_name()
            ));
            Ok(old.clone())
        }
        Err(e) => Err(LoginRequired(format!(
            "cannot refresh the token of {}: {e:#}; run: ssox login",
            login.short_name()
        ))
        .into()),
    }
}

/// `token` when it can still be used (not expired, not rejected), else why not.
fn still_valid(
    settings: &Settings,
    path: &Path,
    login: &LoginTarget,
    token: Option<CachedToken>,
) -> Result<CachedToken> {
    match token {
        Some(t) if usable(settings, path, &t) => Ok(t),
        Some(t) if rejected::refresh_refused(settings, path, &t) => {
            let state = match token_state(settings, path, Some(&t), now()) {
                TokenState::Rejected { .. } => "was rejected by the SSO portal".to_string(),
                state => describe(state),
            };
            Err(LoginRequired(format!(
                "{} {state}, and the portal refused to refresh it; run: ssox login",
                login.label()
            ))
            .into())
        }
        t => Err(LoginRequired(unusable_message(
            login,
            token_state(settings, path, t.as_ref(), now()),
        ))
        .into()),
    }
}

/// Not expired and not refused by the portal.
fn usable(settings: &Settings, path: &Path, token: &CachedToken) -> bool {
    (token.expires_at - now()).is_positive() && !rejected::is_rejected(settings, path, token)
}
