//! Running a child process in ssox's place (`ssox exec`): spawn it, wait, and exit as it did.
//! The signals around it (Ctrl-C outlived, SIGTERM/SIGHUP forwarded on Unix; Ctrl-C and
//! Ctrl-Break left to the child on Windows) are `platform::child`'s. Knows nothing about AWS.

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::process::{Command, ExitStatus};

use anyhow::{Context, Result};

use crate::platform::child as signals;
use crate::ExitWith;

/// Run `cmd` (whose program is `program`) and end as it did: `Ok` for exit 0, else
/// [`ExitWith`] its code (127 not found, 126 not executable), or die of the signal that killed it.
pub fn run(cmd: &mut Command, program: &OsStr) -> Result<()> {
    let status = run_child(cmd, program)?;
    exit_like(status)
}

fn run_child(cmd: &mut Command, program: &OsStr) -> Result<ExitStatus> {
    signals::catch_signals();
    let shown = program.to_string_lossy();
    let spawned = cmd.spawn();
    if spawned.is_err() {
        if let Some(sig) = signals::pending() {
            return Err(ExitWith(signals::die_of(sig)).into());
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
    signals::started(child.id());
    let status = child.wait().with_context(|| format!("waiting for {shown}"));
    signals::ended();
    status
}

/// Exit as the child did: its code, or die of the same signal (so a shell sees Ctrl-C as such),
/// falling back to 128 + signal. A Windows exit code does not fit in a byte when it is an
/// NTSTATUS (0xC000013A after Ctrl-C): ssox exits with that code as it is.
fn exit_like(status: ExitStatus) -> Result<()> {
    if let Some(code) = status.code() {
        return match (code, u8::try_from(code)) {
            (0, _) => Ok(()),
            (_, Ok(byte)) => Err(ExitWith(byte).into()),
            (_, Err(_)) if cfg!(windows) => std::process::exit(code),
            (_, Err(_)) => Err(ExitWith(u8::try_from(code & 0xff).unwrap_or(1)).into()),
        };
    }
    Err(ExitWith(signals::killed_by(&status).map_or(1, signals::die_of)).into())
}
