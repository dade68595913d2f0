//! Line-level rules of the config editor: what each line is, where a key line's name and value
//! are, and which keys and values may be written. Pure text; it knows nothing of sections' names
//! and must not touch files, the environment or the terminal.

use super::super::{ini, ConfigError};
use super::SectionId;

/// What a line is, as the tokenizer read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Blank,
    Comment,
    Header,
    Key,
    /// A nested `sub = value` or continuation line: part of the key above it.
    Inner,
}

#[derive(Debug, Clone)]
pub(super) struct Line {
    /// The line without its ending.
    pub(super) text: String,
    /// `\n`, `\r\n`, or (the file's last line only) `\r` or nothing.
    pub(super) eol: &'static str,
    pub(super) kind: Kind,
}

/// The lines before the first header, or one section: its header and every line up to the next.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub(super) id: Option<SectionId>,
    pub(super) lines: Vec<Line>,
}

impl Block {
    /// One past the last header, key or inner line: where the section's own lines end.
    pub(super) fn content_end(&self) -> usize {
        self.lines
            .iter()
            .rposition(|l| !matches!(l.kind, Kind::Blank | Kind::Comment))
            .map_or(0, |i| i + 1)
    }

    /// The key line `key` (compared lowercased) and one past its last inner line.
    pub(super) fn find_key(&self, key: &str) -> Option<(usize, usize)> {
        let i = self
            .lines
            .iter()
            .position(|l| l.kind == Kind::Key && ini::lower_key(key_name(&l.text)) == key)?;
        Some((i, self.key_end(i)))
    }

    pub(super) fn key_end(&self, i: usize) -> usize {
        let mut end = i + 1;
        for (j, l) in self.lines.iter().enumerate().skip(i + 1) {
            match l.kind {
                Kind::Inner => end = j + 1,
                Kind::Blank | Kind::Comment => {}
                Kind::Header | Kind::Key => break,
            }
        }
        end
    }
}

/// The key name of a key line, as written.
pub(super) fn key_name(text: &str) -> &str {
    let body = ini::strip_inline_comment(ini::trim_blank(text));
    ini::trim_blank(body.split_once('=').map_or(body, |(k, _)| k))
}

/// Byte range of a key line's value (empty, right after `=`, for `key =`).
pub(super) fn value_span(text: &str) -> Option<(usize, usize)> {
    let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
    let body = ini::strip_inline_comment(ini::trim_blank(text));
    let eq = body.find('=')?;
    let after = &body[eq + 1..];
    let start = lead + eq + 1 + (after.len() - after.trim_start_matches([' ', '\t']).len());
    Some((start, start + ini::trim_blank(after).len()))
}

/// Refuse a text with a lone `\r` before its last byte: the tokenizer ends a line there (as
/// botocore does) but `split_lines` does not, so the editor's lines would not be the parser's.
pub(super) fn check_line_ends(text: &str, path: &str) -> Result<(), ConfigError> {
    let b = text.as_bytes();
    let lone = (0..b.len().saturating_sub(1)).find(|&i| b[i] == b'\r' && b[i + 1] != b'\n');
    let Some(i) = lone else { return Ok(()) };
    let line = b[..i].iter().filter(|&&c| c == b'\n').count() + 1;
    Err(ConfigError(format!(
        "{path}:{line}: this line ends with a lone carriage return (old Mac line endings); ssox \
         reads such a file but does not rewrite it: convert its line endings to \\n and run again"
    )))
}

/// Split text into lines with their endings: on `\n`, less one `\r` (see `check_line_ends`).
pub(super) fn split_lines(text: &str) -> Vec<Line> {
    text.split_inclusive('\n')
        .map(|raw| {
            let (text, eol) = if let Some(t) = raw.strip_suffix("\r\n") {
                (t, "\r\n")
            } else if let Some(t) = raw.strip_suffix('\n') {
                (t, "\n")
            } else if let Some(t) = raw.strip_suffix('\r') {
                (t, "\r")
            } else {
                (raw, "")
            };
            let kind = if ini::trim_blank(text).is_empty() {
                Kind::Blank
            } else {
                Kind::Comment
            };
            Line {
                text: text.to_string(),
                eol,
                kind,
            }
        })
        .collect()
}

/// A key name ssox writes: letters, digits, `_` and `-`.
pub(super) fn check_key(key: &str) -> Result<(), ConfigError> {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Ok(());
    }
    Err(ConfigError(format!(
        "cannot write the key {key:?}: a key is letters, digits, `_` and `-`"
    )))
}

/// Whether `value` reads back as itself after `key = ` (ssox's and botocore's readers agree).
pub fn value_round_trips(value: &str) -> bool {
    !value.is_empty()
        && !value.chars().any(char::is_control)
        && ini::trim_blank(value) == value
        && !value.starts_with(['#', ';'])
        && ini::strip_inline_comment(value) == value
}

pub(super) fn check_value(key: &str, value: &str) -> Result<(), ConfigError> {
    if value_round_trips(value) {
        return Ok(());
    }
    Err(ConfigError(format!(
        "cannot write {key} = {value:?}: a value must be one line, not empty, without spaces at \
         either end, and without ` #` or ` ;` (which start a comment)"
    )))
}

/// `=` when a key line is written `key=value` (else new keys get ` = `).
pub(super) fn separator(text: &str) -> Option<&str> {
    let (start, stop) = value_span(text)?;
    if start == stop {
        return None;
    }
    let name = key_name(text);
    let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
    let sep = text.get(lead + name.len()..start)?;
    (sep == "=").then_some(sep)
}

/// Index just past a header's closing `]`: the first `]` followed only by blanks or a comment.
pub(super) fn header_end(text: &str) -> Option<usize> {
    text.match_indices(']').map(|(i, _)| i + 1).find(|&e| {
        let rest = ini::trim_blank(&text[e..]);
        rest.is_empty() || rest.starts_with(['#', ';'])
    })
}
