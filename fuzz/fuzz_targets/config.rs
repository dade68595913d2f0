//! The config parser on any text: never a panic, and the one-profile parse (`ssox use NAME`)
//! and the names-only parse (`ssox list --names`) agree with the full parse (`ssox list`).
//!
//! Input: the config file's text, then optionally `\0` and the credentials file's text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssox::config::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (config, creds) = match text.split_once('\0') {
        Some((c, r)) => (c, Some(r)),
        None => (text, None),
    };
    let parse_one = |name: &str| {
        Config::parse_profile(config, creds, "config".into(), "credentials".into(), name)
    };
    let full = Config::parse(config, creds, "config".into(), "credentials".into());
    // A handful of names per input keeps each run fast; the fuzzer varies which.
    for name in full.profiles.keys().take(8) {
        let one = parse_one(name);
        assert_eq!(one.profiles.get(name), full.profiles.get(name), "{name}");
        assert_eq!(one.sessions, full.sessions, "{name}");
        assert_eq!(one.services, full.services, "{name}");
        let login = |c: &Config| c.profile_login(&c.profiles[name]).map_err(|e| e.0);
        assert_eq!(login(&one), login(&full), "{name}");
    }
    // The names alone (`list --names`), found by skipping every plain profile section.
    let names: Vec<&String> = full.profiles.keys().collect();
    assert_eq!(
        Config::profile_names(config, creds)
            .iter()
            .collect::<Vec<_>>(),
        names
    );
    // A name that cannot be there (a header is one line): the full parse (for the suggestions).
    let missing = parse_one("not\na profile");
    assert_eq!(missing.profiles, full.profiles);
});
