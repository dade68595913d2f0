//! The config file as `configure` and `sync` rewrite it: taken under ssox's lock (so that two of
//! them never lose each other's work), read as its exact bytes (not the lossy text
//! `config::load` gives), and written back (callers write only a changed text) only while the
//! file still holds what was read: atomically, through a symlink to its target (dotfiles repositories link
//! `~/.aws/config`), keeping the file's mode; a new file is 0600 in a 0700 `~/.aws`.
//! Reads the credentials file for profile names; never writes it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::config::edit::utf8;
use crate::config::Config;
use crate::fsutil::{self, read_limited, Lock, MAX_CONFIG_BYTES};
use crate::settings::Settings;

/// The mode of a config file ssox creates.
const NEW_FILE_MODE: u32 = 0o600;

/// The config file, read (and, for a write, locked).
pub struct ConfigFile {
    path: PathBuf,
    /// As messages show it (`~/.aws/config`).
    pub shown: String,
    /// `None` when the file does not exist.
    bytes: Option<Vec<u8>>,
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

    /// Read the file without the lock (for `--dry-run`, which writes nothing).
    pub fn read(settings: &Settings) -> Result<ConfigFile> {
        let shown = settings.display_path(&settings.config_file);
        let credentials_shown = settings.display_path(&settings.credentials_file);
        let credentials = read_optional(&settings.credentials_file, &credentials_shown)?
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        Ok(ConfigFile {
            bytes: read_optional(&settings.config_file, &shown)?,
            path: settings.config_file.clone(),
            shown,
            credentials,
            credentials_shown,
            _lock: None,
        })
    }

    pub fn exists(&self) -> bool {
        self.bytes.is_some()
    }

    /// The file's text, exactly (empty when it does not exist); not UTF-8 is an error naming the
    /// line.
    pub fn text(&self) -> Result<&str> {
        Ok(utf8(
            self.bytes.as_deref().unwrap_or_default(),
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
    /// read: then nothing is written and the error says to run again.
    pub fn write(&self, text: &str) -> Result<()> {
        if read_optional(&self.path, &self.shown)? != self.bytes {
            bail!(
                "{} changed while ssox was working on it (another program wrote it); nothing was \
                 written: run the command again",
                self.shown
            );
        }
        let target = self.target()?;
        let mode = match std::fs::metadata(&target) {
            Ok(meta) => mode_of(&meta),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => NEW_FILE_MODE,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", self.shown)),
        };
        fsutil::write_atomic(&target, text.as_bytes(), mode)
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
