//! `ssox sync`, driven: which sso-sessions, each one's token (never an interactive login:
//! `session::fresh_token`), the portal's listing of every account and role (`aws::portal`, with a
//! progress bar on stderr past a handful of accounts), the plan, and the config file written
//! under ssox's lock (`file`), or with `--dry-run` the diff on stdout and nothing written.
//! Removing profiles asks first on a terminal unless `--yes`; without a terminal they are kept
//! and the warning says how to remove them. Keys and comments a user added to a removed profile
//! are named above the question, with `--dry-run` and after `--yes` (`prune`). Nothing is
//! written unless the listing is complete.

use std::time::Instant;

use anyhow::{anyhow, bail, Result};

use super::file::ConfigFile;
use super::names::{account_name_value, Template};
use super::plan::arrows;
use super::{configure, diff, plan as make_plan, prune, Account, Entry, Plan, Request};
use crate::aws::endpoints::{self, Service};
use crate::aws::portal::{Backoff, ListingError, Portal};
use crate::cache::CachedToken;
use crate::config::edit::ConfigDoc;
use crate::config::{Config, LoginTarget};
use crate::error::{Cancelled, NoTerminal};
use crate::output::print_stdout;
use crate::session::{self, TokenRejected};
use crate::settings::Settings;
use crate::ui::{self, warn, Progress, Spinner};

/// Past this many accounts, the listing shows a progress bar (before, a spinner).
const HANDFUL: usize = 5;

/// What `ssox sync` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub sessions: Vec<String>,
    pub all: bool,
    /// `--name`
    pub template: Option<String>,
    pub region: Option<String>,
    pub prune: bool,
    /// Rename generated profiles to the names the rules give (asks first on a terminal).
    pub rename: bool,
    pub dry_run: bool,
    pub yes: bool,
}

impl Options {
    /// A sync of one session with nothing else asked.
    pub fn session(name: &str) -> Options {
        Options {
            sessions: vec![name.to_string()],
            ..Options::default()
        }
    }
}

/// Run `ssox sync`.
pub fn sync(settings: &Settings, opts: &Options) -> Result<()> {
    if let Some(t) = &opts.template {
        Template::parse(t).map_err(|e| anyhow!("invalid --name {t:?}: {e}"))?;
    }
    if let Some(r) = &opts.region {
        configure::check_region(r).map_err(|e| anyhow!("invalid --region: {e}"))?;
    }
    let file = ConfigFile::read(settings)?;
    if !file.exists() {
        bail!(
            "no AWS config file at {}; set up an sso-session first: ssox configure",
            file.shown
        );
    }
    // A file that cannot be rewritten is refused before any request.
    ConfigDoc::parse(file.text()?, &file.shown)?;
    if !opts.dry_run {
        file.check_writable()?;
    }
    let config = file.config()?;
    let names = chosen(&config, opts, settings)?;
    if let [name] = names.as_slice() {
        return sync_session(&config, name, settings, opts, "");
    }
    let mut failed = Vec::new();
    for name in &names {
        match sync_session(&config, name, settings, opts, &format!("{name}: ")) {
            Ok(()) => {}
            Err(e) if e.is::<Cancelled>() => return Err(e),
            Err(e) => {
                warn(&format!("{name}: {e:#}"));
                failed.push(name.as_str());
            }
        }
    }
    if !failed.is_empty() {
        bail!("sync failed for {}", failed.join(", "));
    }
    Ok(())
}

