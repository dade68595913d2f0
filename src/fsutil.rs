//! Small filesystem helpers every writer and reader of ssox uses: bounded reads of regular files
//! (never a FIFO, a device or an endless file), atomic private writes (temp file in the same
//! directory, fsync, rename, 0600), private directories (0700), stale temp-file cleanup, and
//! exclusive lock files that never follow a symlink and are removed when released; and, for a
//! file other programs write too (`replace`), reads that wait for a writer to finish and
//! replacements that keep the owner and check, right before the rename, that nobody wrote it.
//! Knows nothing about AWS, JSON or the terminal.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};

use crate::platform;

mod replace;
pub use replace::{read_settled, replace_checked, Keep, Settled, Stamp};

/// The largest config or credentials file ssox reads.
pub const MAX_CONFIG_BYTES: u64 = 64 << 20;
/// The largest cache file (token, registration, role credentials, history) ssox reads.
pub const MAX_CACHE_BYTES: u64 = 1 << 20;

/// Prefix and suffix of every temp file ssox writes, so that stale ones can be recognised.
const TEMP_PREFIX: &str = ".ssox-";
const TEMP_SUFFIX: &str = ".tmp";
/// A temp file of ours older than this was left by a process that died before its rename.
const STALE_TEMP_AGE: Duration = Duration::from_secs(60);

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path} does not exist")]
    NotFound { path: String },
    #[error("{path} is not a regular file ({kind}); point it at a file")]
    NotRegular { path: String, kind: &'static str },
    #[error("{path} is larger than {limit} MiB; ssox refuses to read it")]
    TooLarge { path: String, limit: u64 },
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::NotFound { .. })
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if let Some(kind) = platform::special_kind(&t) {
        return kind;
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Read a regular file (symlinks followed) of at most `limit` bytes. The open never blocks (a
/// FIFO is refused, not waited on) and no more than `limit + 1` bytes are ever read, so
/// `/dev/zero` or a file that grows while read cannot exhaust memory. `shown` names the file in
/// messages.
pub fn read_limited(path: &Path, limit: u64, shown: &str) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path, limit, shown)?;
    read_open(&file, &meta, limit, shown)
}

/// Open a regular file (symlinks followed) of at most `limit` bytes for reading, without
/// blocking; with its metadata.
fn open_regular(
    path: &Path,
    limit: u64,
    shown: &str,
) -> Result<(File, std::fs::Metadata), ReadError> {
    let io = |source: std::io::Error| ReadError::Io {
        path: shown.to_string(),
        source,
    };
    let mut options = OpenOptions::new();
    options.read(true);
    platform::open_nonblocking(&mut options);
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReadError::NotFound {
                path: shown.to_string(),
            })
        }
        Err(e) => return Err(io(e)),
    };
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: shown.to_string(),
            kind: kind_of(&meta),
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            path: shown.to_string(),
            limit: limit >> 20,
        });
    }
    Ok((file, meta))
}

/// Read what [`open_regular`] opened: at most `limit` bytes (more is an error).
fn read_open(
    file: &File,
    meta: &std::fs::Metadata,
    limit: u64,
    shown: &str,
) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io {
            path: shown.to_string(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: shown.to_string(),
            limit: limit >> 20,
        });
    }
    Ok(bytes)
}

/// A small cache file as text: `None` when missing; an error (to warn about) when it is not a
/// regular file, too large, unreadable or not UTF-8.
pub fn read_cache_text(path: &Path) -> Result<Option<String>, ReadError> {
    let shown = path.display().to_string();
    match read_limited(path, MAX_CACHE_BYTES, &shown) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| ReadError::Io {
                path: shown,
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
            }),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Create `dir` and its missing parents with mode 0700 (existing ones are left as they are).
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    platform::private_dir(&mut builder);
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// Replace `path` with `bytes` atomically: a 0600 temp file in the same directory, synced, then
/// renamed over it. The directory is created (0700) when missing. A failure leaves the old file.
/// Stale temp files of ssox's own naming in the directory are removed afterwards.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, bytes, 0o600)
}

/// [`write_private`] with the given mode for the new file (e.g. to keep a config file's mode).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = parent_dir(path)?;
    ensure_private_dir(dir)?;
    let mut tmp = temp_file_in(dir, mode, None, &path.display().to_string())?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    remove_stale_temps(dir, SystemTime::now());
    Ok(())
}

/// The directory a file is replaced in.
fn parent_dir(path: &Path) -> Result<&Path> {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => Ok(d),
        Some(_) => Ok(Path::new(".")),
        None => bail!("{} has no parent directory", path.display()),
    }
}

