//! The terminal that menus and prompts draw on: stderr when it is a terminal, else `/dev/tty`
//! (never stdout, which belongs to the shell). Owns raw mode, the terminal's size, input as
//! events (keys, decoded by `console`; resizes, from SIGWINCH) and the escape codes that redraw
//! a block of lines in place; the OS side of raw mode and waiting is `platform::tty`. Knows
//! nothing about what is drawn.

use std::fmt::Write as _;
use std::io::{self, IsTerminal};

use anyhow::{Context, Result};
use console::{Key, Term};

use crate::platform::tty::{self as os, Input, RawMode, Resizes};

/// Clear from the start of the cursor's line to the end of the screen.
pub const ERASE: &str = "\r\x1b[J";

/// Size used when the terminal does not report one.
const FALLBACK_SIZE: (usize, usize) = (80, 24);

/// Where menus and prompts are drawn and keys are read.
pub struct Tty {
    term: Term,
    /// The terminal keys are read from (console reads stdin when it is a terminal, else
    /// `/dev/tty`); raw mode is set on it.
    input: Input,
}

impl Tty {
    /// The terminal, or `None` when there is none to draw on or read from.
    pub fn open() -> Option<Tty> {
        let input = Input::open()?;
        let term = if io::stderr().is_terminal() {
            Term::stderr()
        } else {
            os::open_term()?
        };
        term.is_term().then_some(Tty { term, input })
    }

    /// Whether colors and bold may be used.
    pub fn colors(&self) -> bool {
        self.term.features().colors_supported()
    }

    /// Width and height in cells, asked anew each time (the terminal may have been resized).
    pub fn size(&self) -> (usize, usize) {
        match self.term.size_checked() {
            Some((h, w)) if h > 0 && w > 0 => (usize::from(w), usize::from(h)),
            _ => FALLBACK_SIZE,
        }
    }

    pub fn write(&self, text: &str) -> Result<()> {
        self.term
            .write_str(text)
            .context("cannot write to the terminal")
    }

    /// Raw mode (no echo, no line buffering, Ctrl-C as a key) and resize events, until the
    /// returned guard is dropped. Output processing is left on.
    fn raw(&self) -> Result<Raw<'_>> {
        Ok(Raw {
            tty: self,
            mode: Some(self.input.raw()?),
            resizes: Resizes::watch(),
        })
    }
}

/// What woke the menu or prompt up.
#[derive(Debug, PartialEq, Eq)]
enum Event {
    Key(Key),
    /// The terminal changed size: draw again at [`Tty::size`].
    Resize,
}

/// Something drawn on the terminal that keys act on: the menu, a prompt.
pub trait Interactive {
    type Output;

    /// The frame for a terminal `width` columns wide and `height` lines high, from [`paint`].
    fn draw(&mut self, width: usize, height: usize) -> String;

    /// Apply a key on a terminal `height` lines high; `Some` ends the interaction.
    fn on_key(&mut self, key: Key, height: usize) -> Option<Result<Self::Output>>;

    /// Drawn over the last frame at the end: by default, nothing is left.
    fn last_frame(&self, _result: &Result<Self::Output>, _width: usize) -> String {
        ERASE.to_string()
    }
}

impl Tty {
    /// Run `ui` in raw mode until a key ends it: draw, then redraw after each key and each
    /// resize. The terminal's mode is restored on every way out.
    pub fn interact<U: Interactive>(&self, ui: &mut U) -> Result<U::Output> {
        let raw = self.raw()?;
        let result = self.event_loop(&raw, ui);
        let (width, _) = self.size();
        let last = self.write(&ui.last_frame(&result, width));
        drop(raw);
        let output = result?;
        last?;
        Ok(output)
    }

    fn event_loop<U: Interactive>(&self, raw: &Raw, ui: &mut U) -> Result<U::Output> {
        loop {
            let (width, height) = self.size();
            self.write(&ui.draw(width, height))?;
            if let Event::Key(key) = raw.next()? {
                if let Some(done) = ui.on_key(key, height) {
                    return done;
                }
            }
        }
    }
}

/// The terminal in raw mode, restored on drop on every way out (the SIGWINCH handler too).
struct Raw<'a> {
    tty: &'a Tty,
    mode: Option<RawMode<'a>>,
    /// `None` when the handler could not be installed: then resizes show at the next key.
    resizes: Option<Resizes>,
}

impl Raw<'_> {
    /// Wait for the next key or resize.
    fn next(&self) -> Result<Event> {
        loop {
            let (input, resized) = self
                .tty
                .input
                .wait(self.resizes.as_ref(), -1)
                .context("cannot wait for the terminal")?;
            if resized {
                if let Some(r) = &self.resizes {
                    r.take();
                }
                return Ok(Event::Resize);
            }
            if input {
                // The input is readable, so console's own wait returns at once and a SIGWINCH
                // cannot interrupt it (console would read that as Ctrl-C).
                let key = self
                    .tty
                    .term
                    .read_key_raw()
                    .context("cannot read from the terminal")?;
                return Ok(Event::Key(key));
            }
        }
    }
}

impl Drop for Raw<'_> {
    fn drop(&mut self) {
        // The handler goes first, then the mode.
        self.resizes = None;
        self.mode = None;
    }
}

/// The escape codes that draw `lines` from the start of the cursor's line down, each cleared to
/// its end, clear what is below (lines of a taller earlier frame), and put the cursor back on
/// the first line at column `col`. Every line must already fit the terminal's width, and there
/// must be no more lines than the terminal is high, or the redraw would not land in place.
pub fn paint(lines: &[String], col: usize) -> String {
    paint_at(lines, 0, col)
}

/// [`paint`], with the cursor put back on line `row` (from 0) rather than the first.
pub fn paint_at(lines: &[String], row: usize, col: usize) -> String {
    let mut out = String::from("\r");
    for (n, l) in lines.iter().enumerate() {
        if n > 0 {
            out.push_str("\r\n");
        }
        out.push_str(l);
        out.push_str("\x1b[K");
    }
    out.push_str("\x1b[J");
    let up = lines.len().saturating_sub(1 + row);
    if up > 0 {
        let _ = write!(out, "\x1b[{up}A");
    }
    out.push('\r');
    if col > 0 {
        let _ = write!(out, "\x1b[{col}C");
    }
    out
}

/// `text` without its last word (Ctrl-W): up to and including the whitespace before it.
pub fn without_last_word(text: &str) -> &str {
    let text = text.trim_end();
    let cut = text
        .char_indices()
        .rfind(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    text.get(..cut).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_redraws_in_place() {
        let lines = ["one".to_string(), "two".into(), "three".into()];
        assert_eq!(
            paint(&lines, 2),
            "\rone\x1b[K\r\ntwo\x1b[K\r\nthree\x1b[K\x1b[J\x1b[2A\r\x1b[2C"
        );
        assert_eq!(paint(&lines[..1], 0), "\rone\x1b[K\x1b[J\r");
        assert_eq!(
            paint_at(&lines, 1, 3),
            "\rone\x1b[K\r\ntwo\x1b[K\r\nthree\x1b[K\x1b[J\x1b[1A\r\x1b[3C"
        );
    }

    #[test]
    fn ctrl_w_removes_the_last_word() {
        assert_eq!(without_last_word("blog admin"), "blog ");
        assert_eq!(without_last_word("blog admin  "), "blog ");
        assert_eq!(without_last_word("blog"), "");
        assert_eq!(without_last_word(""), "");
        // A wide space is three bytes.
        assert_eq!(without_last_word("ブログ\u{3000}管理"), "ブログ\u{3000}");
    }
}