/// The sessions to sync: those named, every one (`--all`), the active profile's, the only one,
/// or one (or all) chosen in a menu.
fn chosen(config: &Config, opts: &Options, settings: &Settings) -> Result<Vec<String>> {
    let none = || {
        anyhow!(
            "no sso-session in {}; add one with: ssox configure",
            config.config_path
        )
    };
    if opts.all {
        if config.sessions.is_empty() {
            return Err(none());
        }
        return Ok(config.sessions.keys().cloned().collect());
    }
    if !opts.sessions.is_empty() {
        let mut names: Vec<String> = Vec::new();
        for name in &opts.sessions {
            config.session(name)?;
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        return Ok(names);
    }
    let active = session::active_profile(config, settings)
        .and_then(|p| {
            config
                .profiles
                .get(&p)?
                .get("sso_session")
                .map(str::to_string)
        })
        .filter(|s| config.sessions.contains_key(s));
    if let Some(s) = active {
        return Ok(vec![s]);
    }
    let targets: Vec<LoginTarget> = (config.sessions.keys())
        .filter_map(|n| config.session_login(n).ok())
        .collect();
    match config.sessions.len() {
        0 => Err(none()),
        1 => Ok(config.sessions.keys().cloned().collect()),
        _ => match session::menu::choose(&targets, settings, true, time::OffsetDateTime::now_utc())
        {
            Ok(Some(i)) => Ok(vec![targets[i].cache_key.clone()]),
            Ok(None) => Ok(targets.into_iter().map(|t| t.cache_key).collect()),
            Err(e) if e.is::<NoTerminal>() => {
                let names: Vec<&str> = config.sessions.keys().map(String::as_str).collect();
                bail!(
                    "{} has several sso-sessions ({}); name one: ssox sync NAME, or sync them \
                     all: ssox sync --all",
                    config.config_path,
                    names.join(", ")
                )
            }
            Err(e) => Err(e),
        },
    }
}

/// Sync one session; `prefix` heads its summary line when several are synced.
fn sync_session(
    config: &Config,
    name: &str,
    settings: &Settings,
    opts: &Options,
    prefix: &str,
) -> Result<()> {
    let login = config.session_login(name)?;
    let profile = session::active_profile(config, settings);
    let deadline = Instant::now() + crate::aws::timeouts().command;
    let token = session::fresh_token(config, &login, profile.as_deref(), settings, deadline)?;
    let endpoint = endpoints::resolve(
        &settings.endpoints,
        Some(config),
        profile.as_deref(),
        Service::Sso,
    );
    let accounts = match list(&login, endpoint, &token, settings) {
        Err(e) if e.is::<TokenRejected>() => {
            // So that the next `ssox login` logs in rather than trusting the token's date.
            let path = session::token_path(settings, &login);
            session::rejected::record(settings, &path, &token, time::OffsetDateTime::now_utc());
            return Err(e);
        }
        r => r?,
    };
    apply(settings, name, &accounts, opts, prefix)
}

/// Every account and role the token can see, all or nothing.
fn list(
    login: &LoginTarget,
    endpoint: Option<String>,
    token: &CachedToken,
    settings: &Settings,
) -> Result<Vec<Account>> {
    let name = login.short_name();
    crate::verbose!(
        "listing the accounts of {name} (region {}{})",
        login.region,
        endpoint
            .as_deref()
            .map_or(String::new(), |e| format!(", endpoint {e}"))
    );
    let portal =
        Portal::new(&login.region, endpoint)?.with_backoff(Backoff::standard(settings.retry_base));
    let started = Instant::now();
    let spinner = Spinner::start();
    spinner.message(format!("listing the accounts of {name}"));
    let mut spinner = Some(spinner);
    let mut bar: Option<Progress> = None;
    let listed = portal.list_accounts_and_roles(token.access_token(), &mut |done, total| {
        if let Some(s) = spinner.take() {
            s.clear();
            if total > HANDFUL {
                let b = Progress::start(total as u64, "accounts");
                b.message(format!("listing the roles of {name}"));
                bar = Some(b);
            }
        }
        if let Some(b) = bar.as_ref().filter(|_| done > 0) {
            b.inc();
        }
    });
    if let Some(s) = spinner {
        s.clear();
    }
    if let Some(b) = bar {
        b.clear();
    }
    let listed = listed.map_err(|e| match e {
        ListingError::Unauthorized => anyhow::Error::new(TokenRejected(login.label())),
        ListingError::Failed(m) => anyhow!(
            "cannot list the accounts of {}: {m}; nothing was written",
            login.label()
        ),
    })?;
    crate::verbose!(
        "listed {} accounts and {} roles in {} ms",
        listed.len(),
        listed.iter().map(|a| a.roles.len()).sum::<usize>(),
        started.elapsed().as_millis()
    );
    Ok(listed
        .into_iter()
        .map(|a| Account {
            id: a.id,
            name: a.name,
            roles: a.roles,
        })
        .collect())
}

/// Plan the session's profiles against the config file as it is now, ask before removing, and
/// write (or show, with `--dry-run`).
fn apply(
    settings: &Settings,
    session: &str,
    accounts: &[Account],
    opts: &Options,
    prefix: &str,
) -> Result<()> {
    let file = if opts.dry_run {
        ConfigFile::read(settings)?
    } else {
        ConfigFile::lock(settings)?
    };
    let text = file.text()?;
    let config = file.config()?;
    let mut req = Request {
        session,
        accounts,
        template: opts.template.as_deref(),
        region: opts.region.as_deref(),
        prune: opts.prune,
        rename: opts.rename,
    };
    let mut plan = make_plan(&config, text, &req)?;
    // Keys and comments a user added to the profiles removed go with them: say so.
    let user_lines = prune::user_lines(text, &plan.path, &plan.removed, prune::When::Before)?;
    let removed_lines = prune::user_lines(text, &plan.path, &plan.removed, prune::When::After)?;
    if opts.dry_run {
        print_stdout(&diff::unified(text, &plan.text, &plan.path))?;
        eprintln!("{prefix}{} (dry run: nothing written)", plan.summary());
        user_lines.iter().for_each(|l| warn(l));
        notes(&plan, session);
        return Ok(());
    }
    // Removing and renaming ask first (on a terminal), unless --yes.
    let mut no_terminal = (false, false);
    let ask = |lines: &[String], question: String, flag: &mut bool, no_terminal: &mut bool| {
        match ui::confirm_after(lines, &question, false) {
            Ok(yes) => *flag = yes,
            Err(e) if e.is::<NoTerminal>() => {
                *no_terminal = true;
                *flag = false;
            }
            Err(e) => return Err(e),
        }
        Ok::<(), anyhow::Error>(())
    };
    if !plan.removed.is_empty() && !opts.yes {
        // What a user added inside them is shown above the question.
        let lines: Vec<String> = user_lines.iter().map(|l| format!("  {l}")).collect();
        ask(
            &lines,
            removal_question(&plan),
            &mut req.prune,
            &mut no_terminal.0,
        )?;
    }
    let renamed = plan.renamed();
    if req.rename && !renamed.is_empty() && !opts.yes {
        let lines: Vec<String> = (renamed.iter())
            .map(|(old, new)| format!("  {old} → {new}"))
            .collect();
        ask(
            &lines,
            format!(
                "Rename {} in {} as above?",
                counted_names(renamed.len()),
                plan.path,
            ),
            &mut req.rename,
            &mut no_terminal.1,
        )?;
    }
    if req.prune != opts.prune || req.rename != opts.rename {
        plan = make_plan(&config, text, &req)?;
    }
    if plan.changed {
        file.write(&plan.text)?;
    }
    remember_accounts(settings, session, accounts);
    drop(file);
    print_stdout(&format!("{prefix}{}\n", plan.summary()))?;
    if opts.yes {
        removed_lines.iter().for_each(|l| warn(l));
    }
    if no_terminal.0 {
        warn(&format!(
            "kept {}: removing asks first, and there is no terminal to ask on; to remove them \
             run: ssox sync {session} --prune --yes",
            counted(&plan.stale)
        ));
    } else if let Some(note) = plan.stale_note() {
        warn(&note);
    }
    if no_terminal.1 {
        warn(&format!(
            "kept the names of {} ({}): renaming asks first, and there is no terminal to ask on; \
             to rename them run: ssox sync {session} --rename --yes",
            counted_names(plan.outdated.len()),
            arrows(&plan.outdated)
        ));
    } else if let Some(note) = plan.outdated_note(session) {
        warn(&note);
    }
    Ok(())
}

/// The warnings about stale profiles and outdated names, as a dry run shows them.
fn notes(plan: &Plan, session: &str) {
    for note in [plan.stale_note(), plan.outdated_note(session)]
        .into_iter()
        .flatten()
    {
        warn(&note);
    }
}

/// Keep the names of the accounts listed (`crate::accounts`), for `list` and `pick` to name the
/// accounts of hand-written profiles. A failure is a warning: the sync itself is done.
fn remember_accounts(settings: &Settings, session: &str, accounts: &[Account]) {
    let names: Vec<(&str, String)> = (accounts.iter())
        .filter_map(|a| Some((a.id.as_str(), account_name_value(&a.name)?)))
        .collect();
    let names: Vec<(&str, &str)> = names.iter().map(|(id, n)| (*id, n.as_str())).collect();
    let path = crate::accounts::path(&settings.state_dir);
    if let Err(e) = crate::accounts::record(&path, session, &names) {
        warn(&format!(
            "cannot keep the account names for list and pick: {e:#}"
        ));
    }
}

/// `2 generated profiles`
fn counted_names(n: usize) -> String {
    format!("{n} generated profile{}", if n == 1 { "" } else { "s" })
}

/// `Remove 2 generated profiles whose account or role is gone (a, b) from ~/.aws/config?`
fn removal_question(plan: &Plan) -> String {
    format!(
        "Remove {} whose account or role is gone from {}?",
        counted(&plan.removed),
        plan.path
    )
}

/// `2 generated profiles (a, b)`, at most five names.
fn counted(entries: &[Entry]) -> String {
    let n = entries.len();
    let names: Vec<&str> = entries.iter().take(5).map(|e| e.name.as_str()).collect();
    format!(
        "{n} generated profile{} ({}{})",
        if n == 1 { "" } else { "s" },
        names.join(", "),
        if n > 5 { ", …" } else { "" }
    )
}
