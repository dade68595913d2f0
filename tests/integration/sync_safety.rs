//! `ssox sync` never loses another program's write to the config (docs/config-writes.md): a
//! config another process is writing in chunks (a python3 helper that truncates, writes half,
//! pauses and writes the rest), an edit landing while sync's temp file is fsynced (strace slows
//! the fsync), a config owned by another user, a read-only one, a hard-linked one, a
//! bind-mounted one, and `sync --prune` naming what a user added to the generated profiles it
//! removes.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::pty::Pty;
use crate::support::signed_in::Env;
use crate::support::*;

const SESSION: &str = "\
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
";

/// The line sync adds to the session's section the first time.
const REMEMBERED: &str = "ssox_profile_template = {account_name}_{role_name}\n";

fn generated(name: &str, id: &str, role: &str, account: &str) -> String {
    format!(
        "[profile {name}]\nsso_session = my_sso_session\nsso_account_id = {id}\n\
         sso_role_name = {role}\nregion = us-east-1\nsso_account_name = {account}\n\
         sso_auto_populated = true\n"
    )
}

/// What syncing the fake's two accounts adds after `body` (which follows [`SESSION`]).
fn synced(body: &str) -> String {
    format!(
        "{SESSION}{REMEMBERED}{body}\n{}\n{}",
        generated("dev_Admin", "222222222222", "Admin", "dev"),
        generated("prod_Admin", "111111111111", "Admin", "prod"),
    )
}

fn setup(config: &str) -> Env {
    let env = Env::new();
    env.sb.write(".aws/config", config);
    env.fake.script().accounts = vec![
        (
            "111111111111".into(),
            "prod".into(),
            String::new(),
            vec!["Admin".into()],
        ),
        (
            "222222222222".into(),
            "dev".into(),
            String::new(),
            vec!["Admin".into()],
        ),
    ];
    env
}

fn ssox(env: &Env) -> Command {
    let mut c = env.cmd();
    c.env("SSOX_RETRY_BASE_MS", "1");
    no_terminal(&mut c);
    c
}

fn config(env: &Env) -> String {
    std::fs::read_to_string(env.sb.path(".aws/config")).unwrap()
}

/// Hand-written profiles `tool{from}`.. `tool{to - 1}`, as another tool writes them.
fn profiles(from: usize, to: usize) -> String {
    (from..to)
        .map(|i| format!("\n[profile tool{i}]\nregion = eu-west-1\noutput = json\n"))
        .collect()
}

/// A python3 process writing `first`, then (once told on stdin) `rest` into the config through
/// one open file, as configparser or an editor writes a large file in chunks.
struct ChunkedWriter {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

const WRITER: &str = r#"
import sys
path, first, rest = sys.argv[1:4]
f = open(path, "w")
f.write(first)
f.flush()
print("half", flush=True)
sys.stdin.readline()
f.write(rest)
f.close()
print("done", flush=True)
"#;

impl ChunkedWriter {
    /// Start it and wait until the first chunk is in the file.
    fn start(env: &Env, first: &str, rest: &str) -> ChunkedWriter {
        let mut child = Command::new("python3")
            .args(["-c", WRITER])
            .arg(env.sb.path(".aws/config"))
            .args([first, rest])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        output.read_line(&mut line).unwrap();
        assert_eq!(line, "half\n");
        ChunkedWriter {
            child,
            input,
            output,
        }
    }

