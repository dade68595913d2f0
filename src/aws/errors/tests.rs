//! Unit tests of the error wording (compiled only under #[cfg(test)]).
use super::*;

#[test]
fn places_are_host_and_port_only() {
    assert_eq!(
        place("https://oidc.us-east-1.amazonaws.com"),
        "oidc.us-east-1.amazonaws.com:443"
    );
    assert_eq!(place("http://127.0.0.1:4566/x?q=secret"), "127.0.0.1:4566");
    assert_eq!(place("http://localhost"), "localhost:80");
    assert_eq!(place("https://u:p@h.example/"), "h.example:443");
    assert_eq!(place("http://[::1]:8080/"), "[::1]:8080");
    assert_eq!(place("https://[::1]"), "[::1]:443");
}

/// An error with a message and an optional source, as the HTTP stack nests them.
#[derive(Debug)]
struct Layer(&'static str, Option<Box<dyn StdError + 'static>>);

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl StdError for Layer {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.1.as_deref()
    }
}

#[test]
fn transport_failures_are_classified_from_the_chain() {
    let (c, r) = (Duration::from_secs(10), Duration::from_secs(30));
    let wrap = |inner: Box<dyn StdError>| Layer("dispatch failure", Some(inner));
    let io = |kind| Box::new(std::io::Error::from(kind)) as Box<dyn StdError>;
    use std::io::ErrorKind as K;
    let read = wrap(Box::new(Layer(
        "HTTP read timeout occurred after 30s",
        None,
    )));
    assert_eq!(transport(&read, c, r), Failure::ReadTimeout(r));
    let connect = wrap(Box::new(Layer(
        "HTTP connect timeout occurred after 10s",
        None,
    )));
    assert_eq!(transport(&connect, c, r), Failure::ConnectTimeout(c));
    let dns = wrap(Box::new(Layer("dns error", Some(io(K::Other)))));
    assert_eq!(transport(&dns, c, r), Failure::Dns);
    assert_eq!(
        transport(&wrap(io(K::ConnectionRefused)), c, r),
        Failure::Refused
    );
    assert_eq!(
        transport(&wrap(io(K::ConnectionReset)), c, r),
        Failure::Reset
    );
    assert_eq!(
        transport(&wrap(io(K::TimedOut)), c, r),
        Failure::ConnectTimeout(c)
    );
    let tls = wrap(Box::new(Layer(
        "invalid peer certificate: UnknownIssuer",
        None,
    )));
    assert_eq!(
        transport(&tls, c, r),
        Failure::Network("invalid peer certificate: UnknownIssuer".into())
    );
    assert_eq!(
        crate::aws::Timeouts::default(),
        crate::aws::Timeouts {
            connect: c,
            read: r,
            command: Duration::from_secs(30)
        }
    );
}

#[test]
fn durations_read_well() {
    assert_eq!(seconds(Duration::from_secs(30)), "30 s");
    assert_eq!(seconds(Duration::from_millis(500)), "0.5 s");
    assert_eq!(seconds(Duration::from_millis(1250)), "1.25 s");
    assert_eq!(seconds(Duration::from_secs(600)), "10 min");
}

fn e(failure: Failure, attempts: u32) -> String {
    RequestError {
        op: "GetRoleCredentials".into(),
        place: "portal.sso.us-east-1.amazonaws.com:443".into(),
        failure,
        attempts,
    }
    .to_string()
}

#[test]
fn every_failure_is_one_line_with_the_fix() {
    let at = "portal.sso.us-east-1.amazonaws.com:443";
    assert_eq!(
        e(Failure::Refused, 1),
        format!("GetRoleCredentials: cannot connect to {at}: connection refused; check your network or VPN")
    );
    assert_eq!(
        e(
            Failure::Service {
                status: 503,
                code: None,
                message: None
            },
            3
        ),
        format!("GetRoleCredentials at {at} failed: HTTP 503 (3 attempts); the service has a problem, try again in a minute")
    );
    assert_eq!(
        e(
            Failure::Service {
                status: 403,
                code: Some("ForbiddenException".into()),
                message: Some("No access".into())
            },
            1
        ),
        format!("GetRoleCredentials at {at} failed: ForbiddenException (HTTP 403): No access")
    );
    assert_eq!(
        e(Failure::ReadTimeout(Duration::from_millis(500)), 3),
        format!("GetRoleCredentials: read timeout: {at} sent no answer within 0.5 s of the request (3 attempts); try again")
    );
    assert_eq!(
        e(Failure::ConnectTimeout(Duration::from_secs(10)), 1),
        format!("GetRoleCredentials: connect timeout: no connection to {at} within 10 s; check your network or VPN")
    );
    assert_eq!(
        e(Failure::Deadline(Duration::from_secs(30)), 2),
        format!("GetRoleCredentials at {at}: no answer within 30 s, the limit for the whole command (retries included) (2 attempts); try again")
    );
    for f in [
        Failure::Dns,
        Failure::Reset,
        Failure::Unreachable,
        Failure::Network("x".into()),
    ] {
        let text = e(f.clone(), 1);
        assert!(
            text.ends_with("VPN") || text.ends_with("try again"),
            "{text}"
        );
        assert!(f.is_network());
    }
    assert!(Failure::Reset.is_transient());
    assert!(!Failure::Refused.is_transient());
    assert!(!Failure::Dns.is_transient());
}
