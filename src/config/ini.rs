//! Line tokenizer for the AWS config and credentials files (reference §6): sections, keys, nested
//! blocks, comments, line numbers. Pure: text in, tokens out; it knows nothing of profiles and
//! must not touch files, the network or the terminal.
//!
//! The rules, where the AWS tools disagree, are the Rust SDK's, except that an indented `#`/`;`
//! line is a comment (as in botocore) and never part of a value. No escape processing at all.

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

/// Whitespace as the AWS tools see it inside a line.
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Trim spaces and tabs from both ends (byte-wise: this runs on every line).
#[inline]
pub fn trim_blank(s: &str) -> &str {
    let b = s.as_bytes();
    let (mut i, mut j) = (0, b.len());
    while i < j && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    while j > i && (b[j - 1] == b' ' || b[j - 1] == b'\t') {
        j -= 1;
    }
    &s[i..j]
}

/// Strip an inline comment: ` #…` or ` ;…` after whitespace (the Rust SDK's rule). `a#b` stays whole.
pub fn strip_inline_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for i in 1..bytes.len() {
        if (bytes[i] == b'#' || bytes[i] == b';') && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t')
        {
            return trim_blank(&value[..i]);
        }
    }
    value
}

/// The first index at or after `from` of any of `needles` in `b` (`b.len()` if none), eight bytes
/// at a time: lines are short but the text after them is long, so whole words can be read.
#[inline]
fn find_any<const N: usize>(b: &[u8], mut from: usize, needles: [u8; N]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(from..from + 8) {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        // Per needle, the high bit of each byte equal to it (plus, at most, false hits above a
        // true one, which the lowest set bit never is).
        let hits = needles.iter().fold(0, |m, &c| {
            let x = w ^ (LO * u64::from(c));
            m | (x.wrapping_sub(LO) & !x & HI)
        });
        if hits != 0 {
            return from + (hits.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while from < b.len() && !needles.contains(&b[from]) {
        from += 1;
    }
    from
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
    rest: Option<&'a str>,
    line: usize,
    state: State,
    last_key: &'a str,
    pending: Option<Event<'a>>,
    /// Read plain key lines with `fast_key` (off only to test it against the general path).
    fast: bool,
}

pub fn events(text: &str) -> Events<'_> {
    Events {
        rest: Some(text.strip_prefix('\u{feff}').unwrap_or(text)),
        line: 0,
        state: State::NoSection,
        last_key: "",
        pending: None,
        fast: true,
    }
}

/// `events` without the fast path for plain key lines: the reference it is tested against.
#[cfg(test)]
pub fn events_general(text: &str) -> Events<'_> {
    Events {
        fast: false,
        ..events(text)
    }
}

impl<'a> Events<'a> {
    fn error(&self, message: String) -> Event<'a> {
        Event::Error(LineError {
            line: self.line,
            message,
        })
    }

    fn next_line(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let (line, rest) = match rest.as_bytes().iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        self.rest = rest;
        self.line += 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// Jump to the next line that starts with `[` without tokenizing the lines in between (their
    /// problems go unreported). Used to pass over sections nobody asked for.
    pub fn skip_section(&mut self) {
        self.pending = None;
        self.state = State::Skipping;
        let Some(rest) = self.rest else { return };
        // `[` is rare outside headers, so look for it (memchr) rather than at every line start.
        let bytes = rest.as_bytes();
        let mut from = 0;
        let at = loop {
            match rest[from..].find('[') {
                Some(i) if from + i == 0 || bytes[from + i - 1] == b'\n' => break Some(from + i),
                Some(i) => from += i + 1,
                None => break None,
            }
        };
        let (skipped, next) = match at {
            Some(i) => (&rest[..i], Some(&rest[i..])),
            None => (rest, None),
        };
        self.line += count_newlines(skipped.as_bytes());
        self.rest = next;
    }

    /// The common line, an unindented `key = value` in a section, read in one pass over its
    /// bytes. `None` (nothing consumed) for anything else: the general path reads those.
    fn fast_key(&mut self, rest: &'a str) -> Option<Event<'a>> {
        let b = rest.as_bytes();
        if matches!(
            b.first()?,
            b' ' | b'\t' | b'\r' | b'\n' | b'[' | b'#' | b';' | b'='
        ) {
            return None;
        }
        let blank_before = |i: usize| i > 0 && matches!(b[i - 1], b' ' | b'\t');
        // The first `=`; a line end or an inline comment before it is for the general path.
        let mut i = 1;
        let eq = loop {
            i = find_any(b, i, [b'=', b'\n', b'#', b';']);
            match *b.get(i)? {
                b'=' => break i,
                b'#' | b';' if !blank_before(i) => i += 1,
                _ => return None,
            }
        };
        // The value's end: an inline comment, or the line's end (less one `\r`).
        i = eq + 1;
        let (end, next) = loop {
            i = find_any(b, i, [b'\n', b'#', b';']);
            match b.get(i) {
                None => break (i - usize::from(b[i - 1] == b'\r' && i - 1 > eq), None),
                Some(b'\n') => {
                    break (
                        i - usize::from(b[i - 1] == b'\r' && i - 1 > eq),
                        Some(i + 1),
                    );
                }
                Some(_) if blank_before(i) => {
                    let nl = find_any(b, i, [b'\n']);
                    break (i, (nl < b.len()).then_some(nl + 1));
                }
                Some(_) => i += 1,
            }
        };
        // `b[0]` is not blank, so only the name's end needs trimming.
        let mut name_end = eq;
        while matches!(b[name_end - 1], b' ' | b'\t') {
            name_end -= 1;
        }
        let (mut v0, mut v1) = (eq + 1, end);
        while v0 < v1 && matches!(b[v0], b' ' | b'\t') {
            v0 += 1;
        }
        while v1 > v0 && matches!(b[v1 - 1], b' ' | b'\t') {
            v1 -= 1;
        }
        // Every bound is next to an ASCII byte (or the end), so these are char boundaries.
        let name = rest.get(..name_end)?;
        let value = rest.get(v0..v1)?;
        self.rest = next.map(|n| &rest[n..]);
        self.line += 1;
        self.state = if value.is_empty() {
            State::AfterEmpty
        } else {
            State::AfterScalar
        };
        self.last_key = name;
        Some(Event::Key {
            name,
            value,
            line: self.line,
        })
    }

    /// The common lines read without the general path: empty lines are passed over, a plain
    /// `[header]` and (in a section) a plain `key = value` line are read in one pass. `None`
    /// (nothing consumed) for anything else.
    fn fast_line(&mut self) -> Option<Event<'a>> {
        loop {
            let rest = self.rest?;
            match rest.as_bytes().first()? {
                b'\n' => {
                    self.rest = Some(&rest[1..]);
                    self.line += 1;
                }
                b'[' => return self.fast_header(rest),
                _ if matches!(self.state, State::NoSection | State::Skipping) => return None,
                _ => return self.fast_key(rest),
            }
        }
    }

    /// `[name]` alone on its line (no comment, no second `]`, not empty).
    fn fast_header(&mut self, rest: &'a str) -> Option<Event<'a>> {
        let b = rest.as_bytes();
        let nl = find_any(b, 1, [b'\n']);
        let line = &rest[..nl];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let close = find_any(line.as_bytes(), 1, [b']']);
        if close >= line.len() || !trim_blank(&line[close + 1..]).is_empty() {
            return None;
        }
        let header = trim_blank(&line[1..close]);
        if header.is_empty() {
            return None;
        }
        self.rest = (nl < b.len()).then(|| &rest[nl + 1..]);
        self.line += 1;
        self.state = State::InSection;
        Some(Event::Section {
            header,
            line: self.line,
        })
    }

    fn block_error(&self) -> Event<'a> {
        self.error(format!(
            "this line in the block under `{}` is not a `key = value` line; \
             fix it, or start it with `#` to make it a comment",
            self.last_key
        ))
    }
}

impl<'a> Iterator for Events<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(e) = self.pending.take() {
            return Some(e);
        }
        loop {
            if self.fast {
                if let Some(e) = self.fast_line() {
                    return Some(e);
                }
            }
            let raw = self.next_line()?;
            let trimmed = trim_blank(raw);
            if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
                continue;
            }
            let line = self.line;
            if raw.starts_with(is_blank) {
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
                        return Some(match split_key(strip_inline_comment(trimmed)) {
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
                    State::Skipping => continue,
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
                State::Skipping => continue,
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
            return Some(match split_key(strip_inline_comment(trimmed)) {
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
            });
        }
    }
}

