//! The SSO token cache (`~/.aws/sso/cache`, reference §1–§2): file names, lenient reading, token
//! state, atomic 0600 writes that keep unknown keys, the CLI's registration file, and the per-session
//! lock. Must not touch the network or the terminal.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use crate::fsutil;

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

/// Python's `json.dumps(value)` with default separators and `ensure_ascii`: how the AWS CLI
/// writes its cache files, so a file ssox writes is byte-compatible with one the CLI writes.
pub fn py_json(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_json_str(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(py_json).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_json_str(k), py_json(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
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
    })
}

/// Read a token file; missing, unreadable or not a token → `None`.
pub fn read_token(path: &Path) -> Option<CachedToken> {
    let text = fsutil::read_cache_text(path).ok()??;
    parse_token(&text)
}

/// Parse `2026-11-24T04:34:20Z`, with or without fraction, `Z` or an offset; also `+0000`, a
/// `UTC` suffix and a space instead of `T` as some writers emit. The result is in UTC; anything
/// else (not ASCII, too long, out of range once in UTC) is `None`, never a panic.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if !s.is_ascii() || s.len() > 64 {
        return None;
    }
    let parsed = OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        let mut fixed = s.replacen(' ', "T", 1);
        if let Some(stripped) = fixed.strip_suffix("UTC") {
            fixed = format!("{}Z", stripped.trim_end());
        }
        // `+0000` → `+00:00` (all ASCII here, so every index is a character boundary).
        if let Some((head, tail)) = fixed
            .len()
            .checked_sub(5)
            .filter(|&i| i > 0)
            .and_then(|i| Some((fixed.get(..i)?, fixed.get(i..)?)))
        {
            let sign = tail.starts_with(['+', '-']);
            if sign && tail.bytes().skip(1).all(|c| c.is_ascii_digit()) {
                fixed = format!("{head}{}:{}", tail.get(..3)?, tail.get(3..)?);
            }
        }
        let zone = fixed
            .get(fixed.len().saturating_sub(6)..)
            .unwrap_or_default();
        if !fixed.ends_with('Z') && !zone.contains(['+', '-']) {
            fixed.push('Z');
        }
        OffsetDateTime::parse(&fixed, &Rfc3339).ok()
    })?;
    parsed.checked_to_offset(time::UtcOffset::UTC)
}

/// `YYYY-MM-DDTHH:MM:SSZ` in UTC, no fraction: what every reader accepts.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.checked_to_offset(time::UtcOffset::UTC).unwrap_or(t);
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

    /// `valid`, `refreshable`, `expired`, `none`: the stable word for JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenState::None => "none",
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

/// The token fields ssox writes, in the CLI's key order (reference §1).
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

/// A client registration (RegisterClient's answer), as the token file and the CLI's registration
/// file keep it. Holds a secret: there is no `Debug`.
#[derive(Clone)]
pub struct Registration {
    pub client_id: String,
    client_secret: String,
    pub expires_at: OffsetDateTime,
    /// The scopes registered with; `None` when none were sent.
    pub scopes: Option<Vec<String>>,
}

impl Registration {
    pub fn new(
        client_id: String,
        client_secret: String,
        expires_at: OffsetDateTime,
        scopes: Option<Vec<String>>,
    ) -> Registration {
        Registration {
            client_id,
            client_secret,
            expires_at,
            scopes,
        }
    }

    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// Still usable for a login started at `now` (at least [`MIN_VALIDITY`] left).
    pub fn usable(&self, now: OffsetDateTime) -> bool {
        self.expires_at - now >= MIN_VALIDITY
    }

    /// The registration a cached token was obtained with, if the file has one.
    pub fn of_token(token: &CachedToken) -> Option<Registration> {
        Some(Registration {
            client_id: token.client_id()?.to_string(),
            client_secret: token.client_secret()?.to_string(),
            expires_at: token.registration_expires_at?,
            scopes: None,
        })
    }
}

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
    out.insert(
        "clientSecret".into(),
        registration.client_secret.as_str().into(),
    );
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

/// A file's JSON object, or `None` when it is missing or not a JSON object.
pub fn read_json_object(path: &Path) -> Option<Map<String, Value>> {
    let text = fsutil::read_cache_text(path).ok()??;
    serde_json::from_str(&text).ok()
}

