//! What a profile needs from the outside world: the login (`LoginTarget`: which token, from which
//! start URL and region), the SSO role (`RoleTarget`), and the endpoint its `[services]` block
//! sets. Pure lookups over a parsed `Config`; errors name the file, line and fix. Must not touch
//! files, the network or the token cache.

use super::keys::Keys;
use super::sections::quote_name;
use super::suggest::{closest, quoted_list};
use super::typos::key_typos;
use super::{Config, ConfigError, Profile};

/// What a login needs: where the token lives and how to get one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginTarget {
    /// The token cache key: the sso-session name, or the legacy start URL as written.
    pub cache_key: String,
    /// `Some` for sso-session configs, `None` for legacy profiles.
    pub session_name: Option<String>,
    pub start_url: String,
    pub region: String,
    /// `sso_registration_scopes`, split on `,` and trimmed; `None` when unset.
    pub scopes: Option<Vec<String>>,
}

impl LoginTarget {
    /// `sso-session "corp"`, or `start URL https://…` for legacy profiles.
    pub fn label(&self) -> String {
        match &self.session_name {
            Some(n) => format!("sso-session {n:?}"),
            None => format!("start URL {}", self.start_url),
        }
    }

    /// Short name for tables: the session name, or the start URL's host.
    pub fn short_name(&self) -> String {
        match &self.session_name {
            Some(n) => n.clone(),
            None => url_host(&self.start_url).to_string(),
        }
    }
}

/// A profile's SSO role: the login plus the account and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleTarget {
    pub profile: String,
    pub login: LoginTarget,
    pub account_id: String,
    pub role_name: String,
    pub region: Option<String>,
}

pub fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

