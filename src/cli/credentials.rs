//! The arguments of the credential commands (`whoami`, `creds`, `exec`, `serve`, `console`);
//! clap definitions only.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::ShellOpt;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ssox whoami                  the identity of $AWS_PROFILE
  ssox whoami shop_admin --json")]
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
#[command(after_help = "Examples:
  eval \"$(ssox creds blog_admin)\"          export the role's keys in this shell
  ssox creds --format fish | source        the same in fish, for $AWS_PROFILE
  ssox creds --format process blog_admin   what `credential_process = …` in a profile runs")]
pub struct CredsArgs {
    /// Profile [default: $AWS_PROFILE]
    pub profile: Option<String>,
    /// Output format, as `aws configure export-credentials --format`; `process` is credential_process JSON
    #[arg(long, value_enum, default_value = "env")]
    pub format: CredsFormat,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ssox exec blog_admin aws s3 ls                 one command with the role's credentials
  ssox exec blog_admin                           a new $SHELL with them (`exit` to leave)
  ssox exec --server blog_admin -- npm run dev   fresh credentials for as long as it runs")]
pub struct ExecArgs {
    /// Profile whose role credentials the command gets [default: $AWS_PROFILE]
    pub profile: Option<String>,
    /// Serve the credentials to CMD from a private endpoint on 127.0.0.1 (the container
    /// credential variables only, no keys), so that a long-running CMD keeps getting fresh ones
    #[arg(long)]
    pub server: bool,
    /// The command typed without `--` (`ssox exec PROFILE aws sts …`, as aws-vault takes it)
    #[arg(value_name = "CMD", allow_hyphen_values = true, hide = true)]
    pub loose: Vec<std::ffi::OsString>,
    /// Command and arguments (`--` before them is optional after a PROFILE) [default: $SHELL,
    /// with SSOX_EXEC_PROFILE set for the prompt]
    #[arg(last = true, value_name = "CMD")]
    pub after_dashes: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Runs in the foreground, logging one line per request on stderr; Ctrl-C \
(or SIGTERM) stops it. The shell code (or env file) goes to stdout, which is closed afterwards so \
that `$(…)` and `<(…)` see its end. With --profile only that profile is served; without it, \
any profile at /profiles/NAME. A request must name the server's address in its Host header. \
README.md shows the Docker and SSH recipes.

Examples:
  ssox serve --profile blog_admin                 shell code for other shells, then serve
  ssox serve --print-env --port 9911 > ssox.env   for docker run --network host --env-file ssox.env
  ssox serve --token-file ~/.ssox-serve-token     the same token after a restart"
)]
pub struct ServeArgs {
    /// Serve this profile and no other (`/` and the printed URI name it) [default: any profile,
    /// `/` the one in $AWS_PROFILE]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Port to listen on [default: a free one]
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Address to listen on. SDKs take plain http only from loopback addresses and
    /// 169.254.170.2; 0.0.0.0 listens everywhere
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Print the variables as a Docker --env-file (NAME=value lines) instead of shell code
    #[arg(long, conflicts_with = "shell")]
    pub print_env: bool,
    /// Take the bearer token from this file, so clients keep working across restarts; a missing
    /// file is created (0600) with a new random token; one that is not yours or that others may
    /// read is refused [default: a new random token]
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    #[command(flatten)]
    pub shell: ShellOpt,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Environment: SSOX_SIGNIN_ENDPOINT overrides the federation endpoint \
(default https://signin.aws.amazon.com/federation; for tests and partitions).

Examples:
  ssox console                              the console home as $AWS_PROFILE
  ssox console shop_admin --service s3 --region eu-west-1
  ssox console blog_admin --print           print the sign-in URL instead of opening it"
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
    /// Open this service's console page: s3, ec2, lambda, iam, cloudwatch, logs, … (any other
    /// name is taken as the page's path)
    #[arg(long, value_name = "SERVICE", conflicts_with = "destination")]
    pub service: Option<String>,
    /// Region of the console page [default: the profile's region]
    #[arg(long, value_name = "REGION", conflicts_with = "destination")]
    pub region: Option<String>,
}
