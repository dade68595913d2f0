//! `ssox login PROFILE` for an `aws login` profile against the fake sign-in service: the same
//! device (PKCE, the fake browser coming back to the loopback listener) and `--remote` (the code
//! the sign-in page shows, pasted on the terminal); the cache file key for key as the AWS CLI
//! writes it, and credentials that work (STS, and a refresh with the new key).

use std::process::Command;

use crate::support::fake_aws::FakeAws;
use crate::support::login_session::*;
use crate::support::*;

struct SignInEnv {
    sb: Sandbox,
    fake: FakeAws,
    browser: std::path::PathBuf,
}

impl SignInEnv {
    fn new(config: &str) -> SignInEnv {
        let sb = Sandbox::with_config(config);
        let fake = FakeAws::start();
        let browser = fake.browser_dir(sb.dir.path());
        SignInEnv { sb, fake, browser }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.sb.cmd();
        c.envs(self.fake.env())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    self.browser.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("DISPLAY", ":0")
            .args(args);
        c
    }

    fn cache(&self) -> serde_json::Value {
        let text =
            std::fs::read_to_string(self.sb.path(&format!(".aws/login/cache/{FILE}"))).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

/// The keys of the cache file in the AWS CLI's order, and what each holds.
fn assert_cli_shaped(env: &SignInEnv, client_id: &str) -> String {
    let path = env.sb.path(&format!(".aws/login/cache/{FILE}"));
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    // Python's json.dumps spacing, as botocore's JSONFileCache writes it.
    assert!(
        text.starts_with("{\"accessToken\": {\"accessKeyId\": \"ASIALOGIN"),
        "{text}"
    );
    let v = env.cache();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "accessToken",
            "tokenType",
            "clientId",
            "refreshToken",
            "idToken",
            "dpopKey"
        ]
    );
    let access: Vec<&str> = v["accessToken"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        access,
        [
            "accessKeyId",
            "secretAccessKey",
            "sessionToken",
            "accountId",
            "expiresAt"
        ]
    );
    assert_eq!(v["accessToken"]["accountId"], "012345678910");
    assert_eq!(v["tokenType"], "aws_sigv4");
    assert_eq!(v["clientId"], client_id);
    let pem = v["dpopKey"].as_str().unwrap();
    assert!(
        pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n")
            && pem.ends_with("-----END EC PRIVATE KEY-----\n")
    );
    assert_ne!(pem, DPOP_KEY, "a new key for every sign-in");
    v["accessToken"]["accessKeyId"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn login_signs_in_on_the_same_device_and_writes_the_clis_cache_file() {
    let env = SignInEnv::new(CONFIG);
    let o = env.cmd(&["login", "console"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(env.fake.ops(), ["SigninAuthorize", "CreateOAuth2Token"]);
    let rq = &env.fake.requests()[1];
    let body = rq.json();
    assert_eq!(body["grantType"], "authorization_code");
    assert_eq!(body["clientId"], "arn:aws:signin:::devtools/same-device");
    assert!(body["redirectUri"]
        .as_str()
        .unwrap()
        .ends_with("/oauth/callback"));
    let akid = assert_cli_shaped(&env, "arn:aws:signin:::devtools/same-device");
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "signed in profile console as {SESSION} (account 012345678910): credentials cached \
             in ~/.aws/login/cache/{FILE}, valid for 1"
        )),
        "{err}"
    );
    // The credentials work, and the new key refreshes them.
    env.fake.clear_requests();
    let o = env.cmd(&["whoami", "console"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["GetCallerIdentity"]);
    let mut v = env.cache();
    v["accessToken"]["expiresAt"] = "2020-01-01T00:00:00Z".into();
    env.sb
        .write(&format!(".aws/login/cache/{FILE}"), &v.to_string());
    let o = env
        .cmd(&["creds", "console", "--format", "process"])
        .output()
        .unwrap();
    let v = process_json(&o);
    assert_ne!(v["AccessKeyId"], akid.as_str());
    // The config already named this session: untouched.
    assert_eq!(
        std::fs::read_to_string(env.sb.path(".aws/config")).unwrap(),
        CONFIG
    );
}

#[test]
fn a_sign_in_as_another_session_points_the_profile_at_it() {
    let env = SignInEnv::new(CONFIG);
    env.fake.script().login_user = ("333333333333".into(), "Dev".into(), "me".into());
    let o = env.cmd(&["login", "console"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let session = "arn:aws:sts::333333333333:assumed-role/Dev/me";
    assert!(
        stderr(&o).contains(&format!(
            "profile console now has login_session = {session} (updated in ~/.aws/config)\n"
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(env.sb.path(".aws/config")).unwrap(),
        CONFIG.replace(SESSION, session)
    );
    let o = env.cmd(&["list", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["account_id"], "333333333333");
    assert_eq!(v[0]["token"], "valid");
}

#[test]
fn remote_signs_in_with_the_code_pasted_from_another_device() {
    let env = SignInEnv::new(CONFIG);
    let mut c = env.fake.env();
    c.push(("DISPLAY", ":0".into()));
    let envs: Vec<(&str, &str)> = c.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut p =
        crate::support::pty::Pty::spawn(&env.sb, "ssox login console --remote", &envs, 400, 30);
    p.wait_for("Authorization code");
    let url = p
        .screen
        .split_whitespace()
        .find(|w| w.contains("/v1/authorize?"))
        .unwrap()
        .to_string();
    assert!(
        url.contains("client_id=arn%3Aaws%3Asignin%3A%3A%3Adevtools%2Fcross-device"),
        "{url}"
    );
    // The user opens it on another device; the page shows the code.
    let st = Command::new(env.browser.join("xdg-open"))
        .arg(&url)
        .status()
        .unwrap();
    assert!(st.success());
    let page = FakeAws::browser_page(&env.browser);
    let code = page
        .split("<code>")
        .nth(1)
        .and_then(|r| r.split("</code>").next())
        .unwrap()
        .to_string();
    p.send(&format!("{code}\r"));
    let (status, screen) = p.finish();
    assert_eq!(status, 0, "{screen}");
    assert!(screen.contains("signed in profile console as "), "{screen}");
    assert_cli_shaped(&env, "arn:aws:signin:::devtools/cross-device");
    let rq = env
        .fake
        .requests()
        .into_iter()
        .find(|r| r.op == "CreateOAuth2Token")
        .unwrap();
    assert_eq!(
        rq.json()["redirectUri"].as_str().unwrap(),
        format!("{}/v1/sessions/confirmation", env.fake.url())
    );
}

#[test]
fn use_login_and_login_use_sign_a_login_profile_in_then_switch() {
    let env = SignInEnv::new(CONFIG);
    let o = env
        .cmd(&["use", "console", "--login", "--shell", "bash"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("export AWS_PROFILE='console';\n"));
    assert!(
        stderr(&o).contains("signed in profile console as "),
        "{}",
        stderr(&o)
    );
    assert_eq!(env.fake.ops(), ["SigninAuthorize", "CreateOAuth2Token"]);
    // Signed in: `use` needs nothing more.
    env.fake.clear_requests();
    let o = env
        .cmd(&["use", "console", "--login", "--shell", "bash"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    // `login --use` always signs in (as `aws login`), then switches.
    let o = env
        .cmd(&["login", "--use", "console", "--shell", "bash"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("export AWS_PROFILE='console';\n"));
    assert_eq!(env.fake.ops(), ["SigninAuthorize", "CreateOAuth2Token"]);
}

#[test]
fn a_denied_or_abandoned_sign_in_fails_clearly_and_writes_nothing() {
    use crate::support::fake_aws::Approval;
    let env = SignInEnv::new(CONFIG);
    env.fake.script().approval = Approval::Deny;
    let o = env.cmd(&["login", "console"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).ends_with(
            "ssox: the sign-in was denied in the browser; run `ssox login` again to retry\n"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(env.fake.ops(), ["SigninAuthorize"]);
    env.fake.script().approval = Approval::Never;
    let o = env
        .cmd(&["login", "console"])
        .env("SSOX_PKCE_TIMEOUT_SECS", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("ssox: no answer came back from the browser within 1s"),
        "{}",
        stderr(&o)
    );
    assert!(!env.sb.path(".aws/login/cache").exists());
    assert_eq!(
        std::fs::read_to_string(env.sb.path(".aws/config")).unwrap(),
        CONFIG
    );
}

/// botocore (with awscrt) uses what `ssox login` wrote, and refreshes with the key ssox made.
#[test]
fn botocore_uses_and_refreshes_what_ssox_login_wrote() {
    let Some(py) = crt_python() else { return };
    let env = SignInEnv::new(CONFIG);
    env.fake.script().login_expires_in = 7200;
    let o = env.cmd(&["login", "console"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let caller = |env: &SignInEnv| {
        let mut c = Command::new(&py);
        scrub(&mut c, &env.sb.home);
        c.envs(env.fake.env())
            .arg(interop_script("creds_process_boto3.py"))
            .arg("console")
            .output()
            .unwrap()
    };
    env.fake.clear_requests();
    let o = caller(&env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let akid = env.cache()["accessToken"]["accessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        stdout(&o),
        format!("{akid} 012345678910 arn:aws:sts::012345678910:assumed-role/Admin/ssox-user\n")
    );
    assert_eq!(env.fake.ops(), ["GetCallerIdentity"]);
    // Expired: botocore loads ssox's SEC1 key and refreshes with a DPoP proof the fake checks.
    let mut v = env.cache();
    v["accessToken"]["expiresAt"] = "2020-01-01T00:00:00Z".into();
    env.sb
        .write(&format!(".aws/login/cache/{FILE}"), &v.to_string());
    env.fake.clear_requests();
    let o = caller(&env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["CreateOAuth2Token", "GetCallerIdentity"]);
}

/// By hand: the AWS CLI v2 run from its source (`SSOX_TEST_AWSCLI_SRC`, a checkout of aws/aws-cli
/// branch v2, with `SSOX_TEST_AWSCLI_PYTHON`, a Python with its dependencies) signs in at the
/// same fake, and its cache file has the same keys, in the same order, with the same kinds of
/// values as the one `ssox login` writes; each tool then uses the other's file. Skipped (with a
/// line saying so) without those variables.
#[test]
fn the_aws_cli_writes_the_same_file_as_ssox_login() {
    let (Some(src), Some(py)) = (
        std::env::var_os("SSOX_TEST_AWSCLI_SRC"),
        std::env::var_os("SSOX_TEST_AWSCLI_PYTHON"),
    ) else {
        eprintln!("skipped: set SSOX_TEST_AWSCLI_SRC and SSOX_TEST_AWSCLI_PYTHON to compare with the AWS CLI");
        return;
    };
    let aws = |env: &SignInEnv, args: &[&str]| {
        let mut c = Command::new("timeout");
        scrub(&mut c, &env.sb.home);
        c.arg("60")
            .arg(&py)
            .stdin(std::process::Stdio::null())
            .current_dir(&src)
            .envs(env.fake.env())
            .env("PYTHONPATH", &src)
            .args([
                "-c",
                "import sys; from awscli.clidriver import main; sys.exit(main())",
            ])
            .args(args)
            .output()
            .unwrap()
    };
    // The AWS CLI signs in.
    let cli = SignInEnv::new(CONFIG);
    // Its browser is opened by hand with the URL it prints (as a user would).
    let mut c = Command::new("timeout");
    scrub(&mut c, &cli.sb.home);
    let mut child = c
        .arg("60")
        .arg(&py)
        .current_dir(&src)
        .envs(cli.fake.env())
        .env("PYTHONPATH", &src)
        .args([
            "-c",
            "import sys; from awscli.clidriver import main; sys.exit(main())",
        ])
        .args(["login", "--profile", "console"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut shown = String::new();
    {
        use std::io::BufRead as _;
        let out = child.stdout.take().unwrap();
        for line in std::io::BufReader::new(out).lines() {
            let line = line.unwrap();
            shown.push_str(&line);
            shown.push('\n');
            if line.contains("/v1/authorize?") {
                let st = Command::new(cli.browser.join("xdg-open"))
                    .arg(line.trim())
                    .status()
                    .unwrap();
                assert!(st.success());
            }
        }
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{shown}{}", stderr(&o));
    assert_eq!(cli.fake.ops(), ["SigninAuthorize", "CreateOAuth2Token"]);
    let theirs_text =
        std::fs::read_to_string(cli.sb.path(&format!(".aws/login/cache/{FILE}"))).unwrap();
    // ssox signs in.
    let ours = SignInEnv::new(CONFIG);
    let o = ours.cmd(&["login", "console"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ours_text =
        std::fs::read_to_string(ours.sb.path(&format!(".aws/login/cache/{FILE}"))).unwrap();
    // Same shape: every key, in order, each value's kind, with the varying values masked.
    fn shape(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
            }
            serde_json::Value::String(s) if s.ends_with('Z') && s.len() == 20 => {
                "<timestamp>".into()
            }
            serde_json::Value::String(s) if s.starts_with("-----BEGIN EC PRIVATE KEY-----\n") => {
                format!("<pem, {} lines>", s.lines().count()).into()
            }
            serde_json::Value::String(_) => "<text>".into(),
            other => other.clone(),
        }
    }
    let theirs: serde_json::Value = serde_json::from_str(&theirs_text).unwrap();
    let mine: serde_json::Value = serde_json::from_str(&ours_text).unwrap();
    assert_eq!(
        shape(&mine),
        shape(&theirs),
        "\nours:   {ours_text}\ntheirs: {theirs_text}"
    );
    assert_eq!(mine["clientId"], theirs["clientId"]);
    assert_eq!(mine["tokenType"], theirs["tokenType"]);
    assert_eq!(
        mine["accessToken"]["accountId"],
        theirs["accessToken"]["accountId"]
    );
    // The same spacing (Python's json.dumps).
    assert_eq!(
        theirs_text.starts_with("{\"accessToken\": {\"accessKeyId\": "),
        ours_text.starts_with("{\"accessToken\": {\"accessKeyId\": ")
    );
    eprintln!("theirs: {theirs_text}\nours:   {ours_text}");
    // Each uses the other's file: the AWS CLI with ssox's (a refresh with ssox's key), ssox with
    // the AWS CLI's.
    let mut v = mine.clone();
    v["accessToken"]["expiresAt"] = "2020-01-01T00:00:00Z".into();
    ours.sb
        .write(&format!(".aws/login/cache/{FILE}"), &v.to_string());
    ours.fake.clear_requests();
    let o = aws(
        &ours,
        &["sts", "get-caller-identity", "--profile", "console"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(ours.fake.ops(), ["CreateOAuth2Token", "GetCallerIdentity"]);
    let mut v = theirs.clone();
    v["accessToken"]["expiresAt"] = "2020-01-01T00:00:00Z".into();
    cli.sb
        .write(&format!(".aws/login/cache/{FILE}"), &v.to_string());
    cli.fake.clear_requests();
    let o = cli.cmd(&["whoami", "console"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(cli.fake.ops(), ["CreateOAuth2Token", "GetCallerIdentity"]);
}

#[test]
fn a_profile_without_a_region_gets_the_one_the_sign_in_used() {
    let config = format!("[profile console]\nlogin_session = {SESSION}\n");
    let env = SignInEnv::new(&config);
    let mut c = env.cmd(&["login", "console"]);
    let o = no_terminal(&mut c).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("profile console now has region = us-east-1 (updated in ~/.aws/config)\n"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(env.sb.path(".aws/config")).unwrap(),
        format!("{config}region = us-east-1\n")
    );
    // --remote without a terminal says what it needs.
    let mut c = env.cmd(&["login", "console", "--remote"]);
    let o = no_terminal(&mut c).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .ends_with("ssox: --remote needs a terminal to paste the authorization code on\n"),
        "{}",
        stderr(&o)
    );
}
