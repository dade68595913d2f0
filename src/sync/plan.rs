//! The sync plan: from the parsed config, one sso-session and the portal's listing of its accounts
//! and roles, which profiles to add, update and remove, and the new config text (made by
//! `config::edit`). Pure: must not read or write files, call AWS or touch the terminal.
//!
//! The rules (docs/compat.md#generated-profiles):
//! - A generated profile has `sso_session`, `sso_account_id`, `sso_role_name`, `region`,
//!   `sso_account_name` (when the portal gives a name) and `sso_auto_populated = true`.
//! - A profile that already points at a listed account and role of this session (by
//!   `sso_session`, or by a legacy `sso_start_url` equal to the session's) is never duplicated,
//!   whatever its name and whoever wrote it.
//! - Only profiles "owned" by this session's sync are ever changed: `sso_auto_populated = true`,
//!   `sso_session` naming this session, defined in the config file alone. An owned profile is
//!   updated when the account's name changed, when `region` is missing, or to the `--region`
//!   given; it is renamed to the name the rules give (`names`) when `--name` changes the
//!   session's remembered template, or with `rename` (`sync --rename`); otherwise it keeps its
//!   name, and one whose name differs from the rules' is reported (`Plan::outdated`). Its other
//!   keys are kept. An owned profile whose account or role is no longer listed is stale: removed
//!   with `prune`, otherwise left and counted.
//! - The template is remembered as `ssox_profile_template` in the session's section (other tools
//!   ignore unknown keys), so a sync without `--name` gives the same names as the last one; the
//!   region `--region` gives, as `ssox_profile_region`, so a later sync gives new profiles (and
//!   owned ones without a `region`) that region.
//! - New profiles go after the session's last owned profile that stays, else at the end of the
//!   file, sorted by name (ignoring case). A sync that changes nothing gives back the text byte for byte.

use std::collections::{BTreeMap, BTreeSet};

mod naming;

use super::names::{self, account_name_value, Template};
use crate::config::edit::{ConfigDoc, Placement, SectionId};
use crate::config::{Config, ConfigError, FileId, Profile};

/// The key of an sso-session's section that remembers its name template.
pub const TEMPLATE_KEY: &str = "ssox_profile_template";

/// The key of an sso-session's section that remembers the region of its new profiles
/// (`sync --region`, or `configure`'s question); without it, the session's `sso_region`.
pub const REGION_KEY: &str = "ssox_profile_region";

/// One account the portal lists, with the roles the token may use in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
}

/// What to sync.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub session: &'a str,
    pub accounts: &'a [Account],
    /// `--name`; else the session's remembered template; else `names::DEFAULT_TEMPLATE`.
    pub template: Option<&'a str>,
    /// `--region`; else the session's remembered `ssox_profile_region`; else its `sso_region`.
    pub region: Option<&'a str>,
    pub prune: bool,
    /// Rename generated profiles to the names the rules give (`sync --rename`).
    pub rename: bool,
}

/// One generated profile, added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub account_id: String,
    pub role: String,
}

/// An owned profile that changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// Its name after the sync.
    pub name: String,
    /// Its name before, when renamed.
    pub renamed_from: Option<String>,
    /// The keys set.
    pub keys: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub added: Vec<Entry>,
    pub updated: Vec<Update>,
    /// Owned profiles removed (stale ones, with `prune`).
    pub removed: Vec<Entry>,
    /// Owned profiles whose account or role is no longer listed, kept because `prune` is off.
    pub stale: Vec<Entry>,
    /// Profiles of listed roles left exactly as they were (owned or hand-written).
    pub unchanged: usize,
    /// Generated profiles that keep a name the rules no longer give: (name, the rules' name).
    pub outdated: Vec<(String, String)>,
    /// The template used (and remembered).
    pub template: String,
    /// The config file's text after the sync.
    pub text: String,
    /// Whether `text` differs from the text given (if not, nothing needs writing).
    pub changed: bool,
    /// The config file as shown in messages.
    pub path: String,
}

