//! Profiles and logins: role targets, legacy logins, profile kinds, and the errors that name
//! a missing session, start URL, region, account or role.

use super::*;

#[test]
fn seed_config_role_target() {
    let c = parse(SEED);
    let p = c.profile("blog_admin").unwrap();
    assert_eq!(p.kind, ProfileKind::Sso);
    assert_eq!(
        c.role_target(p).unwrap(),
        RoleTarget {
            profile: "blog_admin".into(),
            login: LoginTarget {
                cache_key: "my_sso_session".into(),
                session_name: Some("my_sso_session".into()),
                start_url: "https://my-sso-portal.awsapps.com/start".into(),
                region: "us-east-1".into(),
                scopes: Some(vec!["sso:account:access".into()]),
            },
            account_id: "111111111111".into(),
            role_name: "AdministratorAccess".into(),
            region: Some("us-east-1".into()),
        }
    );
}

#[test]
fn legacy_profile_login() {
    let c = parse(
        "[profile old]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n\
         sso_account_id = 222222222222\nsso_role_name = R\n",
    );
    let t = c.role_target(&c.profiles["old"]).unwrap();
    assert_eq!(t.login.cache_key, "https://d-1.awsapps.com/start");
    assert_eq!(t.login.session_name, None);
    assert_eq!(t.login.region, "eu-west-1");
    assert_eq!(t.login.short_name(), "d-1.awsapps.com");
}

#[test]
fn error_profile_names_a_missing_session() {
    let c = parse(&format!(
        "{SEED}[profile typo]\nsso_session = my_sso_sesion\n[profile far]\nsso_session = nope\n"
    ));
    assert_eq!(
        err(c.profile_login(&c.profiles["typo"])),
        "profile \"typo\" uses sso-session \"my_sso_sesion\", which does not exist \
         (~/.aws/config:12); did you mean \"my_sso_session\"? Otherwise add an \
         [sso-session my_sso_sesion] section"
    );
    assert_eq!(
        err(c.profile_login(&c.profiles["far"])),
        "profile \"far\" uses sso-session \"nope\", which does not exist (~/.aws/config:14); \
         add an [sso-session nope] section or fix the name"
    );
    // The healthy profile still works.
    assert!(c.role_target(&c.profiles["blog_admin"]).is_ok());
}

#[test]
fn error_session_missing_start_url_or_region() {
    let c = parse(
        "[sso-session a]\nsso_region = us-east-1\n[sso-session corp]\nsso_start_url = https://x\n\
         [sso-session \"a b\"]\n[profile p]\nsso_session = corp\n",
    );
    assert_eq!(
        err(c.session_login("a")),
        "sso-session \"a\" is missing sso_start_url (~/.aws/config:1); add \
         `sso_start_url = https://my-sso-portal.awsapps.com/start` to [sso-session a]"
    );
    assert_eq!(
        err(c.session_login("corp")),
        "sso-session \"corp\" is missing sso_region (~/.aws/config:3); add \
         `sso_region = us-east-1` to [sso-session corp]"
    );
    assert_eq!(
        err(c.session_login("a b")),
        "sso-session \"a b\" is missing sso_start_url and sso_region (~/.aws/config:5); add \
         `sso_start_url = https://my-sso-portal.awsapps.com/start` and `sso_region = us-east-1` \
         to [sso-session \"a b\"]"
    );
    assert_eq!(
        err(c.profile_login(&c.profiles["p"])),
        err(c.session_login("corp")),
        "a profile reports its session's problem"
    );
    assert_eq!(
        err(c.session("crop")),
        "sso-session \"crop\" not found in ~/.aws/config; did you mean \"corp\"?"
    );
}

#[test]
fn error_profile_start_url_or_region_differs_from_its_session() {
    let c = parse(&format!(
        "{SEED}[profile x]\nsso_session = my_sso_session\nsso_start_url = https://other/start\n\
         [profile y]\nsso_session = my_sso_session\nsso_region = eu-west-1\n\
         [profile same]\nsso_session = my_sso_session\nsso_start_url = https://my-sso-portal.awsapps.com/start\n"
    ));
    assert_eq!(
        err(c.profile_login(&c.profiles["x"])),
        "profile \"x\" sets sso_start_url = https://other/start but its sso-session \
         \"my_sso_session\" has https://my-sso-portal.awsapps.com/start (~/.aws/config:13); \
         remove sso_start_url from [profile x]"
    );
    assert_eq!(
        err(c.profile_login(&c.profiles["y"])),
        "profile \"y\" sets sso_region = eu-west-1 but its sso-session \"my_sso_session\" has \
         us-east-1 (~/.aws/config:16); remove sso_region from [profile y]"
    );
    assert!(c.profile_login(&c.profiles["same"]).is_ok());
}

