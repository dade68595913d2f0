//! What every cache file shares: Python's `json.dumps` output (so files and file names match the
//! AWS CLI's byte for byte), the SDKs' lenient key lookup, and timestamps (read leniently, written
//! strictly). Pure functions: no files, no terminal.

use std::fmt::Write as _;

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::Unusable;

/// A JSON string literal exactly as Python's `json.dumps` writes it (`ensure_ascii=True`), so that
/// hashes of JSON text match the AWS CLI's.
pub(crate) fn py_json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_json_str::<true>(&mut out, s);
    out
}

/// Append `s` as a JSON string literal: `\"`, `\\`, the short forms (`\n`, `\r`, `\t`, `\b`,
/// `\f`) and `\u00xx` for the other control characters, as serde_json and Python's `json` both
/// write them. With `ENSURE_ASCII` (Python's default) DEL and every non-ASCII character are
/// `\uxxxx` UTF-16 units too; without it (serde_json) they are kept as they are.
pub fn push_json_str<const ENSURE_ASCII: bool>(out: &mut String, s: &str) {
    out.push('"');
    if !needs_escape::<ENSURE_ASCII>(s.as_bytes()) {
        out.push_str(s);
    } else {
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if (c as u32) < 0x20 || (ENSURE_ASCII && (c as u32) > 0x7e) => {
                    let mut buf = [0u16; 2];
                    for unit in c.encode_utf16(&mut buf) {
                        let _ = write!(out, "\\u{unit:04x}");
                    }
                }
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

/// Whether `push_json_str` escapes any byte of `bytes`: a control character, `"`, `\`, and with
/// `ENSURE_ASCII` DEL and every non-ASCII byte. Checked a word of eight bytes at a time, the
/// common case being short strings with nothing to escape (`list --json` writes ten per profile:
/// a byte at a time was 8% of it at 10,000 profiles).
fn needs_escape<const ENSURE_ASCII: bool>(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Exact per byte (no sum carries into the next byte: the high bits are cleared first): the
    // high bit of each byte of `below(w, n)` is set when that byte is under `n` (1 to 0x80).
    let below = |w: u64, n: u64| !((w & LOW).wrapping_add((0x80 - n) * ONES) | w) & HIGH;
    let equal = |w: u64, b: u8| below(w ^ (u64::from(b) * ONES), 1);
    let word = |w: u64| {
        let mut hit = below(w, 0x20) | equal(w, b'"') | equal(w, b'\\');
        if ENSURE_ASCII {
            // DEL and above: not under 0x7f.
            hit |= !below(w, 0x7f) & HIGH;
        }
        hit != 0
    };
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        // Eight bytes by construction; an impossible short chunk reads as controls (escaped).
        if word(u64::from_le_bytes(
            <[u8; 8]>::try_from(chunk).unwrap_or_default(),
        )) {
            return true;
        }
    }
    // The last eight bytes, overlapping the last whole word (copying the rest into a padded
    // word cost a memcpy call); under eight bytes, one at a time.
    match bytes.last_chunk::<8>() {
        Some(last) => !chunks.remainder().is_empty() && word(u64::from_le_bytes(*last)),
        None => bytes
            .iter()
            .any(|&b| b < 0x20 || b == b'"' || b == b'\\' || (ENSURE_ASCII && b > 0x7e)),
    }
}

/// Python's `json.dumps(value)` with default separators and `ensure_ascii`: how the AWS CLI
/// writes its cache files, so a file ssox writes is byte-compatible with one the CLI writes.
pub fn py_json(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_json_str(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(py_json).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_json_str(k), py_json(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// Key lookup as the Rust SDK does it in the token cache: exact first, then case-insensitive.
pub(crate) fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A non-empty string value of [`field`]; anything else counts as absent.
pub(crate) fn field_str(obj: &Map<String, Value>, key: &str) -> Option<String> {
    field(obj, key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A timestamp value named `key`: `Ok(None)` when absent (missing, `null` or empty), an error when
/// present but not a timestamp [`parse_timestamp`] reads (the file is then unusable, as the Rust
/// SDK treats it).
pub(crate) fn timestamp(
    value: Option<&Value>,
    key: &'static str,
) -> Result<Option<OffsetDateTime>, Unusable> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => parse_timestamp(s)
            .map(Some)
            .ok_or(Unusable::BadTimestamp(key)),
        Some(_) => Err(Unusable::BadTimestamp(key)),
    }
}

/// Parse `2026-11-24T04:34:20Z`, with or without fraction, `Z` or an offset; also `+0000`, a
/// `UTC` suffix and a space instead of `T` as some writers emit. The result is in UTC; anything
/// else (not ASCII, too long, out of range once in UTC) is `None`, never a panic.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if !s.is_ascii() || s.len() > 64 {
        return None;
    }
    let parsed = OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        let mut fixed = s.replacen(' ', "T", 1);
        if let Some(stripped) = fixed.strip_suffix("UTC") {
            fixed = format!("{}Z", stripped.trim_end());
        }
        // `+0000` → `+00:00` (all ASCII here, so every index is a character boundary).
        if let Some((head, tail)) = fixed
            .len()
            .checked_sub(5)
            .filter(|&i| i > 0)
            .and_then(|i| Some((fixed.get(..i)?, fixed.get(i..)?)))
        {
            let sign = tail.starts_with(['+', '-']);
            if sign && tail.bytes().skip(1).all(|c| c.is_ascii_digit()) {
                fixed = format!("{head}{}:{}", tail.get(..3)?, tail.get(3..)?);
            }
        }
        let zone = fixed
            .get(fixed.len().saturating_sub(6)..)
            .unwrap_or_default();
        if !fixed.ends_with('Z') && !zone.contains(['+', '-']) {
            fixed.push('Z');
        }
        OffsetDateTime::parse(&fixed, &Rfc3339).ok()
    })?;
    parsed.checked_to_offset(UtcOffset::UTC)
}

