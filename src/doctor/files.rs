//! Doctor's checks of the files: the config and credentials files (present, readable, the
//! problems the parser reports), each profile (its session resolves, it names an account and a
//! role), each session's cached token and client registration, and each `aws login` session's
//! cached credentials. Reads files only.

use time::OffsetDateTime;

use crate::cache::{self, human_duration, TokenState, MIN_VALIDITY};
use crate::config::ini::quote_name;
use crate::config::{Config, ProfileKind};
use crate::profiles::{self, load_config};
use crate::session::logins::login_sessions;
use crate::settings::{ConfigSource, Settings};

use super::Line;

/// The config file and what the parser says about it; the parsed config when it could be read.
pub fn config(settings: &Settings, lines: &mut Vec<Line>) -> Option<Config> {
    let path = settings.display_path(&settings.config_file);
    let exists = settings.config_file.is_file();
    if !exists {
        let (text, fix) = match settings.config_source {
            ConfigSource::Env => (
                format!("AWS_CONFIG_FILE is {path}, which does not exist"),
                "correct AWS_CONFIG_FILE, or unset it to use ~/.aws/config",
            ),
            ConfigSource::Flag => (
                format!("--config {path} does not exist"),
                "give the path of your AWS config file",
            ),
            ConfigSource::Default => (
                format!("{path} does not exist"),
                "run ssox configure (then ssox sync), or write an [sso-session] and a [profile] \
                 by hand (see README.md)",
            ),
        };
        lines.push(Line::fail("config", text, fix));
    }
    let credentials = settings.credentials_file.is_file();
    if settings.credentials_from_env && !credentials {
        lines.push(Line::warn(
            "credentials",
            format!(
                "AWS_SHARED_CREDENTIALS_FILE is {}, which does not exist",
                settings.display_path(&settings.credentials_file)
            ),
            "correct AWS_SHARED_CREDENTIALS_FILE, or unset it to use ~/.aws/credentials",
        ));
    }
    if !exists && !credentials {
        return None;
    }
    // Its own lines say what makes the AWS CLI refuse a file.
    profiles::quiet();
    let config = match load_config(settings) {
        Ok(c) => c,
        Err(e) => {
            lines.push(Line::fail(
                "config",
                format!("{e:#}"),
                "make the file readable by you",
            ));
            return None;
        }
    };
    if exists {
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        lines.push(Line::ok(
            "config",
            format!(
                "{path} read: {}, {}",
                count(config.profiles.len(), "profile"),
                count(config.sessions.len(), "sso-session")
            ),
        ));
    }
    // What makes the AWS CLI refuse a whole file fails; the rest is a warning.
    for p in config.bom.iter().chain(&config.refused) {
        lines.push(Line::fail("config", p.0.clone(), ""));
    }
    for p in config
        .problems
        .iter()
        .chain(&config.typos())
        .chain(&config.warnings)
    {
        lines.push(Line::warn("config", p.0.clone(), ""));
    }
    Some(config)
}

/// Profiles that cannot be used (their session does not resolve: `fail`) or that lack an
/// account or role (they switch, but get no role credentials: `warn`).
pub fn profiles(config: &Config, settings: &Settings, now: OffsetDateTime, lines: &mut Vec<Line>) {
    let mut broken = 0;
    for row in profiles::rows(config, settings, now) {
        let topic = format!("profile {}", row.name);
        if let Some(e) = row.error {
            broken += 1;
            lines.push(Line::fail(topic, e, ""));
            continue;
        }
        let Some(p) = config.profiles.get(row.name) else {
            continue;
        };
        if let Some((region, session)) = config.region_outside_session(p) {
            lines.push(Line::warn(
                topic.clone(),
                format!(
                    "sets sso_region = {region} ({}) while its sso-session {session:?} has none: \
                     ssox uses it, but the AWS CLI and the SDKs read sso_region from the \
                     sso-session and refuse the profile",
                    config.at(p.line("sso_region").unwrap_or(p.source))
                ),
                format!(
                    "move `sso_region = {region}` from {} into [sso-session {}]",
                    p.section(),
                    crate::config::ini::quote_name(session)
                ),
            ));
        }
        if p.kind == ProfileKind::Sso {
            if let Err(e) = config.role_target(p) {
                broken += 1;
                lines.push(Line::warn(
                    topic,
                    format!("{e}; until then `ssox use` switches, but creds, exec, console and the SDKs get no role credentials"),
                    "",
                ));
            }
        }
    }
    if broken == 0 && !config.profiles.is_empty() {
        lines.push(Line::ok(
            "profiles",
            "every SSO profile names its session, account and role",
        ));
    }
}

