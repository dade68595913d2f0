//! The AWS config and credentials files as ssox's model: `Profile`s, `SsoSession`s, `[services]`
//! endpoint blocks, and the problems found (docs/compat.md#config-files). Parsing is pure
//! (`Config::parse`, in `parse.rs`); `load` is the only I/O here, through `fsutil`'s bounded
//! reads. Must not touch the network, the token cache or the terminal.
//!
//! `creds.rs` checks a profile's keys as botocore's providers take them,
//! `ini.rs` tokenizes lines, `sections.rs` says what a header names, `parse.rs` turns sections
//! into this model, `keys.rs` stores the keys of one parse, `targets.rs` resolves logins, roles
//! and endpoints, `suggest.rs` says "did you mean", `known_keys.rs` knows the settings the AWS
//! tools read, `typos.rs` reports near misses of them, `edit.rs` rewrites the file.

mod creds;
pub mod edit;
pub mod ids;
pub mod ini;
mod keys;
mod known_keys;
mod parse;
mod sections;
mod suggest;
mod targets;
mod typos;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use anyhow::Result;

use crate::fsutil;
pub use keys::Keys;
use sections::quote_name;
pub use suggest::closest;
use suggest::{meant_section, quoted_list, Meant};
pub use targets::{check_account_id, check_role_name, url_host, LoginTarget, RoleTarget};

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

/// What kind of credentials a profile yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    Sso,
    Static,
    AssumeRole,
    Process,
    WebIdentity,
    /// `login_session`: the console credentials `aws login` caches in `~/.aws/login/cache`.
    Login,
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
            ProfileKind::Login => "login",
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
    pub keys: Keys,
    /// Defined by a bare `[default]` in the config file (for fix hints).
    bare_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSession {
    pub name: String,
    pub source: Source,
    pub keys: Keys,
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
    /// Lines for which the AWS CLI refuses the whole file (botocore's `ConfigParseError`) while
    /// ssox reads past them, worded for the user (`doctor` fails on them; the editor refuses
    /// such a file, as one with problems).
    pub refused: Vec<ConfigError>,
    /// A file that starts with a UTF-8 byte order mark: ssox reads past it (and its editor keeps
    /// it), the AWS CLI cannot read the file at all. One message per file.
    pub bom: Vec<ConfigError>,
    /// The keys of the `[DEFAULT]` sections, one `Keys` per file that has any (their keys are
    /// in every section of that file too, where the section does not set them).
    pub defaults: Vec<Keys>,
    /// Where the AWS CLI reads the files differently from how ssox shows them (an inline comment
    /// it takes as part of the value, static keys it never uses beside a credential_process),
    /// worded for the user. Not problems: the file reads the same in ssox, so it is still edited.
    pub warnings: Vec<ConfigError>,
    /// Config-file sections that are not profiles, sessions or services (`[dev]`, `[Profile x]`,
    /// `[profile a b]`, `[plugins]`): header as written and where.
    pub ignored_sections: Vec<(String, Source)>,
    /// Paths as shown in messages (`~/.aws/config`).
    pub config_path: String,
    pub credentials_path: String,
}

impl Profile {
    /// A scalar key's value (keys are lowercase); `None` when unset, empty or a nested block.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.keys.get(key)
    }
    pub fn region(&self) -> Option<&str> {
        self.get("region")
    }
    pub fn line(&self, key: &str) -> Option<Source> {
        self.keys.source(key)
    }
    /// The section to edit, as the user would write it: `[profile "a b"]`, `[default]`, or the
    /// credentials file's `[name]`.
    pub fn section(&self) -> String {
        if self.source.file == FileId::Credentials {
            format!("[{}]", self.name)
        } else if self.bare_default {
            "[default]".to_string()
        } else {
            format!("[profile {}]", quote_name(&self.name))
        }
    }
}

impl SsoSession {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.keys.get(key)
    }
    /// `[sso-session NAME]`, quoted as needed.
    pub fn section(&self) -> String {
        format!("[sso-session {}]", quote_name(&self.name))
    }
}

impl ProfileKind {
    /// The provider botocore picks for a profile: web identity, assume role, SSO, keys in the
    /// credentials file, `login_session` (`LoginProvider`), credential_process, keys in the
    /// config file (`botocore.credentials.create_credential_resolver` and
    /// `ProfileProviderBuilder.providers`; docs/compat.md#credential-providers).
    /// A profile with only one of the two keys is `Static` (and broken: `Config::static_keys`).
    /// One pass over the keys (this runs for every profile).
    fn of(keys: &Keys) -> ProfileKind {
        Self::of_keys(keys, true)
    }

