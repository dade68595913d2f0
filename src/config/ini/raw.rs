//! The whole file as sections of keys (`tokenize`), for callers that need every key with its
//! line. Built on `events`; pure.

use super::{events, lower_key, Event, LineError};

/// A value as written: a scalar (possibly with continuation lines joined by `\n`), or a nested
/// block (`key =` followed by indented `sub = value` lines).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))] // for callers that need per-key lines
pub enum RawValue {
    Scalar(String),
    Nested(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))] // for callers that need per-key lines
pub struct RawKey {
    /// Lowercased key name.
    pub name: String,
    pub value: RawValue,
    /// 1-based line of the key.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))] // for callers that need per-key lines
pub struct RawSection {
    /// The text between `[` and `]`, trimmed of spaces and tabs; case kept.
    pub header: String,
    /// 1-based line of the header.
    pub line: usize,
    pub keys: Vec<RawKey>,
}

#[cfg_attr(not(test), allow(dead_code))] // for callers that need per-key lines
/// Tokenize a whole file into sections. Never fails: bad lines become `LineError`s.
pub fn tokenize(text: &str) -> (Vec<RawSection>, Vec<LineError>) {
    let mut sections: Vec<RawSection> = Vec::new();
    let mut errors = Vec::new();
    for event in events(text) {
        let last_key = sections.last_mut().and_then(|s| s.keys.last_mut());
        match (event, last_key) {
            (Event::Section { header, line }, _) => sections.push(RawSection {
                header: header.to_string(),
                line,
                keys: Vec::new(),
            }),
            (Event::Key { name, value, line }, _) => {
                if let Some(s) = sections.last_mut() {
                    s.keys.push(RawKey {
                        name: lower_key(name).into_owned(),
                        value: RawValue::Scalar(value.to_string()),
                        line,
                    });
                }
            }
            (Event::SubKey { name, value, .. }, Some(key)) => {
                let pair = (lower_key(name).into_owned(), value.to_string());
                match &mut key.value {
                    RawValue::Nested(pairs) => pairs.push(pair),
                    v => *v = RawValue::Nested(vec![pair]),
                }
            }
            (Event::Continuation { text, .. }, Some(key)) => {
                if let RawValue::Scalar(v) = &mut key.value {
                    v.push('\n');
                    v.push_str(text);
                }
            }
            (Event::Error(e) | Event::Refused(e), _) => errors.push(e),
            (Event::InlineComment { .. }, _) => {}
            (Event::SubKey { .. } | Event::Continuation { .. }, None) => {}
        }
    }
    (sections, errors)
}
