//! `ssox login [NAME | --all]`: choose the session(s), then get each a valid token (see
//! `session::login`: already logged in, a silent refresh, or PKCE or the device code). Must not
//! print anything but eval-safe shell code on stdout (`--use` only).

use anyhow::{bail, Result};

use crate::cli::LoginArgs;
use crate::output::print_stdout;
use crate::profiles::load_config;
use crate::session::{self, Flow, Options};
use crate::settings::{Settings, STATIC_KEY_VARS};
use crate::shell::{self, Shell};
use crate::ui::warn;
use crate::Cancelled;

pub fn run(args: LoginArgs, settings: &Settings) -> Result<()> {
    let config = load_config(settings)?;
    let flow = match (args.device_code, args.pkce) {
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
    if args.use_profile {
        let Some(name) = args.name else {
            bail!("`ssox login --use` needs a profile name: ssox login --use NAME");
        };
        let profile = config.profile(&name)?;
        let login = config.profile_login(profile)?;
        // Quiet when already logged in, as `session::ensure_valid`, but with the flow flags.
        let opts = Options {
            quiet_if_valid: !args.force,
            ..opts
        };
        session::login(&config, &login, Some(&name), settings, opts)?;
        let shell = Shell::chosen(args.shell.shell, settings.shell_name.as_deref());
        return print_stdout(&shell::switch_profile(shell, &name, &STATIC_KEY_VARS));
    }
    if args.all {
        let profile = session::active_profile(&config, settings);
        let targets = session::login_targets(&config, true);
        if targets.is_empty() {
            bail!("{}", session::no_sessions_message(&config));
        }
        let mut failed = Vec::new();
        for login in &targets {
            match session::login(&config, login, profile.as_deref(), settings, opts) {
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
        return Ok(());
    }
    let (login, profile) = session::resolve_target(&config, args.name.as_deref(), settings)?;
    session::login(&config, &login, profile.as_deref(), settings, opts)
}
