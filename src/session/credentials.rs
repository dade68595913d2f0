//! Credentials for any profile ssox serves, through one entry point (`credentials`): an SSO
//! profile's role credentials (`role`), or a role chain's (`chain`): the root's credentials, then
//! STS AssumeRole hop by hop, each hop's answer cached as the AWS CLI caches it
//! (docs/compat.md#assume-role) and reused while more than 15 minutes remain, the outermost
//! first, so a fresh entry costs no request at all. An `aws login` profile's come from its cache
//! (`signin`). One process at a time assumes one role (the cache file's lock). `signing_keys`
//! also covers profiles that hold keys or run a credential_process (for `whoami`). Must not word errors with a secret in them.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use time::OffsetDateTime;

use crate::aws::endpoints::{self, Service};
use crate::aws::sts::{self, Keys, Sts};
use crate::cache::assumed;
use crate::cache::human_duration;
use crate::cache::role::{self as role_cache, RoleCredentials};
use crate::config::{Config, ConfigError, Profile};
use crate::settings::Settings;
use crate::ui::warn;

use super::chain::{self, Chain, Hop, Root};
use super::{lock, sso_role_credentials};

/// The region STS is called in when the profile sets none (its credentials work everywhere).
pub const FALLBACK_REGION: &str = "us-east-1";

/// A profile's temporary credentials, with what `exec` and `console` say about them.
pub struct ProfileCredentials {
    pub credentials: RoleCredentials,
    /// The account and role the credentials act as: the profile's SSO role, or its `role_arn`.
    pub account_id: String,
    pub role_name: String,
    /// The profile's `region`.
    pub region: Option<String>,
    /// The `sso_region` of the chain's root, if it is an SSO role (the console's partition when
    /// the profile sets no region).
    pub sso_region: Option<String>,
}

