//! Tests of the portal client without a network: which failures are retried, the backoff,
//! the errors' wording.

use std::io;
use std::time::Duration;

use aws_sdk_sso::operation::list_accounts::ListAccountsError;
use aws_smithy_runtime_api::client::dns::ResolveDnsError;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::retry::ErrorKind;

use super::*;

fn dispatch(e: ConnectorError) -> SdkError<ListAccountsError, HttpResponse> {
    SdkError::dispatch_failure(e)
}

fn io_error(kind: io::ErrorKind) -> ConnectorError {
    ConnectorError::io(Box::new(io::Error::from(kind)))
}

#[test]
fn resets_and_transient_failures_are_retried() {
    for kind in [
        io::ErrorKind::ConnectionReset,
        io::ErrorKind::ConnectionAborted,
        io::ErrorKind::BrokenPipe,
        io::ErrorKind::UnexpectedEof,
    ] {
        assert_eq!(verdict(&dispatch(io_error(kind))), Verdict::Retry, "{kind}");
    }
    let incomplete = ConnectorError::other("closed early".into(), Some(ErrorKind::TransientError));
    assert_eq!(verdict(&dispatch(incomplete)), Verdict::Retry);
}

#[test]
fn unreachable_timeouts_and_unknown_failures_are_not() {
    assert_eq!(
        verdict(&dispatch(io_error(io::ErrorKind::ConnectionRefused))),
        Verdict::Fatal
    );
    let dns = ConnectorError::io(Box::new(ResolveDnsError::new(io::Error::other(
        "no such host",
    ))));
    assert_eq!(verdict(&dispatch(dns)), Verdict::Fatal);
    let timeout = ConnectorError::timeout("read timed out".into());
    assert_eq!(verdict(&dispatch(timeout)), Verdict::Fatal);
    let other = ConnectorError::other("strange".into(), None);
    assert_eq!(verdict(&dispatch(other)), Verdict::Fatal);
    let user = ConnectorError::user("bad request".into());
    assert_eq!(verdict(&dispatch(user)), Verdict::Fatal);
}

#[test]
fn backoff_delays_double_up_to_the_cap_with_jitter() {
    let b = Backoff {
        base: Duration::from_millis(100),
        max: Duration::from_millis(1000),
        attempts: 6,
        budget: Duration::from_secs(60),
    };
    let ceilings = [100, 200, 400, 800, 1000, 1000];
    for (retry, ceiling) in ceilings.iter().enumerate() {
        let delays: Vec<Duration> = (0..200).map(|_| b.delay(retry as u32)).collect();
        assert!(
            delays.iter().all(|d| *d <= Duration::from_millis(*ceiling)),
            "retry {retry}: {delays:?}"
        );
        // Jittered: not all the same, and not all near zero.
        assert!(delays.iter().any(|d| *d != delays[0]), "retry {retry}");
        assert!(
            delays
                .iter()
                .any(|d| *d > Duration::from_millis(ceiling / 2)),
            "retry {retry}"
        );
    }
    // No overflow far out.
    assert!(b.delay(u32::MAX) <= b.max);
    assert_eq!(Backoff::standard(None), Backoff::STANDARD);
    assert_eq!(
        Backoff::standard(Some(Duration::from_millis(2))).base,
        Duration::from_millis(2)
    );
    assert_eq!(
        Backoff::standard(Some(Duration::from_millis(2))).attempts,
        6
    );
}

#[test]
fn listing_errors_read_as_one_line() {
    assert_eq!(
        ListingError::Unauthorized.to_string(),
        "the SSO portal rejected the access token (expired or revoked)"
    );
    assert_eq!(
        ListingError::Failed("x failed".into()).to_string(),
        "x failed"
    );
}
