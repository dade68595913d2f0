//! `ssox sync` benchmark at 1,000 accounts × 3 roles: the portal listing alone, then the whole
//! command.
//!
//! Run: `cargo bench --bench sync` (set `CARGO_PROFILE_BENCH_LTO=false
//! CARGO_PROFILE_BENCH_CODEGEN_UNITS=16` to build faster). Without `--bench` (e.g.
//! `cargo test --benches`) it does one quick pass at 50 accounts and checks the counts.
//!
//! The whole command: the built `ssox sync` in a temp HOME (one sso-session, a valid cached
//! token) against the same fake, first into a config with no profile (3,000 written), then again
//! (nothing to do: the file must keep its bytes and mtime). Reported: requests, wall time, and
//! the time outside the network, which is the child's CPU time (user + system: start-up, the
//! client's share of the listing, planning, writing); the fake's threads are this process's.
//!
//! In process: the library's `aws::portal` against the test suite's loopback fake of the portal
//! (included from `tests/integration/support/fake_aws/`), pages of 100. Reported per scenario:
//! requests made, wall time, and the time spent outside the network, which is the CPU time of the
//! calling thread (the SDK client runs on a current-thread runtime there: building requests,
//! parsing answers, sorting; the fake answers on other threads). Scenarios: the fake answering
//! at once, then with 20 ms of latency per request (closer to the real portal, where the bound of
//! 8 requests in flight is what sets the wall time).

#[path = "../tests/integration/support/fake_aws/mod.rs"]
mod fake_aws;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use fake_aws::{numbered_accounts, FakeAws};
use ssox::aws::portal::{Backoff, Portal, MAX_IN_FLIGHT, PAGE_SIZE};

const ROLES: [&str; 3] = ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"];

/// CPU time of the calling thread so far.
#[cfg(unix)]
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

struct Run {
    requests: usize,
    wall: Duration,
    cpu: Duration,
}

/// One listing of `accounts` accounts through a fresh client; checks the result is complete.
fn run(fake: &FakeAws, accounts: usize) -> Run {
    fake.clear_requests();
    let portal = Portal::new("us-east-1", Some(fake.url()))
        .unwrap()
        .with_backoff(Backoff::STANDARD);
    let (wall0, cpu0) = (Instant::now(), thread_cpu());
    let mut last = (0, 0);
    let listed = portal
        .list_accounts_and_roles("t", &mut |done, total| last = (done, total))
        .unwrap_or_else(|e| panic!("listing failed: {e}"));
    let (wall, cpu) = (wall0.elapsed(), thread_cpu() - cpu0);
    assert_eq!(listed.len(), accounts);
    assert!(listed.iter().all(|a| a.roles.len() == ROLES.len()));
    assert_eq!(last, (accounts, accounts));
    let pages = accounts.div_ceil(PAGE_SIZE as usize);
    assert_eq!(fake.count("ListAccounts"), pages);
    assert_eq!(fake.count("ListAccountRoles"), accounts);
    Run {
        requests: fake.requests().len(),
        wall,
        cpu,
    }
}

fn scenario(name: &str, accounts: usize, latency: Option<Duration>, runs: usize) {
    let fake = FakeAws::start();
    fake.issue_token("t");
    fake.script().accounts = numbered_accounts(accounts, &ROLES);
    fake.script().page_size = PAGE_SIZE as usize;
    fake.script().delay = latency;
    let results: Vec<Run> = (0..runs).map(|_| run(&fake, accounts)).collect();
    let requests = results[0].requests;
    let wall = median(results.iter().map(|r| ms(r.wall)).collect());
    let cpu = median(results.iter().map(|r| ms(r.cpu)).collect());
    println!(
        "{name}: {accounts} accounts × {} roles, {requests} requests, {MAX_IN_FLIGHT} in flight \
         at most ({} seen): wall {wall:.0} ms, outside the network {cpu:.0} ms \
         (median of {runs})",
        ROLES.len(),
        fake.max_in_flight(),
    );
}

/// Not measured there: `main` stops first on other systems.
#[cfg(not(unix))]
fn thread_cpu() -> Duration {
    unreachable!("the sync benchmark runs on Unix only")
}

#[cfg(not(unix))]
fn children_cpu() -> Duration {
    unreachable!("the sync benchmark runs on Unix only")
}

