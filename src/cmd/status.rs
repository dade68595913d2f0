//! `ssox status`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::StatusArgs;
use crate::settings::Settings;

pub fn run(_args: StatusArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox status` is not implemented yet")
}
