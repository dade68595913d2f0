//! ssox as a library: the modules and `run`, which executes one parsed command line. `main.rs`
//! only parses arguments and maps the result to an exit code; benches and fuzz targets import
//! the modules from here.

// No panics on bad input: outside tests, an Option or Result is handled, never unwrapped
// (`cargo clippy` fails on one).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod accounts;
pub mod aws;
pub mod browser;
pub mod cache;
pub mod child;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod dirfile;
pub mod doctor;
pub mod error;
pub mod fsutil;
pub mod history;
pub mod output;
pub mod platform;
pub mod profiles;
pub mod serve;
pub mod session;
pub mod settings;
pub mod shell;
pub mod switch;
pub mod sync;
pub mod ui;

pub use error::{Cancelled, ExitWith, NoTerminal};

/// Run one command with the environment already read into `settings`.
pub fn run(cli: cli::Cli, settings: &settings::Settings) -> anyhow::Result<()> {
    ui::set_verbose(settings.verbose);
    aws::configure(settings);
    cmd::run(cli.command, settings)
}
