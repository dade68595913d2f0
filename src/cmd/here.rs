//! `ssox here`: which `.ssox.toml` applies in the current directory, whether it is trusted, and
//! what it sets. Reads files only. What the file holds is shown escaped (a cloned repository's
//! `.ssox.toml` is text ssox did not write).

use anyhow::{bail, Result};

use crate::cli::HereArgs;
use crate::dirfile::{resolve, FILE_NAME};
use crate::output::print_stdout;
use crate::settings::Settings;
use crate::ui::text::printable_lines;
use crate::ExitWith;

pub fn run(_args: HereArgs, settings: &Settings) -> Result<()> {
    let Some(cwd) = settings.cwd.as_deref() else {
        bail!("cannot read the current directory");
    };
    let Some(found) = resolve::found(settings, cwd) else {
        return print_stdout(&format!(
            "no {FILE_NAME} in {} or above; write one with: ssox use NAME --here\n",
            settings.display_path(cwd)
        ));
    };
    let mut out = format!("file: {}\n", settings.display_path(&found.path));
    let wanted = match (&found.file, &found.wanted) {
        (Ok(_), Ok(w)) => w,
        (Err(e), _) | (_, Err(e)) => {
            out.push_str(&format!("error: {e}\n"));
            print_stdout(&printable_lines(&out))?;
            return Err(ExitWith(1).into());
        }
    };
    out.push_str(&format!("profile: {}\n", wanted.profile));
    if let Some(r) = &wanted.region {
        out.push_str(&format!("region: {r}\n"));
    }
    let profile = resolve::check_profile(settings, &found.shown, wanted);
    out.push_str(if found.trusted {
        "trusted: yes\n"
    } else {
        "trusted: no (run: ssox allow)\n"
    });
    if let Err(e) = &profile {
        out.push_str(&format!("error: {e}\n"));
    }
    let entered = settings.dir.file.as_deref() == found.path.to_str();
    let active = resolve::source_of_active(settings).is_some();
    out.push_str(match (found.trusted && profile.is_ok(), entered, active) {
        (_, true, true) => "applied: yes (this shell uses it)\n",
        (_, true, false) => "applied: no (ssox use chose another profile in this tree)\n",
        (true, false, _) => "applied: not yet (the shell integration applies it on the next cd)\n",
        (false, false, _) => "applied: no\n",
    });
    print_stdout(&printable_lines(&out))
}
