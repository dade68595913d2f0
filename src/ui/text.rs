//! Text for the terminal: [`printable`], the one helper that makes text ssox did not write
//! (portal data, network error messages, file contents, config values) safe to show, and the
//! display-width arithmetic every aligned column and wrapped line uses (CJK and most emoji take
//! two cells). Pure: no I/O, knows nothing about what the text says.
//!
//! The escapes (also in docs/compat.md#terminal-text): ESC shows as `\e`; newline, carriage
//! return and tab as `\n`, `\r`, `\t`; other C0 controls and DEL as `\xHH` (`\x07`, `\x7f`);
//! C1 controls as `\u{HH}` (`\u{9b}`); bidirectional overrides, embeddings, isolates and marks
//! (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the line and paragraph separators
//! (U+2028, U+2029) and the zero-width no-break space (U+FEFF) as `\u{…}` (`\u{202e}`). A
//! backslash is shown as itself: the escapes are for the eye, not to be parsed back.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

/// Whether `c` is not shown as itself by [`printable`].
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
        )
}

/// `c` as [`printable`] shows it, appended to `out`.
pub fn push_printable(out: &mut String, c: char) {
    if !is_hostile(c) {
        out.push(c);
        return;
    }
    match c {
        '\x1b' => out.push_str("\\e"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if u32::from(c) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// `text` with every control character (C0, DEL, C1, so every escape sequence is inert),
/// bidi control and line/paragraph separator shown as a visible escape (see the module's
/// documentation). Borrowed when there is nothing to escape. For every string not written by
/// ssox before it reaches the terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    // Printable ASCII, the common case, checked eight bytes at a time (`list` calls this for
    // every cell: a byte at a time was 14% of `list` at 10,000 profiles).
    if all_printable_ascii(text.as_bytes()) || !text.chars().any(is_hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_printable(&mut out, c);
    }
    Cow::Owned(out)
}

/// Whether every byte is printable ASCII (0x20 to 0x7e), checked a word of eight bytes at a time.
fn all_printable_ascii(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte under 0x80 gets its high bit from `+ 0x60` exactly when it is 0x20 or more, and
    // from `+ 1` exactly when it is 0x7f; neither sum carries into the next byte. A byte of 0x80
    // or more has its high bit set already (what the sums do to it then does not matter).
    let word = |w: u64| (w | w.wrapping_add(ONES) | !w.wrapping_add(0x60 * ONES)) & HIGH == 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        // Eight bytes by construction; an impossible short chunk reads as controls (not printable).
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        if !word(w) {
            return false;
        }
    }
    // The last eight bytes, overlapping the last whole word (copying the rest into a padded
    // word cost a memcpy call); under eight bytes, one at a time.
    match bytes.last_chunk::<8>() {
        Some(last) => chunks.remainder().is_empty() || word(u64::from_le_bytes(*last)),
        None => bytes.iter().all(|b| (0x20..0x7f).contains(b)),
    }
}

/// `text` of several lines (each ending in `\n`) with each line made [`printable`]: the line
/// ends ssox wrote are kept, everything else is escaped.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    if !text.split('\n').any(|l| l.chars().any(is_hostile)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<str>> = text.split('\n').map(printable).collect();
    Cow::Owned(lines.join("\n"))
}

/// The cells `c` takes on a terminal (0 for controls and combining marks).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// The cells `text` takes on a terminal; `text` has no escape sequences (see [`printable`]).
pub fn width(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    text.chars().map(char_width).sum()
}

/// `text` in at most `max` cells: cut with `…` when longer.
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    if max > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// Append spaces to `line` until `text`, just appended, fills `cells`.
pub fn pad(line: &mut String, text: &str, cells: usize) {
    for _ in width(text)..cells {
        line.push(' ');
    }
}

/// `text` wrapped into lines of at most `max` cells (at least 1): words are kept whole and in
/// order, runs of spaces become one, and only a word wider than a line is broken.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = width(word);
        if used > 0 && used + 1 + w <= max {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if w <= max {
            line.push_str(word);
            used = w;
            continue;
        }
        // A word wider than the line: as many cells as fit, then the rest on the next lines.
        for c in word.chars() {
            let cw = char_width(c);
            if used + cw > max && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_shown_escaped() {
        assert!(matches!(printable("Prod 東京 🚀"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\x1b]0;owned\x07b\x1b[2J\nc\rd\te\x7f\u{9b}f"),
            "a\\e]0;owned\\x07b\\e[2J\\nc\\rd\\te\\x7f\\u{9b}f"
        );
        assert_eq!(
            printable("x\u{202e}gnp.exe\u{2066}\u{2069}\u{2028}\u{2029}\u{200f}\u{feff}"),
            "x\\u{202e}gnp.exe\\u{2066}\\u{2069}\\u{2028}\\u{2029}\\u{200f}\\u{feff}"
        );
        // Joiners inside emoji sequences are not hostile.
        assert_eq!(printable("👩\u{200d}💻"), "👩\u{200d}💻");
        assert_eq!(printable("C:\\x"), "C:\\x");
        assert_eq!(
            printable_lines("profile: a\u{202e}b\nregion: \x1b[2J\n"),
            "profile: a\\u{202e}b\nregion: \\e[2J\n"
        );
        assert!(matches!(printable_lines("a\nb\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn printable_ascii_is_checked_a_word_at_a_time() {
        for len in 0..=24 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let expected = bytes.iter().all(|b| (0x20..0x7f).contains(b));
                    assert_eq!(
                        all_printable_ascii(&bytes),
                        expected,
                        "{b:#x} at {at} of {len}"
                    );
                }
            }
            assert!(all_printable_ascii(&vec![b'~'; len]));
            assert!(all_printable_ascii(&vec![b' '; len]));
        }
        assert!(!all_printable_ascii("caf\u{e9} au lait".as_bytes()));
        assert!(matches!(
            printable("p00001_readonlyaccess"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            printable("p00001\x7f_readonly\x1f"),
            "p00001\\x7f_readonly\\x1f"
        );
        assert_eq!(printable("caf\u{e9}\u{9b}"), "caf\u{e9}\\u{9b}");
    }

    #[test]
    fn widths_count_cells() {
        assert_eq!(width("Prod"), 4);
        assert_eq!(width("東京 Prod"), 9);
        assert_eq!(width("Edge 🚀"), 7);
        assert_eq!(width("Müller"), 6);
        assert_eq!(truncate("東京東京", 5), "東京…");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        let mut line = String::from("東京");
        pad(&mut line, "東京", 6);
        assert_eq!(line, "東京  ");
    }

    #[test]
    fn wrapping_keeps_every_word() {
        assert_eq!(
            wrap("Remove 3 profiles   from ~/.aws/config? [y/N]", 20),
            ["Remove 3 profiles", "from ~/.aws/config?", "[y/N]"]
        );
        assert_eq!(wrap("abcdefghij k", 4), ["abcd", "efgh", "ij k"]);
        assert_eq!(wrap("東京東京東京", 5), ["東京", "東京", "東京"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("a b", 0), ["a", "b"]);
    }
}
