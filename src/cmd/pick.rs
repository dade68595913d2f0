//! `ssox pick [QUERY]`: choose a profile in the fuzzy menu (most recently picked first, then by
//! name) and print exactly what `ssox use NAME` prints for it. Reads files only; no network.
//! The drawing is the picker's; this file builds the rows and keeps the history.

use anyhow::{bail, Result};

use crate::cli::PickArgs;
use crate::settings::Settings;
use crate::shell::Shell;
use crate::ui::picker;
use crate::{history, ExitWith};

use super::list::{self, Row};

use super::load_config;

/// Column titles, in the order of [`menu_row`]'s cells. (An account name, once one is cached
/// from ListAccounts, belongs in the ACCOUNT cell beside the id: every cell is searched.)
pub const HEADER: [&str; 6] = ["PROFILE", "ACCOUNT", "ROLE", "SESSION", "REGION", "TOKEN"];

pub fn run(args: PickArgs, settings: &Settings) -> Result<()> {
    let shell = Shell::chosen(args.shell.shell, settings.shell_name.as_deref());
    pick(args.query.as_deref(), shell, false, settings)
}

/// Choose a profile (`query` pre-fills the filter) and switch to it as `use` does; `login` is
/// `use --login`'s flag.
pub fn pick(query: Option<&str>, shell: Shell, login: bool, settings: &Settings) -> Result<()> {
    let started = std::time::Instant::now();
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
    let mut rows: Vec<Option<picker::Row>> = list::rows(&config, settings, super::now())
        .into_iter()
        .map(|r| Some(menu_row(r)))
        .collect();
    let history_file = history::path(&settings.state_dir);
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r.as_ref().map_or("", |r| r.cells[0].as_str()))
        .collect();
    let order = history::order(&names, &history::load(&history_file));
    let menu: Vec<picker::Row> = order.iter().filter_map(|&i| rows[i].take()).collect();
    crate::verbose!(
        "pick: {} profiles; config read in {} ms, menu rows ready in {} ms",
        menu.len(),
        loaded.as_millis(),
        started.elapsed().as_millis()
    );
    let chosen = match picker::choose_row("Profile", &HEADER, &menu, query) {
        Err(e) if e.is::<picker::NoTerminal>() => {
            eprintln!("ssox pick needs a terminal; use: ssox use NAME");
            return Err(ExitWith(1).into());
        }
        r => r?,
    };
    let name = &menu[chosen].cells[0];
    // The very code path of `ssox use NAME`: same stdout, same warnings, same history.
    super::use_::switch(&config, name, shell, login, settings)
}

/// The menu cells for one profile: name, account, role, session, region, token state. Every
/// cell is searched. Empty when unknown.
pub fn menu_row(r: Row) -> picker::Row {
    let token = match (&r.error, &r.sso) {
        (Some(_), _) => "error".to_string(),
        (None, Some(s)) => s.token_text.clone(),
        (None, None) => String::new(),
    };
    picker::Row {
        cells: vec![
            r.name,
            r.account.unwrap_or_default(),
            r.role.unwrap_or_default(),
            r.session.unwrap_or_default(),
            r.region.unwrap_or_default(),
            token,
        ],
        marked: r.active,
    }
}
