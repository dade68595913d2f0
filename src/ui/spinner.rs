//! Progress on stderr while ssox waits or works through a list: a spinner with a message (the
//! device login's wait) and a determinate bar ("3 of 12 accounts"). Both are indicatif's, and
//! draw nothing when stderr is not a terminal. Never stdout.

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

    /// A warning (`ssox: …`, as [`super::warn`]) on a line of its own above the spinner.
    pub fn warn(&self, message: &str) {
        self.0.suspend(|| super::warn(message));
    }

    /// Stop and erase the line.
    pub fn clear(self) {
        self.0.finish_and_clear();
    }
}

/// A determinate progress bar on stderr: `[#####     ] 3 of 12 accounts  what is being done`,
/// cut to the terminal's width.
pub struct Progress(ProgressBar);

/// The bar's layout; `{prefix}` is the unit ("accounts"), `{msg}` the item being worked on.
const PROGRESS_TEMPLATE: &str = "[{bar:20}] {pos} of {len} {prefix}  {wide_msg}";

impl Progress {
    /// A bar for `total` items of `unit` (plural, e.g. "accounts"), at 0.
    pub fn start(total: u64, unit: &str) -> Progress {
        Progress::with_target(total, unit, ProgressDrawTarget::stderr())
    }

    fn with_target(total: u64, unit: &str, target: ProgressDrawTarget) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), target);
        if let Ok(style) = ProgressStyle::with_template(PROGRESS_TEMPLATE) {
            bar.set_style(style.progress_chars("#> "));
        }
        bar.set_prefix(unit.to_string());
        Progress(bar)
    }

    /// The item being worked on now.
    pub fn message(&self, text: String) {
        self.0.set_message(text);
    }

    /// One more item done.
    pub fn inc(&self) {
        self.0.inc(1);
    }

    /// Stop and erase the line.
    pub fn clear(self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use indicatif::TermLike;

    use super::*;

    /// A one-line terminal of a given width: what is on the line.
    #[derive(Debug, Clone)]
    struct Screen {
        width: u16,
        line: Arc<Mutex<String>>,
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            self.width
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.line.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            self.line.lock().unwrap().clear();
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    fn drawn(width: u16, done: u64) -> String {
        let screen = Screen {
            width,
            line: Arc::default(),
        };
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let p = Progress::with_target(12, "accounts", target);
        p.message("blog (111111111111)".into());
        for _ in 0..done {
            p.inc();
        }
        p.0.tick();
        let line = screen.line.lock().unwrap().clone();
        console::strip_ansi_codes(&line).trim_end().to_string()
    }

    #[test]
    fn progress_counts_items_of_a_unit_within_the_width() {
        assert_eq!(
            drawn(80, 3),
            "[#####>              ] 3 of 12 accounts  blog (111111111111)"
        );
        // The message is what gives way on a narrow terminal.
        let narrow = drawn(40, 12);
        assert_eq!(narrow, "[####################] 12 of 12 accounts");
    }

    #[test]
    fn hidden_when_stderr_is_not_a_terminal() {
        use std::io::IsTerminal;
        let p = Progress::start(3, "accounts");
        assert_eq!(p.0.is_hidden(), !io::stderr().is_terminal());
    }
}
