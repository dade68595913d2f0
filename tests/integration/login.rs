//! `ssox login`, `logout` and `status` through the built binary against the loopback fake of AWS,
//! with a fake browser on PATH; and boto3 reading what ssox wrote (and ssox reading what boto3
//! rewrote).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::support::fake_aws::{Approval, FakeAws};
use crate::support::login_env::{Env, START_URL};
use crate::support::*;

/// `sha1("my_sso_session").json`
const SESSION_FILE: &str = "0f48d88342f931565c13babcf62a17530cf43d9d.json";
/// `sha1("https://legacy-portal.awsapps.com/start").json`
const LEGACY_FILE: &str = "89d145c4e0a89947ca94a1096ca1f4022f25487c.json";
const LEGACY_URL: &str = "https://legacy-portal.awsapps.com/start";

const LEGACY_PROFILE: &str = "
[profile legacy_ro]
sso_start_url = https://legacy-portal.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
region = us-east-1
";

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn parse_ts(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap()
}

fn is_strict_ts(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

fn keys(m: &Map<String, Value>) -> Vec<&str> {
    m.keys().map(String::as_str).collect()
}

fn oidc_ops(fake: &FakeAws) -> Vec<String> {
    fake.ops().into_iter().filter(|o| o != "Verify").collect()
}

#[test]
fn device_flow_writes_the_cli_token_file() {
    let env = Env::new(SEED_CONFIG);
    let started = now();
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "nothing on stdout");

    // What the fake saw: register, start, polls until approved (browser visit in between).
    let ops = oidc_ops(&env.fake);
    assert_eq!(ops[..2], ["RegisterClient", "StartDeviceAuthorization"]);
    assert!(ops[2..].iter().all(|o| o == "CreateToken"), "{ops:?}");
    assert!(!ops[2..].is_empty());
    assert_eq!(env.fake.count("Verify"), 1);
    let rq = env.fake.requests();
    let register = rq[0].json();
    assert_eq!(register["clientName"], "botocore-client-my_sso_session");
    assert_eq!(register["clientType"], "public");
    assert_eq!(
        register["scopes"],
        serde_json::json!(["sso:account:access"])
    );
    let start = rq[1].json();
    assert_eq!(start["startUrl"], START_URL);
    let poll = rq.iter().rfind(|r| r.op == "CreateToken").unwrap().json();
    assert_eq!(
        poll["grantType"],
        "urn:ietf:params:oauth:grant-type:device_code"
    );
    assert_eq!(poll["clientId"], register_client_id(&env));

    // The browser opened verificationUriComplete, once.
    let log = env.browser_log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(
        log[0].starts_with(&format!("{}/device?user_code=", env.fake.url())),
        "{log:?}"
    );
    let code = log[0].rsplit('=').next().unwrap().to_string();
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "To log in to sso-session \"my_sso_session\", open {}/device and enter the code {code}\n",
            env.fake.url()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("Opening {} in your browser", log[0])),
        "{err}"
    );
    assert!(
        err.ends_with("logged in to my_sso_session (valid 8h0m)\n")
            || err.ends_with("logged in to my_sso_session (valid 7h59m)\n"),
        "{err}"
    );

    // The token file: name, exact keys in the CLI's order, strict timestamps, 0600 in a 0700 dir.
    let path = env.cache(SESSION_FILE);
    let raw = std::fs::read_to_string(&path).unwrap();
    assert!(raw.starts_with("{\"startUrl\": \""), "{raw}");
    assert!(!raw.ends_with('\n'));
    let t = env.token(SESSION_FILE);
    assert_eq!(keys(&t), CLI_TOKEN_KEYS);
    assert_eq!(t["startUrl"], START_URL);
    assert_eq!(t["region"], "us-east-1");
    assert!(env.fake.token_valid(t["accessToken"].as_str().unwrap()));
    for k in ["expiresAt", "registrationExpiresAt"] {
        assert!(is_strict_ts(t[k].as_str().unwrap()), "{k}: {}", t[k]);
    }
    let expires = parse_ts(t["expiresAt"].as_str().unwrap());
    let lifetime = (expires - started).whole_seconds();
    assert!((28790..=28810).contains(&lifetime), "{lifetime}");
    let reg_expires = parse_ts(t["registrationExpiresAt"].as_str().unwrap());
    assert!(((reg_expires - started).whole_days() - 90).abs() <= 1);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&env.sb.path(".aws/sso/cache")), 0o700);
    assert_eq!(mode(&env.sb.path(".aws/sso")), 0o700);

    // The CLI's registration file (docs/compat.md#registration-cache) holds the same client.
    let reg_name = registration_name(
        "us-east-1",
        Some(&["sso:account:access"]),
        Some("my_sso_session"),
        START_URL,
    );
    let reg = env.token(&reg_name);
    assert_eq!(
        keys(&reg),
        ["clientId", "clientSecret", "expiresAt", "scopes"]
    );
    assert_eq!(reg["clientId"], t["clientId"]);
    assert_eq!(reg["clientSecret"], t["clientSecret"]);
    assert_eq!(reg["expiresAt"], t["registrationExpiresAt"]);
    assert_eq!(mode(&env.cache(&reg_name)), 0o600);

    // A second forced login reuses the registration: no RegisterClient.
    env.fake.clear_requests();
    let o = env.run(&["login", "--force", "my_sso_session"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.count("RegisterClient"), 0);
    assert_eq!(env.fake.count("StartDeviceAuthorization"), 1);
    assert_eq!(env.browser_log().len(), 2);
}

