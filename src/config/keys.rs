//! Key storage of one parse: every key and value of every section in one shared buffer, and each
//! section's keys as a range of items over it (`Keys`). Setting a key in the section being read
//! and combining repeated sections are linear in the number of keys. Knows nothing of what the
//! sections mean (that is `parse.rs`) and must not touch files or the terminal.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::Source;

/// A section's keys: a view of the items one parse stored for this section. Every key and value
/// of a parse lives in one shared buffer (keys lowercased, continuation lines joined with `\n`,
/// nested blocks as `sub = value` lines; in a full parse, plain keys and values are spans of the
/// file text itself), so a profile's keys cost no allocation of their own. Later `set`s of the
/// same key win.
#[derive(Clone, Default)]
pub struct Keys {
    pub(super) store: Arc<Store>,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A section with at most this many keys is searched by a scan; a larger one through a hash map.
const SCAN_MAX: usize = 16;

/// The buffer and items shared by every section of one parse (append-only while parsing).
#[derive(Debug, Default)]
pub(super) struct Store {
    pub(super) buf: String,
    pub(super) items: Vec<Item>,
    /// The file text copied at the start of `buf`, if any: (its address, length, offset in `buf`).
    region: Option<(usize, usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Item {
    pub(super) key: (usize, usize),
    pub(super) value: (usize, usize),
    pub(super) nested: bool,
    pub(super) source: Source,
}

/// The keys of the section being read, for `Store::set`: its first item, and once it has more
/// than `SCAN_MAX` keys, an index of them by name.
pub(super) struct SectionKeys {
    pub(super) first: usize,
    index: Option<HashMap<Box<str>, usize>>,
}

impl SectionKeys {
    pub(super) fn new(first: usize) -> SectionKeys {
        SectionKeys { first, index: None }
    }
}

impl Store {
    pub(super) fn text(&self, span: (usize, usize)) -> &str {
        self.buf.get(span.0..span.1).unwrap_or_default()
    }

    fn key_bytes(&self, it: &Item) -> &[u8] {
        self.buf
            .as_bytes()
            .get(it.key.0..it.key.1)
            .unwrap_or_default()
    }

    /// Copy a whole file's text into the buffer so that its keys and values are stored as spans.
    pub(super) fn add_region(&mut self, text: &str) {
        let at = self.buf.len();
        self.buf.push_str(text);
        self.region = Some((text.as_ptr() as usize, text.len(), at));
    }

    /// Stop pointing into the copied file text (the text it came from is gone).
    pub(super) fn end_region(&mut self) {
        self.region = None;
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

    /// Set `key` (already lowercase) in the section being read; returns the item's index and
    /// where the value it replaces was written.
    pub(super) fn set(
        &mut self,
        section: &mut SectionKeys,
        key: &str,
        value: &str,
        nested: bool,
        source: Source,
    ) -> (usize, Option<Source>) {
        let found = match &section.index {
            Some(index) => index.get(key).copied(),
            None => self.items[section.first..]
                .iter()
                .position(|it| self.key_bytes(it) == key.as_bytes())
                .map(|i| section.first + i),
        };
        if let Some(i) = found {
            let value = self.intern(value);
            let it = &mut self.items[i];
            let old = it.source;
            it.value = value;
            it.nested = nested;
            it.source = source;
            return (i, Some(old));
        }
        let span = self.intern(key);
        let value = self.intern(value);
        self.items.push(Item {
            key: span,
            value,
            nested,
            source,
        });
        let i = self.items.len() - 1;
        match &mut section.index {
            Some(index) => {
                index.insert(key.into(), i);
            }
            None if i - section.first >= SCAN_MAX => {
                let items = &self.items[section.first..];
                let index = items
                    .iter()
                    .zip(section.first..)
                    .map(|(it, j)| (self.text(it.key).into(), j))
                    .collect();
                section.index = Some(index);
            }
            None => {}
        }
        (i, None)
    }

    /// Mark item `i` as a nested block (`key =` followed by indented `sub = value` lines).
    pub(super) fn set_nested(&mut self, i: usize) {
        self.items[i].nested = true;
    }

    /// Append text to item `i`'s value (a continuation line or a nested `sub = value`).
    pub(super) fn extend(&mut self, i: usize, parts: &[&str]) {
        let (a, b) = self.items[i].value;
        if b != self.buf.len() {
            // Not the last text written (a span of the file, or an older value): move it to the end.
            let start = self.buf.len();
            self.buf.extend_from_within(a..b);
            self.items[i].value = (start, self.buf.len());
        }
        if self.items[i].value.0 != self.items[i].value.1 {
            self.buf.push('\n');
        }
        for p in parts {
            self.buf.push_str(p);
        }
        self.items[i].value.1 = self.buf.len();
    }

    /// Forget everything stored after `items` items and `buf` bytes (a section nobody refers to).
    pub(super) fn truncate(&mut self, items: usize, buf: usize) {
        self.items.truncate(items);
        if self.buf.len() > buf {
            self.buf.truncate(buf);
        }
    }

    /// The items of `ranges`, in order, laid over each other (a key keeps its first position
    /// and takes its last value: the later section or file wins), stored as a new range at the
    /// end. The text is shared, not copied; the work is linear in the items.
    pub(super) fn combine(&mut self, ranges: &[(usize, usize)]) -> (usize, usize) {
        let Store { buf, items, .. } = self;
        let buf = buf.as_bytes();
        let from = items.len();
        let total: usize = ranges.iter().map(|r| r.1 - r.0).sum();
        let mut index: Option<HashMap<&[u8], usize>> =
            (total > SCAN_MAX).then(|| HashMap::with_capacity(total));
        for &(a, b) in ranges {
            for j in a..b {
                let it = items[j];
                let key = buf.get(it.key.0..it.key.1).unwrap_or_default();
                let found = match &mut index {
                    Some(index) => match index.entry(key) {
                        Entry::Occupied(o) => Some(*o.get()),
                        Entry::Vacant(v) => {
                            v.insert(items.len());
                            None
                        }
                    },
                    None => items[from..]
                        .iter()
                        .position(|o| buf.get(o.key.0..o.key.1) == Some(key))
                        .map(|i| from + i),
                };
                match found {
                    Some(i) => {
                        let o = &mut items[i];
                        o.value = it.value;
                        o.nested = it.nested;
                        o.source = it.source;
                    }
                    None => items.push(it),
                }
            }
        }
        (from, items.len())
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

    /// The names (as bytes) of the keys set to a non-empty scalar, in first-set order.
    pub(super) fn scalar_names(&self) -> impl Iterator<Item = &[u8]> {
        self.items()
            .iter()
            .filter(|it| !it.nested && it.value.0 != it.value.1)
            .map(|it| self.store.key_bytes(it))
    }

    /// `scalar_names`, each with where its value was written.
    pub(super) fn scalar_sources(&self) -> impl Iterator<Item = (&[u8], Source)> {
        self.items()
            .iter()
            .filter(|it| !it.nested && it.value.0 != it.value.1)
            .map(|it| (self.store.key_bytes(it), it.source))
    }

    /// Every key set to a scalar (a nested block's value is `None`), in first-set order.
    pub fn scalars(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.items()
            .iter()
            .map(|it| (self.text(it.key), (!it.nested).then(|| self.text(it.value))))
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Every item as (key, value, nested, source), for comparing and showing.
    pub(super) fn entries(&self) -> impl Iterator<Item = (&str, &str, bool, Source)> {
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
