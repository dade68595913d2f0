//! Near misses in the config file (`[profle x]`, `[sso_session x]`, `sso_acount_id`,
//! `sso-role-name`) and SSO profiles without an account or role, through the built binary:
//! what `use`, `list`, `doctor` and `creds` say on stderr, with exact text and exit codes.

use crate::support::signed_in::sha1_name;
use crate::support::*;

const CONFIG: &str = "\
[sso_session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[sso-session ok]
sso_start_url = https://ok.awsapps.com/start
sso_region = us-east-1

[profle dev_admin]
sso_session = ok
sso_account_id = 111111111111
sso_role_name = AdministratorAccess

[profile dev_ro]
sso_session = ok
sso_acount_id = 111111111111
sso-role-name = ReadOnlyAccess
sso_account_name = Dev
granted_sso_region = us-east-1

[profile noacct]
sso_session = ok
sso_role_name = ReadOnlyAccess

[profile corp_admin]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = AdministratorAccess
";

const EXPORTS: &str = "unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\n\
                       unset AWS_SESSION_TOKEN;\nunset AWS_CREDENTIAL_EXPIRATION;\n";

/// The config above with a token for the sso-session `ok` valid for 8h (and half a minute to
/// spare for the test's own time).
fn sandbox() -> Sandbox {
    let sb = Sandbox::with_config(CONFIG);
    let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(8 * 3600 + 30);
    sb.write(
        &format!(".aws/sso/cache/{}", sha1_name("ok")),
        &format!(
            r#"{{"accessToken": "t", "expiresAt": "{}"}}"#,
            stamp(expires)
        ),
    );
    sb
}

fn switched_to(name: &str) -> String {
    format!("{EXPORTS}export AWS_PROFILE='{name}';\nexport AWS_DEFAULT_PROFILE='{name}';\n")
}

#[test]
fn use_of_a_profile_under_a_misspelled_header_fails_and_points_at_it() {
    let sb = sandbox();
    let o = sb.run(&["use", "dev_admin", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: profile \"dev_admin\" not found in ~/.aws/config\n\
         [profle dev_admin] (~/.aws/config:9) is not read as a profile; write it as \
         [profile dev_admin]\n"
    );
}

#[test]
fn use_warns_about_misspelled_keys_once_each_and_switches() {
    let sb = sandbox();
    let o = sb.run(&["use", "dev_ro", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), switched_to("dev_ro"));
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config:16: sso_acount_id in [profile dev_ro] is not read by the AWS \
         tools; did you mean sso_account_id?\n\
         ssox: ~/.aws/config:17: sso-role-name in [profile dev_ro] is not read by the AWS \
         tools; did you mean sso_role_name?\n"
    );
}

#[test]
fn use_of_an_sso_profile_without_an_account_warns_and_switches() {
    let sb = sandbox();
    let o = sb.run(&["use", "noacct", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), switched_to("noacct"));
    assert_eq!(
        stderr(&o),
        "ssox: profile \"noacct\" is missing sso_account_id (~/.aws/config:21); add \
         `sso_account_id = 111111111111` to [profile noacct] (switched anyway, but the AWS CLI \
         and SDKs get no role credentials from it until then)\n"
    );
}

#[test]
fn use_of_a_profile_whose_session_header_is_misspelled_says_how_to_write_it() {
    let sb = sandbox();
    let o = sb.run(&["use", "corp_admin", "--shell", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), switched_to("corp_admin"));
    assert_eq!(
        stderr(&o),
        "ssox: profile \"corp_admin\" uses sso-session \"corp\", which does not exist \
         (~/.aws/config:26); [sso_session corp] (~/.aws/config:1) is not read as an \
         sso-session; write it as [sso-session corp]\n"
    );
}

#[test]
fn list_reports_every_near_miss_once_and_list_names_none() {
    let sb = sandbox();
    let o = sb.run(&["list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "ssox: ~/.aws/config:1: [sso_session corp] is not read by the AWS tools; did you mean \
         [sso-session corp]?\n\
         ssox: ~/.aws/config:9: [profle dev_admin] is not read by the AWS tools; did you mean \
         [profile dev_admin]?\n\
         ssox: ~/.aws/config:16: sso_acount_id in [profile dev_ro] is not read by the AWS \
         tools; did you mean sso_account_id?\n\
         ssox: ~/.aws/config:17: sso-role-name in [profile dev_ro] is not read by the AWS \
         tools; did you mean sso_role_name?\n\
         ssox: profile \"corp_admin\" uses sso-session \"corp\", which does not exist \
         (~/.aws/config:26); [sso_session corp] (~/.aws/config:1) is not read as an \
         sso-session; write it as [sso-session corp]\n"
    );
    let o = sb.run(&["list", "--names"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "corp_admin\ndev_ro\nnoacct\n");
    assert_eq!(stderr(&o), "");
}

#[test]
fn doctor_reports_near_misses_as_config_warnings() {
    let sb = sandbox();
    let o = sb.run(&["doctor"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..9],
        [
            "ok    config: ~/.aws/config read: 3 profiles, 1 sso-session",
            "warn  config: ~/.aws/config:1: [sso_session corp] is not read by the AWS tools; did you mean [sso-session corp]?",
            "warn  config: ~/.aws/config:9: [profle dev_admin] is not read by the AWS tools; did you mean [profile dev_admin]?",
            "warn  config: ~/.aws/config:16: sso_acount_id in [profile dev_ro] is not read by the AWS tools; did you mean sso_account_id?",
            "warn  config: ~/.aws/config:17: sso-role-name in [profile dev_ro] is not read by the AWS tools; did you mean sso_role_name?",
            "fail  profile corp_admin: profile \"corp_admin\" uses sso-session \"corp\", which does not exist (~/.aws/config:26); [sso_session corp] (~/.aws/config:1) is not read as an sso-session; write it as [sso-session corp]",
            "warn  profile dev_ro: profile \"dev_ro\" is missing sso_account_id and sso_role_name (~/.aws/config:14); rename sso_acount_id (~/.aws/config:16) to sso_account_id and sso-role-name (~/.aws/config:17) to sso_role_name; until then `ssox use` switches, but creds, exec, console and the SDKs get no role credentials",
            "warn  profile noacct: profile \"noacct\" is missing sso_account_id (~/.aws/config:21); add `sso_account_id = 111111111111` to [profile noacct]; until then `ssox use` switches, but creds, exec, console and the SDKs get no role credentials",
            "ok    session ok: token valid for 8h0m",
        ],
        "{out}"
    );
}

#[test]
fn creds_of_a_profile_with_misspelled_keys_fails_with_the_rename() {
    let sb = sandbox();
    let o = sb.run(&["creds", "dev_ro"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "ssox: profile \"dev_ro\" is missing sso_account_id and sso_role_name \
         (~/.aws/config:14); rename sso_acount_id (~/.aws/config:16) to sso_account_id and \
         sso-role-name (~/.aws/config:17) to sso_role_name\n"
    );
}
