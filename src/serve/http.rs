//! The HTTP/1.1 side of `ssox serve`: parse one request head as its bytes come in (bounded in
//! size; the `reception` bounds it in time; `httparse` parses it) and render one answer, after
//! which the connection closes. Knows nothing about credentials or profiles.

use std::io::{self, Write};

/// The most a request head (request line and headers) may take.
pub const MAX_HEAD: usize = 16 * 1024;
/// The most headers a request may have.
const MAX_HEADERS: usize = 48;

/// The part of a request `ssox serve` looks at. No `Debug`: the `Authorization` header is the
/// server's bearer token when it is right.
#[derive(PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target without its query string, still percent-encoded.
    pub path: String,
    /// The first `Authorization` header's value (surrounding spaces trimmed), as sent.
    pub authorization: Option<Vec<u8>>,
    /// The `Host` header's value (surrounding spaces trimmed); `None` when there is none or more
    /// than one (which one would count is ambiguous).
    pub host: Option<Vec<u8>>,
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The request head is larger than [`MAX_HEAD`] or has too many headers.
    TooLarge,
    /// Not an HTTP/1.x request.
    Malformed,
}

/// The request in `head` (the bytes received so far), `None` while it is incomplete.
pub fn parse(head: &[u8]) -> Result<Option<Request>, ReadError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(head) {
        Ok(httparse::Status::Partial) if head.len() > MAX_HEAD => Err(ReadError::TooLarge),
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(len)) if len > MAX_HEAD => Err(ReadError::TooLarge),
        Ok(httparse::Status::Complete(_)) => {
            let target = req.path.unwrap_or_default();
            let path = target.split_once('?').map_or(target, |(p, _)| p);
            let authorization = req
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("authorization"))
                .map(|h| h.value.trim_ascii().to_vec());
            let mut hosts = req
                .headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case("host"));
            let host = match (hosts.next(), hosts.next()) {
                (Some(h), None) => Some(h.value.trim_ascii().to_vec()),
                _ => None,
            };
            Ok(Some(Request {
                method: req.method.unwrap_or_default().to_string(),
                path: path.to_string(),
                authorization,
                host,
            }))
        }
        Err(httparse::Error::TooManyHeaders) => Err(ReadError::TooLarge),
        Err(_) => Err(ReadError::Malformed),
    }
}

/// One answer: a status and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// The reason phrase of the statuses `ssox serve` answers with.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// The whole answer as sent: nothing is cached by anyone on the way, and the connection closes.
pub fn render(r: &Response) -> String {
    let allow = if r.status == 405 {
        "Allow: GET\r\n"
    } else {
        ""
    };
    format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\n{allow}Connection: close\r\n\r\n{}",
        r.status,
        reason(r.status),
        r.body.len(),
        r.body
    )
}

/// Send `r` on `conn`.
pub fn write_response(conn: &mut impl Write, r: &Response) -> io::Result<()> {
    conn.write_all(render(r).as_bytes())?;
    conn.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feed `bytes` to [`parse`] `step` at a time, as a slow client sends them; `None` when
    /// they end before a whole head.
    fn read(bytes: &[u8], step: usize) -> Option<Result<Request, ReadError>> {
        let mut head = Vec::new();
        for chunk in bytes.chunks(step) {
            head.extend_from_slice(chunk);
            match parse(&head) {
                Ok(None) => continue,
                Ok(Some(r)) => return Some(Ok(r)),
                Err(e) => return Some(Err(e)),
            }
        }
        None
    }

    #[test]
    fn reads_a_request_head_in_pieces() {
        let raw = b"GET /profiles/blog%20admin?x=1 HTTP/1.1\r\nHost: a\r\n\
                    authorization:  tok3n \r\nAuthorization: second\r\n\r\nbody";
        for step in [1, 7, 4096] {
            let r = read(raw, step).unwrap().ok().unwrap();
            assert!(
                r == Request {
                    method: "GET".into(),
                    path: "/profiles/blog%20admin".into(),
                    authorization: Some(b"tok3n".to_vec()),
                    host: Some(b"a".to_vec()),
                },
                "{step}"
            );
        }
        let r = read(b"POST / HTTP/1.0\r\n\r\n", 3).unwrap().ok().unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
        assert_eq!(r.authorization, None);
        assert_eq!(r.host, None);
        // Two Host headers name no one host.
        let r = read(b"GET / HTTP/1.1\r\nHost: a\r\nHost:  a \r\n\r\n", 64);
        assert_eq!(r.unwrap().ok().unwrap().host, None);
    }

    #[test]
    fn refuses_what_is_not_a_small_http_request() {
        assert!(read(b"GET / HTTP/1.1\r\n", 5).is_none());
        assert!(read(b"", 5).is_none());
        assert!(matches!(
            read(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 64),
            Some(Err(ReadError::Malformed))
        ));
        assert!(matches!(
            read(b"GET / SPDY/3\r\n\r\n", 64),
            Some(Err(ReadError::Malformed))
        ));
        let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        // Too large before it is even whole: no need to wait for its end.
        assert!(matches!(
            read(long.as_bytes().get(..MAX_HEAD + 10).unwrap(), 4096),
            Some(Err(ReadError::TooLarge))
        ));
        assert!(matches!(
            read(long.as_bytes(), 4096),
            Some(Err(ReadError::TooLarge))
        ));
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS + 1)
        );
        assert!(matches!(
            read(many.as_bytes(), 4096),
            Some(Err(ReadError::TooLarge))
        ));
    }

    #[test]
    fn answers_close_the_connection_and_are_never_cached() {
        let r = Response {
            status: 200,
            body: "{}".into(),
        };
        assert_eq!(
            render(&r),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\
             Cache-Control: no-store\r\nConnection: close\r\n\r\n{}"
        );
        let r = Response {
            status: 405,
            body: String::new(),
        };
        assert!(render(&r).starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
        assert!(render(&r).contains("\r\nAllow: GET\r\n"));
    }
}
