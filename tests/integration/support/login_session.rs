//! A sandbox with `aws login` profiles (`login_session`): the config, the cache file as the AWS
//! CLI writes it (with the key and session of smithy-rs' login-provider test cases), and
//! [`LoginEnv`], that sandbox with a fake AWS whose sign-in service knows its refresh token.

use std::process::{Command, Output};

use time::OffsetDateTime;

use super::fake_aws::FakeAws;
use super::{stamp, stderr, stdout, Sandbox};

/// The session of smithy-rs' login-provider test cases, and its cache file name (sha256 hex).
pub const SESSION: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
pub const FILE: &str = "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json";
/// The DPoP key of those cases: a SEC1 PEM, as `aws login` writes it.
pub const DPOP_KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";
pub const CLIENT_ID: &str = "arn:aws:signin:::devtools/same-device";

pub const CONFIG: &str = "\
[profile console]
login_session = arn:aws:sts::012345678910:assumed-role/Admin/admin
region = us-east-1

[profile deploy]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = console
";

/// A login cache file as `aws login` writes it (the cases' shape), expiring at `expires`.
pub fn cache_json(akid: &str, expires: &str, refresh_token: &str) -> String {
    serde_json::json!({
        "accessToken": {
            "accessKeyId": akid,
            "secretAccessKey": format!("{akid}-secret"),
            "sessionToken": format!("{akid}-session"),
            "accountId": "012345678901",
            "expiresAt": expires,
        },
        "tokenType": "aws_sigv4",
        "clientId": CLIENT_ID,
        "refreshToken": refresh_token,
        "idToken": "e30.e30.sig",
        "dpopKey": DPOP_KEY,
    })
    .to_string()
}

pub fn login_in_minutes(m: i64) -> String {
    stamp(OffsetDateTime::now_utc() + time::Duration::minutes(m))
}

pub fn seeded(minutes_left: i64) -> Sandbox {
    let sb = Sandbox::with_config(CONFIG);
    sb.write(
        &format!(".aws/login/cache/{FILE}"),
        &cache_json("AKIDCACHED", &login_in_minutes(minutes_left), "rt-1"),
    );
    sb
}

pub struct LoginEnv {
    pub sb: Sandbox,
    pub fake: FakeAws,
}

impl LoginEnv {
    /// CONFIG, a fake AWS knowing refresh token `rt-1` for the cases' key, and a cache file
    /// whose credentials (AKIDCACHED, valid for STS) expire in `minutes_left`.
    pub fn new(minutes_left: i64) -> LoginEnv {
        let env = LoginEnv {
            sb: seeded(minutes_left),
            fake: FakeAws::start(),
        };
        env.fake
            .issue_login_refresh_token("rt-1", CLIENT_ID, DPOP_KEY, "012345678901", "Admin");
        env.fake.issue_role_credentials(
            "AKIDCACHED",
            "AKIDCACHED-secret",
            "AKIDCACHED-session",
            "012345678901",
            "Admin",
        );
        env
    }

    pub fn cmd(&self) -> Command {
        let mut c = self.sb.cmd();
        c.envs(self.fake.env());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    pub fn cache(&self) -> serde_json::Value {
        let text =
            std::fs::read_to_string(self.sb.path(&format!(".aws/login/cache/{FILE}"))).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    pub fn write_cache(&self, v: &serde_json::Value) {
        self.sb
            .write(&format!(".aws/login/cache/{FILE}"), &v.to_string());
    }
}

pub fn process_json(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).unwrap()
}

/// The venv's Python when it has awscrt, which botocore's own login provider needs (`.ci/run`
/// installs it); else `None`, with the reason printed.
pub fn crt_python() -> Option<std::path::PathBuf> {
    let py = super::venv_python()?;
    let ok = Command::new(&py)
        .args(["-c", "import awscrt"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: the venv has no awscrt (run .ci/run to install botocore[crt])");
    }
    ok.then_some(py)
}
