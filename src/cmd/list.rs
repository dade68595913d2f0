//! `ssox list`: every profile (or sso-session) with its target and token state, as a table,
//! JSON or bare names. Reads files only; no network.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::rc::Rc;

use anyhow::Result;
use console::Style;
use serde_json::{json, Value};

use crate::cache::{self, CachedToken, TokenState};
use crate::cli::ListArgs;
use crate::config::{Config, LoginTarget, Profile, ProfileKind};
use crate::settings::Settings;
use crate::ui::warn;

use super::{load_config, print_stdout, stdout_color};

/// One profile as `list` and `pick` show it.
pub struct Row {
    pub name: String,
    pub kind: &'static str,
    pub account: Option<String>,
    pub role: Option<String>,
    /// sso-session name, or the legacy start URL's host.
    pub session: Option<String>,
    pub region: Option<String>,
    /// The SSO login and token this profile uses, shared by every profile of its session.
    pub sso: Option<Rc<SessionState>>,
    pub error: Option<String>,
    pub active: bool,
}

impl Row {
    pub fn token(&self) -> Option<TokenState> {
        self.sso.as_ref().map(|s| s.token)
    }
}

/// What every profile of one sso-session (or legacy start URL) shares: worked out once.
pub struct SessionState {
    pub login: LoginTarget,
    pub token: TokenState,
    /// `TokenState::short`, formatted once.
    pub token_text: String,
    pub expires_at: Option<String>,
}

/// Reads each session's token file once.
pub struct Tokens {
    dir: PathBuf,
    seen: HashMap<String, Option<CachedToken>>,
}

impl Tokens {
    pub fn new(settings: &Settings) -> Self {
        Tokens {
            dir: settings.sso_cache_dir(),
            seen: HashMap::new(),
        }
    }

    pub fn get(&mut self, cache_key: &str) -> Option<&CachedToken> {
        if !self.seen.contains_key(cache_key) {
            let token = cache::read_token(&cache::token_path(&self.dir, cache_key));
            self.seen.insert(cache_key.to_string(), token);
        }
        self.seen.get(cache_key).and_then(Option::as_ref)
    }
}

/// Build the rows for every profile, sorted by name.
pub fn rows(config: &Config, settings: &Settings, now: time::OffsetDateTime) -> Vec<Row> {
    let mut tokens = Tokens::new(settings);
    let mut sessions: HashMap<&str, Result<Rc<SessionState>, String>> = HashMap::new();
    let active = settings.active_profile();
    config
        .profiles
        .values()
        .map(|p| {
            let f = Fields::of(p);
            let mut r = Row {
                name: p.name.clone(),
                kind: p.kind.as_str(),
                account: f.account.map(str::to_string),
                role: f.role.map(str::to_string),
                session: None,
                region: f.region.map(str::to_string),
                sso: None,
                error: None,
                active: active == Some(p.name.as_str()),
            };
            match p.kind {
                ProfileKind::Sso => {
                    // Profiles that only name their sso-session share its resolution; the rare
                    // ones with their own sso_start_url/sso_region are checked one by one.
                    let state = match f.session {
                        Some(s) if f.start_url.is_none() && f.sso_region.is_none() => sessions
                            .entry(s)
                            .or_insert_with(|| session_state(config, p, &mut tokens, now))
                            .clone(),
                        _ => session_state(config, p, &mut tokens, now),
                    };
                    match state {
                        Ok(st) => {
                            r.session = Some(st.login.short_name());
                            r.sso = Some(st);
                        }
                        Err(e) => {
                            r.session = f.session.map(str::to_string);
                            r.error = Some(e);
                        }
                    }
                }
                ProfileKind::AssumeRole => {
                    r.role = p.get("role_arn").map(str::to_string);
                    r.session = p
                        .get("source_profile")
                        .or(p.get("credential_source"))
                        .map(str::to_string);
                }
                _ => {}
            }
            r
        })
        .collect()
}

/// The keys every row shows, read in one pass over the profile's keys (a lookup each scanned them
/// six times over: most of the cost of building 10,000 rows). Last value wins and empty is unset,
/// as with `Profile::get`.
#[derive(Default)]
struct Fields<'a> {
    account: Option<&'a str>,
    role: Option<&'a str>,
    region: Option<&'a str>,
    session: Option<&'a str>,
    start_url: Option<&'a str>,
    sso_region: Option<&'a str>,
}

