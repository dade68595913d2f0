//! A local credential endpoint (`ssox serve`, `ssox exec --server`): any AWS SDK's container
//! credential provider (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`) asks it for a profile's credentials, and gets fresh ones
//! for as long as it runs. Plain std: a `TcpListener`, one thread per connection (at most
//! [`MAX_CONNECTIONS`] at once; more wait in the listen backlog), one request per connection,
//! bounded in size and time. The fetches go through `session` (which alone reaches `aws`); this
//! module never touches tokio, the SDK or stdout.

pub mod env;
mod handler;
mod http;
mod provider;
mod stop;
mod token;

pub use provider::{Failure, Provider};
pub use stop::Stop;
pub use token::Token;

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use time::OffsetDateTime;

use handler::{Ctx, Outcome};
use http::ReadError;

/// Connections served at once.
const MAX_CONNECTIONS: usize = 32;
/// How long a client may take to send its request, and to read the answer.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a stopping server waits for the requests it is answering.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Where each request's log line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    /// stderr, always (`ssox serve`).
    Stderr,
    /// stderr with `--verbose` only (`exec --server`, whose stderr is the child's terminal).
    Verbose,
}

/// How to run a server.
pub struct Options {
    pub bind: IpAddr,
    /// 0: a free port.
    pub port: u16,
    pub token: Token,
    /// The profile `/` serves.
    pub default_profile: Option<String>,
    pub log: Log,
}

/// The loopback address a private server listens on.
pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// What every connection's thread shares.
struct Shared {
    token: Token,
    default_profile: Option<String>,
    provider: Arc<Provider>,
    log: Log,
    /// Connections being served, and a wake-up when one ends.
    busy: Mutex<usize>,
    idle: Condvar,
}

/// A bound server, not yet accepting.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
}

impl Server {
    /// Listen on `opts.bind`:`opts.port`, answering with `provider`'s credentials.
    pub fn bind(opts: Options, provider: Arc<Provider>) -> Result<Server> {
        let addr = SocketAddr::new(opts.bind, opts.port);
        let listener = TcpListener::bind(addr).with_context(|| match opts.port {
            0 => format!("cannot listen on {}", opts.bind),
            _ => format!("cannot listen on {addr}; choose another --port, or 0 for a free one"),
        })?;
        Ok(Server {
            listener,
            shared: Arc::new(Shared {
                token: opts.token,
                default_profile: opts.default_profile,
                provider,
                log: opts.log,
                busy: Mutex::new(0),
                idle: Condvar::new(),
            }),
        })
    }

    /// The address it listens on (with the port chosen).
    pub fn addr(&self) -> Result<SocketAddr> {
        self.listener
            .local_addr()
            .context("cannot read the server's address")
    }

    /// The bearer token clients must send.
    pub fn token(&self) -> &Token {
        &self.shared.token
    }

    /// Serve on a thread of its own until the process ends (`exec --server`).
    pub fn spawn(self) -> Result<()> {
        std::thread::Builder::new()
            .name("ssox-serve".into())
            .spawn(move || {
                if let Err(e) = accept_loop(&self.listener, &self.shared, None) {
                    crate::ui::warn(&format!("the credential server stopped: {e:#}"));
                }
            })
            .context("cannot start the credential server")?;
        Ok(())
    }

    /// Serve until `stop` is requested (see [`Stop::on_signals`]), then wait (a few seconds at
    /// most) for the requests being answered.
    pub fn run_until(self, stop: &Stop) -> Result<()> {
        accept_loop(&self.listener, &self.shared, Some(stop))?;
        let deadline = Instant::now() + STOP_GRACE;
        let mut busy = lock(&self.shared.busy);
        while *busy > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            busy = self
                .shared
                .idle
                .wait_timeout(busy, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Accept connections until `stop` is requested, each answered on a thread of its own.
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, stop: Option<&Stop>) -> Result<()> {
    listener
        .set_nonblocking(true)
        .context("cannot set up the listening socket")?;
    let stopping = || stop.is_some_and(Stop::requested);
    loop {
        if !crate::platform::stop::wait_readable(listener, stop.map(Stop::wake))
            .context("cannot wait for clients")?
            || stopping()
        {
            return Ok(());
        }
        let conn = match listener.accept() {
            Ok((conn, _)) => conn,
            Err(e) if is_transient(&e) => continue,
            Err(e) => {
                // Out of file descriptors, most likely: give the open connections time to end.
                crate::ui::warn(&format!("cannot accept a connection: {e}"));
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        let Some(slot) = Slot::take(shared, &stopping) else {
            return Ok(());
        };
        let started = std::thread::Builder::new()
            .name("ssox-serve-conn".into())
            .spawn(move || serve_connection(conn, &slot.0));
        if started.is_err() {
            crate::ui::warn("cannot start a thread for a connection; dropped it");
        }
    }
}

fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted
    )
}

/// One of the [`MAX_CONNECTIONS`] slots, given back when dropped (even by a panicking thread).
struct Slot(Arc<Shared>);

impl Slot {
    /// Take a slot, waiting for one to free up; `None` when a stop was requested meanwhile.
    fn take(shared: &Arc<Shared>, stopping: &dyn Fn() -> bool) -> Option<Slot> {
        let mut busy = lock(&shared.busy);
        while *busy >= MAX_CONNECTIONS {
            if stopping() {
                return None;
            }
            busy = shared
                .idle
                .wait_timeout(busy, Duration::from_millis(100))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *busy += 1;
        Some(Slot(shared.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut busy = lock(&self.0.busy);
        *busy = busy.saturating_sub(1);
        self.0.idle.notify_all();
    }
}

/// Read one request from `conn`, answer it, log it, close.
fn serve_connection(mut conn: TcpStream, shared: &Shared) {
    // An accepted socket may inherit the listener's non-blocking mode (BSDs do).
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(IO_TIMEOUT));
    let _ = conn.set_write_timeout(Some(IO_TIMEOUT));
    let now = OffsetDateTime::now_utc();
    let outcome = match http::read_request(&mut conn) {
        Ok(req) => {
            let ctx = Ctx {
                token: &shared.token,
                default_profile: shared.default_profile.as_deref(),
                provider: &shared.provider,
            };
            handler::answer(&req, &ctx, now)
        }
        Err(ReadError::TooLarge) => Outcome::failed(
            None,
            Failure::new(431, "RequestTooLarge", "request head too large"),
        ),
        Err(ReadError::Malformed) => Outcome::failed(
            None,
            Failure::new(400, "BadRequest", "not an HTTP/1.1 request"),
        ),
        // Nothing arrived to answer.
        Err(ReadError::Closed) => return,
        Err(ReadError::Io(e)) => {
            crate::verbose!("a client sent no whole request ({e}); closed its connection");
            return;
        }
    };
    // Logged before the answer goes out, so that one client's requests are logged in order.
    let line = handler::log_line(now, &outcome);
    match shared.log {
        // A closed stderr must not stop the server (eprintln! would panic).
        Log::Stderr => {
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
        Log::Verbose => crate::verbose!("{line}"),
    }
    let _ = http::write_response(&mut conn, &outcome.response);
    let _ = conn.shutdown(Shutdown::Write);
}
