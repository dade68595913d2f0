//! Hostile config and credentials files through the built binary: a FIFO, a device, a directory
//! or a huge file is refused at once with one line naming it (never a hang or a memory blow-up);
//! CR-only line endings are read as botocore reads them; and the one-profile parse of `use`
//! reads an indented header exactly as `list` does. Every run is bounded (`run_bounded`).

use std::path::Path;
use std::process::Output;

use crate::support::*;

/// `ssox ARGS` in `sb` with `env` set, bounded.
fn run_env(sb: &Sandbox, env: &[(&str, &Path)], args: &[&str]) -> Output {
    let mut c = sb.cmd();
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(args);
    run_bounded(c, &args.join(" "))
}

/// Every command that reads the config files fails with exactly `message` and exit code 1.
fn assert_refused(sb: &Sandbox, env: &[(&str, &Path)], message: &str) {
    for args in [
        &["list"][..],
        &["list", "--names"],
        &["use", "blog_admin", "--shell", "bash"],
        &["creds", "blog_admin"],
        &["status"],
    ] {
        let o = run_env(sb, env, args);
        assert_eq!(
            (o.status.code(), stdout(&o).as_str(), stderr(&o).as_str()),
            (Some(1), "", message),
            "ssox {}",
            args.join(" ")
        );
    }
}

#[test]
fn a_fifo_as_config_file_is_refused_at_once() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    let fifo = sb.dir.path().join("config.fifo");
    make_fifo(&fifo);
    let message = format!(
        "ssox: {} is not a regular file (a FIFO); point it at a file\n",
        fifo.display()
    );
    assert_refused(&sb, &[("AWS_CONFIG_FILE", &fifo)], &message);
    // The default path too, shown as the user knows it.
    std::fs::remove_file(sb.path(".aws/config")).unwrap();
    make_fifo(&sb.path(".aws/config"));
    assert_refused(
        &sb,
        &[],
        "ssox: ~/.aws/config is not a regular file (a FIFO); point it at a file\n",
    );
}

#[test]
fn a_fifo_as_credentials_file_is_refused_at_once() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    let fifo = sb.dir.path().join("credentials.fifo");
    make_fifo(&fifo);
    let message = format!(
        "ssox: {} is not a regular file (a FIFO); point it at a file\n",
        fifo.display()
    );
    assert_refused(&sb, &[("AWS_SHARED_CREDENTIALS_FILE", &fifo)], &message);
}

#[test]
fn dev_zero_as_config_file_is_refused_at_once() {
    let sb = Sandbox::with_config(SEED_CONFIG);
    assert_refused(
        &sb,
        &[("AWS_CONFIG_FILE", Path::new("/dev/zero"))],
        "ssox: /dev/zero is not a regular file (a device); point it at a file\n",
    );
    assert_refused(
        &sb,
        &[("AWS_SHARED_CREDENTIALS_FILE", Path::new("/dev/zero"))],
        "ssox: /dev/zero is not a regular file (a device); point it at a file\n",
    );
}

#[test]
fn a_directory_or_a_huge_file_is_refused() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws/config")).unwrap();
    assert_refused(
        &sb,
        &[],
        "ssox: ~/.aws/config is not a regular file (a directory); point it at a file\n",
    );
    std::fs::remove_dir(sb.path(".aws/config")).unwrap();
    // Sparse: no disk space used.
    std::fs::File::create(sb.path(".aws/config"))
        .unwrap()
        .set_len((64 << 20) + 1)
        .unwrap();
    assert_refused(
        &sb,
        &[],
        "ssox: ~/.aws/config is larger than 64 MiB; ssox refuses to read it\n",
    );
}

#[test]
fn missing_files_keep_their_meaning() {
    // No config and no credentials: the friendly error; credentials alone are enough.
    let sb = Sandbox::new();
    let o = run_env(&sb, &[], &["list", "--names"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("ssox: no AWS config file at ~/.aws/config\n"),
        "{}",
        stderr(&o)
    );
    sb.write(
        ".aws/credentials",
        "[keys]\naws_access_key_id = AKIDEXAMPLE\n",
    );
    let o = run_env(&sb, &[], &["list", "--names"]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str(), stderr(&o).as_str()),
        (Some(0), "keys\n", "")
    );
}

/// Two sessions and three profiles; `b` is defined twice, the second time under an indented
/// header that botocore reads as a header (nothing above it is open to continue).
const TWO_SESSIONS: &str = "[sso-session first]
sso_start_url = https://first.awsapps.com/start
sso_region = us-east-1

[sso-session second]
sso_start_url = https://second.awsapps.com/start
sso_region = eu-west-1

[profile b]
sso_session = first
sso_account_id = 333333333333
sso_role_name = R

[profile a]
  [profile b]
sso_session = second
sso_account_id = 999999999999

[profile c]
sso_session = first
sso_account_id = 111111111111
sso_role_name = R
";

fn json_rows(o: &Output) -> Vec<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
            (s("name"), s("account_id"), s("sso_session"))
        })
        .collect()
}

#[test]
fn use_reads_an_indented_header_as_list_does() {
    let sb = Sandbox::with_config(TWO_SESSIONS);
    let o = run_env(&sb, &[], &["list", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        json_rows(&o),
        [
            ("a".into(), "".into(), "".into()),
            ("b".into(), "999999999999".into(), "second".into()),
            ("c".into(), "111111111111".into(), "first".into()),
        ]
    );
    // `use b` parses only `b` (and the sessions): it must find the same session as `list`.
    let o = run_env(&sb, &[], &["use", "b", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"second\" has no cached token; run: ssox login\n"
    );
}

#[test]
fn cr_only_line_endings_are_read() {
    let sb = Sandbox::with_config(&SEED_CONFIG.replace('\n', "\r"));
    let o = run_env(&sb, &[], &["list", "--names"]);
    assert_eq!(
        (o.status.code(), stdout(&o).as_str(), stderr(&o).as_str()),
        (Some(0), "blog_admin\n", "")
    );
    let o = run_env(&sb, &[], &["list", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        json_rows(&o),
        [(
            "blog_admin".into(),
            "111111111111".into(),
            "my_sso_session".into()
        )]
    );
    let o = run_env(&sb, &[], &["use", "blog_admin", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\n\
         unset AWS_CREDENTIAL_EXPIRATION;\nexport AWS_PROFILE='blog_admin';\n\
         export AWS_DEFAULT_PROFILE='blog_admin';\n"
    );
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"my_sso_session\" has no cached token; run: ssox login\n"
    );
}
