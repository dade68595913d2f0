//! Tests of near misses (`typos.rs`) and of the errors that point at them (`Config::profile`,
//! `Config::session`, the missing-key errors of `targets.rs`), messages asserted word for word.
//! Compiled only in tests.

use crate::config::edit::ConfigDoc;
use crate::config::{Config, ConfigError};

const CFG: &str = "~/.aws/config";
const CREDS: &str = "~/.aws/credentials";

fn parse(config: &str) -> Config {
    Config::parse(config, None, CFG.into(), CREDS.into())
}

fn parse2(config: &str, creds: &str) -> Config {
    Config::parse(config, Some(creds), CFG.into(), CREDS.into())
}

fn typos(c: &Config) -> Vec<String> {
    c.typos().into_iter().map(|e| e.0).collect()
}

fn warnings(c: &Config, name: &str) -> Vec<String> {
    c.profile_warnings(&c.profiles[name])
}

fn err<T: std::fmt::Debug>(r: Result<T, ConfigError>) -> String {
    r.unwrap_err().0
}

const SESSION: &str = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
                       sso_region = us-east-1\n";

#[test]
fn misspelled_section_prefixes_are_reported_with_the_header_to_write() {
    let c = parse(
        "[profle dev_admin]\nregion = a\n[Profile x]\n[PROFILE y]\n[sso_session corp]\n\
         [sso-sesion b]\n[service local]\n[profiles \"a b\"]\n",
    );
    assert!(c.profiles.is_empty() && c.sessions.is_empty() && c.services.is_empty());
    assert_eq!(c.problems, []);
    assert_eq!(
        typos(&c),
        [
            "~/.aws/config:1: [profle dev_admin] is not read by the AWS tools; did you mean \
             [profile dev_admin]?",
            "~/.aws/config:3: [Profile x] is not read by the AWS tools (section names are \
             case-sensitive); did you mean [profile x]?",
            "~/.aws/config:4: [PROFILE y] is not read by the AWS tools (section names are \
             case-sensitive); did you mean [profile y]?",
            "~/.aws/config:5: [sso_session corp] is not read by the AWS tools; did you mean \
             [sso-session corp]?",
            "~/.aws/config:6: [sso-sesion b] is not read by the AWS tools; did you mean \
             [sso-session b]?",
            "~/.aws/config:7: [service local] is not read by the AWS tools; did you mean \
             [services local]?",
            "~/.aws/config:8: [profiles \"a b\"] is not read by the AWS tools; did you mean \
             [profile \"a b\"]?",
        ]
    );
}

#[test]
fn a_bare_section_in_the_config_file_is_reported_unless_the_cli_reads_it() {
    let c = parse(
        "[dev]\nregion = a\n[Default]\nregion = b\n[defualt]\n[plugins]\n\
         cli_legacy_plugin_path = /x\n[preview]\ncloudfront = true\n[default]\nregion = c\n",
    );
    assert_eq!(c.profiles.keys().collect::<Vec<_>>(), ["default"]);
    assert_eq!(
        typos(&c),
        [
            "~/.aws/config:1: [dev] is not read as a profile (the config file names them \
             [profile NAME]); did you mean [profile dev]?",
            "~/.aws/config:3: [Default] is not read by the AWS tools (section names are \
             case-sensitive); did you mean [default]?",
            "~/.aws/config:5: [defualt] is not read by the AWS tools; did you mean [default]?",
        ]
    );
}

#[test]
fn sections_not_close_to_ours_or_already_reported_are_not_typos() {
    let c = parse("[tools x]\n[profile a b]\n[profle]\n[profile \"x]\n[sso-session]\n");
    assert_eq!(typos(&c), Vec::<String>::new());
    assert_eq!(c.problems.len(), 3, "{:?}", c.problems);
}

#[test]
fn misspelled_keys_of_profiles_and_sessions_are_reported_in_file_order() {
    let c = parse2(
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_regoin = x\n\
         [profile dev]\nregion = a\nSSO_Acount_ID = 1\nsso-role-name = r\nrole-arn = x\n\
         [default]\nouput = json\n",
        "[dev]\naws_secret_acess_key = s\n[other]\naws_access_key_id = AKIDEXAMPLE\n",
    );
    assert_eq!(
        typos(&c),
        [
            "~/.aws/config:3: sso_regoin in [sso-session corp] is not read by the AWS tools; \
             did you mean sso_region?",
            "~/.aws/config:6: sso_acount_id in [profile dev] is not read by the AWS tools; \
             did you mean sso_account_id?",
            "~/.aws/config:7: sso-role-name in [profile dev] is not read by the AWS tools; \
             did you mean sso_role_name?",
            "~/.aws/config:8: role-arn in [profile dev] is not read by the AWS tools; \
             did you mean role_arn?",
            "~/.aws/config:10: ouput in [default] is not read by the AWS tools; \
             did you mean output?",
            "~/.aws/credentials:2: aws_secret_acess_key in [dev] is not read by the AWS tools; \
             did you mean aws_secret_access_key?",
        ]
    );
}

