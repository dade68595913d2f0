//! `ssox login` with PKCE through the built binary: the fake's authorize page redirects the fake
//! browser to ssox's loopback listener. The request sequence and bodies, the registration file,
//! wrong `state`, denial, timeout, Ctrl-C, the flow choice, registrations of the other flow,
//! refresh, concurrency, and boto3 using the token.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::support::fake_aws::{Approval, FakeAws, Recorded};
use crate::support::login_env::{Env, START_URL};
use crate::support::*;

/// `sha1("my_sso_session").json`
const SESSION_FILE: &str = "0f48d88342f931565c13babcf62a17530cf43d9d.json";
/// The CLI's registration file of the seed session (region, scopes, session, start URL).
const REG_FILE: &str = "f6adf31edb632233494b8c355577e728e917d5fc.json";
const LEGACY_PROFILE: &str = "
[profile legacy_ro]
sso_start_url = https://legacy-portal.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
";

fn keys(m: &Map<String, Value>) -> Vec<&str> {
    m.keys().map(String::as_str).collect()
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
}

/// The fake browser's log once it has `n` lines (it logs after its visit, maybe after ssox exits).
fn browser_log(env: &Env, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = env.browser_log();
        if log.len() >= n || Instant::now() >= deadline {
            return log;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn only(env: &Env, op: &str) -> Recorded {
    let all: Vec<Recorded> = env
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.op == op)
        .collect();
    assert_eq!(all.len(), 1, "{:?}", env.fake.ops());
    all.into_iter().next().unwrap()
}

/// base64url(sha256(v)) without padding, computed here independently of ssox.
fn s256(v: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(v.as_bytes()))
}

/// The fake browser visiting `url` by hand (as a user pasting it would).
fn open_in_browser(env: &Env, url: &str) {
    let st = Command::new(env.browser.join("xdg-open"))
        .arg(url)
        .status()
        .unwrap();
    assert!(st.success());
}

/// Run `c`, and when its stderr shows the authorize URL, open it in the fake browser by hand.
/// Returns the output (stderr collected whole) and the URL.
fn run_pasting_the_url(env: &Env, mut c: Command) -> (Output, String) {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let prefix = format!("{}/authorize?", env.fake.url());
    let mut seen = String::new();
    let mut url = String::new();
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 {
        seen.push_str(&line);
        if line.starts_with(&prefix) {
            url = line.trim_end().to_string();
            break;
        }
        line.clear();
    }
    assert!(!url.is_empty(), "no authorize URL on stderr: {seen}");
    open_in_browser(env, &url);
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let mut o = child.wait_with_output().unwrap();
    o.stderr = format!("{seen}{rest}").into_bytes();
    (o, url)
}

/// A query parameter of a URL, decoded.
fn param(url: &str, name: &str) -> String {
    let query = url.split_once('?').unwrap().1;
    crate::support::fake_aws::sigv4::form_decode(query)
        .into_iter()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no {name} in {url}"))
        .1
}

/// Spawn `c` and wait until the fake browser has seen the authorize page.
fn spawn_waiting(env: &Env, mut c: Command) -> (Child, String) {
    let child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = browser_log(env, 1);
    assert_eq!(log.len(), 1, "the browser was not opened");
    (child, log[0].clone())
}

