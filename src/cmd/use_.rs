//! `ssox use NAME`: print eval-safe shell code that switches the profile (see `switch`), or
//! `--clear` it; without NAME, choose it in the menu as `pick` does. The network only with
//! `--login` (or `SSOX_AUTO_LOGIN=1` on a terminal) when the session needs a login.

use anyhow::Result;

use crate::cli::UseArgs;
use crate::output::print_stdout;
use crate::profiles::load_config_for;
use crate::settings::{Settings, STATIC_KEY_VARS};
use crate::shell::{self, Shell};
use crate::switch;

pub fn run(args: UseArgs, settings: &Settings) -> Result<()> {
    let shell = Shell::chosen(args.shell.shell, settings.shell_name.as_deref());
    if args.clear {
        return print_stdout(&shell::clear(shell, &STATIC_KEY_VARS));
    }
    let Some(name) = args.name else {
        return switch::pick(None, shell, args.login, settings, super::now());
    };
    let config = load_config_for(settings, &name)?;
    switch::switch(&config, &name, shell, args.login, settings, super::now())
}
