//! How `ssox serve` learns that it should stop: the stop signals (`platform::stop`: SIGINT,
//! SIGTERM and SIGHUP on Unix, Ctrl-C, Ctrl-Break and closing the console on Windows) set a
//! flag and wake the reception through a socket pair. Must be set up before any other thread
//! starts: on Unix, threads inherit the blocked signals.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::platform::stop::{self as os, WakeSocket};

/// The stop request of a server.
pub struct Stop {
    /// Readable once a stop signal arrived.
    wake: WakeSocket,
    requested: Arc<AtomicBool>,
}

impl Stop {
    /// Take the stop signals (in every thread this one starts later too) and wait for them on a
    /// thread of their own.
    pub fn on_signals() -> Result<Stop> {
        let (wake, tell) = os::wake_pair().context("cannot create a socket pair")?;
        let requested = Arc::new(AtomicBool::new(false));
        let flag = requested.clone();
        os::on_stop_signals(move || {
            flag.store(true, Ordering::SeqCst);
            let _ = (&tell).write_all(&[1]);
        })
        .context("cannot start the signal thread")?;
        Ok(Stop { wake, requested })
    }

    /// The socket that becomes readable when a stop was requested.
    pub fn wake(&self) -> &WakeSocket {
        &self.wake
    }

    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }
}