#[test]
fn error_legacy_profile_missing_region() {
    let c = parse("[profile old]\nregion = x\nsso_start_url = https://d-1.awsapps.com/start\n");
    assert_eq!(c.profiles["old"].kind, ProfileKind::Sso);
    assert_eq!(
        err(c.profile_login(&c.profiles["old"])),
        "profile \"old\" is missing sso_region (~/.aws/config:3); add `sso_region = us-east-1` \
         (your IAM Identity Center region) to [profile old]"
    );
}

#[test]
fn error_role_target_missing_account_or_role() {
    let c = parse(&format!(
        "{SEED}[profile a]\nsso_session = my_sso_session\nsso_role_name = R\n\
         [profile b]\nsso_session = my_sso_session\nsso_account_id = 1\n\
         [default]\nsso_session = my_sso_session\n"
    ));
    assert_eq!(
        err(c.role_target(&c.profiles["a"])),
        "profile \"a\" is missing sso_account_id (~/.aws/config:11); add \
         `sso_account_id = 111111111111` to [profile a]"
    );
    assert_eq!(
        err(c.role_target(&c.profiles["b"])),
        "profile \"b\" is missing sso_role_name (~/.aws/config:14); add \
         `sso_role_name = AdministratorAccess` to [profile b]"
    );
    assert_eq!(
        err(c.role_target(&c.profiles["default"])),
        "profile \"default\" is missing sso_account_id and sso_role_name (~/.aws/config:17); \
         add `sso_account_id = 111111111111` and `sso_role_name = AdministratorAccess` to [default]"
    );
    // Login alone (e.g. `ssox login --profile default`) needs neither.
    assert!(c.profile_login(&c.profiles["default"]).is_ok());
}

#[test]
fn error_profile_without_sso_settings() {
    let c = parse(&format!("{SEED}[profile half]\nsso_account_id = 1\n"));
    assert_eq!(c.profiles["half"].kind, ProfileKind::Sso);
    assert_eq!(
        err(c.profile_login(&c.profiles["half"])),
        "profile \"half\" has neither sso_session nor sso_start_url (~/.aws/config:11); \
         add `sso_session = my_sso_session` to [profile half]"
    );
    let c = parse2("", "[k]\naws_access_key_id = A\n");
    assert_eq!(
        err(c.profile_login(&c.profiles["k"])),
        "profile \"k\" has neither sso_session nor sso_start_url (~/.aws/credentials:1); \
         add `sso_session = NAME` to [k]"
    );
}

#[test]
fn profile_kinds() {
    let c = parse(
        "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = sso\nsso_session = s\n\
         [profile web]\nrole_arn = r\nweb_identity_token_file = /t\n\
         [profile proc]\ncredential_process = /bin/c\n\
         [profile keys]\naws_access_key_id = A\ncredential_process = /bin/c\n\
         [profile sso]\nsso_session = s\n[profile plain]\nregion = x\nsso_session =\n\
         [profile both]\ncredential_process = /bin/c\n[profile secret]\naws_secret_access_key = s\n",
    );
    let kind = |n: &str| c.profiles[n].kind.as_str();
    // botocore's order: keys in the config file come after credential_process (issue 21, 1.4).
    assert_eq!(
        ["role", "web", "proc", "keys", "sso", "plain", "secret"].map(kind),
        [
            "assume-role",
            "web-identity",
            "process",
            "process",
            "sso",
            "config",
            "static"
        ]
    );
    // Keys in the credentials file come before it.
    let c = parse2(
        "[profile both]\ncredential_process = /bin/c\n",
        "[both]\naws_access_key_id = A\naws_secret_access_key = s\n",
    );
    assert_eq!(c.profiles["both"].kind, ProfileKind::Static);
}
