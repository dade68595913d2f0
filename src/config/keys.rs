//! Key storage of one parse: every key and value of every section in one shared buffer, and each
//! section's keys as a range of items over it (`Keys`). Knows nothing of what the sections mean
//! (that is `parse.rs`) and must not touch files or the terminal.

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

/// The buffer and items shared by every section of one parse (append-only while parsing).
#[derive(Debug, Default)]
pub(super) struct Store {
    pub(super) buf: String,
    pub(super) items: Vec<Item>,
    /// The file text copied at the start of `buf`, if any: (its address, length, offset in `buf`).
    pub(super) region: Option<(usize, usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Item {
    pub(super) key: (usize, usize),
    pub(super) value: (usize, usize),
    pub(super) nested: bool,
    pub(super) source: Source,
}

impl Store {
    pub(super) fn text(&self, span: (usize, usize)) -> &str {
        self.buf.get(span.0..span.1).unwrap_or_default()
    }

    /// Copy a whole file's text into the buffer so that its keys and values are stored as spans.
    pub(super) fn add_region(&mut self, text: &str) {
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
    pub(super) fn set(
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
    pub(super) fn extend(&mut self, i: usize, sep: bool, parts: &[&str]) {
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
    pub(super) fn merge(&mut self, old: (usize, usize), new: (usize, usize)) -> (usize, usize) {
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

    /// The names (as bytes) of the keys set to a non-empty scalar, in first-set order.
    pub(super) fn scalar_names(&self) -> impl Iterator<Item = &[u8]> {
        self.items()
            .iter()
            .filter(|it| !it.nested && it.value.0 != it.value.1)
            .map(|it| {
                let key = self.store.buf.as_bytes().get(it.key.0..it.key.1);
                key.unwrap_or_default()
            })
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