/// `key = value` → (key as written, value), both trimmed. The text never includes the line's
/// secrets in an error.
fn split_key(text: &str) -> Result<(&str, &str), &'static str> {
    let Some((k, v)) = text.split_once('=') else {
        return Err("this line has no `=`; write `key = value`, \
                    or start the line with `#` to make it a comment");
    };
    let k = trim_blank(k);
    if k.is_empty() {
        return Err("this line has nothing before `=`; write `key = value`");
    }
    Ok((k, trim_blank(v)))
}

/// A key name as the AWS tools compare it: ASCII-lowercased (allocates only when needed).
pub fn lower_key(name: &str) -> std::borrow::Cow<'_, str> {
    if has_upper(name.as_bytes()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// Whether `b` has an ASCII uppercase letter, eight bytes at a time (keys are short and lowercase).
fn has_upper(b: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let word = |i: usize| {
        let chunk = b.get(i..i + 8).unwrap_or_default();
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        // Per byte below 0x80 (no borrows cross bytes, as each is at least 0x80 before the
        // subtraction): high bit of `b >= 'A'` and not `b >= '['`.
        let ge_a = (w | HI) - LO * u64::from(b'A');
        let ge_after_z = (w | HI) - LO * u64::from(b'[');
        ge_a & !ge_after_z & !w & HI != 0
    };
    if b.len() < 8 {
        return b.iter().any(u8::is_ascii_uppercase);
    }
    // Whole words, the last one overlapping the one before when the length is not a multiple of 8.
    let mut i = 0;
    while i + 8 < b.len() {
        if word(i) {
            return true;
        }
        i += 8;
    }
    word(b.len() - 8)
}

/// `[ name ] # comment` → `name`. The header ends at the first `]` followed only by blanks or a
/// comment, so `[profile "a]b"]` keeps its `]` and `[default] # see [x]` is `default`.
fn parse_header(trimmed: &str) -> Result<&str, String> {
    let mut from = 1;
    while let Some(i) = trimmed[from..].find(']') {
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

/// Count `\n` bytes eight at a time (exact: no false positives from borrows).
fn count_newlines(bytes: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder().iter().filter(|&&b| b == b'\n').count();
    chunks.fold(tail, |n, c| {
        let w =
            u64::from_le_bytes(<[u8; 8]>::try_from(c).unwrap_or_default()) ^ 0x0a0a_0a0a_0a0a_0a0a;
        // High bit set in each byte of `w` that is zero, i.e. was `\n`.
        let zero = !(((w & LOW7) + LOW7) | w | LOW7);
        n + zero.count_ones() as usize
    })
}

/// `profile NAME` with a plain NAME (no blanks, quotes or backslashes) → NAME, byte-wise.
pub fn plain_profile_name(header: &str) -> Option<&str> {
    let rest = header.strip_prefix("profile")?;
    if !rest.starts_with(is_blank) {
        return None;
    }
    let name = trim_blank(rest);
    let plain = !name.is_empty()
        && !name
            .bytes()
            .any(|b| matches!(b, b' ' | b'\t' | b'\r' | b'"' | b'\'' | b'\\'));
    plain.then_some(name)
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
            (Event::Error(e), _) => errors.push(e),
            (Event::SubKey { .. } | Event::Continuation { .. }, None) => {}
        }
    }
    (sections, errors)
}

/// Python's `shlex.split` whitespace (not Unicode's: a no-break space is part of a name).
fn is_shlex_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Split a section header the way Python's `shlex.split` (POSIX mode) does, as botocore reads
/// `[profile "a b"]`. `None` for unbalanced quotes or a trailing `\`.
pub fn shlex_split(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if is_shlex_space(c) => {
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

/// A section name written so that `shlex_split` reads it back: bare when it can be, else quoted.
pub fn quote_name(name: &str) -> std::borrow::Cow<'_, str> {
    let plain = !name.is_empty()
        && !name
            .chars()
            .any(|c| is_shlex_space(c) || matches!(c, '"' | '\'' | '\\'));
    if plain {
        return std::borrow::Cow::Borrowed(name);
    }
    if !name.contains(['"', '\\']) {
        return format!("\"{name}\"").into();
    }
    if !name.contains('\'') {
        return format!("'{name}'").into();
    }
    let mut out = String::from("\"");
    for c in name.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out.into()
}
