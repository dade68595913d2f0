//! `ssox logout`: revoke a session's token on the portal (failures reported, not fatal), delete
//! its token file and the AWS CLI's cached role credentials of its profiles; keep registrations.

use anyhow::Result;

use crate::aws::endpoints::{self, Service};
use crate::aws::portal::Portal;
use crate::cache;
use crate::cli::LogoutArgs;
use crate::config::{Config, LoginTarget};
use crate::profiles::load_config;
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
        if targets.is_empty() {
            eprintln!("no session has a cached token; nothing to log out of");
        }
        if swept > 0 {
            eprintln!("deleted {swept} more cached role credential file(s) from ~/.aws/cli/cache");
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
