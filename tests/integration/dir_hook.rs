//! `.ssox.toml`: the directory hook of `ssox init` in real bash, zsh and fish (each in a pty),
//! trust (`allow`, `deny`, an edited file), leaving restores, a `use` typed inside the tree wins,
//! a hostile profile name runs nothing, `--no-dir-hook` and `SSOX_DIR_HOOK=0`; `use --here`,
//! `here`, `status`, and the PowerShell script as text.

use std::path::Path;

use crate::support::pty::Pty;
use crate::support::*;

const CONFIG: &str = "\
[profile orig]
region = us-east-1

[profile prod]
region = us-east-1

[profile other]
region = us-east-1

[profile \"$(touch pwned)\"]
region = us-east-1
";

/// The sandbox: `~/proj` (prod, eu-west-1) with `sub/`, `~/proj2` (the hostile name),
/// `~/outside`.
fn sandbox() -> Sandbox {
    let sb = Sandbox::with_config(CONFIG);
    sb.write(
        "proj/.ssox.toml",
        "profile = \"prod\"\nregion = \"eu-west-1\"\n",
    );
    sb.write("proj/sub/.keep", "");
    sb.write("proj2/.ssox.toml", "# shop\nprofile = \"$(touch pwned)\"\n");
    sb.write("outside/.keep", "");
    sb
}

/// `shell` reading `body` after loading the integration (`init_args` added to `ssox init`), in
/// a pty, with AWS_PROFILE=orig; what the terminal showed.
fn run(sb: &Sandbox, shell: &str, init_args: &str, body: &str, env: &[(&str, &str)]) -> String {
    let (argv, init) = match shell {
        "fish" => (
            "fish --no-config",
            format!("ssox init fish {init_args} | source"),
        ),
        "zsh" => ("zsh -f", format!("eval \"$(ssox init zsh {init_args})\"")),
        _ => (
            "bash --norc --noprofile -i",
            format!("PS1=''; eval \"$(ssox init bash {init_args})\""),
        ),
    };
    let script = format!("{argv} <<'SSOX_EOF'\n{init}\n{body}\nSSOX_EOF\necho '@@end'");
    let mut env = env.to_vec();
    env.extend([("AWS_PROFILE", "orig"), ("AWS_DEFAULT_PROFILE", "orig")]);
    let mut pty = Pty::spawn(sb, &script, &env, 200, 50);
    pty.wait_for("@@end");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    screen.replace('\r', "")
}

/// The value printed as `@@N=VALUE@@` (the last one: interactive bash echoes the command first).
fn marker(screen: &str, n: u32) -> String {
    let start = format!("@@{n}=");
    let at = screen
        .rfind(&start)
        .unwrap_or_else(|| panic!("no marker {n} in:\n{screen}"));
    let rest = &screen[at + start.len()..];
    rest[..rest.find("@@").unwrap()].to_string()
}

const SHOW: &str = "\"$AWS_PROFILE|$AWS_DEFAULT_PROFILE|$AWS_REGION\"";

fn walk(shell: &str) {
    if !require_tool(shell) {
        return;
    }
    let sb = sandbox();
    let body = format!(
        "ssox allow ~/proj2
cd ~/proj
echo @@1={SHOW}@@
cd sub
cd ..
ssox allow
echo @@2={SHOW}@@
cd sub
echo @@3={SHOW}@@
ssox use other
cd ..
echo @@4={SHOW}@@
cd ~/proj2
echo @@5={SHOW}@@
cd ~/outside
echo @@6={SHOW}@@
cd ~/proj/sub
echo @@7={SHOW}@@
echo '# edited' >> ../.ssox.toml
cd ..
echo @@8={SHOW}@@
ssox allow
echo @@9={SHOW}@@
ssox deny
echo @@10={SHOW}@@"
    );
    let screen = run(&sb, shell, "", &body, &[]);
    // Untrusted: one message, no switch; said once until the file changes.
    assert_eq!(marker(&screen, 1), "orig|orig|", "{screen}");
    let wants = "ssox: ./.ssox.toml wants profile prod; run ssox allow to use it";
    assert_eq!(screen.matches(wants).count(), 2, "{screen}");
    // `ssox allow` switches at once, with the region.
    assert!(screen.contains("ssox: allowed ./.ssox.toml: profile prod and region eu-west-1"));
    assert_eq!(marker(&screen, 2), "prod|prod|eu-west-1", "{screen}");
    // A subdirectory inherits.
    assert_eq!(marker(&screen, 3), "prod|prod|eu-west-1", "{screen}");
    // A `ssox use` typed inside the tree wins while in it.
    assert_eq!(marker(&screen, 4), "other|other|eu-west-1", "{screen}");
    // From one tree to another; the hostile name is a value, never code.
    assert_eq!(
        marker(&screen, 5),
        "$(touch pwned)|$(touch pwned)|",
        "{screen}"
    );
    assert!(
        !sb.home.join("proj2/pwned").exists(),
        "a profile name ran code"
    );
    assert!(!sb.home.join("pwned").exists(), "a profile name ran code");
    // Leaving restores what the shell had before the first tree: orig, no region.
    assert_eq!(marker(&screen, 6), "orig|orig|", "{screen}");
    assert_eq!(marker(&screen, 7), "prod|prod|eu-west-1", "{screen}");
    // An edited file is untrusted again: the shell is restored and told.
    assert_eq!(marker(&screen, 8), "orig|orig|", "{screen}");
    assert_eq!(marker(&screen, 9), "prod|prod|eu-west-1", "{screen}");
    assert!(
        screen.contains("ssox: ./.ssox.toml is no longer trusted"),
        "{screen}"
    );
    assert_eq!(marker(&screen, 10), "orig|orig|", "{screen}");
}

#[test]
fn bash_walk() {
    walk("bash");
}

#[test]
fn zsh_walk() {
    walk("zsh");
}

#[test]
fn fish_walk() {
    walk("fish");
}

#[test]
fn no_dir_hook_and_ssox_dir_hook_0_turn_it_off() {
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let sb = sandbox();
        assert_eq!(
            sb.run(&["allow", &sb.path("proj").to_string_lossy()])
                .status
                .code(),
            Some(0)
        );
        let body = format!("cd ~/proj\necho @@1={SHOW}@@");
        let screen = run(&sb, shell, "--no-dir-hook", &body, &[]);
        assert_eq!(marker(&screen, 1), "orig|orig|", "{shell}: {screen}");
        let screen = run(&sb, shell, "", &body, &[("SSOX_DIR_HOOK", "0")]);
        assert_eq!(marker(&screen, 1), "orig|orig|", "{shell}: {screen}");
        let screen = run(&sb, shell, "", &body, &[]);
        assert_eq!(
            marker(&screen, 1),
            "prod|prod|eu-west-1",
            "{shell}: {screen}"
        );
    }
}

