//! Did-you-mean: the names closest to one the user typed, and the profile a section that is not
//! read as one was probably meant to be. Pure string work; knows nothing of files or the terminal.

use super::ini;

/// Up to `n` names closest to `target`, best first: the same name in another case, then typos
/// (a few edits or swapped letters, scaled to the length), then names that start with or contain
/// the target. Short or unrelated names are never suggested.
pub fn closest<'a>(target: &str, names: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let t: Vec<char> = target.to_lowercase().chars().collect();
    let tlen = t.len();
    if tlen == 0 || n == 0 {
        return Vec::new();
    }
    let max_edits = (tlen / 4).clamp(1, 3);
    let t_str: String = t.iter().collect();
    let mut scored: Vec<(usize, usize, &str)> = names
        .filter_map(|name| {
            let l: Vec<char> = name.to_lowercase().chars().collect();
            if l.len().abs_diff(tlen) <= max_edits {
                let d = edit_distance(&t, &l);
                if d <= max_edits && d < tlen && d < l.len() {
                    return Some((0, d, name));
                }
            }
            let l_str: String = l.iter().collect();
            if tlen >= 2 && l_str.starts_with(&t_str) {
                return Some((1, l.len() - tlen, name));
            }
            if tlen >= 3 && l_str.contains(&t_str) {
                return Some((2, l.len() - tlen, name));
            }
            None
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, _, s)| s).collect()
}

/// Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, v) in d.iter_mut().enumerate().take(w) {
        *v = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// `"a", "b"` for a message.
pub(super) fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|c| format!("{c:?}")).collect();
    quoted.join(", ")
}

/// The profile name an ignored config-file header was probably meant to be: `[dev]` → `dev`,
/// `[Profile dev]` → `dev`, `[profile a b]` → `a b`.
pub(super) fn intended_profile_name(header: &str) -> Option<String> {
    let words = ini::shlex_split(header)?;
    match words.as_slice() {
        [one] => Some(one.clone()),
        [first, rest @ ..] if first.eq_ignore_ascii_case("profile") => Some(rest.join(" ")),
        _ => None,
    }
}
