//! The console around a child that runs in ssox's place on Windows. Ctrl-C and Ctrl-Break go to
//! every process of the console, the child included: ssox's handler only keeps ssox alive until
//! the child has decided, and ssox then exits with the child's code. A handler, not "ignore
//! Ctrl-C", which the child would inherit. Nothing is forwarded: Windows has no SIGTERM.

use std::process::ExitStatus;

use windows_sys::core::BOOL;
use windows_sys::Win32::System::Console::{SetConsoleCtrlHandler, CTRL_BREAK_EVENT, CTRL_C_EVENT};

unsafe extern "system" fn outlive(event: u32) -> BOOL {
    BOOL::from(event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT)
}

/// Before the spawn: outlive Ctrl-C and Ctrl-Break.
pub fn catch_signals() {
    // SAFETY: registers a handler that only compares its argument.
    unsafe {
        SetConsoleCtrlHandler(Some(outlive), 1);
    }
}

/// Nothing is ever pending on Windows.
pub fn pending() -> Option<i32> {
    None
}

pub fn started(_pid: u32) {}

pub fn ended() {}

/// A Windows process always ends with a code.
pub fn killed_by(_status: &ExitStatus) -> Option<i32> {
    None
}

/// Not reached on Windows (no signals); the generic error code.
pub fn die_of(_sig: i32) -> u8 {
    1
}
