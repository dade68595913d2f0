//! stdout, which belongs to the shell (`eval "$(ssox use NAME)"`) or to a pipe: the one writer,
//! which takes a closed pipe (`ssox list | head`) as success, and whether to colour it. Only
//! commands and `switch` print here; diagnostics go to stderr through `ui`. Also the plain
//! table layout the commands share.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};

use crate::settings::Settings;

/// Write to stdout; a closed pipe (`ssox list | head`) is not an error.
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Buffered stdout, for [`stream_stdout`] (a concrete type: serde_json's many small writes
/// through `dyn Write` were more than half of `list --json`).
pub type Stdout = std::io::BufWriter<std::io::StdoutLock<'static>>;

/// Write to stdout through a buffer as `write` produces it (a long listing never sits whole in
/// memory); a closed pipe is not an error.
pub fn stream_stdout(write: impl FnOnce(&mut Stdout) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Point stdout at `/dev/null` (`NUL` on Windows), so that whoever reads it (`$(…)`, `<(…)`, a pipe) sees its end
/// while ssox keeps running (`ssox serve`). Later writes to stdout are discarded.
pub fn detach_stdout() -> Result<()> {
    crate::platform::detach_stdout().context("cannot close stdout")
}

/// Rows of cells as a plain table: each column as wide as its widest cell in display width
/// (CJK and emoji take two cells), two spaces apart, no trailing spaces. Cells are shown
/// escaped (`ui::text::printable`): they quote config values and portal data.
pub fn columns(rows: &[Vec<String>]) -> String {
    use crate::ui::text;
    let rows: Vec<Vec<std::borrow::Cow<str>>> = rows
        .iter()
        .map(|r| r.iter().map(|c| text::printable(c)).collect())
        .collect();
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| text::width(cell))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                text::pad(&mut line, cell, widths[c] + 2);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Whether to color stdout: a terminal, and `NO_COLOR` unset.
pub fn stdout_color(settings: &Settings) -> bool {
    !settings.no_color && std::io::stdout().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_trim() {
        let rows = vec![
            vec!["NAME".to_string(), "X".into(), "LAST".into()],
            vec!["ü".to_string(), "long cell".into(), String::new()],
        ];
        assert_eq!(columns(&rows), "NAME  X          LAST\nü     long cell\n");
        assert_eq!(columns(&[]), "");
        let rows = vec![
            vec!["東京 Prod".to_string(), "1".into()],
            vec!["Edge 🚀".to_string(), "2".into()],
            vec!["a\u{202e}b\x1b".to_string(), "3".into()],
        ];
        assert_eq!(
            columns(&rows),
            "東京 Prod     1\nEdge 🚀       2\na\\u{202e}b\\e  3\n"
        );
    }
}
