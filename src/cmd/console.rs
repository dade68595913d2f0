//! `ssox console`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::ConsoleArgs;
use crate::settings::Settings;

pub fn run(_args: ConsoleArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox console` is not implemented yet")
}
