//! Real shells: the eval round trip of `ssox use` for hostile profile names, and the `ssox init`
//! scripts (function, pass-through, `--cmd`, aliases, completions) in bash, zsh, fish, sh and
//! PowerShell (when installed).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::*;

/// Profile names a shell must never run as code, as config sections and as values.
const HOSTILE: [(&str, &str); 6] = [
    ("[profile \"it's\"]", "it's"),
    ("[profile \"$(touch pwned)\"]", "$(touch pwned)"),
    ("[profile \"a b\"]", "a b"),
    ("[profile $(id)]", "$(id)"),
    ("[profile x;y]", "x;y"),
    ("[profile ü]", "ü"),
];

const STATIC: [&str; 4] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
];

/// The seed's config plus a profile named like a builtin (`test`), one with a space, one with a
/// dash, and a second session.
const CONFIG: &str = "\
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1

[sso-session other]
sso_start_url = https://other.awsapps.com/start
sso_region = eu-west-1

[profile blog_admin]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1

[profile blog-dev]
region = us-east-1

[profile test]
region = us-east-1

[profile \"a b\"]
region = us-east-1
";

fn hostile_config() -> String {
    HOSTILE
        .iter()
        .map(|(section, _)| format!("{section}\nregion = us-east-1\n\n"))
        .collect()
}

/// A directory holding only a link to the built `ssox`, so PATH finds it as `ssox`.
fn bin_dir(sb: &Sandbox) -> PathBuf {
    let dir = sb.dir.path().join("bin");
    if !dir.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(ssox_bin(), dir.join("ssox")).unwrap();
    }
    dir
}

/// A temp working directory (so a `touch pwned` would land where the test looks).
fn cwd(sb: &Sandbox) -> PathBuf {
    let dir = sb.dir.path().join("cwd");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `shell ARGS… SCRIPT` in the sandbox: scrubbed env, `ssox` first on PATH, temp cwd.
fn shell_cmd(sb: &Sandbox, argv: &[&str], script: &str) -> Command {
    let mut c = Command::new(argv[0]);
    scrub(&mut c, &sb.home);
    let path = std::env::join_paths(std::iter::once(bin_dir(sb)).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    c.env("PATH", path)
        .current_dir(cwd(sb))
        .args(&argv[1..])
        .arg(script);
    c
}

fn run_shell(sb: &Sandbox, argv: &[&str], script: &str) -> Output {
    shell_cmd(sb, argv, script).output().unwrap()
}

/// Strict mode per shell, then `-c`.
fn strict(shell: &str) -> &'static [&'static str] {
    match shell {
        "bash" => &["bash", "--norc", "--noprofile", "-euo", "pipefail", "-c"],
        "zsh" => &[
            "zsh", "-f", "-o", "errexit", "-o", "nounset", "-o", "pipefail", "-c",
        ],
        "fish" => &["fish", "--no-config", "-c"],
        "sh" => &["sh", "-eu", "-c"],
        _ => unreachable!(),
    }
}

fn assert_ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
}

fn no_pwned(sb: &Sandbox) {
    assert!(!cwd(sb).join("pwned").exists(), "a profile name ran code");
    assert!(!sb.home.join("pwned").exists(), "a profile name ran code");
}

// ---------------------------------------------------------------------------------------------
// eval "$(ssox use --shell X NAME)" round trip; it sets both profile variables
// (docs/compat.md#config-files).

/// Sets the static keys, evals `ssox use`, prints both profile variables and which static keys
/// survived (`NAME=set`).
fn round_trip_script(shell: &str) -> String {
    let keys = STATIC.join(" ");
    match shell {
        "fish" => format!(
            "for v in {keys}; set -gx $v secret; end\n\
             ssox use --shell fish -- $SSOX_TEST_NAME | source\n\
             printf '%s\\n' \"$AWS_PROFILE\" \"$AWS_DEFAULT_PROFILE\"\n\
             for v in {keys}; set -q $v; and echo $v=set; end\n\
             true\n"
        ),
        _ => {
            let set: String = STATIC
                .iter()
                .map(|k| format!("export {k}=secret\n"))
                .collect();
            let check: String = STATIC
                .iter()
                .map(|k| format!("if [ -n \"${{{k}+x}}\" ]; then echo {k}=set; fi\n"))
                .collect();
            format!(
                "{set}eval \"$(ssox use --shell {shell} -- \"$SSOX_TEST_NAME\")\"\n\
                 printf '%s\\n' \"$AWS_PROFILE\" \"$AWS_DEFAULT_PROFILE\"\n{check}"
            )
        }
    }
}

