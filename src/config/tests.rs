//! Unit tests for the config model: one test per rule of docs/compat.md#config-files, error
//! messages asserted word for word. Compiled only in tests: `mod.rs` declares it under #[cfg(test)].

use super::ini::{self, RawKey, RawSection, RawValue};
use super::*;

const CFG: &str = "~/.aws/config";
const CREDS: &str = "~/.aws/credentials";

fn parse(config: &str) -> Config {
    Config::parse(config, None, CFG.into(), CREDS.into())
}

fn parse2(config: &str, creds: &str) -> Config {
    Config::parse(config, Some(creds), CFG.into(), CREDS.into())
}

fn names(c: &Config) -> Vec<&str> {
    c.profiles.keys().map(String::as_str).collect()
}

fn problems(c: &Config) -> Vec<&str> {
    c.problems.iter().map(|p| p.0.as_str()).collect()
}

fn get<'a>(c: &'a Config, profile: &str, key: &str) -> Option<&'a str> {
    c.profiles[profile].get(key)
}

fn err<T: std::fmt::Debug>(r: Result<T, ConfigError>) -> String {
    r.unwrap_err().0
}

// ---- sections ----

#[test]
fn bare_default_is_the_default_profile() {
    let c = parse("[default]\nregion = eu-west-1\n");
    assert_eq!(names(&c), ["default"]);
    assert_eq!(get(&c, "default", "region"), Some("eu-west-1"));
    assert_eq!(c.profiles["default"].section(), "[default]");
    assert!(c.problems.is_empty());
}

#[test]
fn profile_default_wins_over_bare_default_in_either_order() {
    for text in [
        "[default]\nregion = a\noutput = json\n\n[profile default]\nregion = b\n",
        "[profile default]\nregion = b\n\n[default]\nregion = a\noutput = json\n",
    ] {
        let c = parse(text);
        assert_eq!(names(&c), ["default"]);
        assert_eq!(get(&c, "default", "region"), Some("b"));
        // Not merged: [default] is ignored entirely, as the Rust SDK does.
        assert_eq!(get(&c, "default", "output"), None);
        assert_eq!(c.profiles["default"].section(), "[profile default]");
    }
    assert_eq!(
        problems(&parse(
            "[default]\nregion = a\n[profile default]\nregion = b\n"
        )),
        [
            "~/.aws/config:1: [default] is ignored because [profile default] (line 3) takes \
          precedence; the AWS CLI uses whichever comes last: merge them into one section"
        ]
    );
}

#[test]
fn bare_name_is_not_a_profile_in_the_config_file() {
    let c = parse("[dev]\nregion = a\n[plugins]\ncli_legacy_plugin_path = /x\n");
    assert!(c.profiles.is_empty());
    assert!(
        c.problems.is_empty(),
        "[plugins] and [dev] are legal sections"
    );
    assert_eq!(
        err(c.profile("dev")),
        "profile \"dev\" not found in ~/.aws/config\n\
         [dev] (~/.aws/config:1) is not read as a profile; write it as [profile dev]"
    );
}

#[test]
fn bare_name_is_a_profile_in_the_credentials_file() {
    let c = parse2(
        "",
        "[dev]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = s\n",
    );
    assert_eq!(names(&c), ["dev"]);
    let p = &c.profiles["dev"];
    assert_eq!(p.kind, ProfileKind::Static);
    assert_eq!(
        p.source,
        Source {
            file: FileId::Credentials,
            line: 1
        }
    );
    assert_eq!(p.section(), "[dev]");
}

#[test]
fn credentials_file_profile_prefix_is_part_of_the_name() {
    let c = parse2(
        "",
        "[profile default]\nregion = a\n[ default ]\nregion = b\n",
    );
    assert_eq!(names(&c), ["default", "profile default"]);
    assert_eq!(get(&c, "profile default", "region"), Some("a"));
    assert_eq!(get(&c, "default", "region"), Some("b"));
}

#[test]
fn section_names_are_case_sensitive() {
    let c =
        parse("[Profile x]\nregion = a\n[PROFILE y]\n[SSO-SESSION s]\nsso_region = a\n[Default]\n");
    assert!(c.profiles.is_empty());
    assert!(c.sessions.is_empty());
    assert_eq!(
        err(c.profile("x")),
        "profile \"x\" not found in ~/.aws/config\n\
         [Profile x] (~/.aws/config:1) is not read as a profile; write it as [profile x]"
    );
}

#[test]
fn spaces_and_tabs_around_section_names() {
    let c = parse(
        "[ profile  a ]\nregion = 1\n[\tprofile\tb\t]\nregion = 2\n[  default\t]\nregion = 3\n\
         [ sso-session \t s ]\nsso_region = r\n",
    );
    assert_eq!(names(&c), ["a", "b", "default"]);
    assert_eq!(get(&c, "b", "region"), Some("2"));
    assert_eq!(get(&c, "default", "region"), Some("3"));
    assert_eq!(c.sessions["s"].get("sso_region"), Some("r"));
    assert!(c.problems.is_empty());
}

// ---- keys and values ----

