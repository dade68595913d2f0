//! The loopback listener of a PKCE login (docs/compat.md#pkce): bound on 127.0.0.1 before the
//! browser opens, it answers every request with a small page and ends the wait on exactly one
//! valid callback to `/oauth/callback` (its `state` matching). Never blocks: connections are read
//! without blocking, each with a deadline, a bounded request head and a bounded count, so a slow
//! or hostile client (or a browser's idle pre-connection) cannot hang the login. Knows nothing of
//! AWS or the terminal.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};

/// The callback path (the CLI's).
pub const CALLBACK_PATH: &str = "/oauth/callback";
/// The longest request head read; a browser's GET is far smaller.
const MAX_HEAD: usize = 16 * 1024;
/// How long one client may take to send its request head.
const CLIENT_DEADLINE: Duration = Duration::from_secs(10);
/// How long writing an answer may block.
const IO_TIMEOUT: Duration = Duration::from_millis(500);
/// Connections read at once; more push the oldest out.
const MAX_CLIENTS: usize = 16;

/// How the sign-in came back.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Approved: the authorization code to exchange.
    Code(String),
    /// The authorize page answered an OAuth error (`access_denied` when the user denied it).
    Error {
        error: String,
        description: Option<String>,
    },
}

/// The listener, waiting for the callback that carries `state`.
pub struct Callback {
    listener: TcpListener,
    port: u16,
    state: String,
    /// Connections whose request head is still coming in (browsers also open idle ones).
    clients: Vec<Client>,
}

/// A connection being read, without ever blocking.
struct Client {
    stream: TcpStream,
    head: Vec<u8>,
    deadline: Instant,
}