/// Temporary credentials for `name`, an SSO profile or a role chain, within the command's time
/// (`aws::Timeouts::command`). Refreshes the SSO token when needed; never logs in interactively.
pub fn credentials(
    config: &Config,
    name: &str,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<ProfileCredentials> {
    let deadline = Instant::now() + crate::aws::timeouts().command;
    let chain = chain::resolve(config, name)?;
    let region = config.profile(name)?.region().map(str::to_string);
    let sso_region = match &chain.root {
        Root::Sso(t) => Some(t.login.region.clone()),
        _ => None,
    };
    let Some(top) = chain.hops.last() else {
        return match &chain.root {
            Root::Sso(target) => Ok(ProfileCredentials {
                credentials: sso_role_credentials(config, target, settings, now, deadline)?,
                account_id: target.account_id.clone(),
                role_name: target.role_name.clone(),
                region: target.region.clone(),
                sso_region,
            }),
            Root::Static(p) => {
                Err(own_credentials(config, p, "holds its own keys", "aws_access_key_id").into())
            }
            Root::Process(p) => {
                Err(
                    own_credentials(config, p, "runs a credential_process", "credential_process")
                        .into(),
                )
            }
            Root::Login(p) => {
                let credentials =
                    super::signin::login_credentials(config, p, settings, now, deadline)?;
                Ok(ProfileCredentials {
                    account_id: credentials.account_id.clone(),
                    role_name: p
                        .get("login_session")
                        .and_then(crate::cache::login::session_role)
                        .unwrap_or_default()
                        .to_string(),
                    credentials,
                    region,
                    sso_region,
                })
            }
            Root::CredentialSource(p) | Root::WebIdentity(p) => Err(unsupported(config, p).into()),
        };
    };
    let credentials = Assume::new(config, &chain, name, settings, now, deadline)?.top()?;
    Ok(ProfileCredentials {
        account_id: top
            .account_id()
            .unwrap_or(&credentials.account_id)
            .to_string(),
        role_name: top.role_name().to_string(),
        credentials,
        region,
        sso_region,
    })
}

/// Keys that sign as `name`: [`credentials`], or the keys an SSO-less profile holds or its
/// credential_process prints, before `deadline`.
pub fn signing_keys(
    config: &Config,
    name: &str,
    settings: &Settings,
    now: OffsetDateTime,
    deadline: Instant,
) -> Result<Keys> {
    let chain = chain::resolve(config, name)?;
    if chain.hops.is_empty() {
        return root_keys(config, &chain.root, settings, now, deadline);
    }
    let creds = Assume::new(config, &chain, name, settings, now, deadline)?.top()?;
    Ok(Keys::from(&creds))
}

/// Why ssox cannot start a chain at `p`: its `credential_source`, or its web identity.
fn unsupported(config: &Config, p: &Profile) -> ConfigError {
    let (what, key) = match p.get("credential_source") {
        Some(cs) => (
            format!("takes its source credentials from credential_source = {cs}"),
            "credential_source",
        ),
        None => (
            "uses web_identity_token_file".to_string(),
            "web_identity_token_file",
        ),
    };
    ConfigError(format!(
        "profile {:?} {what} ({}): not supported by ssox; use the AWS CLI for this profile",
        p.name,
        config.at(p.line(key).unwrap_or(p.source))
    ))
}

/// Why `credentials` serves no profile with keys or a credential_process of its own.
fn own_credentials(config: &Config, p: &Profile, what: &str, key: &str) -> ConfigError {
    ConfigError(format!(
        "profile {:?} {what} ({}): ssox gets credentials for SSO and assume-role profiles only; \
         the AWS CLI and SDKs use this one directly (ssox use {})",
        p.name,
        config.at(p.line(key).unwrap_or(p.source)),
        crate::config::ini::quote_name(&p.name)
    ))
}

/// Why ssox cannot assume `p`'s role: it needs an MFA code. The AWS CLI asks for one and caches
/// the answer where ssox reuses it.
fn needs_mfa(config: &Config, p: &Profile) -> ConfigError {
    ConfigError(format!(
        "profile {:?} sets mfa_serial ({}): assuming a role with an MFA code is not supported by \
         ssox; run `aws sts get-caller-identity --profile {}` (the AWS CLI asks for the code and \
         caches the role's credentials, which ssox then reuses until they expire)",
        p.name,
        config.at(p.line("mfa_serial").unwrap_or(p.source)),
        crate::config::ini::quote_name(&p.name)
    ))
}

/// The credentials a chain starts from.
fn root_keys(
    config: &Config,
    root: &Root,
    settings: &Settings,
    now: OffsetDateTime,
    deadline: Instant,
) -> Result<Keys> {
    match root {
        Root::Sso(target) => {
            let creds = sso_role_credentials(config, target, settings, now, deadline)?;
            Ok(Keys::from(&creds))
        }
        Root::Static(p) => static_keys(config, p),
        Root::Login(p) => {
            let creds = super::signin::login_credentials(config, p, settings, now, deadline)?;
            Ok(Keys::from(&creds))
        }
        Root::Process(p) => {
            let command = p.get("credential_process").unwrap_or_default();
            crate::verbose!("running the credential_process of profile {:?}", p.name);
            crate::aws::process::credentials(command, deadline).with_context(|| {
                format!(
                    "the credential_process of profile {:?} ({}) failed",
                    p.name,
                    config.at(p.line("credential_process").unwrap_or(p.source))
                )
            })
        }
        Root::CredentialSource(p) | Root::WebIdentity(p) => Err(unsupported(config, p).into()),
    }
}

/// `aws_access_key_id`, `aws_secret_access_key` and, if set, `aws_session_token` of `p`.
fn static_keys(config: &Config, p: &Profile) -> Result<Keys> {
    let akid = p.get("aws_access_key_id");
    let secret = p.get("aws_secret_access_key");
    let (Some(akid), Some(secret)) = (akid, secret) else {
        let missing = if akid.is_none() {
            "aws_access_key_id"
        } else {
            "aws_secret_access_key"
        };
        return Err(ConfigError(format!(
            "profile {:?} is missing {missing} ({}); add it to {}",
            p.name,
            config.at(p.source),
            p.section()
        ))
        .into());
    };
    Ok(Keys::new(
        akid.to_string(),
        secret.to_string(),
        p.get("aws_session_token").map(str::to_string),
    ))
}

/// One walk down a role chain.
struct Assume<'a> {
    config: &'a Config,
    chain: &'a Chain<'a>,
    settings: &'a Settings,
    now: OffsetDateTime,
    deadline: Instant,
    /// STS as the profile asked for sets it (its region and endpoint), for every hop, as botocore
    /// creates its STS client from the session's profile.
    region: String,
    endpoint: Option<String>,
}

