//! `ssox pick [QUERY]`: choose a profile in the fuzzy menu (most recently picked first, then by
//! name) and print exactly what `ssox use NAME` prints for it (see `switch::pick`). Reads files
//! only; no network.

use anyhow::Result;

use crate::cli::PickArgs;
use crate::settings::Settings;
use crate::shell::Shell;
use crate::switch::{self, Switch};
use crate::{ExitWith, NoTerminal};

pub fn run(args: PickArgs, settings: &Settings) -> Result<()> {
    let how = Switch {
        shell: Shell::chosen(args.shell.shell, settings.shell_name.as_deref()),
        login: false,
        region: None,
    };
    match switch::pick(args.query.as_deref(), &how, settings, super::now()) {
        Err(e) if e.is::<NoTerminal>() => {
            eprintln!("ssox pick needs a terminal; use: ssox use NAME");
            Err(ExitWith(1).into())
        }
        r => r,
    }
}
