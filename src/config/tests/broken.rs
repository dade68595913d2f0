//! Broken input: bad lines are reported while healthy sections survive, secrets are never
//! echoed, and "did you mean" suggestions for an unknown profile.

use super::*;

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
