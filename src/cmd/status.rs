//! `ssox status`: the active profile (with warnings when the environment disagrees with itself)
//! and every session's token and registration state, as text, JSON or one prompt line. Reads
//! files only; the network (and a runtime) only with `--check`.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Result;
use time::OffsetDateTime;

use crate::cache::{self, TokenState};
use crate::cli::StatusArgs;
use crate::dirfile::resolve;
use crate::output::{columns, print_stdout};
use crate::profiles::{load_config, load_config_for};
use crate::session;
use crate::session::status::{active_token, check_tokens, Check, Report};
use crate::settings::Settings;
use crate::ui::text::printable_lines;
use crate::ui::warn;
use crate::ExitWith;

pub fn run(args: StatusArgs, settings: &Settings) -> Result<()> {
    let now = super::now();
    if args.prompt {
        // Names from the config and the environment, shown escaped (a shell prompt shows it).
        return print_stdout(&printable_lines(&prompt_line(settings, now)));
    }
    let config = load_config(settings)?;
    let report = Report::build(&config, settings, now);
    let checks = if args.check {
        Some(check_tokens(&config, settings, &report))
    } else {
        None
    };
    if args.json {
        let mut v = report.json();
        if let (Some(checks), Some(rows)) = (&checks, v["sessions"].as_array_mut()) {
            for (row, check) in rows.iter_mut().zip(checks) {
                row["check"] = check.json();
            }
        }
        print_stdout(&format!("{:#}\n", v))?;
    } else {
        for w in &report.warnings {
            warn(w);
        }
        let source = resolve::source_of_active(settings);
        let text = text(&report, checks.as_deref(), source.as_deref());
        print_stdout(&printable_lines(&text))?;
    }
    checked(&report, checks.as_deref())
}

/// `status --check` fails (exit 1) when the portal refused a token or could not be asked.
fn checked(report: &Report, checks: Option<&[Check]>) -> Result<()> {
    let Some(checks) = checks else {
        return Ok(());
    };
    let mut ok = true;
    for (s, c) in report.sessions.iter().zip(checks) {
        match c {
            Check::Rejected => {
                ok = false;
                let fix = s
                    .login
                    .session_name
                    .as_deref()
                    .map_or("ssox login".to_string(), |n| format!("ssox login {n}"));
                warn(&format!(
                    "the SSO portal rejected the token of {} (expired or revoked); run: {fix}",
                    s.login.short_name()
                ));
            }
            Check::Failed(e) => {
                ok = false;
                warn(&format!("{}: {e}", s.login.short_name()));
            }
            Check::Skipped | Check::Accepted => {}
        }
    }
    if ok {
        Ok(())
    } else {
        Err(ExitWith(1).into())
    }
}

/// What `status --prompt` prints: `blog_admin 7h`, `blog_admin 42m`, `blog_admin expired`,
/// `blog_admin logged out`, the bare name for profiles without SSO, nothing without a profile.
/// In the shell of `ssox exec` (its marker, and credentials in the environment):
/// `exec:blog_admin 55m` for the credentials' time left. Never fails: a broken config just
/// leaves the name.
pub fn prompt_line(settings: &Settings, now: OffsetDateTime) -> String {
    if let Some(name) = settings
        .exec_profile
        .as_deref()
        .filter(|_| !settings.static_keys.is_empty())
    {
        let left = settings
            .credential_expiration
            .as_deref()
            .and_then(cache::parse_timestamp)
            .map(|at| at - now);
        return match left {
            Some(d) if d.is_positive() => format!("exec:{name} {}\n", short(d.unsigned_abs())),
            Some(_) => format!("exec:{name} expired\n"),
            None => format!("exec:{name}\n"),
        };
    }
    let Some(active) = settings.active_profile() else {
        return String::new();
    };
    let name = match resolve::source_of_active(settings) {
        Some(file) => format!("{active} ({file})"),
        None => active.to_string(),
    };
    crate::profiles::quiet();
    let state = load_config_for(settings, active)
        .ok()
        .and_then(|config| active_token(&config, settings, now));
    match state {
        Some(TokenState::Valid { left }) => format!("{name} {}\n", short(left)),
        Some(TokenState::Expired { .. }) => format!("{name} expired\n"),
        Some(TokenState::Rejected { .. }) => format!("{name} rejected\n"),
        Some(TokenState::None) => format!("{name} logged out\n"),
        None => format!("{name}\n"),
    }
}

