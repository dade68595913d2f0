//! The token lifecycle of an sso-session: "give me a valid token for this session". A cached
//! token with 15 minutes left (and not refused by the portal: `rejected`) is used as is (no
//! network, no runtime); else a silent refresh; else, for `login` only, an interactive login (PKCE
//! or the device code, see `flow`). Tokens are written to the AWS CLI's cache under a per-session lock. Also: which
//! sessions a command means (`targets`), role credentials built on the token (`role`), role
//! chains (`chain`) and the one entry point for any profile's credentials (`credentials`), what
//! `status` reports (`status`), and how a token's state is worded. Every command that needs a
//! token asks here.
//! Must not touch tokio or the SDK except through `aws`, draw (menu, spinner) except through
//! `ui`, or write to stdout: its messages go to stderr.

pub mod callback;
pub mod chain;
mod credentials;
pub mod device;
pub mod flow;
mod fresh;
pub mod lock;
pub mod logins;
pub mod menu;
pub mod pkce;
pub mod registration;
pub mod rejected;
pub mod role;
pub mod signin;
pub mod signin_flow;
pub mod status;
pub mod targets;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use time::OffsetDateTime;

use crate::aws::endpoints::{self, Service};
use crate::aws::login::Oidc;
use crate::cache::{
    self, human_duration, CachedToken, NewToken, Registration, TokenState, MIN_VALIDITY,
};
use crate::config::{Config, LoginTarget};
use crate::settings::Settings;
use crate::ui::warn;
use crate::Cancelled;

pub use credentials::{credentials, signing_keys, ProfileCredentials, FALLBACK_REGION};
pub use flow::Flow;
pub use fresh::{fresh_token, LoginRequired};
pub use role::{profile_name, role_credentials, role_failure, sso_role_credentials, TokenRejected};
pub use targets::{
    active_profile, login_targets, no_sessions_message, resolve, resolve_target, Resolved,
};

/// How [`login`] gets a valid token.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Log in even when the cached token is valid (`login --force`).
    pub force: bool,
    /// Never open a browser (`--no-browser`).
    pub no_browser: bool,
    /// Say nothing when the cached token is still valid (for [`ensure_valid`]).
    pub quiet_if_valid: bool,
    /// The interactive flow asked for (`--pkce`, `--device-code`); `None`: chosen by [`flow`].
    pub flow: Option<Flow>,
    /// The loopback port of a PKCE login (`--redirect-port`); `None`: a free one.
    pub redirect_port: Option<u16>,
}

/// Make sure `login` has a token with at least 15 minutes left: nothing when it has (no network,
/// no output), else a refresh, else the device flow (browser unless `no_browser`). `profile` is
/// the profile whose `[services]` endpoints apply, if any.
pub fn ensure_valid(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
    no_browser: bool,
) -> Result<()> {
    let opts = Options {
        force: false,
        no_browser,
        quiet_if_valid: true,
        ..Options::default()
    };
    self::login(config, login, profile, settings, opts)
}

/// `ssox login` for one session: already logged in (said on stderr unless `quiet_if_valid`), a
/// refresh, or an interactive login (PKCE or the device code, see [`flow::choose`]); with `force`,
/// always an interactive login. Ctrl-C says `cancelled`.
pub fn login(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
    opts: Options,
) -> Result<()> {
    let result = interactive_login(config, login, profile, settings, opts);
    if result.as_ref().is_err_and(|e| e.is::<Cancelled>()) {
        eprintln!("cancelled");
    }
    result
}

