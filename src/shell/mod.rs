//! Pure rendering of shell code: the one shell enum (also the command line's `--shell` and
//! `SHELL` values), quoting, export/unset lines per shell, and the `ssox init` scripts and
//! completions (templates/), and the man page (`man`). Must not read the environment, files or the terminal.

mod aliases;
pub mod init;
pub mod man;

use crate::settings::PREVIOUS_PROFILE_VAR;

/// A shell whose syntax ssox prints. Its command-line names are `bash`, `zsh`, `fish`,
/// `powershell` and `sh`.
// `PowerShell` is the shell's name, not a repetition of the enum's.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    #[value(name = "powershell")]
    PowerShell,
    /// POSIX sh (also dash, ksh)
    // Also the shell for any name `from_name` does not know.
    #[value(name = "sh")]
    Posix,
}

/// The variables `use` sets.
pub const PROFILE_VARS: [&str; 2] = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

/// The variables `use --region` sets: botocore (boto3, the AWS CLI v1) reads the second, most
/// SDKs the first, the AWS CLI v2 either.
pub const REGION_VARS: [&str; 2] = ["AWS_REGION", "AWS_DEFAULT_REGION"];

impl Shell {
    /// The shell to print for: `arg` (`--shell`), else the one `named` (`SSOX_SHELL`, else the
    /// basename of `SHELL`), else the system's own ([`Shell::native`]).
    pub fn chosen(arg: Option<Shell>, named: Option<&str>) -> Shell {
        arg.unwrap_or_else(|| named.map_or(Shell::native(), Shell::from_name))
    }

    /// The shell of this system when none is named: POSIX sh, PowerShell on Windows (where
    /// `SHELL` is rarely set).
    pub fn native() -> Shell {
        if cfg!(windows) {
            Shell::PowerShell
        } else {
            Shell::Posix
        }
    }

    /// From a shell's name or the basename of its path (`bash`, `-zsh`, `pwsh.exe`, `dash`…).
    pub fn from_name(name: &str) -> Shell {
        let name = name.trim_start_matches('-');
        let name = name.strip_suffix(".exe").unwrap_or(name);
        match name {
            "bash" => Shell::Bash,
            "zsh" => Shell::Zsh,
            "fish" => Shell::Fish,
            "pwsh" | "powershell" => Shell::PowerShell,
            _ => Shell::Posix,
        }
    }

    /// `value` as one literal word of this shell: no expansion, no command can run.
    pub fn quote(self, value: &str) -> String {
        match self {
            Shell::Bash | Shell::Zsh | Shell::Posix => {
                format!("'{}'", value.replace('\'', r"'\''"))
            }
            Shell::Fish => format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'")),
            Shell::PowerShell => {
                // PowerShell treats the typographic single quotes as quotes too; double each.
                let mut out = String::with_capacity(value.len() + 2);
                out.push('\'');
                for c in value.chars() {
                    if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
                        out.push(c);
                    }
                    out.push(c);
                }
                out.push('\'');
                out
            }
        }
    }

    /// One line that sets and exports `name` (a fixed identifier, never user input).
    pub fn export(self, name: &str, value: &str) -> String {
        let v = self.quote(value);
        match self {
            Shell::Bash | Shell::Zsh | Shell::Posix => format!("export {name}={v};\n"),
            Shell::Fish => format!("set -gx {name} {v};\n"),
            Shell::PowerShell => format!("$Env:{name} = {v};\n"),
        }
    }

    /// One line that removes `name` from the environment.
    pub fn unset(self, name: &str) -> String {
        match self {
            Shell::Bash | Shell::Zsh | Shell::Posix => format!("unset {name};\n"),
            Shell::Fish => format!("set -e {name};\n"),
            Shell::PowerShell => {
                format!("Remove-Item -ErrorAction SilentlyContinue Env:{name};\n")
            }
        }
    }
}

