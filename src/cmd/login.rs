//! `ssox login`: choose the session(s), then for each one: already logged in (no network at all),
//! a silent refresh, or the device flow with a browser and a spinner on stderr; the token is
//! written to the AWS CLI's cache under a per-session lock. `ensure_login` serves other commands.
//! Must not print anything but eval-safe shell code on stdout (`--use` only).

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{anyhow, bail, Result};

use crate::aws::endpoints::{self, Service};
use crate::aws::login::{ClientRejected, DevicePrompt, DeviceUi, Oidc, DEFAULT_SCOPE};
use crate::cache::{self, Registration, MIN_VALIDITY};
use crate::cli::LoginArgs;
use crate::config::{closest, Config, LoginTarget};
use crate::settings::{Settings, STATIC_KEY_VARS};
use crate::shell::{self, Shell};
use crate::ui::{warn, Spinner};
use crate::Cancelled;

use super::{load_config, now, print_stdout};

pub fn run(args: LoginArgs, settings: &Settings) -> Result<()> {
    let config = load_config(settings)?;
    let opts = Options {
        force: args.force,
        no_browser: args.no_browser,
        quiet_if_fresh: false,
    };
    if args.use_profile {
        let Some(name) = args.name else {
            bail!("`ssox login --use` needs a profile name: ssox login --use NAME");
        };
        let profile = config.profile(&name)?;
        let login = config.profile_login(profile)?;
        if args.force {
            login_one(&config, &login, Some(&name), settings, opts)?;
        } else {
            ensure_login(&config, &login, Some(&name), settings, args.no_browser)?;
        }
        let shell = Shell::chosen(args.shell.shell, settings.shell_name.as_deref());
        return print_stdout(&shell::switch_profile(shell, &name, &STATIC_KEY_VARS));
    }
    let profile = settings
        .active_profile()
        .filter(|p| config.profiles.contains_key(*p))
        .map(str::to_string);
    if args.all {
        let targets = login_targets(&config, true);
        if targets.is_empty() {
            bail!("{}", no_sessions_message(&config));
        }
        let mut failed = Vec::new();
        for login in &targets {
            match login_one(&config, login, profile.as_deref(), settings, opts) {
                Ok(()) => {}
                Err(e) if e.downcast_ref::<Cancelled>().is_some() => return Err(e),
                Err(e) => {
                    warn(&format!("{}: {e:#}", login.short_name()));
                    failed.push(login.short_name());
                }
            }
        }
        if !failed.is_empty() {
            bail!("login failed for {}", failed.join(", "));
        }
        return Ok(());
    }
    let (login, profile) = resolve_target(&config, args.name.as_deref(), settings)?;
    login_one(&config, &login, profile.as_deref(), settings, opts)
}

/// Make sure `login` has a token with at least 15 minutes left: nothing when it has (no network,
/// no output), else a refresh, else the device flow (browser unless `no_browser`). `profile` is
/// the profile whose `[services]` endpoints apply, if any.
pub fn ensure_login(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
    no_browser: bool,
) -> Result<()> {
    login_one(
        config,
        login,
        profile,
        settings,
        Options {
            force: false,
            no_browser,
            quiet_if_fresh: true,
        },
    )
}

#[derive(Debug, Clone, Copy)]
struct Options {
    force: bool,
    no_browser: bool,
    /// Say nothing when the token is still fresh (for `ensure_login`).
    quiet_if_fresh: bool,
}

/// Whether a cached token was issued for this login's start URL (a session whose portal changed
/// in the config needs a new login, not its old token).
fn same_portal(token: &cache::CachedToken, login: &LoginTarget) -> bool {
    token
        .start_url
        .as_deref()
        .is_none_or(|u| u.trim_end_matches('/') == login.start_url.trim_end_matches('/'))
}

/// `Some(time left)` when the token at `path` is for `login` and has at least [`MIN_VALIDITY`] left.
fn fresh(
    path: &std::path::Path,
    login: &LoginTarget,
    now: time::OffsetDateTime,
) -> Option<Duration> {
    let token = cache::read_token(path).filter(|t| same_portal(t, login))?;
    let left = token.expires_at - now;
    (left >= MIN_VALIDITY).then(|| left.unsigned_abs())
}

