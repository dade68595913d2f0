//! The AWS config and credentials files as ssox's model: `Profile`s, `SsoSession`s, `[services]`
//! endpoint blocks, and the problems found (reference §6). Parsing is pure (`Config::parse`);
//! `load` is the only I/O here. Must not touch the network, the token cache or the terminal.

pub mod ini;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};
use ini::{RawSection, RawValue};

/// Which file a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileId {
    Config,
    Credentials,
}

/// Where a section or key was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    pub file: FileId,
    pub line: usize,
}

/// A configuration problem, already worded for the user (file, line and fix included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub value: RawValue,
    pub source: Source,
}

/// What kind of credentials a profile yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    Sso,
    Static,
    AssumeRole,
    Process,
    WebIdentity,
    /// Settings only (region, output…).
    Config,
}

impl ProfileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::Sso => "sso",
            ProfileKind::Static => "static",
            ProfileKind::AssumeRole => "assume-role",
            ProfileKind::Process => "process",
            ProfileKind::WebIdentity => "web-identity",
            ProfileKind::Config => "config",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub kind: ProfileKind,
    /// Where the profile was first defined (config file before credentials file).
    pub source: Source,
    /// Merged keys: config file, then credentials file on top.
    pub keys: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSession {
    pub name: String,
    pub source: Source,
    pub keys: BTreeMap<String, Entry>,
}

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

/// Both files, parsed.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Sorted by name.
    pub profiles: BTreeMap<String, Profile>,
    pub sessions: BTreeMap<String, SsoSession>,
    /// `[services NAME]` → service id (lowercased, `-` as `_`) → key → value.
    pub services: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
    /// Lines and sections that could not be used, worded for the user.
    pub problems: Vec<ConfigError>,
    /// Paths as shown in messages (`~/.aws/config`).
    pub config_path: String,
    pub credentials_path: String,
}

pub fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

fn entry_str(e: &Entry) -> Option<&str> {
    match &e.value {
        RawValue::Scalar(s) => Some(s.as_str()),
        RawValue::Nested(_) => None,
    }
}

fn get<'a>(keys: &'a BTreeMap<String, Entry>, key: &str) -> Option<&'a str> {
    keys.get(key).and_then(entry_str).filter(|s| !s.is_empty())
}

impl Profile {
    /// A scalar key's value (keys are lowercase); `None` when unset, empty or a nested block.
    pub fn get(&self, key: &str) -> Option<&str> {
        get(&self.keys, key)
    }
    pub fn region(&self) -> Option<&str> {
        self.get("region")
    }
    pub fn line(&self, key: &str) -> Option<Source> {
        self.keys.get(key).map(|e| e.source)
    }
}

impl SsoSession {
    pub fn get(&self, key: &str) -> Option<&str> {
        get(&self.keys, key)
    }
}

fn classify(keys: &BTreeMap<String, Entry>) -> ProfileKind {
    let has = |k: &str| get(keys, k).is_some();
    if has("sso_session") || has("sso_start_url") {
        ProfileKind::Sso
    } else if has("role_arn") {
        ProfileKind::AssumeRole
    } else if has("credential_process") {
        ProfileKind::Process
    } else if has("web_identity_token_file") {
        ProfileKind::WebIdentity
    } else if has("aws_access_key_id") {
        ProfileKind::Static
    } else {
        ProfileKind::Config
    }
}

fn merge_keys(into: &mut BTreeMap<String, Entry>, section: &RawSection, file: FileId) {
    for k in &section.keys {
        into.insert(
            k.name.clone(),
            Entry {
                value: k.value.clone(),
                source: Source { file, line: k.line },
            },
        );
    }
}

fn split_scopes(s: &str) -> Vec<String> {
    s.split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Read both files. A missing config file is an error with the fix; a missing credentials file is not.
pub fn load(
    config_file: &Path,
    credentials_file: &Path,
    display: impl Fn(&Path) -> String,
) -> Result<Config> {
    let config_text = match std::fs::read(config_file) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let creds = read_optional(credentials_file)?;
            if creds.is_some() {
                String::new()
            } else {
                return Err(anyhow::anyhow!(missing_config_message(&display(
                    config_file
                ))));
            }
        }
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", display(config_file)));
        }
    };
    let creds_text = read_optional(credentials_file)
        .with_context(|| format!("cannot read {}", display(credentials_file)))?;
    Ok(Config::parse(
        &config_text,
        creds_text.as_deref(),
        display(config_file),
        display(credentials_file),
    ))
}

fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub fn missing_config_message(path: &str) -> String {
    format!(
        "no AWS config file at {path}\n\
         create one with `aws configure sso`, or write it by hand, for example:\n\n\
         [sso-session my_sso_session]\n\
         sso_start_url = https://my-sso-portal.awsapps.com/start\n\
         sso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access\n\n\
         [profile blog_admin]\n\
         sso_session = my_sso_session\n\
         sso_account_id = 111111111111\n\
         sso_role_name = AdministratorAccess\n\
         region = us-east-1"
    )
}

impl Config {
    /// Parse the config file text and, if present, the credentials file text.
    pub fn parse(
        config_text: &str,
        credentials_text: Option<&str>,
        config_path: String,
        credentials_path: String,
    ) -> Config {
        let mut cfg = Config {
            config_path,
            credentials_path,
            ..Config::default()
        };
        let (sections, errors) = ini::tokenize(config_text);
        for e in errors {
            cfg.problems.push(ConfigError(format!(
                "{}:{}: {}",
                cfg.config_path, e.line, e.message
            )));
        }
        let mut bare_default: Option<Profile> = None;
        for section in &sections {
            let src = Source {
                file: FileId::Config,
                line: section.line,
            };
            if section.header == "default" {
                let p = bare_default.get_or_insert_with(|| new_profile("default", src));
                merge_keys(&mut p.keys, section, FileId::Config);
                continue;
            }
            let Some(words) = ini::shlex_split(&section.header) else {
                cfg.problems.push(ConfigError(format!(
                    "{}:{}: section [{}] has an unbalanced quote; it is ignored",
                    cfg.config_path, section.line, section.header
                )));
                continue;
            };
            let kind = words.first().map(String::as_str);
            if !matches!(kind, Some("profile" | "sso-session" | "services")) {
                continue; // bare [name] and unknown sections are not profiles in the config file
            }
            if words.len() != 2 {
                cfg.problems.push(ConfigError(format!(
                    "{}:{}: [{}] is not a valid section name; quote a name with spaces: [{} \"{}\"]",
                    cfg.config_path,
                    section.line,
                    section.header,
                    words[0],
                    words[1..].join(" ")
                )));
                continue;
            }
            let name = &words[1];
            match words[0].as_str() {
                "profile" => {
                    let p = cfg
                        .profiles
                        .entry(name.clone())
                        .or_insert_with(|| new_profile(name, src));
                    merge_keys(&mut p.keys, section, FileId::Config);
                }
                "sso-session" => {
                    let s = cfg
                        .sessions
                        .entry(name.clone())
                        .or_insert_with(|| SsoSession {
                            name: name.clone(),
                            source: src,
                            keys: BTreeMap::new(),
                        });
                    merge_keys(&mut s.keys, section, FileId::Config);
                }
                _ => {
                    let svc = cfg.services.entry(name.clone()).or_default();
                    for k in &section.keys {
                        if let RawValue::Nested(pairs) = &k.value {
                            let id = k.name.replace('-', "_");
                            let block = svc.entry(id).or_default();
                            for (sk, sv) in pairs {
                                block.insert(sk.clone(), sv.clone());
                            }
                        }
                    }
                }
            }
        }
        // `[profile default]` wins over `[default]` (Rust SDK).
        if let Some(d) = bare_default {
            cfg.profiles.entry("default".into()).or_insert(d);
        }
        if let Some(text) = credentials_text {
            let (sections, errors) = ini::tokenize(text);
            for e in errors {
                cfg.problems.push(ConfigError(format!(
                    "{}:{}: {}",
                    cfg.credentials_path, e.line, e.message
                )));
            }
            for section in &sections {
                let src = Source {
                    file: FileId::Credentials,
                    line: section.line,
                };
                let p = cfg
                    .profiles
                    .entry(section.header.clone())
                    .or_insert_with(|| new_profile(&section.header, src));
                merge_keys(&mut p.keys, section, FileId::Credentials);
            }
        }
        for p in cfg.profiles.values_mut() {
            p.kind = classify(&p.keys);
        }
        cfg
    }

    /// `~/.aws/config:12`
    pub fn at(&self, src: Source) -> String {
        let path = match src.file {
            FileId::Config => &self.config_path,
            FileId::Credentials => &self.credentials_path,
        };
        format!("{path}:{}", src.line)
    }

