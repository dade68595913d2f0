//! SSO token files in `~/.aws/sso/cache` (docs/compat.md#token-cache): their names, lenient
//! reading, the token state a user cares about, and atomic 0600 writes in the CLI's key order that
//! keep unknown keys. Must not touch the network or the terminal (warnings go through
//! `super::warn_unusable`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::json::{field, field_str, format_timestamp, py_json, timestamp};
use super::{cache_file_name, load_object, parse_object, warn_unusable, Registration, Unusable};
use crate::fsutil;

/// What a warning about an unusable token file tells the user to do.
const TOKEN_FIX: &str = "ssox login replaces it";

/// The token file for a cache key (sso-session name, or legacy start URL as written).
pub fn token_path(cache_dir: &Path, cache_key: &str) -> PathBuf {
    cache_dir.join(cache_file_name(cache_key))
}

/// A cached SSO token. Secrets are private and never printed: there is no `Debug`. (Rewrites
/// re-read the file's JSON object, so unknown keys survive even when it is not a valid token.)
#[derive(Clone)]
pub struct CachedToken {
    access_token: String,
    pub expires_at: OffsetDateTime,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    pub registration_expires_at: Option<OffsetDateTime>,
    pub region: Option<String>,
    pub start_url: Option<String>,
}

impl CachedToken {
    pub fn access_token(&self) -> &str {
        &self.access_token
    }
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }
    pub fn client_secret(&self) -> Option<&str> {
        self.client_secret.as_deref()
    }

    /// A refresh is possible: refresh token, client and a registration not yet expired.
    pub fn refreshable(&self, now: OffsetDateTime) -> bool {
        self.refresh_token.is_some()
            && self.client_id.is_some()
            && self.client_secret.is_some()
            && self.registration_expires_at.is_some_and(|t| t > now)
    }

    /// The token in a file's JSON object, read as the Rust SDK does: keys in any case, unknown keys
    /// ignored; `accessToken` and `expiresAt` required; a timestamp that is present must parse.
    fn from_object(raw: &Map<String, Value>) -> Result<CachedToken, Unusable> {
        let access_token = field_str(raw, "accessToken").ok_or(Unusable::Missing("accessToken"))?;
        let expires_at = timestamp(field(raw, "expiresAt"), "expiresAt")?
            .ok_or(Unusable::Missing("expiresAt"))?;
        let registration_expires_at =
            timestamp(field(raw, "registrationExpiresAt"), "registrationExpiresAt")?;
        Ok(CachedToken {
            access_token,
            expires_at,
            refresh_token: field_str(raw, "refreshToken"),
            client_id: field_str(raw, "clientId"),
            client_secret: field_str(raw, "clientSecret"),
            registration_expires_at,
            region: field_str(raw, "region"),
            start_url: field_str(raw, "startUrl"),
        })
    }
}

/// Parse a token file's text; the error says why it is not a usable token.
pub fn parse_token(text: &str) -> Result<CachedToken, Unusable> {
    CachedToken::from_object(&parse_object(text)?)
}

fn load_token(path: &Path) -> Result<Option<CachedToken>, Unusable> {
    load_object(path)?
        .map(|obj| CachedToken::from_object(&obj))
        .transpose()
}

/// Read a token file. Missing → `None`; unusable (not a regular file, too large, not JSON, a key
/// missing, a timestamp that is not one) → `None` with a warning naming the file, once per run.
pub fn read_token(path: &Path) -> Option<CachedToken> {
    load_token(path)
        .map_err(|e| warn_unusable(path, &e, TOKEN_FIX))
        .ok()?
}

/// [`read_token`] without the warning, for output that must stay one line (a shell prompt).
pub fn read_token_quietly(path: &Path) -> Option<CachedToken> {
    load_token(path).ok()?
}

/// A session's token as a user cares about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// No token file (or not a token).
    None,
    Valid {
        left: Duration,
    },
    Expired {
        ago: Duration,
        refreshable: bool,
    },
    /// Not expired, but the SSO portal refused it (ssox's own record: `session::rejected`).
    Rejected {
        refreshable: bool,
    },
}

impl TokenState {
    pub fn of(token: Option<&CachedToken>, now: OffsetDateTime) -> TokenState {
        let Some(t) = token else {
            return TokenState::None;
        };
        // Both ends lie within the calendar (years -9999..=9999), so the difference fits.
        let left = t.expires_at - now;
        if left.is_positive() {
            TokenState::Valid {
                left: left.unsigned_abs(),
            }
        } else {
            TokenState::Expired {
                ago: left.unsigned_abs(),
                refreshable: t.refreshable(now),
            }
        }
    }

    /// `valid 7h12m`, `expired`, `refreshable`, `rejected`, `none`: the short form for tables.
    pub fn short(&self) -> String {
        match self {
            TokenState::None => "none".into(),
            TokenState::Rejected { .. } => "rejected".into(),
            TokenState::Valid { left } => format!("valid {}", human_duration(*left)),
            TokenState::Expired {
                refreshable: true, ..
            } => "refreshable".into(),
            TokenState::Expired { .. } => "expired".into(),
        }
    }

