//! The SSO token cache (`~/.aws/sso/cache`, reference §1–§2): file names, lenient reading, token
//! state, and atomic 0600 writes that keep unknown keys. Must not touch the network or the terminal.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A token or registration with less than this left is treated as expired for login (as the CLI does).
pub const MIN_VALIDITY: Duration = Duration::from_secs(15 * 60);

/// `lowercase_hex(sha1(key)) + ".json"`
pub fn cache_file_name(key: &str) -> String {
    let digest = Sha1::digest(key.as_bytes());
    let mut name = String::with_capacity(45);
    for b in digest {
        name.push_str(&format!("{b:02x}"));
    }
    name.push_str(".json");
    name
}

/// The token file for a cache key (sso-session name, or legacy start URL as written).
pub fn token_path(cache_dir: &Path, cache_key: &str) -> PathBuf {
    cache_dir.join(cache_file_name(cache_key))
}

/// A JSON string literal exactly as Python's `json.dumps` writes it (`ensure_ascii=True`), so that
/// the hashes below match the AWS CLI's.
fn py_json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The AWS CLI v2's client-registration cache file (reference §2): the sha1 of Python's
/// `json.dumps({...}, sort_keys=True)` of region, scopes, session name, start URL and tool.
pub fn registration_file_name(
    region: &str,
    scopes: Option<&[String]>,
    session_name: Option<&str>,
    start_url: &str,
) -> String {
    let scopes = match scopes {
        Some(list) => {
            let items: Vec<String> = list.iter().map(|s| py_json_str(s)).collect();
            format!("[{}]", items.join(", "))
        }
        None => "null".to_string(),
    };
    let session = session_name.map_or("null".to_string(), py_json_str);
    cache_file_name(&format!(
        "{{\"region\": {}, \"scopes\": {scopes}, \"session_name\": {session}, \"startUrl\": {}, \"tool\": \"botocore\"}}",
        py_json_str(region),
        py_json_str(start_url)
    ))
}

/// The AWS CLI v2's role-credential cache file in `~/.aws/cli/cache` (reference §1): the sha1 of
/// the compact sorted JSON of account, role and session name (or legacy start URL).
pub fn role_cache_file_name(
    account_id: &str,
    role_name: &str,
    session_name: Option<&str>,
    start_url: &str,
) -> String {
    let last = match session_name {
        Some(s) => format!("\"sessionName\":{}", py_json_str(s)),
        None => format!("\"startUrl\":{}", py_json_str(start_url)),
    };
    cache_file_name(&format!(
        "{{\"accountId\":{},\"roleName\":{},{last}}}",
        py_json_str(account_id),
        py_json_str(role_name)
    ))
}

/// A cached SSO token. Secrets are private and never printed: there is no `Debug`.
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
    /// Every key as read, for rewriting without losing anything.
    pub raw: Map<String, Value>,
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
}

/// Key lookup as the Rust SDK does it: exact first, then case-insensitive.
fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn field_str(obj: &Map<String, Value>, key: &str) -> Option<String> {
    field(obj, key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Parse a cache file's JSON leniently. `None` when it is not a token (no `accessToken` or
/// `expiresAt`, or not JSON): "no token", never an error.
pub fn parse_token(text: &str) -> Option<CachedToken> {
    let raw: Map<String, Value> = serde_json::from_str(text).ok()?;
    let access_token = field_str(&raw, "accessToken")?;
    let expires_at = parse_timestamp(&field_str(&raw, "expiresAt")?)?;
    Some(CachedToken {
        access_token,
        expires_at,
        refresh_token: field_str(&raw, "refreshToken"),
        client_id: field_str(&raw, "clientId"),
        client_secret: field_str(&raw, "clientSecret"),
        registration_expires_at: field_str(&raw, "registrationExpiresAt")
            .and_then(|s| parse_timestamp(&s)),
        region: field_str(&raw, "region"),
        start_url: field_str(&raw, "startUrl"),
        raw,
    })
}

/// Read a token file; missing, unreadable or not a token → `None`.
pub fn read_token(path: &Path) -> Option<CachedToken> {
    let text = std::fs::read_to_string(path).ok()?;
    parse_token(&text)
}

/// Parse `2026-11-24T04:34:20Z`, with or without fraction, `Z` or an offset; also `+0000` and
/// a space instead of `T` as some writers emit.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    // `UTC` suffix or `+0000` offsets, and space separators.
    let mut fixed = s.replacen(' ', "T", 1);
    if let Some(stripped) = fixed.strip_suffix("UTC") {
        fixed = format!("{}Z", stripped.trim_end());
    }
    let len = fixed.len();
    if len > 5 {
        let tail = &fixed[len - 5..];
        let b = tail.as_bytes();
        if (b[0] == b'+' || b[0] == b'-') && tail[1..].bytes().all(|c| c.is_ascii_digit()) {
            fixed = format!("{}:{}", &fixed[..len - 2], &fixed[len - 2..]);
        }
    }
    if !fixed.ends_with('Z') && !fixed[fixed.len().saturating_sub(6)..].contains(['+', '-']) {
        fixed.push('Z');
    }
    OffsetDateTime::parse(&fixed, &Rfc3339).ok()
}

/// `YYYY-MM-DDTHH:MM:SSZ` in UTC, no fraction: what every reader accepts.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
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
}

