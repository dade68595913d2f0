//! The per-session login lock: one ssox at a time logs in to a session; another one waits, then
//! re-checks the cached token (whoever held the lock may just have logged in). Lock files live
//! in ssox's state dir (`Settings::lock_dir`), never beside the AWS CLI's cache files.

use anyhow::Result;

use crate::cache;
use crate::config::LoginTarget;
use crate::fsutil::Lock;
use crate::settings::Settings;

/// The lock on one session's login, held until dropped.
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
    let path = settings
        .lock_dir()
        .join(format!("token-{}.lock", lock_name(&login.cache_key)));
    let lock = Lock::acquire(&path, || {
        waited = true;
        eprintln!(
            "waiting for another ssox login to {} to finish…",
            login.short_name()
        );
    })?;
    Ok(SessionLock {
        _lock: lock,
        waited,
    })
}

/// The lock file's name for a session: the token file's name without `.json`.
fn lock_name(cache_key: &str) -> String {
    cache::cache_file_name(cache_key)
        .trim_end_matches(".json")
        .to_string()
}
