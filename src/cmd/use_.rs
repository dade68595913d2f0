//! `ssox use NAME`: print eval-safe shell code that switches the profile (see `switch`), or
//! `--clear` it; `use -` switches back to the previous one; without NAME, choose it in the menu
//! as `pick` does. The network only with `--login` (or `SSOX_AUTO_LOGIN=1` on a terminal) when
//! the session needs a login.

use std::io::IsTerminal;

use anyhow::{bail, Result};

use crate::cli::UseArgs;
use crate::dirfile::{self, hook, resolve, trust};
use crate::fsutil;
use crate::output::print_stdout;
use crate::profiles::load_config_for;
use crate::settings::{DirEnv, Settings, STATIC_KEY_VARS};
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
    if args.here {
        config.profile(&name)?;
        return here(&name, how.region, shell, settings);
    }
    switch::switch(&config, &name, &how, settings, super::now())
}

/// `use NAME --here`: write `./.ssox.toml` (other lines of one already there kept), trust it,
/// and switch as the directory hook does on entering, so leaving restores this shell.
fn here(name: &str, region: Option<&str>, shell: Shell, settings: &Settings) -> Result<()> {
    if let Some(region) = region {
        switch::check_region(region)?;
    }
    let Some(cwd) = settings.cwd.as_deref() else {
        bail!("cannot read the current directory");
    };
    let path = cwd.join(dirfile::FILE_NAME);
    let shown = format!("./{}", dirfile::FILE_NAME);
    let old = match dirfile::read(&path, &shown) {
        Ok(file) => Some(file.text),
        Err(e) if path.symlink_metadata().is_err() => {
            let _ = e;
            None
        }
        Err(e) => return Err(e),
    };
    let text = dirfile::render(old.as_deref(), name, region);
    dirfile::parse(&text, &shown)?;
    fsutil::write_atomic(&path, text.as_bytes(), 0o644)?;
    let file = dirfile::read(&path, &shown)?;
    trust::allow(&settings.state_dir, &file)?;
    warn(&format!(
        "wrote and allowed {shown}: profile {}",
        shell::word(shell, name)
    ));
    let here = resolve::here(settings, cwd);
    let plan = hook::plan(
        shell,
        &DirEnv {
            disabled: false,
            ..settings.dir.clone()
        },
        &here,
    );
    for message in &plan.messages {
        warn(message);
    }
    if std::io::stdout().is_terminal() {
        let command = format!("ssox use {} --here", shell::word(shell, name));
        warn(&shell::eval_hint(shell, &command));
    }
    print_stdout(&plan.code)
}