    /// Write the rest and close the file.
    fn finish(mut self) {
        self.input.write_all(b"go\n").unwrap();
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        assert_eq!(line, "done\n");
        assert!(self.child.wait().unwrap().success());
    }
}

fn spawn(mut c: Command) -> Child {
    c.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn sync_waits_for_a_config_being_written_and_keeps_the_whole_write() {
    if !require_tool("python3") {
        return;
    }
    let env = setup(SESSION);
    // 300 profiles in two writes; the first ends where a profile does, so that the half file
    // is a valid config.
    let (first, rest) = (profiles(0, 100), profiles(100, 300));
    let tools = format!("{first}{rest}");
    let writer = ChunkedWriter::start(&env, &format!("{SESSION}{first}"), &rest);
    let mut c = ssox(&env);
    c.arg("sync");
    let sync = spawn(c);
    // The sync finds the file open for writing and waits; the other tool then finishes.
    std::thread::sleep(Duration::from_millis(700));
    writer.finish();
    let o = sync.wait_with_output().unwrap();
    assert_eq!(
        config(&env),
        synced(&tools),
        "the other tool's write is whole"
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "added 2, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
    );
    assert_eq!(
        stderr(&o),
        "ssox: waiting for another program to finish writing ~/.aws/config\n"
    );
}

#[test]
fn sync_refuses_a_config_that_stays_open_for_writing_and_writes_nothing() {
    if !require_tool("python3") {
        return;
    }
    let env = setup(SESSION);
    // 300 profiles in two writes; the first ends where a profile does, so that the half file
    // is a valid config.
    let (first, rest) = (profiles(0, 100), profiles(100, 300));
    let tools = format!("{first}{rest}");
    let writer = ChunkedWriter::start(&env, &format!("{SESSION}{first}"), &rest);
    let started = Instant::now();
    let mut c = ssox(&env);
    c.args(["sync", "--prune", "--yes"]);
    let o = run_bounded(c, "sync");
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "it waits a while first"
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: waiting for another program to finish writing ~/.aws/config\n\
         ssox: another program kept ~/.aws/config open for writing for 3 s; nothing was \
         written: run the command again once it has finished\n"
    );
    writer.finish();
    assert_eq!(
        config(&env),
        format!("{SESSION}{tools}"),
        "the other tool's write is whole"
    );
}

/// Wait until a temp file of ssox's appears in `dir`.
fn wait_for_temp(dir: &std::path::Path) {
    let started = Instant::now();
    loop {
        let temp = std::fs::read_dir(dir).unwrap().any(|e| {
            let name = e.unwrap().file_name();
            let name = name.to_string_lossy();
            name.starts_with(".ssox-") && name.ends_with(".tmp")
        });
        if temp {
            return;
        }
        assert!(started.elapsed() < LIMIT, "sync never wrote its temp file");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `ssox sync` under strace, each of its renames delayed by `delay_us` microseconds.
fn traced_sync(env: &Env, syscalls: &str, delay_us: u32) -> Child {
    let mut c = Command::new("strace");
    scrub(&mut c, &env.sb.home);
    c.envs(env.fake.env())
        .env("SSOX_RETRY_BASE_MS", "1")
        .args(["-f", "-qq", "-o", "/dev/null", "-e"])
        .arg(format!("trace={syscalls}"))
        .arg("-e")
        .arg(format!("inject={syscalls}:delay_enter={delay_us}"))
        .arg(ssox_bin())
        .arg("sync");
    no_terminal(&mut c);
    spawn(c)
}

#[test]
fn an_edit_while_the_new_file_is_fsynced_is_a_conflict_not_lost() {
    if !require_tool("strace") {
        return;
    }
    let env = setup(SESSION);
    let aws = env.sb.path(".aws");
    // Every fsync takes 1.5 s: the edit below lands after the temp file is written and before
    // it replaces the config.
    let sync = traced_sync(&env, "fsync", 1_500_000);
    wait_for_temp(&aws);
    std::thread::sleep(Duration::from_millis(300));
    let edit = "\n[profile added-meanwhile]\nregion = eu-west-2\n";
    std::fs::OpenOptions::new()
        .append(true)
        .open(env.sb.path(".aws/config"))
        .unwrap()
        .write_all(edit.as_bytes())
        .unwrap();
    let o = sync.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config changed while ssox was working on it (another program wrote it); \
         nothing was written: run the command again\n"
    );
    assert_eq!(config(&env), format!("{SESSION}{edit}"));
    let left: Vec<String> = std::fs::read_dir(&aws)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".ssox-"))
        .collect();
    assert!(left.is_empty(), "no temp file is left: {left:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_program_opening_the_config_during_the_rename_is_reported() {
    if !require_tool("strace") || !require_tool("python3") {
        return;
    }
    let env = setup(SESSION);
    let aws = env.sb.path(".aws");
    // The rename waits 3 s; the other program opens the config for writing 1 s after sync's
    // temp file appears (its compare long done), so its open waits on sync's lease and then
    // writes into the file sync has just replaced.
    let sync = traced_sync(&env, "rename,renameat,renameat2", 3_000_000);
    wait_for_temp(&aws);
    std::thread::sleep(Duration::from_secs(1));
    let late = "\n[profile late]\nregion = eu-west-2\n";
    let opened = Instant::now();
    let writer = Command::new("python3")
        .arg("-c")
        .arg("import sys\nwith open(sys.argv[1], 'a') as f: f.write(sys.argv[2])")
        .arg(env.sb.path(".aws/config"))
        .arg(late)
        .status()
        .unwrap();
    assert!(writer.success());
    assert!(
        opened.elapsed() >= Duration::from_secs(1),
        "its open waited for the rename: {:?}",
        opened.elapsed()
    );
    let o = sync.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config was replaced, but another program opened the old file for writing \
         at the same moment: what that program writes now goes to the replaced file and is \
         lost; check ~/.aws/config and make that program's change again\n"
    );
    assert_eq!(config(&env), synced(""), "sync's write is in place");
}

#[cfg(unix)]
#[test]
fn a_config_of_another_user_keeps_its_owner_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // The tests run as root here, as `sudo ssox sync` with HOME kept does.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: only root can give a file to another user");
        return;
    }
    let env = setup(SESSION);
    let path = env.sb.path(".aws/config");
    std::os::unix::fs::chown(&path, Some(4321), Some(4322)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = ssox(&env).arg("sync").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(config(&env), synced(""));
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 4322));
    assert_eq!(mode(&path), 0o640);
}

#[cfg(unix)]
#[test]
fn a_read_only_config_is_refused_with_the_reason() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let env = setup(SESSION);
    let path = env.sb.path(".aws/config");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let inode = std::fs::metadata(&path).unwrap().ino();
    let requests = env.fake.requests().len();
    let o = ssox(&env).arg("sync").output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config is read-only (mode 0444): ssox does not replace a file made \
         read-only; make it writable (chmod u+w ~/.aws/config) and run again\n"
    );
    assert_eq!(
        env.fake.requests().len(),
        requests,
        "refused before any request"
    );
    assert_eq!(config(&env), SESSION);
    assert_eq!(mode(&path), 0o444);
    assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);
}

