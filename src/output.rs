//! stdout, which belongs to the shell (`eval "$(ssox use NAME)"`) or to a pipe: the one writer,
//! which takes a closed pipe (`ssox list | head`) as success, and whether to colour it. Only
//! commands and `switch` print here; diagnostics go to stderr through `ui`.

use std::io::{IsTerminal, Write};

use anyhow::Result;

use crate::settings::Settings;

/// Write to stdout; a closed pipe (`ssox list | head`) is not an error.
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Whether to color stdout: a terminal, and `NO_COLOR` unset.
pub fn stdout_color(settings: &Settings) -> bool {
    !settings.no_color && std::io::stdout().is_terminal()
}
