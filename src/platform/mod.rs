//! The only OS-specific code of ssox, behind one small interface with a `unix` and a `windows`
//! side: file modes, owners, links and identity, Linux read leases, FIFOs and non-blocking
//! opens, lock-file opens, the home directory, stdout's detachment, signals around a child
//! (`exec`), the stop signals and wake-up of `serve`, and the terminal (raw mode, resize wake-ups, the controlling terminal). Nothing
//! else in `src/` names `libc`, `rustix`, `windows-sys`, `std::os::unix` or `std::os::fd`. Knows
//! nothing about AWS, config or what is drawn.
//!
//! Atomic replace needs no code here: `tempfile`'s persist is `rename(2)` on Unix and
//! `MoveFileExW(MOVEFILE_REPLACE_EXISTING)` on Windows. Locks are std's `File::lock` (`flock`,
//! `LockFileEx`), which the OS releases when the process dies.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as os;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as os;

pub use os::{
    current_uid, detach_stdout, home_dir, identity, is_executable, lease_held, lease_take, links,
    lock_file_options, mode, open_nonblocking, own_process_group, owner, private_dir, same_file,
    set_mode, set_owner, special_kind, DEFAULT_SHELL,
};

/// Signals around a child that runs in ssox's place (`ssox exec`).
pub mod child {
    pub use super::os::child::{catch_signals, die_of, ended, killed_by, pending, started};
}

/// How `ssox serve` is told to stop, and how its accept loop wakes up for it.
pub mod stop {
    pub use super::os::stop::{on_stop_signals, wait_readable, wake_pair, Pollable, WakeSocket};
}

/// The terminal menus and prompts read keys from.
pub mod tty {
    pub use super::os::tty::{open_term, Input, RawMode, Resizes};
}

/// Helpers for tests that need what only some systems have (FIFOs, symlinks, modes).
#[cfg(test)]
pub mod testing {
    pub use super::os::testing::*;
}
