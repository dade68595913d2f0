//! `ssox configure`, driven: the sso-session from its flags, the missing values asked for on a
//! terminal (start URL, region, name, scopes, each checked as it is typed; see `configure`),
//! written to the config file under ssox's lock (`file`), then the login every command uses
//! (`session::login`) and, when asked for or agreed to, a sync of its profiles (`run`).

use anyhow::{anyhow, Result};

use super::configure::{
    check_region, check_scopes, check_session_name, check_start_url, expand_start_url, region_of,
    session_name_of, write_session, SessionSpec, DEFAULT_SCOPES,
};
use super::file::ConfigFile;
use super::run;
use crate::config::edit::SectionId;
use crate::error::NoTerminal;
use crate::session;
use crate::settings::Settings;
use crate::ui::{self, prompt_text};

/// What `ssox configure` was given.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub session: Option<String>,
    pub start_url: Option<String>,
    pub region: Option<String>,
    pub scopes: Option<String>,
    pub no_login: bool,
    pub sync: bool,
    pub no_browser: bool,
}

/// Run `ssox configure`.
pub fn configure(settings: &Settings, opts: &Options) -> Result<()> {
    let asking = opts.session.is_none() || opts.start_url.is_none() || opts.region.is_none();
    // A config ssox would not replace (read-only) is refused before the first question.
    ConfigFile::read(settings)?.check_writable()?;
    let spec = spec(opts, asking)?;
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
        return run::sync(settings, &run::Options::session(&spec.name));
    }
    eprintln!("{next}");
    Ok(())
}

/// The session from the flags, asking for what is missing (flags given are checked first);
/// when `asking`, the scopes too unless given.
fn spec(opts: &Options, asking: bool) -> Result<SessionSpec> {
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
    let start_url = match start_url {
        Some(u) => u,
        None => {
            let typed = ask("--start-url", "SSO start URL", None, |a| {
                check_start_url(&expand_start_url(a))
            })?;
            let url = expand_start_url(&typed);
            if url != typed {
                eprintln!("  start URL {url}");
            }
            url
        }
    };
    let region = match &opts.region {
        Some(r) => r.clone(),
        None => ask(
            "--region",
            "SSO region",
            region_of(&start_url).as_deref(),
            check_region,
        )?,
    };
    let name = match &opts.session {
        Some(n) => n.clone(),
        None => ask(
            "--session",
            "Session name",
            session_name_of(&start_url).as_deref(),
            check_session_name,
        )?,
    };
    let scopes = match (&opts.scopes, asking) {
        (Some(s), _) => s.clone(),
        (None, true) => ask(
            "--scopes",
            "Registration scopes",
            Some(DEFAULT_SCOPES),
            check_scopes,
        )?,
        (None, false) => DEFAULT_SCOPES.into(),
    };
    Ok(SessionSpec {
        name,
        start_url,
        region,
        scopes,
    })
}

/// One question on the terminal; without one, an error naming the flag that gives the value.
fn ask<F>(flag: &str, label: &str, default: Option<&str>, check: F) -> Result<String>
where
    F: Fn(&str) -> Result<(), String>,
{
    prompt_text(label, default, check).map_err(|e| {
        if e.is::<NoTerminal>() {
            anyhow!(
                "missing {flag}, and there is no terminal to ask on; give every value: ssox \
                 configure --session NAME --start-url URL --region REGION"
            )
        } else {
            e
        }
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
