//! `ssox init SHELL --aliases`: one alias (fish, PowerShell: function) per profile, each defined
//! only when its name is free in the user's shell, or already ssox's own alias (the rc file
//! sourced again). The names passed over are said once on stderr when the script is sourced,
//! with the reason (an old `alias dev_admin='export AWS_DEFAULT_PROFILE=…'` must not win
//! silently). Pure text: must not read the environment, files or the terminal.

use super::init::{safe_name, RESERVED};
use super::Shell;

/// Why profile `name` never gets an alias from `ssox init --cmd cmd`, whatever the shell holds;
/// `None` when it may get one.
pub fn alias_refusal(name: &str, cmd: &str) -> Option<&'static str> {
    if name == cmd || name == "ssox" {
        Some("the name of ssox itself")
    } else if safe_name(name, true) {
        None
    } else if RESERVED.contains(&name) {
        Some("a shell keyword or builtin")
    } else {
        Some("not a valid alias name")
    }
}

/// Whether a profile gets an alias with `--aliases`: a safe name other than the function's own.
pub fn alias_ok(name: &str, cmd: &str) -> bool {
    alias_refusal(name, cmd).is_none()
}

/// The names refused outright, with why, as the skip message lists them.
fn refused(cmd: &str, names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter_map(|n| {
            let why = alias_refusal(n, cmd)?;
            // Any other name may hold anything (spaces, escapes): show it quoted and escaped.
            let plain = !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            let shown = if plain { n.clone() } else { format!("{n:?}") };
            Some(format!("{shown} ({why})"))
        })
        .collect()
}

/// The `--aliases` part of the init script: the aliases, then one message on stderr naming the
/// profiles left without one. Empty without names.
pub fn alias_lines(shell: Shell, cmd: &str, names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let q = |s: &str| shell.quote(s);
    let refused = refused(cmd, names);
    let ok: Vec<&String> = names.iter().filter(|n| alias_ok(n, cmd)).collect();
    let mut out = String::from(
        "# --aliases: one per profile, unless the name is taken already (said once, on stderr).\n",
    );
    let (prelude, epilogue) = match shell {
        Shell::Fish => (FISH_PRELUDE, FISH_EPILOGUE),
        Shell::PowerShell => (PWSH_PRELUDE, PWSH_EPILOGUE),
        Shell::Zsh => (ZSH_PRELUDE, POSIX_EPILOGUE),
        Shell::Bash | Shell::Posix => (BASH_PRELUDE, POSIX_EPILOGUE),
    };
    match shell {
        Shell::Fish => {
            out.push_str("set -g __ssox_skipped");
            for r in &refused {
                out.push(' ');
                out.push_str(&q(r));
            }
            out.push('\n');
        }
        Shell::PowerShell => {
            let list: Vec<String> = refused.iter().map(|r| q(r)).collect();
            out.push_str(&format!("$ssoxSkipped = @({})\n", list.join(", ")));
        }
        _ => out.push_str(&format!("__ssox_skipped={}\n", q(&refused.join(", ")))),
    }
    out.push_str(&prelude.replace("{{cmd}}", cmd));
    for name in ok {
        let value = q(&format!("{cmd} use {name}"));
        let line = match shell {
            Shell::Bash | Shell::Zsh | Shell::Posix => {
                format!("if __ssox_free_{cmd} {name}; then alias {name}={value}; fi\n")
            }
            Shell::Fish => format!(
                "if __ssox_free_{cmd} {name}; function {name} --description {value}; \
                 {cmd} use {} $argv; end; end\n",
                q(name)
            ),
            Shell::PowerShell => format!(
                "if (ssoxFree_{cmd} {}) {{ function global:{name} {{ {cmd} use {} @args }} }}\n",
                q(name),
                q(name)
            ),
        };
        out.push_str(&line);
    }
    out.push_str(&epilogue.replace("{{cmd}}", cmd));
    out
}

/// `__ssox_free_CMD NAME`: 0 when NAME is free or already ssox's alias; else 1, and NAME with
/// what holds it is added to `__ssox_skipped`. (Non-interactive bash leaves aliases out of
/// `type`, hence `alias` first.)
const BASH_PRELUDE: &str = r#"__ssox_free_{{cmd}}() {
    local __ssox_kind
    if [[ $(alias "$1" 2>/dev/null) == "alias $1='{{cmd}} use $1'" ]]; then
        return 0
    elif alias "$1" >/dev/null 2>&1; then
        __ssox_kind='an alias'
    elif __ssox_kind=$(type -t "$1"); then
        case $__ssox_kind in
            file) __ssox_kind='a command' ;;
            builtin) __ssox_kind='a shell builtin' ;;
            keyword) __ssox_kind='a shell keyword' ;;
            *) __ssox_kind="a $__ssox_kind" ;;
        esac
    else
        return 0
    fi
    __ssox_skipped="${__ssox_skipped:+$__ssox_skipped, }$1 (already $__ssox_kind)"
    return 1
}
"#;

const ZSH_PRELUDE: &str = r#"function __ssox_free_{{cmd}} {
    emulate -L zsh
    local __ssox_kind
    if [[ ${aliases[$1]-} == "{{cmd}} use $1" ]]; then
        return 0
    fi
    __ssox_kind=$(whence -w -- "$1") || return 0
    case ${__ssox_kind##*: } in
        (alias) __ssox_kind='an alias' ;;
        (function) __ssox_kind='a function' ;;
        (builtin) __ssox_kind='a shell builtin' ;;
        (reserved) __ssox_kind='a shell keyword' ;;
        (*) __ssox_kind='a command' ;;
    esac
    __ssox_skipped="${__ssox_skipped:+$__ssox_skipped, }$1 (already $__ssox_kind)"
    return 1
}
"#;

