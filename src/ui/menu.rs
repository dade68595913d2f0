//! The fuzzy menu: its state (query, hits, cursor), its frame at a given terminal size, and
//! `choose`/`choose_row`, which run it on the terminal. A frame never draws wider or taller than
//! the terminal: columns that do not fit are dropped, the least telling first. Matching is
//! `filter`'s, the terminal `tty`'s; knows nothing about AWS, config files or shells.

use anyhow::{bail, Result};
use console::{Key, Style};

use super::filter::{shortcut, Filter};
use super::text;
use super::tty::{self, Interactive, Tty};
use crate::error::{Cancelled, NoTerminal};

pub use super::filter::Row;

/// Most rows shown at once.
const MAX_VISIBLE: usize = 15;
/// Widest a column gets; longer cells are cut with `…`.
const MAX_COLUMN: usize = 40;
/// Narrowest the first column is squeezed to before the last column is dropped.
const MIN_FIRST: usize = 12;
/// Before each row: cursor, space, mark, space.
const GUTTER: usize = 4;
/// Between two columns.
const GAP: usize = 2;

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
///
/// On a narrow terminal the first cell (the row's name) and the last (by convention its state)
/// stay; the others are dropped first those with the fewest distinct values (they tell the rows
/// apart least), ties from the right.
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
    let mut menu = Menu::new(prompt, header, rows).color(tty.colors());
    menu.set_query(query);
    tty.interact(&mut menu)
}

/// The menu's state and drawing, independent of the terminal (tests and the benchmark drive it).
pub struct Menu<'a> {
    prompt: &'a str,
    header: &'a [&'a str],
    rows: &'a [Row],
    /// Each column's natural width: its widest cell or title, at most [`MAX_COLUMN`].
    widths: Vec<usize>,
    /// Middle columns in the order they are dropped when the terminal is too narrow; worked
    /// out the first time a frame does not fit.
    drop_order: Option<Vec<usize>>,
    filter: Filter<'a>,
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
            *w = text::width(h);
        }
        for r in rows {
            for (w, c) in widths.iter_mut().zip(&r.cells) {
                *w = (*w).max(shown_width(c));
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
            drop_order: None,
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
            Key::Escape | Key::CtrlC | Key::Char('\x07') => return Some(Err(Cancelled.into())),
            Key::Char('\x04') if self.query.is_empty() => return Some(Err(Cancelled.into())),
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
                let q = tty::without_last_word(&self.query).to_string();
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

    /// Whether the header is shown and how many rows fit on a terminal `height` lines high: one
    /// line is left free when there are more than two, and the header needs room for two rows.
    fn lines_for(&self, height: usize) -> (bool, usize) {
        let lines = if height > 2 {
            height - 1
        } else {
            height.max(1)
        };
        let header = !self.header.is_empty() && lines >= 4;
        let rows = (lines - 1 - usize::from(header)).min(MAX_VISIBLE);
        (header, rows)
    }

    /// How many rows a terminal `height` lines high shows (at least 1: the page for PageDown).
    pub fn visible(&self, height: usize) -> usize {
        self.lines_for(height).1.max(1)
    }

    /// The columns shown within `room` cells (gutter included), each with its width.
    fn layout(&mut self, room: usize) -> Vec<(usize, usize)> {
        let mut shown: Vec<(usize, usize)> = self.widths.iter().copied().enumerate().collect();
        let total = |s: &[(usize, usize)]| {
            GUTTER + s.iter().map(|c| c.1).sum::<usize>() + GAP * s.len().saturating_sub(1)
        };
        if total(&shown) <= room {
            return shown;
        }
        let order = self
            .drop_order
            .get_or_insert_with(|| drop_order(self.rows, self.widths.len()));
        for &col in order.iter() {
            if total(&shown) <= room {
                break;
            }
            shown.retain(|c| c.0 != col);
        }
        // Name and state only, still too wide: squeeze the name, or else drop the state.
        if shown.len() > 1 && total(&shown) > room {
            let squeezed = room.saturating_sub(total(&shown) - shown[0].1);
            if squeezed >= shown[0].1.min(MIN_FIRST) {
                shown[0].1 = squeezed;
            } else {
                shown.truncate(1);
            }
        }
        if total(&shown) > room {
            if let Some(first) = shown.first_mut() {
                first.1 = room.saturating_sub(GUTTER).max(1);
            }
        }
        shown
    }

    /// One frame, drawn from the start of the prompt line; leaves the cursor after the query.
    /// `width` and `height` are the terminal's size; the frame is at most `width - 1` wide and
    /// `height - 1` high.
    pub fn frame(&mut self, width: usize, height: usize) -> String {
        let width = width.saturating_sub(1).max(1);
        let (show_header, visible) = self.lines_for(height);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + visible.max(1) {
            self.offset = self.selected + 1 - visible.max(1);
        }
        let columns = self.layout(width);
        let plain = Style::new().force_styling(self.color);
        let dim = plain.clone().dim();
        let strong = plain.clone().bold();
        let fit = |line: String, tail: &str| console::truncate_str(&line, width, tail).into_owned();

        let mut lines: Vec<String> = Vec::with_capacity(visible + 2);
        let head = format!("{}> {}", self.prompt, text::printable(&self.query));
        let count = format!("  {}/{}", self.hits().len(), self.rows.len());
        lines.push(fit(format!("{head}{}", dim.apply_to(count)), ""));
        if show_header {
            let cells: Vec<String> = self.header.iter().map(|h| h.to_string()).collect();
            let text = cells_line(&columns, &cells, &[], &plain, &plain);
            lines.push(fit(format!("    {}", dim.apply_to(text)), ""));
        }
        let shown: Vec<u32> = self
            .hits()
            .iter()
            .skip(self.offset)
            .take(visible)
            .copied()
            .collect();
        let lit = plain.clone().cyan().bold();
        let lit_strong = strong.clone().cyan().bold();
        for (k, &i) in shown.iter().enumerate() {
            let row = &self.rows[i as usize];
            let is_sel = self.offset + k == self.selected;
            let marks = self.filter.positions(i);
            let (base, hl) = if is_sel {
                (&strong, &lit_strong)
            } else {
                (&plain, &lit)
            };
            let text = cells_line(&columns, &row.cells, &marks, base, hl);
            let cursor = if is_sel { ">" } else { " " };
            let mark = if row.marked { "*" } else { " " };
            lines.push(fit(
                format!("{} {mark} {text}", strong.apply_to(cursor)),
                "…",
            ));
        }
        if shown.is_empty() && visible > 0 {
            lines.push(fit(format!("    {}", dim.apply_to("no match")), ""));
        }
        let col = console::measure_text_width(&head).min(width);
        tty::paint(&lines, col)
    }
}

impl Interactive for Menu<'_> {
    type Output = usize;

    fn draw(&mut self, width: usize, height: usize) -> String {
        self.frame(width, height)
    }

    fn on_key(&mut self, key: Key, height: usize) -> Option<Result<usize>> {
        self.key(key, self.visible(height))
    }
}

