//! The only module that draws on the terminal: the fuzzy menu, on stderr or /dev/tty, never stdout.

use anyhow::{bail, Result};

/// Let the user choose one of `items` (one display line each) in a fuzzy menu. `query`
/// pre-fills the filter. `Ok(index)`; `Err(Cancelled)` on Esc or Ctrl-C; an error when there is
/// no terminal to draw on.
pub fn choose(_prompt: &str, _items: &[String], _query: Option<&str>) -> Result<usize> {
    bail!("the picker is not implemented yet")
}
