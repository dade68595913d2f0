//! `ssox exec [PROFILE] [[--] CMD…]`: run CMD (else the user's `$SHELL`) with the profile's
//! (else `$AWS_PROFILE`'s) role credentials and region in its environment, no
//! AWS_PROFILE/AWS_DEFAULT_PROFILE, and `SSOX_EXEC_PROFILE` for `status --prompt`; wait for it
//! and exit with its status (see `child` for signals). With `--server`, CMD gets no keys but a
//! private credential endpoint for its lifetime (see `serve`), so that it never runs out of
//! fresh credentials. Must not print secrets.

use std::ffi::OsString;
use std::process::Command;
use std::sync::Arc;

use anyhow::{anyhow, Result};

use crate::cache::role::RoleCredentials;
use crate::child;
use crate::cli::ExecArgs;
use crate::config::Config;
use crate::profiles::load_config_chain;
use crate::serve::{self, Log, Options, Provider, Scope, Server, Token};
use crate::session;
use crate::settings::{Settings, EXEC_PROFILE_VAR};

/// The shell started when `$SHELL` is unset (`/bin/sh`; PowerShell on Windows).
const FALLBACK_SHELL: &str = crate::platform::DEFAULT_SHELL;

/// The child's environment changes, and what it holds, for messages.
type ChildEnv = (Vec<(&'static str, Option<OsString>)>, String);

pub fn run(args: ExecArgs, settings: &Settings) -> Result<()> {
    let name = session::profile_name(args.profile.as_deref(), settings, "exec")?;
    let config = load_config_chain(settings, &name)?;
    if !config.profiles.contains_key(&name) && !args.loose.is_empty() {
        if let Some(active) = settings.active_profile() {
            // `ssox exec aws s3 ls` meant for $AWS_PROFILE: the first word is taken as PROFILE.
            anyhow::bail!(
                "profile {name:?} not found in {}; to run the command with $AWS_PROFILE \
                 ({active}), put -- before it: ssox exec -- {name} …",
                config.config_path
            );
        }
    }
    let (env, holding) = if args.server {
        served_env(&config, &name, settings)?
    } else {
        let got = session::credentials(&config, &name, settings, super::now())?;
        let holding = format!(
            "role {} in account {}, until {}",
            got.role_name,
            got.account_id,
            got.credentials.expiration_string()
        );
        (child_env(&got.credentials, got.region.as_deref()), holding)
    };
    let command = command(&args);
    let (program, rest): (OsString, &[OsString]) = match command.split_first() {
        Some((program, rest)) => (program.clone(), rest),
        None => {
            let shell = settings
                .shell_path
                .clone()
                .unwrap_or_else(|| FALLBACK_SHELL.into());
            crate::ui::say(&format!(
                "ssox: starting {} with the credentials of {name} ({holding}); `exit` returns",
                shell.display(),
            ));
            (shell.into_os_string(), &[])
        }
    };
    let mut cmd = Command::new(&program);
    cmd.args(rest);
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env(EXEC_PROFILE_VAR, &name);
    crate::verbose!(
        "running {} with the credentials of {name} ({holding})",
        program.to_string_lossy(),
    );
    child::run(&mut cmd, &program)
}

/// Start a private server for `name` and no other profile (127.0.0.1, a free port, a random token) that lives as long
/// as ssox, and the child's environment pointing at it. The first credentials are fetched
/// before, so a profile that needs a login fails here, before CMD starts.
fn served_env(config: &Config, name: &str, settings: &Settings) -> Result<ChildEnv> {
    let region = config.profile(name)?.region().map(str::to_string);
    let provider = Arc::new(Provider::for_settings(settings.clone()));
    provider
        .get(name, super::now())
        .map_err(|f| anyhow!(f.message))?;
    let opts = Options {
        bind: serve::LOOPBACK,
        port: 0,
        token: Token::random()?,
        // The child gets this profile and no other.
        scope: Scope::Only(name.to_string()),
        log: Log::Verbose,
    };
    let server = Server::bind(opts, provider)?;
    let uri = serve::env::uri(server.addr()?, name);
    let env = serve::env::changes(&uri, server.token().expose(), region.as_deref())
        .into_iter()
        .map(|(k, v)| (k, v.map(OsString::from)))
        .collect();
    server.spawn()?;
    Ok((env, format!("served at {uri}")))
}

/// The environment changes for the child: credentials and region set, profile variables removed.
pub fn child_env(
    creds: &RoleCredentials,
    region: Option<&str>,
) -> Vec<(&'static str, Option<OsString>)> {
    let mut env = vec![
        (
            "AWS_ACCESS_KEY_ID",
            Some(creds.access_key_id.clone().into()),
        ),
        (
            "AWS_SECRET_ACCESS_KEY",
            Some(creds.secret_access_key().into()),
        ),
        ("AWS_SESSION_TOKEN", Some(creds.session_token().into())),
        (
            "AWS_CREDENTIAL_EXPIRATION",
            Some(creds.expiration_string().into()),
        ),
        ("AWS_PROFILE", None),
        ("AWS_DEFAULT_PROFILE", None),
    ];
    if let Some(r) = region {
        env.push(("AWS_REGION", Some(r.into())));
        env.push(("AWS_DEFAULT_REGION", Some(r.into())));
    }
    env
}

/// The command to run, as typed: the words after PROFILE, with or without `--` (a `--` after
/// the first word is the command's own).
fn command(args: &ExecArgs) -> Vec<OsString> {
    let mut out = args.loose.clone();
    if !out.is_empty() && !args.after_dashes.is_empty() {
        out.push("--".into());
    }
    out.extend(args.after_dashes.iter().cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn env_sets_credentials_and_region_and_drops_profiles() {
        let c = RoleCredentials::new(
            "ASIA1".into(),
            "S".into(),
            "T".into(),
            datetime!(2026-11-24 04:34:20 UTC),
            "1".into(),
        );
        let env = child_env(&c, Some("eu-west-1"));
        let get = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
        assert_eq!(get("AWS_ACCESS_KEY_ID"), Some(Some("ASIA1".into())));
        assert_eq!(
            get("AWS_CREDENTIAL_EXPIRATION"),
            Some(Some("2026-11-24T04:34:20Z".into()))
        );
        assert_eq!(get("AWS_PROFILE"), Some(None));
        assert_eq!(get("AWS_DEFAULT_REGION"), Some(Some("eu-west-1".into())));
        assert_eq!(child_env(&c, None).len(), 6);
    }

    /// `ssox exec ARGS…`: (profile, server, command).
    fn exec(args: &[&str]) -> (Option<String>, bool, Vec<String>) {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from(["ssox", "exec"].iter().chain(args)).unwrap();
        let crate::cli::Command::Exec(e) = cli.command else {
            panic!("not exec");
        };
        let words = command(&e);
        let words = words.iter().map(|w| w.to_string_lossy().into_owned());
        (e.profile.clone(), e.server, words.collect())
    }

    #[test]
    fn the_command_comes_with_or_without_dashes() {
        let p = |s: &str| Some(s.to_string());
        let v = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let aws = ["aws", "sts", "get-caller-identity", "--output", "json"];
        let with = |before: &[&'static str]| [before, &aws[..]].concat();
        assert_eq!(exec(&with(&["prod"])), (p("prod"), false, v(&aws)));
        assert_eq!(exec(&with(&["prod", "--"])), (p("prod"), false, v(&aws)));
        assert_eq!(exec(&with(&["--"])), (None, false, v(&aws)));
        assert_eq!(
            exec(&with(&["--server", "prod"])),
            (p("prod"), true, v(&aws))
        );
        assert_eq!(
            exec(&["prod", "--server", "--", "env"]),
            (p("prod"), true, v(&["env"]))
        );
        assert_eq!(
            exec(&["prod", "sh", "-c", "echo $0", "--", "x"]),
            (p("prod"), false, v(&["sh", "-c", "echo $0", "--", "x"]))
        );
        assert_eq!(exec(&["prod"]), (p("prod"), false, v(&[])));
        assert_eq!(exec(&[]), (None, false, v(&[])));
    }
}
