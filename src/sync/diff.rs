//! A unified diff of the config file's text for `ssox sync --dry-run`, by the `similar` crate
//! (Myers' algorithm with the usual 3 lines of context). Pure: text in, text out.

use similar::TextDiff;

/// The unified diff from `old` to `new`, headed `--- PATH` / `+++ PATH (after sync)`; empty when
/// they are equal. Shown on a terminal, so a BOM is left out and `\r\n` is shown as `\n` (the
/// editor never changes either on a line it keeps).
pub fn unified(old: &str, new: &str, path: &str) -> String {
    if old == new {
        return String::new();
    }
    let shown = |t: &str| {
        t.strip_prefix('\u{feff}')
            .unwrap_or(t)
            .replace("\r\n", "\n")
    };
    let (old, new) = (shown(old), shown(new));
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(path, &format!("{path} (after sync)"))
        .to_string()
}
