//! A local credential endpoint (`ssox serve`, `ssox exec --server`): any AWS SDK's container
//! credential provider (`AWS_CONTAINER_CREDENTIALS_FULL_URI` with
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`) asks it for a profile's credentials, and gets fresh ones
//! for as long as it runs. Plain std: a `TcpListener` whose `reception` reads every request head
//! on one thread that never blocks on a client (one deadline per head), and `workers` (bounded)
//! that answer the requests with the right `Host` and token; one request per connection. The
//! fetches go through `session` (which alone reaches `aws`); this module never touches tokio,
//! the SDK or stdout.

pub mod env;
mod handler;
mod host;
mod http;
mod provider;
mod reception;
mod stop;
mod token;
mod workers;

pub use provider::{Failure, Provider};
pub use stop::Stop;
pub use token::Token;

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use time::OffsetDateTime;

use handler::Outcome;
use workers::Workers;

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

/// Which profiles a server hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Any profile at `/profiles/NAME`; `/` serves `default`, if any (plain `ssox serve`).
    Any { default: Option<String> },
    /// This one profile only, at `/` and `/profiles/NAME`; any other name is 404 and never looked
    /// up (`serve --profile NAME`, `exec --server`).
    Only(String),
}

/// How to run a server.
pub struct Options {
    pub bind: IpAddr,
    /// 0: a free port.
    pub port: u16,
    pub token: Token,
    pub scope: Scope,
    pub log: Log,
}

/// The loopback address a private server listens on.
pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// What the reception and every worker share.
struct Shared {
    token: Token,
    scope: Scope,
    provider: Arc<Provider>,
    log: Log,
}

impl Shared {
    /// Log one answered (or refused) request.
    fn log(&self, now: OffsetDateTime, outcome: &Outcome) {
        let line = handler::log_line(now, outcome);
        match self.log {
            // A closed stderr must not stop the server (eprintln! would panic).
            Log::Stderr => {
                let _ = writeln!(io::stderr().lock(), "{line}");
            }
            Log::Verbose => crate::verbose!("{line}"),
        }
    }
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
                scope: opts.scope,
                provider,
                log: opts.log,
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
                let workers = Workers::new(self.shared.clone());
                if let Err(e) = reception::run(&self.listener, &self.shared, &workers, None) {
                    crate::ui::warn(&format!("the credential server stopped: {e:#}"));
                }
            })
            .context("cannot start the credential server")?;
        Ok(())
    }

    /// Serve until `stop` is requested (see [`Stop::on_signals`]), then wait (a few seconds at
    /// most) for the requests being answered.
    pub fn run_until(self, stop: &Stop) -> Result<()> {
        let workers = Workers::new(self.shared.clone());
        reception::run(&self.listener, &self.shared, &workers, Some(stop))?;
        workers.drain(STOP_GRACE);
        Ok(())
    }
}