/// `YYYY-MM-DDTHH:MM:SSZ` in UTC, no fraction: what every reader accepts. (A year before 0, which
/// only a hostile file can bring, is written with its sign: `-0001-…`.)
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.checked_to_offset(UtcOffset::UTC).unwrap_or(t);
    let year = t.year();
    format!(
        "{}{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        if year < 0 { "-" } else { "" },
        year.unsigned_abs(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn escapes_are_found_a_word_at_a_time() {
        for len in 0..=24 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let plain = b >= 0x20 && b != b'"' && b != b'\\';
                    assert_eq!(needs_escape::<false>(&bytes), !plain, "{b:#x} at {at}");
                    let ascii = plain && b < 0x7f;
                    assert_eq!(needs_escape::<true>(&bytes), !ascii, "{b:#x} at {at}");
                }
            }
            assert!(!needs_escape::<true>(&vec![b'~'; len]));
            assert!(!needs_escape::<true>(&vec![b' '; len]));
        }
    }

    #[test]
    fn strings_are_written_as_pythons_json_dumps_writes_them() {
        // Expected values printed by Python 3.11's `json.dumps`.
        for (s, python) in [
            ("plain", r#""plain""#),
            ("a\"b\\c", r#""a\"b\\c""#),
            ("\n\r\t\u{8}\u{c}\u{1}\u{1f}", r#""\n\r\t\b\f\u0001\u001f""#),
            ("del\u{7f}", r#""del\u007f""#),
            ("é€😀", r#""\u00e9\u20ac\ud83d\ude00""#),
            ("mix é\n\u{0}", r#""mix \u00e9\n\u0000""#),
        ] {
            assert_eq!(py_json_str(s), python, "{s:?}");
        }
    }

    #[test]
    fn timestamps_are_read_leniently_and_written_strictly() {
        let want = datetime!(2026-11-24 04:34:20 UTC);
        for s in [
            "2026-11-24T04:34:20Z",
            "2026-11-24T04:34:20.000Z",
            "2026-11-24T04:34:20+00:00",
            "2026-11-24T05:34:20+01:00",
            "2026-11-24T04:34:20UTC",
            "2026-11-24 04:34:20Z",
            "2026-11-24T04:34:20+0000",
        ] {
            assert_eq!(parse_timestamp(s), Some(want), "{s}");
        }
        assert_eq!(parse_timestamp("yesterday"), None);
        // Hostile text is "no timestamp", never a panic (multi-byte characters, short strings).
        for s in [
            "aaaaaa\u{20ac}\u{20ac}",
            "\u{20ac}aaaaa",
            "",
            "+",
            "+0000",
            "aaaa+0000",
            "\u{20ac}+0000",
        ] {
            assert_eq!(parse_timestamp(s), None, "{s}");
        }
        // An extreme offset that leaves the calendar once in UTC is refused, not a later panic.
        assert_eq!(parse_timestamp("9999-12-31T23:59:59-23:59"), None);
        let far = parse_timestamp("9999-12-31T23:59:59Z").unwrap();
        assert_eq!(format_timestamp(far), "9999-12-31T23:59:59Z");
        assert_eq!(format_timestamp(want), "2026-11-24T04:34:20Z");
    }

    #[test]
    fn the_calendars_edges_parse_and_format_without_panicking() {
        // Year 0 one minute early in UTC is year -1: accepted, and written with a sign.
        let early = parse_timestamp("0000-01-01T00:00:00+00:01").unwrap();
        assert_eq!(early.year(), -1);
        assert_eq!(format_timestamp(early), "-0001-12-31T23:59:00Z");
        assert_eq!(
            format_timestamp(datetime!(-9999-01-01 00:00:00 UTC)),
            "-9999-01-01T00:00:00Z"
        );
        assert_eq!(
            format_timestamp(datetime!(0000-01-01 00:00:00 UTC)),
            "0000-01-01T00:00:00Z"
        );
        // Five-digit and signed years are not RFC 3339: refused.
        for s in ["10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"] {
            assert_eq!(parse_timestamp(s), None, "{s}");
        }
        // A non-UTC value is written in UTC.
        assert_eq!(
            format_timestamp(datetime!(2026-11-24 05:34:20 +01:00)),
            "2026-11-24T04:34:20Z"
        );
    }

    #[test]
    fn a_written_timestamp_reads_back_to_the_second() {
        // The fuzz target `cache` asserts this on every timestamp it parses; its first find was
        // this input (a fraction and a `+0000` offset), where only the fraction is dropped.
        let t = parse_timestamp("2026-11-24 04:34:20.123+0000").unwrap();
        assert_eq!(t.nanosecond(), 123_000_000);
        let written = format_timestamp(t);
        assert_eq!(written, "2026-11-24T04:34:20Z");
        assert_eq!(parse_timestamp(&written), t.replace_nanosecond(0).ok());
    }

    #[test]
    fn timestamp_values_are_absent_valid_or_unusable() {
        let v = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        assert_eq!(timestamp(None, "k").unwrap(), None);
        assert_eq!(timestamp(Some(&v("null")), "k").unwrap(), None);
        assert_eq!(timestamp(Some(&v("\"\"")), "k").unwrap(), None);
        assert_eq!(
            timestamp(Some(&v("\"2026-11-24T04:34:20Z\"")), "k").unwrap(),
            Some(datetime!(2026-11-24 04:34:20 UTC))
        );
        for bad in ["\"soon\"", "\"\u{20ac}aaaaa\"", "1700000000", "[]"] {
            assert_eq!(
                timestamp(Some(&v(bad)), "expiresAt")
                    .unwrap_err()
                    .to_string(),
                "expiresAt is not a valid timestamp",
                "{bad}"
            );
        }
    }

    #[test]
    fn keys_are_matched_exactly_then_without_case() {
        let obj: Map<String, Value> =
            serde_json::from_str(r#"{"ACCESSTOKEN": "a", "accessToken": "b", "x": ""}"#).unwrap();
        assert_eq!(field_str(&obj, "accessToken").as_deref(), Some("b"));
        assert_eq!(field_str(&obj, "accesstoken").as_deref(), Some("a"));
        assert_eq!(field_str(&obj, "x"), None, "empty is absent");
        assert_eq!(
            py_json(&serde_json::json!({"k": ["\u{e9}", 1, true, null]})),
            r#"{"k": ["\u00e9", 1, true, null]}"#
        );
    }
}