    /// `valid`, `refreshable`, `expired`, `rejected`, `none`: the stable word for JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenState::None => "none",
            TokenState::Rejected { .. } => "rejected",
            TokenState::Valid { .. } => "valid",
            TokenState::Expired {
                refreshable: true, ..
            } => "refreshable",
            TokenState::Expired { .. } => "expired",
        }
    }
}

/// `7h12m`, `2d3h`, `45m`, `30s`.
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    let (days, hours, mins) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    if days > 0 {
        format!("{days}d{hours}h")
    } else if hours > 0 {
        format!("{hours}h{mins}m")
    } else if mins > 0 {
        format!("{mins}m")
    } else {
        format!("{s}s")
    }
}

// ---- Writing ----------------------------------------------------------------------------

/// The token fields ssox writes, in the CLI's key order (docs/compat.md#token-cache).
pub const TOKEN_KEYS: [&str; 8] = [
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
];

/// A token as just issued, to be written to the cache. Holds secrets: no `Debug`.
pub struct NewToken {
    pub access_token: String,
    pub expires_at: OffsetDateTime,
    pub refresh_token: Option<String>,
}

/// The JSON text of a token file: the eight fields in the CLI's order, then every other key of
/// the `old` file (if any) unchanged. The old `refreshToken` is kept when the new answer has none
/// and the client is the same (a refresh token only works with the client that obtained it).
pub fn token_json(
    start_url: &str,
    region: &str,
    token: &NewToken,
    registration: &Registration,
    old: Option<&Map<String, Value>>,
) -> String {
    let old_refresh = old.and_then(|o| {
        let same_client = field_str(o, "clientId").as_deref() == Some(&registration.client_id);
        same_client.then(|| field_str(o, "refreshToken")).flatten()
    });
    let mut out = Map::new();
    out.insert("startUrl".into(), start_url.into());
    out.insert("region".into(), region.into());
    out.insert("accessToken".into(), token.access_token.as_str().into());
    out.insert(
        "expiresAt".into(),
        format_timestamp(token.expires_at).into(),
    );
    out.insert("clientId".into(), registration.client_id.as_str().into());
    out.insert("clientSecret".into(), registration.client_secret().into());
    out.insert(
        "registrationExpiresAt".into(),
        format_timestamp(registration.expires_at).into(),
    );
    if let Some(r) = token.refresh_token.clone().or(old_refresh) {
        out.insert("refreshToken".into(), r.into());
    }
    if let Some(old) = old {
        for (k, v) in old {
            if !TOKEN_KEYS.iter().any(|t| t.eq_ignore_ascii_case(k)) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    py_json(&Value::Object(out))
}

/// Write a new token for a login to `path` (atomically, 0600), keeping what the old file had. An
/// old file that is not a JSON object (or not a regular file) is simply replaced.
pub fn write_token(
    path: &Path,
    start_url: &str,
    region: &str,
    token: &NewToken,
    registration: &Registration,
) -> Result<()> {
    let old = load_object(path)
        .map_err(|e| warn_unusable(path, &e, TOKEN_FIX))
        .ok()
        .flatten();
    let text = token_json(start_url, region, token, registration, old.as_ref());
    fsutil::write_private(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::tests::reg;
    use time::macros::datetime;

    #[test]
    fn token_is_read_leniently() {
        let t = parse_token(
            r#"{"ACCESSTOKEN": "a", "expiresAt": "2026-11-24T04:34:20.5Z", "extra": 1}"#,
        )
        .unwrap();
        assert_eq!(t.access_token(), "a");
        assert!(parse_token(r#"{"expiresAt": "2026-11-24T04:34:20Z"}"#).is_err());
        assert!(parse_token("not json").is_err());
    }

    #[test]
    fn a_token_with_a_bad_timestamp_is_no_token_and_says_which() {
        let why = |text: &str| parse_token(text).err().unwrap().to_string();
        for bad in [
            "aaaaaa\u{20ac}\u{20ac}",
            "\u{20ac}aaaaa",
            "9999-12-31T23:59:59-23:59",
        ] {
            assert_eq!(
                why(&format!(
                    r#"{{"accessToken": "at-X", "expiresAt": "{bad}"}}"#
                )),
                "expiresAt is not a valid timestamp",
                "{bad}"
            );
        }
        assert_eq!(
            why(r#"{"accessToken": "at-X", "expiresAt": 1700000000}"#),
            "expiresAt is not a valid timestamp"
        );
        assert_eq!(
            why(
                r#"{"accessToken": "at-X", "expiresAt": "2026-11-24T04:34:20Z",
                    "registrationExpiresAt": "€aaaaa"}"#
            ),
            "registrationExpiresAt is not a valid timestamp"
        );
        assert_eq!(why(r#"{"accessToken": "at-X"}"#), "it has no expiresAt");
        assert_eq!(
            why(r#"{"accessToken": "", "expiresAt": "2026-11-24T04:34:20Z"}"#),
            "it has no accessToken"
        );
        // An absent or empty registration expiry is fine: the token is just not refreshable.
        let t = parse_token(
            r#"{"accessToken": "a", "expiresAt": "2026-11-24T04:34:20Z", "refreshToken": "r",
                "clientId": "c", "clientSecret": "s", "registrationExpiresAt": ""}"#,
        )
        .unwrap();
        assert!(!t.refreshable(datetime!(2026-11-24 00:00:00 UTC)));
    }

    #[test]
    fn state_and_durations() {
        let now = datetime!(2026-11-23 21:00:00 UTC);
        let t =
            parse_token(r#"{"accessToken": "a", "expiresAt": "2026-11-24T04:12:00Z"}"#).unwrap();
        assert_eq!(TokenState::of(Some(&t), now).short(), "valid 7h12m");
        let later = datetime!(2026-11-24 06:15:00 UTC);
        assert_eq!(
            TokenState::of(Some(&t), later),
            TokenState::Expired {
                ago: Duration::from_secs(2 * 3600 + 3 * 60),
                refreshable: false
            }
        );
        assert_eq!(TokenState::of(None, now).short(), "none");
    }

    #[test]
    fn state_at_the_calendars_edges_does_not_panic() {
        let far =
            parse_token(r#"{"accessToken": "a", "expiresAt": "9999-12-31T23:59:59Z"}"#).unwrap();
        let early =
            parse_token(r#"{"accessToken": "a", "expiresAt": "0000-01-01T00:00:00+00:01"}"#)
                .unwrap();
        for now in [
            datetime!(-9999-01-01 00:00:00 UTC),
            datetime!(2026-11-24 00:00:00 UTC),
            datetime!(9999-12-31 23:59:59.999999999 UTC),
        ] {
            for t in [&far, &early] {
                let state = TokenState::of(Some(t), now);
                assert!(!state.short().is_empty());
            }
        }
        assert_eq!(
            TokenState::of(Some(&far), datetime!(-9999-01-01 00:00:00 UTC)).short(),
            "valid 7304483d23h"
        );
        assert_eq!(human_duration(Duration::MAX), "213503982334601d7h");
    }

    #[test]
    fn token_json_has_the_cli_key_order_and_keeps_unknown_keys() {
        let token = NewToken {
            access_token: "at\u{e9}".into(),
            expires_at: datetime!(2026-11-24 04:34:20.75 UTC),
            refresh_token: None,
        };
        let text = token_json("https://x/start", "us-east-1", &token, &reg("cid"), None);
        assert_eq!(
            text,
            "{\"startUrl\": \"https://x/start\", \"region\": \"us-east-1\", \"accessToken\": \"at\\u00e9\", \
             \"expiresAt\": \"2026-11-24T04:34:20Z\", \"clientId\": \"cid\", \"clientSecret\": \"sec\", \
             \"registrationExpiresAt\": \"2027-02-21T10:00:00Z\"}"
        );
        // Rewriting: unknown keys stay (after ours), differently-cased known keys are replaced,
        // and the old refresh token survives when the client is the same.
        let old: Map<String, Value> = serde_json::from_str(
            r#"{"ACCESSTOKEN": "old", "refreshToken": "rt0", "clientId": "cid", "x": {"n": [1, true, null]}}"#,
        )
        .unwrap();
        let text = token_json("u", "r", &token, &reg("cid"), Some(&old));
        assert!(
            text.ends_with(", \"refreshToken\": \"rt0\", \"x\": {\"n\": [1, true, null]}}"),
            "{text}"
        );
        assert!(!text.contains("old"));
        // A new client cannot use the old refresh token: it is dropped.
        let text = token_json("u", "r", &token, &reg("other"), Some(&old));
        assert!(!text.contains("rt0"), "{text}");
        // A new refresh token wins.
        let token = NewToken {
            refresh_token: Some("rt1".into()),
            ..token
        };
        let text = token_json("u", "r", &token, &reg("cid"), Some(&old));
        assert!(text.contains("\"refreshToken\": \"rt1\""), "{text}");
        let back = parse_token(&text).unwrap();
        assert_eq!(back.refresh_token(), Some("rt1"));
        assert_eq!(back.client_id(), Some("cid"));
        assert_eq!(back.client_secret(), Some("sec"));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_huge_file_is_no_token_and_a_write_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.json");
        crate::platform::testing::make_fifo(&fifo);
        assert!(read_token(&fifo).is_none(), "refused without blocking");
        let big = dir.path().join("big.json");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(fsutil::MAX_CACHE_BYTES + 1)
            .unwrap();
        assert!(read_token(&big).is_none());
        let token = NewToken {
            access_token: "at".into(),
            expires_at: datetime!(2026-11-24 04:34:20 UTC),
            refresh_token: None,
        };
        for path in [&fifo, &big] {
            write_token(path, "u", "r", &token, &reg("cid")).unwrap();
            assert_eq!(read_token(path).unwrap().access_token(), "at");
        }
    }
}
