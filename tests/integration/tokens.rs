//! The token lifecycle every command shares, through the binary against the fake: a silent
//! refresh for `creds`, `exec`, `console` and `whoami` (one CreateToken for many processes, no
//! browser), one GetRoleCredentials for many processes, locks in ssox's own state directory, and
//! a token the portal rejected is treated as such until a new one replaces it.

use std::process::{Command, Output, Stdio};

use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use crate::support::fake_aws::FakeAws;
use crate::support::signed_in::*;
use crate::support::*;

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn token_json(env: &Env) -> Map<String, Value> {
    serde_json::from_str(&std::fs::read_to_string(env.token_path()).unwrap()).unwrap()
}

/// Every file under `dir` (recursively) whose name ends with `.lock`.
fn lock_files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(lock_files(&p));
        } else if p.to_string_lossy().ends_with(".lock") {
            out.push(p.display().to_string());
        }
    }
    out
}

/// `ssox ARGS` pointed at the fake, with a display and the fake browser first on PATH: a browser
/// could be opened, so the browser log shows that none was.
fn cmd_with_browser(env: &Env, browser: &std::path::Path, args: &[&str]) -> Command {
    let mut c = env.cmd();
    c.env(
        "PATH",
        format!(
            "{}:{}",
            browser.display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    )
    .env("DISPLAY", ":0")
    // The device code, so that a login here is the flow these tests script (PKCE has its own).
    .env("SSOX_LOGIN_FLOW", "device")
    .args(args);
    c
}

fn spawn_many(n: usize, mut make: impl FnMut() -> Command) -> Vec<Output> {
    let children: Vec<_> = (0..n)
        .map(|_| {
            make()
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

#[test]
fn twenty_credential_processes_on_an_expired_token_refresh_once_and_fetch_once() {
    let env = Env::new();
    let browser = env.fake.browser_dir(env.sb.dir.path());
    env.write_refreshable_token(now() - Duration::hours(1));
    let outputs = spawn_many(20, || {
        cmd_with_browser(
            &env,
            &browser,
            &["creds", "blog_admin", "--format", "process"],
        )
    });
    let mut keys = Vec::new();
    for o in &outputs {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
        assert_eq!(stderr(o), "", "a credential_process says nothing");
        let v: Value = serde_json::from_str(&stdout(o)).unwrap();
        keys.push(v["AccessKeyId"].as_str().unwrap().to_string());
    }
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    assert!(env.fake.role_credentials_for(&keys[0]).is_some());
    // One refresh, one fetch; no login, no browser.
    assert_eq!(env.fake.ops(), ["CreateToken", "GetRoleCredentials"]);
    let refresh = env.fake.requests()[0].json();
    assert_eq!(refresh["grantType"], "refresh_token");
    assert_eq!(refresh["refreshToken"], REFRESH_TOKEN);
    assert_eq!(refresh["clientId"], CLIENT_ID);
    assert_eq!(FakeAws::browser_log(&browser), Vec::<String>::new());
    // The token file is rewritten as `login` writes it, and the new token is the one used.
    let t = token_json(&env);
    assert_eq!(
        t.keys().map(String::as_str).collect::<Vec<_>>(),
        CLI_TOKEN_KEYS
    );
    let access = t["accessToken"].as_str().unwrap();
    assert_ne!(access, TOKEN);
    assert!(env.fake.token_valid(access));
    assert_ne!(t["refreshToken"], REFRESH_TOKEN);
    let fetch = &env.fake.requests()[1];
    assert_eq!(fetch.header("x-amz-sso_bearer_token"), Some(access));
    assert_eq!(mode(&env.token_path()), 0o600);
    // The locks were in ssox's state directory and are gone; none beside the CLI's files.
    assert!(env.lock_dir().is_dir());
    assert_eq!(lock_files(&env.lock_dir()), Vec::<String>::new());
    assert_eq!(lock_files(&env.sb.path(".aws")), Vec::<String>::new());
}

#[test]
fn parallel_fetches_of_one_role_make_one_request() {
    let env = Env::new();
    let outputs = spawn_many(10, || {
        let mut c = env.cmd();
        c.args(["creds", "blog_ro", "--format", "env"]);
        c
    });
    for o in &outputs {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
        assert_eq!(stdout(o), stdout(&outputs[0]));
    }
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
    assert_eq!(lock_files(&env.sb.home), Vec::<String>::new());
}

#[test]
fn whoami_exec_and_console_refresh_too() {
    let env = Env::new();
    let browser = env.fake.browser_dir(env.sb.dir.path());
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["whoami", "blog_admin"],
            &["CreateToken", "GetRoleCredentials", "GetCallerIdentity"],
        ),
        (
            &["exec", "blog_admin", "--", "true"],
            &["CreateToken", "GetRoleCredentials"],
        ),
        (
            &["console", "blog_admin", "--print"],
            &["CreateToken", "GetRoleCredentials", "GetSigninToken"],
        ),
        (
            &["creds", "blog_admin", "--format", "env"],
            &["CreateToken", "GetRoleCredentials"],
        ),
    ];
    for (args, ops) in cases {
        // Expired, and (for creds) one with less than 5 minutes left: both are refreshed.
        let left = if args[0] == "creds" {
            Duration::minutes(4)
        } else {
            Duration::minutes(-30)
        };
        env.write_refreshable_token(now() + left);
        let _ = std::fs::remove_dir_all(env.sb.path(".aws/cli/cache"));
        env.fake.clear_requests();
        let o = cmd_with_browser(&env, &browser, args).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
        assert_eq!(env.fake.ops(), ops, "{args:?}");
        let access = token_json(&env)["accessToken"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(env.fake.token_valid(&access), "{args:?}");
        let left = OffsetDateTime::parse(
            token_json(&env)["expiresAt"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
            - now();
        assert!(left > Duration::hours(7), "{args:?}: {left}");
    }
    assert_eq!(FakeAws::browser_log(&browser), Vec::<String>::new());
}

#[test]
fn without_a_way_to_refresh_every_command_says_run_login() {
    let env = Env::new();
    // A refresh token the server does not know: the refresh fails, and the token is expired.
    env.write_refreshable_token(now() - Duration::hours(2));
    let text = std::fs::read_to_string(env.token_path())
        .unwrap()
        .replace(REFRESH_TOKEN, "revoked-refresh");
    std::fs::write(env.token_path(), &text).unwrap();
    // The first command asks and is refused; the refusal is remembered, so the others do not
    // send that refresh again.
    for (i, args) in [
        &["creds", "blog_admin"][..],
        &["whoami", "blog_admin"],
        &["exec", "blog_admin", "--", "echo", "ran"],
        &["console", "blog_admin", "--print"],
    ]
    .into_iter()
    .enumerate()
    {
        env.fake.clear_requests();
        let o = env.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}");
        if i == 0 {
            assert_eq!(
                stderr(&o),
                format!(
                    "ssox: cannot refresh the token of my_sso_session: CreateToken (refresh) at {} \
                     failed: InvalidGrantException (HTTP 400); run: ssox login\n",
                    env.fake.place()
                ),
                "{args:?}"
            );
            assert_eq!(env.fake.ops(), ["CreateToken"], "{args:?}");
        } else {
            assert_eq!(
                stderr(&o),
                "ssox: sso-session \"my_sso_session\" expired 2h0m ago, and the portal \
                 refused to refresh it; run: ssox login\n",
                "{args:?}"
            );
            assert_eq!(env.fake.ops(), Vec::<String>::new(), "{args:?}");
        }
        assert!(!stderr(&o).contains("revoked-refresh"));
    }
    assert_eq!(std::fs::read_to_string(env.token_path()).unwrap(), text);

    // With minutes left, a failed refresh is a warning and the current token is used.
    env.write_refreshable_token(now() + Duration::minutes(10));
    let text = std::fs::read_to_string(env.token_path())
        .unwrap()
        .replace(REFRESH_TOKEN, "another-revoked-refresh");
    std::fs::write(env.token_path(), &text).unwrap();
    env.fake.clear_requests();
    let o = env.run(&["creds", "blog_admin", "--format", "process"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "ssox: cannot refresh the token of my_sso_session (CreateToken (refresh) at {} failed: \
             InvalidGrantException (HTTP 400)); using it while it lasts\n",
            env.fake.place()
        )
    );
    assert_eq!(env.fake.ops(), ["CreateToken", "GetRoleCredentials"]);
}

const REJECTED: &str = "ssox: sso-session \"my_sso_session\" was rejected by the SSO portal \
                        (expired or revoked); run: ssox login\n";

/// The revoked-token loop: the portal refuses a token whose `expiresAt` is hours away.
#[test]
fn a_token_the_portal_rejected_is_not_valid_until_replaced() {
    let env = Env::new();
    let browser = env.fake.browser_dir(env.sb.dir.path());
    let cached = std::fs::read_to_string(env.token_path()).unwrap();
    env.fake.revoke_token(TOKEN);
    let run = |args: &[&str]| cmd_with_browser(&env, &browser, args).output().unwrap();

    // creds: the 401 says `run: ssox login`, and it is remembered (not in the CLI's file).
    let o = run(&["creds", "blog_admin"]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(1), REJECTED));
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
    assert_eq!(std::fs::read_to_string(env.token_path()).unwrap(), cached);
    let record = env.sb.path(&format!(
        ".local/state/ssox/rejected/{}",
        sha1_name("my_sso_session")
    ));
    let recorded = std::fs::read_to_string(&record).unwrap();
    assert!(!recorded.contains(TOKEN), "{recorded}");
    assert_eq!(mode(&record), 0o600);

    // whoami knows without asking.
    env.fake.clear_requests();
    let o = run(&["whoami", "blog_ro"]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(1), REJECTED));
    assert_eq!(env.fake.ops(), Vec::<String>::new());

    // status, list and the prompt show it; `status --check` fails.
    let o = run(&["status", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["sessions"][0]["token"], "rejected");
    let o = run(&["status"]);
    let out = stdout(&o);
    assert!(
        out.lines()
            .nth(2)
            .unwrap()
            .starts_with("my_sso_session  us-east-1  rejected by the SSO portal  -"),
        "{out}"
    );
    let o = run(&["list"]);
    assert!(
        stdout(&o).contains("my_sso_session  us-east-1  rejected\n"),
        "{}",
        stdout(&o)
    );
    let o = cmd_with_browser(&env, &browser, &["status", "--prompt"])
        .env("AWS_PROFILE", "blog_admin")
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "blog_admin rejected\n");
    env.fake.clear_requests();
    let o = run(&["status", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "ssox: the SSO portal rejected the token of my_sso_session (expired or revoked); \
         run: ssox login my_sso_session\n"
    );
    assert!(
        stdout(&o).lines().nth(2).unwrap().ends_with("  rejected"),
        "{}",
        stdout(&o)
    );
    assert_eq!(env.fake.ops(), ["ListAccounts"]);

    // `ssox login` logs in (no --force needed): the device flow, with the browser.
    env.fake.clear_requests();
    let o = run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).ends_with("logged in to my_sso_session (valid 8h0m)\n")
            || stderr(&o).ends_with("logged in to my_sso_session (valid 7h59m)\n"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        env.fake.ops()[..2],
        ["RegisterClient", "StartDeviceAuthorization"]
    );
    assert!(!record.exists(), "a new token clears the rejection");
    env.fake.clear_requests();
    let o = run(&["creds", "blog_admin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
    let o = run(&["status", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // A new token written by another tool (the AWS CLI) is not rejected either.
    env.write_token(now() + Duration::hours(8) + Duration::seconds(30)); // the revoked TOKEN
    let _ = std::fs::remove_dir_all(env.sb.path(".aws/cli/cache"));
    let o = run(&["creds", "blog_admin"]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(1), REJECTED));
    let text = std::fs::read_to_string(env.token_path()).unwrap();
    std::fs::write(env.token_path(), text.replace(TOKEN, "cli-new-token")).unwrap();
    env.fake.issue_token("cli-new-token");
    env.fake.clear_requests();
    let o = run(&["login"]);
    assert_eq!(
        stderr(&o),
        "already logged in to my_sso_session (valid 8h0m)\n",
        "zero requests for a token nobody has seen rejected"
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    let o = run(&["creds", "blog_admin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_rejected_token_that_can_be_refreshed_is_refreshed() {
    let env = Env::new();
    env.write_refreshable_token(now() + Duration::hours(8));
    env.fake.revoke_token(TOKEN);
    // creds: the 401, then one refresh and the fetch again.
    let o = env.run(&["creds", "blog_admin", "--format", "process"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert_eq!(
        env.fake.ops(),
        ["GetRoleCredentials", "CreateToken", "GetRoleCredentials"]
    );
    assert!(env
        .fake
        .token_valid(token_json(&env)["accessToken"].as_str().unwrap()));

    // whoami takes the same way as creds: the 401, one refresh, the fetch again, then STS.
    env.write_refreshable_token(now() + Duration::hours(8));
    env.fake.revoke_token(TOKEN);
    let _ = std::fs::remove_dir_all(env.sb.path(".aws/cli/cache"));
    env.fake.clear_requests();
    let o = env.run(&["whoami", "blog_admin"]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    assert_eq!(
        env.fake.ops(),
        [
            "GetRoleCredentials",
            "CreateToken",
            "GetRoleCredentials",
            "GetCallerIdentity"
        ]
    );

    // A rejection `status --check` saw is remembered; then `login` refreshes, no browser needed.
    env.write_refreshable_token(now() + Duration::hours(8));
    env.fake.revoke_token(TOKEN);
    let o = env.run(&["status", "--check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    env.fake.clear_requests();
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("refreshed the token of my_sso_session (valid "),
        "{}",
        stderr(&o)
    );
    assert_eq!(env.fake.ops(), ["CreateToken"]);
}
