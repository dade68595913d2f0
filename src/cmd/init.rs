//! `ssox init SHELL`: print the shell integration script (function, completions, `--aliases`).
//! Reads the config only for `--aliases`, and never fails for it; no network.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, InitArgs};
use crate::output::print_stdout;
use crate::profiles::load_config;
use crate::settings::Settings;
use crate::shell::init;
use crate::ui::warn;

pub fn run(args: InitArgs, settings: &Settings) -> Result<()> {
    init::validate_cmd(&args.cmd)?;
    let aliases = if args.aliases {
        profile_names(settings)
    } else {
        Vec::new()
    };
    let clap = if args.no_completions {
        None
    } else {
        Some(init::clap_script(args.shell, Cli::command(), &args.cmd)?)
    };
    print_stdout(&init::script(
        args.shell,
        &args.cmd,
        &aliases,
        clap.as_deref(),
        !args.no_dir_hook,
    )?)
}

/// Profile names for `--aliases`. A shell's startup file must not break because of the config:
/// no config file means no aliases; any other problem is a warning on stderr.
fn profile_names(settings: &Settings) -> Vec<String> {
    crate::profiles::quiet();
    match load_config(settings) {
        Ok(config) => config.profiles.keys().cloned().collect(),
        Err(e) => {
            if settings.config_file.exists() || settings.credentials_file.exists() {
                warn(&format!("--aliases: {e:#}; no aliases defined"));
            }
            Vec::new()
        }
    }
}
