//! Switching without surprises, through the built binary and real shells: `use -` (the
//! previous profile, as `cd -`), `use --region`, the hint when shell code lands on a terminal,
//! `login --use PROFILE`, `list --sessions`, and the help texts.

use std::process::{Command, Output};

use crate::support::pty::Pty;
use crate::support::signed_in::{self, sha1_name};
use crate::support::*;

const CONFIG: &str = "\
[profile blog_admin]
region = us-east-1

[profile shop_admin]
region = eu-west-1
";

const UNSETS: &str =
    "unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\n\
                      unset AWS_CREDENTIAL_EXPIRATION;\n";

fn in_shell(sb: &Sandbox, shell: &str, body: &str) -> Output {
    with_integration(sb, shell, body).output().unwrap()
}

#[test]
fn use_dash_switches_back_and_forth_like_cd_dash() {
    let sb = Sandbox::with_config(CONFIG);
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let status = if shell == "fish" { "$status" } else { "$?" };
        let o = in_shell(
            &sb,
            shell,
            &format!(
                "ssox use -; echo \"rc={status} none=$AWS_PROFILE\"\n\
                 ssox use blog_admin; ssox use shop_admin\n\
                 ssox use -; echo \"1 $AWS_PROFILE $AWS_DEFAULT_PROFILE $SSOX_PREVIOUS_PROFILE\"\n\
                 ssox use -; echo \"2 $AWS_PROFILE $AWS_DEFAULT_PROFILE $SSOX_PREVIOUS_PROFILE\"\n"
            ),
        );
        assert_eq!(
            stdout(&o),
            "rc=1 none=\n1 blog_admin blog_admin shop_admin\n2 shop_admin shop_admin blog_admin\n",
            "{shell}: {}",
            stderr(&o)
        );
        assert_eq!(
            stderr(&o),
            "ssox: no previous profile in this shell (SSOX_PREVIOUS_PROFILE is not set); \
             `ssox use -` switches back after a switch made with ssox use or ssox pick\n\
             ssox: back to blog_admin\nssox: back to shop_admin\n",
            "{shell}"
        );
    }
}

