//! The profiles as `list` and `pick` show them: the config loaded from the files the settings
//! name, one row per profile (target, session, region, token state) with its stable `--json`
//! shape, and the menu row `pick` draws. Reads files only (the config, each session's token file
//! once); no network, no drawing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use anyhow::Result;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::cache::assumed::arn_account;
use crate::cache::{self, CachedToken, TokenState};
use crate::config::{Config, ConfigError, LoginTarget, Profile, ProfileKind};
use crate::session::chain::{self, Chain, Root};
use crate::settings::Settings;
use crate::{session, ui};

/// Read the config and credentials files named by the settings.
pub fn load_config(settings: &Settings) -> Result<Config> {
    crate::config::load(&settings.config_file, &settings.credentials_file, |p| {
        settings.display_path(p)
    })
}

/// `load_config` for a command about one profile: other profiles are passed over unread, which
/// keeps `use`, `status --prompt` and `creds` fast on configs with thousands of profiles.
pub fn load_config_for(settings: &Settings, profile: &str) -> Result<Config> {
    crate::config::load_profile(
        &settings.config_file,
        &settings.credentials_file,
        |p| settings.display_path(p),
        profile,
    )
}

/// `load_config_for` for a command that needs a profile's credentials: when they come from
/// another profile (`source_profile`), every profile is read, since a role chain may pass
/// through any of them.
pub fn load_config_chain(settings: &Settings, profile: &str) -> Result<Config> {
    let config = load_config_for(settings, profile)?;
    match config.profiles.get(profile) {
        Some(p) if p.get("source_profile").is_some() => load_config(settings),
        _ => Ok(config),
    }
}

/// One profile as `list` and `pick` show it.
pub struct Row {
    pub name: String,
    pub kind: &'static str,
    pub account: Option<String>,
    /// The account's name as the portal gave it to `ssox sync` (`sso_account_name` of this
    /// profile, or of another for the same account id).
    pub account_name: Option<String>,
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

    /// The TOKEN cell: `error` for a broken profile, the session's token state, or `None` for a
    /// profile without SSO.
    pub fn token_cell(&self) -> Option<&str> {
        match (&self.error, &self.sso) {
            (Some(_), _) => Some("error"),
            (None, Some(s)) => Some(&s.token_text),
            (None, None) => None,
        }
    }

    /// The ACCOUNT cell of `list` and `pick`: `111111111111 (Prod)`, or the id alone.
    pub fn account_cell(&self) -> Option<String> {
        account_cell(self.account.clone(), self.account_name.as_deref())
    }

