//! `ssox creds` against the fake AWS: every export format exactly, the AWS CLI's role cache
//! (reuse with zero requests, rewrite after a fetch), and `--format process` used by boto3
//! through a `credential_process` profile.

use std::path::Path;
use std::process::Command;

use time::OffsetDateTime;

use crate::support::signed_in::{
    cli_cache_json, in_minutes, sha1_name, Env, ACCOUNT, CONFIG, SEED_AKID, SEED_SECRET,
    SEED_TOKEN, TOKEN,
};
use crate::support::*;

#[test]
fn every_format_is_exact_and_a_fresh_cache_costs_zero_requests() {
    let env = Env::new();
    let exp = in_minutes(45);
    env.seed_role_cache(
        "AdministratorAccess",
        SEED_AKID,
        SEED_SECRET,
        SEED_TOKEN,
        &exp,
    );
    let cases = [
        (
            "env",
            format!(
                "export AWS_ACCESS_KEY_ID={SEED_AKID}\nexport AWS_SECRET_ACCESS_KEY={SEED_SECRET}\n\
                 export AWS_SESSION_TOKEN={SEED_TOKEN}\nexport AWS_CREDENTIAL_EXPIRATION={exp}\n"
            ),
        ),
        (
            "env-no-export",
            format!(
                "AWS_ACCESS_KEY_ID={SEED_AKID}\nAWS_SECRET_ACCESS_KEY={SEED_SECRET}\n\
                 AWS_SESSION_TOKEN={SEED_TOKEN}\nAWS_CREDENTIAL_EXPIRATION={exp}\n"
            ),
        ),
        (
            "fish",
            format!(
                "set -gx AWS_ACCESS_KEY_ID \"{SEED_AKID}\"\nset -gx AWS_SECRET_ACCESS_KEY \"{SEED_SECRET}\"\n\
                 set -gx AWS_SESSION_TOKEN \"{SEED_TOKEN}\"\nset -gx AWS_CREDENTIAL_EXPIRATION \"{exp}\"\n"
            ),
        ),
        (
            "powershell",
            format!(
                "$Env:AWS_ACCESS_KEY_ID=\"{SEED_AKID}\"\n$Env:AWS_SECRET_ACCESS_KEY=\"{SEED_SECRET}\"\n\
                 $Env:AWS_SESSION_TOKEN=\"{SEED_TOKEN}\"\n$Env:AWS_CREDENTIAL_EXPIRATION=\"{exp}\"\n"
            ),
        ),
        (
            "windows-cmd",
            format!(
                "set AWS_ACCESS_KEY_ID={SEED_AKID}\nset AWS_SECRET_ACCESS_KEY={SEED_SECRET}\n\
                 set AWS_SESSION_TOKEN={SEED_TOKEN}\nset AWS_CREDENTIAL_EXPIRATION={exp}\n"
            ),
        ),
        (
            "process",
            format!(
                "{{\n  \"Version\": 1,\n  \"AccessKeyId\": \"{SEED_AKID}\",\n  \"SecretAccessKey\": \"{SEED_SECRET}\",\n  \
                 \"SessionToken\": \"{SEED_TOKEN}\",\n  \"Expiration\": \"{exp}\"\n}}\n"
            ),
        ),
    ];
    for (format, want) in &cases {
        let o = env.run(&["creds", "blog_admin", "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert_eq!(&stdout(&o), want, "{format}");
        assert_eq!(stderr(&o), "", "{format}");
    }
    // The default format is env, and the profile defaults to $AWS_PROFILE.
    let o = env
        .cmd()
        .env("AWS_PROFILE", "blog_admin")
        .arg("creds")
        .output()
        .unwrap();
    assert_eq!(stdout(&o), cases[0].1);
    assert_eq!(
        env.fake.ops(),
        Vec::<String>::new(),
        "a fresh role cache costs no request"
    );
}

#[test]
fn env_output_evaluates_in_a_real_shell() {
    if !require_tool("bash") {
        return;
    }
    let env = Env::new();
    let o = env.run(&["creds", "blog_admin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let script = format!(
        "{}\nprintf '%s|%s|%s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\"",
        stdout(&o)
    );
    let sh = Command::new("bash").arg("-c").arg(script).output().unwrap();
    let got = stdout(&sh);
    let akid = got.split('|').next().unwrap();
    let (_, secret, token) = env
        .fake
        .role_credentials_for(akid)
        .expect("issued by the fake");
    assert_eq!(got, format!("{akid}|{secret}|{token}"));
}

#[test]
fn a_fetch_writes_the_cli_role_cache_and_a_stale_one_is_replaced() {
    let env = Env::new();
    // 10 minutes left: not enough (the CLI's window is 15), so ssox fetches.
    env.seed_role_cache(
        "AdministratorAccess",
        SEED_AKID,
        SEED_SECRET,
        SEED_TOKEN,
        &in_minutes(10),
    );
    let o = env.run(&["creds", "blog_admin", "--format", "process"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
    let rq = &env.fake.requests()[0];
    assert_eq!(rq.header("x-amz-sso_bearer_token"), Some(TOKEN));
    assert_eq!(rq.query_param("account_id").as_deref(), Some(ACCOUNT));
    assert_eq!(
        rq.query_param("role_name").as_deref(),
        Some("AdministratorAccess")
    );

    let out: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let akid = out["AccessKeyId"].as_str().unwrap();
    let (_, secret, token) = env.fake.role_credentials_for(akid).unwrap();
    assert_eq!(out["SecretAccessKey"], secret.as_str());
    assert_eq!(out["SessionToken"], token.as_str());
    let exp = out["Expiration"].as_str().unwrap().to_string();
    let t = OffsetDateTime::parse(&exp, &time::format_description::well_known::Rfc3339).unwrap();
    let left = (t - OffsetDateTime::now_utc()).whole_seconds();
    assert!((3500..=3600).contains(&left), "expires in {left}s");
    assert!(exp.ends_with('Z') && exp.len() == 20, "{exp}");

    let path = env.role_cache_path("AdministratorAccess");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        cli_cache_json(akid, &secret, &token, &exp)
    );
    assert_eq!(mode(&path), 0o600);
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "no temp files left: {names:?}");

    // And the next call reuses it.
    env.fake.clear_requests();
    let again = env.run(&["creds", "blog_admin", "--format", "process"]);
    assert_eq!(stdout(&again), stdout(&o));
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn the_cli_cache_directory_is_created_private() {
    let env = Env::new();
    let o = env.run(&["creds", "blog_ro"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(mode(&env.sb.path(".aws/cli/cache")), 0o700);
    assert!(env.role_cache_path("ReadOnlyAccess").is_file());
}

#[test]
fn expired_token_says_run_login_and_sends_nothing() {
    let env = Env::new();
    env.write_token(OffsetDateTime::now_utc() - time::Duration::seconds(2 * 3600 + 3 * 60 + 20));
    let o = env.run(&["creds", "blog_admin"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: sso-session \"my_sso_session\" expired 2h3m ago; run: ssox login\n"
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    // No token file at all.
    std::fs::remove_file(
        env.sb
            .path(&format!(".aws/sso/cache/{}", sha1_name("my_sso_session"))),
    )
    .unwrap();
    let o = env.run(&["creds", "blog_admin"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "ssox: sso-session \"my_sso_session\" has no cached token; run: ssox login\n"
        )
    );
}

#[test]
fn portal_errors_are_worded_without_secrets() {
    let env = Env::new();
    env.fake
        .script()
        .deny_roles
        .push((ACCOUNT.into(), "AdministratorAccess".into()));
    let o = env.run(&["creds", "blog_admin", "--verbose"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.ends_with(&format!(
            "ssox: cannot get credentials for role AdministratorAccess in account 111111111111 \
             (profile \"blog_admin\"): GetRoleCredentials at {} failed: ForbiddenException \
             (HTTP 403): No access\n",
            env.fake.place()
        )),
        "{err}"
    );
    assert!(!err.contains(TOKEN), "{err}");

    // A token the portal does not know (revoked, or expired early) is a 401: log in again.
    let env = Env::new();
    env.fake
        .script()
        .fail
        .push(("GetRoleCredentials".into(), 401));
    let o = env.run(&["creds", "blog_admin"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "ssox: sso-session \"my_sso_session\" was rejected by the SSO portal (expired or revoked); run: ssox login\n"
        )
    );
    assert!(!env.role_cache_path("AdministratorAccess").exists());
}

#[test]
fn not_an_sso_profile_and_no_profile_are_clear_errors() {
    let env = Env::new();
    let o = env.run(&["creds"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "ssox: no profile given and AWS_PROFILE is not set; run: ssox creds PROFILE (or ssox use PROFILE first)\n"
        )
    );
    let o = env.run(&["creds", "blog_admn"]);
    assert_eq!(
        stderr(&o),
        "ssox: profile \"blog_admn\" not found in ~/.aws/config; did you mean \"blog_admin\"?\n"
    );
    env.sb.write(
        ".aws/config",
        &format!("{CONFIG}\n[profile plain]\nregion = us-east-1\n"),
    );
    let o = env.run(&["creds", "plain"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "ssox: profile \"plain\" has neither sso_session nor sso_start_url (~/.aws/config:23); add `sso_session = my_sso_session` to [profile plain]\n"
        )
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
}

#[test]
fn boto3_accepts_process_output_through_credential_process() {
    let Some(py) = venv_python() else { return };
    let env = Env::new();
    let config = format!(
        "{CONFIG}\n[profile via_process]\ncredential_process = {} creds --format process blog_admin\nregion = us-east-1\n",
        ssox_bin()
    );
    env.sb.write(".aws/config", &config);
    let mut c = Command::new(py);
    scrub(&mut c, &env.sb.home);
    let o = c
        .envs(env.fake.env())
        .env("AWS_CONFIG_FILE", env.sb.path(".aws/config"))
        .arg(interop_script("creds_process_boto3.py"))
        .arg("via_process")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let line = stdout(&o);
    let akid = line.split_whitespace().next().unwrap_or("");
    assert!(env.fake.role_credentials_for(akid).is_some(), "{line}");
    assert_eq!(
        line,
        format!(
            "{akid} 111111111111 arn:aws:sts::111111111111:assumed-role/AdministratorAccess/ssox-user\n"
        )
    );
    assert_eq!(env.fake.ops(), ["GetRoleCredentials", "GetCallerIdentity"]);
}

#[test]
fn the_role_cache_is_shared_with_botocore_configured_as_the_cli() {
    let Some(py) = venv_python() else { return };
    let env = Env::new();
    let admin = env.role_cache_path("AdministratorAccess");
    let ro = env.role_cache_path("ReadOnlyAccess");
    let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();

    // ssox fetches and writes; the CLI's provider reuses it without a request.
    let o = env.run(&["creds", "blog_admin", "--format", "process"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let akid = v["AccessKeyId"].as_str().unwrap().to_string();
    let o = env.python(&py, "creds_cli_role_cache.py", &["blog_admin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{akid}\n{} same\n", name(&admin)));
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);

    // botocore fetches and writes; ssox reuses it without a request.
    env.fake.clear_requests();
    let o = env.python(&py, "creds_cli_role_cache.py", &["blog_ro"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let botocore_akid = stdout(&o).lines().next().unwrap().to_string();
    assert_eq!(env.fake.ops(), ["GetRoleCredentials"]);
    env.fake.clear_requests();
    let o = env.run(&["creds", "blog_ro", "--format", "env-no-export"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(&format!("AWS_ACCESS_KEY_ID={botocore_akid}\n")),
        "{}",
        stdout(&o)
    );
    assert_eq!(env.fake.ops(), Vec::<String>::new());
    assert!(ro.is_file());
}

#[test]
fn legacy_profiles_use_the_start_url_for_token_and_role_cache() {
    let env = Env::new();
    let start = "https://legacy.awsapps.com/start";
    env.sb.write(
        ".aws/config",
        &format!(
            "{CONFIG}\n[profile legacy]\nsso_start_url = {start}\nsso_region = us-east-1\n\
             sso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n"
        ),
    );
    env.fake.issue_token("legacy-token");
    env.sb.write(
        &format!(".aws/sso/cache/{}", sha1_name(start)),
        &format!(
            "{{\"startUrl\": \"{start}\", \"region\": \"us-east-1\", \"accessToken\": \"legacy-token\", \
             \"expiresAt\": \"{}\"}}",
            in_minutes(60)
        ),
    );
    let o = env.run(&["creds", "legacy"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        env.fake.requests()[0].header("x-amz-sso_bearer_token"),
        Some("legacy-token")
    );
    let path = env.sb.path(&format!(
        ".aws/cli/cache/{}",
        sha1_name(&format!(
            "{{\"accountId\":\"{ACCOUNT}\",\"roleName\":\"AdministratorAccess\",\"startUrl\":\"{start}\"}}"
        ))
    ));
    assert!(path.is_file());
}
