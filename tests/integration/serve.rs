//! `ssox serve` and `ssox exec --server` against the fake AWS: boto3 through the container
//! credential provider, the bearer token, the statuses and their bodies, one refresh and one
//! fetch for 50 parallel requests, fresh credentials for a long-running child, the printed
//! variables (shell code, Docker env file, a token file), the bind address, a clean stop on
//! SIGINT/SIGTERM, and a log with its exact shape and no secret in it.

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::support::signed_in::{Env, ACCOUNT, REFRESH_TOKEN, TOKEN as SSO_TOKEN};
use crate::support::*;

const ARN: &str = "arn:aws:sts::111111111111:assumed-role/AdministratorAccess/ssox-user";

/// A running `ssox serve`: what it printed on stdout, and its stderr in a file.
pub(crate) struct Serving {
    child: Child,
    pub(crate) stdout: String,
    log: PathBuf,
}

/// Start `ssox serve ARGS` in HOME and read its stdout to the end (ssox closes it once printed).
pub(crate) fn serve(env: &Env, args: &[&str]) -> Serving {
    serve_as(env, None, args)
}

/// [`serve`] with `AWS_PROFILE` set to `active` (plain `ssox serve` serves any profile).
pub(crate) fn serve_as(env: &Env, active: Option<&str>, args: &[&str]) -> Serving {
    static N: AtomicUsize = AtomicUsize::new(0);
    let log = env
        .sb
        .dir
        .path()
        .join(format!("serve-{}.log", N.fetch_add(1, Ordering::SeqCst)));
    let mut cmd = env.cmd();
    if let Some(p) = active {
        cmd.env("AWS_PROFILE", p);
    }
    let mut child = cmd
        .current_dir(&env.sb.home)
        .arg("serve")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    Serving { child, stdout, log }
}

impl Serving {
    /// A variable of `--print-env` output (`NAME=value`), or of shell code (`export NAME='value';`).
    pub(crate) fn var(&self, name: &str) -> String {
        self.stdout
            .lines()
            .find_map(|l| {
                let l = l.strip_prefix("export ").unwrap_or(l);
                let v = l.strip_prefix(name)?.strip_prefix('=')?;
                Some(v.trim_end_matches(';').trim_matches('\'').to_string())
            })
            .unwrap_or_else(|| panic!("no {name} in {:?} ({})", self.stdout, self.log()))
    }