impl<'a> Assume<'a> {
    fn new(
        config: &'a Config,
        chain: &'a Chain<'a>,
        name: &str,
        settings: &'a Settings,
        now: OffsetDateTime,
        deadline: Instant,
    ) -> Result<Assume<'a>> {
        if let Root::CredentialSource(p) | Root::WebIdentity(p) = chain.root {
            return Err(unsupported(config, p).into());
        }
        let profile = config.profile(name)?;
        Ok(Assume {
            config,
            chain,
            settings,
            now,
            deadline,
            region: profile.region().unwrap_or(FALLBACK_REGION).to_string(),
            endpoint: endpoints::resolve(
                &settings.endpoints,
                Some(config),
                Some(name),
                Service::Sts,
            ),
        })
    }

    /// The credentials of the last hop.
    fn top(&self) -> Result<RoleCredentials> {
        self.hop(self.chain.hops.len().saturating_sub(1))
    }

    /// The credentials of hop `i`: cached, else AssumeRole with hop `i - 1`'s (or the root's).
    fn hop(&self, i: usize) -> Result<RoleCredentials> {
        let Some(hop) = self.chain.hops.get(i) else {
            bail!("a role chain without roles");
        };
        let file = assumed::file_name(&hop.args);
        let path = self.settings.cli_cache_dir().join(&file);
        let shown = self.settings.display_path(&path);
        let cached = |now| {
            let c = role_cache::read_fresh(&path, now)?;
            crate::verbose!(
                "using cached credentials of {} {shown} (valid {})",
                hop.args.role_arn,
                human_duration(c.remaining(now))
            );
            Some(c)
        };
        if let Some(c) = cached(self.now) {
            return Ok(c);
        }
        if hop.args.serial_number.is_some() {
            return Err(needs_mfa(self.config, hop.profile).into());
        }
        let source = match i.checked_sub(1) {
            Some(below) => Keys::from(&self.hop(below)?),
            None => root_keys(
                self.config,
                &self.chain.root,
                self.settings,
                self.now,
                self.deadline,
            )?,
        };
        let _lock = lock::role(self.settings, &file, self.deadline)?;
        // Another ssox may have assumed the role while this one got the source credentials.
        if let Some(c) = cached(OffsetDateTime::now_utc()) {
            return Ok(c);
        }
        let answer = self.assume(hop, &source)?;
        match assumed::write(&path, &answer) {
            Ok(()) => crate::verbose!("cached assumed-role credentials in {shown}"),
            Err(e) => warn(&format!("cannot cache assumed-role credentials: {e:#}")),
        }
        Ok(answer.credentials)
    }

    fn assume(&self, hop: &Hop, source: &Keys) -> Result<assumed::AssumedRole> {
        let session_name = match &hop.args.role_session_name {
            Some(n) => n.clone(),
            // botocore's default, left out of the cache key.
            None => format!("botocore-session-{}", self.now.unix_timestamp()),
        };
        crate::verbose!(
            "AssumeRole {} as {session_name} (profile {:?}, region {}{})",
            hop.args.role_arn,
            hop.profile.name,
            self.region,
            self.endpoint
                .as_deref()
                .map_or(String::new(), |e| format!(", endpoint {e}"))
        );
        let target = Sts {
            region: &self.region,
            endpoint: self.endpoint.as_deref(),
            deadline: self.deadline,
        };
        sts::assume_role(source, &target, &hop.args, &session_name).with_context(|| {
            format!(
                "cannot assume role {} (profile {:?})",
                hop.args.role_arn, hop.profile.name
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_keys_need_both_halves() {
        let c = Config::parse(
            "",
            Some(
                "[ok]\naws_access_key_id = AKIA1\naws_secret_access_key = s\naws_session_token = t\n\
                 [half]\naws_access_key_id = AKIA2\n",
            ),
            "~/.aws/config".into(),
            "~/.aws/credentials".into(),
        );
        let keys = static_keys(&c, &c.profiles["ok"]).unwrap();
        assert_eq!(keys.access_key_id, "AKIA1");
        assert_eq!(
            static_keys(&c, &c.profiles["half"]).err().unwrap().to_string(),
            "profile \"half\" is missing aws_secret_access_key (~/.aws/credentials:5); add it to [half]"
        );
    }
}
