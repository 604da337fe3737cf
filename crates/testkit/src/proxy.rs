//! A loopback TCP proxy that injects network faults between one agent and the controller: it
//! forwards bytes (TLS or not, it never looks inside) and can delay either direction, hold
//! answers, blackhole everything (a partition), or cut every open connection. Threads only;
//! everything stops when the proxy is dropped.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The faults in force. Each chunk is stamped with the delay in force when it was read.
#[derive(Debug, Default, Clone)]
pub struct Faults {
    /// Added to bytes going agent → controller (requests arrive late).
    pub delay_up: Duration,
    /// Added to bytes going controller → agent (answers are held).
    pub delay_down: Duration,
    /// Nothing passes either way; new connections are accepted and left hanging.
    pub partitioned: bool,
    /// Every connection is closed at once, new ones as they come: calls fail fast.
    pub refusing: bool,
    /// Bumped to cut every connection open now.
    epoch: u64,
}

pub struct Proxy {
    pub addr: SocketAddr,
    upstream: Arc<Mutex<SocketAddr>>,
    faults: Arc<Mutex<Faults>>,
    stop: Arc<AtomicBool>,
}

const TICK: Duration = Duration::from_millis(20);

impl Proxy {
    /// Listens on a fresh loopback port and forwards to `upstream`.
    pub fn start(upstream: SocketAddr) -> Proxy {
        Proxy::with_faults(upstream, Arc::default())
    }

    /// Another proxy, to `upstream`, under the same faults as this one: one agent's way to each
    /// of several controllers, so a partition or a delay cuts it off from all of them at once.
    pub fn sibling(&self, upstream: SocketAddr) -> Proxy {
        Proxy::with_faults(upstream, self.faults.clone())
    }

    fn with_faults(upstream: SocketAddr, faults: Arc<Mutex<Faults>>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let proxy = Proxy {
            addr: listener.local_addr().unwrap(),
            upstream: Arc::new(Mutex::new(upstream)),
            faults,
            stop: Arc::default(),
        };
        let (upstream, faults, stop) = (proxy.upstream.clone(), proxy.faults.clone(), proxy.stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let upstream = *upstream.lock().unwrap();
                        let (faults, stop) = (faults.clone(), stop.clone());
                        std::thread::spawn(move || connection(client, upstream, faults, stop));
                    }
                    Err(_) => std::thread::sleep(TICK),
                }
            }
        });
        proxy
    }

    pub fn faults(&self) -> Faults {
        self.faults.lock().unwrap().clone()
    }

    pub fn delay_up(&self, delay: Duration) {
        self.faults.lock().unwrap().delay_up = delay;
    }

    pub fn delay_down(&self, delay: Duration) {
        self.faults.lock().unwrap().delay_down = delay;
    }

    pub fn partition(&self, on: bool) {
        self.faults.lock().unwrap().partitioned = on;
    }

    /// Closes connections at once while on, new ones as they come (a refused port).
    pub fn refuse(&self, on: bool) {
        let mut faults = self.faults.lock().unwrap();
        faults.refusing = on;
        faults.epoch += u64::from(on);
    }

    /// Cuts every connection open now (requests in flight are lost).
    pub fn drop_connections(&self) {
        self.faults.lock().unwrap().epoch += 1;
    }

    /// No faults any more (connections open now stay open).
    pub fn heal(&self) {
        let mut faults = self.faults.lock().unwrap();
        let epoch = faults.epoch;
        *faults = Faults { epoch, ..Faults::default() };
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn connection(client: TcpStream, upstream: SocketAddr, faults: Arc<Mutex<Faults>>, stop: Arc<AtomicBool>) {
    let epoch = faults.lock().unwrap().epoch;
    if faults.lock().unwrap().refusing {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    // A partitioned proxy accepts and then says nothing, as a blackholed network would.
    while faults.lock().unwrap().partitioned {
        if stop.load(Ordering::SeqCst) || faults.lock().unwrap().epoch != epoch {
            return;
        }
        std::thread::sleep(TICK);
    }
    let Ok(server) = TcpStream::connect_timeout(&upstream, Duration::from_secs(1)) else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let closed = Arc::new(AtomicBool::new(false));
    let pump = |from: &TcpStream, to: &TcpStream, up: bool| {
        let (from, to) = (from.try_clone().unwrap(), to.try_clone().unwrap());
        let (faults, stop, closed) = (faults.clone(), stop.clone(), closed.clone());
        std::thread::spawn(move || pump(from, to, up, epoch, faults, stop, closed))
    };
    let a = pump(&client, &server, true);
    let b = pump(&server, &client, false);
    let _ = a.join();
    let _ = b.join();
}

/// Copies `from` to `to`: a reader stamps each chunk with its release time; a writer sends it
/// then, in order. Ends both sockets on EOF, a cut, or the proxy's stop.
fn pump(
    mut from: TcpStream,
    to: TcpStream,
    up: bool,
    epoch: u64,
    faults: Arc<Mutex<Faults>>,
    stop: Arc<AtomicBool>,
    closed: Arc<AtomicBool>,
) {
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    let writer = {
        let (mut to, faults, stop, closed) = (to.try_clone().unwrap(), faults.clone(), stop.clone(), closed.clone());
        std::thread::spawn(move || {
            let cut = || {
                let f = faults.lock().unwrap();
                f.epoch != epoch || stop.load(Ordering::SeqCst) || closed.load(Ordering::SeqCst)
            };
            loop {
                match rx.recv_timeout(TICK) {
                    Ok((release, bytes)) => {
                        while Instant::now() < release {
                            if cut() {
                                return;
                            }
                            std::thread::sleep(TICK.min(release.saturating_duration_since(Instant::now())));
                        }
                        // A partition swallows what was in flight.
                        if faults.lock().unwrap().partitioned {
                            continue;
                        }
                        if to.write_all(&bytes).is_err() {
                            return;
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) if cut() => return,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
        })
    };
    let _ = from.set_read_timeout(Some(TICK));
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        {
            let f = faults.lock().unwrap();
            if f.epoch != epoch || stop.load(Ordering::SeqCst) || closed.load(Ordering::SeqCst) {
                break;
            }
        }
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let f = faults.lock().unwrap();
                if f.partitioned {
                    continue;
                }
                let delay = if up { f.delay_up } else { f.delay_down };
                if tx.send((Instant::now() + delay, buf[..n].to_vec())).is_err() {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    drop(tx);
    // Let what is queued go out (unless cut), then close both ends.
    let _ = writer.join();
    closed.store(true, Ordering::SeqCst);
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}
