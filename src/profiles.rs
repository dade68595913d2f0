//! The profiles as `list` and `pick` show them: the config loaded from the files the settings
//! name, one row per profile (target, session, region, token state) with its stable `--json`
//! shape, and the menu row `pick` draws. Reads files only (the config, each session's token file
//! once); no network, no drawing.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::cache::assumed::arn_account;
use crate::cache::{self, CachedToken, TokenState};
use crate::config::{Config, ConfigError, LoginTarget, Profile, ProfileKind};
use crate::session::chain::{self, Chain, Root};
use crate::session::logins::LoginState;
use crate::settings::Settings;
use crate::{accounts, session, ui};

type FastHash = foldhash::fast::RandomState;

/// Read the config and credentials files named by the settings.
pub fn load_config(settings: &Settings) -> Result<Config> {
    let config = crate::config::load(&settings.config_file, &settings.credentials_file, |p| {
        settings.display_path(p)
    })?;
    tell_unreadable(&config);
    Ok(config)
}

/// Whether what makes the AWS CLI refuse a file has been told (or must not be, `quiet`).
static TOLD: AtomicBool = AtomicBool::new(false);

/// Say once per run, on stderr, what makes the AWS CLI refuse a file that ssox reads: a byte
/// order mark, a line in a key's block that is not `sub = value`.
fn tell_unreadable(config: &Config) {
    if config.bom.is_empty() && config.refused.is_empty() {
        return;
    }
    if TOLD.swap(true, Ordering::Relaxed) {
        return;
    }
    for p in config.bom.iter().chain(&config.refused) {
        ui::warn(&p.0);
    }
}

/// Loading the config says nothing on stderr from now on (`status --prompt`, which runs at every
/// prompt; `init`, at every shell start; `doctor`, which reports it in its own lines).
pub fn quiet() {
    TOLD.store(true, Ordering::Relaxed);
}

/// The name of every profile, sorted (`load_config(…).profiles.keys()`, read faster), handed
/// to `with`.
pub fn with_names<R>(settings: &Settings, with: impl FnOnce(&[Cow<str>]) -> R) -> Result<R> {
    crate::config::load_names(
        &settings.config_file,
        &settings.credentials_file,
        |p| settings.display_path(p),
        with,
    )
}

/// `load_config` for a command about one profile: other profiles are passed over unread, which
/// keeps `use`, `status --prompt` and `creds` fast on configs with thousands of profiles.
pub fn load_config_for(settings: &Settings, profile: &str) -> Result<Config> {
    let config = crate::config::load_profile(
        &settings.config_file,
        &settings.credentials_file,
        |p| settings.display_path(p),
        profile,
    )?;
    tell_unreadable(&config);
    Ok(config)
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

/// One profile as `list` and `pick` show it, borrowing its strings from the config.
pub struct Row<'a> {
    pub name: &'a str,
    pub kind: &'static str,
    pub account: Option<&'a str>,
    /// The account's name as the portal gave it to `ssox sync` (`sso_account_name` of this
    /// profile, or of another for the same account id, or what a sync saw: `accounts`).
    pub account_name: Option<Cow<'a, str>>,
    pub role: Option<&'a str>,
    pub region: Option<&'a str>,
    /// A broken SSO profile's `sso_session` as written (a working one shows its login's name).
    named_session: Option<&'a str>,
    /// The SSO login and token this profile uses, shared by every profile of its session.
    pub sso: Option<Rc<SessionState>>,
    /// The `aws login` session (`login_session`) this profile, or its chain's root, uses.
    pub login: Option<Rc<LoginState>>,
    pub error: Option<String>,
    pub active: bool,
}

impl Row<'_> {
    pub fn token(&self) -> Option<TokenState> {
        match (&self.sso, &self.login) {
            (Some(s), _) => Some(s.token),
            (None, Some(l)) => Some(l.token),
            (None, None) => None,
        }
    }

    /// The SESSION cell: the sso-session name or the legacy start URL's host (see
    /// `LoginTarget::short_name`), or a broken profile's `sso_session`.
    pub fn session(&self) -> Option<&str> {
        match &self.sso {
            Some(s) => Some(&s.short_name),
            None => self.named_session,
        }
    }

    /// The TOKEN cell: `error` for a broken profile, the session's token state, or `None` for a
    /// profile without SSO.
    pub fn token_cell(&self) -> Option<&str> {
        match (&self.error, &self.sso, &self.login) {
            (Some(_), _, _) => Some("error"),
            (None, Some(s), _) => Some(&s.token_text),
            (None, None, Some(l)) => Some(&l.token_text),
            (None, None, None) => None,
        }
    }

    /// The ACCOUNT cell of `list` and `pick`: `111111111111 (Prod)`, or the id alone.
    pub fn account_cell(&self) -> Option<Cow<'_, str>> {
        let id = self.account?;
        Some(match self.account_name.as_deref() {
            Some(name) if name != id => Cow::Owned(format!("{id} ({name})")),
            _ => Cow::Borrowed(id),
        })
    }
}

