//! Command-line definitions (clap derive) and nothing else: no I/O, no env reads, no logic.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::shell::init::SCRIPT_SHELLS;
use crate::shell::Shell;

#[derive(Debug, Parser)]
#[command(
    name = "ssox",
    version,
    about = "Fast AWS IAM Identity Center (SSO) login and profile switching, compatible with the AWS CLI v2",
    after_help = "Shell integration: eval \"$(ssox init bash)\" (or zsh, fish, powershell). \
`ssox COMMAND --help` shows each command's options and examples; README.md has more."
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
    /// Print the man page (roff) of ssox and every command
    Man(ManArgs),
    /// Show the caller identity (STS GetCallerIdentity) of a profile
    Whoami(WhoamiArgs),
    /// Print role credentials in the AWS CLI's export formats or as credential_process JSON
    Creds(CredsArgs),
    /// Run a command with a profile's role credentials in its environment
    Exec(ExecArgs),
    /// Serve credentials to containers and long-running programs (the SDKs' container provider)
    Serve(ServeArgs),
    /// Open (or print) an AWS console sign-in URL for a profile's role
    Console(ConsoleArgs),
    /// Check the config, tokens, environment, shell integration and browser; print the fixes
    Doctor(DoctorArgs),
    /// Write an sso-session to the config (asked for on a terminal), log in, and offer to sync
    Configure(ConfigureArgs),
    /// Write a profile for every account and role the session's token can see (network)
    Sync(SyncArgs),
    /// Trust the .ssox.toml that applies here (or at PATH), so the shell switches to its profile
    #[command(after_help = "Examples:
  ssox allow                   trust ./.ssox.toml (or the nearest one above)
  ssox allow ~/src/shop        trust the .ssox.toml that applies in ~/src/shop
A changed file needs a new `ssox allow`.")]
    Allow(DirArgs),
    /// Forget the trust in the .ssox.toml that applies here (or at PATH)
    #[command(after_help = "Examples:
  ssox deny                    stop switching to ./.ssox.toml's profile (or the nearest one's)
  ssox deny ~/src/shop/.ssox.toml")]
    Deny(DirArgs),
    /// Show which .ssox.toml applies here, whether it is trusted, and what it sets
    #[command(after_help = "Examples:
  ssox here                    the file, its profile and region, trusted or not
  ssox use shop_admin --here   write ./.ssox.toml for this directory and trust it")]
    Here(HereArgs),
    /// The shell integration's directory hook: shell code for entering or leaving a .ssox.toml tree
    #[command(hide = true)]
    Hook(HookArgs),
}

/// The command groups of `ssox --help`, in order.
pub const COMMAND_GROUPS: [(&str, &[&str]); 5] = [
    ("Daily", &["login", "use", "pick", "status", "list"]),
    (
        "Setup",
        &["configure", "sync", "init", "completions", "man"],
    ),
    ("Directories", &["here", "allow", "deny"]),
    (
        "Credentials",
        &["whoami", "creds", "exec", "serve", "console"],
    ),
    ("Maintenance", &["logout", "doctor"]),
];

/// The command line's definition, with `ssox --help` listing the commands by group.
pub fn command() -> clap::Command {
    let cmd = Cli::command();
    let width = COMMAND_GROUPS
        .iter()
        .flat_map(|(_, names)| names.iter())
        .map(|n| n.len())
        .max()
        .unwrap_or(0);
    let mut groups = String::new();
    for (title, names) in COMMAND_GROUPS {
        groups.push_str(title);
        groups.push_str(":\n");
        for name in names {
            let about = cmd
                .find_subcommand(name)
                .and_then(clap::Command::get_about)
                .map(ToString::to_string)
                .unwrap_or_default();
            groups.push_str(&format!("  {name:<width$}  {about}\n"));
        }
        groups.push('\n');
    }
    cmd.help_template(format!(
        "{{before-help}}{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{groups}\
         Options:\n{{options}}{{after-help}}"
    ))
}

/// Parse the process's arguments (`--help`, `--version` and usage errors are `Err`).
///
/// The grouped help text is only built when clap has something to show besides the version:
/// the arguments are parsed without it, then again with it. The parsed `Command` is leaked (the
/// process ends soon after). Together a third of clap's cost in every run (callgrind).
pub fn parse() -> Result<Cli, clap::Error> {
    let mut plain = Cli::command();
    let parsed = plain.try_get_matches_from_mut(std::env::args_os());
    std::mem::forget(plain);
    match parsed {
        Ok(matches) => Cli::from_arg_matches(&matches),
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayVersion => Err(e),
        Err(_) => Cli::from_arg_matches(&command().try_get_matches()?),
    }
}

