//! The `aws login` sessions (`login_session`) as `list` and `status` show them: each session's
//! cache file read once into its state. Reads files only; no network, no drawing.

use time::OffsetDateTime;

use crate::cache::{self, TokenState};
use crate::config::{Config, ProfileKind};
use crate::settings::Settings;

/// An `aws login` session's cached credentials as `list` and `status` show them.
pub struct LoginState {
    /// The `login_session` ARN.
    pub session: String,
    /// Valid while the credentials last, then `refreshable`; `none` without a usable file.
    pub token: TokenState,
    pub token_text: String,
    pub expires_at: Option<String>,
}

impl LoginState {
    /// The state of `session`'s cache file (a file that cannot be used warns once and is `none`).
    pub fn read(settings: &Settings, session: &str, now: OffsetDateTime) -> LoginState {
        let path = cache::login::login_path(&settings.login_cache_dir(), session);
        let token = cache::login::read_login_token(&path);
        let state = token.as_ref().map_or(TokenState::None, |t| t.state(now));
        LoginState {
            session: session.to_string(),
            token: state,
            token_text: state.short(),
            expires_at: token.map(|t| cache::format_timestamp(t.expires_at)),
        }
    }
}

/// Every `login_session` of the config's profiles, once each, with its cache's state and the
/// profiles that use it (sorted by session).
pub fn login_sessions(
    config: &Config,
    settings: &Settings,
    now: OffsetDateTime,
) -> Vec<(LoginState, Vec<String>)> {
    let mut by_session: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for p in config.profiles.values() {
        if p.kind == ProfileKind::Login {
            if let Some(s) = p.get("login_session") {
                by_session.entry(s).or_default().push(p.name.clone());
            }
        }
    }
    by_session
        .into_iter()
        .map(|(s, names)| (LoginState::read(settings, s, now), names))
        .collect()
}
