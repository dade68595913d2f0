//! `BROWSER` (issue 19 §2) through the binary, read as Python's `webbrowser` (the AWS CLI's) reads
//! it: a `:`-separated list of commands, `%s` for the URL, with or without a display. PKCE and
//! device-code login, `console`, the flow choice and `doctor`'s browser check all use it; a launch
//! that fails is one plain line without the URL.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::fake_aws::Approval;
use crate::support::*;

/// `sha1("my_sso_session").json`
const SESSION_FILE: &str = "0f48d88342f931565c13babcf62a17530cf43d9d.json";

/// A browser program `name` in a directory of its own (not on PATH): logs its arguments to
/// `name.log` beside it, then visits the last one with the fake browser (`fake`/xdg-open).
fn recording_browser(parent: &Path, name: &str, fake: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = parent.join("browsers");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let log = dir.join(format!("{name}.log"));
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nfor last; do :; done\nexec '{}' \"$last\"\n",
            log.display(),
            fake.join("xdg-open").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// The lines `recording_browser` logged (it may log after ssox exits: wait a little).
fn calls(program: &Path, n: usize) -> Vec<String> {
    let log = program.with_file_name(format!(
        "{}.log",
        program.file_name().unwrap().to_string_lossy()
    ));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.len() >= n || Instant::now() >= deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn pkce_login_opens_browser_without_a_display() {
    let env = login_env::Env::new(SEED_CONFIG);
    let mine = recording_browser(env.sb.dir.path(), "mybrowser", &env.browser);
    let o = env
        .auto_cmd(&["login"])
        .env_remove("DISPLAY")
        .env("BROWSER", format!("{} --new-window %s", mine.display()))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    // PKCE with a browser (an explicit BROWSER means one can open), not the device code.
    assert!(
        err.starts_with(
            "To log in to sso-session \"my_sso_session\", approve the sign-in in the browser that opens now.\n"
        ),
        "{err}"
    );
    let calls = calls(&mine, 1);
    assert_eq!(calls.len(), 1, "{calls:?}");
    let prefix = format!("--new-window {}/authorize?", env.fake.url());
    assert!(calls[0].starts_with(&prefix), "{calls:?}");
    // The URL given to the browser is the one printed, once.
    let url = calls[0].strip_prefix("--new-window ").unwrap();
    assert_eq!(err.matches(url).count(), 1, "{err}");
    assert!(env.cache(SESSION_FILE).exists());
    assert!(
        env.fake.ops().contains(&"CreateToken".to_string()),
        "{:?}",
        env.fake.ops()
    );
}

#[test]
fn browser_comes_before_the_desktop_opener_and_missing_entries_are_skipped() {
    let env = login_env::Env::new(SEED_CONFIG);
    let mine = recording_browser(env.sb.dir.path(), "mybrowser", &env.browser);
    // A display is set and the fake xdg-open is first on PATH: BROWSER still comes first.
    let o = env
        .auto_cmd(&["login"])
        .env(
            "BROWSER",
            format!("ssox-no-such-browser:{}", mine.display()),
        )
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let calls = calls(&mine, 1);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(
        calls[0].starts_with(&format!("{}/authorize?", env.fake.url())),
        "{calls:?}"
    );
    assert!(!stderr(&o).contains("cannot open"), "{}", stderr(&o));
}

#[test]
fn device_code_login_opens_browser_over_ssh() {
    let env = login_env::Env::new(SEED_CONFIG);
    let mine = recording_browser(env.sb.dir.path(), "mybrowser", &env.browser);
    let o = env
        .cmd(&["login"])
        .env("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
        .env_remove("DISPLAY")
        .env("BROWSER", &mine)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(!err.contains("Not opening a browser"), "{err}");
    let calls = calls(&mine, 1);
    assert_eq!(
        calls,
        [format!(
            "{}/device?user_code={}",
            env.fake.url(),
            calls[0].rsplit('=').next().unwrap()
        )]
    );
    assert!(env.cache(SESSION_FILE).exists());
}

#[test]
fn over_ssh_without_browser_the_device_code_is_chosen_and_nothing_opened() {
    let env = login_env::Env::new(SEED_CONFIG);
    env.fake.script().approval = Approval::AfterPolls(1);
    let o = env
        .auto_cmd(&["login"])
        .env("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Not opening a browser (this is an SSH session)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(env.browser_log(), Vec::<String>::new());
}

#[test]
fn console_opens_with_browser_without_a_display() {
    let env = signed_in::Env::new();
    let fake_dir = env.fake.browser_dir(env.sb.dir.path());
    let mine = recording_browser(env.sb.dir.path(), "mybrowser", &fake_dir);
    let o = env
        .cmd()
        .env("BROWSER", format!("{} %s", mine.display()))
        .args(["console", "blog_admin"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ssox: opened the AWS console as AdministratorAccess in account 111111111111\n"
    );
    let calls = calls(&mine, 1);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(
        calls[0].starts_with(&format!("{}/federation?Action=login", env.fake.url())),
        "{calls:?}"
    );
}

#[test]
fn console_says_in_one_line_when_browser_fails() {
    use std::os::unix::fs::PermissionsExt;
    let env = signed_in::Env::new();
    let failing = env.sb.dir.path().join("failing-browser");
    std::fs::write(&failing, "#!/bin/sh\necho \"cannot open $1\" >&2\nexit 3\n").unwrap();
    std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = env
        .cmd()
        .env("BROWSER", &failing)
        .args(["console", "blog_admin"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ssox: cannot open a browser (failing-browser exited with status 3); run `ssox console \
         --print` and open the URL yourself\n"
    );
}

#[test]
fn a_failed_pkce_launch_is_one_plain_line_and_the_wait_is_said() {
    use std::os::unix::fs::PermissionsExt;
    let env = login_env::Env::new(SEED_CONFIG);
    let failing = env.sb.dir.path().join("gio");
    std::fs::write(
        &failing,
        "#!/bin/sh\necho \"Launcher failed $1\" >&2\nexit 2\n",
    )
    .unwrap();
    std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = env
        .auto_cmd(&["login"])
        .env_remove("DISPLAY")
        .env("BROWSER", &failing)
        .env("SSOX_PKCE_TIMEOUT_SECS", "4")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    let url = lines
        .iter()
        .find(|l| l.starts_with(&format!("{}/authorize?", env.fake.url())))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(err.matches(*url).count(), 1, "the URL once: {err}");
    assert!(
        lines.contains(
            &"ssox waits up to 4 s for the browser (Ctrl-C to stop). When no browser can reach \
              this machine, run `ssox login --device-code` and approve on any device."
        ),
        "{err}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("cannot open a browser"))
            .collect::<Vec<_>>(),
        [&"ssox: cannot open a browser (gio exited with status 2); open the URL above on this machine"],
        "{err}"
    );
    assert!(
        !err.contains("Launcher") && !err.contains("ExitStatus"),
        "{err}"
    );
}

/// `doctor`'s browser line(s), run with `env`.
fn doctor_browser(sb: &Sandbox, env: &[(&str, &str)]) -> Vec<String> {
    let o = sb
        .cmd()
        .envs(env.iter().copied())
        .arg("doctor")
        .output()
        .unwrap();
    stdout(&o)
        .lines()
        .map(str::to_string)
        .filter(|l| l.contains("browser"))
        .collect()
}

#[test]
fn doctor_names_the_program_login_uses_and_warns_about_a_missing_one() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    let fake = sb.dir.path().join("fake");
    std::fs::create_dir_all(&fake).unwrap();
    let mine = recording_browser(sb.dir.path(), "mybrowser", &fake);
    let mine = mine.to_str().unwrap();
    let ssh = ("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22");
    assert_eq!(
        doctor_browser(&sb, &[ssh, ("BROWSER", mine)]),
        ["ok    browser: ssox login opens it with mybrowser (from BROWSER)"]
    );
    let both = format!("ssox-no-such-browser %s:{mine}");
    assert_eq!(
        doctor_browser(&sb, &[ssh, ("BROWSER", &both)]),
        [
            "warn  browser: BROWSER names ssox-no-such-browser, which is not installed (not on \
             PATH); ssox login uses mybrowser instead; fix: set BROWSER to an installed browser, \
             or unset it",
            "ok    browser: ssox login opens it with mybrowser (from BROWSER)"
        ]
    );
    assert_eq!(
        doctor_browser(&sb, &[ssh, ("BROWSER", "ssox-no-such-browser")]),
        [
            "warn  browser: BROWSER names ssox-no-such-browser, which is not installed (not on \
          PATH); ssox login cannot open a browser; fix: set BROWSER to an installed browser, or \
          unset it"
        ]
    );
}
