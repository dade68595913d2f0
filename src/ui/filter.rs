//! Fuzzy matching of menu rows, pure: no terminal, no I/O. Every whitespace-separated word of a
//! query must match (nucleo-matcher's fuzzy atoms, smart case) within one cell of a row.

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{chars, Matcher, Utf32Str};

/// One menu row: cells shown in aligned columns (all of them searched), and whether to mark it
/// (`*`, e.g. the active profile). The first cell is the row's name for the exact-name shortcut.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    pub marked: bool,
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
/// The rows' cells are matched where they are (no per-cell copy up front: the menu's first
/// frame at 10,000 profiles does not wait for 60,000 conversions).
pub struct Filter<'a> {
    rows: &'a [Row],
    /// Room for a non-ASCII cell's characters while it is matched.
    chars: Vec<char>,
    matcher: Matcher,
    levels: Vec<Level>,
}

struct Level {
    query: String,
    hits: Vec<u32>,
}

impl<'a> Filter<'a> {
    pub fn new(rows: &'a [Row]) -> Filter<'a> {
        let all = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX)).collect();
        Filter {
            rows,
            chars: Vec::new(),
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
            let cells = &self.rows[i as usize].cells;
            if let Some(s) = score(&pattern, cells, &mut self.matcher, &mut self.chars) {
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
    pub fn positions(&mut self, row: u32) -> Vec<Vec<u32>> {
        let cells = &self.rows[row as usize].cells;
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
                .filter_map(|(c, h)| {
                    let h = haystack(h, &mut self.chars);
                    atom.score(h, &mut self.matcher).map(|s| (s, c))
                })
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((_, c)) = best {
                let h = haystack(&cells[c], &mut self.chars);
                atom.indices(h, &mut self.matcher, &mut out[c]);
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

fn score(
    pattern: &Pattern,
    cells: &[String],
    matcher: &mut Matcher,
    chars: &mut Vec<char>,
) -> Option<u32> {
    let mut total = 0u32;
    for atom in &pattern.atoms {
        total += u32::from(best_cell_score(atom, cells, matcher, chars)?);
    }
    Some(total)
}

fn best_cell_score(
    atom: &Atom,
    cells: &[String],
    matcher: &mut Matcher,
    chars: &mut Vec<char>,
) -> Option<u16> {
    cells
        .iter()
        .filter_map(|h| atom.score(haystack(h, chars), matcher))
        .max()
}

/// A cell as the matcher reads it: its bytes when it is ASCII, else its characters (one per
/// grapheme, as nucleo's `Utf32String` holds them) in `buf`.
fn haystack<'h>(cell: &'h str, buf: &'h mut Vec<char>) -> Utf32Str<'h> {
    if cell.is_ascii() {
        return Utf32Str::Ascii(cell.as_bytes());
    }
    buf.clear();
    buf.extend(chars::graphemes(cell));
    Utf32Str::Unicode(buf)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Rows of `cells`, none marked.
    pub fn rows(lines: &[&[&str]]) -> Vec<Row> {
        lines
            .iter()
            .map(|cells| Row {
                cells: cells.iter().map(|c| c.to_string()).collect(),
                marked: false,
            })
            .collect()
    }

    /// Four profiles: name, account, role, session, region.
    pub fn sample() -> Vec<Row> {
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
    fn non_ascii_cells_match_and_highlight_by_character() {
        let r = rows(&[&["blog_admin", "Bücher (Prod)"], &["shop", "Café"]]);
        assert_eq!(hits(&r, "bucher"), [0]);
        assert_eq!(hits(&r, "cafe shop"), [1]);
        let mut f = Filter::new(&r);
        f.set_query("her pro");
        assert_eq!(f.hits(), [0]);
        // Character positions in "Bücher (Prod)", not byte offsets.
        assert_eq!(f.positions(0), [vec![], vec![3, 4, 5, 8, 9, 10]]);
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
}