#[test]
fn keys_are_case_insensitive_and_values_trimmed_with_case_kept() {
    let c = parse("[profile x]\nREGION  =  Us-East-1 \t\nSso_Account_ID=0123\n");
    assert_eq!(get(&c, "x", "region"), Some("Us-East-1"));
    assert_eq!(get(&c, "x", "sso_account_id"), Some("0123"));
    // An indented line right after the header has nothing to continue: it is a key (as botocore).
    let c = parse("[profile x]\n\tOutput\t=\tJSON\n");
    assert_eq!(get(&c, "x", "output"), Some("JSON"));
}

#[test]
fn comment_lines_including_indented_ones_are_never_glued_to_a_key() {
    let c = parse(
        "# top\n; top\n[profile x]\n# c\nregion = a\n  # indented comment\n\t; tab comment\n\
         output = json\ns3 =\n  # inside a block\n  max_concurrent_requests = 20\n",
    );
    assert_eq!(get(&c, "x", "region"), Some("a"));
    assert_eq!(get(&c, "x", "output"), Some("json"));
    assert_eq!(
        c.profiles["x"].keys.nested("s3"),
        Some(vec![("max_concurrent_requests", "20")])
    );
    assert!(c.problems.is_empty());
}

#[test]
fn inline_comments_need_whitespace_before_them() {
    let c = parse(
        "[profile x]\nregion = us-east-1 # comment\noutput = json\t; comment\na = value#x\n\
         b = a;b\nc = #all comment\nd=#kept\ne = v # one # two\n",
    );
    assert_eq!(get(&c, "x", "region"), Some("us-east-1"));
    assert_eq!(get(&c, "x", "output"), Some("json"));
    assert_eq!(get(&c, "x", "a"), Some("value#x"));
    assert_eq!(get(&c, "x", "b"), Some("a;b"));
    assert_eq!(get(&c, "x", "c"), None);
    assert_eq!(get(&c, "x", "d"), Some("#kept"));
    assert_eq!(get(&c, "x", "e"), Some("v"));
}

#[test]
fn comments_after_section_headers() {
    let c = parse(
        "[default] # c\nregion = 1\n[profile a] ; c\n[profile b]# c\n[profile c] # see [other]\n",
    );
    assert_eq!(names(&c), ["a", "b", "c", "default"]);
    assert_eq!(get(&c, "default", "region"), Some("1"));
    let c = parse("[profile w] junk\nregion = a\n[profile ok]\n");
    assert_eq!(names(&c), ["ok"]);
    assert_eq!(
        problems(&c),
        [
            "~/.aws/config:1: unexpected text after the section header `[profile w] junk`; \
          remove it, or put ` #` before it to make it a comment"
        ]
    );
}

#[test]
fn nested_blocks_are_never_top_level_keys() {
    let c = parse(
        "[profile x]\ns3 =\n  max_concurrent_requests = 20\n  Max_Bandwidth = 50MB/s # c\n\
         region = us-east-1\n",
    );
    let p = &c.profiles["x"];
    assert_eq!(p.get("max_concurrent_requests"), None);
    assert_eq!(p.get("max_bandwidth"), None);
    assert_eq!(p.get("s3"), None, "a nested block is not a scalar");
    assert_eq!(
        p.keys.nested("s3"),
        Some(vec![
            ("max_concurrent_requests", "20"),
            ("max_bandwidth", "50MB/s")
        ])
    );
    assert_eq!(p.region(), Some("us-east-1"));
    assert_eq!(p.keys.len(), 2);
}

#[test]
fn continuation_lines_are_never_top_level_keys() {
    let c = parse(
        "[profile x]\ndescription = first\n  second\n\tregion = nope\nregion = a\n\
         credential_process =\n    /usr/bin/cred --profile x\n",
    );
    let p = &c.profiles["x"];
    assert_eq!(p.get("description"), Some("first\nsecond\nregion = nope"));
    assert_eq!(p.region(), Some("a"));
    // botocore refuses the file (`_parse_nested` finds no `=`): never the value (issue 21, 1.1).
    assert_eq!(p.get("credential_process"), None);
    assert_eq!(p.kind, ProfileKind::Config);
    assert!(c.problems.is_empty());
    assert_eq!(
        c.refused,
        [ConfigError(
            "~/.aws/config:7: this line in the block under `credential_process =` is not a \
             `sub = value` line, so the AWS CLI and the SDKs cannot read this file at all \
             (botocore: ConfigParseError) and ssox ignores the line; write the value on the key's \
             line (`credential_process = VALUE`), or start the line with `#` to make it a comment"
                .into()
        )]
    );
}

#[test]
fn indented_section_header_is_a_continuation_and_is_reported() {
    let c = parse("[profile x]\noutput = json\n  [profile y]\n");
    assert_eq!(names(&c), ["x"]);
    assert_eq!(get(&c, "x", "output"), Some("json\n[profile y]"));
    assert_eq!(
        problems(&c),
        [
            "~/.aws/config:3: `[profile y]` is indented, so it continues the value of `output` \
          instead of starting a section; remove the indentation"
        ]
    );
}