impl<'a> Fields<'a> {
    fn of(p: &'a Profile) -> Fields<'a> {
        let mut f = Fields::default();
        for (k, v) in p.keys.iter() {
            let slot = match k {
                "sso_account_id" => &mut f.account,
                "sso_role_name" => &mut f.role,
                "region" => &mut f.region,
                "sso_session" => &mut f.session,
                "sso_start_url" => &mut f.start_url,
                "sso_region" => &mut f.sso_region,
                _ => continue,
            };
            *slot = (!v.is_empty()).then_some(v);
        }
        f
    }
}

fn session_state(
    config: &Config,
    p: &Profile,
    tokens: &mut Tokens,
    now: time::OffsetDateTime,
) -> Result<Rc<SessionState>, String> {
    let login = config.profile_login(p).map_err(|e| e.to_string())?;
    let token = tokens.get(&login.cache_key);
    let state = TokenState::of(token, now);
    Ok(Rc::new(SessionState {
        token: state,
        token_text: state.short(),
        expires_at: token.map(|t| cache::format_timestamp(t.expires_at)),
        login,
    }))
}

pub fn run(args: ListArgs, settings: &Settings) -> Result<()> {
    let config = load_config(settings)?;
    let now = super::now();
    if !args.names {
        for p in &config.problems {
            warn(&p.0);
        }
    }
    if args.sessions {
        return sessions(&config, &args, settings, now);
    }
    if args.names {
        let mut out = String::new();
        for name in config.profiles.keys() {
            out.push_str(name);
            out.push('\n');
        }
        return print_stdout(&out);
    }
    let rows = rows(&config, settings, now);
    for r in &rows {
        if let Some(e) = &r.error {
            warn(e);
        }
    }
    if args.json {
        let arr: Vec<Value> = rows.iter().map(row_json).collect();
        return print_stdout(&format!("{}\n", serde_json::to_string_pretty(&arr)?));
    }
    print_stdout(&table(&rows, stdout_color(settings)))
}

fn row_json(r: &Row) -> Value {
    json!({
        "name": r.name,
        "kind": r.kind,
        "account_id": r.account,
        "role_name": r.role,
        "sso_session": r.sso.as_ref().and_then(|s| s.login.session_name.clone()),
        "sso_start_url": r.sso.as_ref().map(|s| s.login.start_url.clone()),
        "sso_region": r.sso.as_ref().map(|s| s.login.region.clone()),
        "region": r.region,
        "token": r.token().map(|t| t.as_str()),
        "token_expires_at": r.sso.as_ref().and_then(|s| s.expires_at.clone()),
        "active": r.active,
        "error": r.error,
    })
}

fn table(rows: &[Row], color: bool) -> String {
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            let dash = || "-".to_string();
            [
                r.name.clone(),
                r.kind.to_string(),
                r.account.clone().unwrap_or_else(dash),
                r.role.clone().unwrap_or_else(dash),
                r.session.clone().unwrap_or_else(dash),
                r.region.clone().unwrap_or_else(dash),
                match (&r.error, &r.sso) {
                    (Some(_), _) => "error".into(),
                    (None, Some(s)) => s.token_text.clone(),
                    (None, None) => "-".into(),
                },
            ]
        })
        .collect();
    let header = [
        "PROFILE", "KIND", "ACCOUNT", "ROLE", "SESSION", "REGION", "TOKEN",
    ];
    let mut widths = header.map(str::len);
    for c in &cells {
        for (w, s) in widths.iter_mut().zip(c) {
            *w = (*w).max(s.chars().count());
        }
    }
    let style = |s: Style| s.force_styling(color);
    let bold = style(Style::new().bold());
    let green = style(Style::new().green());
    let red = style(Style::new().red());
    let dim = style(Style::new().dim());
    let mut out = String::new();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let head: Vec<String> = header.iter().zip(widths).map(|(h, w)| pad(h, w)).collect();
    let _ = writeln!(out, "  {}", bold.apply_to(head.join("  ").trim_end()));
    let mut line = String::new();
    for (r, c) in rows.iter().zip(&cells) {
        line.clear();
        line.push_str(if r.active { "* " } else { "  " });
        for (i, (s, w)) in c.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let style = match i {
                0 if r.active => Some(&bold),
                6 if s.starts_with("valid") => Some(&green),
                6 if s == "expired" || s == "error" => Some(&red),
                6 if s == "-" || s == "none" => Some(&dim),
                _ => None,
            };
            match style {
                Some(st) if color => {
                    let _ = write!(line, "{}", st.apply_to(s));
                }
                _ => line.push_str(s),
            }
            if i < 6 {
                let n = w.saturating_sub(s.chars().count());
                line.extend(std::iter::repeat_n(' ', n));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn sessions(
    config: &Config,
    args: &ListArgs,
    settings: &Settings,
    now: time::OffsetDateTime,
) -> Result<()> {
    if args.names {
        let mut out = String::new();
        for name in config.sessions.keys() {
            out.push_str(name);
            out.push('\n');
        }
        return print_stdout(&out);
    }
    let mut tokens = Tokens::new(settings);
    let mut arr = Vec::new();
    let mut text = String::new();
    for name in config.sessions.keys() {
        match config.session_login(name) {
            Ok(login) => {
                let t = tokens.get(&login.cache_key);
                let state = TokenState::of(t, now);
                arr.push(json!({
                    "name": name,
                    "sso_start_url": login.start_url,
                    "sso_region": login.region,
                    "token": state.as_str(),
                    "token_expires_at": t.map(|t| cache::format_timestamp(t.expires_at)),
                    "error": Value::Null,
                }));
                let _ = writeln!(
                    text,
                    "{name}  {}  {}  {}",
                    login.start_url,
                    login.region,
                    state.short()
                );
            }
            Err(e) => {
                warn(&e.0);
                arr.push(json!({"name": name, "error": e.0}));
            }
        }
    }
    if args.json {
        return print_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&Value::Array(arr))?
        ));
    }
    print_stdout(&text)
}
