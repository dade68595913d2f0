//! The front door of `ssox serve`: one thread that accepts connections and reads their request
//! heads without ever blocking on a client (one `poll` over the listener, the stop signal and
//! every connection still sending its head). Each connection gets one deadline for its whole
//! head ([`HEAD_DEADLINE`], however slowly its bytes drip in), and at most [`MAX_PENDING`] are
//! read at once (a new one pushes the oldest out), so idle and slow clients cost a descriptor
//! each and delay nobody. What names another host, lacks the token or is no request is
//! answered here with a short write that cannot block; only admitted requests reach the
//! `workers`. Knows no credentials: `handler` judges, `workers` fetch.

use std::collections::VecDeque;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use time::OffsetDateTime;

use super::handler::{self, Outcome};
use super::http::{self, ReadError, Request};
use super::workers::{Job, Workers};
use super::{Failure, Shared, Stop};
use crate::platform::stop::{wait_readable, Pollable};

/// How long a client may take to send its whole request head. An SDK sends it at once.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(2);
/// Connections whose head is still coming in, at most.
pub const MAX_PENDING: usize = 512;
/// How long to let the descriptors of answered connections free up when none is left.
const FD_PAUSE: Duration = Duration::from_millis(50);

/// A connection whose request head is still coming in.
struct Pending {
    stream: TcpStream,
    /// The server's end of the connection (what its `Host` must name).
    local: SocketAddr,
    head: Vec<u8>,
    deadline: Instant,
}

/// What a read of a pending connection came to.
enum Progress {
    /// More may come.
    More,
    /// The head is whole (a request), or cannot become one.
    Head(Result<Request, ReadError>),
    /// Closed or failed before its head was whole: nothing to answer.
    Gone,
}

/// Accept and read until `stop` is requested (forever without one).
pub fn run(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    workers: &Arc<Workers>,
    stop: Option<&Stop>,
) -> Result<()> {
    listener
        .set_nonblocking(true)
        .context("cannot set up the listening socket")?;
    let mut pending: VecDeque<Pending> = VecDeque::new();
    loop {
        let now = Instant::now();
        let before = pending.len();
        pending.retain(|p| p.deadline > now);
        if pending.len() < before {
            crate::verbose!(
                "closed {} connection(s) that sent no whole request within {}s",
                before - pending.len(),
                HEAD_DEADLINE.as_secs()
            );
        }
        let next = pending.iter().map(|p| p.deadline).min();
        let timeout = next.map(|d| d.saturating_duration_since(now));
        let ready = wait(listener, stop, &pending, timeout).context("cannot wait for clients")?;
        if ready.stop || stop.is_some_and(Stop::requested) {
            return Ok(());
        }
        // Newest first, so that removing one keeps the indices of those still to read.
        for i in ready.clients.into_iter().rev() {
            let Some(p) = pending.get_mut(i) else {
                continue;
            };
            let head = match read(p) {
                Progress::More => continue,
                Progress::Head(head) => Some(head),
                Progress::Gone => None,
            };
            if let (Some(p), Some(head)) = (pending.remove(i), head) {
                judge(p, head, shared, workers);
            }
        }
        if ready.listener {
            accept(listener, &mut pending);
        }
    }
}

/// What `poll` found ready.
struct Ready {
    stop: bool,
    listener: bool,
    /// Indices into the pending connections.
    clients: Vec<usize>,
}

/// Wait until the listener, the stop signal or a pending connection is readable, or `timeout`.
fn wait(
    listener: &TcpListener,
    stop: Option<&Stop>,
    pending: &VecDeque<Pending>,
    timeout: Option<Duration>,
) -> io::Result<Ready> {
    let mut sockets: Vec<&dyn Pollable> = Vec::with_capacity(pending.len() + 2);
    sockets.push(listener);
    if let Some(s) = stop {
        sockets.push(s.wake());
    }
    let first = sockets.len();
    sockets.extend(pending.iter().map(|p| &p.stream as &dyn Pollable));
    // Never more than a head's deadline.
    let ready = wait_readable(&sockets, timeout.map(|t| t.min(HEAD_DEADLINE)))?;
    Ok(Ready {
        listener: ready.first().copied().unwrap_or(false),
        stop: stop.is_some() && ready.get(1).copied().unwrap_or(false),
        clients: ready
            .iter()
            .skip(first)
            .enumerate()
            .filter(|(_, r)| **r)
            .map(|(i, _)| i)
            .collect(),
    })
}

/// Take every connection waiting in the backlog, pushing out the oldest pending ones past
/// [`MAX_PENDING`] (or when out of descriptors).
fn accept(listener: &TcpListener, pending: &mut VecDeque<Pending>) {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                let Ok(local) = stream.local_addr() else {
                    continue;
                };
                if stream.set_nonblocking(true).is_err() {
                    continue;
                }
                if pending.len() >= MAX_PENDING {
                    pending.pop_front();
                }
                pending.push_back(Pending {
                    stream,
                    local,
                    head: Vec::with_capacity(1024),
                    deadline: Instant::now() + HEAD_DEADLINE,
                });
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::Interrupted
                        | ErrorKind::ConnectionAborted
                        | ErrorKind::ConnectionReset
                ) => {}
            Err(e) => {
                // Out of file descriptors, most likely: the oldest client still sending gives
                // its own up; with none, the answered ones need a moment to close.
                if pending.pop_front().is_none() {
                    crate::ui::warn(&format!("cannot accept a connection: {e}"));
                    std::thread::sleep(FD_PAUSE);
                    return;
                }
            }
        }
    }
}

/// Read what `p` has sent (once: `poll` says when there is more).
fn read(p: &mut Pending) -> Progress {
    let mut chunk = [0u8; 4096];
    match p.stream.read(&mut chunk) {
        Ok(0) => Progress::Gone,
        Ok(n) => {
            p.head.extend_from_slice(chunk.get(..n).unwrap_or_default());
            match http::parse(&p.head) {
                Ok(None) => Progress::More,
                Ok(Some(request)) => Progress::Head(Ok(request)),
                Err(e) => Progress::Head(Err(e)),
            }
        }
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
            Progress::More
        }
        Err(e) => {
            crate::verbose!("a client sent no whole request ({e}); closed its connection");
            Progress::Gone
        }
    }
}

/// A connection whose head is whole: refused here, or handed to a worker.
fn judge(p: Pending, head: Result<Request, ReadError>, shared: &Shared, workers: &Arc<Workers>) {
    let refused = match head {
        Ok(request) => match handler::refusal(&request, &shared.token, p.local) {
            None => {
                return workers.submit(Job {
                    stream: p.stream,
                    request,
                    local: p.local,
                })
            }
            Some(refused) => refused,
        },
        Err(ReadError::TooLarge) => Outcome::failed(
            None,
            Failure::new(431, "RequestTooLarge", "request head too large"),
        ),
        Err(ReadError::Malformed) => Outcome::failed(
            None,
            Failure::new(400, "BadRequest", "not an HTTP/1.1 request"),
        ),
    };
    shared.log(OffsetDateTime::now_utc(), &refused);
    // A few hundred bytes into a new connection's empty send buffer: never blocks, and a client
    // that made it block gets nothing.
    let mut stream = p.stream;
    let _ = stream.write_all(http::render(&refused.response).as_bytes());
    let _ = stream.shutdown(Shutdown::Write);
}
