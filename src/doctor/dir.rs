//! Doctor's check of the `.ssox.toml` that applies in the working directory (`dirfile`): which
//! file, whether it is trusted, whether its profile exists. Nothing when there is none. Reads
//! files only.

use crate::dirfile::resolve;
use crate::settings::Settings;
use crate::shell::{word, Shell};

use super::Line;

pub fn check(settings: &Settings, lines: &mut Vec<Line>) {
    const TOPIC: &str = "directory";
    let Some(found) = settings
        .cwd
        .as_deref()
        .and_then(|cwd| resolve::found(settings, cwd))
    else {
        return;
    };
    let shown = &found.shown;
    let wanted = match (&found.file, &found.wanted) {
        (Ok(_), Ok(w)) => w,
        (Err(e), _) | (_, Err(e)) => {
            lines.push(Line::fail(
                TOPIC,
                format!("{e}: the shell does not switch here"),
                format!("fix or remove {shown}"),
            ));
            return;
        }
    };
    let profile = word(Shell::Posix, &wanted.profile);
    let region = wanted
        .region
        .as_deref()
        .map_or(String::new(), |r| format!(" and region {r}"));
    if let Err(e) = resolve::check_profile(settings, shown, wanted) {
        lines.push(Line::fail(
            TOPIC,
            format!("{e}: the shell does not switch here"),
            format!("name an existing profile in {shown}"),
        ));
    } else if found.trusted {
        lines.push(Line::ok(
            TOPIC,
            format!("{shown} is trusted: profile {profile}{region} here and below"),
        ));
    } else {
        lines.push(Line::warn(
            TOPIC,
            format!("{shown} wants profile {profile}{region} but is not trusted (new or changed)"),
            "read it, then: ssox allow",
        ));
    }
}