fn login_one(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
    opts: Options,
) -> Result<()> {
    let dir = settings.sso_cache_dir();
    let path = cache::token_path(&dir, &login.cache_key);
    let name = login.short_name();
    let say_fresh = |left: Duration| {
        if !opts.quiet_if_fresh {
            eprintln!(
                "already logged in to {name} (valid {})",
                cache::human_duration(left)
            );
        }
    };
    if !opts.force {
        if let Some(left) = fresh(&path, login, now()) {
            say_fresh(left);
            return Ok(());
        }
    }
    let mut waited = false;
    let lock_path = settings
        .lock_dir()
        .join(format!("token-{}.lock", login_lock_name(&login.cache_key)));
    let _lock = crate::fsutil::Lock::acquire(&lock_path, || {
        waited = true;
        eprintln!("waiting for another ssox login to {name} to finish…");
    })?;
    // Whoever held the lock may just have logged in.
    if !opts.force || waited {
        if let Some(left) = fresh(&path, login, now()) {
            say_fresh(left);
            return Ok(());
        }
    }
    let endpoint = endpoints::resolve(&settings.endpoints, Some(config), profile, Service::SsoOidc);
    crate::verbose!(
        "sso-oidc endpoint {}",
        endpoint.as_deref().map_or(
            format!("https://oidc.{}.amazonaws.com", login.region),
            str::to_string
        )
    );
    let oidc = Oidc::new(&login.region, endpoint)?;
    let token = cache::read_token(&path).filter(|t| same_portal(t, login));
    if let Some(old) = token
        .as_ref()
        .filter(|t| !opts.force && t.refreshable(now()))
    {
        if let (Some(registration), Some(refresh_token)) =
            (Registration::of_token(old), old.refresh_token())
        {
            crate::verbose!("refreshing the cached token of {name}");
            match oidc.refresh(&registration, refresh_token, &now) {
                Ok(new) => {
                    cache::write_token(
                        &path,
                        &login.start_url,
                        &login.region,
                        &new,
                        &registration,
                    )?;
                    eprintln!(
                        "refreshed the token of {name} (valid {})",
                        cache::human_duration((new.expires_at - now()).unsigned_abs())
                    );
                    return Ok(());
                }
                Err(e) if e.is::<Cancelled>() => return Err(e),
                Err(e) => warn(&format!(
                    "cannot refresh the token of {name} ({e:#}); starting a new login"
                )),
            }
        }
    }
    let blocker = browser_blocker(settings, opts.no_browser);
    let (mut registration, cached) = registration(&oidc, login, settings)?;
    let mut result = oidc.device_login(
        &registration,
        &login.start_url,
        &now,
        &mut TerminalUi::new(login, blocker),
    );
    if cached && result.as_ref().is_err_and(|e| e.is::<ClientRejected>()) {
        // A registration the server forgot (or revoked): register once more and start over.
        warn("the server rejected the cached client registration; registering again");
        registration = registration_fresh(&oidc, login, settings)?;
        result = oidc.device_login(
            &registration,
            &login.start_url,
            &now,
            &mut TerminalUi::new(login, blocker),
        );
    }
    let new = result?;
    cache::write_token(&path, &login.start_url, &login.region, &new, &registration)?;
    eprintln!(
        "logged in to {name} (valid {})",
        cache::human_duration((new.expires_at - now()).unsigned_abs())
    );
    Ok(())
}

/// The lock file's name for a session: the token file's name without `.json`.
fn login_lock_name(cache_key: &str) -> String {
    cache::cache_file_name(cache_key)
        .trim_end_matches(".json")
        .to_string()
}

/// The scopes a login registers with: the configured ones, or `sso:account:access` for
/// sso-session configs (so the token is refreshable); none for legacy profiles, as the CLI does.
fn wanted_scopes(login: &LoginTarget) -> Option<Vec<String>> {
    login.session_name.as_ref()?;
    Some(
        login
            .scopes
            .clone()
            .unwrap_or_else(|| vec![DEFAULT_SCOPE.to_string()]),
    )
}

/// The CLI's registration file for `login` (reference §2).
fn registration_path(login: &LoginTarget, settings: &Settings) -> std::path::PathBuf {
    settings.sso_cache_dir().join(cache::registration_file_name(
        &login.region,
        login.scopes.as_deref(),
        login.session_name.as_deref(),
        &login.start_url,
    ))
}

/// The cached device-flow registration when it has 15 minutes left and the wanted scopes
/// (`(r, true)`), else a new one (`(r, false)`).
fn registration(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
) -> Result<(Registration, bool)> {
    let path = registration_path(login, settings);
    if let Some(r) = cache::read_registration(&path) {
        if r.usable(now()) && r.scopes == wanted_scopes(login) {
            crate::verbose!(
                "reusing the client registration in {}",
                settings.display_path(&path)
            );
            return Ok((r, true));
        }
    }
    Ok((registration_fresh(oidc, login, settings)?, false))
}

/// RegisterClient, saved in the CLI's registration file at once (as the CLI does).
fn registration_fresh(
    oidc: &Oidc,
    login: &LoginTarget,
    settings: &Settings,
) -> Result<Registration> {
    crate::verbose!("registering a new client");
    let scopes = wanted_scopes(login);
    let r = oidc.register(login.session_name.as_deref(), scopes.as_deref(), now())?;
    cache::write_registration(&registration_path(login, settings), &r)?;
    Ok(r)
}

