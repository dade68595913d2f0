//! The Windows side of [`crate::platform`]: `%USERPROFILE%`, file identity for locks
//! (`GetFileInformationByHandle`), reparse points instead of `O_NOFOLLOW`, `NUL` for a detached
//! stdout; the console control handler (`child`, `stop`) and console modes (`tty`) in their
//! own files. Windows has no file modes: files ssox writes under `%USERPROFILE%` get that
//! folder's ACL, which only the user (and administrators) can read.

pub mod child;
pub mod stop;
pub mod tty;

use std::fs::{DirBuilder, File, FileType, Metadata, OpenOptions};
use std::io;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::{AsRawHandle, IntoRawHandle};
use std::path::{Path, PathBuf};

use windows_sys::Win32::Foundation::CloseHandle;
use windows_sys::Win32::Storage::FileSystem::{
    GetFileInformationByHandle, BY_HANDLE_FILE_INFORMATION, FILE_FLAG_BACKUP_SEMANTICS,
    FILE_FLAG_OPEN_REPARSE_POINT,
};
use windows_sys::Win32::System::Console::{GetStdHandle, SetStdHandle, STD_OUTPUT_HANDLE};
use windows_sys::Win32::System::Threading::CREATE_NEW_PROCESS_GROUP;

/// The shell `ssox exec` starts when `$SHELL` is unset.
pub const DEFAULT_SHELL: &str = "powershell.exe";

/// Windows has no FIFOs, sockets or devices among files ssox opens by name.
pub fn special_kind(_t: &FileType) -> Option<&'static str> {
    None
}

/// Opening a file never blocks on Windows; a directory opens too (so that it is reported as one,
/// not as "access denied").
pub fn open_nonblocking(options: &mut OpenOptions) {
    options.custom_flags(FILE_FLAG_BACKUP_SEMANTICS);
}

/// A new folder inherits the ACL of its parent (the user's profile).
pub fn private_dir(_builder: &mut DirBuilder) {}

/// No modes on Windows (see the module's first lines).
pub fn set_mode(_file: &File, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// A lock file is opened as itself when it is a symlink (a reparse point), never its target.
pub fn lock_file_options(options: &mut OpenOptions) {
    options.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
}

/// The volume and file index of an open file.
fn file_index(file: &File) -> Option<(u32, u32, u32)> {
    // SAFETY: all-zero is a valid BY_HANDLE_FILE_INFORMATION, filled in by the call from a
    // handle that stays open for its duration.
    unsafe {
        let mut info: BY_HANDLE_FILE_INFORMATION = std::mem::zeroed();
        (GetFileInformationByHandle(file.as_raw_handle(), &mut info) != 0).then_some((
            info.dwVolumeSerialNumber,
            info.nFileIndexHigh,
            info.nFileIndexLow,
        ))
    }
}

/// Whether `path` still names the open `file` (same volume and file index).
pub fn same_file(file: &File, path: &Path) -> bool {
    let other = OpenOptions::new()
        .access_mode(0)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS)
        .open(path);
    match (file_index(file), other.ok().as_ref().and_then(file_index)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// No modes on Windows.
pub fn mode(_meta: &Metadata) -> Option<u32> {
    None
}

/// Windows files have ACLs, not a uid and gid.
pub fn owner(_meta: &Metadata) -> Option<(u32, u32)> {
    None
}

/// Never called: [`owner`] is always `None`.
pub fn set_owner(_file: &File, _uid: u32, _gid: u32) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// No uid on Windows.
pub fn current_uid() -> Option<u32> {
    None
}

/// Hard links are rare on Windows and `Metadata` does not count them: one.
pub fn links(_meta: &Metadata) -> u64 {
    1
}

/// `Metadata` has no file index on stable Rust: which file it is is told by its creation time
/// (kept by a rename; a file made anew has its own, unless NTFS "tunnelling" gives a name
/// re-created within seconds the old one's), and changes by size and modification time.
pub fn identity(meta: &Metadata) -> (u64, u64, (i64, i64)) {
    let created = meta
        .created()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    (0, created, (0, 0))
}

/// No leases on Windows: ssox cannot tell whether a file is open for writing.
pub fn lease_take(_file: &File) -> io::Result<bool> {
    Err(io::ErrorKind::Unsupported.into())
}

pub fn lease_held(_file: &File) -> io::Result<bool> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Any file can be started on Windows (what runs is decided by its extension).
pub fn is_executable(meta: &Metadata) -> bool {
    meta.is_file()
}

/// A child in a process group of its own: Ctrl-C in the console does not reach it.
pub fn own_process_group(command: &mut std::process::Command) {
    use std::os::windows::process::CommandExt;
    command.creation_flags(CREATE_NEW_PROCESS_GROUP);
}

/// The home directory as the AWS CLI (Python's `expanduser`) finds it: `%USERPROFILE%`, else
/// the profile folder Windows knows.
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("USERPROFILE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(dirs::home_dir)
}

/// Point stdout at `NUL` and close the handle it had, so that whoever reads it sees its end
/// while ssox keeps running.
pub fn detach_stdout() -> io::Result<()> {
    let null = OpenOptions::new().write(true).open("NUL")?;
    // SAFETY: the standard handle is swapped for one ssox owns from now on (never closed), and
    // the previous one, no longer reachable through GetStdHandle, is closed once.
    unsafe {
        let old = GetStdHandle(STD_OUTPUT_HANDLE);
        let new = null.into_raw_handle();
        if SetStdHandle(STD_OUTPUT_HANDLE, new) == 0 {
            let e = io::Error::last_os_error();
            CloseHandle(new);
            return Err(e);
        }
        if !old.is_null() && old as isize != -1 {
            CloseHandle(old);
        }
    }
    Ok(())
}

#[cfg(test)]
pub mod testing {
    use std::path::Path;

    pub fn symlink(target: &Path, link: &Path) {
        std::os::windows::fs::symlink_file(target, link).unwrap();
    }

    /// Time since the first call: Windows tests measure wall time.
    pub fn thread_cpu_time() -> std::time::Duration {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed()
    }
}
