//! ssox's locks: one per session's token (one ssox at a time logs in to or refreshes a session;
//! another one waits, then re-checks the cached token, since whoever held the lock may just have
//! written a new one) and one per role-credential or assume-role cache file (one
//! GetRoleCredentials or AssumeRole for many processes at once). Lock files live in ssox's state
//! dir (`Settings::lock_dir`), never beside the AWS CLI's cache files, and are removed when
//! released.

use std::time::Instant;

use anyhow::{bail, Result};

use crate::cache;
use crate::config::LoginTarget;
use crate::fsutil::Lock;
use crate::settings::Settings;

/// The lock on one session's token, held until dropped.
pub struct SessionLock {
    _lock: Lock,
    waited: bool,
}

impl SessionLock {
    /// Whether another ssox held the lock first: then the cached token must be read again.
    pub fn waited(&self) -> bool {
        self.waited
    }
}

/// Take the lock of `login`'s session, saying on stderr when another login holds it.
pub fn acquire(settings: &Settings, login: &LoginTarget) -> Result<SessionLock> {
    let mut waited = false;
    let lock = Lock::acquire(&token_lock_path(settings, login), || {
        waited = true;
        crate::ui::say(&format!(
            "waiting for another ssox login to {} to finish…",
            login.short_name()
        ));
    })?;
    Ok(SessionLock {
        _lock: lock,
        waited,
    })
}

/// Take the lock of `login`'s session for a command that must not wait past `deadline` (a
/// `credential_process`): quietly, and an error when another ssox holds it that long.
pub fn acquire_until(
    settings: &Settings,
    login: &LoginTarget,
    deadline: Instant,
) -> Result<SessionLock> {
    let mut waited = false;
    let lock = Lock::acquire_until(&token_lock_path(settings, login), deadline, || {
        waited = true;
        crate::verbose!("waiting for another ssox using {}", login.short_name());
    })?;
    match lock {
        Some(lock) => Ok(SessionLock {
            _lock: lock,
            waited,
        }),
        None => bail!(
            "another ssox is logging in to {} and did not finish in time; try again when it is done",
            login.short_name()
        ),
    }
}

/// Take the lock of one role-credential or assume-role cache file (named `file` in
/// `~/.aws/cli/cache`), waiting no later than `deadline`.
pub fn role(settings: &Settings, file: &str, deadline: Instant) -> Result<Lock> {
    let name = file.trim_end_matches(".json");
    let lock = Lock::acquire_until(
        &settings.lock_dir().join(format!("role-{name}.lock")),
        deadline,
        || crate::verbose!("waiting for another ssox fetching the same role credentials"),
    )?;
    match lock {
        Some(lock) => Ok(lock),
        None => bail!(
            "another ssox is fetching the same role credentials and did not finish in time; try again"
        ),
    }
}

fn token_lock_path(settings: &Settings, login: &LoginTarget) -> std::path::PathBuf {
    settings
        .lock_dir()
        .join(format!("token-{}.lock", lock_name(&login.cache_key)))
}

/// The lock file's name for a session: the token file's name without `.json`.
fn lock_name(cache_key: &str) -> String {
    cache::cache_file_name(cache_key)
        .trim_end_matches(".json")
        .to_string()
}
