//! What both HTTP servers (the hook endpoint and the controller) share: JSON error answers
//! and strict JSON body decoding, so a bad request always gets a clear 4xx and never a panic.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;

use leaderd_core::wire::{ErrorCode, ErrorResponse};

/// A refused request: what kind of error and a message, answered with the code's status as
/// `{"error": "<message>", "code": "<code>"}`.
#[derive(Debug)]
pub struct HttpError {
    pub code: ErrorCode,
    pub message: String,
    /// With [`ErrorCode::NotActive`]: the active controller's URL.
    pub active: Option<String>,
}

impl HttpError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> HttpError {
        HttpError { code, message: message.into(), active: None }
    }

    /// The HTTP status the answer carries, from the code.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).expect("every code's status is a valid HTTP status")
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        (self.status(), Json(ErrorResponse { active: self.active, ..ErrorResponse::new(self.code, self.message) }))
            .into_response()
    }
}

/// A request body, as axum hands it over (a rejection when it is over the body limit).
pub type Body = Result<Bytes, BytesRejection>;

/// Decodes a JSON body: the one decoder of every server's handlers (the controller's API, the
/// hook endpoint, the agent's run socket, `up`'s control socket), each passing the body limit
/// its router enforces, for the message.
pub fn decode<T: DeserializeOwned>(body: Body, limit: usize) -> Result<T, HttpError> {
    let bytes = body.map_err(|r| match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
        status => HttpError::new(ErrorCode::from_status(status.as_u16()), format!("bad request: {}", r.body_text())),
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| HttpError::new(ErrorCode::BadRequest, format!("bad request: invalid request body: {e}")))
}

/// A body over `limit` bytes, refused in the same words whether the serving loop or the
/// router's limit caught it.
fn too_large(limit: usize) -> HttpError {
    HttpError::new(ErrorCode::TooLarge, format!("bad request: request body is larger than the {limit} byte limit"))
}

// ---------------------------------------------------------------------------------------------
// The one serving loop of every server (the controller, the agent's hook and control sockets).
// ---------------------------------------------------------------------------------------------

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

/// What a server tolerates from its clients.
#[derive(Debug, Clone)]
pub struct Limits {
    /// From a request's first byte, how long its headers and body may take to arrive (a
    /// slowloris is cut off after this); also bounds the TLS handshake.
    pub header_timeout: Duration,
    /// How long a connection with no request in progress stays open. A request in progress
    /// (a long-poll, say) is never idle.
    pub idle_timeout: Duration,
    /// Connections open at once. At the cap, the connection that has been waiting longest for
    /// a request (idle or still sending one) is closed to make room; when every connection
    /// has a request in progress, new ones wait in the listen queue.
    pub max_connections: usize,
    /// Largest request body; a bigger one is answered 413.
    pub max_body_bytes: usize,
    /// Request bodies buffered at once, all connections together: a body's size (its
    /// Content-Length, else `max_body_bytes`) is reserved before it is read, and a request that
    /// cannot reserve it within its request timeout is answered 503. So clients cannot make
    /// the server hold `max_connections` bodies of `max_body_bytes` at once.
    pub max_buffered_bytes: usize,
    /// A check every request with a body must pass before its body is read (the controller's:
    /// a valid token), so a client without credentials cannot make the server buffer anything.
    pub admit: Option<Admit>,
}

/// The check of an [`Admit`]: the request's head, before its body is read.
pub(crate) type AdmitFn = dyn Fn(&axum::http::request::Parts) -> Result<(), HttpError> + Send + Sync;

/// A check on a request's head, before its body is read.
#[derive(Clone)]
pub struct Admit(pub Arc<AdmitFn>);

impl std::fmt::Debug for Admit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Admit(..)")
    }
}

/// The default budget for buffered request bodies.
pub(crate) const DEFAULT_MAX_BUFFERED_BYTES: usize = 64 << 20;

/// The defaults: 5 s for a request to arrive, 30 s idle.
pub(crate) const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(5);
pub(crate) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long past a request's deadline its connection is kept, so the 408 can be written.
const BODY_GRACE: Duration = Duration::from_secs(1);
/// How long a shutting-down server waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(30);
/// File descriptors kept free of connections (stores, logs, sockets, child pipes).
const RESERVED_FDS: u64 = 128;

impl Limits {
    pub fn new(max_connections: usize, max_body_bytes: usize) -> Limits {
        Limits {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections,
            max_body_bytes,
            max_buffered_bytes: DEFAULT_MAX_BUFFERED_BYTES.max(max_body_bytes),
            admit: None,
        }
    }

    /// The cap, lowered if need be so that `servers` servers at their caps fit in `fd_limit`.
    pub fn fit(mut self, fd_limit: u64, servers: u64) -> Limits {
        let room = (fd_limit.saturating_sub(RESERVED_FDS) / servers.max(1)).max(16);
        self.max_connections = self.max_connections.min(room as usize).max(1);
        self
    }
}

