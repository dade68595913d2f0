//! Hostile cache files through the built binary: a token file with a broken timestamp, a FIFO, a
//! huge file or no JSON at all is "no token" with one warning naming the file, for every command,
//! never a panic or a hang, and `login` replaces it; a bad registration file makes `login` register
//! anew, a bad role cache makes `creds` fetch anew; extreme but valid timestamps are shown, not
//! fatal; stale temp files of ssox's naming are swept when ssox writes beside them.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, SystemTime};

use serde_json::Value;
use time::OffsetDateTime;

use crate::support::login_env::Env;
use crate::support::signed_in::{self, cli_cache_json, SEED_AKID, SEED_SECRET, SEED_TOKEN};
use crate::support::*;

/// `sha1("my_sso_session").json`
const SESSION_FILE: &str = "0f48d88342f931565c13babcf62a17530cf43d9d.json";
/// The CLI's registration file of `SEED_CONFIG`'s session: sha1 of
/// `{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "my_sso_session",
/// "startUrl": "https://my-sso-portal.awsapps.com/start", "tool": "botocore"}`.
const REGISTRATION_FILE: &str = "f6adf31edb632233494b8c355577e728e917d5fc.json";
const NO_TOKEN: &str =
    "ssox: sso-session \"my_sso_session\" has no cached token; run: ssox login\n";

/// A login sandbox (seed config, fake AWS, fake browser) with an empty token cache directory.
fn login_env() -> Env {
    let env = Env::new(SEED_CONFIG);
    std::fs::create_dir_all(env.sb.path(".aws/sso/cache")).unwrap();
    env
}

/// `ssox ARGS` in `env`, bounded by [`run_bounded`].
fn run(env: &Env, args: &[&str]) -> Output {
    run_bounded(env.cmd(args), &args.join(" "))
}

/// `ssox ARGS` in a signed-in sandbox, bounded by [`run_bounded`].
fn run_signed_in(env: &signed_in::Env, args: &[&str]) -> Output {
    let mut c = env.cmd();
    c.args(args);
    run_bounded(c, &args.join(" "))
}

fn stamp_in(secs: i64) -> String {
    stamp(OffsetDateTime::now_utc() + time::Duration::seconds(secs))
}

fn set_old(path: &Path) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
}

/// A hostile token file for `my_sso_session`.
enum Hostile {
    Text(String),
    Fifo,
    /// A sparse file of 2 MiB.
    Huge,
}

impl Hostile {
    fn text(text: &str) -> Hostile {
        Hostile::Text(text.to_string())
    }

    fn plant(&self, path: &Path) {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("{e}"),
        }
        match self {
            Hostile::Text(text) => std::fs::write(path, text).unwrap(),
            Hostile::Fifo => make_fifo(path),
            Hostile::Huge => std::fs::File::create(path)
                .unwrap()
                .set_len(2 << 20)
                .unwrap(),
        }
    }
}