/// `ssox hook` as the shells call it, in `dir`, with `env`.
fn hook(sb: &Sandbox, dir: &Path, shell: &str, env: &[(&str, &str)]) -> std::process::Output {
    let mut c = sb.cmd();
    c.current_dir(dir)
        .args(["hook", "--shell", shell])
        .envs(env.iter().copied());
    c.output().unwrap()
}

#[test]
fn powershell_code_quotes_the_values() {
    let sb = sandbox();
    let proj2 = sb.path("proj2");
    let o = hook(&sb, &proj2, "powershell", &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        format!(
            "$Env:SSOX_DIR_NOTICED = '{} {}';\n",
            std::fs::canonicalize(&proj2)
                .unwrap()
                .join(".ssox.toml")
                .display(),
            sha256_hex(&std::fs::read(proj2.join(".ssox.toml")).unwrap()),
        )
    );
    assert_eq!(
        stderr(&o),
        "ssox: ./.ssox.toml wants profile '$(touch pwned)'; run ssox allow to use it\n"
    );
    assert_eq!(
        sb.run(&["allow", &proj2.to_string_lossy()]).status.code(),
        Some(0)
    );
    let o = hook(&sb, &proj2, "powershell", &[("AWS_PROFILE", "it's")]);
    let out = stdout(&o);
    assert!(
        out.contains("$Env:SSOX_DIR_SAVED_AWS_PROFILE = 'it''s';\n"),
        "{out}"
    );
    assert!(
        out.contains("$Env:AWS_PROFILE = '$(touch pwned)';\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "Remove-Item -ErrorAction SilentlyContinue Env:SSOX_DIR_SAVED_AWS_DEFAULT_PROFILE;\n"
        ),
        "{out}"
    );
    // The init script hooks the prompt, and --no-dir-hook leaves it out.
    let init = stdout(&sb.run(&["init", "powershell"]));
    assert!(init.contains("function global:prompt {"), "{init}");
    assert!(
        init.contains("& $ssoxApp hook --shell powershell"),
        "{init}"
    );
    let init = stdout(&sb.run(&["init", "powershell", "--no-dir-hook"]));
    assert!(!init.contains("__ssox_dir_hook {"), "{init}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn malformed_and_missing_profiles_are_warnings_with_file_and_line() {
    let sb = sandbox();
    sb.write("bad/.ssox.toml", "# x\nprofile = prod\n");
    sb.write("typo/.ssox.toml", "\n\nprofile = \"prd\"\n");
    let o = hook(&sb, &sb.path("bad"), "bash", &[]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(err.starts_with("ssox: ./.ssox.toml:2: "), "{err}");
    assert!(!stdout(&o).contains("AWS_PROFILE"));
    let o = sb.run(&["allow", &sb.path("bad").to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    let o = sb.run(&["allow", &sb.path("typo").to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(":3: "), "{}", stderr(&o));
    assert!(stderr(&o).contains("\"prd\""), "{}", stderr(&o));
}

#[test]
fn use_here_writes_trusts_and_status_names_the_file() {
    let sb = sandbox();
    let dir = sb.path("new");
    std::fs::create_dir_all(&dir).unwrap();
    let mut c = sb.cmd();
    let o = c
        .current_dir(&dir)
        .args([
            "use",
            "prod",
            "--here",
            "--region",
            "eu-central-1",
            "--shell",
            "bash",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join(".ssox.toml")).unwrap(),
        "profile = \"prod\"\nregion = \"eu-central-1\"\n"
    );
    let code = stdout(&o);
    assert!(code.contains("export AWS_PROFILE='prod';\n"), "{code}");
    assert!(
        code.contains("export AWS_REGION='eu-central-1';\n"),
        "{code}"
    );
    let file = std::fs::canonicalize(&dir).unwrap().join(".ssox.toml");
    let mut c = sb.cmd();
    let o = c.current_dir(&dir).args(["here"]).output().unwrap();
    assert_eq!(
        stdout(&o),
        format!(
            "file: ~/new/.ssox.toml\nprofile: prod\nregion: eu-central-1\ntrusted: yes\n\
             applied: not yet (the shell integration applies it on the next cd)\n"
        )
    );
    let env = [
        ("AWS_PROFILE", "prod"),
        ("SSOX_DIR_FILE", file.to_str().unwrap()),
        ("SSOX_DIR_PROFILE", "prod"),
    ];
    let mut c = sb.cmd();
    let o = c
        .current_dir(&dir)
        .args(["status", "--prompt"])
        .envs(env)
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "prod (./.ssox.toml)\n");
    let mut c = sb.cmd();
    let o = c
        .current_dir(sb.path("new"))
        .args(["status"])
        .envs(env)
        .output()
        .unwrap();
    assert!(
        stdout(&o).starts_with("profile: prod (from ./.ssox.toml)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn doctor_lists_the_file_and_its_trust() {
    let sb = sandbox();
    let proj = sb.path("proj");
    let doctor = |sb: &Sandbox| {
        let mut c = sb.cmd();
        let o = c.current_dir(&proj).args(["doctor"]).output().unwrap();
        stdout(&o)
            .lines()
            .filter(|l| l.contains("directory:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        doctor(&sb),
        [
            "warn  directory: ./.ssox.toml wants profile prod and region eu-west-1 but is not \
          trusted (new or changed); fix: read it, then: ssox allow"
        ]
    );
    assert_eq!(
        sb.run(&["allow", &proj.to_string_lossy()]).status.code(),
        Some(0)
    );
    assert_eq!(
        doctor(&sb),
        ["ok    directory: ./.ssox.toml is trusted: profile prod and region eu-west-1 here and below"]
    );
}
