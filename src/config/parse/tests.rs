//! Tests of `parse.rs` that span many inputs: the one-profile parse (`Config::parse_profile`,
//! which skips other profiles' sections) against the full parse on generated configs, line
//! endings of every kind, and the linear bound on key storage. Compiled only in tests.

use std::fmt::Write as _;
use std::time::Duration;

use crate::config::Config;
use crate::platform::testing::thread_cpu_time;

const CFG: &str = "~/.aws/config";
const CREDS: &str = "~/.aws/credentials";

fn full(config: &str, creds: Option<&str>) -> Config {
    Config::parse(config, creds, CFG.into(), CREDS.into())
}

fn targeted(config: &str, creds: Option<&str>, name: &str) -> Config {
    Config::parse_profile(config, creds, CFG.into(), CREDS.into(), name)
}

fn names(c: &Config) -> Vec<&str> {
    c.profiles.keys().map(String::as_str).collect()
}

/// `parse_profile(name)` reads exactly what `parse` reads for `name` (keys, values, lines, kind),
/// every sso-session and every services block, for each profile of the full parse and a few
/// names that are not there (those fall back to the full parse).
fn assert_agrees(config: &str, creds: Option<&str>) {
    assert_agrees_also(
        config,
        creds,
        &["a", "b", "ab", "default", "profile a", "nope"],
    );
}

/// `assert_agrees` for the profiles of the full parse and `more` names.
fn assert_agrees_also(config: &str, creds: Option<&str>, more: &[&str]) {
    let all = full(config, creds);
    let mut wanted: Vec<&str> = names(&all);
    wanted.extend(more);
    for name in wanted {
        let t = targeted(config, creds, name);
        match all.profiles.get(name) {
            Some(p) => {
                assert_eq!(
                    t.profiles.get(name),
                    Some(p),
                    "profile {name:?} of {config:?} with {creds:?}"
                );
                assert_eq!(t.sessions, all.sessions, "{name:?} of {config:?}");
                assert_eq!(t.services, all.services, "{name:?} of {config:?}");
            }
            None => assert_eq!(names(&t), names(&all), "{name:?} of {config:?}"),
        }
    }
}

/// A small deterministic generator (xorshift), so that a failure names its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// Config-file lines of every shape the tokenizer reads: headers (plain, indented, with blanks,
/// quoted, commented, broken, not ours), keys (plain, uppercase, empty, commented), nested blocks,
/// continuation lines, comments and blank lines.
const CONFIG_LINES: &[&str] = &[
    "[profile a]",
    "[profile b]",
    "  [profile b]",
    "\t[profile a]",
    "[ profile \t a ]",
    "[profile \"a\"]",
    "[profile 'b']",
    "[profile \"a b\"]",
    "[default]",
    "[profile default]",
    "  [default]",
    "[sso-session s]",
    "  [sso-session s]",
    "[services v]",
    "[profile a] # c",
    "[profile b] ; [c]",
    "[profile a",
    "[profile b] junk",
    "[]",
    "[profile a b]",
    "[a]",
    "[Profile a]",
    "[profile \"a]",
    "[profile ab]",
    "[profile ba",
    "[profile ab] junk",
    "[profile ab]]",
    "[profile b\"a\"]",
    "[profile ab\\c]",
    "\t[profile ab]",
    "region = r1",
    "REGION = R2",
    "sso_account_id = 111",
    "sso_session = s",
    "sso_start_url = https://x",
    "sso_region = us-east-1",
    "output =",
    "k = v # c",
    "k = v;c",
    "k=v",
    "= v",
    "just words",
    "  sub = x",
    "\tSub = y ; c",
    "  cont",
    "\tcont [x]",
    "  [profile a] x",
    "  # c",
    "# c",
    "; c",
    "",
    "  ",
    "sts =",
    "  endpoint_url = http://e",
    "services = v",
    "credential_process =",
    "    /bin/c --x",
    "é = ü",
];

/// Credentials-file lines: every `[name]` is a profile there.
const CREDS_LINES: &[&str] = &[
    "[a]",
    "[b]",
    "  [a]",
    "[default]",
    "[profile a]",
    "region = c1",
    "aws_access_key_id = K",
    "  cont",
    "# c",
    "",
    "[a",
];

const ENDINGS: &[&str] = &["\n", "\n", "\n", "\r\n", "\r"];