/// A temp file of ssox's naming in `dir`, given `owner` (uid, gid; Unix) when it is not already
/// the creator's, then `mode` (after the owner, which clears set-id bits). `shown` names the
/// file it will replace.
fn temp_file_in(
    dir: &Path,
    mode: u32,
    owner: Option<(u32, u32)>,
    shown: &str,
) -> Result<tempfile::NamedTempFile> {
    let tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    if let Some((uid, gid)) = owner {
        let meta = (tmp.as_file().metadata())
            .with_context(|| format!("cannot read a file in {}", dir.display()))?;
        if platform::owner(&meta) != Some((uid, gid)) {
            platform::set_owner(tmp.as_file(), uid, gid).with_context(|| {
                format!(
                    "{shown} belongs to user {uid} (group {gid}), and ssox cannot give the new \
                     file that owner; nothing was written: run ssox as that user"
                )
            })?;
        }
    }
    platform::set_mode(tmp.as_file(), mode)
        .with_context(|| format!("cannot set the mode of a file in {}", dir.display()))?;
    Ok(tmp)
}

/// Remove temp files of ssox's own naming (`.ssox-*.tmp`) older than a minute from `dir`: what a
/// process killed between write and rename leaves behind. Best effort; errors are ignored.
pub fn remove_stale_temps(dir: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if old && meta.is_file() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Delete a file; a missing file is fine. `Ok(true)` when something was deleted.
pub fn remove_file(path: &Path) -> Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot delete {}", path.display())),
    }
}

/// An exclusive lock on a lock file, held until dropped. The file is opened without following a
/// symlink and removed when the lock is released; a process that was waiting on a file that has
/// since been removed (or replaced) notices and locks the new one, so removal is race-free.
pub struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    /// Take the lock at `path` (parents created 0700), calling `on_wait` once if another process
    /// holds it, then blocking until it is released.
    pub fn acquire(path: &Path, on_wait: impl FnOnce()) -> Result<Lock> {
        Lock::take(path, None, on_wait)?.with_context(|| format!("cannot lock {}", path.display()))
    }

    /// [`Lock::acquire`] that waits no later than `deadline`: `Ok(None)` when the lock is still
    /// held then. `on_wait` is called once if the lock is held when first tried.
    pub fn acquire_until(
        path: &Path,
        deadline: std::time::Instant,
        on_wait: impl FnOnce(),
    ) -> Result<Option<Lock>> {
        Lock::take(path, Some(deadline), on_wait)
    }

    /// The locked file, for a note to those waiting on it (see `session::lock`).
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Without a deadline, block on the lock (never `Ok(None)`); with one, try until then.
    fn take(
        path: &Path,
        deadline: Option<std::time::Instant>,
        on_wait: impl FnOnce(),
    ) -> Result<Option<Lock>> {
        if let Some(dir) = path.parent() {
            ensure_private_dir(dir)?;
        }
        let mut on_wait = Some(on_wait);
        loop {
            let file = open_lock_file(path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    if let Some(f) = on_wait.take() {
                        f();
                    }
                    match deadline {
                        None => file
                            .lock()
                            .with_context(|| format!("cannot lock {}", path.display()))?,
                        Some(d) if std::time::Instant::now() >= d => return Ok(None),
                        Some(_) => {
                            drop(file);
                            std::thread::sleep(LOCK_POLL);
                            continue;
                        }
                    }
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
            if still_at(&file, path) {
                return Ok(Some(Lock {
                    file,
                    path: path.to_path_buf(),
                }));
            }
            // The holder removed (or replaced) the file while we waited: lock the current one.
        }
    }
}

/// How often [`Lock::acquire_until`] tries again.
const LOCK_POLL: Duration = Duration::from_millis(20);

impl Drop for Lock {
    fn drop(&mut self) {
        // Remove while still holding the lock; waiters on this file then retry on a new one.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

fn open_lock_file(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    platform::lock_file_options(&mut options);
    options.open(path).with_context(|| {
        format!(
            "cannot open the lock file {} (is it a symlink?)",
            path.display()
        )
    })
}

/// Whether `path` still names the open `file`.
fn still_at(file: &File, path: &Path) -> bool {
    platform::same_file(file, path)
}

/// What [`lease`] is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeaseOp {
    /// Take a read lease: `Ok(false)` when another process has the file open for writing.
    Take,
    /// Whether the lease is still held: `Ok(false)` once a process opened the file for writing.
    /// (Closing the file gives it up.)
    Held,
}

/// The one OS-specific call of the write protocol (docs/config-writes.md): a Linux read lease
/// (`F_SETLEASE`, `platform`) on `file`, which must be open read-only. Taking one fails while
/// any process has the file open for writing; a process that opens it for writing while it is
/// held waits (at most `/proc/sys/fs/lease-break-time`, until it is released) and breaks it. An
/// error (another user's file without CAP_LEASE, a filesystem without leases, a system without
/// them) means "cannot tell".
pub(crate) fn lease(file: &File, op: LeaseOp) -> std::io::Result<bool> {
    match op {
        LeaseOp::Take => platform::lease_take(file),
        LeaseOp::Held => platform::lease_held(file),
    }
}

#[cfg(test)]
mod tests;
