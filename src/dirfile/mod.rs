//! `.ssox.toml`, the profile file of a directory tree: finding the nearest one at or above a
//! directory, reading it (`profile`, and optionally `region`; nothing else), writing the one of
//! `use --here`, its trust records (`trust`), the directory hook's decision (`hook`, pure) and
//! what applies in a directory (`resolve`, which asks `profiles` whether the profile exists).
//! Reads and writes only those files and ssox's state directory; must not print or read the
//! environment.

pub mod hook;
pub mod resolve;
pub mod trust;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::fsutil;

/// The file's name in a directory.
pub const FILE_NAME: &str = ".ssox.toml";

/// A `.ssox.toml` is a few lines; anything larger is not one.
const MAX_BYTES: u64 = 64 << 10;

/// A `.ssox.toml` as read: where it is, its bytes' SHA-256 (hex), and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirFile {
    pub path: PathBuf,
    pub hash: String,
    pub text: String,
}

/// What a `.ssox.toml` asks for, with the line of each key for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub profile: String,
    pub profile_line: usize,
    pub region: Option<String>,
}

/// The nearest `.ssox.toml` in `dir` or one of its parents, up to the filesystem root.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.symlink_metadata().is_ok())
}

/// The `.ssox.toml` that `allow`/`deny` act on: the one that applies in `cwd`, or at `path` (a
/// directory it applies in, or the file itself), as an absolute path whose directories are
/// resolved as the working directory's are.
pub fn locate(path: Option<&Path>, cwd: &Path) -> Result<PathBuf> {
    let Some(path) = path else {
        return find(cwd).ok_or_else(|| {
            anyhow::anyhow!(
                "no {FILE_NAME} in {} or above; write one with: ssox use NAME --here",
                cwd.display()
            )
        });
    };
    let path = cwd.join(path);
    if path.is_dir() {
        let dir = std::fs::canonicalize(&path)
            .with_context(|| format!("cannot resolve {}", path.display()))?;
        return find(&dir)
            .ok_or_else(|| anyhow::anyhow!("no {FILE_NAME} in {} or above", dir.display()));
    }
    if path.file_name() != Some(std::ffi::OsStr::new(FILE_NAME)) {
        bail!("{} is not a {FILE_NAME} or a directory", path.display());
    }
    let dir = path.parent().unwrap_or(Path::new("/"));
    let dir =
        std::fs::canonicalize(dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
    Ok(dir.join(FILE_NAME))
}

/// Read the file at `path` (bounded; regular files only). `shown` names it in messages.
pub fn read(path: &Path, shown: &str) -> Result<DirFile> {
    let bytes = fsutil::read_limited(path, MAX_BYTES, shown)?;
    let hash = sha256_hex(&bytes);
    let Ok(text) = String::from_utf8(bytes) else {
        bail!("{shown} is not UTF-8 text");
    };
    Ok(DirFile {
        path: path.to_path_buf(),
        hash,
        text,
    })
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    profile: Option<toml::Spanned<String>>,
    region: Option<toml::Spanned<String>>,
}

/// The 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parse a `.ssox.toml` (TOML: `profile = "NAME"`, `region = "R"`). Errors are one line that
/// starts with `shown:LINE:`.
pub fn parse(text: &str, shown: &str) -> Result<Wanted> {
    let raw: Raw = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            let message = e
                .message()
                .lines()
                .next()
                .unwrap_or("not valid TOML")
                .trim();
            bail!(
                "{shown}:{line}: {}; a .ssox.toml holds profile = \"NAME\" and optionally region = \"REGION\"",
                message.trim_end_matches('.')
            );
        }
    };
    let Some(profile) = raw.profile else {
        bail!("{shown}:1: no profile = \"NAME\" in the file");
    };
    let profile_line = line_of(text, profile.span().start);
    let profile = profile.into_inner();
    if profile.is_empty() || profile.chars().any(char::is_control) {
        bail!("{shown}:{profile_line}: the profile name is empty or has control characters");
    }
    let region = match raw.region {
        Some(r) => {
            let line = line_of(text, r.span().start);
            let r = r.into_inner();
            if let Err(e) = crate::switch::check_region(&r) {
                bail!("{shown}:{line}: {e}");
            }
            Some(r)
        }
        None => None,
    };
    Ok(Wanted {
        profile,
        profile_line,
        region,
    })
}

/// `value` as a TOML basic string.
fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text of a `.ssox.toml` for `use NAME --here`: `old` (the file already there) with its
/// `profile` line replaced (and `region`'s when one is given), every other line kept; or a new
/// file.
pub fn render(old: Option<&str>, profile: &str, region: Option<&str>) -> String {
    let profile_line = format!("profile = {}", toml_string(profile));
    let region_line = region.map(|r| format!("region = {}", toml_string(r)));
    let Some(old) = old else {
        let mut out = format!("{profile_line}\n");
        if let Some(r) = region_line {
            out.push_str(&r);
            out.push('\n');
        }
        return out;
    };
    fn key_of(line: &str) -> Option<&str> {
        let t = line.trim_start();
        let key = t.split(['=', ' ', '\t']).next().unwrap_or("");
        (t.len() > key.len() && (key == "profile" || key == "region")).then_some(key)
    }
    let (mut has_profile, mut has_region) = (false, false);
    let mut out = String::with_capacity(old.len() + 64);
    for line in old.split_inclusive('\n') {
        let end = if line.ends_with('\n') { "\n" } else { "" };
        match key_of(line) {
            Some("profile") if !has_profile => {
                has_profile = true;
                out.push_str(&profile_line);
                out.push_str(end);
            }
            Some("region") if region_line.is_some() && !has_region => {
                has_region = true;
                out.push_str(region_line.as_deref().unwrap_or_default());
                out.push_str(end);
            }
            _ => out.push_str(line),
        }
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !has_profile {
        out.push_str(&profile_line);
        out.push('\n');
    }
    if let (Some(r), false) = (region_line, has_region) {
        out.push_str(&r);
        out.push('\n');
    }
    out
}

/// How to name `path` to someone in `cwd`: `./.ssox.toml` in it, `../.ssox.toml` one up,
/// otherwise as `display` (the path with `~`).
pub fn shown(path: &Path, cwd: &Path, display: impl Fn(&Path) -> String) -> String {
    match path.parent() {
        Some(dir) if dir == cwd => format!("./{FILE_NAME}"),
        Some(dir) if Some(dir) == cwd.parent() => format!("../{FILE_NAME}"),
        _ => display(path),
    }
}

#[cfg(test)]
mod tests;
