//! Where a profile's credentials come from, worked out from the config alone: the roles to assume
//! (`role_arn` + `source_profile`, hop by hop) and the credentials the first hop starts from (an
//! SSO role, keys in the profile, a credential_process, an `aws login` session, or something ssox
//! does not serve), with botocore's rules (`AssumeRoleProvider`; docs/compat.md#assume-role): a
//! source profile with keys uses them even when it sets `role_arn` too (so a profile may name
//! itself), and a cycle is an error. Pure: no files, no network, no terminal.

use crate::cache::assumed::{arn_account, AssumeRoleArgs};
use crate::config::ini::quote_name;
use crate::config::{closest, Config, ConfigError, Profile, ProfileKind, RoleTarget};

/// The credential sources botocore accepts in `credential_source`.
const CREDENTIAL_SOURCES: [&str; 3] = ["Environment", "Ec2InstanceMetadata", "EcsContainer"];

/// The credentials a chain starts from.
pub enum Root<'a> {
    /// An SSO role: the profile's `sso_account_id` and `sso_role_name` through its session.
    Sso(Box<RoleTarget>),
    /// Keys written in the profile (`aws_access_key_id`, usually in the credentials file).
    Static(&'a Profile),
    /// The profile's `credential_process`.
    Process(&'a Profile),
    /// The last hop's `credential_source` (the environment, EC2 or ECS metadata).
    CredentialSource(&'a Profile),
    /// The profile's `web_identity_token_file`.
    WebIdentity(&'a Profile),
    /// The profile's `login_session`: the console credentials `aws login` cached.
    Login(&'a Profile),
}

/// One role to assume, as its profile sets it.
pub struct Hop<'a> {
    pub profile: &'a Profile,
    pub args: AssumeRoleArgs,
}

impl Hop<'_> {
    /// The account in `role_arn`, if it is an ARN.
    pub fn account_id(&self) -> Option<&str> {
        arn_account(&self.args.role_arn)
    }

    /// The role's name: the last part of `role_arn`'s `role/PATH/NAME`, else the ARN as written.
    pub fn role_name(&self) -> &str {
        role_name(&self.args.role_arn)
    }
}

/// The last part of an IAM role ARN's `role/PATH/NAME`, else the text as written.
pub fn role_name(arn: &str) -> &str {
    arn.splitn(6, ':')
        .nth(5)
        .and_then(|resource| resource.strip_prefix("role/"))
        .and_then(|path| path.rsplit('/').next())
        .filter(|name| !name.is_empty())
        .unwrap_or(arn)
}

/// A profile's way to credentials.
pub struct Chain<'a> {
    pub root: Root<'a>,
    /// The roles to assume from the root outward: the first with the root's credentials, each
    /// next one with the previous one's; the last is the profile asked for. Empty when the
    /// profile assumes no role.
    pub hops: Vec<Hop<'a>>,
}

/// Follow `name`'s `source_profile` references to the credentials they start from.
pub fn resolve<'a>(config: &'a Config, name: &str) -> Result<Chain<'a>, ConfigError> {
    let mut p = config.profile(name)?;
    if p.kind != ProfileKind::AssumeRole {
        let root = match p.kind {
            ProfileKind::Static => static_root(config, p)?,
            ProfileKind::Process => Root::Process(p),
            ProfileKind::WebIdentity => Root::WebIdentity(p),
            ProfileKind::Login => Root::Login(p),
            // An SSO profile, or one with no credentials: `role_target` says what it lacks.
            _ => Root::Sso(Box::new(config.role_target(p)?)),
        };
        return Ok(Chain {
            root,
            hops: Vec::new(),
        });
    }
    let mut visited = vec![p.name.as_str()];
    let mut hops = Vec::new();
    let root = loop {
        hops.push(hop(config, p)?);
        let at = |key: &str| config.at(p.line(key).unwrap_or(p.source));
        let source = match (p.get("source_profile"), p.get("credential_source")) {
            (Some(_), Some(_)) => {
                return Err(ConfigError(format!(
                    "profile {:?} sets both source_profile and credential_source ({}); remove one \
                     of them from {}",
                    p.name,
                    at("credential_source"),
                    p.section()
                )))
            }
            (None, None) => {
                return Err(ConfigError(format!(
                    "profile {:?} sets role_arn but neither source_profile nor credential_source \
                     ({}); add `source_profile = NAME` (the profile whose credentials assume the \
                     role) to {}",
                    p.name,
                    at("role_arn"),
                    p.section()
                )))
            }
            (None, Some(cs)) if CREDENTIAL_SOURCES.contains(&cs) => {
                break Root::CredentialSource(p);
            }
            (None, Some(cs)) => {
                return Err(ConfigError(format!(
                    "profile {:?} sets credential_source = {cs} ({}), which is not one of {}; fix \
                     the value",
                    p.name,
                    at("credential_source"),
                    CREDENTIAL_SOURCES.join(", ")
                )))
            }
            (Some(s), None) => s,
        };
        let Some(src) = config.profiles.get(source) else {
            return Err(missing_source(config, p, source));
        };
        // A profile may name itself to assume its role with its own keys; any other repeat is a
        // cycle.
        if (src.name != p.name || !has_keys(src)) && visited.contains(&source) {
            visited.push(source);
            return Err(ConfigError(format!(
                "profile {:?} has a loop of source_profile references: {} ({}); point one of \
                 them at a profile with credentials of its own",
                name,
                visited.join(" -> "),
                at("source_profile")
            )));
        }
        visited.push(source);
        // A source profile with keys takes botocore's profile providers, its role_arn passed
        // over: the keys, or a credential_process that comes before config-file keys.
        let kind = if has_keys(src) {
            src.kind_as_source()
        } else {
            src.kind
        };
        match kind {
            ProfileKind::AssumeRole => p = src,
            ProfileKind::Static => break static_root(config, src)?,
            ProfileKind::Process => break Root::Process(src),
            ProfileKind::WebIdentity => break Root::WebIdentity(src),
            ProfileKind::Login => break Root::Login(src),
            ProfileKind::Sso => break Root::Sso(Box::new(config.role_target(src)?)),
            ProfileKind::Config => {
                return Err(ConfigError(format!(
                    "profile {:?} has source_profile = {source}, which has no credentials ({}); \
                     give {} an sso_session with sso_account_id and sso_role_name, or keys in {}",
                    p.name,
                    at("source_profile"),
                    src.section(),
                    config.credentials_path
                )))
            }
        }
    };
    hops.reverse();
    Ok(Chain { root, hops })
}

