//! `ssox configure`, driven: the sso-session from its flags, the missing values asked for on a
//! terminal (start URL, region, name, scopes, the profiles' region, each checked as it is typed,
//! the current values of a session configured again as defaults; see `configure`),
//! written to the config file under ssox's lock (`file`), then the login every command uses
//! (`session::login`) and, when asked for or agreed to, a sync of its profiles (`run`).

use anyhow::{anyhow, Result};

use super::configure::{
    check_region, check_scopes, check_session_name, check_start_url, expand_start_url, region_of,
    session_name_of, write_session, SessionSpec, DEFAULT_SCOPES,
};
use super::file::ConfigFile;
use super::{run, REGION_KEY};
use crate::config::edit::SectionId;
use crate::error::NoTerminal;
use crate::session;
use crate::settings::Settings;
use crate::shell::{eval_once, install_line, Shell};
use crate::ui::{self, prompt_text};

/// What `ssox configure` was given.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub session: Option<String>,
    pub start_url: Option<String>,
    pub region: Option<String>,
    pub scopes: Option<String>,
    /// `--profile-region`
    pub profile_region: Option<String>,
    pub no_login: bool,
    pub sync: bool,
    pub no_browser: bool,
}

/// Run `ssox configure`.
pub fn configure(settings: &Settings, opts: &Options) -> Result<()> {
    let asking = opts.start_url.is_none() || opts.region.is_none();
    // A config ssox would not replace (read-only) is refused before the first question.
    ConfigFile::read(settings)?.check_writable()?;
    let spec = spec(opts, asking, &current_sessions(settings))?;
    write(settings, &spec)?;
    let name = &spec.name;
    let next = if opts.no_login {
        format!(
            "next: ssox login {name}, then ssox sync {name} (a profile for every account and role)"
        )
    } else {
        format!("next: ssox sync {name} (a profile for every account and role)")
    };
    if !opts.no_login {
        let config = crate::profiles::load_config(settings)?;
        let login = config.session_login(&spec.name)?;
        let profile = session::active_profile(&config, settings);
        let login_opts = session::Options {
            force: false,
            no_browser: opts.no_browser,
            ..session::Options::default()
        };
        session::login(&config, &login, profile.as_deref(), settings, login_opts)?;
    }
    let sync = opts.sync
        || (asking
            && !opts.no_login
            && ui::confirm(
                &format!(
                    "Write a profile for every account and role of {} now?",
                    spec.name
                ),
                true,
            )?);
    if sync {
        run::sync(settings, &run::Options::session(&spec.name))?;
        eprintln!("{}", after_sync(settings));
        return Ok(());
    }
    eprintln!("{next}");
    Ok(())
}

/// The next step once the profiles are written: pick one, through the shell integration when
/// the calling shell has it loaded, else the line that loads it.
fn after_sync(settings: &Settings) -> String {
    if settings.integration.is_some() {
        return "next: ssox pick (switch this shell to one of the profiles)".into();
    }
    let shell = Shell::chosen(None, settings.shell_name.as_deref());
    match install_line(shell) {
        Some((line, file)) => format!(
            "next: add '{line}' to {file} and open a new shell, then: ssox pick (or now, in \
             this shell: {})",
            eval_once(shell, "ssox pick")
        ),
        None => format!(
            "next: {} (switches this shell to one of the profiles)",
            eval_once(shell, "ssox pick")
        ),
    }
}

/// An sso-session of the config as it is now: the defaults when it is configured again.
#[derive(Debug, Clone, Default)]
struct Current {
    name: String,
    start_url: Option<String>,
    region: Option<String>,
    scopes: Option<String>,
    profile_region: Option<String>,
}

/// The config's sso-sessions; none when there is no config (or one that cannot be read: the
/// write says why).
fn current_sessions(settings: &Settings) -> Vec<Current> {
    let Some(config) = ConfigFile::read(settings)
        .ok()
        .filter(ConfigFile::exists)
        .and_then(|f| f.config().ok())
    else {
        return Vec::new();
    };
    let value = |s: &crate::config::SsoSession, key: &str| s.get(key).map(str::to_string);
    (config.sessions.iter())
        .map(|(name, s)| Current {
            name: name.clone(),
            start_url: value(s, "sso_start_url"),
            region: value(s, "sso_region"),
            scopes: value(s, "sso_registration_scopes"),
            profile_region: value(s, REGION_KEY),
        })
        .collect()
}

/// The same portal: equal once made whole.
fn same_url(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| expand_start_url(a) == expand_start_url(b))
}

