//! The `aws login` sessions (`login_session`) as `list`, `status`, the prompt and `doctor` show
//! them: each session's cache file read once into its state. Reads files only; no network, no
//! drawing.

use time::OffsetDateTime;

use crate::cache::{self, TokenState};
use crate::config::{Config, Profile, ProfileKind};
use crate::settings::Settings;

/// An `aws login` session's cached credentials as `list` and `status` show them.
pub struct LoginState {
    /// The `login_session` ARN.
    pub session: String,
    /// The cache file, as shown to the user (`~/…`).
    pub cache_file: String,
    /// Valid while the credentials last, then `refreshable`; `none` without a usable file.
    pub token: TokenState,
    pub token_text: String,
    pub expires_at: Option<OffsetDateTime>,
    /// The account the cached credentials are for (else the ARN's).
    pub account_id: Option<String>,
}

impl LoginState {
    /// The state of `session`'s cache file (a file that cannot be used warns once and is `none`).
    pub fn read(settings: &Settings, session: &str, now: OffsetDateTime) -> LoginState {
        Self::read_with(settings, session, now, cache::login::read_login_token)
    }

    /// [`LoginState::read`] without the warning (for a prompt, which must stay one line).
    pub fn read_quietly(settings: &Settings, session: &str, now: OffsetDateTime) -> LoginState {
        Self::read_with(
            settings,
            session,
            now,
            cache::login::read_login_token_quietly,
        )
    }

    fn read_with(
        settings: &Settings,
        session: &str,
        now: OffsetDateTime,
        read: fn(&std::path::Path) -> Option<cache::login::LoginToken>,
    ) -> LoginState {
        let path = cache::login::login_path(&settings.login_cache_dir(), session);
        let token = read(&path);
        let state = match token.as_ref().map(|t| (t, t.state(now))) {
            None => TokenState::None,
            // Expired, and its refresh token refused: only a new sign-in helps.
            Some((t, TokenState::Expired { ago, .. }))
                if super::rejected::login_refresh_refused(settings, &path, t.refresh_token()) =>
            {
                TokenState::Expired {
                    ago,
                    refreshable: false,
                }
            }
            Some((_, state)) => state,
        };
        LoginState {
            session: session.to_string(),
            cache_file: settings.display_path(&path),
            token: state,
            token_text: state.short(),
            expires_at: token.as_ref().map(|t| t.expires_at),
            account_id: token
                .map(|t| t.account_id)
                .or_else(|| cache::login::session_account(session).map(str::to_string)),
        }
    }

    /// `expires_at` as the cache writes it (`2026-11-24T04:12:00Z`).
    pub fn expires_at_text(&self) -> Option<String> {
        self.expires_at.map(cache::format_timestamp)
    }
}

/// The `login_session` of a login profile (`None` when empty).
pub fn session_of(p: &Profile) -> Option<&str> {
    (p.kind == ProfileKind::Login)
        .then(|| p.get("login_session"))
        .flatten()
}

/// One `aws login` session and the profiles that use it.
pub struct LoginSession {
    pub state: LoginState,
    /// The profiles with this `login_session`, sorted by name.
    pub profiles: Vec<String>,
}

/// Every `login_session` of the config's profiles, once each (sorted by session), with its
/// cache's state and the profiles that use it. An unusable cache file warns once, unless `quiet`
/// (for a caller that reports it itself).
pub fn login_sessions(
    config: &Config,
    settings: &Settings,
    now: OffsetDateTime,
    quiet: bool,
) -> Vec<LoginSession> {
    let mut by_session: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for p in config.profiles.values() {
        if let Some(s) = session_of(p) {
            by_session.entry(s).or_default().push(p.name.clone());
        }
    }
    by_session
        .into_iter()
        .map(|(s, profiles)| LoginSession {
            state: if quiet {
                LoginState::read_quietly(settings, s, now)
            } else {
                LoginState::read(settings, s, now)
            },
            profiles,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_follows_botocores_provider_order() {
        let c = Config::parse(
            "[profile a]\nlogin_session = arn:aws:sts::1:assumed-role/R/s\n\
             [profile keys]\nlogin_session = arn:x\naws_access_key_id = A\naws_secret_access_key = S\n\
             [profile process]\nlogin_session = arn:x\ncredential_process = /bin/p\n\
             [profile sso]\nlogin_session = arn:x\nsso_session = s\n\
             [profile filekeys]\nlogin_session = arn:x\n\
             [profile empty]\nlogin_session =\n",
            Some("[filekeys]\naws_access_key_id = A\naws_secret_access_key = S\n"),
            "~/.aws/config".into(),
            "~/.aws/credentials".into(),
        );
        let kind = |n: &str| c.profiles[n].kind;
        assert_eq!(kind("a"), ProfileKind::Login);
        // botocore: SSO, the credentials file's keys, LoginProvider, credential_process, then
        // the config file's keys.
        assert_eq!(kind("sso"), ProfileKind::Sso);
        assert_eq!(kind("filekeys"), ProfileKind::Static);
        assert_eq!(kind("process"), ProfileKind::Login);
        assert_eq!(kind("keys"), ProfileKind::Login);
        assert_eq!(
            session_of(&c.profiles["a"]),
            Some("arn:aws:sts::1:assumed-role/R/s")
        );
        assert_eq!(session_of(&c.profiles["filekeys"]), None);
        assert_eq!(session_of(&c.profiles["empty"]), None);
        // What loses is named, with where it is.
        let warnings: Vec<&str> = c.warnings.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(
            warnings,
            [
                "~/.aws/config:14: profile \"filekeys\" has static keys in ~/.aws/credentials \
                 (~/.aws/credentials:2): the AWS CLI uses them and never its `aws login` session; \
                 remove one of the two",
                "~/.aws/config:5: profile \"keys\" sets both login_session (~/.aws/config:4) and \
                 static keys: the AWS CLI and SDKs use the `aws login` credentials and never the \
                 static keys; remove one of the two from [profile keys]",
                "~/.aws/config:9: profile \"process\" sets both login_session (~/.aws/config:8) \
                 and credential_process: the AWS CLI and SDKs use the `aws login` credentials and \
                 never the credential_process; remove one of the two from [profile process]",
            ]
        );
    }
}
