//! The credentials `aws login` caches for a `login_session` profile (docs/compat.md#login-cache):
//! `<AWS_LOGIN_CACHE_DIRECTORY or ~/.aws/login/cache>/<sha256 hex of the session ARN>.json`,
//! read as botocore's `LoginCredentialFetcher` reads it (exact keys; `accessToken` with its five
//! fields, `refreshToken`, `clientId` and `dpopKey` required), and written back after a refresh
//! with every other key kept. Must not touch the network or the terminal (warnings go through
//! `super::warn_unusable`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::json::{format_timestamp, parse_timestamp, py_json};
use super::{load_object, parse_object, warn_unusable, TokenState, Unusable};
use crate::fsutil;

/// What a warning about an unusable login cache file tells the user to do.
const LOGIN_FIX: &str = "`ssox login` (or `aws login`) replaces it";

/// Cached credentials with less than this left are refreshed first (botocore's
/// `LoginCredentialFetcher._REFRESH_THRESHOLD`).
pub const LOGIN_REFRESH_THRESHOLD: Duration = Duration::from_secs(5 * 60);

/// `lowercase_hex(sha256(login_session)) + ".json"` (botocore's `generate_login_cache_key`).
pub fn login_file_name(login_session: &str) -> String {
    let digest = Sha256::digest(login_session.as_bytes());
    let mut name = String::with_capacity(69);
    for b in digest {
        name.push_str(&format!("{b:02x}"));
    }
    name.push_str(".json");
    name
}

/// The cache file of a `login_session` in `dir`.
pub fn login_path(dir: &Path, login_session: &str) -> PathBuf {
    dir.join(login_file_name(login_session))
}

/// A login cache file's credentials and refresh material. Holds secrets: no `Debug`.
#[derive(Clone)]
pub struct LoginToken {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    pub account_id: String,
    pub expires_at: OffsetDateTime,
    client_id: String,
    refresh_token: String,
    dpop_key: String,
}

impl LoginToken {
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }
    pub fn session_token(&self) -> &str {
        &self.session_token
    }
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
    pub fn refresh_token(&self) -> &str {
        &self.refresh_token
    }
    /// The PEM of the P-256 key the DPoP proofs are signed with.
    pub fn dpop_key(&self) -> &str {
        &self.dpop_key
    }

    /// Valid while the credentials last; expired ones are `refreshable` (the file always holds
    /// a refresh token; whether the sign-in service still takes it only a refresh can tell).
    pub fn state(&self, now: OffsetDateTime) -> TokenState {
        let left = self.expires_at - now;
        if left.is_positive() {
            TokenState::Valid {
                left: left.unsigned_abs(),
            }
        } else {
            TokenState::Expired {
                ago: left.unsigned_abs(),
                refreshable: true,
            }
        }
    }

    /// More than [`LOGIN_REFRESH_THRESHOLD`] left: used as they are.
    pub fn fresh(&self, now: OffsetDateTime) -> bool {
        self.expires_at - now > LOGIN_REFRESH_THRESHOLD
    }

    fn from_object(raw: &Map<String, Value>) -> Result<LoginToken, Unusable> {
        let Some(Value::Object(access)) = raw.get("accessToken") else {
            return Err(Unusable::Missing("accessToken"));
        };
        let text = |obj: &Map<String, Value>, key: &'static str| {
            obj.get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .ok_or(Unusable::Missing(key))
        };
        let expires_at = text(access, "expiresAt")?;
        let expires_at =
            parse_timestamp(&expires_at).ok_or(Unusable::BadTimestamp("accessToken.expiresAt"))?;
        Ok(LoginToken {
            access_key_id: text(access, "accessKeyId")?,
            secret_access_key: text(access, "secretAccessKey")?,
            session_token: text(access, "sessionToken")?,
            account_id: text(access, "accountId")?,
            expires_at,
            client_id: text(raw, "clientId")?,
            refresh_token: text(raw, "refreshToken")?,
            dpop_key: text(raw, "dpopKey")?,
        })
    }
}

/// Parse a login cache file's text; the error says why it cannot be used.
pub fn parse_login_token(text: &str) -> Result<LoginToken, Unusable> {
    LoginToken::from_object(&parse_object(text)?)
}

/// Read a login cache file without warning: missing → `None`, unusable → why (for `doctor`).
pub fn load_login_token(path: &Path) -> Result<Option<LoginToken>, Unusable> {
    load_object(path)?
        .map(|obj| LoginToken::from_object(&obj))
        .transpose()
}

/// Read a login cache file. Missing → `None`; unusable → `None` with one warning naming the file.
pub fn read_login_token(path: &Path) -> Option<LoginToken> {
    load_login_token(path)
        .map_err(|e| warn_unusable(path, &e, LOGIN_FIX))
        .ok()?
}

/// [`read_login_token`] without the warning, for output that must stay one line (a prompt).
pub fn read_login_token_quietly(path: &Path) -> Option<LoginToken> {
    load_login_token(path).ok()?
}

/// Credentials just issued by the sign-in service's refresh grant. Holds secrets: no `Debug`.
pub struct RefreshedLogin {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expires_at: OffsetDateTime,
    pub refresh_token: String,
}

/// The file after a refresh, as botocore writes it: `accessToken` replaced (its `accountId`
/// kept) and `refreshToken` replaced in place, every other key as it was.
pub fn refreshed_json(old: &Map<String, Value>, new: &RefreshedLogin, account_id: &str) -> String {
    let mut access = Map::new();
    access.insert("accessKeyId".into(), new.access_key_id.as_str().into());
    access.insert(
        "secretAccessKey".into(),
        new.secret_access_key.as_str().into(),
    );
    access.insert("sessionToken".into(), new.session_token.as_str().into());
    access.insert("accountId".into(), account_id.into());
    access.insert("expiresAt".into(), format_timestamp(new.expires_at).into());
    let mut out = old.clone();
    out.insert("accessToken".into(), Value::Object(access));
    out.insert("refreshToken".into(), new.refresh_token.as_str().into());
    py_json(&Value::Object(out))
}

/// Write refreshed credentials to `path` (atomically, 0600), keeping the other keys the file has.
/// Returns the token as now cached.
pub fn write_refreshed(path: &Path, new: &RefreshedLogin) -> Result<LoginToken> {
    let old = load_object(path)
        .map_err(|e| anyhow::anyhow!("cannot update {}: {e}", path.display()))?
        .ok_or_else(|| anyhow::anyhow!("cannot update {}: it no longer exists", path.display()))?;
    let token = LoginToken::from_object(&old)
        .map_err(|e| anyhow::anyhow!("cannot update {}: {e}", path.display()))?;
    let text = refreshed_json(&old, new, &token.account_id);
    fsutil::write_private(path, text.as_bytes())?;
    Ok(LoginToken {
        access_key_id: new.access_key_id.clone(),
        secret_access_key: new.secret_access_key.clone(),
        session_token: new.session_token.clone(),
        expires_at: new.expires_at,
        refresh_token: new.refresh_token.clone(),
        ..token
    })
}

/// The account of a login session's ARN (`arn:aws:sts::111111111111:assumed-role/R/s`).
pub fn session_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    (parts.next()? == "arn").then_some(())?;
    let account = parts.nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// The role (`assumed-role/NAME/…`) or user (`user/NAME`) a login session's ARN names, else the
/// ARN's resource as written.
pub fn session_role(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let mut parts = resource.split('/');
    match (parts.next(), parts.next()) {
        (Some("assumed-role" | "user"), Some(name)) if !name.is_empty() => Some(name),
        _ if !resource.is_empty() => Some(resource),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
