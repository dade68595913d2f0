//! `ssox hook --shell S` (hidden): what the shell integration runs when the directory changes.
//! Shell code on stdout that leaves or enters a `.ssox.toml` tree, one line on stderr for a file
//! that does not apply. Never fails, so a prompt never breaks; no network.

use anyhow::Result;

use crate::cli::HookArgs;
use crate::dirfile::{hook, resolve};
use crate::output::print_stdout;
use crate::settings::Settings;
use crate::shell::Shell;
use crate::ui::warn;

pub fn run(args: HookArgs, settings: &Settings) -> Result<()> {
    if settings.dir.disabled {
        return Ok(());
    }
    // It runs at every `cd`: the config's own warnings are `doctor`'s and the next command's.
    crate::profiles::quiet();
    let shell = Shell::chosen(args.shell.shell, settings.shell_name.as_deref());
    let here = match settings.cwd.as_deref() {
        Some(cwd) => resolve::here(settings, cwd),
        None => hook::Here::Nothing,
    };
    let plan = hook::plan(shell, &settings.dir, &here);
    for message in &plan.messages {
        warn(message);
    }
    print_stdout(&plan.code)
}
