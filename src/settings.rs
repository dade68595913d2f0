//! Every environment variable ssox reads, read once here into `Settings`; no other module calls
//! `std::env::var`. Must not do I/O beyond reading the environment.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Endpoint overrides from the environment (docs/compat.md#endpoints).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointEnv {
    pub sso_oidc: Option<String>,
    pub sso: Option<String>,
    pub sts: Option<String>,
    /// `AWS_ENDPOINT_URL_SIGNIN`: the sign-in service (`aws login` profiles' CreateOAuth2Token),
    /// named after its service id `Signin` as every SDK names these variables.
    pub signin: Option<String>,
    pub global: Option<String>,
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`
    pub ignore_configured: bool,
}

/// Where the config file's path came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ConfigSource {
    /// `~/.aws/config`
    #[default]
    Default,
    /// `AWS_CONFIG_FILE`
    Env,
    /// `--config`
    Flag,
}

/// The environment as ssox sees it. Built once in `main`; tests build it by hand.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub home: PathBuf,
    pub config_file: PathBuf,
    pub config_source: ConfigSource,
    pub credentials_file: PathBuf,
    /// `AWS_SHARED_CREDENTIALS_FILE` set (else the default path).
    pub credentials_from_env: bool,
    pub aws_profile: Option<String>,
    pub aws_default_profile: Option<String>,
    /// Names of static credential variables set in the environment (they override any profile).
    pub static_keys: Vec<&'static str>,
    /// `SSOX_SHELL`, else the basename of `SHELL`.
    pub shell_name: Option<String>,
    /// `SHELL`: the user's login shell, which `exec` without a command starts.
    pub shell_path: Option<PathBuf>,
    /// `SSOX_INTEGRATION`: set by the `ssox init` function (to its shell's name) for every call
    /// it passes through, so `doctor` knows the calling shell has the integration loaded.
    pub integration: Option<String>,
    /// `SSOX_ALIASES`: the calling shell's `alias` output, passed by the `ssox init` function to
    /// `doctor` (empty: the shell has no aliases; unset: not known).
    pub shell_aliases: Option<String>,
    /// `SSOX_PREVIOUS_PROFILE`: the profile this shell used before its last switch (`use -`).
    pub previous_profile: Option<String>,
    /// `SSOX_EXEC_PROFILE`: set in the shell `ssox exec PROFILE` starts (for `status --prompt`).
    pub exec_profile: Option<String>,
    /// `AWS_CREDENTIAL_EXPIRATION`, as set by `exec` or `creds`.
    pub credential_expiration: Option<String>,
    /// The directories of `PATH`, to find a browser opener.
    pub path_dirs: Vec<PathBuf>,
    pub no_color: bool,
    pub endpoints: EndpointEnv,
    /// `BROWSER`: the commands that open a URL, `:`-separated (see `browser::from_env`).
    pub browser: Option<String>,
    /// `SSH_CONNECTION` or `SSH_TTY` set.
    pub ssh: bool,
    /// `DISPLAY` or `WAYLAND_DISPLAY` set.
    pub display: bool,
    /// Running under WSL (`WSL_DISTRO_NAME` or `WSL_INTEROP` set).
    pub wsl: bool,
    /// `SSOX_AUTO_LOGIN=1`
    pub auto_login: bool,
    /// `SSOX_LOGIN_FLOW` (`pkce` or `device`): the login flow when no flag chooses one; checked
    /// where the flow is chosen.
    pub login_flow: Option<String>,
    /// `SSOX_PKCE_TIMEOUT_SECS`: how long a PKCE login waits for the browser. For tests; the
    /// default is the AWS CLI's 10 minutes.
    pub pkce_timeout: Option<Duration>,
    /// `SSOX_SIGNIN_ENDPOINT`: federation endpoint override for `console`.
    pub signin_endpoint: Option<String>,
    /// `SSOX_RETRY_BASE_MS`: the first retry delay of the SSO portal listing (`aws::portal::Backoff`;
    /// tests make it a few milliseconds). Ignored unless a whole number.
    pub retry_base: Option<Duration>,
    /// `AWS_LOGIN_CACHE_DIRECTORY`: where `aws login` keeps its credentials (`~` expanded).
    pub login_cache_dir: Option<PathBuf>,
    /// Directory for ssox's own state (pick history, locks, tokens the portal rejected).
    pub state_dir: PathBuf,
    /// `SSOX_READ_TIMEOUT_MS`: how long to wait for an answer to one request (default 30 s).
    pub read_timeout: Option<Duration>,
    /// `SSOX_COMMAND_TIMEOUT_MS`: how long a non-interactive command may spend on the network,
    /// retries included (default 30 s).
    pub command_timeout: Option<Duration>,
    pub verbose: bool,
    /// The directory hook's state in this shell (`dirfile::hook`).
    pub dir: DirEnv,
    /// The working directory (`None` when it was removed or cannot be read).
    pub cwd: Option<PathBuf>,
}

/// Static credential variables that override any profile in every SDK.
pub const STATIC_KEY_VARS: [&str; 4] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
];

/// Set by `ssox exec` in its child to the profile's name, so `ssox status --prompt` in a shell
/// started by `exec` shows whose credentials it holds.
pub const EXEC_PROFILE_VAR: &str = "SSOX_EXEC_PROFILE";

/// Set by `ssox use` (and `pick`, `login --use`) in the shell to the profile it switched away
/// from, as `cd` sets OLDPWD: `ssox use -` switches back to it.
pub const PREVIOUS_PROFILE_VAR: &str = "SSOX_PREVIOUS_PROFILE";

/// The variables a `.ssox.toml` may change (the profile pair, then the region pair); what the
/// shell had in each before is kept in `SSOX_DIR_SAVED_<NAME>` while the file applies.
pub const DIR_VARS: [&str; 4] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
];
/// The `.ssox.toml` whose values this shell has now (absolute path), its SHA-256, the profile
/// it set, which of [`DIR_VARS`] were saved, and the last untrusted file announced.
pub const DIR_FILE_VAR: &str = "SSOX_DIR_FILE";
pub const DIR_HASH_VAR: &str = "SSOX_DIR_HASH";
pub const DIR_PROFILE_VAR: &str = "SSOX_DIR_PROFILE";
pub const DIR_SAVED_VAR: &str = "SSOX_DIR_SAVED";
pub const DIR_SAVED_PREFIX: &str = "SSOX_DIR_SAVED_";
pub const DIR_NOTICED_VAR: &str = "SSOX_DIR_NOTICED";

/// What the directory hook keeps in the shell's environment (see [`DIR_VARS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirEnv {
    /// `SSOX_DIR_HOOK=0` (or `false`, `no`): the hook does nothing.
    pub disabled: bool,
    pub file: Option<String>,
    pub hash: Option<String>,
    pub profile: Option<String>,
    /// The names listed in `SSOX_DIR_SAVED` (only [`DIR_VARS`] are kept).
    pub saved: Vec<&'static str>,
    /// `SSOX_DIR_SAVED_<NAME>` for each of [`DIR_VARS`]: what the shell had before.
    pub saved_values: [Option<String>; 4],
    /// The current values of [`DIR_VARS`].
    pub current: [Option<String>; 4],
    pub noticed: Option<String>,
}

