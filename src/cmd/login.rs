//! `ssox login [NAME | --all | --use PROFILE]`: choose the session(s), then get each a valid
//! token (see `session::login`: already logged in, a silent refresh, or PKCE or the device code);
//! an `aws login` profile signs in as `aws login` does (`session::signin_flow`, always: its
//! credentials last minutes and refresh on use, so a sign-in is only asked for to start anew).
//! Must not print anything but eval-safe shell code on stdout (`--use` only, through `switch`).

use anyhow::{bail, Result};

use crate::cli::LoginArgs;
use crate::config::{Config, ProfileKind};
use crate::profiles::load_config;
use crate::session::signin_flow::SignIn;
use crate::session::{self, Flow, Options, Resolved};
use crate::settings::Settings;
use crate::shell::Shell;
use crate::switch::{self, Switch};
use crate::ui::warn;
use crate::Cancelled;

pub fn run(args: LoginArgs, settings: &Settings) -> Result<()> {
    let config = load_config(settings)?;
    let flow = match (args.device_code || args.remote, args.pkce) {
        (true, _) => Some(Flow::Device),
        (_, true) => Some(Flow::Pkce),
        _ => None,
    };
    let opts = Options {
        force: args.force,
        no_browser: args.no_browser,
        quiet_if_valid: false,
        flow,
        redirect_port: args.redirect_port,
    };
    if let Some(value) = args.use_profile {
        // `--use PROFILE`, or the older `PROFILE --use`.
        let name = match (value, args.name) {
            (Some(p), None) | (None, Some(p)) => p,
            (Some(p), Some(n)) if p == n => p,
            (Some(p), Some(n)) => bail!(
                "`ssox login {n} --use {p}` names two profiles; log in and switch with: ssox login --use {p}"
            ),
            (None, None) => bail!("`ssox login --use` needs a profile: ssox login --use PROFILE"),
        };
        let profile = config.profile(&name)?;
        if profile.kind == ProfileKind::Login {
            let how = SignIn {
                remote: args.remote || args.device_code,
                no_browser: args.no_browser,
                redirect_port: args.redirect_port,
            };
            session::signin_flow::sign_in(&config, profile, settings, &how)?;
        } else {
            let login = config.profile_login(profile)?;
            // Quiet when already logged in, as `session::ensure_valid`, but with the flow flags.
            let opts = Options {
                quiet_if_valid: !args.force,
                ..opts
            };
            session::login(&config, &login, Some(&name), settings, opts)?;
        }
        let how = Switch {
            shell: Shell::chosen(args.shell.shell, settings.shell_name.as_deref()),
            login: false,
            region: None,
        };
        return switch::switch(&config, &name, &how, settings, super::now());
    }
    if args.all {
        return login_all(&config, settings, opts);
    }
    // An `aws login` profile, named or active (an sso-session of the same name comes first).
    let console = match args.name.as_deref() {
        Some(n) if config.sessions.contains_key(n) => None,
        Some(n) => config.profiles.get(n),
        None => session::active_profile(&config, settings).and_then(|n| config.profiles.get(&n)),
    }
    .filter(|p| p.kind == ProfileKind::Login);
    if let Some(p) = console {
        let how = SignIn {
            remote: args.remote || args.device_code,
            no_browser: args.no_browser,
            redirect_port: args.redirect_port,
        };
        return session::signin_flow::sign_in(&config, p, settings, &how);
    }
    match session::resolve(&config, args.name.as_deref(), settings, true, super::now())? {
        Resolved::One(login, profile) => {
            session::login(&config, &login, profile.as_deref(), settings, opts)
        }
        Resolved::All => login_all(&config, settings, opts),
    }
}

/// `--all` (or the menu's "all sessions"): every session in turn; one failing does not stop
/// the others, Ctrl-C does.
fn login_all(config: &Config, settings: &Settings, opts: Options) -> Result<()> {
    let profile = session::active_profile(config, settings);
    let targets = session::login_targets(config, true);
    if targets.is_empty() {
        bail!("{}", session::no_sessions_message(config));
    }
    let mut failed = Vec::new();
    for login in &targets {
        match session::login(config, login, profile.as_deref(), settings, opts) {
            Ok(()) => {}
            Err(e) if e.downcast_ref::<Cancelled>().is_some() => return Err(e),
            Err(e) => {
                warn(&format!("{}: {e:#}", login.short_name()));
                failed.push(login.short_name());
            }
        }
    }
    if !failed.is_empty() {
        bail!("login failed for {}", failed.join(", "));
    }
    Ok(())
}
