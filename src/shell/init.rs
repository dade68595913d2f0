//! The `ssox init` / `ssox completions` scripts: fills the per-shell templates (templates/,
//! compiled in), generates clap's completions and wraps them with the profile-name completer,
//! and renders `--aliases`. Pure text in, text out: must not read the environment, files or the
//! terminal.

use anyhow::{bail, Result};

use super::Shell;

pub use super::aliases::{alias_lines, alias_ok};

/// The shells with an integration script: every one but POSIX sh.
pub const SCRIPT_SHELLS: [Shell; 4] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell];

/// Separates a template's function part from its completion part.
const COMPLETIONS_MARKER: &str = "# @@completions@@\n";

/// The placeholder for the function name (`--cmd`) in the templates.
const CMD: &str = "{{cmd}}";

/// Words that must not become the function's or an alias's name: keywords of the four shells and
/// the builtins the scripts call (shadowing `command` would make the function call itself).
#[rustfmt::skip]
pub(super) const RESERVED: &[&str] = &[
    // bash/zsh/sh keywords
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "coproc", "repeat", "foreach", "end", "nocorrect", "noglob",
    // fish keywords and builtins
    "begin", "and", "or", "not", "switch", "return", "break", "continue", "set", "string",
    "test", "math", "isatty", "commandline", "contains", "status", "argparse", "functions",
    // builtins the scripts call, and POSIX special builtins
    "command", "builtin", "eval", "exec", "exit", "local", "export", "unset", "alias",
    "unalias", "source", "type", "printf", "echo", "read", "compgen", "complete", "compopt",
    "compdef", "compadd", "emulate", "typeset", "declare", "readonly", "shift", "trap", "true",
    "false", "cd",
    // PowerShell keywords
    "param", "filter", "process", "try", "catch", "finally", "throw", "data", "dynamicparam",
    "class", "enum", "using", "workflow", "parallel", "sequence", "inlinescript",
    "configuration", "hidden", "static", "default",
];

/// Whether `name` may name a shell function or alias in every supported shell: ASCII letters,
/// digits and `_` (plus `-` when `dash_ok`), not starting with a digit or `-`, and not reserved.
pub(super) fn safe_name(name: &str, dash_ok: bool) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (dash_ok && c == '-'))
        && !RESERVED.contains(&name)
        && !name.starts_with("__ssox")
        && name.len() <= 64
}

/// Check `--cmd NAME`: it becomes a shell function name inside code that is evaluated.
pub fn validate_cmd(cmd: &str) -> Result<()> {
    if !safe_name(cmd, false) {
        bail!(
            "invalid --cmd {cmd:?}: the function name must be letters, digits and `_`, not start \
             with a digit, and not be a shell keyword or builtin (e.g. --cmd sx)"
        );
    }
    Ok(())
}

/// The shell's integration script template; POSIX sh has none.
fn template(shell: Shell) -> Result<&'static str> {
    Ok(match shell {
        Shell::Bash => include_str!("templates/bash.sh"),
        Shell::Zsh => include_str!("templates/zsh.zsh"),
        Shell::Fish => include_str!("templates/fish.fish"),
        Shell::PowerShell => include_str!("templates/powershell.ps1"),
        Shell::Posix => bail!(no_script()),
    })
}

fn no_script() -> &'static str {
    "there is no shell integration for POSIX sh; use bash, zsh, fish or powershell"
}

/// (function part, completion part) of the template, with the function name filled in.
fn parts(shell: Shell, cmd: &str) -> Result<(String, String)> {
    let template = template(shell)?;
    let (function, completion) = template
        .split_once(COMPLETIONS_MARKER)
        .unwrap_or((template, ""));
    Ok((function.replace(CMD, cmd), completion.replace(CMD, cmd)))
}

/// The directory hook (`.ssox.toml`) for `shell`: it defines `__ssox_dir_hook` and registers it.
fn dir_hook(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => include_str!("templates/hook/bash.sh"),
        Shell::Zsh => include_str!("templates/hook/zsh.zsh"),
        Shell::Fish => include_str!("templates/hook/fish.fish"),
        Shell::PowerShell => include_str!("templates/hook/powershell.ps1"),
        Shell::Posix => "",
    }
}

