//! `ssox deny [PATH]`: forget the trust in a `.ssox.toml`; the directory hook stops switching
//! to it (the shell integration runs the hook right after, which restores the shell).

use anyhow::{bail, Result};

use crate::cli::DirArgs;
use crate::dirfile::{self, trust};
use crate::settings::Settings;
use crate::ui::warn;

pub fn run(args: DirArgs, settings: &Settings) -> Result<()> {
    let Some(cwd) = settings.cwd.as_deref() else {
        bail!("cannot read the current directory");
    };
    let path = dirfile::locate(args.path.as_deref(), cwd)?;
    let shown = dirfile::shown(&path, cwd, |p| settings.display_path(p));
    if trust::deny(&settings.state_dir, &path)? {
        warn(&format!("{shown} is no longer trusted"));
    } else {
        warn(&format!("{shown} was not trusted"));
    }
    Ok(())
}