#[test]
fn duplicate_sections_merge_and_the_last_key_wins() {
    let c = parse(
        "[profile x]\nregion = a\noutput = json\n[profile y]\n[profile x]\nregion = b\n\
         [sso-session s]\nsso_region = r1\n[sso-session s]\nsso_region = r2\n",
    );
    assert_eq!(get(&c, "x", "region"), Some("b"));
    assert_eq!(get(&c, "x", "output"), Some("json"));
    assert_eq!(c.profiles["x"].source.line, 1);
    assert_eq!(c.profiles["x"].line("region").map(|s| s.line), Some(6));
    assert_eq!(c.sessions["s"].get("sso_region"), Some("r2"));
    assert_eq!(
        problems(&c),
        [
            "~/.aws/config:5: [profile x] repeats the section at line 1; ssox merges them \
             (the last value wins) but the AWS CLI does not: merge them into one",
            "~/.aws/config:9: [sso-session s] repeats the section at line 7; ssox merges them \
             (the last value wins) but the AWS CLI does not: merge them into one",
        ]
    );
}

#[test]
fn duplicate_key_in_one_section_last_wins_and_is_reported() {
    let c = parse("[profile x]\nregion = a\nRegion = b\n");
    assert_eq!(get(&c, "x", "region"), Some("b"));
    assert_eq!(
        problems(&c),
        [
            "~/.aws/config:3: `region` is set twice in [profile x] (also at line 2); ssox uses \
          the last value, but the AWS CLI rejects a repeated key: delete one"
        ]
    );
}

#[test]
fn no_escape_processing() {
    let c = parse(
        "[profile x]\nca_bundle = C:\\Tools\\new\nend = dir\\\nregion = us-east-1\n\
         q = \"quoted\" and 'single'\n",
    );
    assert_eq!(get(&c, "x", "ca_bundle"), Some("C:\\Tools\\new"));
    assert_eq!(
        get(&c, "x", "end"),
        Some("dir\\"),
        "a trailing backslash swallows nothing"
    );
    assert_eq!(get(&c, "x", "region"), Some("us-east-1"));
    assert_eq!(get(&c, "x", "q"), Some("\"quoted\" and 'single'"));
}

#[test]
fn bom_and_crlf() {
    let c = parse("\u{feff}[profile x]\r\nregion = a\r\n\r\n[profile y]\r\nregion = b # c\r\ns3 =\r\n  k = v\r\n");
    assert_eq!(names(&c), ["x", "y"]);
    assert_eq!(get(&c, "x", "region"), Some("a"));
    assert_eq!(get(&c, "y", "region"), Some("b"));
    assert_eq!(c.profiles["y"].keys.nested("s3"), Some(vec![("k", "v")]));
    assert_eq!(c.profiles["y"].source.line, 4);
    assert!(c.problems.is_empty());
}

// ---- shell-style section names ----

#[test]
fn hostile_profile_names_are_read_as_botocore_reads_them() {
    let c = parse(
        "[profile \"it's\"]\n[profile \"$(touch pwned)\"]\n[profile \"a b\"]\n[profile $(id)]\n\
         [profile x;y]\n[profile ü]\n[profile 'single q']\n[profile \"back\\\\slash\"]\n\
         [profile a#b]\n[profile \"a]b\"]\n[profile `id`]\n",
    );
    assert_eq!(
        names(&c),
        [
            "$(id)",
            "$(touch pwned)",
            "`id`",
            "a b",
            "a#b",
            "a]b",
            "back\\slash",
            "it's",
            "single q",
            "x;y",
            "ü"
        ]
    );
    assert!(c.problems.is_empty());
    assert_eq!(c.profiles["a b"].section(), "[profile \"a b\"]");
    assert_eq!(c.profiles["it's"].section(), "[profile \"it's\"]");
}

#[test]
fn unquoted_name_with_spaces_is_not_a_profile_and_is_reported() {
    let c = parse("[profile a b]\nregion = x\n[profile ok]\n");
    assert_eq!(names(&c), ["ok"]);
    assert_eq!(
        problems(&c),
        [
            "~/.aws/config:1: [profile a b] is not read as a profile by the AWS tools: a name \
          with spaces must be quoted, as in [profile \"a b\"]"
        ]
    );
    assert_eq!(
        err(c.profile("a b")),
        "profile \"a b\" not found in ~/.aws/config\n\
         [profile a b] (~/.aws/config:1) is not read as a profile; write it as [profile \"a b\"]"
    );
}

#[test]
fn broken_quotes_and_missing_names_are_reported() {
    let c = parse("[profile \"a b]\n[profile]\n[sso-session]\n[profile \"\"]\n[profile ok]\n");
    assert_eq!(names(&c), ["ok"]);
    assert_eq!(
        problems(&c),
        [
            "~/.aws/config:1: [profile \"a b] has an unbalanced quote or a trailing `\\`, so it \
             is ignored; close the quote",
            "~/.aws/config:2: [profile] has no name; write [profile NAME]",
            "~/.aws/config:3: [sso-session] has no name; write [sso-session NAME]",
            "~/.aws/config:4: [profile \"\"] has an empty name; write [profile NAME]",
        ]
    );
}

