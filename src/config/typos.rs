//! Near misses: sections and keys the AWS tools pass over that look meant as ones they read
//! (`[profle dev]`, `[sso_session corp]`, `sso_acount_id`, `sso-role-name`), worded with the
//! file, line and fix. Found on demand from a parsed `Config`, not while parsing, so commands
//! that do not report them (`list --names`, `creds`) pay nothing. Unknown keys that are not close
//! to a setting (other tools' keys) are never reported (see `known_keys.rs`). Pure; must not
//! touch files or the terminal.

use super::ini::shlex_split;
use super::keys::Keys;
use super::known_keys::meant_key;
use super::suggest::{meant_section, Meant};
use super::targets::{login_missing, role_missing};
use super::{Config, ConfigError, FileId, Profile, ProfileKind, Source};

/// A key that is probably a typo of a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct KeyTypo<'k> {
    /// As stored (lowercase).
    pub(super) typed: &'k str,
    pub(super) meant: &'static str,
    pub(super) source: Source,
}

/// The keys of a section that are probably typos, in the order they were first set.
pub(super) fn key_typos(keys: &Keys) -> impl Iterator<Item = KeyTypo<'_>> {
    keys.entries().filter_map(|(typed, _, _, source)| {
        meant_key(typed).map(|meant| KeyTypo {
            typed,
            meant,
            source,
        })
    })
}

impl Config {
    /// Every near miss in both files, in file order: ignored config-file sections meant as
    /// profiles, sso-sessions or services blocks, and keys of profiles and sso-sessions meant
    /// as settings, except those an SSO profile's login error names (`login_reports`). Not
    /// part of `problems`: the file reads the same either way, so the editor still rewrites it.
    pub fn typos(&self) -> Vec<ConfigError> {
        let mut found: Vec<(Source, String)> = Vec::new();
        for (header, src) in &self.ignored_sections {
            if let Some(message) = section_typo(header) {
                found.push((*src, message));
            }
        }
        for d in &self.defaults {
            for t in key_typos(d) {
                found.push((t.source, key_message(&t, "[DEFAULT]")));
            }
        }
        for p in self.profiles.values() {
            // `login_reports` only for a profile with a near miss: nearly none has one.
            let own = key_typos(&p.keys).filter(|t| !self.in_defaults(t.source));
            for t in own.filter(|t| !login_reports(p).contains(&t.meant)) {
                found.push((
                    t.source,
                    key_message(&t, &profile_section(p, t.source.file)),
                ));
            }
        }
        for s in self.sessions.values() {
            for t in key_typos(&s.keys).filter(|t| !self.in_defaults(t.source)) {
                found.push((t.source, key_message(&t, &s.section())));
            }
        }
        found.sort_by_key(|(src, _)| (src.file == FileId::Credentials, src.line));
        found
            .into_iter()
            .map(|(src, message)| ConfigError(format!("{}: {message}", self.at(src))))
            .collect()
    }

    /// What `ssox use` says about the profile it switches to, one line per problem: each of its
    /// keys that looks like a typo, and for an SSO profile a missing `sso_account_id` or
    /// `sso_role_name` that is not one of those typos (it still switches: the AWS CLI may only
    /// need the token). A typo of a key the login error names is left to that error
    /// (`login_reports`), which `use` prints with the token's state.
    pub fn profile_warnings(&self, p: &Profile) -> Vec<String> {
        let typos: Vec<KeyTypo> = key_typos(&p.keys).collect();
        let told = login_reports(p);
        let mut out: Vec<String> = typos
            .iter()
            .filter(|t| !told.contains(&t.meant))
            .map(|t| {
                let section = if self.in_defaults(t.source) {
                    "[DEFAULT]".to_string()
                } else {
                    profile_section(p, t.source.file)
                };
                format!("{}: {}", self.at(t.source), key_message(t, &section))
            })
            .collect();
        if p.kind == ProfileKind::Static {
            if let Some(e) = self.static_keys_problem(p) {
                out.push(format!("{e} (switched anyway)"));
            }
        }
        if p.kind == ProfileKind::Sso {
            let mut role = role_missing(p);
            role.retain(|k| !typos.iter().any(|t| t.meant == *k));
            if !role.is_empty() {
                out.push(format!(
                    "{} (switched anyway, but the AWS CLI and SDKs get no role credentials \
                     from it until then)",
                    self.missing_keys_message(p, &role)
                ));
            }
        }
        out
    }
}

impl Config {
    /// Whether a key was written in a `[DEFAULT]` section (and so is in every section).
    fn in_defaults(&self, source: Source) -> bool {
        self.defaults
            .iter()
            .any(|d| d.entries().any(|(_, _, _, s)| s == source))
    }
}

/// The keys whose typos an SSO profile's login error already names, with the rename to make
/// (`Config::profile_login`): `list`, `doctor` and `use` print that error for the profile.
fn login_reports(p: &Profile) -> &'static [&'static str] {
    match p.kind {
        ProfileKind::Sso => login_missing(p),
        _ => &[],
    }
}

/// `[NAME]` for a key of the credentials file, the config file's header otherwise.
fn profile_section(p: &Profile, file: FileId) -> String {
    match file {
        FileId::Credentials => format!("[{}]", p.name),
        FileId::Config => p.section(),
    }
}

fn key_message(t: &KeyTypo, section: &str) -> String {
    format!(
        "{} in {section} is not read by the AWS tools; did you mean {}?",
        t.typed, t.meant
    )
}

/// The warning for an ignored config-file header that looks meant as one of ours; `None` for
/// one that does not, or that the parser already reported (`[profile a b]`).
fn section_typo(header: &str) -> Option<String> {
    let (meant, exact) = meant_section(header)?;
    if exact {
        return None;
    }
    let fix = meant.header();
    let bare = shlex_split(header).is_some_and(|w| w.len() == 1);
    Some(match meant {
        Meant::Profile(_) if bare => format!(
            "[{header}] is not read as a profile (the config file names them [profile NAME]); \
             did you mean {fix}?"
        ),
        _ => {
            let case = if fix == format!("[{}]", header.to_lowercase()) {
                " (section names are case-sensitive)"
            } else {
                ""
            };
            format!("[{header}] is not read by the AWS tools{case}; did you mean {fix}?")
        }
    })
}

#[cfg(test)]
mod tests;
