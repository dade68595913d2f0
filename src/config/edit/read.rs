//! Reading a config file into a `ConfigDoc`: the UTF-8 check on its bytes, the refusal of a text
//! the parser reports problems in, and the split of the text into sections and typed lines. Pure:
//! text in, document out; must not edit the document, touch files, the environment or the terminal.

use std::collections::HashMap;

use super::super::{ini, Config, ConfigError, FileId};
use super::lines::{check_line_ends, split_lines, Block, Kind};
use super::{err, ConfigDoc, SectionId};

impl ConfigDoc {
    /// Read a config file's bytes; invalid UTF-8 is refused (see [`utf8`]).
    pub fn from_bytes(bytes: &[u8], path: &str) -> Result<ConfigDoc, ConfigError> {
        ConfigDoc::parse(utf8(bytes, path)?, path)
    }

    /// Split a config file's text into sections. A text with any problem the parser reports is
    /// refused: the error names the file, the line and the fix.
    pub fn parse(text: &str, path: &str) -> Result<ConfigDoc, ConfigError> {
        check_line_ends(text, path)?;
        let cfg = Config::parse(text, None, path.to_string(), String::new());
        // Lines the AWS CLI refuses the whole file for come first: they are the worst.
        let problems: Vec<&ConfigError> = cfg.refused.iter().chain(&cfg.problems).collect();
        if let Some(first) = problems.first() {
            let mut message = first.0.clone();
            for p in problems.iter().skip(1).take(2) {
                message.push('\n');
                message.push_str(&p.0);
            }
            if problems.len() > 3 {
                message.push_str(&format!("\n(and {} more)", problems.len() - 3));
            }
            message.push_str(&format!(
                "\nssox does not rewrite {path} while it has problems: fix them and run again"
            ));
            return Err(err(message));
        }
        // The parser's names for the header lines (each section appears once: no problems).
        let mut ids: HashMap<usize, SectionId> = HashMap::new();
        for p in cfg.profiles.values() {
            if p.source.file == FileId::Config {
                ids.insert(p.source.line, SectionId::profile(&p.name));
            }
        }
        for s in cfg.sessions.values() {
            ids.insert(s.source.line, SectionId::session(&s.name));
        }
        let bom = text.starts_with('\u{feff}');
        let mut lines = split_lines(text.strip_prefix('\u{feff}').unwrap_or(text));
        for event in ini::events(text) {
            let (line, kind) = match event {
                ini::Event::Section { line, .. } => (line, Kind::Header),
                ini::Event::Key { line, .. } => (line, Kind::Key),
                ini::Event::SubKey { line, .. } | ini::Event::Continuation { line, .. } => {
                    (line, Kind::Inner)
                }
                ini::Event::InlineComment { .. } => continue,
                ini::Event::Error(e) | ini::Event::Refused(e) => {
                    return Err(err(format!("{path}:{}: {}", e.line, e.message)));
                }
            };
            if let Some(l) = lines.get_mut(line - 1) {
                l.kind = kind;
            }
        }
        let crlf = lines.iter().filter(|l| l.eol == "\r\n").count();
        let lf = lines.iter().filter(|l| l.eol == "\n").count();
        let mut doc = ConfigDoc {
            path: path.to_string(),
            bom,
            eol: if crlf > lf { "\r\n" } else { "\n" },
            blocks: vec![Block {
                id: None,
                lines: Vec::new(),
            }],
            order: vec![0],
            index: HashMap::new(),
        };
        for (n, line) in lines.into_iter().enumerate() {
            if line.kind == Kind::Header {
                let id = ids.remove(&(n + 1));
                if let Some(id) = &id {
                    doc.index.insert(id.clone(), doc.blocks.len());
                }
                doc.order.push(doc.blocks.len());
                doc.blocks.push(Block {
                    id,
                    lines: Vec::new(),
                });
            }
            if let Some(b) = doc.blocks.last_mut() {
                b.lines.push(line);
            }
        }
        Ok(doc)
    }
}

/// A config file's bytes as text, for editing: invalid UTF-8 is an error naming the line, since
/// `config::load`'s lossy reading would change those bytes if the text were written back.
pub fn utf8<'a>(bytes: &'a [u8], path: &str) -> Result<&'a str, ConfigError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes
            .iter()
            .take(e.valid_up_to())
            .filter(|&&b| b == b'\n')
            .count();
        err(format!(
            "{path}:{line}: this line is not valid UTF-8, and ssox rewrites only UTF-8 config \
             files; save the file as UTF-8 and run again"
        ))
    })
}
