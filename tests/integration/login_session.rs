//! `aws login` profiles (`login_session`, issue 21 part 2) through the built binary, recognised
//! and shown: list, --json, pick, status, the prompt, doctor, use, login/logout's advice; a
//! malformed cache file is "no credentials" with one warning; valid cached credentials used
//! without a request. Refreshing is in `login_refresh`.

use crate::support::login_session::*;
use crate::support::*;

#[test]
fn list_shows_kind_login_with_the_account_and_role_of_the_arn() {
    let sb = seeded(600);
    let o = sb.run(&["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[1].starts_with(
            "  console  login        012345678910  Admin   -        us-east-1  valid 9h5"
        ),
        "{out}"
    );
    assert!(
        lines[2].starts_with(
            "  deploy   assume-role  222222222222  Deploy  -        -          valid 9h5"
        ),
        "{out}"
    );
}

#[test]
fn list_json_has_kind_login_the_session_and_the_cache_expiry() {
    let sb = Sandbox::with_config(CONFIG);
    sb.write(
        &format!(".aws/login/cache/{FILE}"),
        &cache_json("AKIDCACHED", "3025-09-14T04:05:45Z", "rt-1"),
    );
    let o = sb.run(&["list", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v[0],
        serde_json::json!({
            "name": "console", "kind": "login", "account_id": "012345678910",
            "role_name": "Admin", "sso_session": null, "sso_start_url": null,
            "sso_region": null, "region": "us-east-1", "token": "valid",
            "token_expires_at": "3025-09-14T04:05:45Z", "active": false, "error": null,
            "account_name": null, "login_session": SESSION
        })
    );
    assert_eq!(v[1]["kind"], "assume-role");
    assert_eq!(v[1]["token"], "valid");
    assert_eq!(v[1]["login_session"], SESSION);
}

#[test]
fn the_cache_directory_follows_aws_login_cache_directory() {
    let sb = Sandbox::with_config(CONFIG);
    sb.write(
        &format!("elsewhere/{FILE}"),
        &cache_json("AKIDCACHED", "3025-09-14T04:05:45Z", "rt-1"),
    );
    let o = sb
        .cmd()
        .env("AWS_LOGIN_CACHE_DIRECTORY", "~/elsewhere")
        .args(["list", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["token"], "valid", "{}", stderr(&o));
    let o = sb.run(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["token"], "none");
}

#[test]
fn a_malformed_cache_file_is_no_credentials_with_one_warning() {
    let sb = Sandbox::with_config(CONFIG);
    let path = sb.write(
        &format!(".aws/login/cache/{FILE}"),
        r#"{"accessToken": {"accessKeyId": "A"}, "clientId": "c"}"#,
    );
    let o = sb.run(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        format!(
            "ssox: ignoring {}: it has no expiresAt; `ssox login` (or `aws login`) replaces it\n",
            path.display()
        )
    );
    assert!(stdout(&o)
        .lines()
        .nth(1)
        .unwrap()
        .ends_with("us-east-1  none"));
    let o = sb.run(&["status"]);
    assert_eq!(stderr(&o).matches("ignoring").count(), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "profile: none (AWS_PROFILE is not set)\n\
             LOGIN PROFILES  ACCOUNT       CREDENTIALS  LOGIN SESSION\n\
             console         012345678910  none         {SESSION}\n"
        )
    );
}

#[test]
fn status_has_a_section_for_login_sessions() {
    let sb = seeded(42);
    let o = sb
        .cmd()
        .env("AWS_PROFILE", "console")
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let want = |left: &str| {
        format!(
            "profile: console (from AWS_PROFILE), aws login: valid for {left}\n\
             LOGIN PROFILES  ACCOUNT       CREDENTIALS    LOGIN SESSION\n\
             console         012345678901  valid for {left}  {SESSION}\n"
        )
    };
    assert!(out == want("41m") || out == want("42m"), "{out}");
    let o = sb.run(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let l = &v["login_sessions"][0];
    assert_eq!(l["login_session"], SESSION);
    assert_eq!(l["account_id"], "012345678901");
    assert_eq!(l["token"], "valid");
    assert_eq!(l["cache_file"], format!("~/.aws/login/cache/{FILE}"));
    assert_eq!(l["profiles"], serde_json::json!(["console"]));
    let left = l["seconds_left"].as_i64().unwrap();
    assert!((41 * 60..=42 * 60).contains(&left), "{left}");
    assert_eq!(v["sessions"], serde_json::json!([]));
}

#[test]
fn the_prompt_shows_the_credentials_time_left_or_logged_out() {
    let sb = seeded(42);
    let prompt = |sb: &Sandbox| {
        let o = sb
            .cmd()
            .env("AWS_PROFILE", "console")
            .args(["status", "--prompt"])
            .output()
            .unwrap();
        assert_eq!(stderr(&o), "");
        stdout(&o)
    };
    let p = prompt(&sb);
    assert!(p == "console 41m\n" || p == "console 42m\n", "{p}");
    sb.write(
        &format!(".aws/login/cache/{FILE}"),
        &cache_json("AKIDCACHED", "2020-01-01T00:00:00Z", "rt-1"),
    );
    assert_eq!(prompt(&sb), "console expired\n");
    sb.write(&format!(".aws/login/cache/{FILE}"), "not json");
    assert_eq!(prompt(&sb), "console logged out\n");
}

#[test]
fn doctor_reports_each_login_session() {
    let sb = seeded(600);
    let line = |sb: &Sandbox| {
        let o = sb.run(&["doctor"]);
        stdout(&o)
            .lines()
            .chain(stderr(&o).lines())
            .filter(|l| l.contains("aws login"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let l = line(&sb);
    assert_eq!(l.len(), 1, "{l:?}");
    assert!(
        l[0].starts_with(
            "ok    aws login console: credentials for account 012345678901 valid for 9h5"
        ),
        "{l:?}"
    );
    let path = sb.write(&format!(".aws/login/cache/{FILE}"), "{}");
    // The report's line, and the one warning every command gives about that file.
    assert_eq!(
        line(&sb),
        [
            format!(
                "fail  aws login console: ~/.aws/login/cache/{FILE} cannot be used: it has no \
                 accessToken; the AWS tools find no credentials; fix: run: ssox login console"
            ),
            format!(
                "ssox: ignoring {}: it has no accessToken; `ssox login` (or `aws login`) replaces it",
                path.display()
            )
        ]
    );
    std::fs::remove_file(sb.path(&format!(".aws/login/cache/{FILE}"))).unwrap();
    assert_eq!(
        line(&sb),
        [format!(
            "warn  aws login console: not signed in (no ~/.aws/login/cache/{FILE}); fix: run: \
             ssox login console"
        )]
    );
}

#[test]
fn use_switches_to_a_login_profile_and_says_when_it_has_no_credentials() {
    let sb = seeded(600);
    let o = sb.run(&["use", "console", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
    assert!(stdout(&o).contains("export AWS_PROFILE='console';\n"));
    std::fs::remove_file(sb.path(&format!(".aws/login/cache/{FILE}"))).unwrap();
    let o = sb.run(&["use", "console", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "ssox: profile \"console\" has no `aws login` credentials; run: ssox login console\n"
    );
    assert!(stdout(&o).contains("export AWS_PROFILE='console';\n"));
}

#[test]
fn logout_deletes_the_cache_file_as_aws_logout_does() {
    let sb = seeded(600);
    let cached = sb.path(&format!(".aws/login/cache/{FILE}"));
    let other = sb.write(".aws/login/cache/notes.txt", "not ours");
    let o = sb.run(&["logout", "console"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "logged out of profile console (deleted ~/.aws/login/cache/{FILE}); tools that \
             already loaded its credentials may use them until they expire (within 15 minutes)\n"
        )
    );
    assert!(!cached.exists());
    let o = sb.run(&["logout", "console"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        format!("not logged in to profile console; no ~/.aws/login/cache/{FILE}\n")
    );
    // The active profile is the default target; the config is untouched.
    sb.write(
        &format!(".aws/login/cache/{FILE}"),
        &cache_json("AKIDCACHED", &login_in_minutes(600), "rt-1"),
    );
    let o = sb
        .cmd()
        .env("AWS_PROFILE", "console")
        .arg("logout")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!cached.exists());
    assert_eq!(
        std::fs::read_to_string(sb.path(".aws/config")).unwrap(),
        CONFIG
    );
    // --all: every file holding `aws login` credentials, nothing else.
    sb.write(
        &format!(".aws/login/cache/{FILE}"),
        &cache_json("AKIDCACHED", &login_in_minutes(600), "rt-1"),
    );
    let stranger = sb.write(
        ".aws/login/cache/0000.json",
        &cache_json("AKIDOTHER", &login_in_minutes(600), "rt-2"),
    );
    let keep = sb.write(
        ".aws/login/cache/1111.json",
        r#"{"accessToken": "not login"}"#,
    );
    let o = sb.run(&["logout", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "deleted 2 cached `aws login` credential file(s) from ~/.aws/login/cache\n"
    );
    assert!(!cached.exists() && !stranger.exists());
    assert!(keep.exists() && other.exists());
}

#[test]
fn creds_uses_valid_cached_credentials_without_a_request() {
    let sb = seeded(600);
    let o = sb
        .cmd()
        // Nothing listens there: any request would fail.
        .env("AWS_ENDPOINT_URL_SIGNIN", "http://127.0.0.1:9")
        .args(["creds", "console", "--format", "env"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "export AWS_ACCESS_KEY_ID=AKIDCACHED\nexport AWS_SECRET_ACCESS_KEY=AKIDCACHED-secret\n\
             export AWS_SESSION_TOKEN=AKIDCACHED-session\nexport AWS_CREDENTIAL_EXPIRATION="
        ),
        "{out}"
    );
}

#[test]
fn creds_without_a_cache_file_says_to_sign_in() {
    let sb = Sandbox::with_config(CONFIG);
    let o = sb.run(&["creds", "console"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "ssox: profile \"console\" has no usable `aws login` credentials \
             (~/.aws/login/cache/{FILE}, for login_session {SESSION}); run: ssox login \
             console\n"
        )
    );
}

#[test]
fn pick_shows_a_login_profile_with_its_account_role_and_credentials_and_switches_to_it() {
    let sb = seeded(600);
    let mut p = crate::support::pty::Pty::spawn(&sb, "ssox pick --shell bash > out", &[], 160, 30);
    p.wait_for("Profile> ");
    p.send("console");
    p.send("\r");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    let plain = console::strip_ansi_codes(&screen).into_owned();
    assert!(
        plain.contains("console  012345678910  Admin            us-east-1  valid 9h5"),
        "{plain}"
    );
    assert!(
        plain.contains("deploy   222222222222  Deploy                      valid 9h5"),
        "{plain}"
    );
    let out = std::fs::read_to_string(sb.path("out")).unwrap();
    assert!(
        out.starts_with("unset AWS_ACCESS_KEY_ID;")
            && out.contains("export AWS_PROFILE='console';\n"),
        "{out}"
    );
}
