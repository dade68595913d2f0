//! Names of generated profiles: the `--name` template, the rule that makes a portal's account and
//! role names shell-friendly, and the rule that tells accounts apart without dropping a role.
//! Pure: must not read the config, files, the environment or the terminal.
//!
//! The rules (README.md#profile-names):
//! - Placeholders `{account_name}`, `{account_id}`, `{role_name}`, `{session}`; the default template
//!   is `{account_name}_{role_name}` (`Prod-Payments_AdministratorAccess`), case kept. Besides
//!   placeholders a template may hold ASCII letters, digits, `_`, `-`, `.` and `/`; it must contain
//!   `{role_name}` and one of `{account_name}`/`{account_id}` (so every role gets its own name),
//!   and must not start with `-` or `.`.
//! - Each placeholder's value is transliterated to ASCII first (deunicode: `Müller` → `Muller`,
//!   `São` → `Sao`, `東京` → `Dong Jing`, `🚀` → `rocket`), then keeps ASCII letters, digits, `_`
//!   and `-`; every other character (a space, `.`, `/`, `@`, a quote, a symbol deunicode does not
//!   know) becomes `-`, runs of `-` become one, and `-` is trimmed from both ends
//!   (`Prod Payments (EU)` → `Prod-Payments-EU`). The account part is cut to
//!   [`ACCOUNT_PART_MAX`] characters. An account name left empty becomes the account id; an empty
//!   role or session name becomes `role` or `session`. So default names are also valid shell
//!   alias names when they start with a letter.
//! - The account part is worked out per account. When two different accounts give the same part
//!   (ignoring case; accounts listed now, or named in other profiles of the config), or a name an
//!   account would give is already a profile's for something else, every name of that account
//!   carries its id (`Prod-Payments-100000000001_AdministratorAccess`): all profiles of one account
//!   share one spelling and no two accounts share one. (A template with `{account_id}` needs no
//!   more.) A name still taken gets `-2`, `-3`, … in listing order. No role is ever dropped.
//! - What a name should be ([`assign`]) does not depend on the names generated profiles have now:
//!   the plan keeps existing names and reports those that differ (`sync --rename` renames them).

use std::collections::{HashMap, HashSet};

use deunicode::AsciiChars;

pub const DEFAULT_TEMPLATE: &str = "{account_name}_{role_name}";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    AccountName,
    AccountId,
    RoleName,
    Session,
}

/// A parsed `--name` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    text: String,
    parts: Vec<Part>,
}

const PLACEHOLDERS: &str = "{account_name}, {account_id}, {role_name} and {session}";

impl Template {
    /// Parse a template; the error says what is wrong (without saying where it came from).
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let Some((name, after)) = after.split_once('}') else {
                    return Err(format!(
                        "`{{` without a closing `}}`; the placeholders are {PLACEHOLDERS}"
                    ));
                };
                parts.push(match name {
                    "account_name" => Part::AccountName,
                    "account_id" => Part::AccountId,
                    "role_name" => Part::RoleName,
                    "session" => Part::Session,
                    _ => {
                        return Err(format!(
                            "unknown placeholder `{{{name}}}`; the placeholders are {PLACEHOLDERS}"
                        ))
                    }
                });
                rest = after;
                continue;
            }
            let end = rest.find('{').unwrap_or(rest.len());
            let (lit, after) = rest.split_at(end);
            if let Some(c) = lit
                .chars()
                .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')))
            {
                return Err(format!(
                    "{c:?} is not allowed in a profile name; besides the placeholders, use ASCII \
                     letters, digits, `_`, `-`, `.` and `/`"
                ));
            }
            parts.push(Part::Lit(lit.to_string()));
            rest = after;
        }
        let has = |p: &Part| parts.contains(p);
        if !has(&Part::RoleName) || !(has(&Part::AccountName) || has(&Part::AccountId)) {
            return Err(
                "it must contain {role_name} and {account_name} or {account_id}, so that every \
                 role gets its own name"
                    .into(),
            );
        }
        if text.starts_with(['-', '.']) {
            return Err("a profile name must not start with `-` or `.`".into());
        }
        Ok(Template {
            text: text.to_string(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether two accounts with the same name would give the same names (the template names
    /// the account by its name and not by its id).
    fn needs_ids(&self) -> bool {
        self.parts.contains(&Part::AccountName) && !self.parts.contains(&Part::AccountId)
    }

    /// The name for one role, the values already made shell-friendly.
    fn render(&self, account_name: &str, account_id: &str, role: &str, session: &str) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.as_str(),
                Part::AccountName => account_name,
                Part::AccountId => account_id,
                Part::RoleName => role,
                Part::Session => session,
            })
            .collect()
    }
}

