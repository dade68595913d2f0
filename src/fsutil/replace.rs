//! A file other programs write too (the AWS config): a read that waits while another process
//! is writing it (`read_settled`), and a replacement (`replace_checked`) that keeps the file's
//! owner and mode and, after its temp file is written and fsynced and right before the rename,
//! checks that the file is still the one read, holds the same bytes, and that nobody has it
//! open for writing. docs/config-writes.md says what this protects against and its limits.
//! Knows nothing about AWS, the config's syntax or the terminal.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{anyhow, bail, Context, Result};

use super::{
    ensure_private_dir, lease, open_regular, parent_dir, read_open, remove_stale_temps,
    temp_file_in, LeaseOp, ReadError,
};

/// How long a read waits for another program to finish writing the file.
pub const SETTLE_WAIT: Duration = Duration::from_secs(3);
/// How often it looks again meanwhile.
const POLL: Duration = Duration::from_millis(50);
/// Where leases cannot tell: a file modified less than this long ago may be mid-write, so it
/// must stay unchanged this long first.
const QUIET: Duration = Duration::from_millis(200);

/// Which file it is and its last change, as `stat` tells: any write or replacement changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: Option<SystemTime>,
    /// Unix ctime (seconds, nanoseconds): also changes when mtime is set back.
    changed: (i64, i64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        let (dev, ino, changed) = crate::platform::identity(meta);
        Stamp {
            dev,
            ino,
            len: meta.len(),
            modified: meta.modified().ok(),
            changed,
        }
    }

    fn same_file(&self, other: &Stamp) -> bool {
        (self.dev, self.ino) == (other.dev, other.ino)
    }
}

/// A file's bytes, read while no other process was writing it, and its stamp then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub bytes: Vec<u8>,
    pub stamp: Stamp,
}

/// Why a read did not settle this time.
enum Busy {
    /// Another process has the file open for writing (Linux leases).
    Writing,
    /// It changed (size, mtime, ctime or inode) around the read.
    Changing,
}

/// Read `path` (as [`super::read_limited`]) once no other process is writing it: on Linux, while
/// no process has it open for writing (a read lease is held across the read; a writer that
/// opens it meanwhile makes the read start again); elsewhere (or where leases are refused) once
/// it has not changed for [`QUIET`]; and in both cases unchanged from before to after the
/// read. `on_wait` is called once when it has to wait; after [`SETTLE_WAIT`] it gives up with an
/// error saying so. `Ok(None)` when the file does not exist.
pub fn read_settled(
    path: &Path,
    limit: u64,
    shown: &str,
    on_wait: impl FnOnce(),
) -> Result<Option<Settled>> {
    let deadline = Instant::now() + SETTLE_WAIT;
    let mut on_wait = Some(on_wait);
    loop {
        let busy = match try_read(path, limit, shown) {
            Ok(Ok(settled)) => return Ok(Some(settled)),
            Ok(Err(busy)) => busy,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if Instant::now() >= deadline {
            let secs = SETTLE_WAIT.as_secs();
            bail!(match busy {
                Busy::Writing => format!(
                    "another program kept {shown} open for writing for {secs} s; nothing was \
                     written: run the command again once it has finished"
                ),
                Busy::Changing => format!(
                    "{shown} kept changing for {secs} s (another program is writing it); \
                     nothing was written: run the command again once it has finished"
                ),
            });
        }
        if let Some(f) = on_wait.take() {
            f();
        }
        std::thread::sleep(POLL);
    }
}

/// One try of [`read_settled`].
fn try_read(path: &Path, limit: u64, shown: &str) -> Result<Result<Settled, Busy>, ReadError> {
    let (file, meta) = open_regular(path, limit, shown)?;
    let before = Stamp::of(&meta);
    let leased = match lease(&file, LeaseOp::Take) {
        Ok(true) => true,
        Ok(false) => return Ok(Err(Busy::Writing)),
        Err(_) if quiet(path, &before) => false,
        Err(_) => return Ok(Err(Busy::Changing)),
    };
    let bytes = read_open(&file, &meta, limit, shown)?;
    let after = file.metadata().map(|m| Stamp::of(&m)).ok();
    if leased && !lease(&file, LeaseOp::Held).unwrap_or(false) {
        return Ok(Err(Busy::Writing));
    }
    // Dropping the file gives the lease up.
    drop(file);
    let at_path = std::fs::metadata(path).map(|m| Stamp::of(&m)).ok();
    if after != Some(before) || at_path != Some(before) {
        return Ok(Err(Busy::Changing));
    }
    Ok(Ok(Settled {
        bytes,
        stamp: before,
    }))
}

/// Whether the file at `path`, last seen as `seen`, is quiet: modified at least [`QUIET`] ago,
/// or unchanged across [`QUIET`] (a clock that disagrees with the file's cannot stall it).
fn quiet(path: &Path, seen: &Stamp) -> bool {
    let age = seen
        .modified
        .and_then(|m| SystemTime::now().duration_since(m).ok());
    if age.is_some_and(|a| a >= QUIET) {
        return true;
    }
    std::thread::sleep(QUIET);
    std::fs::metadata(path).is_ok_and(|m| Stamp::of(&m) == *seen)
}

/// What a replacement keeps of the file it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    pub mode: u32,
    /// (uid, gid) on Unix: the new file is given them when they are not the writer's (which
    /// only root may do; otherwise nothing is written and the error says why).
    pub owner: Option<(u32, u32)>,
}

