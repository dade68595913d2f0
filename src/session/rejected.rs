//! Tokens the SSO portal refused (401 while `expiresAt` is still in the future: revoked, or the
//! session ended on the server), remembered so that such a token is not "valid" to ssox: `login`
//! replaces it, the commands refresh it or say `run: ssox login`, `status` and `list` show it as
//! `rejected`. Likewise refresh tokens it refused (InvalidGrantException): such a token is no
//! longer "refreshable" to any view, and nothing sends that refresh again. Kept in ssox's own
//! state directory, one small file per token cache file, holding a SHA-1 of the refused access
//! (or refresh) token (never the token): a new token in that file (from a login, a refresh, or
//! the AWS CLI) is not rejected. The AWS CLI's cache file is never edited. The same for refresh
//! tokens of `aws login` sessions the sign-in service refused (`login-refused/`).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;

use crate::cache::{format_timestamp, CachedToken};
use crate::fsutil;
use crate::settings::Settings;
use crate::ui::warn;

/// Where the records of one kind (`rejected`, `refresh-refused`, `login-refused`) are kept: one
/// file per cache file, named as it is.
fn record_path(settings: &Settings, kind: &str, cache_path: &Path) -> Option<PathBuf> {
    let name = cache_path.file_name()?;
    Some(settings.state_dir.join(kind).join(name))
}

/// The cache file's name, as a record holds it.
fn file_name(cache_path: &Path) -> Option<String> {
    cache_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
}

fn sha1_hex(text: &str) -> String {
    Sha1::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether the record at `path` holds `digest` under `key`.
fn holds(path: &Path, key: &str, digest: &str) -> bool {
    let Ok(Some(text)) = fsutil::read_cache_text(path) else {
        return false;
    };
    serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v.get(key)?.as_str().map(str::to_string))
        .is_some_and(|h| h == digest)
}

/// Write `record` at `path`. A failure to write is a warning: the command fails anyway, only
/// the next one will not know.
fn remember(path: &Path, record: &Value, what: &str) {
    if let Err(e) = fsutil::write_private(path, record.to_string().as_bytes()) {
        warn(&format!("cannot remember the {what}: {e:#}"));
    }
}

const REJECTED: &str = "rejected";
const REFRESH_REFUSED: &str = "refresh-refused";
const LOGIN_REFUSED: &str = "login-refused";

/// Whether the portal refused the very token now in `token_path`.
pub fn is_rejected(settings: &Settings, token_path: &Path, token: &CachedToken) -> bool {
    record_path(settings, REJECTED, token_path)
        .is_some_and(|path| holds(&path, "accessTokenSha1", &sha1_hex(token.access_token())))
}

/// Remember that the portal refused `token` (the one in `token_path`).
pub fn record(settings: &Settings, token_path: &Path, token: &CachedToken, now: OffsetDateTime) {
    let Some(path) = record_path(settings, REJECTED, token_path) else {
        return;
    };
    let record = json!({
        "tokenFile": file_name(token_path),
        "accessTokenSha1": sha1_hex(token.access_token()),
        "rejectedAt": format_timestamp(now),
    });
    remember(&path, &record, "rejected token");
}

/// Whether the portal refused to refresh with the very refresh token now in `token_path`: that
/// token needs an interactive login, however refreshable its file looks.
pub fn refresh_refused(settings: &Settings, token_path: &Path, token: &CachedToken) -> bool {
    let (Some(path), Some(refresh)) = (
        record_path(settings, REFRESH_REFUSED, token_path),
        token.refresh_token(),
    ) else {
        return false;
    };
    holds(&path, "refreshTokenSha1", &sha1_hex(refresh))
}

/// Remember that the portal refused to refresh `token` (InvalidGrantException), until a new
/// token is written. A failure to write is a warning, as for [`record`].
pub fn record_refresh_refused(
    settings: &Settings,
    token_path: &Path,
    token: &CachedToken,
    now: OffsetDateTime,
) {
    let (Some(path), Some(refresh)) = (
        record_path(settings, REFRESH_REFUSED, token_path),
        token.refresh_token(),
    ) else {
        return;
    };
    let record = json!({
        "tokenFile": file_name(token_path),
        "refreshTokenSha1": sha1_hex(refresh),
        "refusedAt": format_timestamp(now),
    });
    remember(&path, &record, "refused refresh");
}

/// Forget the rejection of the access token in `token_path` (the portal accepted it again); a
/// refused refresh stays refused.
pub fn clear_rejection(settings: &Settings, token_path: &Path) {
    if let Some(path) = record_path(settings, REJECTED, token_path) {
        let _ = fsutil::remove_file(&path);
    }
}

/// Forget any rejection, or refused refresh, of the token file at `token_path` (a new token was
/// written).
pub fn clear(settings: &Settings, token_path: &Path) {
    for kind in [REJECTED, REFRESH_REFUSED] {
        if let Some(path) = record_path(settings, kind, token_path) {
            let _ = fsutil::remove_file(&path);
        }
    }
}

/// Whether the sign-in service refused `refresh_token`, the one now in the login cache file at
/// `cache_path` (a new sign-in, by ssox or the AWS CLI, writes a new one).
pub fn login_refresh_refused(settings: &Settings, cache_path: &Path, refresh_token: &str) -> bool {
    record_path(settings, LOGIN_REFUSED, cache_path)
        .is_some_and(|path| holds(&path, "refreshTokenSha1", &sha1_hex(refresh_token)))
}

/// Remember that the sign-in service refused `refresh_token` (TOKEN_EXPIRED,
/// USER_CREDENTIALS_CHANGED…): no view calls it refreshable, and no command sends it again.
pub fn record_login_refresh_refused(
    settings: &Settings,
    cache_path: &Path,
    refresh_token: &str,
    why: &str,
    now: OffsetDateTime,
) {
    let Some(path) = record_path(settings, LOGIN_REFUSED, cache_path) else {
        return;
    };
    let record = json!({
        "loginFile": file_name(cache_path),
        "refreshTokenSha1": sha1_hex(refresh_token),
        "why": why,
        "refusedAt": format_timestamp(now),
    });
    remember(&path, &record, "refused refresh");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::parse_token;
    use time::macros::datetime;

    #[test]
    fn a_rejection_holds_for_that_token_only_and_never_stores_it() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            state_dir: dir.path().join("state"),
            ..Settings::default()
        };
        let file = dir.path().join("cache").join("abc.json");
        let token = |at: &str| {
            parse_token(&format!(
                r#"{{"accessToken": "{at}", "expiresAt": "2026-11-24T04:34:20Z"}}"#
            ))
            .unwrap()
        };
        let old = token("at-secret-1");
        assert!(!is_rejected(&settings, &file, &old));
        record(&settings, &file, &old, datetime!(2026-11-23 21:00:00 UTC));
        assert!(is_rejected(&settings, &file, &old));
        assert!(!is_rejected(&settings, &file, &token("at-secret-2")));
        assert!(!is_rejected(
            &settings,
            &dir.path().join("cache").join("other.json"),
            &old
        ));
        let stored = dir.path().join("state/rejected/abc.json");
        let text = std::fs::read_to_string(&stored).unwrap();
        assert!(!text.contains("at-secret"), "{text}");
        assert!(
            text.contains("\"rejectedAt\":\"2026-11-23T21:00:00Z\""),
            "{text}"
        );
        clear(&settings, &file);
        assert!(!stored.exists());
        assert!(!is_rejected(&settings, &file, &old));
    }
}
