//! The end of the reader's pass: `[default]` against `[profile default]` after the config file,
//! then repeated sections and each file's `[DEFAULT]` laid over the sections, the key store
//! shared and the model built. Pure, like the reader: must not touch files, the network or the
//! terminal.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::super::super::keys::Keys;
use super::super::super::{FileId, ProfileKind};
use super::{Owner, Parser, Range};

impl Parser<'_, '_> {
    /// After the config file: `[profile default]` wins over `[default]` (Rust SDK; botocore
    /// takes the later one).
    pub(super) fn end_config_file(&mut self) {
        let Some((d, repeats)) = self.bare_default.take() else {
            return;
        };
        match self.by_name.get("default") {
            Some(&i) => {
                let line = self.profiles[i].source.line;
                self.problem(
                    d.source.line,
                    format_args!(
                        "[default] is ignored because [profile default] (line {line}) takes \
                         precedence; the AWS CLI uses whichever comes last: merge them into one section"
                    ),
                );
            }
            None => {
                let i = self.profiles.len();
                self.by_name.insert(Cow::Borrowed("default"), i);
                self.profiles.push(d);
                self.repeats.extend(
                    repeats
                        .into_iter()
                        .map(|r| (Owner::Profile(i), FileId::Config, r)),
                );
            }
        }
    }

    /// Lay repeated sections over the first ones and each file's `[DEFAULT]` under its
    /// sections, share the store, and build the model.
    pub(super) fn finish(self) {
        let Parser {
            cfg,
            mut profiles,
            mut store,
            repeats,
            defaults,
            ..
        } = self;
        let mut groups: HashMap<Owner, Vec<(FileId, Range)>> = HashMap::new();
        for (owner, file, range) in repeats {
            groups.entry(owner).or_default().push((file, range));
        }
        let has_defaults = defaults.iter().any(|d| !d.is_empty());
        let mut lay = |keys: &mut Keys, file: FileId, more: Vec<(FileId, Range)>| {
            if more.is_empty() && !has_defaults {
                return;
            }
            // botocore reads each file with its own `[DEFAULT]` under its sections, then lays
            // the credentials file's over the config file's.
            let mut ranges: Vec<Range> = Vec::with_capacity(more.len() + 3);
            let sections = std::iter::once((file, (keys.start, keys.end))).chain(more);
            let mut last = None;
            for (f, range) in sections {
                if last != Some(f) {
                    ranges.extend(&defaults[f as usize]);
                    last = Some(f);
                }
                ranges.push(range);
            }
            (keys.start, keys.end) = store.combine(&ranges);
        };
        for (i, p) in profiles.iter_mut().enumerate() {
            // Most configs repeat no section: no hash per profile then.
            let more = if groups.is_empty() {
                Vec::new()
            } else {
                groups.remove(&Owner::Profile(i)).unwrap_or_default()
            };
            lay(&mut p.keys, p.source.file, more);
        }
        for s in cfg.sessions.values_mut() {
            let more = groups
                .remove(&Owner::Session(s.name.clone()))
                .unwrap_or_default();
            lay(&mut s.keys, FileId::Config, more);
        }
        let defaults: Vec<Range> = defaults
            .iter()
            .filter(|d| !d.is_empty())
            .map(|d| store.combine(d))
            .collect();
        let store = Arc::new(store);
        for s in cfg.sessions.values_mut() {
            s.keys.store = Arc::clone(&store);
        }
        cfg.defaults = defaults
            .into_iter()
            .map(|(start, end)| Keys {
                store: Arc::clone(&store),
                start,
                end,
            })
            .collect();
        // Names are unique, so this is one sort (a single pass when the file is in order) and a
        // bulk build.
        cfg.profiles = profiles
            .into_iter()
            .map(|mut p| {
                p.keys.store = Arc::clone(&store);
                p.kind = ProfileKind::of(&p.keys);
                (p.name.clone(), p)
            })
            .collect();
        cfg.warn_unused_credentials();
        cfg.warn_unused_login();
    }
}