#[test]
fn other_tools_keys_far_keys_and_nested_keys_are_not_typos() {
    let c = parse(
        "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n\
         sso_account_name = Dev\nsso_auto_populated = true\ngranted_sso_region = us-east-1\n\
         granted_sso_start_url = https://x\ncommon_fate_generated_from = aws-sso\n\
         ssox_profile_template = x\nmfa_process = x\ninclude_profile = y\nsession_tags = a=b\n\
         credential_process = x\nteam = platform\ns3 =\n  adressing_style = path\n\
         api_versions =\n  ec3 = 2015-03-01\n",
    );
    assert_eq!(typos(&c), Vec::<String>::new());
    assert_eq!(warnings(&c, "dev"), Vec::<String>::new());
}

#[test]
fn typos_are_not_problems_so_the_editor_still_rewrites_the_file() {
    let text = "[profle a]\n[profile b]\nsso_acount_id = 1\n";
    let c = parse(text);
    assert_eq!(c.problems, []);
    assert_eq!(typos(&c).len(), 2);
    assert!(ConfigDoc::parse(text, CFG).is_ok());
}

#[test]
fn profile_not_found_points_at_the_misspelled_section() {
    let c = parse(&format!(
        "{SESSION}[profle dev_admin]\nsso_session = corp\n[profile dev_ro]\nsso_session = corp\n\
         [Default]\nregion = x\n"
    ));
    assert_eq!(
        err(c.profile("dev_admin")),
        "profile \"dev_admin\" not found in ~/.aws/config\n\
         [profle dev_admin] (~/.aws/config:4) is not read as a profile; write it as \
         [profile dev_admin]"
    );
    assert_eq!(
        err(c.profile("default")),
        "profile \"default\" not found in ~/.aws/config\n\
         [Default] (~/.aws/config:8) is not read as a profile; write it as [default]"
    );
}

#[test]
fn the_one_profile_parse_points_at_the_misspelled_section_too() {
    let text = format!("{SESSION}[profile a]\nregion = x\n[profle dev_admin]\nregion = y\n");
    let c = Config::parse_profile(&text, None, CFG.into(), CREDS.into(), "dev_admin");
    assert_eq!(
        err(c.profile("dev_admin")),
        "profile \"dev_admin\" not found in ~/.aws/config\n\
         [profle dev_admin] (~/.aws/config:6) is not read as a profile; write it as \
         [profile dev_admin]"
    );
}

#[test]
fn a_missing_sso_session_points_at_the_misspelled_section() {
    let c = parse(
        "[sso_session corp]\nsso_start_url = https://x\nsso_region = us-east-1\n\
         [profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n",
    );
    assert_eq!(
        err(c.session("corp")),
        "sso-session \"corp\" not found in ~/.aws/config\n\
         [sso_session corp] (~/.aws/config:1) is not read as an sso-session; write it as \
         [sso-session corp]"
    );
    assert_eq!(
        err(c.profile_login(&c.profiles["dev"])),
        "profile \"dev\" uses sso-session \"corp\", which does not exist (~/.aws/config:5); \
         [sso_session corp] (~/.aws/config:1) is not read as an sso-session; write it as \
         [sso-session corp]"
    );
}

#[test]
fn missing_key_errors_say_which_misspelled_key_to_rename() {
    let c = parse(&format!(
        "{SESSION}[profile both]\nsso_session = corp\nsso_acount_id = 1\nsso-role-name = r\n\
         [profile one]\nsso_session = corp\nsso_acount_id = 1\n\
         [profile login]\nsso_sesion = corp\nsso_account_id = 1\nsso_role_name = r\n\
         [profile legacy]\nsso_start_url = https://x\nsso_regoin = us-east-1\n\
         sso_account_id = 1\nsso_role_name = r\n\
         [sso-session half]\nsso_start_url = https://h\nsso_regin = us-east-1\n"
    ));
    assert_eq!(
        err(c.role_target(&c.profiles["both"])),
        "profile \"both\" is missing sso_account_id and sso_role_name (~/.aws/config:4); \
         rename sso_acount_id (~/.aws/config:6) to sso_account_id and sso-role-name \
         (~/.aws/config:7) to sso_role_name"
    );
    assert_eq!(
        err(c.role_target(&c.profiles["one"])),
        "profile \"one\" is missing sso_account_id and sso_role_name (~/.aws/config:8); \
         add `sso_role_name = AdministratorAccess` to [profile one] and rename sso_acount_id \
         (~/.aws/config:10) to sso_account_id"
    );
    assert_eq!(
        err(c.profile_login(&c.profiles["login"])),
        "profile \"login\" has neither sso_session nor sso_start_url (~/.aws/config:11); \
         rename sso_sesion (~/.aws/config:12) to sso_session"
    );
    assert_eq!(
        err(c.profile_login(&c.profiles["legacy"])),
        "profile \"legacy\" is missing sso_region (~/.aws/config:16); rename sso_regoin \
         (~/.aws/config:17) to sso_region"
    );
    assert_eq!(
        err(c.session_login("half")),
        "sso-session \"half\" is missing sso_region (~/.aws/config:20); rename sso_regin \
         (~/.aws/config:22) to sso_region"
    );
    // The typo a login error already names is not reported a second time.
    assert_eq!(
        typos(&c),
        [
            "~/.aws/config:6: sso_acount_id in [profile both] is not read by the AWS tools; \
             did you mean sso_account_id?",
            "~/.aws/config:7: sso-role-name in [profile both] is not read by the AWS tools; \
             did you mean sso_role_name?",
            "~/.aws/config:10: sso_acount_id in [profile one] is not read by the AWS tools; \
             did you mean sso_account_id?",
            "~/.aws/config:22: sso_regin in [sso-session half] is not read by the AWS tools; \
             did you mean sso_region?",
        ]
    );
}