    pub(crate) fn uri(&self) -> String {
        self.var("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    }

    pub(crate) fn token(&self) -> String {
        self.var("AWS_CONTAINER_AUTHORIZATION_TOKEN")
    }

    /// `host:port` of the server.
    pub(crate) fn place(&self) -> String {
        let uri = self.uri();
        let rest = uri.strip_prefix("http://").unwrap();
        rest.split('/').next().unwrap().to_string()
    }

    /// `GET path` with that `Authorization` header (none: `None`); the status and body.
    pub(crate) fn get(&self, path: &str, auth: Option<&str>) -> (u16, String) {
        get(&self.place(), path, auth)
    }

    /// [`Serving::get`] naming `host` in the `Host` header (none: `None`).
    pub(crate) fn get_as(
        &self,
        host: Option<&str>,
        path: &str,
        auth: Option<&str>,
    ) -> (u16, String) {
        request(&self.place(), host, path, auth)
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Send `signal` (a `kill` name) and wait for the exit; the status and the whole log.
    pub(crate) fn stop(mut self, signal: &str) -> (ExitStatus, String) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, self.log());
            }
            assert!(Instant::now() < deadline, "still running: {}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request to `place`; the status and body of the answer.
pub(crate) fn get(place: &str, path: &str, auth: Option<&str>) -> (u16, String) {
    request(place, Some(place), path, auth)
}

/// [`get`] naming `host` in the `Host` header (none: `None`).
pub(crate) fn request(
    place: &str,
    host: Option<&str>,
    path: &str,
    auth: Option<&str>,
) -> (u16, String) {
    let mut conn = TcpStream::connect(place).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let auth = auth.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
    let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
    write!(
        conn,
        "GET {path} HTTP/1.1\r\n{host}Accept: application/json\r\n{auth}\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(body.len(), length, "{answer}");
    (status, body.to_string())
}

/// A free port on 127.0.0.1 (free when asked; nothing else here takes ports on purpose).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The access key, secret and session token the fake issued for `akid`, and the log of `s`:
/// none of them (nor the bearer token or the SSO access token) may be in it.
fn assert_no_secret(env: &Env, log: &str, akid: &str, bearer: &str) {
    let (_, secret, session_token) = env.fake.role_credentials_for(akid).unwrap();
    for s in [
        akid,
        &secret,
        &session_token,
        bearer,
        SSO_TOKEN,
        REFRESH_TOKEN,
    ] {
        assert!(!log.contains(s), "{s} in the log:\n{log}");
    }
}

/// A request's log line: `<RFC 3339 UTC time> <status> <rest>`; the status and rest.
fn request_line(line: &str) -> (u16, &str) {
    let (time, rest) = line.split_once(' ').unwrap();
    let t = OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| panic!("no time at the start of {line:?}"));
    assert!(time.ends_with('Z'), "{line}");
    assert!(
        (OffsetDateTime::now_utc() - t).whole_seconds().abs() < 120,
        "{line}"
    );
    let (status, rest) = rest.split_once(' ').unwrap();
    (status.parse().unwrap(), rest)
}

/// The `ssox …` lines and the request lines of a log, the latter without their time.
pub(crate) fn log_lines(log: &str) -> Vec<String> {
    log.lines()
        .map(|l| {
            if l.starts_with("ssox: ") {
                l.to_string()
            } else {
                let (status, rest) = request_line(l);
                format!("{status} {rest}")
            }
        })
        .collect()
}

/// Files left in ssox's lock directory and ssox's temp files beside the AWS CLI's caches.
fn leftovers(env: &Env) -> Vec<String> {
    let mut out = Vec::new();
    for dir in [
        env.lock_dir(),
        env.sb.path(".aws/cli/cache"),
        env.sb.path(".aws/sso/cache"),
    ] {
        for e in std::fs::read_dir(&dir).into_iter().flatten() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if dir == env.lock_dir() || name.starts_with(".ssox-") {
                out.push(name);
            }
        }
    }
    out
}

fn expiry_in_an_hour(uri_line: &str) -> bool {
    let exp = uri_line.strip_prefix("until ").unwrap();
    let exp = OffsetDateTime::parse(exp, &time::format_description::well_known::Rfc3339).unwrap();
    let left = (exp - OffsetDateTime::now_utc()).whole_minutes();
    (58..=60).contains(&left)
}

#[test]
fn boto3_gets_caller_identity_through_the_server_then_it_stops_cleanly_on_sigterm() {
    let Some(py) = venv_python() else { return };
    let env = Env::new();
    let s = serve(&env, &["--profile", "blog_admin", "--shell", "bash"]);
    let port = s.place().rsplit(':').next().unwrap().to_string();
    let uri = format!("http://127.0.0.1:{port}/profiles/blog_admin");
    let bearer = s.token();
    assert_eq!(bearer.len(), 64);
    assert_eq!(
        s.stdout,
        format!(
            "unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\n\
             unset AWS_CREDENTIAL_EXPIRATION;\nunset AWS_PROFILE;\nunset AWS_DEFAULT_PROFILE;\n\
             unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;\n\
             unset AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;\n\
             export AWS_CONTAINER_CREDENTIALS_FULL_URI='{uri}';\n\
             export AWS_CONTAINER_AUTHORIZATION_TOKEN='{bearer}';\n\
             export AWS_REGION='us-east-1';\nexport AWS_DEFAULT_REGION='us-east-1';\n"
        )
    );
    // Real bash evaluates the code, over a profile and keys that would otherwise win.
    let mut c = Command::new("bash");
    scrub(&mut c, &env.sb.home);
    let o = c
        .envs(env.fake.env())
        .env("AWS_PROFILE", "blog_ro")
        .env("AWS_ACCESS_KEY_ID", "AKIASTALE")
        .env("AWS_SECRET_ACCESS_KEY", "stale")
        .env("SCRIPT", interop_script("container_identity.py"))
        .env("PY", &py)
        .args(["--norc", "--noprofile", "-c"])
        .arg(format!("{}\n\"$PY\" \"$SCRIPT\"", s.stdout))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stderr(&o), s.log());
    assert_eq!(stdout(&o), format!("container-role {ACCOUNT} {ARN}\n"));
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "GetCallerIdentity"]);
    let signed = env.fake.requests()[1]
        .header("authorization")
        .unwrap()
        .to_string();
    let akid = signed
        .split("Credential=")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();

    let (status, log) = s.stop("TERM");
    assert_eq!(status.code(), Some(0), "{log}");
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 3, "{log}");
    assert_eq!(
        lines[0],
        format!("ssox: serving blog_admin at {uri} (no other profile); Ctrl-C stops")
    );
    let rest = lines[1].strip_prefix("200 blog_admin ").unwrap();
    assert!(expiry_in_an_hour(rest), "{log}");
    assert_eq!(lines[2], "ssox: stopped");
    assert_no_secret(&env, &log, &akid, &bearer);
    assert_eq!(leftovers(&env), Vec::<String>::new());
    // The credentials went to the AWS CLI's role cache too, as `creds` leaves them.
    assert!(env.role_cache_path("AdministratorAccess").is_file());
}

