//! Hostile text on the terminal (issue 20 §14, §15) through the binary: what the portal answers
//! (device code, URLs, error messages) and what a config file holds (`sso_account_name`) reaches
//! the terminal with control characters, bidi overrides and line separators shown as escapes
//! (`\e`, `\x07`, `\u{202e}`…), and a `verificationUriComplete` that is not https:// is never
//! handed to a browser.

use serde_json::json;

use crate::support::fake_aws::Approval;
use crate::support::screen::Screen;
use crate::support::*;

/// No raw control character, bidi control or line separator in `text` but the newlines that
/// end its lines.
fn assert_inert(text: &str) {
    for c in text.chars() {
        assert!(
            c == '\n'
                || !(c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')),
            "raw {:?} in:\n{text}",
            c
        );
    }
}

#[test]
fn the_device_code_and_its_urls_are_shown_escaped_and_a_file_url_is_not_opened() {
    let env = login_env::Env::new(SEED_CONFIG);
    {
        let mut s = env.fake.script();
        s.approval = Approval::AfterPolls(1);
        s.device_answer = vec![
            ("userCode".into(), json!("AB\u{1b}]0;pwned\u{7}CD")),
            (
                "verificationUri".into(),
                json!("https://evil.example/\u{1b}[2J\u{202e}gpj.exe\n"),
            ),
            (
                "verificationUriComplete".into(),
                json!("file:///etc/passwd"),
            ),
        ];
    }
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert_inert(&err);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.contains(
            &"To log in to sso-session \"my_sso_session\", open \
              https://evil.example/\\e[2J\\u{202e}gpj.exe\\n and enter the code AB\\e]0;pwned\\x07CD"
        ),
        "{err}"
    );
    assert!(
        lines.contains(
            &"ssox: refusing to open it in a browser: only https:// URLs are opened, not \
              \"file://\"; open the URL above and enter the code"
        ),
        "{err}"
    );
    assert!(!err.contains("/etc/passwd"), "{err}");
    // The fake browser (xdg-open first on PATH, a display set) was never started.
    assert_eq!(env.browser_log(), Vec::<String>::new());
}

#[test]
fn a_loopback_http_or_https_verification_url_is_still_opened() {
    // The guard lets the fake's own http://127.0.0.1 URL through (PKCE and tests use loopback).
    let env = login_env::Env::new(SEED_CONFIG);
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let log = env.browser_log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(log[0].starts_with("http://127.0.0.1:"), "{log:?}");
}

#[test]
fn a_portal_error_message_is_shown_escaped_on_one_line() {
    let env = signed_in::Env::new();
    {
        let mut s = env.fake.script();
        s.fail.push(("ListAccounts".into(), 403));
        s.fail_message =
            Some("\u{1b}]0;pwned\u{7}\u{1b}[2J\nssox: all good\u{2028}\u{202e}txt".into());
    }
    let mut c = env.cmd();
    no_terminal(&mut c);
    let o = c.arg("sync").output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert_inert(&err);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(": \\e]0;pwned\\x07\\e[2J\\nssox: all good\\u{2028}\\u{202e}txt"),
        "{err}"
    );
}

/// A config whose account names hold a title change, a screen clear, a right-to-left override
/// and a line separator (written by an old sync or by hand).
const HOSTILE_NAMES: &str = "\
[sso-session corp]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1

[profile evil]
sso_session = corp
sso_account_id = 100000000001
sso_role_name = Admin
sso_account_name = Prod\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}dorP\u{2028}x
";

const ESCAPED_NAME: &str = "Prod\\e]0;pwned\\x07\\e[2J\\u{202e}dorP\\u{2028}x";

