//! `ssox configure` through the binary: with flags (creating `~/.aws` and the config privately,
//! updating a session in place, naming a missing flag), and on a terminal in a real pty, where it
//! asks, checks each answer, logs in against the fake and syncs.

use std::process::Output;

use crate::support::login_env::Env;
use crate::support::pty::Pty;
use crate::support::signed_in::Env as Signed;
use crate::support::*;

/// `ssox configure ARGS` with no terminal to ask on.
fn configure(env: &Env, args: &[&str]) -> Output {
    let mut c = env.cmd(&[]);
    no_terminal(&mut c).arg("configure").args(args);
    c.output().unwrap()
}

fn config(env: &Env) -> String {
    std::fs::read_to_string(env.sb.path(".aws/config")).unwrap()
}

/// An empty HOME: no `~/.aws` at all.
fn empty() -> Env {
    let env = Env::new("");
    std::fs::remove_dir_all(env.sb.path(".aws")).unwrap();
    env
}

const CORP: &str = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
                    sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n";

#[test]
fn flags_create_a_private_config_then_update_the_session_in_place() {
    let env = empty();
    let flags = [
        "--session",
        "corp",
        "--start-url",
        "corp",
        "--region",
        "eu-west-1",
        "--no-login",
    ];
    let o = configure(&env, &flags);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "created ~/.aws/config with [sso-session corp]\n\
         next: ssox login corp, then ssox sync corp (a profile for every account and role)\n"
    );
    assert_eq!(config(&env), CORP);
    assert_eq!(mode(&env.sb.path(".aws")), 0o700);
    assert_eq!(mode(&env.sb.path(".aws/config")), 0o600);
    assert!(env.fake.requests().is_empty(), "--no-login: no request");

    // The same again: nothing to write.
    let o = configure(&env, &flags);
    assert_eq!(
        stderr(&o).lines().next(),
        Some("[sso-session corp] in ~/.aws/config is already as given")
    );
    assert_eq!(config(&env), CORP);

    // Another region and scopes: those two keys change on their own lines, nothing else does.
    let hand = format!("# work\n{}  # keep me\n\n[profile p]\nregion = x\n", CORP);
    env.sb.write(".aws/config", &hand);
    let o = configure(
        &env,
        &[
            "--session",
            "corp",
            "--start-url",
            "https://corp.awsapps.com/start",
            "--region",
            "us-east-2",
            "--scopes",
            "sso:account:access, codewhisperer:completions",
            "--no-login",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).lines().next(),
        Some("updated sso_region, sso_registration_scopes of [sso-session corp] in ~/.aws/config")
    );
    assert_eq!(
        config(&env),
        hand.replace("eu-west-1", "us-east-2").replace(
            "= sso:account:access\n",
            "= sso:account:access, codewhisperer:completions\n"
        )
    );
    assert_eq!(config(&env).matches("[sso-session corp]").count(), 1);

    // A new session goes after what is there.
    let o = configure(
        &env,
        &[
            "--session",
            "dev",
            "--start-url",
            "d-1234567890",
            "--region",
            "us-west-2",
            "--no-login",
        ],
    );
    assert_eq!(
        stderr(&o).lines().next(),
        Some("added [sso-session dev] to ~/.aws/config")
    );
    assert!(config(&env).ends_with(
        "[profile p]\nregion = x\n\n[sso-session dev]\n\
         sso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-west-2\n\
         sso_registration_scopes = sso:account:access\n"
    ));
}

