//! Portal listing benchmark at 1,000 accounts × 3 roles: what `ssox sync` spends listing.
//!
//! Run: `cargo bench --bench sync` (set `CARGO_PROFILE_BENCH_LTO=false
//! CARGO_PROFILE_BENCH_CODEGEN_UNITS=16` to build faster). Without `--bench` (e.g.
//! `cargo test --benches`) it does one quick pass at 50 accounts and checks the counts.
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

use std::time::{Duration, Instant};

use fake_aws::{numbered_accounts, FakeAws};
use ssox::aws::portal::{Backoff, Portal, MAX_IN_FLIGHT, PAGE_SIZE};

const ROLES: [&str; 3] = ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"];

/// CPU time of the calling thread so far.
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

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    if !full {
        scenario("quick pass", 50, None, 1);
        return;
    }
    scenario("fake answering at once", 1000, None, 5);
    scenario(
        "20 ms latency per request",
        1000,
        Some(Duration::from_millis(20)),
        3,
    );
}