    /// `of`, with `role_arn` passed over unless it comes with a web identity (`with_role` false):
    /// what botocore's profile providers give for a source profile that holds keys.
    fn of_keys(keys: &Keys, with_role: bool) -> ProfileKind {
        const WEB: u8 = 1;
        const ROLE: u8 = 2;
        const SSO: u8 = 4;
        const CREDS_FILE_KEY: u8 = 8;
        const PROCESS: u8 = 16;
        const KEYS: u8 = 32;
        const LOGIN: u8 = 64;
        let mut seen = 0u8;
        for (key, source) in keys.scalar_sources() {
            seen |= match key {
                b"web_identity_token_file" => WEB,
                b"role_arn" => ROLE,
                b"sso_session" | b"sso_start_url" | b"sso_region" | b"sso_account_id"
                | b"sso_role_name" => SSO,
                b"aws_access_key_id" if source.file == FileId::Credentials => CREDS_FILE_KEY | KEYS,
                b"aws_access_key_id" | b"aws_secret_access_key" => KEYS,
                b"credential_process" => PROCESS,
                b"login_session" => LOGIN,
                _ => 0,
            };
        }
        if seen & WEB != 0 {
            ProfileKind::WebIdentity
        } else if seen & ROLE != 0 && with_role {
            ProfileKind::AssumeRole
        } else if seen & SSO != 0 {
            ProfileKind::Sso
        } else if seen & CREDS_FILE_KEY != 0 {
            ProfileKind::Static
        } else if seen & LOGIN != 0 {
            ProfileKind::Login
        } else if seen & PROCESS != 0 {
            ProfileKind::Process
        } else if seen & KEYS != 0 {
            ProfileKind::Static
        } else {
            ProfileKind::Config
        }
    }
}

impl Profile {
    /// The provider botocore picks for this profile as another's `source_profile` when it
    /// holds keys: its own kind, but a `role_arn` beside the keys is passed over
    /// (`AssumeRoleProvider._resolve_credentials_from_profile`).
    pub fn kind_as_source(&self) -> ProfileKind {
        ProfileKind::of_keys(&self.keys, false)
    }

    /// Whether it sets either static key (botocore's `_has_static_credentials`).
    pub fn has_keys(&self) -> bool {
        self.get("aws_access_key_id").is_some() || self.get("aws_secret_access_key").is_some()
    }
}

/// Read a file as text without copying it (invalid UTF-8 is replaced, never fatal).
fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Read both files. A missing config file is an error with the fix; a missing credentials file is not.
pub fn load(
    config_file: &Path,
    credentials_file: &Path,
    display: impl Fn(&Path) -> String,
) -> Result<Config> {
    load_with(config_file, credentials_file, display, None)
}

/// `load` for a command that needs one profile (`use NAME`): see `Config::parse_profile`.
pub fn load_profile(
    config_file: &Path,
    credentials_file: &Path,
    display: impl Fn(&Path) -> String,
    name: &str,
) -> Result<Config> {
    load_with(config_file, credentials_file, display, Some(name))
}

/// The name of every profile in both files, sorted (see `Config::profile_names`), handed to
/// `with` (most names are slices of the files' text, which lives only as long as this call).
pub fn load_names<R>(
    config_file: &Path,
    credentials_file: &Path,
    display: impl Fn(&Path) -> String,
    with: impl FnOnce(&[Cow<str>]) -> R,
) -> Result<R> {
    let texts = read_both(config_file, credentials_file, &display)?;
    let names = Config::profile_names(&texts.config, texts.credentials.as_deref());
    Ok(with(&names))
}

/// Both files' text and how to show their paths.
struct Texts {
    config: String,
    credentials: Option<String>,
    config_path: String,
    credentials_path: String,
}

fn read_both(
    config_file: &Path,
    credentials_file: &Path,
    display: impl Fn(&Path) -> String,
) -> Result<Texts> {
    let (config_path, credentials_path) = (display(config_file), display(credentials_file));
    let config_text = read_optional(config_file, &config_path)?;
    let credentials = read_optional(credentials_file, &credentials_path)?;
    let config = match (config_text, &credentials) {
        (Some(text), _) => text,
        (None, Some(_)) => String::new(),
        (None, None) => anyhow::bail!(missing_config_message(&config_path)),
    };
    Ok(Texts {
        config,
        credentials,
        config_path,
        credentials_path,
    })
}