/// The most characters an account's name gives a profile name: a longer name is cut there, and
/// two accounts whose names are cut to the same part are told apart by their ids like any others.
pub const ACCOUNT_PART_MAX: usize = 64;

/// A placeholder's value made shell-friendly (see the module's rules); `""` when nothing is left.
pub fn name_part(value: &str) -> String {
    clean(value, usize::MAX)
}

/// The account part of a name before any id is added: the account's name made shell-friendly
/// and cut to [`ACCOUNT_PART_MAX`] characters, or its id when nothing is left.
pub fn account_part(name: &str, id: &str) -> String {
    non_empty(clean(name, ACCOUNT_PART_MAX), id)
}

/// Transliterate (deunicode: `Müller` → `Muller`, `東京` → `Dong Jing`), then keep ASCII letters,
/// digits and `_`, every other character becoming `-`, runs of `-` one, none at either end; at
/// most `max` characters (the value is read only as far as needed, so a huge one costs nothing).
fn clean(value: &str, max: usize) -> String {
    let mut out = String::with_capacity(value.len().min(max.saturating_add(16)));
    for piece in value.ascii_chars() {
        // A character deunicode does not know is lost like any other symbol.
        for c in piece.unwrap_or("-").chars() {
            let c = if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            };
            if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
                out.push(c);
            }
        }
        if out.len() > max {
            break;
        }
    }
    // All ASCII: any length is a character boundary.
    out.truncate(max);
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A listed role: (account id, role name).
pub type RoleRef<'a> = (&'a str, &'a str);

/// What [`assign`] names.
pub struct Naming<'a> {
    pub template: &'a Template,
    pub session: &'a str,
    /// Every listed account: (id, name as the portal gives it).
    pub accounts: &'a [(&'a str, &'a str)],
    /// Accounts that are not listed but have profiles in the config (another session's, or
    /// hand-written with `sso_account_name`): (id, name). No listed account may share their part.
    pub others: &'a [(&'a str, &'a str)],
    /// Every listed role to name.
    pub roles: &'a [RoleRef<'a>],
    /// The names this sync may not give: every profile's, except the generated ones it may
    /// rename; each with the listed role it points at through this session, if any.
    pub fixed: &'a HashMap<&'a str, Option<RoleRef<'a>>>,
}

/// The name every role of `n.roles` should have under the rules, in their order: the account
/// part per account (with its id when another account has the same part, ignoring case, or when
/// a name it gives is a profile's for something else), then `-2`, `-3`, … for a name still taken.
pub fn assign(n: &Naming) -> Vec<String> {
    let session = non_empty(name_part(n.session), "session");
    let parts = account_parts(n);
    let mut used: HashSet<String> = HashSet::new();
    let mut names = Vec::with_capacity(n.roles.len());
    for &(id, role) in n.roles {
        let part = parts.get(id).map_or(id, String::as_str);
        let role_part = non_empty(name_part(role), "role");
        let base = n.template.render(part, id, &role_part, &session);
        let free = |name: &str| {
            !used.contains(name) && n.fixed.get(name).is_none_or(|t| *t == Some((id, role)))
        };
        let name = if free(&base) {
            base
        } else {
            (2..)
                .map(|i| format!("{base}-{i}"))
                .find(|c| free(c))
                .unwrap_or_default()
        };
        used.insert(name.clone());
        names.push(name);
    }
    names
}