/// The whole `ssox init` script. `cmd` must have passed [`validate_cmd`]; `aliases` are profile
/// names (unsafe ones are skipped here); `clap` is clap_complete's script for `cmd`, or `None`
/// for `--no-completions`; `with_dir_hook` adds the directory hook (not `--no-dir-hook`).
pub fn script(
    shell: Shell,
    cmd: &str,
    aliases: &[String],
    clap: Option<&str>,
    with_dir_hook: bool,
) -> Result<String> {
    let (function, _) = parts(shell, cmd)?;
    let mut out = String::new();
    let completions = clap.map(|c| completions(shell, cmd, c)).transpose()?;
    // PowerShell wants `using namespace` before any other statement of the script.
    let completions = completions.map(|c| {
        if shell == Shell::PowerShell {
            let (using, rest) = split_using(&c);
            out.push_str(&using);
            rest
        } else {
            c
        }
    });
    out.push_str(&function);
    if let Some(c) = completions {
        out.push_str(&c);
    }
    out.push_str(&alias_lines(shell, cmd, aliases));
    if with_dir_hook {
        out.push_str(dir_hook(shell));
    }
    Ok(out)
}

/// clap_complete's static script for every subcommand and flag of `command` (the CLI's
/// definition), registered for `cmd`.
pub fn clap_script(shell: Shell, mut command: clap::Command, cmd: &str) -> Result<String> {
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::PowerShell => clap_complete::Shell::PowerShell,
        Shell::Posix => bail!(no_script()),
    };
    let mut buf = Vec::new();
    clap_complete::generate(generator, &mut command, cmd, &mut buf);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Completions alone (`ssox completions`): clap's static script for every subcommand and flag,
/// then the profile/session-name completer, which falls back to clap's.
pub fn completions(shell: Shell, cmd: &str, clap: &str) -> Result<String> {
    let (_, dynamic) = parts(shell, cmd)?;
    let clap = match shell {
        // clap's completer function is the one flagged; it builds COMPREPLY from compgen -W.
        Shell::Bash => format!(
            "# clap_complete's generated completer (SC2207: COMPREPLY=( $(compgen …) ))\n\
             # shellcheck disable=SC2207\n{clap}"
        ),
        // Drop clap's registration: it calls compdef unconditionally, which fails before compinit.
        Shell::Zsh => {
            let tail = format!("\nif [ \"$funcstack[1]\" = \"_{cmd}\" ]; then");
            match clap.find(&tail) {
                Some(at) => format!("{}\n", &clap[..at]),
                None => clap.to_string(),
            }
        }
        Shell::Fish => clap.to_string(),
        // Keep clap's completer as a script block the dynamic completer calls.
        Shell::PowerShell => clap.replacen(
            &format!("Register-ArgumentCompleter -Native -CommandName '{cmd}' -ScriptBlock {{"),
            &format!("$global:__ssox_clap_{cmd} = {{"),
            1,
        ),
        Shell::Posix => bail!(no_script()),
    };
    let mut out = clap;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&dynamic);
    Ok(out)
}

