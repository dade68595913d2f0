//! How ssox's SDK clients report failures, in one wording for every client: what failed (the
//! operation), where (`host:port`), why in words (a service error code, a refused connection, a
//! name that does not resolve, which timeout and after how long), and the fix. Also which
//! failures are worth retrying. Never includes request bodies, headers or URLs with queries, and
//! never an SDK error's debug form, so no secret and no `DispatchFailure(…)` reaches a user; the
//! service's own words (error code, message) are shown escaped (`ui::text::printable`).

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::ui::text::printable;

/// Where a client sends its requests, for messages.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The override in effect (`AWS_ENDPOINT_URL_*`, `[services]`), if any.
    pub overridden: Option<String>,
    /// The URL requests go to.
    pub url: String,
}

impl Endpoint {
    pub fn new(overridden: Option<String>, default: String) -> Endpoint {
        let url = overridden.clone().unwrap_or(default);
        Endpoint { overridden, url }
    }

    /// `host:port` of the URL (the scheme's port when none is written).
    pub fn place(&self) -> String {
        place(&self.url)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.place())
    }
}

/// `host:port` of a URL: `https://oidc.us-east-1.amazonaws.com` → `oidc.us-east-1.amazonaws.com:443`.
/// Never anything after the authority (a path or query could hold a secret).
pub fn place(url: &str) -> String {
    let (default_port, rest) = if let Some(r) = url.strip_prefix("https://") {
        ("443", r)
    } else if let Some(r) = url.strip_prefix("http://") {
        ("80", r)
    } else {
        ("443", url)
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    // Drop any user info (`user:pass@host`).
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let has_port = match host_port.rfind(']') {
        Some(end) => host_port[end..].contains(':'),
        None => host_port.contains(':'),
    };
    if has_port {
        host_port.to_string()
    } else {
        format!("{host_port}:{default_port}")
    }
}

/// Why a request failed, classified from the SDK's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The service answered with an error status.
    Service {
        status: u16,
        code: Option<String>,
        message: Option<String>,
    },
    /// An answer that could not be read (not the service's JSON).
    Unreadable {
        status: Option<u16>,
    },
    Refused,
    /// The host name does not resolve.
    Dns,
    /// The connection was cut off (reset, aborted, closed early).
    Reset,
    Unreachable,
    /// No connection within the connect timeout.
    ConnectTimeout(Duration),
    /// Connected, but no answer within the read timeout.
    ReadTimeout(Duration),
    /// The whole operation, retries included, ran out of the command's time.
    Deadline(Duration),
    /// Any other failure on the way, in the innermost error's words.
    Network(String),
    /// The request could not even be built.
    Request(String),
}

impl Failure {
    /// Worth another attempt: 5xx, 429, a cut-off connection or a timeout.
    pub fn is_transient(&self) -> bool {
        match self {
            Failure::Service { status, .. } => *status >= 500 || *status == 429,
            Failure::Reset | Failure::ConnectTimeout(_) | Failure::ReadTimeout(_) => true,
            _ => false,
        }
    }

    /// Any failure to reach the service (worth waiting out while a user approves a login).
    pub fn is_network(&self) -> bool {
        matches!(
            self,
            Failure::Refused
                | Failure::Dns
                | Failure::Reset
                | Failure::Unreachable
                | Failure::ConnectTimeout(_)
                | Failure::ReadTimeout(_)
                | Failure::Network(_)
        )
    }

    /// The service's HTTP status, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Service { status, .. } => Some(*status),
            Failure::Unreadable { status } => *status,
            _ => None,
        }
    }

    /// The failure of an SDK call.
    pub fn of<E>(err: &SdkError<E, HttpResponse>) -> Failure
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let timeouts = super::timeouts();
        match err {
            SdkError::ServiceError(s) => {
                let status = s.raw().status().as_u16();
                let e = s.err();
                match e.code() {
                    Some(code) => Failure::Service {
                        status,
                        code: Some(code.to_string()),
                        message: e.message().filter(|m| !m.is_empty()).map(str::to_string),
                    },
                    // Gateways and proxies answer 5xx (and 429) with pages of their own.
                    None if status >= 500 || status == 429 => Failure::Service {
                        status,
                        code: None,
                        message: None,
                    },
                    None => Failure::Unreadable {
                        status: Some(status),
                    },
                }
            }
            SdkError::ResponseError(r) => Failure::Unreadable {
                status: Some(r.raw().status().as_u16()),
            },
            // ssox sets no operation or attempt timeout of the SDK's, so this is unexpected.
            SdkError::TimeoutError(_) => Failure::Network("the request timed out".into()),
            SdkError::DispatchFailure(_) => transport(err, timeouts.connect, timeouts.read),
            SdkError::ConstructionFailure(_) => Failure::Request(innermost(err)),
            _ => Failure::Network(innermost(err)),
        }
    }
}

/// A failure on the way to a service, for requests sent without an SDK client (the console's
/// federation endpoint).
pub fn transport_failure(err: &(dyn StdError + 'static)) -> Failure {
    let t = super::timeouts();
    transport(err, t.connect, t.read)
}

/// The words of an error that is not an SDK call's (a credential provider's): its sources'
/// messages joined with `: ` (the outer wording is generic), repeats dropped.
pub fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    if parts.is_empty() {
        e.to_string()
    } else {
        parts.join(": ")
    }
}