#[test]
fn the_bearer_token_unknown_profiles_and_logins_answer_their_status() {
    let env = Env::new();
    env.sb.write(
        ".aws/config",
        &format!(
            "{}\n[profile other_session]\nsso_session = gone\nsso_account_id = 222222222222\nsso_role_name = R\n\
             [sso-session gone]\nsso_start_url = https://gone.awsapps.com/start\nsso_region = us-east-1\n",
            crate::support::signed_in::CONFIG
        ),
    );
    // Plain `serve` serves any profile, `/` the active one.
    let s = serve_as(&env, Some("blog_admin"), &["--print-env"]);
    let bearer = s.token();
    let unauthorized = (
        401,
        r#"{"code":"Unauthorized","message":"missing or wrong Authorization header"}"#.to_string(),
    );
    assert_eq!(s.get("/", None), unauthorized);
    assert_eq!(s.get("/profiles/blog_admin", Some("wrong")), unauthorized);
    assert_eq!(s.get("/profiles/nope", Some(&bearer[1..])), unauthorized);
    assert_eq!(s.get("/", Some(&format!("Bearer {bearer}"))), unauthorized);
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    assert_eq!(
        s.get("/profiles/blog_amdin", Some(&bearer)),
        (
            404,
            r#"{"code":"ProfileNotFound","message":"profile \"blog_amdin\" not found in ~/.aws/config; did you mean \"blog_admin\"?"}"#
                .to_string()
        )
    );
    assert_eq!(
        s.get("/profiles/other_session", Some(&bearer)),
        (
            503,
            r#"{"code":"LoginRequired","message":"sso-session \"gone\" has no cached token; run: ssox login"}"#
                .to_string()
        )
    );
    let (status, body) = s.get("/profiles/blog_ro", Some(&bearer));
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "SecretAccessKey",
            "Token",
            "Expiration",
            "AccountId"
        ]
    );
    let akid = v["AccessKeyId"].as_str().unwrap();
    let (_, secret, token) = env.fake.role_credentials_for(akid).unwrap();
    assert_eq!(
        (v["SecretAccessKey"].as_str(), v["Token"].as_str()),
        (Some(&*secret), Some(&*token))
    );
    assert_eq!(v["AccountId"], ACCOUNT);
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);

    let (status, log) = s.stop("INT");
    assert_eq!(status.code(), Some(0), "{log}");
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 9, "{log}");
    assert!(
        lines[0].ends_with(" (any profile at /profiles/NAME); Ctrl-C stops"),
        "{log}"
    );
    for l in &lines[1..5] {
        assert_eq!(l, "401 - missing or wrong Authorization header");
    }
    assert_eq!(
        lines[5],
        "404 blog_amdin profile \"blog_amdin\" not found in ~/.aws/config; did you mean \"blog_admin\"?"
    );
    assert_eq!(
        lines[6],
        "503 other_session sso-session \"gone\" has no cached token; run: ssox login"
    );
    assert!(
        expiry_in_an_hour(lines[7].strip_prefix("200 blog_ro ").unwrap()),
        "{log}"
    );
    assert_eq!(lines[8], "ssox: stopped");
    assert_no_secret(&env, &log, akid, &bearer);
    assert_eq!(leftovers(&env), Vec::<String>::new());
}

