//! The fake's HTTP/1.1 server: one thread per connection, keep-alive, `Content-Length` and
//! chunked request bodies, `Expect: 100-continue`. Hand-written because tiny_http 0.12 loses
//! connections that arrive together: its worker pool can queue a connection with no thread left
//! to pick it up while the others hold kept-alive connections, so a client that opens several at
//! once (the SDK listing roles 8 at a time) waits for its read timeout.
//! Dropping the [`Server`] closes the port and every open connection, as AWS going down would.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The most a request head (request line and headers) or body may take.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request as received.
pub(super) struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// One answer: status, headers (no `Content-Length`: added here) and body.
pub(super) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

type Handler = Arc<dyn Fn(Request) -> Response + Send + Sync>;

/// Connections still open, to close them all on drop.
#[derive(Default)]
struct Open {
    next: AtomicU64,
    streams: Mutex<HashMap<u64, TcpStream>>,
}

pub(super) struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    open: Arc<Open>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Answer every request that comes to `listener` (on 127.0.0.1) with `handler`.
    pub fn start(
        listener: TcpListener,
        handler: impl Fn(Request) -> Response + Send + Sync + 'static,
    ) -> Server {
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Open::default());
        let handler: Handler = Arc::new(handler);
        let accept = {
            let (stop, open) = (stop.clone(), open.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(conn) = conn else { continue };
                    let id = open.next.fetch_add(1, Ordering::SeqCst);
                    if let Ok(clone) = conn.try_clone() {
                        open.streams.lock().unwrap().insert(id, clone);
                    }
                    let (handler, open) = (handler.clone(), open.clone());
                    std::thread::spawn(move || {
                        serve_connection(conn, &handler);
                        open.streams.lock().unwrap().remove(&id);
                    });
                }
            })
        };
        Server {
            port,
            stop,
            open,
            accept: Some(accept),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees `stop` and drops the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        for (_, s) in self.open.streams.lock().unwrap().drain() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

/// Requests of one connection, answered in order, until the client closes it, asks to close it,
/// or sends something that is not HTTP.
fn serve_connection(conn: TcpStream, handler: &Handler) {
    let Ok(mut out) = conn.try_clone() else {
        return;
    };
    let mut input = BufReader::new(conn);
    loop {
        let Some(head) = read_head(&mut input) else {
            return;
        };
        let Some((method, target, version, headers)) = parse_head(&head) else {
            let _ = out.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            return;
        };
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_ascii_lowercase())
        };
        if header("expect").as_deref() == Some("100-continue")
            && out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err()
        {
            return;
        }
        let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            read_chunked(&mut input)
        } else {
            let len = header("content-length").map_or(Some(0), |v| v.trim().parse().ok());
            len.filter(|n| *n <= MAX_BODY).and_then(|n| {
                let mut body = vec![0; n];
                input.read_exact(&mut body).ok().map(|_| body)
            })
        };
        let Some(body) = body else {
            return;
        };
        let close = match header("connection") {
            Some(v) => v.contains("close"),
            None => version == "HTTP/1.0",
        };
        let response = handler(Request {
            method,
            target,
            headers,
            body,
        });
        if write_response(&mut out, &response, close).is_err() || close {
            return;
        }
    }
}

/// The request line and headers up to the blank line; `None` at end of input or when too long.
fn read_head(input: &mut BufReader<TcpStream>) -> Option<String> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        let n = input
            .by_ref()
            .take((MAX_HEAD - head.len()) as u64)
            .read_line(&mut line)
            .ok()?;
        if n == 0 || !line.ends_with('\n') {
            return None;
        }
        if line.trim_end().is_empty() {
            if head.is_empty() {
                continue; // a stray CRLF between requests
            }
            return Some(head);
        }
        head.push_str(&line);
    }
}

type Head = (String, String, String, Vec<(String, String)>);

fn parse_head(head: &str) -> Option<Head> {
    let mut lines = head.lines();
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_ascii_uppercase();
    let target = request_line.next()?.to_string();
    let version = request_line.next()?.trim().to_string();
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    let headers = lines
        .map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((method, target, version, headers))
}

fn read_chunked(input: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        input.by_ref().take(1024).read_line(&mut size).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        if body.len() + size > MAX_BODY {
            return None;
        }
        if size == 0 {
            // Trailers, up to the blank line.
            loop {
                let mut line = String::new();
                if input.by_ref().take(1024).read_line(&mut line).ok()? == 0 {
                    return None;
                }
                if line.trim_end().is_empty() {
                    return Some(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        input.read_exact(&mut body[start..]).ok()?;
        let mut crlf = [0u8; 2];
        input.read_exact(&mut crlf).ok()?;
    }
}

fn write_response(out: &mut TcpStream, r: &Response, close: bool) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", r.body.len()));
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(r.body.as_bytes());
    out.write_all(&bytes)?;
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