/// What every profile of one sso-session (or legacy start URL) shares: worked out once.
pub struct SessionState {
    pub login: LoginTarget,
    /// `LoginTarget::short_name`, worked out once.
    pub short_name: String,
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
            short_name: login.short_name(),
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
pub fn rows<'a>(config: &'a Config, settings: &Settings, now: OffsetDateTime) -> Vec<Row<'a>> {
    let mut tokens = Tokens::new(settings);
    // Asked once per SSO profile: foldhash, not SipHash (no untrusted keys to guard against).
    let mut sessions: HashMap<&str, Result<Rc<SessionState>, String>, FastHash> =
        HashMap::default();
    let active = settings.active_profile();
    let mut rows: Vec<Row> = config
        .profiles
        .values()
        .map(|p| {
            let f = Fields::of(p);
            let mut r = Row {
                name: &p.name,
                kind: p.kind.as_str(),
                account: f.account,
                account_name: f.account_name.map(Cow::Borrowed),
                role: f.role,
                region: f.region,
                named_session: None,
                sso: None,
                login: None,
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
                        Ok(st) => r.sso = Some(st),
                        Err(e) => {
                            r.named_session = f.session;
                            r.error = Some(e);
                        }
                    }
                }
                ProfileKind::AssumeRole => chained(&mut r, config, p, &mut tokens, now),
                ProfileKind::Login => match p.get("login_session") {
                    Some(s) => {
                        r.account = r.account.or(cache::login::session_account(s));
                        r.role = r.role.or(cache::login::session_role(s));
                        r.login = Some(Rc::new(LoginState::read(settings, s, now)));
                    }
                    None => {
                        r.error = Some(format!(
                            "login_session is empty ({}); run: ssox login {}",
                            config.at(p.line("login_session").unwrap_or(p.source)),
                            crate::config::ini::quote_name(&p.name)
                        ))
                    }
                },
                ProfileKind::Static => {
                    r.error = config.static_keys_problem(p).map(|e| e.0);
                }
                _ => {}
            }
            r
        })
        .collect();
    name_accounts(&mut rows, settings);
    rows
}

/// Give the rows of an account without `sso_account_name` the name another profile of that
/// account has (a hand-written profile beside the ones `sync` wrote), else the name a sync saw
/// (`accounts`: read only when some row still needs it).
fn name_accounts(rows: &mut [Row], settings: &Settings) {
    if rows
        .iter()
        .all(|r| r.account.is_none() || r.account_name.is_some())
    {
        return;
    }
    let names: HashMap<&str, &str, FastHash> = rows
        .iter()
        .filter_map(|r| match (r.account, &r.account_name) {
            (Some(a), Some(Cow::Borrowed(n))) => Some((a, *n)),
            _ => None,
        })
        .collect();
    let mut seen: Option<accounts::Seen> = None;
    for r in rows.iter_mut().filter(|r| r.account_name.is_none()) {
        let Some(id) = r.account else { continue };
        if let Some(&name) = names.get(id) {
            r.account_name = Some(Cow::Borrowed(name));
            continue;
        }
        let seen = seen.get_or_insert_with(|| accounts::load(&accounts::path(&settings.state_dir)));
        let session = r.sso.as_ref().and_then(|s| s.login.session_name.as_deref());
        r.account_name = seen.name(session, id).map(|n| Cow::Owned(n.to_string()));
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
        for (k, v) in p.keys.scalars() {
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
            // A nested block (`region =` over `x = y` lines) is no value.
            *slot = v.filter(|v| !v.is_empty());
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
fn chained<'a>(
    r: &mut Row<'a>,
    config: &Config,
    p: &'a Profile,
    tokens: &mut Tokens,
    now: OffsetDateTime,
) {
    if let Some(arn) = p.get("role_arn") {
        r.account = arn_account(arn);
        r.role = Some(chain::role_name(arn));
    }
    match chain::resolve(config, &p.name) {
        Ok(Chain {
            root: Root::Sso(target),
            ..
        }) => {
            r.sso = Some(Rc::new(tokens.state(target.login, now)));
        }
        Ok(Chain {
            root: Root::Login(root),
            ..
        }) => {
            if let Some(s) = root.get("login_session") {
                r.login = Some(Rc::new(LoginState::read(tokens.settings, s, now)));
            }
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
pub fn menu_row(r: &Row) -> ui::Row {
    let cell = |s: Option<&str>| s.unwrap_or_default().to_string();
    ui::Row {
        cells: vec![
            r.name.to_string(),
            r.account_cell().map(Cow::into_owned).unwrap_or_default(),
            cell(r.role),
            cell(r.session()),
            cell(r.region),
            cell(r.token_cell()),
        ],
        marked: r.active,
    }
}

mod json;

pub use json::write_json;

#[cfg(test)]
mod tests;
