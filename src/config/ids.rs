//! What an AWS account id looks like, and how a value from outside (the portal, a file) is quoted
//! in a message without flooding it. Pure: no files, no network, no terminal.

/// Whether `id` is an AWS account id: exactly 12 ASCII digits.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Past this many characters, a quoted value shows its start and its length.
const QUOTED_MAX: usize = 40;

/// `value` quoted for a message, control characters escaped; a long one as its first characters
/// and its length (`"1234567890123456…" (100000 characters)`).
pub fn quoted(value: &str) -> String {
    let n = value.chars().count();
    if n <= QUOTED_MAX {
        return format!("{value:?}");
    }
    let head: String = value.chars().take(QUOTED_MAX / 2).collect();
    format!(
        "{}…\" ({n} characters)",
        format!("{head:?}").trim_end_matches('"')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(is_account_id("012345678901"));
        for bad in [
            "",
            "12345",
            "1234567890123",
            "12345678901a",
            "１２３４５６７８９０１２",
        ] {
            assert!(!is_account_id(bad), "{bad}");
        }
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        assert_eq!(quoted("12345"), "\"12345\"");
        assert_eq!(quoted("a\u{1b}b"), "\"a\\u{1b}b\"");
        assert_eq!(
            quoted(&"9".repeat(100_000)),
            "\"99999999999999999999…\" (100000 characters)"
        );
    }
}
