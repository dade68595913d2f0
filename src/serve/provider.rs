//! The credentials `ssox serve` hands out, per profile: kept in memory while they have more than
//! 15 minutes left (the role cache's rule, and botocore's advisory refresh window), and fetched at
//! most once at a time per profile: requests that arrive while a fetch is under way wait for it
//! and share its outcome, success or failure, so 50 parallel requests make one
//! GetRoleCredentials. Fetching goes through `session` (the CLI's role cache, a silent token
//! refresh, the cross-process locks) and never opens a browser. Failures are sorted into HTTP
//! statuses here; their messages never hold a secret.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Result;
use time::OffsetDateTime;

use crate::cache::role::RoleCredentials;
use crate::config::{Config, ConfigError};
use crate::profiles::load_config_chain;
use crate::session::{self, LoginRequired, TokenRejected};
use crate::settings::Settings;

/// Profiles remembered at most; past it, those nobody is waiting on are forgotten.
const MAX_PROFILES: usize = 256;

/// Why a profile's credentials cannot be served: the HTTP status, a short code and one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl Failure {
    pub fn new(status: u16, code: &'static str, message: impl std::fmt::Display) -> Failure {
        Failure {
            status,
            code,
            message: message.to_string().replace(['\n', '\r'], " "),
        }
    }

    /// The profile is not in the config (404).
    pub fn not_found(message: impl std::fmt::Display) -> Failure {
        Failure::new(404, "ProfileNotFound", message)
    }

    /// A failure of [`credentials`], by what it needs: a login (503), a config fix (500), or
    /// the SSO portal or STS to answer (502).
    fn of(e: &anyhow::Error) -> Failure {
        let message = format!("{e:#}");
        if e.chain()
            .any(|c| c.is::<LoginRequired>() || c.is::<TokenRejected>())
        {
            Failure::new(503, "LoginRequired", message)
        } else if e.chain().any(|c| c.is::<ConfigError>()) {
            Failure::new(500, "InvalidProfile", message)
        } else {
            Failure::new(502, "CredentialsUnavailable", message)
        }
    }
}