fn load_with(
    config_file: &Path,
    credentials_file: &Path,
    display: impl Fn(&Path) -> String,
    only: Option<&str>,
) -> Result<Config> {
    let Texts {
        config: config_text,
        credentials: creds_text,
        config_path,
        credentials_path,
    } = read_both(config_file, credentials_file, display)?;
    Ok(match only {
        Some(name) => Config::parse_profile(
            &config_text,
            creds_text.as_deref(),
            config_path,
            credentials_path,
            name,
        ),
        None => Config::parse(
            &config_text,
            creds_text.as_deref(),
            config_path,
            credentials_path,
        ),
    })
}

/// A config or credentials file as text, `None` when it does not exist. A FIFO, a device, a
/// directory or a file over `MAX_CONFIG_BYTES` is refused at once with its name (`shown`).
fn read_optional(path: &Path, shown: &str) -> Result<Option<String>> {
    match fsutil::read_limited(path, fsutil::MAX_CONFIG_BYTES, shown) {
        Ok(b) => Ok(Some(into_text(b))),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub fn missing_config_message(path: &str) -> String {
    format!(
        "no AWS config file at {path}\n\
         create one with `ssox configure` (then `ssox sync`), or write it by hand, for example:\n\n\
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
    /// What gives a config without profiles its profiles: `run: ssox sync NAME` for its
    /// sso-sessions, else `run: ssox configure`.
    pub fn how_to_add_profiles(&self) -> String {
        let syncs: Vec<String> = (self.sessions.keys())
            .map(|s| format!("ssox sync {s}"))
            .collect();
        if syncs.is_empty() {
            "run: ssox configure".into()
        } else {
            let syncs = syncs.join(", ");
            format!("run: {syncs} (a profile for every account and role)")
        }
    }

    /// `~/.aws/config:12`
    pub fn at(&self, src: Source) -> String {
        let path = match src.file {
            FileId::Config => &self.config_path,
            FileId::Credentials => &self.credentials_path,
        };
        format!("{path}:{}", src.line)
    }

    /// Look up a profile; the error names the file, up to three close names, and a section that
    /// looks meant as this profile but is not read as one (`[profle NAME]`, a bare `[NAME]`).
    pub fn profile(&self, name: &str) -> Result<&Profile, ConfigError> {
        self.profiles.get(name).ok_or_else(|| {
            let mut msg = format!("profile {name:?} not found in {}", self.config_path);
            let close = closest(name, self.profiles.keys().map(String::as_str), 3);
            if !close.is_empty() {
                msg.push_str(&format!("; did you mean {}?", quoted_list(&close)));
            }
            let meant = self.misspelled_section(|m| match m {
                Meant::Profile(n) => n == name,
                Meant::Default => name == "default",
                _ => false,
            });
            if let Some((header, src, meant)) = meant {
                msg.push_str(&format!(
                    "\n[{header}] ({}) is not read as a profile; write it as {}",
                    self.at(src),
                    meant.header()
                ));
            }
            ConfigError(msg)
        })
    }

    /// Look up an sso-session by name; the error names close names and a section that looks
    /// meant as this sso-session but is not read as one (`[sso_session NAME]`).
    pub fn session(&self, name: &str) -> Result<&SsoSession, ConfigError> {
        self.sessions.get(name).ok_or_else(|| {
            let mut msg = format!("sso-session {name:?} not found in {}", self.config_path);
            let close = closest(name, self.sessions.keys().map(String::as_str), 3);
            if !close.is_empty() {
                msg.push_str(&format!("; did you mean {}?", quoted_list(&close)));
            }
            if let Some(hint) = self.misspelled_session(name) {
                msg.push_str(&format!("\n{hint}"));
            }
            ConfigError(msg)
        })
    }

    /// `[sso_session corp] (~/.aws/config:1) is not read as an sso-session; write it as
    /// [sso-session corp]` when such a section is there.
    pub(super) fn misspelled_session(&self, name: &str) -> Option<String> {
        let (header, src, meant) =
            self.misspelled_section(|m| matches!(m, Meant::Session(n) if n == name))?;
        Some(format!(
            "[{header}] ({}) is not read as an sso-session; write it as {}",
            self.at(src),
            meant.header()
        ))
    }

    /// The first ignored config-file section meant as one `wanted` accepts, with where it is.
    fn misspelled_section(&self, wanted: impl Fn(&Meant) -> bool) -> Option<(&str, Source, Meant)> {
        self.ignored_sections.iter().find_map(|(header, src)| {
            let (meant, _) = meant_section(header)?;
            wanted(&meant).then_some((header.as_str(), *src, meant))
        })
    }
}

#[cfg(test)]
mod tests;
