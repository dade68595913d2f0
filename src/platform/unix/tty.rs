//! The terminal on Unix: stdin or `/dev/tty` as the input, termios raw mode (rustix), `poll` on
//! the input and a SIGWINCH wake-up pipe.

use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use console::Term;

fn dev_tty() -> Option<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()
        .filter(|f| f.is_terminal())
}

/// The controlling terminal to draw on when stderr is not a terminal.
pub fn open_term() -> Option<Term> {
    let out = dev_tty()?;
    let read = out.try_clone().ok()?;
    Some(Term::read_write_pair(read, out))
}

/// The terminal keys are read from (console reads stdin when it is a terminal, else
/// `/dev/tty`); raw mode is set on it.
pub enum Input {
    Stdin(io::Stdin),
    File(File),
}

impl Input {
    /// Stdin when it is a terminal, else the controlling terminal; `None` when neither is.
    pub fn open() -> Option<Input> {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            Some(Input::Stdin(stdin))
        } else {
            dev_tty().map(Input::File)
        }
    }

    fn fd(&self) -> BorrowedFd<'_> {
        match self {
            Input::Stdin(s) => s.as_fd(),
            Input::File(f) => f.as_fd(),
        }
    }

    /// Raw mode (no echo, no line buffering, Ctrl-C as a key) until the guard is dropped.
    /// Output processing is left on.
    pub fn raw(&self) -> Result<RawMode<'_>> {
        let fd = self.fd();
        let original = rustix::termios::tcgetattr(fd).context("cannot read the terminal mode")?;
        let mut raw = original.clone();
        raw.make_raw();
        raw.output_modes = original.output_modes;
        rustix::termios::tcsetattr(fd, rustix::termios::OptionalActions::Now, &raw)
            .context("cannot put the terminal in raw mode")?;
        Ok(RawMode {
            input: self,
            original,
        })
    }

    /// Wait up to `timeout_ms` (-1: for ever) until the input or `resizes` is readable (or hung
    /// up, so that the read reports it). A signal only ends the wait early: `(false, false)`.
    pub fn wait(&self, resizes: Option<&Resizes>, timeout_ms: i32) -> io::Result<(bool, bool)> {
        poll(self.fd(), resizes.map(|r| r.reader.as_fd()), timeout_ms)
    }
}

/// The terminal's mode before raw mode, put back on drop.
pub struct RawMode<'a> {
    input: &'a Input,
    original: rustix::termios::Termios,
}

impl Drop for RawMode<'_> {
    fn drop(&mut self) {
        let _ = rustix::termios::tcsetattr(
            self.input.fd(),
            rustix::termios::OptionalActions::Now,
            &self.original,
        );
    }
}

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
pub struct Resizes {
    reader: &'static io::PipeReader,
    previous: libc::sigaction,
}

impl Resizes {
    /// `None` when the handler could not be installed: then resizes show at the next key.
    pub fn watch() -> Option<Resizes> {
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

    /// Take the handler's byte (only after a wait found it readable, so it never blocks).
    pub fn take(&self) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
