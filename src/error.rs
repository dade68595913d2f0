//! The errors that steer the exit code rather than explain a failure: cancelled (130), a given
//! exit code (a child's), and "no terminal to draw on". Every other error is an `anyhow` chain
//! printed as one line by `main`.

/// The user cancelled (Esc, Ctrl-C): exit 130, nothing more to say.
#[derive(Debug, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// Exit with this code; whatever needed saying was said already (e.g. a child's exit code).
#[derive(Debug, thiserror::Error)]
#[error("exit {0}")]
pub struct ExitWith(pub u8);

/// Neither stderr nor `/dev/tty` is a terminal: there is nowhere to draw a menu or a prompt.
#[derive(Debug, thiserror::Error)]
#[error("no terminal to draw on (stderr and /dev/tty are not terminals)")]
pub struct NoTerminal;

/// The exit code for a command's result: 0, 130 when cancelled, a child's code, else 1.
pub fn exit_code(result: &anyhow::Result<()>) -> u8 {
    match result {
        Ok(()) => 0,
        Err(e) if e.is::<Cancelled>() => 130,
        Err(e) => e
            .downcast_ref::<ExitWith>()
            .map_or(1, |ExitWith(code)| *code),
    }
}

/// Whether the error is only the exit-control kind, with nothing left to print.
pub fn is_silent(e: &anyhow::Error) -> bool {
    e.is::<Cancelled>() || e.is::<ExitWith>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(exit_code(&Ok(())), 0);
        assert_eq!(exit_code(&Err(Cancelled.into())), 130);
        assert_eq!(exit_code(&Err(ExitWith(7).into())), 7);
        assert_eq!(exit_code(&Err(anyhow::anyhow!("x"))), 1);
        assert!(is_silent(&Cancelled.into()));
        assert!(!is_silent(&anyhow::anyhow!("x")));
    }
}
