//! Line tokenizer for the AWS config and credentials files (docs/compat.md#config-files): sections,
//! keys, nested blocks, comments, line numbers. Pure: text in, tokens out; it knows nothing of
//! profiles and must not touch files, the network or the terminal.
//!
//! The rules, where the AWS tools disagree, are the Rust SDK's, except that an indented `#`/`;`
//! line is a comment (as in botocore) and never part of a value. A line ends at `\n`, `\r\n` or a
//! lone `\r` (the universal newlines botocore's `raw_config_parse` reads with). No escape
//! processing at all.
//!
//! One function, `Events::step`, decides what every line is. `Events::skip_section` passes over
//! lines without it only where `step` could not start a section, so a parse that skips sections
//! finds exactly the headers a full parse finds.

use memchr::{memchr, memchr2, memchr_iter};

mod raw;
use super::sections::{differs_from, plain_profile_line};
pub use super::sections::{plain_profile_name, quote_name, shlex_split};
pub use raw::{tokenize, RawKey, RawSection, RawValue};

/// A line the tokenizer could not make sense of; the rest of the file is still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// One meaningful line. Borrowed from the text: nothing is allocated but error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// `[header]`: the text between the brackets, trimmed of spaces and tabs.
    Section {
        header: &'a str,
        line: usize,
    },
    /// `name = value`: name as written (not lowercased), value trimmed, inline comment removed.
    Key {
        name: &'a str,
        value: &'a str,
        line: usize,
    },
    /// An indented `name = value` under a `key =` with an empty value (a nested block).
    SubKey {
        name: &'a str,
        value: &'a str,
        line: usize,
    },
    /// An indented line continuing the previous key's value (trimmed, kept whole).
    Continuation {
        text: &'a str,
        line: usize,
    },
    Error(LineError),
}

/// Trim spaces and tabs from both ends.
#[inline]
pub fn trim_blank(s: &str) -> &str {
    trim_end_blank(trim_start_blank(s))
}

/// Trim spaces and tabs from the start (byte-wise: this runs on every line).
#[inline]
fn trim_start_blank(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    // `i` follows ASCII bytes: a char boundary.
    &s[i..]
}

/// Trim spaces and tabs from the end (byte-wise: this runs on every line).
#[inline]
fn trim_end_blank(s: &str) -> &str {
    let b = s.as_bytes();
    let mut j = b.len();
    while j > 0 && matches!(b[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    // `j` precedes ASCII bytes (or is the end): a char boundary.
    &s[..j]
}

/// Strip an inline comment: ` #…` or ` ;…` after whitespace (the Rust SDK's rule). `a#b` stays whole.
pub fn strip_inline_comment(value: &str) -> &str {
    let b = value.as_bytes();
    let mut from = 1;
    while let Some(i) = b.get(from..).and_then(|rest| memchr2(b'#', b';', rest)) {
        let at = from + i;
        if matches!(b[at - 1], b' ' | b'\t') {
            // `at` is the index of an ASCII byte: a char boundary.
            return trim_blank(&value[..at]);
        }
        from = at + 1;
    }
    value
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// No section header yet.
    NoSection,
    /// After a broken header or a line outside any section: lines are dropped until the next header.
    Skipping,
    /// In a section, no key yet (or the last line was not a key).
    InSection,
    /// After a key with a non-empty value: indented lines continue it.
    AfterScalar,
    /// After `key =`: indented `a = b` lines open a nested block.
    AfterEmpty,
    /// Inside a nested block.
    InBlock,
}

/// The events of a whole file, in order. Never fails: bad lines become `Event::Error`.
pub struct Events<'a> {
    text: &'a str,
    /// Where the next line starts; past the end after the last line.
    next: usize,
    /// The line number of the last line read.
    line: usize,
    state: State,
    last_key: &'a str,
    pending: Option<Event<'a>>,
    /// Where the last line read starts and ends (before its line break).
    span: (usize, usize),
    /// Bytes that are rare in config files, searched for ahead (not line by line): the offset
    /// of the next `\r` at or after where the last line read started (`text.len()` if none),
    /// searched for over the rest of the text;
    next_cr: Rare,
    /// and an offset at or after it before which there is no `#` or `;` (which may start an
    /// inline comment): the next one, or where a search of `MARK_WINDOW` bytes ended. Searched
    /// for only when a key line is read, so a one-profile parse that passes over most of the
    /// text does not search all of it.
    next_mark: Rare,
}

/// How far one search for `#` and `;` looks ahead.
const MARK_WINDOW: usize = 4096;

/// The offset of the next occurrence of a rare byte, searched for again only once it is passed.
#[derive(Clone, Copy)]
struct Rare(usize);

impl Rare {
    /// The first occurrence in `b` at or after `from` of a byte `find` finds (`b.len()` if none).
    /// `from` never decreases between calls.
    #[inline]
    fn at_or_after(
        &mut self,
        b: &[u8],
        from: usize,
        find: impl Fn(&[u8]) -> Option<usize>,
    ) -> usize {
        if self.0 < from {
            let rest = b.get(from..).unwrap_or_default();
            self.0 = find(rest).map_or(b.len(), |i| from + i);
        }
        self.0
    }
}

pub fn events(text: &str) -> Events<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let b = text.as_bytes();
    Events {
        text,
        next: 0,
        line: 0,
        state: State::NoSection,
        last_key: "",
        pending: None,
        span: (0, 0),
        next_cr: Rare(memchr(b'\r', b).unwrap_or(b.len())),
        next_mark: Rare(0),
    }
}

