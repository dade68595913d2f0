//! Questions on the terminal, one line each (for `ssox configure`): a text answer with a default
//! and a check, and a yes/no question. Drawn like the menu, on stderr or `/dev/tty`, never
//! stdout; Esc or Ctrl-C ends them with `Cancelled`, no terminal with `NoTerminal`. Knows nothing
//! about what is asked.
//!
//! Hand-written over `tty` rather than `dialoguer`: dialoguer's text input cannot be cancelled
//! with Esc (https://github.com/console-rs/dialoguer/issues/160), its Ctrl-C raises SIGINT
//! instead of returning, and it would be a second way of drawing and reading keys.

use anyhow::Result;
use console::{Key, Style};

use super::text;
use super::tty::{self, Interactive, Tty};
use crate::error::{Cancelled, NoTerminal};

/// Ask for a line of text: `label [default]: `. Enter on an empty line takes `default` (or the
/// empty string). The answer, trimmed, must pass `validate`; its `Err` message is shown under
/// the line and the question stays. `Err(Cancelled)` on Esc or Ctrl-C; `Err(NoTerminal)` when
/// there is no terminal. The answered question stays on the screen.
pub fn prompt_text<F>(label: &str, default: Option<&str>, validate: F) -> Result<String>
where
    F: Fn(&str) -> Result<(), String>,
{
    let tty = Tty::open().ok_or(NoTerminal)?;
    let mut prompt = TextPrompt::new(label, default, validate).color(tty.colors());
    tty.interact(&mut prompt)
}

/// Ask a yes/no question: `question [Y/n] `. y or n answers, Enter takes `default`.
/// `Err(Cancelled)` on Esc or Ctrl-C; `Err(NoTerminal)` when there is no terminal.
pub fn confirm(question: &str, default: bool) -> Result<bool> {
    let tty = Tty::open().ok_or(NoTerminal)?;
    tty.interact(&mut Confirm {
        question,
        default,
        row: 0,
    })
}

/// [`confirm`], with `lines` (what the question is about, one item each) shown above it on the
/// terminal: nothing is shown when there is no terminal (`Err(NoTerminal)`).
pub fn confirm_after(lines: &[String], question: &str, default: bool) -> Result<bool> {
    let tty = Tty::open().ok_or(NoTerminal)?;
    for line in lines {
        tty.write(&format!("{}\n", printable(line)))?;
    }
    tty.interact(&mut Confirm {
        question,
        default,
        row: 0,
    })
}

/// The text question's state and drawing, independent of the terminal.
struct TextPrompt<'a, F> {
    label: &'a str,
    default: Option<&'a str>,
    validate: F,
    value: String,
    /// Why the last answer was refused, until the next edit.
    error: Option<String>,
    color: bool,
    /// The line of the last frame the cursor was left on.
    row: usize,
}

impl<'a, F: Fn(&str) -> Result<(), String>> TextPrompt<'a, F> {
    fn new(label: &'a str, default: Option<&'a str>, validate: F) -> Self {
        TextPrompt {
            label,
            default: default.filter(|d| !d.is_empty()),
            validate,
            value: String::new(),
            error: None,
            color: false,
            row: 0,
        }
    }

    fn color(mut self, on: bool) -> Self {
        self.color = on;
        self
    }

    fn head(&self) -> String {
        match self.default {
            Some(d) => format!("{} [{}]: ", printable(self.label), printable(d)),
            None => format!("{}: ", printable(self.label)),
        }
    }
}