fn split_scopes(s: &str) -> Vec<String> {
    s.split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

impl Config {
    /// The login an sso-session needs.
    pub fn session_login(&self, name: &str) -> Result<LoginTarget, ConfigError> {
        self.session_login_from(name, None)
    }

    /// `session_login`, with the `sso_region` a profile sets for a session that has none
    /// (botocore's `SSOProvider` merges the profile's keys with its session's).
    fn session_login_from(
        &self,
        name: &str,
        profile_region: Option<&str>,
    ) -> Result<LoginTarget, ConfigError> {
        let s = self.session(name)?;
        let start_url = s.get("sso_start_url");
        let region = s.get("sso_region").or(profile_region);
        let (Some(start_url), Some(region)) = (start_url, region) else {
            let missing = missing(&[
                ("sso_start_url", start_url.is_none()),
                ("sso_region", region.is_none()),
            ]);
            return Err(ConfigError(format!(
                "sso-session {name:?} is missing {} ({}); {}",
                missing.join(" and "),
                self.at(s.source),
                self.supply(&s.keys, &s.section(), &missing)
            )));
        };
        Ok(LoginTarget {
            cache_key: name.to_string(),
            session_name: Some(name.to_string()),
            start_url: start_url.to_string(),
            region: region.to_string(),
            scopes: s.get("sso_registration_scopes").map(split_scopes),
        })
    }

    /// The login a profile needs: its sso-session's, or its legacy start URL's.
    pub fn profile_login(&self, profile: &Profile) -> Result<LoginTarget, ConfigError> {
        let name = &profile.name;
        let key_at = |key: &str| self.at(profile.line(key).unwrap_or(profile.source));
        if let Some(session) = profile.get("sso_session") {
            if !self.sessions.contains_key(session) {
                let close = closest(session, self.sessions.keys().map(String::as_str), 3);
                let fix = if let Some(hint) = self.misspelled_session(session) {
                    hint
                } else if close.is_empty() {
                    format!(
                        "add an [sso-session {}] section or fix the name",
                        quote_name(session)
                    )
                } else {
                    format!(
                        "did you mean {}? Otherwise add an [sso-session {}] section",
                        quoted_list(&close),
                        quote_name(session)
                    )
                };
                return Err(ConfigError(format!(
                    "profile {name:?} uses sso-session {session:?}, which does not exist ({}); {fix}",
                    key_at("sso_session")
                )));
            }
            let login = self.session_login_from(session, profile.get("sso_region"))?;
            for (key, ours) in [
                ("sso_start_url", &login.start_url),
                ("sso_region", &login.region),
            ] {
                if let Some(theirs) = profile.get(key) {
                    if theirs != ours {
                        return Err(ConfigError(format!(
                            "profile {name:?} sets {key} = {theirs} but its sso-session {session:?} \
                             has {ours} ({}); remove {key} from {}",
                            key_at(key),
                            profile.section()
                        )));
                    }
                }
            }
            return Ok(login);
        }
        let Some(start_url) = profile.get("sso_start_url") else {
            if profile.kind == super::ProfileKind::Login {
                return Err(ConfigError(format!(
                    "profile {name:?} signs in with `aws login` (login_session, {}), not IAM \
                     Identity Center; sign it in with: ssox login {}",
                    key_at("login_session"),
                    quote_name(name)
                )));
            }
            let example = match self.sessions.keys().next() {
                Some(s) if self.sessions.len() == 1 => s.as_str(),
                _ => "NAME",
            };
            let fix = self
                .renames(&profile.keys, login_missing(profile))
                .unwrap_or_else(|| {
                    format!("add `sso_session = {example}` to {}", profile.section())
                });
            return Err(ConfigError(format!(
                "profile {name:?} has neither sso_session nor sso_start_url ({}); {fix}",
                self.at(profile.source),
            )));
        };
        let region = profile.get("sso_region").ok_or_else(|| {
            let fix = self
                .renames(&profile.keys, &["sso_region"])
                .unwrap_or_else(|| {
                    format!(
                        "add `sso_region = us-east-1` (your IAM Identity Center region) to {}",
                        profile.section()
                    )
                });
            ConfigError(format!(
                "profile {name:?} is missing sso_region ({}); {fix}",
                key_at("sso_start_url"),
            ))
        })?;
        Ok(LoginTarget {
            cache_key: start_url.to_string(),
            session_name: None,
            start_url: start_url.to_string(),
            region: region.to_string(),
            scopes: None,
        })
    }

    /// The `sso_region` a profile sets for an sso-session that has none, and the session:
    /// ssox uses it, but botocore's token provider reads the session alone and refuses
    /// (docs/compat.md#config-files).
    pub fn region_outside_session<'p>(&self, profile: &'p Profile) -> Option<(&'p str, &str)> {
        let session = profile.get("sso_session")?;
        let region = profile.get("sso_region")?;
        let s = self.sessions.get(session)?;
        s.get("sso_region")
            .is_none()
            .then_some((region, s.name.as_str()))
    }

    /// The SSO role a profile assumes.
    pub fn role_target(&self, profile: &Profile) -> Result<RoleTarget, ConfigError> {
        let login = self.profile_login(profile)?;
        let account = profile.get("sso_account_id");
        let role = profile.get("sso_role_name");
        let (Some(account), Some(role)) = (account, role) else {
            let missing = role_missing(profile);
            return Err(ConfigError(self.missing_keys_message(profile, &missing)));
        };
        for (key, value, check) in [
            (
                "sso_account_id",
                account,
                check_account_id as fn(&str) -> Result<(), String>,
            ),
            ("sso_role_name", role, check_role_name),
        ] {
            if let Err(why) = check(value) {
                let at = self.at(profile.keys.source(key).unwrap_or(profile.source));
                return Err(ConfigError(format!(
                    "profile {:?} has an invalid {key} ({at}): {why}; fix it in {}",
                    profile.name,
                    profile.section()
                )));
            }
        }
        Ok(RoleTarget {
            profile: profile.name.clone(),
            account_id: account.to_string(),
            role_name: role.to_string(),
            region: profile.region().map(str::to_string),
            login,
        })
    }

    /// `profile "dev" is missing sso_account_id (~/.aws/config:3); add … to [profile dev]`.
    pub(super) fn missing_keys_message(&self, profile: &Profile, missing: &[&str]) -> String {
        format!(
            "profile {:?} is missing {} ({}); {}",
            profile.name,
            missing.join(" and "),
            self.at(profile.source),
            self.supply(&profile.keys, &profile.section(), missing)
        )
    }

    /// How to supply the `missing` keys of a section: `` add `sso_role_name = …` to [profile
    /// dev] ``, and for keys the section has only misspelled, `rename sso_acount_id
    /// (~/.aws/config:4) to sso_account_id`.
    fn supply(&self, keys: &Keys, section: &str, missing: &[&str]) -> String {
        let adds: Vec<String> = missing
            .iter()
            .filter(|k| !key_typos(keys).any(|t| t.meant == **k))
            .map(|k| format!("`{k} = {}`", example(k)))
            .collect();
        let add = (!adds.is_empty()).then(|| format!("add {} to {section}", adds.join(" and ")));
        let fix: Vec<String> = add.into_iter().chain(self.renames(keys, missing)).collect();
        fix.join(" and ")
    }

    /// `rename sso_acount_id (~/.aws/config:4) to sso_account_id and …` for the keys of `wanted`
    /// that the section has only misspelled; `None` when it has none of them misspelled.
    fn renames(&self, keys: &Keys, wanted: &[&str]) -> Option<String> {
        let renames: Vec<String> = key_typos(keys)
            .filter(|t| wanted.contains(&t.meant))
            .map(|t| format!("{} ({}) to {}", t.typed, self.at(t.source), t.meant))
            .collect();
        (!renames.is_empty()).then(|| format!("rename {}", renames.join(" and ")))
    }

    /// The endpoint a profile's config sets for `service` (`sso_oidc`, `sso`, `sts`): its
    /// `[services]` block first, then a top-level `endpoint_url`. Env overrides are not applied here.
    pub fn configured_endpoint(&self, profile: Option<&str>, service: &str) -> Option<String> {
        let p = self.profiles.get(profile?)?;
        let from_services = p
            .get("services")
            .and_then(|s| self.services.get(s))
            .and_then(|svc| svc.get(&service.replace('-', "_")))
            .and_then(|block| block.get("endpoint_url"))
            .filter(|v| !v.is_empty())
            .cloned();
        from_services.or_else(|| p.get("endpoint_url").map(str::to_string))
    }
}

