//! Entry point: parse arguments, read the environment once, run the command, and map errors to
//! exit codes (1 error, 130 cancelled, or a child's code). Must not contain command logic.

mod aws;
mod cache;
mod cli;
mod cmd;
mod config;
mod history;
mod picker;
mod role_cache;
mod settings;
mod shell;

use std::fmt;
use std::process::ExitCode;

use clap::Parser;

/// The user cancelled (Esc, Ctrl-C): exit 130, nothing more to say.
#[derive(Debug)]
pub struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// Exit with this code; whatever needed saying was said already (e.g. a child's exit code).
#[derive(Debug)]
pub struct ExitWith(pub u8);

impl fmt::Display for ExitWith {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for ExitWith {}

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let settings = settings::Settings::from_env(cli.config.clone(), cli.verbose);
    match cmd::run(cli.command, &settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<Cancelled>().is_some() => ExitCode::from(130),
        Err(e) => match e.downcast_ref::<ExitWith>() {
            Some(ExitWith(code)) => ExitCode::from(*code),
            None => {
                eprintln!("ssox: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}
