//! What `sync --prune` removes beyond what sync wrote: the keys and comment lines a user added
//! inside a generated profile whose account or role is gone, named in the prune question, in
//! `--dry-run` and after `--yes` (docs/config-writes.md). Pure: must not read or
//! write files, call AWS or touch the terminal.

use super::Entry;
use crate::config::edit::{ConfigDoc, SectionId};
use crate::config::ConfigError;

/// The keys sync writes in a generated profile; any other key was added by someone else.
const GENERATED_KEYS: [&str; 6] = [
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "region",
    "sso_account_name",
    "sso_auto_populated",
];

/// At most this many profiles are named, and this many characters of a comment shown.
const MAX_NAMED: usize = 5;
const MAX_COMMENT: usize = 60;

/// Whether the profiles are about to go (the question, `--dry-run`) or are gone (`--yes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Before,
    After,
}

/// One line per removed profile holding lines sync did not write (at most [`MAX_NAMED`], then
/// a count): `dev_Admin has lines ssox did not write, which go with it: output, 1 comment line
/// (# used by CI)` ([`When::After`]: `dev_Admin was removed with lines ssox did not write: …`).
/// Key names are listed, never their values. `text` is the config's text before the removal;
/// `path` names it.
pub fn user_lines(
    text: &str,
    path: &str,
    removed: &[Entry],
    when: When,
) -> Result<Vec<String>, ConfigError> {
    if removed.is_empty() {
        return Ok(Vec::new());
    }
    let doc = ConfigDoc::parse(text, path)?;
    let mut notes = Vec::new();
    for e in removed {
        let lines = doc.section_lines(&SectionId::profile(&e.name))?;
        let mut parts: Vec<String> = (lines.keys.iter())
            .filter(|k| !GENERATED_KEYS.contains(&k.as_str()))
            .map(|k| printable(k, MAX_COMMENT))
            .collect();
        if let [first, ..] = lines.comments.as_slice() {
            let n = lines.comments.len();
            let more = if n > 1 { "; …" } else { "" };
            parts.push(format!(
                "{n} comment line{} ({}{more})",
                if n == 1 { "" } else { "s" },
                printable(first, MAX_COMMENT)
            ));
        }
        if !parts.is_empty() {
            let name = printable(&e.name, usize::MAX);
            let parts = parts.join(", ");
            notes.push(match when {
                When::Before => {
                    format!("{name} has lines ssox did not write, which go with it: {parts}")
                }
                When::After => format!("{name} was removed with lines ssox did not write: {parts}"),
            });
        }
    }
    if notes.len() > MAX_NAMED {
        let more = notes.len() - MAX_NAMED;
        notes.truncate(MAX_NAMED);
        let s = if more == 1 { "" } else { "s" };
        notes.push(match when {
            When::Before => format!(
                "and {more} more profile{s} to remove with lines ssox did not write (ssox sync \
                 --prune --dry-run shows them)"
            ),
            When::After => {
                format!("and {more} more removed profile{s} with lines ssox did not write")
            }
        });
    }
    Ok(notes)
}

/// `text` for one line of the terminal: escaped as everything quoted from a file is
/// (`ui::text::printable`), cut to `max` cells (then `…`).
fn printable(text: &str, max: usize) -> String {
    crate::ui::text::truncate(&crate::ui::text::printable(text), max).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> Entry {
        Entry {
            name: name.into(),
            account_id: "111111111111".into(),
            role: "Admin".into(),
        }
    }

    #[test]
    fn only_profiles_with_lines_sync_did_not_write_are_named() {
        let text = "[profile a]\nsso_session = s\nsso_role_name = Admin\nregion = x\n\
                    sso_auto_populated = true\n\n[profile b]\nsso_session = s\n# one\n\
                    # two \u{1b}[2J\nOutput = json\ncli_pager =\nregion = x\n# after: kept\n";
        let notes = user_lines(text, "f", &[entry("a"), entry("b")], When::Before).unwrap();
        assert_eq!(
            notes,
            [
                "b has lines ssox did not write, which go with it: output, cli_pager, 2 comment \
              lines (# one; …)"
            ]
        );
        assert_eq!(
            user_lines(text, "f", &[], When::Before).unwrap(),
            Vec::<String>::new()
        );
        let text = "[profile c]\n# \u{202e}x\u{7}\nregion = x\n";
        let escaped = user_lines(text, "f", &[entry("c")], When::After).unwrap();
        assert_eq!(
            escaped,
            ["c was removed with lines ssox did not write: 1 comment line (# \\u{202e}x\\x07)"]
        );
    }

    #[test]
    fn past_five_profiles_a_count() {
        let text: String = (0..7)
            .map(|i| format!("[profile p{i}]\noutput = json\n"))
            .collect();
        let removed: Vec<Entry> = (0..7).map(|i| entry(&format!("p{i}"))).collect();
        let notes = user_lines(&text, "f", &removed, When::Before).unwrap();
        assert_eq!(notes.len(), 6);
        assert_eq!(
            notes[5],
            "and 2 more profiles to remove with lines ssox did not write (ssox sync --prune \
             --dry-run shows them)"
        );
        let notes = user_lines(&text, "f", &removed[..6], When::After).unwrap();
        assert_eq!(
            notes[5],
            "and 1 more removed profile with lines ssox did not write"
        );
    }
}
