//! `ssox doctor [--network]`: run every check (see `doctor`) and print one line each, ok, warn
//! or fail with the fix; exit 1 when a check fails. No network (and no runtime) without
//! `--network`.

use anyhow::Result;

use crate::cli::DoctorArgs;
use crate::doctor::{self, Level};
use crate::output::{print_stdout, stdout_color};
use crate::settings::Settings;
use crate::ExitWith;

pub fn run(args: DoctorArgs, settings: &Settings) -> Result<()> {
    let lines = doctor::check(settings, args.network, super::now());
    print_stdout(&doctor::render(&lines, stdout_color(settings)))?;
    if lines.iter().any(|l| l.level == Level::Fail) {
        return Err(ExitWith(1).into());
    }
    Ok(())
}