#[test]
fn pkce_is_the_default_on_a_desktop_and_writes_the_cli_files() {
    let env = Env::new(SEED_CONFIG);
    let o = env.auto_cmd(&["login", "--verbose"]).output().unwrap();
    ok(&o);
    assert_eq!(stdout(&o), "", "nothing on stdout");
    assert_eq!(
        env.fake.ops(),
        ["RegisterClient", "Authorize", "CreateToken"]
    );

    // RegisterClient as the CLI sends it for PKCE.
    let register = only(&env, "RegisterClient").json();
    assert_eq!(
        register,
        json!({
            "clientName": "botocore-client-my_sso_session",
            "clientType": "public",
            "scopes": ["sso:account:access"],
            "grantTypes": ["authorization_code", "refresh_token"],
            "redirectUris": ["http://127.0.0.1/oauth/callback"],
            "issuerUrl": START_URL,
        })
    );

    // The authorize URL, in the CLI's order, opened once in the browser and shown on stderr.
    let t = env.token(SESSION_FILE);
    let client_id = t["clientId"].as_str().unwrap();
    let authorize = only(&env, "Authorize");
    let url = format!("{}/authorize?{}", env.fake.url(), authorize.query);
    let redirect = param(&url, "redirect_uri");
    let port: u16 = redirect
        .strip_prefix("http://127.0.0.1:")
        .and_then(|r| r.strip_suffix("/oauth/callback"))
        .unwrap()
        .parse()
        .unwrap();
    let state = param(&url, "state");
    let challenge = param(&url, "code_challenge");
    assert_eq!(
        authorize.query,
        format!(
            "response_type=code&client_id={client_id}&redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}\
             %2Foauth%2Fcallback&state={state}&code_challenge_method=S256\
             &scopes=sso%3Aaccount%3Aaccess&code_challenge={challenge}"
        )
    );
    assert_eq!(state.len(), 36, "{state}");
    assert_eq!(browser_log(&env, 1), std::slice::from_ref(&url));
    assert!(
        FakeAws::browser_page(&env.browser).contains("<h1>Signed in</h1>"),
        "{}",
        FakeAws::browser_page(&env.browser)
    );
    let err = stderr(&o);
    assert!(
        err.contains("ssox: login flow: PKCE (a browser can be opened here)\n"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "To log in to sso-session \"my_sso_session\", approve the sign-in in the browser that opens now.\n\
             If none opens, open this URL in a browser on this machine:\n\
             {url}\n\
             ssox waits up to 10 min for the browser (Ctrl-C to stop). When no browser can reach this machine, \
             run `ssox login --device-code` and approve on any device.\n"
        )),
        "{err}"
    );
    assert!(
        err.ends_with("logged in to my_sso_session (valid 8h0m)\n")
            || err.ends_with("logged in to my_sso_session (valid 7h59m)\n"),
        "{err}"
    );

    // The exchange: the code, the same redirect (with the port) and the verifier of the challenge.
    let exchange = only(&env, "CreateToken").json();
    assert_eq!(
        keys(exchange.as_object().unwrap())
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>(),
        [
            "clientId",
            "clientSecret",
            "code",
            "codeVerifier",
            "grantType",
            "redirectUri"
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(exchange["grantType"], "authorization_code");
    assert_eq!(exchange["clientId"], client_id);
    assert_eq!(exchange["redirectUri"], redirect);
    assert!(exchange["code"]
        .as_str()
        .unwrap()
        .starts_with("fake-auth-code-"));
    let verifier = exchange["codeVerifier"].as_str().unwrap();
    assert_eq!(verifier.len(), 64);
    assert_eq!(s256(verifier), challenge);
    assert!(!err.contains(verifier), "the verifier is a secret");

    // The token file is the device flow's; the registration file is the CLI's PKCE one, exactly.
    assert_eq!(
        keys(&t),
        [
            "startUrl",
            "region",
            "accessToken",
            "expiresAt",
            "clientId",
            "clientSecret",
            "registrationExpiresAt",
            "refreshToken"
        ]
    );
    assert!(env.fake.token_valid(t["accessToken"].as_str().unwrap()));
    assert_eq!(t["startUrl"], START_URL);
    let reg_text = std::fs::read_to_string(env.cache(REG_FILE)).unwrap();
    assert_eq!(
        reg_text,
        format!(
            "{{\"clientId\": \"{client_id}\", \"clientSecret\": \"{}\", \"expiresAt\": \"{}\", \
             \"scopes\": [\"sso:account:access\"], \"grantTypes\": [\"authorization_code\", \"refresh_token\"]}}",
            t["clientSecret"].as_str().unwrap(),
            t["registrationExpiresAt"].as_str().unwrap()
        )
    );
    assert_eq!(mode(&env.cache(REG_FILE)), 0o600);
    assert_eq!(mode(&env.cache(SESSION_FILE)), 0o600);

    // A forced login reuses the PKCE registration, with a new state and verifier.
    env.fake.clear_requests();
    let o = env.auto_cmd(&["login", "--force"]).output().unwrap();
    ok(&o);
    assert_eq!(env.fake.ops(), ["Authorize", "CreateToken"]);
    let again = only(&env, "Authorize");
    assert_eq!(param(&format!("x?{}", again.query), "client_id"), client_id);
    assert_ne!(param(&format!("x?{}", again.query), "state"), state);
    assert_ne!(
        only(&env, "CreateToken").json()["codeVerifier"],
        exchange["codeVerifier"]
    );
    assert_eq!(browser_log(&env, 2).len(), 2);
}

#[test]
fn the_registration_of_one_flow_is_not_reused_by_the_other() {
    let env = Env::new(SEED_CONFIG);
    env.fake.script().approval = Approval::AfterPolls(1);
    ok(&env.run(&["login"]));
    let device = env.token(REG_FILE);
    assert_eq!(
        keys(&device),
        ["clientId", "clientSecret", "expiresAt", "scopes"]
    );

    env.fake.clear_requests();
    let o = env.auto_cmd(&["login", "--force", "-v"]).output().unwrap();
    ok(&o);
    assert_eq!(
        env.fake.ops(),
        ["RegisterClient", "Authorize", "CreateToken"]
    );
    assert!(
        stderr(&o).contains(&format!(
            "ssox: the client registration in ~/.aws/sso/cache/{REG_FILE} is for device code logins, not PKCE logins\n"
        )),
        "{}",
        stderr(&o)
    );
    let pkce = env.token(REG_FILE);
    assert_eq!(
        keys(&pkce),
        [
            "clientId",
            "clientSecret",
            "expiresAt",
            "scopes",
            "grantTypes"
        ]
    );
    assert_ne!(pkce["clientId"], device["clientId"]);
    assert_eq!(env.token(SESSION_FILE)["clientId"], pkce["clientId"]);

    // And back: the PKCE client is not used for the device code (the fake would refuse it).
    env.fake.clear_requests();
    let o = env.cmd(&["login", "--force", "-v"]).output().unwrap();
    ok(&o);
    let ops = env.fake.ops();
    assert_eq!(
        ops[..2],
        ["RegisterClient", "StartDeviceAuthorization"],
        "{ops:?}"
    );
    assert!(stderr(&o).contains("is for PKCE logins, not device code logins\n"));
    let again = env.token(REG_FILE);
    assert_eq!(
        keys(&again),
        ["clientId", "clientSecret", "expiresAt", "scopes"]
    );
    assert_ne!(again["clientId"], pkce["clientId"]);
}

#[test]
fn a_wrong_state_is_ignored_and_the_right_one_accepted() {
    let env = Env::new(SEED_CONFIG);
    env.fake.script().approval = Approval::Never;
    let (mut child, url) = spawn_waiting(&env, env.auto_cmd(&["login"]));
    let redirect = param(&url, "redirect_uri");
    let hostport = redirect
        .strip_prefix("http://")
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let get = |target: &str| {
        let mut s = TcpStream::connect(&hostport).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "GET {target} HTTP/1.1\r\nHost: {hostport}\r\n\r\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer
    };
    let answer = get("/oauth/callback?code=stolen&state=not-the-state");
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert!(answer.contains("<h1>Not this login</h1>"), "{answer}");
    let answer = get("/oauth/callback?code=stolen");
    assert!(answer.contains("<h1>Not this login</h1>"), "{answer}");
    // A denial without the login's state (any local process or page that finds the port) or
    // with another one does not end the login either.
    for target in [
        "/oauth/callback?error=access_denied",
        "/oauth/callback?error=access_denied&error_description=gotcha",
        "/oauth/callback?error=server_error&state=not-the-state",
        "/oauth/callback?error=access_denied&state=",
    ] {
        let answer = get(target);
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{target}: {answer}"
        );
        assert!(answer.contains("<h1>Not this login</h1>"), "{answer}");
    }
    assert!(get("/favicon.ico").starts_with("HTTP/1.1 404 Not Found\r\n"));
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "still waiting");

    // Now the user approves: the authorize page sends the browser back with the right state.
    env.fake.script().approval = Approval::OnVerify;
    open_in_browser(&env, &url);
    let o = child.wait_with_output().unwrap();
    ok(&o);
    assert_eq!(
        env.fake.ops(),
        ["RegisterClient", "Authorize", "Authorize", "CreateToken"]
    );
    let code = only(&env, "CreateToken").json()["code"].clone();
    assert_ne!(code, "stolen");
    let t = env.token(SESSION_FILE);
    assert!(env.fake.token_valid(t["accessToken"].as_str().unwrap()));
}

