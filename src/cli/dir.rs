//! The arguments of the directory commands (`allow`, `deny`, `here`, the hidden `hook`); clap
//! definitions only.

use std::path::PathBuf;

use clap::Args;

use super::ShellOpt;

#[derive(Debug, Args)]
pub struct DirArgs {
    /// A .ssox.toml, or a directory it applies in [default: the current directory]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HereArgs {}

#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(flatten)]
    pub shell: ShellOpt,
}
