//! The only module that touches tokio and the AWS SDK: login flow, role credentials, STS. It
//! offers a small synchronous API; commands that need no network must never call into it.

pub mod authcode;
pub mod clock;
pub mod console;
pub mod console_pages;
pub mod endpoints;
pub mod errors;
pub mod login;
pub mod portal;
pub mod role;
pub mod sts;

pub use errors::{retry_config, sdk_error, Endpoint};

use std::time::Duration;

use anyhow::{Context, Result};

/// Bounded network waits: connecting, and any single read.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// A current-thread tokio runtime, built only by commands that need the network.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Timeouts for every SDK client ssox builds.
pub fn timeout_config() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .build()
}
