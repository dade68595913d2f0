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

/// Whether a file is executable by someone.
pub fn is_executable(meta: &Metadata) -> bool {
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
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