impl Callback {
    /// Listen on 127.0.0.1:`port` (a free port when `None`).
    pub fn bind(port: Option<u16>, state: String) -> Result<Callback> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port.unwrap_or(0))).map_err(
            |e| match port {
                Some(p) => anyhow!(
                    "cannot listen on 127.0.0.1:{p} for the browser's answer ({e}); choose \
                     another --redirect-port, or leave it out for a free port"
                ),
                None => anyhow!("cannot listen on 127.0.0.1 for the browser's answer ({e})"),
            },
        )?;
        let setup = |e: std::io::Error| anyhow!("cannot set up the loopback listener ({e})");
        listener.set_nonblocking(true).map_err(setup)?;
        let port = listener.local_addr().map_err(setup)?.port();
        Ok(Callback {
            listener,
            port,
            state,
            clients: Vec::new(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>/oauth/callback`
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Accept what is waiting and serve every request that came in whole; the outcome once a
    /// valid callback came, `None` while the wait goes on. Never waits for a client.
    pub fn poll(&mut self) -> Result<Option<Outcome>> {
        self.accept()?;
        let now = Instant::now();
        let mut outcome = None;
        let mut still = Vec::with_capacity(self.clients.len());
        for mut client in std::mem::take(&mut self.clients) {
            match client.read() {
                Head::Line(line) if outcome.is_none() => {
                    let (status, page, found) = self.judge(&line);
                    client.respond(status, &page.html());
                    outcome = found;
                }
                // Served after the valid callback: no longer waiting for anything.
                Head::Line(_) => {
                    client.respond(410, &Page::Bad("ssox is no longer waiting.").html())
                }
                Head::TooLarge => {
                    client.respond(431, &Page::Bad("The request is too large.").html())
                }
                Head::Pending if now < client.deadline => still.push(client),
                Head::Pending | Head::Broken => {}
            }
        }
        self.clients = still;
        Ok(outcome)
    }

    /// Take every waiting connection, keeping at most [`MAX_CLIENTS`] (the oldest go first).
    fn accept(&mut self) -> Result<()> {
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if stream.set_nonblocking(true).is_err() {
                        continue;
                    }
                    if self.clients.len() >= MAX_CLIENTS {
                        self.clients.remove(0);
                    }
                    self.clients.push(Client {
                        stream,
                        head: Vec::new(),
                        deadline: Instant::now() + CLIENT_DEADLINE,
                    });
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::Interrupted
                            | ErrorKind::ConnectionAborted
                            | ErrorKind::ConnectionReset
                    ) => {}
                Err(e) => return Err(anyhow!("the loopback listener failed ({e})")),
            }
        }
    }

    /// The answer to a request line: status, page, and the outcome when it ends the wait.
    fn judge(&self, request_line: &str) -> (u16, Page, Option<Outcome>) {
        let mut parts = request_line.split(' ');
        let (method, target) = (parts.next().unwrap_or_default(), parts.next());
        let Some(target) = target else {
            return (400, Page::Bad("The request is malformed."), None);
        };
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path != CALLBACK_PATH {
            return (404, Page::Bad("There is nothing here."), None);
        }
        if method != "GET" {
            return (405, Page::Bad("Only GET is answered here."), None);
        }
        let (mut code, mut state, mut error, mut description) = (None, None, None, None);
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            let slot = match k.as_ref() {
                "code" => &mut code,
                "state" => &mut state,
                "error" => &mut error,
                "error_description" => &mut description,
                _ => continue,
            };
            slot.get_or_insert(v.into_owned());
        }
        // Only the login that sent `state` may be answered, whatever the answer: a code, or an
        // error that would end the wait (anyone who finds the port could send one without it).
        if state.as_deref() != Some(self.state.as_str()) {
            return (400, Page::WrongState, None);
        }
        if let Some(error) = error {
            let page = if error == "access_denied" {
                Page::Denied
            } else {
                Page::Failed
            };
            return (200, page, Some(Outcome::Error { error, description }));
        }
        match code.filter(|c| !c.is_empty()) {
            Some(code) => (200, Page::Approved, Some(Outcome::Code(code))),
            None => (
                400,
                Page::Bad("The answer has no authorization code."),
                None,
            ),
        }
    }
}

enum Head {
    /// The request line (the head came in whole).
    Line(String),
    /// More may come.
    Pending,
    TooLarge,
    /// Closed or failed: dropped without an answer.
    Broken,
}

impl Client {
    /// Read what has arrived, without blocking.
    fn read(&mut self) -> Head {
        let mut chunk = [0u8; 2048];
        loop {
            if let Some(end) = find(&self.head, b"\r\n\r\n").or_else(|| find(&self.head, b"\n\n")) {
                let head = String::from_utf8_lossy(self.head.get(..end).unwrap_or_default());
                let line = head.lines().next().unwrap_or_default().trim().to_string();
                return Head::Line(line);
            }
            if self.head.len() > MAX_HEAD {
                return Head::TooLarge;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Head::Broken,
                Ok(n) => self
                    .head
                    .extend_from_slice(chunk.get(..n).unwrap_or_default()),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Head::Pending,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Head::Broken,
            }
        }
    }

    /// Send the answer and close (a write that blocks longer than [`IO_TIMEOUT`] is given up).
    fn respond(mut self, status: u16, body: &str) {
        let reason = match status {
            200 => "OK",
            404 => "Not Found",
            405 => "Method Not Allowed",
            410 => "Gone",
            431 => "Request Header Fields Too Large",
            _ => "Bad Request",
        };
        let answer = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
             Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let ready = self.stream.set_nonblocking(false).is_ok()
            && self.stream.set_write_timeout(Some(IO_TIMEOUT)).is_ok();
        if ready && self.stream.write_all(answer.as_bytes()).is_ok() {
            let _ = self.stream.flush();
            // Tell the client we are done, so it reads the page rather than a reset.
            let _ = self.stream.shutdown(std::net::Shutdown::Write);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The pages the browser is shown.
enum Page {
    Approved,
    Denied,
    Failed,
    WrongState,
    Bad(&'static str),
}

impl Page {
    fn html(&self) -> String {
        let (title, text) = match self {
            Page::Approved => (
                "Signed in",
                "ssox got the approval and finishes the login in your terminal. \
                 You can close this tab.",
            ),
            Page::Denied => (
                "Login denied",
                "The sign-in was denied, and ssox stopped. You can close this tab.",
            ),
            Page::Failed => (
                "Login failed",
                "The sign-in did not succeed; your terminal says why. You can close this tab.",
            ),
            Page::WrongState => (
                "Not this login",
                "This answer does not belong to the login ssox is waiting for (its state does \
                 not match), so ssox ignored it and keeps waiting. Close this tab and use the \
                 sign-in page ssox opened last.",
            ),
            Page::Bad(text) => ("ssox", *text),
        };
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>ssox: {title}</title></head>\n<body style=\"font-family: sans-serif; \
             margin: 3em;\"><h1>{title}</h1><p>{text}</p></body></html>\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cb() -> Callback {
        Callback::bind(None, "st-1".into()).unwrap()
    }

    #[test]
    fn only_the_matching_state_ends_the_wait() {
        let c = cb();
        let judge = |line: &str| {
            let (status, _, outcome) = c.judge(line);
            (status, outcome)
        };
        assert_eq!(
            judge("GET /oauth/callback?code=abc&state=st-1 HTTP/1.1"),
            (200, Some(Outcome::Code("abc".into())))
        );
        assert_eq!(
            judge("GET /oauth/callback?code=abc&state=st-2 HTTP/1.1"),
            (400, None)
        );
        assert_eq!(judge("GET /oauth/callback?code=abc HTTP/1.1"), (400, None));
        assert_eq!(
            judge("GET /oauth/callback?error=access_denied&state=other HTTP/1.1"),
            (400, None)
        );
        assert_eq!(
            judge("GET /oauth/callback?error=access_denied&error_description=No%20way HTTP/1.1"),
            (400, None)
        );
        assert_eq!(
            judge(
                "GET /oauth/callback?error=access_denied&error_description=No%20way&state=st-1 \
                 HTTP/1.1"
            ),
            (
                200,
                Some(Outcome::Error {
                    error: "access_denied".into(),
                    description: Some("No way".into())
                })
            )
        );
        assert_eq!(
            judge("GET /oauth/callback?state=st-1 HTTP/1.1"),
            (400, None)
        );
        assert_eq!(judge("GET /favicon.ico HTTP/1.1"), (404, None));
        assert_eq!(
            judge("POST /oauth/callback?code=a&state=st-1 HTTP/1.1"),
            (405, None)
        );
        assert_eq!(judge("garbage"), (400, None));
        // The first of repeated keys counts.
        assert_eq!(
            judge("GET /oauth/callback?state=st-1&code=x&state=st-2&code=y HTTP/1.1"),
            (200, Some(Outcome::Code("x".into())))
        );
    }

    #[test]
    fn the_redirect_names_the_bound_port() {
        let c = cb();
        assert!(c.port() > 0);
        assert_eq!(
            c.redirect_uri(),
            format!("http://127.0.0.1:{}/oauth/callback", c.port())
        );
        // A taken port is a clear error.
        let e = Callback::bind(Some(c.port()), "s".into())
            .err()
            .unwrap()
            .to_string();
        let start = format!(
            "cannot listen on 127.0.0.1:{} for the browser's answer (",
            c.port()
        );
        assert!(e.starts_with(&start), "{e}");
        assert!(
            e.ends_with("); choose another --redirect-port, or leave it out for a free port"),
            "{e}"
        );
    }

    /// Poll until the client's answer is complete (the listener closes after answering).
    fn answer_of(c: &mut Callback, s: &mut TcpStream) -> (String, Option<Outcome>) {
        let mut outcome = None;
        for _ in 0..100 {
            if let Some(o) = c.poll().unwrap() {
                outcome = Some(o);
            }
            if c.clients.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        (answer, outcome)
    }

    fn send(c: &Callback, request: &[u8]) -> TcpStream {
        let mut s = TcpStream::connect(("127.0.0.1", c.port())).unwrap();
        s.write_all(request).unwrap();
        s
    }

    #[test]
    fn pages_over_a_real_socket() {
        let mut c = cb();
        let mut wrong = send(
            &c,
            b"GET /oauth/callback?code=abc&state=nope HTTP/1.1\r\nHost: x\r\n\r\n",
        );
        let (answer, outcome) = answer_of(&mut c, &mut wrong);
        assert_eq!(outcome, None);
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{answer}"
        );
        assert!(answer.contains("<h1>Not this login</h1>"), "{answer}");
        let mut right = send(
            &c,
            b"GET /oauth/callback?code=abc&state=st-1 HTTP/1.1\r\nHost: x\r\n\r\n",
        );
        let (answer, outcome) = answer_of(&mut c, &mut right);
        assert_eq!(outcome, Some(Outcome::Code("abc".into())));
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(answer.contains("<h1>Signed in</h1>"), "{answer}");
        assert!(answer.contains("You can close this tab."), "{answer}");
    }

    #[test]
    fn idle_slow_and_huge_clients_do_not_hold_up_the_callback() {
        let mut c = cb();
        // An idle connection (as browsers pre-open) and one sending its head byte by byte.
        let _idle = TcpStream::connect(("127.0.0.1", c.port())).unwrap();
        let mut slow = send(&c, b"GET /oauth/cal");
        let started = Instant::now();
        assert_eq!(c.poll().unwrap(), None);
        assert!(started.elapsed() < Duration::from_millis(500));
        assert_eq!(c.clients.len(), 2);
        // A head that never ends is cut at the limit.
        let mut big = b"GET /oauth/callback?x=".to_vec();
        big.extend(std::iter::repeat_n(b'a', MAX_HEAD + 10));
        let mut huge = send(&c, &big);
        let (answer, _) = answer_of(&mut c, &mut huge);
        assert!(
            answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{answer}"
        );
        // The slow one completes and is served, the idle one still waits.
        slow.write_all(b"lback?code=c&state=st-1 HTTP/1.1\r\n\r\n")
            .unwrap();
        let mut outcome = None;
        for _ in 0..100 {
            outcome = c.poll().unwrap();
            if outcome.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(outcome, Some(Outcome::Code("c".into())));
        assert_eq!(
            c.clients.len(),
            1,
            "the idle connection is kept until its deadline"
        );
    }
}
