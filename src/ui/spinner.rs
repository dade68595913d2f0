//! Progress on stderr while ssox waits: a spinner with a message (the device login's wait),
//! indicatif's, drawing nothing when stderr is not a terminal. Never stdout.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A one-line spinner with a message on stderr.
pub struct Spinner(ProgressBar);

impl Spinner {
    pub fn start() -> Spinner {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(bar)
    }

    pub fn message(&self, text: String) {
        self.0.set_message(text);
    }

    /// Stop and erase the line.
    pub fn clear(self) {
        self.0.finish_and_clear();
    }
}
