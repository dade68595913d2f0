//! Section headers of the config file: what a header names (a profile, an sso-session, a
//! services block, or nothing ssox reads), and names as botocore reads them (`shlex.split`, as in
//! `[profile "a b"]`) and writes them back. Pure string work; the problems found are returned
//! worded for the user, never printed.

use std::borrow::Cow;

use super::ini::trim_blank;

/// What a config-file section header means.
pub(super) enum SectionKind<'t> {
    Profile(Cow<'t, str>),
    BareDefault,
    Session(String),
    Services(String),
    /// `[DEFAULT]`: Python's configparser lays its keys under every section of the same file,
    /// and so does botocore (docs/compat.md#config-files).
    Defaults,
    /// Not ours (`[plugins]`, a bare `[name]`) or unusable (already reported).
    Ignored,
}

/// What a config-file header (the text between the brackets) means. `Err` for a header that is
/// not read as a section of ours, with the problem to report when it looks meant as one
/// (`[profile a b]`, `[profile "x]`); `Err(None)` for a legal section that is not ours
/// (`[plugins]`, a bare `[dev]`, `[Profile x]`).
pub(super) fn config_section(header: &str) -> Result<SectionKind<'_>, Option<String>> {
    if header == "default" {
        return Ok(SectionKind::BareDefault);
    }
    // The common case, no quotes or backslashes: split on blanks byte-wise, without allocating.
    match plain_words(header) {
        Some((Some(p @ ("profile" | "sso-session" | "services")), Some(name), false)) => {
            Ok(kind_of(p, Cow::Borrowed(name)))
        }
        Some((Some("profile" | "sso-session" | "services"), _, _)) | None => quoted_section(header),
        // A bare `[name]` is not a profile in the config file; `[Profile x]` is not either.
        Some(_) => Err(None),
    }
}

/// A header with quotes, or a prefix without exactly one name: read it with `shlex_split`.
fn quoted_section(header: &str) -> Result<SectionKind<'static>, Option<String>> {
    let Some(words) = shlex_split(header) else {
        return Err(Some(format!(
            "[{header}] has an unbalanced quote or a trailing `\\`, so it is ignored; close the quote"
        )));
    };
    let prefix = match words.first().map(String::as_str) {
        Some("profile") => "profile",
        Some("sso-session") => "sso-session",
        Some("services") => "services",
        _ => return Err(None),
    };
    if words.len() != 2 {
        return Err(Some(if words.len() == 1 {
            format!("[{header}] has no name; write [{prefix} NAME]")
        } else {
            let name = words[1..].join(" ");
            format!(
                "[{header}] is not read as a {prefix} by the AWS tools: a name with spaces \
                 must be quoted, as in [{prefix} {}]",
                quote_name(&name)
            )
        }));
    }
    let mut words = words;
    let name = words.pop().unwrap_or_default();
    if name.is_empty() {
        return Err(Some(format!(
            "[{header}] has an empty name; write [{prefix} NAME]"
        )));
    }
    Ok(kind_of(prefix, Cow::Owned(name)))
}

fn kind_of<'t>(prefix: &str, name: Cow<'t, str>) -> SectionKind<'t> {
    match prefix {
        "profile" => SectionKind::Profile(name),
        "sso-session" => SectionKind::Session(name.into_owned()),
        _ => SectionKind::Services(name.into_owned()),
    }
}

/// A header split on spaces, tabs and `\r`: (first word, second word, whether there are more),
/// or `None` when it has a quote or backslash (for `shlex_split`).
fn plain_words(header: &str) -> Option<(Option<&str>, Option<&str>, bool)> {
    let mut words = [None, None];
    let mut n = 0;
    let mut start = None;
    let mut word_end = |start: usize, end: usize, n: &mut usize| {
        if let Some(w) = words.get_mut(*n) {
            *w = header.get(start..end);
        }
        *n += 1;
    };
    for (i, &c) in header.as_bytes().iter().enumerate() {
        match c {
            b'"' | b'\'' | b'\\' => return None,
            b' ' | b'\t' | b'\r' => {
                if let Some(s) = start.take() {
                    word_end(s, i, &mut n);
                }
            }
            _ => {
                if start.is_none() {
                    start = Some(i);
                }
            }
        }
    }
    if let Some(s) = start {
        word_end(s, header.len(), &mut n);
    }
    Some((words[0], words[1], n > 2))
}

