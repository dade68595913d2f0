//! The targeted parse behind `ssox use NAME`: it reads the same profile as a full parse, the
//! line scanner it relies on, and `load`.

use super::*;

/// A config and credentials file with every shape the one-profile parse passes over or stops at.
fn tricky() -> (String, &'static str) {
    const BOM: char = '\u{feff}';
    let config = format!(
        "{BOM}{SEED}[DEFAULT]\nregion = dd\noutput = od\n[profile q]\ns3 =\n  bad line\nregion = q # c\nsub =\n  region = r\n\
         [profile pk]\ncredential_process = c\naws_access_key_id = A\nlogin_session = arn:aws:sts::1:x\n\
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
