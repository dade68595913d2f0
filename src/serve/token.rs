//! The bearer token of `ssox serve`: random (32 bytes of the OS's CSPRNG, as hex) or kept in a
//! file (`--token-file`: read when it exists, else created 0600 with a new random token and no
//! newline, so it also works as `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`), and compared in constant
//! time. As ssh does with a private key, a token file another user owns, or that group or others
//! may read or write, is refused with the fix. The token has no `Debug` or `Display`: it cannot reach a log line by accident. Must not
//! print it anywhere but the client environment the caller renders.

use std::path::Path;

use anyhow::{anyhow, bail, Result};

use crate::fsutil::{self, MAX_CACHE_BYTES};

/// The shortest and longest token accepted from a file.
const MIN_LEN: usize = 16;
const MAX_LEN: usize = 1024;

pub struct Token(String);

impl Token {
    /// A new random token: 64 hex digits.
    pub fn random() -> Result<Token> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow!("cannot get random bytes from the system ({e})"))?;
        Ok(Token(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// The token in `path` (one line; a final newline is ignored), or a new random one written
    /// there (0600, atomically) when the file does not exist. `shown` names the file in messages.
    /// Returns whether the file was created.
    pub fn from_file(path: &Path, shown: &str) -> Result<(Token, bool)> {
        // A file that cannot be looked at: reading it says why.
        if let Ok(meta) = std::fs::metadata(path) {
            private(&meta, shown)?;
        }
        match fsutil::read_limited(path, MAX_CACHE_BYTES, shown) {
            Ok(bytes) => Ok((Token::parse(&bytes, shown)?, false)),
            Err(e) if e.is_not_found() => {
                let token = Token::random()?;
                fsutil::write_private(path, token.0.as_bytes())?;
                Ok((token, true))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A token file's contents: visible ASCII only (it goes into an HTTP header and a Docker env
    /// file unquoted), [`MIN_LEN`] to [`MAX_LEN`] characters.
    pub(super) fn parse(bytes: &[u8], shown: &str) -> Result<Token> {
        let line = bytes
            .strip_suffix(b"\n")
            .map(|b| b.strip_suffix(b"\r").unwrap_or(b))
            .unwrap_or(bytes);
        if !(MIN_LEN..=MAX_LEN).contains(&line.len()) || !line.iter().all(u8::is_ascii_graphic) {
            bail!(
                "{shown} must hold one line of {MIN_LEN} to {MAX_LEN} visible ASCII characters \
                 (no spaces); delete it and ssox writes a new token there"
            );
        }
        Ok(Token(String::from_utf8_lossy(line).into_owned()))
    }

    /// The token itself, for the client's environment only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `presented` (an `Authorization` header's value) is this token, in time that does
    /// not depend on where the two differ.
    pub fn matches(&self, presented: &[u8]) -> bool {
        let ours = self.0.as_bytes();
        ours.len() == presented.len()
            && ours
                .iter()
                .zip(presented)
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0
    }
}

/// Refuse a token file that someone else could read, replace or write: one another user owns
/// (they choose the token), or with any permission for group or others. (Windows has neither
/// uids nor modes: the file's ACL is its folder's.)
fn private(meta: &std::fs::Metadata, shown: &str) -> Result<()> {
    if let (Some((uid, _)), Some(me)) =
        (crate::platform::owner(meta), crate::platform::current_uid())
    {
        if uid != me {
            bail!(
                "{shown} belongs to another user (uid {uid}, you are {me}), who can read or \
                 replace the token; use a token file of your own (a missing one is created)"
            );
        }
    }
    let Some(mode) = crate::platform::mode(meta) else {
        return Ok(());
    };
    if mode & 0o077 != 0 {
        bail!(
            "{shown} can be read or written by other users (mode {mode:04o}), and its token gives \
             out credentials; run: chmod 600 {shown}"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_long_hex_and_differ() {
        let (a, b) = (Token::random().unwrap(), Token::random().unwrap());
        assert_eq!(a.expose().len(), 64);
        assert!(a.expose().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.expose(), b.expose());
        assert!(a.matches(a.expose().as_bytes()));
        assert!(!a.matches(b.expose().as_bytes()));
        assert!(!a.matches(&a.expose().as_bytes()[1..]));
        assert!(!a.matches(b""));
    }

    #[test]
    fn a_token_file_is_created_once_then_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/token");
        let (t, created) = Token::from_file(&path, "token").unwrap();
        assert!(created);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), t.expose());
        #[cfg(unix)]
        assert_eq!(crate::platform::testing::mode_at(&path), 0o600);
        let (again, created) = Token::from_file(&path, "token").unwrap();
        assert!(!created);
        assert_eq!(again.expose(), t.expose());
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_may_read_or_write_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "abcdefghijklmnop").unwrap();
        for (mode, ok) in [(0o600, true), (0o400, true), (0o640, false), (0o602, false)] {
            crate::platform::testing::set_mode_at(&path, mode);
            let got = Token::from_file(&path, "t");
            assert_eq!(got.is_ok(), ok, "{mode:o}");
            if let Err(e) = got {
                assert_eq!(
                    e.to_string(),
                    format!(
                        "t can be read or written by other users (mode {mode:04o}), and its token \
                         gives out credentials; run: chmod 600 t"
                    )
                );
            }
        }
    }

    #[test]
    fn a_token_file_must_hold_one_plain_line() {
        let ok = |s: &str| Token::parse(s.as_bytes(), "f").map(|t| t.expose().to_string());
        assert_eq!(ok("abcdefghijklmnop\n").unwrap(), "abcdefghijklmnop");
        assert_eq!(ok("abcdefghijklmnop\r\n").unwrap(), "abcdefghijklmnop");
        for bad in [
            "short",
            "abcdefgh ijklmnop",
            "abcdefghijklmnop\n\n",
            "abcdefghijklmnöp",
        ] {
            assert_eq!(
                ok(bad).unwrap_err().to_string(),
                "f must hold one line of 16 to 1024 visible ASCII characters (no spaces); delete \
                 it and ssox writes a new token there",
                "{bad:?}"
            );
        }
        assert!(ok(&"x".repeat(1025)).is_err());
    }
}
