//! The event log's cost: appending one record (serialise, check for rotation, one `write(2)` on an
//! `O_APPEND` descriptor, check the size), by one writer and by four writers appending to the same
//! file at once (as the agents and `up` do), against printing the same line on a pipe (what `up`
//! relays). A chatty hook's output is one record per line, so this is the cost per line.
//!
//! Run: `cargo bench --bench events` (ROUNDS=n, RECORDS=n per round to change).

use std::io::Write;
use std::time::Instant;

use leaderd_sys::events::{Event, EventLog, Record};

fn main() {
    let rounds: usize = env_or("ROUNDS", 5);
    let records: usize = env_or("RECORDS", 20_000);
    let dir = tempfile::tempdir().unwrap();
    let record = |i: usize| {
        Record::now(
            Some("shared-secret/0"),
            Event::HookOutput {
                hook: "config-changed".into(),
                line: format!("line {i} of a hook's output, as it printed it"),
                stderr: false,
            },
        )
    };

    let mut one = Vec::new();
    let mut four = Vec::new();
    let mut pipe = Vec::new();
    for round in 0..rounds {
        let path = dir.path().join(format!("one-{round}.jsonl"));
        let log = EventLog::open(&path).unwrap();
        let started = Instant::now();
        for i in 0..records {
            log.append(&record(i)).unwrap();
        }
        one.push(started.elapsed().as_secs_f64() * 1e6 / records as f64);

        let path = dir.path().join(format!("four-{round}.jsonl"));
        let started = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..4 {
                let path = path.clone();
                s.spawn(move || {
                    let log = EventLog::open(&path).unwrap();
                    for i in 0..records / 4 {
                        log.append(&record(i)).unwrap();
                    }
                });
            }
        });
        four.push(started.elapsed().as_secs_f64() * 1e6 / records as f64);
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        assert_eq!(lines, records / 4 * 4, "every line whole and present");

        // The same lines printed on a pipe, one write each (the agent's stdout to `up`).
        let (reader, mut writer) = os_pipe();
        let drain = std::thread::spawn(move || std::io::copy(&mut { reader }, &mut std::io::sink()).unwrap());
        let started = Instant::now();
        for i in 0..records {
            writer.write_all(format!("{}\n", record(i).line()).as_bytes()).unwrap();
        }
        pipe.push(started.elapsed().as_secs_f64() * 1e6 / records as f64);
        drop(writer);
        drain.join().unwrap();
    }
    let (one, four, pipe) = (median(&mut one), median(&mut four), median(&mut pipe));
    println!("event log append, 1 writer:        {one:.2} µs per record (median of {rounds} rounds of {records})");
    println!("event log append, 4 writers:       {four:.2} µs per record (all writers' records over the wall time)");
    println!("the same line printed on a pipe:   {pipe:.2} µs per line");
    println!("ratio, log append / pipe print:    {:.1}×", one / pipe);
}

/// A pipe(2): (read end, write end).
fn os_pipe() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills both descriptors, which the Files then own.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    unsafe { (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(fds[1])) }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