#[test]
fn an_expired_token_is_refreshed_once_for_fifty_parallel_requests() {
    let env = Env::new();
    env.write_refreshable_token(OffsetDateTime::now_utc() - time::Duration::minutes(5));
    env.fake.script().delay = Some(Duration::from_millis(100));
    let s = serve(&env, &["--profile", "blog_admin", "--print-env"]);
    let (place, bearer) = (s.place(), s.token());
    let threads: Vec<_> = (0..50)
        .map(|_| {
            let (place, bearer) = (place.clone(), bearer.clone());
            std::thread::spawn(move || get(&place, "/", Some(&bearer)))
        })
        .collect();
    let answers: Vec<(u16, String)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    assert_eq!(answers[0].0, 200, "{}", s.log());
    assert_eq!(env.fake.ops(), ["CreateToken", "GetRoleCredentials"]);
    let v: serde_json::Value = serde_json::from_str(&answers[0].1).unwrap();
    let akid = v["AccessKeyId"].as_str().unwrap().to_string();
    let (status, log) = s.stop("TERM");
    assert_eq!(status.code(), Some(0));
    let lines = log_lines(&log);
    assert_eq!(lines.len(), 52, "{log}");
    assert!(lines[1..51]
        .iter()
        .all(|l| l.starts_with("200 blog_admin until ")));
    assert_no_secret(&env, &log, &akid, &bearer);
    let refreshed = std::fs::read_to_string(env.token_path()).unwrap();
    let refreshed: serde_json::Value = serde_json::from_str(&refreshed).unwrap();
    assert_no_secret(
        &env,
        &log,
        &akid,
        refreshed["accessToken"].as_str().unwrap(),
    );
    assert_eq!(leftovers(&env), Vec::<String>::new());
}

