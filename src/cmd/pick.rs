//! `ssox pick`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::PickArgs;
use crate::settings::Settings;

pub fn run(_args: PickArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox pick` is not implemented yet")
}
