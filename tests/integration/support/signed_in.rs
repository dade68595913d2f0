//! A sandbox already signed in to the fake: `CONFIG` (the seed config plus more profiles), a
//! running fake AWS, and a valid token for `my_sso_session` in the CLI's cache; with the role-cache
//! helpers the creds, exec, console and whoami tests share.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha1::{Digest, Sha1};
use time::OffsetDateTime;

use super::fake_aws::FakeAws;
use super::{interop_script, scrub, stamp, Sandbox};

pub const TOKEN: &str = "creds-test-access-token";
pub const CLIENT_ID: &str = "creds-test-client";
pub const CLIENT_SECRET: &str = "creds-test-client-secret";
pub const REFRESH_TOKEN: &str = "creds-test-refresh-token";
pub const ACCOUNT: &str = "111111111111";

/// The seed config plus a read-only profile, one the fake denies, and a legacy profile.
pub const CONFIG: &str = "\
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile blog_admin]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1

[profile blog_ro]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
region = eu-west-1

[profile no_region]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
";

pub struct Env {
    pub sb: Sandbox,
    pub fake: FakeAws,
}

impl Env {
    /// A sandbox with `CONFIG`, a fake AWS, and a valid token for `my_sso_session` (8 h left).
    pub fn new() -> Env {
        let env = Env {
            sb: Sandbox::with_config(CONFIG),
            fake: FakeAws::start(),
        };
        env.write_token(OffsetDateTime::now_utc() + time::Duration::hours(8));
        env.fake.issue_token(TOKEN);
        env
    }

    /// Write the token cache file for `my_sso_session` in the CLI's shape.
    pub fn write_token(&self, expires_at: OffsetDateTime) {
        self.sb.write(
            &format!(".aws/sso/cache/{}", sha1_name("my_sso_session")),
            &format!(
                "{{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", \"region\": \"us-east-1\", \
                 \"accessToken\": \"{TOKEN}\", \"expiresAt\": \"{}\"}}",
                stamp(expires_at)
            ),
        );
    }

    /// Write a token file for `my_sso_session` that can be refreshed (client registered and
    /// refresh token issued in the fake), as the AWS CLI writes one.
    pub fn write_refreshable_token(&self, expires_at: OffsetDateTime) {
        self.fake
            .register_client(CLIENT_ID, CLIENT_SECRET, &["sso:account:access"]);
        self.fake.issue_refresh_token(REFRESH_TOKEN, CLIENT_ID);
        self.sb.write(
            &format!(".aws/sso/cache/{}", sha1_name("my_sso_session")),
            &format!(
                "{{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", \"region\": \"us-east-1\", \
                 \"accessToken\": \"{TOKEN}\", \"expiresAt\": \"{}\", \"clientId\": \"{CLIENT_ID}\", \
                 \"clientSecret\": \"{CLIENT_SECRET}\", \"registrationExpiresAt\": \"{}\", \
                 \"refreshToken\": \"{REFRESH_TOKEN}\"}}",
                stamp(expires_at),
                stamp(OffsetDateTime::now_utc() + time::Duration::days(30))
            ),
        );
    }

    /// The token file of `my_sso_session`.
    pub fn token_path(&self) -> PathBuf {
        self.sb
            .path(&format!(".aws/sso/cache/{}", sha1_name("my_sso_session")))
    }

    /// ssox's lock directory (under `XDG_STATE_HOME`).
    pub fn lock_dir(&self) -> PathBuf {
        self.sb.path(".local/state/ssox/locks")
    }

    /// `ssox` pointed at the fake.
    pub fn cmd(&self) -> Command {
        let mut c = self.sb.cmd();
        c.envs(self.fake.env());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Run an interop script with the venv's Python against the fake, in the sandbox's HOME.
    pub fn python(&self, py: &Path, script: &str, args: &[&str]) -> Output {
        let mut c = Command::new(py);
        scrub(&mut c, &self.sb.home);
        c.envs(self.fake.env())
            .arg(interop_script(script))
            .args(args)
            .output()
            .unwrap()
    }

    /// The role cache file of a `my_sso_session` role in account `ACCOUNT`.
    pub fn role_cache_path(&self, role: &str) -> PathBuf {
        self.sb.path(&format!(
            ".aws/cli/cache/{}",
            sha1_name(&format!(
                "{{\"accountId\":\"{ACCOUNT}\",\"roleName\":\"{role}\",\"sessionName\":\"my_sso_session\"}}"
            ))
        ))
    }

    /// Seed the role cache as the AWS CLI writes it.
    pub fn seed_role_cache(&self, role: &str, akid: &str, secret: &str, token: &str, exp: &str) {
        let path = self.role_cache_path(role);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, cli_cache_json(akid, secret, token, exp)).unwrap();
    }
}

pub fn sha1_name(key: &str) -> String {
    let d = Sha1::digest(key.as_bytes());
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.json")
}

pub fn in_minutes(m: i64) -> String {
    stamp(OffsetDateTime::now_utc() + time::Duration::minutes(m))
}

/// The role cache file exactly as the AWS CLI v2 writes it (docs/compat.md#role-cache).
pub fn cli_cache_json(akid: &str, secret: &str, token: &str, exp: &str) -> String {
    format!(
        "{{\"ProviderType\": \"sso\", \"Credentials\": {{\"AccessKeyId\": \"{akid}\", \
         \"SecretAccessKey\": \"{secret}\", \"SessionToken\": \"{token}\", \"Expiration\": \"{exp}\", \
         \"AccountId\": \"{ACCOUNT}\"}}}}"
    )
}

pub const SEED_AKID: &str = "ASIASEEDED0000000001";
pub const SEED_SECRET: &str = "seededSecret/Key+0123456789abcdefghijkl";
pub const SEED_TOKEN: &str = "IQoJb3JpZ2luX2Vj//seeded+token==";
