//! `ssox logout`: revoke a session's token on the portal (failures reported, not fatal), delete
//! its token file and the AWS CLI's cached role credentials of its profiles; keep registrations.
//! For an `aws login` profile, delete its cached credentials as `aws logout` does.

use anyhow::Result;

use crate::aws::endpoints::{self, Service};
use crate::aws::portal::Portal;
use crate::cache;
use crate::cli::LogoutArgs;
use crate::config::{Config, LoginTarget, ProfileKind};
use crate::profiles::load_config;
use crate::session::signin::SignedOut;
use crate::session::{self, token_path};
use crate::settings::Settings;
use crate::ui::warn;

pub fn run(args: LogoutArgs, settings: &Settings) -> Result<()> {
    let config = load_config(settings)?;
    if args.all {
        let profile = session::active_profile(&config, settings);
        let targets: Vec<LoginTarget> = session::login_targets(&config, false)
            .into_iter()
            .filter(|t| token_path(settings, t).exists())
            .collect();
        for login in &targets {
            logout_one(&config, login, profile.as_deref(), settings)?;
        }
        // Like `aws sso logout`: every role credential the CLI cached from SSO goes too.
        let swept = sweep_cli_cache(settings, |_| true)?;
        // Like `aws logout --all`: every `aws login` credential file goes too.
        let logins = session::signin::sign_out_all(settings)?;
        if targets.is_empty() && logins == 0 {
            eprintln!("no session has a cached token; nothing to log out of");
        }
        if swept > 0 {
            eprintln!("deleted {swept} more cached role credential file(s) from ~/.aws/cli/cache");
        }
        if logins > 0 {
            eprintln!(
                "deleted {logins} cached `aws login` credential file(s) from {}",
                settings.display_path(&settings.login_cache_dir())
            );
        }
        return Ok(());
    }
    // An `aws login` profile, named or active (an sso-session of the same name comes first).
    let login_profile = match args.name.as_deref() {
        Some(n) if config.sessions.contains_key(n) => None,
        Some(n) => config.profiles.get(n),
        None => session::active_profile(&config, settings).and_then(|n| config.profiles.get(&n)),
    }
    .filter(|p| p.kind == ProfileKind::Login);
    if let Some(p) = login_profile {
        let deadline = std::time::Instant::now() + crate::aws::timeouts().command;
        match session::signin::sign_out(&config, p, settings, deadline)? {
            SignedOut::Removed(file) => eprintln!(
                "logged out of profile {} (deleted {file}); tools that already loaded its \
                 credentials may use them until they expire (within 15 minutes)",
                p.name
            ),
            SignedOut::NotSignedIn(file) => {
                eprintln!("not logged in to profile {}; no {file}", p.name)
            }
        }
        return Ok(());
    }
    let (login, profile) = session::resolve_target(&config, args.name.as_deref(), settings)?;
    logout_one(&config, &login, profile.as_deref(), settings)
}

fn logout_one(
    config: &Config,
    login: &LoginTarget,
    profile: Option<&str>,
    settings: &Settings,
) -> Result<()> {
    let name = login.short_name();
    let path = token_path(settings, login);
    let mut revoked = None;
    if let Some(token) = cache::read_token(&path) {
        let region = token.region.as_deref().unwrap_or(&login.region);
        let endpoint = endpoints::resolve(&settings.endpoints, Some(config), profile, Service::Sso);
        revoked = Some(
            match Portal::new(region, endpoint).and_then(|p| p.logout(token.access_token())) {
                Ok(()) => true,
                Err(e) => {
                    warn(&format!(
                        "the server did not revoke the token of {name}: {e:#}; deleting it locally anyway"
                    ));
                    false
                }
            },
        );
    }
    let deleted = crate::fsutil::remove_file(&path)?;
    let role_files = role_cache_files(config, login);
    let swept = sweep_cli_cache(settings, |file| role_files.iter().any(|f| f == file))?;
    let roles = match swept {
        0 => String::new(),
        1 => ", 1 cached role credential deleted".to_string(),
        n => format!(", {n} cached role credentials deleted"),
    };
    match (deleted, revoked) {
        (_, Some(true)) => crate::ui::say(&format!(
            "logged out of {name} (token revoked and deleted{roles})"
        )),
        (_, Some(false)) => crate::ui::say(&format!(
            "logged out of {name} (token deleted locally, not revoked on the server{roles})"
        )),
        (true, None) => crate::ui::say(&format!(
            "logged out of {name} (unreadable token file deleted{roles})"
        )),
        (false, None) => {
            crate::ui::say(&format!("not logged in to {name}; no cached token{roles}"))
        }
    }
    Ok(())
}

/// The AWS CLI's role-credential cache file names of every profile using `login`.
fn role_cache_files(config: &Config, login: &LoginTarget) -> Vec<String> {
    config
        .profiles
        .values()
        .filter_map(|p| {
            let target = config.role_target(p).ok()?;
            (target.login.cache_key == login.cache_key).then(|| {
                cache::role_cache_file_name(
                    &target.account_id,
                    &target.role_name,
                    login.session_name.as_deref(),
                    &login.start_url,
                )
            })
        })
        .collect()
}

/// Delete the files in `~/.aws/cli/cache` whose name `select` accepts and whose JSON says
/// `"ProviderType": "sso"`. Returns how many were deleted.
fn sweep_cli_cache(settings: &Settings, select: impl Fn(&str) -> bool) -> Result<usize> {
    let dir = settings.cli_cache_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(0);
    };
    let mut count = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !file_name.ends_with(".json") || !select(&file_name) {
            continue;
        }
        let path = entry.path();
        let is_sso = cache::read_json_object(&path)
            .is_some_and(|o| o.get("ProviderType").and_then(|v| v.as_str()) == Some("sso"));
        if is_sso && crate::fsutil::remove_file(&path)? {
            count += 1;
        }
    }
    Ok(count)
}