/// Who is on the other end of a connection, as far as the socket can tell: on a unix socket,
/// the calling process (SO_PEERCRED). Every request carries it as
/// `axum::extract::ConnectInfo<Peer>`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Peer {
    pub pid: Option<u32>,
}

/// A listening socket the server accepts connections from.
pub trait Listener: Send + 'static {
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    fn accept(&mut self) -> impl Future<Output = io::Result<(Self::Io, Peer)>> + Send;
}

impl Listener for tokio::net::TcpListener {
    type Io = tokio::net::TcpStream;
    async fn accept(&mut self) -> io::Result<(Self::Io, Peer)> {
        let (stream, _) = tokio::net::TcpListener::accept(self).await?;
        let _ = stream.set_nodelay(true);
        Ok((stream, Peer::default()))
    }
}

impl Listener for tokio::net::UnixListener {
    type Io = tokio::net::UnixStream;
    async fn accept(&mut self) -> io::Result<(Self::Io, Peer)> {
        let stream = tokio::net::UnixListener::accept(self).await?.0;
        let pid = stream.peer_cred().ok().and_then(|c| c.pid()).and_then(|p| u32::try_from(p).ok());
        Ok((stream, Peer { pid }))
    }
}

use std::io;

/// Where a connection is, for its timeouts.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// TLS handshake, or bytes of a request's headers arriving, since then.
    Reading(Instant),
    /// A request whose headers are in and whose body is being read (it began then): still
    /// evictable, and timed by the request itself, which answers 408 at its deadline.
    Body(Instant),
    /// No request in progress since then.
    Idle(Instant),
    /// This many requests in progress.
    Busy(usize),
}

struct Conn {
    phase: Mutex<Phase>,
    /// Wakes the connection's watchdog: its phase changed, or it is being evicted.
    changed: Notify,
    evicted: std::sync::atomic::AtomicBool,
}

impl Conn {
    fn set(&self, update: impl FnOnce(Phase) -> Phase) {
        let mut phase = self.phase.lock().unwrap();
        *phase = update(*phase);
        drop(phase);
        self.changed.notify_one();
    }
    fn phase(&self) -> Phase {
        *self.phase.lock().unwrap()
    }
    /// When this connection times out, unless something happens first.
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        match self.phase() {
            Phase::Reading(since) => Some(since + limits.header_timeout),
            // The request answers 408 at `since + header_timeout`; this is the backstop.
            Phase::Body(since) => Some(since + limits.header_timeout + BODY_GRACE),
            Phase::Idle(since) => Some(since + limits.idle_timeout),
            Phase::Busy(_) => None,
        }
    }
}

/// Every open connection, for eviction at the cap.
#[derive(Default)]
struct Registry {
    next: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Conn>>>,
}