/// Split PowerShell `using namespace …` lines off the rest.
fn split_using(text: &str) -> (String, String) {
    let mut using = String::new();
    let mut rest = String::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("using namespace ") {
            using.push_str(line);
        } else {
            rest.push_str(line);
        }
    }
    (using, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Shell; 4] = SCRIPT_SHELLS;

    #[test]
    fn cmd_names() {
        for ok in ["ssox", "sx", "_a1", "aws_sso"] {
            assert!(validate_cmd(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "1x", "a-b", "a b", "$(id)", "x;y", "ü", "if", "command", "end", "set",
        ] {
            let e = validate_cmd(bad).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "invalid --cmd {bad:?}: the function name must be letters, digits and `_`, \
                     not start with a digit, and not be a shell keyword or builtin (e.g. --cmd sx)"
                )
            );
        }
    }

    #[test]
    fn templates_fill_every_placeholder() {
        for t in ALL {
            assert_eq!(
                template(t).unwrap().matches(COMPLETIONS_MARKER).count(),
                1,
                "{t:?}"
            );
            let bare = script(t, "sx", &["blog_admin".into()], Some("# clap\n"), false).unwrap();
            assert!(
                bare.ends_with(&alias_lines(t, "sx", &["blog_admin".into()])),
                "{t:?}"
            );
            let s = script(t, "sx", &["blog_admin".into()], Some("# clap\n"), true).unwrap();
            assert!(!s.contains("{{"), "{t:?}");
            assert_eq!(s, format!("{bare}{}", dir_hook(t)), "{t:?}");
            assert!(s.contains("# clap\n"), "{t:?}");
            assert!(s.ends_with('\n'));
        }
    }

    #[test]
    fn function_runs_the_binary_with_command_and_evals_only_on_success() {
        let bash = script(Shell::Bash, "sx", &[], None, true).unwrap();
        assert!(bash.starts_with("# ssox shell integration for bash"));
        assert!(bash.contains("function sx {\n"));
        assert!(bash.contains("command ssox \"$@\"\n"));
        assert!(bash.contains(
            "__ssox_out=$(SSOX_SHELL=bash command ssox \"${__ssox_args[@]}\") || __ssox_rc=$?\n    \
             if [[ $__ssox_rc == 0 ]]; then\n        eval \"$__ssox_out\""
        ));
        // --no-completions: nothing registered.
        assert!(!bash.contains("complete -F"));
        let fish = script(Shell::Fish, "ssox", &[], None, true).unwrap();
        assert!(fish.contains("set -l __ssox_out (SSOX_SHELL=fish command ssox $__ssox_args)\n"));
        let pwsh = script(Shell::PowerShell, "ssox", &[], None, true).unwrap();
        assert!(pwsh.contains("function global:ssox {\n"));
        assert!(pwsh.contains("if ($ssoxCode -eq 0 -and $ssoxOut) {"));
    }

    #[test]
    fn completions_alone_have_no_function() {
        for t in ALL {
            let c = completions(t, "sx", "# clap\n").unwrap();
            assert!(c.starts_with("# clap") || c.contains("\n# clap\n"), "{t:?}");
            assert!(!c.contains("function sx") && !c.contains("function global:sx"));
            assert!(c.contains("list --names"), "{t:?}");
        }
        assert!(completions(Shell::Bash, "sx", "")
            .unwrap()
            .contains("# shellcheck disable=SC2207\n"));
    }

    #[test]
    fn zsh_drops_clap_registration() {
        let clap = "_sx() {\n}\n\nif [ \"$funcstack[1]\" = \"_sx\" ]; then\n    _sx \"$@\"\nelse\n    compdef _sx sx\nfi\n";
        let c = completions(Shell::Zsh, "sx", clap).unwrap();
        assert!(c.starts_with("_sx() {\n}\n\n# Profile"), "{c}");
        assert!(!c.contains("compdef _sx sx"));
        assert!(c.contains(
            "if (( $+functions[compdef] )); then\n    compdef __ssox_complete_sx sx\nfi\n"
        ));
    }

    /// The markers `completions` relies on are in clap_complete's real output.
    #[test]
    fn clap_output_has_the_expected_hooks() {
        use clap::CommandFactory;
        let clap_script = |shell, cmd| clap_script(shell, crate::cli::Cli::command(), cmd).unwrap();
        let bash = clap_script(Shell::Bash, "sx");
        assert!(bash.starts_with("_sx() {\n"));
        let zsh = clap_script(Shell::Zsh, "sx");
        assert!(zsh.contains("\nif [ \"$funcstack[1]\" = \"_sx\" ]; then"));
        let c = completions(Shell::Zsh, "sx", &zsh).unwrap();
        assert!(!c.contains("compdef _sx sx"));
        let pwsh = clap_script(Shell::PowerShell, "sx");
        assert!(
            pwsh.contains("Register-ArgumentCompleter -Native -CommandName 'sx' -ScriptBlock {")
        );
        let c = completions(Shell::PowerShell, "sx", &pwsh).unwrap();
        assert_eq!(c.matches("Register-ArgumentCompleter").count(), 1);
        let fish = clap_script(Shell::Fish, "sx");
        assert!(fish.contains("complete -c sx -n \"__fish_sx_needs_command\" -f -a \"use\""));
    }

    /// POSIX sh has no integration script: a clear error, never an empty script.
    #[test]
    fn posix_sh_has_no_script() {
        use clap::CommandFactory;
        let expected =
            "there is no shell integration for POSIX sh; use bash, zsh, fish or powershell";
        let e = script(Shell::Posix, "sx", &[], None, true).unwrap_err();
        assert_eq!(e.to_string(), expected);
        let e = completions(Shell::Posix, "sx", "").unwrap_err();
        assert_eq!(e.to_string(), expected);
        let e = clap_script(Shell::Posix, crate::cli::Cli::command(), "sx").unwrap_err();
        assert_eq!(e.to_string(), expected);
    }

    /// pwsh is not installed here: at least the template's brackets pair up.
    #[test]
    fn powershell_template_brackets_balance() {
        let t = template(Shell::PowerShell).unwrap();
        for (open, close) in [('{', '}'), ('(', ')'), ('[', ']')] {
            assert_eq!(
                t.matches(open).count(),
                t.matches(close).count(),
                "{open}{close}"
            );
        }
    }

    #[test]
    fn powershell_using_lines_come_first() {
        let clap = "\nusing namespace System.Management.Automation\n\
                    Register-ArgumentCompleter -Native -CommandName 'sx' -ScriptBlock {\n}\n";
        let s = script(Shell::PowerShell, "sx", &[], Some(clap), true).unwrap();
        assert!(s.starts_with("using namespace System.Management.Automation\n# ssox shell"));
        assert_eq!(s.matches("using namespace").count(), 1);
        assert!(s.contains("$global:__ssox_clap_sx = {\n}\n"));
        assert!(s.contains("& $global:__ssox_clap_sx $wordToComplete"));
    }
}
