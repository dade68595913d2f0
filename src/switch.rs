//! Switching the shell's profile, one code path for `use NAME`, `use` without a name and `pick`
//! so their output is identical: a login first when asked (`--login`, or `SSOX_AUTO_LOGIN=1` on
//! a terminal), a warning on stderr when the session has no valid token, the eval-safe shell
//! code on stdout, and the pick history. `pick` chooses the name in the menu first. No network
//! unless a login is asked for.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::{bail, Result};
use time::OffsetDateTime;

use crate::config::{Config, ProfileKind};
use crate::output::print_stdout;
use crate::profiles::{self, load_config};
use crate::settings::{Settings, STATIC_KEY_VARS};
use crate::shell::{self, Shell};
use crate::ui::{self, warn};
use crate::{history, session, ExitWith, NoTerminal};

/// Print the switch to `name` (already loaded in `config`), logging in first when `login` asks
/// to, and record it as most recently used.
pub fn switch(
    config: &Config,
    name: &str,
    shell: Shell,
    login: bool,
    settings: &Settings,
    now: OffsetDateTime,
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
                session::ensure_valid(config, &target, Some(name), settings, false)?;
            }
        }
        if let Some(message) = session::token_warning(config, name, settings, now) {
            warn(&message);
        }
    }
    print_stdout(&shell::switch_profile(shell, name, &STATIC_KEY_VARS))?;
    if let Err(e) = history::record(&history::path(&settings.state_dir), name) {
        warn(&format!("{e:#}"));
    }
    Ok(())
}

/// Choose a profile in the menu (most recently picked first, then by name; `query` pre-fills
/// the filter) and switch to it as `use` does; `login` is `use --login`'s flag.
pub fn pick(
    query: Option<&str>,
    shell: Shell,
    login: bool,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<()> {
    let started = Instant::now();
    let config = load_config(settings)?;
    let loaded = started.elapsed();
    if config.profiles.is_empty() {
        bail!(
            "no profiles in {} to pick from; add one with `aws configure sso` \
             (or a [profile NAME] section by hand), then see `ssox list`",
            config.config_path
        );
    }
    // The rows' strings move into the menu (no copies: this is most of the time to first frame).
    let mut rows: Vec<Option<ui::Row>> = profiles::rows(&config, settings, now)
        .into_iter()
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
    let chosen = match ui::choose_row("Profile", &profiles::MENU_HEADER, &menu, query) {
        Err(e) if e.is::<NoTerminal>() => {
            eprintln!("ssox pick needs a terminal; use: ssox use NAME");
            return Err(ExitWith(1).into());
        }
        r => r?,
    };
    let name = &menu[chosen].cells[0];
    // The very code path of `ssox use NAME`: same stdout, same warnings, same history.
    switch(&config, name, shell, login, settings, now)
}
