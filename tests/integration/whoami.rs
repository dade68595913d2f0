//! `ssox whoami` against the fake AWS, whose STS checks the SigV4 signature: valid, expired,
//! denied role, and a wrong secret key (which must fail, or the other tests would prove nothing).

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::support::signed_in::{Env, ACCOUNT, CONFIG, TOKEN};
use crate::support::*;

/// The fake's role UserId: `AROA` + the first 17 hex digits of sha256("account/role"), upper case.
fn user_id(role: &str) -> String {
    let h: String = Sha256::digest(format!("{ACCOUNT}/{role}").as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    format!("AROA{}:ssox-user", &h[..17])
}

#[test]
fn whoami_prints_the_caller_identity() {
    let env = Env::new();
    let o = env.run(&["whoami", "blog_admin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "profile  blog_admin\naccount  111111111111\n\
             arn      arn:aws:sts::111111111111:assumed-role/AdministratorAccess/ssox-user\n\
             user_id  {}\n",
            user_id("AdministratorAccess")
        )
    );
    assert_eq!(stderr(&o), "");
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "GetCallerIdentity"]);
    let sts = &env.fake.requests()[1];
    // Signed for the profile's region.
    assert!(
        sts.header("authorization")
            .unwrap()
            .contains("/us-east-1/sts/aws4_request"),
        "{:?}",
        sts.header("authorization")
    );
}

#[test]
fn whoami_json_uses_the_active_profile() {
    let env = Env::new();
    let o = env
        .cmd()
        .env("AWS_PROFILE", "blog_ro")
        .args(["whoami", "--json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "{{\n  \"profile\": \"blog_ro\",\n  \"account\": \"111111111111\",\n  \
             \"arn\": \"arn:aws:sts::111111111111:assumed-role/ReadOnlyAccess/ssox-user\",\n  \
             \"user_id\": \"{}\"\n}}\n",
            user_id("ReadOnlyAccess")
        )
    );
    assert!(env.fake.requests()[1]
        .header("authorization")
        .unwrap()
        .contains("/eu-west-1/sts/aws4_request"));
}

#[test]
fn whoami_with_an_expired_token_says_run_login() {
    let env = Env::new();
    env.write_token(OffsetDateTime::now_utc() - time::Duration::seconds(2 * 3600 + 3 * 60 + 20));
    let o = env.run(&["whoami", "blog_admin"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"my_sso_session\" expired 2h3m ago; run: ssox login\n"
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn whoami_for_a_denied_role_reports_the_403() {
    let env = Env::new();
    env.fake
        .script()
        .deny_roles
        .push((ACCOUNT.into(), "ReadOnlyAccess".into()));
    let o = env.run(&["whoami", "blog_ro"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "ssox: cannot get credentials for role ReadOnlyAccess in account 111111111111 \
             (profile \"blog_ro\"): GetRoleCredentials at {} failed: ForbiddenException \
             (HTTP 403): No access\n",
            env.fake.place()
        )
    );
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
}

#[test]
fn whoami_with_a_revoked_token_says_run_login() {
    let env = Env::new();
    env.fake
        .script()
        .fail
        .push(("GetRoleCredentials".into(), 401));
    let o = env.run(&["whoami", "blog_admin"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "ssox: sso-session \"my_sso_session\" was rejected by the SSO portal (expired or revoked); run: ssox login\n"
        )
    );
    assert!(!stderr(&o).contains(TOKEN));
}

/// Profiles whose credential_process prints fixed credentials: the right secret and a wrong one.
fn process_profiles(env: &Env) {
    env.fake.issue_role_credentials(
        "ASIAPROCESS000000001",
        "theRightSecret/0123456789",
        "ProcessSessionToken==",
        ACCOUNT,
        "AdministratorAccess",
    );
    for (name, secret) in [
        ("right", "theRightSecret/0123456789"),
        ("wrong", "aWrongSecret/0123456789"),
    ] {
        env.sb.write(
            &format!("{name}.json"),
            &format!(
                "{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS000000001\", \"SecretAccessKey\": \"{secret}\", \
                 \"SessionToken\": \"ProcessSessionToken==\"}}"
            ),
        );
    }
    let home = env.sb.home.display();
    env.sb.write(
        ".aws/config",
        &format!(
            "{CONFIG}\n[profile right_secret]\ncredential_process = cat {home}/right.json\n\
             [profile wrong_secret]\ncredential_process = cat {home}/wrong.json\n"
        ),
    );
}

#[test]
fn a_wrong_secret_fails_sts_signature_check() {
    let env = Env::new();
    process_profiles(&env);
    let o = env.run(&["whoami", "right_secret"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("profile  right_secret\naccount  111111111111\n"));

    let o = env.run(&["whoami", "wrong_secret"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "ssox: whoami for profile \"wrong_secret\": GetCallerIdentity at {} failed: \
             SignatureDoesNotMatch (HTTP 403): The request signature we calculated does not match \
             the signature you provided. Check your AWS Secret Access Key and signing method. \
             Consult the service documentation for details.\n",
            env.fake.place()
        )
    );
    assert!(!stderr(&o).contains("aWrongSecret"));
}

#[test]
fn whoami_honours_the_config_flag() {
    let env = Env::new();
    let path = env.sb.write("elsewhere/config", CONFIG);
    std::fs::remove_file(env.sb.path(".aws/config")).unwrap();
    let o = env.run(&["--config", path.to_str().unwrap(), "whoami", "blog_admin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("profile  blog_admin\naccount  111111111111\n"));
}
