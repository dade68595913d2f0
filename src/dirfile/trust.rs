//! Which `.ssox.toml` files the user allowed: one small record per file in ssox's state
//! directory (`trust/<SHA-256 of the file's absolute path>`), holding the path and the SHA-256 of
//! the contents that were allowed. A changed file (an edit, a `git pull`) is not trusted until
//! allowed again. Must not read the `.ssox.toml` itself (callers pass what they read).

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::{json, Value};

use super::{sha256_hex, DirFile};
use crate::fsutil;

fn record_path(state_dir: &Path, file: &Path) -> PathBuf {
    state_dir
        .join("trust")
        .join(sha256_hex(file.as_os_str().as_encoded_bytes()))
}

/// Whether `file`, with exactly these contents, was allowed.
pub fn is_trusted(state_dir: &Path, file: &DirFile) -> bool {
    let Ok(Some(text)) = fsutil::read_cache_text(&record_path(state_dir, &file.path)) else {
        return false;
    };
    serde_json::from_str::<Value>(&text).is_ok_and(|v| {
        v["sha256"].as_str() == Some(file.hash.as_str()) && v["path"].as_str() == file.path.to_str()
    })
}

/// Trust `file` with its current contents.
pub fn allow(state_dir: &Path, file: &DirFile) -> Result<()> {
    let record = json!({ "path": file.path.to_string_lossy(), "sha256": file.hash });
    fsutil::write_private(
        &record_path(state_dir, &file.path),
        format!("{record}\n").as_bytes(),
    )
}

/// Forget the trust in the file at `path`; whether there was any.
pub fn deny(state_dir: &Path, path: &Path) -> Result<bool> {
    fsutil::remove_file(&record_path(state_dir, path))
}
