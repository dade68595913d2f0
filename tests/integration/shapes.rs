//! The profile-file shapes of issue 21 (part 1) through the binary, each compared with botocore
//! on the very same files (`tests/interop/profile_view.py`): a line without `=` in a key's block,
//! a nested value, a BOM, a credential_process beside static keys, half a key pair, `[DEFAULT]`,
//! an inline comment, and a profile's `sso_region` for an sso-session without one.

use std::process::Output;

use serde_json::{json, Value};

use crate::support::fake_aws::sigv4;
use crate::support::signed_in::{Env, ACCOUNT, CONFIG};
use crate::support::*;

/// botocore's view of each profile (region, sso_account_id, credentials' method and access key,
/// or the exception's name), on the sandbox's files, against the fake.
fn botocore(env: &Env, profiles: &[&str]) -> Option<Vec<Value>> {
    let py = venv_python()?;
    let o = env.python(&py, "profile_view.py", profiles);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    Some(
        stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

/// `list --json`'s object for `name`.
fn listed(env: &Env, name: &str) -> Value {
    let o = env.run(&["list", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    rows.into_iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} not listed"))
}

/// The doctor's lines that start with `prefix`.
fn doctor_lines(o: &Output, prefix: &str) -> Vec<String> {
    stdout(o)
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

fn signing_key_id(env: &Env, i: usize) -> String {
    let rq = &env.fake.requests()[i];
    sigv4::parse_authorization(rq.header("authorization").unwrap())
        .unwrap()
        .access_key_id
}

const REFUSED: &str =
    "ssox: ~/.aws/config:25: this line in the block under `credential_process =` \
     is not a `sub = value` line, so the AWS CLI and the SDKs cannot read this file at all \
     (botocore: ConfigParseError) and ssox ignores the line; write the value on the key's line \
     (`credential_process = VALUE`), or start the line with `#` to make it a comment\n";

#[test]
fn a_line_without_equals_under_a_key_is_refused_never_the_value() {
    let env = Env::new();
    env.sb.write(
        ".aws/config",
        &format!(
            "{CONFIG}\n[profile helper]\ncredential_process =\n  /usr/bin/helper --profile x\n"
        ),
    );
    if let Some(b) = botocore(&env, &["blog_admin"]) {
        assert_eq!(
            b[0]["error"], "ConfigParseError",
            "the AWS CLI reads nothing"
        );
    }
    let o = env.run(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), REFUSED, "said once");
    assert!(
        stdout(&o).contains("\n  helper      config "),
        "{}",
        stdout(&o)
    );
    assert_eq!(listed(&env, "helper")["kind"], "config");

    let o = env.run(&["doctor"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        doctor_lines(&o, "fail  config"),
        [format!(
            "fail  config: {}",
            &REFUSED["ssox: ".len()..REFUSED.len() - 1]
        )]
    );
    // Every command says it, once; `status --prompt` (at every prompt) says nothing.
    let o = env.run(&["use", "blog_admin"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
    let o = env.run(&["status"]);
    assert!(stderr(&o).starts_with(REFUSED), "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("ConfigParseError").count(), 1);
    let o = env
        .cmd()
        .env("AWS_PROFILE", "blog_admin")
        .args(["status", "--prompt"])
        .output()
        .unwrap();
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_nested_value_is_no_region() {
    let env = Env::new();
    env.sb.write(
        ".aws/config",
        &format!("{CONFIG}\n[profile nested]\nregion =\n  x = y\naws_access_key_id = A\naws_secret_access_key = S\n"),
    );
    if let Some(b) = botocore(&env, &["nested"]) {
        assert_eq!(b[0]["region"], json!({"x": "y"}), "a map, not a region");
    }
    assert_eq!(listed(&env, "nested")["region"], Value::Null);
    let o = env.run(&["list"]);
    assert!(
        stdout(&o).contains("\n  nested      static  -  "),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("x = y"));
}

const BOM_WARNING: &str = "ssox: ~/.aws/config starts with a UTF-8 byte order mark (BOM): ssox \
     reads past it, but the AWS CLI and the SDKs cannot read the file at all; save it as UTF-8 \
     without a BOM, e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' ~/.aws/config`\n";

#[test]
fn a_bom_is_read_past_with_one_warning_and_fails_the_doctor() {
    let env = Env::new();
    env.sb.write(".aws/config", &format!("\u{feff}{CONFIG}"));
    if let Some(b) = botocore(&env, &["blog_admin"]) {
        assert_eq!(b[0]["error"], "ConfigParseError");
    }
    for args in [
        &["creds", "blog_admin", "--format", "env-no-export"][..],
        &["list"],
        &["use", "blog_ro"],
    ] {
        let o = env.run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), BOM_WARNING, "{args:?}");
    }
    let o = env.run(&["doctor"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        doctor_lines(&o, "fail  config"),
        [format!(
            "fail  config: {}",
            &BOM_WARNING["ssox: ".len()..BOM_WARNING.len() - 1]
        )]
    );
    assert_eq!(stderr(&o).matches("byte order mark").count(), 0);
}

/// A credential_process printing credentials of the SSO role, and IAM user keys that sign as
/// another identity (555555555555): whichever ssox uses shows in the fake's signatures.
fn process_and_keys(env: &Env, extra: &str, credentials: &str) {
    env.fake.issue_role_credentials(
        "ASIAPROCESS000000001",
        "processSecret/0123456789",
        "ProcessSessionToken==",
        ACCOUNT,
        "AdministratorAccess",
    );
    env.fake.issue_user_keys(
        "AKIASTATIC0000000001",
        "staticSecret/0123456789",
        "555555555555",
        "alice",
    );
    env.sb.write(
        "proc.json",
        "{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS000000001\", \"SecretAccessKey\": \
         \"processSecret/0123456789\", \"SessionToken\": \"ProcessSessionToken==\"}",
    );
    let home = env.sb.home.display();
    env.sb.write(
        ".aws/config",
        &format!(
            "{CONFIG}\n[profile both]\ncredential_process = cat {home}/proc.json\n\
             aws_access_key_id = AKIASTATIC0000000001\naws_secret_access_key = staticSecret/0123456789\n\
             [profile via_both]\nrole_arn = arn:aws:iam::333333333333:role/ViaBoth\n\
             source_profile = both\nrole_session_name = viaboth\n{extra}"
        ),
    );
    env.sb.write(".aws/credentials", credentials);
}

#[test]
fn a_credential_process_beats_static_keys_in_the_config_file_everywhere() {
    let env = Env::new();
    process_and_keys(&env, "", "");
    if let Some(b) = botocore(&env, &["both"]) {
        assert_eq!(b[0]["method"], "custom-process");
        assert_eq!(b[0]["access_key"], "ASIAPROCESS000000001");
    }
    let warning = "ssox: ~/.aws/config:25: profile \"both\" sets both a credential_process \
                   (~/.aws/config:24) and static keys: the AWS CLI and SDKs run the \
                   credential_process and never use the keys; remove aws_access_key_id and \
                   aws_secret_access_key from [profile both]\n";
    let o = env.run(&["list"]);
    assert_eq!(stderr(&o), warning);
    assert_eq!(listed(&env, "both")["kind"], "process");

    let o = env.run(&["whoami", "both"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("profile  both\naccount  111111111111\n"),
        "{}",
        stdout(&o)
    );
    assert_eq!(signing_key_id(&env, 0), "ASIAPROCESS000000001");

    // The chain's AssumeRole is signed by the process's credentials, not the keys.
    env.fake.clear_requests();
    let o = env.run(&["whoami", "via_both"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["AssumeRole", "GetCallerIdentity"]);
    assert_eq!(signing_key_id(&env, 0), "ASIAPROCESS000000001");

    let o = env.run(&["creds", "both"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("profile \"both\" runs a credential_process"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn static_keys_in_the_credentials_file_beat_a_credential_process() {
    let env = Env::new();
    process_and_keys(
        &env,
        "[profile kboth]\ncredential_process = cat /nonexistent/proc.json\n",
        "[kboth]\naws_access_key_id = AKIASTATIC0000000001\n\
         aws_secret_access_key = staticSecret/0123456789\n",
    );
    if let Some(b) = botocore(&env, &["kboth"]) {
        assert_eq!(b[0]["method"], "shared-credentials-file");
        assert_eq!(b[0]["access_key"], "AKIASTATIC0000000001");
    }
    assert_eq!(listed(&env, "kboth")["kind"], "static");
    let o = env.run(&["list"]);
    assert!(
        stderr(&o).contains(
            "ssox: ~/.aws/config:32: profile \"kboth\" has static keys in ~/.aws/credentials \
         (~/.aws/credentials:2): the AWS CLI uses them and never runs this credential_process; \
         remove one of the two\n"
        ),
        "{}",
        stderr(&o)
    );
    let o = env.run(&["whoami", "kboth"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("arn:aws:iam::555555555555:user/alice"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn half_a_key_pair_is_an_error_naming_the_missing_key() {
    let env = Env::new();
    env.sb.write(
        ".aws/config",
        &format!(
            "{CONFIG}\n[profile half]\naws_access_key_id = AKIAHALF000000000001\n\
             [profile via_half]\nrole_arn = arn:aws:iam::333333333333:role/R\nsource_profile = half\n"
        ),
    );
    env.sb.write(
        ".aws/credentials",
        "[secret_only]\naws_secret_access_key = s\n",
    );
    if let Some(b) = botocore(&env, &["half", "secret_only"]) {
        assert_eq!(b[0]["error"], "PartialCredentialsError");
        assert_eq!(b[1]["error"], "NoCredentials");
    }
    let half = "profile \"half\" sets aws_access_key_id (~/.aws/config:24) but not \
                aws_secret_access_key: the AWS CLI and SDKs refuse it (PartialCredentialsError); \
                add aws_secret_access_key to [profile half] in ~/.aws/config";
    let secret = "profile \"secret_only\" sets aws_secret_access_key (~/.aws/credentials:2) but \
                  not aws_access_key_id: the AWS CLI and SDKs find no credentials in it; add \
                  aws_access_key_id to [secret_only] in ~/.aws/credentials";
    assert_eq!(listed(&env, "half")["error"], half);
    assert_eq!(listed(&env, "half")["kind"], "static");
    assert_eq!(listed(&env, "secret_only")["error"], secret);
    assert_eq!(listed(&env, "via_half")["error"], half);
    let o = env.run(&["doctor"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        doctor_lines(&o, "fail  profile"),
        [
            format!("fail  profile half: {half}"),
            format!("fail  profile secret_only: {secret}"),
            format!("fail  profile via_half: {half}"),
        ]
    );
    for args in [
        &["whoami", "half"][..],
        &["creds", "via_half"],
        &["exec", "half", "--", "true"],
    ] {
        let o = env.run(args);
        assert_eq!(
            (o.status.code(), stderr(&o)),
            (Some(1), format!("ssox: {half}\n")),
            "{args:?}"
        );
    }
    let o = env.run(&["use", "half"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), format!("ssox: {half} (switched anyway)\n"));
    assert!(env.fake.ops().is_empty());
}

#[test]
fn the_default_section_applies_to_every_profile_as_in_botocore() {
    let env = Env::new();
    env.sb.write(
        ".aws/config",
        &format!("[DEFAULT]\nregion = eu-north-1\n\n{CONFIG}"),
    );
    if let Some(b) = botocore(&env, &["no_region", "blog_admin"]) {
        assert_eq!(b[0]["region"], "eu-north-1");
        assert_eq!(b[1]["region"], "us-east-1");
    }
    let o = env.run(&["list"]);
    assert_eq!(stderr(&o), "", "no false warning about [DEFAULT]");
    assert_eq!(listed(&env, "no_region")["region"], "eu-north-1");
    assert_eq!(listed(&env, "blog_admin")["region"], "us-east-1");
    let o = env.run(&["exec", "no_region", "--", "sh", "-c", "echo $AWS_REGION"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "eu-north-1\n");
    let o = env.run(&["doctor"]);
    assert!(!stdout(&o).contains("[DEFAULT]"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("\ndoctor: 0 failures, "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_inline_comment_is_dropped_with_a_warning() {
    let env = Env::new();
    env.sb.write(
        ".aws/config",
        &format!(
            "{CONFIG}\n[profile commented]\nsso_session = my_sso_session\n\
             sso_account_id = 111111111111 # prod\nsso_role_name = AdministratorAccess\n"
        ),
    );
    if let Some(b) = botocore(&env, &["commented"]) {
        assert_eq!(b[0]["sso_account_id"], "111111111111 # prod");
        // ... and asks the portal for that account.
        let rq = &env.fake.requests()[0];
        assert_eq!(
            rq.query_param("account_id").as_deref(),
            Some("111111111111 # prod")
        );
        env.fake.clear_requests();
    }
    let o = env.run(&["list"]);
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config:25: `sso_account_id` has an inline comment: ssox drops it (as the \
         SDKs do), but the AWS CLI reads everything after `=` as the value, comment included; \
         move the comment to a line of its own\n"
    );
    let o = env.run(&["creds", "commented"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rq = &env.fake.requests()[0];
    assert_eq!(rq.query_param("account_id").as_deref(), Some(ACCOUNT));
}

#[test]
fn a_profiles_sso_region_serves_its_session_and_the_doctor_says_move_it() {
    let env = Env::new();
    let config = CONFIG.replacen("sso_region = us-east-1\n", "", 1).replacen(
        "sso_role_name = AdministratorAccess\n",
        "sso_role_name = AdministratorAccess\nsso_region = us-east-1\n",
        1,
    );
    env.sb.write(".aws/config", &config);
    if let Some(b) = botocore(&env, &["blog_admin"]) {
        // botocore's SSO provider merges the profile's keys, but its token provider reads the
        // sso-session alone and refuses (docs/compat.md#config-files).
        assert_eq!(b[0]["error"], "InvalidConfigError");
    }
    let o = env.run(&["creds", "blog_admin", "--format", "env-no-export"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
    let o = env.run(&["doctor"]);
    assert_eq!(
        doctor_lines(&o, "warn  profile blog_admin"),
        [
            "warn  profile blog_admin: sets sso_region = us-east-1 (~/.aws/config:9) while its \
          sso-session \"my_sso_session\" has none: ssox uses it, but the AWS CLI and the SDKs \
          read sso_region from the sso-session and refuse the profile; fix: move \
          `sso_region = us-east-1` from [profile blog_admin] into [sso-session my_sso_session]"
        ]
    );
}
