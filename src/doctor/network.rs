//! Doctor's checks that need the network (`--network`): the clock against the SSO portal's
//! (the HTTP `Date` of its answer; a skewed clock makes tokens look valid when they are not and
//! gets signed requests rejected), and the portal's verdict on each valid token.

use time::OffsetDateTime;

use crate::aws::clock;
use crate::aws::endpoints::{self, Service};
use crate::config::Config;
use crate::session::status::{check_tokens, Check, Report};
use crate::session::{active_profile, login_targets};
use crate::settings::Settings;

use super::Line;

/// Clock skew up to this is fine (the `Date` header has one-second resolution, plus latency).
const SKEW_OK: i64 = 30;
/// Beyond this, AWS rejects signed requests (SigV4 allows 5 minutes) and token expiry is off.
const SKEW_FAIL: i64 = 300;

pub fn clock(config: Option<&Config>, settings: &Settings, lines: &mut Vec<Line>) {
    const TOPIC: &str = "clock";
    // The portal of the active profile's session, else of the first session, else us-east-1.
    let profile = config.and_then(|c| active_profile(c, settings));
    let region = config
        .and_then(|c| {
            let p = c.profiles.get(profile.as_deref()?)?;
            c.profile_login(p).ok()
        })
        .or_else(|| config.and_then(|c| login_targets(c, false).into_iter().next()))
        .map_or_else(|| "us-east-1".to_string(), |l| l.region);
    let url = endpoints::resolve(
        &settings.endpoints,
        config,
        profile.as_deref(),
        Service::Sso,
    )
    .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"));
    crate::verbose!("doctor: asking {url} for its clock");
    let skew = match clock::skew_seconds(&url, &OffsetDateTime::now_utc) {
        Ok(s) => s,
        Err(e) => {
            // Not a warning: nothing that needs the portal (login, creds, sync) works either.
            lines.push(Line::fail(
                TOPIC,
                format!(
                    "cannot compare with the SSO portal: {}",
                    without_advice(&format!("{e:#}"))
                ),
                NETWORK_FIX,
            ));
            return;
        }
    };
    let how = match skew {
        s if s > 0 => format!("{} behind", seconds(s)),
        s => format!("{} ahead of", seconds(-s)),
    };
    let text = format!("this machine's clock is {how} the SSO portal's ({url})");
    let fix = "turn on time synchronisation (e.g. sudo timedatectl set-ntp true)";
    lines.push(match skew.abs() {
        s if s <= SKEW_OK => Line::ok(
            TOPIC,
            format!("within {} of the SSO portal's ({url})", seconds(s)),
        ),
        s if s <= SKEW_FAIL => Line::warn(TOPIC, text, fix),
        _ => Line::fail(
            TOPIC,
            format!("{text}: token lifetimes are off and AWS rejects signed requests"),
            fix,
        ),
    });
}

/// The fix of a check that could not reach the portal.
const NETWORK_FIX: &str =
    "check your network, VPN and proxy settings, then run ssox doctor --network again";

/// A request's error without the advice it ends with (`…: connection refused; check your
/// network or VPN`): the check's fix says what to do, once.
fn without_advice(error: &str) -> &str {
    let error = error.strip_prefix("GET: ").unwrap_or(error);
    error.split_once("; ").map_or(error, |(what, _)| what)
}

/// `42s`, `7m12s`.
fn seconds(s: i64) -> String {
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// The portal's verdict on each valid cached token.
pub fn tokens(config: &Config, settings: &Settings, now: OffsetDateTime, lines: &mut Vec<Line>) {
    let report = Report::build(config, settings, now);
    let checks = check_tokens(config, settings, &report);
    for (s, check) in report.sessions.iter().zip(checks) {
        let name = s.login.short_name();
        let topic = format!("session {name}");
        match check {
            Check::Skipped => {}
            Check::Accepted => lines.push(Line::ok(topic, "the SSO portal accepts the token")),
            Check::Rejected => lines.push(Line::fail(
                topic,
                "the SSO portal rejects the token (revoked, or the session was ended)",
                format!("ssox login --force {}", super::login_name(config, &s.login)),
            )),
            Check::Failed(e) => lines.push(Line::fail(
                topic,
                format!(
                    "cannot ask the SSO portal about the token: {}",
                    without_advice(&e)
                ),
                NETWORK_FIX,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(seconds(5), "5s");
        assert_eq!(seconds(432), "7m12s");
    }

    #[test]
    fn advice_is_left_to_the_fix() {
        assert_eq!(
            without_advice("GET: cannot connect to h:1: connection refused; check your network"),
            "cannot connect to h:1: connection refused"
        );
        assert_eq!(without_advice("no semicolon"), "no semicolon");
    }
}