fn round_trip(shell: &str) {
    let tool = if shell == "sh" { "sh" } else { shell };
    if !require_tool(tool) {
        return;
    }
    let sb = Sandbox::with_config(&hostile_config());
    let names = sb.run(&["list", "--names"]);
    assert_ok(&names);
    let mut expected_names: Vec<&str> = HOSTILE.iter().map(|(_, n)| *n).collect();
    expected_names.sort();
    assert_eq!(stdout(&names), format!("{}\n", expected_names.join("\n")));
    for (_, name) in HOSTILE {
        let o = shell_cmd(&sb, strict(shell), &round_trip_script(shell))
            .env("SSOX_TEST_NAME", name)
            .output()
            .unwrap();
        assert_ok(&o);
        assert_eq!(
            o.stdout,
            format!("{name}\n{name}\n").into_bytes(),
            "{shell}, profile {name:?}: {}",
            stderr(&o)
        );
        no_pwned(&sb);
    }
}

#[test]
fn round_trip_bash() {
    round_trip("bash");
}

#[test]
fn round_trip_zsh() {
    round_trip("zsh");
}

#[test]
fn round_trip_fish() {
    round_trip("fish");
}

#[test]
fn round_trip_posix_sh() {
    round_trip("sh");
}

fn clear_round_trip(shell: &str) {
    if !require_tool(shell) {
        return;
    }
    let sb = Sandbox::with_config(&hostile_config());
    let all: Vec<&str> = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]
        .into_iter()
        .chain(STATIC)
        .collect();
    let script = match shell {
        "fish" => format!(
            "for v in {all}; set -gx $v x; end\n\
             ssox use --clear --shell fish | source\n\
             for v in {all}; set -q $v; and echo $v=set; end\n\
             echo done\n",
            all = all.join(" ")
        ),
        _ => {
            let set: String = all.iter().map(|k| format!("export {k}=x\n")).collect();
            let check: String = all
                .iter()
                .map(|k| format!("if [ -n \"${{{k}+x}}\" ]; then echo {k}=set; fi\n"))
                .collect();
            format!("{set}eval \"$(ssox use --clear --shell {shell})\"\n{check}echo done\n")
        }
    };
    let o = run_shell(&sb, strict(shell), &script);
    assert_ok(&o);
    assert_eq!(stdout(&o), "done\n", "{shell}");
}

#[test]
fn clear_round_trip_all_shells() {
    for shell in ["bash", "zsh", "fish", "sh"] {
        clear_round_trip(shell);
    }
}

// ---------------------------------------------------------------------------------------------
// `ssox init`.

fn init_script(sb: &Sandbox, args: &[&str]) -> String {
    let o = sb.run(args);
    assert_ok(&o);
    assert_eq!(stderr(&o), "");
    stdout(&o)
}

/// Write `ssox init ARGS` to a file in the sandbox and return its path.
fn init_file(sb: &Sandbox, args: &[&str]) -> PathBuf {
    let text = init_script(sb, args);
    let path = sb
        .dir
        .path()
        .join(format!("init-{}.{}", args[1], args.len()));
    std::fs::write(&path, text).unwrap();
    path
}

fn source_line(file: &Path) -> String {
    format!("source '{}'\n", file.display())
}

/// What sourcing `ssox init SHELL --aliases` says about `CONFIG`'s profiles `a b` and `test`.
const SKIPPED_ALIASES: &str = "ssox: --aliases skipped \"a b\" (not a valid alias name), test (a shell keyword or builtin); switch to these with: ssox use NAME\n";

