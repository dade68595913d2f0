//! `ssox logout`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::LogoutArgs;
use crate::settings::Settings;

pub fn run(_args: LogoutArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox logout` is not implemented yet")
}