const POSIX_EPILOGUE: &str = r#"if [ -n "$__ssox_skipped" ]; then
    printf '%s\n' "ssox: --aliases skipped $__ssox_skipped; switch to these with: {{cmd}} use NAME" >&2
fi
unset -f __ssox_free_{{cmd}}
unset __ssox_skipped
"#;

const FISH_PRELUDE: &str = r#"function __ssox_free_{{cmd}} --argument-names name
    if functions -q -- $name
        set -l details (functions -Dv -- $name)
        test "$details[5]" = "{{cmd}} use $name"; and return 0
    end
    set -l kind (type -t -- $name 2>/dev/null); or return 0
    switch $kind
        case function
            set kind 'a function'
        case builtin
            set kind 'a shell builtin'
        case '*'
            set kind 'a command'
    end
    set -ga __ssox_skipped "$name (already $kind)"
    return 1
end
"#;

const FISH_EPILOGUE: &str = r#"if set -q __ssox_skipped[1]
    printf '%s\n' "ssox: --aliases skipped "(string join ', ' -- $__ssox_skipped)"; switch to these with: {{cmd}} use NAME" >&2
end
functions -e __ssox_free_{{cmd}}
set -e __ssox_skipped
"#;

const PWSH_PRELUDE: &str = r#"function ssoxFree_{{cmd}}([string]$Name) {
    $c = Get-Command -Name $Name -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $c) { return $true }
    if ($c.CommandType -eq 'Function' -and $c.Definition -clike "*{{cmd}} use '$Name' @args*") { return $true }
    $script:ssoxSkipped += "$Name (already a PowerShell $($c.CommandType))"
    return $false
}
"#;

const PWSH_EPILOGUE: &str = r#"if ($ssoxSkipped) {
    [Console]::Error.WriteLine('ssox: --aliases skipped ' + ($ssoxSkipped -join ', ') + '; switch to these with: {{cmd}} use NAME')
}
Remove-Item -ErrorAction SilentlyContinue Function:ssoxFree_{{cmd}}
Remove-Variable -ErrorAction SilentlyContinue ssoxSkipped
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_names() {
        assert!(alias_ok("blog_admin", "ssox"));
        assert!(alias_ok("blog-dev", "ssox"));
        for bad in [
            "a b", "it's", "$(id)", "x;y", "ü", "-x", "1a", "test", "ssox", "sx", "a.b",
        ] {
            assert!(!alias_ok(bad, "sx"), "{bad}");
        }
        assert_eq!(
            alias_refusal("test", "sx"),
            Some("a shell keyword or builtin")
        );
        assert_eq!(alias_refusal("sx", "sx"), Some("the name of ssox itself"));
        assert_eq!(alias_refusal("a b", "sx"), Some("not a valid alias name"));
        assert_eq!(
            alias_refusal("1a", "sx"),
            Some("not a valid alias name"),
            "a leading digit"
        );
    }

    #[test]
    fn refusals_are_listed_once_and_escaped() {
        let names = [
            "blog_admin".to_string(),
            "a b".to_string(),
            "test".to_string(),
            "x\x1b]0".to_string(),
        ];
        assert_eq!(
            refused("sx", &names),
            [
                "\"a b\" (not a valid alias name)",
                "test (a shell keyword or builtin)",
                "\"x\\u{1b}]0\" (not a valid alias name)",
            ]
        );
    }

    #[test]
    fn alias_lines_per_shell() {
        let names = [
            "blog_admin".to_string(),
            "a b".to_string(),
            "test".to_string(),
        ];
        let bash = alias_lines(Shell::Bash, "sx", &names);
        assert!(bash.contains(
            "__ssox_skipped='\"a b\" (not a valid alias name), test (a shell keyword or builtin)'\n"
        ));
        assert!(bash.contains(
            "if __ssox_free_sx blog_admin; then alias blog_admin='sx use blog_admin'; fi\n"
        ));
        assert!(bash.ends_with("unset -f __ssox_free_sx\nunset __ssox_skipped\n"));
        let zsh = alias_lines(Shell::Zsh, "ssox", &names);
        assert!(zsh.contains(
            "if __ssox_free_ssox blog_admin; then alias blog_admin='ssox use blog_admin'; fi\n"
        ));
        let fish = alias_lines(Shell::Fish, "ssox", &names);
        assert!(fish.contains(
            "set -g __ssox_skipped '\"a b\" (not a valid alias name)' 'test (a shell keyword or builtin)'\n"
        ));
        assert!(fish.contains(
            "if __ssox_free_ssox blog_admin; function blog_admin --description 'ssox use blog_admin'; \
             ssox use 'blog_admin' $argv; end; end\n"
        ));
        let pwsh = alias_lines(Shell::PowerShell, "ssox", &names);
        assert!(pwsh.contains(
            "if (ssoxFree_ssox 'blog_admin') { function global:blog_admin { ssox use 'blog_admin' @args } }\n"
        ));
        for (open, close) in [('{', '}'), ('(', ')'), ('[', ']')] {
            assert_eq!(pwsh.matches(open).count(), pwsh.matches(close).count());
        }
        assert_eq!(alias_lines(Shell::Bash, "sx", &[]), "");
    }
}
