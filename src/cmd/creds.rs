//! `ssox creds`: a profile's credentials (an SSO role or a role chain, see `session::credentials`)
//! in the AWS CLI's `export-credentials` formats. Every value is eval-safe in the format's shell.

use anyhow::{Context, Result};

use crate::cache::role::RoleCredentials;
use crate::cli::{CredsArgs, CredsFormat};
use crate::output::print_stdout;
use crate::profiles::load_config_chain;
use crate::session;
use crate::settings::Settings;
use crate::shell::Shell;

pub fn run(args: CredsArgs, settings: &Settings) -> Result<()> {
    let name = session::profile_name(args.profile.as_deref(), settings, "creds")?;
    let config = load_config_chain(settings, &name)?;
    let got = session::credentials(&config, &name, settings, super::now())?;
    print_stdout(&render(args.format, &got.credentials)?)
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
}
