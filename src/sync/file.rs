//! The config file as `configure` and `sync` rewrite it: taken under ssox's lock (so that two of
//! them never lose each other's work), read as its exact bytes (not the lossy text
//! `config::load` gives) once no other program is writing it, and written back (callers write
//! only a changed text) only while the file still holds what was read, checked right before the
//! rename (`fsutil::replace_checked`; docs/config-writes.md): atomically, through a symlink to
//! its target (dotfiles repositories link `~/.aws/config`), keeping the file's mode and owner; a
//! read-only file is refused; a file with other hard links is replaced, with a warning; a new
//! file is 0600 in a 0700 `~/.aws`.
//! Reads the credentials file for profile names; never writes it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::config::edit::utf8;
use crate::config::Config;
use crate::fsutil::{self, read_limited, Keep, Lock, Settled, MAX_CONFIG_BYTES};
use crate::settings::Settings;
use crate::ui::warn;

/// The mode of a config file ssox creates.
const NEW_FILE_MODE: u32 = 0o600;

/// The config file, read (and, for a write, locked).
pub struct ConfigFile {
    path: PathBuf,
    /// As messages show it (`~/.aws/config`).
    pub shown: String,
    /// Its bytes as read, `None` when the file does not exist.
    read: Option<Settled>,
    credentials: Option<String>,
    credentials_shown: String,
    _lock: Option<Lock>,
}

impl ConfigFile {
    /// Take ssox's config lock (waiting for another ssox that holds it), then read the file.
    /// The lock is held until this is dropped.
    pub fn lock(settings: &Settings) -> Result<ConfigFile> {
        let shown = settings.display_path(&settings.config_file);
        let lock = Lock::acquire(&settings.lock_dir().join("config.lock"), || {
            crate::verbose!("waiting for another ssox to finish writing {shown}");
        })?;
        let mut file = ConfigFile::read(settings)?;
        file._lock = Some(lock);
        Ok(file)
    }

    /// Read the file without the lock (for `--dry-run`, which writes nothing). While another
    /// program is writing it, wait (saying so) until it has finished, a few seconds at most.
    pub fn read(settings: &Settings) -> Result<ConfigFile> {
        let shown = settings.display_path(&settings.config_file);
        let credentials_shown = settings.display_path(&settings.credentials_file);
        let credentials = read_optional(&settings.credentials_file, &credentials_shown)?
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        let read = fsutil::read_settled(&settings.config_file, MAX_CONFIG_BYTES, &shown, || {
            warn(&format!(
                "waiting for another program to finish writing {shown}"
            ))
        })?;
        Ok(ConfigFile {
            read,
            path: settings.config_file.clone(),
            shown,
            credentials,
            credentials_shown,
            _lock: None,
        })
    }

    pub fn exists(&self) -> bool {
        self.read.is_some()
    }

    /// The file's text, exactly (empty when it does not exist); not UTF-8 is an error naming the
    /// line.
    pub fn text(&self) -> Result<&str> {
        Ok(utf8(
            self.read.as_ref().map_or(&[][..], |r| &r.bytes),
            &self.shown,
        )?)
    }

    /// The text parsed with the credentials file, as every command sees the profiles.
    pub fn config(&self) -> Result<Config> {
        Ok(Config::parse(
            self.text()?,
            self.credentials.as_deref(),
            self.shown.clone(),
            self.credentials_shown.clone(),
        ))
    }

    /// Replace the file's text with `text`, unless someone else changed the file since it was
    /// read (checked right before the rename): then nothing is written and the error says to run
    /// again. A read-only file is refused; the owner and mode are kept.
    /// A file with other hard links is replaced all the same, and the warning says that the other
    /// names keep the old text.
    pub fn write(&self, text: &str) -> Result<()> {
        let target = self.target()?;
        let keep = self.keep(&target)?;
        let links = std::fs::metadata(&target).map_or(1, |m| links_of(&m));
        fsutil::replace_checked(
            &target,
            text.as_bytes(),
            &keep,
            self.read.as_ref(),
            MAX_CONFIG_BYTES,
            &self.shown,
        )?;
        if links > 1 {
            let others = links - 1;
            warn(&format!(
                "{} had {others} other hard link{}: the edit replaced the file, so {} the old \
                 text; to share a config, link it with a symlink instead (ln -sf)",
                self.shown,
                if others == 1 { "" } else { "s" },
                if others == 1 {
                    "that name keeps"
                } else {
                    "those names keep"
                }
            ));
        }
        Ok(())
    }

    /// Refuse, before any other work, a file that [`ConfigFile::write`] would refuse for its
    /// permissions.
    pub fn check_writable(&self) -> Result<()> {
        self.keep(&self.target()?).map(|_| ())
    }

