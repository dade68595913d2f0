//! `ssox use NAME`: print eval-safe shell code that switches the profile; warn (stderr) when the
//! profile's session has no valid cached token; record it in the pick history. The network only with `--login`
//! (or `SSOX_AUTO_LOGIN=1` on a terminal) when the session needs a login.

use std::io::IsTerminal;

use anyhow::{bail, Result};

use crate::cache::{self, TokenState};
use crate::cli::UseArgs;
use crate::config::{Config, ProfileKind};
use crate::history;
use crate::settings::{Settings, STATIC_KEY_VARS};
use crate::shell::{self, Shell};
use crate::ui::warn;

use super::{load_config_for, print_stdout};

pub fn run(args: UseArgs, settings: &Settings) -> Result<()> {
    let shell = Shell::chosen(args.shell.shell, settings.shell_name.as_deref());
    if args.clear {
        return print_stdout(&shell::clear(shell, &STATIC_KEY_VARS));
    }
    let Some(name) = args.name else {
        return super::pick::pick(None, shell, args.login, settings);
    };
    let config = load_config_for(settings, &name)?;
    switch(&config, &name, shell, args.login, settings)
}

/// Print the switch to `name` (already loaded in `config`), logging in first when asked to, and
/// record it as most recently used. Shared by `use` and `pick`, so their output is identical.
pub fn switch(
    config: &Config,
    name: &str,
    shell: Shell,
    login: bool,
    settings: &Settings,
) -> Result<()> {
    let profile = config.profile(name)?;
    if name.contains('\0') {
        bail!("profile name {name:?} contains a NUL byte and cannot be put in the environment");
    }
    if profile.kind == ProfileKind::Sso {
        // `--login`, or SSOX_AUTO_LOGIN=1 with someone at the keyboard: log in first, then switch.
        let auto = settings.auto_login && std::io::stdin().is_terminal();
        if login || auto {
            if let Ok(target) = config.profile_login(profile) {
                super::login::ensure_login(config, &target, Some(name), settings, false)?;
            }
        }
        if let Some(message) = session_warning(config, name, settings) {
            warn(&message);
        }
    }
    print_stdout(&shell::switch_profile(shell, name, &STATIC_KEY_VARS))?;
    if let Err(e) = history::record(&history::path(&settings.state_dir), name) {
        warn(&format!("{e:#}"));
    }
    Ok(())
}

/// Why the profile's SSO token is not usable right now, worded for the user; `None` when valid.
pub fn session_warning(config: &Config, profile: &str, settings: &Settings) -> Option<String> {
    let profile = config.profiles.get(profile)?;
    let login = match config.profile_login(profile) {
        Ok(l) => l,
        Err(e) => return Some(e.to_string()),
    };
    let token = cache::read_token(&cache::token_path(
        &settings.sso_cache_dir(),
        &login.cache_key,
    ));
    let label = login.label();
    match TokenState::of(token.as_ref(), super::now()) {
        TokenState::Valid { .. } => None,
        TokenState::None => Some(format!("{label} has no cached token; run: ssox login")),
        TokenState::Expired { ago, refreshable } => Some(format!(
            "{label} expired {} ago{}; run: ssox login",
            cache::human_duration(ago),
            if refreshable { " (refreshable)" } else { "" }
        )),
    }
}
