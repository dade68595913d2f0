//! `ssox status`: the active profile (with warnings when the environment disagrees with itself)
//! and every session's token and registration state, as text, JSON or one prompt line. Reads
//! files only; the network (and a runtime) only with `--check`.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Result;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::aws::endpoints::{self, Service};
use crate::aws::portal::Portal;
use crate::cache::{self, CachedToken, TokenState};
use crate::cli::StatusArgs;
use crate::config::{Config, LoginTarget, ProfileKind};
use crate::settings::Settings;

use super::login::login_targets;
use super::{load_config, now, print_stdout, warn};

pub fn run(args: StatusArgs, settings: &Settings) -> Result<()> {
    if args.prompt {
        return print_stdout(&prompt_line(settings, now()));
    }
    let config = load_config(settings)?;
    let now = now();
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
        return print_stdout(&format!("{:#}\n", v));
    }
    for w in &report.warnings {
        warn(w);
    }
    print_stdout(&report.text(checks.as_deref()))
}

/// What `status --prompt` prints: `blog_admin 7h`, `blog_admin 42m`, `blog_admin expired`,
/// `blog_admin logged out`, the bare name for profiles without SSO, nothing without a profile.
/// Never fails: a broken config just leaves the name.
pub fn prompt_line(settings: &Settings, now: OffsetDateTime) -> String {
    let Some(name) = settings.active_profile() else {
        return String::new();
    };
    let state = super::load_config_for(settings, name)
        .ok()
        .and_then(|config| {
            let profile = config.profiles.get(name)?;
            if profile.kind != ProfileKind::Sso {
                return None;
            }
            let login = config.profile_login(profile).ok()?;
            let token = cache::read_token_quietly(&cache::token_path(
                &settings.sso_cache_dir(),
                &login.cache_key,
            ));
            Some(TokenState::of(token.as_ref(), now))
        });
    match state {
        Some(TokenState::Valid { left }) if left >= Duration::from_secs(3600) => {
            format!("{name} {}h\n", left.as_secs() / 3600)
        }
        Some(TokenState::Valid { left }) => format!("{name} {}m\n", left.as_secs() / 60),
        Some(TokenState::Expired { .. }) => format!("{name} expired\n"),
        Some(TokenState::None) => format!("{name} logged out\n"),
        None => format!("{name}\n"),
    }
}

struct SessionRow {
    login: LoginTarget,
    cache_file: String,
    token: Option<CachedToken>,
    state: TokenState,
}

struct Report {
    profile: Option<String>,
    profile_source: Option<&'static str>,
    /// The active profile's session (short name), when it is an SSO profile.
    profile_session: Option<String>,
    warnings: Vec<String>,
    sessions: Vec<SessionRow>,
    now: OffsetDateTime,
}

impl Report {
    fn build(config: &Config, settings: &Settings, now: OffsetDateTime) -> Report {
        let profile = settings.active_profile().map(str::to_string);
        let profile_source = if settings.aws_profile.is_some() {
            Some("AWS_PROFILE")
        } else if settings.aws_default_profile.is_some() {
            Some("AWS_DEFAULT_PROFILE")
        } else {
            None
        };
        let mut warnings = Vec::new();
        if let (Some(p), Some(d)) = (&settings.aws_profile, &settings.aws_default_profile) {
            if p != d {
                warnings.push(format!(
                    "AWS_PROFILE ({p}) and AWS_DEFAULT_PROFILE ({d}) disagree: the AWS CLI uses {p}, \
                     boto3 uses {d}; run: ssox use {p}"
                ));
            }
        }
        if !settings.static_keys.is_empty() {
            warnings.push(format!(
                "{} {} set and override{} any profile in every AWS tool; run: ssox use NAME (or ssox use --clear)",
                settings.static_keys.join(", "),
                if settings.static_keys.len() == 1 { "is" } else { "are" },
                if settings.static_keys.len() == 1 { "s" } else { "" },
            ));
        }
        let mut profile_session = None;
        if let Some(p) = &profile {
            match config.profiles.get(p) {
                None => warnings.push(format!(
                    "the active profile {p:?} is not in {}",
                    config.config_path
                )),
                Some(prof) if prof.kind == ProfileKind::Sso => match config.profile_login(prof) {
                    Ok(l) => profile_session = Some(l.short_name()),
                    Err(e) => warnings.push(e.to_string()),
                },
                Some(_) => {}
            }
        }
        let dir = settings.sso_cache_dir();
        let sessions = login_targets(config, false)
            .into_iter()
            .map(|login| {
                let path = cache::token_path(&dir, &login.cache_key);
                let token = cache::read_token(&path);
                let state = TokenState::of(token.as_ref(), now);
                SessionRow {
                    cache_file: settings.display_path(&path),
                    login,
                    token,
                    state,
                }
            })
            .collect();
        Report {
            profile,
            profile_source,
            profile_session,
            warnings,
            sessions,
            now,
        }
    }