fn interactive_login(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
    opts: Options,
) -> Result<()> {
    let path = token_path(settings, login);
    let name = login.short_name();
    let say_valid = |left: Duration| {
        if !opts.quiet_if_valid {
            crate::ui::say(&format!(
                "already logged in to {name} (valid {})",
                human_duration(left)
            ));
        }
    };
    if !opts.force {
        if let Some(left) = valid_for(settings, &path, login) {
            say_valid(left);
            return Ok(());
        }
    }
    let lock = lock::acquire(settings, login)?;
    // Whoever held the lock may just have logged in.
    if !opts.force || lock.waited() {
        if let Some(left) = valid_for(settings, &path, login) {
            say_valid(left);
            return Ok(());
        }
    }
    let oidc = oidc(config, login, profile, settings)?;
    if !opts.force {
        if let Some(old) = refreshable_token(settings, &path, login) {
            match fresh::refresh(&oidc, settings, &path, login, &old) {
                Ok(left) => {
                    crate::ui::say(&format!(
                        "refreshed the token of {name} (valid {})",
                        human_duration(left)
                    ));
                    return Ok(());
                }
                Err(e) if e.is::<Cancelled>() => return Err(e),
                Err(e) => warn(&format!(
                    "cannot refresh the token of {name} ({e:#}); starting a new login"
                )),
            }
        }
    }
    lock.waiting_for_person();
    let (new, registration) = interactive(&oidc, login, settings, opts)?;
    cache::write_token(&path, &login.start_url, &login.region, &new, &registration)?;
    rejected::clear(settings, &path);
    crate::ui::say(&format!(
        "logged in to {name} (valid {})",
        human_duration((new.expires_at - now()).unsigned_abs())
    ));
    Ok(())
}

/// An interactive login in the flow chosen for `login` (said with `--verbose`).
fn interactive(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
    opts: Options,
) -> Result<(NewToken, Registration)> {
    let request = flow::FlowRequest {
        flow: opts.flow,
        redirect_port: opts.redirect_port,
        no_browser: opts.no_browser,
    };
    let (chosen, why) = flow::choose(login, settings, request)?;
    crate::verbose!("login flow: {} ({why})", chosen.name());
    match chosen {
        Flow::Device => device::login(oidc, login, settings, opts.no_browser, &now),
        Flow::Pkce => pkce::login(oidc, login, settings, request, &now),
    }
}

/// The sso-oidc client for `login` (the endpoint of `profile`'s `[services]`, if any).
fn oidc(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
) -> Result<Oidc> {
    let endpoint = endpoints::resolve(&settings.endpoints, Some(config), profile, Service::SsoOidc);
    crate::verbose!(
        "sso-oidc endpoint {}",
        endpoint.as_deref().map_or(
            format!("https://oidc.{}.amazonaws.com", login.region),
            str::to_string
        )
    );
    Oidc::new(&login.region, endpoint)
}

/// The cached token of `login` when it can be refreshed (refresh token, client, registration,
/// and no refusal of its refresh token).
fn refreshable_token(settings: &Settings, path: &Path, login: &LoginTarget) -> Option<CachedToken> {
    cached_token(path, login).filter(|t| can_refresh(settings, path, t, now()))
}

/// The wall clock: a login's token expiry is counted from the moment it is issued.
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The AWS CLI's token cache file of `login`.
pub fn token_path(settings: &Settings, login: &LoginTarget) -> PathBuf {
    cache::token_path(&settings.sso_cache_dir(), &login.cache_key)
}

/// The cached token at `path` when it was issued for this login's start URL (a session whose
/// portal changed in the config needs a new login, not its old token).
fn cached_token(path: &Path, login: &LoginTarget) -> Option<CachedToken> {
    cache::read_token(path).filter(|t| {
        t.start_url
            .as_deref()
            .is_none_or(|u| u.trim_end_matches('/') == login.start_url.trim_end_matches('/'))
    })
}

/// How long the token at `path` is still valid, when it is for `login`, has at least
/// [`MIN_VALIDITY`] left and was not refused by the portal.
fn valid_for(settings: &Settings, path: &Path, login: &LoginTarget) -> Option<Duration> {
    let token = cached_token(path, login)?;
    lasting(settings, path, &token).then(|| (token.expires_at - now()).unsigned_abs())
}

/// At least [`MIN_VALIDITY`] left and not refused by the portal.
fn lasting(settings: &Settings, path: &Path, token: &CachedToken) -> bool {
    token.expires_at - now() >= MIN_VALIDITY && !rejected::is_rejected(settings, path, token)
}

