//! Line tokenizer for the AWS config and credentials files (reference §6): sections, keys, nested
//! blocks, comments, line numbers. Pure: text in, tokens out; it knows nothing of profiles.

/// A value as written: a scalar (possibly with continuation lines joined by `\n`), or a nested
/// block (`key =` followed by indented `sub = value` lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    Scalar(String),
    Nested(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawKey {
    /// Lowercased key name.
    pub name: String,
    pub value: RawValue,
    /// 1-based line of the key.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSection {
    /// The text between `[` and `]`, trimmed of spaces and tabs; case kept.
    pub header: String,
    /// 1-based line of the header.
    pub line: usize,
    pub keys: Vec<RawKey>,
}

/// A line the tokenizer could not make sense of; the rest of the file is still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// Whitespace as the AWS tools see it inside a line.
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Strip an inline comment: ` #…` or ` ;…` after whitespace (the Rust SDK's rule). `a#b` stays whole.
pub fn strip_inline_comment(value: &str) -> &str {
    let mut prev_blank = false;
    for (i, c) in value.char_indices() {
        if (c == '#' || c == ';') && prev_blank {
            return value[..i].trim_end_matches(is_blank);
        }
        prev_blank = is_blank(c);
    }
    value
}

/// Tokenize a whole file. Never fails: bad lines become `LineError`s.
pub fn tokenize(text: &str) -> (Vec<RawSection>, Vec<LineError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<RawSection> = Vec::new();
    let mut errors = Vec::new();
    for (idx, raw_line) in text.split('\n').enumerate() {
        let line_no = idx + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let trimmed = line.trim_matches(is_blank);
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.starts_with(is_blank);
        if indented {
            if let Some(key) = sections.last_mut().and_then(|s| s.keys.last_mut()) {
                continue_key(key, trimmed, line_no, &mut errors);
                continue;
            }
        }
        if trimmed.starts_with('[') {
            match parse_header(trimmed) {
                Ok(header) => sections.push(RawSection {
                    header,
                    line: line_no,
                    keys: Vec::new(),
                }),
                Err(message) => errors.push(LineError {
                    line: line_no,
                    message,
                }),
            }
            continue;
        }
        let Some(section) = sections.last_mut() else {
            errors.push(LineError {
                line: line_no,
                message: "expected a section header such as [profile NAME] before this line".into(),
            });
            continue;
        };
        match split_key(trimmed) {
            Some((name, value)) => section.keys.push(RawKey {
                name,
                value: RawValue::Scalar(value),
                line: line_no,
            }),
            None => errors.push(LineError {
                line: line_no,
                message: format!("expected `key = value`, found {trimmed:?}"),
            }),
        }
    }
    (sections, errors)
}

/// `key = value` → (lowercased key, value without inline comment).
fn split_key(text: &str) -> Option<(String, String)> {
    let (k, v) = text.split_once('=')?;
    let k = k.trim_matches(is_blank);
    if k.is_empty() {
        return None;
    }
    let v = strip_inline_comment(v.trim_matches(is_blank));
    Some((k.to_lowercase(), v.to_string()))
}

/// An indented line after a key: a sub-key of a nested block (`key =` with no value), or a
/// continuation of a non-empty value.
fn continue_key(key: &mut RawKey, text: &str, line_no: usize, errors: &mut Vec<LineError>) {
    match &mut key.value {
        RawValue::Scalar(v) if v.is_empty() => match split_key(text) {
            Some(pair) => key.value = RawValue::Nested(vec![pair]),
            None => errors.push(LineError {
                line: line_no,
                message: format!(
                    "expected `key = value` in the block under `{}`, found {text:?}",
                    key.name
                ),
            }),
        },
        RawValue::Scalar(v) => {
            v.push('\n');
            v.push_str(strip_inline_comment(text));
        }
        RawValue::Nested(pairs) => match split_key(text) {
            Some(pair) => pairs.push(pair),
            None => errors.push(LineError {
                line: line_no,
                message: format!(
                    "expected `key = value` in the block under `{}`, found {text:?}",
                    key.name
                ),
            }),
        },
    }
}

/// `[ name ] # comment` → `name`.
fn parse_header(trimmed: &str) -> Result<String, String> {
    let Some(close) = trimmed.rfind(']') else {
        return Err(format!("section header {trimmed:?} has no closing `]`"));
    };
    let after = trimmed[close + 1..].trim_matches(is_blank);
    if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
        return Err(format!(
            "unexpected text {after:?} after the section header"
        ));
    }
    let name = trimmed[1..close].trim_matches(is_blank);
    if name.is_empty() {
        return Err("empty section header `[]`".into());
    }
    Ok(name.to_string())
}

/// Split a section header the way Python's `shlex.split` (POSIX mode) does, as botocore reads
/// `[profile "a b"]`. `None` for unbalanced quotes.
pub fn shlex_split(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => cur.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\') => cur.push(c),
                            c => {
                                cur.push('\\');
                                cur.push(c);
                            }
                        },
                        c => cur.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.push(chars.next()?);
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Some(words)
}