impl<'a> Events<'a> {
    fn error(&self, message: String) -> Event<'a> {
        Event::Error(LineError {
            line: self.line,
            message,
        })
    }

    /// The next line, without its line break.
    fn next_line(&mut self) -> Option<&'a str> {
        let start = self.next;
        let b = self.text.as_bytes();
        let lf = memchr(b'\n', b.get(start..)?).map_or(b.len(), |i| start + i);
        let cr = self.next_cr.at_or_after(b, start, |b| memchr(b'\r', b));
        let (end, next) = if cr < lf {
            (cr, if cr + 1 == lf { lf + 1 } else { cr + 1 })
        } else {
            (lf, lf + 1)
        };
        self.next = next;
        self.line += 1;
        self.span = (start, end);
        // `start` and `end` are at a line start or an ASCII byte: char boundaries.
        self.text.get(start..end)
    }

    /// The line breaks in `text[from..to]` (`\n`, `\r\n` and a lone `\r` count once each);
    /// `from` never decreases between calls.
    fn line_breaks(&mut self, from: usize, to: usize) -> usize {
        let b = self.text.as_bytes();
        let part = b.get(from..to).unwrap_or_default();
        let lf = memchr_iter(b'\n', part).count();
        if self.next_cr.at_or_after(b, from, |b| memchr(b'\r', b)) >= to {
            return lf;
        }
        let lone_cr = memchr_iter(b'\r', part)
            .filter(|&i| part.get(i + 1) != Some(&b'\n'))
            .count();
        lf + lone_cr
    }

    /// Pass over the rest of a section: stop before the next line that `step` would read as a
    /// header (or a broken one). See [`Events::skip_sections`].
    pub fn skip_section(&mut self) {
        self.skip_sections(None, |_, _| false);
    }

    /// Pass over the rest of a section, and over every following section whose header `skip`
    /// accepts: stop before the next line that `step` would read as a header `skip` refuses (or
    /// as a broken header), without classifying the lines in between where that cannot change
    /// the answer. The lines passed over report no problems, and their line breaks are counted
    /// once, where the skip stops (not at all when it reaches the end). `skip` is given the
    /// header and, when its line is plainly `[profile NAME]`, NAME. With `unlike`, a
    /// `[profile ` line whose name provably is not `unlike` (`sections::differs_from`) is passed
    /// over without `skip` and without reading the rest of its line (for the config file, when
    /// the names passed over are not wanted). `[` is rare outside headers, so it is searched for
    /// (memchr) rather than looked for at every line start:
    /// - an unindented `[` line is a header whatever came before it, so the search jumps there;
    /// - an indented one is a header only when there is no value open to continue, so `step`
    ///   runs over the lines up to it and its state decides (a header line passed over unread
    ///   is read first: when it is broken, the skip stops there).
    pub fn skip_sections(
        &mut self,
        unlike: Option<&str>,
        mut skip: impl FnMut(&'a str, Option<&'a str>) -> bool,
    ) {
        self.pending = None;
        // Line breaks from `counted` to `self.next` are not in `self.line` yet.
        let mut counted = self.next;
        // The `[` of the last header passed over unread; the search goes on from `from`, which
        // is `self.next` when there is none.
        let mut unread: Option<usize> = None;
        let mut from = self.next;
        loop {
            let Some((line_start, at)) = first_bracket_line(self.text.as_bytes(), from) else {
                // No line follows: the count is not needed.
                self.next = usize::MAX;
                return;
            };
            if line_start == at {
                if let Some(past) = unlike.and_then(|u| differs_from(self.text, at, u)) {
                    // What `step` does on a header line (a broken one is told apart below
                    // when that matters).
                    self.state = State::InSection;
                    unread = Some(at);
                    from = past;
                    continue;
                }
                unread = None;
                let header = match plain_profile_line(self.text, at) {
                    Some((header, name, next)) => Some((header, Some(name), next)),
                    None => self
                        .header_at(at)
                        .map(|(header, next)| (header, None, next)),
                };
                match header {
                    Some((header, name, next)) if skip(header, name) => {
                        self.state = State::InSection;
                        self.next = next;
                        from = next;
                    }
                    _ => {
                        self.line += self.line_breaks(counted, at);
                        self.next = at;
                        return;
                    }
                }
                continue;
            }
            if let Some(h) = unread.take() {
                match self.header_at(h) {
                    Some((_, next)) => {
                        self.next = next;
                        from = next;
                        continue;
                    }
                    None => {
                        self.line += self.line_breaks(counted, h);
                        self.next = h;
                        return;
                    }
                }
            }
            let start = self.next;
            self.line += self.line_breaks(counted, start);
            while self.next < line_start {
                self.step_quietly();
            }
            if matches!(self.state, State::NoSection | State::InSection) {
                return;
            }
            // Inside a value: the `[` line continues it.
            self.step_quietly();
            counted = self.next;
            from = self.next;
        }
    }

    /// The header of the unindented line starting at `at` (a `[`), as `step` reads it, and where
    /// the next line starts; `None` for a broken header.
    fn header_at(&self, at: usize) -> Option<(&'a str, usize)> {
        let rest = self.text.as_bytes().get(at..)?;
        let (end, next) = match memchr2(b'\n', b'\r', rest) {
            None => (self.text.len(), self.text.len() + 1),
            Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => (at + i, at + i + 2),
            Some(i) => (at + i, at + i + 1),
        };
        // `at` and `end` are at a `[` and a line break: char boundaries.
        let header = parse_header(trim_end_blank(self.text.get(at..end)?)).ok()?;
        Some((header, next))
    }

    /// Read one line with `step` and drop what it yields.
    fn step_quietly(&mut self) {
        if let Some(raw) = self.next_line() {
            let _ = self.step(raw);
            self.pending = None;
        }
    }

    /// `text` (a part of the last line read) without its inline comment. The search for a
    /// comment runs only when a `#` or `;` may be in the line: they are rare, and searched for
    /// ahead (`next_mark`), not line by line.
    #[inline]
    fn uncommented(&mut self, text: &'a str) -> &'a str {
        let (start, end) = self.span;
        let b = self.text.as_bytes();
        let window = |b: &[u8]| {
            let b = b.get(..MARK_WINDOW).unwrap_or(b);
            Some(memchr2(b'#', b';', b).unwrap_or(b.len()))
        };
        if self.next_mark.at_or_after(b, start, window) < end {
            strip_inline_comment(text)
        } else {
            text
        }
    }

    fn block_error(&self) -> Event<'a> {
        self.error(format!(
            "this line in the block under `{}` is not a `key = value` line; \
             fix it, or start it with `#` to make it a comment",
            self.last_key
        ))
    }

    /// What the line `raw` (the last one read) is, given the lines before it; moves the state on.
    /// `None` for lines that mean nothing (blank, comments, lines dropped after a broken header).
    #[inline(always)]
    fn step(&mut self, raw: &'a str) -> Option<Event<'a>> {
        let indented = matches!(raw.as_bytes().first(), Some(b' ' | b'\t'));
        let trimmed = if indented {
            trim_blank(raw)
        } else {
            trim_end_blank(raw)
        };
        if matches!(trimmed.as_bytes().first(), None | Some(b'#' | b';')) {
            return None;
        }
        let line = self.line;
        if indented {
            match self.state {
                State::AfterScalar => {
                    if trimmed.starts_with('[') && trimmed.ends_with(']') {
                        self.pending = Some(self.error(format!(
                            "`{trimmed}` is indented, so it continues the value of `{}` \
                             instead of starting a section; remove the indentation",
                            self.last_key
                        )));
                    }
                    return Some(Event::Continuation {
                        text: trimmed,
                        line,
                    });
                }
                State::AfterEmpty | State::InBlock => {
                    return Some(match split_key(self.uncommented(trimmed)) {
                        Ok((name, value)) => {
                            self.state = State::InBlock;
                            Event::SubKey { name, value, line }
                        }
                        // `credential_process =` followed by an indented command: a value.
                        Err(_) if self.state == State::AfterEmpty => {
                            self.state = State::AfterScalar;
                            Event::Continuation {
                                text: trimmed,
                                line,
                            }
                        }
                        Err(_) => self.block_error(),
                    });
                }
                State::Skipping => return None,
                // Nothing to continue: read it as an ordinary line (botocore does the same).
                State::NoSection | State::InSection => {}
            }
        }
        if trimmed.starts_with('[') {
            return Some(match parse_header(trimmed) {
                Ok(header) => {
                    self.state = State::InSection;
                    Event::Section { header, line }
                }
                Err(message) => {
                    self.state = State::Skipping;
                    self.error(message)
                }
            });
        }
        match self.state {
            State::Skipping => return None,
            State::NoSection => {
                self.state = State::Skipping;
                return Some(
                    self.error(
                        "this line is not under any section; put a section header such as \
                     [default] or [profile NAME] above it"
                            .into(),
                    ),
                );
            }
            _ => {}
        }
        Some(match split_key(self.uncommented(trimmed)) {
            Ok((name, value)) => {
                self.state = if value.is_empty() {
                    State::AfterEmpty
                } else {
                    State::AfterScalar
                };
                self.last_key = name;
                Event::Key { name, value, line }
            }
            Err(message) => {
                self.state = State::InSection;
                self.error(message.into())
            }
        })
    }
}