impl Plan {
    /// `added 12, updated 1, removed 0, unchanged 40 profiles in ~/.aws/config`
    pub fn summary(&self) -> String {
        format!(
            "added {}, updated {}, removed {}, unchanged {} profiles in {}",
            self.added.len(),
            self.updated.len(),
            self.removed.len(),
            self.unchanged,
            self.path
        )
    }

    /// Generated profiles renamed: (old name, new name).
    pub fn renamed(&self) -> Vec<(&str, &str)> {
        (self.updated.iter())
            .filter_map(|u| Some((u.renamed_from.as_deref()?, u.name.as_str())))
            .collect()
    }

    /// What to say about generated profiles that keep names the rules no longer give, if any.
    pub fn outdated_note(&self, session: &str) -> Option<String> {
        let n = self.outdated.len();
        (n > 0).then(|| {
            let (word, verb, them) = if n == 1 {
                ("profile", "has a name", "it")
            } else {
                ("profiles", "have names", "them")
            };
            format!(
                "{n} generated {word} {verb} that the naming rules now find ambiguous or spell \
                 differently: {}; to rename {them} run: ssox sync {session} --rename",
                arrows(&self.outdated)
            )
        })
    }

    /// What to say about stale profiles kept, if any.
    pub fn stale_note(&self) -> Option<String> {
        let n = self.stale.len();
        (n > 0).then(|| {
            let (word, verb) = if n == 1 {
                ("profile", "is")
            } else {
                ("profiles", "are")
            };
            let names: Vec<&str> = self.stale.iter().take(5).map(|e| e.name.as_str()).collect();
            let more = if n > 5 { ", …" } else { "" };
            format!(
                "{n} generated {word} {verb} stale (account or role no longer listed): {}{more}; \
                 run `ssox sync --prune` to remove them",
                names.join(", ")
            )
        })
    }
}

/// `a → b, c → d`, at most five, then `…`.
pub fn arrows<A: AsRef<str>, B: AsRef<str>>(pairs: &[(A, B)]) -> String {
    let mut shown: Vec<String> = (pairs.iter().take(5))
        .map(|(a, b)| format!("{} → {}", a.as_ref(), b.as_ref()))
        .collect();
    if pairs.len() > 5 {
        shown.push("…".into());
    }
    shown.join(", ")
}

fn err(message: String) -> ConfigError {
    ConfigError(message)
}

/// The roles a profile points at through this session: (account id, role name).
fn target<'p>(
    p: &'p Profile,
    session: &str,
    start_url: Option<&str>,
) -> Option<(&'p str, &'p str)> {
    let via_session = match p.get("sso_session") {
        Some(s) => s == session,
        None => {
            let norm = |u: &str| u.trim_end_matches('/').to_string();
            p.get("sso_start_url").map(norm) == start_url.map(norm) && start_url.is_some()
        }
    };
    via_session.then_some(())?;
    Some((p.get("sso_account_id")?, p.get("sso_role_name")?))
}

/// Whether this session's sync owns the profile (see the module's rules).
fn owned(p: &Profile, session: &str) -> bool {
    p.get("sso_auto_populated")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        && p.get("sso_session") == Some(session)
        && p.source.file == FileId::Config
        && p.keys
            .iter()
            .all(|(k, _)| p.line(k).is_some_and(|s| s.file == FileId::Config))
}

fn check_listing(accounts: &[Account]) -> Result<(), ConfigError> {
    for a in accounts {
        if !crate::config::ids::is_account_id(&a.id) {
            return Err(err(format!(
                "the portal listed the account id {}; an account id is 12 digits",
                crate::config::ids::quoted(&a.id)
            )));
        }
        for r in &a.roles {
            let iam = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
            if r.is_empty() || r.len() > 64 || !r.chars().all(iam) {
                return Err(err(format!(
                    "the portal listed a role named {} in account {}; a role name is 1 to 64 \
                     letters, digits and _+=,.@-",
                    crate::config::ids::quoted(r),
                    a.id
                )));
            }
        }
    }
    Ok(())
}

