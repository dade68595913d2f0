//! The only module that touches tokio and the AWS SDK: login flow, role credentials, STS,
//! credential_process. It offers a small synchronous API; commands that need no network must
//! never call into it.

pub mod authcode;
pub mod clock;
pub mod console;
pub mod console_pages;
pub mod dpop;
pub mod endpoints;
pub mod errors;
pub mod login;
pub mod portal;
pub mod process;
pub mod retry;
pub mod role;
pub mod signin;
pub mod sts;

pub use errors::{Endpoint, Failure, RequestError};

use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::settings::Settings;

/// How long to wait for a connection, for the first byte of an answer, and for everything a
/// non-interactive command sends (retries included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
    pub command: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(30),
            command: Duration::from_secs(30),
        }
    }
}

static TIMEOUTS: OnceLock<Timeouts> = OnceLock::new();

/// Take the timeouts from the settings (set once by `run`, before any client is built).
pub fn configure(settings: &Settings) {
    let d = Timeouts::default();
    let _ = TIMEOUTS.set(Timeouts {
        connect: d.connect,
        read: settings.read_timeout.unwrap_or(d.read),
        command: settings.command_timeout.unwrap_or(d.command),
    });
}

/// The timeouts in effect.
pub fn timeouts() -> Timeouts {
    TIMEOUTS.get().copied().unwrap_or_default()
}

/// A current-thread tokio runtime, built only by commands that need the network.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The HTTP client of every SDK client ssox builds: the SDK's default (hyper with rustls, the
/// proxy from `HTTPS_PROXY`/`NO_PROXY`, as `default_https_client` in aws-smithy-runtime builds
/// it) with rustls' `ring` provider instead of `aws-lc-rs`, whose C build was a third of a clean
/// release build.
pub fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = aws_smithy_http_client::ConnectorBuilder::default()
            .tls_provider(Provider::Rustls(CryptoMode::Ring));
        conn.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            conn.set_sleep_impl(components.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
}

/// Per-attempt timeouts for every SDK client ssox builds (the whole command's bound is the
/// deadline given to `retry::send`).
pub fn timeout_config() -> aws_config::timeout::TimeoutConfig {
    let t = timeouts();
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(t.connect)
        .read_timeout(t.read)
        .build()
}

/// No SDK-level retries: ssox's own loops (`retry`) decide what to retry, so that a message can
/// say how many attempts were made and the whole command stays within its time.
pub fn retry_config() -> aws_config::retry::RetryConfig {
    aws_config::retry::RetryConfig::disabled()
}
