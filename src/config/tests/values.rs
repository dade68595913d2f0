//! Keys and values inside a section: case, comments, nested blocks, continuations,
//! duplicates, BOM and CRLF, and the tokenizer that reads them.

use super::super::ini::{RawKey, RawSection, RawValue};
use super::*;

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
