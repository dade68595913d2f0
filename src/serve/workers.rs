//! The threads of `ssox serve` that answer admitted requests (right `Host`, right token): each
//! fetches the credentials (which may wait on AWS or on another request for the same profile)
//! and writes the answer. At most [`MAX_WORKERS`] at once, started when needed and ended when
//! idle; at most [`MAX_QUEUED`] requests wait for one, more are answered 503 at once. Never
//! reads from a client: the reception did.

use std::collections::VecDeque;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::handler::{self, Ctx, Outcome};
use super::http::{self, Request};
use super::{Failure, Shared};

/// Requests answered at once.
const MAX_WORKERS: usize = 32;
/// Admitted requests waiting for a worker.
const MAX_QUEUED: usize = 256;
/// How long writing an answer may block.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an idle worker waits for the next request before it ends.
const IDLE: Duration = Duration::from_secs(10);

/// An admitted request, with its connection and the server's end of it.
pub struct Job {
    pub stream: TcpStream,
    pub request: Request,
    pub local: SocketAddr,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    /// Worker threads running.
    threads: usize,
    /// Of those, the ones waiting for a request.
    idle: usize,
    /// Requests being answered.
    active: usize,
}

pub struct Workers {
    shared: Arc<Shared>,
    state: Mutex<State>,
    /// A request was queued, or one was answered.
    changed: Condvar,
}

impl Workers {
    pub fn new(shared: Arc<Shared>) -> Arc<Workers> {
        Arc::new(Workers {
            shared,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queue `job` for a worker, starting one when none is idle and fewer than [`MAX_WORKERS`]
    /// run. Never blocks: with [`MAX_QUEUED`] already waiting, `job` is answered 503 here.
    pub fn submit(self: &Arc<Self>, job: Job) {
        let mut state = self.state();
        if state.queue.len() >= MAX_QUEUED {
            drop(state);
            let f = Failure::new(
                503,
                "Busy",
                "too many requests at once; the client's SDK retries",
            );
            answer(&self.shared, job, Outcome::failed(None, f));
            return;
        }
        state.queue.push_back(job);
        if state.idle == 0 && state.threads < MAX_WORKERS {
            let me = self.clone();
            let started = std::thread::Builder::new()
                .name("ssox-serve-worker".into())
                .spawn(move || me.work());
            if started.is_ok() {
                state.threads += 1;
            } else if state.threads == 0 {
                // Nobody would ever take it.
                state.queue.pop_back();
                crate::ui::warn("cannot start a thread to answer a request; dropped it");
            }
        }
        self.changed.notify_all();
    }

    /// One worker: take requests until none came for [`IDLE`].
    fn work(&self) {
        let _thread = Leaving(self);
        loop {
            let mut state = self.state();
            let job = loop {
                if let Some(job) = state.queue.pop_front() {
                    break job;
                }
                state.idle += 1;
                let (s, waited) = self
                    .changed
                    .wait_timeout(state, IDLE)
                    .unwrap_or_else(PoisonError::into_inner);
                state = s;
                state.idle -= 1;
                if waited.timed_out() && state.queue.is_empty() {
                    return;
                }
            };
            state.active += 1;
            drop(state);
            let _busy = Answering(self);
            let now = OffsetDateTime::now_utc();
            let ctx = Ctx {
                token: &self.shared.token,
                scope: &self.shared.scope,
                provider: &self.shared.provider,
            };
            let outcome = handler::answer(&job.request, &ctx, job.local, now);
            answer(&self.shared, job, outcome);
        }
    }

    /// Wait, `grace` at most, until no request is queued or being answered.
    pub fn drain(&self, grace: Duration) {
        let deadline = Instant::now() + grace;
        let mut state = self.state();
        while state.active > 0 || !state.queue.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// Log `outcome` and send it on the job's connection, then close it.
fn answer(shared: &Shared, job: Job, outcome: Outcome) {
    shared.log(OffsetDateTime::now_utc(), &outcome);
    let mut stream = job.stream;
    if stream.set_nonblocking(false).is_ok()
        && stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_ok()
    {
        let _ = http::write_response(&mut stream, &outcome.response);
        let _ = stream.shutdown(Shutdown::Write);
    }
}

/// A request being answered; counted down when dropped (even by a panicking worker).
struct Answering<'a>(&'a Workers);

impl Drop for Answering<'_> {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.active = state.active.saturating_sub(1);
        self.0.changed.notify_all();
    }
}

/// A running worker thread; counted down when it ends (even by a panic).
struct Leaving<'a>(&'a Workers);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.threads = state.threads.saturating_sub(1);
        self.0.changed.notify_all();
    }
}
