//! Role chains (`role_arn` + `source_profile`) through the binary against the fake, whose STS
//! checks every SigV4 signature: SSO → HubOps → ChainRole, the AWS CLI's assume-role cache (file
//! names and contents, the 15 minutes, reuse both ways with botocore), boto3 using what ssox
//! prints, `whoami`/`exec`/`console`/`list` for chained and quoted profiles, and the clear errors
//! (loops, mfa_serial, credential_source, missing sources).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Output;

use sha2::{Digest, Sha256};

use crate::support::fake_aws::{sigv4, Recorded};
use crate::support::signed_in::{in_minutes, sha1_name, Env, ACCOUNT, CONFIG};
use crate::support::*;

/// Two hops after the SSO role of `blog_admin` (lines 22 to 31 after `CONFIG`'s 21).
const CHAINS: &str = "
[profile hub_ops]
role_arn = arn:aws:iam::222222222222:role/HubOps
source_profile = blog_admin
region = eu-central-1

[profile chain_top]
role_arn = arn:aws:iam::333333333333:role/ChainRole
source_profile = hub_ops
region = eu-west-2
";

const HUB_ARN: &str = "arn:aws:iam::222222222222:role/HubOps";
const TOP_ARN: &str = "arn:aws:iam::333333333333:role/ChainRole";
/// sha1(`{"RoleArn": "arn:aws:iam::333333333333:role/ChainRole"}`), seen from the AWS CLI v2.
const TOP_FILE: &str = "fd12b8f5918586dff3e3bb813b57c57ae9051daa.json";

/// The signed-in sandbox with `CHAINS` and then `extra` in its config.
fn env_with(extra: &str) -> Env {
    let env = Env::new();
    env.sb
        .write(".aws/config", &format!("{CONFIG}{CHAINS}{extra}"));
    env
}

fn cache_file(env: &Env, name: &str) -> PathBuf {
    env.sb.path(&format!(".aws/cli/cache/{name}"))
}

/// The cache file of an assume-role call with these arguments (`json.dumps(sort_keys=True)`).
fn assumed_file(env: &Env, key: &str) -> PathBuf {
    cache_file(env, &sha1_name(key))
}

fn signing_key_id(rq: &Recorded) -> String {
    sigv4::parse_authorization(rq.header("authorization").unwrap())
        .unwrap()
        .access_key_id
}