/// The first `[` in `b` from `from` on that only spaces and tabs precede on its line: (its
/// line's start, its index).
fn first_bracket_line(b: &[u8], mut from: usize) -> Option<(usize, usize)> {
    loop {
        let at = from + memchr(b'[', b.get(from..)?)?;
        let start = b[..at]
            .iter()
            .rposition(|&c| c != b' ' && c != b'\t')
            .map_or(0, |i| i + 1);
        if start == 0 || matches!(b[start - 1], b'\n' | b'\r') {
            return Some((start, at));
        }
        from = at + 1;
    }
}

impl<'a> Iterator for Events<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(e) = self.pending.take() {
            return Some(e);
        }
        loop {
            let raw = self.next_line()?;
            if let Some(e) = self.step(raw) {
                return Some(e);
            }
        }
    }
}

/// `key = value` → (key as written, value), both trimmed; `text` has no blanks at either end.
/// The text never includes the line's secrets in an error.
#[inline(always)]
fn split_key(text: &str) -> Result<(&str, &str), &'static str> {
    let b = text.as_bytes();
    let Some(eq) = memchr(b'=', b) else {
        return Err("this line has no `=`; write `key = value`, \
                    or start the line with `#` to make it a comment");
    };
    let mut name_end = eq;
    while name_end > 0 && matches!(b[name_end - 1], b' ' | b'\t') {
        name_end -= 1;
    }
    if name_end == 0 {
        return Err("this line has nothing before `=`; write `key = value`");
    }
    let mut value_start = eq + 1;
    while value_start < b.len() && matches!(b[value_start], b' ' | b'\t') {
        value_start += 1;
    }
    // Both bounds are next to ASCII bytes (`=` or blanks) or at the end: char boundaries.
    Ok((&text[..name_end], &text[value_start..]))
}