/// botocore's `_has_static_credentials`: either key is enough to take the keys' way.
fn has_keys(p: &Profile) -> bool {
    p.has_keys()
}

/// A root of keys, or the error naming the key botocore finds missing.
fn static_root<'a>(config: &Config, p: &'a Profile) -> Result<Root<'a>, ConfigError> {
    match config.static_keys_problem(p) {
        Some(e) => Err(e),
        None => Ok(Root::Static(p)),
    }
}

/// The AssumeRole arguments `p` sets (botocore's `_get_role_config`).
fn hop<'a>(config: &Config, p: &'a Profile) -> Result<Hop<'a>, ConfigError> {
    let duration_seconds = match p.get("duration_seconds") {
        None => None,
        Some(d) => Some(d.parse::<i64>().map_err(|_| {
            ConfigError(format!(
                "profile {:?} sets duration_seconds = {d} ({}), which is not a whole number of \
                 seconds; write e.g. `duration_seconds = 3600` in {}",
                p.name,
                config.at(p.line("duration_seconds").unwrap_or(p.source)),
                p.section()
            ))
        })?),
    };
    Ok(Hop {
        profile: p,
        args: AssumeRoleArgs {
            role_arn: p.get("role_arn").unwrap_or_default().to_string(),
            role_session_name: p.get("role_session_name").map(str::to_string),
            external_id: p.get("external_id").map(str::to_string),
            duration_seconds,
            serial_number: p.get("mfa_serial").map(str::to_string),
        },
    })
}

fn missing_source(config: &Config, p: &Profile, source: &str) -> ConfigError {
    let close = closest(source, config.profiles.keys().map(String::as_str), 3);
    let section = format!("[profile {}]", quote_name(source));
    let fix = match close.as_slice() {
        [] => format!("add a {section} section or fix the name"),
        names => {
            let names: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
            format!(
                "did you mean {}? Otherwise add a {section} section",
                names.join(", ")
            )
        }
    };
    ConfigError(format!(
        "profile {:?} has source_profile = {source}, which does not exist ({}); {fix}",
        p.name,
        config.at(p.line("source_profile").unwrap_or(p.source))
    ))
}

#[cfg(test)]
mod tests;
