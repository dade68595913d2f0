//! The console on Windows (Windows Terminal, conhost): stdin or `CONIN$` as the input, console
//! modes for raw input (no echo, no line editing, Ctrl-C as a key) and virtual-terminal
//! sequences on stderr (the picker's redraws), both put back on drop. Resizes show at the next
//! key: `console` reads key events only.

use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal};
use std::os::windows::io::AsRawHandle;

use anyhow::{Context, Result};
use console::Term;
use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::System::Console::{
    GetConsoleMode, GetStdHandle, SetConsoleMode, CONSOLE_MODE, ENABLE_ECHO_INPUT,
    ENABLE_LINE_INPUT, ENABLE_PROCESSED_INPUT, ENABLE_VIRTUAL_TERMINAL_PROCESSING,
    STD_ERROR_HANDLE,
};

/// Drawing needs stderr to be the console: `console` cannot draw on `CONOUT$` by itself.
pub fn open_term() -> Option<Term> {
    None
}

/// The console keys are read from: stdin when it is one, else `CONIN$`.
pub enum Input {
    Stdin(io::Stdin),
    File(File),
}

impl Input {
    pub fn open() -> Option<Input> {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            return Some(Input::Stdin(stdin));
        }
        OpenOptions::new()
            .read(true)
            .write(true)
            .open("CONIN$")
            .ok()
            .filter(|f| f.is_terminal())
            .map(Input::File)
    }

    fn handle(&self) -> HANDLE {
        match self {
            Input::Stdin(s) => s.as_raw_handle(),
            Input::File(f) => f.as_raw_handle(),
        }
    }

    /// Raw input and virtual-terminal output until the guard is dropped.
    pub fn raw(&self) -> Result<RawMode<'_>> {
        let input = self.handle();
        let original = mode_of(input).context("cannot read the console mode")?;
        set_mode(
            input,
            original & !(ENABLE_ECHO_INPUT | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT),
        )
        .context("cannot put the console in raw mode")?;
        // SAFETY: GetStdHandle only returns the process's handle.
        let output = unsafe { GetStdHandle(STD_ERROR_HANDLE) };
        let output_original = mode_of(output).ok();
        if let Some(m) = output_original {
            // Older consoles without VT support refuse it: the escapes then show as text.
            let _ = set_mode(output, m | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
        }
        Ok(RawMode {
            input: self,
            original,
            output: output_original.map(|m| (output, m)),
        })
    }

    /// `console` waits for the next key itself: the input is always "ready", no resize wakes.
    pub fn wait(&self, _resizes: Option<&Resizes>, _timeout_ms: i32) -> io::Result<(bool, bool)> {
        Ok((true, false))
    }
}

fn mode_of(handle: HANDLE) -> io::Result<CONSOLE_MODE> {
    let mut mode: CONSOLE_MODE = 0;
    // SAFETY: reads the mode of a console handle into a local.
    if unsafe { GetConsoleMode(handle, &mut mode) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(mode)
}

fn set_mode(handle: HANDLE, mode: CONSOLE_MODE) -> io::Result<()> {
    // SAFETY: sets the mode of a console handle.
    if unsafe { SetConsoleMode(handle, mode) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The console modes before raw mode, put back on drop.
pub struct RawMode<'a> {
    input: &'a Input,
    original: CONSOLE_MODE,
    output: Option<(HANDLE, CONSOLE_MODE)>,
}

impl Drop for RawMode<'_> {
    fn drop(&mut self) {
        let _ = set_mode(self.input.handle(), self.original);
        if let Some((handle, mode)) = self.output {
            let _ = set_mode(handle, mode);
        }
    }
}

/// No resize wake-ups on Windows.
pub struct Resizes;

impl Resizes {
    pub fn watch() -> Option<Resizes> {
        None
    }

    pub fn take(&self) {}
}
