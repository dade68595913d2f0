//! `ssox creds`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::CredsArgs;
use crate::settings::Settings;

pub fn run(_args: CredsArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox creds` is not implemented yet")
}