/// Write a new token for a login to `path` (atomically, 0600), keeping what the old file had.
pub fn write_token(
    path: &Path,
    start_url: &str,
    region: &str,
    token: &NewToken,
    registration: &Registration,
) -> Result<()> {
    let old = read_json_object(path);
    let text = token_json(start_url, region, token, registration, old.as_ref());
    fsutil::write_private(path, text.as_bytes())
}

/// Read the CLI's registration file (reference §2). `None` when missing, unreadable, or a PKCE
/// registration (`grantTypes` with `authorization_code`), which the device flow cannot use.
pub fn read_registration(path: &Path) -> Option<Registration> {
    let obj = read_json_object(path)?;
    let pkce = field(&obj, "grantTypes")
        .and_then(Value::as_array)
        .is_some_and(|g| g.iter().any(|v| v.as_str() == Some("authorization_code")));
    if pkce {
        return None;
    }
    let scopes = field(&obj, "scopes").and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    });
    Some(Registration {
        client_id: field_str(&obj, "clientId")?,
        client_secret: field_str(&obj, "clientSecret")?,
        expires_at: parse_timestamp(&field_str(&obj, "expiresAt")?)?,
        scopes,
    })
}

/// The registration file's JSON text: `{clientId, clientSecret, expiresAt, scopes?}` as the CLI
/// writes it for the device flow.
pub fn registration_json(registration: &Registration) -> String {
    let mut out = Map::new();
    out.insert("clientId".into(), registration.client_id.as_str().into());
    out.insert(
        "clientSecret".into(),
        registration.client_secret.as_str().into(),
    );
    out.insert(
        "expiresAt".into(),
        format_timestamp(registration.expires_at).into(),
    );
    if let Some(scopes) = &registration.scopes {
        out.insert(
            "scopes".into(),
            Value::Array(scopes.iter().map(|s| s.as_str().into()).collect()),
        );
    }
    py_json(&Value::Object(out))
}

pub fn write_registration(path: &Path, registration: &Registration) -> Result<()> {
    fsutil::write_private(path, registration_json(registration).as_bytes())
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
        // Hostile text is "no timestamp", never a panic (multi-byte characters, short strings).
        for s in [
            "aaaaaa\u{20ac}\u{20ac}",
            "\u{20ac}aaaaa",
            "",
            "+",
            "+0000",
            "aaaa+0000",
            "\u{20ac}+0000",
        ] {
            assert_eq!(parse_timestamp(s), None, "{s}");
        }
        // An extreme offset that leaves the calendar once in UTC is refused, not a later panic.
        assert_eq!(parse_timestamp("9999-12-31T23:59:59-23:59"), None);
        let far = parse_timestamp("9999-12-31T23:59:59Z").unwrap();
        assert_eq!(format_timestamp(far), "9999-12-31T23:59:59Z");
        assert_eq!(format_timestamp(want), "2026-11-24T04:34:20Z");
    }

    #[test]
    fn token_is_read_leniently() {
        let t = parse_token(
            r#"{"ACCESSTOKEN": "a", "expiresAt": "2026-11-24T04:34:20.5Z", "extra": 1}"#,
        )
        .unwrap();
        assert_eq!(t.access_token(), "a");
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

    fn reg(id: &str) -> Registration {
        Registration::new(
            id.into(),
            "sec".into(),
            datetime!(2027-02-21 10:00:00 UTC),
            Some(vec!["sso:account:access".into()]),
        )
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

    #[test]
    fn registration_file_round_trip_and_pkce_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        write_registration(&path, &reg("cid")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"clientId\": \"cid\", \"clientSecret\": \"sec\", \"expiresAt\": \"2027-02-21T10:00:00Z\", \"scopes\": [\"sso:account:access\"]}"
        );
        let r = read_registration(&path).unwrap();
        assert_eq!(r.client_id, "cid");
        assert_eq!(r.client_secret(), "sec");
        assert_eq!(r.scopes, Some(vec!["sso:account:access".to_string()]));
        assert!(r.usable(datetime!(2027-02-21 09:44:00 UTC)));
        assert!(!r.usable(datetime!(2027-02-21 09:46:00 UTC)));
        std::fs::write(
            &path,
            r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2027-02-21T10:00:00Z", "grantTypes": ["authorization_code", "refresh_token"]}"#,
        )
        .unwrap();
        assert!(read_registration(&path).is_none());
    }
}