/// Each session's (and legacy start URL's) cached token and client registration.
pub fn sessions(config: &Config, settings: &Settings, now: OffsetDateTime, lines: &mut Vec<Line>) {
    for (name, state) in profiles::sessions(config, settings, now) {
        let state = match state {
            Ok(s) => s,
            Err(e) => {
                lines.push(Line::fail(format!("session {name}"), e.0, ""));
                continue;
            }
        };
        let login = &state.login;
        let topic = format!("session {}", login.short_name());
        let login_cmd = format!("ssox login {}", super::login_name(config, login));
        let token = cache::read_token_quietly(&crate::session::token_path(settings, login));
        let registration = token
            .as_ref()
            .and_then(|t| t.registration_expires_at)
            .map(|at| {
                let d = at - now;
                if d.is_positive() {
                    format!(
                        "; its client registration expires in {}",
                        human_duration(d.unsigned_abs())
                    )
                } else {
                    "; its client registration has expired (the next login registers again)"
                        .to_string()
                }
            })
            .unwrap_or_default();
        lines.push(match state.token {
            TokenState::Valid { left } if left >= MIN_VALIDITY => Line::ok(
                topic,
                format!("token valid for {}{registration}", human_duration(left)),
            ),
            TokenState::Valid { left } => Line::warn(
                topic,
                format!(
                    "token valid for only {}; ssox treats less than {} as expired",
                    human_duration(left),
                    human_duration(MIN_VALIDITY)
                ),
                login_cmd,
            ),
            TokenState::Expired {
                ago,
                refreshable: true,
            } => Line::warn(
                topic,
                format!(
                    "token expired {} ago; it can be refreshed without a browser{registration}",
                    human_duration(ago)
                ),
                login_cmd,
            ),
            TokenState::Expired { ago, .. } => Line::warn(
                topic,
                format!("token expired {} ago", human_duration(ago)),
                login_cmd,
            ),
            TokenState::Rejected { refreshable } => Line::warn(
                topic,
                if refreshable {
                    "token rejected by the SSO portal (revoked, or the session ended); it can be \
                     refreshed without a browser"
                } else {
                    "token rejected by the SSO portal (revoked, or the session ended)"
                },
                login_cmd,
            ),
            TokenState::None => Line::warn(topic, "not logged in (no cached token)", login_cmd),
        });
    }
}

/// Each `aws login` session's cached credentials (`~/.aws/login/cache`): usable, or why not.
/// Expired credentials are fine while the file can be refreshed (they last minutes, and every
/// use refreshes them); whether the sign-in service still takes the refresh token only a
/// refresh can tell, so this says so.
pub fn logins(config: &Config, settings: &Settings, now: OffsetDateTime, lines: &mut Vec<Line>) {
    for l in login_sessions(config, settings, now, true) {
        let first = l.profiles.first().map_or("", String::as_str);
        let topic = format!("aws login {}", l.profiles.join(","));
        let fix = format!("run: ssox login {}", quote_name(first));
        let path = cache::login::login_path(&settings.login_cache_dir(), &l.state.session);
        let file = &l.state.cache_file;
        lines.push(match cache::login::load_login_token(&path) {
            Err(why) => Line::fail(
                topic,
                format!("{file} cannot be used: {why}; the AWS tools find no credentials"),
                fix,
            ),
            Ok(None) => Line::warn(topic, format!("not signed in (no {file})"), fix),
            Ok(Some(t)) => match l.state.token {
                TokenState::Expired {
                    ago,
                    refreshable: false,
                } => Line::warn(
                    topic,
                    format!(
                        "credentials for account {} expired {} ago, and the sign-in service \
                         refused to refresh them (the login session ended)",
                        t.account_id,
                        human_duration(ago)
                    ),
                    fix,
                ),
                TokenState::Valid { left } => Line::ok(
                    topic,
                    format!(
                        "credentials for account {} valid for {}; refreshed with the sign-in \
                         service when less than 5m remain",
                        t.account_id,
                        human_duration(left)
                    ),
                ),
                state => Line::ok(
                    topic,
                    format!(
                        "credentials for account {} {}; the next use refreshes them with the \
                         sign-in service (if the login session has not ended)",
                        t.account_id,
                        crate::session::describe(state).trim_end_matches(" (refreshable)")
                    ),
                ),
            },
        });
    }
}
