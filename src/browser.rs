//! The one browser helper: whether a browser may be opened here, which program opens it, and
//! opening a URL, for `login` (PKCE and device code), `console` and `doctor`'s browser check.
//! `BROWSER` first, as Python's `webbrowser` reads it (the AWS CLI's browser): a `:`-separated
//! list of commands, `%s` standing for the URL (else the URL is the last argument), a trailing
//! `&` for a command not waited for; an explicit `BROWSER` means a browser can open, with or
//! without a display. Then the system's opener (the `open` crate's list: xdg-open, gio,
//! wslview, open…) where one can work. Only `https://` URLs, and `http://` to this machine, are
//! opened. The URL may be a credential (a console sign-in link): it is never part of a message,
//! and neither is a launcher's debug text; the programs get no terminal output (stdout belongs
//! to the shell).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::settings::Settings;

/// How long a program gets to fail before it counts as having opened the browser (a launcher
/// such as xdg-open hands over and exits; a browser started directly keeps running).
const GRACE: Duration = Duration::from_secs(2);

/// Why no browser may be opened here, or `None` when one may: `--no-browser`, else an explicit
/// `BROWSER` says one can, else not over SSH, and on Linux only with a display or under WSL.
pub fn blocker(settings: &Settings, no_browser: bool) -> Option<&'static str> {
    if no_browser {
        Some("--no-browser")
    } else if from_browser_env(settings) {
        None
    } else {
        system_blocker(settings)
    }
}

/// Whether `BROWSER` names at least one command (`BROWSER=:` names none: it counts as unset).
pub fn from_browser_env(settings: &Settings) -> bool {
    settings
        .browser
        .as_deref()
        .is_some_and(|b| !from_env(b).is_empty())
}

/// Why the system's opener cannot reach a browser the user sees, or `None`.
fn system_blocker(settings: &Settings) -> Option<&'static str> {
    if settings.ssh {
        Some("this is an SSH session")
    } else if cfg!(all(unix, not(target_os = "macos"))) && !settings.display && !settings.wsl {
        Some("neither DISPLAY nor WAYLAND_DISPLAY is set")
    } else {
        None
    }
}

/// One way to open a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launcher {
    pub program: String,
    /// The arguments, `%s` standing for the URL.
    args: Vec<String>,
    /// Started and not waited for (`BROWSER` entries ending in `&`).
    background: bool,
    /// From `BROWSER` (else the system's opener).
    pub from_env: bool,
    /// Environment variables the program gets, `%s` standing for the URL (the `open` crate
    /// hands the URL to PowerShell under WSL this way).
    envs: Vec<(String, String)>,
}

