//! Switching the shell's profile, one code path for `use NAME`, `use -`, `use` without a name,
//! `pick` and `login --use` so their output is identical: a login first when asked (`--login`,
//! or `SSOX_AUTO_LOGIN=1` on a terminal), a warning on stderr when the session has no valid
//! token, the eval-safe shell code on stdout (with the region and the profile left behind, for
//! `use -`), a hint on stderr when that code lands on a terminal, and the pick history. What
//! looks wrong in the profile itself (a key that looks like a typo, a missing account or role)
//! is warned about on stderr, and the switch happens anyway. `pick` chooses the name in the
//! menu first. No network unless a login is asked for.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::{bail, Result};
use time::OffsetDateTime;

use crate::config::{Config, ProfileKind};
use crate::output::print_stdout;
use crate::profiles::{self, load_config};
use crate::settings::{Settings, PREVIOUS_PROFILE_VAR, STATIC_KEY_VARS};
use crate::shell::{self, Shell};
use crate::ui::{self, warn};
use crate::{history, session};

/// How to switch: the shell to print for, whether to log in first, and a region to set too.
#[derive(Debug, Clone, Copy)]
pub struct Switch<'a> {
    pub shell: Shell,
    /// `--login`: log in first when the session has no valid token.
    pub login: bool,
    /// `--region`: also set AWS_REGION and AWS_DEFAULT_REGION.
    pub region: Option<&'a str>,
}

/// Print the switch to `name` (already loaded in `config`), logging in first when `how` asks
/// to, and record it as most recently used.
pub fn switch(
    config: &Config,
    name: &str,
    how: &Switch,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<()> {
    switch_hinting(config, name, how, settings, now, true)
}

/// [`switch`]; `hint`: say how to make the code switch the shell when it lands on a terminal
/// (`pick` said it before its menu).
fn switch_hinting(
    config: &Config,
    name: &str,
    how: &Switch,
    settings: &Settings,
    now: OffsetDateTime,
    hint: bool,
) -> Result<()> {
    let profile = config.profile(name)?;
    if name.contains('\0') {
        bail!("profile name {name:?} contains a NUL byte and cannot be put in the environment");
    }
    if let Some(region) = how.region {
        check_region(region)?;
    }
    // Keys that look like typos, a missing account or role: it switches all the same.
    for message in config.profile_warnings(profile) {
        warn(&message);
    }
    if profile.kind == ProfileKind::Sso {
        // `--login`, or SSOX_AUTO_LOGIN=1 with someone at the keyboard: log in first, then switch.
        let auto = settings.auto_login && std::io::stdin().is_terminal();
        if how.login || auto {
            if let Ok(target) = config.profile_login(profile) {
                session::ensure_valid(config, &target, Some(name), settings, false)?;
            }
        }
        if let Some(message) = session::token_warning(config, name, settings, now) {
            warn(&message);
        }
    } else if let Some(login) = session::logins::session_of(profile) {
        // Expired credentials are refreshed on use; only a missing (or unusable) file needs a
        // sign-in: `--login` (or SSOX_AUTO_LOGIN=1 at the keyboard) does it first.
        let state = session::logins::LoginState::read(settings, login, now);
        if state.token == crate::cache::TokenState::None {
            let auto = settings.auto_login && std::io::stdin().is_terminal();
            if how.login || auto {
                let how = session::signin_flow::SignIn {
                    remote: false,
                    no_browser: false,
                    redirect_port: None,
                };
                session::signin_flow::sign_in(config, profile, settings, &how)?;
            } else {
                warn(&format!(
                    "profile {name:?} has no `aws login` credentials; run: ssox login {}",
                    shell::word(how.shell, name)
                ));
            }
        }
    }
    let shell = how.shell;
    let mut code = shell::switch_profile(shell, name, &STATIC_KEY_VARS);
    if let Some(region) = how.region {
        code.push_str(&shell::set_region(shell, region));
    }
    code.push_str(&shell::remember_previous(
        shell,
        settings.active_profile(),
        Some(name),
    ));
    if hint && std::io::stdout().is_terminal() {
        // Nothing will evaluate this: say how to make it switch the shell.
        let mut command = format!("ssox use {}", shell::word(shell, name));
        if let Some(region) = how.region {
            command.push_str(&format!(" --region {}", shell::word(shell, region)));
        }
        warn(&shell::eval_hint(shell, &command));
    }
    print_stdout(&code)?;
    if let Err(e) = history::record(&history::path(&settings.state_dir), name) {
        warn(&format!("{e:#}"));
    }
    Ok(())
}

/// `use -`: the profile this shell used before its last switch (as `cd -` uses OLDPWD).
pub fn previous(settings: &Settings) -> Result<String> {
    match &settings.previous_profile {
        Some(p) => Ok(p.clone()),
        None => bail!(
            "no previous profile in this shell ({PREVIOUS_PROFILE_VAR} is not set); \
             `ssox use -` switches back after a switch made with ssox use or ssox pick"
        ),
    }
}

/// A region name goes into the environment of every AWS tool: letters, digits and dashes only
/// (quoting keeps any value eval-safe; this catches a flag or a path given by mistake).
pub fn check_region(region: &str) -> Result<()> {
    let ok = region.starts_with(|c: char| c.is_ascii_lowercase())
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        bail!(
            "invalid region {region:?}: a region is lowercase letters, digits and dashes, \
             e.g. --region eu-west-1"
        );
    }
    Ok(())
}