fn check_region(region: &str) -> Result<(), ConfigError> {
    let ok = region.starts_with(|c: char| c.is_ascii_lowercase())
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        return Ok(());
    }
    Err(err(format!(
        "invalid region {region:?}: a region is lowercase letters, digits and `-`, e.g. us-east-1"
    )))
}

/// The region and template a sync uses, and whether the template changed.
struct Settings<'a> {
    region: &'a str,
    template: Template,
    rename: bool,
}

fn settings<'a>(config: &'a Config, req: &Request<'a>) -> Result<Settings<'a>, ConfigError> {
    let session = config.session(req.session)?;
    let at = |key: &str| config.at(session.keys.source(key).unwrap_or(session.source));
    let section = session.section();
    let remembered_region = match session.get(REGION_KEY) {
        Some(r) => Some(check_region(r).map(|()| r).map_err(|e| {
            err(format!(
                "{}: {REGION_KEY}: {e}; fix it in {section}, or pass --region",
                at(REGION_KEY)
            ))
        })?),
        None => None,
    };
    let region = match (req.region, remembered_region, session.get("sso_region")) {
        (Some(r), _, _) => {
            check_region(r)?;
            r
        }
        (None, Some(r), _) | (None, None, Some(r)) => r,
        (None, None, None) => {
            return Err(err(format!(
                "sso-session {:?} has no sso_region ({}); add `sso_region = us-east-1` to \
                 {section}, or pass --region",
                req.session,
                at("sso_start_url")
            )))
        }
    };
    let remembered = match session.get(TEMPLATE_KEY) {
        Some(t) => Some(Template::parse(t).map_err(|e| {
            err(format!(
                "{}: invalid {TEMPLATE_KEY} {t:?}: {e}; fix it in {section}, or pass --name",
                at(TEMPLATE_KEY)
            ))
        })?),
        None => None,
    };
    let requested = match req.template {
        Some(t) => Some(Template::parse(t).map_err(|e| err(format!("invalid --name {t:?}: {e}")))?),
        None => None,
    };
    let rename = matches!((&remembered, &requested), (Some(a), Some(b)) if a != b);
    let template = match requested.or(remembered) {
        Some(t) => t,
        None => Template::parse(names::DEFAULT_TEMPLATE).map_err(err)?,
    };
    Ok(Settings {
        region,
        template,
        rename,
    })
}

/// A listed role: (account id, role name).
type Role<'a> = (&'a str, &'a str);

/// The plan being made: the editor and what was decided so far.
struct Work<'a> {
    req: &'a Request<'a>,
    doc: ConfigDoc,
    /// Every listed role → its account's name.
    listed: BTreeMap<Role<'a>, &'a str>,
    /// Listed roles that already have a profile.
    seen: BTreeSet<Role<'a>>,
    /// The generated profile of each listed role that has one (the first, if several): the
    /// profiles whose names this sync may change.
    movable: BTreeMap<Role<'a>, &'a Profile>,
    /// The session's last owned profile that stays, by line: new profiles go after it.
    anchor: Option<&'a Profile>,
    /// The anchor's new name, when renamed.
    anchor_name: Option<String>,
    updated: Vec<Update>,
    removed: Vec<Entry>,
    stale: Vec<Entry>,
    unchanged: usize,
    outdated: Vec<(String, String)>,
}