impl Registry {
    /// Evicts the connection waiting longest for a request; false if all are busy.
    fn evict_one(&self) -> bool {
        let open = self.open.lock().unwrap();
        let oldest = open
            .values()
            .filter(|c| !c.evicted.load(Ordering::Relaxed))
            .filter_map(|c| match c.phase() {
                Phase::Reading(t) | Phase::Body(t) | Phase::Idle(t) => Some((t, c.clone())),
                Phase::Busy(_) => None,
            })
            .min_by_key(|(t, _)| *t);
        match oldest {
            Some((_, conn)) => {
                conn.evicted.store(true, Ordering::Relaxed);
                conn.changed.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Marks reads: the first bytes on an idle connection start its request timer.
struct Watched<S> {
    inner: S,
    conn: Arc<Conn>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before && matches!(self.conn.phase(), Phase::Idle(_)) {
            self.conn.set(|p| match p {
                Phase::Idle(_) => Phase::Reading(Instant::now()),
                other => other,
            });
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Ends a request's busy time when dropped (answered, or the connection went away).
struct BusyGuard(Arc<Conn>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.set(|p| match p {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Idle(Instant::now()),
        });
    }
}

/// Serves `router` on `listener` (over TLS when `tls` is given) within `limits`, until
/// `shutdown` completes; then it stops accepting, lets requests in flight finish (up to 30 s),
/// closes idle connections, and returns.
pub async fn serve<L: Listener>(
    mut listener: L,
    tls: Option<Arc<rustls::ServerConfig>>,
    router: axum::Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let limits = Arc::new(limits);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let budget = Arc::new(Semaphore::new(limits.max_buffered_bytes.div_ceil(1024)));
    let registry = Arc::new(Registry::default());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    tokio::pin!(shutdown);
    loop {
        // At the cap: make room by closing the longest-waiting idle connection, or wait.
        let permit = match permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                // Every 100 ms while full, evict again: a connection that was busy a moment ago
                // may be idle now.
                let mut permit = None;
                while permit.is_none() {
                    registry.evict_one();
                    tokio::select! {
                        p = permits.clone().acquire_owned() => permit = Some(p.expect("the semaphore is never closed")),
                        _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                        _ = &mut shutdown => break,
                    }
                }
                match permit {
                    Some(permit) => permit,
                    None => break,
                }
            }
        };
        let (io, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // keep serving.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let conn = Arc::new(Conn {
            phase: Mutex::new(Phase::Reading(Instant::now())),
            changed: Notify::new(),
            evicted: Default::default(),
        });
        let id = registry.next.fetch_add(1, Ordering::Relaxed);
        registry.open.lock().unwrap().insert(id, conn.clone());
        let (router, limits, registry, acceptor, stop) =
            (router.clone(), limits.clone(), registry.clone(), acceptor.clone(), stop_rx.clone());
        let budget = budget.clone();
        tokio::spawn(async move {
            let _permit = permit;
            match acceptor {
                Some(acceptor) => {
                    let handshake = tokio::time::timeout(limits.header_timeout, acceptor.accept(io));
                    tokio::select! {
                        done = handshake => match done {
                            Ok(Ok(stream)) => {
                                conn.set(|_| Phase::Idle(Instant::now()));
                                connection(stream, peer, conn, router, limits, budget, stop).await
                            }
                            Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                            Err(_) => tracing::debug!("TLS handshake timed out"),
                        },
                        _ = evicted(&conn) => {}
                    }
                }
                None => {
                    conn.set(|_| Phase::Idle(Instant::now()));
                    connection(io, peer, conn, router, limits, budget, stop).await
                }
            }
            registry.open.lock().unwrap().remove(&id);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let all = limits.max_connections as u32;
    if tokio::time::timeout(DRAIN, permits.acquire_many(all)).await.is_err() {
        tracing::warn!("requests still in flight after {}; closing them", leaderd_core::duration::format(DRAIN));
    }
    Ok(())
}

/// Completes when the connection is chosen for eviction.
async fn evicted(conn: &Conn) {
    loop {
        let notified = conn.changed.notified();
        if conn.evicted.load(Ordering::Relaxed) {
            return;
        }
        notified.await;
    }
}

/// One connection: HTTP/1.1 with keep-alive, cut off by its watchdog when a request takes too
/// long to arrive, when it idles too long, or when it is evicted.
async fn connection<S>(
    stream: S,
    peer: Peer,
    conn: Arc<Conn>,
    router: axum::Router,
    limits: Arc<Limits>,
    budget: Arc<Semaphore>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let watched = Watched { inner: stream, conn: conn.clone() };
    let service = {
        let (conn, limits, budget) = (conn.clone(), limits.clone(), budget.clone());
        hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            let (conn, limits, budget, router) = (conn.clone(), limits.clone(), budget.clone(), router.clone());
            async move { Ok::<_, std::convert::Infallible>(answer(request, conn, limits, budget, router).await) }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        // The watchdog below times headers (from their first byte) and idling separately.
        .header_read_timeout(None)
        .keep_alive(true)
        .max_buf_size(64 * 1024);
    let http = builder.serve_connection(hyper_util::rt::TokioIo::new(watched), service);
    tokio::pin!(http);
    let mut stopping = *stop.borrow();
    if stopping {
        http.as_mut().graceful_shutdown();
    }
    loop {
        let changed = conn.changed.notified();
        let deadline = conn.deadline(&limits);
        // Evicted while waiting for a request; one that has just begun is answered first.
        if conn.evicted.load(Ordering::Relaxed) && !matches!(conn.phase(), Phase::Busy(_)) {
            return;
        }
        tokio::select! {
            result = http.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            _ = changed => {}
            _ = async { tokio::time::sleep_until(deadline.unwrap()).await }, if deadline.is_some() => {
                if conn.deadline(&limits).is_some_and(|d| d <= Instant::now()) {
                    tracing::debug!(phase = ?conn.phase(), "closing a connection that timed out");
                    return;
                }
            }
            _ = stop.changed(), if !stopping => {
                stopping = true;
                http.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Reads the request body (bounded in size, in time from the request's first byte, and by the
/// server's budget for buffered bodies), then answers with `router`. Until the body is in, the
/// connection is still receiving its request, so it can be evicted at the cap like one still
/// sending headers; from then on it is busy, never idle, while the router works.
async fn answer(
    request: hyper::Request<hyper::body::Incoming>,
    conn: Arc<Conn>,
    limits: Arc<Limits>,
    budget: Arc<Semaphore>,
    mut router: axum::Router,
) -> Response {
    use http_body_util::BodyExt;
    let since = match conn.phase() {
        Phase::Reading(since) => since,
        _ => Instant::now(),
    };
    conn.set(|p| match p {
        Phase::Busy(n) => Phase::Busy(n),
        _ => Phase::Body(since),
    });
    let deadline = since + limits.header_timeout;
    let (parts, body) = request.into_parts();
    let length = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let has_body =
        length != Some(0) && (length.is_some() || parts.headers.contains_key(axum::http::header::TRANSFER_ENCODING));
    if let (true, Some(admit)) = (has_body, &limits.admit) {
        if let Err(refused) = (admit.0)(&parts) {
            return close(refused.into_response());
        }
    }
    // Reserve the body's size (in KiB) in the server's budget before buffering any of it.
    let reserve = length.map_or(limits.max_body_bytes, |n| (n as usize).min(limits.max_body_bytes));
    let kib = if has_body { (reserve.div_ceil(1024) as u32).max(1) } else { 0 };
    let _reserved = match tokio::time::timeout_at(deadline, budget.acquire_many_owned(kib)).await {
        Ok(permit) => permit.expect("the budget is never closed"),
        Err(_) => {
            let message = "the server is busy: too many request bodies in flight; try again";
            return close(HttpError::new(ErrorCode::Unavailable, message).into_response());
        }
    };
    let limited = http_body_util::Limited::new(body, limits.max_body_bytes);
    let bytes = match tokio::time::timeout_at(deadline, limited.collect()).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return close(too_large(limits.max_body_bytes).into_response());
        }
        Ok(Err(e)) => {
            return close(HttpError::new(ErrorCode::BadRequest, format!("bad request: {e}")).into_response());
        }
        Err(_) => {
            let message = format!(
                "bad request: the request did not arrive within {}",
                leaderd_core::duration::format(limits.header_timeout)
            );
            return close(HttpError::new(ErrorCode::Timeout, message).into_response());
        }
    };
    // The request is in: from here the router bounds it (long-polls have their own limits), so
    // the connection counts as busy and the watchdog leaves it alone.
    conn.set(|p| match p {
        Phase::Busy(n) => Phase::Busy(n + 1),
        _ => Phase::Busy(1),
    });
    let _busy = BusyGuard(conn);
    let request = axum::http::Request::from_parts(parts, axum::body::Body::from(bytes));
    match tower_service::Service::call(&mut router, request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Asks the client to close the connection after this answer (its request was cut short).
fn close(mut response: Response) -> Response {
    response.headers_mut().insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Term {
        term: u64,
    }

    #[test]
    fn a_body_decodes_or_is_a_bad_request_in_words() {
        let ok: Term = decode(Ok(Bytes::from_static(br#"{"term": 4}"#)), 64).unwrap();
        assert_eq!(ok, Term { term: 4 });
        let bad = decode::<Term>(Ok(Bytes::from_static(br#"{"term": "four"}"#)), 64).unwrap_err();
        assert_eq!(bad.code, ErrorCode::BadRequest);
        assert!(bad.message.starts_with("bad request: invalid request body: invalid type"), "{}", bad.message);
        let over = too_large(64);
        assert_eq!(
            (over.status(), over.message.as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, "bad request: request body is larger than the 64 byte limit")
        );
    }

    fn conn(phase: Phase) -> Arc<Conn> {
        Arc::new(Conn { phase: Mutex::new(phase), changed: Notify::new(), evicted: Default::default() })
    }

    #[tokio::test]
    async fn at_the_cap_the_longest_waiting_connection_goes_and_a_busy_one_never_does() {
        let registry = Registry::default();
        let t0 = Instant::now();
        let (busy, old_idle, new_reading) =
            (conn(Phase::Busy(1)), conn(Phase::Idle(t0)), conn(Phase::Reading(t0 + Duration::from_millis(5))));
        for (i, c) in [&busy, &old_idle, &new_reading].into_iter().enumerate() {
            registry.open.lock().unwrap().insert(i as u64, c.clone());
        }
        assert!(registry.evict_one());
        assert!(old_idle.evicted.load(Ordering::Relaxed), "the oldest waiting one");
        assert!(registry.evict_one());
        assert!(new_reading.evicted.load(Ordering::Relaxed));
        assert!(!registry.evict_one(), "only busy connections are left");
        assert!(!busy.evicted.load(Ordering::Relaxed));
    }

    #[test]
    fn a_cap_is_lowered_to_fit_the_open_file_limit() {
        let limits = Limits::new(4096, 1);
        assert_eq!(limits.clone().fit(1 << 20, 1).max_connections, 4096);
        assert_eq!(limits.clone().fit(1024, 1).max_connections, 1024 - 128);
        assert_eq!(limits.fit(1024, 2).max_connections, (1024 - 128) / 2);
    }
}
