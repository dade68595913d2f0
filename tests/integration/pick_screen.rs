//! `ssox pick` on a real pseudo-terminal of a given size, with what it writes replayed through a
//! terminal emulator (vt100), so the tests assert the screen a user sees: every row of it,
//! including the rows that must be empty. Covers 120x30, 40x8 and a resize while the menu is up
//! (the kernel sends SIGWINCH when the pty's size is set).

use std::thread::sleep;
use std::time::{Duration, Instant};

use expectrl::{Session, WaitStatus};

use crate::pick::exports;
use crate::support::pty::spawn_in_pty;
use crate::support::*;

/// Eight profiles of one sso-session: six accounts, three roles, three regions.
const CONFIG: &str = "\
[sso-session corp]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1

[profile blog_admin]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1

[profile blog_power]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = PowerUserAccess
region = us-east-1

[profile data_admin]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = AdministratorAccess
region = eu-west-1

[profile data_read]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = ReadOnlyAccess
region = eu-west-1

[profile infra_admin]
sso_session = corp
sso_account_id = 444444444444
sso_role_name = AdministratorAccess
region = ap-southeast-2

[profile ml_power]
sso_session = corp
sso_account_id = 555555555555
sso_role_name = PowerUserAccess
region = us-east-1

[profile search_read]
sso_session = corp
sso_account_id = 666666666666
sso_role_name = ReadOnlyAccess
region = eu-west-1

[profile shop_admin]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = AdministratorAccess
region = eu-west-1
";

/// The menu at 120x30: every column, all eight rows.
const WIDE: [&str; 10] = [
    "Profile>   8/8",
    "    PROFILE      ACCOUNT       ROLE                 SESSION  REGION          TOKEN",
    ">   blog_admin   111111111111  AdministratorAccess  corp     us-east-1       none",
    "    blog_power   111111111111  PowerUserAccess      corp     us-east-1       none",
    "    data_admin   333333333333  AdministratorAccess  corp     eu-west-1       none",
    "    data_read    333333333333  ReadOnlyAccess       corp     eu-west-1       none",
    "    infra_admin  444444444444  AdministratorAccess  corp     ap-southeast-2  none",
    "    ml_power     555555555555  PowerUserAccess      corp     us-east-1       none",
    "    search_read  666666666666  ReadOnlyAccess       corp     eu-west-1       none",
    "    shop_admin   222222222222  AdministratorAccess  corp     eu-west-1       none",
];

/// The menu at 40x8: name, account and token state (SESSION, then REGION, then ROLE gave
/// way), five rows, one line left free.
const NARROW: [&str; 7] = [
    "Profile>   8/8",
    "    PROFILE      ACCOUNT       TOKEN",
    ">   blog_admin   111111111111  none",
    "    blog_power   111111111111  none",
    "    data_admin   333333333333  none",
    "    data_read    333333333333  none",
    "    infra_admin  444444444444  none",
];

/// `ssox ARGS > out` in a pseudo-terminal of `cols` x `rows`, and an emulator of that terminal.
struct Screen {
    session: Session,
    term: vt100::Parser,
}

impl Screen {
    fn spawn(sb: &Sandbox, args: &str, cols: u16, rows: u16) -> Screen {
        let script = format!("ssox {args} > out");
        Screen {
            session: spawn_in_pty(sb, &script, &[], cols, rows),
            term: vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0),
        }
    }

    /// Feed the emulator everything written so far; false at the end of the output.
    fn pump(&mut self) -> bool {
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
    fn rows(&self) -> Vec<String> {
        let screen = self.term.screen();
        let (_, cols) = screen.size();
        screen
            .rows(0, cols.into())
            .map(|r| r.trim_end().to_string())
            .collect()
    }

    /// Wait until `done(rows)`, then until the screen has stayed the same for a moment.
    fn wait_for(&mut self, what: &str, done: impl Fn(&[String]) -> bool) -> Vec<String> {
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
    fn resize(&mut self, cols: u16, rows: u16) {
        self.pump();
        self.session
            .get_process_mut()
            .set_window_size(cols, rows)
            .unwrap();
        self.term
            .set_size(rows.try_into().unwrap(), cols.try_into().unwrap());
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
    }

    /// The exit code, once the output is read to its end.
    fn finish(mut self) -> (i32, Vec<String>) {
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

/// `menu` drawn from the screen's first row (the pty does not echo the start line), every
/// other row of a screen `height` rows high empty.
fn screen_of(menu: &[&str], height: usize) -> Vec<String> {
    let mut rows = vec![String::new(); height];
    for (row, line) in rows.iter_mut().zip(menu) {
        *row = line.to_string();
    }
    rows
}

#[test]
fn at_120x30_every_column_and_every_row_and_nothing_left_after_esc() {
    let sb = Sandbox::with_config(CONFIG);
    let mut s = Screen::spawn(&sb, "pick", 120, 30);
    let rows = s.wait_for("the menu", |r| r[0].starts_with("Profile>"));
    assert_eq!(rows, screen_of(&WIDE, 30));
    s.send("\x1b");
    let (code, rows) = s.finish();
    assert_eq!(code, 130);
    assert_eq!(rows, screen_of(&[], 30), "the menu is erased");
    assert_eq!(std::fs::read_to_string(sb.path("out")).unwrap(), "");
}

#[test]
fn at_40x8_the_name_and_token_state_stay_and_the_menu_fits() {
    let sb = Sandbox::with_config(CONFIG);
    let mut s = Screen::spawn(&sb, "pick --shell bash", 40, 8);
    let rows = s.wait_for("the menu", |r| r[0].starts_with("Profile>"));
    assert_eq!(rows, screen_of(&NARROW, 8));
    // Past the fifth row the list scrolls within the same lines.
    s.send("\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B");
    let rows = s.wait_for("the cursor on ml_power", |r| {
        r[6].starts_with(">   ml_power")
    });
    assert_eq!(
        rows,
        screen_of(
            &[
                "Profile>   8/8",
                "    PROFILE      ACCOUNT       TOKEN",
                "    blog_power   111111111111  none",
                "    data_admin   333333333333  none",
                "    data_read    333333333333  none",
                "    infra_admin  444444444444  none",
                ">   ml_power     555555555555  none",
            ],
            8
        )
    );
    s.send("\r");
    let (code, _) = s.finish();
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(sb.path("out")).unwrap(),
        exports("ml_power")
    );
}

#[test]
fn a_resize_redraws_at_once_with_no_stale_lines() {
    let sb = Sandbox::with_config(CONFIG);
    let mut s = Screen::spawn(&sb, "pick --shell bash", 120, 30);
    let rows = s.wait_for("the menu", |r| r[0].starts_with("Profile>"));
    assert_eq!(rows, screen_of(&WIDE, 30));
    // No key is pressed: the resize alone redraws.
    s.resize(40, 8);
    let rows = s.wait_for("the narrow menu", |r| r[1] == NARROW[1]);
    assert_eq!(rows, screen_of(&NARROW, 8));
    s.resize(120, 30);
    let rows = s.wait_for("the wide menu again", |r| r[1] == WIDE[1]);
    assert_eq!(rows, screen_of(&WIDE, 30));
    // Keys still work after the resizes.
    s.send("shop");
    s.wait_for("the query", |r| r[0].starts_with("Profile> shop"));
    s.send("\r");
    let (code, _) = s.finish();
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(sb.path("out")).unwrap(),
        exports("shop_admin")
    );
}
