//! Which sessions a command means: NAME (an sso-session, else a profile), else the session of
//! the active profile (`AWS_PROFILE`), else the only one, else a menu on a terminal (see
//! `menu`: the only part that reads token files); or every session the config defines
//! (`--all`), and why the broken ones cannot be used. No network.

use std::io::IsTerminal;

use anyhow::{anyhow, bail, Result};
use time::OffsetDateTime;

use crate::config::{closest, Config, ConfigError, LoginTarget};
use crate::settings::Settings;
use crate::ui::warn;

/// The active profile (`AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`) when the config has it: the
/// profile whose endpoint settings apply.
pub fn active_profile(config: &Config, settings: &Settings) -> Option<String> {
    settings
        .active_profile()
        .filter(|p| config.profiles.contains_key(*p))
        .map(str::to_string)
}

/// Every login the config defines: sso-sessions by name, then legacy start URLs (deduplicated).
/// Broken entries are skipped (with a warning when `warn_broken`).
pub fn login_targets(config: &Config, warn_broken: bool) -> Vec<LoginTarget> {
    let (targets, broken) = login_targets_and_problems(config);
    if warn_broken {
        for e in broken {
            warn(&e.to_string());
        }
    }
    targets
}

/// Every login the config defines (as [`login_targets`]) and why the broken ones cannot be used
/// (an sso-session without `sso_region`, …), each naming its file and line and the fix.
pub fn login_targets_and_problems(config: &Config) -> (Vec<LoginTarget>, Vec<ConfigError>) {
    let mut out: Vec<LoginTarget> = Vec::new();
    let mut broken = Vec::new();
    for name in config.sessions.keys() {
        match config.session_login(name) {
            Ok(l) => out.push(l),
            Err(e) => broken.push(e),
        }
    }
    for p in config.profiles.values() {
        if p.get("sso_session").is_some() || p.get("sso_start_url").is_none() {
            continue;
        }
        match config.profile_login(p) {
            Ok(l) if !out.iter().any(|o| o.cache_key == l.cache_key) => out.push(l),
            Ok(_) => {}
            Err(e) => broken.push(e),
        }
    }
    (out, broken)
}

/// The error for a config without any session, with an example to paste.
pub fn no_sessions_message(config: &Config) -> String {
    format!(
        "no sso-session in {}; add one, for example:\n\n\
         [sso-session my_sso_session]\n\
         sso_start_url = https://my-sso-portal.awsapps.com/start\n\
         sso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access",
        config.config_path
    )
}

/// The session(s) a command without `--all` means.
#[derive(Debug)]
pub enum Resolved {
    /// One login, and the profile whose endpoint settings apply.
    One(LoginTarget, Option<String>),
    /// Every session: the menu's "all sessions" row.
    All,
}

/// [`resolve`] for a command that takes one session (its menu has no "all sessions" row).
pub fn resolve_target(
    config: &Config,
    name: Option<&str>,
    settings: &Settings,
) -> Result<(LoginTarget, Option<String>)> {
    match resolve(config, name, settings, false, OffsetDateTime::now_utc())? {
        Resolved::One(login, profile) => Ok((login, profile)),
        Resolved::All => bail!("name one session"),
    }
}

/// NAME (an sso-session, else a profile), else the session of the active profile, else the only
/// session, else a menu on a terminal (with an "all sessions" row when `offer_all`), else an
/// error listing the sessions.
pub fn resolve(
    config: &Config,
    name: Option<&str>,
    settings: &Settings,
    offer_all: bool,
    now: OffsetDateTime,
) -> Result<Resolved> {
    if let Some(name) = name {
        if config.sessions.contains_key(name) {
            return Ok(Resolved::One(
                config.session_login(name)?,
                active_profile(config, settings),
            ));
        }
        if let Some(p) = config.profiles.get(name) {
            return Ok(Resolved::One(
                config.profile_login(p)?,
                Some(name.to_string()),
            ));
        }
        let names = config
            .sessions
            .keys()
            .chain(config.profiles.keys())
            .map(String::as_str);
        let mut msg = format!(
            "no sso-session or profile named {name:?} in {}",
            config.config_path
        );
        let close = closest(name, names, 3);
        if !close.is_empty() {
            let list: Vec<String> = close.iter().map(|c| format!("{c:?}")).collect();
            msg.push_str(&format!("; did you mean {}?", list.join(", ")));
        }
        bail!("{msg}");
    }
    if let Some(p) = settings.active_profile() {
        // A ConfigError is one line without a cause: nothing is lost by adding the hint.
        let profile = config.profile(p).map_err(|e| {
            anyhow!(
                "{e} (it is the active profile, from AWS_PROFILE); name a session: ssox login NAME"
            )
        })?;
        return Ok(Resolved::One(
            config.profile_login(profile)?,
            Some(p.to_string()),
        ));
    }
    let (mut targets, broken) = login_targets_and_problems(config);
    if targets.is_empty() {
        // Sessions that are there but broken (no sso_region, …) say so, not "add one".
        let mut problems = broken.iter().map(ToString::to_string);
        match (problems.next(), broken.len()) {
            (None, _) => bail!("{}", no_sessions_message(config)),
            (Some(first), 1) => bail!("{first}"),
            (Some(first), n) => bail!("{first} (and {} more problems; see ssox status)", n - 1),
        }
    }
    for e in &broken {
        warn(&e.to_string());
    }
    match targets.len() {
        1 => Ok(Resolved::One(targets.remove(0), None)),
        _ if std::io::stderr().is_terminal() => {
            match super::menu::choose(&targets, settings, offer_all, now)? {
                Some(i) => Ok(Resolved::One(targets.remove(i), None)),
                None => Ok(Resolved::All),
            }
        }
        _ => {
            let list: Vec<String> = targets.iter().map(LoginTarget::short_name).collect();
            bail!(
                "{} has several sso-sessions ({}); name one: ssox login NAME, or log in to all: ssox login --all",
                config.config_path,
                list.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::test_config::{cfg, TWO};

    #[test]
    fn targets_are_sessions_then_distinct_legacy_urls() {
        let c = cfg(TWO);
        let keys: Vec<String> = login_targets(&c, false)
            .into_iter()
            .map(|t| t.cache_key)
            .collect();
        assert_eq!(keys, ["alpha", "beta", "https://l/start"]);
    }

    #[test]
    fn resolve_by_session_profile_and_env() {
        let c = cfg(TWO);
        let s = Settings::default();
        let (t, p) = resolve_target(&c, Some("beta"), &s).unwrap();
        assert_eq!((t.cache_key.as_str(), p), ("beta", None));
        let (t, p) = resolve_target(&c, Some("pa"), &s).unwrap();
        assert_eq!((t.cache_key.as_str(), p.as_deref()), ("alpha", Some("pa")));
        let e = resolve_target(&c, Some("legacyy"), &s)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "no sso-session or profile named \"legacyy\" in ~/.aws/config; did you mean \"legacy\", \"legacy2\"?"
        );
        let env = Settings {
            aws_profile: Some("legacy".into()),
            ..Settings::default()
        };
        let (t, p) = resolve_target(&c, None, &env).unwrap();
        assert_eq!(
            (t.cache_key.as_str(), p.as_deref()),
            ("https://l/start", Some("legacy"))
        );
        let one = cfg("[sso-session only]\nsso_start_url = https://o\nsso_region = us-east-1\n");
        assert_eq!(resolve_target(&one, None, &s).unwrap().0.cache_key, "only");
    }
}