impl<F: Fn(&str) -> Result<(), String>> Interactive for TextPrompt<'_, F> {
    type Output = String;

    fn draw(&mut self, width: usize, height: usize) -> String {
        let width = width.saturating_sub(1).max(1);
        let mut lines = layout(&self.head(), &printable(&self.value), width);
        let row = lines.len() - 1;
        let col = text::width(&lines[row]);
        if let Some(e) = &self.error {
            let red = Style::new().force_styling(self.color).red();
            for l in text::wrap(&printable(e), width) {
                lines.push(red.apply_to(l).to_string());
            }
        }
        let (lines, row) = fit_height(lines, row, height);
        let frame = format!("{}{}", to_top(self.row), tty::paint_at(&lines, row, col));
        self.row = row;
        frame
    }

    fn on_key(&mut self, key: Key, _height: usize) -> Option<Result<String>> {
        match key {
            Key::Enter => {
                let answer = match self.value.trim() {
                    "" => self.default.unwrap_or(""),
                    typed => typed,
                };
                return match (self.validate)(answer) {
                    Ok(()) => Some(Ok(answer.to_string())),
                    Err(why) => {
                        self.error = Some(why);
                        None
                    }
                };
            }
            Key::Escape | Key::CtrlC | Key::Char('\x07') => return Some(Err(Cancelled.into())),
            Key::Char('\x04') if self.value.is_empty() => return Some(Err(Cancelled.into())),
            Key::Backspace => {
                self.value.pop();
            }
            // Ctrl-U: clear the line.
            Key::Char('\x15') => self.value.clear(),
            // Ctrl-W: delete the last word.
            Key::Char('\x17') => {
                let kept = tty::without_last_word(&self.value).len();
                self.value.truncate(kept);
            }
            Key::Char(c) if !c.is_control() => self.value.push(c),
            _ => return None,
        }
        self.error = None;
        None
    }

    fn last_frame(&self, result: &Result<String>, width: usize) -> String {
        match result {
            Ok(answer) => {
                let width = width.saturating_sub(1).max(1);
                let lines = layout(&self.head(), &printable(answer), width);
                let top = to_top(self.row);
                format!("{top}{}\r\n", tty::paint_at(&lines, lines.len() - 1, 0))
            }
            Err(_) => format!("{}{}", to_top(self.row), tty::ERASE),
        }
    }
}

/// The yes/no question's state and drawing.
struct Confirm<'a> {
    question: &'a str,
    default: bool,
    /// The line of the last frame the cursor was left on.
    row: usize,
}

impl Confirm<'_> {
    fn head(&self) -> String {
        let choices = if self.default { "[Y/n]" } else { "[y/N]" };
        format!("{} {choices} ", printable(self.question))
    }
}

impl Interactive for Confirm<'_> {
    type Output = bool;

    fn draw(&mut self, width: usize, height: usize) -> String {
        let lines = layout(&self.head(), "", width.saturating_sub(1).max(1));
        let row = lines.len() - 1;
        let col = text::width(&lines[row]);
        let (lines, row) = fit_height(lines, row, height);
        let frame = format!("{}{}", to_top(self.row), tty::paint_at(&lines, row, col));
        self.row = row;
        frame
    }

    fn on_key(&mut self, key: Key, _height: usize) -> Option<Result<bool>> {
        match key {
            Key::Char('y' | 'Y') => Some(Ok(true)),
            Key::Char('n' | 'N') => Some(Ok(false)),
            Key::Enter => Some(Ok(self.default)),
            Key::Escape | Key::CtrlC | Key::Char('\x07' | '\x04') => Some(Err(Cancelled.into())),
            _ => None,
        }
    }

    fn last_frame(&self, result: &Result<bool>, width: usize) -> String {
        match result {
            Ok(yes) => {
                let answer = if *yes { "yes" } else { "no" };
                let lines = layout(&self.head(), answer, width.saturating_sub(1).max(1));
                let top = to_top(self.row);
                format!("{top}{}\r\n", tty::paint_at(&lines, lines.len() - 1, 0))
            }
            Err(_) => format!("{}{}", to_top(self.row), tty::ERASE),
        }
    }
}

/// Room kept for the answer after the question's last line (at most half the width); with
/// less, the answer starts a line of its own.
const MIN_ANSWER: usize = 16;

/// The question `head` (its words wrapped to `width` cells, none lost, so the answer hint and
/// default at its end stay visible) and then `value`: on the question's last line when there
/// is room, else on a line of its own; a value too long for its room keeps its end (where the
/// typing happens) after a `…`. The cursor goes at the end of the last line.
fn layout(head: &str, value: &str, width: usize) -> Vec<String> {
    let mut lines = text::wrap(head.trim_end(), width);
    let sep = if head.ends_with(' ') { 1 } else { 0 };
    let last = lines.len() - 1;
    let used = text::width(&lines[last]) + sep;
    let room = width.saturating_sub(used);
    if text::width(value) <= room || room >= MIN_ANSWER.min(width / 2) {
        if sep == 1 {
            lines[last].push(' ');
        }
        lines[last].push_str(&fit_end(value, room));
    } else {
        lines.push(fit_end(value, width));
    }
    lines
}