fn generate(rng: &mut Rng, lines: &[&str], most: usize) -> String {
    let mut text = String::new();
    for _ in 0..rng.below(most) + 1 {
        text.push_str(rng.pick(lines));
        text.push_str(rng.pick(ENDINGS));
    }
    if rng.below(4) == 0 {
        // No line break at the end.
        text.pop();
    }
    text
}

#[test]
fn one_profile_parse_agrees_with_the_full_parse_on_generated_configs() {
    for seed in 1..=3000u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let config = generate(&mut rng, CONFIG_LINES, 30);
        let creds = (rng.below(3) == 0).then(|| generate(&mut rng, CREDS_LINES, 8));
        assert_agrees(&config, creds.as_deref());
    }
}

#[test]
fn every_short_line_is_skipped_exactly_as_it_is_read() {
    // Every line of up to three tokens from the bytes and words that matter to the tokenizer,
    // in a section that the one-profile parse skips, after each kind of line, with each line
    // ending; the profile after it must come out the same.
    let tokens = [
        "a",
        "K",
        "=",
        "#",
        ";",
        " ",
        "\t",
        "\r",
        "[",
        "]",
        "é",
        "[profile a]",
    ];
    let mut lines = vec![String::new()];
    let mut frontier = vec![String::new()];
    for _ in 0..3 {
        let next: Vec<String> = frontier
            .iter()
            .flat_map(|s| tokens.iter().map(move |t| format!("{s}{t}")))
            .collect();
        lines.extend(next.iter().cloned());
        frontier = next;
    }
    let mut checked = 0;
    for before in [
        "",
        "k = v\n",
        "k =\n",
        "k =\n  s = t\n",
        "bad line\n",
        "[broken\n",
        // Headers of other profiles that the one-profile parse passes over without reading
        // them whole (`sections::differs_from`): broken, or not.
        "[profile bx\n",
        "[profile bx] junk\n",
        "[profile bx]\nk = v\n",
    ] {
        for line in &lines {
            for end in ["\n", "\r\n", "\r", ""] {
                let config = format!(
                    "[profile a]\nregion = 1\n[profile b]\n{before}{line}{end}\
                     [profile a]\noutput = 2\n"
                );
                assert_agrees_also(&config, None, &[]);
                checked += 1;
            }
        }
    }
    assert!(checked > 40_000, "{checked}");
}

#[test]
fn an_indented_header_after_a_skipped_section_is_read() {
    // botocore reads `  [profile b]` as a header when nothing above it is open to continue; the
    // one-profile parse (`ssox use b`) must not pass over it while `ssox list` reads it.
    let config = "[profile b]\nsso_account_id = 333\n[profile a]\n  [profile b]\n\
                  sso_account_id = 999\n[profile c]\nregion = x\n  [profile b]\n";
    let all = full(config, None);
    assert_eq!(all.profiles["b"].get("sso_account_id"), Some("999"));
    assert_eq!(
        all.profiles["c"].get("region"),
        Some("x\n[profile b]"),
        "after a value, an indented header continues it"
    );
    let t = targeted(config, None, "b");
    assert_eq!(t.profiles["b"], all.profiles["b"]);
    assert_eq!(
        t.profiles["b"].line("sso_account_id").map(|s| s.line),
        Some(5)
    );
    assert_agrees(config, None);
}

// ---- line endings ----

#[test]
fn a_lone_cr_ends_a_line() {
    let config = "[profile a]\rregion = r1\r\r# c\r[profile b]\r  [profile c]\rsso_region = x\r\n\
                  s3 =\r  k = v\r[profile d]\r\r\nregion = d";
    let c = full(config, None);
    assert_eq!(names(&c), ["a", "b", "c", "d"]);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.profiles["a"].get("region"), Some("r1"));
    assert_eq!(c.profiles["c"].get("sso_region"), Some("x"));
    assert_eq!(c.profiles["c"].keys.nested("s3"), Some(vec![("k", "v")]));
    // `\r\r\n` is two line breaks, as in Python's universal newlines.
    assert_eq!(c.profiles["d"].get("region"), Some("d"));
    let lines: Vec<usize> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| c.profiles[*n].source.line)
        .collect();
    assert_eq!(lines, [1, 5, 6, 10]);
    assert_eq!(c.profiles["d"].line("region").map(|s| s.line), Some(12));
    assert_agrees(config, None);
}

