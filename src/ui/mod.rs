//! The only module that draws on the terminal or talks to the user on stderr: the diagnostics
//! channel (`warn`, `verbose!`) here; matching in `filter`, the terminal in `tty`, the fuzzy
//! menu in `menu`, questions in `prompt`, spinner and progress bar in `spinner`. Knows nothing
//! about AWS, config files or shells; never writes to stdout.

pub mod filter;
pub mod menu;
pub mod prompt;
pub mod spinner;
pub mod tty;

pub use crate::error::NoTerminal;
pub use menu::{choose, choose_row, Row};
pub use prompt::{confirm, confirm_after, prompt_text};
pub use spinner::{Progress, Spinner};

/// The menu and spinner under their former path, for callers not yet moved to `crate::ui::…`.
pub mod picker {
    pub use super::menu::{choose, choose_row, Menu, Row};
    pub use super::spinner::Spinner;
    pub use crate::error::NoTerminal;
}

use std::sync::atomic::{AtomicBool, Ordering};

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Turn `--verbose` output on or off (set once by `run`).
pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

/// Whether `--verbose` is on.
pub fn is_verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// A warning on stderr: `ssox: …`.
pub fn warn(message: &str) {
    eprintln!("ssox: {message}");
}

/// With `--verbose`, one line on stderr: `ssox: …`. The arguments are only formatted when it is
/// on. Never pass a secret.
#[macro_export]
macro_rules! verbose {
    ($($arg:tt)*) => {
        if $crate::ui::is_verbose() {
            $crate::ui::warn(&format!($($arg)*));
        }
    };
}
