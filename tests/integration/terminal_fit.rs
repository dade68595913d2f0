//! Prompts, errors and tables that fit the terminal (issue 19 §4), on a real pty replayed through
//! a terminal emulator at 80 and 40 columns: a long question wraps with every word and its
//! `[y/N]` visible, a long refusal wraps under the answer, and the columns of `list`, `pick`
//! and the login menu line up by display width (CJK and emoji take two cells).

use crate::support::screen::Screen;
use crate::support::signed_in::Env;
use crate::support::*;

const SESSION: &str = "\
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
";

fn acct(id: &str, name: &str) -> (String, String, String, Vec<String>) {
    (
        id.into(),
        name.into(),
        String::new(),
        vec!["AdministratorAccess".into()],
    )
}

/// The rows from the one starting with `first` to the one ending with `last`, joined by spaces.
fn block(rows: &[String], first: &str, last: &str) -> (String, Vec<String>) {
    let start = rows
        .iter()
        .position(|r| r.starts_with(first))
        .unwrap_or_else(|| panic!("no row starts with {first:?}:\n{}", rows.join("\n")));
    let len = rows[start..]
        .iter()
        .position(|r| r.ends_with(last))
        .unwrap_or_else(|| panic!("no row ends with {last:?}:\n{}", rows.join("\n")));
    let lines = rows[start..=start + len].to_vec();
    (lines.join(" "), lines)
}

#[test]
fn the_prune_question_wraps_with_every_word_and_its_hint_at_120_80_and_40_columns() {
    let env = Env::new();
    env.sb.write(".aws/config", SESSION);
    let accounts = vec![
        acct("100000000001", "Payments Production Europe"),
        acct("100000000002", "Payments Staging Europe"),
        acct("100000000003", "Search Platform Sandbox"),
        acct("100000000004", "keep"),
    ];
    env.fake.script().accounts = accounts.clone();
    env.fake.script().page_size = 100;
    let mut c = env.cmd();
    no_terminal(&mut c);
    let o = c.arg("sync").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    env.fake.script().accounts = vec![accounts[3].clone()];
    let question = "Remove 3 generated profiles (Payments-Production-Europe_AdministratorAccess, \
                    Payments-Staging-Europe_AdministratorAccess, \
                    Search-Platform-Sandbox_AdministratorAccess) whose account or role is gone \
                    from ~/.aws/config? [y/N]";
    let vars: Vec<(&str, String)> = env.fake.env();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for cols in [120u16, 80, 40] {
        let mut s = Screen::script(&env.sb, "ssox sync --prune > out", &vars, cols, 24);
        let rows = s.wait_for("the question", |rows| {
            rows.iter().any(|r| r.ends_with("[y/N]"))
        });
        let (text, lines) = block(&rows, "Remove 3", "[y/N]");
        if cols >= 80 {
            assert_eq!(text, question, "{cols} columns:\n{}", lines.join("\n"));
        } else {
            // Names longer than the line are cut where the line ends: every character stays,
            // in order.
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            assert_eq!(squeeze(&text), squeeze(question), "{}", lines.join("\n"));
        }
        for l in &lines {
            assert!(
                l.chars().count() < usize::from(cols),
                "{cols} columns: {l:?} is too wide"
            );
        }
        assert!(lines.len() > 1, "{cols} columns: it wraps");
        s.send("n");
        let (code, rows) = s.finish();
        assert_eq!(code, 0, "{}", rows.join("\n"));
        // The answered question stays, answer and all.
        let (text, lines) = block(&rows, "Remove 3", "[y/N] no");
        if cols >= 80 {
            assert_eq!(text, format!("{question} no"));
        } else {
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            assert_eq!(squeeze(&text), squeeze(&format!("{question} no")));
            assert!(lines.iter().all(|l| l.chars().count() < 40), "{lines:?}");
        }
    }
}

