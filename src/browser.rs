//! Opening a URL in the user's browser (the `open` crate: xdg-open, gio, wslview, open…), with a
//! failure worded in one line. The URL may be a credential (a console sign-in link): it is never
//! part of a message, and neither is the `open` crate's own error text (a debug dump of the
//! launcher command, URL included).

use std::io;

/// Open `url`; the error says why not, without the URL.
pub fn open(url: &str) -> Result<(), String> {
    open::that_detached(url).map_err(|e| reason(&e))
}

/// Why the browser did not open, from the `open` crate's error.
fn reason(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::NotFound {
        return "no program to open it was found (xdg-open, gio, wslview…)".into();
    }
    // `Launcher "gio" "open" "https://…" failed with ExitStatus(…)`: keep only the program.
    let text = e.to_string();
    let program = text
        .strip_prefix("Launcher \"")
        .and_then(|rest| rest.split('"').next())
        .filter(|p| !p.is_empty() && p.len() <= 64 && !p.contains(['/', ':']));
    match program {
        Some(p) => format!("{p} failed to open it"),
        None => "the system's URL opener failed".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_never_show_the_url_or_debug_text() {
        let e = io::Error::other(
            "Launcher \"gio\" \"open\" \"https://signin/?SigninToken=secret\" failed with ExitStatus(unix_wait_status(512))",
        );
        assert_eq!(reason(&e), "gio failed to open it");
        let e = io::Error::other("something else entirely: https://x/?t=secret");
        assert_eq!(reason(&e), "the system's URL opener failed");
        let e = io::Error::new(io::ErrorKind::NotFound, "No such file");
        assert_eq!(
            reason(&e),
            "no program to open it was found (xdg-open, gio, wslview…)"
        );
    }
}