/// A failure on the way to the service, from the error's source chain.
fn transport(err: &(dyn StdError + 'static), connect: Duration, read: Duration) -> Failure {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    let mut io_kind = None;
    while let Some(e) = cur {
        let text = e.to_string();
        // aws-smithy-http-client's timeout error: "HTTP read timeout occurred after 30s".
        if text.starts_with("HTTP read timeout") {
            return Failure::ReadTimeout(read);
        }
        if text.starts_with("HTTP connect timeout") {
            return Failure::ConnectTimeout(connect);
        }
        // hyper-util's connector: ConnectError("dns error", …).
        if text == "dns error" {
            return Failure::Dns;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        cur = e.source();
    }
    use std::io::ErrorKind as K;
    match io_kind {
        Some(K::ConnectionRefused) => Failure::Refused,
        Some(
            K::ConnectionReset
            | K::ConnectionAborted
            | K::BrokenPipe
            | K::UnexpectedEof
            | K::NotConnected,
        ) => Failure::Reset,
        Some(K::TimedOut) => Failure::ConnectTimeout(connect),
        Some(K::NetworkUnreachable | K::HostUnreachable | K::NetworkDown) => Failure::Unreachable,
        _ => Failure::Network(innermost(err)),
    }
}

/// The innermost error's own words (the SDK's outer layers say only "dispatch failure").
fn innermost(err: &(dyn StdError + 'static)) -> String {
    let mut last = err;
    while let Some(s) = last.source() {
        last = s;
    }
    let text = last.to_string();
    if text.is_empty() {
        "unknown failure".into()
    } else {
        text
    }
}

/// `30 s`, `0.5 s`, `2 min`.
pub fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms >= 120_000 && ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        let text = format!("{:.3}", d.as_secs_f64());
        format!("{} s", text.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// A failed request in one line: what, where, why, the fix.
#[derive(Debug, Clone)]
pub struct RequestError {
    pub op: String,
    /// `host:port`
    pub place: String,
    pub failure: Failure,
    /// How many times it was sent.
    pub attempts: u32,
}

impl RequestError {
    pub fn new(op: &str, endpoint: &Endpoint, failure: Failure, attempts: u32) -> RequestError {
        RequestError {
            op: op.to_string(),
            place: endpoint.place(),
            failure,
            attempts,
        }
    }

    /// The failure of an SDK call of `op` at `endpoint`, sent `attempts` times.
    pub fn of<E>(
        op: &str,
        endpoint: &Endpoint,
        err: &SdkError<E, HttpResponse>,
        attempts: u32,
    ) -> RequestError
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        RequestError::new(op, endpoint, Failure::of(err), attempts)
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (op, at) = (&self.op, &self.place);
        let times = if self.attempts > 1 {
            format!(" ({} attempts)", self.attempts)
        } else {
            String::new()
        };
        let network = "check your network or VPN";
        match &self.failure {
            Failure::Service {
                status,
                code,
                message,
            } => {
                // The code and message are the service's words: shown escaped.
                let what = match code {
                    Some(c) => format!("{} (HTTP {status})", printable(c)),
                    None => format!("HTTP {status}"),
                };
                let message = message
                    .as_deref()
                    .map_or(String::new(), |m| format!(": {}", printable(m)));
                write!(f, "{op} at {at} failed: {what}{message}{times}")?;
                if *status == 429 {
                    write!(f, "; too many requests, try again in a minute")
                } else if *status >= 500 {
                    write!(f, "; the service has a problem, try again in a minute")
                } else {
                    Ok(())
                }
            }
            Failure::Unreadable { status: Some(s) } => write!(
                f,
                "{op} at {at} returned a response ssox cannot read (HTTP {s}){times}"
            ),
            Failure::Unreadable { status: None } => write!(
                f,
                "{op} at {at} returned a response ssox cannot read{times}"
            ),
            Failure::Refused => write!(
                f,
                "{op}: cannot connect to {at}: connection refused{times}; {network}"
            ),
            Failure::Dns => write!(
                f,
                "{op}: cannot connect to {at}: the host name does not resolve (DNS){times}; \
                 check the endpoint, your network or VPN"
            ),
            Failure::Unreachable => write!(
                f,
                "{op}: cannot connect to {at}: the network is unreachable{times}; {network}"
            ),
            Failure::Reset => write!(
                f,
                "{op}: the connection to {at} was cut off{times}; {network}, then try again"
            ),
            Failure::ConnectTimeout(d) => write!(
                f,
                "{op}: connect timeout: no connection to {at} within {}{times}; {network}",
                seconds(*d)
            ),
            Failure::ReadTimeout(d) => write!(
                f,
                "{op}: read timeout: {at} sent no answer within {} of the request{times}; try again",
                seconds(*d)
            ),
            Failure::Deadline(d) => write!(
                f,
                "{op} at {at}: no answer within {}, the limit for the whole command \
                 (retries included){times}; try again",
                seconds(*d)
            ),
            Failure::Network(why) => {
                let why = printable(why);
                write!(f, "{op}: cannot talk to {at}: {why}{times}; {network}")
            }
            Failure::Request(why) => {
                let why = printable(why);
                write!(f, "{op} at {at}: cannot build the request: {why}")
            }
        }
    }
}

impl StdError for RequestError {}

#[cfg(test)]
mod tests;
