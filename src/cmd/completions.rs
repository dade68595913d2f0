//! `ssox completions`: not built yet (see the open issues).

use anyhow::{bail, Result};

use crate::cli::CompletionsArgs;
use crate::settings::Settings;

pub fn run(_args: CompletionsArgs, _settings: &Settings) -> Result<()> {
    bail!("`ssox completions` is not implemented yet")
}