    /// The profile in `list --json`.
    pub fn json(&self) -> Value {
        json!({
            "name": self.name,
            "kind": self.kind,
            "account_id": self.account,
            "role_name": self.role,
            "sso_session": self.sso.as_ref().and_then(|s| s.login.session_name.clone()),
            "sso_start_url": self.sso.as_ref().map(|s| s.login.start_url.clone()),
            "sso_region": self.sso.as_ref().map(|s| s.login.region.clone()),
            "region": self.region,
            "token": self.token().map(|t| t.as_str()),
            "token_expires_at": self.sso.as_ref().and_then(|s| s.expires_at.clone()),
            "active": self.active,
            "error": self.error,
            // Added after the others, so that their order stays as it was.
            "account_name": self.account_name,
        })
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

impl SessionState {
    /// The session `name` in `list --sessions --json` (`type`: `sso-session`, or `legacy` for
    /// a start URL set in profiles).
    pub fn json(&self, name: &str) -> Value {
        json!({
            "name": name,
            "type": if self.login.session_name.is_some() { "sso-session" } else { "legacy" },
            "sso_start_url": self.login.start_url,
            "sso_region": self.login.region,
            "token": self.token.as_str(),
            "token_expires_at": self.expires_at,
            "error": Value::Null,
        })
    }
}

/// Reads each session's token file once.
pub struct Tokens<'a> {
    settings: &'a Settings,
    dir: PathBuf,
    seen: HashMap<String, Option<CachedToken>>,
}

impl<'a> Tokens<'a> {
    pub fn new(settings: &'a Settings) -> Self {
        Tokens {
            settings,
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

    /// The state of `login`'s token (`rejected` when the SSO portal refused it).
    pub fn state(&mut self, login: LoginTarget, now: OffsetDateTime) -> SessionState {
        let settings = self.settings;
        let path = cache::token_path(&self.dir, &login.cache_key);
        let token = self.get(&login.cache_key);
        let state = crate::session::token_state(settings, &path, token, now);
        SessionState {
            token: state,
            token_text: state.short(),
            expires_at: token.map(|t| cache::format_timestamp(t.expires_at)),
            login,
        }
    }
}

/// Every sso-session of the config by name, with its token's state (or why it is broken), then
/// every legacy start URL (profiles with `sso_start_url` and no `sso_session`) by its URL, once,
/// as `status` lists them.
pub fn sessions(
    config: &Config,
    settings: &Settings,
    now: OffsetDateTime,
) -> Vec<(String, Result<SessionState, ConfigError>)> {
    let mut tokens = Tokens::new(settings);
    let mut out: Vec<(String, Result<SessionState, ConfigError>)> = config
        .sessions
        .keys()
        .map(|name| {
            let state = config
                .session_login(name)
                .map(|login| tokens.state(login, now));
            (name.clone(), state)
        })
        .collect();
    // Broken legacy profiles are left out: `list` reports them as profiles.
    for login in session::login_targets(config, false) {
        if login.session_name.is_none() {
            out.push((login.start_url.clone(), Ok(tokens.state(login, now))));
        }
    }
    out
}

/// Build the rows for every profile, sorted by name.
pub fn rows(config: &Config, settings: &Settings, now: OffsetDateTime) -> Vec<Row> {
    let mut tokens = Tokens::new(settings);
    let mut sessions: HashMap<&str, Result<Rc<SessionState>, String>> = HashMap::new();
    let active = settings.active_profile();
    let mut rows: Vec<Row> = config
        .profiles
        .values()
        .map(|p| {
            let f = Fields::of(p);
            let mut r = Row {
                name: p.name.clone(),
                kind: p.kind.as_str(),
                account: f.account.map(str::to_string),
                account_name: f.account_name.map(str::to_string),
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
                ProfileKind::AssumeRole => chained(&mut r, config, p, &mut tokens, now),
                _ => {}
            }
            r
        })
        .collect();
    name_accounts(&mut rows);
    rows
}

fn account_cell(id: Option<String>, name: Option<&str>) -> Option<String> {
    let id = id?;
    Some(match name {
        Some(name) if name != id => format!("{id} ({name})"),
        _ => id,
    })
}

/// Give the rows of an account without `sso_account_name` the name another profile of that
/// account has (a hand-written profile beside the ones `sync` wrote).
fn name_accounts(rows: &mut [Row]) {
    let names: HashMap<String, String> = rows
        .iter()
        .filter_map(|r| Some((r.account.clone()?, r.account_name.clone()?)))
        .collect();
    if names.is_empty() {
        return;
    }
    for r in rows.iter_mut().filter(|r| r.account_name.is_none()) {
        r.account_name = r.account.as_ref().and_then(|a| names.get(a)).cloned();
    }
}

/// The keys every row shows, read in one pass over the profile's keys (a lookup each scanned them
/// six times over: most of the cost of building 10,000 rows). Last value wins and empty is unset,
/// as with `Profile::get`.
#[derive(Default)]
struct Fields<'a> {
    account: Option<&'a str>,
    account_name: Option<&'a str>,
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
                "sso_account_name" => &mut f.account_name,
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
    now: OffsetDateTime,
) -> Result<Rc<SessionState>, String> {
    let login = config.profile_login(p).map_err(|e| e.to_string())?;
    Ok(Rc::new(tokens.state(login, now)))
}

/// The cells of a role-chain profile: the account and role of its `role_arn`, and the session
/// and token of the chain's root when that is an SSO role (or why the chain is broken).
fn chained(r: &mut Row, config: &Config, p: &Profile, tokens: &mut Tokens, now: OffsetDateTime) {
    if let Some(arn) = p.get("role_arn") {
        r.account = arn_account(arn).map(str::to_string);
        r.role = Some(chain::role_name(arn).to_string());
    }
    match chain::resolve(config, &p.name) {
        Ok(Chain {
            root: Root::Sso(target),
            ..
        }) => {
            let state = tokens.state(target.login, now);
            r.session = Some(state.login.short_name());
            r.sso = Some(Rc::new(state));
        }
        Ok(_) => {}
        Err(e) => r.error = Some(e.to_string()),
    }
}

/// Column titles of the `pick` menu, in the order of [`menu_row`]'s cells. The ACCOUNT cell
/// holds the account's name beside its id (`111111111111 (Prod)`), so the filter, which searches
/// every cell, matches on it.
pub const MENU_HEADER: [&str; 6] = ["PROFILE", "ACCOUNT", "ROLE", "SESSION", "REGION", "TOKEN"];

/// The menu cells for one profile: name, account (with its name), role, session, region, token
/// state. Every cell is searched. Empty when unknown.
pub fn menu_row(r: Row) -> ui::Row {
    let token = r.token_cell().unwrap_or_default().to_string();
    let account = account_cell(r.account, r.account_name.as_deref()).unwrap_or_default();
    ui::Row {
        cells: vec![
            r.name,
            account,
            r.role.unwrap_or_default(),
            r.session.unwrap_or_default(),
            r.region.unwrap_or_default(),
            token,
        ],
        marked: r.active,
    }
}
