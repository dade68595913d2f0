//! `ssox pick` (and `ssox use` without NAME): the menu driven in a real pseudo-terminal, with
//! stdout captured apart from the terminal; the shortcuts and errors without a terminal.

use std::process::Command;

use crate::support::pty::Pty;
use crate::support::*;

const CONFIG: &str = "\
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile blog_admin]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1

[profile blog_power]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = PowerUserAccess
region = us-east-1

[profile shop_admin]
sso_session = my_sso_session
sso_account_id = 222222222222
sso_role_name = AdministratorAccess
region = eu-west-1
";

const NO_TOKEN: &str = "ssox: sso-session \"my_sso_session\" has no cached token; run: ssox login";

/// What `ssox use NAME --shell bash` prints.
pub fn exports(name: &str) -> String {
    format!(
        "unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\n\
         unset AWS_CREDENTIAL_EXPIRATION;\nexport AWS_PROFILE='{name}';\n\
         export AWS_DEFAULT_PROFILE='{name}';\n"
    )
}

/// `sh -c SCRIPT` in a new pseudo-terminal 160 columns wide (no menu line is cut).
fn pty(sb: &Sandbox, script: &str, env: &[(&str, &str)]) -> Pty {
    Pty::spawn(sb, script, env, 160, 30)
}

/// Wait for the menu's first frame.
fn menu_up(p: &mut Pty) {
    p.wait_for("Profile> ");
}

/// A file under the sandbox HOME (the pty scripts run there).
fn read(sb: &Sandbox, rel: &str) -> String {
    std::fs::read_to_string(sb.path(rel)).unwrap()
}

/// `ssox ARGS` with no controlling terminal at all (stdin, stdout, stderr piped).
fn detached(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut c = Command::new(ssox_bin());
    scrub(&mut c, &sb.home);
    // A new session has no controlling terminal, so /dev/tty cannot be opened either.
    // SAFETY: setsid is async-signal-safe and touches no memory of this process.
    unsafe {
        c.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c.args(args).output().unwrap()
}

#[test]
fn typed_query_and_enter_print_only_the_exports_of_use() {
    let sb = Sandbox::with_config(CONFIG);
    let mut p = pty(
        &sb,
        "ssox pick --shell bash > out",
        &[("AWS_PROFILE", "shop_admin")],
    );
    menu_up(&mut p);
    p.send("1111 admin");
    p.send("\r");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    let out = read(&sb, "out");
    // The profile left behind is remembered for `ssox use -`.
    assert_eq!(
        out,
        format!(
            "{}export SSOX_PREVIOUS_PROFILE='shop_admin';\n",
            exports("blog_admin")
        )
    );
    // Byte for byte what `ssox use` prints, and the same warning (on the terminal).
    let used = sb
        .cmd()
        .env("AWS_PROFILE", "shop_admin")
        .args(["use", "blog_admin", "--shell", "bash"])
        .output()
        .unwrap();
    assert_eq!(out, stdout(&used));
    assert_eq!(stderr(&used), format!("{NO_TOKEN}\n"));
    assert!(screen.contains(NO_TOKEN), "{screen}");
    // The menu was on the terminal, with every column and the active profile marked.
    let plain = console::strip_ansi_codes(&screen).into_owned();
    assert!(
        plain.contains(
            "PROFILE     ACCOUNT       ROLE                 SESSION         REGION     TOKEN"
        ),
        "{plain}"
    );
    assert!(
        plain.contains(
            "* shop_admin  222222222222  AdministratorAccess  my_sso_session  eu-west-1  none"
        ),
        "{plain}"
    );
    assert!(plain.contains("Profile> 1111 admin  1/3"), "{plain}");
}

#[test]
fn escape_and_ctrl_c_exit_130_with_empty_stdout() {
    let sb = Sandbox::with_config(CONFIG);
    for key in ["\x1b", "\x03"] {
        let mut p = pty(&sb, "ssox pick > out", &[]);
        menu_up(&mut p);
        p.send("blog");
        p.wait_for("2/3");
        p.send(key);
        let (code, screen) = p.finish();
        assert_eq!(code, 130, "{key:?}: {screen}");
        assert_eq!(read(&sb, "out"), "", "{key:?}");
        // Nothing on the terminal after the menu was erased: no error, no warning.
        let tail = screen.rsplit("\r\x1b[J").next().unwrap();
        assert_eq!(tail, "", "{key:?}: {screen:?}");
    }
    assert!(!sb.path(".local/state/ssox/pick-history.json").exists());
}

#[test]
fn eval_of_pick_in_bash_switches_the_profile() {
    if !require_tool("bash") {
        return;
    }
    let sb = Sandbox::with_config(CONFIG);
    let mut p = pty(
        &sb,
        r#"bash -c 'eval "$(ssox pick blog)"; echo "chosen=$AWS_PROFILE/$AWS_DEFAULT_PROFILE"'"#,
        &[],
    );
    menu_up(&mut p);
    p.wait_for("2/3");
    // Second hit of `blog` is blog_power.
    p.send("\x1b[B");
    p.send("\r");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("chosen=blog_power/blog_power"),
        "{screen:?}"
    );
}

