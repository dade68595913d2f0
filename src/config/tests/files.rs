//! The two files: how the credentials file's keys merge with the config file's, and the
//! `[services]` blocks and registration scopes.

use super::*;

#[test]
fn credentials_keys_override_config_keys() {
    let c = parse2(
        "[profile x]\nregion = a\noutput = json\n",
        "[x]\nregion = b\naws_access_key_id = AKID\n",
    );
    let p = &c.profiles["x"];
    assert_eq!(p.region(), Some("b"));
    assert_eq!(p.get("output"), Some("json"));
    assert_eq!(
        p.line("region"),
        Some(Source {
            file: FileId::Credentials,
            line: 2
        })
    );
    assert_eq!(
        p.source,
        Source {
            file: FileId::Config,
            line: 1
        }
    );
    assert_eq!(p.kind, ProfileKind::Static);
    assert_eq!(p.section(), "[profile x]");
}

#[test]
fn credentials_default_merges_with_config_default() {
    let c = parse2(
        "[default]\nregion = a\n",
        "[default]\naws_access_key_id = AKID\n",
    );
    assert_eq!(names(&c), ["default"]);
    assert_eq!(get(&c, "default", "region"), Some("a"));
    assert_eq!(c.profiles["default"].kind, ProfileKind::Static);
    let c = parse2("[profile default]\nregion = a\n", "[default]\nregion = b\n");
    assert_eq!(get(&c, "default", "region"), Some("b"));
}

#[test]
fn repeated_credentials_sections_are_reported() {
    let c = parse2("", "[a]\nx = 1\n[a]\nx = 2\n");
    assert_eq!(get(&c, "a", "x"), Some("2"));
    assert_eq!(
        problems(&c),
        [
            "~/.aws/credentials:3: [a] repeats the section at line 1; ssox merges them (the last \
          value wins) but the AWS CLI does not: merge them into one"
        ]
    );
}

#[test]
fn services_blocks_accept_both_sso_oidc_spellings() {
    let c = parse(
        "[profile p]\nservices = local\nendpoint_url = http://global\n\
         [profile q]\nservices = other\n\
         [services local]\nsso-oidc =\n  endpoint_url = http://oidc\nSTS =\n  Endpoint_URL = http://sts # c\n\
         [services other]\nsso_oidc =\n  endpoint_url = http://oidc2\n",
    );
    assert_eq!(
        c.configured_endpoint(Some("p"), "sso_oidc").as_deref(),
        Some("http://oidc")
    );
    assert_eq!(
        c.configured_endpoint(Some("p"), "sso-oidc").as_deref(),
        Some("http://oidc")
    );
    assert_eq!(
        c.configured_endpoint(Some("p"), "sts").as_deref(),
        Some("http://sts")
    );
    assert_eq!(
        c.configured_endpoint(Some("p"), "sso").as_deref(),
        Some("http://global")
    );
    assert_eq!(
        c.configured_endpoint(Some("q"), "sso_oidc").as_deref(),
        Some("http://oidc2")
    );
    assert_eq!(c.configured_endpoint(Some("q"), "sts"), None);
    assert_eq!(c.configured_endpoint(None, "sts"), None);
}

#[test]
fn registration_scopes_split_on_commas_and_trimmed() {
    let c = parse(
        "[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n\
         sso_registration_scopes =  sso:account:access , codewhisperer:completions,,\n\
         [sso-session t]\nsso_start_url = u\nsso_region = r\n",
    );
    assert_eq!(
        c.session_login("s").unwrap().scopes,
        Some(vec![
            "sso:account:access".to_string(),
            "codewhisperer:completions".to_string()
        ])
    );
    assert_eq!(c.session_login("t").unwrap().scopes, None);
}
