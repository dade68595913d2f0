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
