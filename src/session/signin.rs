//! Credentials of an `aws login` profile (`login_session`; docs/compat.md#login-cache): the
//! cached ones while more than 5 minutes remain (botocore's threshold), else a refresh at the
//! sign-in service with the cached refresh token and DPoP key, written back to the cache under the
//! session's lock (so many processes make one refresh) with every other key kept. Never logs in
//! interactively: without usable credentials it says to run `aws login`. Must not word errors
//! with a secret in them.

use std::time::Instant;

use anyhow::{bail, Result};
use time::OffsetDateTime;

use crate::aws::dpop::DpopKey;
use crate::aws::endpoints::{self, Service};
use crate::aws::errors::Endpoint;
use crate::aws::signin::{self, Refused, TokenRefused};
use crate::cache::human_duration;
use crate::cache::login::{self as login_cache, LoginToken};
use crate::cache::role::RoleCredentials;
use crate::config::ini::quote_name;
use crate::config::{Config, ConfigError, Profile};
use crate::settings::Settings;

use super::credentials::FALLBACK_REGION;
use super::lock;

/// The command that logs a profile in again.
pub fn login_fix(p: &Profile) -> String {
    let name = quote_name(&p.name);
    format!("run: ssox login {name}")
}

/// The `login_session` of `p`, or why it has none.
fn session_of<'a>(config: &Config, p: &'a Profile) -> Result<&'a str, ConfigError> {
    p.get("login_session").ok_or_else(|| {
        ConfigError(format!(
            "profile {:?} has an empty login_session ({}); {}",
            p.name,
            config.at(p.line("login_session").unwrap_or(p.source)),
            login_fix(p)
        ))
    })
}

/// The credentials of login profile `p` (cached, or refreshed before `deadline`).
pub fn login_credentials(
    config: &Config,
    p: &Profile,
    settings: &Settings,
    now: OffsetDateTime,
    deadline: Instant,
) -> Result<RoleCredentials> {
    let session = session_of(config, p)?;
    let file = login_cache::login_file_name(session);
    let path = settings.login_cache_dir().join(&file);
    let shown = settings.display_path(&path);
    let cached = || -> Result<LoginToken> {
        login_cache::read_login_token(&path).ok_or_else(|| {
            anyhow::Error::msg(format!(
                "profile {:?} has no usable `aws login` credentials ({shown}, for login_session \
                 {session}); {}",
                p.name,
                login_fix(p)
            ))
        })
    };
    let token = cached()?;
    if token.fresh(now) {
        crate::verbose!(
            "using the cached `aws login` credentials of profile {:?} ({shown}, valid {})",
            p.name,
            human_duration((token.expires_at - now).unsigned_abs())
        );
        return Ok(credentials_of(&token));
    }
    let _lock = lock::login(settings, &file, deadline)?;
    // Another process may have refreshed while this one waited.
    let token = cached()?;
    if token.fresh(OffsetDateTime::now_utc()) {
        return Ok(credentials_of(&token));
    }
    if super::rejected::login_refresh_refused(settings, &path, token.refresh_token()) {
        bail!(
            "the `aws login` credentials of profile {:?} expired and the sign-in service refused \
             to refresh them before; {}",
            p.name,
            login_fix(p)
        );
    }
    let key = DpopKey::from_pem(token.dpop_key()).map_err(|e| {
        anyhow::Error::msg(format!(
            "cannot refresh the `aws login` credentials of profile {:?}: {shown}: {e}; {}",
            p.name,
            login_fix(p)
        ))
    })?;
    let region = p.region().unwrap_or(FALLBACK_REGION);
    let overridden = endpoints::resolve(
        &settings.endpoints,
        Some(config),
        Some(&p.name),
        Service::Signin,
    );
    let endpoint = Endpoint::new(overridden, signin::default_endpoint(region));
    crate::verbose!(
        "refreshing the `aws login` credentials of profile {:?} at {}",
        p.name,
        endpoint.place()
    );
    let new = signin::refresh(
        &endpoint,
        token.client_id(),
        token.refresh_token(),
        &key,
        deadline,
    )
    .map_err(|e| {
        if let Some(r) = e.downcast_ref::<TokenRefused>() {
            if matches!(r.why, Refused::Expired | Refused::CredentialsChanged) {
                super::rejected::record_login_refresh_refused(
                    settings,
                    &path,
                    token.refresh_token(),
                    &r.error.to_string(),
                    OffsetDateTime::now_utc(),
                );
            }
        }
        refresh_failure(p, e)
    })?;
    let token = login_cache::write_refreshed(&path, &new)?;
    crate::verbose!("cached the refreshed `aws login` credentials in {shown}");
    Ok(credentials_of(&token))
}

fn credentials_of(t: &LoginToken) -> RoleCredentials {
    RoleCredentials::new(
        t.access_key_id().to_string(),
        t.secret_access_key().to_string(),
        t.session_token().to_string(),
        t.expires_at,
        t.account_id.clone(),
    )
}

/// A failed refresh, worded for the profile: a refusal says why and to log in again.
fn refresh_failure(p: &Profile, e: anyhow::Error) -> anyhow::Error {
    let Some(refused) = e.downcast_ref::<TokenRefused>() else {
        return e.context(format!(
            "cannot refresh the `aws login` credentials of profile {:?}",
            p.name
        ));
    };
    let why = match refused.why {
        Refused::Expired => "the login session has ended",
        Refused::CredentialsChanged => "the console password changed since the login",
        Refused::Permissions => "the signed-in identity lacks the permission to refresh",
        Refused::CodeExpired => "the sign-in service refused the request",
    };
    anyhow::Error::msg(format!(
        "cannot refresh the `aws login` credentials of profile {:?}: {why} ({}); {}",
        p.name,
        refused.error,
        login_fix(p)
    ))
}

/// What [`sign_out`] did.
pub enum SignedOut {
    /// The cache file was deleted (shown as `~/…`).
    Removed(String),
    /// There was none.
    NotSignedIn(String),
}

/// `aws logout` for login profile `p`: delete its session's cache file, under the session's lock
/// (a refresh in flight finishes first, and its file goes too). The config is left as it is.
pub fn sign_out(
    config: &Config,
    p: &Profile,
    settings: &Settings,
    deadline: Instant,
) -> Result<SignedOut> {
    let session = session_of(config, p)?;
    let file = login_cache::login_file_name(session);
    let path = settings.login_cache_dir().join(&file);
    let shown = settings.display_path(&path);
    let _lock = lock::login(settings, &file, deadline)?;
    Ok(if crate::fsutil::remove_file(&path)? {
        SignedOut::Removed(shown)
    } else {
        SignedOut::NotSignedIn(shown)
    })
}

/// `aws logout --all`: delete every file in the login cache directory that holds `aws login`
/// credentials (an `accessToken` object with an `accessKeyId`, the AWS CLI's test); other files
/// stay. Returns how many were deleted.
pub fn sign_out_all(settings: &Settings) -> Result<usize> {
    let Ok(entries) = std::fs::read_dir(settings.login_cache_dir()) else {
        return Ok(0);
    };
    let mut count = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let is_login = crate::cache::read_json_object(&path).is_some_and(|o| {
            o.get("accessToken")
                .and_then(|a| a.as_object())
                .is_some_and(|a| a.contains_key("accessKeyId"))
        });
        if is_login && crate::fsutil::remove_file(&path)? {
            count += 1;
        }
    }
    Ok(count)
}