/// Each listed account's part of a name (by id).
fn account_parts<'a>(n: &Naming<'a>) -> HashMap<&'a str, String> {
    let mut parts: HashMap<&str, String> = (n.accounts.iter())
        .map(|&(id, name)| (id, account_part(name, id)))
        .collect();
    if !n.template.needs_ids() {
        return parts;
    }
    let listed: HashSet<&str> = parts.keys().copied().collect();
    let others: Vec<(&str, String)> = (n.others.iter())
        .filter(|(id, _)| !listed.contains(id))
        .map(|&(id, name)| (id, account_part(name, id).to_lowercase()))
        .collect();
    let session = non_empty(name_part(n.session), "session");
    let mut with_id: HashSet<&str> = HashSet::new();
    // A name the account would give that is already another profile's.
    for &(id, role) in n.roles {
        let Some(part) = parts.get(id) else { continue };
        let name = n
            .template
            .render(part, id, &non_empty(name_part(role), "role"), &session);
        if n.fixed
            .get(name.as_str())
            .is_some_and(|t| *t != Some((id, role)))
        {
            with_id.insert(id);
        }
    }
    // Two accounts with one part: both get their ids, until no two share one (an id added can
    // meet an account literally named so; ids told apart never meet again).
    loop {
        let mut by_part: HashMap<String, Vec<&str>> = HashMap::new();
        for (&id, part) in &parts {
            let part = if with_id.contains(id) {
                add_id(part, id)
            } else {
                part.clone()
            };
            by_part.entry(part.to_lowercase()).or_default().push(id);
        }
        for (id, part) in &others {
            by_part.entry(part.clone()).or_default().push(id);
        }
        let before = with_id.len();
        for ids in by_part.values().filter(|ids| ids.len() > 1) {
            with_id.extend(ids.iter().filter(|id| listed.contains(*id)));
        }
        if with_id.len() == before {
            break;
        }
    }
    for (id, part) in parts.iter_mut() {
        if with_id.contains(id) {
            *part = add_id(part, id);
        }
    }
    parts
}

/// `Prod-Payments` → `Prod-Payments-100000000001`; a part that already ends with the id (or is
/// the id) is left as it is.
fn add_id(part: &str, id: &str) -> String {
    let id = name_part(id);
    if part == id
        || part
            .strip_suffix(id.as_str())
            .is_some_and(|p| p.ends_with('-'))
    {
        part.to_string()
    } else {
        format!("{part}-{id}")
    }
}

fn non_empty(s: String, fallback: &str) -> String {
    if s.is_empty() {
        fallback.to_string()
    } else {
        s
    }
}

/// A portal account name as an `sso_account_name` value that reads back as itself and shows as
/// itself: line breaks (also U+2028, U+2029), tabs and other control characters become spaces,
/// bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are dropped,
/// runs of spaces become one, the ends are trimmed, a space before `#` or `;` is dropped (it would
/// start a comment) and so is a leading `#` or `;`. A name longer than [`ACCOUNT_NAME_MAX`]
/// characters (AWS allows 50) is cut there and ends with `…`. `None` when nothing is left.
pub fn account_name_value(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len().min(4 * ACCOUNT_NAME_MAX));
    // Characters in `out`: the value is read only as far as the cap.
    let mut n = 0;
    let mut cut = false;
    for c in name.chars() {
        if is_bidi_control(c) {
            continue;
        }
        let c = if c.is_control() || matches!(c, ' ' | '\u{2028}' | '\u{2029}') {
            ' '
        } else {
            c
        };
        match c {
            ' ' if out.is_empty() || out.ends_with(' ') => {}
            '#' | ';' if out.is_empty() => {}
            '#' | ';' if out.ends_with(' ') => {
                out.pop();
                out.push(c);
            }
            c if n == ACCOUNT_NAME_MAX => {
                cut = c != ' ';
                if cut {
                    break;
                }
            }
            c => {
                out.push(c);
                n += 1;
            }
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    if cut {
        out.push('…');
    }
    (!out.is_empty()).then_some(out)
}

/// The most characters of a portal's account name `sync` writes as `sso_account_name` (and keeps
/// for `list`): AWS allows 50, so a longer name is hostile, and `list` rows stay short.
pub const ACCOUNT_NAME_MAX: usize = 256;

/// The characters that reorder the text around them on a terminal.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}
