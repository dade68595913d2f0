//! Running a child process in ssox's place (`ssox exec`): spawn it, wait, and exit as it did.
//! Ctrl-C: the terminal signals the whole foreground process group, so ssox only has to outlive
//! the child; SIGTERM/SIGHUP sent to ssox alone are forwarded. Knows nothing about AWS.

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicI32, Ordering};

use anyhow::{Context, Result};

use crate::ExitWith;

/// Run `cmd` (whose program is `program`) and end as it did: `Ok` for exit 0, else
/// [`ExitWith`] its code (127 not found, 126 not executable), or die of the signal that killed it.
pub fn run(cmd: &mut Command, program: &OsStr) -> Result<()> {
    let status = run_child(cmd, program)?;
    exit_like(status)
}

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

/// Die of `sig` as if ssox had never caught it; 128 + sig if that somehow returns.
fn die_of(sig: libc::c_int) -> anyhow::Error {
    // SAFETY: restoring the default action and raising a signal on ourselves.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
    ExitWith(u8::try_from(128 + (sig & 0x7f)).unwrap_or(1)).into()
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

fn run_child(cmd: &mut Command, program: &OsStr) -> Result<ExitStatus> {
    set_handler(libc::SIGINT, ignore);
    set_handler(libc::SIGQUIT, ignore);
    set_handler(libc::SIGTERM, forward);
    set_handler(libc::SIGHUP, forward);
    let shown = program.to_string_lossy();
    let spawned = cmd.spawn();
    if spawned.is_err() {
        let sig = PENDING.swap(0, Ordering::SeqCst);
        if sig != 0 {
            return Err(die_of(sig));
        }
    }
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            eprintln!("ssox: {shown}: command not found");
            return Err(ExitWith(127).into());
        }
        Err(e) if e.kind() == ErrorKind::PermissionDenied => {
            eprintln!("ssox: {shown}: permission denied");
            return Err(ExitWith(126).into());
        }
        Err(e) => return Err(e).with_context(|| format!("cannot run {shown}")),
    };
    let pid = i32::try_from(child.id()).unwrap_or(0);
    CHILD.store(pid, Ordering::SeqCst);
    let sig = PENDING.swap(0, Ordering::SeqCst);
    if sig != 0 && pid > 0 {
        // SAFETY: signalling our own child, which has not been reaped yet.
        unsafe {
            libc::kill(pid, sig);
        }
    }
    let status = child.wait().with_context(|| format!("waiting for {shown}"));
    CHILD.store(0, Ordering::SeqCst);
    status
}

/// Exit as the child did: its code, or die of the same signal (so a shell sees Ctrl-C as such),
/// falling back to 128 + signal.
fn exit_like(status: ExitStatus) -> Result<()> {
    if let Some(code) = status.code() {
        return match code {
            0 => Ok(()),
            c => Err(ExitWith(u8::try_from(c & 0xff).unwrap_or(1)).into()),
        };
    }
    use std::os::unix::process::ExitStatusExt;
    Err(die_of(status.signal().unwrap_or(libc::SIGTERM)))
}