#[test]
fn quote_name_round_trips_through_shlex() {
    for name in [
        "plain",
        "a b",
        "it's",
        "say \"hi\"",
        "it's \"x\"",
        "back\\slash",
        "",
        "tab\there",
    ] {
        let q = ini::quote_name(name);
        assert_eq!(ini::shlex_split(&q), Some(vec![name.to_string()]), "{q}");
    }
    assert_eq!(ini::quote_name("$(id)"), "$(id)");
    assert_eq!(ini::quote_name("a b"), "\"a b\"");
}

#[test]
fn shlex_split_matches_python() {
    let s = |t: &str| ini::shlex_split(t);
    assert_eq!(
        s("profile  \"a b\"  c"),
        Some(vec!["profile".into(), "a b".into(), "c".into()])
    );
    assert_eq!(s("a\\ b"), Some(vec!["a b".to_string()]));
    assert_eq!(s("\"a\\nb\""), Some(vec!["a\\nb".to_string()]));
    assert_eq!(s("'a\\\"b'"), Some(vec!["a\\\"b".to_string()]));
    assert_eq!(
        s("x\u{a0}y"),
        Some(vec!["x\u{a0}y".to_string()]),
        "no-break space is not a separator"
    );
    assert_eq!(s("\"open"), None);
    assert_eq!(s("trailing\\"), None);
}

// ---- the two files ----

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

// ---- profiles and logins ----

const SEED: &str = "[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile blog_admin]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1
";

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

// ---- broken input never hides healthy sections ----

#[test]
fn broken_lines_are_reported_and_healthy_sections_survive() {
    let c = parse(
        "region = before-any-section\noutput = also\n\
         [profile a]\nregion = a\n\
         [profile broken\nregion = stolen\n\
         [profile b]\njust words\n= no name\nregion = b\n\
         []\nregion = c\n\
         [profile c]\ns3 =\n  max = 1\n  not a pair\nregion = c\n",
    );
    assert_eq!(names(&c), ["a", "b", "c"]);
    assert_eq!(
        get(&c, "a", "region"),
        Some("a"),
        "keys after a broken header go nowhere"
    );
    assert_eq!(get(&c, "b", "region"), Some("b"));
    assert_eq!(get(&c, "c", "region"), Some("c"));
    assert_eq!(
        problems(&c),
        [
            "~/.aws/config:1: this line is not under any section; put a section header such as \
             [default] or [profile NAME] above it",
            "~/.aws/config:5: section header `[profile broken` has no closing `]`; end it with `]`",
            "~/.aws/config:8: this line has no `=`; write `key = value`, or start the line with \
             `#` to make it a comment",
            "~/.aws/config:9: this line has nothing before `=`; write `key = value`",
            "~/.aws/config:11: empty section header `[]`; write [profile NAME]",
        ]
    );
    assert_eq!(c.refused.len(), 1);
    assert!(c.refused[0].0.starts_with(
        "~/.aws/config:16: this line in the block under `s3 =` is not a `sub = value` line"
    ));
}

#[test]
fn problems_never_echo_secrets() {
    let c = parse2(
        "",
        "[k]\naws_secret_access_key wJalrXUtnFEMI\n\twJalrXUtnFEMI\n",
    );
    assert_eq!(c.problems.len(), 2);
    for p in &c.problems {
        assert!(!p.0.contains("wJalr"), "{p}");
    }
}

#[test]
fn empty_values_are_unset() {
    let c = parse("[profile x]\nregion =\noutput = json\nsso_session =   # c\n");
    assert_eq!(get(&c, "x", "region"), None);
    assert_eq!(get(&c, "x", "output"), Some("json"));
    assert_eq!(get(&c, "x", "sso_session"), None);
    assert_eq!(c.profiles["x"].kind, ProfileKind::Config);
}

#[test]
fn empty_files() {
    let c = parse2("", "");
    assert!(c.profiles.is_empty() && c.problems.is_empty());
    let c = parse("\u{feff}\n\n# only comments\r\n");
    assert!(c.profiles.is_empty() && c.problems.is_empty());
}

// ---- tokenizer ----

#[test]
fn tokenize_reports_sections_keys_and_nested_values() {
    let (sections, errors) =
        ini::tokenize("[profile x]\nRegion = a\ns3 =\n  K = v\ncont = a\n  b\n");
    assert!(errors.is_empty());
    assert_eq!(
        sections,
        [RawSection {
            header: "profile x".into(),
            line: 1,
            keys: vec![
                RawKey {
                    name: "region".into(),
                    value: RawValue::Scalar("a".into()),
                    line: 2
                },
                RawKey {
                    name: "s3".into(),
                    value: RawValue::Nested(vec![("k".into(), "v".into())]),
                    line: 3
                },
                RawKey {
                    name: "cont".into(),
                    value: RawValue::Scalar("a\nb".into()),
                    line: 5
                },
            ],
        }]
    );
}

// ---- suggestions ----

