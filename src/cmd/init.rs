//! `ssox init`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::InitArgs;
use crate::settings::Settings;

pub fn run(_args: InitArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox init` is not implemented yet")
}
