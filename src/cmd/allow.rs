//! `ssox allow [PATH]`: trust a `.ssox.toml` with its current contents, so the directory hook
//! switches to its profile (the shell integration runs the hook right after).

use anyhow::{bail, Result};

use crate::cli::DirArgs;
use crate::dirfile::{self, resolve, trust};
use crate::settings::Settings;
use crate::shell::{word, Shell};
use crate::ui::warn;

pub fn run(args: DirArgs, settings: &Settings) -> Result<()> {
    let Some(cwd) = settings.cwd.as_deref() else {
        bail!("cannot read the current directory");
    };
    let path = dirfile::locate(args.path.as_deref(), cwd)?;
    let shown = dirfile::shown(&path, cwd, |p| settings.display_path(p));
    let file = dirfile::read(&path, &shown)?;
    let wanted = dirfile::parse(&file.text, &shown)?;
    if let Err(message) = resolve::check_profile(settings, &shown, &wanted) {
        bail!("{message}; not allowed");
    }
    trust::allow(&settings.state_dir, &file)?;
    let region = wanted
        .region
        .as_deref()
        .map_or(String::new(), |r| format!(" and region {r}"));
    warn(&format!(
        "allowed {shown}: profile {}{region} in this directory and below",
        word(Shell::Posix, &wanted.profile)
    ));
    Ok(())
}
