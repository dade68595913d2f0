//! Picker benchmark at 10,000 profiles: time to first frame and the cost of one keystroke.
//!
//! Run: `cargo bench --bench picker` (the figures in README.md came from it; set
//! `CARGO_PROFILE_BENCH_LTO=false CARGO_PROFILE_BENCH_CODEGEN_UNITS=16` to build faster).
//! Targets: first frame ≤ 30 ms, a keystroke ≤ 5 ms.
//!
//! In process (the library's `ui::menu`): building the menu (search strings, column widths)
//! and drawing the first frame; then, per query typed one character at a time, the re-filter
//! plus the redraw for each keystroke. End to end (the built `ssox` in a pseudo-terminal, with a
//! 10,000-profile config in a temp HOME): from spawn to the first frame on the terminal.
//! Without `--bench` (e.g. `cargo test --benches`) it does one quick pass and checks nothing.

use std::time::{Duration, Instant};

use console::Key;
use ssox::ui::menu as picker;

const N: usize = 10_000;
const ROLES: [&str; 6] = [
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
    "Billing",
    "DeveloperAccess",
];
const REGIONS: [&str; 5] = [
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "us-west-2",
    "eu-central-1",
];
const TEAMS: [&str; 8] = [
    "blog", "shop", "data", "infra", "search", "payments", "mobile", "ml",
];

/// Profile `i`: team, account, role, session, region — what `ssox pick` shows.
fn profile(i: usize) -> [String; 5] {
    let team = TEAMS[i % TEAMS.len()];
    let role = ROLES[(i / TEAMS.len()) % ROLES.len()];
    let short = role.trim_end_matches("Access").to_ascii_lowercase();
    [
        format!("{team}{:04}_{short}", i / (TEAMS.len() * ROLES.len())),
        format!("{:012}", 100_000_000_000u64 + (i as u64) * 7_919),
        role.to_string(),
        format!("corp{}", i % 3),
        REGIONS[i % REGIONS.len()].to_string(),
    ]
}

fn rows() -> Vec<picker::Row> {
    (0..N)
        .map(|i| {
            let [name, account, role, session, region] = profile(i);
            picker::Row {
                cells: vec![name, account, role, session, region, "valid 7h12m".into()],
                marked: i == 42,
            }
        })
        .collect()
}

const HEADER: [&str; 6] = ["PROFILE", "ACCOUNT", "ROLE", "SESSION", "REGION", "TOKEN"];
const QUERIES: [&str; 4] = ["blog power", "1111 admin", "shop0042", "infra eu read"];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let runs = if full { 15 } else { 1 };
    let rows = rows();

    let mut first = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut menu = picker::Menu::new("Profile", &HEADER, &rows);
        menu.set_query("");
        let frame = menu.frame(120, 40);
        first.push(ms(t.elapsed()));
        assert!(frame.contains("10000/10000"));
    }
    println!(
        "first frame, {N} profiles (build menu + draw):  median {:.2} ms  max {:.2} ms",
        median(first.clone()),
        first.iter().copied().fold(0.0, f64::max)
    );

    // At 40x8 the columns that do not fit are worked out (distinct values per column) once.
    let mut narrow = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut menu = picker::Menu::new("Profile", &HEADER, &rows);
        let frame = menu.frame(40, 8);
        narrow.push(ms(t.elapsed()));
        assert!(frame.contains("PROFILE") && frame.contains("TOKEN"));
    }
    println!(
        "first frame at 40x8 (columns dropped):          median {:.2} ms",
        median(narrow)
    );

    for q in QUERIES {
        let mut per_key: Vec<f64> = Vec::new();
        let mut first_key: Vec<f64> = Vec::new();
        let mut backspace: Vec<f64> = Vec::new();
        let mut hits = 0;
        for _ in 0..runs {
            let mut menu = picker::Menu::new("Profile", &HEADER, &rows);
            let _ = menu.frame(120, 40);
            for (k, c) in q.chars().enumerate() {
                let t = Instant::now();
                let _ = menu.key(Key::Char(c), 10);
                let _ = menu.frame(120, 40);
                let d = ms(t.elapsed());
                if k == 0 {
                    first_key.push(d);
                }
                per_key.push(d);
            }
            hits = menu.hits().len();
            let t = Instant::now();
            let _ = menu.key(Key::Backspace, 10);
            let _ = menu.frame(120, 40);
            backspace.push(ms(t.elapsed()));
        }
        println!(
            "keystroke, typing {q:<15} ({hits:>4} hits): median {:.2} ms  max {:.2} ms  \
             (first key over all rows: {:.2} ms; Backspace {:.2} ms)",
            median(per_key.clone()),
            per_key.iter().copied().fold(0.0, f64::max),
            median(first_key),
            median(backspace)
        );
    }

    // A query pasted at once (no earlier results to narrow): the worst single re-filter.
    let mut pasted = Vec::new();
    for _ in 0..runs {
        let mut menu = picker::Menu::new("Profile", &HEADER, &rows);
        let t = Instant::now();
        menu.set_query("infra eu read");
        let _ = menu.frame(120, 40);
        pasted.push(ms(t.elapsed()));
    }
    println!(
        "whole query at once (\"infra eu read\"), cold:  median {:.2} ms",
        median(pasted)
    );

    if full {
        end_to_end();
    }
}

/// Spawn the built binary in a pty with a 10,000-profile config; time until the prompt shows.
fn end_to_end() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".aws")).expect("mkdir");
    let mut config = String::from(
        "[sso-session corp0]\nsso_start_url = https://corp0.awsapps.com/start\nsso_region = us-east-1\n\
         [sso-session corp1]\nsso_start_url = https://corp1.awsapps.com/start\nsso_region = us-east-1\n\
         [sso-session corp2]\nsso_start_url = https://corp2.awsapps.com/start\nsso_region = us-east-1\n",
    );
    for i in 0..N {
        let [name, account, role, session, region] = profile(i);
        let _ = write!(
            config,
            "\n[profile {name}]\nsso_session = {session}\nsso_account_id = {account}\n\
             sso_role_name = {role}\nregion = {region}\n"
        );
    }
    std::fs::write(home.join(".aws/config"), config).expect("write config");
    let mut times = Vec::new();
    for _ in 0..10 {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ssox"));
        cmd.arg("pick")
            .env_clear()
            .env("HOME", &home)
            .env("TERM", "xterm")
            .env("LANG", "C.UTF-8")
            .env("XDG_STATE_HOME", home.join("state"));
        let t = Instant::now();
        let mut p = expectrl::Session::spawn(cmd).expect("spawn ssox in a pty");
        p.set_expect_timeout(Some(Duration::from_secs(10)));
        p.expect("10000/10000").expect("first frame");
        times.push(ms(t.elapsed()));
        p.send("\x1b").expect("send Esc");
        let _ = p.expect(expectrl::Eof);
    }
    println!(
        "end to end, `ssox pick` spawn → first frame in a pty, {N} profiles: median {:.1} ms  min {:.1} ms",
        median(times.clone()),
        times.iter().copied().fold(f64::MAX, f64::min)
    );
}
