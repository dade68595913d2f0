//! `ssox doctor`: every check a user would otherwise run by hand, as lines of `ok`, `warn` or
//! `fail` with the fix: the config files (`files`), each session's token (`files`), the
//! environment (`env`), the `.ssox.toml` that applies here (`dir`), the shell integration and old aliases (`shell`), the browser
//! (`shell`), and with `--network` the clock and each token against the SSO portal (`network`,
//! the only part that reaches `aws`). The checks return lines; printing is the command's.

mod dir;
mod env;
mod files;
mod network;
mod shell;

use console::Style;
use time::OffsetDateTime;

use crate::config::{Config, LoginTarget};
use crate::settings::Settings;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    pub fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "fail",
        }
    }
}

/// One checked thing: what it is, what was found, and (unless ok) how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub level: Level,
    pub topic: String,
    pub text: String,
    pub fix: Option<String>,
}

impl Line {
    pub fn ok(topic: impl Into<String>, text: impl Into<String>) -> Line {
        Line {
            level: Level::Ok,
            topic: topic.into(),
            text: text.into(),
            fix: None,
        }
    }

    /// A warning; an empty `fix` when the text says it already.
    pub fn warn(topic: impl Into<String>, text: impl Into<String>, fix: impl Into<String>) -> Line {
        let fix = fix.into();
        Line {
            level: Level::Warn,
            topic: topic.into(),
            text: text.into(),
            fix: (!fix.is_empty()).then_some(fix),
        }
    }

    /// A failure; an empty `fix` when the text says it already.
    pub fn fail(topic: impl Into<String>, text: impl Into<String>, fix: impl Into<String>) -> Line {
        Line {
            level: Level::Fail,
            ..Line::warn(topic, text, fix)
        }
    }
}

/// Run every check; the network ones only when `network`.
pub fn check(settings: &Settings, network: bool, now: OffsetDateTime) -> Vec<Line> {
    let mut lines = Vec::new();
    let config: Option<Config> = files::config(settings, &mut lines);
    if let Some(config) = &config {
        files::profiles(config, settings, now, &mut lines);
        files::sessions(config, settings, now, &mut lines);
        files::logins(config, settings, now, &mut lines);
    }
    env::check(config.as_ref(), settings, &mut lines);
    dir::check(settings, &mut lines);
    shell::integration(settings, &mut lines);
    shell::aliases(config.as_ref(), settings, &mut lines);
    shell::browser(settings, &mut lines);
    if network {
        network::clock(config.as_ref(), settings, &mut lines);
        if let Some(config) = &config {
            network::tokens(config, settings, now, &mut lines);
        }
    }
    lines
}

/// The report: one line per check (`level  topic: text; fix: …`), then the tally. Colours only
/// when `color`.
pub fn render(lines: &[Line], color: bool) -> String {
    let style = |s: Style| s.force_styling(color);
    let mut out = String::new();
    for l in lines {
        let word = match l.level {
            Level::Ok => style(Style::new().green()),
            Level::Warn => style(Style::new().yellow()),
            Level::Fail => style(Style::new().red().bold()),
        }
        .apply_to(format!("{:<4}", l.level.word()));
        // Topics and texts quote profile names, paths and portal answers: shown escaped.
        let p = crate::ui::text::printable;
        out.push_str(&format!("{word}  {}: {}", p(&l.topic), p(&l.text)));
        if let Some(fix) = &l.fix {
            out.push_str(&format!("; fix: {}", p(fix)));
        }
        out.push('\n');
    }
    let count = |level| lines.iter().filter(|l| l.level == level).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&match (count(Level::Fail), count(Level::Warn)) {
        (0, 0) => "doctor: all checks ok\n".to_string(),
        (f, w) => format!(
            "doctor: {}, {}\n",
            plural(f, "failure"),
            plural(w, "warning")
        ),
    });
    out
}

/// The NAME `ssox login NAME` takes for `login`: the sso-session, or a profile using the legacy
/// start URL.
pub(super) fn login_name(config: &Config, login: &LoginTarget) -> String {
    if let Some(s) = &login.session_name {
        return crate::shell::word(crate::shell::Shell::Posix, s);
    }
    config
        .profiles
        .values()
        .find(|p| {
            p.get("sso_session").is_none()
                && config
                    .profile_login(p)
                    .is_ok_and(|l| l.cache_key == login.cache_key)
        })
        .map_or_else(
            || "PROFILE".to_string(),
            |p| crate::shell::word(crate::shell::Shell::Posix, &p.name),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_lines_and_tally() {
        let lines = vec![
            Line::ok("config", "~/.aws/config: 1 profile"),
            Line::warn("session corp", "no cached token", "ssox login corp"),
            Line::fail("environment", "they disagree", "ssox use a"),
        ];
        assert_eq!(
            render(&lines, false),
            "ok    config: ~/.aws/config: 1 profile\n\
             warn  session corp: no cached token; fix: ssox login corp\n\
             fail  environment: they disagree; fix: ssox use a\n\
             doctor: 1 failure, 1 warning\n"
        );
        assert_eq!(
            render(&lines[..1], false),
            "ok    config: ~/.aws/config: 1 profile\ndoctor: all checks ok\n"
        );
        assert!(render(&lines, true).contains("\u{1b}["));
    }
}
