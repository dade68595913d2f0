//! The integration tests' loopback fake of AWS (sso-oidc, the portal, STS) on its own, for
//! scripts that run a build the test harness cannot start (scripts/windows-smoke.sh runs
//! `ssox.exe` under wine against it): it issues the access token given as the first argument,
//! prints its URL on a line of stdout, and serves until stdin is closed.
//!
//!     cargo run --example fake_aws -- TOKEN

// The fake's helpers for other tests go unused here.
#[allow(unused_imports)]
#[path = "../tests/integration/support/fake_aws/mod.rs"]
mod fake_aws;

use std::io::{Read, Write};

fn main() {
    let Some(token) = std::env::args().nth(1) else {
        eprintln!("usage: fake_aws TOKEN");
        std::process::exit(2);
    };
    let fake = fake_aws::FakeAws::start();
    fake.issue_token(&token);
    println!("{}", fake.url());
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    eprintln!("fake_aws: requests: {}", fake.ops().join(" "));
}