/// Choose a profile in the menu (most recently picked first, then by name; `query` pre-fills
/// the filter) and switch to it as `use` does. `Err(NoTerminal)` when there is no terminal for
/// the menu: the caller words it.
pub fn pick(
    query: Option<&str>,
    how: &Switch,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<()> {
    let started = Instant::now();
    let config = load_config(settings)?;
    let loaded = started.elapsed();
    if config.profiles.is_empty() {
        bail!(
            "no profiles in {} to pick from; {}",
            config.config_path,
            config.how_to_add_profiles()
        );
    }
    let mut rows: Vec<Option<ui::Row>> = profiles::rows(&config, settings, now)
        .iter()
        .map(|r| Some(profiles::menu_row(r)))
        .collect();
    let history_file = history::path(&settings.state_dir);
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r.as_ref().map_or("", |r| r.cells[0].as_str()))
        .collect();
    let order = history::order(&names, &history::load(&history_file));
    let menu: Vec<ui::Row> = order.iter().filter_map(|&i| rows[i].take()).collect();
    crate::verbose!(
        "pick: {} profiles; config read in {} ms, menu rows ready in {} ms",
        menu.len(),
        loaded.as_millis(),
        started.elapsed().as_millis()
    );
    // Nothing will evaluate the code (no shell integration, no `eval "$(…)"`): say so before
    // the menu, not after the choice.
    let hint = std::io::stdout().is_terminal();
    if hint {
        let mut command = "ssox pick".to_string();
        if let Some(q) = query {
            command.push(' ');
            command.push_str(&shell::word(how.shell, q));
        }
        warn(&shell::eval_hint(how.shell, &command));
    }
    let chosen = ui::choose_row("Profile", &profiles::MENU_HEADER, &menu, query)?;
    let name = &menu[chosen].cells[0];
    // The very code path of `ssox use NAME`: same stdout, same warnings, same history.
    switch_hinting(&config, name, how, settings, now, !hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for ok in ["eu-west-1", "us-gov-west-1", "cn-north-1", "local"] {
            assert!(check_region(ok).is_ok(), "{ok}");
        }
        for bad in ["", "EU-WEST-1", "eu west", "--login", "$(id)", "eu_west_1"] {
            assert_eq!(
                check_region(bad).unwrap_err().to_string(),
                format!(
                    "invalid region {bad:?}: a region is lowercase letters, digits and dashes, \
                     e.g. --region eu-west-1"
                )
            );
        }
    }
}
