//! Values in the config that must be checked before they reach the SDK (issue 20, point 11): a
//! 70,000-character `sso_account_id` or `sso_role_name` used to abort `creds`, `whoami`,
//! `console` and the whole `serve` with a panic in the SDK's request builder. Each command now
//! says which value is wrong and where, sends nothing, and `serve` keeps serving.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

use crate::support::signed_in::{Env, CONFIG};
use crate::support::*;

/// `CONFIG` with three profiles whose values no account or role can have; line numbers: the
/// bad values are on lines 25 (`huge_account`), 31 (`huge_role`) and 35 (`short_account`).
fn hostile_config() -> String {
    let huge = "1".repeat(70_000);
    let role = "R".repeat(70_000);
    format!(
        "{CONFIG}\n[profile huge_account]\nsso_session = my_sso_session\n\
         sso_account_id = {huge}\nsso_role_name = AdministratorAccess\n\n\
         [profile huge_role]\nsso_session = my_sso_session\nsso_account_id = 111111111111\n\
         sso_role_name = {role}\n\n[profile short_account]\nsso_session = my_sso_session\n\
         sso_account_id = 12345\nsso_role_name = Admin Access\n"
    )
}

const HUGE_ACCOUNT: &str = "profile \"huge_account\" has an invalid sso_account_id \
    (~/.aws/config:25): a value 70000 characters long is not an account id; an account id is \
    12 digits, e.g. 111111111111; fix it in [profile huge_account]";
const HUGE_ROLE: &str = "profile \"huge_role\" has an invalid sso_role_name (~/.aws/config:31): \
    a value 70000 characters long is not a role name; a role name is 1 to 64 letters, digits \
    and _+=,.@-, e.g. AdministratorAccess; fix it in [profile huge_role]";
const SHORT_ACCOUNT: &str = "profile \"short_account\" has an invalid sso_account_id \
    (~/.aws/config:35): \"12345\" is not an account id; an account id is 12 digits, e.g. \
    111111111111; fix it in [profile short_account]";

#[test]
fn huge_account_ids_and_role_names_are_refused_before_any_request() {
    let env = Env::new();
    env.sb.write(".aws/config", &hostile_config());
    for (profile, message) in [
        ("huge_account", HUGE_ACCOUNT),
        ("huge_role", HUGE_ROLE),
        ("short_account", SHORT_ACCOUNT),
    ] {
        for args in [
            &["creds", profile][..],
            &["whoami", profile],
            &["console", profile, "--print"],
            &["exec", profile, "--", "true"],
        ] {
            env.fake.clear_requests();
            let o = env.run(args);
            assert_eq!(
                (o.status.code(), stdout(&o).as_str(), stderr(&o)),
                (Some(1), "", format!("ssox: {message}\n")),
                "{args:?}"
            );
            assert_eq!(env.fake.ops(), Vec::<String>::new(), "{args:?}");
        }
    }
    // The good profiles of the same file still work.
    let o = env.run(&["creds", "blog_admin", "--format", "process"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `GET path` with the bearer token; the status and body.
fn get(place: &str, path: &str, token: &str) -> (u16, String) {
    let mut conn = TcpStream::connect(place).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: {place}\r\nAuthorization: {token}\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    (
        head.split(' ').nth(1).unwrap().parse().unwrap(),
        body.to_string(),
    )
}

#[test]
fn serve_answers_a_huge_value_with_its_error_and_keeps_serving() {
    let env = Env::new();
    env.sb.write(".aws/config", &hostile_config());
    let mut child = env
        .cmd()
        // Without --profile: any profile is served (at /profiles/NAME).
        .env("AWS_PROFILE", "blog_admin")
        .args(["serve", "--print-env"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let var = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("no {name} in {out}"))
            .to_string()
    };
    let uri = var("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    let token = var("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    let place = uri["http://".len()..]
        .split('/')
        .next()
        .unwrap()
        .to_string();
    for (profile, message) in [("huge_account", HUGE_ACCOUNT), ("huge_role", HUGE_ROLE)] {
        let (status, body) = get(&place, &format!("/profiles/{profile}"), &token);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (status, v["message"].as_str()),
            (500, Some(message)),
            "{body}"
        );
    }
    let (status, body) = get(&place, "/profiles/blog_admin", &token);
    assert_eq!(status, 200, "{body}");
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
    let _ = child.kill();
    let _ = child.wait();
}
