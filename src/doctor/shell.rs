//! Doctor's checks of the calling shell and the desktop: whether the `ssox init` function is
//! loaded (it passes `SSOX_INTEGRATION` to every call), aliases of the old workflow (the
//! function passes the shell's `alias` output to `doctor`), and whether `ssox login` can open a
//! browser. Reads `Settings` and the parsed config; looks for programs on PATH.

use crate::browser;
use crate::config::Config;
use crate::settings::Settings;
use crate::shell::{install_line, Shell};
use crate::ui::text;

use super::Line;

/// The shell ssox was called from, as far as it can tell.
fn calling_shell(settings: &Settings) -> Shell {
    let name = settings
        .integration
        .as_deref()
        .or(settings.shell_name.as_deref());
    name.map_or(Shell::Posix, Shell::from_name)
}

/// Whether the `ssox init` function ran this command.
pub fn integration(settings: &Settings, lines: &mut Vec<Line>) {
    const TOPIC: &str = "shell";
    if let Some(name) = &settings.integration {
        lines.push(Line::ok(
            TOPIC,
            format!("the ssox function (ssox init {name}) is loaded in this shell"),
        ));
        return;
    }
    let text = "the ssox shell function is not loaded here, so ssox use and ssox pick only \
                print shell code";
    lines.push(match install_line(calling_shell(settings)) {
        Some((line, file)) => Line::warn(
            TOPIC,
            text,
            format!("add '{line}' to {file}, then open a new shell"),
        ),
        None => Line::warn(
            TOPIC,
            format!("{text} (there is no integration for POSIX sh)"),
            "use bash, zsh, fish or PowerShell, or switch with: eval \"$(ssox use NAME)\"",
        ),
    });
}

/// Aliases left from switching by hand: one named like a profile (it shadows `--aliases` and
/// the habit of typing the name), or one that sets AWS_PROFILE/AWS_DEFAULT_PROFILE itself.
pub fn aliases(config: Option<&Config>, settings: &Settings, lines: &mut Vec<Line>) {
    const TOPIC: &str = "aliases";
    let Some(text) = &settings.shell_aliases else {
        lines.push(Line::warn(
            TOPIC,
            "this shell's aliases are unknown (ssox doctor ran outside the ssox function)",
            "run `alias` and delete any alias named like a profile or setting AWS_PROFILE or \
             AWS_DEFAULT_PROFILE; or load the shell integration and run ssox doctor again",
        ));
        return;
    };
    let shell = calling_shell(settings);
    let unalias = |name: &str| match shell {
        Shell::Fish => format!("functions --erase {name}"),
        Shell::PowerShell => format!("Remove-Item Alias:{name}"),
        _ => format!("unalias {name}"),
    };
    let all = parse_aliases(text);
    let mut found = 0;
    for (name, value) in &all {
        if is_ssox_alias(name, value) {
            continue;
        }
        let shadows = config.is_some_and(|c| c.profiles.contains_key(name));
        let sets_profile = value.contains("AWS_PROFILE") || value.contains("AWS_DEFAULT_PROFILE");
        let shown = printable(value, 80);
        let fix = format!(
            "delete it from your shell's startup files, then run: {}",
            unalias(name)
        );
        let line = if shadows {
            Line::warn(
                format!("alias {name}"),
                format!(
                    "`{name}` runs `{shown}` instead of switching with ssox: it shadows the \
                     profile {name}"
                ),
                fix,
            )
        } else if sets_profile {
            Line::warn(
                format!("alias {name}"),
                format!(
                    "`{name}` runs `{shown}`: setting AWS_PROFILE or AWS_DEFAULT_PROFILE by hand \
                     can leave the two on different accounts"
                ),
                format!("{fix}; switch with: ssox use PROFILE"),
            )
        } else {
            continue;
        };
        found += 1;
        lines.push(line);
    }
    match (found, all.len()) {
        (0, 0) => lines.push(Line::ok(TOPIC, "this shell has no aliases")),
        (0, n) => lines.push(Line::ok(
            TOPIC,
            format!(
                "none of this shell's {n} aliases shadows a profile or sets AWS_PROFILE by hand"
            ),
        )),
        _ => {}
    }
}

/// `(name, value)` of each alias in the output of `alias`: bash (`alias n='v'`), zsh (`n=v`,
/// `n='v'`) or fish (`alias n 'v'`). Lines that are none of these are skipped.
pub fn parse_aliases(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("alias ").unwrap_or(line);
            let (name, value) = match (rest.split_once('='), rest.split_once(' ')) {
                (Some(eq), Some(sp)) if eq.0.len() <= sp.0.len() => eq,
                (_, Some(sp)) => sp,
                (Some(eq), None) => eq,
                (None, None) => return None,
            };
            let name = unquote(name);
            (!name.is_empty()).then(|| (name, unquote(value)))
        })
        .collect()
}