#[test]
fn closest_suggests_sensible_names_best_first() {
    let names = [
        "blog_admin",
        "blog_dev",
        "blog_readonly",
        "prod",
        "Prod-EU",
        "dev",
        "a",
        "ab",
        "xy",
        "staging",
        "shop_admin",
    ];
    let c = |t: &str| closest(t, names.iter().copied(), 3);
    assert_eq!(c("blg_admin"), ["blog_admin"]);
    assert_eq!(c("blog_amdin"), ["blog_admin"], "a swap is one edit");
    assert_eq!(
        c("PROD"),
        ["prod", "Prod-EU"],
        "same name in another case first"
    );
    assert_eq!(
        c("blog"),
        ["blog_dev", "blog_admin", "blog_readonly"],
        "prefix, shortest first"
    );
    assert_eq!(c("admin"), ["blog_admin", "shop_admin"]);
    assert_eq!(c("stagign"), ["staging"]);
    assert_eq!(c("dex"), ["dev"]);
    assert_eq!(c("prod-eu"), ["Prod-EU"]);
    assert!(
        c("zz").is_empty(),
        "no silly suggestions for short names: {:?}",
        c("zz")
    );
    assert!(c("q").is_empty());
    assert!(c("").is_empty());
    assert!(c("completely-unrelated").is_empty());
    assert_eq!(closest("b", ["a", "ab"].into_iter(), 3), Vec::<&str>::new());
    assert_eq!(closest("blog", names.iter().copied(), 1), ["blog_dev"]);
}

#[test]
fn profile_not_found_lists_up_to_three_close_names() {
    let c = parse("[profile blog_admin]\n[profile blog_dev]\n[profile blog_ro]\n[profile blog_rw]\n[profile x]\n");
    assert_eq!(
        err(c.profile("blg_admin")),
        "profile \"blg_admin\" not found in ~/.aws/config; did you mean \"blog_admin\"?"
    );
    assert_eq!(
        err(c.profile("blog")),
        "profile \"blog\" not found in ~/.aws/config; did you mean \"blog_ro\", \"blog_rw\", \
         \"blog_dev\"?"
    );
    assert_eq!(
        err(c.profile("nothing-like-it")),
        "profile \"nothing-like-it\" not found in ~/.aws/config"
    );
}

// ---- targeted parse (`ssox use NAME`) ----

fn targeted(config: &str, creds: Option<&str>, name: &str) -> Config {
    Config::parse_profile(config, creds, CFG.into(), CREDS.into(), name)
}

/// A config and credentials file with every shape the one-profile parse passes over or stops at.
fn tricky() -> (String, &'static str) {
    const BOM: char = '\u{feff}';
    let config = format!(
        "{BOM}{SEED}[DEFAULT]\nregion = dd\noutput = od\n[profile q]\ns3 =\n  bad line\nregion = q # c\nsub =\n  region = r\n\
         [profile pk]\ncredential_process = c\naws_access_key_id = A\n\
         [default]\nregion = d1\n[profile default]\nregion = d2\n[profile x]\nregion = a\n\
         [profile y]\nregion = y\n  [profile x]\n[profile e1]\n[profile e2]\n[profile x]\nsso_role_name = r\n[profile \"a b\"]\nregion = ab\n[profile x] # again\n\
         output = json\ns3 =\n  k = v\n[profile z\nregion = stolen\n[services s]\nsts =\n  endpoint_url = e\n\
         [profile y]\n  [profile x]\nsso_account_id = 999\n[profile w]\r[profile x]\rregion = cr\r"
    );
    let creds =
        "[x]\naws_access_key_id = A\n[y]\nregion = yy\n[default]\noutput = text\n[keys only]\n\
         [DEFAULT]\nregion = cd\n";
    (config, creds)
}

#[test]
fn targeted_parse_reads_the_same_profile_as_a_full_parse() {
    let (config, creds) = tricky();
    let full = parse2(&config, creds);
    for name in full.profiles.keys() {
        let t = targeted(&config, Some(creds), name);
        // Plain `[profile other]` sections are skipped (quoted ones are read, being rare).
        assert!(!t.profiles.contains_key("y") || name == "y", "{name}");
        assert_eq!(t.profiles[name], full.profiles[name], "{name}");
        assert_eq!(t.profiles[name].kind, full.profiles[name].kind);
        assert_eq!(t.sessions.len(), full.sessions.len());
        assert_eq!(t.services, full.services);
    }
}

#[test]
fn profile_names_are_the_full_parses_profiles() {
    let (config, creds) = tricky();
    let full = parse2(&config, creds);
    assert_eq!(
        Config::profile_names(&config, Some(creds)),
        names(&full),
        "quoted, bare [default], credentials-only and repeated profiles, once each, sorted"
    );
    assert_eq!(
        names(&full),
        [
            "a b",
            "blog_admin",
            "default",
            "e1",
            "e2",
            "keys only",
            "pk",
            "q",
            "w",
            "x",
            "y"
        ]
    );
    assert_eq!(Config::profile_names("", None), Vec::<String>::new());
}

#[test]
fn targeted_parse_of_an_unknown_name_is_a_full_parse() {
    let t = targeted(SEED, None, "blg_admin");
    assert_eq!(names(&t), ["blog_admin"]);
    assert_eq!(
        err(t.profile("blg_admin")),
        "profile \"blg_admin\" not found in ~/.aws/config; did you mean \"blog_admin\"?"
    );
}