#[test]
fn a_cr_inside_a_value_ends_it() {
    // botocore opens the file with universal newlines: `a\rb` is two lines.
    let c = full("[profile x]\nregion = a\rb\noutput = json\n", None);
    assert_eq!(c.profiles["x"].get("region"), Some("a"));
    assert_eq!(c.profiles["x"].get("output"), Some("json"));
    assert_eq!(
        c.problems.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
        [
            "~/.aws/config:3: this line has no `=`; write `key = value`, or start the line with \
             `#` to make it a comment"
        ]
    );
}

#[test]
fn credentials_with_cr_only_line_endings_override_the_config() {
    let config = "[profile a]\r\nregion = c\r\nsso_session = s\r\n";
    let creds = "[a]\rregion = k\raws_access_key_id = AKID\r";
    let c = full(config, Some(creds));
    let a = &c.profiles["a"];
    assert_eq!(a.get("region"), Some("k"));
    assert_eq!(a.get("sso_session"), Some("s"));
    assert_eq!(a.line("aws_access_key_id").map(|s| s.line), Some(3));
    assert_agrees(config, Some(creds));
}

// ---- linear key storage ----

/// Parse `text` and say how much CPU time it took (a debug build is about ten times slower than
/// release). CPU time, not wall time: a busy machine must not fail the test.
fn timed(config: &str, creds: Option<&str>) -> (Config, Duration) {
    let start = thread_cpu_time();
    let c = full(config, creds);
    (c, thread_cpu_time().saturating_sub(start))
}

#[test]
fn one_section_with_100_000_keys_parses_in_well_under_a_second() {
    let mut config = String::from("[profile big]\n");
    for i in 0..100_000 {
        let _ = writeln!(config, "key{i} = value{i}");
    }
    let (c, took) = timed(&config, None);
    let big = &c.profiles["big"];
    assert_eq!(big.keys.len(), 100_000);
    assert_eq!(big.get("key0"), Some("value0"));
    assert_eq!(big.get("key99999"), Some("value99999"));
    assert_eq!(big.line("key99999").map(|s| s.line), Some(100_001));
    assert!(c.problems.is_empty());
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

#[test]
fn repeated_keys_and_sections_merge_in_linear_time() {
    // 100,000 keys over 10,000 repeats of one section, each key set twice in its section, and a
    // credentials section with 100,000 keys laid over them.
    let mut config = String::new();
    for r in 0..10_000 {
        config.push_str("[profile big]\n");
        for k in 0..10 {
            let _ = writeln!(config, "key{} = first", r * 10 + k);
            let _ = writeln!(config, "KEY{} = value{r}", r * 10 + k);
        }
    }
    let mut creds = String::from("[big]\n");
    for i in (0..100_000).step_by(2) {
        let _ = writeln!(creds, "key{i} = creds");
    }
    let (c, took) = timed(&config, Some(&creds));
    let big = &c.profiles["big"];
    assert_eq!(big.keys.len(), 100_000);
    assert_eq!(big.get("key1"), Some("value0"));
    assert_eq!(big.get("key2"), Some("creds"));
    assert_eq!(big.get("key99999"), Some("value9999"));
    assert_eq!(big.source.line, 1);
    // 9,999 repeated sections and 100,000 keys set twice, each reported once.
    assert_eq!(c.problems.len(), 9_999 + 100_000);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn a_key_set_again_in_a_large_section_is_found_and_reported() {
    // Past 16 keys a section's keys are found through an index: the same answers as a scan.
    let mut config = String::from("[profile p]\n");
    for i in 0..30 {
        let _ = writeln!(config, "k{i} = v{i}");
    }
    config.push_str("k3 = again\nK25 = AGAIN\n");
    let c = full(&config, None);
    let p = &c.profiles["p"];
    assert_eq!(p.keys.len(), 30);
    assert_eq!(p.get("k3"), Some("again"));
    assert_eq!(p.get("k25"), Some("AGAIN"));
    assert_eq!(p.line("k25").map(|s| s.line), Some(33));
    let order: Vec<&str> = p.keys.iter().map(|(k, _)| k).take(5).collect();
    assert_eq!(
        order,
        ["k0", "k1", "k2", "k3", "k4"],
        "first-set order kept"
    );
    assert_eq!(
        c.problems.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
        [
            "~/.aws/config:32: `k3` is set twice in [profile p] (also at line 5); ssox uses the \
             last value, but the AWS CLI rejects a repeated key: delete one",
            "~/.aws/config:33: `k25` is set twice in [profile p] (also at line 27); ssox uses the \
             last value, but the AWS CLI rejects a repeated key: delete one",
        ]
    );
}
