//! `ssox completions SHELL`: print the completion script alone (clap's static script plus the
//! dynamic profile/session-name completer from src/shell/init.rs). No config read, no network.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, InitShell};
use crate::settings::Settings;
use crate::shell::init::{self, Target};

use super::print_stdout;

pub fn run(args: CompletionsArgs, _settings: &Settings) -> Result<()> {
    let target = target(args.shell);
    init::validate_cmd(&args.cmd)?;
    print_stdout(&init::completions(
        target,
        &args.cmd,
        &clap_script(target, &args.cmd),
    ))
}

/// The init target for a `SHELL` argument.
pub fn target(shell: InitShell) -> Target {
    match shell {
        InitShell::Bash => Target::Bash,
        InitShell::Zsh => Target::Zsh,
        InitShell::Fish => Target::Fish,
        InitShell::Powershell => Target::PowerShell,
    }
}

/// clap_complete's static script for every subcommand and flag, registered for `cmd`.
pub fn clap_script(target: Target, cmd: &str) -> String {
    let shell = match target {
        Target::Bash => clap_complete::Shell::Bash,
        Target::Zsh => clap_complete::Shell::Zsh,
        Target::Fish => clap_complete::Shell::Fish,
        Target::PowerShell => clap_complete::Shell::PowerShell,
    };
    let mut command = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command, cmd, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The markers src/shell/init.rs relies on are in clap_complete's real output.
    #[test]
    fn clap_output_has_the_expected_hooks() {
        let bash = clap_script(Target::Bash, "sx");
        assert!(bash.starts_with("_sx() {\n"));
        let zsh = clap_script(Target::Zsh, "sx");
        assert!(zsh.contains("\nif [ \"$funcstack[1]\" = \"_sx\" ]; then"));
        let c = init::completions(Target::Zsh, "sx", &zsh);
        assert!(!c.contains("compdef _sx sx"));
        let pwsh = clap_script(Target::PowerShell, "sx");
        assert!(
            pwsh.contains("Register-ArgumentCompleter -Native -CommandName 'sx' -ScriptBlock {")
        );
        let c = init::completions(Target::PowerShell, "sx", &pwsh);
        assert_eq!(c.matches("Register-ArgumentCompleter").count(), 1);
        let fish = clap_script(Target::Fish, "sx");
        assert!(fish.contains("complete -c sx -n \"__fish_sx_needs_command\" -f -a \"use\""));
    }
}
