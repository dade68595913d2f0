//! Exact-text tests of each editor operation. Test-only: `edit.rs` declares it under #[cfg(test)].

use super::*;

const PATH: &str = "~/.aws/config";

fn doc(text: &str) -> ConfigDoc {
    ConfigDoc::parse(text, PATH).unwrap()
}

fn p(name: &str) -> SectionId {
    SectionId::profile(name)
}

/// Apply `f` to `text` and return the checked result.
fn edit(text: &str, f: impl FnOnce(&mut ConfigDoc)) -> String {
    let mut d = doc(text);
    f(&mut d);
    d.finish().unwrap()
}

const MIXED: &str = "\u{feff}# top\r\n[profile a]\r\n  Region\t=  us-east-1   # mine\r\n\
                     s3 =\r\n  max_concurrent_requests = 20\r\n\r\n[plugins]\r\nx = y\r\n\
                     [services s]\r\nsso =\r\n  endpoint_url = http://x\r\n[profile b]\r\nk=v";

#[test]
fn no_edit_gives_the_same_bytes() {
    for text in [
        "",
        "\n",
        "\u{feff}",
        MIXED,
        "[default]\nregion = x",
        "[default]\nregion = x\r",
        "# only a comment",
        "[profile a]\n\n\n\t\n; c\n",
        "  [profile a]\n  region = x\n",
    ] {
        assert_eq!(doc(text).text(), text);
        assert_eq!(doc(text).finish().unwrap(), text);
    }
}

#[test]
fn set_key_updates_only_the_value() {
    let out = edit(MIXED, |d| {
        assert!(d.set_key(&p("a"), "region", "eu-west-1").unwrap());
    });
    assert_eq!(out, MIXED.replace("us-east-1", "eu-west-1"));
}

#[test]
fn set_key_to_the_same_value_changes_nothing() {
    let mut d = doc(MIXED);
    assert!(!d.set_key(&p("a"), "REGION", "us-east-1").unwrap());
    assert_eq!(d.text(), MIXED);
}

#[test]
fn new_key_goes_after_the_last_key_with_the_files_line_ending() {
    let out = edit(MIXED, |d| {
        d.set_key(&p("a"), "output", "json").unwrap();
        d.set_key(&p("b"), "region", "x").unwrap();
    });
    let want = MIXED
        .replace(
            "max_concurrent_requests = 20\r\n",
            "max_concurrent_requests = 20\r\noutput = json\r\n",
        )
        // `[profile b]` writes `k=v`, so the new key is written the same way; the file's last
        // line had no line ending: it gets one, as every new line does.
        .replace("k=v", "k=v\r\nregion=x\r\n");
    assert_eq!(out, want);
}

#[test]
fn new_key_goes_before_trailing_comments_and_blank_lines() {
    let text = "[profile a]\nregion = x\n# about b\n\n[profile b]\n";
    let out = edit(text, |d| {
        d.set_key(&p("a"), "output", "json").unwrap();
        d.set_key(&p("b"), "output", "text").unwrap();
    });
    assert_eq!(
        out,
        "[profile a]\nregion = x\noutput = json\n# about b\n\n[profile b]\noutput = text\n"
    );
}

#[test]
fn set_key_replaces_a_nested_block_and_fills_an_empty_value() {
    let text = "[profile a]\nregion =\n  # note\n  x = 1\n\n  y = 2\nout =\n";
    let out = edit(text, |d| {
        d.set_key(&p("a"), "region", "us-east-1").unwrap();
    });
    // The comment inside the old block stays (ssox never drops a comment it does not own).
    assert_eq!(out, "[profile a]\nregion = us-east-1\n  # note\n\nout =\n");
}

#[test]
fn set_key_refuses_values_that_would_not_read_back() {
    let mut d = doc("[profile a]\n");
    for bad in ["", " x", "x ", "a #b", "a ;b", "#x", "a\nb", "a\tb"] {
        let e = d.set_key(&p("a"), "k", bad).unwrap_err();
        assert!(e.0.starts_with("cannot write k = "), "{e}");
    }
    assert_eq!(
        d.set_key(&p("a"), "a b", "x").unwrap_err().0,
        "cannot write the key \"a b\": a key is letters, digits, `_` and `-`"
    );
    assert_eq!(
        d.set_key(&p("nope"), "k", "v").unwrap_err().0,
        "there is no [profile nope] in ~/.aws/config"
    );
    assert_eq!(d.text(), "[profile a]\n");
}

#[test]
fn remove_key_takes_its_nested_lines() {
    let text = "[profile a]\n# keep\ns3 =\n  a = 1\n  b = 2\nregion = x # c\n";
    let mut d = doc(text);
    assert!(d.remove_key(&p("a"), "S3").unwrap());
    assert!(!d.remove_key(&p("a"), "s3").unwrap());
    assert_eq!(d.finish().unwrap(), "[profile a]\n# keep\nregion = x # c\n");
}

