//! ssox's locks: one per session's token (one ssox at a time logs in to or refreshes a session;
//! another one waits, then re-checks the cached token, since whoever held the lock may just have
//! written a new one) and one per role-credential or assume-role cache file (one
//! GetRoleCredentials or AssumeRole for many processes at once). Lock files live in ssox's state
//! dir (`Settings::lock_dir`), never beside the AWS CLI's cache files, and are removed when
//! released. An interactive login notes in its lock file that it waits for a person (a browser
//! approval may take minutes): those waiting on it say so, and commands that cannot ask anyone
//! do not wait on the lock at all while their cached token is still valid (see `fresh`).

use std::io::{Read, Seek, SeekFrom, Write};
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

/// What an interactive login writes in its lock file while it waits for the user.
const PERSON: &[u8] = b"waiting for a person\n";

impl SessionLock {
    /// Whether another ssox held the lock first: then the cached token must be read again.
    pub fn waited(&self) -> bool {
        self.waited
    }

    /// Tell those who wait on this lock that its holder now waits for a person (a browser
    /// approval), not for the network. Best effort: a failure only makes waiters less informed.
    pub fn waiting_for_person(&self) {
        let mut file = self._lock.file();
        let noted = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(PERSON));
        if let Err(e) = noted {
            crate::verbose!("cannot note the login in its lock file: {e}");
        }
    }
}

/// Whether the holder of `login`'s lock noted that it waits for a person.
fn holder_waits_for_person(settings: &Settings, login: &LoginTarget) -> bool {
    let mut note = Vec::new();
    std::fs::File::open(token_lock_path(settings, login))
        .and_then(|f| f.take(64).read_to_end(&mut note))
        .is_ok_and(|_| note == PERSON)
}

/// Why the holder of `login`'s lock keeps it, for messages: `" (it waits for …)"` or nothing.
fn holder_reason(settings: &Settings, login: &LoginTarget) -> &'static str {
    if holder_waits_for_person(settings, login) {
        " (it waits for someone to approve it in a browser)"
    } else {
        ""
    }
}

/// Take the lock of `login`'s session, saying on stderr when another login holds it.
pub fn acquire(settings: &Settings, login: &LoginTarget) -> Result<SessionLock> {
    let mut waited = false;
    let lock = Lock::acquire(&token_lock_path(settings, login), || {
        waited = true;
        crate::ui::say(&format!(
            "waiting for another ssox login to {} to finish{}…",
            login.short_name(),
            holder_reason(settings, login)
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
        crate::verbose!(
            "waiting for another ssox using {}{}",
            login.short_name(),
            holder_reason(settings, login)
        );
    })?;
    match lock {
        Some(lock) => Ok(SessionLock {
            _lock: lock,
            waited,
        }),
        None if holder_waits_for_person(settings, login) => bail!(
            "another ssox login to {} waits for someone to approve it in a browser and did not \
             finish in time; approve (or cancel) that login, then try again",
            login.short_name()
        ),
        None => bail!(
            "another ssox is logging in to {} and did not finish in time; try again when it is done",
            login.short_name()
        ),
    }
}

/// Take the lock of `login`'s session if nobody holds it; `None` at once when somebody does.
pub fn try_acquire(settings: &Settings, login: &LoginTarget) -> Result<Option<SessionLock>> {
    let lock = Lock::acquire_until(&token_lock_path(settings, login), Instant::now(), || {})?;
    Ok(lock.map(|lock| SessionLock {
        _lock: lock,
        waited: false,
    }))
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

/// Take the lock of one `aws login` session's cache file (`file`, its name in the login cache),
/// waiting no later than `deadline`: one refresh for many processes.
pub fn login(settings: &Settings, file: &str, deadline: Instant) -> Result<Lock> {
    let name = file.trim_end_matches(".json");
    let lock = Lock::acquire_until(
        &settings.lock_dir().join(format!("login-{name}.lock")),
        deadline,
        || crate::verbose!("waiting for another ssox refreshing the same login session"),
    )?;
    match lock {
        Some(lock) => Ok(lock),
        None => bail!(
            "another ssox is refreshing the same login session and did not finish in time; try again"
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