    fn json(&self) -> Value {
        let sessions: Vec<Value> = self
            .sessions
            .iter()
            .map(|s| {
                let token = s.token.as_ref();
                json!({
                    "name": s.login.session_name.as_deref().unwrap_or(&s.login.start_url),
                    "type": if s.login.session_name.is_some() { "sso-session" } else { "legacy" },
                    "start_url": s.login.start_url,
                    "region": s.login.region,
                    "token": state_word(s.state),
                    "expires_at": token.map(|t| cache::format_timestamp(t.expires_at)),
                    "seconds_left": token.map(|t| (t.expires_at - self.now).whole_seconds()),
                    "refreshable": token.is_some_and(|t| t.refreshable(self.now)),
                    "registration_expires_at": token
                        .and_then(|t| t.registration_expires_at)
                        .map(cache::format_timestamp),
                    "cache_file": s.cache_file,
                })
            })
            .collect();
        json!({
            "profile": self.profile,
            "profile_source": self.profile_source,
            "profile_session": self.profile_session,
            "warnings": self.warnings,
            "sessions": sessions,
        })
    }

    fn text(&self, checks: Option<&[Check]>) -> String {
        let mut out = String::new();
        match (&self.profile, self.profile_source) {
            (Some(p), Some(src)) => {
                let _ = write!(out, "profile: {p} (from {src})");
                if let Some(s) = &self.profile_session {
                    let state = self
                        .sessions
                        .iter()
                        .find(|r| &r.login.short_name() == s)
                        .map_or_else(|| "none".to_string(), |r| long_state(r.state));
                    let _ = write!(out, ", sso-session {s}: {state}");
                }
                out.push('\n');
            }
            _ => out.push_str("profile: none (AWS_PROFILE is not set)\n"),
        }
        if self.sessions.is_empty() {
            out.push_str("no sso-sessions configured\n");
            return out;
        }
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
        for (i, s) in self.sessions.iter().enumerate() {
            let registration = s
                .token
                .as_ref()
                .and_then(|t| t.registration_expires_at)
                .map_or_else(|| "-".to_string(), |at| relative(at, self.now));
            let mut row = vec![
                s.login.short_name(),
                s.login.region.clone(),
                long_state(s.state),
                registration,
                s.login.start_url.clone(),
            ];
            if let Some(c) = checks.and_then(|c| c.get(i)) {
                row.push(c.text());
            }
            rows.push(row);
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for row in rows {
            let last = row.len() - 1;
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if c < last {
                    line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `valid`, `refreshable`, `expired`, `none`: the stable JSON word.
fn state_word(state: TokenState) -> &'static str {
    match state {
        TokenState::None => "none",
        TokenState::Valid { .. } => "valid",
        TokenState::Expired {
            refreshable: true, ..
        } => "refreshable",
        TokenState::Expired { .. } => "expired",
    }
}

/// `valid for 7h12m`, `expired 2h3m ago (refreshable)`, `expired 5m ago`, `none`.
fn long_state(state: TokenState) -> String {
    match state {
        TokenState::None => "none".into(),
        TokenState::Valid { left } => format!("valid for {}", cache::human_duration(left)),
        TokenState::Expired { ago, refreshable } => format!(
            "expired {} ago{}",
            cache::human_duration(ago),
            if refreshable { " (refreshable)" } else { "" }
        ),
    }
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

/// The portal's verdict on a session's token (`status --check`).
enum Check {
    /// No valid token to check.
    Skipped,
    Accepted,
    Rejected,
    Failed(String),
}

impl Check {
    fn text(&self) -> String {
        match self {
            Check::Skipped => "-".into(),
            Check::Accepted => "accepted".into(),
            Check::Rejected => "rejected".into(),
            Check::Failed(_) => "error".into(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Check::Skipped => Value::Null,
            Check::Accepted => "accepted".into(),
            Check::Rejected => "rejected".into(),
            Check::Failed(e) => format!("error: {e}").into(),
        }
    }
}

fn check_tokens(config: &Config, settings: &Settings, report: &Report) -> Vec<Check> {
    let profile = report
        .profile
        .as_deref()
        .filter(|p| config.profiles.contains_key(*p));
    let endpoint = endpoints::resolve(&settings.endpoints, Some(config), profile, Service::Sso);
    report
        .sessions
        .iter()
        .map(|s| {
            let Some(token) = s.token.as_ref().filter(|_| s.state.is_valid()) else {
                return Check::Skipped;
            };
            let region = token.region.as_deref().unwrap_or(&s.login.region);
            match Portal::new(region, endpoint.clone())
                .and_then(|p| p.token_accepted(token.access_token()))
            {
                Ok(true) => Check::Accepted,
                Ok(false) => Check::Rejected,
                Err(e) => {
                    warn(&format!("{}: {e:#}", s.login.short_name()));
                    Check::Failed(format!("{e:#}"))
                }
            }
        })
        .collect()
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
    }

    #[test]
    fn states_read_well() {
        assert_eq!(
            long_state(TokenState::Valid {
                left: Duration::from_secs(7 * 3600 + 12 * 60)
            }),
            "valid for 7h12m"
        );
        assert_eq!(
            long_state(TokenState::Expired {
                ago: Duration::from_secs(300),
                refreshable: true
            }),
            "expired 5m ago (refreshable)"
        );
        assert_eq!(state_word(TokenState::None), "none");
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
