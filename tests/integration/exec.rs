//! `ssox exec` against the fake AWS: the child's environment, its exit code, a missing command,
//! and signals (ssox outlives a Ctrl-C meant for the child, and dies as the child did).

use crate::support::signed_in::{in_minutes, Env, SEED_AKID, SEED_SECRET, SEED_TOKEN};
use crate::support::*;

const SHOW_ENV: &str = "env | grep -E '^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|CREDENTIAL_EXPIRATION|REGION|DEFAULT_REGION|PROFILE|DEFAULT_PROFILE)=' | sort; exit 3";

#[test]
fn exec_sets_credentials_and_region_drops_profiles_and_returns_the_exit_code() {
    let env = Env::new();
    let exp = in_minutes(50);
    env.seed_role_cache("ReadOnlyAccess", SEED_AKID, SEED_SECRET, SEED_TOKEN, &exp);
    let o = env
        .cmd()
        .env("AWS_PROFILE", "other")
        .env("AWS_DEFAULT_PROFILE", "other")
        .env("AWS_REGION", "ap-south-1")
        .args(["exec", "blog_ro", "--", "sh", "-c", SHOW_ENV])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "AWS_ACCESS_KEY_ID={SEED_AKID}\nAWS_CREDENTIAL_EXPIRATION={exp}\nAWS_DEFAULT_REGION=eu-west-1\n\
             AWS_REGION=eu-west-1\nAWS_SECRET_ACCESS_KEY={SEED_SECRET}\nAWS_SESSION_TOKEN={SEED_TOKEN}\n"
        )
    );
    assert_eq!(stderr(&o), "");
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn exec_without_a_profile_region_keeps_the_callers_region() {
    let env = Env::new();
    let o = env
        .cmd()
        .env("AWS_REGION", "ap-south-1")
        .args(["exec", "no_region", "--", "sh", "-c", SHOW_ENV])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("\nAWS_REGION=ap-south-1\n"), "{out}");
    assert!(!out.contains("AWS_DEFAULT_REGION"), "{out}");
    // Fetched this time, and the fetched keys are what the child got.
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
    let akid = out
        .lines()
        .find_map(|l| l.strip_prefix("AWS_ACCESS_KEY_ID="))
        .unwrap();
    let (_, secret, _) = env.fake.role_credentials_for(akid).unwrap();
    assert!(out.contains(&format!("AWS_SECRET_ACCESS_KEY={secret}\n")));
}

