//! The only module that touches tokio and the AWS SDK: login flow, role credentials, STS. It
//! offers a small synchronous API; commands that need no network must never call into it.

pub mod console;
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

/// Timeouts for every SDK client ssox builds.
pub fn timeout_config() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .build()
}
