//! `ssox login`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::LoginArgs;
use crate::settings::Settings;

pub fn run(_args: LoginArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox login` is not implemented yet")
}