/// Replace `path` (a file, not a symlink) with `bytes`: a temp file beside it (owner and mode
/// from `keep`), written and fsynced; then, right before the rename, `path` must still be the
/// file `read` was read from, with the same bytes, and (Linux) no process may have it open for
/// writing; `read` is `None` when the file did not exist, and then it still must not. Otherwise
/// nothing is written and the error says so. A process that opens the old file for writing
/// between that check and the rename waits on the lease held meanwhile, and is reported: its
/// write goes to the replaced file. The directory is fsynced after the rename.
pub fn replace_checked(
    path: &Path,
    bytes: &[u8],
    keep: &Keep,
    read: Option<&Settled>,
    limit: u64,
    shown: &str,
) -> Result<()> {
    let dir = parent_dir(path)?;
    ensure_private_dir(dir)?;
    let mut tmp = temp_file_in(dir, keep.mode, keep.owner, shown)?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {shown}"))?;
    let held = unchanged(path, read, limit, shown)?;
    tmp.persist(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::ResourceBusy {
            anyhow!(
                "cannot replace {shown}: it is a mount point (a bind mount, as containers use), \
                 which a rename cannot replace; nothing was written: edit the file it is \
                 mounted from, or mount its directory instead"
            )
        } else {
            anyhow!("cannot replace {shown}: {}; nothing was written", e.error)
        }
    })?;
    let broken = held.is_some_and(|f| !lease(&f, LeaseOp::Held).unwrap_or(true));
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    remove_stale_temps(dir, SystemTime::now());
    if broken {
        bail!(
            "{shown} was replaced, but another program opened the old file for writing at the \
             same moment: what that program writes now goes to the replaced file and is lost; \
             check {shown} and make that program's change again"
        );
    }
    Ok(())
}

/// The check right before the rename: `Ok(Some(file))` holds a read lease on the file until
/// dropped (`None` when it did not exist, or where leases are refused).
fn unchanged(path: &Path, read: Option<&Settled>, limit: u64, shown: &str) -> Result<Option<File>> {
    let changed = || {
        anyhow!(
            "{shown} changed while ssox was working on it (another program wrote it); nothing \
             was written: run the command again"
        )
    };
    let opened = match open_regular(path, limit, shown) {
        Ok(opened) => Some(opened),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e.into()),
    };
    let ((file, meta), read) = match (opened, read) {
        (None, None) => return Ok(None),
        (Some(opened), Some(read)) => (opened, read),
        _ => return Err(changed()),
    };
    if !Stamp::of(&meta).same_file(&read.stamp) {
        return Err(changed());
    }
    let leased = match lease(&file, LeaseOp::Take) {
        Ok(true) => true,
        Ok(false) => bail!(
            "another program is writing {shown} (it has the file open for writing); nothing \
             was written: run the command again once it has finished"
        ),
        Err(_) => false,
    };
    if read_open(&file, &meta, limit, shown)? != read.bytes {
        return Err(changed());
    }
    Ok(leased.then_some(file))
}