/// The one call into `session` for a profile's credentials: every way ssox has of producing
/// them, with the role cache, the silent refresh and the locks.
fn credentials(
    config: &Config,
    name: &str,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<RoleCredentials> {
    session::credentials(config, name, settings, now).map(|got| got.credentials)
}

/// Fetch `name`'s credentials as `ssox creds` would, reading the config afresh (it may have
/// changed since the server started).
fn fetch(settings: &Settings, name: &str) -> Result<RoleCredentials, Failure> {
    let config =
        load_config_chain(settings, name).map_err(|e| Failure::new(500, "ConfigError", e))?;
    config.profile(name).map_err(Failure::not_found)?;
    credentials(&config, name, settings, OffsetDateTime::now_utc()).map_err(|e| Failure::of(&e))
}

type Fetch = dyn Fn(&str) -> Result<RoleCredentials, Failure> + Send + Sync;

/// The last fetch of one profile and when it ended.
struct Outcome {
    result: Result<RoleCredentials, Failure>,
    ended: Instant,
}

/// One profile's last outcome; its mutex is held for the whole fetch.
type Slot = Arc<Mutex<Option<Outcome>>>;

pub struct Provider {
    fetch: Box<Fetch>,
    slots: Mutex<HashMap<String, Slot>>,
}

impl Provider {
    /// Credentials fetched with `fetch` (tests pass their own).
    pub fn new(fetch: Box<Fetch>) -> Provider {
        Provider {
            fetch,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Credentials as `ssox creds` gets them, for the environment in `settings`.
    pub fn for_settings(settings: Settings) -> Provider {
        Provider::new(Box::new(move |name| fetch(&settings, name)))
    }

    /// `profile`'s credentials at `now`: the ones in memory while they have more than 15
    /// minutes left; the outcome of a fetch that ended while this request waited for it (unless
    /// those credentials have expired); else a new fetch.
    pub fn get(&self, profile: &str, now: OffsetDateTime) -> Result<RoleCredentials, Failure> {
        let arrived = Instant::now();
        let slot = self.slot(profile);
        let mut last = slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(o) = last.as_ref() {
            let shared = o.ended >= arrived;
            match &o.result {
                Ok(c) if c.fresh(now) || (shared && c.remaining(now) > Duration::ZERO) => {
                    return Ok(c.clone())
                }
                Err(f) if shared => return Err(f.clone()),
                _ => {}
            }
        }
        let result = (self.fetch)(profile);
        *last = Some(Outcome {
            result: result.clone(),
            ended: Instant::now(),
        });
        result
    }

    /// The slot of `profile`, made on first use.
    fn slot(&self, profile: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if !slots.contains_key(profile) && slots.len() >= MAX_PROFILES {
            slots.retain(|_, s| Arc::strong_count(s) > 1);
        }
        slots.entry(profile.to_string()).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-01-01 12:00:00 UTC);

    fn creds(n: usize, expires: OffsetDateTime) -> RoleCredentials {
        RoleCredentials::new(
            format!("ASIA{n}"),
            "s".into(),
            "t".into(),
            expires,
            "1".into(),
        )
    }

    /// A provider whose fetches are counted, take `pause`, and expire at `expires`.
    fn counting(
        pause: Duration,
        expires: OffsetDateTime,
        fail: Option<Failure>,
    ) -> (Arc<Provider>, Arc<AtomicUsize>) {
        let n = Arc::new(AtomicUsize::new(0));
        let count = n.clone();
        let p = Provider::new(Box::new(move |_| {
            let i = count.fetch_add(1, Ordering::SeqCst) + 1;
            std::thread::sleep(pause);
            match &fail {
                Some(f) => Err(f.clone()),
                None => Ok(creds(i, expires)),
            }
        }));
        (Arc::new(p), n)
    }

    fn in_parallel(p: &Arc<Provider>, n: usize) -> Vec<Result<RoleCredentials, Failure>> {
        let threads: Vec<_> = (0..n)
            .map(|_| {
                let p = p.clone();
                std::thread::spawn(move || p.get("a", NOW))
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    }

    #[test]
    fn parallel_requests_share_one_fetch() {
        let (p, n) = counting(
            Duration::from_millis(200),
            NOW + Duration::from_secs(3600),
            None,
        );
        let all = in_parallel(&p, 50);
        assert_eq!(n.load(Ordering::SeqCst), 1);
        assert!(all
            .iter()
            .all(|r| r.as_ref().unwrap().access_key_id == "ASIA1"));
        // Still good for more than 15 minutes: no fetch at all.
        let later = NOW + Duration::from_secs(44 * 60);
        assert_eq!(p.get("a", later).unwrap().access_key_id, "ASIA1");
        assert_eq!(n.load(Ordering::SeqCst), 1);
        // 15 minutes or less: fetched anew. Another profile has its own.
        let late = NOW + Duration::from_secs(45 * 60);
        assert_eq!(p.get("a", late).unwrap().access_key_id, "ASIA2");
        assert_eq!(p.get("b", late).unwrap().access_key_id, "ASIA3");
    }

    #[test]
    fn short_lived_credentials_are_shared_by_waiters_then_fetched_again() {
        let (p, n) = counting(
            Duration::from_millis(200),
            NOW + Duration::from_secs(60),
            None,
        );
        let all = in_parallel(&p, 10);
        assert_eq!(n.load(Ordering::SeqCst), 1);
        assert!(all
            .iter()
            .all(|r| r.as_ref().unwrap().access_key_id == "ASIA1"));
        // A request that did not wait for that fetch gets its own.
        assert_eq!(p.get("a", NOW).unwrap().access_key_id, "ASIA2");
    }

    #[test]
    fn a_failure_is_shared_by_waiters_only() {
        let f = Failure::new(503, "LoginRequired", "x; run: ssox login");
        let (p, n) = counting(Duration::from_millis(200), NOW, Some(f.clone()));
        let all = in_parallel(&p, 10);
        assert_eq!(n.load(Ordering::SeqCst), 1);
        assert!(all.iter().all(|r| r.as_ref().err() == Some(&f)));
        assert!(p.get("a", NOW).err() == Some(f));
        assert_eq!(n.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn failures_are_sorted_by_what_they_need() {
        let login: anyhow::Error = LoginRequired("s expired; run: ssox login".into()).into();
        let rejected = anyhow::Error::new(TokenRejected("s".into())).context("cannot get");
        let config: anyhow::Error = ConfigError("profile \"p\" is missing\nx".into()).into();
        let other = anyhow::anyhow!("GetRoleCredentials failed");
        assert_eq!(
            Failure::of(&login),
            Failure::new(503, "LoginRequired", "s expired; run: ssox login")
        );
        assert_eq!(Failure::of(&rejected).status, 503);
        assert_eq!(
            Failure::of(&config),
            Failure::new(500, "InvalidProfile", "profile \"p\" is missing x")
        );
        assert_eq!(Failure::of(&other).status, 502);
    }

    #[test]
    fn forgotten_profiles_keep_memory_bounded() {
        let (p, _) = counting(Duration::ZERO, NOW + Duration::from_secs(3600), None);
        for i in 0..MAX_PROFILES * 3 {
            let _ = p.get(&format!("p{i}"), NOW);
        }
        assert!(p.slots.lock().unwrap().len() <= MAX_PROFILES);
    }
}
