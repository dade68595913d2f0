//! One thin file per subcommand: arguments in, output out. The decisions live below (`session`
//! for tokens, `profiles` for the rows, `switch`, `shell`, `ui`, `aws`); no file here imports
//! another command's file. Must not parse config text, draw menus or touch tokio/the SDK.

mod allow;
mod completions;
mod configure;
mod console;
mod creds;
mod deny;
mod doctor;
mod exec;
mod here;
mod hook;
mod init;
mod list;
mod login;
mod logout;
mod man;
mod pick;
mod serve;
mod status;
mod sync;
mod use_;
mod whoami;

use anyhow::Result;

use crate::cli::Command;
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
        Command::Man(a) => man::run(a, settings),
        Command::Whoami(a) => whoami::run(a, settings),
        Command::Creds(a) => creds::run(a, settings),
        Command::Exec(a) => exec::run(a, settings),
        Command::Serve(a) => serve::run(a, settings),
        Command::Console(a) => console::run(a, settings),
        Command::Configure(a) => configure::run(a, settings),
        Command::Sync(a) => sync::run(a, settings),
        Command::Doctor(a) => doctor::run(a, settings),
        Command::Allow(a) => allow::run(a, settings),
        Command::Deny(a) => deny::run(a, settings),
        Command::Here(a) => here::run(a, settings),
        Command::Hook(a) => hook::run(a, settings),
    }
}

/// Now, as the wall clock says (commands pass it down so the logic below stays testable).
fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
