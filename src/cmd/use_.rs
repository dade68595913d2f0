//! `ssox use NAME`: print eval-safe shell code that switches the profile (see `switch`), or
//! `--clear` it; `use -` switches back to the previous one; without NAME, choose it in the menu
//! as `pick` does. The network only with `--login` (or `SSOX_AUTO_LOGIN=1` on a terminal) when
//! the session needs a login.

use anyhow::{bail, Result};

use crate::cli::UseArgs;
use crate::output::print_stdout;
use crate::profiles::load_config_for;
use crate::settings::{Settings, STATIC_KEY_VARS};
use crate::shell::{self, Shell};
use crate::switch::{self, Switch};
use crate::ui::warn;
use crate::NoTerminal;

pub fn run(args: UseArgs, settings: &Settings) -> Result<()> {
    let shell = Shell::chosen(args.shell.shell, settings.shell_name.as_deref());
    if args.clear {
        let mut code = shell::clear(shell, &STATIC_KEY_VARS);
        code.push_str(&shell::remember_previous(
            shell,
            settings.active_profile(),
            None,
        ));
        return print_stdout(&code);
    }
    let how = Switch {
        shell,
        login: args.login,
        region: args.region.as_deref(),
    };
    let name = match args.name.as_deref() {
        None => {
            return switch::pick(None, &how, settings, super::now()).map_err(|e| {
                if e.is::<NoTerminal>() {
                    anyhow::anyhow!("use needs a profile name or a terminal for the menu")
                } else {
                    e
                }
            })
        }
        Some("-") => {
            let name = switch::previous(settings)?;
            warn(&format!("back to {name}"));
            name
        }
        Some(name) => name.to_string(),
    };
    if name.is_empty() {
        bail!("the profile name is empty; run: ssox list");
    }
    let config = load_config_for(settings, &name)?;
    switch::switch(&config, &name, &how, settings, super::now())
}