#[test]
fn exec_success_is_zero_and_arguments_pass_through() {
    let env = Env::new();
    let o = env.run(&[
        "exec",
        "blog_admin",
        "--",
        "printf",
        "%s|",
        "a b",
        "$HOME",
        "--",
        "-x",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "a b|$HOME|--|-x|");
}

/// aws-vault users type the command without `--`; a `--` after its first word is its own.
#[test]
fn exec_runs_a_command_typed_without_dashes() {
    let env = Env::new();
    let o = env.run(&[
        "exec",
        "blog_admin",
        "printf",
        "%s|",
        "a b",
        "--",
        "-x",
        "--verbose",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "a b|--|-x|--verbose|");
    assert_eq!(stderr(&o), "");
    // With $AWS_PROFILE and no PROFILE, the first word is a profile: say so when it is none.
    let o = env
        .cmd()
        .env("AWS_PROFILE", "blog_admin")
        .args(["exec", "printf", "%s|", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: profile \"printf\" not found in ~/.aws/config; to run the command with \
         $AWS_PROFILE (blog_admin), put -- before it: ssox exec -- printf …\n"
    );
}

#[test]
fn exec_of_a_missing_command_is_127() {
    let env = Env::new();
    let o = env.run(&["exec", "blog_admin", "--", "no-such-command-ssox-test", "x"]);
    assert_eq!(o.status.code(), Some(127));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: no-such-command-ssox-test: command not found\n"
    );
}

#[test]
fn exec_survives_sigint_while_the_child_runs() {
    let env = Env::new();
    // The child sends SIGINT to ssox (its parent), as a terminal's Ctrl-C would, then exits 5.
    let o = env.run(&[
        "exec",
        "blog_admin",
        "--",
        "sh",
        "-c",
        "kill -INT $PPID; sleep 0.3; echo still here; exit 5",
    ]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert_eq!(stdout(&o), "still here\n");
}

#[test]
fn exec_dies_of_the_childs_signal() {
    use std::os::unix::process::ExitStatusExt;
    let env = Env::new();
    let o = env.run(&["exec", "blog_admin", "--", "sh", "-c", "kill -INT $$"]);
    assert_eq!(o.status.signal(), Some(2), "{:?}", o.status);
    // SIGTERM sent to ssox alone reaches the child.
    let o = env.run(&[
        "exec",
        "blog_admin",
        "--",
        "sh",
        "-c",
        "sleep 5 & s=$!; trap 'kill $s; echo got TERM; exit 7' TERM; kill -TERM $PPID; wait $s",
    ]);
    assert_eq!(o.status.code(), Some(7), "{:?} {}", o.status, stderr(&o));
    assert_eq!(stdout(&o), "got TERM\n");
}

#[test]
fn exec_with_an_expired_token_runs_nothing() {
    let env = Env::new();
    env.write_token(time::OffsetDateTime::now_utc() - time::Duration::minutes(5));
    let o = env.run(&["exec", "blog_admin", "--", "sh", "-c", "echo ran"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"my_sso_session\" expired 5m ago; run: ssox login\n"
    );
}

#[test]
fn exec_keeps_an_ignored_sighup_ignored() {
    // As under nohup: SIGHUP ignored for ssox stays ignored for the child.
    let env = Env::new();
    let o = env
        .cmd()
        .args([
            "exec",
            "blog_admin",
            "--",
            "sh",
            "-c",
            "kill -HUP $$; echo survived",
        ])
        .output()
        .unwrap();
    // Without nohup the child dies of its own SIGHUP (default action), and so does ssox; unless
    // the tests themselves run with SIGHUP ignored (under nohup), which every child inherits.
    use std::os::unix::process::ExitStatusExt;
    if sighup_ignored_here() {
        assert_eq!(stdout(&o), "survived\n", "{:?}", o.status);
    } else {
        assert_eq!(o.status.signal(), Some(1), "{:?}", o.status);
    }
    if !require_tool("nohup") {
        return;
    }
    let mut c = std::process::Command::new("nohup");
    scrub(&mut c, &env.sb.home);
    let o = c
        .envs(env.fake.env())
        .args([
            ssox_bin(),
            "exec",
            "blog_admin",
            "--",
            "sh",
            "-c",
            "kill -HUP $$; kill -HUP $PPID; echo survived",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{:?} {}", o.status, stderr(&o));
    assert_eq!(stdout(&o), "survived\n");
}

/// Without a command: the user's `$SHELL`, with the credentials, the marker that
/// `ssox status --prompt` shows, and the profile from `$AWS_PROFILE` when none is given.
#[test]
fn exec_without_a_command_starts_the_shell_with_a_prompt_marker() {
    let env = Env::new();
    let exp = in_minutes(50);
    env.seed_role_cache("ReadOnlyAccess", SEED_AKID, SEED_SECRET, SEED_TOKEN, &exp);
    let shell = env.sb.dir.path().join("fake-shell");
    std::fs::write(
        &shell,
        format!(
            "#!/bin/sh\necho \"args=$# marker=$SSOX_EXEC_PROFILE key=$AWS_ACCESS_KEY_ID \
             profile=${{AWS_PROFILE-unset}}\"\n'{}' status --prompt\nexit 4\n",
            ssox_bin()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&shell, std::fs::Permissions::from_mode(0o755)).unwrap();
    for args in [&["exec", "blog_ro"][..], &["exec"]] {
        let o = env
            .cmd()
            .env("SHELL", &shell)
            .env("AWS_PROFILE", "blog_ro")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(4), "{args:?}: {}", stderr(&o));
        assert_eq!(
            stdout(&o),
            format!("args=0 marker=blog_ro key={SEED_AKID} profile=unset\nexec:blog_ro 49m\n"),
            "{args:?}"
        );
        assert_eq!(
            stderr(&o),
            format!(
                "ssox: starting {} with the credentials of blog_ro (role ReadOnlyAccess in account \
                 111111111111, until {exp}); `exit` returns\n",
                shell.display()
            )
        );
    }
    // With a command, `--` after no profile: $AWS_PROFILE's credentials.
    let o = env
        .cmd()
        .env("AWS_PROFILE", "blog_ro")
        .args([
            "exec",
            "--",
            "sh",
            "-c",
            "echo $AWS_ACCESS_KEY_ID $SSOX_EXEC_PROFILE",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{SEED_AKID} blog_ro\n"));
    // Neither a profile nor $AWS_PROFILE.
    let o = env.run(&["exec"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "ssox: no profile given and AWS_PROFILE is not set; run: ssox exec PROFILE (or ssox use PROFILE first)\n"
    );
}

/// Whether this test process has SIGHUP ignored (Linux's /proc; elsewhere assumed not).
fn sighup_ignored_here() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & 1 != 0)
}