#[test]
fn use_warns_once_per_problem() {
    let c = parse2(
        &format!(
            "{SESSION}[profile typos]\nsso_session = corp\nsso_acount_id = 1\nsso-role-name = r\n\
             [profile half]\nsso_session = corp\nsso_role_name = r\n\
             [profile none]\nsso_session = corp\n\
             [profile login]\nsso_sesion = corp\nsso_account_id = 1\nsso_role_name = r\n\
             [profile plain]\nregoin = eu-west-1\nsso_acount_id = 1\n\
             [profile good]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n"
        ),
        "[half]\naws_sesion_token = x\n",
    );
    assert_eq!(
        warnings(&c, "typos"),
        [
            "~/.aws/config:6: sso_acount_id in [profile typos] is not read by the AWS tools; \
             did you mean sso_account_id?",
            "~/.aws/config:7: sso-role-name in [profile typos] is not read by the AWS tools; \
             did you mean sso_role_name?",
        ]
    );
    assert_eq!(
        warnings(&c, "half"),
        [
            "~/.aws/credentials:2: aws_sesion_token in [half] is not read by the AWS tools; \
             did you mean aws_session_token?",
            "profile \"half\" is missing sso_account_id (~/.aws/config:8); add \
             `sso_account_id = 111111111111` to [profile half] (switched anyway, but the AWS \
             CLI and SDKs get no role credentials from it until then)",
        ]
    );
    assert_eq!(
        warnings(&c, "none"),
        [
            "profile \"none\" is missing sso_account_id and sso_role_name (~/.aws/config:11); \
          add `sso_account_id = 111111111111` and `sso_role_name = AdministratorAccess` to \
          [profile none] (switched anyway, but the AWS CLI and SDKs get no role credentials \
          from it until then)"
        ]
    );
    // The login error `use` prints (with the token's state) names the rename.
    assert_eq!(warnings(&c, "login"), Vec::<String>::new());
    // Not an SSO profile: every near miss is told.
    assert_eq!(
        warnings(&c, "plain"),
        [
            "~/.aws/config:18: regoin in [profile plain] is not read by the AWS tools; \
             did you mean region?",
            "~/.aws/config:19: sso_acount_id in [profile plain] is not read by the AWS tools; \
             did you mean sso_account_id?",
        ]
    );
    assert_eq!(warnings(&c, "good"), Vec::<String>::new());
}

#[test]
fn use_warns_the_same_after_the_one_profile_parse() {
    let text = format!(
        "{SESSION}[profile a]\nsso_acount_id = 1\n[profile b]\nsso_session = corp\n\
         sso_acount_id = 1\n[profile c]\nsso_session = corp\n"
    );
    let full = parse(&text);
    for name in ["a", "b", "c"] {
        let one = Config::parse_profile(&text, None, CFG.into(), CREDS.into(), name);
        assert_eq!(warnings(&one, name), warnings(&full, name), "{name}");
    }
    assert_eq!(warnings(&full, "b").len(), 2);
}

#[test]
fn a_login_error_names_every_misspelled_login_key() {
    let c = parse(
        "[profile p]\nsso_sesion = corp\nsso_start_ulr = https://x\nsso_account_id = 1\n\
         sso_role_name = r\n",
    );
    assert_eq!(
        err(c.profile_login(&c.profiles["p"])),
        "profile \"p\" has neither sso_session nor sso_start_url (~/.aws/config:1); rename \
         sso_sesion (~/.aws/config:2) to sso_session and sso_start_ulr (~/.aws/config:3) to \
         sso_start_url"
    );
    assert_eq!(typos(&c), Vec::<String>::new());
    assert_eq!(warnings(&c, "p"), Vec::<String>::new());
}

#[test]
fn a_typo_in_the_default_section_is_reported_once_as_its_own() {
    let c = parse("[DEFAULT]\nregoin = eu-north-1\n[profile a]\n[profile b]\n");
    assert_eq!(
        typos(&c),
        ["~/.aws/config:2: regoin in [DEFAULT] is not read by the AWS tools; did you mean region?"]
    );
    assert_eq!(
        warnings(&c, "a"),
        ["~/.aws/config:2: regoin in [DEFAULT] is not read by the AWS tools; did you mean region?"]
    );
}
