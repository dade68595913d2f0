//! The only module that draws on the terminal: the fuzzy menu and the login spinner, on stderr
//! (or `/dev/tty` when stderr is not a terminal), never stdout. Owns raw mode, key reading and matching
//! (nucleo-matcher); knows nothing about AWS, config files or shells.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal};
use std::os::fd::AsFd;

use anyhow::{bail, Context, Result};
use console::{Key, Style, Term};
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Matcher, Utf32String};

pub use crate::error::NoTerminal;

/// One menu row: cells shown in aligned columns (all of them searched), and whether to mark it
/// (`*`, e.g. the active profile). The first cell is the row's name for the exact-name shortcut.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    pub marked: bool,
}

/// Let the user choose one of `items` (one display line each) in a fuzzy menu. `query`
/// pre-fills the filter. `Ok(index)`; `Err(Cancelled)` on Esc or Ctrl-C; `Err(NoTerminal)` when
/// there is no terminal to draw on. Same shortcuts as [`choose_row`].
pub fn choose(prompt: &str, items: &[String], query: Option<&str>) -> Result<usize> {
    let rows: Vec<Row> = items
        .iter()
        .map(|s| Row {
            cells: vec![s.clone()],
            marked: false,
        })
        .collect();
    choose_row(prompt, &[], &rows, query)
}

/// Let the user choose one of `rows`, shown as a table under `header` (may be empty). With a
/// non-empty `query`, a row whose first cell equals it, or the only row matching it, is returned
/// at once without a terminal. Otherwise the menu opens with `query` pre-filled.
/// `Err(Cancelled)` on Esc or Ctrl-C; `Err(NoTerminal)` when there is nowhere to draw.
pub fn choose_row(
    prompt: &str,
    header: &[&str],
    rows: &[Row],
    query: Option<&str>,
) -> Result<usize> {
    if rows.is_empty() {
        bail!("nothing to choose from");
    }
    let query = query.unwrap_or("");
    if let Some(i) = shortcut(rows, query) {
        return Ok(i);
    }
    let tty = Tty::open().ok_or(NoTerminal)?;
    let raw = RawMode::enable(&tty)?;
    let mut menu = Menu::new(prompt, header, rows).color(tty.term.features().colors_supported());
    menu.set_query(query);
    let result = menu.run(&tty.term);
    // Erase the menu whatever happened; keep the first error.
    let erased = tty
        .term
        .write_str(ERASE)
        .context("cannot write to the terminal");
    drop(raw);
    let index = result?;
    erased?;
    Ok(index)
}

/// The row chosen without a menu for `query`: an exact first-cell match, else the only match.
pub fn shortcut(rows: &[Row], query: &str) -> Option<usize> {
    if query.trim().is_empty() {
        return None;
    }
    if let Some(i) = rows
        .iter()
        .position(|r| r.cells.first().is_some_and(|c| c == query))
    {
        return Some(i);
    }
    let mut filter = Filter::new(rows);
    filter.set_query(query);
    match filter.hits() {
        [only] => Some(*only as usize),
        _ => None,
    }
}

/// Fuzzy filtering over every cell of every row. Each whitespace-separated word of the query
/// must match (fuzzily, smart case) within one cell; a row's score is the sum of each word's
/// best cell score. Hits are ordered by score, then by row order. Results are kept per query
/// prefix, so typing a character only re-scores the previous hits and Backspace is free.
pub struct Filter {
    cells: Vec<Box<[Utf32String]>>,
    matcher: Matcher,
    levels: Vec<Level>,
}

struct Level {
    query: String,
    hits: Vec<u32>,
}

