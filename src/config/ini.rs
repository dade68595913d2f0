//! Line tokenizer for the AWS config and credentials files (docs/compat.md#config-files): sections,
//! keys, nested blocks, comments, line numbers. Pure: text in, tokens out; it knows nothing of
//! profiles and must not touch files, the network or the terminal.
//!
//! The rules, where the AWS tools disagree, are the Rust SDK's, except that an indented `#`/`;`
//! line is a comment (as in botocore) and never part of a value. A line ends at `\n`, `\r\n` or a
//! lone `\r` (the universal newlines botocore's `raw_config_parse` reads with). No escape
//! processing at all.
//!
//! One function, `Events::step`, decides what every line is. `Events::skip_sections` (`skip.rs`)
//! passes over lines without it only where `step` could not start a section, so a parse that
//! skips sections finds exactly the headers a full parse finds.

use memchr::{memchr, memchr2};

mod raw;
mod skip;
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
    /// The `Key` or `SubKey` just given had an inline comment, which was removed from its value
    /// (botocore keeps it: docs/compat.md#config-files). `key` as written.
    InlineComment {
        key: &'a str,
        line: usize,
    },
    Error(LineError),
    /// A line that makes botocore refuse the whole file (`ConfigParseError`): an indented line
    /// without `=` in the block under `key =` (botocore's `_parse_nested`). Never part of a value.
    Refused(LineError),
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

    /// An indented line without `=` under `key =`: botocore reads the block as `sub = value`
    /// lines and refuses the whole file (`ConfigParseError`), so it is never taken as the value.
    fn block_error(&self) -> Event<'a> {
        let key = self.last_key;
        Event::Refused(LineError {
            line: self.line,
            message: format!(
                "this line in the block under `{key} =` is not a `sub = value` line, so the AWS \
                 CLI and the SDKs cannot read this file at all (botocore: ConfigParseError) and \
                 ssox ignores the line; write the value on the key's line (`{key} = VALUE`), or \
                 start the line with `#` to make it a comment"
            ),
        })
    }

    /// The event for a key line, after which an `InlineComment` follows when `uncommented`
    /// removed one.
    #[inline(always)]
    fn with_comment(&mut self, event: Event<'a>, whole: &str, value: &str) -> Event<'a> {
        if whole.len() != value.len() {
            if let Event::Key { name, line, .. } | Event::SubKey { name, line, .. } = event {
                self.pending = Some(Event::InlineComment { key: name, line });
            }
        }
        event
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
                    let text = self.uncommented(trimmed);
                    return Some(match split_key(text) {
                        Ok((name, value)) => {
                            self.state = State::InBlock;
                            let event = Event::SubKey { name, value, line };
                            self.with_comment(event, trimmed, text)
                        }
                        // `credential_process =` followed by an indented command: botocore
                        // refuses the file; the rest of the block is still read as a block.
                        Err(_) => {
                            self.state = State::InBlock;
                            self.block_error()
                        }
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
        let text = self.uncommented(trimmed);
        Some(match split_key(text) {
            Ok((name, value)) => {
                self.state = if value.is_empty() {
                    State::AfterEmpty
                } else {
                    State::AfterScalar
                };
                self.last_key = name;
                self.with_comment(Event::Key { name, value, line }, trimmed, text)
            }
            Err(message) => {
                self.state = State::InSection;
                self.error(message.into())
            }
        })
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