/// The keys `Config::profile_login` says an SSO profile lacks: `sso_session` and
/// `sso_start_url` when it has neither, `sso_region` for a legacy profile without it.
pub(super) fn login_missing(profile: &Profile) -> &'static [&'static str] {
    if profile.get("sso_session").is_some() {
        return &[];
    }
    match (profile.get("sso_start_url"), profile.get("sso_region")) {
        (None, _) => &["sso_session", "sso_start_url"],
        (Some(_), None) => &["sso_region"],
        (Some(_), Some(_)) => &[],
    }
}

/// A value from the config as shown in an error: quoted with control characters escaped, or
/// only its length when it is too long to show.
fn shown(value: &str) -> String {
    let n = value.chars().count();
    if n > 64 {
        format!("a value {n} characters long")
    } else {
        format!("{value:?}")
    }
}

/// An AWS account id is 12 digits (as GetRoleCredentials requires; checked before any request,
/// so that no value from a file reaches the SDK's request builder).
pub fn check_account_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(format!(
        "{} is not an account id; an account id is 12 digits, e.g. 111111111111",
        shown(id)
    ))
}

/// An IAM role name (a permission set's name): 1 to 64 letters, digits and `_+=,.@-`.
pub fn check_role_name(role: &str) -> Result<(), String> {
    let iam = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    if !role.is_empty() && role.len() <= 64 && role.chars().all(iam) {
        return Ok(());
    }
    Err(format!(
        "{} is not a role name; a role name is 1 to 64 letters, digits and _+=,.@-, \
         e.g. AdministratorAccess",
        shown(role)
    ))
}

/// `sso_account_id` and `sso_role_name`, those of them the profile lacks.
pub(super) fn role_missing(profile: &Profile) -> Vec<&'static str> {
    missing(&[
        ("sso_account_id", profile.get("sso_account_id").is_none()),
        ("sso_role_name", profile.get("sso_role_name").is_none()),
    ])
}

fn missing(keys: &[(&'static str, bool)]) -> Vec<&'static str> {
    keys.iter().filter(|(_, m)| *m).map(|(k, _)| *k).collect()
}

/// A value to show in "add `key = value`".
fn example(key: &str) -> &'static str {
    match key {
        "sso_start_url" => "https://my-sso-portal.awsapps.com/start",
        "sso_region" => "us-east-1",
        "sso_account_id" => "111111111111",
        "sso_role_name" => "AdministratorAccess",
        _ => "…",
    }
}