/// Every command with `file` as the session's token file: the exact warning once, "no token"
/// behaviour, and `login` replaces the file with a working token.
fn every_command_ignores(file: Hostile, why: &str) {
    let env = login_env();
    let path = env.cache(SESSION_FILE);
    let warning = format!(
        "ssox: ignoring {}: {why}; ssox login replaces it\n",
        path.display()
    );

    file.plant(&path);
    let o = run(&env, &["status"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), warning);
    assert!(
        stdout(&o).contains("my_sso_session  us-east-1  none "),
        "{}",
        stdout(&o)
    );

    let o = run(&env, &["status", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), warning);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["sessions"][0]["token"], "none");
    assert_eq!(v["sessions"][0]["expires_at"], Value::Null);

    let o = run(&env, &["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), warning);
    assert!(stdout(&o).contains("us-east-1  none\n"), "{}", stdout(&o));

    let o = run(&env, &["list", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), warning);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["token"], "none", "{v}");

    let o = run(&env, &["use", "blog_admin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), format!("{warning}{NO_TOKEN}"));
    assert!(stdout(&o).contains("export AWS_PROFILE='blog_admin';\n"));

    // A shell prompt stays one quiet line.
    let mut c = env.sb.cmd();
    c.args(["status", "--prompt"])
        .env("AWS_PROFILE", "blog_admin");
    let o = run_bounded(c, "status --prompt");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert_eq!(stdout(&o), "blog_admin logged out\n");

    let o = run(&env, &["creds", "blog_admin"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o), format!("{warning}{NO_TOKEN}"));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        env.fake.ops(),
        Vec::<String>::new(),
        "no request without a token"
    );

    // `login` warns once (it reads the file before and after its lock, and before writing) and
    // replaces the file with a token that works.
    let o = run(&env, &["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.starts_with(&warning), "{err}");
    assert_eq!(err.matches("ssox: ignoring").count(), 1, "{err}");
    assert!(
        err.ends_with("logged in to my_sso_session (valid 8h0m)\n")
            || err.ends_with("logged in to my_sso_session (valid 7h59m)\n"),
        "{err}"
    );
    assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
    let token: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let access = token["accessToken"].as_str().unwrap();
    assert!(env.fake.token_valid(access), "{token}");
    let o = run(&env, &["status"]);
    assert_eq!(stderr(&o), "");
    assert!(
        stdout(&o).contains("my_sso_session  us-east-1  valid for "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn expires_at_with_multibyte_characters_at_the_end() {
    every_command_ignores(
        Hostile::text("{\"accessToken\":\"at-X\",\"expiresAt\":\"aaaaaa\u{20ac}\u{20ac}\"}"),
        "expiresAt is not a valid timestamp",
    );
}

#[test]
fn expires_at_with_a_multibyte_character_first() {
    every_command_ignores(
        Hostile::text("{\"accessToken\":\"at-X\",\"expiresAt\":\"\u{20ac}aaaaa\"}"),
        "expiresAt is not a valid timestamp",
    );
}

#[test]
fn expires_at_beyond_the_calendar_once_in_utc() {
    every_command_ignores(
        Hostile::text("{\"accessToken\":\"at-X\",\"expiresAt\":\"9999-12-31T23:59:59-23:59\"}"),
        "expiresAt is not a valid timestamp",
    );
}

#[test]
fn registration_expires_at_that_is_not_a_timestamp() {
    let text = format!(
        "{{\"accessToken\":\"at-X\",\"expiresAt\":\"{}\",\"refreshToken\":\"r\",\"clientId\":\"c\",\
         \"clientSecret\":\"s\",\"registrationExpiresAt\":\"\u{20ac}aaaaa\"}}",
        stamp_in(-3600)
    );
    every_command_ignores(
        Hostile::Text(text),
        "registrationExpiresAt is not a valid timestamp",
    );
}

#[test]
fn token_file_that_is_a_fifo() {
    every_command_ignores(Hostile::Fifo, "it is a FIFO, not a regular file");
}

#[test]
fn token_file_over_a_mebibyte() {
    every_command_ignores(Hostile::Huge, "it is larger than 1 MiB");
}

#[test]
fn token_file_that_is_not_json() {
    every_command_ignores(
        Hostile::text("{\"accessToken\": \"at-X\", "),
        "it is not valid JSON (line 1, column 24)",
    );
}

#[test]
fn token_file_that_is_a_bare_string() {
    every_command_ignores(Hostile::text("\"at-secret\""), "it is not a JSON object");
}

#[test]
fn token_file_without_expires_at() {
    every_command_ignores(
        Hostile::text("{\"accessToken\":\"at-X\"}"),
        "it has no expiresAt",
    );
}

/// Valid timestamps at the calendar's ends are shown, never a panic and never a warning.
#[test]
fn extreme_but_valid_expiry_is_shown() {
    let env = login_env();
    let path = env.cache(SESSION_FILE);
    for (expires, shown, token) in [
        ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "valid"),
        (
            "0000-01-01T00:00:00+00:01",
            "-0001-12-31T23:59:00Z",
            "expired",
        ),
    ] {
        Hostile::Text(format!(
            "{{\"accessToken\":\"at-X\",\"expiresAt\":\"{expires}\"}}"
        ))
        .plant(&path);
        for args in [
            &["status"][..],
            &["status", "--json"],
            &["list"],
            &["list", "--json"],
            &["use", "blog_admin"],
        ] {
            let o = run(&env, args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
            if token == "valid" {
                assert_eq!(stderr(&o), "", "{args:?}");
            }
        }
        let o = run(&env, &["status", "--json"]);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["sessions"][0]["token"], token);
        assert_eq!(v["sessions"][0]["expires_at"], shown);
        let o = run(&env, &["list", "--json"]);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v[0]["token_expires_at"], shown, "{v}");
    }
}

#[test]
fn a_registration_file_with_a_bad_expiry_is_replaced_by_a_new_registration() {
    let env = login_env();
    let reg = env.cache(REGISTRATION_FILE);
    std::fs::write(
        &reg,
        "{\"clientId\": \"old-client\", \"clientSecret\": \"s\", \"expiresAt\": \"aaaaaa\u{20ac}\u{20ac}\", \
         \"scopes\": [\"sso:account:access\"]}",
    )
    .unwrap();
    let o = run(&env, &["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "ssox: ignoring {}: expiresAt is not a valid timestamp; ssox registers a new client\n",
            reg.display()
        )),
        "{err}"
    );
    assert_eq!(err.matches("ssox: ignoring").count(), 1, "{err}");
    assert_eq!(env.fake.count("RegisterClient"), 1);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&reg).unwrap()).unwrap();
    assert_ne!(written["clientId"], "old-client");
    let token: Value =
        serde_json::from_str(&std::fs::read_to_string(env.cache(SESSION_FILE)).unwrap()).unwrap();
    assert_eq!(token["clientId"], written["clientId"]);
}

#[test]
fn a_role_cache_file_with_a_bad_expiration_is_fetched_anew_and_overwritten() {
    for bad in ["aaaaaa\u{20ac}\u{20ac}", "9999-12-31T23:59:59-23:59"] {
        let env = signed_in::Env::new();
        env.seed_role_cache(
            "AdministratorAccess",
            SEED_AKID,
            SEED_SECRET,
            SEED_TOKEN,
            bad,
        );
        let path = env.role_cache_path("AdministratorAccess");
        let o = run_signed_in(&env, &["creds", "blog_admin", "--format", "env"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            stderr(&o),
            format!(
                "ssox: ignoring {}: Expiration is not a valid timestamp; ssox fetches new credentials\n",
                path.display()
            )
        );
        assert_eq!(env.fake.count("GetRoleCredentials"), 1);
        let out = stdout(&o);
        assert!(!out.contains(SEED_AKID), "{out}");
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let akid = written["Credentials"]["AccessKeyId"].as_str().unwrap();
        assert!(
            out.starts_with(&format!("export AWS_ACCESS_KEY_ID={akid}\n")),
            "{out}"
        );
        assert_ne!(akid, SEED_AKID);
    }
}

#[test]
fn role_credentials_expiring_at_the_calendars_ends_never_panic() {
    let env = signed_in::Env::new();
    // Year 9999: written and printed as it is.
    env.fake.script().role_expires_at = Some(253_402_300_799);
    let o = run_signed_in(&env, &["creds", "blog_admin", "--format", "env"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with("export AWS_CREDENTIAL_EXPIRATION=9999-12-31T23:59:59Z\n"),
        "{}",
        stdout(&o)
    );
    let cached = std::fs::read_to_string(env.role_cache_path("AdministratorAccess")).unwrap();
    assert!(
        cached.contains("\"Expiration\": \"9999-12-31T23:59:59Z\""),
        "{cached}"
    );
    // Epoch milliseconds near i64::MAX are beyond the calendar: a clear error, nothing cached.
    env.fake.script().role_expires_at = Some(i64::MAX / 1000);
    let o = run_signed_in(&env, &["creds", "blog_ro", "--format", "env"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_ne!(o.status.code(), Some(101));
    assert!(
        stderr(&o).contains("answered with an expiration out of range"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
    assert!(!env.role_cache_path("ReadOnlyAccess").exists());
}

#[test]
fn stale_temp_files_are_swept_when_ssox_writes_beside_them() {
    let env = login_env();
    let dir = env.sb.path(".aws/sso/cache");
    let stale = dir.join(".ssox-abc.tmp");
    let fresh = dir.join(".ssox-def.tmp");
    let foreign = dir.join(".other-abc.tmp");
    let other = dir.join("0123456789abcdef0123456789abcdef01234567.json");
    for (p, text) in [
        (&stale, "{\"accessToken\": \"leaked\"}"),
        (&fresh, "in flight"),
        (&foreign, "not ours"),
        (&other, "{\"x\": 1}"),
    ] {
        std::fs::write(p, text).unwrap();
    }
    for p in [&stale, &foreign, &other] {
        set_old(p);
    }
    let o = run(&env, &["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !stale.exists(),
        "a stale temp file of ssox's naming is removed"
    );
    assert_eq!(std::fs::read_to_string(&fresh).unwrap(), "in flight");
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "not ours");
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "{\"x\": 1}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want = [
        ".other-abc.tmp",
        ".ssox-def.tmp",
        "0123456789abcdef0123456789abcdef01234567.json",
        SESSION_FILE,
        REGISTRATION_FILE,
    ];
    want.sort();
    assert_eq!(names, want);

    // The same in ~/.aws/cli/cache when `creds` writes role credentials.
    let env = signed_in::Env::new();
    let cli = env.sb.path(".aws/cli/cache");
    std::fs::create_dir_all(&cli).unwrap();
    let stale = cli.join(".ssox-role.tmp");
    std::fs::write(&stale, cli_cache_json("A", "S", "T", &stamp_in(3600))).unwrap();
    set_old(&stale);
    let o = run_signed_in(&env, &["creds", "blog_admin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stale.exists());
    assert!(env.role_cache_path("AdministratorAccess").exists());
}