/// Sourcing does not fail in strict mode, with and without completions, and prints nothing but
/// the profiles `--aliases` passed over.
#[test]
fn init_sources_silently_in_strict_mode() {
    let sb = Sandbox::with_config(CONFIG);
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        for extra in [
            &[][..],
            &["--aliases"],
            &["--no-completions"],
            &["--cmd", "sx"],
        ] {
            let mut args = vec!["init", shell];
            args.extend_from_slice(extra);
            let file = init_file(&sb, &args);
            let o = run_shell(&sb, strict(shell), &source_line(&file));
            // The profiles left without an alias are named once, on stderr.
            let said = if extra == ["--aliases"] {
                SKIPPED_ALIASES
            } else {
                ""
            };
            assert_eq!(
                (o.status.code(), stdout(&o), stderr(&o)),
                (Some(0), String::new(), said.to_string()),
                "{shell} {extra:?}"
            );
        }
    }
}

/// `ssox completions SHELL` alone loads silently in strict mode too.
#[test]
fn completions_alone_load_silently() {
    let sb = Sandbox::with_config(CONFIG);
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        for args in [
            &["completions", shell][..],
            &["completions", shell, "--cmd", "sx"],
        ] {
            let file = init_file(&sb, args);
            let o = run_shell(&sb, strict(shell), &source_line(&file));
            assert_eq!(
                (o.status.code(), stdout(&o), stderr(&o)),
                (Some(0), String::new(), String::new()),
                "{args:?}"
            );
        }
    }
}

/// What every shell prints after a command through the function: status, AWS_PROFILE, and
/// whether the static keys are still set.
fn report(shell: &str) -> &'static str {
    match shell {
        "fish" => {
            "echo \"rc=$rc profile=$AWS_PROFILE default=$AWS_DEFAULT_PROFILE\"\n\
             set -q AWS_ACCESS_KEY_ID; and echo key=$AWS_ACCESS_KEY_ID\n\
             true\n"
        }
        _ => {
            "echo \"rc=$rc profile=${AWS_PROFILE-} default=${AWS_DEFAULT_PROFILE-}\"\n\
             if [ -n \"${AWS_ACCESS_KEY_ID+x}\" ]; then echo key=$AWS_ACCESS_KEY_ID; fi\n"
        }
    }
}

/// Run `COMMAND` through the init function in `shell` (strict mode), starting from
/// AWS_PROFILE=before and a static key, and return stdout.
fn through_function(sb: &Sandbox, shell: &str, init_args: &[&str], command: &str) -> Output {
    let file = init_file(sb, init_args);
    let (setup, capture) = match shell {
        "fish" => (
            "set -gx AWS_PROFILE before; set -gx AWS_DEFAULT_PROFILE before; set -gx AWS_ACCESS_KEY_ID k\n",
            format!("{command}\nset rc $status\n"),
        ),
        _ => (
            "export AWS_PROFILE=before AWS_DEFAULT_PROFILE=before AWS_ACCESS_KEY_ID=k\n",
            format!("rc=0\n{command} || rc=$?\n"),
        ),
    };
    let script = format!("{setup}{}{capture}{}", source_line(&file), report(shell));
    run_shell(sb, strict(shell), &script)
}

#[test]
fn function_use_switches_and_unknown_changes_nothing() {
    let sb = Sandbox::with_config(CONFIG);
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let o = through_function(&sb, shell, &["init", shell], "ssox use blog_admin");
        assert_ok(&o);
        assert_eq!(
            stdout(&o),
            "rc=0 profile=blog_admin default=blog_admin\n",
            "{shell}"
        );
        assert_eq!(
            stderr(&o),
            "ssox: sso-session \"my_sso_session\" has no cached token; run: ssox login\n"
        );

        let o = through_function(&sb, shell, &["init", shell], "ssox use blg_admin");
        assert_ok(&o);
        assert_eq!(
            stdout(&o),
            "rc=1 profile=before default=before\nkey=k\n",
            "{shell}"
        );
        assert!(stderr(&o).contains("profile \"blg_admin\" not found"));

        // Names with spaces go through the function as one argument.
        let o = through_function(&sb, shell, &["init", shell], "ssox use 'a b'");
        assert_eq!(stdout(&o), "rc=0 profile=a b default=a b\n", "{shell}");

        // `--clear` through the function.
        let o = through_function(&sb, shell, &["init", shell], "ssox use --clear");
        assert_eq!(stdout(&o), "rc=0 profile= default=\n", "{shell}");

        // `--help` is printed, never evaluated.
        let o = through_function(&sb, shell, &["init", shell], "ssox use --help");
        assert!(stdout(&o).contains("Usage: ssox use"), "{shell}");
        assert!(
            stdout(&o).ends_with("rc=0 profile=before default=before\nkey=k\n"),
            "{shell}"
        );
    }
}

