//! `ssox doctor` through the built binary: every check's line with its fix, the exit code, the
//! shell integration and aliases seen through the `ssox init` function of bash, zsh and fish,
//! the browser, and with `--network` the clock and tokens against the fake portal.

use std::process::Output;

use crate::support::fake_aws::FakeAws;
use crate::support::signed_in::{sha1_name, Env};
use crate::support::*;

const CONFIG: &str = "\
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[sso-session other]
sso_start_url = https://other.awsapps.com/start
sso_region = us-east-1

[profile dev_admin]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AdministratorAccess

[profile broken]
sso_session = nope

[profile noacct]
sso_session = corp
sso_role_name = ReadOnlyAccess

[profile \"half]
region = us-east-1
";

/// A token for `corp` with 8h10m left (and half a minute to spare for the test's own time).
fn corp_token(sb: &Sandbox) {
    let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(8 * 3600 + 630);
    sb.write(
        &format!(".aws/sso/cache/{}", sha1_name("corp")),
        &format!(
            r#"{{"accessToken": "t", "expiresAt": "{}"}}"#,
            stamp(expires)
        ),
    );
}

fn lines_of(o: &Output) -> Vec<String> {
    stdout(o).lines().map(str::to_string).collect()
}

#[test]
fn doctor_reports_each_check_with_its_fix_and_fails_with_1() {
    let sb = Sandbox::with_config(CONFIG);
    corp_token(&sb);
    let o = sb
        .cmd()
        .env("AWS_PROFILE", "dev_admin")
        .env("AWS_DEFAULT_PROFILE", "old_admin")
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert_eq!(
        stdout(&o),
        "ok    config: ~/.aws/config read: 3 profiles, 2 sso-sessions\n\
         warn  config: ~/.aws/config:21: [profile \"half] has an unbalanced quote or a trailing `\\`, so it is ignored; close the quote\n\
         fail  profile broken: profile \"broken\" uses sso-session \"nope\", which does not exist (~/.aws/config:15); add an [sso-session nope] section or fix the name\n\
         warn  profile noacct: profile \"noacct\" is missing sso_account_id (~/.aws/config:17); add `sso_account_id = 111111111111` to [profile noacct]; until then `ssox use` switches, but creds, exec, console and the SDKs get no role credentials\n\
         ok    session corp: token valid for 8h10m\n\
         warn  session other: not logged in (no cached token); fix: ssox login other\n\
         fail  environment: AWS_PROFILE is dev_admin but AWS_DEFAULT_PROFILE is old_admin: the AWS CLI v2 uses dev_admin, boto3 and the CLI v1 use old_admin; fix: ssox use dev_admin (sets both)\n\
         warn  environment: AWS_ACCESS_KEY_ID is set and overrides any profile in every AWS tool; fix: ssox use --clear (or ssox use NAME)\n\
         warn  shell: the ssox shell function is not loaded here, so ssox use and ssox pick only print shell code (there is no integration for POSIX sh); fix: use bash, zsh, fish or PowerShell, or switch with: eval \"$(ssox use NAME)\"\n\
         warn  aliases: this shell's aliases are unknown (ssox doctor ran outside the ssox function); fix: run `alias` and delete any alias named like a profile or setting AWS_PROFILE or AWS_DEFAULT_PROFILE; or load the shell integration and run ssox doctor again\n\
         ok    browser: not opened here (neither DISPLAY nor WAYLAND_DISPLAY is set): ssox login prints the URL and code to open on any device\n\
         doctor: 2 failures, 6 warnings\n"
    );
}

#[test]
fn doctor_names_a_config_file_that_is_not_there() {
    let sb = Sandbox::new();
    let o = sb
        .cmd()
        .env("AWS_CONFIG_FILE", sb.path("nowhere/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("SHELL", "/bin/zsh")
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines = lines_of(&o);
    assert_eq!(
        lines[..2],
        [
            "fail  config: AWS_CONFIG_FILE is ~/nowhere/config, which does not exist; fix: correct AWS_CONFIG_FILE, or unset it to use ~/.aws/config",
            "warn  credentials: AWS_SHARED_CREDENTIALS_FILE is /nonexistent/credentials, which does not exist; fix: correct AWS_SHARED_CREDENTIALS_FILE, or unset it to use ~/.aws/credentials",
        ]
    );
    // The shell comes from $SHELL: the fix is the line for ~/.zshrc.
    assert!(
        lines.contains(
            &"warn  shell: the ssox shell function is not loaded here, so ssox use and ssox pick only print shell code; fix: add 'eval \"$(ssox init zsh)\"' to ~/.zshrc, then open a new shell".to_string()
        ),
        "{lines:#?}"
    );
    let o = sb.run(&["doctor"]);
    assert_eq!(
        lines_of(&o)[0],
        "fail  config: ~/.aws/config does not exist; fix: run ssox configure (then ssox sync), or write an [sso-session] and a [profile] by hand (see README.md)"
    );
}

/// In bash, zsh or fish with the integration loaded: an alias of the old workflow, one that
/// is harmless, one setting AWS_PROFILE, and (not in fish) one `ssox init --aliases` would make;
/// then `ssox doctor` through the function.
fn doctor_through_function(sb: &Sandbox, shell: &str) -> Output {
    let aliases = match shell {
        "fish" => {
            "alias dev_admin 'set -gx AWS_DEFAULT_PROFILE dev_admin'\n\
                   alias ll 'ls -l'\nalias prod 'set -gx AWS_PROFILE prod'\n"
        }
        _ => {
            "alias dev_admin='export AWS_DEFAULT_PROFILE=dev_admin'\nalias ll='ls -l'\n\
              alias prod='export AWS_PROFILE=prod'\nalias noacct='ssox use noacct'\n"
        }
    };
    with_integration(sb, shell, &format!("{aliases}ssox doctor\n"))
        .env("AWS_PROFILE", "dev_admin")
        .env("AWS_DEFAULT_PROFILE", "dev_admin")
        .output()
        .unwrap()
}

#[test]
fn doctor_through_the_function_sees_the_integration_and_old_aliases() {
    let sb = Sandbox::with_config(CONFIG);
    corp_token(&sb);
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let o = doctor_through_function(&sb, shell);
        assert_eq!(o.status.code(), Some(1), "{shell}: {}", stderr(&o));
        let lines = lines_of(&o);
        let from = lines
            .iter()
            .position(|l| l.starts_with("ok    environment"))
            .unwrap();
        let unalias = if shell == "fish" {
            "functions --erase"
        } else {
            "unalias"
        };
        assert_eq!(
            lines[from..],
            [
                "ok    environment: AWS_PROFILE and AWS_DEFAULT_PROFILE agree: dev_admin".to_string(),
                format!("ok    shell: the ssox function (ssox init {shell}) is loaded in this shell"),
                format!("warn  alias dev_admin: `dev_admin` runs `{}` instead of switching with ssox: it shadows the profile dev_admin; fix: delete it from your shell's startup files, then run: {unalias} dev_admin",
                    if shell == "fish" { "set -gx AWS_DEFAULT_PROFILE dev_admin" } else { "export AWS_DEFAULT_PROFILE=dev_admin" }),
                format!("warn  alias prod: `prod` runs `{}`: setting AWS_PROFILE or AWS_DEFAULT_PROFILE by hand can leave the two on different accounts; fix: delete it from your shell's startup files, then run: {unalias} prod; switch with: ssox use PROFILE",
                    if shell == "fish" { "set -gx AWS_PROFILE prod" } else { "export AWS_PROFILE=prod" }),
                "ok    browser: not opened here (neither DISPLAY nor WAYLAND_DISPLAY is set): ssox login prints the URL and code to open on any device".to_string(),
                "doctor: 1 failure, 5 warnings".to_string(),
            ],
            "{shell}"
        );
    }
}

#[test]
fn doctor_passes_with_0_when_everything_is_in_order() {
    if !require_tool("bash") {
        return;
    }
    let sb = Sandbox::with_config(SEED_CONFIG);
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(8);
    sb.write(
        &format!(".aws/sso/cache/{}", sha1_name("my_sso_session")),
        &format!(
            r#"{{"accessToken": "t", "expiresAt": "{}"}}"#,
            stamp(expires)
        ),
    );
    let o = with_integration(&sb, "bash", "ssox doctor")
        .env("AWS_PROFILE", "blog_admin")
        .env("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "ok    config: ~/.aws/config read: 1 profile, 1 sso-session\n\
         ok    profiles: every SSO profile names its session, account and role\n\
         ok    session my_sso_session: token valid for 7h59m\n\
         ok    environment: AWS_PROFILE and AWS_DEFAULT_PROFILE agree: blog_admin\n\
         ok    shell: the ssox function (ssox init bash) is loaded in this shell\n\
         ok    aliases: this shell has no aliases\n\
         ok    browser: not opened here (this is an SSH session): ssox login prints the URL and code to open on any device\n\
         doctor: all checks ok\n"
    );
}

#[test]
fn doctor_finds_the_browser_opener_on_path() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    let bin = sb.dir.path().join("openers");
    std::fs::create_dir_all(&bin).unwrap();
    let browser = |path: &std::path::Path| {
        let o = sb
            .cmd()
            .env("DISPLAY", ":0")
            .env("PATH", path)
            .arg("doctor")
            .output()
            .unwrap();
        lines_of(&o)
            .into_iter()
            .find(|l| l.contains("browser"))
            .unwrap()
    };
    assert_eq!(
        browser(&bin),
        "warn  browser: a display is set, but none of xdg-open, gio, gnome-open, kde-open6, kde-open5, kde-open is on PATH to open a browser with; fix: install xdg-utils (xdg-open), set BROWSER, or use ssox login --device-code"
    );
    let gio = bin.join("gio");
    std::fs::write(&gio, "#!/bin/sh\n").unwrap();
    assert!(browser(&bin).starts_with("warn  browser"), "not executable");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&gio, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(browser(&bin), "ok    browser: ssox login opens it with gio");
}

/// `--network`: the clock against the portal's `Date` (the fake's, shifted), and the portal's
/// verdict on the valid token.
#[test]
fn doctor_network_compares_the_clock_and_checks_tokens() {
    let env = Env::new();
    let run = |offset: i64| {
        env.fake.script().date_offset = offset;
        env.fake.clear_requests();
        let o = env
            .cmd()
            .env("AWS_PROFILE", "blog_admin")
            .args(["doctor", "--network"])
            .output()
            .unwrap();
        let lines = lines_of(&o);
        let clock = lines.iter().find(|l| l.contains("clock")).unwrap().clone();
        let verdict = lines
            .iter()
            .find(|l| l.contains("SSO portal accepts"))
            .cloned();
        (o.status.code(), clock, verdict)
    };
    let url = env.fake.url();
    let (code, clock, verdict) = run(0);
    // Warnings only (no shell integration here): exit 0.
    assert_eq!(code, Some(0), "{clock}");
    // The `Date` header has one-second resolution and the request takes a while on a loaded
    // machine: allow a few seconds either way.
    assert!(
        (0..=3).any(|s| clock == format!("ok    clock: within {s}s of the SSO portal's ({url})")),
        "{clock}"
    );
    assert_eq!(
        verdict.as_deref(),
        Some("ok    session my_sso_session: the SSO portal accepts the token")
    );
    let requests = env.fake.requests();
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/")
    );
    assert_eq!(requests[0].header("authorization"), None);
    // Ten minutes behind the portal: a failure; two: a warning.
    let (_, clock, _) = run(600);
    assert!(
        ["9m57s", "9m58s", "9m59s", "10m0s", "10m1s"].iter().any(|d| clock == format!(
            "fail  clock: this machine's clock is {d} behind the SSO portal's ({url}): token lifetimes are off and AWS rejects signed requests; fix: turn on time synchronisation (e.g. sudo timedatectl set-ntp true)"
        )),
        "{clock}"
    );
    let (_, clock, _) = run(-120);
    assert!(
        ["1m59s", "2m0s", "2m1s", "2m2s", "2m3s"].iter().any(|d| clock == format!(
            "warn  clock: this machine's clock is {d} ahead of the SSO portal's ({url}); fix: turn on time synchronisation (e.g. sudo timedatectl set-ntp true)"
        )),
        "{clock}"
    );
}