impl Filter {
    pub fn new(rows: &[Row]) -> Filter {
        let cells = rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| Utf32String::from(c.as_str()))
                    .collect()
            })
            .collect();
        let all = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX)).collect();
        Filter {
            cells,
            matcher: Matcher::new(nucleo_matcher::Config::DEFAULT),
            levels: vec![Level {
                query: String::new(),
                hits: all,
            }],
        }
    }

    /// Row indices matching the current query, best first.
    pub fn hits(&self) -> &[u32] {
        self.levels.last().map_or(&[], |l| l.hits.as_slice())
    }

    pub fn query(&self) -> &str {
        self.levels.last().map_or("", |l| l.query.as_str())
    }

    pub fn set_query(&mut self, query: &str) {
        // Drop cached levels that `query` does not extend; level 0 (empty query) always stays.
        while self.levels.len() > 1 && !extends(query, self.query()) {
            self.levels.pop();
        }
        if self.query() == query {
            return;
        }
        let pattern = Pattern::new(
            query,
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let Some(base) = self.levels.last() else {
            return;
        };
        let mut scored: Vec<(u32, u32)> = Vec::with_capacity(base.hits.len());
        for &i in &base.hits {
            if let Some(s) = score(&pattern, &self.cells[i as usize], &mut self.matcher) {
                scored.push((i, s));
            }
        }
        scored.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        self.levels.push(Level {
            query: query.to_string(),
            hits: scored.into_iter().map(|(i, _)| i).collect(),
        });
    }

    /// For each cell of `row`, the char positions the query matched (for highlighting).
    fn positions(&mut self, row: u32) -> Vec<Vec<u32>> {
        let cells = &self.cells[row as usize];
        let mut out = vec![Vec::new(); cells.len()];
        let pattern = Pattern::new(
            self.levels.last().map_or("", |l| l.query.as_str()),
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        for atom in &pattern.atoms {
            let best = cells
                .iter()
                .enumerate()
                .filter_map(|(c, h)| atom.score(h.slice(..), &mut self.matcher).map(|s| (s, c)))
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((_, c)) = best {
                atom.indices(cells[c].slice(..), &mut self.matcher, &mut out[c]);
            }
        }
        for v in &mut out {
            v.sort_unstable();
            v.dedup();
        }
        out
    }
}

/// Whether every row matching `new` also matches `old`: `new` only adds characters or words.
fn extends(new: &str, old: &str) -> bool {
    new.starts_with(old) && !old.contains('\\')
}

fn score(pattern: &Pattern, cells: &[Utf32String], matcher: &mut Matcher) -> Option<u32> {
    let mut total = 0u32;
    for atom in &pattern.atoms {
        total += u32::from(best_cell_score(atom, cells, matcher)?);
    }
    Some(total)
}

fn best_cell_score(atom: &Atom, cells: &[Utf32String], matcher: &mut Matcher) -> Option<u16> {
    cells
        .iter()
        .filter_map(|h| atom.score(h.slice(..), matcher))
        .max()
}

/// Where the menu is drawn: stderr when it is a terminal, else `/dev/tty`.
struct Tty {
    term: Term,
    /// The terminal keys are read from (console reads stdin when it is a terminal, else
    /// `/dev/tty`); raw mode is set on it.
    input: Input,
}

enum Input {
    Stdin(io::Stdin),
    File(File),
}

impl Tty {
    fn open() -> Option<Tty> {
        let dev_tty = || {
            OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .ok()
                .filter(|f| f.is_terminal())
        };
        let stdin = io::stdin();
        let input = if stdin.is_terminal() {
            Input::Stdin(stdin)
        } else {
            Input::File(dev_tty()?)
        };
        let term = if io::stderr().is_terminal() {
            Term::stderr()
        } else {
            let out = dev_tty()?;
            let read = out.try_clone().ok()?;
            Term::read_write_pair(read, out)
        };
        term.is_term().then_some(Tty { term, input })
    }
}

/// Raw mode (no echo, no line buffering, Ctrl-C as a key) for as long as the menu is up;
/// output processing is left on. Restored on drop, on every way out of the menu.
struct RawMode<'a> {
    tty: &'a Tty,
    original: rustix::termios::Termios,
}