#[test]
fn function_passes_other_commands_through() {
    let sb = Sandbox::with_config(CONFIG);
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let o = through_function(
            &sb,
            shell,
            &["init", shell],
            "ssox list --names | tr a-z A-Z",
        );
        assert_ok(&o);
        assert_eq!(
            stdout(&o),
            "A B\nBLOG-DEV\nBLOG_ADMIN\nTEST\nrc=0 profile=before default=before\nkey=k\n",
            "{shell}"
        );
        // Exit codes come back unchanged (clap's usage error is 2).
        let o = through_function(&sb, shell, &["init", shell], "ssox list --bogus");
        assert!(
            stdout(&o).starts_with("rc=2 profile=before"),
            "{shell}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn cmd_option_names_the_function() {
    let sb = Sandbox::with_config(CONFIG);
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let o = through_function(
            &sb,
            shell,
            &["init", shell, "--cmd", "sx"],
            "sx use blog_admin",
        );
        assert_eq!(
            stdout(&o),
            "rc=0 profile=blog_admin default=blog_admin\n",
            "{shell}: {}",
            stderr(&o)
        );
        // `ssox` is still the plain binary: its output is printed, not evaluated.
        let o = through_function(
            &sb,
            shell,
            &["init", shell, "--cmd", "sx"],
            "ssox use blog_admin --shell sh >/dev/null",
        );
        assert_eq!(stdout(&o), "rc=0 profile=before default=before\nkey=k\n");
    }
    for bad in ["a b", "x;y", "$(id)", "1x", "", "command", "if", "a-b"] {
        let o = sb.run(&["init", "bash", "--cmd", bad]);
        assert_eq!(o.status.code(), Some(1), "{bad:?}");
        assert_eq!(stdout(&o), "");
        assert!(
            stderr(&o).starts_with("ssox: invalid --cmd"),
            "{}",
            stderr(&o)
        );
        let o = sb.run(&["completions", "zsh", "--cmd", bad]);
        assert_eq!((o.status.code(), stdout(&o)), (Some(1), String::new()));
    }
}

#[test]
fn aliases_switch_and_skip_unsafe_or_taken_names() {
    let sb = Sandbox::with_config(CONFIG);
    let text = init_script(&sb, &["init", "bash", "--aliases", "--cmd", "sx"]);
    // `test` is a builtin and `a b` is no alias name: never defined.
    let aliases: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("if __ssox_free_"))
        .collect();
    assert_eq!(
        aliases,
        [
            "if __ssox_free_sx blog-dev; then alias blog-dev='sx use blog-dev'; fi",
            "if __ssox_free_sx blog_admin; then alias blog_admin='sx use blog_admin'; fi",
        ]
    );
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        // Aliases expand when a line is parsed, so the use goes through eval (zsh -c parses
        // the whole script first); an interactive shell reads line by line anyway.
        let prelude = if shell == "bash" {
            "shopt -s expand_aliases\n"
        } else {
            ""
        };
        let rc0 = if shell == "fish" { "set rc 0" } else { "rc=0" };
        let file = init_file(&sb, &["init", shell, "--aliases"]);
        let script = format!(
            "{prelude}{}{rc0}\neval blog_admin\ntest 1 = 1\n{}",
            source_line(&file),
            report(shell)
        );
        let o = run_shell(&sb, strict(shell), &script);
        assert_ok(&o);
        assert_eq!(
            stdout(&o),
            "rc=0 profile=blog_admin default=blog_admin\n",
            "{shell}: {}",
            stderr(&o)
        );
        assert_eq!(
            stderr(&o),
            format!(
                "{SKIPPED_ALIASES}ssox: sso-session \"my_sso_session\" has no cached token; \
                 run: ssox login\n"
            ),
            "{shell}"
        );
    }
}

