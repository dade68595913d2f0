//! What `ssox status` reports: the active profile and where it comes from, warnings when the
//! environment disagrees with itself, every session's cached token, as data and as the stable
//! `--json` document (the text table is the command's); and, only when asked (`--check`, the
//! network), the SSO portal's verdict on each valid token.

use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::aws::endpoints::{self, Service};
use crate::aws::portal::Portal;
use crate::cache::{self, CachedToken, TokenState};
use crate::config::{Config, LoginTarget, ProfileKind};
use crate::settings::Settings;

use super::logins::{self, login_sessions, LoginSession, LoginState};
use super::targets::login_targets_and_problems;
use super::{can_refresh, rejected, token_path, token_state};

/// One session and its cached token.
pub struct SessionRow {
    pub login: LoginTarget,
    /// The token file, as shown to the user (`~/…`).
    pub cache_file: String,
    pub token: Option<CachedToken>,
    pub state: TokenState,
    /// The token can be refreshed without a browser (and the portal has not refused that).
    pub refreshable: bool,
    /// When the client registration expires: the token's, else the CLI's registration file's
    /// (kept by `logout`, used by the next login).
    pub registration_expires_at: Option<OffsetDateTime>,
}

/// The active profile, the environment's contradictions, and every session's token.
pub struct Report {
    pub profile: Option<String>,
    pub profile_source: Option<&'static str>,
    /// The active profile's session (short name), when it is an SSO profile.
    pub profile_session: Option<String>,
    pub warnings: Vec<String>,
    /// How many of the warnings are sessions that cannot be used (no `sso_region`, …).
    pub broken: usize,
    pub sessions: Vec<SessionRow>,
    /// The `aws login` sessions of the config's profiles.
    pub logins: Vec<LoginSession>,
    /// The active profile's `login_session`, when it is an `aws login` profile.
    pub profile_login: Option<String>,
    pub now: OffsetDateTime,
}

impl Report {
    pub fn build(config: &Config, settings: &Settings, now: OffsetDateTime) -> Report {
        let profile = settings.active_profile().map(str::to_string);
        let profile_source = if settings.aws_profile.is_some() {
            Some("AWS_PROFILE")
        } else if settings.aws_default_profile.is_some() {
            Some("AWS_DEFAULT_PROFILE")
        } else {
            None
        };
        let mut warnings = Vec::new();
        if let (Some(p), Some(d)) = (&settings.aws_profile, &settings.aws_default_profile) {
            if p != d {
                warnings.push(format!(
                    "AWS_PROFILE ({p}) and AWS_DEFAULT_PROFILE ({d}) disagree: the AWS CLI uses {p}, \
                     boto3 uses {d}; run: ssox use {p}"
                ));
            }
        }
        if !settings.static_keys.is_empty() {
            warnings.push(format!(
                "{} {} set and override{} any profile in every AWS tool; run: ssox use NAME (or ssox use --clear)",
                settings.static_keys.join(", "),
                if settings.static_keys.len() == 1 { "is" } else { "are" },
                if settings.static_keys.len() == 1 { "s" } else { "" },
            ));
        }
        let mut profile_session = None;
        let mut profile_login = None;
        if let Some(p) = &profile {
            match config.profiles.get(p) {
                None => warnings.push(format!(
                    "the active profile {p:?} is not in {}",
                    config.config_path
                )),
                Some(prof) if prof.kind == ProfileKind::Sso => match config.profile_login(prof) {
                    Ok(l) => profile_session = Some(l.short_name()),
                    Err(e) => warnings.push(e.to_string()),
                },
                Some(prof) => profile_login = logins::session_of(prof).map(str::to_string),
            }
        }
        let (targets, problems) = login_targets_and_problems(config);
        let broken = problems.len();
        warnings.extend(problems.into_iter().map(|e| e.to_string()));
        let sessions = targets
            .into_iter()
            .map(|login| {
                let path = token_path(settings, &login);
                let token = cache::read_token(&path);
                let state = token_state(settings, &path, token.as_ref(), now);
                let refreshable = token
                    .as_ref()
                    .is_some_and(|t| can_refresh(settings, &path, t, now));
                let registration_expires_at = token
                    .as_ref()
                    .and_then(|t| t.registration_expires_at)
                    .or_else(|| {
                        // Quietly: an unusable file is the next login's to replace and say.
                        let file = super::registration::registration_path(&login, settings);
                        let text = crate::fsutil::read_cache_text(&file).ok()??;
                        cache::parse_registration(&text).ok().map(|r| r.expires_at)
                    });
                SessionRow {
                    cache_file: settings.display_path(&path),
                    registration_expires_at,
                    login,
                    token,
                    state,
                    refreshable,
                }
            })
            .collect();
        Report {
            profile,
            profile_source,
            profile_session,
            warnings,
            broken,
            sessions,
            logins: login_sessions(config, settings, now, false),
            profile_login,
            now,
        }
    }