/// CPU time (user + system) of this process's waited-for children so far.
#[cfg(unix)]
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given; all-zero is a valid rusage.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(rc, 0, "getrusage(RUSAGE_CHILDREN) failed");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

const SESSION: &str = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
                       sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n";

/// A HOME with `SESSION` in `~/.aws/config` and a token for it valid until 2099.
fn home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let aws = dir.path().join(".aws");
    let cache = aws.join("sso").join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(aws.join("config"), SESSION).unwrap();
    std::fs::write(
        ssox::cache::token_path(&cache, "corp"),
        r#"{"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1", "accessToken": "t", "expiresAt": "2099-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    dir
}

/// `ssox sync` in `home` against `fake`: its stdout, wall time and CPU time.
fn ssox_sync(fake: &FakeAws, home: &Path) -> (String, Duration, Duration) {
    fake.clear_requests();
    let mut c = Command::new(env!("CARGO_BIN_EXE_ssox"));
    c.env_clear()
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(fake.env())
        .arg("sync");
    let (wall0, cpu0) = (Instant::now(), children_cpu());
    let o = c.output().unwrap();
    let (wall, cpu) = (wall0.elapsed(), children_cpu() - cpu0);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (String::from_utf8_lossy(&o.stdout).into_owned(), wall, cpu)
}

fn whole_sync(name: &str, accounts: usize, latency: Option<Duration>, runs: usize) {
    let fake = FakeAws::start();
    fake.issue_token("t");
    fake.script().accounts = numbered_accounts(accounts, &ROLES);
    fake.script().page_size = PAGE_SIZE as usize;
    fake.script().delay = latency;
    let profiles = accounts * ROLES.len();
    let (mut first, mut again) = (Vec::new(), Vec::new());
    let mut requests = 0;
    for _ in 0..runs {
        let home = home();
        let config = home.path().join(".aws/config");
        let (out, wall, cpu) = ssox_sync(&fake, home.path());
        assert_eq!(
            out,
            format!(
                "added {profiles}, updated 0, removed 0, unchanged 0 profiles in ~/.aws/config\n"
            )
        );
        requests = fake.requests().len();
        first.push((ms(wall), ms(cpu)));
        let bytes = std::fs::read(&config).unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&config)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let mtime = std::fs::metadata(&config).unwrap().modified().unwrap();
        let (out, wall, cpu) = ssox_sync(&fake, home.path());
        assert_eq!(
            out,
            format!(
                "added 0, updated 0, removed 0, unchanged {profiles} profiles in ~/.aws/config\n"
            )
        );
        assert_eq!(
            std::fs::read(&config).unwrap(),
            bytes,
            "a re-sync changed the file"
        );
        assert_eq!(
            std::fs::metadata(&config).unwrap().modified().unwrap(),
            mtime,
            "a re-sync rewrote the file"
        );
        again.push((ms(wall), ms(cpu)));
    }
    let med = |v: &[(f64, f64)]| {
        (
            median(v.iter().map(|r| r.0).collect()),
            median(v.iter().map(|r| r.1).collect()),
        )
    };
    let ((w1, c1), (w2, c2)) = (med(&first), med(&again));
    println!(
        "whole `ssox sync`, {name}: {accounts} accounts × {} roles, {requests} requests each: \
         first sync (writes {profiles} profiles) wall {w1:.0} ms, outside the network {c1:.0} ms; \
         re-sync (file untouched) wall {w2:.0} ms, outside the network {c2:.0} ms (median of {runs})",
        ROLES.len(),
    );
}

fn main() {
    if cfg!(not(unix)) {
        eprintln!("the sync benchmark runs on Unix only (thread and child CPU times)");
        return;
    }
    let full = std::env::args().any(|a| a == "--bench");
    if !full {
        scenario("quick pass", 50, None, 1);
        whole_sync("quick pass", 50, None, 1);
        return;
    }
    scenario("fake answering at once", 1000, None, 5);
    scenario(
        "20 ms latency per request",
        1000,
        Some(Duration::from_millis(20)),
        3,
    );
    whole_sync("fake answering at once", 1000, None, 5);
    whole_sync(
        "20 ms latency per request",
        1000,
        Some(Duration::from_millis(20)),
        3,
    );
}