impl DirEnv {
    fn from_env() -> DirEnv {
        let listed = var(DIR_SAVED_VAR).unwrap_or_default();
        DirEnv {
            disabled: matches!(
                var("SSOX_DIR_HOOK")
                    .as_deref()
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
                Some("0" | "false" | "no" | "off")
            ),
            file: var(DIR_FILE_VAR),
            hash: var(DIR_HASH_VAR),
            profile: var(DIR_PROFILE_VAR),
            saved: DIR_VARS
                .iter()
                .copied()
                .filter(|v| listed.split(' ').any(|w| w == *v))
                .collect(),
            saved_values: DIR_VARS.map(|v| var(&format!("{DIR_SAVED_PREFIX}{v}"))),
            current: DIR_VARS.map(var),
            noticed: var(DIR_NOTICED_VAR),
        }
    }
}

fn var(name: &str) -> Option<String> {
    env::var_os(name)
        .map(|v: OsString| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty())
}

/// A positive number of milliseconds; anything else is ignored (the default applies).
fn millis(name: &str) -> Option<Duration> {
    var(name)?
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis)
}

fn truthy(name: &str) -> bool {
    matches!(
        var(name).as_deref().map(str::to_ascii_lowercase).as_deref(),
        Some("1" | "true" | "yes")
    )
}

