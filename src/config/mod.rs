//! The AWS config and credentials files as ssox's model: `Profile`s, `SsoSession`s, `[services]`
//! endpoint blocks, and the problems found (reference §6). Parsing is pure (`Config::parse`);
//! `load` is the only I/O here. Must not touch the network, the token cache or the terminal.

pub mod edit;
pub mod ini;

use std::collections::btree_map::Entry as MapEntry;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use ini::{lower_key, quote_name, Event};

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

/// A section's keys: a view of the items one parse stored for this section. Every key and value
/// of a parse lives in one shared buffer (keys lowercased, continuation lines joined with `\n`,
/// nested blocks as `sub = value` lines; in a full parse, plain keys and values are spans of the
/// file text itself), so a profile's keys cost no allocation of their own. Later `set`s of the
/// same key win.
#[derive(Clone, Default)]
pub struct Keys {
    store: Arc<Store>,
    start: usize,
    end: usize,
}

/// The buffer and items shared by every section of one parse (append-only while parsing).
#[derive(Debug, Default)]
struct Store {
    buf: String,
    items: Vec<Item>,
    /// The file text copied at the start of `buf`, if any: (its address, length, offset in `buf`).
    region: Option<(usize, usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    key: (usize, usize),
    value: (usize, usize),
    nested: bool,
    source: Source,
}

impl Store {
    fn text(&self, span: (usize, usize)) -> &str {
        self.buf.get(span.0..span.1).unwrap_or_default()
    }

    /// Copy a whole file's text into the buffer so that its keys and values are stored as spans.
    fn add_region(&mut self, text: &str) {
        let at = self.buf.len();
        self.buf.push_str(text);
        self.region = Some((text.as_ptr() as usize, text.len(), at));
    }

    /// The span of `s` in the buffer: where it already is (inside the copied file text), or
    /// appended.
    fn intern(&mut self, s: &str) -> (usize, usize) {
        if let Some((base, len, at)) = self.region {
            let p = s.as_ptr() as usize;
            if p >= base && p + s.len() <= base + len {
                let start = at + (p - base);
                return (start, start + s.len());
            }
        }
        let start = self.buf.len();
        self.buf.push_str(s);
        (start, self.buf.len())
    }

    /// Set `key` (already lowercase) among the items from `from` on; returns the index and where
    /// the replaced value was written.
    fn set(
        &mut self,
        from: usize,
        key: &str,
        value: &str,
        nested: bool,
        source: Source,
    ) -> (usize, Option<Source>) {
        let found = self.items[from..].iter().position(|it| {
            it.key.1 - it.key.0 == key.len()
                && self.buf.as_bytes().get(it.key.0..it.key.1) == Some(key.as_bytes())
        });
        if let Some(i) = found {
            let value = self.intern(value);
            let it = &mut self.items[from + i];
            let old = it.source;
            it.value = value;
            it.nested = nested;
            it.source = source;
            return (from + i, Some(old));
        }
        let key = self.intern(key);
        let value = self.intern(value);
        self.items.push(Item {
            key,
            value,
            nested,
            source,
        });
        (self.items.len() - 1, None)
    }

    /// Append text to item `i`'s value (a continuation line or a nested `sub = value`).
    fn extend(&mut self, i: usize, sep: bool, parts: &[&str]) {
        let (a, b) = self.items[i].value;
        if b != self.buf.len() {
            // Not the last text written (a span of the file, or an older value): move it to the end.
            let start = self.buf.len();
            self.buf.extend_from_within(a..b);
            self.items[i].value = (start, self.buf.len());
        }
        if sep && self.items[i].value.0 != self.items[i].value.1 {
            self.buf.push('\n');
        }
        for p in parts {
            self.buf.push_str(p);
        }
        self.items[i].value.1 = self.buf.len();
    }

