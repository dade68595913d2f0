//! Sections → model: the entry points that turn config and credentials text into a `Config`
//! (everything, one profile, or the profile names), over the one reader in `parse/reader.rs`
//! (docs/compat.md#config-files). Pure: text in, `Config` out; must not touch files, the network
//! or the terminal.

use std::borrow::Cow;

use super::Config;

mod reader;
use reader::parse_inner;

impl Config {
    /// Parse the config file text and, if present, the credentials file text. Never fails: what
    /// cannot be used is reported in `problems` and the rest is read.
    pub fn parse(
        config_text: &str,
        credentials_text: Option<&str>,
        config_path: String,
        credentials_path: String,
    ) -> Config {
        parse_with(
            config_text,
            credentials_text,
            config_path,
            credentials_path,
            None,
        )
    }

    /// Like `parse`, but only the profile `name` (with every sso-session and services block) is
    /// read; other profiles are passed over without being tokenized, so their problems are not
    /// reported. When `name` is not found, this is a full `parse` (for the suggestions).
    /// This is what keeps `ssox use NAME` fast on configs with thousands of profiles.
    pub fn parse_profile(
        config_text: &str,
        credentials_text: Option<&str>,
        config_path: String,
        credentials_path: String,
        name: &str,
    ) -> Config {
        let cfg = parse_with(
            config_text,
            credentials_text,
            config_path,
            credentials_path,
            Some(name),
        );
        if cfg.profiles.contains_key(name) {
            return cfg;
        }
        parse_with(
            config_text,
            credentials_text,
            cfg.config_path,
            cfg.credentials_path,
            None,
        )
    }

    /// The name of every profile, sorted, once each: the keys of `parse(…).profiles`, found
    /// the way `parse_profile` finds one profile (plain `[profile NAME]` sections are passed
    /// over unread), which keeps shell completion (`ssox list --names`) fast on configs with
    /// thousands of profiles.
    pub fn profile_names<'t>(
        config_text: &'t str,
        credentials_text: Option<&'t str>,
    ) -> Vec<Cow<'t, str>> {
        // A header is one line, so no section names this profile: every plain one is skipped,
        // and its name is a slice of the text.
        let (cfg, skipped) = parse_inner(
            config_text,
            credentials_text,
            String::new(),
            String::new(),
            Some("\n"),
            true,
        );
        let mut names: Vec<Cow<'t, str>> = cfg.profiles.into_keys().map(Cow::Owned).collect();
        names.extend(skipped.into_iter().map(Cow::Borrowed));
        names.sort_unstable();
        names.dedup();
        names
    }
}

fn parse_with(
    config_text: &str,
    credentials_text: Option<&str>,
    config_path: String,
    credentials_path: String,
    only: Option<&str>,
) -> Config {
    parse_inner(
        config_text,
        credentials_text,
        config_path,
        credentials_path,
        only,
        false,
    )
    .0
}

#[cfg(test)]
mod tests;