#[derive(Debug, Args)]
pub struct ShellOpt {
    /// Shell syntax to print [default: $SSOX_SHELL, else basename of $SHELL, else POSIX sh
    /// (PowerShell on Windows)]
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
#[command(after_help = "Examples:
  ssox use blog_admin                      switch this shell (through `ssox init`)
  ssox use blog_admin --region eu-west-1   also set AWS_REGION and AWS_DEFAULT_REGION
  ssox use -                               back to the previous profile, as `cd -`")]
pub struct UseArgs {
    /// Profile to switch to; `-` for the one this shell used before; omit to pick from a menu
    #[arg(conflicts_with = "clear")]
    pub name: Option<String>,
    /// Only unset AWS_PROFILE, AWS_DEFAULT_PROFILE and static credential variables
    #[arg(long)]
    pub clear: bool,
    /// Log in first when the profile's session has no valid token
    #[arg(long, conflicts_with = "clear")]
    pub login: bool,
    /// Also set AWS_REGION and AWS_DEFAULT_REGION in this shell
    #[arg(long, value_name = "REGION", conflicts_with = "clear")]
    pub region: Option<String>,
    /// Also write NAME (and --region) to ./.ssox.toml and trust it: this directory's profile
    #[arg(long, conflicts_with = "clear", requires = "name")]
    pub here: bool,
    #[command(flatten)]
    pub shell: ShellOpt,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ssox list                    every profile, its account, role and token state
  ssox list --sessions         every sso-session and legacy start URL
  ssox list --json | jq '.[] | select(.token != \"valid\") | .name'")]
pub struct ListArgs {
    /// Print a JSON array of profiles
    #[arg(long, conflicts_with = "names")]
    pub json: bool,
    /// Print profile names only, one per line
    #[arg(long)]
    pub names: bool,
    /// List sso-sessions and legacy start URLs instead of profiles (with --names: session names)
    #[arg(long)]
    pub sessions: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ssox pick                    choose in the menu (most recently picked first)
  ssox pick shop               the menu filtered by `shop`, or the only match at once
  eval \"$(ssox pick)\"          without the shell integration")]
pub struct PickArgs {
    /// Initial filter; an exact name or a single match is chosen without a menu
    pub query: Option<String>,
    #[command(flatten)]
    pub shell: ShellOpt,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ssox login                   the session of $AWS_PROFILE, the only one, or a menu
  ssox login --all             every sso-session, one after another
  ssox login --use blog_admin  log in to blog_admin's session and switch this shell to it")]
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
    /// Sign in on any device and paste back the code it shows (`aws login --remote`, for an
    /// `aws login` profile); for an sso-session the same as --device-code
    #[arg(long, conflicts_with = "pkce")]
    pub remote: bool,
    /// Port on 127.0.0.1 the browser returns to with --pkce [default: a free port]; fix it to
    /// forward it over SSH
    #[arg(long, value_name = "N", conflicts_with = "device_code",
          value_parser = clap::value_parser!(u16).range(1..))]
    pub redirect_port: Option<u16>,
    /// Log in to PROFILE's session, then print shell code switching to it (as `use`). The
    /// older spelling `ssox login PROFILE --use` works too.
    #[arg(
        long = "use",
        value_name = "PROFILE",
        num_args = 0..=1,
        conflicts_with = "all"
    )]
    pub use_profile: Option<Option<String>>,
    #[command(flatten)]
    pub shell: ShellOpt,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ssox logout                  the session of $AWS_PROFILE (or the only one)
  ssox logout my_sso_session   revoke and delete that session's token
  ssox logout --all            every session with a cached token")]
pub struct LogoutArgs {
    /// sso-session or profile name [default: session of $AWS_PROFILE, or the only session]
    #[arg(conflicts_with = "all")]
    pub name: Option<String>,
    /// Log out of every session with a cached token
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ssox status                  the active profile and every session's token, no network
  ssox status --check          also ask the SSO portal whether each token is accepted
  ssox status --prompt         `blog_admin 7h`, for a shell prompt (recipes in README.md)")]
pub struct StatusArgs {
    /// Print JSON
    #[arg(long, conflicts_with = "prompt")]
    pub json: bool,
    /// Verify tokens against the SSO portal (network)
    #[arg(long)]
    pub check: bool,
    /// One short line for a shell prompt, e.g. "blog_admin 7h" ("exec:blog_admin 55m" in the
    /// shell of `ssox exec`); empty when no profile is set
    #[arg(long, conflicts_with = "check")]
    pub prompt: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  eval \"$(ssox init bash)\"              in ~/.bashrc (zsh: ~/.zshrc, after compinit)
  ssox init fish | source               in ~/.config/fish/config.fish
  eval \"$(ssox init zsh --aliases)\"     also one alias per profile: `blog_admin` switches")]
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
    /// Leave out the hook that switches the profile by directory (.ssox.toml)
    #[arg(long)]
    pub no_dir_hook: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ssox completions bash > ~/.local/share/bash-completion/completions/ssox
  ssox completions fish > ~/.config/fish/completions/ssox.fish")]
