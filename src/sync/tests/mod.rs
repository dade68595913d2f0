//! Tests of the sync plan, names and diff: exact texts, summaries and errors. Test-only: `sync/mod.rs`
//! declares it under #[cfg(test)]. This file holds the shared helpers; each submodule one topic.

mod naming;
mod planning;
mod properties;

use super::*;
use crate::config::Config;

const PATH: &str = "~/.aws/config";

const SESSION: &str = "# my config\n[sso-session corp]\n\
                       sso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n";

fn acct(id: &str, name: &str, roles: &[&str]) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

fn req<'a>(accounts: &'a [Account]) -> Request<'a> {
    Request {
        session: "corp",
        accounts,
        template: None,
        region: None,
        prune: false,
        rename: false,
    }
}

fn run_with(text: &str, creds: Option<&str>, r: &Request) -> Result<Plan, String> {
    let cfg = Config::parse(text, creds, PATH.into(), "~/.aws/credentials".into());
    plan(&cfg, text, r).map_err(|e| e.0)
}

fn run(text: &str, r: &Request) -> Plan {
    run_with(text, None, r).unwrap()
}

/// A generated profile as sync writes it.
fn generated(name: &str, id: &str, role: &str, account: &str) -> String {
    format!(
        "[profile {name}]\nsso_session = corp\nsso_account_id = {id}\nsso_role_name = {role}\n\
         region = eu-west-1\nsso_account_name = {account}\nsso_auto_populated = true\n"
    )
}

fn two() -> Vec<Account> {
    vec![
        acct(
            "111111111111",
            "Prod Payments",
            &["ReadOnly", "AdministratorAccess"],
        ),
        acct("222222222222", "dev", &["Admin"]),
    ]
}

const REMEMBERED: &str = "ssox_profile_template = {account_name}_{role_name}\n";

trait WithTemplate<'a> {
    fn clone_with_template(self, t: &'a str) -> Request<'a>;
}

impl<'a> WithTemplate<'a> for Request<'a> {
    fn clone_with_template(self, t: &'a str) -> Request<'a> {
        Request {
            template: Some(t),
            ..self
        }
    }
}