    /// A section's items `old` with `new` laid over them (the later file or section wins), stored
    /// as a new range at the end. The text is shared, not copied.
    fn merge(&mut self, old: (usize, usize), new: (usize, usize)) -> (usize, usize) {
        let from = self.items.len();
        self.items.extend_from_within(old.0..old.1);
        for j in new.0..new.1 {
            let it = self.items[j].clone();
            let key = self.text(it.key);
            match self.items[from..]
                .iter()
                .position(|o| self.buf.get(o.key.0..o.key.1) == Some(key))
            {
                Some(i) => {
                    let o = &mut self.items[from + i];
                    o.value = it.value;
                    o.nested = it.nested;
                    o.source = it.source;
                }
                None => self.items.push(it),
            }
        }
        (from, self.items.len())
    }
}

// `nested`, `iter`, `len`, `is_empty`: accessors for callers that show or edit a profile.
#[allow(dead_code)]
impl Keys {
    fn items(&self) -> &[Item] {
        self.store
            .items
            .get(self.start..self.end)
            .unwrap_or_default()
    }

    fn find(&self, key: &str) -> Option<&Item> {
        self.items().iter().find(|it| self.text(it.key) == key)
    }

    fn text(&self, span: (usize, usize)) -> &str {
        self.store.text(span)
    }

    /// A scalar key's value (keys are lowercase); `None` when unset, empty or a nested block.
    pub fn get(&self, key: &str) -> Option<&str> {
        let it = self.find(key)?;
        let v = self.text(it.value);
        (!it.nested && !v.is_empty()).then_some(v)
    }

    /// Where the key's winning value was written.
    pub fn source(&self, key: &str) -> Option<Source> {
        self.find(key).map(|it| it.source)
    }

    /// The `sub = value` pairs of a nested block (`key =` followed by indented lines).
    pub fn nested(&self, key: &str) -> Option<Vec<(&str, &str)>> {
        let it = self.find(key).filter(|it| it.nested)?;
        Some(
            self.text(it.value)
                .split('\n')
                .filter_map(|l| l.split_once(" = "))
                .collect(),
        )
    }

    /// Every key with its value as stored (a nested block as `sub = value` lines), in first-set order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.items()
            .iter()
            .map(|it| (self.text(it.key), self.text(it.value)))
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Every item as (key, value, nested, source), for comparing and showing.
    fn entries(&self) -> impl Iterator<Item = (&str, &str, bool, Source)> {
        self.items()
            .iter()
            .map(|it| (self.text(it.key), self.text(it.value), it.nested, it.source))
    }
}

impl PartialEq for Keys {
    fn eq(&self, other: &Keys) -> bool {
        self.entries().eq(other.entries())
    }
}

impl Eq for Keys {}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.entries()).finish()
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
    /// Config-file sections that are not profiles, sessions or services (`[dev]`, `[Profile x]`,
    /// `[profile a b]`, `[plugins]`): header as written and where.
    pub ignored_sections: Vec<(String, Source)>,
    /// Paths as shown in messages (`~/.aws/config`).
    pub config_path: String,
    pub credentials_path: String,
}

pub fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
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

/// The provider the SDKs would pick, in botocore's order: web identity, assume role, SSO, static
/// keys, credential_process. One pass over the keys (this runs for every profile).
fn classify(keys: &Keys) -> ProfileKind {
    const WEB: u8 = 1;
    const ROLE: u8 = 2;
    const SSO: u8 = 4;
    const STATIC: u8 = 8;
    const PROCESS: u8 = 16;
    let mut seen = 0u8;
    for it in keys.items() {
        if it.nested || it.value.0 == it.value.1 {
            continue;
        }
        let key = keys.store.buf.as_bytes().get(it.key.0..it.key.1);
        seen |= match key.unwrap_or_default() {
            b"web_identity_token_file" => WEB,
            b"role_arn" => ROLE,
            b"sso_session" | b"sso_start_url" | b"sso_region" | b"sso_account_id"
            | b"sso_role_name" => SSO,
            b"aws_access_key_id" => STATIC,
            b"credential_process" => PROCESS,
            _ => 0,
        };
    }
    if seen & WEB != 0 {
        ProfileKind::WebIdentity
    } else if seen & ROLE != 0 {
        ProfileKind::AssumeRole
    } else if seen & SSO != 0 {
        ProfileKind::Sso
    } else if seen & STATIC != 0 {
        ProfileKind::Static
    } else if seen & PROCESS != 0 {
        ProfileKind::Process
    } else {
        ProfileKind::Config
    }
}