impl TokenState {
    pub fn of(token: Option<&CachedToken>, now: OffsetDateTime) -> TokenState {
        let Some(t) = token else {
            return TokenState::None;
        };
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

    /// `valid 7h12m`, `expired`, `refreshable`, `none`: the short form for tables.
    pub fn short(&self) -> String {
        match self {
            TokenState::None => "none".into(),
            TokenState::Valid { left } => format!("valid {}", human_duration(*left)),
            TokenState::Expired {
                refreshable: true, ..
            } => "refreshable".into(),
            TokenState::Expired { .. } => "expired".into(),
        }
    }

    pub fn is_valid(&self) -> bool {
        matches!(self, TokenState::Valid { .. })
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn file_names_match_the_reference() {
        assert_eq!(
            cache_file_name("dev"),
            "34c6fceca75e456f25e7e99531e2425c6c1de443.json"
        );
        assert_eq!(
            cache_file_name("https://ssotest.awsapps.com/start"),
            "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12.json"
        );
    }

    #[test]
    fn timestamps_are_read_leniently_and_written_strictly() {
        let want = datetime!(2026-11-24 04:34:20 UTC);
        for s in [
            "2026-11-24T04:34:20Z",
            "2026-11-24T04:34:20.000Z",
            "2026-11-24T04:34:20+00:00",
            "2026-11-24T05:34:20+01:00",
            "2026-11-24T04:34:20UTC",
            "2026-11-24 04:34:20Z",
            "2026-11-24T04:34:20+0000",
        ] {
            assert_eq!(parse_timestamp(s), Some(want), "{s}");
        }
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(format_timestamp(want), "2026-11-24T04:34:20Z");
    }

    #[test]
    fn token_is_read_leniently() {
        let t = parse_token(
            r#"{"ACCESSTOKEN": "a", "expiresAt": "2026-11-24T04:34:20.5Z", "extra": 1}"#,
        )
        .unwrap();
        assert_eq!(t.access_token(), "a");
        assert_eq!(t.raw.get("extra"), Some(&Value::from(1)));
        assert!(parse_token(r#"{"expiresAt": "2026-11-24T04:34:20Z"}"#).is_none());
        assert!(parse_token("not json").is_none());
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
    fn cli_cache_names_match_the_reference() {
        assert_eq!(
            role_cache_file_name("111111111111", "Admin", Some("my-sso"), "ignored"),
            "4d591a7ab0da2e15379d89377621ae9cda619cc3.json"
        );
        assert_eq!(
            role_cache_file_name(
                "111111111111",
                "Admin",
                None,
                "https://d-123.awsapps.com/start"
            ),
            "e50eea367309484e3b695c47c45af94d161048ac.json"
        );
        let scopes = vec!["sso:account:access".to_string()];
        assert_eq!(
            registration_file_name(
                "us-east-1",
                Some(&scopes),
                Some("my-sso"),
                "https://d-123.awsapps.com/start"
            ),
            "41703fba9789c2c8f9b7faa73b70bebb72c62cc9.json"
        );
        assert_eq!(
            registration_file_name("us-east-1", None, None, "https://d-456.awsapps.com/start"),
            "ae6191c86313b161410131b5dbec6619935e2605.json"
        );
        // Non-ASCII and quotes are escaped as Python does.
        assert_eq!(
            registration_file_name("us-east-1", None, Some("s\u{fc}"), "https://x/\"q"),
            "bb3a2bbc2b0aa41afe7e930b552dc1759bd062a0.json"
        );
    }
}
