//! What applies in a directory, as the hook, `here`, `allow`, `status` and `doctor` all see it:
//! the nearest `.ssox.toml`, read, parsed, its trust, and whether the profile it names exists
//! (the config's one-profile parse, no network).

use std::path::Path;

use super::{find, parse, read, shown, trust, DirFile, Wanted};
use crate::profiles::load_config_for;
use crate::settings::Settings;
use crate::shell::{word, Shell};

use super::hook::Here;

/// A `.ssox.toml` found above a directory and what came of reading it.
pub struct Found {
    pub path: std::path::PathBuf,
    /// How to name it to the user (`./.ssox.toml`, `../.ssox.toml`, `~/p/.ssox.toml`).
    pub shown: String,
    pub file: Result<DirFile, String>,
    pub wanted: Result<Wanted, String>,
    pub trusted: bool,
}

/// The nearest `.ssox.toml` at or above `cwd`, read and checked; `None` when there is none.
pub fn found(settings: &Settings, cwd: &Path) -> Option<Found> {
    let path = find(cwd)?;
    let shown = shown(&path, cwd, |p| settings.display_path(p));
    let file = read(&path, &shown).map_err(|e| format!("{e:#}"));
    let wanted = match &file {
        Ok(f) => parse(&f.text, &shown).map_err(|e| format!("{e:#}")),
        Err(e) => Err(e.clone()),
    };
    let trusted = file
        .as_ref()
        .is_ok_and(|f| trust::is_trusted(&settings.state_dir, f));
    Some(Found {
        path,
        shown,
        file,
        wanted,
        trusted,
    })
}

/// Whether the profile `wanted` names exists: the error line (with the file and line) if not.
pub fn check_profile(settings: &Settings, shown: &str, wanted: &Wanted) -> Result<(), String> {
    load_config_for(settings, &wanted.profile)
        .and_then(|config| Ok(config.profile(&wanted.profile).map(|_| ())?))
        .map_err(|e| {
            let e = format!("{e:#}");
            let first = e.lines().next().unwrap_or_default();
            format!("{shown}:{}: {first}", wanted.profile_line)
        })
}

/// What the hook does in `cwd`.
pub fn here(settings: &Settings, cwd: &Path) -> Here {
    let Some(found) = found(settings, cwd) else {
        return Here::Nothing;
    };
    let file = match found.file {
        Ok(f) => f,
        Err(message) => {
            return Here::Refused {
                key: format!("{} unreadable", found.path.display()),
                message,
            }
        }
    };
    let key = format!("{} {}", file.path.display(), file.hash);
    let wanted = match found.wanted {
        Ok(w) => w,
        Err(message) => return Here::Refused { key, message },
    };
    if !found.trusted {
        return Here::Refused {
            key,
            message: format!(
                "{} wants profile {}; run ssox allow to use it",
                found.shown,
                word(Shell::Posix, &wanted.profile)
            ),
        };
    }
    if let Err(message) = check_profile(settings, &found.shown, &wanted) {
        return Here::Refused { key, message };
    }
    Here::Apply {
        path: file.path.to_string_lossy().into_owned(),
        hash: file.hash,
        profile: wanted.profile,
        region: wanted.region,
    }
}

/// `blog_admin` came from a `.ssox.toml`: how to name that file to someone in `cwd`, when the
/// active profile is the one the hook set.
pub fn source_of_active(settings: &Settings) -> Option<String> {
    let file = settings.dir.file.as_deref()?;
    let active = settings.active_profile()?;
    if settings.dir.profile.as_deref() != Some(active) {
        return None;
    }
    let path = Path::new(file);
    Some(match settings.cwd.as_deref() {
        Some(cwd) => shown(path, cwd, |p| settings.display_path(p)),
        None => settings.display_path(path),
    })
}