#[test]
fn sections_are_found_as_the_parser_names_them() {
    let text = "[default]\na = 1\n[ profile \t\"x y\" ]\na = 1\n[sso-session 'my s']\na = 1\n\
                [profile 'q\"']\na = 1\n[Profile c]\na = 1\n[c]\na = 1\n";
    let mut d = doc(text);
    for id in [p("default"), p("x y"), SectionId::session("my s"), p("q\"")] {
        assert!(d.set_key(&id, "a", "2").unwrap(), "{id:?}");
    }
    // `[Profile c]` and `[c]` are not profiles: they are kept as they are.
    assert!(!d.contains(&p("c")));
    assert_eq!(d.finish().unwrap(), text.replacen("a = 1", "a = 2", 4));
}

#[test]
fn add_section_at_the_end() {
    let keys = [("sso_session", "s"), ("region", "x")];
    let cases = [
        ("", "[profile n]\nsso_session = s\nregion = x\n"),
        (
            "[default]\nk = v",
            "[default]\nk = v\n\n[profile n]\nsso_session = s\nregion = x\n",
        ),
        (
            "[default]\nk = v\n\n",
            "[default]\nk = v\n\n[profile n]\nsso_session = s\nregion = x\n",
        ),
        (
            "\u{feff}[default]\r\nk = v\r\n# end\r\n",
            "\u{feff}[default]\r\nk = v\r\n# end\r\n\r\n[profile n]\r\nsso_session = s\r\nregion = x\r\n",
        ),
    ];
    for (text, want) in cases {
        let out = edit(text, |d| {
            d.add_section(&p("n"), &keys, &Placement::End).unwrap()
        });
        assert_eq!(out, want, "{text:?}");
    }
}

#[test]
fn add_section_after_a_section_keeps_the_lines_that_followed_it() {
    let text = "[profile a]\nk = v\n\n# heads b\n[profile b]\nk = v\n";
    let out = edit(text, |d| {
        d.add_section(&p("n1"), &[("k", "1")], &Placement::After(p("a")))
            .unwrap();
        d.add_section(&p("n2"), &[("k", "2")], &Placement::After(p("n1")))
            .unwrap();
    });
    assert_eq!(
        out,
        "[profile a]\nk = v\n\n[profile n1]\nk = 1\n\n[profile n2]\nk = 2\n\n# heads b\n\
         [profile b]\nk = v\n"
    );
}

#[test]
fn add_section_quotes_names_and_refuses_bad_ones() {
    let out = edit("", |d| {
        d.add_section(&p("a b"), &[], &Placement::End).unwrap();
        d.add_section(&p("default"), &[], &Placement::End).unwrap();
        d.add_section(&SectionId::session("my s"), &[], &Placement::End)
            .unwrap();
        d.add_section(&p("x]y"), &[], &Placement::End).unwrap();
    });
    assert_eq!(
        out,
        "[profile \"a b\"]\n\n[default]\n\n[sso-session \"my s\"]\n\n[profile x]y]\n"
    );
    let mut d = doc("[profile a]\n");
    assert_eq!(
        d.add_section(&p("a"), &[], &Placement::End).unwrap_err().0,
        "[profile a] already exists in ~/.aws/config"
    );
    for bad in ["", "a\nb", "a\rb", "x] #y"] {
        let e = d.add_section(&p(bad), &[], &Placement::End).unwrap_err();
        assert!(e.0.starts_with("cannot write a profile named "), "{e}");
    }
    assert_eq!(d.text(), "[profile a]\n");
}

#[test]
fn remove_section_between_others() {
    let text = "[profile a]\nk = 1\n\n[profile b]\n# inside\nk = 2\n\n[profile c]\nk = 3\n";
    let out = edit(text, |d| assert!(d.remove_section(&p("b")).unwrap()));
    assert_eq!(out, "[profile a]\nk = 1\n\n[profile c]\nk = 3\n");
}

#[test]
fn remove_section_keeps_comments_above_and_after_it() {
    let text = "[profile a]\nk = 1\n\n# about b\n[profile b]\nk = 2\n\n# about c\n[profile c]\n";
    let out = edit(text, |d| assert!(d.remove_section(&p("b")).unwrap()));
    assert_eq!(
        out,
        "[profile a]\nk = 1\n\n# about b\n# about c\n[profile c]\n"
    );
}

#[test]
fn remove_the_last_section_leaves_the_file_ending_as_it_did() {
    for (text, want) in [
        ("[a]\nk = 1\n\n[profile b]\nk = 2\n", "[a]\nk = 1\n"),
        ("[a]\nk = 1\n\n[profile b]\nk = 2\n\n", "[a]\nk = 1\n\n"),
        ("[a]\nk = 1\n\n[profile b]\nk = 2", "[a]\nk = 1\n"),
        ("[profile b]\nk = 2\n", ""),
    ] {
        let mut d = doc(text);
        assert!(d.remove_section(&p("b")).unwrap());
        assert!(!d.remove_section(&p("b")).unwrap());
        assert_eq!(d.finish().unwrap(), want, "{text:?}");
    }
}

