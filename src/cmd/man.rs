//! `ssox man`: print the roff man page (one page: ssox and every command) generated from the
//! clap definitions. No config read, no network.

use anyhow::{Context, Result};

use crate::cli::{self, ManArgs};
use crate::output::print_stdout;
use crate::settings::Settings;
use crate::shell::man;

pub fn run(_args: ManArgs, _settings: &Settings) -> Result<()> {
    let page = man::page(cli::command()).context("cannot render the man page")?;
    print_stdout(&page)
}