/// The state of the token at `path` as a user cares about it: [`TokenState::of`], `Rejected`
/// for a token the SSO portal refused, and not refreshable once the portal refused its refresh.
pub fn token_state(
    settings: &Settings,
    path: &Path,
    token: Option<&CachedToken>,
    now: OffsetDateTime,
) -> TokenState {
    let state = TokenState::of(token, now);
    let Some(t) = token else {
        return state;
    };
    let refreshable = can_refresh(settings, path, t, now);
    match state {
        TokenState::Valid { .. } if rejected::is_rejected(settings, path, t) => {
            TokenState::Rejected { refreshable }
        }
        TokenState::Expired { ago, .. } => TokenState::Expired { ago, refreshable },
        _ => state,
    }
}

/// The token has what a refresh needs, and the portal has not refused its refresh token.
pub fn can_refresh(
    settings: &Settings,
    path: &Path,
    token: &CachedToken,
    now: OffsetDateTime,
) -> bool {
    token.refreshable(now) && !rejected::refresh_refused(settings, path, token)
}

/// Why a session's token cannot be used, with the fix.
pub(crate) fn unusable_message(login: &LoginTarget, state: TokenState) -> String {
    let label = login.label();
    match state {
        TokenState::None => format!("{label} has no cached token; run: ssox login"),
        TokenState::Rejected { .. } => TokenRejected(label).to_string(),
        _ => format!("{label} {}; run: ssox login", describe(state)),
    }
}

/// Why the profile's SSO token is not usable right now, worded for the user; `None` when it is
/// valid (or the profile is not in the config).
pub fn token_warning(
    config: &Config,
    profile: &str,
    settings: &Settings,
    now: OffsetDateTime,
) -> Option<String> {
    let profile = config.profiles.get(profile)?;
    let login = match config.profile_login(profile) {
        Ok(l) => l,
        Err(e) => return Some(e.to_string()),
    };
    let path = token_path(settings, &login);
    let token = cache::read_token(&path);
    match token_state(settings, &path, token.as_ref(), now) {
        TokenState::Valid { .. } => None,
        state => Some(unusable_message(&login, state)),
    }
}

/// `valid for 7h12m`, `expired 2h3m ago (refreshable)`, `expired 5m ago`, `rejected by the SSO
/// portal`, `none`.
pub fn describe(state: TokenState) -> String {
    match state {
        TokenState::None => "none".into(),
        TokenState::Valid { left } => format!("valid for {}", human_duration(left)),
        TokenState::Expired { ago, refreshable } => format!(
            "expired {} ago{}",
            human_duration(ago),
            if refreshable { " (refreshable)" } else { "" }
        ),
        TokenState::Rejected { refreshable } => format!(
            "rejected by the SSO portal{}",
            if refreshable { " (refreshable)" } else { "" }
        ),
    }
}

/// A config with two sso-sessions and two legacy profiles sharing a start URL, for tests.
#[cfg(test)]
pub(crate) mod test_config {
    use crate::config::Config;

    pub fn cfg(text: &str) -> Config {
        Config::parse(
            text,
            None,
            "~/.aws/config".into(),
            "~/.aws/credentials".into(),
        )
    }

    pub const TWO: &str =
        "[sso-session alpha]\nsso_start_url = https://a/start\nsso_region = us-east-1\n\
        [sso-session beta]\nsso_start_url = https://b/start\nsso_region = eu-west-1\n\
        sso_registration_scopes = sso:account:access, x\n\
        [profile pa]\nsso_session = alpha\n\
        [profile legacy]\nsso_start_url = https://l/start\nsso_region = us-west-2\n\
        [profile legacy2]\nsso_start_url = https://l/start\nsso_region = us-west-2\n";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_well() {
        assert_eq!(
            describe(TokenState::Valid {
                left: Duration::from_secs(7 * 3600 + 12 * 60)
            }),
            "valid for 7h12m"
        );
        assert_eq!(
            describe(TokenState::Expired {
                ago: Duration::from_secs(300),
                refreshable: true
            }),
            "expired 5m ago (refreshable)"
        );
        assert_eq!(TokenState::None.as_str(), "none");
        assert_eq!(
            describe(TokenState::Rejected { refreshable: false }),
            "rejected by the SSO portal"
        );
    }
}