/// `7h` from an hour up, else `42m`.
fn short(left: Duration) -> String {
    if left >= Duration::from_secs(3600) {
        format!("{}h", left.as_secs() / 3600)
    } else {
        format!("{}m", left.as_secs() / 60)
    }
}

/// The text report: the active profile (and the `.ssox.toml` it came from, `dir_file`), then a
/// table of the sessions, then one of the `aws login` sessions (when the config has any).
fn text(report: &Report, checks: Option<&[Check]>, dir_file: Option<&str>) -> String {
    let mut out = String::new();
    match (&report.profile, report.profile_source) {
        (Some(p), Some(src)) => {
            let _ = write!(out, "profile: {p} (from {})", dir_file.unwrap_or(src));
            if let Some(s) = &report.profile_session {
                let state = report
                    .sessions
                    .iter()
                    .find(|r| &r.login.short_name() == s)
                    .map_or_else(|| "none".to_string(), |r| session::describe(r.state));
                let _ = write!(out, ", sso-session {s}: {state}");
            }
            if let Some(s) = &report.profile_login {
                let state = report
                    .logins
                    .iter()
                    .find(|l| &l.state.session == s)
                    .map_or_else(|| "none".to_string(), |l| session::describe(l.state.token));
                let _ = write!(out, ", aws login: {state}");
            }
            out.push('\n');
        }
        _ => out.push_str("profile: none (AWS_PROFILE is not set)\n"),
    }
    if report.sessions.is_empty() {
        if report.broken > 0 {
            out.push_str("no usable sso-sessions (see the warnings on stderr)\n");
        } else if report.logins.is_empty() {
            out.push_str("no sso-sessions configured\n");
        }
    } else {
        out.push_str(&sessions_table(report, checks));
    }
    if !report.logins.is_empty() {
        if !report.sessions.is_empty() || report.broken > 0 {
            out.push('\n');
        }
        out.push_str(&logins_table(report));
    }
    out
}

/// The SSO sessions: token, registration, start URL (and the portal's verdict with `--check`).
fn sessions_table(report: &Report, checks: Option<&[Check]>) -> String {
    let mut rows = vec![vec![
        "SESSION".to_string(),
        "REGION".into(),
        "TOKEN".into(),
        "REGISTRATION".into(),
        "START URL".into(),
    ]];
    if checks.is_some() {
        rows[0].push("CHECK".into());
    }
    for (i, s) in report.sessions.iter().enumerate() {
        let registration = s
            .registration_expires_at
            .map_or_else(|| "-".to_string(), |at| relative(at, report.now));
        let mut row = vec![
            s.login.short_name(),
            s.login.region.clone(),
            session::describe(s.state),
            registration,
            s.login.start_url.clone(),
        ];
        if let Some(c) = checks.and_then(|c| c.get(i)) {
            row.push(c.text());
        }
        rows.push(row);
    }
    columns(&rows)
}

/// The `aws login` sessions: the profiles using each, its account, the cached credentials'
/// state, and the session ARN (last: it is long). `--check` does not ask the sign-in service.
fn logins_table(report: &Report) -> String {
    let mut rows = vec![vec![
        "LOGIN PROFILES".to_string(),
        "ACCOUNT".into(),
        "CREDENTIALS".into(),
        "LOGIN SESSION".into(),
    ]];
    for l in &report.logins {
        rows.push(vec![
            l.profiles.join(","),
            l.state.account_id.clone().unwrap_or_else(|| "-".into()),
            session::describe(l.state.token),
            l.state.session.clone(),
        ]);
    }
    columns(&rows)
}