    /// Look up a profile; the error names the file and up to three close names.
    pub fn profile(&self, name: &str) -> Result<&Profile, ConfigError> {
        self.profiles.get(name).ok_or_else(|| {
            let mut msg = format!("profile {name:?} not found in {}", self.config_path);
            let close = closest(name, self.profiles.keys().map(String::as_str), 3);
            if !close.is_empty() {
                let list: Vec<String> = close.iter().map(|c| format!("{c:?}")).collect();
                msg.push_str(&format!("; did you mean {}?", list.join(", ")));
            }
            ConfigError(msg)
        })
    }

    /// Look up an sso-session by name.
    pub fn session(&self, name: &str) -> Result<&SsoSession, ConfigError> {
        self.sessions.get(name).ok_or_else(|| {
            let mut msg = format!("sso-session {name:?} not found in {}", self.config_path);
            let close = closest(name, self.sessions.keys().map(String::as_str), 3);
            if !close.is_empty() {
                let list: Vec<String> = close.iter().map(|c| format!("{c:?}")).collect();
                msg.push_str(&format!("; did you mean {}?", list.join(", ")));
            }
            ConfigError(msg)
        })
    }

    /// The login an sso-session needs.
    pub fn session_login(&self, name: &str) -> Result<LoginTarget, ConfigError> {
        let s = self.session(name)?;
        let missing = |key: &str| {
            ConfigError(format!(
                "sso-session {name:?} is missing {key} ({}); add `{key} = …` to [sso-session {name}]",
                self.at(s.source)
            ))
        };
        let start_url = s
            .get("sso_start_url")
            .ok_or_else(|| missing("sso_start_url"))?;
        let region = s.get("sso_region").ok_or_else(|| missing("sso_region"))?;
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
        if let Some(session) = profile.get("sso_session") {
            if !self.sessions.contains_key(session) {
                let at = profile
                    .line("sso_session")
                    .map_or(String::new(), |s| self.at(s));
                return Err(ConfigError(format!(
                    "profile {name:?} uses sso_session {session:?}, which does not exist ({at}); \
                     add [sso-session {session}] or fix the name"
                )));
            }
            let login = self.session_login(session)?;
            if let Some(url) = profile.get("sso_start_url") {
                if url != login.start_url {
                    let at = profile
                        .line("sso_start_url")
                        .map_or(String::new(), |s| self.at(s));
                    return Err(ConfigError(format!(
                        "profile {name:?} sets sso_start_url {url} but its sso-session {session:?} \
                         has {} ({at}); remove sso_start_url from the profile",
                        login.start_url
                    )));
                }
            }
            if let Some(region) = profile.get("sso_region") {
                if region != login.region {
                    let at = profile
                        .line("sso_region")
                        .map_or(String::new(), |s| self.at(s));
                    return Err(ConfigError(format!(
                        "profile {name:?} sets sso_region {region} but its sso-session {session:?} \
                         has {} ({at}); remove sso_region from the profile",
                        login.region
                    )));
                }
            }
            return Ok(login);
        }
        let at = self.at(profile.source);
        let Some(start_url) = profile.get("sso_start_url") else {
            return Err(ConfigError(format!(
                "profile {name:?} is not an SSO profile ({at}); set sso_session = NAME"
            )));
        };
        let region = profile.get("sso_region").ok_or_else(|| {
            ConfigError(format!(
                "profile {name:?} is missing sso_region ({at}); add `sso_region = …` next to sso_start_url"
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

    /// The SSO role a profile assumes.
    pub fn role_target(&self, profile: &Profile) -> Result<RoleTarget, ConfigError> {
        let login = self.profile_login(profile)?;
        let at = self.at(profile.source);
        let need = |key: &str| {
            profile.get(key).map(str::to_string).ok_or_else(|| {
                ConfigError(format!(
                    "profile {:?} is missing {key} ({at}); add `{key} = …` to [profile {}]",
                    profile.name, profile.name
                ))
            })
        };
        Ok(RoleTarget {
            profile: profile.name.clone(),
            account_id: need("sso_account_id")?,
            role_name: need("sso_role_name")?,
            region: profile.region().map(str::to_string),
            login,
        })
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

fn new_profile(name: &str, source: Source) -> Profile {
    Profile {
        name: name.to_string(),
        kind: ProfileKind::Config,
        source,
        keys: BTreeMap::new(),
    }
}

/// Up to `n` names closest to `target` (edit distance, then prefix/substring), best first.
pub fn closest<'a>(target: &str, names: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let t = target.to_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .filter_map(|name| {
            let l = name.to_lowercase();
            let d = levenshtein(&t, &l);
            let limit = (t.chars().count().max(3)) / 3 + 1;
            if d <= limit || l.contains(&t) || (t.len() >= 3 && t.contains(&l)) {
                Some((d, name))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, s)| s).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