#[test]
fn a_missing_or_bad_value_without_a_terminal_names_the_flag() {
    let env = empty();
    for (args, message) in [
        (
            &["--session", "corp", "--region", "eu-west-1"][..],
            "ssox: missing --start-url, and there is no terminal to ask on; give every value: \
             ssox configure --start-url URL --region REGION [--session NAME]\n",
        ),
        (
            &["--start-url", "corp"],
            "ssox: missing --region, and there is no terminal to ask on; give every value: \
             ssox configure --start-url URL --region REGION [--session NAME]\n",
        ),
        (
            &["--start-url", "ftp://corp.example", "--region", "eu-west-1"],
            "ssox: --start-url: \"ftp://corp.example\" is not an https:// URL; e.g. \
             https://my-org.awsapps.com/start, or just my-org\n",
        ),
        (
            &[
                "--session",
                "corp",
                "--start-url",
                "corp",
                "--region",
                "eu-west",
            ],
            "ssox: --region: \"eu-west\" is not a region name; IAM Identity Center's region \
             looks like us-east-1 or eu-west-1 (the AWS access portal's settings page shows it)\n",
        ),
        (
            &[
                "--session",
                "a b",
                "--start-url",
                "http://corp",
                "--region",
                "eu-west-1",
            ],
            "ssox: --session: \"a b\" cannot be a session name: use up to 64 letters, digits, \
             `_`, `-` and `.`, starting with a letter or digit\n",
        ),
        (
            &[
                "--session",
                "corp",
                "--start-url",
                "http://corp",
                "--region",
                "eu-west-1",
            ],
            "ssox: --start-url: \"http://corp\" is not an https:// URL; the AWS access portal is \
             only served over https\n",
        ),
    ] {
        let o = configure(&env, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&o), message, "{args:?}");
        assert!(!env.sb.path(".aws/config").exists(), "{args:?}");
    }
}

