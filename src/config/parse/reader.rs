//! The reader behind `Config::parse`: one pass over the tokenizer's events of each file, each
//! section laid over the model as it ends, repeats merged once at the end, and every problem
//! worded with its file, line and fix. Pure: text in, `Config` out; must not touch files, the
//! network or the terminal. The end of the pass is in `finish.rs`.

mod finish;

use std::borrow::Cow;
use std::collections::btree_map::Entry as MapEntry;
use std::collections::hash_map::Entry as HashEntry;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::super::ini::{self, lower_key, Event};
use super::super::keys::{Keys, SectionKeys, Store};
use super::super::sections::{self, SectionKind};
use super::super::{Config, ConfigError, FileId, Profile, ProfileKind, Source, SsoSession};

/// The parse, and (in a targeted one, with `names`) the names of the profiles passed over.
pub(super) fn parse_inner<'t>(
    config_text: &'t str,
    credentials_text: Option<&'t str>,
    config_path: String,
    credentials_path: String,
    only: Option<&'t str>,
    names: bool,
) -> (Config, Vec<&'t str>) {
    let mut cfg = Config {
        config_path,
        credentials_path,
        ..Config::default()
    };
    let mut parser = Parser {
        cfg: &mut cfg,
        file: FileId::Config,
        bare_default: None,
        profiles: Vec::new(),
        by_name: HashMap::default(),
        repeats: Vec::new(),
        store: Store::default(),
        placeholder: Arc::default(),
        seen: HashMap::new(),
        only,
        skipped: names.then(Vec::new),
        defaults: [Vec::new(), Vec::new()],
    };
    if only.is_none() {
        let len = config_text.len() + credentials_text.map_or(0, str::len);
        parser.store.buf.reserve(len + len / 8 + 64);
        // About one key per 24 bytes and one profile per 150 in practice.
        parser.store.items.reserve(len / 24);
        parser.profiles.reserve(len / 128);
        parser.by_name.reserve(len / 128);
    }
    parser.bom(config_text);
    parser.run(config_text);
    parser.end_config_file();
    if let Some(text) = credentials_text {
        parser.file = FileId::Credentials;
        parser.bom(text);
        parser.run(text);
    }
    let skipped = parser.skipped.take().unwrap_or_default();
    parser.finish();
    (cfg, skipped)
}

/// The section being read: its keys are stored from item `keys.first` on, then the section is
/// laid over the model in one go.
struct Pending<'t> {
    kind: SectionKind<'t>,
    header: &'t str,
    line: usize,
    keys: SectionKeys,
    /// Where the section's text starts in the store.
    buf_len: usize,
    last: Option<usize>,
}

/// Whose keys a repeated section adds to.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Owner {
    /// Index in `Parser::profiles`.
    Profile(usize),
    Session(String),
}

type Range = (usize, usize);

struct Parser<'c, 't> {
    cfg: &'c mut Config,
    file: FileId,
    /// A bare `[default]` of the config file, and the ranges of its repeats.
    bare_default: Option<(Profile, Vec<Range>)>,
    /// Profiles in the order they were first defined (sorted once at the end: far cheaper than a
    /// `BTreeMap` insert per section), and their index by name.
    profiles: Vec<Profile>,
    by_name: HashMap<Cow<'t, str>, usize, foldhash::fast::RandomState>,
    /// Sections that repeat an earlier one (or a credentials-file section over a config-file
    /// profile), in order; laid over it once, when the parse is done.
    repeats: Vec<(Owner, FileId, Range)>,
    /// Every section's keys and values.
    store: Store,
    /// The store sections' `Keys` point to until the parse is done (then the real one, shared).
    placeholder: Arc<Store>,
    /// Credentials-file headers already seen (to report repeats).
    seen: HashMap<&'t str, usize>,
    /// Read only this profile (plus every sso-session and services block); skip other profiles.
    only: Option<&'t str>,
    /// The names of the profiles skipped, in order (repeats included), when they are wanted.
    skipped: Option<Vec<&'t str>>,
    /// The `[DEFAULT]` sections of the config file and of the credentials file.
    defaults: [Vec<Range>; 2],
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

    /// A file that starts with a byte order mark: the AWS CLI cannot read it (botocore reads
    /// the BOM as text before the first header: `ConfigParseError`).
    fn bom(&mut self, text: &str) {
        if text.starts_with('\u{feff}') {
            let path = self.path();
            let message = format!(
                "{path} starts with a UTF-8 byte order mark (BOM): ssox reads past it, but the AWS \
                 CLI and the SDKs cannot read the file at all; save it as UTF-8 without a BOM, \
                 e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' {path}`"
            );
            self.cfg.bom.push(ConfigError(message));
        }
    }

