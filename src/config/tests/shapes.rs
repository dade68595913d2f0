//! Issue 21, part 1: config shapes read as botocore reads them (`[DEFAULT]`, nested values,
//! BOM, inline comments, partial keys, unused keys, a profile's sso_region serving its session).

use super::*;

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