/// `value` in `room` cells: whole, or its end after a `…`.
fn fit_end(value: &str, room: usize) -> String {
    if text::width(value) <= room {
        return value.to_string();
    }
    if room < 2 {
        return String::new();
    }
    let mut tail = value;
    while text::width(tail) > room - 1 {
        let mut chars = tail.chars();
        chars.next();
        tail = chars.as_str();
    }
    format!("…{tail}")
}

/// At most `height - 1` of `lines` (never taller than the terminal, or the redraw would not
/// land in place), dropping the question's first lines before the cursor's; `row` moved along.
fn fit_height(mut lines: Vec<String>, row: usize, height: usize) -> (Vec<String>, usize) {
    let most = height.saturating_sub(1).max(1);
    let extra = lines.len().saturating_sub(most);
    let from_head = extra.min(row);
    lines.drain(..from_head);
    lines.truncate(most);
    (lines, row - from_head)
}

/// Up from line `row` of the last frame (where its cursor was left) to its first line, where
/// the next frame starts.
fn to_top(row: usize) -> String {
    if row == 0 {
        String::new()
    } else {
        format!("\x1b[{row}A")
    }
}

/// `text` as the terminal shows it: labels and defaults may come from files.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    text::printable(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts anything that starts with `https://`.
    fn https(answer: &str) -> Result<(), String> {
        if answer.starts_with("https://") {
            Ok(())
        } else {
            Err(format!("{answer:?} is not an https:// URL"))
        }
    }

    fn typed<F: Fn(&str) -> Result<(), String>>(p: &mut TextPrompt<F>, text: &str) {
        for c in text.chars() {
            assert!(p.on_key(Key::Char(c), 24).is_none());
        }
    }

    #[test]
    fn text_prompt_shows_the_default_and_takes_it_on_enter() {
        let mut p = TextPrompt::new("SSO start URL", Some("https://a.example/start"), https);
        assert_eq!(
            p.draw(80, 24),
            "\rSSO start URL [https://a.example/start]: \x1b[K\x1b[J\r\x1b[41C"
        );
        let done = p.on_key(Key::Enter, 24).unwrap().unwrap();
        assert_eq!(done, "https://a.example/start");
        assert_eq!(
            p.last_frame(&Ok(done), 80),
            "\rSSO start URL [https://a.example/start]: https://a.example/start\x1b[K\x1b[J\r\r\n"
        );
    }

    #[test]
    fn a_refused_answer_says_why_until_the_next_edit() {
        let mut p = TextPrompt::new("URL", None, https);
        typed(&mut p, "  http://x ");
        assert!(p.on_key(Key::Enter, 24).is_none());
        assert_eq!(
            p.draw(80, 24),
            "\rURL:   http://x \x1b[K\r\n\"http://x\" is not an https:// URL\x1b[K\x1b[J\x1b[1A\r\x1b[16C"
        );
        p.on_key(Key::Char('\x15'), 24);
        assert_eq!(p.draw(80, 24), "\rURL: \x1b[K\x1b[J\r\x1b[5C");
        typed(&mut p, " https://x/ ");
        assert_eq!(p.on_key(Key::Enter, 24).unwrap().unwrap(), "https://x/");
    }

    #[test]
    fn editing_keys_and_cancel() {
        let mut p = TextPrompt::new("Name", Some("dev"), |_: &str| Ok(()));
        typed(&mut p, "blog admin");
        p.on_key(Key::Char('\x17'), 24);
        assert_eq!(p.value, "blog ");
        p.on_key(Key::Backspace, 24);
        p.on_key(Key::Backspace, 24);
        assert_eq!(p.value, "blo");
        // Ctrl-D ends only an empty line; Esc, Ctrl-C and Ctrl-G always.
        assert!(p.on_key(Key::Char('\x04'), 24).is_none());
        for key in [Key::Escape, Key::CtrlC, Key::Char('\x07')] {
            let err = p.on_key(key, 24).unwrap().unwrap_err();
            assert!(err.is::<Cancelled>());
        }
        p.on_key(Key::Char('\x15'), 24);
        let err = p.on_key(Key::Char('\x04'), 24).unwrap().unwrap_err();
        assert!(err.is::<Cancelled>());
        assert_eq!(p.last_frame(&Err(err), 80), "\r\x1b[J");
    }

    #[test]
    fn a_long_answer_shows_its_end_within_the_width() {
        let mut p = TextPrompt::new("URL", None, https);
        typed(&mut p, "https://my-sso-portal.awsapps.com/start");
        let frame = p.draw(20, 8);
        assert_eq!(frame, "\rURL: …pps.com/start\x1b[K\x1b[J\r\x1b[19C");
        let frame = p.draw(30, 8);
        assert_eq!(
            frame,
            "\rURL: …ortal.awsapps.com/start\x1b[K\x1b[J\r\x1b[29C"
        );
    }

    #[test]
    fn a_long_question_wraps_and_keeps_its_hint_and_the_answer() {
        let mut p = TextPrompt::new("SSO start URL", Some("https://d.example/start"), https);
        typed(&mut p, "https://my-sso-portal.awsapps.com/start/more");
        assert_eq!(
            p.draw(30, 8),
            "\rSSO start URL\x1b[K\r\n[https://d.example/start]:\x1b[K\r\n\
             …ortal.awsapps.com/start/more\x1b[K\x1b[J\r\x1b[29C"
        );
        let answer = p.on_key(Key::Enter, 8).unwrap();
        assert_eq!(
            p.last_frame(&answer, 30),
            "\x1b[2A\rSSO start URL\x1b[K\r\n[https://d.example/start]:\x1b[K\r\n\
             …ortal.awsapps.com/start/more\x1b[K\x1b[J\r\r\n"
        );
        let mut c = Confirm {
            question: "Write the profiles to ~/.aws/config now?",
            default: false,
            row: 0,
        };
        assert_eq!(
            c.draw(30, 8),
            "\rWrite the profiles to\x1b[K\r\n~/.aws/config now? [y/N] \x1b[K\x1b[J\r\x1b[25C"
        );
        assert_eq!(
            c.last_frame(&Ok(true), 30),
            "\x1b[1A\rWrite the profiles to\x1b[K\r\n~/.aws/config now? [y/N] yes\x1b[K\x1b[J\r\r\n"
        );
        // Never taller than the terminal: the question's first lines go first.
        assert_eq!(
            c.draw(12, 3),
            "\x1b[1A\rig now?\x1b[K\r\n[y/N] \x1b[K\x1b[J\r\x1b[6C"
        );
    }

    #[test]
    fn a_long_error_wraps_under_the_answer() {
        let mut p = TextPrompt::new("URL", None, |_: &str| {
            Err("\"\" is not a URL; e.g. https://my-org.awsapps.com/start, or just my-org".into())
        });
        assert!(p.on_key(Key::Enter, 24).is_none());
        assert_eq!(
            p.draw(40, 24),
            "\rURL: \x1b[K\r\n\"\" is not a URL; e.g.\x1b[K\r\n\
             https://my-org.awsapps.com/start, or\x1b[K\r\njust my-org\x1b[K\x1b[J\x1b[3A\r\x1b[5C"
        );
    }

    #[test]
    fn confirm_takes_y_n_or_the_default() {
        let mut c = Confirm {
            question: "Write ~/.aws/config?",
            default: true,
            row: 0,
        };
        assert_eq!(
            c.draw(80, 24),
            "\rWrite ~/.aws/config? [Y/n] \x1b[K\x1b[J\r\x1b[27C"
        );
        assert!(c.on_key(Key::Char('x'), 24).is_none());
        assert!(c.on_key(Key::Enter, 24).unwrap().unwrap());
        assert!(!c.on_key(Key::Char('N'), 24).unwrap().unwrap());
        assert!(c.on_key(Key::Char('y'), 24).unwrap().unwrap());
        let err = c.on_key(Key::Escape, 24).unwrap().unwrap_err();
        assert!(err.is::<Cancelled>());
        c.default = false;
        assert!(!c.on_key(Key::Enter, 24).unwrap().unwrap());
        assert_eq!(
            c.last_frame(&Ok(false), 80),
            "\rWrite ~/.aws/config? [y/N] no\x1b[K\x1b[J\r\r\n"
        );
    }

    #[test]
    fn control_characters_in_labels_are_shown_escaped() {
        let mut p = TextPrompt::new("a\x1b]0;x\x07", Some("\x1b[2J"), |_: &str| Ok(()));
        assert_eq!(
            p.draw(80, 24),
            "\ra\\e]0;x\\x07 [\\e[2J]: \x1b[K\x1b[J\r\x1b[21C"
        );
    }
}