fn register_client_id(env: &Env) -> Value {
    let rq = env.fake.requests();
    let start = rq
        .iter()
        .find(|r| r.op == "StartDeviceAuthorization")
        .unwrap();
    start.json()["clientId"].clone()
}

/// The CLI's registration cache file name (docs/compat.md#registration-cache), computed
/// independently of ssox.
fn registration_name(
    region: &str,
    scopes: Option<&[&str]>,
    session: Option<&str>,
    start_url: &str,
) -> String {
    use sha1::Digest;
    let scopes = scopes.map_or("null".to_string(), |s| {
        format!(
            "[{}]",
            s.iter()
                .map(|x| format!("\"{x}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    let session = session.map_or("null".to_string(), |s| format!("\"{s}\""));
    let key = format!(
        "{{\"region\": \"{region}\", \"scopes\": {scopes}, \"session_name\": {session}, \"startUrl\": \"{start_url}\", \"tool\": \"botocore\"}}"
    );
    let digest = sha1::Sha1::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.json")
}

#[test]
fn registration_name_recipe_matches_the_reference() {
    assert_eq!(
        registration_name(
            "us-east-1",
            Some(&["sso:account:access"]),
            Some("my-sso"),
            "https://d-123.awsapps.com/start"
        ),
        "41703fba9789c2c8f9b7faa73b70bebb72c62cc9.json"
    );
}

#[test]
fn already_logged_in_makes_no_request() {
    let env = Env::new(SEED_CONFIG);
    let seeded = env.seed_token(SESSION_FILE, 8 * 3600 + 30, true);
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "already logged in to my_sso_session (valid 8h0m)\n"
    );
    assert_eq!(stdout(&o), "");
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    assert_eq!(
        std::fs::read_to_string(env.cache(SESSION_FILE)).unwrap(),
        seeded
    );
    assert!(
        !env.cache(&format!("{SESSION_FILE}.lock")).exists(),
        "the fast path takes no lock"
    );
}

#[test]
fn refresh_makes_exactly_one_request_and_keeps_unknown_keys() {
    let env = Env::new(SEED_CONFIG);
    env.seed_token(SESSION_FILE, 5 * 60, true);
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["CreateToken"]);
    let body = env.fake.requests()[0].json();
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["refreshToken"], "seed-refresh");
    assert_eq!(body["clientId"], "seed-client");
    assert_eq!(body["clientSecret"], "seed-secret");
    assert!(env.browser_log().is_empty(), "no browser for a refresh");
    let t = env.token(SESSION_FILE);
    assert_eq!(keys(&t), [&CLI_TOKEN_KEYS[..], &["ssoxTestExtra"]].concat());
    assert_ne!(t["accessToken"], "seed-access");
    assert!(env.fake.token_valid(t["accessToken"].as_str().unwrap()));
    assert_ne!(
        t["refreshToken"], "seed-refresh",
        "the new refresh token is kept"
    );
    assert_eq!(t["clientId"], "seed-client");
    assert_eq!(t["ssoxTestExtra"], serde_json::json!({"kept": [1, 2]}));
    let err = stderr(&o);
    assert!(
        err.starts_with("refreshed the token of my_sso_session (valid "),
        "{err}"
    );

    // When the server issues no new refresh token, the old one is kept (lose nothing).
    env.fake.script().issue_refresh_token = false;
    let old_refresh = t["refreshToken"].clone();
    let seeded_expiry = stamp(now() + Duration::from_secs(60));
    let text = std::fs::read_to_string(env.cache(SESSION_FILE))
        .unwrap()
        .replace(t["expiresAt"].as_str().unwrap(), &seeded_expiry);
    std::fs::write(env.cache(SESSION_FILE), text).unwrap();
    env.fake.clear_requests();
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["CreateToken"]);
    assert_eq!(env.token(SESSION_FILE)["refreshToken"], old_refresh);
}