fn generated(n: usize) -> String {
    let mut s = String::new();
    for i in 0..5 {
        s.push_str(&format!(
            "[sso-session sess{i}]\nsso_start_url = https://d-{i}.awsapps.com/start\n\
             sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n"
        ));
    }
    for i in 0..n {
        s.push_str(&format!(
            "[profile acct{i:05}-AdministratorAccess]\nsso_session = sess{}\nsso_account_id = {}\n\
             sso_role_name = AdministratorAccess\nregion = us-east-1\noutput = json\n\n",
            i % 5,
            100_000_000_000u64 + i as u64
        ));
    }
    s
}

#[test]
fn generated_config_parses_completely() {
    let text = generated(50);
    let c = parse(&text);
    assert_eq!(c.profiles.len(), 50);
    assert_eq!(c.sessions.len(), 5);
    assert!(c.problems.is_empty());
    let t = targeted(&text, None, "acct00025-AdministratorAccess");
    for name in [
        "acct00025-AdministratorAccess",
        "acct00049-AdministratorAccess",
    ] {
        let t = targeted(&text, None, name);
        assert_eq!(
            t.profiles[name], c.profiles[name],
            "same keys and line numbers"
        );
        assert_eq!(
            t.profiles[name].source.line,
            26 + 7 * name[4..9].parse::<usize>().unwrap()
        );
    }
    assert_eq!(
        c.role_target(&c.profiles["acct00025-AdministratorAccess"]),
        t.role_target(&t.profiles["acct00025-AdministratorAccess"])
    );
}

#[test]
fn newline_count_and_plain_names() {
    let text = "a\nb\n\n[x]\n".repeat(37) + "\n\n";
    let skipped_lines = {
        let mut e = ini::events(&text);
        e.next();
        e.skip_section();
        e.next()
    };
    assert_eq!(
        skipped_lines,
        Some(ini::Event::Section {
            header: "x",
            line: 4
        })
    );
    assert_eq!(ini::plain_profile_name("profile \t x "), Some("x"));
    assert_eq!(ini::plain_profile_name("profile \"x\""), None);
    assert_eq!(ini::plain_profile_name("profile a b"), None);
    assert_eq!(ini::plain_profile_name("profilex"), None);
    assert_eq!(ini::plain_profile_name("profile"), None);
}

#[test]
fn plain_profile_line_finds_what_the_full_reading_finds() {
    let plain = [
        "[profile a]",
        "[profile a[b]",
        "[profile a#b;c]",
        "[profile \u{e9}\u{a0}x]",
        "[profile a\x0bb]",
    ];
    // Left to the full reading (some of them still plain profiles, or broken headers).
    let other = [
        "[profile a] ",
        "[profile a]#c",
        "[profile a] # c",
        "[profile  a]",
        "[profile\ta]",
        "[profile a ]",
        "[profile a\t]",
        "[profile a b]",
        "[profile \"a\"]",
        "[profile a\\b]",
        "[profile 'a']",
        "[profile a]b]",
        "[profile ]",
        "[profile]",
        "[Profile a]",
        "[ profile a]",
        "[profile a",
        "[default]",
        "[sso-session a]",
    ];
    for (line, want_plain) in plain
        .iter()
        .map(|l| (l, true))
        .chain(other.iter().map(|l| (l, false)))
    {
        for end in ["", "\n", "\r", "\r\n"] {
            // A header at the very end of the file, or followed by a line.
            let text = match end {
                "" => line.to_string(),
                _ => format!("{line}{end}k = v\n"),
            };
            let got = sections::plain_profile_line(&text, 0);
            assert_eq!(got.is_some(), want_plain, "{text:?}");
            let Some((header, name, next)) = got else {
                continue;
            };
            let mut e = ini::events(&text);
            assert_eq!(e.next(), Some(ini::Event::Section { header, line: 1 }));
            assert_eq!(ini::plain_profile_name(header), Some(name));
            if end.is_empty() {
                // Past the end, as the reading of a last line without a line break leaves it.
                assert_eq!(next, text.len() + 1);
            } else {
                assert_eq!(&text[next..], "k = v\n", "{text:?}");
            }
        }
    }
}

#[test]
fn differs_from_proves_only_plain_bytes_that_differ() {
    let past = |line: &str, only: &str| sections::differs_from(line, 0, only);
    // Plain bytes up to the first that differs, or one more than the wanted name has.
    assert_eq!(past("[profile b]", "a"), Some(10));
    assert_eq!(past("[profile ab junk", "a"), Some(11));
    assert_eq!(past("[profile p01001_x]", "p01000_y"), Some(15));
    assert_eq!(past("[profile a[b]", "ab"), Some(11));
    // The same name, a prefix of it, or a byte that quoting, blanks or the header's end change.
    for line in [
        "[profile a]",
        "[profile a] # c",
        "[profile a b]",
        "[profile \"a\"]",
        "[profile a\"b\"]",
        "[profile a\\b]",
        "[profile 'b']",
        "[profile  b]",
        "[profile\tb]",
        "[profile ]",
        "[profile a]b]",
        "[profile a\tb]",
        "[profile a",
        "[Profile b]",
        "[sso-session b]",
        "[default]",
    ] {
        assert_eq!(past(line, "ab"), None, "{line:?}");
    }
}