impl<'a> RawMode<'a> {
    fn enable(tty: &'a Tty) -> Result<RawMode<'a>> {
        let fd = tty.input_fd();
        let original = rustix::termios::tcgetattr(fd).context("cannot read the terminal mode")?;
        let mut raw = original.clone();
        raw.make_raw();
        raw.output_modes = original.output_modes;
        rustix::termios::tcsetattr(fd, rustix::termios::OptionalActions::Now, &raw)
            .context("cannot put the terminal in raw mode")?;
        Ok(RawMode { tty, original })
    }
}

impl Drop for RawMode<'_> {
    fn drop(&mut self) {
        let _ = rustix::termios::tcsetattr(
            self.tty.input_fd(),
            rustix::termios::OptionalActions::Now,
            &self.original,
        );
    }
}

impl Tty {
    fn input_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match &self.input {
            Input::Stdin(s) => s.as_fd(),
            Input::File(f) => f.as_fd(),
        }
    }
}

/// Clear from the start of the prompt line to the end of the screen.
const ERASE: &str = "\r\x1b[J";
/// Most rows shown at once.
const MAX_VISIBLE: usize = 15;
/// Widest a column gets; longer cells are cut with `…`.
const MAX_COLUMN: usize = 40;

/// The menu's state and drawing, independent of the terminal (tests and the benchmark drive it).
pub struct Menu<'a> {
    prompt: &'a str,
    header: &'a [&'a str],
    rows: &'a [Row],
    widths: Vec<usize>,
    filter: Filter,
    query: String,
    /// Position in the hits of the highlighted row.
    selected: usize,
    /// First hit shown.
    offset: usize,
    color: bool,
}

impl<'a> Menu<'a> {
    pub fn new(prompt: &'a str, header: &'a [&'a str], rows: &'a [Row]) -> Menu<'a> {
        let columns = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        let mut widths = vec![0; columns];
        for (w, h) in widths.iter_mut().zip(header) {
            *w = h.chars().count();
        }
        for r in rows {
            for (w, c) in widths.iter_mut().zip(&r.cells) {
                *w = (*w).max(c.chars().count());
            }
        }
        for w in &mut widths {
            *w = (*w).min(MAX_COLUMN);
        }
        Menu {
            prompt,
            header,
            rows,
            widths,
            filter: Filter::new(rows),
            query: String::new(),
            selected: 0,
            offset: 0,
            color: false,
        }
    }

