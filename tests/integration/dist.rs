//! The release archives (scripts/dist.sh, as .github/workflows/release.yml runs it): what is in
//! them, their checksum files, the Homebrew formula filled in from those, and Cargo.toml's
//! `cargo binstall` templates, which must name exactly the archive and the path of the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::support::*;

const TARGET: &str = "x86_64-unknown-linux-musl";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn dist(args: &[&str]) -> std::process::Output {
    Command::new("bash")
        .arg(root().join("scripts/dist.sh"))
        .args(args)
        .output()
        .unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Build the extras and one archive; the archive's path. The packed binary is a small stand-in
/// that runs the test binary (gzipping a 170 MB debug build takes seconds), with mode 0700 so the
/// archive's 0755 is dist.sh's doing.
fn pack(dir: &Path) -> PathBuf {
    let extras = dir.join("extras");
    let o = dist(&["extras", ssox_bin(), extras.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stand_in = dir.join("build/ssox");
    std::fs::create_dir_all(stand_in.parent().unwrap()).unwrap();
    std::fs::write(
        &stand_in,
        format!("#!/bin/sh\nexec '{}' \"$@\"\n", ssox_bin()),
    )
    .unwrap();
    std::fs::set_permissions(
        &stand_in,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let out = dir.join("out");
    let o = dist(&[
        "pack",
        TARGET,
        stand_in.to_str().unwrap(),
        extras.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    PathBuf::from(stdout(&o).trim_end())
}

/// `key = "value"` of Cargo.toml's `[package.metadata.binstall]` table.
fn binstall(key: &str) -> String {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let table = manifest
        .split("[package.metadata.binstall]\n")
        .nth(1)
        .unwrap();
    let line = table
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
        .unwrap();
    line.strip_suffix('"').unwrap().to_string()
}

/// binstall's template expansion for a Linux target with a tar.gz archive.
fn expand(template: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    template
        .replace("{ repo }", "https://github.com/ssox-dev/ssox")
        .replace("{ version }", version)
        .replace("{ name }", "ssox")
        .replace("{ bin }", "ssox")
        .replace("{ target }", TARGET)
        .replace("{ archive-suffix }", ".tar.gz")
        .replace("{ binary-ext }", "")
}

#[test]
fn an_archive_holds_the_binary_docs_man_page_and_completions_with_its_sum() {
    let dir = tempfile::tempdir().unwrap();
    let archive = pack(dir.path());
    let version = env!("CARGO_PKG_VERSION");
    let name = format!("ssox-v{version}-{TARGET}");
    assert_eq!(archive, dir.path().join(format!("out/{name}.tar.gz")));

    let o = Command::new("tar")
        .arg("tzf")
        .arg(&archive)
        .output()
        .unwrap();
    let mut listing: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    listing.sort();
    let expected: Vec<String> = [
        "",
        "LICENSE",
        "README.md",
        "completions/",
        "completions/_ssox",
        "completions/_ssox.ps1",
        "completions/ssox.bash",
        "completions/ssox.fish",
        "ssox",
        "ssox.1",
    ]
    .iter()
    .map(|p| format!("{name}/{p}"))
    .collect();
    assert_eq!(listing, expected);

    // `sha256sum -c` format, naming the archive without a directory.
    let bytes = std::fs::read(&archive).unwrap();
    let sum = hex(&Sha256::digest(&bytes));
    let sum_file = dir.path().join(format!("out/{name}.tar.gz.sha256"));
    assert_eq!(
        std::fs::read_to_string(&sum_file).unwrap(),
        format!("{sum}  {name}.tar.gz\n")
    );

    // The pages in it are the binary's own, and the binary is executable.
    let x = dir.path().join("x");
    std::fs::create_dir(&x).unwrap();
    let o = Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&x)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sb = Sandbox::new();
    let unpacked = x.join(&name);
    assert_eq!(
        std::fs::read(unpacked.join("ssox.1")).unwrap(),
        sb.run(&["man"]).stdout
    );
    assert_eq!(
        std::fs::read(unpacked.join("completions/_ssox")).unwrap(),
        sb.run(&["completions", "zsh"]).stdout
    );
    assert_eq!(mode(&unpacked.join("ssox")) & 0o777, 0o755);
    let o = Command::new(unpacked.join("ssox"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(stdout(&o), format!("ssox {version}\n"));

    // `cargo binstall` finds that archive and the binary in it.
    assert_eq!(
        expand(&binstall("pkg-url")),
        format!("https://github.com/ssox-dev/ssox/releases/download/v{version}/{name}.tar.gz")
    );
    assert!(x.join(expand(&binstall("bin-dir"))).is_file());
}

#[test]
fn the_homebrew_formula_gets_the_version_and_every_archive_sum() {
    let dir = tempfile::tempdir().unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let targets = [
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "aarch64-unknown-linux-musl",
        "x86_64-unknown-linux-musl",
    ];
    let sums: Vec<String> = targets
        .iter()
        .map(|t| hex(&Sha256::digest(t.as_bytes())))
        .collect();
    for (target, sum) in targets.iter().zip(&sums) {
        let name = format!("ssox-v{version}-{target}.tar.gz");
        std::fs::write(
            dir.path().join(format!("{name}.sha256")),
            format!("{sum}  {name}\n"),
        )
        .unwrap();
    }
    let o = dist(&["formula", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let formula = stdout(&o);
    assert!(
        formula.contains(&format!("\n  version \"{version}\"\n")),
        "{formula}"
    );
    for (target, sum) in targets.iter().zip(&sums) {
        let url = format!("ssox-v#{{version}}-{target}.tar.gz\"\n      sha256 \"{sum}\"\n");
        assert!(formula.contains(&url), "{target}: {formula}");
    }
    assert!(!formula.contains('@'), "{formula}");

    // A missing sum is an error that names the file, not a formula with a hole in it.
    std::fs::remove_file(
        dir.path()
            .join(format!("ssox-v{version}-x86_64-apple-darwin.tar.gz.sha256")),
    )
    .unwrap();
    let o = dist(&["formula", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "dist.sh: no {}/ssox-v{version}-x86_64-apple-darwin.tar.gz.sha256\n",
            dir.path().display()
        )
    );
}
