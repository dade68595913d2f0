//! A shell script in its own pseudo-terminal of a given size, and what the terminal showed:
//! for menus and for output that behaves differently on a terminal.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use expectrl::{Eof, Session, WaitStatus};

use super::{scrub, ssox_bin, Sandbox};

pub struct Pty {
    session: Session,
    pub screen: String,
}

/// `sh -c SCRIPT` in a new pseudo-terminal of `cols` x `rows`, in HOME, `ssox` first on PATH,
/// TERM=xterm, scrubbed env plus `env`. The pty does not echo input.
pub fn spawn_in_pty(
    sb: &Sandbox,
    script: &str,
    env: &[(&str, &str)],
    cols: u16,
    rows: u16,
) -> Session {
    let mut c = Command::new("sh");
    scrub(&mut c, &sb.home);
    let bin_dir = Path::new(ssox_bin()).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    c.env("PATH", path)
        .env("TERM", "xterm")
        .current_dir(&sb.home)
        .arg("-c")
        // The spawner sets 80x24 after forking: start only once ours is set (below).
        .arg(format!("read -r _ && {script}"));
    for (k, v) in env {
        c.env(k, v);
    }
    let mut session = Session::spawn(c).unwrap();
    session
        .get_process_mut()
        .set_window_size(cols, rows)
        .unwrap();
    session.send("\n").unwrap();
    session
}

impl Pty {
    /// [`spawn_in_pty`], keeping what the terminal shows.
    pub fn spawn(sb: &Sandbox, script: &str, env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let mut session = spawn_in_pty(sb, script, env, cols, rows);
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        Pty {
            session,
            screen: String::new(),
        }
    }

    /// Wait until the terminal shows `text`.
    pub fn wait_for(&mut self, text: &str) {
        let seen = self
            .session
            .expect(text)
            .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}\n{}", self.screen));
        self.screen
            .push_str(&String::from_utf8_lossy(seen.as_bytes()));
    }

    pub fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
    }

    /// Read the terminal to the end: the exit code and everything the terminal showed.
    pub fn finish(mut self) -> (i32, String) {
        let rest = self.session.expect(Eof).unwrap();
        self.screen
            .push_str(&String::from_utf8_lossy(rest.as_bytes()));
        match self.session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => (code, self.screen),
            other => panic!(
                "the script did not exit normally: {other:?}\n{}",
                self.screen
            ),
        }
    }
}
