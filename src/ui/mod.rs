//! The only module that draws on the terminal or talks to the user on stderr: the diagnostics
//! channel (`warn`, `verbose!`) here; matching in `filter`, the terminal in `tty`, the fuzzy
//! menu in `menu`, questions in `prompt`, spinner and progress bar in `spinner`, hostile text
//! made printable and display widths in `text`. Knows nothing
//! about AWS, config files or shells; never writes to stdout.

pub mod filter;
pub mod menu;
pub mod prompt;
pub mod spinner;
pub mod text;
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

/// A warning on stderr: `ssox: …`, on one line, control characters shown escaped
/// ([`text::printable`]): a warning may quote a file or an answer from the network.
pub fn warn(message: &str) {
    eprintln!("ssox: {}", text::printable(message));
}

/// A line on stderr (no `ssox:` prefix added), what it quotes from files or the network shown
/// escaped ([`text::printable`]): a session, profile or role name from the config.
pub fn say(message: &str) {
    eprintln!("{}", text::printable(message));
}

/// A command's error for `main`: `ssox: …`, its whole chain, with what came from files or the
/// network shown escaped ([`text::printable_lines`]): the line breaks of ssox's own messages
/// (an example config after "no AWS config file") are kept; text from elsewhere is escaped
/// where it is quoted (`aws::errors`, the config reader), so it brings no line of its own.
pub fn error_line(e: &anyhow::Error) -> String {
    format!("ssox: {}", text::printable_lines(&format!("{e:#}")))
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
