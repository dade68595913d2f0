//! Did-you-mean: the names closest to one the user typed, and the section (profile,
//! sso-session…) a header that is not read as one was probably meant to be. Pure string work;
//! knows nothing of files or the terminal.

use super::ini::{self, quote_name};
use super::known_keys::{means_default, meant_prefix, BARE_SECTIONS, SECTION_PREFIXES};

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
pub(super) fn edit_distance(a: &[char], b: &[char]) -> usize {
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

/// What an ignored config-file section was probably meant to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Meant {
    Profile(String),
    /// `[default]`.
    Default,
    Session(String),
    Services(String),
}

impl Meant {
    /// The header as it should be written: `[profile "a b"]`, `[default]`, `[sso-session corp]`.
    pub(super) fn header(&self) -> String {
        match self {
            Meant::Profile(n) => format!("[profile {}]", quote_name(n)),
            Meant::Default => "[default]".to_string(),
            Meant::Session(n) => format!("[sso-session {}]", quote_name(n)),
            Meant::Services(n) => format!("[services {}]", quote_name(n)),
        }
    }
}

/// What an ignored config-file header was probably meant to be, and whether its first word is
/// a section prefix as written (`[profile a b]`: the parser reports those itself). A bare
/// `[dev]` is meant as `[profile dev]` (the credentials file's way to name a profile), `[Default]`
/// as `[default]`, `[profle dev]` or `[Profile dev]` as `[profile dev]`, `[sso_session corp]`
/// as `[sso-session corp]`. `None` for a header not close to any of them (`[plugins]`,
/// `[tools x]`).
pub(super) fn meant_section(header: &str) -> Option<(Meant, bool)> {
    let words = ini::shlex_split(header)?;
    match words.as_slice() {
        [one] => {
            let ours = SECTION_PREFIXES.contains(&one.as_str()) || meant_prefix(one).is_some();
            if ours || BARE_SECTIONS.contains(&one.as_str()) {
                None
            } else if means_default(one) {
                Some((Meant::Default, false))
            } else {
                Some((Meant::Profile(one.clone()), false))
            }
        }
        [first, rest @ ..] if !rest.is_empty() => {
            let exact = SECTION_PREFIXES.contains(&first.as_str());
            let prefix = if exact {
                first.as_str()
            } else {
                meant_prefix(first)?
            };
            let name = rest.join(" ");
            let meant = match prefix {
                "profile" => Meant::Profile(name),
                "sso-session" => Meant::Session(name),
                _ => Meant::Services(name),
            };
            Some((meant, exact))
        }
        _ => None,
    }
}
