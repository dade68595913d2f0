//! Errors a person can act on, through the binary: refused connections, names that do not
//! resolve, 5xx and 429 answers, read timeouts and the whole command's time limit, each in one
//! line with where and the fix (never the SDK's debug text); transient failures retried (while
//! polling for approval, for RegisterClient, StartDeviceAuthorization and a refresh); a session
//! without `sso_region`; Ctrl-C during a login.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use expectrl::{Eof, Session, WaitStatus};

use crate::support::fake_aws::Approval;
use crate::support::signed_in::{self, ACCOUNT};
use crate::support::*;

const ROLE_FAILURE: &str =
    "ssox: cannot get credentials for role AdministratorAccess in account 111111111111 \
     (profile \"blog_admin\"): ";

/// No SDK debug text: no struct braces, no `Error(`, no crate names, no "dispatch failure".
fn assert_plain(err: &str) {
    for bad in [
        "{",
        "Error(",
        "hyper",
        "dispatch failure",
        "DispatchFailure",
    ] {
        assert!(!err.contains(bad), "{bad:?} in {err}");
    }
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

/// The one-line stderr of `creds blog_admin` with the SSO portal at `url` (it fails).
fn creds_with_portal_at(url: &str) -> String {
    let env = signed_in::Env::new();
    let o = env
        .cmd()
        .env("AWS_ENDPOINT_URL_SSO", url)
        .args(["creds", "blog_admin"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_plain(&err);
    err
}

/// The one-line stderr of `login` with sso-oidc at `url` (it fails).
fn login_with_oidc_at(url: &str) -> String {
    let env = login_env::Env::new(SEED_CONFIG);
    let o = env
        .cmd(&["login", "--no-browser"])
        .env("AWS_ENDPOINT_URL_SSO_OIDC", url)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_plain(&err);
    err
}

#[test]
fn a_refused_connection_says_where_and_what_to_check() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}");
    assert_eq!(
        creds_with_portal_at(&url),
        format!(
            "{ROLE_FAILURE}GetRoleCredentials: cannot connect to 127.0.0.1:{port}: connection \
             refused; check your network or VPN\n"
        )
    );
    assert_eq!(
        login_with_oidc_at(&url),
        format!(
            "ssox: RegisterClient: cannot connect to 127.0.0.1:{port}: connection refused; \
             check your network or VPN\n"
        )
    );
}

#[test]
fn a_name_that_does_not_resolve_says_so() {
    assert_eq!(
        login_with_oidc_at("https://oidc.ssox-test.invalid"),
        "ssox: RegisterClient: cannot connect to oidc.ssox-test.invalid:443: the host name does \
         not resolve (DNS); check the endpoint, your network or VPN\n"
    );
    assert_eq!(
        creds_with_portal_at("http://portal.ssox-test.invalid:8080"),
        format!(
            "{ROLE_FAILURE}GetRoleCredentials: cannot connect to portal.ssox-test.invalid:8080: \
             the host name does not resolve (DNS); check the endpoint, your network or VPN\n"
        )
    );
}

#[test]
fn server_errors_are_retried_then_say_the_status_and_try_again() {
    let env = signed_in::Env::new();
    // One 500 is retried: the command succeeds.
    env.fake
        .script()
        .fail
        .push(("GetRoleCredentials".into(), 500));
    let o = env.run(&["creds", "blog_admin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "GetRoleCredentials"]);

    let cases = [
        (
            500,
            "InternalServerException (HTTP 500): injected failure (3 attempts); the service has a \
             problem, try again in a minute",
        ),
        (
            502,
            "HTTP 502 (3 attempts); the service has a problem, try again in a minute",
        ),
        (
            429,
            "TooManyRequestsException (HTTP 429): injected failure (3 attempts); too many \
             requests, try again in a minute",
        ),
    ];
    for (status, why) in cases {
        for _ in 0..3 {
            env.fake
                .script()
                .fail
                .push(("GetRoleCredentials".into(), status));
        }
        env.fake.clear_requests();
        let o = env.run(&["creds", "blog_ro"]);
        assert_eq!(o.status.code(), Some(1), "{status}");
        let err = stderr(&o);
        assert_eq!(
            err,
            format!(
                "ssox: cannot get credentials for role ReadOnlyAccess in account {ACCOUNT} \
                 (profile \"blog_ro\"): GetRoleCredentials at {} failed: {why}\n",
                env.fake.place()
            )
        );
        assert!(!err.contains("unknown"), "{err}");
        assert_plain(&err);
        assert_eq!(env.fake.count("GetRoleCredentials"), 3);
    }
}

/// `creds blog_admin` against a fake that answers only after `delay`, with `var` set: the exit
/// code, stderr and how long it took.
fn creds_stalled(delay: u64, var: (&str, &str)) -> (Option<i32>, String, Duration, String) {
    let env = signed_in::Env::new();
    env.fake.script().delay = Some(Duration::from_secs(delay));
    let started = Instant::now();
    let o = env
        .cmd()
        .env(var.0, var.1)
        .args(["creds", "blog_admin"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_plain(&err);
    (o.status.code(), err, started.elapsed(), env.fake.place())
}

#[test]
fn a_stalled_answer_is_a_read_timeout_with_its_length() {
    let (code, err, took, place) = creds_stalled(3, ("SSOX_READ_TIMEOUT_MS", "300"));
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        format!(
            "{ROLE_FAILURE}GetRoleCredentials: read timeout: {place} sent no answer within 0.3 s \
             of the request (3 attempts); try again\n"
        )
    );
    // Three attempts of 0.3 s with 0.5 s and 1 s between them.
    assert!(took < Duration::from_secs(6), "{took:?}");
}

#[test]
fn the_whole_command_is_bounded_and_says_so() {
    let (code, err, took, place) = creds_stalled(5, ("SSOX_COMMAND_TIMEOUT_MS", "1500"));
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        format!(
            "{ROLE_FAILURE}GetRoleCredentials at {place}: no answer within 1.5 s, the limit for \
             the whole command (retries included); try again\n"
        )
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[test]
fn transient_failures_while_polling_do_not_lose_the_login() {
    let env = login_env::Env::new(SEED_CONFIG);
    {
        let mut s = env.fake.script();
        s.approval = Approval::AfterPolls(4);
        s.fail.push(("RegisterClient".into(), 500));
        s.fail.push(("RegisterClient".into(), 503));
        s.fail.push(("StartDeviceAuthorization".into(), 429));
        // The user approves while the service has a bad moment: two polls fail.
        s.fail.push(("CreateToken".into(), 500));
        s.fail.push(("CreateToken".into(), 502));
    }
    let o = env.run(&["login", "--no-browser"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ops: Vec<String> = env.fake.ops();
    assert_eq!(
        ops,
        [
            "RegisterClient",
            "RegisterClient",
            "RegisterClient",
            "StartDeviceAuthorization",
            "StartDeviceAuthorization",
            "CreateToken",
            "CreateToken",
            "CreateToken",
            "CreateToken",
            "CreateToken",
            "CreateToken",
        ]
    );
    assert!(
        stderr(&o).ends_with("logged in to my_sso_session (valid 8h0m)\n")
            || stderr(&o).ends_with("logged in to my_sso_session (valid 7h59m)\n"),
        "{}",
        stderr(&o)
    );

    // A refresh that fails once is sent again.
    env.seed_token("0f48d88342f931565c13babcf62a17530cf43d9d.json", 60, true);
    env.fake.clear_requests();
    env.fake.script().fail.push(("CreateToken".into(), 500));
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["CreateToken", "CreateToken"]);
    assert!(stderr(&o).starts_with("refreshed the token of my_sso_session (valid "));
}

const NO_REGION: &str = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\n\
                         [profile dev]\nsso_session = corp\nsso_account_id = 111111111111\n\
                         sso_role_name = Dev\n";
const NO_REGION_ERROR: &str =
    "ssox: sso-session \"corp\" is missing sso_region (~/.aws/config:1); \
                               add `sso_region = us-east-1` to [sso-session corp]\n";

#[test]
fn a_session_without_sso_region_is_named_by_status_and_login() {
    let sb = Sandbox::with_config(NO_REGION);
    let o = sb.run(&["login"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (Some(1), NO_REGION_ERROR)
    );
    let o = sb.run(&["status"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), NO_REGION_ERROR);
    assert_eq!(
        stdout(&o),
        "profile: none (AWS_PROFILE is not set)\nno usable sso-sessions (see the warnings on stderr)\n"
    );
    let o = sb.run(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["warnings"][0],
        NO_REGION_ERROR.trim_start_matches("ssox: ").trim_end()
    );
    // With another, usable session, a bare login names the broken one and goes on.
    let sb = Sandbox::with_config(&format!("{NO_REGION}\n{SEED_CONFIG}"));
    let fake = crate::support::fake_aws::FakeAws::start();
    fake.script().approval = Approval::AfterPolls(1);
    let o = sb
        .cmd()
        .envs(fake.env())
        .args(["login", "--no-browser"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).starts_with(NO_REGION_ERROR), "{}", stderr(&o));
}

#[test]
fn a_browser_that_fails_to_start_is_one_plain_line() {
    use std::os::unix::fs::PermissionsExt;
    let env = login_env::Env::new(SEED_CONFIG);
    env.fake.script().approval = Approval::AfterPolls(1);
    // The only opener on PATH exits 2, as `gio open` does without a desktop session.
    let dir = env.sb.dir.path().join("failing-opener");
    std::fs::create_dir_all(&dir).unwrap();
    let opener = dir.join("xdg-open");
    std::fs::write(&opener, "#!/bin/sh\nexit 2\n").unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = env.cmd(&["login"]).env("PATH", &dir).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.contains("cannot open a browser"))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        line,
        "ssox: cannot open a browser (xdg-open exited with status 2); open the URL above and enter the code"
    );
    assert!(
        !err.contains("Launcher") && !err.contains("ExitStatus"),
        "{err}"
    );
}

#[test]
fn ctrl_c_during_login_clears_the_spinner_and_says_cancelled() {
    let env = login_env::Env::new(SEED_CONFIG);
    env.fake.script().approval = Approval::AfterPolls(1000);
    let mut c = Command::new(ssox_bin());
    scrub(&mut c, &env.sb.home);
    c.envs(env.fake.env())
        .env("TERM", "xterm")
        .args(["login", "--no-browser"]);
    let mut session = Session::spawn(c).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    let seen = session.expect("left)").unwrap();
    let mut screen = String::from_utf8_lossy(seen.as_bytes()).into_owned();
    assert!(env.fake.wait_for("CreateToken", 1, Duration::from_secs(10)));
    // Ctrl-C typed on the terminal: SIGINT to the foreground process.
    session.send("\x03").unwrap();
    let rest = session.expect(Eof).unwrap();
    screen.push_str(&String::from_utf8_lossy(rest.as_bytes()));
    match session.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 130, "{screen:?}"),
        other => panic!("{other:?}: {screen:?}"),
    }
    // The spinner line is erased, then one word.
    let tail = screen.rsplit("left)").next().unwrap();
    assert!(tail.contains("\r\x1b[2K"), "{tail:?}");
    assert!(tail.ends_with("cancelled\r\n"), "{tail:?}");
    assert!(!env
        .cache("0f48d88342f931565c13babcf62a17530cf43d9d.json")
        .exists());
}
