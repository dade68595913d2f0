//! Names of generated profiles: the `--name` template, the rule that makes a portal's account and
//! role names shell-friendly, and the rule that resolves collisions without dropping a role.
//! Pure: must not read the config, files, the environment or the terminal.
//!
//! The rules (docs/compat.md#generated-profiles):
//! - Placeholders `{account_name}`, `{account_id}`, `{role_name}`, `{session}`; the default template
//!   is `{account_name}_{role_name}` (`Prod-Payments_AdministratorAccess`), case kept. Besides
//!   placeholders a template may hold ASCII letters, digits, `_`, `-`, `.` and `/`; it must contain
//!   `{role_name}` and one of `{account_name}`/`{account_id}` (so every role gets its own name),
//!   and must not start with `-` or `.`.
//! - Each placeholder's value keeps ASCII letters, digits, `_` and `-`; every other character (a
//!   space, `.`, `/`, `@`, a quote, a non-ASCII letter) becomes `-`, runs of `-` become one, and `-`
//!   is trimmed from both ends (`Prod Payments (EU)` → `Prod-Payments-EU`). An account name left
//!   empty becomes the account id; an empty role or session name becomes `role` or `session`.
//!   So default names are also valid shell alias names when they start with a letter.
//! - Collisions: when a new name is already a profile's, or two listed roles would get the same name
//!   (two accounts called `dev`), each new one gets its account id after the account name
//!   (`dev-111111111111_Admin`), or, when the template has no `{account_name}`, `-ACCOUNT_ID` at the
//!   end; a profile that already has its name keeps it. A name still taken gets `-2`, `-3`, … in
//!   listing order. No role is ever dropped.

use std::collections::{HashMap, HashSet};

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

    fn has(&self, part: &Part) -> bool {
        self.parts.contains(part)
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

/// A placeholder's value made shell-friendly (see the module's rules); `""` when nothing is left.
pub fn name_part(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '-'
        };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// One role to name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub account_id: &'a str,
    pub account_name: &'a str,
    pub role: &'a str,
    /// The name of the profile it has now, if any: kept when the template gives that name.
    pub current: Option<&'a str>,
}

/// Names for `candidates`, in their order. `others` are the listed roles that keep the profile they
/// have: they count when two roles would get the same name. `taken` holds every profile name in
/// the config and credentials files (including the candidates' current names).
pub fn assign(
    template: &Template,
    session: &str,
    candidates: &[Candidate],
    others: &[Candidate],
    taken: &HashSet<&str>,
) -> Vec<String> {
    let session = non_empty(name_part(session), "session");
    let render = |c: &Candidate, account_name: &str| {
        let role = non_empty(name_part(c.role), "role");
        template.render(account_name, &name_part(c.account_id), &role, &session)
    };
    let account = |c: &Candidate| non_empty(name_part(c.account_name), c.account_id);
    let bases: Vec<String> = candidates.iter().map(|c| render(c, &account(c))).collect();
    let other_bases: Vec<String> = others.iter().map(|c| render(c, &account(c))).collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for b in bases.iter().chain(&other_bases) {
        *count.entry(b).or_default() += 1;
    }
    let mut used: HashSet<String> = HashSet::new();
    let mut names = Vec::with_capacity(candidates.len());
    for (c, base) in candidates.iter().zip(&bases) {
        let contested = count[base.as_str()] > 1 || taken.contains(base.as_str());
        let mut name = if !contested || c.current == Some(base.as_str()) {
            base.clone()
        } else if template.has(&Part::AccountName) && !template.has(&Part::AccountId) {
            let id = name_part(c.account_id);
            render(c, &format!("{}-{id}", account(c)))
        } else if !template.has(&Part::AccountId) {
            format!("{base}-{}", name_part(c.account_id))
        } else {
            base.clone()
        };
        let free = |n: &str| c.current == Some(n) || !(taken.contains(n) || used.contains(n));
        if !free(&name) {
            let stem = name;
            name = (2..)
                .map(|i| format!("{stem}-{i}"))
                .find(|n| free(n))
                .unwrap_or_default();
        }
        used.insert(name.clone());
        names.push(name);
    }
    names
}

fn non_empty(s: String, fallback: &str) -> String {
    if s.is_empty() {
        fallback.to_string()
    } else {
        s
    }
}

/// A portal account name as an `sso_account_name` value that reads back as itself: line breaks,
/// tabs and other control characters become spaces, runs of spaces one, the ends are trimmed, a
/// space before `#` or `;` is dropped (it would start a comment) and so is a leading `#` or `;`.
/// `None` when nothing is left.
pub fn account_name_value(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_control() || c == ' ' { ' ' } else { c };
        match c {
            ' ' if out.is_empty() || out.ends_with(' ') => {}
            '#' | ';' if out.is_empty() => {}
            '#' | ';' if out.ends_with(' ') => {
                out.pop();
                out.push(c);
            }
            c => out.push(c),
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    (!out.is_empty()).then_some(out)
}
