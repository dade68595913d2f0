//! `ssox creds`: a profile's role credentials in the AWS CLI's `export-credentials` formats, and
//! the shared glue that gets them (role cache first, then GetRoleCredentials) for `exec` and
//! `console`. Must not talk to the SDK except through `aws::role`.

use anyhow::{bail, Context, Result};
use time::OffsetDateTime;

use crate::aws::endpoints::{self, Service};
use crate::aws::role::{self, RoleError, RoleRequest};
use crate::cache::{self, human_duration};
use crate::cli::{CredsArgs, CredsFormat};
use crate::config::{Config, RoleTarget};
use crate::role_cache::{self, RoleCredentials};
use crate::settings::Settings;
use crate::shell::Shell;
use crate::ui::warn;

use super::{load_config_for, print_stdout};

pub fn run(args: CredsArgs, settings: &Settings) -> Result<()> {
    let name = profile_name(args.profile.as_deref(), settings, "creds")?;
    let config = load_config_for(settings, &name)?;
    let (creds, _) = role_credentials(&config, &name, settings, super::now())?;
    print_stdout(&render(args.format, &creds)?)
}

/// The profile named on the command line, else the active one (`AWS_PROFILE`, then
/// `AWS_DEFAULT_PROFILE`), else an error saying how to name one.
pub fn profile_name(arg: Option<&str>, settings: &Settings, command: &str) -> Result<String> {
    match arg.or(settings.active_profile()) {
        Some(p) => Ok(p.to_string()),
        None => bail!(
            "no profile given and AWS_PROFILE is not set; run: ssox {command} PROFILE (or ssox use PROFILE first)"
        ),
    }
}

