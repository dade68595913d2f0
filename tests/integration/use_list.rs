//! `ssox use` and `ssox list` through the built binary.

use crate::support::*;

#[test]
fn use_prints_exports_and_unsets_static_keys() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    let o = sb.run(&["use", "blog_admin", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\n\
         unset AWS_CREDENTIAL_EXPIRATION;\nexport AWS_PROFILE='blog_admin';\n\
         export AWS_DEFAULT_PROFILE='blog_admin';\n"
    );
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"my_sso_session\" has no cached token; run: ssox login\n"
    );
}

#[test]
fn use_clear_prints_only_unsets() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    let o = sb.run(&["use", "--clear", "--shell", "zsh"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "unset AWS_PROFILE;\nunset AWS_DEFAULT_PROFILE;\nunset AWS_ACCESS_KEY_ID;\n\
         unset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\nunset AWS_CREDENTIAL_EXPIRATION;\n"
    );
}

#[test]
fn use_unknown_profile_fails_with_suggestion_and_empty_stdout() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    let o = sb.run(&["use", "blg_admin"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: profile \"blg_admin\" not found in ~/.aws/config; did you mean \"blog_admin\"?\n"
    );
}

#[test]
fn list_json_has_stable_keys() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    let o = sb.run(&["list", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "name",
            "kind",
            "account_id",
            "role_name",
            "sso_session",
            "sso_start_url",
            "sso_region",
            "region",
            "token",
            "token_expires_at",
            "active",
            "error",
            "account_name",
            "login_session"
        ]
    );
    assert_eq!(rows[0]["name"], "blog_admin");
    assert_eq!(rows[0]["token"], "none");
    assert_eq!(rows[0]["account_name"], serde_json::Value::Null);
}

#[test]
fn config_flag_and_env_var_both_work() {
    let sb = Sandbox::new();
    let path = sb.write("elsewhere/cfg", SEED_CONFIG);
    let o = sb.run(&["--config", path.to_str().unwrap(), "list", "--names"]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "blog_admin\n")
    );
    let o = sb
        .cmd()
        .env("AWS_CONFIG_FILE", &path)
        .args(["list", "--names"])
        .output()
        .unwrap();
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "blog_admin\n")
    );
}

#[test]
fn missing_config_is_a_friendly_error() {
    let sb = Sandbox::new();
    let o = sb.run(&["list"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).starts_with(
            "ssox: no AWS config file at ~/.aws/config\ncreate one with `ssox configure` (then `ssox sync`)"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn use_records_the_profile_as_most_recent_and_rewrites_nothing_when_unchanged() {
    let sb = Sandbox::with_config(&format!(
        "{SEED_CONFIG}\n[profile other]\nregion = eu-west-1\n"
    ));
    let history = sb.path(".local/state/ssox/pick-history.json");
    assert_eq!(sb.run(&["use", "blog_admin"]).status.code(), Some(0));
    assert_eq!(sb.run(&["use", "other"]).status.code(), Some(0));
    let text = std::fs::read_to_string(&history).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["recent"], serde_json::json!(["other", "blog_admin"]));
    let before = std::fs::metadata(&history).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(sb.run(&["use", "other"]).status.code(), Some(0));
    assert_eq!(
        std::fs::metadata(&history).unwrap().modified().unwrap(),
        before
    );
    // An unknown profile records nothing.
    assert_eq!(sb.run(&["use", "nope"]).status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&history).unwrap(), text);
}

#[test]
fn list_table_is_exact_and_reports_broken_profiles_on_stderr() {
    let sb = Sandbox::with_config(&format!(
        "{SEED_CONFIG}
[profile broken]
sso_session = nope
sso_account_id = 222222222222
sso_role_name = Dev

[profile ops]
role_arn = arn:aws:iam::333333333333:role/Ops
source_profile = blog_admin
"
    ));
    sb.write(
        ".aws/credentials",
        "[static]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n",
    );
    let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(8 * 3600 + 30);
    let ts = stamp(expires);
    // sha1("my_sso_session")
    sb.write(
        ".aws/sso/cache/0f48d88342f931565c13babcf62a17530cf43d9d.json",
        &format!(r#"{{"accessToken": "t", "expiresAt": "{ts}"}}"#),
    );
    let o = sb
        .cmd()
        .env("AWS_PROFILE", "ops")
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "  PROFILE     KIND         ACCOUNT       ROLE                 SESSION         REGION     TOKEN
  blog_admin  sso          111111111111  AdministratorAccess  my_sso_session  us-east-1  valid 8h0m
  broken      sso          222222222222  Dev                  nope            -          error
* ops         assume-role  333333333333  Ops                  my_sso_session  -          valid 8h0m
  static      static       -             -                    -               -          -
"
    );
    assert_eq!(
        stderr(&o),
        "ssox: profile \"broken\" uses sso-session \"nope\", which does not exist (~/.aws/config:13); add an [sso-session nope] section or fix the name\n"
    );
}

/// Not a bare header: a config with sessions and no profiles says which sync gives it profiles.
#[test]
fn list_without_profiles_says_what_to_run() {
    let session = |name: &str| {
        format!(
            "[sso-session {name}]\nsso_start_url = https://{name}.awsapps.com/start\n\
             sso_region = eu-west-1\n\n"
        )
    };
    for (config, said) in [
        (
            session("corp"),
            "run: ssox sync corp (a profile for every account and role)",
        ),
        (
            session("corp") + &session("lab"),
            "run: ssox sync corp, ssox sync lab (a profile for every account and role)",
        ),
        ("# nothing yet\n".to_string(), "run: ssox configure"),
    ] {
        let sb = Sandbox::with_config(&config);
        let o = sb.run(&["list"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), "");
        assert_eq!(
            stderr(&o),
            format!("ssox: no profiles in ~/.aws/config; {said}\n")
        );
    }
}
