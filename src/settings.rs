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
    pub global: Option<String>,
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`
    pub ignore_configured: bool,
}

/// The environment as ssox sees it. Built once in `main`; tests build it by hand.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub home: PathBuf,
    pub config_file: PathBuf,
    pub credentials_file: PathBuf,
    pub aws_profile: Option<String>,
    pub aws_default_profile: Option<String>,
    /// Names of static credential variables set in the environment (they override any profile).
    pub static_keys: Vec<&'static str>,
    /// `SSOX_SHELL`, else the basename of `SHELL`.
    pub shell_name: Option<String>,
    pub no_color: bool,
    pub endpoints: EndpointEnv,
    /// `SSH_CONNECTION` or `SSH_TTY` set.
    pub ssh: bool,
    /// `DISPLAY` or `WAYLAND_DISPLAY` set.
    pub display: bool,
    /// Running under WSL (`WSL_DISTRO_NAME` or `WSL_INTEROP` set).
    pub wsl: bool,
    /// `SSOX_AUTO_LOGIN=1`
    pub auto_login: bool,
    /// `SSOX_SIGNIN_ENDPOINT`: federation endpoint override for `console`.
    pub signin_endpoint: Option<String>,
    /// `SSOX_RETRY_BASE_MS`: the first retry delay of the SSO portal listing (`aws::portal::Backoff`;
    /// tests make it a few milliseconds). Ignored unless a whole number.
    pub retry_base: Option<Duration>,
    /// Directory for ssox's own state (pick history, locks, tokens the portal rejected).
    pub state_dir: PathBuf,
    /// `SSOX_READ_TIMEOUT_MS`: how long to wait for an answer to one request (default 30 s).
    pub read_timeout: Option<Duration>,
    /// `SSOX_COMMAND_TIMEOUT_MS`: how long a non-interactive command may spend on the network,
    /// retries included (default 30 s).
    pub command_timeout: Option<Duration>,
    pub verbose: bool,
}

/// Static credential variables that override any profile in every SDK.
pub const STATIC_KEY_VARS: [&str; 4] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
];

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
        let home = dirs::home_dir().unwrap_or_else(|| PathBuf::from("."));
        let config_file = config_override
            .map(|p| expand_tilde(&p, &home))
            .or_else(|| var("AWS_CONFIG_FILE").map(|p| expand_tilde(Path::new(&p), &home)))
            .unwrap_or_else(|| home.join(".aws").join("config"));
        let credentials_file = var("AWS_SHARED_CREDENTIALS_FILE")
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
            credentials_file,
            aws_profile: var("AWS_PROFILE"),
            aws_default_profile: var("AWS_DEFAULT_PROFILE"),
            static_keys: STATIC_KEY_VARS
                .iter()
                .copied()
                .filter(|k| var(k).is_some())
                .collect(),
            shell_name,
            no_color: env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            endpoints: EndpointEnv {
                sso_oidc: var("AWS_ENDPOINT_URL_SSO_OIDC"),
                sso: var("AWS_ENDPOINT_URL_SSO"),
                sts: var("AWS_ENDPOINT_URL_STS"),
                global: var("AWS_ENDPOINT_URL"),
                ignore_configured: truthy("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
            },
            ssh: var("SSH_CONNECTION").is_some() || var("SSH_TTY").is_some(),
            display: var("DISPLAY").is_some() || var("WAYLAND_DISPLAY").is_some(),
            wsl: var("WSL_DISTRO_NAME").is_some() || var("WSL_INTEROP").is_some(),
            auto_login: truthy("SSOX_AUTO_LOGIN"),
            signin_endpoint: var("SSOX_SIGNIN_ENDPOINT"),
            retry_base: var("SSOX_RETRY_BASE_MS")
                .and_then(|ms| ms.trim().parse().ok())
                .map(Duration::from_millis),
            state_dir,
            read_timeout: millis("SSOX_READ_TIMEOUT_MS"),
            command_timeout: millis("SSOX_COMMAND_TIMEOUT_MS"),
            verbose,
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

/// A path for messages: `~/…` when under `home`.
pub fn display_path(path: &Path, home: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) if !home.as_os_str().is_empty() && home != Path::new("/") => {
            format!("~/{}", rest.display())
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
        assert_eq!(
            display_path(Path::new("/home/u/.aws/config"), home),
            "~/.aws/config"
        );
        assert_eq!(display_path(Path::new("/etc/x"), home), "/etc/x");
    }
}
