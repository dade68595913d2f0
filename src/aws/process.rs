//! A profile's `credential_process`, run as the Rust SDK runs it (aws-config's
//! `CredentialProcessProvider`: `sh -c COMMAND`, credential_process JSON on stdout), within the
//! command's time. Must not read config or caches, and must never put a secret in an error.

use std::time::Instant;

use anyhow::{anyhow, bail, Result};
use aws_config::credential_process::CredentialProcessProvider;
use aws_credential_types::provider::ProvideCredentials;

use super::errors::chain;
use super::sts::Keys;

/// Run `command` and read the keys it prints.
pub fn credentials(command: &str, deadline: Instant) -> Result<Keys> {
    let rt = super::runtime()?;
    let provider = CredentialProcessProvider::new(command.to_string());
    let deadline = tokio::time::Instant::from_std(deadline);
    let out = rt.block_on(async {
        tokio::time::timeout_at(deadline, provider.provide_credentials()).await
    });
    match out {
        Ok(Ok(c)) => Ok(Keys::new(
            c.access_key_id().to_string(),
            c.secret_access_key().to_string(),
            c.session_token().map(str::to_string),
        )),
        Ok(Err(e)) => Err(anyhow!("{}", one_line(&chain(&e)))),
        Err(_) => bail!(
            "it did not finish within {}",
            super::errors::seconds(super::timeouts().command)
        ),
    }
}

/// The SDK's message (which quotes the process's stderr) on one line: whitespace runs as one
/// space, control characters shown escaped (`ui::text::printable`), at most 300 characters.
fn one_line(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    crate::ui::text::printable(&words.join(" "))
        .chars()
        .take(300)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_fit_on_one_line() {
        assert_eq!(
            super::one_line("exited with 3. Stderr: no\n\x1b[31mkeys\n\n"),
            "exited with 3. Stderr: no \\e[31mkeys"
        );
        assert_eq!(super::one_line(&"x".repeat(400)).len(), 300);
    }
}