impl Launcher {
    /// The program, for messages: its file name.
    pub fn name(&self) -> String {
        let name = Path::new(&self.program).file_name().map_or_else(
            || self.program.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
        crate::ui::text::printable(&name).into_owned()
    }

    /// One of the system's openers, as the `open` crate builds it for the URL `%s`.
    fn system(c: &Command) -> Launcher {
        let text = |s: &std::ffi::OsStr| s.to_string_lossy().into_owned();
        Launcher {
            program: text(c.get_program()),
            args: c.get_args().map(text).collect(),
            background: false,
            from_env: false,
            envs: c
                .get_envs()
                .filter_map(|(k, v)| Some((text(k), text(v?))))
                .collect(),
        }
    }

    fn command(&self, url: &str) -> Command {
        let mut c = Command::new(&self.program);
        c.args(self.args.iter().map(|a| a.replace("%s", url)));
        c.envs(self.envs.iter().map(|(k, v)| (k, v.replace("%s", url))));
        c
    }
}

/// `BROWSER`'s commands in order, as Python's `webbrowser` reads them: entries separated by
/// `:`; one with `%s` is split into words as a shell would (`%s` replaced by the URL, a last
/// word `&` meaning not waited for); one without is a program's name or path, spaces and all
/// (`/mnt/c/Program Files/…/chrome.exe`), given the URL as its one argument. Empty and
/// unparsable entries are skipped.
pub fn from_env(value: &str) -> Vec<Launcher> {
    value
        .split(':')
        .filter_map(|entry| {
            if entry.trim().is_empty() {
                return None;
            }
            if !entry.contains("%s") {
                return Some(Launcher {
                    program: entry.to_string(),
                    args: vec!["%s".into()],
                    background: false,
                    from_env: true,
                    envs: Vec::new(),
                });
            }
            let mut words = shlex::split(entry)?;
            let background = words.last().is_some_and(|w| w == "&");
            if background {
                words.pop();
            }
            let mut words = words.into_iter();
            let program = words
                .next()
                .filter(|p| !p.is_empty() && !p.contains("%s"))?;
            Some(Launcher {
                program,
                args: words.collect(),
                background,
                from_env: true,
                envs: Vec::new(),
            })
        })
        .collect()
}

/// What `open` tries, in order: `BROWSER`'s commands, then the system's openers when they can
/// reach a browser here. Empty when nothing can.
pub fn launchers(settings: &Settings) -> Vec<Launcher> {
    let mut all = settings
        .browser
        .as_deref()
        .map(from_env)
        .unwrap_or_default();
    if system_blocker(settings).is_none() {
        all.extend(open::commands("%s").iter().map(Launcher::system));
    }
    all
}

/// Whether `program` is an executable file in one of `dirs` (or, with a `/`, at that path).
pub fn installed(dirs: &[PathBuf], program: &str) -> bool {
    let executable =
        |p: &Path| std::fs::metadata(p).is_ok_and(|m| crate::platform::is_executable(&m));
    let program = Path::new(program);
    if program.components().count() > 1 {
        return executable(program);
    }
    dirs.iter().any(|d| executable(&d.join(program)))
}

/// The launcher `open` will use: the first installed one.
pub fn chosen(settings: &Settings) -> Option<Launcher> {
    launchers(settings)
        .into_iter()
        .find(|l| installed(&settings.path_dirs, &l.program))
}

/// Whether ssox opens `url` in a browser: `https://` with a host, or `http://` to this machine
/// (127.0.0.0/8, `[::1]`, `localhost`: the PKCE callback and tests). The reason when not, in
/// words that never quote the URL past its scheme.
pub fn check_url(url: &str) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("refusing to open it in a browser: {why}"));
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return refuse("the URL has spaces or control characters");
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        let scheme = url.split(':').next().unwrap_or("");
        return refuse(&format!(
            "only https:// URLs are opened, not \"{}:\"",
            crate::ui::text::truncate(&crate::ui::text::printable(scheme), 20)
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" if !host.is_empty() => Ok(()),
        "http" if is_loopback(host) => Ok(()),
        "http" => refuse("http:// is opened only for this machine (127.0.0.1, localhost)"),
        "https" => refuse("the URL has no host"),
        other => refuse(&format!(
            "only https:// URLs are opened, not \"{}://\"",
            crate::ui::text::truncate(&crate::ui::text::printable(other), 20)
        )),
    }
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Open `url` with the first launcher that works; the error says why not in one line, without
/// the URL. A program that exits with a failure within a moment counts as failed and the next
/// one is tried; one still running counts as opened.
pub fn open(settings: &Settings, url: &str) -> Result<(), String> {
    check_url(url)?;
    let launchers = launchers(settings);
    if launchers.is_empty() {
        let why = blocker(settings, false).unwrap_or("no program to open it is known here");
        return Err(format!("no browser can be opened here: {why}"));
    }
    open_with(&launchers, url)
}

/// [`open`] with the launchers already chosen (so it can run on another thread).
pub fn open_with(launchers: &[Launcher], url: &str) -> Result<(), String> {
    check_url(url)?;
    let mut failed = Vec::new();
    // BROWSER's programs that are missing are always named; the system's only when nothing ran.
    let mut missing = Vec::new();
    let mut missing_system = Vec::new();
    for l in launchers {
        match launch(l, url) {
            Ok(()) => return Ok(()),
            Err(Failure::Missing) if l.from_env => missing.push(l.name()),
            Err(Failure::Missing) => missing_system.push(l.name()),
            Err(Failure::Failed(why)) => failed.push(why),
        }
    }
    if failed.is_empty() {
        missing.append(&mut missing_system);
    }
    let mut parts = failed;
    match missing.len() {
        0 => {}
        1 => parts.push(format!("{} is not installed", missing.join(""))),
        _ => parts.push(format!("none of {} is installed", missing.join(", "))),
    }
    if parts.is_empty() {
        parts.push("no program to open it".into());
    }
    Err(parts.join("; "))
}

enum Failure {
    /// The program does not exist.
    Missing,
    /// It could not start, or exited with a failure: why, in words.
    Failed(String),
}

/// Run one launcher: no terminal input or output, its own process group (Ctrl-C in the
/// terminal does not reach the browser), waited for at most [`GRACE`].
fn launch(l: &Launcher, url: &str) -> Result<(), Failure> {
    let mut command = l.command(url);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    crate::platform::own_process_group(&mut command);
    let name = l.name();
    let child = match command.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Failure::Missing),
        Err(e) => return Err(Failure::Failed(format!("{name} could not start ({e})"))),
    };
    if l.background {
        reap(child);
        return Ok(());
    }
    wait_briefly(child, &name)
}