/// `'v'` → `v`, undoing the shells' escapes of `'` inside (`'\''` in bash and zsh, `\'` in fish).
fn unquote(s: &str) -> String {
    match s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Some(inner) => inner.replace("'\\''", "'").replace("\\'", "'"),
        None => s.to_string(),
    }
}

/// An alias `ssox init --aliases` defines: `CMD use NAME`.
fn is_ssox_alias(name: &str, value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    matches!(words.as_slice(), [_, "use", n] if *n == name)
}

/// `text` for one line of a report: shown escaped ([`text::printable`]), at most `max` cells.
fn printable(text: &str, max: usize) -> String {
    text::truncate(&text::printable(text), max).into_owned()
}

/// Whether `ssox login` can open a browser here, and with what: the program `browser::open`
/// will use (`BROWSER`'s first installed command, else the system's opener), and a warning for
/// each `BROWSER` command that is not installed.
pub fn browser(settings: &Settings, lines: &mut Vec<Line>) {
    const TOPIC: &str = "browser";
    if let Some(reason) = browser::blocker(settings, false) {
        lines.push(Line::ok(
            TOPIC,
            format!(
                "not opened here ({reason}): ssox login prints the URL and code to open on any device"
            ),
        ));
        return;
    }
    let launchers = browser::launchers(settings);
    let chosen = browser::chosen(settings);
    for l in launchers.iter().filter(|l| l.from_env) {
        if !browser::installed(&settings.path_dirs, &l.program) {
            let then = match &chosen {
                Some(c) => format!("ssox login uses {} instead", c.name()),
                None => "ssox login cannot open a browser".to_string(),
            };
            lines.push(Line::warn(
                TOPIC,
                format!(
                    "BROWSER names {}, which is not installed (not on PATH); {then}",
                    l.name()
                ),
                "set BROWSER to an installed browser, or unset it",
            ));
        }
    }
    match chosen {
        Some(l) if l.from_env => lines.push(Line::ok(
            TOPIC,
            format!("ssox login opens it with {} (from BROWSER)", l.name()),
        )),
        Some(l) => lines.push(Line::ok(
            TOPIC,
            format!("ssox login opens it with {}", l.name()),
        )),
        None if browser::from_browser_env(settings) && launchers.iter().all(|l| l.from_env) => {}
        None => {
            let system: Vec<String> = launchers
                .iter()
                .filter(|l| !l.from_env)
                .map(browser::Launcher::name)
                .collect();
            lines.push(Line::warn(
                TOPIC,
                format!(
                    "a display is set, but none of {} is on PATH to open a browser with",
                    system.join(", ")
                ),
                "install xdg-utils (xdg-open), set BROWSER, or use ssox login --device-code",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse_aliases(text)
    }

    #[test]
    fn alias_output_of_each_shell() {
        let want = vec![
            (
                "dev_admin".to_string(),
                "export AWS_DEFAULT_PROFILE=dev_admin".to_string(),
            ),
            ("ll".to_string(), "ls -l".to_string()),
        ];
        // bash
        assert_eq!(
            pairs("alias dev_admin='export AWS_DEFAULT_PROFILE=dev_admin'\nalias ll='ls -l'\n"),
            want
        );
        // zsh
        assert_eq!(
            pairs("dev_admin='export AWS_DEFAULT_PROFILE=dev_admin'\nll='ls -l'\n"),
            want
        );
        // fish
        assert_eq!(
            pairs("alias dev_admin 'export AWS_DEFAULT_PROFILE=dev_admin'\nalias ll 'ls -l'\n"),
            want
        );
        assert_eq!(pairs("alias q='it'\\''s'\n"), [("q".into(), "it's".into())]);
        assert_eq!(pairs("alias q 'it\\'s'\n"), [("q".into(), "it's".into())]);
        assert_eq!(pairs("run-help=man\n"), [("run-help".into(), "man".into())]);
        assert_eq!(pairs("\njunk\n"), Vec::<(String, String)>::new());
    }

    #[test]
    fn ssox_aliases_are_recognised() {
        assert!(is_ssox_alias("blog_admin", "ssox use blog_admin"));
        assert!(is_ssox_alias("blog_admin", "sx use blog_admin"));
        assert!(!is_ssox_alias("blog_admin", "ssox use other"));
        assert!(!is_ssox_alias(
            "blog_admin",
            "export AWS_PROFILE=blog_admin"
        ));
    }

    #[test]
    fn printable_cuts_and_hides_controls() {
        assert_eq!(printable("a\x1b[2Jb", 80), "a\\e[2Jb");
        assert_eq!(printable("abcdef", 3), "ab…");
    }
}