#[test]
fn load_reads_files_and_explains_a_missing_config() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, creds) = (dir.path().join("config"), dir.path().join("credentials"));
    let show = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
    let e = load(&cfg, &creds, show).unwrap_err().to_string();
    assert!(
        e.starts_with(
            "no AWS config file at config\ncreate one with `ssox configure` (then `ssox sync`)"
        ),
        "{e}"
    );
    std::fs::write(&creds, "[k]\naws_access_key_id = A\n").unwrap();
    assert_eq!(
        names(&load(&cfg, &creds, show).unwrap()),
        ["k"],
        "credentials alone are enough"
    );
    std::fs::write(&cfg, format!("{SEED}[profile other]\n")).unwrap();
    let c = load_profile(&cfg, &creds, show, "blog_admin").unwrap();
    assert_eq!(names(&c), ["blog_admin"]);
    assert_eq!(c.config_path, "config");
    let c = load_profile(&cfg, &creds, show, "nope").unwrap();
    assert_eq!(names(&c), ["blog_admin", "k", "other"]);
    // Invalid UTF-8 is replaced, never fatal.
    std::fs::write(&cfg, b"[profile x]\nregion = a\xff\n").unwrap();
    assert_eq!(
        get(&load(&cfg, &creds, show).unwrap(), "x", "region"),
        Some("a\u{fffd}")
    );
}

#[test]
fn uppercase_keys_are_found_in_any_position() {
    for key in [
        "a",
        "abcdefgh",
        "abcdefghi",
        "sso_region",
        "abcdefghijklmnopq",
        "[]^_`{@",
    ] {
        assert!(matches!(ini::lower_key(key), std::borrow::Cow::Borrowed(_)));
        for i in 0..key.len() {
            for up in [b'A', b'Z', b'M'] {
                let mut k = key.as_bytes().to_vec();
                k[i] = up;
                let k = String::from_utf8(k).unwrap();
                assert_eq!(ini::lower_key(&k), k.to_ascii_lowercase(), "{k}");
                assert!(
                    matches!(ini::lower_key(&k), std::borrow::Cow::Owned(_)),
                    "{k}"
                );
            }
        }
    }
}

// ---- issue 21, part 1: shapes read as botocore reads them ----

#[test]
fn the_default_section_applies_to_every_section_of_its_file() {
    let c = parse2(
        "[profile a]\noutput = json\n[DEFAULT]\nregion = eu-north-1\noutput = text\n\
         [sso-session s]\nsso_start_url = https://x.awsapps.com/start\n[profile b]\nregion = b\n",
        "[b]\naws_access_key_id = A\naws_secret_access_key = S\n[c]\naws_access_key_id = C\n\
         aws_secret_access_key = S\n[DEFAULT]\nregion = from-credentials\n",
    );
    assert_eq!(names(&c), ["a", "b", "c"], "[DEFAULT] is no profile");
    assert_eq!(get(&c, "a", "region"), Some("eu-north-1"));
    assert_eq!(
        get(&c, "a", "output"),
        Some("json"),
        "the section's own key wins"
    );
    assert_eq!(
        c.sessions["s"].get("region"),
        Some("eu-north-1"),
        "sso-sessions too"
    );
    // The credentials file's [DEFAULT] goes under its own sections, which go over the config's.
    assert_eq!(get(&c, "b", "region"), Some("from-credentials"));
    assert_eq!(get(&c, "c", "region"), Some("from-credentials"));
    assert_eq!(
        c.profiles["a"].line("region"),
        Some(Source {
            file: FileId::Config,
            line: 4
        })
    );
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert!(c.typos().is_empty(), "no false warning: {:?}", c.typos());
    assert!(c.ignored_sections.is_empty());
    for name in ["a", "b", "c"] {
        let t = targeted(
            "[profile a]\noutput = json\n[DEFAULT]\nregion = eu-north-1\noutput = text\n\
             [sso-session s]\nsso_start_url = https://x.awsapps.com/start\n[profile b]\nregion = b\n",
            Some(
                "[b]\naws_access_key_id = A\naws_secret_access_key = S\n[c]\naws_access_key_id = C\n\
                 aws_secret_access_key = S\n[DEFAULT]\nregion = from-credentials\n",
            ),
            name,
        );
        assert_eq!(t.profiles[name], c.profiles[name], "{name}");
    }
}

#[test]
fn a_nested_value_is_no_value_and_a_block_line_without_equals_is_refused() {
    let c = parse("[profile x]\nregion =\n  x = y\nsso_role_name =\n  AdministratorAccess\n");
    let p = &c.profiles["x"];
    assert_eq!(p.region(), None);
    assert_eq!(p.keys.nested("region"), Some(vec![("x", "y")]));
    assert_eq!(p.get("sso_role_name"), None);
    assert_eq!(
        p.keys.scalars().collect::<Vec<_>>(),
        [("region", None), ("sso_role_name", Some(""))]
    );
    assert_eq!(c.refused.len(), 1);
    assert!(c.refused[0].0.starts_with(
        "~/.aws/config:5: this line in the block under `sso_role_name =` is not a `sub = value` \
         line, so the AWS CLI and the SDKs cannot read this file at all"
    ));
    assert!(c.problems.is_empty());
}

