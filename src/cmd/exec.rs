//! `ssox exec [PROFILE] [-- CMD…]`: run CMD (else the user's `$SHELL`) with the profile's
//! (else `$AWS_PROFILE`'s) role credentials and region in its environment, no
//! AWS_PROFILE/AWS_DEFAULT_PROFILE, and `SSOX_EXEC_PROFILE` for `status --prompt`; wait for it
//! and exit with its status (see `child` for signals). Must not print secrets.

use std::ffi::OsString;
use std::process::Command;

use anyhow::Result;

use crate::cache::role::RoleCredentials;
use crate::child;
use crate::cli::ExecArgs;
use crate::profiles::load_config_for;
use crate::session;
use crate::settings::{Settings, EXEC_PROFILE_VAR};

/// The shell started when `$SHELL` is unset.
const FALLBACK_SHELL: &str = "/bin/sh";

pub fn run(args: ExecArgs, settings: &Settings) -> Result<()> {
    let name = session::profile_name(args.profile.as_deref(), settings, "exec")?;
    let config = load_config_for(settings, &name)?;
    let (creds, target) = session::role_credentials(&config, &name, settings, super::now())?;
    let (program, rest): (OsString, &[OsString]) = match args.command.split_first() {
        Some((program, rest)) => (program.clone(), rest),
        None => {
            let shell = settings
                .shell_path
                .clone()
                .unwrap_or_else(|| FALLBACK_SHELL.into());
            eprintln!(
                "ssox: starting {} with the credentials of {name} (role {} in account {}, \
                 until {}); `exit` returns",
                shell.display(),
                target.role_name,
                target.account_id,
                creds.expiration_string()
            );
            (shell.into_os_string(), &[])
        }
    };
    let mut cmd = Command::new(&program);
    cmd.args(rest);
    for (k, v) in child_env(&creds, target.region.as_deref()) {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env(EXEC_PROFILE_VAR, &name);
    crate::verbose!(
        "running {} with role {} in account {}",
        program.to_string_lossy(),
        target.role_name,
        target.account_id
    );
    child::run(&mut cmd, &program)
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
}
