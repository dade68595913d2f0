//! `ssox whoami`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::WhoamiArgs;
use crate::settings::Settings;

pub fn run(_args: WhoamiArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox whoami` is not implemented yet")
}