/// Shell code for `use NAME`: drop static keys (they override any profile), then set both
/// profile variables (botocore reads `AWS_DEFAULT_PROFILE` first).
pub fn switch_profile(shell: Shell, profile: &str, static_vars: &[&str]) -> String {
    let mut out = String::new();
    for v in static_vars {
        out.push_str(&shell.unset(v));
    }
    for v in PROFILE_VARS {
        out.push_str(&shell.export(v, profile));
    }
    out
}

/// Shell code for `use --region`: set both region variables.
pub fn set_region(shell: Shell, region: &str) -> String {
    REGION_VARS
        .iter()
        .map(|v| shell.export(v, region))
        .collect()
}

/// Shell code remembering the profile being left (`from`) for `use -`, when there is one and
/// it is not the profile switched `to` (switching to the same profile keeps the old one).
pub fn remember_previous(shell: Shell, from: Option<&str>, to: Option<&str>) -> String {
    match from {
        Some(from) if Some(from) != to => shell.export(PREVIOUS_PROFILE_VAR, from),
        _ => String::new(),
    }
}

/// The line that loads the integration for `shell` and the startup file it belongs in; `None`
/// for POSIX sh, which has none.
pub fn install_line(shell: Shell) -> Option<(&'static str, &'static str)> {
    match shell {
        Shell::Bash => Some(("eval \"$(ssox init bash)\"", "~/.bashrc")),
        Shell::Zsh => Some(("eval \"$(ssox init zsh)\"", "~/.zshrc")),
        Shell::Fish => Some(("ssox init fish | source", "~/.config/fish/config.fish")),
        Shell::PowerShell => Some((
            "Invoke-Expression (& ssox init powershell | Out-String)",
            "$PROFILE",
        )),
        Shell::Posix => None,
    }
}

/// What to tell someone whose terminal got the shell code of `command` (`ssox use NAME`)
/// instead of a shell evaluating it: how to set the integration up for this shell, or how to
/// evaluate it once. One line, without the `ssox: ` prefix.
pub fn eval_hint(shell: Shell, command: &str) -> String {
    let once = eval_once(shell, command);
    match install_line(shell) {
        Some((line, file)) => format!(
            "this prints shell code; to switch this shell add '{line}' to {file} (or run: {once})"
        ),
        None => format!("this prints shell code; to switch this shell run: {once}"),
    }
}

/// How to evaluate the shell code `command` prints once, in `shell`: `eval "$(ssox pick)"`.
pub fn eval_once(shell: Shell, command: &str) -> String {
    match shell {
        Shell::Fish => format!("{command} | source"),
        Shell::PowerShell => format!("{command} | Out-String | Invoke-Expression"),
        Shell::Bash | Shell::Zsh | Shell::Posix => format!("eval \"$({command})\""),
    }
}

/// `value` as a word of a command line shown to the user: bare when that is unambiguous in
/// every shell, else quoted for `shell`.
pub fn word(shell: Shell, value: &str) -> String {
    let bare = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.,:/@+=%".contains(&b));
    if bare {
        value.to_string()
    } else {
        shell.quote(value)
    }
}

