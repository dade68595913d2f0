//! The only module that draws on the terminal or talks to the user on stderr: the diagnostics
//! channel (`warn`, `verbose!`), the fuzzy menu and the spinner. Knows nothing about AWS, config
//! files or shells; never writes to stdout.

pub mod picker;

pub use picker::{choose, choose_row, Row, Spinner};

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