pub struct CompletionsArgs {
    #[arg(value_parser = script_shell())]
    pub shell: Shell,
    /// Name the completions are registered for
    #[arg(long, default_value = "ssox", value_name = "NAME")]
    pub cmd: String,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ssox man | man -l -                        read it now
  ssox man > /usr/local/share/man/man1/ssox.1  install it")]
pub struct ManArgs {}

#[derive(Debug, Args)]
#[command(
    after_help = "Each line is ok, warn or fail, with the fix; the exit code is 1 when a \
line fails. Run it through the shell integration (`ssox doctor` after `ssox init`) so it can \
see the shell's aliases.

Examples:
  ssox doctor                  everything that needs no network
  ssox doctor --network        also the clock against the SSO portal and each token"
)]
pub struct DoctorArgs {
    /// Also compare the clock with the SSO portal's and ask it about each valid token (network)
    #[arg(long)]
    pub network: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Without --start-url and --region, asks on a terminal: the start URL (`my-org` \
stands for https://my-org.awsapps.com/start), the region, the session's name, its registration \
scopes and the region of its profiles. Run again for an existing session, it offers the current \
values (Enter keeps them). Without a terminal, what is not given is the current value or the \
default.

Examples:
  ssox configure               ask, write [sso-session NAME], log in, offer to sync
  ssox configure --session corp --start-url corp --region eu-west-1 --sync"
)]
pub struct ConfigureArgs {
    /// sso-session name [default: from the start URL, e.g. my-org]
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// AWS access portal URL; `my-org` or `d-1234567890` stands for https://NAME.awsapps.com/start
    #[arg(long, value_name = "URL")]
    pub start_url: Option<String>,
    /// IAM Identity Center's region (sso_region), e.g. us-east-1
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Registration scopes, comma-separated [default: sso:account:access, which makes tokens
    /// refreshable]
    #[arg(long, value_name = "SCOPES")]
    pub scopes: Option<String>,
    /// Region of the profiles sync writes (ssox_profile_region) [default: the SSO region]
    #[arg(long, value_name = "REGION")]
    pub profile_region: Option<String>,
    /// Only write the session; do not log in
    #[arg(long)]
    pub no_login: bool,
    /// Then sync its profiles without asking
    #[arg(long)]
    pub sync: bool,
    /// Do not open a browser for the login; print the URL and code only
    #[arg(long, conflicts_with = "no_login")]
    pub no_browser: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Each profile gets sso_session, sso_account_id, sso_role_name, region, \
sso_account_name and sso_auto_populated = true. Only profiles sync wrote (sso_auto_populated = \
true) are ever updated or removed; a profile for the same account and role, hand-written or not, \
is left as it is. Names: --name with {account_name}, {account_id}, {role_name} and {session}, \
remembered in the session's section (ssox_profile_template), as --region is \
(ssox_profile_region).

Examples:
  ssox sync                    the active profile's session, the only one, or a menu
  ssox sync --dry-run          the change to the config file as a diff; nothing written
  ssox sync --all --prune      every session; remove profiles whose account or role is gone"
)]
pub struct SyncArgs {
    /// sso-sessions to sync [default: the active profile's session, the only one, or a menu]
    #[arg(value_name = "SESSION", conflicts_with = "all")]
    pub sessions: Vec<String>,
    /// Sync every sso-session in the config
    #[arg(long)]
    pub all: bool,
    /// Profile name template [default: the session's last, else {account_name}_{role_name}]
    #[arg(long, value_name = "TEMPLATE")]
    pub name: Option<String>,
    /// Region of the profiles written, remembered for the next sync [default: the session's
    /// last, else its sso_region]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Remove generated profiles whose account or role is gone (asks first on a terminal)
    #[arg(long)]
    pub prune: bool,
    /// Rename generated profiles whose names the naming rules now give differently (asks first
    /// on a terminal)
    #[arg(long)]
    pub rename: bool,
    /// Print the change to the config file as a unified diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Remove or rename without asking (with --prune, --rename); needed without a terminal
    #[arg(long)]
    pub yes: bool,
}

mod credentials;
mod dir;
pub use credentials::{ConsoleArgs, CredsArgs, CredsFormat, ExecArgs, ServeArgs, WhoamiArgs};
pub use dir::{DirArgs, HereArgs, HookArgs};

#[cfg(test)]
mod tests;
