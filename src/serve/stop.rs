//! How `ssox serve` learns that it should stop: SIGINT, SIGTERM and SIGHUP (each unless already
//! ignored, as under `nohup`) are blocked in every thread and taken by one thread with
//! `sigwait`, which sets a flag and wakes the reception through a socket pair. No signal handler
//! runs, so nothing that is unsafe in one can happen. Must be set up before any other thread
//! starts: threads inherit the blocked set.

use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};

/// The stop request of a server.
pub struct Stop {
    /// Readable once a stop signal arrived.
    wake: UnixStream,
    requested: Arc<AtomicBool>,
}

impl Stop {
    /// Block the stop signals in this thread (and so in every thread it starts later) and wait
    /// for them on a thread of their own.
    pub fn on_signals() -> Result<Stop> {
        let (wake, tell) = UnixStream::pair().context("cannot create a socket pair")?;
        let requested = Arc::new(AtomicBool::new(false));
        let Some(set) = block([libc::SIGINT, libc::SIGTERM, libc::SIGHUP]) else {
            // Every one of them is ignored: only SIGKILL stops the server, as the caller wanted.
            return Ok(Stop { wake, requested });
        };
        let flag = requested.clone();
        std::thread::Builder::new()
            .name("ssox-signals".into())
            .spawn(move || {
                let mut sig: libc::c_int = 0;
                // SAFETY: `set` is an initialised signal set, blocked in every thread.
                if unsafe { libc::sigwait(&set, &mut sig) } == 0 {
                    flag.store(true, Ordering::SeqCst);
                    let _ = (&tell).write_all(&[1]);
                }
            })
            .context("cannot start the signal thread")?;
        Ok(Stop { wake, requested })
    }

    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }
}

/// The descriptor that becomes readable when a stop was requested.
impl AsFd for Stop {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.wake.as_fd()
    }
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
