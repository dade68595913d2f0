//! The stop of `ssox serve` on Unix: SIGINT, SIGTERM and SIGHUP (each unless already ignored,
//! as under `nohup`) are blocked in every thread and taken by one thread with `sigwait`; no
//! signal handler runs, so nothing that is unsafe in one can happen. The accept loop waits with
//! `poll` on the listener and a socket pair's end.

use std::io;
use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

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

/// Wait until `listener` has a connection (true) or `wake` is readable (false).
pub fn wait_readable(listener: &TcpListener, wake: Option<&WakeSocket>) -> io::Result<bool> {
    let mut fds = [
        libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            // A negative descriptor is skipped by poll.
            fd: wake.map_or(-1, AsRawFd::as_raw_fd),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    loop {
        // SAFETY: `fds` is a valid array of two pollfd for the duration of the call.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
        if n >= 0 {
            return Ok(fds[1].revents == 0);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}
