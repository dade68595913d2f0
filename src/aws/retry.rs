//! ssox's own retries of SDK calls (the SDK's are off): a transient failure (5xx, 429, a
//! cut-off connection, a timeout) is sent again after a growing pause, a bounded number of
//! times, and a whole operation can be bounded by a deadline. Messages say how many attempts
//! were made. Must not word errors itself (that is `errors`).

use std::cell::Cell;
use std::error::Error as StdError;
use std::future::Future;
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::errors::{seconds, Endpoint, Failure, RequestError};

/// How often a request that fails transiently is sent: once and twice more.
pub const ATTEMPTS: u32 = 3;

/// The pause before attempt `n + 1` after `n` failed ones: 0.5 s, 1 s, 2 s, … at most 8 s.
pub fn backoff(n: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << n.saturating_sub(1).min(4)))
}

/// Why [`send`] gave up.
pub enum GaveUp<E> {
    /// The last attempt's error, and how many attempts were made.
    Failed(Box<SdkError<E, HttpResponse>>, u32),
    /// The deadline passed during attempt n.
    OutOfTime(u32),
}

impl<E> GaveUp<E>
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    /// The SDK's error of the last attempt, if it ended with one.
    pub fn sdk(&self) -> Option<&SdkError<E, HttpResponse>> {
        match self {
            GaveUp::Failed(e, _) => Some(e.as_ref()),
            GaveUp::OutOfTime(_) => None,
        }
    }

    /// In one line, for `op` at `endpoint`.
    pub fn error(&self, op: &str, endpoint: &Endpoint) -> RequestError {
        match self {
            GaveUp::Failed(e, n) => RequestError::of(op, endpoint, e, *n),
            GaveUp::OutOfTime(n) => RequestError::new(
                op,
                endpoint,
                Failure::Deadline(super::timeouts().command),
                *n,
            ),
        }
    }
}

/// Send with `send` up to `attempts` times while the failure is transient, giving up at
/// `deadline` (none: no bound).
pub async fn send<T, E, F, Fut>(
    op: &str,
    attempts: u32,
    deadline: Option<Instant>,
    mut send: F,
) -> Result<T, GaveUp<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + StdError + 'static,
{
    let made = Cell::new(1);
    let tries = async {
        loop {
            match send().await {
                Ok(out) => return Ok(out),
                Err(e) => {
                    let failure = Failure::of(&e);
                    let n = made.get();
                    if n >= attempts || !failure.is_transient() {
                        return Err(GaveUp::Failed(Box::new(e), n));
                    }
                    let pause = backoff(n);
                    crate::verbose!(
                        "{op} failed ({}); retrying in {} (attempt {} of {attempts})",
                        short(&failure),
                        seconds(pause),
                        n + 1
                    );
                    tokio::time::sleep(pause).await;
                    made.set(n + 1);
                }
            }
        }
    };
    match deadline {
        None => tries.await,
        Some(d) => tokio::time::timeout_at(tokio::time::Instant::from_std(d), tries)
            .await
            .unwrap_or_else(|_| Err(GaveUp::OutOfTime(made.get()))),
    }
}

/// A few words on a failure for `--verbose` lines.
pub fn short(f: &Failure) -> String {
    match f {
        Failure::Service {
            status,
            code: Some(c),
            ..
        } => format!("{c}, HTTP {status}"),
        Failure::Service { status, .. } => format!("HTTP {status}"),
        Failure::Reset => "connection cut off".into(),
        Failure::ConnectTimeout(_) => "connect timeout".into(),
        Failure::ReadTimeout(_) => "read timeout".into(),
        Failure::Refused => "connection refused".into(),
        Failure::Dns => "DNS lookup failed".into(),
        Failure::Unreachable => "network unreachable".into(),
        Failure::Deadline(_) => "out of time".into(),
        Failure::Unreadable { .. } => "unreadable answer".into(),
        Failure::Network(why) | Failure::Request(why) => why.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_eight_seconds() {
        let b: Vec<u64> = (1..=7).map(|n| backoff(n).as_millis() as u64).collect();
        assert_eq!(b, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    }
}
