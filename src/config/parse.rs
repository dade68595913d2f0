//! Sections → model: reads the tokenizer's events into `Profile`s, `SsoSession`s and `[services]`
//! blocks, merges repeated sections, and words every problem with its file, line and fix
//! (docs/compat.md#config-files). Pure: text in, `Config` out; must not touch files, the network
//! or the terminal.

use std::borrow::Cow;
use std::collections::btree_map::Entry as MapEntry;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::ini::{self, lower_key, Event};
use super::keys::{Keys, Store};
use super::sections::{self, SectionKind};
use super::{Config, ConfigError, FileId, Profile, ProfileKind, Source, SsoSession};

impl Config {
    /// Parse the config file text and, if present, the credentials file text. Never fails: what
    /// cannot be used is reported in `problems` and the rest is read.
    pub fn parse(
        config_text: &str,
        credentials_text: Option<&str>,
        config_path: String,
        credentials_path: String,
    ) -> Config {
        parse_with(
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
        let cfg = parse_with(
            config_text,
            credentials_text,
            config_path,
            credentials_path,
            Some(name),
        );
        if cfg.profiles.contains_key(name) {
            return cfg;
        }
        parse_with(
            config_text,
            credentials_text,
            cfg.config_path,
            cfg.credentials_path,
            None,
        )
    }
}

fn parse_with<'t>(
    config_text: &'t str,
    credentials_text: Option<&'t str>,
    config_path: String,
    credentials_path: String,
    only: Option<&'t str>,
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
    parser.end_config_file();
    if let Some(text) = credentials_text {
        parser.file = FileId::Credentials;
        parser.run(text);
    }
    parser.finish();
    cfg
}

/// The section being read: its keys are stored from item `first` on, then the section is laid
/// over the model in one go.
struct Pending<'t> {
    kind: SectionKind<'t>,
    header: &'t str,
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

struct Parser<'c, 't> {
    cfg: &'c mut Config,
    file: FileId,
    bare_default: Option<Profile>,
    profiles: ProfileList,
    /// Every section's keys and values.
    store: Store,
    /// The store sections' `Keys` point to until the parse is done (then the real one, shared).
    placeholder: Arc<Store>,
    /// Credentials-file headers already seen (to report repeats).
    seen: HashMap<&'t str, usize>,
    /// Read only this profile (plus every sso-session and services block); skip other profiles.
    only: Option<&'t str>,
}

impl<'t> Parser<'_, 't> {
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

    fn keys(&self, range: (usize, usize)) -> Keys {
        Keys {
            store: Arc::clone(&self.placeholder),
            start: range.0,
            end: range.1,
        }
    }

    fn run(&mut self, text: &'t str) {
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

    fn section_kind(&mut self, header: &'t str, line: usize) -> SectionKind<'t> {
        if self.file == FileId::Credentials {
            // Every `[name]` is a profile, taken literally (`[profile x]` is "profile x").
            if let Some(first) = self.seen.insert(header, line) {
                self.problem(line, repeat_message(header, first));
            }
            return SectionKind::Profile(Cow::Borrowed(header));
        }
        sections::config_section(header).unwrap_or_else(|problem| {
            if let Some(message) = problem {
                self.problem(line, message);
            }
            let source = Source {
                file: self.file,
                line,
            };
            self.cfg.ignored_sections.push((header.to_string(), source));
            SectionKind::Ignored
        })
    }

    fn flush(&mut self, mut p: Pending<'t>) {
        if !self.flush_into_model(&mut p) {
            // Nothing refers to this section's items or text (ignored, or services).
            self.store.items.truncate(p.first);
            if self.store.buf.len() > p.buf_len {
                self.store.buf.truncate(p.buf_len);
            }
        }
    }

    /// Lay the section over the model; whether its items (from `p.first` on) are still used.
    fn flush_into_model(&mut self, p: &mut Pending<'t>) -> bool {
        let source = Source {
            file: self.file,
            line: p.line,
        };
        let file = self.file;
        let range = (p.first, self.store.items.len());
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
                    let profile = self.new_profile("default".into(), source, range);
                    self.bare_default = Some(Profile {
                        bare_default: true,
                        ..profile
                    });
                    true
                }
            },
            SectionKind::Profile(name) => match self.profiles.find(&name) {
                Err(slot) => {
                    let profile = self.new_profile(name.into_owned(), source, range);
                    self.profiles.insert(slot, profile);
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
            SectionKind::Session(name) => {
                let keys = self.keys(range);
                match self.cfg.sessions.entry(name) {
                    MapEntry::Vacant(v) => {
                        let name = v.key().clone();
                        v.insert(SsoSession { name, source, keys });
                    }
                    MapEntry::Occupied(o) => {
                        let session = o.into_mut();
                        let first = session.source.line;
                        let merged = self
                            .store
                            .merge((session.keys.start, session.keys.end), range);
                        (session.keys.start, session.keys.end) = merged;
                        self.problem(p.line, repeat_message(p.header, first));
                    }
                }
                true
            }
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

    fn new_profile(&self, name: String, source: Source, range: (usize, usize)) -> Profile {
        Profile {
            name,
            kind: ProfileKind::Config,
            source,
            keys: self.keys(range),
            bare_default: false,
        }
    }

    /// After the config file: `[profile default]` wins over `[default]` (Rust SDK; botocore
    /// takes the later one).
    fn end_config_file(&mut self) {
        let Some(d) = self.bare_default.take() else {
            return;
        };
        match self.profiles.get_mut("default") {
            Some(p) => {
                let line = p.source.line;
                self.problem(
                    d.source.line,
                    format_args!(
                        "[default] is ignored because [profile default] (line {line}) takes \
                         precedence; the AWS CLI uses whichever comes last: merge them into one section"
                    ),
                );
            }
            None => self.profiles.push(d),
        }
    }

    /// Share the store and build the model.
    fn finish(self) {
        let Parser {
            cfg,
            profiles,
            store,
            ..
        } = self;
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
                p.kind = ProfileKind::of(&p.keys);
                (p.name.clone(), p)
            })
            .collect();
    }
}

fn repeat_message(header: &str, first: usize) -> String {
    format!(
        "[{header}] repeats the section at line {first}; ssox merges them (the last value wins) \
         but the AWS CLI does not: merge them into one"
    )
}

#[cfg(test)]
mod tests;