/// The profile's role credentials: from the AWS CLI's role cache while more than 15 minutes
/// remain (no request at all), else from GetRoleCredentials with the cached SSO token, written
/// back to the role cache. Also returns the profile's SSO role.
pub fn role_credentials(
    config: &Config,
    name: &str,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<(RoleCredentials, RoleTarget)> {
    let profile = config.profile(name)?;
    let target = config.role_target(profile)?;
    let login = &target.login;
    let cache_path = settings.cli_cache_dir().join(cache::role_cache_file_name(
        &target.account_id,
        &target.role_name,
        login.session_name.as_deref(),
        &login.start_url,
    ));
    let shown = settings.display_path(&cache_path);
    if let Some(c) = role_cache::read_fresh(&cache_path, now) {
        crate::verbose!(
            "using cached role credentials {shown} (valid {})",
            human_duration(c.remaining(now))
        );
        return Ok((c, target));
    }
    if let Some(message) = super::use_::session_warning(config, name, settings) {
        bail!(message);
    }
    let token = cache::read_token(&cache::token_path(
        &settings.sso_cache_dir(),
        &login.cache_key,
    ))
    .with_context(|| format!("{} has no cached token; run: ssox login", login.label()))?;
    let endpoint = endpoints::resolve(&settings.endpoints, Some(config), Some(name), Service::Sso);
    crate::verbose!(
        "GetRoleCredentials account {} role {} (region {}{})",
        target.account_id,
        target.role_name,
        login.region,
        endpoint
            .as_deref()
            .map_or(String::new(), |e| format!(", endpoint {e}"))
    );
    let creds = role::get_role_credentials(&RoleRequest {
        region: &login.region,
        endpoint: endpoint.as_deref(),
        access_token: token.access_token(),
        account_id: &target.account_id,
        role_name: &target.role_name,
    })
    .map_err(|e| match e.downcast_ref::<RoleError>() {
        Some(RoleError::Unauthorized) => anyhow::anyhow!(
            "{} was rejected by the SSO portal (expired or revoked); run: ssox login",
            login.label()
        ),
        _ => anyhow::anyhow!(
            "cannot get credentials for role {} in account {} (profile {name:?}): {e}",
            target.role_name,
            target.account_id
        ),
    })?;
    match role_cache::write(&cache_path, &creds) {
        Ok(()) => crate::verbose!("cached role credentials in {shown}"),
        Err(e) => warn(&format!("cannot cache role credentials: {e:#}")),
    }
    Ok((creds, target))
}

/// Characters the AWS CLI's unquoted output is safe with in every format (access keys, base64
/// session tokens and secrets, timestamps).
fn plain(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=_.:-".contains(&b))
}

/// The credentials as `aws configure export-credentials --format F` prints them. Values are
/// written bare as the CLI does; one that is not plain base64-ish text (never seen from AWS) is
/// quoted by `shell` instead, so the output stays eval-safe. Expiration is `…Z` (RFC 3339), which
/// every SDK parses, where the CLI writes `+00:00`.
pub fn render(format: CredsFormat, c: &RoleCredentials) -> Result<String> {
    let expiration = c.expiration_string();
    let vars = [
        ("AWS_ACCESS_KEY_ID", c.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", c.secret_access_key()),
        ("AWS_SESSION_TOKEN", c.session_token()),
        ("AWS_CREDENTIAL_EXPIRATION", expiration.as_str()),
    ];
    // One line per variable; `None` when the value cannot be written safely in that format.
    let line: fn(&str, &str) -> Option<String> = match format {
        CredsFormat::Process => {
            let v = serde_json::json!({
                "Version": 1,
                "AccessKeyId": c.access_key_id,
                "SecretAccessKey": c.secret_access_key(),
                "SessionToken": c.session_token(),
                "Expiration": expiration,
            });
            return Ok(format!("{}\n", serde_json::to_string_pretty(&v)?));
        }
        CredsFormat::Env => |n, v| {
            Some(if plain(v) {
                format!("export {n}={v}")
            } else {
                format!("export {n}={}", Shell::Posix.quote(v))
            })
        },
        CredsFormat::EnvNoExport => |n, v| {
            Some(if plain(v) {
                format!("{n}={v}")
            } else {
                format!("{n}={}", Shell::Posix.quote(v))
            })
        },
        CredsFormat::Fish => |n, v| {
            Some(if plain(v) {
                format!("set -gx {n} \"{v}\"")
            } else {
                format!("set -gx {n} {}", Shell::Fish.quote(v))
            })
        },
        CredsFormat::Powershell => |n, v| {
            Some(if plain(v) {
                format!("$Env:{n}=\"{v}\"")
            } else {
                format!("$Env:{n}={}", Shell::PowerShell.quote(v))
            })
        },
        CredsFormat::WindowsCmd => |n, v| plain(v).then(|| format!("set {n}={v}")),
    };
    let mut out = String::new();
    for (name, value) in vars {
        let text = line(name, value).with_context(|| {
            format!("{name} holds characters that cmd.exe cannot take safely; use another --format")
        })?;
        out.push_str(&text);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn creds(secret: &str) -> RoleCredentials {
        RoleCredentials::new(
            "ASIAEXAMPLE".into(),
            secret.into(),
            "IQoJb3Jp/Z2luX2Vj+EA==".into(),
            datetime!(2026-11-24 04:34:20 UTC),
            "111111111111".into(),
        )
    }

    #[test]
    fn every_format_matches_the_cli() {
        let c = creds("wJalr/K7MDENG+bPxRfiCY=");
        let r = |f| render(f, &c).unwrap();
        assert_eq!(
            r(CredsFormat::Env),
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY=\n\
             export AWS_SESSION_TOKEN=IQoJb3Jp/Z2luX2Vj+EA==\nexport AWS_CREDENTIAL_EXPIRATION=2026-11-24T04:34:20Z\n"
        );
        assert_eq!(
            r(CredsFormat::EnvNoExport),
            "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY=\n\
             AWS_SESSION_TOKEN=IQoJb3Jp/Z2luX2Vj+EA==\nAWS_CREDENTIAL_EXPIRATION=2026-11-24T04:34:20Z\n"
        );
        assert_eq!(
            r(CredsFormat::Fish),
            "set -gx AWS_ACCESS_KEY_ID \"ASIAEXAMPLE\"\nset -gx AWS_SECRET_ACCESS_KEY \"wJalr/K7MDENG+bPxRfiCY=\"\n\
             set -gx AWS_SESSION_TOKEN \"IQoJb3Jp/Z2luX2Vj+EA==\"\nset -gx AWS_CREDENTIAL_EXPIRATION \"2026-11-24T04:34:20Z\"\n"
        );
        assert_eq!(
            r(CredsFormat::Powershell),
            "$Env:AWS_ACCESS_KEY_ID=\"ASIAEXAMPLE\"\n$Env:AWS_SECRET_ACCESS_KEY=\"wJalr/K7MDENG+bPxRfiCY=\"\n\
             $Env:AWS_SESSION_TOKEN=\"IQoJb3Jp/Z2luX2Vj+EA==\"\n$Env:AWS_CREDENTIAL_EXPIRATION=\"2026-11-24T04:34:20Z\"\n"
        );
        assert_eq!(
            r(CredsFormat::WindowsCmd),
            "set AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nset AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY=\n\
             set AWS_SESSION_TOKEN=IQoJb3Jp/Z2luX2Vj+EA==\nset AWS_CREDENTIAL_EXPIRATION=2026-11-24T04:34:20Z\n"
        );
        assert_eq!(
            r(CredsFormat::Process),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"wJalr/K7MDENG+bPxRfiCY=\",\n  \
             \"SessionToken\": \"IQoJb3Jp/Z2luX2Vj+EA==\",\n  \"Expiration\": \"2026-11-24T04:34:20Z\"\n}\n"
        );
    }

    #[test]
    fn odd_values_are_quoted_not_injected() {
        let c = creds("a'b $(id)");
        let line = |f| render(f, &c).unwrap().lines().nth(1).unwrap().to_string();
        assert_eq!(
            line(CredsFormat::Env),
            r"export AWS_SECRET_ACCESS_KEY='a'\''b $(id)'"
        );
        assert_eq!(
            line(CredsFormat::EnvNoExport),
            r"AWS_SECRET_ACCESS_KEY='a'\''b $(id)'"
        );
        assert_eq!(
            line(CredsFormat::Fish),
            r"set -gx AWS_SECRET_ACCESS_KEY 'a\'b $(id)'"
        );
        assert_eq!(
            line(CredsFormat::Powershell),
            "$Env:AWS_SECRET_ACCESS_KEY='a''b $(id)'"
        );
        assert!(render(CredsFormat::WindowsCmd, &c).is_err());
        let v: serde_json::Value =
            serde_json::from_str(&render(CredsFormat::Process, &c).unwrap()).unwrap();
        assert_eq!(v["SecretAccessKey"], "a'b $(id)");
    }

    #[test]
    fn profile_defaults_to_the_active_one() {
        let mut s = Settings::default();
        assert!(profile_name(None, &s, "creds").is_err());
        s.aws_default_profile = Some("d".into());
        assert_eq!(profile_name(None, &s, "creds").unwrap(), "d");
        s.aws_profile = Some("p".into());
        assert_eq!(profile_name(None, &s, "creds").unwrap(), "p");
        assert_eq!(profile_name(Some("x"), &s, "creds").unwrap(), "x");
    }
}