/// Shell code for `use --clear`: unset the profile variables and the static keys.
pub fn clear(shell: Shell, static_vars: &[&str]) -> String {
    let mut out = String::new();
    for v in PROFILE_VARS.iter().chain(static_vars) {
        out.push_str(&shell.unset(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATIC: [&str; 1] = ["AWS_ACCESS_KEY_ID"];

    #[test]
    fn the_shell_named_wins_else_the_system_s_own() {
        let native = if cfg!(windows) {
            Shell::PowerShell
        } else {
            Shell::Posix
        };
        assert_eq!(Shell::chosen(None, None), native);
        assert_eq!(Shell::chosen(None, Some("fish")), Shell::Fish);
        assert_eq!(Shell::chosen(None, Some("pwsh.exe")), Shell::PowerShell);
        assert_eq!(Shell::chosen(Some(Shell::Zsh), Some("fish")), Shell::Zsh);
    }

    #[test]
    fn posix_quoting() {
        assert_eq!(Shell::Bash.quote("it's"), r"'it'\''s'");
        assert_eq!(Shell::Posix.quote("$(id)"), "'$(id)'");
        assert_eq!(Shell::Zsh.quote(""), "''");
    }

    #[test]
    fn fish_quoting() {
        assert_eq!(Shell::Fish.quote(r"a\b'c"), r"'a\\b\'c'");
    }

    #[test]
    fn powershell_quoting() {
        assert_eq!(Shell::PowerShell.quote("it's"), "'it''s'");
        assert_eq!(
            Shell::PowerShell.quote("a\u{2019}b"),
            "'a\u{2019}\u{2019}b'"
        );
        assert_eq!(Shell::PowerShell.quote("$(x)"), "'$(x)'");
    }

    #[test]
    fn switch_per_shell() {
        assert_eq!(
            switch_profile(Shell::Bash, "blog_admin", &STATIC),
            "unset AWS_ACCESS_KEY_ID;\nexport AWS_PROFILE='blog_admin';\nexport AWS_DEFAULT_PROFILE='blog_admin';\n"
        );
        assert_eq!(
            switch_profile(Shell::Fish, "x", &STATIC),
            "set -e AWS_ACCESS_KEY_ID;\nset -gx AWS_PROFILE 'x';\nset -gx AWS_DEFAULT_PROFILE 'x';\n"
        );
        assert_eq!(
            switch_profile(Shell::PowerShell, "x", &STATIC),
            "Remove-Item -ErrorAction SilentlyContinue Env:AWS_ACCESS_KEY_ID;\n$Env:AWS_PROFILE = 'x';\n$Env:AWS_DEFAULT_PROFILE = 'x';\n"
        );
    }

    #[test]
    fn region_previous_and_hint() {
        assert_eq!(
            set_region(Shell::Bash, "eu-west-1"),
            "export AWS_REGION='eu-west-1';\nexport AWS_DEFAULT_REGION='eu-west-1';\n"
        );
        assert_eq!(
            set_region(Shell::Fish, "x'y"),
            "set -gx AWS_REGION 'x\\'y';\nset -gx AWS_DEFAULT_REGION 'x\\'y';\n"
        );
        assert_eq!(
            remember_previous(Shell::Zsh, Some("a b"), Some("c")),
            "export SSOX_PREVIOUS_PROFILE='a b';\n"
        );
        assert_eq!(remember_previous(Shell::Zsh, Some("c"), Some("c")), "");
        assert_eq!(remember_previous(Shell::Zsh, None, Some("c")), "");
        assert_eq!(
            remember_previous(Shell::Fish, Some("c"), None),
            "set -gx SSOX_PREVIOUS_PROFILE 'c';\n"
        );
        assert_eq!(
            eval_hint(Shell::Bash, "ssox use blog_admin"),
            "this prints shell code; to switch this shell add 'eval \"$(ssox init bash)\"' to \
             ~/.bashrc (or run: eval \"$(ssox use blog_admin)\")"
        );
        assert_eq!(
            eval_hint(Shell::Fish, "ssox use x"),
            "this prints shell code; to switch this shell add 'ssox init fish | source' to \
             ~/.config/fish/config.fish (or run: ssox use x | source)"
        );
        assert_eq!(word(Shell::Bash, "blog_admin"), "blog_admin");
        assert_eq!(word(Shell::Bash, "a b"), "'a b'");
        assert_eq!(word(Shell::Fish, "it's"), r"'it\'s'");
    }

    #[test]
    fn clear_unsets_all() {
        assert_eq!(
            clear(Shell::Zsh, &STATIC),
            "unset AWS_PROFILE;\nunset AWS_DEFAULT_PROFILE;\nunset AWS_ACCESS_KEY_ID;\n"
        );
    }

    #[test]
    fn names() {
        assert_eq!(Shell::from_name("-zsh"), Shell::Zsh);
        assert_eq!(Shell::from_name("pwsh.exe"), Shell::PowerShell);
        assert_eq!(Shell::from_name("dash"), Shell::Posix);
    }
}