/// The session from the flags, asking for what is missing (flags given are checked first) with
/// the current values of the session being configured as defaults (the one named, else the only
/// one, else the one with the start URL given); when `asking`, the scopes and the profiles'
/// region too unless given. Without a terminal, a value not given is its default.
fn spec(opts: &Options, asking: bool, sessions: &[Current]) -> Result<SessionSpec> {
    let start_url = opts.start_url.as_deref().map(expand_start_url);
    let flag = |name: &str, r: Result<(), String>| r.map_err(|e| anyhow!("--{name}: {e}"));
    if let Some(n) = &opts.session {
        flag("session", check_session_name(n))?;
    }
    if let Some(u) = &start_url {
        flag("start-url", check_start_url(u))?;
    }
    if let Some(r) = &opts.region {
        flag("region", check_region(r))?;
    }
    if let Some(s) = &opts.scopes {
        flag("scopes", check_scopes(s))?;
    }
    if let Some(r) = &opts.profile_region {
        flag("profile-region", check_region(r))?;
    }
    let named = |n: &str| sessions.iter().find(|c| c.name == n);
    let tentative = match &opts.session {
        Some(n) => named(n),
        None => match sessions {
            [only] => Some(only),
            _ => None,
        },
    };
    let start_url = match start_url {
        Some(u) => u,
        None => {
            let default = tentative.and_then(|c| c.start_url.as_deref());
            let typed = ask(true, "--start-url", START_URL_LABEL, default, |a| {
                check_start_url(&expand_start_url(a))
            })?;
            if Some(typed.as_str()) == default && check_start_url(&typed).is_ok() {
                typed
            } else {
                let url = expand_start_url(&typed);
                if url != typed {
                    eprintln!("  start URL {url}");
                }
                url
            }
        }
    };
    let current = match &opts.session {
        Some(_) => tentative,
        None => tentative
            .filter(|c| same_url(c.start_url.as_deref(), &start_url))
            .or_else(|| {
                let mut same = sessions
                    .iter()
                    .filter(|c| same_url(c.start_url.as_deref(), &start_url));
                match (same.next(), same.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            }),
    };
    let region = match &opts.region {
        Some(r) => r.clone(),
        None => {
            let default = (current.and_then(|c| c.region.clone()))
                .filter(|r| check_region(r).is_ok())
                .or_else(|| region_of(&start_url));
            ask(
                true,
                "--region",
                "SSO region",
                default.as_deref(),
                check_region,
            )?
        }
    };
    let name = match &opts.session {
        Some(n) => n.clone(),
        None => {
            let default = (current.map(|c| c.name.clone())).or_else(|| session_name_of(&start_url));
            ask(
                asking,
                "--session",
                "Session name",
                default.as_deref(),
                check_session_name,
            )?
        }
    };
    let scopes = match &opts.scopes {
        Some(s) => s.clone(),
        None => {
            let default = (current.and_then(|c| c.scopes.clone()))
                .filter(|s| check_scopes(s).is_ok())
                .unwrap_or_else(|| DEFAULT_SCOPES.into());
            ask(
                asking,
                "--scopes",
                "Registration scopes",
                Some(&default),
                check_scopes,
            )?
        }
    };
    let remembered = current.and_then(|c| c.profile_region.clone());
    let profile_region = match &opts.profile_region {
        Some(r) => Some(r.clone()),
        None if asking => {
            let default = (remembered.clone())
                .filter(|r| check_region(r).is_ok())
                .unwrap_or_else(|| region.clone());
            let answer = ask(
                true,
                "--profile-region",
                "Profiles' default region",
                Some(&default),
                check_region,
            )?;
            // Without a remembered one, the profiles' region is the SSO region: nothing to keep.
            (answer != region || remembered.is_some()).then_some(answer)
        }
        None => None,
    };
    Ok(SessionSpec {
        name,
        start_url,
        region,
        scopes,
        profile_region,
    })
}

/// As the README says it: the portal's subdomain alone is a start URL.
const START_URL_LABEL: &str = "SSO start URL (my-org is enough)";

/// One value: asked on the terminal when `asking` (Enter takes `default`), else `default`;
/// without a terminal, `default`, or an error naming the flag that gives the value.
fn ask<F>(asking: bool, flag: &str, label: &str, default: Option<&str>, check: F) -> Result<String>
where
    F: Fn(&str) -> Result<(), String>,
{
    let missing = || {
        anyhow!(
            "missing {flag}, and there is no terminal to ask on; give every value: ssox \
             configure --start-url URL --region REGION [--session NAME]"
        )
    };
    if !asking {
        return default.map(str::to_string).ok_or_else(missing);
    }
    prompt_text(label, default, check).or_else(|e| match (e.is::<NoTerminal>(), default) {
        (true, Some(d)) => Ok(d.to_string()),
        (true, None) => Err(missing()),
        (false, _) => Err(e),
    })
}

/// Write the session to the config file (created when missing) and say what changed.
fn write(settings: &Settings, spec: &SessionSpec) -> Result<()> {
    let file = ConfigFile::lock(settings)?;
    let text = file.text()?;
    let written = write_session(text, &file.shown, spec)?;
    if written.text != text {
        file.write(&written.text)?;
    }
    let label = SectionId::session(spec.name.as_str()).label();
    let shown = &file.shown;
    let message = if !file.exists() {
        format!("created {shown} with {label}")
    } else if written.created {
        format!("added {label} to {shown}")
    } else if written.changed.is_empty() {
        format!("{label} in {shown} is already as given")
    } else {
        format!(
            "updated {} of {label} in {shown}",
            written.changed.join(", ")
        )
    };
    eprintln!("{message}");
    Ok(())
}