    fn keys(&self, range: Range) -> Keys {
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
                    if let Some(only) = self.only {
                        let file = self.file;
                        // `[profile "x"]` names "profile \"x\"" in the credentials file.
                        let unlike =
                            (file == FileId::Config && self.skipped.is_none()).then_some(only);
                        let skipped = &mut self.skipped;
                        let mut skip = |h: &'t str, plain: Option<&'t str>| {
                            let name = other_profile(file, only, h, plain);
                            if let (Some(list), Some(name)) = (skipped.as_mut(), name) {
                                list.push(name);
                            }
                            name.is_some()
                        };
                        if skip(header, None) {
                            events.skip_sections(unlike, skip);
                            continue;
                        }
                    }
                    let kind = self.section_kind(header, line);
                    pending = Some(Pending {
                        kind,
                        header,
                        line,
                        keys: SectionKeys::new(self.store.items.len()),
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
                    let (i, old) = self.store.set(&mut p.keys, &key, value, false, source);
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
                        self.store.set_nested(i);
                        self.store.extend(i, &[&lower_key(name), " = ", value]);
                    }
                }
                Event::Continuation { text, .. } => {
                    if let Some(i) = pending.as_ref().and_then(|p| p.last) {
                        self.store.extend(i, &[text]);
                    }
                }
                Event::InlineComment { key, line } => {
                    if pending
                        .as_ref()
                        .is_some_and(|p| !matches!(p.kind, SectionKind::Ignored))
                    {
                        let text = format!(
                            "{}:{line}: `{}` has an inline comment: ssox drops it (as the SDKs \
                             do), but the AWS CLI reads everything after `=` as the value, \
                             comment included; move the comment to a line of its own",
                            self.path(),
                            lower_key(key)
                        );
                        self.cfg.warnings.push(ConfigError(text));
                    }
                }
                Event::Error(e) => self.problem(e.line, e.message),
                Event::Refused(e) => {
                    let text = format!("{}:{}: {}", self.path(), e.line, e.message);
                    self.cfg.refused.push(ConfigError(text));
                }
            }
        }
        if let Some(p) = pending.take() {
            self.flush(p);
        }
        self.store.end_region();
    }

    fn section_kind(&mut self, header: &'t str, line: usize) -> SectionKind<'t> {
        if header == DEFAULTS {
            return SectionKind::Defaults;
        }
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
            self.store.truncate(p.keys.first, p.buf_len);
        }
    }

    /// Lay the section over the model; whether its items (from `p.keys.first` on) are still used.
    fn flush_into_model(&mut self, p: &mut Pending<'t>) -> bool {
        let source = Source {
            file: self.file,
            line: p.line,
        };
        let range = (p.keys.first, self.store.items.len());
        match std::mem::replace(&mut p.kind, SectionKind::Ignored) {
            SectionKind::Ignored => false,
            SectionKind::Defaults => {
                self.defaults[self.file as usize].push(range);
                true
            }
            SectionKind::BareDefault => {
                if let Some((d, repeats)) = &mut self.bare_default {
                    let first = d.source.line;
                    repeats.push(range);
                    self.problem(p.line, repeat_message(p.header, first));
                } else {
                    let profile = self.new_profile("default".into(), source, range);
                    self.bare_default = Some((
                        Profile {
                            bare_default: true,
                            ..profile
                        },
                        Vec::new(),
                    ));
                }
                true
            }
            SectionKind::Profile(name) => {
                let next = self.profiles.len();
                match self.by_name.entry(name) {
                    HashEntry::Vacant(v) => {
                        let name = v.key().to_string();
                        v.insert(next);
                        let profile = self.new_profile(name, source, range);
                        self.profiles.push(profile);
                    }
                    HashEntry::Occupied(o) => {
                        let i = *o.get();
                        let first = self.profiles[i].source;
                        self.repeats.push((Owner::Profile(i), self.file, range));
                        if first.file == self.file && self.file == FileId::Config {
                            self.problem(p.line, repeat_message(p.header, first.line));
                        }
                    }
                }
                true
            }
            SectionKind::Session(name) => {
                let keys = self.keys(range);
                match self.cfg.sessions.entry(name) {
                    MapEntry::Vacant(v) => {
                        let name = v.key().clone();
                        v.insert(SsoSession { name, source, keys });
                    }
                    MapEntry::Occupied(o) => {
                        let first = o.get().source.line;
                        let owner = Owner::Session(o.key().clone());
                        self.repeats.push((owner, self.file, range));
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

    fn new_profile(&self, name: String, source: Source, range: Range) -> Profile {
        Profile {
            name,
            kind: ProfileKind::Config,
            source,
            keys: self.keys(range),
            bare_default: false,
        }
    }
}

/// In a targeted parse for `only`, the name of the profile this header plainly is when that is
/// another one (its section can be passed over unread). `plain` is `plain_profile_name(header)`
/// when the caller already knows it is a name.
fn other_profile<'t>(
    file: FileId,
    only: &str,
    header: &'t str,
    plain: Option<&'t str>,
) -> Option<&'t str> {
    if header == DEFAULTS {
        // Its keys belong to every section of its file: read it.
        return None;
    }
    let name = match (file, header, plain) {
        (FileId::Credentials, _, _) => header,
        (FileId::Config, _, Some(name)) => name,
        (FileId::Config, "default", None) => header,
        (FileId::Config, _, None) => ini::plain_profile_name(header)?,
    };
    (name != only).then_some(name)
}

/// configparser's default section (`[DEFAULT]`, case-sensitive).
const DEFAULTS: &str = "DEFAULT";

fn repeat_message(header: &str, first: usize) -> String {
    format!(
        "[{header}] repeats the section at line {first}; ssox merges them (the last value wins) \
         but the AWS CLI does not: merge them into one"
    )
}