#[test]
fn doctor_network_says_when_the_portal_cannot_be_reached() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    // A valid token, for the portal's verdict.
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(8);
    sb.write(
        &format!(".aws/sso/cache/{}", sha1_name("my_sso_session")),
        &format!(
            r#"{{"accessToken": "t", "expiresAt": "{}", "region": "us-east-1"}}"#,
            stamp(expires)
        ),
    );
    // A port nothing listens on.
    let fake = FakeAws::start();
    let url = fake.url();
    drop(fake);
    let o = sb
        .cmd()
        .env("AWS_ENDPOINT_URL_SSO", &url)
        .args(["doctor", "--network"])
        .output()
        .unwrap();
    // A failed check (exit 1), in the report, and no stray line on stderr.
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_eq!(stderr(&o), "");
    let place = url.trim_start_matches("http://");
    let lines = lines_of(&o);
    let network: Vec<&String> = lines.iter().filter(|l| l.contains("SSO portal")).collect();
    assert_eq!(
        network,
        [
            &format!(
                "fail  clock: cannot compare with the SSO portal: cannot connect to {place}: \
                 connection refused; fix: check your network, VPN and proxy settings, then run \
                 ssox doctor --network again"
            ),
            &format!(
                "fail  session my_sso_session: cannot ask the SSO portal about the token: \
                 ListAccounts: cannot connect to {place}: connection refused; fix: check your \
                 network, VPN and proxy settings, then run ssox doctor --network again"
            ),
        ]
    );
}
