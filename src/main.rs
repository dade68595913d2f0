//! Entry point: parse arguments, read the environment once, run the command, and map errors to
//! exit codes (1 error, 130 cancelled, or a child's code). Must not contain command logic.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

use ssox::{cli, error, settings};

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let settings = settings::Settings::from_env(cli.config.clone(), cli.verbose);
    let result = ssox::run(cli, &settings);
    if let Err(e) = &result {
        if !error::is_silent(e) {
            eprintln!("{}", ssox::ui::error_line(e));
        }
    }
    ExitCode::from(error::exit_code(&result))
}