    /// What the new file keeps of `target`; an error for a read-only file (no write permission
    /// for its owner: `chmod 444` or `u-w`), which ssox does not replace.
    fn keep(&self, target: &Path) -> Result<Keep> {
        let meta = match std::fs::metadata(target) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Keep {
                    mode: NEW_FILE_MODE,
                    owner: None,
                })
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", self.shown)),
        };
        let mode = mode_of(&meta);
        if read_only(&meta) {
            bail!(
                "{} is read-only (mode {mode:04o}): ssox does not replace a file made read-only; \
                 make it writable (chmod u+w {}) and run again",
                self.shown,
                self.shown
            );
        }
        Ok(Keep {
            mode,
            owner: owner_of(&meta),
        })
    }

    /// The file to replace: the path itself, or, when it is a symlink, the file it points to (so
    /// that the link stays).
    fn target(&self) -> Result<PathBuf> {
        match std::fs::symlink_metadata(&self.path) {
            Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(&self.path)
                .with_context(|| {
                    let to = std::fs::read_link(&self.path).unwrap_or_default();
                    format!(
                        "{} is a symlink to {}, which cannot be reached; create that file or \
                         remove the link",
                        self.shown,
                        to.display()
                    )
                }),
            _ => Ok(self.path.clone()),
        }
    }
}

/// A file's bytes, `None` when it does not exist.
fn read_optional(path: &Path, shown: &str) -> Result<Option<Vec<u8>>> {
    match read_limited(path, MAX_CONFIG_BYTES, shown) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The file's mode, kept by the replacement (no modes on Windows: a new file's).
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    crate::platform::mode(meta).unwrap_or(NEW_FILE_MODE)
}

/// Whether the file's owner may not write it (Unix: no `u+w`).
#[cfg(unix)]
fn read_only(meta: &std::fs::Metadata) -> bool {
    mode_of(meta) & 0o200 == 0
}

#[cfg(not(unix))]
fn read_only(meta: &std::fs::Metadata) -> bool {
    meta.permissions().readonly()
}

/// How many names the file has (hard links).
fn links_of(meta: &std::fs::Metadata) -> u64 {
    crate::platform::links(meta)
}

fn owner_of(meta: &std::fs::Metadata) -> Option<(u32, u32)> {
    crate::platform::owner(meta)
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use crate::platform::testing::{set_mode_at, symlink};

    fn settings(home: &Path) -> Settings {
        Settings {
            home: home.to_path_buf(),
            config_file: home.join(".aws/config"),
            credentials_file: home.join(".aws/credentials"),
            state_dir: home.join("state"),
            ..Settings::default()
        }
    }

    fn mode(p: &Path) -> u32 {
        crate::platform::testing::mode_at(p)
    }

    #[test]
    fn a_new_file_is_private_in_a_private_directory() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path());
        let f = ConfigFile::lock(&s).unwrap();
        assert!(!f.exists());
        assert_eq!(f.text().unwrap(), "");
        f.write("[default]\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&s.config_file).unwrap(),
            "[default]\n"
        );
        assert_eq!(mode(&s.config_file), 0o600);
        assert_eq!(mode(&dir.path().join(".aws")), 0o700);
        drop(f);
        assert!(!s.lock_dir().join("config.lock").exists());
    }

    #[test]
    fn the_mode_and_a_symlink_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path());
        let real = dir.path().join("dotfiles/aws-config");
        std::fs::create_dir_all(real.parent().unwrap()).unwrap();
        std::fs::write(&real, "[default]\n").unwrap();
        set_mode_at(&real, 0o640);
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        symlink(&real, &s.config_file);
        let f = ConfigFile::lock(&s).unwrap();
        assert_eq!(f.text().unwrap(), "[default]\n");
        f.write("[default]\nregion = x\n").unwrap();
        let link = std::fs::symlink_metadata(&s.config_file).unwrap();
        assert!(link.file_type().is_symlink());
        assert_eq!(
            std::fs::read_to_string(&real).unwrap(),
            "[default]\nregion = x\n"
        );
        assert_eq!(mode(&real), 0o640);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path());
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        std::fs::write(&s.config_file, "[default]\n").unwrap();
        let f = ConfigFile::read(&s).unwrap();
        std::fs::write(&s.config_file, "[default]\nregion = y\n").unwrap();
        let e = f.write("[default]\nregion = x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "~/.aws/config changed while ssox was working on it (another program wrote it); \
             nothing was written: run the command again"
        );
        assert_eq!(
            std::fs::read_to_string(&s.config_file).unwrap(),
            "[default]\nregion = y\n"
        );
    }

    #[test]
    fn a_dangling_symlink_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path());
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        symlink(&dir.path().join("gone"), &s.config_file);
        let f = ConfigFile::read(&s).unwrap();
        assert!(!f.exists());
        let e = f.write("[default]\n").unwrap_err();
        assert!(
            format!("{e:#}").contains("is a symlink to") && format!("{e:#}").contains("/gone"),
            "{e:#}"
        );
    }
}