    /// The `status --json` document (without the checks).
    pub fn json(&self) -> Value {
        let sessions: Vec<Value> = self
            .sessions
            .iter()
            .map(|s| {
                let token = s.token.as_ref();
                json!({
                    "name": s.login.session_name.as_deref().unwrap_or(&s.login.start_url),
                    "type": if s.login.session_name.is_some() { "sso-session" } else { "legacy" },
                    "start_url": s.login.start_url,
                    "region": s.login.region,
                    "token": s.state.as_str(),
                    "expires_at": token.map(|t| cache::format_timestamp(t.expires_at)),
                    "seconds_left": token.map(|t| (t.expires_at - self.now).whole_seconds()),
                    "refreshable": s.refreshable,
                    "registration_expires_at": s
                        .registration_expires_at
                        .map(cache::format_timestamp),
                    "cache_file": s.cache_file,
                })
            })
            .collect();
        let logins: Vec<Value> = self
            .logins
            .iter()
            .map(|l| {
                let s = &l.state;
                json!({
                    "login_session": s.session,
                    "account_id": s.account_id,
                    "token": s.token.as_str(),
                    "expires_at": s.expires_at_text(),
                    "seconds_left": s.expires_at.map(|at| (at - self.now).whole_seconds()),
                    "cache_file": s.cache_file,
                    "profiles": l.profiles,
                })
            })
            .collect();
        json!({
            "profile": self.profile,
            "profile_source": self.profile_source,
            "profile_session": self.profile_session,
            "warnings": self.warnings,
            "sessions": sessions,
            // Came later (issue 21): last, so the document's order stays stable.
            "profile_login_session": self.profile_login,
            "login_sessions": logins,
        })
    }
}

/// The token state of the active profile's session (or `aws login` credentials), for a prompt:
/// `None` without an active profile, for one that is neither an SSO nor an `aws login` profile
/// in `config`, or a broken one.
pub fn active_token(
    config: &Config,
    settings: &Settings,
    now: OffsetDateTime,
) -> Option<TokenState> {
    let profile = config.profiles.get(settings.active_profile()?)?;
    if let Some(session) = logins::session_of(profile) {
        return Some(LoginState::read_quietly(settings, session, now).token);
    }
    if profile.kind != ProfileKind::Sso {
        return None;
    }
    let login = config.profile_login(profile).ok()?;
    let path = token_path(settings, &login);
    let token = cache::read_token_quietly(&path);
    Some(token_state(settings, &path, token.as_ref(), now))
}

/// The portal's verdict on a session's token (`status --check`).
pub enum Check {
    /// No valid token to check.
    Skipped,
    Accepted,
    Rejected,
    Failed(String),
}

impl Check {
    /// The CHECK cell of the text report.
    pub fn text(&self) -> String {
        match self {
            Check::Skipped => "-".into(),
            Check::Accepted => "accepted".into(),
            Check::Rejected => "rejected".into(),
            Check::Failed(_) => "error".into(),
        }
    }

    /// The `check` value of a session in `status --json`.
    pub fn json(&self) -> Value {
        match self {
            Check::Skipped => Value::Null,
            Check::Accepted => "accepted".into(),
            Check::Rejected => "rejected".into(),
            Check::Failed(e) => format!("error: {e}").into(),
        }
    }
}

/// Ask the SSO portal about every unexpired token of the report (ListAccounts with it), including
/// one it refused before, and remember its answer (`rejected`). Prints nothing: a failure is
/// the caller's to word.
pub fn check_tokens(config: &Config, settings: &Settings, report: &Report) -> Vec<Check> {
    let profile = report
        .profile
        .as_deref()
        .filter(|p| config.profiles.contains_key(*p));
    let endpoint = endpoints::resolve(&settings.endpoints, Some(config), profile, Service::Sso);
    report
        .sessions
        .iter()
        .map(|s| {
            let unexpired = matches!(
                s.state,
                TokenState::Valid { .. } | TokenState::Rejected { .. }
            );
            let Some(token) = s.token.as_ref().filter(|_| unexpired) else {
                return Check::Skipped;
            };
            let region = token.region.as_deref().unwrap_or(&s.login.region);
            let path = token_path(settings, &s.login);
            match Portal::new(region, endpoint.clone())
                .and_then(|p| p.token_accepted(token.access_token()))
            {
                Ok(true) => {
                    rejected::clear_rejection(settings, &path);
                    Check::Accepted
                }
                Ok(false) => {
                    rejected::record(settings, &path, token, report.now);
                    Check::Rejected
                }
                Err(e) => Check::Failed(format!("{e:#}")),
            }
        })
        .collect()
}
