//! Byte-preserving edits of the AWS config file's text: set and remove keys, add, rename and
//! remove `[profile]`/`[sso-session]` sections, leaving every other byte as it was (comments,
//! blank lines, key order, spacing, line endings, a BOM, sections ssox does not know, nested
//! blocks). Every write of `~/.aws/config` goes through here. Pure: text in, text out; it must not
//! touch files, the environment or the terminal, and it refuses a file the parser reports problems
//! in, so such a file is never rewritten.
//! `read.rs` turns a file's bytes into a document, `lines.rs` knows single lines and what may be
//! written, `inspect.rs` reads a section's lines back for messages.
//!
//! The rules, for what is not obvious (docs/compat.md#config-files):
//! - An updated key keeps its line: indentation, the key's spelling, the text around `=` and an
//!   inline comment; only the value changes (and a nested block under it is dropped).
//! - A new key goes after the section's last key (and its nested or continued lines), before the
//!   blank and comment lines that end the section, at the start of the line, as `key = value`
//!   (or `key=value` when the section's last key is written so).
//! - A new section goes at the end of the file, or right after a given section, with one blank
//!   line before its header; the lines that followed that section's last key stay after the new one.
//! - A removed section takes its header, its keys, the comments between them and the blank lines
//!   after them; comment lines right above its header, or after its keys, stay (they often head the
//!   next section or a group). When nothing follows it, the blank lines right above its header go
//!   instead, so the file still ends as it did.
//! - New lines use the file's dominant line ending; the last line, if it had none, gets one only
//!   when lines are added after it. An indented header that an edit would turn into a continuation
//!   of the key above it loses its indentation (the only change to a line outside the edited
//!   sections, made so that the file keeps its meaning).

use std::collections::HashMap;

mod inspect;
mod lines;
mod read;

use super::{ini, Config, ConfigError};
use lines::{check_key, check_value, header_end, separator, value_span};
use lines::{Block, Kind, Line};

pub use inspect::SectionLines;
pub use lines::value_round_trips;
pub use read::utf8;

/// A section the editor can find and write, named as the parser names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SectionId {
    /// `[profile NAME]`, or `[default]` for `default`.
    Profile(String),
    /// `[sso-session NAME]`.
    Session(String),
}

impl SectionId {
    pub fn profile(name: impl Into<String>) -> SectionId {
        SectionId::Profile(name.into())
    }

    pub fn session(name: impl Into<String>) -> SectionId {
        SectionId::Session(name.into())
    }

    /// The text between the brackets of a new header: `profile "a b"`, `default`, `sso-session x`.
    fn header(&self) -> String {
        match self {
            SectionId::Profile(n) if n == "default" => "default".into(),
            SectionId::Profile(n) => format!("profile {}", ini::quote_name(n)),
            SectionId::Session(n) => format!("sso-session {}", ini::quote_name(n)),
        }
    }

    /// `[profile "a b"]`, as messages show it.
    pub fn label(&self) -> String {
        format!("[{}]", self.header())
    }

    fn with_name(&self, name: &str) -> SectionId {
        match self {
            SectionId::Profile(_) => SectionId::profile(name),
            SectionId::Session(_) => SectionId::session(name),
        }
    }
}

/// Where `add_section` puts a new section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// At the end of the file.
    End,
    /// Right after this section's last key (which must exist).
    After(SectionId),
}

/// A config file's text, split into sections for editing. `text()` gives it back; with no edit,
/// byte for byte.
#[derive(Debug, Clone)]
pub struct ConfigDoc {
    /// As shown in messages (`~/.aws/config`).
    path: String,
    bom: bool,
    /// The dominant line ending, for new lines.
    eol: &'static str,
    /// Every block ever made; removed ones are left empty.
    blocks: Vec<Block>,
    /// Indexes into `blocks`, in file order.
    order: Vec<usize>,
    index: HashMap<SectionId, usize>,
}

fn err(message: String) -> ConfigError {
    ConfigError(message)
}

impl ConfigDoc {
    /// Whether the file has this section.
    pub fn contains(&self, id: &SectionId) -> bool {
        self.index.contains_key(id)
    }