#[test]
fn list_shows_a_hostile_account_name_escaped() {
    let sb = Sandbox::with_config(HOSTILE_NAMES);
    let o = sb.run(&["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_inert(&out);
    let name = format!("100000000001 ({ESCAPED_NAME})");
    let head = format!("  PROFILE  KIND  {:<w$}  ROLE", "ACCOUNT", w = name.len());
    assert_eq!(
        out,
        format!(
            "{head}   SESSION  REGION  TOKEN\n  evil     sso   {name}  Admin  corp     -       none\n"
        )
    );
}

#[test]
fn list_escapes_only_the_rows_that_need_it_and_aligns_every_row() {
    // `list` checks each cell once: a row with an escape between rows without one (and a
    // wide, printable name after it) must each be shown as itself, in aligned columns.
    let sb = Sandbox::with_config(&format!(
        "{HOSTILE_NAMES}\n\
         [profile a]\n\
         sso_session = corp\n\
         sso_account_id = 100000000002\n\
         sso_role_name = Admin\n\
         \n\
         [profile z]\n\
         sso_session = corp\n\
         sso_account_id = 100000000003\n\
         sso_role_name = Admin\n\
         sso_account_name = 東京 Prod\n"
    ));
    let o = sb.run(&["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_inert(&out);
    let name = format!("100000000001 ({ESCAPED_NAME})");
    let w = name.len();
    let tokyo = "100000000003 (東京 Prod)";
    assert_eq!(
        out,
        format!(
            "  PROFILE  KIND  {:<w$}  ROLE   SESSION  REGION  TOKEN\n  \
             a        sso   {:<w$}  Admin  corp     -       none\n  \
             evil     sso   {name}  Admin  corp     -       none\n  \
             z        sso   {tokyo}{}  Admin  corp     -       none\n",
            "ACCOUNT",
            "100000000002",
            // 東 and 京 take three bytes and two cells each: the cell is two narrower than long.
            " ".repeat(w - (tokyo.len() - 2)),
        )
    );
}

#[test]
fn pick_shows_a_hostile_account_name_escaped_at_80_and_40_columns() {
    let sb = Sandbox::with_config(HOSTILE_NAMES);
    let mut s = Screen::spawn(&sb, "pick --shell bash", 120, 8);
    let rows = s.wait_for("the menu", |rows| rows.iter().any(|r| r.contains("evil")));
    let row = rows.iter().find(|r| r.contains("evil")).unwrap();
    assert!(
        // The menu cuts a long account cell; what it shows is the escapes.
        row.contains("100000000001 (Prod\\e]0;pwned\\x07\\e[2J…"),
        "{}",
        rows.join("\n")
    );
    // Had the name reached the terminal raw, its screen clear would have wiped the menu and
    // the row would not read as the escapes.
    s.send("\x1b");
    assert_eq!(s.finish().0, 130);
    for cols in [80u16, 40] {
        let mut s = Screen::spawn(&sb, "pick --shell bash", cols, 8);
        let rows = s.wait_for("the menu", |rows| rows.iter().any(|r| r.contains("evil")));
        assert!(
            rows.iter().all(|r| r.chars().count() <= usize::from(cols)),
            "{}",
            rows.join("\n")
        );
        s.send("\x1b");
        assert_eq!(s.finish().0, 130);
    }
}

#[test]
fn names_and_lines_quoted_from_the_config_are_shown_escaped() {
    let sb = Sandbox::with_config(
        "[sso-session co\u{1b}[2Jrp]\n\
         sso_start_url = https://my-sso-portal.awsapps.com/start\n\
         sso_region = us-east-1\n\
         \n\
         [profle \u{1b}]0;t\u{7}dev]\n\
         region = eu-west-1\n\
         \n\
         [profile p]\n\
         sso_session = co\u{1b}[2Jrp\n\
         sso_account_id = 100000000001\n\
         sso_role_name = Admin\n",
    );
    let o = sb.run(&["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config:5: [profle \\e]0;t\\x07dev] is not read by the AWS tools; did you \
         mean [profile \\e]0;t\\x07dev]?\n"
    );
    assert_eq!(
        stdout(&o),
        "  PROFILE  KIND  ACCOUNT       ROLE   SESSION    REGION  TOKEN\n  \
         p        sso   100000000001  Admin  co\\e[2Jrp  -       none\n"
    );
    let o = sb.run(&["logout"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "not logged in to co\\e[2Jrp; no cached token\n");
    let o = sb
        .cmd()
        .env("AWS_PROFILE", "p")
        .arg("status")
        .output()
        .unwrap();
    assert_inert(&stdout(&o));
    assert_inert(&stderr(&o));
    assert_eq!(
        stdout(&o).lines().next(),
        Some("profile: p (from AWS_PROFILE), sso-session co\\e[2Jrp: none"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("\nco\\e[2Jrp  us-east-1"),
        "{}",
        stdout(&o)
    );
    // The line a shell prompt shows: the profile name from the config, escaped.
    let o = sb
        .cmd()
        .env("AWS_PROFILE", "p\u{202e}x")
        .args(["status", "--prompt"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "p\\u{202e}x\n");
}

#[test]
fn here_shows_what_a_directory_file_holds_escaped() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    let dir = sb.dir.path().join("repo");
    std::fs::create_dir_all(&dir).unwrap();
    // TOML escapes: a right-to-left override and a line separator in the profile (control
    // characters are refused when the file is read).
    std::fs::write(
        dir.join(".ssox.toml"),
        "profile = \"blog\\u202Enimda\\u2028x\"\nregion = \"eu-west-1\"\n",
    )
    .unwrap();
    let o = sb
        .cmd()
        .current_dir(&dir)
        .env("PWD", &dir)
        .arg("here")
        .output()
        .unwrap();
    let out = stdout(&o);
    assert_inert(&out);
    assert!(
        out.contains("profile: blog\\u{202e}nimda\\u{2028}x\nregion: eu-west-1\n"),
        "{out}"
    );
}
