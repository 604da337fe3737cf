//! A minimal blocking HTTP/1.1 client over a unix socket: one request per connection
//! (`Connection: close`), the answer read until its `Content-Length` is in (to EOF for one
//! without a length, or chunked). jujuc uses it for every tool call (it is cheaper to start
//! than an async client: docs/architecture.md, "Why jujuc's client is hand-written"), and so do
//! `leaderd exec` and `leaderd status` for the agents' control sockets.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

use crate::gocompat::go_error_text;

/// Why a request got no HTTP answer, worded as Go's net package words it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransportError {
    /// Nothing listens at the socket (or it cannot be reached).
    #[error("dial unix {socket}: connect: {reason}")]
    Dial { socket: String, reason: String },
    /// The connection failed while the request or the answer was in flight (or timed out).
    #[error("cannot talk to the unit agent at {socket}: {reason}")]
    Broken { socket: String, reason: String },
    /// The answer is not HTTP/1.1 (its first bytes, for the message).
    #[error("bad response from the unit agent: {start:?}")]
    BadResponse { start: String },
}

/// `method path` with an optional JSON body; answers the status and the body. Errors are
/// worded as Go's net package words them (`dial unix <path>: connect: ...`). Hook tools wait
/// as long as the agent takes (as Juju's do); status-like callers give a `timeout`.
pub fn request(socket: &Path, method: &str, path: &str, body: Option<&[u8]>) -> Result<(u16, Vec<u8>), TransportError> {
    request_within(socket, method, path, body, None)
}

/// [`request`], giving up on a silent agent after `timeout`.
pub fn request_within(
    socket: &Path,
    method: &str,
    path: &str,
    body: Option<&[u8]>,
    timeout: Option<std::time::Duration>,
) -> Result<(u16, Vec<u8>), TransportError> {
    let mut stream = UnixStream::connect(socket)
        .map_err(|e| TransportError::Dial { socket: socket.display().to_string(), reason: go_error_text(&e) })?;
    if timeout.is_some() {
        let _ = stream.set_read_timeout(timeout);
        let _ = stream.set_write_timeout(timeout);
    }
    let broken =
        |e: std::io::Error| TransportError::Broken { socket: socket.display().to_string(), reason: go_error_text(&e) };
    let body = body.unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: agent\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    let sent = stream.write_all(&request);
    // One read takes a whole answer of a hook tool (they are small); stop as soon as the
    // Content-Length is in, rather than reading on to the agent's close.
    let mut response = Vec::with_capacity(8 * 1024);
    let mut chunk = [0u8; 8 * 1024];
    let read = loop {
        match stream.read(&mut chunk) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                response.extend_from_slice(&chunk[..n]);
                if complete(&response) {
                    break Ok(());
                }
            }
            Err(e) => break Err(e),
        }
    };
    // A server may answer before it has read the whole request and close (the agent refuses
    // a body over its limit with 413 once it has read that much): the write then fails with a
    // broken pipe, but the answer is there to read, and it says what went wrong. Only without
    // one is the broken connection the error.
    if let Err(e) = sent {
        if !complete(&response) {
            return Err(broken(e));
        }
    }
    read.map_err(broken)?;
    parse_response(&response).ok_or_else(|| {
        let start = String::from_utf8_lossy(&response[..response.len().min(200)]).into_owned();
        TransportError::BadResponse { start }
    })
}

/// An answer's head: its status, where its body starts, and how the body's end is known.
struct Head {
    status: u16,
    body_start: usize,
    length: Option<usize>,
    chunked: bool,
}

/// Reads the head of an HTTP/1.1 response, once it is all in (`None` before, or if it is not
/// HTTP).
fn head(response: &[u8]) -> Option<Head> {
    let end = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let text = std::str::from_utf8(&response[..end]).ok()?;
    let mut lines = text.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut head = Head { status, body_start: end + 4, length: None, chunked: false };
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            head.length = Some(value.parse::<usize>().ok()?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            head.chunked = value.eq_ignore_ascii_case("chunked");
        }
    }
    Some(head)
}

/// Whether `response` holds a whole answer with a `Content-Length` (a chunked one, or one
/// without a length, is read to the close).
fn complete(response: &[u8]) -> bool {
    head(response).is_some_and(|h| !h.chunked && h.length.is_some_and(|n| response.len() >= h.body_start + n))
}

/// Splits an HTTP/1.1 response into status and body, honouring `Content-Length` or chunked
/// transfer encoding.
fn parse_response(response: &[u8]) -> Option<(u16, Vec<u8>)> {
    let head = head(response)?;
    let body = &response[head.body_start..];
    if head.chunked {
        return Some((head.status, dechunk(body)?));
    }
    match head.length {
        Some(n) if n <= body.len() => Some((head.status, body[..n].to_vec())),
        Some(_) => None,
        None => Some((head.status, body.to_vec())),
    }
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::{complete, parse_response, request};

    #[test]
    fn content_length_and_chunked_bodies() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse_response(plain), Some((200, b"{}".to_vec())));
        let chunked =
            b"HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n2;x=y\r\n\"}\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), Some((409, b"{\"a\"}".to_vec())));
        assert_eq!(parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n{}"), None, "truncated");
        assert_eq!(parse_response(b"garbage"), None);
    }

    #[test]
    fn an_answer_is_complete_once_its_content_length_is_in() {
        assert!(!complete(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n"), "head not ended");
        assert!(!complete(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{"), "body short");
        assert!(complete(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"));
        assert!(!complete(b"HTTP/1.1 200 OK\r\n\r\n{}"), "no length: read to the close");
        assert!(!complete(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\ncontent-length: 0\r\n\r\n"));
    }

    /// A server that answers 413 part way through a big request and closes: the client's
    /// write breaks, and it reports the answer rather than the broken pipe.
    #[test]
    fn an_answer_sent_before_the_request_was_read_is_the_answer() {
        use std::io::{Read, Write};
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("s");
        let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut buf = vec![0u8; 64 * 1024];
            let mut got = 0;
            while got < 1 << 20 {
                got += conn.read(&mut buf).unwrap();
            }
            let body =
                br#"{"error":"bad request: request body is larger than the 1048576 byte limit","code":"too_large"}"#;
            let head = format!(
                "HTTP/1.1 413 Payload Too Large\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            conn.write_all(&[head.as_bytes(), body].concat()).unwrap();
        });
        let big = vec![b'a'; 10 << 20];
        let (status, body) = request(&socket, "POST", "/v1/leader-set", Some(&big)).unwrap();
        assert_eq!(status, 413);
        assert!(String::from_utf8(body).unwrap().contains("larger than the 1048576 byte limit"));
        server.join().unwrap();
    }

    /// A server that answers and then keeps its end open: the client returns on the length,
    /// without waiting for a close that does not come.
    #[test]
    fn a_request_returns_on_the_length_without_waiting_for_the_close() {
        use std::io::{Read, Write};
        let dir = std::env::temp_dir().join(format!("unix-http-{}", std::process::id()));
        let _ = std::fs::create_dir(&dir);
        let socket = dir.join("s");
        let _ = std::fs::remove_file(&socket);
        let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf).unwrap();
            conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 15\r\n\r\n{\"leader\":true}").unwrap();
            std::thread::sleep(std::time::Duration::from_secs(1));
        });
        let started = std::time::Instant::now();
        let answer = request(&socket, "POST", "/v1/is-leader", Some(b"{}")).unwrap();
        assert_eq!(answer, (200, b"{\"leader\":true}".to_vec()));
        assert!(started.elapsed() < std::time::Duration::from_millis(500), "waited for the close");
        server.join().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