fn wait_briefly(mut child: Child, name: &str) -> Result<(), Failure> {
    let deadline = Instant::now() + GRACE;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                let how = match status.code() {
                    Some(code) => format!("exited with status {code}"),
                    None => "was killed".to_string(),
                };
                return Err(Failure::Failed(format!("{name} {how}")));
            }
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            // Still running (a browser started directly), or not to be waited for: opened.
            _ => {
                reap(child);
                return Ok(());
            }
        }
    }
}

/// Wait for `child` on a thread of its own, so it leaves no zombie while ssox runs on.
fn reap(mut child: Child) {
    let _ = std::thread::Builder::new()
        .name("browser".into())
        .spawn(move || child.wait());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launcher(program: &str, args: &[&str], background: bool) -> Launcher {
        Launcher {
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            background,
            from_env: true,
            envs: Vec::new(),
        }
    }

    #[test]
    fn browser_is_read_as_pythons_webbrowser_does() {
        assert_eq!(
            from_env("firefox:/opt/chrome/chrome --incognito %s:w3m '%s' &::"),
            [
                launcher("firefox", &["%s"], false),
                launcher("/opt/chrome/chrome", &["--incognito", "%s"], false),
                launcher("w3m", &["%s"], true),
            ]
        );
        // Without %s the entry is the program, spaces and all.
        assert_eq!(
            from_env("/mnt/c/Program Files/Mozilla Firefox/firefox.exe"),
            [launcher(
                "/mnt/c/Program Files/Mozilla Firefox/firefox.exe",
                &["%s"],
                false
            )]
        );
        assert_eq!(from_env("'unclosed %s"), []);
        assert_eq!(from_env(""), []);
        assert_eq!(
            launcher("x", &["--url=%s"], false)
                .command("https://a/")
                .get_args()
                .collect::<Vec<_>>(),
            ["--url=https://a/"]
        );
    }

    #[test]
    fn system_openers_keep_their_environment() {
        // Under WSL the `open` crate runs PowerShell with the URL in OPEN_RS_TARGET.
        let mut c = Command::new("powershell.exe");
        c.args(["-Command", "script"])
            .env("OPEN_RS_TARGET", "%s")
            .env("WSLENV", "OPEN_RS_TARGET");
        let l = Launcher::system(&c);
        assert!(!l.from_env);
        let run = l.command("https://a/?x=%s");
        assert_eq!(run.get_program(), "powershell.exe");
        assert_eq!(run.get_args().collect::<Vec<_>>(), ["-Command", "script"]);
        let mut envs: Vec<_> = run.get_envs().collect();
        envs.sort();
        assert_eq!(
            envs,
            [
                ("OPEN_RS_TARGET".as_ref(), Some("https://a/?x=%s".as_ref())),
                ("WSLENV".as_ref(), Some("OPEN_RS_TARGET".as_ref())),
            ]
        );
    }

    #[test]
    fn browser_gating() {
        let mut s = Settings {
            display: true,
            ..Settings::default()
        };
        assert_eq!(blocker(&s, false), None);
        assert_eq!(blocker(&s, true), Some("--no-browser"));
        s.ssh = true;
        assert_eq!(blocker(&s, false), Some("this is an SSH session"));
        s.ssh = false;
        s.display = false;
        let expect = if cfg!(all(unix, not(target_os = "macos"))) {
            Some("neither DISPLAY nor WAYLAND_DISPLAY is set")
        } else {
            None
        };
        assert_eq!(blocker(&s, false), expect);
        s.wsl = true;
        assert_eq!(blocker(&s, false), None);
    }

    #[test]
    fn an_explicit_browser_means_one_can_open() {
        let mut s = Settings {
            ssh: true,
            ..Settings::default()
        };
        assert_eq!(blocker(&s, false), Some("this is an SSH session"));
        s.browser = Some(" : ".into());
        assert_eq!(blocker(&s, false), Some("this is an SSH session"));
        s.browser = Some("firefox".into());
        assert_eq!(blocker(&s, false), None);
        assert_eq!(blocker(&s, true), Some("--no-browser"));
        // Over SSH only BROWSER's commands are tried.
        assert_eq!(launchers(&s), [launcher("firefox", &["%s"], false)]);
        s.ssh = false;
        s.display = true;
        let all = launchers(&s);
        assert_eq!(all[0], launcher("firefox", &["%s"], false));
        assert!(all.len() > 1 && all[1..].iter().all(|l| !l.from_env));
    }

    #[test]
    fn only_https_and_loopback_http_are_opened() {
        for ok in [
            "https://device.sso.us-east-1.amazonaws.com/?user_code=AB-CD",
            "HTTPS://signin.aws.amazon.com/federation?x",
            "http://127.0.0.1:8400/oauth/callback",
            "http://localhost:1/",
            "http://[::1]:99/x",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        let no = |url: &str| check_url(url).unwrap_err();
        assert_eq!(
            no("file:///etc/passwd"),
            "refusing to open it in a browser: only https:// URLs are opened, not \"file://\""
        );
        assert_eq!(
            no("javascript:alert(1)"),
            "refusing to open it in a browser: only https:// URLs are opened, not \"javascript:\""
        );
        assert_eq!(
            no("http://evil.example/x"),
            "refusing to open it in a browser: http:// is opened only for this machine \
             (127.0.0.1, localhost)"
        );
        assert!(no("http://127.0.0.1@evil.example/").contains("only for this machine"));
        assert!(no("https://a/\nb").contains("control characters"));
        assert!(no("https:///x").contains("no host"));
        assert!(no("\x1b]0;x://y").contains("control characters"));
        assert!(no("ev\u{202e}il://y").contains("not \"ev\\u{202e}il://\""));
    }

    #[cfg(unix)]
    #[test]
    fn failures_are_one_line_without_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let failing = dir.path().join("failing");
        std::fs::write(&failing, "#!/bin/sh\necho \"$1\" >&2\nexit 4\n").unwrap();
        crate::platform::testing::set_mode_at(&failing, 0o755);
        let url = "https://signin/?SigninToken=secret";
        let err = open_with(
            &[
                launcher("ssox-no-such-browser", &["%s"], false),
                launcher(failing.to_str().unwrap(), &["%s"], false),
            ],
            url,
        )
        .unwrap_err();
        assert_eq!(
            err,
            "failing exited with status 4; ssox-no-such-browser is not installed"
        );
        let ok = dir.path().join("ok");
        std::fs::write(&ok, "#!/bin/sh\nexit 0\n").unwrap();
        crate::platform::testing::set_mode_at(&ok, 0o755);
        assert_eq!(
            open_with(&[launcher(ok.to_str().unwrap(), &["%s"], false)], url),
            Ok(())
        );
    }
}