impl Settings {
    /// Read the process environment. `config_override` is `--config`.
    pub fn from_env(config_override: Option<PathBuf>, verbose: bool) -> Settings {
        let home = crate::platform::home_dir().unwrap_or_else(|| PathBuf::from("."));
        let (config_file, config_source) = match (config_override, var("AWS_CONFIG_FILE")) {
            (Some(p), _) => (expand_tilde(&p, &home), ConfigSource::Flag),
            (None, Some(p)) => (expand_tilde(Path::new(&p), &home), ConfigSource::Env),
            (None, None) => (home.join(".aws").join("config"), ConfigSource::Default),
        };
        let credentials_env = var("AWS_SHARED_CREDENTIALS_FILE");
        let credentials_from_env = credentials_env.is_some();
        let credentials_file = credentials_env
            .map(|p| expand_tilde(Path::new(&p), &home))
            .unwrap_or_else(|| home.join(".aws").join("credentials"));
        let shell_name = var("SSOX_SHELL").or_else(|| {
            var("SHELL").and_then(|s| {
                Path::new(&s)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
        });
        let state_dir = dirs::state_dir()
            .or_else(dirs::cache_dir)
            .unwrap_or_else(|| home.join(".cache"))
            .join("ssox");
        Settings {
            config_file,
            config_source,
            credentials_file,
            credentials_from_env,
            aws_profile: var("AWS_PROFILE"),
            aws_default_profile: var("AWS_DEFAULT_PROFILE"),
            static_keys: STATIC_KEY_VARS
                .iter()
                .copied()
                .filter(|k| var(k).is_some())
                .collect(),
            shell_name,
            shell_path: var("SHELL").map(PathBuf::from),
            integration: var("SSOX_INTEGRATION"),
            // Empty is meaningful here (no aliases), unlike for the other variables.
            shell_aliases: env::var_os("SSOX_ALIASES").map(|v| v.to_string_lossy().into_owned()),
            previous_profile: var(PREVIOUS_PROFILE_VAR),
            exec_profile: var(EXEC_PROFILE_VAR),
            credential_expiration: var("AWS_CREDENTIAL_EXPIRATION"),
            path_dirs: env::var_os("PATH")
                .map(|p| env::split_paths(&p).collect())
                .unwrap_or_default(),
            no_color: env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            endpoints: EndpointEnv {
                sso_oidc: var("AWS_ENDPOINT_URL_SSO_OIDC"),
                sso: var("AWS_ENDPOINT_URL_SSO"),
                sts: var("AWS_ENDPOINT_URL_STS"),
                signin: var("AWS_ENDPOINT_URL_SIGNIN"),
                global: var("AWS_ENDPOINT_URL"),
                ignore_configured: truthy("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
            },
            browser: var("BROWSER"),
            ssh: var("SSH_CONNECTION").is_some() || var("SSH_TTY").is_some(),
            display: var("DISPLAY").is_some() || var("WAYLAND_DISPLAY").is_some(),
            wsl: var("WSL_DISTRO_NAME").is_some() || var("WSL_INTEROP").is_some(),
            auto_login: truthy("SSOX_AUTO_LOGIN"),
            login_flow: var("SSOX_LOGIN_FLOW"),
            pkce_timeout: var("SSOX_PKCE_TIMEOUT_SECS")
                .and_then(|v| v.trim().parse().ok())
                .map(Duration::from_secs),
            signin_endpoint: var("SSOX_SIGNIN_ENDPOINT"),
            retry_base: var("SSOX_RETRY_BASE_MS")
                .and_then(|ms| ms.trim().parse().ok())
                .map(Duration::from_millis),
            login_cache_dir: var("AWS_LOGIN_CACHE_DIRECTORY")
                .map(|p| expand_tilde(Path::new(&p), &home)),
            state_dir,
            read_timeout: millis("SSOX_READ_TIMEOUT_MS"),
            command_timeout: millis("SSOX_COMMAND_TIMEOUT_MS"),
            verbose,
            dir: DirEnv::from_env(),
            cwd: env::current_dir().ok(),
            home,
        }
    }

    /// `~/.aws/sso/cache`
    pub fn sso_cache_dir(&self) -> PathBuf {
        self.home.join(".aws").join("sso").join("cache")
    }

    /// `~/.aws/cli/cache` (the AWS CLI v2's role-credential cache)
    pub fn cli_cache_dir(&self) -> PathBuf {
        self.home.join(".aws").join("cli").join("cache")
    }

    /// `~/.aws/login/cache`, or `AWS_LOGIN_CACHE_DIRECTORY` (the `aws login` credentials).
    pub fn login_cache_dir(&self) -> PathBuf {
        match &self.login_cache_dir {
            Some(dir) => dir.clone(),
            None => self.home.join(".aws").join("login").join("cache"),
        }
    }

    /// ssox's lock files: in its own state directory, where no other tool looks.
    pub fn lock_dir(&self) -> PathBuf {
        self.state_dir.join("locks")
    }

    /// The active profile as the AWS CLI v2 sees it (`AWS_PROFILE` before `AWS_DEFAULT_PROFILE`).
    pub fn active_profile(&self) -> Option<&str> {
        self.aws_profile
            .as_deref()
            .or(self.aws_default_profile.as_deref())
    }

    /// A path for messages: `~/…` when under HOME.
    pub fn display_path(&self, path: &Path) -> String {
        display_path(path, &self.home)
    }
}

/// `~/x` → `HOME/x`; other paths unchanged.
pub fn expand_tilde(path: &Path, home: &Path) -> PathBuf {
    match path.strip_prefix("~") {
        Ok(rest) => home.join(rest),
        Err(_) => path.to_path_buf(),
    }
}

/// A path for messages: `~/…` when under `home` (`~\…` on Windows).
pub fn display_path(path: &Path, home: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) if !home.as_os_str().is_empty() && home != Path::new("/") => {
            format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display())
        }
        _ => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_and_display() {
        let home = Path::new("/home/u");
        assert_eq!(
            expand_tilde(Path::new("~/.aws/config"), home),
            PathBuf::from("/home/u/.aws/config")
        );
        assert_eq!(
            expand_tilde(Path::new("/etc/aws"), home),
            PathBuf::from("/etc/aws")
        );
        let sep = std::path::MAIN_SEPARATOR;
        assert_eq!(
            display_path(&home.join(".aws").join("config"), home),
            format!("~{sep}.aws{sep}config")
        );
        assert_eq!(display_path(Path::new("/etc/x"), home), "/etc/x");
    }
}