/// `profile NAME` with a plain NAME (no blanks, quotes or backslashes) → NAME.
pub fn plain_profile_name(header: &str) -> Option<&str> {
    let rest = header.strip_prefix("profile")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let name = trim_blank(rest);
    // Without an early exit, which the compiler turns into vector instructions: `ssox use`
    // checks every header of the file here.
    let odd = name.bytes().fold(false, |odd, b| {
        odd | matches!(b, b' ' | b'\t' | b'\r' | b'"' | b'\'' | b'\\')
    });
    (!name.is_empty() && !odd).then_some(name)
}

/// The unindented line at `at` of `text` when it is plainly `[profile NAME]` (a plain NAME,
/// the `]` followed at once by the line break or the end): (the header `profile NAME`, NAME,
/// where the next line starts), exactly what `ini`'s header reading and `plain_profile_name`
/// find on that line, in one pass over it. `None` for any other line (the full reading decides):
/// `ssox list --names` passes over every plain profile section with this.
pub fn plain_profile_line(text: &str, at: usize) -> Option<(&str, &str, usize)> {
    const PREFIX: &[u8] = b"[profile ";
    let b = text.as_bytes();
    let rest = b.get(at..)?.strip_prefix(PREFIX)?;
    let n = rest
        .iter()
        .position(|&c| !PLAIN_NAME_BYTE[usize::from(c)])?;
    if n == 0 || rest[n] != b']' {
        return None;
    }
    let close = at + PREFIX.len() + n;
    let next = match b.get(close + 1) {
        None => b.len() + 1,
        Some(b'\n') => close + 2,
        Some(b'\r') if b.get(close + 2) == Some(&b'\n') => close + 3,
        Some(b'\r') => close + 2,
        Some(_) => return None,
    };
    // `at + 1`, `at + PREFIX.len()` and `close` are next to ASCII bytes: char boundaries.
    Some((
        text.get(at + 1..close)?,
        text.get(at + PREFIX.len()..close)?,
        next,
    ))
}

/// Where reading may go on when the line at `at` of `text` starts `[profile ` and whatever
/// profile it names is provably not `only`: its first bytes are plain name bytes, as `only`'s
/// are, up to one that differs from `only`'s (or is one more than `only` has). That byte is
/// then part of the name however the header ends (botocore's `shlex.split` keeps plain bytes
/// as they are), so the name is not `only`; the rest of the line is not read. `None` otherwise.
pub fn differs_from(text: &str, at: usize, only: &str) -> Option<usize> {
    const PREFIX: &[u8] = b"[profile ";
    let rest = text.as_bytes().get(at..)?.strip_prefix(PREFIX)?;
    let only = only.as_bytes();
    for (i, &c) in rest.iter().enumerate() {
        if !PLAIN_NAME_BYTE[usize::from(c)] {
            return None;
        }
        if only.get(i) != Some(&c) {
            return Some(at + PREFIX.len() + i + 1);
        }
    }
    None
}

/// The bytes of a plain profile name: not blank, a quote, a backslash (what `plain_profile_name`
/// refuses), `]` (the header's end) or a line break.
const PLAIN_NAME_BYTE: [bool; 256] = {
    let mut t = [true; 256];
    let odd = b" \t\r\n\"'\\]";
    let mut i = 0;
    while i < odd.len() {
        t[odd[i] as usize] = false;
        i += 1;
    }
    t
};

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