#[test]
fn rename_section_changes_only_the_header() {
    let text = "  [profile a] # generated\nk = 1\n";
    let out = edit(text, |d| d.rename_section(&p("a"), "b c").unwrap());
    assert_eq!(out, "  [profile \"b c\"] # generated\nk = 1\n");
    let mut d = doc("[profile a]\n[profile b]\n");
    assert_eq!(
        d.rename_section(&p("a"), "b").unwrap_err().0,
        "cannot rename [profile a] to [profile b]: ~/.aws/config already has it"
    );
}

#[test]
fn an_indented_header_that_would_become_a_continuation_is_unindented() {
    // `  [profile b]` is a header only because `[profile a]` has no key.
    let text = "[profile a]\n  [profile b]\nk = 1\n";
    let out = edit(text, |d| {
        d.set_key(&p("a"), "region", "x").unwrap();
    });
    assert_eq!(out, "[profile a]\nregion = x\n[profile b]\nk = 1\n");
    let text = "[profile z]\nk = 1\n[profile a]\n  [profile b]\nk = 1\n";
    let out = edit(text, |d| {
        d.remove_section(&p("a")).unwrap();
    });
    assert_eq!(out, "[profile z]\nk = 1\n[profile b]\nk = 1\n");
}

#[test]
fn a_config_with_problems_is_refused() {
    let e = ConfigDoc::parse("[profile a]\nk = 1\nk = 2\noops\n", PATH).unwrap_err();
    assert_eq!(
        e.0,
        "~/.aws/config:3: `k` is set twice in [profile a] (also at line 2); ssox uses the last \
         value, but the AWS CLI rejects a repeated key: delete one\n\
         ~/.aws/config:4: this line has no `=`; write `key = value`, or start the line with `#` \
         to make it a comment\n\
         ssox does not rewrite ~/.aws/config while it has problems: fix them and run again"
    );
    // A line for which the AWS CLI refuses the whole file, first.
    let e = ConfigDoc::parse("[profile a]\nk = 1\nk = 2\nc =\n  /bin/x\n", PATH).unwrap_err();
    assert!(
        e.0.starts_with(
            "~/.aws/config:5: this line in the block under `c =` is not a `sub = value` line"
        ),
        "{}",
        e.0
    );
    assert!(
        e.0.contains("\n~/.aws/config:3: `k` is set twice"),
        "{}",
        e.0
    );
    // A BOM, an inline comment, [DEFAULT] and unused keys are no reason to refuse.
    let text = "\u{feff}[DEFAULT]\nregion = a # b\n[profile a]\ncredential_process = c\n\
                aws_access_key_id = A\naws_secret_access_key = S\n";
    let out = edit(text, |d| {
        d.set_key(&p("a"), "output", "json").unwrap();
    });
    assert_eq!(out, format!("{text}output = json\n"));
    let e = ConfigDoc::from_bytes(b"[default]\nk = \xff\n", PATH).unwrap_err();
    assert_eq!(
        e.0,
        "~/.aws/config:2: this line is not valid UTF-8, and ssox rewrites only UTF-8 config \
         files; save the file as UTF-8 and run again"
    );
}

#[test]
fn value_round_trips_matches_the_parser() {
    for v in [
        "x",
        "a#b",
        "a b",
        "é",
        "{account_name}_{role_name}",
        "a;b",
        "x=y",
    ] {
        assert!(value_round_trips(v), "{v}");
        let cfg = Config::parse(&format!("[default]\nk = {v}\n"), None, "".into(), "".into());
        assert_eq!(cfg.profiles["default"].get("k"), Some(v));
    }
    for v in ["", " x", "a #b", "#b", ";b", "a\u{7}"] {
        assert!(!value_round_trips(v), "{v:?}");
    }
}

#[test]
fn a_lone_carriage_return_before_the_end_is_refused() {
    // The parser reads `\r` alone as a line break (as botocore does); the editor's lines only
    // know a final one, so it refuses rather than rewrite such a file with lines that disagree.
    for (text, line) in [
        ("[profile a]\rk = 1\r", 1),
        ("[profile a]\r\nk = 1\nj = 2\r\r\n", 3),
    ] {
        assert_eq!(
            ConfigDoc::parse(text, PATH).unwrap_err().0,
            format!(
                "{PATH}:{line}: this line ends with a lone carriage return (old Mac line \
                 endings); ssox reads such a file but does not rewrite it: convert its line \
                 endings to \\n and run again"
            )
        );
    }
    assert_eq!(
        doc("[default]\nregion = x\r").text(),
        "[default]\nregion = x\r"
    );
}
