//! A command in a real pseudo-terminal of a given size with what it writes replayed through a
//! terminal emulator (vt100): the screen a user sees, every row of it.

use std::thread::sleep;
use std::time::{Duration, Instant};

use expectrl::{Session, WaitStatus};

use super::pty::spawn_in_pty;
use super::Sandbox;

/// `ssox ARGS > out` in a pseudo-terminal of `cols` x `rows`, and an emulator of that terminal.
pub struct Screen {
    session: Session,
    term: vt100::Parser,
}

impl Screen {
    pub fn spawn(sb: &Sandbox, args: &str, cols: u16, rows: u16) -> Screen {
        Screen::script(sb, &format!("ssox {args} > out"), &[], cols, rows)
    }

    /// `sh -c SCRIPT` with `env` (see `spawn_in_pty`) in a pseudo-terminal of `cols` x `rows`.
    pub fn script(
        sb: &Sandbox,
        script: &str,
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Screen {
        Screen {
            session: spawn_in_pty(sb, script, env, cols, rows),
            term: vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0),
        }
    }

    /// Feed the emulator everything written so far; false at the end of the output.
    pub fn pump(&mut self) -> bool {
        let mut buf = [0u8; 4096];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return false,
                Ok(n) => self.term.process(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return true,
                // EIO: the other side of the pty is closed.
                Err(_) => return false,
            }
        }
    }

    /// Every row of the screen, trailing blanks cut.
    pub fn rows(&self) -> Vec<String> {
        let screen = self.term.screen();
        let (_, cols) = screen.size();
        screen
            .rows(0, cols.into())
            .map(|r| r.trim_end().to_string())
            .collect()
    }

    /// Wait until `done(rows)`, then until the screen has stayed the same for a moment.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&[String]) -> bool) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut rows = self.rows();
        while !done(&rows) {
            assert!(
                Instant::now() < deadline,
                "waiting for {what}; the screen:\n{}",
                rows.join("\n")
            );
            sleep(Duration::from_millis(10));
            self.pump();
            rows = self.rows();
        }
        loop {
            sleep(Duration::from_millis(100));
            self.pump();
            let now = self.rows();
            if now == rows {
                return now;
            }
            rows = now;
        }
    }

    /// Resize the pty (the kernel signals the menu) and the emulator with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.pump();
        self.session
            .get_process_mut()
            .set_window_size(cols, rows)
            .unwrap();
        self.term
            .set_size(rows.try_into().unwrap(), cols.try_into().unwrap());
    }

    pub fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
    }

    /// The exit code, once the output is read to its end.
    pub fn finish(mut self) -> (i32, Vec<String>) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.pump() {
            assert!(Instant::now() < deadline, "ssox did not exit");
            sleep(Duration::from_millis(10));
        }
        let rows = self.rows();
        match self.session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => (code, rows),
            other => panic!("ssox did not exit normally: {other:?}"),
        }
    }
}