/// `expires in 89d3h` or `expired 2d ago`.
fn relative(at: OffsetDateTime, now: OffsetDateTime) -> String {
    let d = at - now;
    if d.is_positive() {
        format!("expires in {}", cache::human_duration(d.unsigned_abs()))
    } else {
        format!("expired {} ago", cache::human_duration(d.unsigned_abs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn settings(home: &std::path::Path, profile: Option<&str>) -> Settings {
        Settings {
            home: home.to_path_buf(),
            config_file: home.join(".aws/config"),
            credentials_file: home.join(".aws/credentials"),
            aws_profile: profile.map(str::to_string),
            ..Settings::default()
        }
    }

    #[test]
    fn prompt_line_forms() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        std::fs::create_dir_all(home.join(".aws/sso/cache")).unwrap();
        std::fs::write(
            home.join(".aws/config"),
            "[sso-session s]\nsso_start_url = https://x\nsso_region = us-east-1\n\
             [profile blog_admin]\nsso_session = s\n[profile plain]\nregion = us-east-1\n",
        )
        .unwrap();
        let now = datetime!(2026-11-23 21:00:00 UTC);
        assert_eq!(prompt_line(&settings(home, None), now), "");
        let s = settings(home, Some("blog_admin"));
        assert_eq!(prompt_line(&s, now), "blog_admin logged out\n");
        std::fs::write(
            home.join(".aws/sso/cache")
                .join(cache::cache_file_name("s")),
            r#"{"accessToken": "a", "expiresAt": "2026-11-24T04:12:00Z"}"#,
        )
        .unwrap();
        assert_eq!(prompt_line(&s, now), "blog_admin 7h\n");
        assert_eq!(
            prompt_line(&s, datetime!(2026-11-24 03:30:00 UTC)),
            "blog_admin 42m\n"
        );
        assert_eq!(
            prompt_line(&s, datetime!(2026-11-24 05:00:00 UTC)),
            "blog_admin expired\n"
        );
        assert_eq!(prompt_line(&settings(home, Some("plain")), now), "plain\n");
        assert_eq!(prompt_line(&settings(home, Some("gone")), now), "gone\n");
        // In the shell of `ssox exec`: the credentials' time, whatever AWS_PROFILE says.
        let exec = |expiration: Option<&str>, keys: Vec<&'static str>| Settings {
            exec_profile: Some("blog_admin".into()),
            credential_expiration: expiration.map(str::to_string),
            static_keys: keys,
            ..settings(home, None)
        };
        let keys = || vec!["AWS_ACCESS_KEY_ID", "AWS_CREDENTIAL_EXPIRATION"];
        assert_eq!(
            prompt_line(&exec(Some("2026-11-23T21:55:30Z"), keys()), now),
            "exec:blog_admin 55m\n"
        );
        assert_eq!(
            prompt_line(&exec(Some("2026-11-23T23:00:00Z"), keys()), now),
            "exec:blog_admin 2h\n"
        );
        assert_eq!(
            prompt_line(&exec(Some("2026-11-23T20:00:00Z"), keys()), now),
            "exec:blog_admin expired\n"
        );
        assert_eq!(prompt_line(&exec(None, keys()), now), "exec:blog_admin\n");
        // `ssox use` in that shell dropped the keys: the marker alone means nothing.
        assert_eq!(prompt_line(&exec(None, Vec::new()), now), "");
    }

    /// (The token states' words are tested in `session`.)
    #[test]
    fn registration_expiry_reads_well() {
        let now = datetime!(2026-11-23 21:00:00 UTC);
        assert_eq!(
            relative(datetime!(2026-11-25 22:00:00 UTC), now),
            "expires in 2d1h"
        );
        assert_eq!(
            relative(datetime!(2026-11-23 20:00:00 UTC), now),
            "expired 1h0m ago"
        );
    }
}
