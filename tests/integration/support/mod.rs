//! Test harness: the sandbox (a temp HOME, config files, the `ssox` binary run with no inherited
//! `AWS_*`), the loopback fake of AWS in `fake_aws`, and the environments built from both:
//! `signed_in` (a valid token already cached) and `login_env` (a fake browser, nothing cached).
//! Test files import from here, never from each other.

#![allow(dead_code)]

pub mod fake_aws;
pub mod login_env;
pub mod login_session;
pub mod pty;
pub mod screen;
pub mod signed_in;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const SEED_CONFIG: &str = "\
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile blog_admin]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1
";

/// The keys of a token file as the AWS CLI writes them, in its order
/// (docs/compat.md#token-cache).
pub const CLI_TOKEN_KEYS: [&str; 8] = [
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
];

pub struct Sandbox {
    pub dir: TempDir,
    pub home: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        Sandbox { dir, home }
    }

    /// A sandbox whose `~/.aws/config` holds `config`.
    pub fn with_config(config: &str) -> Sandbox {
        let sb = Sandbox::new();
        sb.write(".aws/config", config);
        sb
    }

    /// Write a file under HOME (parents created).
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.home.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.join(rel)
    }

    /// `ssox` with HOME set, PATH kept, and nothing else inherited.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(ssox_bin());
        scrub(&mut c, &self.home);
        c
    }

    /// Run `ssox ARGS` and return its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }
}

/// Clear the environment but for what a process needs to run; HOME points into the sandbox.
pub fn scrub(c: &mut Command, home: &Path) {
    c.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LANG", "C.UTF-8")
        .env("TERM", "dumb")
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_CACHE_HOME", home.join(".cache"));
}

/// The binary under test: cargo's build of this crate, or `SSOX_TEST_BIN` when set (the static
/// musl build in scripts/musl-smoke.sh).
pub fn ssox_bin() -> &'static str {
    static BIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        std::env::var("SSOX_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_ssox").to_string())
    })
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `SHELL -c` (bash, zsh or fish, without rc files) running `ssox init SHELL`'s integration and
/// then `body`, `ssox` first on PATH, in a scrubbed environment.
pub fn with_integration(sb: &Sandbox, shell: &str, body: &str) -> Command {
    let bin = Path::new(ssox_bin()).parent().unwrap();
    let (argv, init): (&[&str], &str) = match shell {
        "fish" => (&["fish", "--no-config", "-c"], "ssox init fish | source\n"),
        "zsh" => (&["zsh", "-f", "-c"], "eval \"$(ssox init zsh)\"\n"),
        _ => (
            &["bash", "--norc", "--noprofile", "-c"],
            "eval \"$(ssox init bash)\"\n",
        ),
    };
    let mut c = Command::new(argv[0]);
    scrub(&mut c, &sb.home);
    c.env(
        "PATH",
        format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
    )
    .args(&argv[1..])
    .arg(format!("{init}{body}"));
    c
}

/// Run `c` in a new session: it has no controlling terminal, so `/dev/tty` cannot be opened
/// either, and ssox cannot ask anything (whatever terminal the test runner has).
pub fn no_terminal(c: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid is async-signal-safe and touches no memory of this process.
    unsafe {
        c.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c
}

/// Whether an external tool is available. Under CI (`CI` set) a missing tool fails the test,
/// since `.ci/run` installs it; elsewhere the test is skipped with a printed reason.
pub fn require_tool(name: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("{name} is not installed, but CI is set: .ci/run must install it");
        }
        eprintln!("skipped: {name} is not installed (run .ci/run to install it)");
    }
    found
}

/// The venv `.ci/run` creates, with boto3. Missing: fail under CI, else skip with a reason.
/// `SSOX_TEST_PYTHON` names another interpreter (e.g. a venv with more packages).
pub fn venv_python() -> Option<PathBuf> {
    let py = std::env::var_os("SSOX_TEST_PYTHON").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"),
        PathBuf::from,
    );
    let ok = py.is_file()
        && Command::new(&py)
            .args(["-c", "import boto3"])
            .output()
            .is_ok_and(|o| o.status.success());
    if ok {
        return Some(py);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} has no boto3, but CI is set: .ci/run must create it",
            py.display()
        );
    }
    eprintln!(
        "skipped: no boto3 venv at {} (run .ci/run to create it)",
        py.display()
    );
    None
}

/// A script under `tests/interop/`.
pub fn interop_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop")
        .join(name)
}

/// The permission bits of a file or directory.
#[cfg(unix)]
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// `YYYY-MM-DDTHH:MM:SSZ`, as the token cache holds timestamps.
pub fn stamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// No command may take longer than this in [`run_bounded`]; a hang is forever.
pub const LIMIT: Duration = Duration::from_secs(15);

/// Run `c` with stdin closed; fail if it is still running after `LIMIT` (then kill it) or if it
/// panicked (exit code 101 or "panicked" on stderr).
pub fn run_bounded(mut c: Command, what: &str) -> Output {
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`ssox {what}` did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    assert_ne!(o.status.code(), Some(101), "`ssox {what}`: {}", stderr(&o));
    assert!(
        !stderr(&o).contains("panicked"),
        "`ssox {what}`: {}",
        stderr(&o)
    );
    o
}

/// A FIFO at `path` (reading one blocks until a writer comes: a hang, unless refused).
pub fn make_fifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}