/// Why no browser may be opened, or `None` when one may.
fn browser_blocker(settings: &Settings, no_browser: bool) -> Option<&'static str> {
    if no_browser {
        Some("--no-browser")
    } else if settings.ssh {
        Some("this is an SSH session")
    } else if cfg!(all(unix, not(target_os = "macos"))) && !settings.display && !settings.wsl {
        Some("neither DISPLAY nor WAYLAND_DISPLAY is set")
    } else {
        None
    }
}

/// The device flow's UI: the URL and code on stderr, the browser, a spinner with the time left.
struct TerminalUi {
    label: String,
    blocker: Option<&'static str>,
    spinner: Option<Spinner>,
    code: String,
}

impl TerminalUi {
    fn new(login: &LoginTarget, blocker: Option<&'static str>) -> TerminalUi {
        TerminalUi {
            label: login.label(),
            blocker,
            spinner: None,
            code: String::new(),
        }
    }
}

impl DeviceUi for TerminalUi {
    fn prompt(&mut self, p: &DevicePrompt) {
        self.code = p.user_code.clone();
        eprintln!(
            "To log in to {}, open {} and enter the code {}",
            self.label, p.verification_uri, p.user_code
        );
        let complete = p.verification_uri_complete.as_deref();
        match (self.blocker, complete) {
            (None, Some(url)) => {
                eprintln!("Opening {url} in your browser…");
                if let Err(e) = open::that_detached(url) {
                    warn(&format!(
                        "cannot open a browser ({e}); open the URL above and enter the code"
                    ));
                }
            }
            (None, None) => {}
            (Some(reason), _) => {
                eprintln!("Not opening a browser ({reason}): open the URL above on any device.");
                if let Some(url) = complete {
                    eprintln!("Or open {url} (the code is filled in).");
                }
            }
        }
        self.spinner = Some(Spinner::start());
        let left = (p.expires_at - now()).unsigned_abs();
        self.waiting(left);
    }

    fn waiting(&mut self, left: Duration) {
        if let Some(s) = &self.spinner {
            s.message(format!(
                "waiting for approval of code {} ({} left)",
                self.code,
                cache::human_duration(left)
            ));
        }
    }

    fn done(&mut self) {
        if let Some(s) = self.spinner.take() {
            s.clear();
        }
    }
}

/// Every login the config defines: sso-sessions by name, then legacy start URLs (deduplicated).
/// Broken entries are skipped (with a warning when `warn_broken`).
pub fn login_targets(config: &Config, warn_broken: bool) -> Vec<LoginTarget> {
    let mut out: Vec<LoginTarget> = Vec::new();
    for name in config.sessions.keys() {
        match config.session_login(name) {
            Ok(l) => out.push(l),
            Err(e) if warn_broken => warn(&e.to_string()),
            Err(_) => {}
        }
    }
    for p in config.profiles.values() {
        if p.get("sso_session").is_some() || p.get("sso_start_url").is_none() {
            continue;
        }
        match config.profile_login(p) {
            Ok(l) if !out.iter().any(|o| o.cache_key == l.cache_key) => out.push(l),
            Ok(_) => {}
            Err(e) if warn_broken => warn(&e.to_string()),
            Err(_) => {}
        }
    }
    out
}

fn no_sessions_message(config: &Config) -> String {
    format!(
        "no sso-session in {}; add one, for example:\n\n\
         [sso-session my_sso_session]\n\
         sso_start_url = https://my-sso-portal.awsapps.com/start\n\
         sso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access",
        config.config_path
    )
}

