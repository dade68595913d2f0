//! `ssox completions SHELL`: print the completion script alone (clap's static script plus the
//! dynamic profile/session-name completer from src/shell/init.rs). No config read, no network.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::output::print_stdout;
use crate::settings::Settings;
use crate::shell::init;

pub fn run(args: CompletionsArgs, _settings: &Settings) -> Result<()> {
    init::validate_cmd(&args.cmd)?;
    let clap = init::clap_script(args.shell, Cli::command(), &args.cmd)?;
    print_stdout(&init::completions(args.shell, &args.cmd, &clap)?)
}
