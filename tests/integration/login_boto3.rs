//! boto3 and botocore with `aws login` profiles and ssox: the caller identity through `ssox creds`
//! of a login profile and of a role chained from it, and (with awscrt) the cache file shared
//! both ways with botocore's own login provider.

use crate::support::login_session::*;
use crate::support::*;
use std::process::Command;

fn caller(env: &LoginEnv, py: &std::path::Path, profile: &str) -> std::process::Output {
    let mut c = Command::new(py);
    scrub(&mut c, &env.sb.home);
    c.envs(env.fake.env())
        .arg(interop_script("creds_process_boto3.py"))
        .arg(profile)
        .output()
        .unwrap()
}

#[test]
fn boto3_gets_the_caller_identity_through_ssox_creds_of_a_login_profile_and_its_chain() {
    let Some(py) = venv_python() else { return };
    let env = LoginEnv::new(-60);
    let bin = ssox_bin();
    env.sb.write(
        ".aws/config",
        &format!(
            "{CONFIG}\n[profile via_login]\ncredential_process = {bin} creds --format process console\n\
             region = us-east-1\n\
             [profile via_chain]\ncredential_process = {bin} creds --format process deploy\n\
             region = us-east-1\n"
        ),
    );
    let o = caller(&env, &py, "via_login");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let akid = env.cache()["accessToken"]["accessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(akid.starts_with("ASIALOGIN"));
    assert_eq!(
        stdout(&o),
        format!("{akid} 012345678901 arn:aws:sts::012345678901:assumed-role/Admin/ssox-user\n")
    );
    assert_eq!(env.fake.ops(), ["CreateOAuth2Token", "GetCallerIdentity"]);
    env.fake.clear_requests();
    let o = caller(&env, &py, "via_chain");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let line = stdout(&o);
    let akid = line.split_whitespace().next().unwrap_or("");
    assert!(env.fake.role_credentials_for(akid).is_some(), "{line}");
    assert!(
        line.starts_with(&format!(
            "{akid} 222222222222 arn:aws:sts::222222222222:assumed-role/Deploy/"
        )),
        "{line}"
    );
    assert_eq!(env.fake.ops(), ["AssumeRole", "GetCallerIdentity"]);
}

/// botocore (1.44) reads login profiles itself: the file ssox wrote after a refresh is one
/// botocore uses as it is.
#[test]
fn botocore_uses_the_credentials_ssox_refreshed_into_the_cache() {
    let Some(py) = crt_python() else { return };
    let env = LoginEnv::new(-60);
    env.fake.script().login_expires_in = 7200;
    let o = env.run(&["creds", "console", "--format", "process"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let akid = env.cache()["accessToken"]["accessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    env.fake.clear_requests();
    let o = caller(&env, &py, "console");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("{akid} 012345678901 arn:aws:sts::012345678901:assumed-role/Admin/ssox-user\n")
    );
    assert_eq!(env.fake.ops(), ["GetCallerIdentity"]);
}

/// botocore refreshes expired credentials itself at the fake (`AWS_ENDPOINT_URL_SIGNIN`,
/// its DPoP proof checked as ssox's is), and ssox then uses the file botocore wrote.
#[test]
fn botocore_refreshes_at_the_fake_and_ssox_uses_what_it_wrote() {
    let Some(py) = crt_python() else { return };
    let env = LoginEnv::new(-60);
    env.fake.script().login_expires_in = 7200;
    let o = caller(&env, &py, "console");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["CreateOAuth2Token", "GetCallerIdentity"]);
    let akid = env.cache()["accessToken"]["accessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        stdout(&o).starts_with(&format!("{akid} 012345678901 ")),
        "{}",
        stdout(&o)
    );
    env.fake.clear_requests();
    let v = process_json(&env.run(&["creds", "console", "--format", "process"]));
    assert_eq!(v["AccessKeyId"], akid.as_str());
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}