#[test]
fn a_bom_is_read_past_and_reported_once_per_file() {
    let c = parse2(
        "\u{feff}[profile x]\nregion = a\n",
        "\u{feff}[x]\noutput = j\n",
    );
    assert_eq!(get(&c, "x", "region"), Some("a"));
    assert_eq!(
        c.bom,
        [
            ConfigError(
                "~/.aws/config starts with a UTF-8 byte order mark (BOM): ssox reads past it, \
                 but the AWS CLI and the SDKs cannot read the file at all; save it as UTF-8 \
                 without a BOM, e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' ~/.aws/config`"
                    .into()
            ),
            ConfigError(
                "~/.aws/credentials starts with a UTF-8 byte order mark (BOM): ssox reads past \
                 it, but the AWS CLI and the SDKs cannot read the file at all; save it as UTF-8 \
                 without a BOM, e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' ~/.aws/credentials`"
                    .into()
            )
        ]
    );
    assert!(c.problems.is_empty());
    assert!(parse("[profile x]\n").bom.is_empty());
}

#[test]
fn inline_comments_are_dropped_with_a_warning() {
    let c = parse(
        "[profile x]\nsso_account_id = 111111111111 # prod\nregion = a#b\ns3 =\n  k = v ;c\n\
         [plugins]\nx = y # not ours\n",
    );
    assert_eq!(get(&c, "x", "sso_account_id"), Some("111111111111"));
    assert_eq!(get(&c, "x", "region"), Some("a#b"));
    assert_eq!(
        c.warnings,
        [
            ConfigError(
                "~/.aws/config:2: `sso_account_id` has an inline comment: ssox drops it (as the \
                 SDKs do), but the AWS CLI reads everything after `=` as the value, comment \
                 included; move the comment to a line of its own"
                    .into()
            ),
            ConfigError(
                "~/.aws/config:5: `k` has an inline comment: ssox drops it (as the SDKs do), but \
                 the AWS CLI reads everything after `=` as the value, comment included; move the \
                 comment to a line of its own"
                    .into()
            ),
        ]
    );
    assert!(c.problems.is_empty());
}

#[test]
fn partial_keys_name_the_missing_key() {
    let c = parse2(
        "[profile cfg]\naws_access_key_id = A\n[profile split]\naws_secret_access_key = S\n",
        "[secret]\naws_secret_access_key = S\n[split]\naws_access_key_id = A\n",
    );
    let problem = |n: &str| c.static_keys_problem(&c.profiles[n]).map(|e| e.0);
    assert_eq!(
        problem("cfg").as_deref(),
        Some(
            "profile \"cfg\" sets aws_access_key_id (~/.aws/config:2) but not \
             aws_secret_access_key: the AWS CLI and SDKs refuse it (PartialCredentialsError); \
             add aws_secret_access_key to [profile cfg] in ~/.aws/config"
        )
    );
    assert_eq!(
        problem("secret").as_deref(),
        Some(
            "profile \"secret\" sets aws_secret_access_key (~/.aws/credentials:2) but not \
             aws_access_key_id: the AWS CLI and SDKs find no credentials in it; add \
             aws_access_key_id to [secret] in ~/.aws/credentials"
        )
    );
    assert_eq!(
        problem("split").as_deref(),
        Some(
            "profile \"split\" sets aws_access_key_id (~/.aws/credentials:4) but not \
             aws_secret_access_key (the one at ~/.aws/config:4 is in the other file, and \
             botocore reads both keys from one): the AWS CLI and SDKs refuse it \
             (PartialCredentialsError); add aws_secret_access_key to [split] in \
             ~/.aws/credentials"
        )
    );
    for n in ["cfg", "secret", "split"] {
        assert_eq!(c.profiles[n].kind, ProfileKind::Static, "{n}");
    }
}

#[test]
fn unused_keys_or_process_are_warned_about() {
    let c = parse2(
        "[profile p]\ncredential_process = /bin/c\naws_access_key_id = A\naws_secret_access_key = S\n\
         [profile k]\ncredential_process = /bin/c\n",
        "[k]\naws_access_key_id = A\naws_secret_access_key = S\n",
    );
    assert_eq!(c.profiles["p"].kind, ProfileKind::Process);
    assert_eq!(c.profiles["k"].kind, ProfileKind::Static);
    assert_eq!(
        c.warnings,
        [
            ConfigError(
                "~/.aws/config:6: profile \"k\" has static keys in ~/.aws/credentials \
                 (~/.aws/credentials:2): the AWS CLI uses them and never runs this \
                 credential_process; remove one of the two"
                    .into()
            ),
            ConfigError(
                "~/.aws/config:3: profile \"p\" sets both a credential_process (~/.aws/config:2) \
                 and static keys: the AWS CLI and SDKs run the credential_process and never use \
                 the keys; remove aws_access_key_id and aws_secret_access_key from [profile p]"
                    .into()
            ),
        ]
    );
}

#[test]
fn a_profiles_sso_region_serves_a_session_without_one() {
    let c = parse(
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
         [profile p]\nsso_session = corp\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = r\n",
    );
    let p = &c.profiles["p"];
    let login = c.profile_login(p).unwrap();
    assert_eq!(login.region, "eu-west-1");
    assert_eq!(c.region_outside_session(p), Some(("eu-west-1", "corp")));
    assert!(
        c.session_login("corp").is_err(),
        "the session alone has none"
    );
}
