//! Section headers: what `[default]`, `[profile x]` and a credentials file's bare names name,
//! and shell-style quoted section names read as botocore reads them.

use super::*;

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
