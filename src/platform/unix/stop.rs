//! The stop of `ssox serve` on Unix: SIGINT, SIGTERM and SIGHUP (each unless already ignored,
//! as under `nohup`) are blocked in every thread and taken by one thread with `sigwait`; no
//! signal handler runs, so nothing that is unsafe in one can happen. The reception waits with
//! `poll` on the listener, a socket pair's end and its clients.

use std::io;
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, Timespec};

/// The socket the accept loop also waits on; written to when a stop was requested.
pub type WakeSocket = UnixStream;

/// A connected pair: (the end to wait on, the end to write to).
pub fn wake_pair() -> io::Result<(WakeSocket, WakeSocket)> {
    UnixStream::pair()
}

/// Block the stop signals in this thread (and so in every thread it starts later) and call
/// `on_stop` on a thread of its own when the first arrives. Must run before any other thread
/// starts. When every one of them is ignored, `on_stop` is never called (only SIGKILL stops the
/// server, as the caller wanted).
pub fn on_stop_signals(on_stop: impl FnOnce() + Send + 'static) -> io::Result<()> {
    let Some(set) = block([libc::SIGINT, libc::SIGTERM, libc::SIGHUP]) else {
        return Ok(());
    };
    std::thread::Builder::new()
        .name("ssox-signals".into())
        .spawn(move || {
            let mut sig: libc::c_int = 0;
            // SAFETY: `set` is an initialised signal set, blocked in every thread.
            if unsafe { libc::sigwait(&set, &mut sig) } == 0 {
                on_stop();
            }
        })
        .map(drop)
}

/// Block those of `signals` that are not ignored; the set blocked, `None` when it is empty.
fn block(signals: [libc::c_int; 3]) -> Option<libc::sigset_t> {
    // SAFETY: sigaction only reads the current action; the set is initialised by sigemptyset
    // before use; pthread_sigmask changes this thread's mask only.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        let mut any = false;
        for sig in signals {
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, std::ptr::null(), &mut old) == 0
                && old.sa_sigaction == libc::SIG_IGN
            {
                continue;
            }
            libc::sigaddset(&mut set, sig);
            any = true;
        }
        if !any || libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return None;
        }
        Some(set)
    }
}

/// A socket the reception waits on.
pub trait Pollable {
    fn fd(&self) -> BorrowedFd<'_>;
}

impl Pollable for TcpListener {
    fn fd(&self) -> BorrowedFd<'_> {
        self.as_fd()
    }
}

impl Pollable for TcpStream {
    fn fd(&self) -> BorrowedFd<'_> {
        self.as_fd()
    }
}

impl Pollable for UnixStream {
    fn fd(&self) -> BorrowedFd<'_> {
        self.as_fd()
    }
}

/// Wait until one of `sockets` is readable (or hung up), or `timeout` passed (`None`: no end);
/// which are, in order. A signal does not end the wait.
pub fn wait_readable(
    sockets: &[&dyn Pollable],
    timeout: Option<Duration>,
) -> io::Result<Vec<bool>> {
    let mut fds: Vec<PollFd> = sockets
        .iter()
        .map(|s| PollFd::from_borrowed_fd(s.fd(), PollFlags::IN))
        .collect();
    let timeout = timeout.and_then(|t| Timespec::try_from(t).ok());
    loop {
        match rustix::event::poll(&mut fds, timeout.as_ref()) {
            Ok(_) => break,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(fds.iter().map(|f| !f.revents().is_empty()).collect())
}