/// An alias of the old workflow (`alias blog_admin='export AWS_DEFAULT_PROFILE=…'`) and a
/// function named like a profile are left alone, and sourcing says so once, with why. Sourcing
/// the script again (a re-read rc file) does not count ssox's own aliases as taken.
#[test]
fn aliases_name_what_they_leave_to_old_aliases_and_functions() {
    let sb = Sandbox::with_config(&format!(
        "{SEED_CONFIG}\n[profile ops_admin]\nregion = us-east-1\n\n[profile shop_admin]\nregion = eu-west-1\n"
    ));
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let file = init_file(&sb, &["init", shell, "--aliases"]);
        let (old, check) = match shell {
            "fish" => (
                "alias blog_admin 'set -gx AWS_DEFAULT_PROFILE blog_admin'\n\
                 function ops_admin; echo mine; end\n",
                "functions -D shop_admin >/dev/null; and echo shop_admin=defined\n\
                 blog_admin; echo \"default=$AWS_DEFAULT_PROFILE\"\n",
            ),
            _ => (
                "alias blog_admin='export AWS_DEFAULT_PROFILE=blog_admin'\n\
                 ops_admin() { echo mine; }\n",
                "alias shop_admin >/dev/null && echo shop_admin=defined\n\
                 eval blog_admin; echo \"default=$AWS_DEFAULT_PROFILE\"\n",
            ),
        };
        let prelude = if shell == "bash" {
            "shopt -s expand_aliases\n"
        } else {
            ""
        };
        let source = source_line(&file);
        let script = format!("{prelude}{old}{source}{source}{check}");
        let o = run_shell(&sb, strict(shell), &script);
        assert_ok(&o);
        // fish's aliases are functions.
        let alias = if shell == "fish" {
            "a function"
        } else {
            "an alias"
        };
        let said = format!(
            "ssox: --aliases skipped blog_admin (already {alias}), ops_admin (already a \
             function); switch to these with: ssox use NAME\n"
        );
        // Twice, once per sourcing, and never about shop_admin, ssox's own.
        assert_eq!(stderr(&o), format!("{said}{said}"), "{shell}");
        assert_eq!(
            stdout(&o),
            "shop_admin=defined\ndefault=blog_admin\n",
            "{shell}"
        );
    }
}

#[test]
fn aliases_without_a_config_file_are_none() {
    let sb = Sandbox::new();
    let with = init_script(&sb, &["init", "bash", "--aliases"]);
    let without = init_script(&sb, &["init", "bash"]);
    assert_eq!(with, without);
}