    /// Draw with colors and bold (off by default).
    pub fn color(mut self, on: bool) -> Menu<'a> {
        self.color = on;
        self
    }

    pub fn set_query(&mut self, query: &str) {
        query.clone_into(&mut self.query);
        self.filter.set_query(query);
        self.selected = 0;
        self.offset = 0;
    }

    pub fn hits(&self) -> &[u32] {
        self.filter.hits()
    }

    /// The row index under the cursor, if any row matches.
    pub fn selected_row(&self) -> Option<usize> {
        self.hits().get(self.selected).map(|&i| i as usize)
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.hits().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Apply one key. `Some(Ok(row))` when chosen, `Some(Err(Cancelled))` when cancelled.
    pub fn key(&mut self, key: Key, page: usize) -> Option<Result<usize>> {
        let page = isize::try_from(page.max(1)).unwrap_or(1);
        match key {
            Key::Enter => return self.selected_row().map(Ok),
            Key::Escape | Key::CtrlC | Key::Char('\x07') => {
                return Some(Err(crate::error::Cancelled.into()))
            }
            Key::Char('\x04') if self.query.is_empty() => {
                return Some(Err(crate::error::Cancelled.into()))
            }
            Key::ArrowUp | Key::BackTab | Key::Char('\x10') => self.move_by(-1),
            Key::ArrowDown | Key::Tab | Key::Char('\x0e') => self.move_by(1),
            Key::PageUp => self.move_by(-page),
            Key::PageDown => self.move_by(page),
            Key::Home => self.selected = 0,
            Key::End => self.move_by(isize::MAX),
            Key::Backspace => {
                let mut q = self.query.clone();
                q.pop();
                self.set_query(&q);
            }
            // Ctrl-U: clear the query.
            Key::Char('\x15') => self.set_query(""),
            // Ctrl-W: delete the last word.
            Key::Char('\x17') => {
                let q = self.query.trim_end();
                let cut = q.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                let q = q[..cut].to_string();
                self.set_query(&q);
            }
            Key::Char(c) if !c.is_control() => {
                let mut q = self.query.clone();
                q.push(c);
                self.set_query(&q);
            }
            _ => {}
        }
        None
    }

    /// How many rows fit on a terminal `height` lines high.
    fn visible(&self, height: usize) -> usize {
        let chrome = 1 + usize::from(!self.header.is_empty());
        height.saturating_sub(chrome + 1).clamp(1, MAX_VISIBLE)
    }

    /// One frame, drawn from the start of the prompt line; leaves the cursor after the query.
    /// `width` and `height` are the terminal's size.
    pub fn frame(&mut self, width: usize, height: usize) -> String {
        let width = width.max(10) - 1;
        let visible = self.visible(height);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + visible {
            self.offset = self.selected + 1 - visible;
        }
        let plain = Style::new().force_styling(self.color);
        let dim = plain.clone().dim();
        let strong = plain.clone().bold();

        let mut lines: Vec<String> = Vec::with_capacity(visible + 2);
        let head = format!("{}> {}", self.prompt, self.query);
        let count = format!("  {}/{}", self.hits().len(), self.rows.len());
        lines.push(
            console::truncate_str(&format!("{head}{}", dim.apply_to(count)), width, "")
                .into_owned(),
        );
        if !self.header.is_empty() {
            let cells: Vec<String> = self.header.iter().map(|h| h.to_string()).collect();
            let text = self.cells_line(&cells, &[], &plain);
            lines.push(
                console::truncate_str(&format!("    {}", dim.apply_to(text)), width, "")
                    .into_owned(),
            );
        }
        let shown: Vec<u32> = self
            .hits()
            .iter()
            .skip(self.offset)
            .take(visible)
            .copied()
            .collect();
        for (k, &i) in shown.iter().enumerate() {
            let row = &self.rows[i as usize];
            let is_sel = self.offset + k == self.selected;
            let marks = self.filter.positions(i);
            let base = if is_sel { &strong } else { &plain };
            let text = self.cells_line(&row.cells, &marks, base);
            let cursor = if is_sel { ">" } else { " " };
            let mark = if row.marked { "*" } else { " " };
            let line = format!("{} {mark} {text}", strong.apply_to(cursor));
            lines.push(console::truncate_str(&line, width, "…").into_owned());
        }
        if shown.is_empty() {
            lines.push(format!("    {}", dim.apply_to("no match")));
        }
        let mut out = String::from("\r");
        for (n, l) in lines.iter().enumerate() {
            if n > 0 {
                out.push_str("\r\n");
            }
            out.push_str(l);
            out.push_str("\x1b[K");
        }
        out.push_str("\x1b[J");
        if lines.len() > 1 {
            let _ = write!(out, "\x1b[{}A", lines.len() - 1);
        }
        out.push('\r');
        let col = console::measure_text_width(&head).min(width);
        if col > 0 {
            let _ = write!(out, "\x1b[{col}C");
        }
        out
    }

    /// Cells padded to the column widths; matched chars highlighted.
    fn cells_line(&self, cells: &[String], marks: &[Vec<u32>], base: &Style) -> String {
        let lit = base.clone().cyan().bold();
        let mut out = String::new();
        for (c, cell) in cells.iter().enumerate() {
            let w = self.widths.get(c).copied().unwrap_or(0);
            if c > 0 {
                out.push_str("  ");
            }
            let hl = marks.get(c).map_or(&[][..], Vec::as_slice);
            let len = cell.chars().count();
            let keep = if len > w { w.saturating_sub(1) } else { len };
            let mut run = String::new();
            let mut run_lit = false;
            for (k, ch) in cell.chars().take(keep).enumerate() {
                let is_lit = u32::try_from(k).is_ok_and(|k| hl.binary_search(&k).is_ok());
                if is_lit != run_lit && !run.is_empty() {
                    let s = if run_lit { &lit } else { base };
                    let _ = write!(out, "{}", s.apply_to(&run));
                    run.clear();
                }
                run_lit = is_lit;
                // Never send a config file's control characters to the terminal.
                run.push(if ch.is_control() { '?' } else { ch });
            }
            if len > w {
                run.push('…');
            }
            if !run.is_empty() {
                let s = if run_lit { &lit } else { base };
                let _ = write!(out, "{}", s.apply_to(&run));
            }
            if c + 1 < cells.len() {
                out.push_str(&" ".repeat(w.saturating_sub(keep + usize::from(len > w))));
            }
        }
        out
    }

    /// Draw, read keys and redraw until the user chooses or cancels.
    fn run(&mut self, term: &Term) -> Result<usize> {
        loop {
            let (h, w) = term.size();
            let frame = self.frame(usize::from(w), usize::from(h));
            term.write_str(&frame)
                .context("cannot draw the menu on the terminal")?;
            let key = term
                .read_key_raw()
                .context("cannot read from the terminal")?;
            if let Some(done) = self.key(key, self.visible(usize::from(h))) {
                return done;
            }
        }
    }
}

