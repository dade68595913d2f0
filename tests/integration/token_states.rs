//! What every view says about a session once the SSO portal refused its refresh token
//! (InvalidGrantException): `status` (text, `--json`, `--prompt`), `list` and `doctor` all say the
//! session needs `ssox login`, until a new token arrives.

use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::support::signed_in::*;
use crate::support::*;

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Replace the refresh token of the cached token by one the fake does not know.
fn refuse_refresh(env: &Env, refresh: &str) {
    let text = std::fs::read_to_string(env.token_path())
        .unwrap()
        .replace(REFRESH_TOKEN, refresh);
    std::fs::write(env.token_path(), text).unwrap();
}

fn status_json(env: &Env) -> Value {
    let o = env.run(&["status", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str::<Value>(&stdout(&o)).unwrap()["sessions"][0].clone()
}

/// The session's row of `status` (third line of its output).
fn status_row(env: &Env) -> String {
    let o = env.run(&["status"]);
    stdout(&o).lines().nth(2).unwrap().to_string()
}

fn prompt(env: &Env) -> String {
    let o = env
        .cmd()
        .args(["status", "--prompt"])
        .env("AWS_PROFILE", "blog_admin")
        .output()
        .unwrap();
    stdout(&o)
}

/// The `session my_sso_session` line of `doctor`.
fn doctor_session(env: &Env) -> String {
    let o = env.run(&["doctor"]);
    let out = stdout(&o);
    out.lines()
        .find(|l| l.contains("session my_sso_session:"))
        .unwrap_or_else(|| panic!("{out}"))
        .to_string()
}

fn list_admin_line(env: &Env) -> String {
    let o = env.run(&["list"]);
    let out = stdout(&o);
    out.lines()
        .find(|l| l.trim_start().starts_with("blog_admin "))
        .unwrap_or_else(|| panic!("{out}"))
        .trim_end()
        .to_string()
}

#[test]
fn an_expired_token_whose_refresh_was_refused_needs_login_in_every_view() {
    let env = Env::new();
    env.write_refreshable_token(now() - Duration::hours(2));
    refuse_refresh(&env, "revoked-refresh");
    // Before the refusal: refreshable everywhere.
    assert_eq!(status_json(&env)["refreshable"], true);
    assert_eq!(status_json(&env)["token"], "refreshable");
    assert!(list_admin_line(&env).ends_with("  refreshable"));
    assert!(doctor_session(&env).contains("can be refreshed without a browser"));

    let o = env.run(&["creds", "blog_admin"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["CreateToken"]);

    let s = status_json(&env);
    assert_eq!(
        (&s["token"], &s["refreshable"]),
        (&"expired".into(), &false.into())
    );
    let row = status_row(&env);
    assert!(
        row.starts_with("my_sso_session  us-east-1  expired 2h0m ago  "),
        "{row}"
    );
    assert!(!row.contains("refreshable"), "{row}");
    assert_eq!(prompt(&env), "blog_admin expired\n");
    assert_eq!(
        list_admin_line(&env),
        "  blog_admin  sso   111111111111  AdministratorAccess  my_sso_session  us-east-1  expired"
    );
    assert_eq!(
        doctor_session(&env),
        "warn  session my_sso_session: token expired 2h0m ago; fix: ssox login my_sso_session"
    );

    // `login` does not send the refused refresh again: it logs in, and the views are valid again.
    env.fake.clear_requests();
    let browser = env.fake.browser_dir(env.sb.dir.path());
    let path = std::env::var("PATH").unwrap_or_default();
    let o = env
        .cmd()
        .args(["login"])
        .env("PATH", format!("{}:{path}", browser.display()))
        .env("DISPLAY", ":0")
        .env("SSOX_LOGIN_FLOW", "device")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(env.fake.ops()[0], "CreateToken", "{:?}", env.fake.ops());
    let s = status_json(&env);
    assert_eq!(
        (&s["token"], &s["refreshable"]),
        (&"valid".into(), &true.into())
    );
    assert_eq!(prompt(&env), "blog_admin 7h\n");
}

#[test]
fn a_rejected_token_whose_refresh_was_refused_is_not_refreshable() {
    let env = Env::new();
    env.write_refreshable_token(now() + Duration::hours(8));
    refuse_refresh(&env, "revoked-refresh");
    env.fake.revoke_token(TOKEN);

    let o = env.run(&["creds", "blog_admin"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "ssox: cannot refresh the token of my_sso_session: CreateToken (refresh) at {} \
             failed: InvalidGrantException (HTTP 400); run: ssox login\n",
            env.fake.place()
        )
    );
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "CreateToken"]);

    let s = status_json(&env);
    assert_eq!(
        (&s["token"], &s["refreshable"]),
        (&"rejected".into(), &false.into())
    );
    let row = status_row(&env);
    assert!(
        row.starts_with("my_sso_session  us-east-1  rejected by the SSO portal  "),
        "{row}"
    );
    assert!(!row.contains("refreshable"), "{row}");
    assert_eq!(prompt(&env), "blog_admin rejected\n");
    assert_eq!(
        list_admin_line(&env),
        "  blog_admin  sso   111111111111  AdministratorAccess  my_sso_session  us-east-1  rejected"
    );
    assert_eq!(
        doctor_session(&env),
        "warn  session my_sso_session: token rejected by the SSO portal (revoked, or the session \
         ended); fix: ssox login my_sso_session"
    );

    // The portal accepting the access token again (`status --check`) does not make the refused
    // refresh token good.
    env.fake.issue_token(TOKEN);
    let o = env.run(&["status", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = status_json(&env);
    assert_eq!(
        (&s["token"], &s["refreshable"]),
        (&"valid".into(), &false.into())
    );

    env.fake.revoke_token(TOKEN);
    let o = env.run(&["status", "--check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Nothing asks the portal again.
    env.fake.clear_requests();
    let o = env.run(&["whoami", "blog_admin"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "ssox: sso-session \"my_sso_session\" was rejected by the SSO portal, and the portal \
             refused to refresh it; run: ssox login\n"
        )
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}
