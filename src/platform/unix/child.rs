//! Signals around a child that runs in ssox's place. Ctrl-C: the terminal signals the whole
//! foreground process group, so ssox only has to outlive the child (SIGINT/SIGQUIT caught and
//! dropped); SIGTERM/SIGHUP sent to ssox alone are forwarded to the child.

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicI32, Ordering};

/// The child's pid while it runs (0 before), for the forwarding handler.
static CHILD: AtomicI32 = AtomicI32::new(0);
/// A signal to forward that arrived while the child was being spawned (0: none).
static PENDING: AtomicI32 = AtomicI32::new(0);

/// SIGINT/SIGQUIT: the terminal already delivered it to the child; ssox waits for its verdict.
/// A handler (not SIG_IGN) so that exec resets it to the default in the child.
extern "C" fn ignore(_: libc::c_int) {}

/// SIGTERM/SIGHUP sent to ssox: pass it on to the child, or keep it until the child's pid is
/// known (the child may signal ssox before `spawn` has even returned).
extern "C" fn forward(sig: libc::c_int) {
    let pid = CHILD.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe {
            libc::kill(pid, sig);
        }
    } else {
        PENDING.store(sig, Ordering::SeqCst);
    }
}

/// Catch `sig` with `handler`, unless it is ignored already (`nohup`, a background job): then
/// it stays ignored, for ssox and, inherited through exec, for the child.
fn set_handler(sig: libc::c_int, handler: extern "C" fn(libc::c_int)) {
    // SAFETY: sigaction with zeroed structs, an empty mask and a handler that only calls
    // async-signal-safe functions; SA_RESTART keeps waitpid going.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(sig, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
        {
            return;
        }
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler as libc::sighandler_t;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

/// Before the spawn: outlive Ctrl-C, forward SIGTERM and SIGHUP.
pub fn catch_signals() {
    set_handler(libc::SIGINT, ignore);
    set_handler(libc::SIGQUIT, ignore);
    set_handler(libc::SIGTERM, forward);
    set_handler(libc::SIGHUP, forward);
}

/// A forwarded signal that arrived before the child existed (taken: asked once).
pub fn pending() -> Option<i32> {
    Some(PENDING.swap(0, Ordering::SeqCst)).filter(|&s| s != 0)
}

/// The child runs as `pid`: forward to it from now on, and what arrived meanwhile now.
pub fn started(pid: u32) {
    let pid = i32::try_from(pid).unwrap_or(0);
    CHILD.store(pid, Ordering::SeqCst);
    if let Some(sig) = pending() {
        if pid > 0 {
            // SAFETY: signalling our own child, which has not been reaped yet.
            unsafe {
                libc::kill(pid, sig);
            }
        }
    }
}

/// The child was reaped: nothing to forward to any more.
pub fn ended() {
    CHILD.store(0, Ordering::SeqCst);
}

/// The signal that killed the child, if one did.
pub fn killed_by(status: &ExitStatus) -> Option<i32> {
    status.signal()
}

/// Die of `sig` as if ssox had never caught it; the exit code (128 + sig) if that returns.
pub fn die_of(sig: i32) -> u8 {
    // SAFETY: restoring the default action and raising a signal on ourselves.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
    u8::try_from(128 + (sig & 0x7f)).unwrap_or(1)
}
