//! Hook tool latency: 100 calls of `is-leader` from a `sh` loop against a live hook endpoint,
//! side by side with 100 calls of `/bin/true` and 100 `curl --unix-socket` requests making the
//! same HTTP call. Rounds are interleaved so machine noise hits all three alike; the figures
//! are medians over rounds of the per-call time.
//!
//! Run: `cargo bench --bench tool_latency` (ROUNDS=n to change the number of rounds;
//! `JUJUC_OTHER=/path/to/jujuc` adds a loop of that build's is-leader, side by side, e.g. an
//! earlier release's). Targets (docs/benchmarks.md, "Hook tool latency"): is-leader ≤ 1.3×
//! /bin/true, and at least 3× faster than curl.

use std::os::unix::fs::symlink;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use leaderd_agent::hook_endpoint::{bind_socket, HookEndpoint};
use leaderd_agent::memory::MemoryBackend;

const CALLS: usize = 100;

fn main() {
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(15);
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.socket");
    let tools = dir.path().join("tools");
    std::fs::create_dir(&tools).unwrap();
    symlink(env!("CARGO_BIN_EXE_jujuc"), tools.join("is-leader")).unwrap();

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let endpoint = HookEndpoint::new("bench/0", Arc::new(MemoryBackend::new(true, Default::default())));
    let context = endpoint.open_context("bench");
    let listener = runtime.block_on(async { bind_socket(&socket) }).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    runtime.spawn(endpoint.clone().serve(listener, leaderd_agent::hook_endpoint::default_limits(), async {
        let _ = stopped.await;
    }));

    let path = format!("{}:{}", tools.display(), std::env::var("PATH").unwrap_or_default());
    let body = format!(r#"{{"context_id":"{context}"}}"#);
    let other = std::env::var_os("JUJUC_OTHER").map(std::path::PathBuf::from);
    if let Some(other) = &other {
        let dir = dir.path().join("other-tools");
        std::fs::create_dir(&dir).unwrap();
        symlink(other, dir.join("is-leader")).unwrap();
    }
    let other_loop = other.as_ref().map(|_| format!("{}/other-tools/is-leader >/dev/null", dir.path().display()));
    let mut loops = vec![
        ("/bin/true", "/bin/true".to_string()),
        ("is-leader", "is-leader >/dev/null".to_string()),
        (
            "curl --unix-socket",
            format!(
                "curl -sS --unix-socket '{}' -H 'Content-Type: application/json' -d '{body}' http://agent/v1/is-leader >/dev/null",
                socket.display()
            ),
        ),
    ];
    if let Some(command) = other_loop {
        loops.push(("is-leader (JUJUC_OTHER)", command));
    }

    let sanity = Command::new("sh")
        .arg("-c")
        .arg("is-leader")
        .env("PATH", &path)
        .envs(hook_env(&context, &socket))
        .output()
        .unwrap();
    assert_eq!(sanity.stdout, b"True\n", "is-leader must work before it is timed: {sanity:?}");
    let curl_ok = Command::new("sh")
        .arg("-c")
        .arg(loops[2].1.replace(">/dev/null", ""))
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    let have_curl = curl_ok == br#"{"leader":true}"#;

    let mut per_call: Vec<Vec<Duration>> = vec![Vec::new(); loops.len()];
    for _ in 0..rounds {
        for (i, (name, command)) in loops.iter().enumerate() {
            if *name == "curl --unix-socket" && !have_curl {
                continue;
            }
            let script = format!("i=0; while [ $i -lt {CALLS} ]; do {command}; i=$((i+1)); done");
            let start = Instant::now();
            let status = Command::new("sh")
                .arg("-c")
                .arg(&script)
                .env("PATH", &path)
                .envs(hook_env(&context, &socket))
                .status()
                .unwrap();
            assert!(status.success(), "{name} loop failed");
            per_call[i].push(start.elapsed() / CALLS as u32);
        }
    }
    let _ = stop.send(());

    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v.get(v.len() / 2).copied()
    };
    let medians: Vec<Option<Duration>> = per_call.iter_mut().map(median).collect();
    let ms =
        |d: Option<Duration>| d.map(|d| format!("{:.3} ms", d.as_secs_f64() * 1e3)).unwrap_or_else(|| "n/a".into());
    println!("tool latency: {CALLS} calls per loop, median of {rounds} interleaved rounds, per call");
    println!("jujuc binary: {} bytes", std::fs::metadata(env!("CARGO_BIN_EXE_jujuc")).unwrap().len());
    for ((name, _), m) in loops.iter().zip(&medians) {
        println!("  {name:<20} {:>10}", ms(*m));
    }
    let (t, leader, curl) = (medians[0].unwrap(), medians[1].unwrap(), medians[2]);
    let vs_true = leader.as_secs_f64() / t.as_secs_f64();
    println!("is-leader / true  = {vs_true:.2}x   (target <= 1.30x: {})", verdict(vs_true <= 1.3));
    if let Some(Some(other)) = medians.get(3) {
        let vs = other.as_secs_f64() / t.as_secs_f64();
        let gain = other.as_secs_f64() / leader.as_secs_f64();
        println!("JUJUC_OTHER / true = {vs:.2}x; this build is {gain:.2}x as fast");
    }
    match curl {
        Some(curl) => {
            let speedup = curl.as_secs_f64() / leader.as_secs_f64();
            println!("curl / is-leader  = {speedup:.2}x   (target >= 3.00x: {})", verdict(speedup >= 3.0));
        }
        None => println!("curl / is-leader  = n/a (curl with --unix-socket not available)"),
    }
}

fn hook_env(context: &str, socket: &std::path::Path) -> Vec<(String, String)> {
    vec![
        ("JUJU_CONTEXT_ID".into(), context.into()),
        ("JUJU_AGENT_SOCKET_ADDRESS".into(), socket.display().to_string()),
        ("JUJU_AGENT_SOCKET_NETWORK".into(), "unix".into()),
    ]
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "MISSED"
    }
}