#[test]
fn exec_server_gives_a_long_running_child_fresh_credentials() {
    let Some(py) = venv_python() else { return };
    let env = Env::new();
    env.fake.script().role_expires_in = 3;
    let o = env
        .cmd()
        .env("AWS_PROFILE", "blog_ro")
        .env("AWS_ACCESS_KEY_ID", "AKIASTALE")
        .env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/stale")
        .args(["exec", "--server", "blog_admin", "--"])
        .arg(&py)
        .arg(interop_script("container_identity.py"))
        .arg("4")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("container-role {ACCOUNT} {ARN}\ncontainer-role {ACCOUNT} {ARN}\n")
    );
    assert_eq!(stderr(&o), "");
    // The second call was signed with credentials fetched after the first ones had expired
    // (the fake's STS refuses expired ones).
    let signers: Vec<String> = env
        .fake
        .requests()
        .iter()
        .filter(|r| r.op == "GetCallerIdentity")
        .map(|r| {
            let h = r.header("authorization").unwrap();
            h.split("Credential=")
                .nth(1)
                .unwrap()
                .split('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(signers.len(), 2);
    assert_ne!(signers[0], signers[1]);
    assert!(env.fake.count("GetRoleCredentials") >= 2);
}

#[test]
fn exec_server_gives_the_child_only_the_container_variables() {
    let env = Env::new();
    let o = env
        .cmd()
        .env("AWS_PROFILE", "other")
        .env("AWS_DEFAULT_PROFILE", "other")
        .env("AWS_ACCESS_KEY_ID", "AKIASTALE")
        .env("AWS_SESSION_TOKEN", "stale")
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/stale")
        .args(["exec", "--server", "blog_ro", "--", "sh", "-c"])
        .arg("env | grep -E '^(AWS_|SSOX_)' | grep -vE '^(AWS_ENDPOINT_URL|SSOX_SIGNIN)' | sed 's/TOKEN=.*/TOKEN=…/' | sort")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let port = out
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        out,
        format!(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN=…\n\
             AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:{port}/profiles/blog_ro\n\
             AWS_DEFAULT_REGION=eu-west-1\nAWS_REGION=eu-west-1\nSSOX_EXEC_PROFILE=blog_ro\n"
        )
    );
    // The first credentials were fetched before the child started.
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
    // A profile that needs a login runs nothing.
    env.write_token(OffsetDateTime::now_utc() - time::Duration::minutes(5));
    let o = env.run(&[
        "exec",
        "--server",
        "blog_admin",
        "--",
        "sh",
        "-c",
        "echo ran",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"my_sso_session\" expired 5m ago; run: ssox login\n"
    );
}

#[test]
fn print_env_with_a_token_file_keeps_clients_working_across_restarts() {
    let Some(py) = venv_python() else { return };
    let env = Env::new();
    let port = free_port().to_string();
    // A relative path is taken from where ssox runs (HOME here).
    let args = [
        "--profile",
        "blog_admin",
        "--print-env",
        "--port",
        &port,
        "--token-file",
        "tok",
    ];
    let token_path = env.sb.home.join("tok");
    let first = serve(&env, &args);
    let token = std::fs::read_to_string(&token_path).unwrap();
    assert_eq!(mode(&token_path), 0o600);
    assert_eq!(token.len(), 64);
    let env_file = format!(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:{port}/profiles/blog_admin\n\
         AWS_CONTAINER_AUTHORIZATION_TOKEN={token}\nAWS_REGION=us-east-1\nAWS_DEFAULT_REGION=us-east-1\n"
    );
    assert_eq!(first.stdout, env_file);
    assert!(
        first.log().starts_with("ssox: wrote a new token to tok\n"),
        "{}",
        first.log()
    );
    let (status, _) = first.stop("TERM");
    assert_eq!(status.code(), Some(0));

    // Restarted on the same port with the same file: the same variables, and boto3 with the
    // variables as Docker's --env-file gives them (NAME=value, taken literally) works.
    let second = serve(&env, &args);
    assert_eq!(second.stdout, env_file);
    assert!(
        second.log().starts_with("ssox: serving blog_admin at "),
        "{}",
        second.log()
    );
    let mut c = Command::new(&py);
    scrub(&mut c, &env.sb.home);
    for line in env_file.lines() {
        let (k, v) = line.split_once('=').unwrap();
        c.env(k, v);
    }
    let o = c
        .envs(env.fake.env())
        .arg(interop_script("container_identity.py"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("container-role {ACCOUNT} {ARN}\n"));
    // The file holds the bare token, as botocore reads AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
    // (a newline in it would be refused): the file can be handed to a container as it is.
    let o = c
        .env_remove("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("container-role {ACCOUNT} {ARN}\n"));
    let (status, log) = second.stop("TERM");
    assert_eq!(status.code(), Some(0));
    assert!(!log.contains(&token), "{log}");
}

#[test]
fn bind_names_the_address_in_the_uri_and_warns_beyond_loopback() {
    let env = Env::new();
    // Linux answers on all of 127.0.0.0/8; macOS only on the addresses lo0 was given.
    if cfg!(target_os = "linux") {
        let port = free_port();
        let s = serve(
            &env,
            &[
                "--profile",
                "blog_admin",
                "--print-env",
                "--bind",
                "127.0.0.2",
                "--port",
                &port.to_string(),
            ],
        );
        assert_eq!(
            s.uri(),
            format!("http://127.0.0.2:{port}/profiles/blog_admin")
        );
        assert_eq!(s.get("/", Some(&s.token())).0, 200);
        drop(s);
    }

    let s = serve(
        &env,
        &[
            "--profile",
            "blog_admin",
            "--print-env",
            "--bind",
            "0.0.0.0",
        ],
    );
    assert!(s.uri().starts_with("http://127.0.0.1:"), "{}", s.uri());
    assert_eq!(s.get("/", Some(&s.token())).0, 200);
    let (_, log) = s.stop("TERM");
    assert!(
        log.starts_with(
            "ssox: listening beyond this machine: whoever can reach the port and has the token \
             gets the credentials\nssox: serving blog_admin at http://127.0.0.1:"
        ),
        "{log}"
    );

    // An address that is not this machine's, or a port in use: one line, exit 1, nothing printed.
    let o = env.run(&["serve", "--profile", "blog_admin", "--bind", "192.0.2.1"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).starts_with("ssox: cannot listen on 192.0.2.1: "),
        "{}",
        stderr(&o)
    );
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = held.local_addr().unwrap().port().to_string();
    let o = env.run(&["serve", "--profile", "blog_admin", "--port", &busy]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(&format!(
            "ssox: cannot listen on 127.0.0.1:{busy}; choose another --port, or 0 for a free one: "
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn serve_needs_a_known_profile_before_it_listens() {
    let env = Env::new();
    let o = env.run(&["serve"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: no profile given and AWS_PROFILE is not set; run: ssox serve --profile PROFILE (or ssox use PROFILE first)\n"
    );
    let o = env.run(&["serve", "--profile", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: profile \"nope\" not found in ~/.aws/config\n"
    );
    let o = env.run(&["serve", "--print-env", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn botocore_takes_plain_http_only_from_loopback_and_the_agent_addresses() {
    let Some(py) = venv_python() else { return };
    let o = Command::new(py)
        .arg(interop_script("container_hosts.py"))
        .args([
            "http://127.0.0.1:9911/profiles/p",
            "http://127.0.0.2:9911/",
            "http://[::1]:9911/",
            "http://localhost:9911/",
            "http://169.254.170.2:9911/",
            "http://169.254.170.23:9911/",
            "http://[fd00:ec2::23]:9911/",
            "http://host.docker.internal:9911/",
            "http://172.17.0.1:9911/",
            "http://192.168.1.10:9911/",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "http://127.0.0.1:9911/profiles/p ok\nhttp://127.0.0.2:9911/ ok\nhttp://[::1]:9911/ ok\n\
         http://localhost:9911/ ok\nhttp://169.254.170.2:9911/ ok\nhttp://169.254.170.23:9911/ ok\n\
         http://[fd00:ec2::23]:9911/ ok\n\
         http://host.docker.internal:9911/ refused\nhttp://172.17.0.1:9911/ refused\n\
         http://192.168.1.10:9911/ refused\n"
    );
}

#[test]
fn role_chains_are_served_and_a_broken_one_is_a_profile_error() {
    let env = Env::new();
    env.sb.write(
        ".aws/config",
        &format!(
            "{}\n[profile hub]\nrole_arn = arn:aws:iam::222222222222:role/Hub\n\
             source_profile = blog_admin\n\
             [profile looped]\nrole_arn = arn:aws:iam::222222222222:role/L\nsource_profile = looped\n",
            crate::support::signed_in::CONFIG
        ),
    );
    let s = serve_as(&env, Some("hub"), &["--print-env"]);
    let bearer = s.token();
    let (status, body) = s.get("/profiles/hub", Some(&bearer));
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let akid = v["AccessKeyId"].as_str().unwrap();
    assert!(akid.starts_with("ASIAFAKEAR"), "{body}");
    assert_eq!(v["AccountId"], "222222222222");
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "AssumeRole"]);
    assert_eq!(
        s.get("/profiles/looped", Some(&bearer)),
        (
            500,
            r#"{"code":"InvalidProfile","message":"profile \"looped\" has a loop of source_profile references: looped -> looped (~/.aws/config:28); point one of them at a profile with credentials of its own"}"#
                .to_string()
        )
    );
    let (status, log) = s.stop("TERM");
    assert_eq!(status.code(), Some(0), "{log}");
    assert_no_secret(&env, &log, akid, &bearer);
}
