//! `ssox sync [SESSION…]`: one profile per account and role the session's token can see, written
//! to the config file (see `sync::run`). Prints the summary on stdout (the diff with
//! `--dry-run`); progress, questions and warnings go to stderr.

use anyhow::Result;

use crate::cli::SyncArgs;
use crate::settings::Settings;
use crate::sync::run::{sync, Options};

pub fn run(args: SyncArgs, settings: &Settings) -> Result<()> {
    sync(
        settings,
        &Options {
            sessions: args.sessions,
            all: args.all,
            template: args.name,
            region: args.region,
            prune: args.prune,
            rename: args.rename,
            dry_run: args.dry_run,
            yes: args.yes,
        },
    )
}
