//! Unit tests for the config model: one test per rule of docs/compat.md#config-files, error
//! messages asserted word for word. Compiled only in tests: `config/mod.rs` declares it under
//! #[cfg(test)]. This file holds the shared helpers; each submodule one topic.

mod broken;
mod files;
mod headers;
mod logins;
mod one_profile;
mod shapes;
mod values;

use super::*;

const CFG: &str = "~/.aws/config";
const CREDS: &str = "~/.aws/credentials";

fn parse(config: &str) -> Config {
    Config::parse(config, None, CFG.into(), CREDS.into())
}

fn parse2(config: &str, creds: &str) -> Config {
    Config::parse(config, Some(creds), CFG.into(), CREDS.into())
}

fn names(c: &Config) -> Vec<&str> {
    c.profiles.keys().map(String::as_str).collect()
}

fn problems(c: &Config) -> Vec<&str> {
    c.problems.iter().map(|p| p.0.as_str()).collect()
}

fn get<'a>(c: &'a Config, profile: &str, key: &str) -> Option<&'a str> {
    c.profiles[profile].get(key)
}

fn err<T: std::fmt::Debug>(r: Result<T, ConfigError>) -> String {
    r.unwrap_err().0
}

const SEED: &str = "[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile blog_admin]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1
";

fn targeted(config: &str, creds: Option<&str>, name: &str) -> Config {
    Config::parse_profile(config, creds, CFG.into(), CREDS.into(), name)
}
