//! The Unix side of [`crate::platform`]: modes, FIFOs and `O_NONBLOCK`, `O_NOFOLLOW`, inodes,
//! `$HOME`, `dup2` of stdout; signals (`child`, `stop`) and termios (`tty`) in their own files.

pub mod child;
pub mod stop;
pub mod tty;

use std::fs::{DirBuilder, File, FileType, Metadata, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The shell `ssox exec` starts when `$SHELL` is unset.
pub const DEFAULT_SHELL: &str = "/bin/sh";

/// What a file that is neither a regular file nor a directory is, in words.
pub fn special_kind(t: &FileType) -> Option<&'static str> {
    if t.is_fifo() {
        Some("a FIFO")
    } else if t.is_socket() {
        Some("a socket")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else {
        None
    }
}

/// An open that never blocks (a FIFO without a writer would).
pub fn open_nonblocking(options: &mut OpenOptions) {
    options.custom_flags(libc::O_NONBLOCK);
}

/// Directories only their owner can enter (0700).
pub fn private_dir(builder: &mut DirBuilder) {
    builder.mode(0o700);
}

/// Set an open file's permission bits.
pub fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

/// A lock file: created 0600, never through a symlink.
pub fn lock_file_options(options: &mut OpenOptions) {
    options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
}

/// Whether `path` still names the open `file` (same device and inode).
pub fn same_file(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// The permission bits (with setuid, setgid and sticky) of a file.
pub fn mode(meta: &Metadata) -> Option<u32> {
    Some(meta.permissions().mode() & 0o7777)
}

/// The owner (uid, gid) of a file.
pub fn owner(meta: &Metadata) -> Option<(u32, u32)> {
    Some((meta.uid(), meta.gid()))
}

/// Give an open file an owner (uid, gid).
pub fn set_owner(file: &File, uid: u32, gid: u32) -> io::Result<()> {
    std::os::unix::fs::fchown(file, Some(uid), Some(gid))
}

/// The user ssox runs as.
pub fn current_uid() -> Option<u32> {
    Some(rustix::process::getuid().as_raw())
}

/// How many names (hard links) a file has.
pub fn links(meta: &Metadata) -> u64 {
    meta.nlink()
}

/// Which file it is and its last change, as `stat` tells: (device, inode, ctime seconds and
/// nanoseconds).
pub fn identity(meta: &Metadata) -> (u64, u64, (i64, i64)) {
    (meta.dev(), meta.ino(), (meta.ctime(), meta.ctime_nsec()))
}

/// A Linux read lease (`F_SETLEASE`) on `file`, open read-only: `Ok(false)` when another
/// process has the file open for writing. Its break is signalled with SIGURG, ignored by
/// default, rather than SIGIO, which would kill ssox.
#[cfg(target_os = "linux")]
pub fn lease_take(file: &File) -> io::Result<bool> {
    // F_SETSIG (asm-generic/fcntl.h; not in the libc crate).
    const F_SETSIG: libc::c_int = 10;
    fcntl(file, F_SETSIG, libc::SIGURG)?;
    match fcntl(file, libc::F_SETLEASE, libc::F_RDLCK) {
        Ok(_) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::EAGAIN) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether the lease is still held: `Ok(false)` once a process opened the file for writing
/// (while a writer breaks it, F_GETLEASE gives what it is broken to, F_UNLCK).
#[cfg(target_os = "linux")]
pub fn lease_held(file: &File) -> io::Result<bool> {
    Ok(fcntl(file, libc::F_GETLEASE, 0)? == libc::F_RDLCK)
}

#[cfg(target_os = "linux")]
fn fcntl(file: &File, cmd: libc::c_int, arg: libc::c_int) -> io::Result<libc::c_int> {
    // SAFETY: fcntl on a descriptor this `File` owns, with integer arguments only.
    let r = unsafe { libc::fcntl(file.as_raw_fd(), cmd, arg) };
    if r == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// Other Unix systems have no leases: ssox cannot tell whether a file is open for writing.
#[cfg(not(target_os = "linux"))]
pub fn lease_take(_file: &File) -> io::Result<bool> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(not(target_os = "linux"))]
pub fn lease_held(_file: &File) -> io::Result<bool> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Whether a file is executable by someone.
pub fn is_executable(meta: &Metadata) -> bool {
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
}

/// A child in a process group of its own: Ctrl-C in the terminal does not reach it.
pub fn own_process_group(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

/// The home directory as the AWS CLI finds it (`$HOME`, else the password database).
pub fn home_dir() -> Option<PathBuf> {
    dirs::home_dir()
}

/// Point stdout at `/dev/null`, so that whoever reads it sees its end while ssox keeps running.
pub fn detach_stdout() -> io::Result<()> {
    let null = OpenOptions::new().write(true).open("/dev/null")?;
    // SAFETY: dup2 replaces descriptor 1 with a duplicate of an open descriptor in one step;
    // `null` itself is closed when dropped.
    if unsafe { libc::dup2(null.as_raw_fd(), libc::STDOUT_FILENO) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
pub mod testing {
    use std::path::Path;

    /// Make a FIFO at `path`.
    pub fn make_fifo(path: &Path) {
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    pub fn symlink(target: &Path, link: &Path) {
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    /// The permission bits of the file at `path`.
    pub fn mode_at(path: &Path) -> u32 {
        super::mode(&std::fs::metadata(path).unwrap()).unwrap() & 0o777
    }

    pub fn set_mode_at(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// CPU time of the calling thread.
    pub fn thread_cpu_time() -> std::time::Duration {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes one timespec.
        assert_eq!(
            unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) },
            0
        );
        std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    }
}