/// A key name as the AWS tools compare it: ASCII-lowercased (allocates only when needed).
pub fn lower_key(name: &str) -> std::borrow::Cow<'_, str> {
    if has_upper(name.as_bytes()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// Whether `b` holds an ASCII uppercase letter. Eight bytes at a time without an early exit, which
/// the compiler turns into a few vector instructions: this runs for every key, and keys are short
/// and almost always lowercase.
fn has_upper(b: &[u8]) -> bool {
    let upper = |bytes: &[u8]| {
        bytes
            .iter()
            .fold(false, |up, c| up | c.is_ascii_uppercase())
    };
    let mut blocks = b.chunks_exact(8);
    let found = blocks.by_ref().fold(false, |up, block| {
        up | <&[u8; 8]>::try_from(block).is_ok_and(|block| upper(block))
    });
    found || upper(blocks.remainder())
}

/// `[ name ] # comment` → `name`. The header ends at the first `]` followed only by blanks or a
/// comment, so `[profile "a]b"]` keeps its `]` and `[default] # see [x]` is `default`.
fn parse_header(trimmed: &str) -> Result<&str, String> {
    let mut from = 1;
    while let Some(i) = memchr(b']', &trimmed.as_bytes()[from..]) {
        let close = from + i;
        let after = trim_blank(&trimmed[close + 1..]);
        if after.is_empty() || after.starts_with(['#', ';']) {
            let name = trim_blank(&trimmed[1..close]);
            if name.is_empty() {
                return Err("empty section header `[]`; write [profile NAME]".into());
            }
            return Ok(name);
        }
        from = close + 1;
    }
    if from == 1 {
        Err(format!(
            "section header `{trimmed}` has no closing `]`; end it with `]`"
        ))
    } else {
        Err(format!(
            "unexpected text after the section header `{trimmed}`; \
             remove it, or put ` #` before it to make it a comment"
        ))
    }
}

#[cfg(test)]
mod tests;