fn split_scopes(s: &str) -> Vec<String> {
    s.split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
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

fn load_with(
    config_file: &Path,
    credentials_file: &Path,
    display: impl Fn(&Path) -> String,
    only: Option<&str>,
) -> Result<Config> {
    let config_text = match std::fs::read(config_file) {
        Ok(b) => into_text(b),
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
    let (config_path, credentials_path) = (display(config_file), display(credentials_file));
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

fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(into_text(b))),
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

/// What a config-file section header means.
enum SectionKind {
    Profile(String),
    BareDefault,
    Session(String),
    Services(String),
    /// Not ours (`[plugins]`, a bare `[name]`) or unusable (already reported).
    Ignored,
}

/// The section being read: its keys are stored from item `first` on, then the section is laid
/// over the model in one go.
struct Pending<'a> {
    kind: SectionKind,
    header: &'a str,
    line: usize,
    /// Where the section's items and text start in the store.
    first: usize,
    buf_len: usize,
    last: Option<usize>,
}

/// Profiles in the order they were first defined, with a hash index by name (sorted once at the
/// end: far cheaper than a `BTreeMap` insert per section).
#[derive(Default)]
struct ProfileList {
    list: Vec<Profile>,
    /// Open addressing: `index + 1` into `list`, 0 for empty; the length is a power of two.
    slots: Vec<u32>,
}

impl ProfileList {
    fn hash(name: &str) -> usize {
        // FxHash's step, eight bytes at a time: names are short and only compared within a parse.
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let bytes = name.as_bytes();
        let mut h = bytes.len() as u64;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(<[u8; 8]>::try_from(c).unwrap_or_default());
            h = (h.rotate_left(5) ^ w).wrapping_mul(K);
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
        (h ^ (h >> 32)) as usize
    }

    /// The slot holding `name`, or the empty slot where it would go (`slots` is never full).
    fn slot(&self, name: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = Self::hash(name) & mask;
        loop {
            match self.slots[i] {
                0 => return i,
                n if self.list[n as usize - 1].name == name => return i,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Room for about `n` profiles without rehashing.
    fn with_capacity(n: usize) -> ProfileList {
        ProfileList {
            list: Vec::with_capacity(n),
            slots: vec![0; (n * 2 + 2).next_power_of_two().max(64)],
        }
    }

    /// `Ok(index)` of the profile `name`, or `Err(slot)` to pass to `insert`.
    fn find(&mut self, name: &str) -> Result<usize, usize> {
        if (self.list.len() + 1) * 2 > self.slots.len() {
            let len = (self.slots.len() * 2).max(64);
            self.slots = vec![0; len];
            for n in 1..=self.list.len() {
                let i = self.slot(&self.list[n - 1].name);
                self.slots[i] = n as u32;
            }
        }
        let i = self.slot(name);
        match self.slots[i] {
            0 => Err(i),
            n => Ok(n as usize - 1),
        }
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Profile> {
        let i = self.find(name).ok()?;
        self.list.get_mut(i)
    }

    /// Add a profile at the slot `find` returned for its name.
    fn insert(&mut self, slot: usize, profile: Profile) {
        self.list.push(profile);
        self.slots[slot] = self.list.len() as u32;
    }

    /// Add a profile whose name is not in the list.
    fn push(&mut self, profile: Profile) {
        if let Err(slot) = self.find(&profile.name) {
            self.insert(slot, profile);
        }
    }
}

struct Parser<'c> {
    cfg: &'c mut Config,
    file: FileId,
    bare_default: Option<Profile>,
    profiles: ProfileList,
    /// Every section's keys and values.
    store: Store,
    /// The store sections' `Keys` point to until the parse is done (then the real one, shared).
    placeholder: Arc<Store>,
    /// Credentials-file headers already seen (to report repeats).
    seen: HashMap<String, usize>,
    /// Read only this profile (plus every sso-session and services block); skip other profiles.
    only: Option<&'c str>,
}

impl Parser<'_> {
    fn path(&self) -> &str {
        match self.file {
            FileId::Config => &self.cfg.config_path,
            FileId::Credentials => &self.cfg.credentials_path,
        }
    }

    fn problem(&mut self, line: usize, message: impl fmt::Display) {
        let text = format!("{}:{line}: {message}", self.path());
        self.cfg.problems.push(ConfigError(text));
    }

    fn run(&mut self, text: &str) {
        if self.only.is_none() {
            // A full parse keeps nearly every line: store the text once and point into it.
            self.store.add_region(text);
        }
        let mut pending: Option<Pending> = None;
        let mut events = ini::events(text);
        while let Some(event) = events.next() {
            match event {
                Event::Section { header, line } => {
                    if let Some(p) = pending.take() {
                        self.flush(p);
                    }
                    if self.is_other_profile(header) {
                        events.skip_section();
                        continue;
                    }
                    let kind = self.section_kind(header, line);
                    pending = Some(Pending {
                        kind,
                        header,
                        line,
                        first: self.store.items.len(),
                        buf_len: self.store.buf.len(),
                        last: None,
                    });
                }
                Event::Key { name, value, line } => {
                    let Some(p) = pending.as_mut() else { continue };
                    let key = lower_key(name);
                    let source = Source {
                        file: self.file,
                        line,
                    };
                    let (i, old) = self.store.set(p.first, &key, value, false, source);
                    p.last = Some(i);
                    if let Some(old) = old {
                        let header = p.header;
                        self.problem(
                            line,
                            format_args!(
                                "`{key}` is set twice in [{header}] (also at line {}); ssox uses \
                                 the last value, but the AWS CLI rejects a repeated key: delete one",
                                old.line
                            ),
                        );
                    }
                }
                Event::SubKey { name, value, .. } => {
                    if let Some(i) = pending.as_ref().and_then(|p| p.last) {
                        self.store.items[i].nested = true;
                        self.store
                            .extend(i, true, &[&lower_key(name), " = ", value]);
                    }
                }
                Event::Continuation { text, .. } => {
                    if let Some(i) = pending.as_ref().and_then(|p| p.last) {
                        self.store.extend(i, true, &[text]);
                    }
                }
                Event::Error(e) => self.problem(e.line, e.message),
            }
        }
        if let Some(p) = pending.take() {
            self.flush(p);
        }
        self.store.region = None;
    }

    /// In a targeted parse, whether this header is plainly a profile other than the one wanted.
    fn is_other_profile(&self, header: &str) -> bool {
        let Some(only) = self.only else { return false };
        if self.file == FileId::Credentials {
            return header != only;
        }
        if header == "default" {
            return only != "default";
        }
        ini::plain_profile_name(header).is_some_and(|name| name != only)
    }

    fn section_kind(&mut self, header: &str, line: usize) -> SectionKind {
        if self.file == FileId::Credentials {
            // Every `[name]` is a profile, taken literally (`[profile x]` is "profile x").
            if let Some(first) = self.seen.insert(header.to_string(), line) {
                self.problem(line, repeat_message(header, first));
            }
            return SectionKind::Profile(header.to_string());
        }
        if header == "default" {
            return SectionKind::BareDefault;
        }
        let source = Source {
            file: self.file,
            line,
        };
        // The common case, no quotes or backslashes: split on blanks byte-wise, without allocating.
        let Some(words) = plain_words(header) else {
            return self.quoted_section_kind(header, source);
        };
        let (prefix, name) = match words {
            (Some(p @ ("profile" | "sso-session" | "services")), Some(name), false) => {
                (p, name.to_string())
            }
            (Some("profile" | "sso-session" | "services"), _, _) => {
                return self.quoted_section_kind(header, source);
            }
            _ => {
                // A bare `[name]` is not a profile in the config file; `[Profile x]` is not either.
                self.cfg.ignored_sections.push((header.to_string(), source));
                return SectionKind::Ignored;
            }
        };
        Self::kind_of(prefix, name)
    }

    fn kind_of(prefix: &str, name: String) -> SectionKind {
        match prefix {
            "profile" => SectionKind::Profile(name),
            "sso-session" => SectionKind::Session(name),
            _ => SectionKind::Services(name),
        }
    }

    /// A header with quotes, or a prefix without exactly one name: read it with `shlex_split`.
    fn quoted_section_kind(&mut self, header: &str, source: Source) -> SectionKind {
        let line = source.line;
        let Some(words) = ini::shlex_split(header) else {
            self.problem(
                line,
                format_args!(
                    "[{header}] has an unbalanced quote or a trailing `\\`, \
                     so it is ignored; close the quote"
                ),
            );
            self.cfg.ignored_sections.push((header.to_string(), source));
            return SectionKind::Ignored;
        };
        let prefix = match words.first().map(String::as_str) {
            Some("profile") => "profile",
            Some("sso-session") => "sso-session",
            Some("services") => "services",
            _ => "",
        };
        if prefix.is_empty() {
            self.cfg.ignored_sections.push((header.to_string(), source));
            return SectionKind::Ignored;
        }
        if words.len() != 2 {
            let message = if words.len() == 1 {
                format!("[{header}] has no name; write [{prefix} NAME]")
            } else {
                let name = words[1..].join(" ");
                format!(
                    "[{header}] is not read as a {prefix} by the AWS tools: a name with spaces \
                     must be quoted, as in [{prefix} {}]",
                    quote_name(&name)
                )
            };
            self.problem(line, message);
            self.cfg.ignored_sections.push((header.to_string(), source));
            return SectionKind::Ignored;
        }
        let mut words = words;
        let name = words.pop().unwrap_or_default();
        if name.is_empty() {
            self.problem(
                line,
                format_args!("[{header}] has an empty name; write [{prefix} NAME]"),
            );
            self.cfg.ignored_sections.push((header.to_string(), source));
            return SectionKind::Ignored;
        }
        Self::kind_of(prefix, name)
    }

    fn flush(&mut self, mut p: Pending) {
        let keep = self.flush_into_model(&mut p);
        if !keep {
            // Nothing refers to this section's items or text (ignored, services, or merged).
            self.store.items.truncate(p.first);
            if self.store.buf.len() > p.buf_len {
                self.store.buf.truncate(p.buf_len);
            }
        }
    }

    /// Lay the section over the model; whether its items (from `p.first` on) are still used.
    fn flush_into_model(&mut self, p: &mut Pending) -> bool {
        let source = Source {
            file: self.file,
            line: p.line,
        };
        let file = self.file;
        let range = (p.first, self.store.items.len());
        let keys = |range: (usize, usize)| Keys {
            store: Arc::clone(&self.placeholder),
            start: range.0,
            end: range.1,
        };
        match std::mem::replace(&mut p.kind, SectionKind::Ignored) {
            SectionKind::Ignored => false,
            SectionKind::BareDefault => match &mut self.bare_default {
                Some(d) => {
                    let first = d.source.line;
                    let merged = self.store.merge((d.keys.start, d.keys.end), range);
                    (d.keys.start, d.keys.end) = merged;
                    self.problem(p.line, repeat_message(p.header, first));
                    true
                }
                None => {
                    self.bare_default = Some(Profile {
                        name: "default".into(),
                        kind: ProfileKind::Config,
                        source,
                        keys: keys(range),
                        bare_default: true,
                    });
                    true
                }
            },
            SectionKind::Profile(name) => match self.profiles.find(&name) {
                Err(slot) => {
                    self.profiles.insert(
                        slot,
                        Profile {
                            name,
                            kind: ProfileKind::Config,
                            source,
                            keys: keys(range),
                            bare_default: false,
                        },
                    );
                    true
                }
                Ok(i) => {
                    let profile = &mut self.profiles.list[i];
                    let first = (profile.source.file == file).then_some(profile.source.line);
                    let merged = self
                        .store
                        .merge((profile.keys.start, profile.keys.end), range);
                    (profile.keys.start, profile.keys.end) = merged;
                    if let (Some(first), FileId::Config) = (first, file) {
                        self.problem(p.line, repeat_message(p.header, first));
                    }
                    true
                }
            },
            SectionKind::Session(name) => match self.cfg.sessions.entry(name) {
                MapEntry::Vacant(v) => {
                    let name = v.key().clone();
                    v.insert(SsoSession {
                        name,
                        source,
                        keys: keys(range),
                    });
                    true
                }
                MapEntry::Occupied(o) => {
                    let session = o.into_mut();
                    let first = session.source.line;
                    let merged = self
                        .store
                        .merge((session.keys.start, session.keys.end), range);
                    (session.keys.start, session.keys.end) = merged;
                    self.problem(p.line, repeat_message(p.header, first));
                    true
                }
            },
            SectionKind::Services(name) => {
                let svc = self.cfg.services.entry(name).or_default();
                for it in &self.store.items[range.0..range.1] {
                    if !it.nested {
                        continue;
                    }
                    let id = self.store.text(it.key).replace('-', "_");
                    let block = svc.entry(id).or_default();
                    for line in self.store.text(it.value).split('\n') {
                        if let Some((k, v)) = line.split_once(" = ") {
                            block.insert(k.to_string(), v.to_string());
                        }
                    }
                }
                false
            }
        }
    }
}

/// A header split on spaces, tabs and `\r`: (first word, second word, whether there are more),
/// or `None` when it has a quote or backslash (for `shlex_split`).
fn plain_words(header: &str) -> Option<(Option<&str>, Option<&str>, bool)> {
    let mut words = [None, None];
    let mut n = 0;
    let mut start = None;
    let mut word_end = |start: usize, end: usize, n: &mut usize| {
        if let Some(w) = words.get_mut(*n) {
            *w = header.get(start..end);
        }
        *n += 1;
    };
    for (i, &c) in header.as_bytes().iter().enumerate() {
        match c {
            b'"' | b'\'' | b'\\' => return None,
            b' ' | b'\t' | b'\r' => {
                if let Some(s) = start.take() {
                    word_end(s, i, &mut n);
                }
            }
            _ => {
                if start.is_none() {
                    start = Some(i);
                }
            }
        }
    }
    if let Some(s) = start {
        word_end(s, header.len(), &mut n);
    }
    Some((words[0], words[1], n > 2))
}

fn repeat_message(header: &str, first: usize) -> String {
    format!(
        "[{header}] repeats the section at line {first}; ssox merges them (the last value wins) \
         but the AWS CLI does not: merge them into one"
    )
}

impl Config {
    /// Parse the config file text and, if present, the credentials file text. Never fails: what
    /// cannot be used is reported in `problems` and the rest is read.
    pub fn parse(
        config_text: &str,
        credentials_text: Option<&str>,
        config_path: String,
        credentials_path: String,
    ) -> Config {
        Self::parse_with(
            config_text,
            credentials_text,
            config_path,
            credentials_path,
            None,
        )
    }

    /// Like `parse`, but only the profile `name` (with every sso-session and services block) is
    /// read; other profiles are passed over without being tokenized, so their problems are not
    /// reported. When `name` is not found, this is a full `parse` (for the suggestions).
    /// This is what keeps `ssox use NAME` fast on configs with thousands of profiles.
    pub fn parse_profile(
        config_text: &str,
        credentials_text: Option<&str>,
        config_path: String,
        credentials_path: String,
        name: &str,
    ) -> Config {
        let cfg = Self::parse_with(
            config_text,
            credentials_text,
            config_path,
            credentials_path,
            Some(name),
        );
        if cfg.profiles.contains_key(name) {
            return cfg;
        }
        Self::parse_with(
            config_text,
            credentials_text,
            cfg.config_path,
            cfg.credentials_path,
            None,
        )
    }

    fn parse_with(
        config_text: &str,
        credentials_text: Option<&str>,
        config_path: String,
        credentials_path: String,
        only: Option<&str>,
    ) -> Config {
        let mut cfg = Config {
            config_path,
            credentials_path,
            ..Config::default()
        };
        let mut store = Store::default();
        let mut profiles = ProfileList::default();
        if only.is_none() {
            let len = config_text.len() + credentials_text.map_or(0, str::len);
            store.buf.reserve(len + len / 8 + 64);
            // About one key per 24 bytes and one profile per 150 in practice.
            store.items.reserve(len / 24);
            profiles = ProfileList::with_capacity(len / 128);
        }
        let mut parser = Parser {
            cfg: &mut cfg,
            file: FileId::Config,
            bare_default: None,
            profiles,
            store,
            placeholder: Arc::default(),
            seen: HashMap::new(),
            only,
        };
        parser.run(config_text);
        // `[profile default]` wins over `[default]` (Rust SDK; botocore takes the later one).
        if let Some(d) = parser.bare_default.take() {
            match parser.profiles.get_mut("default") {
                Some(p) => {
                    let line = p.source.line;
                    parser.problem(
                        d.source.line,
                        format_args!(
                            "[default] is ignored because [profile default] (line {line}) takes \
                             precedence; the AWS CLI uses whichever comes last: merge them into one section"
                        ),
                    );
                }
                None => parser.profiles.push(d),
            }
        }
        if let Some(text) = credentials_text {
            parser.file = FileId::Credentials;
            parser.run(text);
        }
        let Parser {
            profiles, store, ..
        } = parser;
        let store = Arc::new(store);
        for s in cfg.sessions.values_mut() {
            s.keys.store = Arc::clone(&store);
        }
        // Names are unique, so this is one sort (a single pass when the file is in order) and a
        // bulk build.
        cfg.profiles = profiles
            .list
            .into_iter()
            .map(|mut p| {
                p.keys.store = Arc::clone(&store);
                p.kind = classify(&p.keys);
                (p.name.clone(), p)
            })
            .collect();
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

    /// Look up a profile; the error names the file, up to three close names, and a section that
    /// looks meant as this profile but is not read as one.
    pub fn profile(&self, name: &str) -> Result<&Profile, ConfigError> {
        self.profiles.get(name).ok_or_else(|| {
            let mut msg = format!("profile {name:?} not found in {}", self.config_path);
            let close = closest(name, self.profiles.keys().map(String::as_str), 3);
            if !close.is_empty() {
                msg.push_str(&format!("; did you mean {}?", quoted_list(&close)));
            }
            if let Some((header, src)) = self
                .ignored_sections
                .iter()
                .find(|(h, _)| intended_profile_name(h).is_some_and(|n| n == name))
            {
                msg.push_str(&format!(
                    "\n[{header}] ({}) is not read as a profile; write it as [profile {}]",
                    self.at(*src),
                    quote_name(name)
                ));
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
                msg.push_str(&format!("; did you mean {}?", quoted_list(&close)));
            }
            ConfigError(msg)
        })
    }

    /// The login an sso-session needs.
    pub fn session_login(&self, name: &str) -> Result<LoginTarget, ConfigError> {
        let s = self.session(name)?;
        let start_url = s.get("sso_start_url");
        let region = s.get("sso_region");
        let (Some(start_url), Some(region)) = (start_url, region) else {
            let missing = missing_keys(&[
                ("sso_start_url", start_url.is_none()),
                ("sso_region", region.is_none()),
            ]);
            return Err(ConfigError(format!(
                "sso-session {name:?} is missing {} ({}); add {} to {}",
                missing.names,
                self.at(s.source),
                missing.examples,
                s.section()
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
                let fix = if close.is_empty() {
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
            let login = self.session_login(session)?;
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
            let example = match self.sessions.keys().next() {
                Some(s) if self.sessions.len() == 1 => s.as_str(),
                _ => "NAME",
            };
            return Err(ConfigError(format!(
                "profile {name:?} has neither sso_session nor sso_start_url ({}); \
                 add `sso_session = {example}` to {}",
                self.at(profile.source),
                profile.section()
            )));
        };
        let region = profile.get("sso_region").ok_or_else(|| {
            ConfigError(format!(
                "profile {name:?} is missing sso_region ({}); add `sso_region = us-east-1` \
                 (your IAM Identity Center region) to {}",
                key_at("sso_start_url"),
                profile.section()
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
        let account = profile.get("sso_account_id");
        let role = profile.get("sso_role_name");
        let (Some(account), Some(role)) = (account, role) else {
            let missing = missing_keys(&[
                ("sso_account_id", account.is_none()),
                ("sso_role_name", role.is_none()),
            ]);
            return Err(ConfigError(format!(
                "profile {:?} is missing {} ({}); add {} to {}",
                profile.name,
                missing.names,
                self.at(profile.source),
                missing.examples,
                profile.section()
            )));
        };
        Ok(RoleTarget {
            profile: profile.name.clone(),
            account_id: account.to_string(),
            role_name: role.to_string(),
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

/// The profile name an ignored config-file header was probably meant to be: `[dev]` → `dev`,
/// `[Profile dev]` → `dev`, `[profile a b]` → `a b`.
fn intended_profile_name(header: &str) -> Option<String> {
    let words = ini::shlex_split(header)?;
    match words.as_slice() {
        [one] => Some(one.clone()),
        [first, rest @ ..] if first.eq_ignore_ascii_case("profile") => Some(rest.join(" ")),
        _ => None,
    }
}

fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|c| format!("{c:?}")).collect();
    quoted.join(", ")
}

struct Missing {
    /// `sso_start_url and sso_region`
    names: String,
    /// `` `sso_start_url = https://…` and `sso_region = us-east-1` ``
    examples: String,
}

fn missing_keys(keys: &[(&str, bool)]) -> Missing {
    let example = |k: &str| match k {
        "sso_start_url" => "https://my-sso-portal.awsapps.com/start",
        "sso_region" => "us-east-1",
        "sso_account_id" => "111111111111",
        "sso_role_name" => "AdministratorAccess",
        _ => "…",
    };
    let missing: Vec<&str> = keys.iter().filter(|(_, m)| *m).map(|(k, _)| *k).collect();
    let examples: Vec<String> = missing
        .iter()
        .map(|k| format!("`{k} = {}`", example(k)))
        .collect();
    Missing {
        names: missing.join(" and "),
        examples: examples.join(" and "),
    }
}

/// Up to `n` names closest to `target`, best first: the same name in another case, then typos
/// (a few edits or swapped letters, scaled to the length), then names that start with or contain
/// the target. Short or unrelated names are never suggested.
pub fn closest<'a>(target: &str, names: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let t: Vec<char> = target.to_lowercase().chars().collect();
    let tlen = t.len();
    if tlen == 0 || n == 0 {
        return Vec::new();
    }
    let max_edits = (tlen / 4).clamp(1, 3);
    let t_str: String = t.iter().collect();
    let mut scored: Vec<(usize, usize, &str)> = names
        .filter_map(|name| {
            let l: Vec<char> = name.to_lowercase().chars().collect();
            if l.len().abs_diff(tlen) <= max_edits {
                let d = edit_distance(&t, &l);
                if d <= max_edits && d < tlen && d < l.len() {
                    return Some((0, d, name));
                }
            }
            let l_str: String = l.iter().collect();
            if tlen >= 2 && l_str.starts_with(&t_str) {
                return Some((1, l.len() - tlen, name));
            }
            if tlen >= 3 && l_str.contains(&t_str) {
                return Some((2, l.len() - tlen, name));
            }
            None
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, _, s)| s).collect()
}

/// Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, v) in d.iter_mut().enumerate().take(w) {
        *v = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests;
