//! A sandbox for tests that log in: the seed config (or another), a running fake AWS, and a fake
//! browser first on PATH that visits what it is given; nothing cached yet. Its commands log in
//! with the device code (`SSOX_LOGIN_FLOW=device`) although a display is set, so that device-flow
//! tests keep their flow; [`Env::auto_cmd`] leaves the choice to ssox (PKCE here).

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::fake_aws::FakeAws;
use super::{stamp, Sandbox};

pub const START_URL: &str = "https://my-sso-portal.awsapps.com/start";

/// A sandbox, a running fake, and a fake browser that visits what it is given.
pub struct Env {
    pub sb: Sandbox,
    pub fake: FakeAws,
    pub browser: PathBuf,
}

impl Env {
    pub fn new(config: &str) -> Env {
        let sb = Sandbox::with_config(config);
        let fake = FakeAws::start();
        let browser = fake.browser_dir(sb.dir.path());
        Env { sb, fake, browser }
    }

    /// `ssox ARGS` pointed at the fake, with a display and the fake browser first on PATH, logging
    /// in with the device code.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.auto_cmd(args);
        c.env("SSOX_LOGIN_FLOW", "device");
        c
    }

    /// Like [`Env::cmd`] but with the login flow left to ssox: PKCE, since a display is set.
    pub fn auto_cmd(&self, args: &[&str]) -> Command {
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

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn browser_log(&self) -> Vec<String> {
        FakeAws::browser_log(&self.browser)
    }

    pub fn cache(&self, file: &str) -> PathBuf {
        self.sb.path(".aws/sso/cache").join(file)
    }

    pub fn token(&self, file: &str) -> Map<String, Value> {
        let text = std::fs::read_to_string(self.cache(file)).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// Seed a token file the fake will honour (client registered, refresh token issued).
    pub fn seed_token(&self, file: &str, expires_in: i64, refreshable: bool) -> String {
        self.fake
            .register_client("seed-client", "seed-secret", &["sso:account:access"]);
        self.fake.issue_token("seed-access");
        let now = OffsetDateTime::now_utc();
        let mut text = format!(
            "{{\"startUrl\": \"{START_URL}\", \"region\": \"us-east-1\", \"accessToken\": \"seed-access\", \
             \"expiresAt\": \"{}\", \"clientId\": \"seed-client\", \"clientSecret\": \"seed-secret\", \
             \"registrationExpiresAt\": \"{}\"",
            stamp(now + Duration::from_secs(expires_in.max(0) as u64) - neg(expires_in)),
            stamp(now + Duration::from_secs(86400 * 30)),
        );
        if refreshable {
            self.fake.issue_refresh_token("seed-refresh", "seed-client");
            text.push_str(", \"refreshToken\": \"seed-refresh\"");
        }
        text.push_str(", \"ssoxTestExtra\": {\"kept\": [1, 2]}}");
        self.sb.write(&format!(".aws/sso/cache/{file}"), &text);
        text
    }
}

fn neg(secs: i64) -> Duration {
    Duration::from_secs(if secs < 0 { secs.unsigned_abs() } else { 0 })
}
