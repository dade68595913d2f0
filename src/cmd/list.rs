//! `ssox list`: every profile (or sso-session) with its target and token state, as a table,
//! JSON or bare names. Reads files only; no network.

use std::collections::HashMap;
use std::fmt::Write as _;

use anyhow::Result;
use console::Style;
use serde_json::{json, Value};

use crate::cache::{self, CachedToken, TokenState};
use crate::cli::ListArgs;
use crate::config::{Config, LoginTarget, Profile};
use crate::settings::Settings;

use super::{load_config, print_stdout, stdout_color, warn};

/// One profile as `list` and `pick` show it.
pub struct Row {
    pub name: String,
    pub kind: &'static str,
    pub account: Option<String>,
    pub role: Option<String>,
    /// sso-session name, or the legacy start URL's host.
    pub session: Option<String>,
    pub region: Option<String>,
    pub token: Option<TokenState>,
    pub expires_at: Option<String>,
    pub login: Option<LoginTarget>,
    pub error: Option<String>,
    pub active: bool,
}

/// Reads each session's token file once.
pub struct Tokens<'a> {
    settings: &'a Settings,
    seen: HashMap<String, Option<CachedToken>>,
}

impl<'a> Tokens<'a> {
    pub fn new(settings: &'a Settings) -> Self {
        Tokens {
            settings,
            seen: HashMap::new(),
        }
    }

    pub fn get(&mut self, cache_key: &str) -> Option<&CachedToken> {
        let dir = self.settings.sso_cache_dir();
        self.seen
            .entry(cache_key.to_string())
            .or_insert_with(|| cache::read_token(&cache::token_path(&dir, cache_key)))
            .as_ref()
    }
}

/// Build the rows for every profile, sorted by name.
pub fn rows(config: &Config, settings: &Settings, now: time::OffsetDateTime) -> Vec<Row> {
    let mut tokens = Tokens::new(settings);
    let active = settings.active_profile();
    config
        .profiles
        .values()
        .map(|p| row(config, p, &mut tokens, active, now))
        .collect()
}

fn row(
    config: &Config,
    p: &Profile,
    tokens: &mut Tokens,
    active: Option<&str>,
    now: time::OffsetDateTime,
) -> Row {
    let mut r = Row {
        name: p.name.clone(),
        kind: p.kind.as_str(),
        account: p.get("sso_account_id").map(str::to_string),
        role: p.get("sso_role_name").map(str::to_string),
        session: None,
        region: p.region().map(str::to_string),
        token: None,
        expires_at: None,
        login: None,
        error: None,
        active: active == Some(p.name.as_str()),
    };
    match p.kind {
        crate::config::ProfileKind::Sso => match config.profile_login(p) {
            Ok(login) => {
                let token = tokens.get(&login.cache_key);
                r.token = Some(TokenState::of(token, now));
                r.expires_at = token.map(|t| cache::format_timestamp(t.expires_at));
                r.session = Some(login.short_name());
                r.login = Some(login);
            }
            Err(e) => {
                r.session = p.get("sso_session").map(str::to_string);
                r.error = Some(e.to_string());
            }
        },
        crate::config::ProfileKind::AssumeRole => {
            r.role = p.get("role_arn").map(str::to_string);
            r.session = p
                .get("source_profile")
                .or(p.get("credential_source"))
                .map(str::to_string);
        }
        _ => {}
    }
    r
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
        "sso_session": r.login.as_ref().and_then(|l| l.session_name.clone()),
        "sso_start_url": r.login.as_ref().map(|l| l.start_url.clone()),
        "sso_region": r.login.as_ref().map(|l| l.region.clone()),
        "region": r.region,
        "token": r.token.map(|t| token_word(&t)),
        "token_expires_at": r.expires_at,
        "active": r.active,
        "error": r.error,
    })
}

/// `valid`, `expired`, `refreshable`, `none`: stable words for JSON.
pub fn token_word(t: &TokenState) -> &'static str {
    match t {
        TokenState::None => "none",
        TokenState::Valid { .. } => "valid",
        TokenState::Expired {
            refreshable: true, ..
        } => "refreshable",
        TokenState::Expired { .. } => "expired",
    }
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
                match (&r.error, &r.token) {
                    (Some(_), _) => "error".into(),
                    (None, Some(t)) => t.short(),
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
    for (r, c) in rows.iter().zip(&cells) {
        let mark = if r.active { "* " } else { "  " };
        let mut line = String::new();
        for (i, (s, w)) in c.iter().zip(widths).enumerate() {
            let text = if i == 6 { s.clone() } else { pad(s, w) };
            let styled = match i {
                0 if r.active => bold.apply_to(text).to_string(),
                6 if s.starts_with("valid") => green.apply_to(text).to_string(),
                6 if s == "expired" || s == "error" => red.apply_to(text).to_string(),
                6 if s == "-" || s == "none" => dim.apply_to(text).to_string(),
                _ => text,
            };
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(&styled);
        }
        let _ = writeln!(out, "{mark}{}", line.trim_end());
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
                    "token": token_word(&state),
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