#[test]
fn history_puts_the_latest_picks_first() {
    let sb = Sandbox::with_config(CONFIG);
    // Two picks by shortcut: no terminal needed.
    for q in ["shop_admin", "blog power"] {
        let o = detached(&sb, &["pick", q]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(
        read(&sb, ".local/state/ssox/pick-history.json"),
        "{\n  \"recent\": [\n    \"blog_power\",\n    \"shop_admin\"\n  ]\n}\n"
    );
    // The menu now lists blog_power, shop_admin, then blog_admin: Enter takes the first,
    // Down Down Enter the third.
    for (keys, want) in [("\r", "blog_power"), ("\x1b[B\x1b[B\r", "blog_admin")] {
        let mut p = pty(&sb, "ssox pick --shell bash > out", &[]);
        menu_up(&mut p);
        p.wait_for("3/3");
        p.send(keys);
        let (code, screen) = p.finish();
        assert_eq!(code, 0, "{screen}");
        assert_eq!(read(&sb, "out"), exports(want));
        let plain = console::strip_ansi_codes(&screen).into_owned();
        let first = plain.find("blog_power").unwrap();
        let second = plain.find("shop_admin").unwrap();
        let third = plain.find("blog_admin").unwrap();
        assert!(first < second && second < third, "{plain}");
    }
    assert_eq!(
        read(&sb, ".local/state/ssox/pick-history.json"),
        "{\n  \"recent\": [\n    \"blog_admin\",\n    \"blog_power\",\n    \"shop_admin\"\n  ]\n}\n"
    );
}

#[test]
fn corrupt_history_is_ignored_and_replaced() {
    let sb = Sandbox::with_config(CONFIG);
    sb.write(".local/state/ssox/pick-history.json", "{not json");
    let o = detached(&sb, &["pick", "shop"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(&sb, ".local/state/ssox/pick-history.json"),
        "{\n  \"recent\": [\n    \"shop_admin\"\n  ]\n}\n"
    );
}

#[test]
fn a_unique_match_is_chosen_without_a_menu() {
    let sb = Sandbox::with_config(CONFIG);
    let o = detached(&sb, &["pick", "1111 power", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), exports("blog_power"));
    assert_eq!(stderr(&o), format!("{NO_TOKEN}\n"));
}

#[test]
fn an_exact_name_is_chosen_even_when_others_match() {
    let sb = Sandbox::with_config(&format!("{CONFIG}\n[profile blog]\nregion = us-west-2\n"));
    let o = detached(&sb, &["pick", "blog", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), exports("blog"));
    // Not an SSO profile: no token warning.
    assert_eq!(stderr(&o), "");
}

#[test]
fn no_terminal_is_a_clear_error() {
    let sb = Sandbox::with_config(CONFIG);
    for args in [&["pick"][..], &["pick", "blog"]] {
        let o = detached(&sb, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}");
        assert_eq!(
            stderr(&o),
            "ssox pick needs a terminal; use: ssox use NAME\n",
            "{args:?}"
        );
    }
    // `ssox use </dev/null` without a terminal at all.
    let o = detached(&sb, &["use"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: use needs a profile name or a terminal for the menu\n"
    );
}

#[test]
fn an_empty_config_says_so_instead_of_an_empty_menu() {
    let sb = Sandbox::with_config("[sso-session my_sso_session]\nsso_region = us-east-1\n");
    let o = detached(&sb, &["pick"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: no profiles in ~/.aws/config to pick from; run: ssox sync my_sso_session \
         (a profile for every account and role)\n"
    );
}

#[test]
fn use_without_a_name_opens_the_same_menu() {
    let sb = Sandbox::with_config(CONFIG);
    let mut p = pty(&sb, "ssox use --shell zsh > out", &[]);
    menu_up(&mut p);
    p.send("shop");
    p.wait_for("1/3");
    p.send("\r");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert_eq!(read(&sb, "out"), exports("shop_admin"));
}

/// Without the shell integration (stdout is the terminal), pick says before the menu that the
/// choice will not switch this shell, then prints the code once the profile is chosen, without
/// saying it twice; at 80 and at 40 columns.
#[test]
fn without_the_integration_pick_says_so_before_the_menu() {
    let sb = Sandbox::with_config(CONFIG);
    for cols in [80, 40] {
        let mut p = Pty::spawn(&sb, "ssox pick --shell bash", &[], cols, 24);
        p.wait_for("this prints shell code");
        menu_up(&mut p);
        p.send("1111 admin");
        p.send("\r");
        let (code, screen) = p.finish();
        assert_eq!(code, 0, "{screen}");
        let plain = console::strip_ansi_codes(&screen).replace("\r\n", "\n");
        let said = plain.find("this prints shell code").unwrap();
        assert!(said < plain.find("Profile> ").unwrap(), "{plain}");
        assert_eq!(
            plain.matches("this prints shell code").count(),
            1,
            "{plain}"
        );
        let unwrapped: String = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            unwrapped.contains(
                "ssox: this prints shell code; to switch this shell add 'eval \"$(ssox init bash)\"' \
                 to ~/.bashrc (or run: eval \"$(ssox pick)\")"
            ),
            "{plain}"
        );
        assert!(
            plain.contains("export AWS_PROFILE='blog_admin';\n"),
            "{plain}"
        );
    }
    // With the code going to `eval` (stdout not a terminal), no such line.
    let mut p = pty(&sb, "ssox pick --shell bash > out", &[]);
    menu_up(&mut p);
    p.send("1111 admin\r");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("this prints shell code"), "{screen}");
    assert!(read(&sb, "out").contains("export AWS_PROFILE='blog_admin';\n"));
}