#[test]
fn flags_log_in_and_sync() {
    let env = Env::new("# mine\n");
    let mut c = env.cmd(&[]);
    // Called through the shell integration's function.
    c.env("SSOX_INTEGRATION", "bash");
    let o = no_terminal(&mut c)
        .arg("configure")
        .args([
            "--session",
            "my_sso_session",
            "--start-url",
            "https://my-sso-portal.awsapps.com/start",
            "--region",
            "us-east-1",
            "--sync",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "added 2, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
    );
    let err = stderr(&o);
    assert!(
        err.starts_with("added [sso-session my_sso_session] to ~/.aws/config\n"),
        "{err}"
    );
    assert!(
        err.contains("\nlogged in to my_sso_session (valid "),
        "{err}"
    );
    assert!(
        err.ends_with("\nnext: ssox pick (switch this shell to one of the profiles)\n"),
        "{err}"
    );
    assert_eq!(env.browser_log().len(), 1);
    assert_eq!(
        config(&env),
        "# mine\n\n[sso-session my_sso_session]\n\
         sso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access\n\
         ssox_profile_template = {account_name}_{role_name}\n\n\
         [profile blog_AdministratorAccess]\nsso_session = my_sso_session\n\
         sso_account_id = 111111111111\nsso_role_name = AdministratorAccess\nregion = us-east-1\n\
         sso_account_name = blog\nsso_auto_populated = true\n\n\
         [profile blog_ReadOnlyAccess]\nsso_session = my_sso_session\n\
         sso_account_id = 111111111111\nsso_role_name = ReadOnlyAccess\nregion = us-east-1\n\
         sso_account_name = blog\nsso_auto_populated = true\n"
    );
}

#[test]
fn on_a_terminal_it_asks_checks_logs_in_and_syncs() {
    let env = empty();
    let mut vars: Vec<(&str, String)> = env.fake.env();
    vars.push(("DISPLAY", ":0".into()));
    vars.push(("SHELL", "/bin/bash".into()));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let script = format!(
        "PATH='{}':\"$PATH\" ssox configure > out",
        env.browser.display()
    );
    let mut p = Pty::spawn(&env.sb, &script, &vars, 120, 30);
    p.wait_for("SSO start URL (my-org is enough): ");
    p.send("http://my-sso-portal\r");
    p.wait_for("\"http://my-sso-portal\" is not an https:// URL");
    // Ctrl-U clears the line; a bare name stands for its awsapps.com URL.
    p.send("\x15my-sso-portal\r");
    p.wait_for("start URL https://my-sso-portal.awsapps.com/start");
    // No region is known from an awsapps.com URL: no default.
    p.wait_for("SSO region: ");
    p.send("eu-west\r");
    p.wait_for("\"eu-west\" is not a region name");
    p.send("\x15us-east-1\r");
    p.wait_for("Session name [my-sso-portal]: ");
    p.send("\r");
    p.wait_for("Registration scopes [sso:account:access]: ");
    p.send("\r");
    // The profiles' region, as `aws configure sso` asks for the client region.
    p.wait_for("Profiles' default region [us-east-1]: ");
    p.send("eu-central-1\r");
    p.wait_for("created ~/.aws/config with [sso-session my-sso-portal]");
    p.wait_for("logged in to my-sso-portal (valid ");
    p.wait_for("Write a profile for every account and role of my-sso-portal now? [Y/n] ");
    p.send("y");
    // Without the shell integration: how to load it, and the one-off way.
    p.wait_for(
        "next: add 'eval \"$(ssox init bash)\"' to ~/.bashrc and open a new shell, then: ssox \
         pick (or now, in this shell: eval \"$(ssox pick)\")",
    );
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert_eq!(
        std::fs::read_to_string(env.sb.path("out")).unwrap(),
        "added 2, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
    );
    assert_eq!(
        config(&env),
        "[sso-session my-sso-portal]\n\
         sso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access\nssox_profile_region = eu-central-1\n\
         ssox_profile_template = {account_name}_{role_name}\n\n\
         [profile blog_AdministratorAccess]\nsso_session = my-sso-portal\n\
         sso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n\
         region = eu-central-1\nsso_account_name = blog\nsso_auto_populated = true\n\n\
         [profile blog_ReadOnlyAccess]\nsso_session = my-sso-portal\n\
         sso_account_id = 111111111111\nsso_role_name = ReadOnlyAccess\n\
         region = eu-central-1\nsso_account_name = blog\nsso_auto_populated = true\n"
    );
    assert_eq!(mode(&env.sb.path(".aws")), 0o700);
    assert_eq!(mode(&env.sb.path(".aws/config")), 0o600);
    // The token is where the AWS CLI looks for the session's.
    assert_eq!(
        env.token(&crate::support::signed_in::sha1_name("my-sso-portal"))["startUrl"],
        "https://my-sso-portal.awsapps.com/start"
    );
}

#[test]
fn the_session_name_comes_from_the_start_url_and_a_pasted_url_is_cleaned() {
    let env = empty();
    // The help and the behaviour agree: no --session is needed.
    let o = env.run(&["configure", "--help"]);
    assert!(
        stdout(&o).contains("sso-session name [default: from the start URL, e.g. my-org]"),
        "{}",
        stdout(&o)
    );
    let o = configure(
        &env,
        &[
            "--start-url",
            " https://acme-corp.awsapps.com/start/#/ ",
            "--region",
            "eu-west-1",
            "--no-login",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "created ~/.aws/config with [sso-session acme-corp]\n\
         next: ssox login acme-corp, then ssox sync acme-corp (a profile for every account and role)\n"
    );
    assert_eq!(
        config(&env),
        "[sso-session acme-corp]\nsso_start_url = https://acme-corp.awsapps.com/start\n\
         sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"
    );
    // A regional portal URL names its region; scopes set by hand are kept when not given.
    let hand = config(&env).replace("= sso:account:access", "= sso:account:access,extra:scope");
    env.sb.write(".aws/config", &hand);
    let o = configure(
        &env,
        &[
            "--start-url",
            "acme-corp",
            "--region",
            "eu-west-1",
            "--no-login",
        ],
    );
    assert_eq!(
        stderr(&o).lines().next(),
        Some("[sso-session acme-corp] in ~/.aws/config is already as given")
    );
    assert_eq!(config(&env), hand);
    let o = configure(
        &env,
        &[
            "--start-url",
            "https://ssoins-7907a4ab.eu-north-1.portal.amazonaws.com/",
            "--no-login",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        config(&env).ends_with(
            "[sso-session ssoins-7907a4ab]\n\
             sso_start_url = https://ssoins-7907a4ab.eu-north-1.portal.amazonaws.com\n\
             sso_region = eu-north-1\nsso_registration_scopes = sso:account:access\n"
        ),
        "{}",
        config(&env)
    );
    // Not https: refused with the reason, nothing written.
    let before = config(&env);
    let o = configure(
        &env,
        &[
            "--start-url",
            "http://acme-corp.awsapps.com/start",
            "--region",
            "eu-west-1",
        ],
    );
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "ssox: --start-url: \"http://acme-corp.awsapps.com/start\" is not an https:// URL; \
             the AWS access portal is only served over https\n"
        )
    );
    assert_eq!(config(&env), before);
}

#[test]
fn run_again_on_a_terminal_enter_keeps_every_current_value() {
    let env = Env::new(&format!("{CORP}ssox_profile_region = eu-central-1\n"));
    let before = config(&env);
    let mut p = Pty::spawn(&env.sb, "ssox configure --no-login", &[], 80, 24);
    p.wait_for("SSO start URL (my-org is enough) [https://corp.awsapps.com/start]: ");
    p.send("\r");
    p.wait_for("SSO region [eu-west-1]: ");
    p.send("\r");
    p.wait_for("Session name [corp]: ");
    p.send("\r");
    p.wait_for("Registration scopes [sso:account:access]: ");
    p.send("\r");
    p.wait_for("Profiles' default region [eu-central-1]: ");
    p.send("\r");
    p.wait_for("[sso-session corp] in ~/.aws/config is already as given");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert_eq!(config(&env), before);

    // A pasted portal URL of the same portal is the same session; a new profiles' region is
    // remembered.
    let mut p = Pty::spawn(&env.sb, "ssox configure --no-login", &[], 80, 24);
    p.wait_for("SSO start URL (my-org is enough) [https://corp.awsapps.com/start]: ");
    p.send("https://corp.awsapps.com/start#/\r");
    p.wait_for("start URL https://corp.awsapps.com/start");
    p.wait_for("SSO region [eu-west-1]: ");
    p.send("\r");
    p.wait_for("Session name [corp]: ");
    p.send("\r");
    p.wait_for("Registration scopes [sso:account:access]: ");
    p.send("\r");
    p.wait_for("Profiles' default region [eu-central-1]: ");
    p.send("us-west-2\r");
    p.wait_for("updated ssox_profile_region of [sso-session corp] in ~/.aws/config");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert_eq!(config(&env), before.replace("eu-central-1", "us-west-2"));
}

#[test]
fn sync_remembers_its_region_for_the_profiles_of_later_syncs() {
    let env = Signed::new();
    let session = crate::support::signed_in::CONFIG
        .split("\n\n")
        .next()
        .unwrap();
    env.sb.write(".aws/config", &format!("{session}\n"));
    let sync = |args: &[&str]| {
        let mut c = env.cmd();
        no_terminal(&mut c).arg("sync").args(args).output().unwrap()
    };
    let config = || std::fs::read_to_string(env.sb.path(".aws/config")).unwrap();
    let o = sync(&["my_sso_session", "--region", "eu-central-1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = config();
    assert!(
        text.contains(
            "ssox_profile_template = {account_name}_{role_name}\n\
             ssox_profile_region = eu-central-1\n\n"
        ),
        "{text}"
    );
    assert_eq!(text.matches("region = eu-central-1\n").count(), 3, "{text}");
    // A profile that is gone comes back, in the region remembered.
    let start = text.find("[profile blog_ReadOnlyAccess]").unwrap();
    env.sb
        .write(".aws/config", &format!("{}\n", text[..start].trim_end()));
    let o = sync(&["my_sso_session"]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (
            Some(0),
            "added 1, updated 0, removed 0, unchanged 1 profiles in ~/.aws/config\n"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(config(), text);
}
