//! One file per subcommand, each gluing config, cache, shell, picker and aws together; shared
//! glue lives here. Must not parse config text, draw menus or touch tokio/the SDK directly.

mod completions;
mod console;
mod creds;
mod exec;
mod init;
mod list;
mod login;
mod logout;
mod pick;
mod status;
mod use_;
mod whoami;

use std::io::{IsTerminal, Write};

use anyhow::Result;

use crate::cli::Command;
use crate::config::Config;
use crate::settings::Settings;

pub fn run(command: Command, settings: &Settings) -> Result<()> {
    match command {
        Command::Use(a) => use_::run(a, settings),
        Command::List(a) => list::run(a, settings),
        Command::Pick(a) => pick::run(a, settings),
        Command::Login(a) => login::run(a, settings),
        Command::Logout(a) => logout::run(a, settings),
        Command::Status(a) => status::run(a, settings),
        Command::Init(a) => init::run(a, settings),
        Command::Completions(a) => completions::run(a, settings),
        Command::Whoami(a) => whoami::run(a, settings),
        Command::Creds(a) => creds::run(a, settings),
        Command::Exec(a) => exec::run(a, settings),
        Command::Console(a) => console::run(a, settings),
    }
}

/// Read the config and credentials files named by the settings.
pub fn load_config(settings: &Settings) -> Result<Config> {
    crate::config::load(&settings.config_file, &settings.credentials_file, |p| {
        settings.display_path(p)
    })
}

/// `load_config` for a command about one profile: other profiles are passed over unread, which
/// keeps `use`, `status --prompt` and `creds` fast on configs with thousands of profiles.
pub fn load_config_for(settings: &Settings, profile: &str) -> Result<Config> {
    crate::config::load_profile(
        &settings.config_file,
        &settings.credentials_file,
        |p| settings.display_path(p),
        profile,
    )
}

/// Write to stdout; a closed pipe (`ssox list | head`) is not an error.
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Whether to color stdout: a terminal, and `NO_COLOR` unset.
pub fn stdout_color(settings: &Settings) -> bool {
    !settings.no_color && std::io::stdout().is_terminal()
}

/// Now, as the wall clock says (commands pass it down so the logic below stays testable).
pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