    fn block(&self, id: &SectionId) -> Result<usize, ConfigError> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| err(format!("there is no {} in {}", id.label(), self.path)))
    }

    /// Set `key` to `value` in a section: the key's own line when it has one, else a new line
    /// after the section's last key. `Ok(false)` when the key already had that value.
    pub fn set_key(&mut self, id: &SectionId, key: &str, value: &str) -> Result<bool, ConfigError> {
        check_key(key)?;
        check_value(key, value)?;
        let b = self.block(id)?;
        let block = &mut self.blocks[b];
        let lower = ini::lower_key(key);
        if let Some((i, end)) = block.find_key(&lower) {
            let has_inner = block.lines[i + 1..end]
                .iter()
                .any(|l| l.kind == Kind::Inner);
            let line = &mut block.lines[i];
            let len = line.text.len();
            let (start, stop) = value_span(&line.text).unwrap_or((len, len));
            if line.text.get(start..stop) == Some(value) && !has_inner {
                return Ok(false);
            }
            let (before, after) = (&line.text[..start], &line.text[stop..]);
            let space = if before.ends_with('=') { " " } else { "" };
            line.text = format!("{before}{space}{value}{after}");
            // A nested block or continuation under the key is part of the old value.
            let mut n = 0;
            block.lines.retain(|l| {
                n += 1;
                !(n - 1 > i && n - 1 < end && l.kind == Kind::Inner)
            });
            return Ok(true);
        }
        let at = block
            .lines
            .iter()
            .rposition(|l| l.kind == Kind::Key)
            .map_or(1, |i| block.key_end(i));
        let sep = block
            .lines
            .iter()
            .rev()
            .filter(|l| l.kind == Kind::Key)
            .find_map(|l| separator(&l.text))
            .unwrap_or(" = ");
        let line = Line {
            text: format!("{key}{sep}{value}"),
            eol: self.eol,
            kind: Kind::Key,
        };
        block.lines.insert(at.min(block.lines.len()), line);
        self.fix_next_header(b);
        Ok(true)
    }

    /// Remove `key` (and its nested or continued lines) from a section. `Ok(false)` when it had
    /// no such key.
    pub fn remove_key(&mut self, id: &SectionId, key: &str) -> Result<bool, ConfigError> {
        let b = self.block(id)?;
        let block = &mut self.blocks[b];
        let Some((i, end)) = block.find_key(&ini::lower_key(key)) else {
            return Ok(false);
        };
        let mut n = 0;
        block.lines.retain(|l| {
            n += 1;
            !(n - 1 == i || (n - 1 > i && n - 1 < end && l.kind == Kind::Inner))
        });
        Ok(true)
    }

    /// Add a section with these keys, in this order.
    pub fn add_section(
        &mut self,
        id: &SectionId,
        keys: &[(&str, &str)],
        at: &Placement,
    ) -> Result<(), ConfigError> {
        if self.contains(id) {
            return Err(err(format!(
                "{} already exists in {}",
                id.label(),
                self.path
            )));
        }
        let header = checked_header(id)?;
        let mut lines = Vec::with_capacity(keys.len() + 2);
        for (key, value) in keys {
            check_key(key)?;
            check_value(key, value)?;
            lines.push(self.new_line(format!("{key} = {value}"), Kind::Key));
        }
        lines.insert(0, self.new_line(format!("[{header}]"), Kind::Header));
        let blank = self.new_line(String::new(), Kind::Blank);
        let pos = match at {
            Placement::End => {
                let last = self
                    .order
                    .iter()
                    .rev()
                    .copied()
                    .find(|&n| !self.blocks[n].lines.is_empty());
                if let Some(last) = last {
                    let lines = &mut self.blocks[last].lines;
                    if lines.last().is_some_and(|l| l.kind != Kind::Blank) {
                        lines.push(blank);
                    }
                }
                self.order.len()
            }
            Placement::After(anchor) => {
                let a = self.block(anchor)?;
                let block = &mut self.blocks[a];
                lines.extend(block.lines.split_off(block.content_end()));
                block.lines.push(blank);
                self.position(a) + 1
            }
        };
        let b = self.blocks.len();
        self.blocks.push(Block {
            id: Some(id.clone()),
            lines,
        });
        self.order.insert(pos, b);
        self.index.insert(id.clone(), b);
        self.fix_next_header(b);
        Ok(())
    }

    /// Remove a section (see the module's rules for the lines around it). `Ok(false)` when the
    /// file has no such section.
    pub fn remove_section(&mut self, id: &SectionId) -> Result<bool, ConfigError> {
        let Some(b) = self.index.remove(id) else {
            return Ok(false);
        };
        let pos = self.position(b);
        let nothing_after = self.order[pos + 1..]
            .iter()
            .all(|&n| self.blocks[n].lines.is_empty());
        let block = &mut self.blocks[b];
        let mut tail = block.lines.split_off(block.content_end());
        let first_comment = tail.iter().position(|l| l.kind == Kind::Comment);
        block.id = None;
        block.lines.clear();
        let kept = match first_comment {
            Some(c) => tail.split_off(c),
            None if nothing_after => {
                // The blank lines above the header separated it from the section before.
                let prev = self.order[..pos]
                    .iter()
                    .rev()
                    .copied()
                    .find(|&n| !self.blocks[n].lines.is_empty());
                if let Some(prev) = prev {
                    let lines = &mut self.blocks[prev].lines;
                    while lines.last().is_some_and(|l| l.kind == Kind::Blank) {
                        lines.pop();
                    }
                }
                tail
            }
            None => Vec::new(),
        };
        self.blocks[b].lines = kept;
        self.fix_next_header(b);
        Ok(true)
    }

    /// Rename a section in place: only its header line changes (indentation and a comment after
    /// the `]` are kept).
    pub fn rename_section(&mut self, id: &SectionId, new_name: &str) -> Result<(), ConfigError> {
        let new_id = id.with_name(new_name);
        if self.contains(&new_id) {
            return Err(err(format!(
                "cannot rename {} to {}: {} already has it",
                id.label(),
                new_id.label(),
                self.path
            )));
        }
        let header = checked_header(&new_id)?;
        let b = self.block(id)?;
        // A section's block starts with its header.
        if let Some(line) = self.blocks[b].lines.first_mut() {
            let lead = line.text.len() - line.text.trim_start_matches([' ', '\t']).len();
            let after = header_end(&line.text).map_or("", |e| &line.text[e..]);
            line.text = format!("{}[{header}]{after}", &line.text[..lead]);
        }
        self.blocks[b].id = Some(new_id.clone());
        self.index.remove(id);
        self.index.insert(new_id, b);
        Ok(())
    }

    /// The text as edited (with no edit, the text it was parsed from, byte for byte).
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        let mut lines = self.order.iter().flat_map(|&b| &self.blocks[b].lines);
        let mut cur = lines.next();
        while let Some(line) = cur {
            out.push_str(&line.text);
            let next = lines.next();
            out.push_str(match (line.eol, next) {
                (eol, None) => eol,
                ("\r", Some(_)) => "\r\n",
                ("", Some(_)) => self.eol,
                (eol, Some(_)) => eol,
            });
            cur = next;
        }
        out
    }

    /// `text()`, checked: the edited text must parse with no problem (else nothing may be
    /// written, and the error says so).
    pub fn finish(&self) -> Result<String, ConfigError> {
        let text = self.text();
        let cfg = Config::parse(&text, None, self.path.clone(), String::new());
        match cfg.problems.first() {
            None => Ok(text),
            Some(p) => Err(err(format!(
                "ssox's edit of {} would not read back cleanly, so nothing was written ({}); \
                 this is a bug in ssox: please report it",
                self.path,
                p.0.strip_prefix(&format!("{}:", self.path)).unwrap_or(&p.0)
            ))),
        }
    }

    fn new_line(&self, text: String, kind: Kind) -> Line {
        Line {
            text,
            eol: self.eol,
            kind,
        }
    }

    fn position(&self, b: usize) -> usize {
        self.order.iter().position(|&n| n == b).unwrap_or(0)
    }

    /// After an edit ending at block `b`: the next section's header, if indented, would now be
    /// read as a continuation of a key above it; remove its indentation.
    fn fix_next_header(&mut self, b: usize) {
        let meaningful = |l: &Line| !matches!(l.kind, Kind::Blank | Kind::Comment);
        let pos = self.position(b);
        let above = self.order[..=pos]
            .iter()
            .rev()
            .flat_map(|&n| self.blocks[n].lines.iter().rev())
            .find(|l| meaningful(l))
            .map(|l| l.kind);
        if !matches!(above, Some(Kind::Key | Kind::Inner)) {
            return;
        }
        let next = self.order[pos + 1..].iter().find_map(|&n| {
            let i = self.blocks[n].lines.iter().position(meaningful)?;
            Some((n, i))
        });
        if let Some((n, i)) = next {
            let line = &mut self.blocks[n].lines[i];
            if line.kind == Kind::Header {
                line.text = line.text.trim_start_matches([' ', '\t']).to_string();
            }
        }
    }
}

/// The header for `id`, checked to read back as `id` (a name that cannot is refused).
fn checked_header(id: &SectionId) -> Result<String, ConfigError> {
    let header = id.header();
    let text = format!("[{header}]\nregion = x\n");
    let cfg = Config::parse(&text, None, String::new(), String::new());
    let back = match id {
        SectionId::Profile(n) => cfg.profiles.contains_key(n) && cfg.profiles.len() == 1,
        SectionId::Session(n) => cfg.sessions.contains_key(n) && cfg.sessions.len() == 1,
    };
    let name_ok = match id {
        SectionId::Profile(n) | SectionId::Session(n) => !n.chars().any(char::is_control),
    };
    if back && name_ok && cfg.problems.is_empty() {
        return Ok(header);
    }
    let (kind, name) = match id {
        SectionId::Profile(n) => ("profile", n),
        SectionId::Session(n) => ("sso-session", n),
    };
    Err(err(format!(
        "cannot write a {kind} named {name:?}: the AWS tools would not read that name back; \
         choose a name of letters, digits, `-`, `_` and `.`"
    )))
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