/// The middle columns (never the first or the last) in the order they are dropped: fewest
/// distinct values first, ties from the right.
fn drop_order(rows: &[Row], columns: usize) -> Vec<usize> {
    /// Counting stops here: past it a column is telling enough (and few values compare faster
    /// in a list than through a hash).
    const ENOUGH: usize = 16;
    let mut order: Vec<(usize, usize)> = (1..columns.saturating_sub(1))
        .map(|col| {
            let mut seen: Vec<&str> = Vec::with_capacity(ENOUGH + 1);
            for r in rows {
                let cell = r.cells.get(col).map_or("", String::as_str);
                if !seen.contains(&cell) {
                    seen.push(cell);
                    if seen.len() > ENOUGH {
                        break;
                    }
                }
            }
            (seen.len(), col)
        })
        .collect();
    order.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    order.into_iter().map(|(_, col)| col).collect()
}

/// The cells `cell` takes as drawn: its display width (CJK and emoji take two), with what
/// [`text::printable`] escapes counted as its escape.
fn shown_width(cell: &str) -> usize {
    text::width(&text::printable(cell))
}

/// `cells` in `columns` (index, width), padded by display width; chars at `marks` (per cell)
/// drawn with `hl`. A cell wider than its column is cut with `…`; text from files or the
/// portal is drawn through [`text::printable`].
fn cells_line(
    columns: &[(usize, usize)],
    cells: &[String],
    marks: &[Vec<u32>],
    base: &Style,
    hl: &Style,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for (n, &(c, w)) in columns.iter().enumerate() {
        let cell = cells.get(c).map_or("", String::as_str);
        if n > 0 {
            out.push_str(&" ".repeat(GAP));
        }
        let lit = marks.get(c).map_or(&[][..], Vec::as_slice);
        let cut = shown_width(cell) > w;
        // Room for the characters: the column, less one cell for the `…` of a cut cell.
        let room = if cut { w.saturating_sub(1) } else { w };
        let mut used = 0;
        let mut run = String::new();
        let mut run_lit = false;
        let mut shown = String::new();
        for (k, ch) in cell.chars().enumerate() {
            shown.clear();
            text::push_printable(&mut shown, ch);
            let cw = text::width(&shown);
            if used + cw > room {
                break;
            }
            used += cw;
            let is_lit = u32::try_from(k).is_ok_and(|k| lit.binary_search(&k).is_ok());
            if is_lit != run_lit && !run.is_empty() {
                let s = if run_lit { hl } else { base };
                let _ = write!(out, "{}", s.apply_to(&run));
                run.clear();
            }
            run_lit = is_lit;
            run.push_str(&shown);
        }
        if cut {
            run.push('…');
            used += 1;
        }
        if !run.is_empty() {
            let s = if run_lit { hl } else { base };
            let _ = write!(out, "{}", s.apply_to(&run));
        }
        if n + 1 < columns.len() {
            out.push_str(&" ".repeat(w.saturating_sub(used)));
        }
    }
    // Empty cells at the end leave only padding.
    out.truncate(out.trim_end_matches(' ').len());
    out
}

#[cfg(test)]
mod tests;
