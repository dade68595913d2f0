//! Tests of `.ssox.toml`: parsing, rendering for `use --here`, the shown path, the walk up.

use std::path::Path;

use super::*;

#[test]
fn parse_reads_profile_region_and_lines() {
    let w = parse(
        "# shop\n\nprofile = \"shop_admin\"\nregion = 'eu-west-1'\n",
        "f",
    )
    .unwrap();
    assert_eq!(
        w,
        Wanted {
            profile: "shop_admin".into(),
            profile_line: 3,
            region: Some("eu-west-1".into()),
        }
    );
}

#[test]
fn parse_errors_name_the_line() {
    let e = |text: &str| parse(text, "./.ssox.toml").unwrap_err().to_string();
    assert!(
        e("# x\nprofile = prod\n").starts_with("./.ssox.toml:2: "),
        "{}",
        e("# x\nprofile = prod\n")
    );
    assert!(!e("# x\nprofile = prod\n").contains('\n'));
    assert_eq!(
        e("region = \"eu-west-1\"\n"),
        "./.ssox.toml:1: no profile = \"NAME\" in the file"
    );
    assert!(
        e("profile = \"a\"\nshell = \"rm -rf /\"\n").starts_with("./.ssox.toml:2: unknown field"),
        "{}",
        e("profile = \"a\"\nshell = \"x\"\n")
    );
    assert_eq!(
        e("profile = \"a\\nb\"\n"),
        "./.ssox.toml:1: the profile name is empty or has control characters"
    );
    assert!(
        e("profile = \"a\"\nregion = \"$(id)\"\n").starts_with("./.ssox.toml:2: invalid region")
    );
}

#[test]
fn render_round_trips_and_keeps_other_lines() {
    for name in ["a", "it's", "a\"b\\c", "$(id)", "ü 東京"] {
        let text = render(None, name, Some("eu-west-1"));
        let w = parse(&text, "f").unwrap();
        assert_eq!(w.profile, name);
        assert_eq!(w.region.as_deref(), Some("eu-west-1"));
    }
    let old = "# the shop account\nprofile = \"old\"  # keep?\nregion = \"us-east-1\"\n";
    assert_eq!(
        render(Some(old), "new", None),
        "# the shop account\nprofile = \"new\"\nregion = \"us-east-1\"\n"
    );
    assert_eq!(
        render(Some("# only a comment"), "new", Some("eu-west-1")),
        "# only a comment\nprofile = \"new\"\nregion = \"eu-west-1\"\n"
    );
}

#[test]
fn shown_is_relative_near_the_working_directory() {
    let d = |p: &Path| format!("~{}", p.display());
    assert_eq!(
        shown(Path::new("/p/.ssox.toml"), Path::new("/p"), d),
        "./.ssox.toml"
    );
    assert_eq!(
        shown(Path::new("/p/.ssox.toml"), Path::new("/p/a"), d),
        "../.ssox.toml"
    );
    assert_eq!(
        shown(Path::new("/p/.ssox.toml"), Path::new("/p/a/b"), d),
        "~/p/.ssox.toml"
    );
}

#[test]
fn find_walks_up_and_locate_takes_dirs_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    assert_eq!(find(&root.join("a/b")), None);
    std::fs::write(root.join("a/.ssox.toml"), "profile = \"x\"\n").unwrap();
    assert_eq!(find(&root.join("a/b")), Some(root.join("a/.ssox.toml")));
    assert_eq!(
        locate(None, &root.join("a/b")).unwrap(),
        root.join("a/.ssox.toml")
    );
    assert_eq!(
        locate(Some(Path::new("b/..")), &root.join("a")).unwrap(),
        root.join("a/.ssox.toml")
    );
    assert_eq!(
        locate(Some(Path::new("../.ssox.toml")), &root.join("a/b")).unwrap(),
        root.join("a/.ssox.toml")
    );
    assert!(locate(Some(Path::new("nope.toml")), &root).is_err());
}
