//! Unit tests of the command line: help groups and parsing. Test-only: `cli.rs` declares it
//! under #[cfg(test)].

use super::*;

/// Every command is in exactly one group of `ssox --help`, and every group names commands
/// that exist.
#[test]
fn help_groups_list_every_command_once() {
    let mut grouped: Vec<&str> = COMMAND_GROUPS
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
        .collect();
    grouped.sort_unstable();
    let mut commands: Vec<String> = Cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect();
    commands.sort_unstable();
    assert_eq!(grouped, commands);
}

#[test]
fn every_command_help_ends_with_examples() {
    for sub in Cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
    {
        let after = sub.get_after_help().map(ToString::to_string);
        let after = after.unwrap_or_default();
        let (_, examples) = after
            .split_once("Examples:\n")
            .unwrap_or_else(|| panic!("{} has no examples", sub.get_name()));
        let n = examples.lines().count();
        assert!((2..=3).contains(&n), "{}: {n} examples", sub.get_name());
    }
}

/// `ssox exec ARGS…`: (profile, server, command).
fn exec(args: &[&str]) -> (Option<String>, bool, Vec<String>) {
    let cli = Cli::try_parse_from(["ssox", "exec"].iter().chain(args)).unwrap();
    let Command::Exec(e) = cli.command else {
        panic!("not exec");
    };
    let command = e.command();
    let words = command.iter().map(|w| w.to_string_lossy().into_owned());
    (e.profile.clone(), e.server, words.collect())
}

#[test]
fn exec_takes_the_command_with_or_without_dashes() {
    let p = |s: &str| Some(s.to_string());
    let v = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let aws = v(&["aws", "sts", "get-caller-identity", "--output", "json"]);
    assert_eq!(
        exec(&[
            "prod",
            "aws",
            "sts",
            "get-caller-identity",
            "--output",
            "json"
        ]),
        (p("prod"), false, aws.clone())
    );
    assert_eq!(
        exec(&[
            "prod",
            "--",
            "aws",
            "sts",
            "get-caller-identity",
            "--output",
            "json"
        ]),
        (p("prod"), false, aws.clone())
    );
    assert_eq!(
        exec(&[
            "--",
            "aws",
            "sts",
            "get-caller-identity",
            "--output",
            "json"
        ]),
        (None, false, aws.clone())
    );
    assert_eq!(
        exec(&[
            "--server",
            "prod",
            "aws",
            "sts",
            "get-caller-identity",
            "--output",
            "json"
        ]),
        (p("prod"), true, aws.clone())
    );
    assert_eq!(
        exec(&["prod", "--server", "--", "env"]),
        (p("prod"), true, v(&["env"]))
    );
    assert_eq!(
        exec(&["prod", "sh", "-c", "echo $0", "--", "x"]),
        (p("prod"), false, v(&["sh", "-c", "echo $0", "--", "x"]))
    );
    assert_eq!(exec(&["prod"]), (p("prod"), false, v(&[])));
    assert_eq!(exec(&[]), (None, false, v(&[])));
}