/// A one-line spinner with a message on stderr (the device login's wait). Draws nothing when
/// stderr is not a terminal.
pub struct Spinner(indicatif::ProgressBar);

impl Spinner {
    pub fn start() -> Spinner {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Spinner(bar)
    }

    pub fn message(&self, text: String) {
        self.0.set_message(text);
    }

    /// Stop and erase the line.
    pub fn clear(self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Row> {
        lines
            .iter()
            .map(|cells| Row {
                cells: cells.iter().map(|c| c.to_string()).collect(),
                marked: false,
            })
            .collect()
    }

    fn sample() -> Vec<Row> {
        rows(&[
            &[
                "blog_admin",
                "111111111111",
                "AdministratorAccess",
                "corp",
                "us-east-1",
            ],
            &[
                "blog_power",
                "111111111111",
                "PowerUserAccess",
                "corp",
                "us-east-1",
            ],
            &[
                "shop_admin",
                "222222222222",
                "AdministratorAccess",
                "corp",
                "eu-west-1",
            ],
            &[
                "shop_read",
                "222222222222",
                "ReadOnlyAccess",
                "corp",
                "eu-west-1",
            ],
        ])
    }

    fn hits(rows: &[Row], q: &str) -> Vec<u32> {
        let mut f = Filter::new(rows);
        f.set_query(q);
        f.hits().to_vec()
    }

    #[test]
    fn every_word_must_match_some_cell() {
        let r = sample();
        assert_eq!(hits(&r, "1111 admin"), [0]);
        assert_eq!(hits(&r, "blog power"), [1]);
        assert_eq!(hits(&r, "admin 2222"), [2]);
        assert_eq!(hits(&r, "eu read"), [3]);
        assert_eq!(hits(&r, "nothing"), Vec::<u32>::new());
        assert_eq!(hits(&r, ""), [0, 1, 2, 3]);
        assert_eq!(hits(&r, "   "), [0, 1, 2, 3]);
    }

    #[test]
    fn ties_keep_row_order_and_better_matches_come_first() {
        let r = sample();
        // Both shop rows match `shop` equally well: row order decides.
        assert_eq!(hits(&r, "shop"), [2, 3]);
        // `read` is a clean word match for shop_read only.
        assert_eq!(hits(&r, "read")[0], 3);
    }

    #[test]
    fn incremental_and_backspace_agree_with_a_fresh_filter() {
        let r = sample();
        let mut f = Filter::new(&r);
        for q in [
            "b", "bl", "blo", "blog", "blog ", "blog p", "blog", "", "s", "sh a",
        ] {
            f.set_query(q);
            assert_eq!(f.hits(), hits(&r, q).as_slice(), "query {q:?}");
        }
    }

    #[test]
    fn shortcuts() {
        let mut r = sample();
        assert_eq!(shortcut(&r, "blog power"), Some(1));
        assert_eq!(shortcut(&r, "blog"), None);
        assert_eq!(shortcut(&r, ""), None);
        // An exact name wins even when it matches other rows too.
        r.push(Row {
            cells: vec!["blog".into()],
            marked: false,
        });
        assert_eq!(shortcut(&r, "blog"), Some(4));
    }

    #[test]
    fn keys_edit_move_choose_and_cancel() {
        let r = sample();
        let mut m = Menu::new("Profile", &[], &r);
        assert!(m.key(Key::Char('s'), 10).is_none());
        assert!(m.key(Key::Char('h'), 10).is_none());
        assert_eq!(m.hits(), [2, 3]);
        m.key(Key::ArrowDown, 10);
        m.key(Key::ArrowDown, 10);
        assert_eq!(m.selected_row(), Some(3));
        m.key(Key::Char('\x17'), 10);
        assert_eq!(m.hits().len(), 4);
        assert_eq!(m.selected_row(), Some(0));
        m.key(Key::Char('z'), 10);
        m.key(Key::Char('z'), 10);
        assert!(
            m.key(Key::Enter, 10).is_none(),
            "no match: Enter does nothing"
        );
        m.key(Key::Backspace, 10);
        m.key(Key::Backspace, 10);
        assert_eq!(m.key(Key::Enter, 10).map(|r| r.unwrap()), Some(0));
        let err = m.key(Key::CtrlC, 10).unwrap().unwrap_err();
        assert!(err.is::<crate::error::Cancelled>());
        let err = m.key(Key::Escape, 10).unwrap().unwrap_err();
        assert!(err.is::<crate::error::Cancelled>());
    }

    #[test]
    fn frame_shows_prompt_header_rows_and_cursor() {
        let mut r = sample();
        r[1].marked = true;
        let header = ["PROFILE", "ACCOUNT"];
        let mut m = Menu::new("Profile", &header, &r);
        m.set_query("blog");
        let f = m.frame(80, 24);
        let lines: Vec<&str> = f.split("\r\n").collect();
        assert_eq!(lines[0], "\rProfile> blog  2/4\x1b[K");
        assert_eq!(lines[1], "    PROFILE     ACCOUNT\x1b[K");
        assert!(
            lines[2].starts_with(">   blog_admin  111111111111  AdministratorAccess"),
            "{:?}",
            lines[2]
        );
        assert!(
            lines[3].starts_with("  * blog_power  111111111111  PowerUserAccess"),
            "{:?}",
            lines[3]
        );
        assert!(
            lines[3].ends_with("\x1b[K\x1b[J\x1b[3A\r\x1b[13C"),
            "{:?}",
            lines[3]
        );
    }

    #[test]
    fn control_characters_are_not_drawn() {
        let r = rows(&[&["evil\x1b]0;owned\x07", "x"]]);
        let mut m = Menu::new("P", &[], &r);
        let f = m.frame(80, 10);
        assert!(f.contains(">   evil?]0;owned?  x\x1b[K"), "{f:?}");
    }

    #[test]
    fn long_cells_and_lines_are_cut() {
        let long = "x".repeat(60);
        let r = rows(&[&[long.as_str(), "tail"]]);
        let mut m = Menu::new("P", &[], &r);
        let f = m.frame(30, 10);
        let row = f.split("\r\n").nth(1).unwrap();
        let row = row.split('\x1b').next().unwrap();
        assert_eq!(console::measure_text_width(row), 29);
        assert!(row.ends_with('…'));
    }
}