#[test]
fn shellcheck_passes_on_the_bash_script() {
    if !require_tool("shellcheck") {
        return;
    }
    let sb = Sandbox::with_config(CONFIG);
    for args in [
        &["init", "bash", "--aliases"][..],
        &["init", "bash", "--cmd", "sx", "--no-completions"],
        &["completions", "bash"],
    ] {
        let file = init_file(&sb, args);
        let o = Command::new("shellcheck")
            .args(["-s", "bash"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stdout(&o));
    }
}

/// Drive the bash completion function registered for `cmd` on `line` (cursor at the end).
fn bash_complete(sb: &Sandbox, init_args: &[&str], cmd: &str, line: &str) -> String {
    let file = init_file(sb, init_args);
    let script = format!(
        "{}spec=$(complete -p {cmd})\n\
         fn=${{spec#*-F }}; fn=${{fn%% *}}\n\
         COMP_LINE=\"$LINE\"; COMP_POINT=${{#LINE}}\n\
         read -ra COMP_WORDS <<<\"$LINE\"\n\
         if [[ $LINE == *' ' ]]; then COMP_WORDS+=(''); fi\n\
         COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n\
         COMPREPLY=()\n\
         \"$fn\" {cmd} \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        source_line(&file)
    );
    let o = shell_cmd(sb, strict("bash"), &script)
        .env("LINE", line)
        .output()
        .unwrap();
    assert_ok(&o);
    stdout(&o)
}

#[test]
fn bash_completes_profiles_sessions_and_subcommands() {
    if !require_tool("bash") {
        return;
    }
    let sb = Sandbox::with_config(CONFIG);
    let init = ["init", "bash"];
    assert_eq!(
        bash_complete(&sb, &init, "ssox", "ssox use bl"),
        "blog-dev\nblog_admin\n"
    );
    assert_eq!(
        bash_complete(&sb, &init, "ssox", "ssox use "),
        "a\\ b\nblog-dev\nblog_admin\ntest\n"
    );
    assert_eq!(
        bash_complete(&sb, &init, "ssox", "ssox login "),
        "a\\ b\nblog-dev\nblog_admin\ntest\nmy_sso_session\nother\n"
    );
    assert_eq!(
        bash_complete(&sb, &init, "ssox", "ssox logout o"),
        "other\n"
    );
    assert_eq!(bash_complete(&sb, &init, "ssox", "ssox us"), "use\n");
    assert_eq!(
        bash_complete(&sb, &init, "ssox", "ssox use --cl"),
        "--clear\n"
    );
    // The second positional is not a profile: clap's completer (flags) takes over.
    assert!(bash_complete(&sb, &init, "ssox", "ssox use blog_admin --").contains("--login\n"));
    // --config is passed to `ssox list --names`.
    let other = sb.write("other/config", "[profile elsewhere]\nregion = x\n");
    assert_eq!(
        bash_complete(
            &sb,
            &init,
            "ssox",
            &format!("ssox --config {} whoami ", other.display())
        ),
        "elsewhere\n"
    );
    // --cmd, and `ssox completions` alone.
    assert_eq!(
        bash_complete(&sb, &["init", "bash", "--cmd", "sx"], "sx", "sx use blog_"),
        "blog_admin\n"
    );
    assert_eq!(
        bash_complete(&sb, &["completions", "bash"], "ssox", "ssox exec blog_a"),
        "blog_admin\n"
    );
}

#[test]
fn zsh_completion_offers_profile_names() {
    if !require_tool("zsh") {
        return;
    }
    let sb = Sandbox::with_config(CONFIG);
    let file = init_file(&sb, &["init", "zsh"]);
    // compadd only works inside a completion widget: stand in for it to see what is offered.
    let script = format!(
        "autoload -U compinit; compinit -u -D\n{}\
         print -r -- \"registered: $_comps[ssox]\"\n\
         compadd() {{ [[ $1 == -a ]] && print -rl -- \"${{(@P)2}}\" }}\n\
         words=(ssox use bl); CURRENT=3; __ssox_complete_ssox\n\
         words=(ssox logout ''); CURRENT=3; __ssox_complete_ssox\n",
        source_line(&file)
    );
    let o = run_shell(&sb, &["zsh", "-f", "-c"], &script);
    assert_ok(&o);
    assert_eq!(
        stdout(&o),
        "registered: __ssox_complete_ssox\na b\nblog-dev\nblog_admin\ntest\nmy_sso_session\nother\n"
    );
}

#[test]
fn fish_completion_offers_profile_names() {
    if !require_tool("fish") {
        return;
    }
    let sb = Sandbox::with_config(CONFIG);
    let file = init_file(&sb, &["init", "fish", "--cmd", "sx"]);
    let script = format!(
        "{}complete -C 'sx use blog'\necho ==\ncomplete -C 'sx logout '\necho ==\ncomplete -C 'sx us'\n",
        source_line(&file)
    );
    let o = run_shell(&sb, strict("fish"), &script);
    assert_ok(&o);
    let out = stdout(&o);
    let mut parts = out.split("==\n");
    assert_eq!(parts.next(), Some("blog-dev\nblog_admin\n"));
    assert_eq!(parts.next(), Some("my_sso_session\nother\n"));
    assert!(parts.next().unwrap().starts_with("use\t"), "{out}");
}

/// A stand-in `ssox` on PATH that logs its arguments, to check what the function passes.
fn fake_binary(sb: &Sandbox) -> PathBuf {
    let dir = sb.dir.path().join("fake");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ssox");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nprintf '%s|' \"$@\" >>'{}'\necho >>'{0}'\necho 'export AWS_PROFILE=fake'\nexit \"${{FAKE_RC:-0}}\"\n",
            dir.join("log").display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

#[test]
fn auto_login_adds_login_only_on_a_terminal() {
    let sb = Sandbox::with_config(CONFIG);
    let fake = fake_binary(&sb);
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        let _ = std::fs::remove_file(fake.join("log"));
        let file = init_file(&sb, &["init", shell, "--no-completions", "--no-dir-hook"]);
        let env_set = if shell == "fish" {
            "set -gx SSOX_AUTO_LOGIN 1\n"
        } else {
            "export SSOX_AUTO_LOGIN=1\n"
        };
        let body = format!(
            "{env_set}{}ssox --config c use blog_admin\nssox use --clear\nssox login --use x\necho \"$AWS_PROFILE\" >>'{}'\n",
            source_line(&file),
            fake.join("log").display()
        );
        let path = format!("{}:{}", fake.display(), std::env::var("PATH").unwrap());
        // stdin not a terminal: no --login added.
        let o = shell_cmd(&sb, strict(shell), &body)
            .env("PATH", &path)
            .output()
            .unwrap();
        assert_ok(&o);
        // On a terminal: --login right after `use`.
        let mut c = shell_cmd(&sb, strict(shell), &body);
        c.env("PATH", &path);
        let mut p = expectrl::Session::spawn(c).unwrap();
        p.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
        p.expect(expectrl::Eof).unwrap();
        let log = std::fs::read_to_string(fake.join("log")).unwrap();
        assert_eq!(
            log,
            "--config|c|use|blog_admin|\nuse|--clear|\nlogin|--use|x|\nfake\n\
             --config|c|use|--login|blog_admin|\nuse|--clear|\nlogin|--use|x|\nfake\n",
            "{shell}"
        );
    }
}

#[test]
fn failed_or_cancelled_call_is_never_evaluated() {
    let sb = Sandbox::with_config(CONFIG);
    let fake = fake_binary(&sb);
    let path = format!("{}:{}", fake.display(), std::env::var("PATH").unwrap());
    for shell in ["bash", "zsh", "fish"] {
        if !require_tool(shell) {
            continue;
        }
        // The stand-in prints shell code and exits 130 (a cancelled pick) or 1.
        for (command, rc) in [
            ("ssox pick", "130"),
            ("ssox use x", "1"),
            ("ssox login --use x", "1"),
        ] {
            let file = init_file(&sb, &["init", shell]);
            let (setup, capture) = if shell == "fish" {
                (
                    "set -gx AWS_PROFILE before\n",
                    format!("{command}\nset rc $status\n"),
                )
            } else {
                (
                    "export AWS_PROFILE=before\n",
                    format!("rc=0\n{command} || rc=$?\n"),
                )
            };
            let script = format!(
                "{setup}{}{capture}echo \"$rc $AWS_PROFILE\"\n",
                source_line(&file)
            );
            let o = shell_cmd(&sb, strict(shell), &script)
                .env("PATH", &path)
                .env("FAKE_RC", rc)
                .output()
                .unwrap();
            assert_ok(&o);
            assert_eq!(stdout(&o), format!("{rc} before\n"), "{shell} {command}");
        }
    }
}

#[test]
fn powershell_function_when_pwsh_is_installed() {
    let found = Command::new("sh")
        .args(["-c", "command -v pwsh"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: pwsh is not installed (PowerShell is not in Debian's repositories)");
        return;
    }
    let sb = Sandbox::with_config(CONFIG);
    let file = init_file(&sb, &["init", "powershell", "--aliases"]);
    let script = format!(
        "Invoke-Expression (Get-Content -Raw '{}')\n\
         $env:AWS_ACCESS_KEY_ID = 'k'\n\
         ssox use blog_admin 2>$null\n\
         \"rc=$LASTEXITCODE profile=$env:AWS_PROFILE key=$env:AWS_ACCESS_KEY_ID\"\n\
         ssox use blg_admin 2>$null\n\
         \"rc=$LASTEXITCODE profile=$env:AWS_PROFILE\"\n\
         $env:AWS_PROFILE = $null\n\
         blog_admin 2>$null\n\
         \"alias: profile=$env:AWS_PROFILE\"\n\
         (ssox list --names) -join ','\n",
        file.display()
    );
    let o = run_shell(
        &sb,
        &["pwsh", "-NoProfile", "-NonInteractive", "-Command"],
        &script,
    );
    assert_ok(&o);
    assert_eq!(
        stdout(&o),
        "rc=0 profile=blog_admin key=\nrc=1 profile=blog_admin\nalias: profile=blog_admin\na b,blog-dev,blog_admin,test\n"
    );
}