/// NAME (an sso-session, else a profile), else the session of the active profile, else the only
/// session, else a menu on a terminal, else an error listing the sessions. Returns the login and
/// the profile whose endpoint settings apply.
pub fn resolve_target(
    config: &Config,
    name: Option<&str>,
    settings: &Settings,
) -> Result<(LoginTarget, Option<String>)> {
    let active = settings
        .active_profile()
        .filter(|p| config.profiles.contains_key(*p))
        .map(str::to_string);
    if let Some(name) = name {
        if config.sessions.contains_key(name) {
            return Ok((config.session_login(name)?, active));
        }
        if let Some(p) = config.profiles.get(name) {
            return Ok((config.profile_login(p)?, Some(name.to_string())));
        }
        let names = config
            .sessions
            .keys()
            .chain(config.profiles.keys())
            .map(String::as_str);
        let mut msg = format!(
            "no sso-session or profile named {name:?} in {}",
            config.config_path
        );
        let close = closest(name, names, 3);
        if !close.is_empty() {
            let list: Vec<String> = close.iter().map(|c| format!("{c:?}")).collect();
            msg.push_str(&format!("; did you mean {}?", list.join(", ")));
        }
        bail!("{msg}");
    }
    if let Some(p) = settings.active_profile() {
        let profile = config.profile(p).map_err(|e| {
            anyhow!(
                "{e} (it is the active profile, from AWS_PROFILE); name a session: ssox login NAME"
            )
        })?;
        return Ok((config.profile_login(profile)?, Some(p.to_string())));
    }
    let mut targets = login_targets(config, false);
    match targets.len() {
        0 => bail!("{}", no_sessions_message(config)),
        1 => Ok((targets.remove(0), None)),
        _ if std::io::stderr().is_terminal() => {
            let items: Vec<String> = targets
                .iter()
                .map(|t| format!("{}  {}", t.short_name(), t.start_url))
                .collect();
            let i = crate::ui::picker::choose("log in to", &items, None)?;
            Ok((targets.remove(i), None))
        }
        _ => {
            let list: Vec<String> = targets.iter().map(LoginTarget::short_name).collect();
            bail!(
                "{} has several sso-sessions ({}); name one: ssox login NAME, or log in to all: ssox login --all",
                config.config_path,
                list.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Config {
        Config::parse(
            text,
            None,
            "~/.aws/config".into(),
            "~/.aws/credentials".into(),
        )
    }

    const TWO: &str =
        "[sso-session alpha]\nsso_start_url = https://a/start\nsso_region = us-east-1\n\
        [sso-session beta]\nsso_start_url = https://b/start\nsso_region = eu-west-1\n\
        sso_registration_scopes = sso:account:access, x\n\
        [profile pa]\nsso_session = alpha\n\
        [profile legacy]\nsso_start_url = https://l/start\nsso_region = us-west-2\n\
        [profile legacy2]\nsso_start_url = https://l/start\nsso_region = us-west-2\n";

    #[test]
    fn targets_are_sessions_then_distinct_legacy_urls() {
        let c = cfg(TWO);
        let keys: Vec<String> = login_targets(&c, false)
            .into_iter()
            .map(|t| t.cache_key)
            .collect();
        assert_eq!(keys, ["alpha", "beta", "https://l/start"]);
    }

    #[test]
    fn resolve_by_session_profile_and_env() {
        let c = cfg(TWO);
        let s = Settings::default();
        let (t, p) = resolve_target(&c, Some("beta"), &s).unwrap();
        assert_eq!((t.cache_key.as_str(), p), ("beta", None));
        let (t, p) = resolve_target(&c, Some("pa"), &s).unwrap();
        assert_eq!((t.cache_key.as_str(), p.as_deref()), ("alpha", Some("pa")));
        let e = resolve_target(&c, Some("legacyy"), &s)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "no sso-session or profile named \"legacyy\" in ~/.aws/config; did you mean \"legacy\", \"legacy2\"?"
        );
        let env = Settings {
            aws_profile: Some("legacy".into()),
            ..Settings::default()
        };
        let (t, p) = resolve_target(&c, None, &env).unwrap();
        assert_eq!(
            (t.cache_key.as_str(), p.as_deref()),
            ("https://l/start", Some("legacy"))
        );
        let one = cfg("[sso-session only]\nsso_start_url = https://o\nsso_region = us-east-1\n");
        assert_eq!(resolve_target(&one, None, &s).unwrap().0.cache_key, "only");
    }

    #[test]
    fn scopes_default_for_sessions_only() {
        let c = cfg(TWO);
        let a = c.session_login("alpha").unwrap();
        assert_eq!(wanted_scopes(&a), Some(vec![DEFAULT_SCOPE.to_string()]));
        let b = c.session_login("beta").unwrap();
        assert_eq!(
            wanted_scopes(&b),
            Some(vec!["sso:account:access".to_string(), "x".to_string()])
        );
        let l = c.profile_login(&c.profiles["legacy"]).unwrap();
        assert_eq!(wanted_scopes(&l), None);
    }

    #[test]
    fn browser_gating() {
        let mut s = Settings {
            display: true,
            ..Settings::default()
        };
        assert_eq!(browser_blocker(&s, false), None);
        assert_eq!(browser_blocker(&s, true), Some("--no-browser"));
        s.ssh = true;
        assert_eq!(browser_blocker(&s, false), Some("this is an SSH session"));
        s.ssh = false;
        s.display = false;
        let expect = if cfg!(all(unix, not(target_os = "macos"))) {
            Some("neither DISPLAY nor WAYLAND_DISPLAY is set")
        } else {
            None
        };
        assert_eq!(browser_blocker(&s, false), expect);
        s.wsl = true;
        assert_eq!(browser_blocker(&s, false), None);
    }
}