#[test]
fn a_refused_start_url_says_why_in_full_at_80_and_40_columns() {
    let sb = Sandbox::new();
    for cols in [80u16, 40] {
        let mut s = Screen::script(&sb, "ssox configure > out", &[], cols, 24);
        s.wait_for("the start URL question", |rows| {
            rows.iter().any(|r| r.contains("start URL"))
        });
        s.send("ftp://x\r");
        let rows = s.wait_for("the refusal", |rows| {
            rows.iter().any(|r| r.ends_with("my-org"))
        });
        let (text, lines) = block(&rows, "\"ftp://x\"", "my-org");
        assert!(
            text.starts_with("\"ftp://x\" is not an https:// URL")
                && text.ends_with("e.g. https://my-org.awsapps.com/start, or just my-org"),
            "{cols} columns:\n{}",
            lines.join("\n")
        );
        assert!(!text.contains('…'), "{text}");
        for l in &lines {
            assert!(l.chars().count() < usize::from(cols), "{l:?} is too wide");
        }
        s.send("\x1b");
        let (code, rows) = s.finish();
        assert_eq!(code, 130, "{}", rows.join("\n"));
    }
}

const WIDE_NAMES: &str = "\
[sso-session corp]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1

[profile 東京]
sso_session = corp
sso_account_id = 100000000001
sso_role_name = Admin
sso_account_name = 東京 Prod

[profile edge]
sso_session = corp
sso_account_id = 100000000002
sso_role_name = Admin
sso_account_name = Edge 🚀

[profile prod]
sso_session = corp
sso_account_id = 100000000003
sso_role_name = Admin
sso_account_name = Prod
";

#[test]
fn list_aligns_columns_by_display_width() {
    let sb = Sandbox::with_config(WIDE_NAMES);
    let o = sb.run(&["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "  PROFILE  KIND  ACCOUNT                   ROLE   SESSION  REGION  TOKEN\n  \
         edge     sso   100000000002 (Edge 🚀)    Admin  corp     -       none\n  \
         prod     sso   100000000003 (Prod)       Admin  corp     -       none\n  \
         東京     sso   100000000001 (東京 Prod)  Admin  corp     -       none\n"
    );
}

#[test]
fn pick_aligns_columns_by_display_width_at_80_and_40_columns() {
    let sb = Sandbox::with_config(WIDE_NAMES);
    for (cols, want) in [
        (
            80u16,
            [
                "Profile>   3/3",
                "    PROFILE  ACCOUNT                   ROLE   SESSION  REGION  TOKEN",
                ">   edge     100000000002 (Edge 🚀)    Admin  corp             none",
                "    prod     100000000003 (Prod)       Admin  corp             none",
                "    東京     100000000001 (東京 Prod)  Admin  corp             none",
            ],
        ),
        (
            40,
            [
                "Profile>   3/3",
                "    PROFILE  TOKEN",
                ">   edge     none",
                "    prod     none",
                "    東京     none",
            ],
        ),
    ] {
        let mut s = Screen::spawn(&sb, "pick --shell bash", cols, 12);
        let rows = s.wait_for("the menu", |rows| rows.iter().any(|r| r.contains("東京")));
        assert_eq!(rows[..5], want, "{cols} columns:\n{}", rows.join("\n"));
        s.send("\x1b");
        let (code, _) = s.finish();
        assert_eq!(code, 130);
    }
}

const WIDE_SESSIONS: &str = "\
[sso-session 東京]
sso_start_url = https://tokyo.awsapps.com/start
sso_region = ap-northeast-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
";

#[test]
fn the_login_menu_aligns_columns_by_display_width_at_80_and_40_columns() {
    let sb = Sandbox::with_config(WIDE_SESSIONS);
    for (cols, want) in [
        (
            80u16,
            [
                "Session>   3/3",
                "    SESSION       START URL                        REGION          TOKEN",
                ">   corp          https://corp.awsapps.com/start   us-east-1       none",
                "    東京          https://tokyo.awsapps.com/start  ap-northeast-1  none",
                "    all sessions  each of the 2 above, in turn",
            ],
        ),
        (
            40,
            [
                "Session>   3/3",
                "    SESSION       TOKEN",
                ">   corp          none",
                "    東京          none",
                "    all sessions",
            ],
        ),
    ] {
        let mut s = Screen::script(&sb, "ssox login", &[], cols, 12);
        let rows = s.wait_for("the menu", |rows| {
            rows.iter().any(|r| r.contains("all sessions"))
        });
        assert_eq!(rows[..5], want, "{cols} columns:\n{}", rows.join("\n"));
        s.send("\x1b");
        let (code, _) = s.finish();
        assert_eq!(code, 130);
    }
}