#[test]
fn denial_ends_the_login_and_keeps_the_old_token() {
    let env = Env::new(SEED_CONFIG);
    let old = env.seed_token(SESSION_FILE, -60, false);
    env.fake.script().approval = Approval::Deny;
    let o = env.auto_cmd(&["login"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).ends_with(
            "ssox: the login was denied in the browser; run `ssox login` again to retry\n"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(env.fake.ops(), ["RegisterClient", "Authorize"]);
    assert_eq!(
        std::fs::read_to_string(env.cache(SESSION_FILE)).unwrap(),
        old
    );
    browser_log(&env, 1);
    assert!(FakeAws::browser_page(&env.browser).contains("<h1>Login denied</h1>"));
}

#[test]
fn no_answer_from_the_browser_times_out() {
    let env = Env::new(SEED_CONFIG);
    let old = env.seed_token(SESSION_FILE, -60, false);
    env.fake.script().approval = Approval::Never;
    let started = Instant::now();
    let o = env
        .auto_cmd(&["login"])
        .env("SSOX_PKCE_TIMEOUT_SECS", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        stderr(&o).ends_with(
            "ssox: no answer came back from the browser within 1s; run `ssox login` again, or \
             `ssox login --device-code` to approve on another device\n"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(env.fake.ops(), ["RegisterClient", "Authorize"]);
    assert_eq!(
        std::fs::read_to_string(env.cache(SESSION_FILE)).unwrap(),
        old
    );
}

#[test]
fn ctrl_c_while_waiting_exits_130() {
    let env = Env::new(SEED_CONFIG);
    let old = env.seed_token(SESSION_FILE, -60, false);
    env.fake.script().approval = Approval::Never;
    let (child, _) = spawn_waiting(&env, env.auto_cmd(&["login"]));
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(env.cache(SESSION_FILE)).unwrap(),
        old
    );
}

/// Which flow a forced login took, by what the fake saw.
fn flow_of(env: &Env) -> &'static str {
    let ops = env.fake.ops();
    match (
        ops.iter().any(|o| o == "StartDeviceAuthorization"),
        ops.iter().any(|o| o == "Authorize"),
    ) {
        (true, false) => "device",
        (false, true) => "pkce",
        _ => panic!("{ops:?}"),
    }
}

#[test]
fn the_flow_follows_the_machine_the_flags_and_the_env() {
    let env = Env::new(&format!("{SEED_CONFIG}{LEGACY_PROFILE}"));
    env.fake.script().approval = Approval::AfterPolls(1);
    const SSH: (&str, &str) = ("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22");
    // (name, args, env, no display, flow, reason in --verbose)
    type Case<'a> = (
        &'a str,
        &'a [&'a str],
        &'a [(&'a str, &'a str)],
        bool,
        &'a str,
        &'a str,
    );
    let cases: [Case; 10] = [
        (
            "ssh",
            &[],
            &[SSH],
            false,
            "device",
            "device code (this is an SSH session)",
        ),
        (
            "no display",
            &[],
            &[],
            true,
            "device",
            "device code (neither DISPLAY nor WAYLAND_DISPLAY is set)",
        ),
        (
            "--no-browser",
            &["--no-browser"],
            &[],
            false,
            "device",
            "device code (--no-browser)",
        ),
        (
            "--device-code",
            &["--device-code"],
            &[],
            false,
            "device",
            "device code (--device-code)",
        ),
        (
            "--use-device-code",
            &["--use-device-code"],
            &[],
            false,
            "device",
            "device code (--device-code)",
        ),
        (
            "--remote",
            &["--remote"],
            &[],
            false,
            "device",
            "device code (--device-code)",
        ),
        (
            "env device",
            &[],
            &[("SSOX_LOGIN_FLOW", "device")],
            false,
            "device",
            "device code (SSOX_LOGIN_FLOW=device)",
        ),
        (
            "flag beats env",
            &["--device-code"],
            &[("SSOX_LOGIN_FLOW", "pkce")],
            false,
            "device",
            "device code (--device-code)",
        ),
        (
            "legacy profile",
            &["legacy_ro"],
            &[],
            false,
            "device",
            "device code (the start URL is in the profile (no sso-session), as the AWS CLI does)",
        ),
        (
            "desktop",
            &[],
            &[],
            false,
            "pkce",
            "PKCE (a browser can be opened here)",
        ),
    ];
    for (name, args, vars, no_display, flow, reason) in cases {
        env.fake.clear_requests();
        let mut all = vec!["login", "--force", "-v"];
        all.extend_from_slice(args);
        if !args.contains(&"legacy_ro") {
            all.push("my_sso_session");
        }
        let mut c = env.auto_cmd(&all);
        c.envs(vars.iter().copied());
        if no_display {
            c.env_remove("DISPLAY");
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(flow_of(&env), flow, "{name}");
        assert!(
            stderr(&o).contains(&format!("ssox: login flow: {reason}\n")),
            "{name}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn pkce_without_a_browser_prints_the_url_to_paste() {
    let env = Env::new(SEED_CONFIG);
    const SSH: (&str, &str) = ("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22");
    // (name, args, env var, why PKCE, why no browser)
    type Case<'a> = (
        &'a str,
        &'a [&'a str],
        Option<(&'a str, &'a str)>,
        &'a str,
        &'a str,
    );
    let cases: [Case; 3] = [
        (
            "--pkce over ssh",
            &["--pkce"],
            Some(SSH),
            "--pkce",
            "this is an SSH session",
        ),
        (
            "env without a display",
            &[],
            Some(("SSOX_LOGIN_FLOW", "pkce")),
            "SSOX_LOGIN_FLOW=pkce",
            "neither DISPLAY nor WAYLAND_DISPLAY is set",
        ),
        (
            "--pkce --no-browser",
            &["--pkce", "--no-browser"],
            None,
            "--pkce",
            "--no-browser",
        ),
    ];
    for (name, args, var, why, blocker) in cases {
        env.fake.clear_requests();
        let mut all = vec!["login", "--force", "-v"];
        all.extend_from_slice(args);
        let mut c = env.auto_cmd(&all);
        c.envs(var);
        if var.is_some_and(|(k, _)| k == "SSOX_LOGIN_FLOW") {
            c.env_remove("DISPLAY");
        }
        let (o, url) = run_pasting_the_url(&env, c);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(flow_of(&env), "pkce", "{name}");
        let port = param(&url, "redirect_uri")
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches("/oauth/callback")
            .to_string();
        let err = stderr(&o);
        assert!(
            err.contains(&format!("ssox: login flow: PKCE ({why})\n")),
            "{name}: {err}"
        );
        assert!(
            err.contains(&format!(
                "To log in to sso-session \"my_sso_session\", open this URL in a browser on this machine and approve the sign-in:\n\
                 {url}\n\
                 Not opening a browser ({blocker}). The browser must reach 127.0.0.1:{port} here (over SSH: forward it with \
                 `ssh -L {port}:127.0.0.1:{port}`, and fix the port with --redirect-port).\n\
                 ssox waits up to 10 min for the browser (Ctrl-C to stop). When no browser can reach this machine, \
                 run `ssox login --device-code` and approve on any device.\n"
            )),
            "{name}: {err}"
        );
        // Only the pasted visit: ssox itself opened nothing.
        assert_eq!(browser_log(&env, 1).len(), 1, "{name}");
        std::fs::remove_file(env.browser.join("browser.log")).unwrap();
    }
}

#[test]
fn redirect_port_fixes_the_port_and_a_taken_one_is_a_clear_error() {
    let env = Env::new(SEED_CONFIG);
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let p = port.to_string();
    let mut c = env.auto_cmd(&["login", "-v", "--redirect-port", &p]);
    c.env("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22");
    let (o, url) = run_pasting_the_url(&env, c);
    ok(&o);
    assert_eq!(
        param(&url, "redirect_uri"),
        format!("http://127.0.0.1:{port}/oauth/callback")
    );
    assert!(stderr(&o).contains("ssox: login flow: PKCE (--redirect-port)\n"));
    assert_eq!(
        only(&env, "CreateToken").json()["redirectUri"],
        format!("http://127.0.0.1:{port}/oauth/callback")
    );

    // Taken: the login stops before anything opens, the token stays.
    let before = std::fs::read_to_string(env.cache(SESSION_FILE)).unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let tp = taken.local_addr().unwrap().port().to_string();
    let o = env
        .auto_cmd(&["login", "--force", "--redirect-port", &tp])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "ssox: cannot listen on 127.0.0.1:{tp} for the browser's answer ("
        )) && err.ends_with("); choose another --redirect-port, or leave it out for a free port\n"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(env.cache(SESSION_FILE)).unwrap(),
        before
    );

    // The device code has no redirect.
    let o = env
        .auto_cmd(&["login", "--device-code", "--redirect-port", "8400"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = env
        .auto_cmd(&["login", "--device-code", "--pkce"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_bad_login_flow_setting_is_a_clear_error() {
    let env = Env::new(SEED_CONFIG);
    let o = env
        .auto_cmd(&["login"])
        .env("SSOX_LOGIN_FLOW", "browser")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "ssox: SSOX_LOGIN_FLOW is \"browser\"; set it to pkce or device, or unset it to choose \
         by whether a browser can open here\n"
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn refresh_after_a_pkce_login_is_one_request() {
    let env = Env::new(SEED_CONFIG);
    // Under 15 minutes: the next login refreshes.
    env.fake.script().token_expires_in = 600;
    ok(&env.auto_cmd(&["login"]).output().unwrap());
    let before = env.token(SESSION_FILE);
    env.fake.script().token_expires_in = 3600;
    env.fake.clear_requests();
    let o = env.auto_cmd(&["login"]).output().unwrap();
    ok(&o);
    assert_eq!(env.fake.ops(), ["CreateToken"]);
    let body = env.fake.requests()[0].json();
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["clientId"], before["clientId"]);
    assert_eq!(body["refreshToken"], before["refreshToken"]);
    assert!(
        stderr(&o).starts_with("refreshed the token of my_sso_session (valid "),
        "{}",
        stderr(&o)
    );
    let after = env.token(SESSION_FILE);
    assert_ne!(after["accessToken"], before["accessToken"]);
    assert!(env.fake.token_valid(after["accessToken"].as_str().unwrap()));
    assert_eq!(browser_log(&env, 1).len(), 1, "no browser for the refresh");
}

#[test]
fn two_concurrent_pkce_logins_open_one_browser_tab() {
    let env = Env::new(SEED_CONFIG);
    env.fake.script().delay = Some(Duration::from_millis(300));
    let spawn = || {
        env.auto_cmd(&["login"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    ok(&a);
    ok(&b);
    assert_eq!(env.fake.count("Authorize"), 1);
    assert_eq!(env.fake.count("CreateToken"), 1);
    assert_eq!(env.fake.count("RegisterClient"), 1);
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
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(env.browser_log().len(), 1, "{:?}", env.browser_log());
}

#[test]
fn boto3_gets_caller_identity_with_a_pkce_token() {
    let Some(py) = venv_python() else { return };
    let env = Env::new(SEED_CONFIG);
    ok(&env.auto_cmd(&["login"]).output().unwrap());
    assert_eq!(env.fake.count("Authorize"), 1);
    env.fake.clear_requests();
    let mut c = Command::new(py);
    scrub(&mut c, &env.sb.home);
    let o = c
        .envs(env.fake.env())
        .arg(interop_script("caller_identity.py"))
        .arg("blog_admin")
        .output()
        .unwrap();
    ok(&o);
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        v,
        json!({
            "profile": "blog_admin",
            "Account": "111111111111",
            "Arn": "arn:aws:sts::111111111111:assumed-role/AdministratorAccess/ssox-user"
        })
    );
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "GetCallerIdentity"]);
    let bearer = only(&env, "GetRoleCredentials")
        .header("x-amz-sso_bearer_token")
        .unwrap()
        .to_string();
    assert_eq!(
        bearer,
        env.token(SESSION_FILE)["accessToken"].as_str().unwrap()
    );
}
