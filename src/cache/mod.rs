//! The AWS CLI's cache files, shared with the CLI and the SDKs: SSO tokens (`token`) and client
//! registrations (`registration`) in `~/.aws/sso/cache`, role credentials (`role`) and
//! assume-role credentials (`assumed`) in `~/.aws/cli/cache`, `aws login` credentials (`login`)
//! in `~/.aws/login/cache`, and the Python-compatible JSON and timestamps they share (`json`). Reading never fails and never blocks: a file that cannot be
//! used is skipped with one warning naming it (once per file and run). Must not touch the network
//! or the terminal (warnings go through `ui::warn`). See `docs/compat.md#token-cache`,
//! `#registration-cache`, `#role-cache` and `#assume-role`.

pub mod assumed;
mod json;
pub mod login;
mod registration;
pub mod role;
mod token;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Map, Value};
use sha1::{Digest, Sha1};

use crate::fsutil::{self, ReadError};

pub use json::{format_timestamp, parse_timestamp, push_json_str, py_json};
pub use registration::{
    parse_registration, read_registration, registration_file_name, registration_json,
    write_registration, Registration,
};
pub use role::role_cache_file_name;
pub use token::{
    human_duration, parse_token, read_token, read_token_quietly, token_json, token_path,
    write_token, CachedToken, NewToken, TokenState, TOKEN_KEYS,
};

/// A token, registration or cached role credentials with less than this left count as expired:
/// the AWS CLI logs in (or registers) again, and reuses cached role credentials only while more
/// than this remains.
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

/// Why a cache file cannot be used. The messages never quote the file's contents (they may hold
/// secrets or terminal escapes).
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    #[error("{}", read_reason(.0))]
    Read(ReadError),
    #[error("it is not valid JSON (line {line}, column {column})")]
    NotJson { line: usize, column: usize },
    #[error("it is not a JSON object")]
    NotObject,
    #[error("it has no {0}")]
    Missing(&'static str),
    #[error("{0} is not a valid timestamp")]
    BadTimestamp(&'static str),
}

/// fsutil's reason without the path (the warning names the file once, in front).
fn read_reason(e: &ReadError) -> String {
    match e {
        ReadError::NotFound { .. } => "it does not exist".into(),
        ReadError::NotRegular { kind, .. } if kind.starts_with("not ") => {
            format!("it is {kind}")
        }
        ReadError::NotRegular { kind, .. } => format!("it is {kind}, not a regular file"),
        ReadError::TooLarge { limit, .. } => format!("it is larger than {limit} MiB"),
        ReadError::Io { source, .. } => format!("cannot read it: {source}"),
    }
}

/// A cache file's text as a JSON object.
fn parse_object(text: &str) -> Result<Map<String, Value>, Unusable> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Unusable::NotObject),
        Err(e) => Err(Unusable::NotJson {
            line: e.line(),
            column: e.column(),
        }),
    }
}

/// A cache file's JSON object, read within `fsutil::MAX_CACHE_BYTES` without blocking on a FIFO;
/// `Ok(None)` when the file does not exist.
fn load_object(path: &Path) -> Result<Option<Map<String, Value>>, Unusable> {
    match fsutil::read_cache_text(path).map_err(Unusable::Read)? {
        Some(text) => parse_object(&text).map(Some),
        None => Ok(None),
    }
}

/// The files already warned about in this run.
static WARNED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// `ssox: ignoring PATH: WHY; THEN` on stderr, once per file and run (commands read a file
/// several times, e.g. `login` before and after taking its lock).
fn warn_unusable(path: &Path, why: &Unusable, then: &str) {
    let mut warned = WARNED.lock().unwrap_or_else(PoisonError::into_inner);
    if warned.iter().any(|p| p == path) {
        return;
    }
    warned.push(path.to_path_buf());
    drop(warned);
    let then = if then.is_empty() {
        String::new()
    } else {
        format!("; {then}")
    };
    crate::ui::warn(&format!("ignoring {}: {why}{then}", path.display()));
}

/// A file's JSON object, or `None` when it is missing or unusable (with a warning).
pub fn read_json_object(path: &Path) -> Option<Map<String, Value>> {
    load_object(path)
        .map_err(|e| warn_unusable(path, &e, ""))
        .ok()?
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// A device-flow registration for tests of the token and registration files.
    pub(super) fn reg(id: &str) -> Registration {
        Registration::new(
            id.into(),
            "sec".into(),
            datetime!(2027-02-21 10:00:00 UTC),
            Some(vec!["sso:account:access".into()]),
        )
    }

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
    fn unusable_files_say_why_without_their_contents() {
        let why = |text: &str| parse_object(text).unwrap_err().to_string();
        assert_eq!(why("\"at-secret\""), "it is not a JSON object");
        assert_eq!(why("[1]"), "it is not a JSON object");
        assert_eq!(
            why("{\"accessToken\": \"at-secret\","),
            "it is not valid JSON (line 1, column 28)"
        );
        assert_eq!(why(""), "it is not valid JSON (line 1, column 0)");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.json");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(fsutil::MAX_CACHE_BYTES + 1)
            .unwrap();
        assert_eq!(
            load_object(&big).unwrap_err().to_string(),
            "it is larger than 1 MiB"
        );
        assert_eq!(
            load_object(dir.path()).unwrap_err().to_string(),
            "it is a directory, not a regular file"
        );
        assert!(load_object(&dir.path().join("missing.json"))
            .unwrap()
            .is_none());
        std::fs::write(&big, b"{\"a\": \"\xff\"}").unwrap();
        assert_eq!(
            load_object(&big).unwrap_err().to_string(),
            "cannot read it: not UTF-8 text"
        );
    }
}