/// `creds --format env-no-export` output as a map.
fn vars(o: &Output) -> HashMap<String, String> {
    stdout(o)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The fake's RoleId for a role: `AROA` + 17 hex digits of sha256("account/role").
fn role_id(account: &str, role: &str) -> String {
    let h: String = Sha256::digest(format!("{account}/{role}").as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    format!("AROA{}", &h[..17])
}

fn is_default_session_name(s: &str) -> bool {
    s.strip_prefix("botocore-session-")
        .is_some_and(|n| n.len() == 10 && n.bytes().all(|b| b.is_ascii_digit()))
}

fn fail(o: &Output) -> (Option<i32>, String, String) {
    (o.status.code(), stdout(o), stderr(o))
}

fn err(msg: &str) -> (Option<i32>, String, String) {
    (Some(1), String::new(), format!("ssox: {msg}\n"))
}

#[test]
fn a_two_hop_chain_assumes_each_role_with_the_previous_credentials() {
    let env = env_with("");
    let o = env.run(&["creds", "chain_top", "--format", "env-no-export"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert_eq!(
        env.fake.ops(),
        ["GetRoleCredentials", "AssumeRole", "AssumeRole"]
    );
    let rq = env.fake.requests();
    let (hub, top) = (&rq[1], &rq[2]);
    // Hop one is signed with the SSO role's credentials, hop two with hop one's.
    let sso_key = signing_key_id(hub);
    assert!(sso_key.starts_with("ASIAFAKE0"), "{sso_key}");
    assert!(env.fake.role_credentials_for(&sso_key).is_some());
    let hub_key = signing_key_id(top);
    assert!(hub_key.starts_with("ASIAFAKEAR"), "{hub_key}");
    for (r, arn) in [(hub, HUB_ARN), (top, TOP_ARN)] {
        assert_eq!(r.method, "POST");
        assert_eq!(r.form_param("Version").as_deref(), Some("2011-06-15"));
        assert_eq!(r.form_param("RoleArn").as_deref(), Some(arn));
        assert_eq!(r.form_param("ExternalId"), None);
        assert_eq!(r.form_param("DurationSeconds"), None);
        // STS as the profile asked for sets it: its region for every hop.
        assert!(r
            .header("authorization")
            .unwrap()
            .contains("/eu-west-2/sts/aws4_request"));
    }
    let session = hub.form_param("RoleSessionName").unwrap();
    assert!(is_default_session_name(&session), "{session}");
    assert_eq!(top.form_param("RoleSessionName"), Some(session));
    let v = vars(&o);
    let akid = &v["AWS_ACCESS_KEY_ID"];
    assert!(akid.starts_with("ASIAFAKEAR") && *akid != hub_key, "{akid}");
    let (_, secret, token) = env.fake.role_credentials_for(akid).unwrap();
    assert_eq!(v["AWS_SECRET_ACCESS_KEY"], secret);
    assert_eq!(v["AWS_SESSION_TOKEN"], token);
    assert_eq!(v.len(), 4);
}

#[test]
fn boto3_signs_with_what_ssox_exports_for_a_chain() {
    let Some(py) = venv_python() else { return };
    let env = env_with("");
    let body = format!(
        "eval \"$(ssox creds chain_top)\" && exec {} {}",
        py.display(),
        interop_script("env_caller_identity.py").display()
    );
    let o = with_integration(&env.sb, "bash", &body)
        .envs(env.fake.env())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let akid = out.split_whitespace().next().unwrap_or_default();
    let session = env.fake.requests()[2]
        .form_param("RoleSessionName")
        .unwrap();
    assert_eq!(
        out,
        format!("{akid} 333333333333 arn:aws:sts::333333333333:assumed-role/ChainRole/{session}\n")
    );
    assert!(akid.starts_with("ASIAFAKEAR"), "{out}");
    assert_eq!(
        env.fake.ops(),
        [
            "GetRoleCredentials",
            "AssumeRole",
            "AssumeRole",
            "GetCallerIdentity"
        ]
    );
}

#[test]
fn the_cache_files_are_the_clis_and_a_second_run_sends_nothing() {
    let env = env_with("");
    let o = env.run(&["creds", "chain_top", "--format", "process"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = stdout(&o);
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    let session = env.fake.requests()[2]
        .form_param("RoleSessionName")
        .unwrap();

    let mut names: Vec<String> = std::fs::read_dir(env.sb.path(".aws/cli/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let hub_name = sha1_name(&format!("{{\"RoleArn\": \"{HUB_ARN}\"}}"));
    let sso_name = env
        .role_cache_path("AdministratorAccess")
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let mut expected = vec![TOP_FILE.to_string(), hub_name, sso_name];
    expected.sort();
    assert_eq!(names, expected);

    let path = cache_file(&env, TOP_FILE);
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let meta = &file["ResponseMetadata"];
    let rid = meta["RequestId"].as_str().unwrap();
    let headers = &meta["HTTPHeaders"];
    let (date, length) = (
        headers["date"].as_str().unwrap(),
        headers["content-length"].as_str().unwrap(),
    );
    assert!(rid.starts_with("fake-req-"), "{rid}");
    assert!(date.ends_with(" GMT"), "{date}");
    assert!(length.bytes().all(|b| b.is_ascii_digit()), "{length}");
    let expiration = v["Expiration"].as_str().unwrap().replace('Z', "+00:00");
    assert_eq!(
        text,
        format!(
            "{{\"Credentials\": {{\"AccessKeyId\": {}, \"SecretAccessKey\": {}, \"SessionToken\": {}, \
             \"Expiration\": \"{expiration}\", \"AccountId\": \"333333333333\"}}, \
             \"AssumedRoleUser\": {{\"AssumedRoleId\": \"{}:{session}\", \
             \"Arn\": \"arn:aws:sts::333333333333:assumed-role/ChainRole/{session}\"}}, \
             \"PackedPolicySize\": 6, \"ResponseMetadata\": {{\"RequestId\": \"{rid}\", \
             \"HTTPStatusCode\": 200, \"HTTPHeaders\": {{\"content-type\": \"text/xml\", \
             \"x-amzn-requestid\": \"{rid}\", \"date\": \"{date}\", \"content-length\": \"{length}\"}}, \
             \"RetryAttempts\": 0}}}}",
            v["AccessKeyId"],
            v["SecretAccessKey"],
            v["SessionToken"],
            role_id("333333333333", "ChainRole"),
        )
    );

    // Within the validity: no request at all, the same credentials.
    env.fake.clear_requests();
    let o = env.run(&["creds", "chain_top", "--format", "process"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), first);
    assert_eq!(stderr(&o), "");
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

/// The assume-role cache file as the AWS CLI v2 writes it (docs/compat.md#assume-role).
fn cli_assumed_json(akid: &str, secret: &str, token: &str, exp: &str) -> String {
    let exp = exp.replace('Z', "+00:00");
    format!(
        "{{\"Credentials\": {{\"AccessKeyId\": \"{akid}\", \"SecretAccessKey\": \"{secret}\", \
         \"SessionToken\": \"{token}\", \"Expiration\": \"{exp}\", \"AccountId\": \"333333333333\"}}, \
         \"AssumedRoleUser\": {{\"AssumedRoleId\": \"AROAEXAMPLE:botocore-session-1764000000\", \
         \"Arn\": \"arn:aws:sts::333333333333:assumed-role/ChainRole/botocore-session-1764000000\"}}, \
         \"PackedPolicySize\": 6, \"ResponseMetadata\": {{\"RequestId\": \"r\", \"HTTPStatusCode\": 200, \
         \"HTTPHeaders\": {{}}, \"RetryAttempts\": 0}}}}"
    )
}

#[test]
fn cached_entries_are_reused_only_while_more_than_15_minutes_remain() {
    let env = env_with(
        "
[profile short]
role_arn = arn:aws:iam::333333333333:role/Short
source_profile = hub_ops
duration_seconds = 900
",
    );
    let (akid, secret, token) = (
        "ASIACLIWROTE00000001",
        "cliSecret/0123+x",
        "cliToken//0123==",
    );
    let path = cache_file(&env, TOP_FILE);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        cli_assumed_json(akid, secret, token, &in_minutes(16)),
    )
    .unwrap();
    let o = env.run(&["creds", "chain_top", "--format", "env-no-export"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(vars(&o)["AWS_ACCESS_KEY_ID"], akid);
    assert_eq!(env.fake.ops(), Vec::<String>::new());

    // 14 minutes left: assumed again, down the chain, and the file replaced.
    std::fs::write(
        &path,
        cli_assumed_json(akid, secret, token, &in_minutes(14)),
    )
    .unwrap();
    let o = env.run(&["creds", "chain_top", "--format", "env-no-export"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fresh = vars(&o)["AWS_ACCESS_KEY_ID"].clone();
    assert_ne!(fresh, akid);
    assert_eq!(
        env.fake.ops(),
        ["GetRoleCredentials", "AssumeRole", "AssumeRole"]
    );
    assert!(std::fs::read_to_string(&path).unwrap().contains(&fresh));

    // A 900-second session is written but never reused; the hop below it is.
    env.fake.clear_requests();
    for _ in 0..2 {
        let o = env.run(&["creds", "short"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(env.fake.ops(), ["AssumeRole", "AssumeRole"]);
    for r in env.fake.requests() {
        assert_eq!(r.form_param("DurationSeconds").as_deref(), Some("900"));
    }
    assert!(assumed_file(
        &env,
        "{\"DurationSeconds\": 900, \"RoleArn\": \"arn:aws:iam::333333333333:role/Short\"}"
    )
    .is_file());
}

#[test]
fn botocore_and_ssox_reuse_each_others_assume_role_cache() {
    let Some(py) = venv_python() else { return };
    let env = env_with("");
    // ssox assumes and writes; botocore as the CLI configures it reuses every file.
    let o = env.run(&["creds", "chain_top", "--format", "env-no-export"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let akid = vars(&o)["AWS_ACCESS_KEY_ID"].clone();
    let session = env.fake.requests()[2]
        .form_param("RoleSessionName")
        .unwrap();
    env.fake.clear_requests();
    let o = env.python(&py, "creds_cli_role_cache.py", &["chain_top", "--whoami"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut lines = stdout(&o).lines().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(lines.remove(0), akid);
    assert_eq!(
        lines.remove(0),
        format!("arn:aws:sts::333333333333:assumed-role/ChainRole/{session}")
    );
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l.ends_with(" same")), "{lines:?}");
    assert_eq!(env.fake.ops(), ["GetCallerIdentity"]);

    // botocore assumes and writes; ssox reuses it without a request.
    for f in std::fs::read_dir(env.sb.path(".aws/cli/cache")).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    env.fake.clear_requests();
    let o = env.python(&py, "creds_cli_role_cache.py", &["chain_top", "--whoami"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let botocore_akid = stdout(&o).lines().next().unwrap().to_string();
    assert_eq!(
        env.fake.ops(),
        [
            "GetRoleCredentials",
            "AssumeRole",
            "AssumeRole",
            "GetCallerIdentity"
        ]
    );
    assert!(cache_file(&env, TOP_FILE).is_file());
    env.fake.clear_requests();
    let o = env.run(&["creds", "chain_top", "--format", "env-no-export"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert_eq!(vars(&o)["AWS_ACCESS_KEY_ID"], botocore_akid);
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn profile_arguments_reach_assume_role_and_the_cache_key() {
    let env = env_with(
        "
[profile partner]
role_arn = arn:aws:iam::333333333333:role/Partner
source_profile = blog_admin
role_session_name = alice
external_id = ext-123
duration_seconds = 1800
",
    );
    let o = env.run(&["creds", "partner"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "AssumeRole"]);
    let r = &env.fake.requests()[1];
    assert_eq!(r.form_param("RoleSessionName").as_deref(), Some("alice"));
    assert_eq!(r.form_param("ExternalId").as_deref(), Some("ext-123"));
    assert_eq!(r.form_param("DurationSeconds").as_deref(), Some("1800"));
    // A profile without a region: STS in us-east-1.
    assert!(r
        .header("authorization")
        .unwrap()
        .contains("/us-east-1/sts/aws4_request"));
    assert!(assumed_file(
        &env,
        "{\"DurationSeconds\": 1800, \"ExternalId\": \"ext-123\", \
         \"RoleArn\": \"arn:aws:iam::333333333333:role/Partner\", \"RoleSessionName\": \"alice\"}"
    )
    .is_file());
    // whoami signs with the cached credentials.
    env.fake.clear_requests();
    let o = env.run(&["whoami", "partner"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "profile  partner\naccount  333333333333\n\
             arn      arn:aws:sts::333333333333:assumed-role/Partner/alice\n\
             user_id  {}:alice\n",
            role_id("333333333333", "Partner")
        )
    );
    assert_eq!(env.fake.ops(), ["GetCallerIdentity"]);
}

#[test]
fn whoami_works_for_quoted_profile_names_and_their_chains() {
    let env = env_with(
        "
[profile \"a b\"]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
region = eu-west-1

[profile \"chain c\"]
role_arn = arn:aws:iam::333333333333:role/ChainRole
source_profile = a b
role_session_name = quoted
",
    );
    let o = env.run(&["whoami", "a b"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "profile  a b\naccount  {ACCOUNT}\n\
             arn      arn:aws:sts::{ACCOUNT}:assumed-role/ReadOnlyAccess/ssox-user\n\
             user_id  {}:ssox-user\n",
            role_id(ACCOUNT, "ReadOnlyAccess")
        )
    );
    assert_eq!(stderr(&o), "");
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "GetCallerIdentity"]);

    env.fake.clear_requests();
    let o = env.run(&["whoami", "chain c", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "{{\n  \"profile\": \"chain c\",\n  \"account\": \"333333333333\",\n  \
             \"arn\": \"arn:aws:sts::333333333333:assumed-role/ChainRole/quoted\",\n  \
             \"user_id\": \"{}:quoted\"\n}}\n",
            role_id("333333333333", "ChainRole")
        )
    );
    // The SSO role's credentials came from the cache `whoami 'a b'` filled.
    assert_eq!(env.fake.ops(), ["AssumeRole", "GetCallerIdentity"]);
}

#[test]
fn a_loop_of_source_profiles_is_a_clear_error() {
    let env = env_with(
        "
[profile loop_a]
role_arn = arn:aws:iam::222222222222:role/A
source_profile = loop_b

[profile loop_b]
role_arn = arn:aws:iam::222222222222:role/B
source_profile = loop_a
",
    );
    let msg = "profile \"loop_a\" has a loop of source_profile references: loop_a -> loop_b -> \
               loop_a (~/.aws/config:39); point one of them at a profile with credentials of its own";
    for cmd in ["creds", "whoami", "exec", "console"] {
        let o = env.run(&[cmd, "loop_a"]);
        assert_eq!(fail(&o), err(msg), "{cmd}");
    }
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn mfa_serial_is_not_supported_but_the_clis_cached_answer_is_reused() {
    let env = env_with(
        "
[profile mfa]
role_arn = arn:aws:iam::333333333333:role/ChainRole
source_profile = hub_ops
mfa_serial = arn:aws:iam::111111111111:mfa/alice
",
    );
    let o = env.run(&["creds", "mfa"]);
    assert_eq!(
        fail(&o),
        err(
            "profile \"mfa\" sets mfa_serial (~/.aws/config:36): assuming a role with an MFA code \
             is not supported by ssox; run `aws sts get-caller-identity --profile mfa` (the AWS CLI \
             asks for the code and caches the role's credentials, which ssox then reuses until \
             they expire)"
        )
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    // What the AWS CLI cached after asking for the code (its key holds SerialNumber).
    let path = assumed_file(
        &env,
        "{\"RoleArn\": \"arn:aws:iam::333333333333:role/ChainRole\", \
         \"SerialNumber\": \"arn:aws:iam::111111111111:mfa/alice\"}",
    );
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let (akid, secret, token) = (
        "ASIACLIMFA0000000001",
        "mfaSecret/0123+x",
        "mfaToken//0123==",
    );
    std::fs::write(
        &path,
        cli_assumed_json(akid, secret, token, &in_minutes(50)),
    )
    .unwrap();
    let o = env.run(&["creds", "mfa", "--format", "env-no-export"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(vars(&o)["AWS_ACCESS_KEY_ID"], akid);
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn credential_source_and_web_identity_are_not_supported() {
    let env = env_with(
        "
[profile ec2]
role_arn = arn:aws:iam::222222222222:role/Ec2
credential_source = Ec2InstanceMetadata

[profile from_env]
role_arn = arn:aws:iam::222222222222:role/Env
credential_source = Environment

[profile web]
role_arn = arn:aws:iam::222222222222:role/Web
web_identity_token_file = /var/run/token
",
    );
    let cases = [
        (
            "ec2",
            "profile \"ec2\" takes its source credentials from credential_source = \
             Ec2InstanceMetadata (~/.aws/config:35): not supported by ssox; use the AWS CLI for \
             this profile",
        ),
        (
            "from_env",
            "profile \"from_env\" takes its source credentials from credential_source = \
             Environment (~/.aws/config:39): not supported by ssox; use the AWS CLI for this profile",
        ),
        (
            "web",
            "profile \"web\" uses web_identity_token_file (~/.aws/config:43): not supported by \
             ssox; use the AWS CLI for this profile",
        ),
    ];
    for (name, msg) in cases {
        for cmd in ["creds", "whoami"] {
            assert_eq!(fail(&env.run(&[cmd, name])), err(msg), "{cmd} {name}");
        }
    }
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn static_keys_can_start_a_chain_and_answer_whoami() {
    let env = env_with(
        "
[profile deploy]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = iam_user
role_session_name = deploy
",
    );
    let (akid, secret) = ("AKIAFAKEUSER00000001", "userSecret/0123456789+abc");
    env.sb.write(
        ".aws/credentials",
        &format!("[iam_user]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n"),
    );
    env.fake
        .issue_user_keys(akid, secret, "555555555555", "alice");
    let o = env.run(&["whoami", "deploy"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\narn      arn:aws:sts::333333333333:assumed-role/Deploy/deploy\n")
    );
    assert_eq!(env.fake.ops(), ["AssumeRole", "GetCallerIdentity"]);
    let r = &env.fake.requests()[0];
    assert_eq!(signing_key_id(r), akid);
    assert_eq!(r.header("x-amz-security-token"), None);

    let o = env.run(&["whoami", "iam_user"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with(
        "profile  iam_user\naccount  555555555555\narn      arn:aws:iam::555555555555:user/alice\n"
    ));

    // The fake checks AssumeRole's signature: a wrong secret is refused.
    env.sb.write(
        ".aws/credentials",
        &format!(
            "[iam_user]\naws_access_key_id = {akid}\naws_secret_access_key = wrong/{secret}\n"
        ),
    );
    std::fs::remove_dir_all(env.sb.path(".aws/cli/cache")).unwrap();
    env.fake.clear_requests();
    let o = env.run(&["creds", "deploy"]);
    assert_eq!(
        fail(&o),
        err(&format!(
            "cannot assume role arn:aws:iam::333333333333:role/Deploy (profile \"deploy\"): \
             AssumeRole at {} failed: SignatureDoesNotMatch (HTTP 403): The request signature we \
             calculated does not match the signature you provided. Check your AWS Secret Access \
             Key and signing method. Consult the service documentation for details.",
            env.fake.place()
        ))
    );
    assert!(!stderr(&o).contains(secret));

    // creds, exec and console serve temporary credentials only.
    let o = env.run(&["creds", "iam_user"]);
    assert_eq!(
        fail(&o),
        err(
            "profile \"iam_user\" holds its own keys (~/.aws/credentials:2): ssox gets \
             credentials for SSO and assume-role profiles only; the AWS CLI and SDKs use this one \
             directly (ssox use iam_user)"
        )
    );
}

#[test]
fn a_refused_assume_role_names_the_role_and_the_answer() {
    let env = env_with(
        "
[profile denied]
role_arn = arn:aws:iam::333333333333:role/Nope
source_profile = blog_admin
role_session_name = me
",
    );
    env.fake
        .script()
        .deny_assume
        .push("arn:aws:iam::333333333333:role/Nope".into());
    let o = env.run(&["creds", "denied"]);
    assert_eq!(
        fail(&o),
        err(&format!(
            "cannot assume role arn:aws:iam::333333333333:role/Nope (profile \"denied\"): \
             AssumeRole at {} failed: AccessDenied (HTTP 403): User: \
             arn:aws:sts::{ACCOUNT}:assumed-role/AdministratorAccess/ssox-user is not authorized \
             to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/Nope",
            env.fake.place()
        ))
    );
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "AssumeRole"]);
}

#[test]
fn exec_and_console_use_the_chains_credentials() {
    let env = env_with("");
    let o = env.run(&[
        "exec",
        "chain_top",
        "--",
        "sh",
        "-c",
        "echo \"$AWS_ACCESS_KEY_ID $AWS_REGION $SSOX_EXEC_PROFILE\"",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let akid = out.split_whitespace().next().unwrap_or_default();
    assert!(env.fake.role_credentials_for(akid).is_some(), "{out}");
    assert!(akid.starts_with("ASIAFAKEAR"), "{out}");
    assert_eq!(out, format!("{akid} eu-west-2 chain_top\n"));

    env.fake.clear_requests();
    let o = env.run(&["console", "chain_top", "--print"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["GetSigninToken"]);
    let session: serde_json::Value =
        serde_json::from_str(&env.fake.requests()[0].query_param("Session").unwrap()).unwrap();
    assert_eq!(session["sessionId"], akid);
    // The profile's region picks the partition: the commercial console.
    assert!(stdout(&o).contains("Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F"));
}

#[test]
fn list_shows_the_roles_account_and_the_roots_session() {
    let env = env_with(
        "
[profile loop_a]
role_arn = arn:aws:iam::222222222222:role/A
source_profile = loop_a
",
    );
    let o = env.run(&["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "  PROFILE     KIND         ACCOUNT       ROLE                 SESSION         REGION        TOKEN
  blog_admin  sso          111111111111  AdministratorAccess  my_sso_session  us-east-1     valid 7h59m
  blog_ro     sso          111111111111  ReadOnlyAccess       my_sso_session  eu-west-1     valid 7h59m
  chain_top   assume-role  333333333333  ChainRole            my_sso_session  eu-west-2     valid 7h59m
  hub_ops     assume-role  222222222222  HubOps               my_sso_session  eu-central-1  valid 7h59m
  loop_a      assume-role  222222222222  A                    -               -             error
  no_region   sso          111111111111  ReadOnlyAccess       my_sso_session  -             valid 7h59m
"
    );
    assert_eq!(
        stderr(&o),
        "ssox: profile \"loop_a\" has a loop of source_profile references: loop_a -> loop_a \
         (~/.aws/config:35); point one of them at a profile with credentials of its own\n"
    );
    let o = env.run(&["list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let top = &rows[2];
    assert_eq!(top["name"], "chain_top");
    assert_eq!(top["account_id"], "333333333333");
    assert_eq!(top["role_name"], "ChainRole");
    assert_eq!(top["sso_session"], "my_sso_session");
    assert_eq!(top["token"], "valid");
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn parallel_runs_assume_each_role_once() {
    let env = env_with("");
    let children: Vec<_> = (0..10)
        .map(|_| {
            env.cmd()
                .args(["creds", "chain_top", "--format", "process"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let keys: Vec<String> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            assert_eq!(stderr(&o), "");
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            v["AccessKeyId"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    assert_eq!(env.fake.count("GetRoleCredentials"), 1);
    assert_eq!(env.fake.count("AssumeRole"), 2);
    assert_eq!(env.fake.ops().len(), 3);
}

#[test]
fn a_credential_process_can_start_a_chain() {
    let env = env_with(&format!(
        "
[profile proc]
credential_process = {} creds --format process blog_admin

[profile via_proc]
role_arn = arn:aws:iam::333333333333:role/ViaProc
source_profile = proc
role_session_name = viaproc

[profile bad_proc]
credential_process = sh -c 'echo no keys today >&2; exit 3'
",
        ssox_bin()
    ));
    let o = env.run(&["whoami", "via_proc"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\narn      arn:aws:sts::333333333333:assumed-role/ViaProc/viaproc\n")
    );
    assert_eq!(
        env.fake.ops(),
        ["GetRoleCredentials", "AssumeRole", "GetCallerIdentity"]
    );
    let o = env.run(&["whoami", "bad_proc"]);
    assert_eq!(
        fail(&o),
        err(
            "the credential_process of profile \"bad_proc\" (~/.aws/config:42) failed: Error \
             retrieving credentials: external process exited with code exit status: 3. Stderr: no \
             keys today"
        )
    );
    // creds, exec and console serve temporary credentials only.
    let o = env.run(&["creds", "proc"]);
    assert_eq!(
        fail(&o),
        err(
            "profile \"proc\" runs a credential_process (~/.aws/config:34): ssox gets credentials \
             for SSO and assume-role profiles only; the AWS CLI and SDKs use this one directly \
             (ssox use proc)"
        )
    );
}
