//! `ssox exec`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::ExecArgs;
use crate::settings::Settings;

pub fn run(_args: ExecArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox exec` is not implemented yet")
}
