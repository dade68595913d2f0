//! The terminal that menus and prompts draw on: stderr when it is a terminal, else `/dev/tty`
//! (never stdout, which belongs to the shell). Owns raw mode, the terminal's size, input as
//! events (keys, decoded by `console`; resizes, from SIGWINCH) and the escape codes that redraw
//! a block of lines in place. Knows nothing about what is drawn.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use console::{Key, Term};

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

enum Input {
    Stdin(io::Stdin),
    File(File),
}

impl Tty {
    /// The terminal, or `None` when there is none to draw on or read from.
    pub fn open() -> Option<Tty> {
        let dev_tty = || {
            OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .ok()
                .filter(|f| f.is_terminal())
        };
        let stdin = io::stdin();
        let input = if stdin.is_terminal() {
            Input::Stdin(stdin)
        } else {
            Input::File(dev_tty()?)
        };
        let term = if io::stderr().is_terminal() {
            Term::stderr()
        } else {
            let out = dev_tty()?;
            let read = out.try_clone().ok()?;
            Term::read_write_pair(read, out)
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
        let fd = self.input_fd();
        let original = rustix::termios::tcgetattr(fd).context("cannot read the terminal mode")?;
        let mut raw = original.clone();
        raw.make_raw();
        raw.output_modes = original.output_modes;
        rustix::termios::tcsetattr(fd, rustix::termios::OptionalActions::Now, &raw)
            .context("cannot put the terminal in raw mode")?;
        Ok(Raw {
            tty: self,
            original,
            resizes: Resizes::watch(),
        })
    }

    fn input_fd(&self) -> BorrowedFd<'_> {
        match &self.input {
            Input::Stdin(s) => s.as_fd(),
            Input::File(f) => f.as_fd(),
        }
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
    original: rustix::termios::Termios,
    /// `None` when the handler could not be installed: then resizes show at the next key.
    resizes: Option<Resizes>,
}

impl Raw<'_> {
    /// Wait for the next key or resize.
    fn next(&self) -> Result<Event> {
        loop {
            let wake = self.resizes.as_ref().map(|r| r.reader.as_fd());
            let (input, resized) =
                poll(self.tty.input_fd(), wake, -1).context("cannot wait for the terminal")?;
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
        let _ = rustix::termios::tcsetattr(
            self.tty.input_fd(),
            rustix::termios::OptionalActions::Now,
            &self.original,
        );
    }
}

/// Wait up to `timeout_ms` (-1: for ever) until `input` or `wake` is readable (or hung up, so
/// that the read reports it). A signal only ends the wait early: `(false, false)`.
fn poll(input: BorrowedFd, wake: Option<BorrowedFd>, timeout_ms: i32) -> io::Result<(bool, bool)> {
    let entry = |fd: i32| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // A negative fd is skipped by poll.
    let mut fds = [
        entry(input.as_raw_fd()),
        entry(wake.map_or(-1, |w| w.as_raw_fd())),
    ];
    // SAFETY: poll reads and writes only the two pollfd entries of `fds`, whose length it is given.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, timeout_ms) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted {
            Ok((false, false))
        } else {
            Err(e)
        };
    }
    let ready = |p: &libc::pollfd| p.revents != 0;
    Ok((ready(&fds[0]), ready(&fds[1])))
}

/// The SIGWINCH handler's wake-up pipe, made once and never closed, so the handler can never
/// write into a descriptor that has been reused for something else.
static PIPE: OnceLock<Option<(io::PipeReader, io::PipeWriter)>> = OnceLock::new();
/// The pipe's write end, for the handler; -1 before the pipe exists.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
/// Set by the handler when it writes its byte and cleared by the reader before it reads it: at
/// most one byte is ever in the pipe, so the handler's write never blocks, never fails and so
/// never changes `errno` under the interrupted code.
static PENDING: AtomicBool = AtomicBool::new(false);

extern "C" fn on_resize(_: libc::c_int) {
    let fd = WAKE_FD.load(Ordering::SeqCst);
    if fd >= 0 && !PENDING.swap(true, Ordering::SeqCst) {
        let byte = [1u8];
        // SAFETY: write is async-signal-safe; one byte into a pipe that holds no other.
        unsafe {
            libc::write(fd, byte.as_ptr().cast(), 1);
        }
    }
}

/// SIGWINCH caught for as long as a menu or prompt is up; the previous action is restored on
/// drop.
struct Resizes {
    reader: &'static io::PipeReader,
    previous: libc::sigaction,
}

impl Resizes {
    fn watch() -> Option<Resizes> {
        let (reader, writer) = PIPE.get_or_init(|| io::pipe().ok()).as_ref()?;
        WAKE_FD.store(writer.as_raw_fd(), Ordering::SeqCst);
        // SAFETY: sigaction with zeroed structs, an empty mask and a handler that only uses
        // atomics and write(2); SA_RESTART keeps terminal writes going through a resize.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            let handler: extern "C" fn(libc::c_int) = on_resize;
            action.sa_sigaction = handler as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGWINCH, &action, &mut previous) != 0 {
                return None;
            }
            Some(Resizes { reader, previous })
        }
    }

    /// Take the handler's byte (only after `poll` found the pipe readable, so it never blocks).
    fn take(&self) {
        PENDING.store(false, Ordering::SeqCst);
        let mut byte = [0u8];
        let _ = (&mut &*self.reader).read(&mut byte);
    }
}

impl Drop for Resizes {
    fn drop(&mut self) {
        // SAFETY: puts back the action read when the handler was installed.
        unsafe {
            libc::sigaction(libc::SIGWINCH, &self.previous, std::ptr::null_mut());
        }
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

    #[test]
    fn a_resize_signal_wakes_the_wait_once() {
        let resizes = Resizes::watch().unwrap();
        // A pipe nobody writes to stands for a terminal where no key is typed.
        let (idle, _writer) = io::pipe().unwrap();
        let wake = || poll(idle.as_fd(), Some(resizes.reader.as_fd()), 0).unwrap();
        assert_eq!(wake(), (false, false));
        // SAFETY: raising a signal whose handler is installed above.
        unsafe {
            libc::raise(libc::SIGWINCH);
            libc::raise(libc::SIGWINCH);
        }
        assert_eq!(wake(), (false, true));
        resizes.take();
        assert_eq!(wake(), (false, false), "two signals, one wake-up");
    }
}