#[test]
fn slow_down_raises_the_interval_by_five_seconds() {
    let env = Env::new(SEED_CONFIG);
    {
        let mut s = env.fake.script();
        s.slow_down_polls = 1;
        s.approval = Approval::AfterPolls(2);
    }
    let started = Instant::now();
    let o = env.run(&["login", "--no-browser"]);
    let elapsed = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Poll 1: slow_down → wait 1 + 5 s; poll 2: approved.
    assert_eq!(env.fake.count("CreateToken"), 2);
    assert!(elapsed >= Duration::from_secs(6), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert!(env.browser_log().is_empty(), "--no-browser opens nothing");
    let err = stderr(&o);
    assert!(
        err.contains("Not opening a browser (--no-browser): open the URL above on any device.\n"),
        "{err}"
    );
    assert!(env.cache(SESSION_FILE).exists());
}

#[test]
fn pending_polls_wait_the_interval() {
    let env = Env::new(SEED_CONFIG);
    env.fake.script().approval = Approval::AfterPolls(3);
    let started = Instant::now();
    let o = env.run(&["login", "--no-browser"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.count("CreateToken"), 3);
    assert!(started.elapsed() >= Duration::from_secs(2));
}

/// Every failure leaves the old (expired, not refreshable) token file byte for byte.
#[test]
fn denied_expired_500_and_malformed_leave_the_old_file_unchanged() {
    let env = Env::new(SEED_CONFIG);
    let old = env.seed_token(SESSION_FILE, -3600, false);
    let path = env.cache(SESSION_FILE);
    type Setup = Box<dyn Fn(&FakeAws)>;
    let cases: Vec<(&str, Setup, &str)> = vec![
        (
            "denied",
            Box::new(|f: &FakeAws| f.script().approval = Approval::Deny),
            "ssox: the login was denied in the browser (code ",
        ),
        (
            "expired",
            Box::new(|f: &FakeAws| f.script().approval = Approval::Expire),
            "ssox: the login code ",
        ),
        (
            "500 three times",
            Box::new(|f: &FakeAws| {
                f.script().approval = Approval::OnVerify;
                for _ in 0..3 {
                    f.script()
                        .fail
                        .push(("StartDeviceAuthorization".into(), 500));
                }
            }),
            "ssox: StartDeviceAuthorization at 127.0.0.1:",
        ),
        (
            "400 while polling",
            Box::new(|f: &FakeAws| {
                f.script().approval = Approval::AfterPolls(5);
                f.script().fail.push(("CreateToken".into(), 400));
            }),
            "ssox: CreateToken at 127.0.0.1:",
        ),
        (
            "malformed",
            Box::new(|f: &FakeAws| {
                f.script().approval = Approval::OnVerify;
                f.script().malformed = vec!["CreateToken".into()];
            }),
            "ssox: CreateToken at 127.0.0.1:",
        ),
    ];
    let cases_end = "returned a response ssox cannot read (HTTP 200)";
    for (name, setup, prefix) in cases {
        setup(&env.fake);
        let o = env.run(&["login", "--no-browser"]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let err = stderr(&o);
        let last = err.lines().last().unwrap_or_default();
        assert!(last.starts_with(prefix), "{name}: {err}");
        if name == "malformed" {
            assert!(last.ends_with(cases_end), "{name}: {err}");
        }
        assert!(
            !err.contains("seed-secret") && !err.contains("fake-client-secret"),
            "{name}: {err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), old, "{name}");
        assert_eq!(stdout(&o), "");
    }
    let err = {
        env.fake.script().malformed.clear();
        for _ in 0..3 {
            env.fake
                .script()
                .fail
                .push(("StartDeviceAuthorization".into(), 500));
        }
        stderr(&env.run(&["login", "--no-browser"]))
    };
    assert_eq!(
        err,
        format!(
            "ssox: StartDeviceAuthorization at {} failed: InternalServerException (HTTP 500) \
             (3 attempts); the service has a problem, try again in a minute\n",
            env.fake.place()
        )
    );
}

#[test]
fn ctrl_c_exits_130_and_keeps_the_old_file() {
    let env = Env::new(SEED_CONFIG);
    let old = env.seed_token(SESSION_FILE, -60, false);
    env.fake.script().approval = Approval::AfterPolls(1000);
    let child = env
        .cmd(&["login", "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while env.fake.count("CreateToken") < 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).ends_with(".\ncancelled\n"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(env.cache(SESSION_FILE)).unwrap(),
        old
    );
}

#[test]
fn two_concurrent_logins_open_one_browser() {
    let env = Env::new(SEED_CONFIG);
    // Slow answers make the two runs overlap for sure.
    env.fake.script().delay = Some(Duration::from_millis(300));
    let spawn = || {
        env.cmd(&["login"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    assert_eq!(env.browser_log().len(), 1, "{:?}", env.browser_log());
    assert_eq!(env.fake.count("StartDeviceAuthorization"), 1);
    let both = format!("{}{}", stderr(&a), stderr(&b));
    assert!(
        both.contains("waiting for another ssox login to my_sso_session to finish"),
        "{both}"
    );
    assert!(
        both.contains("already logged in to my_sso_session (valid "),
        "{both}"
    );
    let t = env.token(SESSION_FILE);
    assert!(env.fake.token_valid(t["accessToken"].as_str().unwrap()));
    let names: Vec<String> = std::fs::read_dir(env.sb.path(".aws/sso/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(names.is_empty(), "no temp files left: {names:?}");
}

#[test]
fn login_use_prints_only_shell_code() {
    let env = Env::new(SEED_CONFIG);
    let o = env.run(&["login", "--use", "blog_admin", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\n\
         unset AWS_CREDENTIAL_EXPIRATION;\nexport AWS_PROFILE='blog_admin';\n\
         export AWS_DEFAULT_PROFILE='blog_admin';\n"
    );
    assert!(env.cache(SESSION_FILE).exists());
    // Already logged in: silent, no request, same output.
    env.fake.clear_requests();
    let o2 = env.run(&["login", "--use", "blog_admin", "--shell", "bash"]);
    assert_eq!(o2.status.code(), Some(0));
    assert_eq!(stdout(&o2), stdout(&o));
    assert_eq!(stderr(&o2), "");
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    let o3 = env.run(&["login", "--use", "my_sso_session"]);
    assert_eq!(o3.status.code(), Some(1));
    assert_eq!(stdout(&o3), "");
}

#[test]
fn use_login_logs_in_first_then_switches() {
    let env = Env::new(SEED_CONFIG);
    let o = env.run(&["use", "--login", "blog_admin", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).ends_with("export AWS_DEFAULT_PROFILE='blog_admin';\n"));
    assert!(!stderr(&o).contains("run: ssox login"), "{}", stderr(&o));
    assert_eq!(env.token(SESSION_FILE)["startUrl"], START_URL);
    assert_eq!(env.browser_log().len(), 1);
    // Fresh token: no request at all, no warning.
    env.fake.clear_requests();
    let o2 = env.run(&["use", "--login", "blog_admin", "--shell", "bash"]);
    assert_eq!((o2.status.code(), stderr(&o2).as_str()), (Some(0), ""));
    assert_eq!(stdout(&o2), stdout(&o));
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    // A failed login switches nothing.
    std::fs::remove_file(env.cache(SESSION_FILE)).unwrap();
    env.fake.script().approval = Approval::Deny;
    let o3 = env.run(&["use", "--login", "blog_admin", "--shell", "bash"]);
    assert_eq!((o3.status.code(), stdout(&o3).as_str()), (Some(1), ""));
}

#[test]
fn auto_login_needs_a_terminal() {
    // SSOX_AUTO_LOGIN=1 without a terminal on stdin: no login, just the warning.
    let env = Env::new(SEED_CONFIG);
    let o = env
        .cmd(&["use", "blog_admin", "--shell", "bash"])
        .env("SSOX_AUTO_LOGIN", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"my_sso_session\" has no cached token; run: ssox login\n"
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn login_without_name_and_several_sessions_lists_them() {
    let config = format!(
        "{SEED_CONFIG}\n[sso-session other]\nsso_start_url = https://other/start\nsso_region = eu-west-1\n{LEGACY_PROFILE}"
    );
    let env = Env::new(&config);
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config has several sso-sessions (my_sso_session, other, legacy-portal.awsapps.com); \
         name one: ssox login NAME, or log in to all: ssox login --all\n"
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    // AWS_PROFILE picks the session.
    let o = env
        .cmd(&["login", "--no-browser"])
        .env("AWS_PROFILE", "blog_admin")
        .env("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "ssox: RegisterClient: cannot connect to 127.0.0.1:9: connection refused; check your network or VPN\n"
    );
}

#[test]
fn legacy_profile_login_uses_the_start_url_key_and_no_scopes() {
    let env = Env::new(LEGACY_PROFILE);
    let o = env.run(&["login", "legacy_ro"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let register = env.fake.requests()[0].json();
    let name = register["clientName"].as_str().unwrap();
    assert!(
        name.strip_prefix("botocore-client-")
            .unwrap()
            .parse::<u64>()
            .is_ok(),
        "{name}"
    );
    assert!(register.get("scopes").is_none(), "{register}");
    let t = env.token(LEGACY_FILE);
    assert_eq!(t["startUrl"], LEGACY_URL);
    assert!(
        t.get("refreshToken").is_none(),
        "no scopes, no refresh token"
    );
    let reg_name = registration_name("us-east-1", None, None, LEGACY_URL);
    assert_eq!(
        keys(&env.token(&reg_name)),
        ["clientId", "clientSecret", "expiresAt"]
    );
}

#[test]
fn logout_revokes_and_deletes_token_and_sso_role_caches() {
    let env = Env::new(SEED_CONFIG);
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let token = env.token(SESSION_FILE)["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    // The CLI's role cache for blog_admin (docs/compat.md#role-cache), and one that is not SSO.
    let role_name = role_cache_name("111111111111", "AdministratorAccess", "my_sso_session");
    env.sb.write(
        &format!(".aws/cli/cache/{role_name}"),
        "{\"ProviderType\": \"sso\", \"Credentials\": {}}",
    );
    env.sb.write(
        ".aws/cli/cache/other.json",
        "{\"ProviderType\": \"assume-role\"}",
    );
    env.fake.clear_requests();
    let o = env.run(&["logout"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "logged out of my_sso_session (token revoked and deleted, 1 cached role credential deleted)\n"
    );
    assert_eq!(env.fake.ops(), ["Logout"]);
    let rq = &env.fake.requests()[0];
    assert_eq!(rq.header("x-amz-sso_bearer_token"), Some(token.as_str()));
    assert!(!env.fake.token_valid(&token));
    assert!(!env.cache(SESSION_FILE).exists());
    assert!(!env.sb.path(&format!(".aws/cli/cache/{role_name}")).exists());
    assert!(env.sb.path(".aws/cli/cache/other.json").exists());
    let reg_name = registration_name(
        "us-east-1",
        Some(&["sso:account:access"]),
        Some("my_sso_session"),
        START_URL,
    );
    assert!(env.cache(&reg_name).exists(), "registrations are kept");
    // status shows the kept registration (the next login uses it), not `-`.
    let o = env.run(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = &v["sessions"][0];
    assert_eq!(s["token"], "none");
    assert_eq!(
        s["registration_expires_at"],
        env.token(&reg_name)["expiresAt"]
    );
    let o = env.run(&["status"]);
    let row = stdout(&o).lines().nth(2).unwrap().to_string();
    assert!(
        row.starts_with("my_sso_session  us-east-1  none   expires in 89d23h  "),
        "{row}"
    );
    // Again: nothing to do, no request.
    env.fake.clear_requests();
    let o = env.run(&["logout", "my_sso_session"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "not logged in to my_sso_session; no cached token\n"
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

fn role_cache_name(account: &str, role: &str, session: &str) -> String {
    use sha1::Digest;
    let key = format!(
        "{{\"accountId\":\"{account}\",\"roleName\":\"{role}\",\"sessionName\":\"{session}\"}}"
    );
    let digest = sha1::Sha1::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.json")
}

#[test]
fn logout_with_the_server_down_still_deletes_local_files() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    sb.write(
        &format!(".aws/sso/cache/{SESSION_FILE}"),
        &format!(
            "{{\"accessToken\": \"t\", \"expiresAt\": \"{}\", \"region\": \"us-east-1\"}}",
            stamp(now() + Duration::from_secs(3600))
        ),
    );
    let o = sb
        .cmd()
        .args(["logout"])
        .env("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(
        err,
        "ssox: the server did not revoke the token of my_sso_session: Logout: cannot connect to \
         127.0.0.1:9: connection refused; check your network or VPN; deleting it locally anyway\n\
         logged out of my_sso_session (token deleted locally, not revoked on the server)\n"
    );
    assert!(!sb.path(&format!(".aws/sso/cache/{SESSION_FILE}")).exists());
}

#[test]
fn status_json_has_stable_keys_and_values() {
    let env = Env::new(&format!("{SEED_CONFIG}{LEGACY_PROFILE}"));
    env.seed_token(SESSION_FILE, 7 * 3600 + 12 * 60 + 30, true);
    let o = env
        .cmd(&["status", "--json"])
        .env("AWS_PROFILE", "blog_admin")
        .env("AWS_DEFAULT_PROFILE", "legacy_ro")
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        env.fake.ops(),
        Vec::<String>::new(),
        "status makes no request"
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        keys(v.as_object().unwrap()),
        [
            "profile",
            "profile_source",
            "profile_session",
            "warnings",
            "sessions",
            "profile_login_session",
            "login_sessions"
        ]
    );
    assert_eq!(v["profile"], "blog_admin");
    assert_eq!(v["profile_source"], "AWS_PROFILE");
    assert_eq!(v["profile_session"], "my_sso_session");
    assert_eq!(
        v["warnings"],
        serde_json::json!([
            "AWS_PROFILE (blog_admin) and AWS_DEFAULT_PROFILE (legacy_ro) disagree: the AWS CLI uses blog_admin, boto3 uses legacy_ro; run: ssox use blog_admin",
            "AWS_ACCESS_KEY_ID is set and overrides any profile in every AWS tool; run: ssox use NAME (or ssox use --clear)"
        ])
    );
    let sessions = v["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let s = sessions[0].as_object().unwrap();
    assert_eq!(
        keys(s),
        [
            "name",
            "type",
            "start_url",
            "region",
            "token",
            "expires_at",
            "seconds_left",
            "refreshable",
            "registration_expires_at",
            "cache_file"
        ]
    );
    assert_eq!(s["name"], "my_sso_session");
    assert_eq!(s["type"], "sso-session");
    assert_eq!(s["start_url"], START_URL);
    assert_eq!(s["token"], "valid");
    let left = s["seconds_left"].as_i64().unwrap();
    assert!((25900..=25950).contains(&left), "{left}");
    assert_eq!(s["refreshable"], true);
    assert!(is_strict_ts(s["registration_expires_at"].as_str().unwrap()));
    assert_eq!(s["cache_file"], format!("~/.aws/sso/cache/{SESSION_FILE}"));
    let l = sessions[1].as_object().unwrap();
    assert_eq!(l["name"], LEGACY_URL);
    assert_eq!(l["type"], "legacy");
    assert_eq!(l["token"], "none");
    assert_eq!(l["expires_at"], Value::Null);
    assert_eq!(l["seconds_left"], Value::Null);

    // Text form: warnings on stderr, the table on stdout.
    let o = env
        .cmd(&["status"])
        .env("AWS_PROFILE", "blog_admin")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "profile: blog_admin (from AWS_PROFILE), sso-session my_sso_session: valid for 7h12m"
    );
    assert!(lines[1].starts_with("SESSION"), "{out}");
    assert!(lines[2].starts_with("my_sso_session"), "{out}");
    assert!(lines[2].contains("valid for 7h12m"), "{out}");
    assert!(
        lines[2].contains("expires in 29d23h") || lines[2].contains("expires in 30d0h"),
        "{out}"
    );
    assert!(lines[3].contains("none"), "{out}");

    // Prompt line.
    let o = env
        .cmd(&["status", "--prompt"])
        .env("AWS_PROFILE", "blog_admin")
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "blog_admin 7h\n");
    let o = env.run(&["status", "--prompt"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
}

#[test]
fn status_check_asks_the_portal() {
    let env = Env::new(SEED_CONFIG);
    env.seed_token(SESSION_FILE, 3600, false);
    let o = env.run(&["status", "--json", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["sessions"][0]["check"], "accepted");
    assert_eq!(env.fake.ops(), ["ListAccounts"]);
    // Revoked on the server: rejected.
    env.run(&["logout"]);
    env.seed_token(SESSION_FILE, 3600, false);
    env.fake.script().fail.push(("ListAccounts".into(), 401));
    let o = env.run(&["status", "--json", "--check"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["sessions"][0]["check"], "rejected");
}

// ---- boto3 interoperability ------------------------------------------------------------------

#[test]
fn boto3_uses_the_tokens_ssox_wrote() {
    let Some(py) = venv_python() else { return };
    let env = Env::new(&format!("{SEED_CONFIG}{LEGACY_PROFILE}"));
    for name in ["my_sso_session", "legacy_ro"] {
        let o = env.run(&["login", name]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
    }
    env.fake.clear_requests();
    let mut c = Command::new(py);
    scrub(&mut c, &env.sb.home);
    let o = c
        .envs(env.fake.env())
        .arg(interop_script("caller_identity.py"))
        .args(["blog_admin", "legacy_ro"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["profile"], "blog_admin");
    assert_eq!(lines[0]["Account"], "111111111111");
    assert!(
        lines[0]["Arn"]
            .as_str()
            .unwrap()
            .contains("AdministratorAccess"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1]["Account"], "111111111111");
    assert!(
        lines[1]["Arn"].as_str().unwrap().contains("ReadOnlyAccess"),
        "{}",
        lines[1]
    );
    // boto3 fetched role credentials with ssox's tokens and signed STS with them; no login.
    assert_eq!(
        env.fake.ops(),
        [
            "GetRoleCredentials",
            "GetCallerIdentity",
            "GetRoleCredentials",
            "GetCallerIdentity"
        ]
    );
    let tokens: Vec<String> = env
        .fake
        .requests()
        .iter()
        .filter(|r| r.op == "GetRoleCredentials")
        .map(|r| r.header("x-amz-sso_bearer_token").unwrap().to_string())
        .collect();
    assert_eq!(
        tokens[0],
        env.token(SESSION_FILE)["accessToken"].as_str().unwrap()
    );
    assert_eq!(
        tokens[1],
        env.token(LEGACY_FILE)["accessToken"].as_str().unwrap()
    );
}

#[test]
fn ssox_reads_the_file_botocore_rewrote_after_a_refresh() {
    let Some(py) = venv_python() else { return };
    let env = Env::new(SEED_CONFIG);
    // A short-lived token: botocore refreshes anything with less than 15 minutes left.
    env.fake.script().token_expires_in = 600;
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = env.token(SESSION_FILE);
    env.fake.script().token_expires_in = 5 * 3600;
    env.fake.clear_requests();
    let mut c = Command::new(py);
    scrub(&mut c, &env.sb.home);
    let o = c
        .envs(env.fake.env())
        .arg(interop_script("refresh_token.py"))
        .arg("blog_admin")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["CreateToken"], "botocore refreshed");
    let after_text = std::fs::read_to_string(env.cache(SESSION_FILE)).unwrap();
    let after = env.token(SESSION_FILE);
    assert_ne!(after["accessToken"], before["accessToken"], "{after_text}");
    assert_eq!(stdout(&o).trim(), after["expiresAt"].as_str().unwrap());

    let o = env.run(&["status", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = &v["sessions"][0];
    assert_eq!(s["token"], "valid", "{after_text}");
    assert_eq!(s["expires_at"], after["expiresAt"]);
    let left = s["seconds_left"].as_i64().unwrap();
    assert!((5 * 3600 - 60..=5 * 3600).contains(&left), "{left}");
    assert_eq!(s["refreshable"], true, "{after_text}");
    // And ssox is already logged in with it: no request.
    env.fake.clear_requests();
    let o = env.run(&["login"]);
    assert!(
        stderr(&o).starts_with("already logged in to my_sso_session (valid 4h59m)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn a_rejected_cached_registration_is_replaced_once() {
    let env = Env::new(SEED_CONFIG);
    let reg_name = registration_name(
        "us-east-1",
        Some(&["sso:account:access"]),
        Some("my_sso_session"),
        START_URL,
    );
    env.sb.write(
        &format!(".aws/sso/cache/{reg_name}"),
        &format!(
            "{{\"clientId\": \"forgotten\", \"clientSecret\": \"s\", \"expiresAt\": \"{}\", \"scopes\": [\"sso:account:access\"]}}",
            stamp(now() + Duration::from_secs(86400))
        ),
    );
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ops = oidc_ops(&env.fake);
    assert_eq!(
        ops[..3],
        [
            "StartDeviceAuthorization",
            "RegisterClient",
            "StartDeviceAuthorization"
        ]
    );
    assert!(stderr(&o).starts_with(
        "ssox: the server rejected the cached client registration; registering again\n"
    ));
    let reg = env.token(&reg_name);
    assert_ne!(reg["clientId"], "forgotten");
    assert_eq!(env.token(SESSION_FILE)["clientId"], reg["clientId"]);
    assert_eq!(env.browser_log().len(), 1);
}

#[test]
fn login_all_logs_into_every_session() {
    let config = format!(
        "{SEED_CONFIG}\n[sso-session other]\nsso_start_url = https://other/start\nsso_region = eu-west-1\n"
    );
    let env = Env::new(&config);
    let o = env.run(&["login", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.browser_log().len(), 2);
    assert_eq!(env.token(SESSION_FILE)["startUrl"], START_URL);
    // sha1("other")
    let other = env.token("d0941e68da8f38151ff86a61fc59f7c5cf9fcaa2.json");
    assert_eq!(other["startUrl"], "https://other/start");
    assert_eq!(other["region"], "eu-west-1");
    env.fake.clear_requests();
    let o = env.run(&["login", "--all"]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.starts_with("already logged in to my_sso_session (valid "),
        "{err}"
    );
    assert!(
        err.contains("\nalready logged in to other (valid "),
        "{err}"
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn a_failed_refresh_falls_back_to_the_device_flow() {
    let env = Env::new(SEED_CONFIG);
    let text = env
        .seed_token(SESSION_FILE, 60, true)
        .replace("seed-refresh", "revoked-refresh");
    env.sb
        .write(&format!(".aws/sso/cache/{SESSION_FILE}"), &text);
    let o = env.run(&["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ops = oidc_ops(&env.fake);
    assert_eq!(
        ops[..3],
        ["CreateToken", "RegisterClient", "StartDeviceAuthorization"]
    );
    let err = stderr(&o);
    let first = err.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "ssox: cannot refresh the token of my_sso_session (CreateToken (refresh) at {} \
             failed: InvalidGrantException (HTTP 400)); starting a new login",
            env.fake.place()
        ),
        "{err}"
    );
    assert!(
        !err.contains("revoked-refresh") && !err.contains("seed-secret"),
        "{err}"
    );
    let t = env.token(SESSION_FILE);
    assert!(env.fake.token_valid(t["accessToken"].as_str().unwrap()));
    assert_eq!(t["ssoxTestExtra"], serde_json::json!({"kept": [1, 2]}));
    assert_eq!(env.browser_log().len(), 1);
}

#[test]
fn logout_all_revokes_every_cached_token_and_sweeps_sso_role_caches() {
    let config = format!("{SEED_CONFIG}{LEGACY_PROFILE}");
    let env = Env::new(&config);
    for name in ["my_sso_session", "legacy_ro"] {
        let o = env.run(&["login", name]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    env.sb.write(
        ".aws/cli/cache/from-another-config.json",
        "{\"ProviderType\": \"sso\", \"Credentials\": {}}",
    );
    env.sb.write(
        ".aws/cli/cache/keep.json",
        "{\"ProviderType\": \"assume-role\"}",
    );
    env.fake.clear_requests();
    let o = env.run(&["logout", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["Logout", "Logout"]);
    assert_eq!(
        stderr(&o),
        "logged out of my_sso_session (token revoked and deleted)\n\
         logged out of legacy-portal.awsapps.com (token revoked and deleted)\n\
         deleted 1 more cached role credential file(s) from ~/.aws/cli/cache\n"
    );
    assert!(!env.cache(SESSION_FILE).exists());
    assert!(!env.cache(LEGACY_FILE).exists());
    assert!(!env
        .sb
        .path(".aws/cli/cache/from-another-config.json")
        .exists());
    assert!(env.sb.path(".aws/cli/cache/keep.json").exists());
    let o = env.run(&["logout", "--all"]);
    assert_eq!(
        stderr(&o),
        "no session has a cached token; nothing to log out of\n"
    );
}

#[test]
fn endpoints_from_the_profiles_services_section_are_used() {
    let fake = FakeAws::start();
    let config = format!(
        "{SEED_CONFIG}services = local\n\n[services local]\nsso-oidc =\n  endpoint_url = {url}\nsso =\n  endpoint_url = {url}\n",
        url = fake.url()
    );
    let sb = Sandbox::with_config(&config);
    fake.script().approval = Approval::AfterPolls(1);
    let o = sb.run(&["login", "blog_admin", "--no-browser"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(sb.path(&format!(".aws/sso/cache/{SESSION_FILE}")).exists());
    assert_eq!(fake.count("RegisterClient"), 1);
    // Logout through the same profile's sso endpoint.
    let o = sb.cmd().args(["logout", "blog_admin"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(fake.count("Logout"), 1);
}

#[test]
fn no_browser_over_ssh_or_without_a_display() {
    let env = Env::new(SEED_CONFIG);
    env.fake.script().approval = Approval::AfterPolls(1);
    type Case<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a str);
    let cases: [Case; 2] = [
        (
            "ssh",
            Some(("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")),
            "this is an SSH session",
        ),
        (
            "no display",
            None,
            "neither DISPLAY nor WAYLAND_DISPLAY is set",
        ),
    ];
    for (name, var, reason) in cases {
        let mut c = env.cmd(&["login", "--force"]);
        if let Some((k, v)) = var {
            c.env(k, v);
        } else {
            c.env_remove("DISPLAY");
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!(
                "Not opening a browser ({reason}): open the URL above on any device.\nOr open {}/device?user_code=",
                env.fake.url()
            )),
            "{name}: {err}"
        );
        assert!(env.browser_log().is_empty(), "{name}");
    }
}