impl<'a> Work<'a> {
    /// Sort every existing profile of a listed role, or owned by the session, into what happens
    /// to it, and update or remove owned ones.
    fn existing(&mut self, config: &'a Config, s: &Settings<'a>) -> Result<(), ConfigError> {
        let session = self.req.session;
        let start_url = config
            .sessions
            .get(session)
            .and_then(|s| s.get("sso_start_url"));
        for p in config.profiles.values() {
            let Some(t) = target(p, session, start_url) else {
                continue;
            };
            let is_owned = owned(p, session);
            let stays = !self.req.prune || self.listed.contains_key(&t);
            if is_owned && stays && self.anchor.is_none_or(|a| a.source.line < p.source.line) {
                self.anchor = Some(p);
            }
            let Some(&account_name) = self.listed.get(&t) else {
                if is_owned {
                    let e = Entry {
                        name: p.name.clone(),
                        account_id: t.0.to_string(),
                        role: t.1.to_string(),
                    };
                    if self.req.prune {
                        self.doc.remove_section(&SectionId::profile(&p.name))?;
                        self.removed.push(e);
                    } else {
                        self.stale.push(e);
                    }
                }
                continue;
            };
            self.seen.insert(t);
            if !is_owned {
                self.unchanged += 1;
                continue;
            }
            self.movable.entry(t).or_insert(p);
            let id = SectionId::profile(&p.name);
            let mut keys = Vec::new();
            if let Some(v) = account_name_value(account_name) {
                if self.doc.set_key(&id, "sso_account_name", &v)? {
                    keys.push("sso_account_name");
                }
            }
            let region = self.req.region.or(p.region().is_none().then_some(s.region));
            if let Some(r) = region {
                if self.doc.set_key(&id, "region", r)? {
                    keys.push("region");
                }
            }
            if keys.is_empty() {
                self.unchanged += 1;
            } else {
                self.updated.push(Update {
                    name: p.name.clone(),
                    renamed_from: None,
                    keys,
                });
            }
        }
        Ok(())
    }

    /// Add the new profiles, after the anchor or at the end of the file.
    fn add(&mut self, added: &[(String, Role<'a>)], region: &str) -> Result<(), ConfigError> {
        let mut after = (self.anchor_name.clone())
            .or_else(|| self.anchor.map(|p| p.name.clone()))
            .map(SectionId::profile);
        for (name, t) in added {
            let account_name = self.listed.get(t).and_then(|n| account_name_value(n));
            let mut keys = vec![
                ("sso_session", self.req.session),
                ("sso_account_id", t.0),
                ("sso_role_name", t.1),
                ("region", region),
            ];
            if let Some(n) = &account_name {
                keys.push(("sso_account_name", n));
            }
            keys.push(("sso_auto_populated", "true"));
            let id = SectionId::profile(name.as_str());
            let at = after.take().map_or(Placement::End, Placement::After);
            self.doc.add_section(&id, &keys, &at)?;
            after = Some(id);
        }
        Ok(())
    }
}

/// Plan a sync of `req.session`. `config_text` is the config file's exact text (from
/// `config::edit::utf8` over its bytes, not `config::load`'s lossy reading); `config` is that text
/// parsed with the credentials file (`Config::parse`), for every profile name and target.
pub fn plan<'a>(
    config: &'a Config,
    config_text: &str,
    req: &'a Request<'a>,
) -> Result<Plan, ConfigError> {
    let s = settings(config, req)?;
    check_listing(req.accounts)?;
    let mut work = Work {
        req,
        doc: ConfigDoc::parse(config_text, &config.config_path)?,
        listed: (req.accounts.iter())
            .flat_map(|a| {
                a.roles
                    .iter()
                    .map(move |r| ((a.id.as_str(), r.as_str()), a.name.as_str()))
            })
            .collect(),
        seen: BTreeSet::new(),
        movable: BTreeMap::new(),
        anchor: None,
        anchor_name: None,
        updated: Vec::new(),
        removed: Vec::new(),
        stale: Vec::new(),
        unchanged: 0,
        outdated: Vec::new(),
    };
    let session = SectionId::session(req.session);
    work.doc
        .set_key(&session, TEMPLATE_KEY, s.template.as_str())?;
    if let Some(r) = req.region {
        work.doc.set_key(&session, REGION_KEY, r)?;
    }
    work.existing(config, &s)?;
    let added = work.name(config, &s)?;
    work.add(&added, s.region)?;
    let text = work.doc.finish()?;
    Ok(Plan {
        added: (added.into_iter())
            .map(|(name, (id, role))| Entry {
                name,
                account_id: id.to_string(),
                role: role.to_string(),
            })
            .collect(),
        updated: work.updated,
        removed: work.removed,
        stale: work.stale,
        unchanged: work.unchanged,
        outdated: work.outdated,
        template: s.template.as_str().to_string(),
        changed: text != config_text,
        text,
        path: config.config_path.clone(),
    })
}
