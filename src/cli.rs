//! Command-line definitions (clap derive) and nothing else: no I/O, no env reads, no logic.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::shell::init::SCRIPT_SHELLS;
use crate::shell::Shell;

#[derive(Debug, Parser)]
#[command(
    name = "ssox",
    version,
    about = "Fast AWS IAM Identity Center (SSO) login and profile switching, compatible with the AWS CLI v2",
    after_help = "Shell integration: eval \"$(ssox init bash)\" (or zsh, fish, powershell). See README.md."
)]
pub struct Cli {
    /// Config file to read instead of $AWS_CONFIG_FILE or ~/.aws/config
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Explain what ssox does on stderr (never prints secrets)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print shell code that switches AWS_PROFILE to NAME (eval it, or use `ssox init`)
    Use(UseArgs),
    /// List every profile with its account, role, session, region and token state
    List(ListArgs),
    /// Choose a profile in a fuzzy menu and print the same shell code as `use`
    Pick(PickArgs),
    /// Log in to an sso-session (PKCE in a browser, or a device code), writing the AWS CLI's cache
    Login(LoginArgs),
    /// Revoke and delete cached SSO tokens and role credentials
    Logout(LogoutArgs),
    /// Show the active profile and every session's token state (no network unless --check)
    Status(StatusArgs),
    /// Print the shell integration script (function, completions, optional aliases)
    Init(InitArgs),
    /// Print shell completions only
    Completions(CompletionsArgs),
    /// Show the caller identity (STS GetCallerIdentity) of a profile
    Whoami(WhoamiArgs),
    /// Print role credentials in the AWS CLI's export formats or as credential_process JSON
    Creds(CredsArgs),
    /// Run a command with a profile's role credentials in its environment
    Exec(ExecArgs),
    /// Open (or print) an AWS console sign-in URL for a profile's role
    Console(ConsoleArgs),
}

#[derive(Debug, Args)]
pub struct ShellOpt {
    /// Shell syntax to print [default: $SSOX_SHELL, else basename of $SHELL, else POSIX sh]
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,
}

/// The `SHELL` of `init` and `completions`: a shell with an integration script (not sh).
fn script_shell() -> impl TypedValueParser<Value = Shell> {
    PossibleValuesParser::new(
        SCRIPT_SHELLS
            .iter()
            .filter_map(ValueEnum::to_possible_value),
    )
    .try_map(|name| Shell::from_str(&name, false))
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// Profile to switch to (omit to pick from a menu)
    #[arg(conflicts_with = "clear")]
    pub name: Option<String>,
    /// Only unset AWS_PROFILE, AWS_DEFAULT_PROFILE and static credential variables
    #[arg(long)]
    pub clear: bool,
    /// Log in first when the profile's session has no valid token
    #[arg(long, conflicts_with = "clear")]
    pub login: bool,
    #[command(flatten)]
    pub shell: ShellOpt,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print a JSON array of profiles
    #[arg(long, conflicts_with = "names")]
    pub json: bool,
    /// Print profile names only, one per line
    #[arg(long)]
    pub names: bool,
    /// List sso-sessions instead of profiles (with --names: session names)
    #[arg(long)]
    pub sessions: bool,
}

#[derive(Debug, Args)]
pub struct PickArgs {
    /// Initial filter; an exact name or a single match is chosen without a menu
    pub query: Option<String>,
    #[command(flatten)]
    pub shell: ShellOpt,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// sso-session or profile name [default: session of $AWS_PROFILE, or the only session]
    #[arg(conflicts_with = "all")]
    pub name: Option<String>,
    /// Log in to every sso-session in the config, one after another
    #[arg(long)]
    pub all: bool,
    /// Log in even if a valid token is cached
    #[arg(long)]
    pub force: bool,
    /// Do not open a browser; print the URL (and code) only
    #[arg(long)]
    pub no_browser: bool,
    /// Log in with a device code, approved in a browser on any device [default where no browser
    /// can open here: over SSH, without a display]
    #[arg(long, visible_alias = "use-device-code", conflicts_with = "pkce")]
    pub device_code: bool,
    /// Log in in a browser on this machine that hands the code back to ssox (PKCE) [default where
    /// a browser can open; SSOX_LOGIN_FLOW=pkce|device changes the default]
    #[arg(long)]
    pub pkce: bool,
    /// Port on 127.0.0.1 the browser returns to with --pkce [default: a free port]; fix it to
    /// forward it over SSH
    #[arg(long, value_name = "N", conflicts_with = "device_code",
          value_parser = clap::value_parser!(u16).range(1..))]
    pub redirect_port: Option<u16>,
    /// After logging in, print shell code switching to the profile NAME (used by `ssox init`)
    #[arg(long = "use", conflicts_with = "all")]
    pub use_profile: bool,
    #[command(flatten)]
    pub shell: ShellOpt,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// sso-session or profile name [default: session of $AWS_PROFILE, or the only session]
    #[arg(conflicts_with = "all")]
    pub name: Option<String>,
    /// Log out of every session with a cached token
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON
    #[arg(long, conflicts_with = "prompt")]
    pub json: bool,
    /// Verify tokens against the SSO portal (network)
    #[arg(long)]
    pub check: bool,
    /// One short line for a shell prompt, e.g. "blog_admin 7h"; empty when no profile is set
    #[arg(long, conflicts_with = "check")]
    pub prompt: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(value_parser = script_shell())]
    pub shell: Shell,
    /// Name of the shell function to define
    #[arg(long, default_value = "ssox", value_name = "NAME")]
    pub cmd: String,
    /// Also define one alias per profile (`blog_admin` runs `ssox use blog_admin`)
    #[arg(long)]
    pub aliases: bool,
    /// Do not load completions
    #[arg(long)]
    pub no_completions: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_parser = script_shell())]
    pub shell: Shell,
    /// Name the completions are registered for
    #[arg(long, default_value = "ssox", value_name = "NAME")]
    pub cmd: String,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// Profile [default: $AWS_PROFILE]
    pub profile: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CredsFormat {
    Env,
    EnvNoExport,
    Fish,
    Powershell,
    WindowsCmd,
    Process,
}

#[derive(Debug, Args)]
pub struct CredsArgs {
    /// Profile [default: $AWS_PROFILE]
    pub profile: Option<String>,
    /// Output format, as `aws configure export-credentials --format`; `process` is credential_process JSON
    #[arg(long, value_enum, default_value = "env")]
    pub format: CredsFormat,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Profile whose role credentials the command gets
    pub profile: String,
    /// Command and arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Environment: SSOX_SIGNIN_ENDPOINT overrides the federation endpoint \
(default https://signin.aws.amazon.com/federation; for tests and partitions)."
)]
pub struct ConsoleArgs {
    /// Profile [default: $AWS_PROFILE]
    pub profile: Option<String>,
    /// Print the sign-in URL instead of opening a browser
    #[arg(long)]
    pub print: bool,
    /// Console page to open after sign-in
    #[arg(long, value_name = "URL")]
    pub destination: Option<String>,
}
