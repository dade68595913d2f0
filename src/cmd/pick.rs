//! `ssox pick [QUERY]`: choose a profile in the fuzzy menu (most recently picked first, then by
//! name) and print exactly what `ssox use NAME` prints for it (see `switch::pick`). Reads files
//! only; no network.

use anyhow::Result;

use crate::cli::PickArgs;
use crate::settings::Settings;
use crate::shell::Shell;
use crate::switch;

pub fn run(args: PickArgs, settings: &Settings) -> Result<()> {
    let shell = Shell::chosen(args.shell.shell, settings.shell_name.as_deref());
    switch::pick(args.query.as_deref(), shell, false, settings, super::now())
}
