//! `ssox pick [QUERY]`: choose a profile in the fuzzy menu (most recently picked first, then by
//! name) and print exactly what `ssox use NAME` prints for it. Reads files only; no network.
//! The drawing is the picker's; this file builds the rows and keeps the history.

use anyhow::{bail, Result};

use crate::cli::PickArgs;
use crate::picker;
use crate::settings::Settings;
use crate::shell::Shell;
use crate::{history, ExitWith};

use super::list::{self, Row};
use super::{load_config, warn};

/// Column titles, in the order of [`menu_row`]'s cells.
pub const HEADER: [&str; 6] = ["PROFILE", "ACCOUNT", "ROLE", "SESSION", "REGION", "TOKEN"];

pub fn run(args: PickArgs, settings: &Settings) -> Result<()> {
    let shell = super::target_shell(args.shell.shell, settings);
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
    let rows = list::rows(&config, settings, super::now());
    let history_file = history::path(&settings.state_dir);
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let order = history::order(&names, &history::load(&history_file));
    let menu: Vec<picker::Row> = order.iter().map(|&i| menu_row(&rows[i])).collect();
    if settings.verbose {
        warn(&format!(
            "pick: {} profiles; config read in {} ms, menu rows ready in {} ms",
            menu.len(),
            loaded.as_millis(),
            started.elapsed().as_millis()
        ));
    }
    let chosen = match picker::choose_row("Profile", &HEADER, &menu, query) {
        Err(e) if e.is::<picker::NoTerminal>() => {
            eprintln!("ssox pick needs a terminal; use: ssox use NAME");
            return Err(ExitWith(1).into());
        }
        r => r?,
    };
    let name = &rows[order[chosen]].name;
    // The very code path of `ssox use NAME`: same stdout, same warnings, same history.
    super::use_::switch(&config, name, shell, login, settings)
}

/// The menu cells for one profile: name, account, role, session, region, token state. Every
/// cell is searched. Empty when unknown.
pub fn menu_row(r: &Row) -> picker::Row {
    let token = match (&r.error, &r.sso) {
        (Some(_), _) => "error".to_string(),
        (None, Some(s)) => s.token_text.clone(),
        (None, None) => String::new(),
    };
    picker::Row {
        cells: vec![
            r.name.clone(),
            account_cell(r.account.as_deref(), None),
            r.role.clone().unwrap_or_default(),
            r.session.clone().unwrap_or_default(),
            r.region.clone().unwrap_or_default(),
            token,
        ],
        marked: r.active,
    }
}

/// `111111111111`, or `blog-prod 111111111111` once an account name is known (e.g. from a
/// cached ListAccounts); both parts are searched.
pub fn account_cell(id: Option<&str>, name: Option<&str>) -> String {
    match (name, id) {
        (Some(n), Some(id)) => format!("{n} {id}"),
        (Some(n), None) => n.to_string(),
        (None, Some(id)) => id.to_string(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_cell_shows_the_name_when_known() {
        assert_eq!(account_cell(Some("111111111111"), None), "111111111111");
        assert_eq!(
            account_cell(Some("111111111111"), Some("blog-prod")),
            "blog-prod 111111111111"
        );
        assert_eq!(account_cell(None, None), "");
    }
}
