//! `ssox man`: the roff page generated from the clap definitions, one page with every command,
//! printed without reading the config.

use crate::support::*;

/// Every visible command has its own section, the page is valid roff for `man`, and a broken
/// config does not matter (the page is built from the command line's definition alone).
#[test]
fn man_prints_one_page_with_every_command() {
    let sb = Sandbox::with_config("[profile broken\n");
    let o = sb.cmd().arg("man").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let page = stdout(&o);
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        page.contains(&format!(".TH ssox 1  \"ssox {version}\" \"ssox manual\"\n")),
        "{page}"
    );
    let sections: Vec<&str> = page
        .lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .collect();
    assert_eq!(
        sections,
        [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "SUBCOMMANDS",
            "\"SSOX USE\"",
            "\"SSOX LIST\"",
            "\"SSOX PICK\"",
            "\"SSOX LOGIN\"",
            "\"SSOX LOGOUT\"",
            "\"SSOX STATUS\"",
            "\"SSOX INIT\"",
            "\"SSOX COMPLETIONS\"",
            "\"SSOX MAN\"",
            "\"SSOX WHOAMI\"",
            "\"SSOX CREDS\"",
            "\"SSOX EXEC\"",
            "\"SSOX SERVE\"",
            "\"SSOX CONSOLE\"",
            "\"SSOX DOCTOR\"",
            "\"SSOX CONFIGURE\"",
            "\"SSOX SYNC\"",
            "\"SSOX ALLOW\"",
            "\"SSOX DENY\"",
            "\"SSOX HERE\"",
            "NOTES",
            "VERSION",
        ]
    );
    // No references to per-command pages that do not exist, no clap `help` command.
    assert!(!page.contains("(1)"), "{page}");
    assert!(!page.contains("SSOX HELP"), "{page}");
    // Examples keep their lines: filled text would join them.
    assert!(
        page.contains(".nf\nExamples:\n  ssox use blog_admin "),
        "{page}"
    );
}

/// `man` formats it without warnings (man-db; `.ci/run` installs it).
#[test]
fn man_page_formats_cleanly() {
    if !require_tool("man") {
        return;
    }
    let sb = Sandbox::new();
    let page = sb.dir.path().join("ssox.1");
    let o = sb.cmd().arg("man").output().unwrap();
    std::fs::write(&page, &o.stdout).unwrap();
    let out = std::process::Command::new("man")
        .env("MANWIDTH", "100")
        .args(["--warnings", "-l"])
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    // Bold and underline are overstrikes (`c\x08c`, `_\x08c`) when stdout is not a terminal.
    let mut text = String::new();
    for c in stdout(&out).chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    assert!(text.contains("SSOX EXEC"), "{text}");
    assert!(text.contains("ssox use blog_admin"), "{text}");
}
