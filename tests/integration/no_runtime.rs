//! Commands that need no network never build an async runtime or open a socket: checked with
//! strace (a tokio runtime shows up as `epoll_create1`/`eventfd2`, any network use as `socket`).

use crate::support::*;

const CONFIG: &str = "\
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1

[profile blog_admin]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1

[profile console]
login_session = arn:aws:sts::012345678910:assumed-role/Admin/admin
";

/// The runtime/network syscalls `ssox ARGS` made, one name per call.
fn runtime_syscalls(sb: &Sandbox, args: &[&str]) -> Vec<String> {
    let trace = sb.dir.path().join("trace");
    let mut c = std::process::Command::new("strace");
    scrub(&mut c, &sb.home);
    let o = c
        .env("AWS_PROFILE", "blog_admin")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["-f", "-o"])
        .arg(&trace)
        .args(["-e", "trace=epoll_create1,eventfd2,socket"])
        .arg(ssox_bin())
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.code().is_some(), "{}", stderr(&o));
    std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let call = l.split_whitespace().nth(1)?;
            let name = call.split('(').next()?;
            ["epoll_create1", "eventfd2", "socket"]
                .contains(&name)
                .then(|| name.to_string())
        })
        .collect()
}

#[test]
fn offline_commands_build_no_runtime_and_open_no_socket() {
    if !require_tool("strace") {
        return;
    }
    let sb = Sandbox::with_config(CONFIG);
    // A valid token, so that `status --check` really has something to check.
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(8);
    sb.write(
        ".aws/sso/cache/0f48d88342f931565c13babcf62a17530cf43d9d.json",
        &format!(
            r#"{{"accessToken": "t", "expiresAt": "{}"}}"#,
            stamp(expires)
        ),
    );
    // An `aws login` profile's credentials, expired (reading them is still no network).
    sb.write(
        ".aws/login/cache/4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json",
        &crate::support::login_session::cache_json("AKID", "2020-01-01T00:00:00Z", "rt"),
    );
    let proj = sb.write("proj/.ssox.toml", "profile = \"blog_admin\"\n");
    let proj = proj.to_str().unwrap();
    for args in [
        &["use", "blog_admin"][..],
        &["use", "console"],
        &["pick", "console"],
        // The directory hook (what a `cd` costs), and its commands.
        &["hook", "--shell", "bash"],
        &["allow", proj],
        &["here"],
        &["use", "--clear"],
        &["list"],
        &["list", "--json"],
        &["pick", "blog_admin"],
        &["status"],
        &["status", "--json"],
        &["status", "--prompt"],
        &["init", "bash", "--aliases"],
        &["completions", "zsh"],
        &["man"],
        &["doctor"],
        &["use", "blog_admin", "--region", "eu-west-1"],
        // A network command's help is still instant (`serve` itself listens on a socket).
        &["serve", "--help"],
    ] {
        assert_eq!(
            runtime_syscalls(&sb, args),
            Vec::<String>::new(),
            "ssox {args:?}"
        );
    }
    // The probe sees a runtime and a socket when there is one.
    for args in [&["status", "--check"][..], &["doctor", "--network"]] {
        let seen = runtime_syscalls(&sb, args);
        assert!(
            seen.contains(&"epoll_create1".to_string()),
            "{args:?}: {seen:?}"
        );
        assert!(seen.contains(&"socket".to_string()), "{args:?}: {seen:?}");
    }
}
