//! The session lock while an interactive `ssox login` waits for its browser (issue 20 #8):
//! commands that cannot ask anyone (`creds`, `whoami`, `sync`, `exec`, `serve` requests) use the still-valid
//! cached token at once instead of waiting for the lock; only without a usable token do they
//! wait, and then they say that the login waits for a person.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::serve::serve;
use crate::support::fake_aws::Approval;
use crate::support::signed_in::Env;
use crate::support::*;

/// A `ssox login --force --no-browser` (device code) that waits for an approval that never
/// comes, once it polls (it holds the session's lock then).
fn login_waiting_for_a_person(env: &Env) -> Child {
    env.fake.script().approval = Approval::Never;
    let child = env
        .cmd()
        .args(["login", "--force", "--no-browser"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while env.fake.count("CreateToken") < 1 {
        assert!(Instant::now() < deadline, "the login never polled");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn cancel(child: Child) -> String {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    stderr(&o)
}

#[test]
fn a_valid_token_serves_at_once_while_a_login_waits_for_its_browser() {
    let env = Env::new();
    // Valid 10 more minutes: under the 15 that make commands refresh it, under the lock.
    env.write_refreshable_token(OffsetDateTime::now_utc() + time::Duration::minutes(10));
    let token_file = std::fs::read_to_string(env.token_path()).unwrap();
    let login = login_waiting_for_a_person(&env);
    let s = serve(&env, &["--profile", "blog_admin", "--print-env"]);
    let timed = |args: &[&str]| {
        let started = Instant::now();
        let o = env
            .cmd()
            .args(args)
            .env("SSOX_COMMAND_TIMEOUT_MS", "20000")
            .output()
            .unwrap();
        (o, started.elapsed())
    };
    for args in [
        &["creds", "blog_admin", "--format", "env"][..],
        &["whoami", "blog_ro"],
        &["sync", "--dry-run"],
        &["exec", "blog_admin", "--", "true"],
    ] {
        let (o, took) = timed(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(took < Duration::from_secs(5), "{args:?} took {took:?}");
    }
    let started = Instant::now();
    let (status, body) = s.get("/", Some(&s.token()));
    assert_eq!(status, 200, "{body}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // The cached token was used as it was: no refresh (only the login's polls), same file.
    assert!(env
        .fake
        .requests()
        .iter()
        .filter(|r| r.op == "CreateToken")
        .all(|r| !r.body.contains("refresh_token")));
    assert_eq!(
        std::fs::read_to_string(env.token_path()).unwrap(),
        token_file
    );
    drop(s);

    // With no usable token (expired), a command waits for the lock, then says why it gave up.
    env.write_refreshable_token(OffsetDateTime::now_utc() - time::Duration::minutes(1));
    std::fs::remove_file(env.role_cache_path("AdministratorAccess")).unwrap();
    let started = Instant::now();
    let o = env
        .cmd()
        .args(["creds", "blog_admin"])
        .env("SSOX_COMMAND_TIMEOUT_MS", "1500")
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ssox: another ssox login to my_sso_session waits for someone to approve it in a browser \
         and did not finish in time; approve (or cancel) that login, then try again\n"
    );
    assert!(took >= Duration::from_millis(1400), "{took:?}");
    // A second login waiting on the first says what the first waits for.
    let second = env
        .cmd()
        .args(["login", "--no-browser"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    let mut second = second;
    second.kill().unwrap();
    let second_err = stderr(&second.wait_with_output().unwrap());
    cancel(login);
    assert!(
        second_err.starts_with(
            "waiting for another ssox login to my_sso_session to finish (it waits for someone to \
             approve it in a browser)…\n"
        ),
        "{second_err}"
    );
}