#[cfg(unix)]
#[test]
fn a_hard_linked_config_is_replaced_and_the_warning_says_the_link_keeps_the_old_text() {
    let env = setup(SESSION);
    let path = env.sb.path(".aws/config");
    let other = env.sb.path("dotfiles-config");
    std::fs::hard_link(&path, &other).unwrap();
    let o = ssox(&env).arg("sync").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "added 2, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
    );
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config had 1 other hard link: the edit replaced the file, so that name \
         keeps the old text; to share a config, link it with a symlink instead (ln -sf)\n"
    );
    assert_eq!(config(&env), synced(""));
    assert_eq!(std::fs::read_to_string(&other).unwrap(), SESSION);
}

#[cfg(unix)]
#[test]
fn configure_refuses_a_read_only_config_before_any_question() {
    use std::os::unix::fs::PermissionsExt;
    let env = setup(SESSION);
    let path = env.sb.path(".aws/config");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    // No flags: without the check, the first question (or, with no terminal, the missing flag)
    // would come first.
    let o = ssox(&env).arg("configure").output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config is read-only (mode 0444): ssox does not replace a file made \
         read-only; make it writable (chmod u+w ~/.aws/config) and run again\n"
    );
    assert_eq!(config(&env), SESSION);
    assert_eq!(mode(&path), 0o444);
}

/// Unmounts what it mounted, even when the test fails.
struct BindMount(std::path::PathBuf);

impl Drop for BindMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_bind_mounted_config_gets_a_clear_error() {
    let env = setup(SESSION);
    let source = env.sb.write("elsewhere/config", SESSION);
    let path = env.sb.path(".aws/config");
    let mounted = Command::new("mount")
        .arg("--bind")
        .arg(&source)
        .arg(&path)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot bind-mount here (needs root and CAP_SYS_ADMIN)");
        return;
    }
    let _unmount = BindMount(path.clone());
    let o = ssox(&env).arg("sync").output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: cannot replace ~/.aws/config: it is a mount point (a bind mount, as containers \
         use), which a rename cannot replace; nothing was written: edit the file it is mounted \
         from, or mount its directory instead\n"
    );
    assert_eq!(std::fs::read_to_string(&source).unwrap(), SESSION);
    let left: Vec<String> = std::fs::read_dir(env.sb.path(".aws"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".ssox-"))
        .collect();
    assert!(left.is_empty(), "no temp file is left: {left:?}");
}

/// The synced config with lines a user added inside the generated `dev_Admin`.
fn with_user_lines() -> String {
    synced("").replace(
        "sso_account_id = 222222222222\n",
        "sso_account_id = 222222222222\n# used by the nightly job\noutput = json\n",
    )
}

const NOTE: &str = "ssox: dev_Admin has lines ssox did not write, which go with it: output, \
                    1 comment line (# used by the nightly job)\n";

#[test]
fn prune_names_what_a_user_added_to_a_removed_profile() {
    let env = setup(&with_user_lines());
    env.fake.script().accounts.pop();
    let summary = "added 0, updated 0, removed 1, unchanged 1 profiles in ~/.aws/config";
    let o = ssox(&env)
        .args(["sync", "--prune", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("-# used by the nightly job\n-output = json\n"));
    assert_eq!(
        stderr(&o),
        format!("{summary} (dry run: nothing written)\n{NOTE}")
    );
    assert_eq!(config(&env), with_user_lines());

    let o = ssox(&env)
        .args(["sync", "--prune", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{summary}\n"));
    assert_eq!(
        stderr(&o),
        "ssox: dev_Admin was removed with lines ssox did not write: output, 1 comment line \
         (# used by the nightly job)\n"
    );
    let dev = with_user_lines();
    let start = dev.find("[profile dev_Admin]").unwrap();
    let end = dev.find("[profile prod_Admin]").unwrap();
    assert_eq!(config(&env), format!("{}{}", &dev[..start], &dev[end..]));
}

#[test]
fn the_prune_question_names_what_a_user_added() {
    let env = setup(&with_user_lines());
    env.fake.script().accounts.pop();
    let mut vars: Vec<(&str, String)> = env.fake.env();
    vars.push(("SSOX_RETRY_BASE_MS", "1".into()));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut p = Pty::spawn(&env.sb, "ssox sync --prune > out", &vars, 200, 30);
    // Above the question, on the terminal, as what it is about.
    p.wait_for(&format!(
        "  {}",
        NOTE.trim_start_matches("ssox: ").trim_end()
    ));
    p.wait_for("Remove 1 generated profile (dev_Admin) whose account or role is gone from ~/.aws/config? [y/N] ");
    p.send("n");
    let (code, screen) = p.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("ssox: dev_Admin"), "said once: {screen}");
    assert_eq!(config(&env), with_user_lines());
}