#[test]
fn the_profile_left_behind_is_quoted_like_any_value() {
    if !require_tool("bash") {
        return;
    }
    let sb = Sandbox::with_config(CONFIG);
    let hostile = "$(touch pwned)'";
    let o = sb
        .cmd()
        .env("AWS_PROFILE", hostile)
        .args(["use", "blog_admin", "--shell", "bash"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        format!(
            "{UNSETS}export AWS_PROFILE='blog_admin';\nexport AWS_DEFAULT_PROFILE='blog_admin';\n\
             export SSOX_PREVIOUS_PROFILE='$(touch pwned)'\\''';\n"
        )
    );
    let mut c = Command::new("bash");
    scrub(&mut c, &sb.home);
    let o = c
        .current_dir(&sb.home)
        .env("CODE", stdout(&o))
        .args([
            "--norc",
            "-c",
            "eval \"$CODE\"; printf '%s\\n' \"$SSOX_PREVIOUS_PROFILE\"",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), format!("{hostile}\n"));
    assert!(!sb.home.join("pwned").exists());
    // Switching to the profile already active keeps the previous one as it was.
    let o = sb
        .cmd()
        .env("AWS_PROFILE", "blog_admin")
        .args(["use", "blog_admin", "--shell", "fish"])
        .output()
        .unwrap();
    assert!(
        !stdout(&o).contains("SSOX_PREVIOUS_PROFILE"),
        "{}",
        stdout(&o)
    );
    // `--clear` remembers the profile too, so `use -` brings it back.
    let o = sb
        .cmd()
        .env("AWS_PROFILE", "shop_admin")
        .args(["use", "--clear", "--shell", "zsh"])
        .output()
        .unwrap();
    assert!(
        stdout(&o).ends_with(
            "unset AWS_CREDENTIAL_EXPIRATION;\nexport SSOX_PREVIOUS_PROFILE='shop_admin';\n"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn use_region_sets_both_region_variables() {
    let sb = Sandbox::with_config(CONFIG);
    let o = sb.run(&[
        "use",
        "shop_admin",
        "--region",
        "eu-west-1",
        "--shell",
        "bash",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "{UNSETS}export AWS_PROFILE='shop_admin';\nexport AWS_DEFAULT_PROFILE='shop_admin';\n\
             export AWS_REGION='eu-west-1';\nexport AWS_DEFAULT_REGION='eu-west-1';\n"
        )
    );
    let o = sb.run(&["use", "shop_admin", "--region", "eu west; id"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(1), String::new()));
    assert_eq!(
        stderr(&o),
        "ssox: invalid region \"eu west; id\": a region is lowercase letters, digits and dashes, \
         e.g. --region eu-west-1\n"
    );
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let o = in_shell(
            &sb,
            shell,
            "ssox use shop_admin --region ap-south-2\n\
             echo \"$AWS_PROFILE $AWS_REGION $AWS_DEFAULT_REGION\"\n",
        );
        assert_eq!(
            (stdout(&o), stderr(&o)),
            (
                "shop_admin ap-south-2 ap-south-2\n".to_string(),
                String::new()
            ),
            "{shell}"
        );
    }
}

/// The hint `use` and `pick` print when their shell code lands on a terminal, per shell.
#[test]
fn shell_code_on_a_terminal_comes_with_a_hint() {
    let sb = Sandbox::with_config(CONFIG);
    let cases = [
        (
            "ssox use blog_admin --shell bash",
            "ssox: this prints shell code; to switch this shell add 'eval \"$(ssox init bash)\"' to ~/.bashrc (or run: eval \"$(ssox use blog_admin)\")",
            "export AWS_PROFILE='blog_admin';",
        ),
        (
            "ssox use shop_admin --region eu-west-1",
            "ssox: this prints shell code; to switch this shell add 'ssox init fish | source' to ~/.config/fish/config.fish (or run: ssox use shop_admin --region eu-west-1 | source)",
            "set -gx AWS_REGION 'eu-west-1';",
        ),
        (
            "ssox pick shop --shell zsh",
            "ssox: this prints shell code; to switch this shell add 'eval \"$(ssox init zsh)\"' to ~/.zshrc (or run: eval \"$(ssox pick shop)\")",
            "export AWS_PROFILE='shop_admin';",
        ),
    ];
    for (script, hint, code) in cases {
        let mut p = Pty::spawn(&sb, script, &[("SHELL", "/usr/bin/fish")], 200, 30);
        p.wait_for(code);
        let (status, screen) = p.finish();
        assert_eq!(status, 0, "{screen}");
        assert!(
            screen.contains(&format!("{hint}\r\n")),
            "{script}: {screen:?}"
        );
    }
    // Into a file (or a shell's `$(…)`): no hint.
    let p = Pty::spawn(&sb, "ssox use blog_admin > out; echo done", &[], 200, 30);
    let (status, screen) = p.finish();
    assert_eq!(status, 0);
    assert_eq!(screen.trim(), "done", "{screen:?}");
}

#[test]
fn login_use_takes_the_profile_and_keeps_the_old_spelling() {
    let env = signed_in::Env::new();
    let exports = format!(
        "{UNSETS}export AWS_PROFILE='blog_admin';\nexport AWS_DEFAULT_PROFILE='blog_admin';\n"
    );
    for args in [
        &["login", "--use", "blog_admin", "--shell", "bash"][..],
        &["login", "--use=blog_admin", "--shell", "bash"],
        &["login", "blog_admin", "--use", "--shell", "bash"],
    ] {
        let o = env.run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(
            (stdout(&o), stderr(&o)),
            (exports.clone(), String::new()),
            "{args:?}"
        );
    }
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    let o = env.run(&["login", "blog_ro", "--use", "blog_admin"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(1), String::new()));
    assert_eq!(
        stderr(&o),
        "ssox: `ssox login blog_ro --use blog_admin` names two profiles; log in and switch with: ssox login --use blog_admin\n"
    );
    let o = env.run(&["login", "--use"]);
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (
            Some(1),
            "ssox: `ssox login --use` needs a profile: ssox login --use PROFILE\n".to_string()
        )
    );
    // Through the function: the shell switches.
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let o = in_shell(
            &env.sb,
            shell,
            "ssox login --use blog_ro\necho \"$AWS_PROFILE\"\n",
        );
        assert_eq!(stdout(&o), "blog_ro\n", "{shell}: {}", stderr(&o));
    }
}

#[test]
fn list_sessions_has_a_header_and_the_legacy_start_urls() {
    let sb = Sandbox::with_config(&format!(
        "{SEED_CONFIG}\n\
         [profile old_a]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-west-2\n\
         sso_account_id = 1\nsso_role_name = R\n\
         [profile old_b]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-west-2\n\
         sso_account_id = 2\nsso_role_name = R\n"
    ));
    let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(3 * 3600 + 90);
    sb.write(
        &format!(
            ".aws/sso/cache/{}",
            sha1_name("https://old.awsapps.com/start")
        ),
        &format!(
            r#"{{"accessToken": "t", "expiresAt": "{}"}}"#,
            stamp(expires)
        ),
    );
    let o = sb.run(&["list", "--sessions"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "SESSION          START URL                                REGION     TOKEN\n\
         my_sso_session   https://my-sso-portal.awsapps.com/start  us-east-1  none\n\
         old.awsapps.com  https://old.awsapps.com/start            us-west-2  valid 3h1m\n"
    );
    let o = sb.run(&["list", "--sessions", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[1]["name"], "https://old.awsapps.com/start");
    assert_eq!(v[1]["type"], "legacy");
    assert_eq!(v[0]["type"], "sso-session");
    assert_eq!(v.as_array().unwrap().len(), 2);
    // Completion words stay the names `login` takes.
    assert_eq!(
        stdout(&sb.run(&["list", "--sessions", "--names"])),
        "my_sso_session\n"
    );
}

#[test]
fn help_groups_the_commands_and_every_command_ends_with_examples() {
    let sb = Sandbox::new();
    let o = sb.run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains(
            "Usage: ssox [OPTIONS] <COMMAND>\n\nDaily:\n  login        Log in to an sso-session"
        ),
        "{}",
        stdout(&o)
    );
    let text = stdout(&o);
    let names = |group: &str| -> Vec<String> {
        let block = text.split(&format!("\n{group}:\n")).nth(1).unwrap();
        block
            .lines()
            .take_while(|l| !l.is_empty())
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("Daily"), ["login", "use", "pick", "status", "list"]);
    assert_eq!(
        names("Setup"),
        ["configure", "sync", "init", "completions", "man"]
    );
    assert_eq!(
        names("Credentials"),
        ["whoami", "creds", "exec", "serve", "console"]
    );
    assert_eq!(names("Maintenance"), ["logout", "doctor"]);
    for sub in [
        "use",
        "list",
        "pick",
        "login",
        "logout",
        "status",
        "init",
        "completions",
        "man",
        "whoami",
        "creds",
        "exec",
        "serve",
        "console",
        "doctor",
        "configure",
        "sync",
    ] {
        for flag in ["--help", "-h"] {
            let o = sb.run(&[sub, flag]);
            assert_eq!(o.status.code(), Some(0), "{sub}");
            let help = stdout(&o);
            let (_, examples) = help
                .rsplit_once("\nExamples:\n")
                .unwrap_or_else(|| panic!("{sub}: {help}"));
            let lines: Vec<&str> = examples.lines().collect();
            assert!((2..=3).contains(&lines.len()), "{sub}: {examples}");
            for l in lines {
                assert!(
                    l.starts_with("  ssox ") || l.starts_with("  eval \"$(ssox "),
                    "{sub}: {l:?}"
                );
            }
        }
    }
}

/// `ssox login` with several sessions and none chosen: a menu of the sessions with each
/// token's state, aligned under a header, and a row for all of them.
#[test]
fn login_menu_shows_each_session_and_an_all_sessions_row() {
    let sb = Sandbox::with_config(
        "[sso-session alpha]\nsso_start_url = https://alpha.awsapps.com/start\nsso_region = us-east-1\n\
         [sso-session beta]\nsso_start_url = https://b.awsapps.com/start\nsso_region = eu-west-1\n",
    );
    let token = |name: &str, minutes: i64| {
        let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(minutes * 60 + 30);
        sb.write(
            &format!(".aws/sso/cache/{}", sha1_name(name)),
            &format!(r#"{{"accessToken": "t", "expiresAt": "{}"}}"#, stamp(at)),
        );
    };
    token("alpha", -120);
    token("beta", 7 * 60 + 12);
    let mut p = Pty::spawn(&sb, "ssox login", &[], 120, 30);
    p.wait_for("Session> ");
    p.wait_for("3/3");
    // Down to beta, Enter: its token is valid, so nothing more happens.
    p.send("\x1b[B");
    p.send("\r");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    let plain = console::strip_ansi_codes(&screen).into_owned();
    for line in [
        "    SESSION       START URL                        REGION     TOKEN",
        ">   alpha         https://alpha.awsapps.com/start  us-east-1  expired",
        "    beta          https://b.awsapps.com/start      eu-west-1  valid 7h12m",
        "    all sessions  each of the 2 above, in turn",
        "already logged in to beta (valid 7h12m)",
    ] {
        assert!(plain.contains(line), "{line:?} in:\n{plain}");
    }
    // The last row logs in to each (both valid now: no network).
    token("alpha", 60);
    let mut p = Pty::spawn(&sb, "ssox login", &[], 120, 30);
    p.wait_for("3/3");
    p.send("\x1b[F");
    p.send("\r");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    let plain = console::strip_ansi_codes(&screen).into_owned();
    assert!(
        plain.contains(
            "already logged in to alpha (valid 1h0m)\r\nalready logged in to beta (valid 7h12m)"
        ),
        "{plain}"
    );
}
