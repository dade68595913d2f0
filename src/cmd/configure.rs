//! `ssox configure`: write an sso-session (from flags, or asked for on a terminal), log in, and
//! sync its profiles when asked to (see `sync::setup`). Prints nothing on stdout but what the
//! sync prints.

use anyhow::Result;

use crate::cli::ConfigureArgs;
use crate::settings::Settings;
use crate::sync::setup::{configure, Options};

pub fn run(args: ConfigureArgs, settings: &Settings) -> Result<()> {
    configure(
        settings,
        &Options {
            session: args.session,
            start_url: args.start_url,
            region: args.region,
            scopes: args.scopes,
            profile_region: args.profile_region,
            no_login: args.no_login,
            sync: args.sync,
            no_browser: args.no_browser,
        },
    )
}
