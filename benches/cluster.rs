//! End-to-end figures from real `leaderd up` clusters (release build, bundled example charm):
//! - leader-set → leader-settings-changed: from leader-set returning on the leader to the hook
//!   starting on every minion, with 3 and with 10 units (median and worst over all minions);
//! - failover: from SIGKILL of the leader's agent to leader-elected starting elsewhere, beside
//!   the lease time that was left at the kill;
//! - the agent's resident memory when idle;
//! - `leaderd config` → config-changed: from the command's start to the hook starting on every
//!   unit (the lifecycle test charm), with 3 and with 10 units.
//!
//! Run: `cargo bench --bench cluster` (ROUNDS=n leader-sets per cluster size).

use leaderd_testkit::cluster;

use std::time::{Duration, Instant};

use cluster::Up;

const T: Duration = Duration::from_secs(30);

fn main() {
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
    println!("leaderd up clusters, example charm, release build; figures in ms");
    for units in [3u32, 10] {
        let (median, worst, samples) = settings_latency(units, rounds);
        println!("  leader-set returned -> leader-settings-changed started, {units:>2} units: median {median:>6.1}  worst {worst:>6.1}  ({samples} minion hooks; negative: the minion began first)");
    }
    failover();
    idle_memory();
    for units in [3u32, 10] {
        config_latency(units, rounds);
    }
}

/// From `leaderd config` starting (a new process: it reads the state directory, makes an
/// operator token, connects over TLS) to config-changed starting on every unit.
fn config_latency(units: u32, rounds: usize) {
    let charm = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lifecycle-charm");
    let up = Up::start(Some(&charm), units, "30s");
    for i in 0..units {
        up.wait_for(&format!("lifecycle/{i}: hook start finished"), 0, T);
    }
    let mut samples: Vec<i64> = Vec::new();
    let mut returned: Vec<f64> = Vec::new();
    for round in 0..rounds {
        let from = up.lines_seen();
        let invoked = wall_ms();
        let started = Instant::now();
        let out = up.leaderd(&["config", "lifecycle", &format!("title=round{round}")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        returned.push(ms(started.elapsed()));
        for i in 0..units {
            let (_, _, line) = up.wait_for(&format!("lifecycle/{i}: hook config-changed started"), from, T);
            samples.push(time_of_day_ms(&line) - invoked);
        }
        for i in 0..units {
            up.wait_for(&format!("lifecycle/{i}: hook config-changed finished"), from, T);
        }
    }
    samples.sort();
    returned.sort_by(f64::total_cmp);
    println!(
        "  leaderd config invoked -> config-changed started, {units:>2} units: median {:>6.1}  worst {:>6.1}  ({} unit hooks; the command itself: median {:.1})",
        samples[samples.len() / 2] as f64,
        *samples.last().unwrap() as f64,
        samples.len(),
        returned[returned.len() / 2]
    );
}

/// Now, in ms since midnight UTC (the clock `up` stamps its lines with).
fn wall_ms() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    (now.as_millis() % 86_400_000) as i64
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn settings_latency(units: u32, rounds: usize) -> (f64, f64, usize) {
    let up = Up::start(None, units, "30s");
    for i in 0..units {
        up.wait_for(&format!("shared-secret/{i}: hook start finished"), 0, T);
    }
    let mut samples: Vec<i64> = Vec::new();
    let mut from_invoked: Vec<i64> = Vec::new();
    for round in 0..rounds {
        let from = up.lines_seen();
        // The moment leader-set returns, on the wall clock that `up` stamps its lines with.
        let script = format!("date +%s%3N; leader-set round={round} && date +%s%3N");
        let out = up.exec("shared-secret/leader", &["sh", "-c", &script]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stamps: Vec<i64> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().parse::<i64>().unwrap() % 86_400_000)
            .collect();
        let (invoked, returned) = (stamps[0], stamps[1]);
        let leader = up.status()["applications"][0]["leader"].as_str().unwrap().to_string();
        for i in 0..units {
            let unit = format!("shared-secret/{i}");
            if unit == leader {
                continue;
            }
            let (_, _, line) = up.wait_for(&format!("{unit}: hook leader-settings-changed started"), from, T);
            samples.push(time_of_day_ms(&line) - returned);
            from_invoked.push(time_of_day_ms(&line) - invoked);
        }
        for i in 0..units {
            let unit = format!("shared-secret/{i}");
            if unit != leader {
                up.wait_for(&format!("{unit}: hook leader-settings-changed finished"), from, T);
            }
        }
    }
    samples.sort();
    from_invoked.sort();
    println!(
        "  leader-set invoked  -> leader-settings-changed started, {units:>2} units: median {:>6.1}  worst {:>6.1}",
        from_invoked[from_invoked.len() / 2] as f64,
        *from_invoked.last().unwrap() as f64
    );
    (samples[samples.len() / 2] as f64, *samples.last().unwrap() as f64, samples.len())
}

/// The `HH:MM:SS.mmm` stamp `up` puts on a line, in ms since midnight UTC.
fn time_of_day_ms(line: &str) -> i64 {
    let stamp = line.split(' ').next().unwrap();
    let (hms, ms) = stamp.split_once('.').unwrap();
    let parts: Vec<i64> = hms.split(':').map(|p| p.parse().unwrap()).collect();
    ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + ms.parse::<i64>().unwrap()
}

fn failover() {
    let up = Up::start(None, 5, "2s");
    for i in 0..5 {
        up.wait_for(&format!("shared-secret/{i}: hook start finished"), 0, T);
    }
    println!("  failover (guarantee 2s, lease 4s): kill -9 the leader's agent, wait for leader-elected elsewhere");
    for _ in 0..4 {
        let status = up.status();
        let asked = Instant::now();
        let app = &status["applications"][0];
        let leader = app["leader"].as_str().unwrap().to_string();
        let term = app["term"].as_u64().unwrap();
        let remaining = Duration::from_millis(app["lease_remaining_ms"].as_u64().unwrap());
        let pid = app["units"].as_array().unwrap().iter().find(|u| u["name"] == leader.as_str()).unwrap()["pid"]
            .as_u64()
            .unwrap();
        let from = up.lines_seen();
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        let killed = Instant::now();
        let left_at_kill = remaining.saturating_sub(killed - asked);
        let (_, elected, line) = up.wait_for(&format!("leader elected (term {})", term + 1), from, T);
        let (_, hook, _) = up.wait_for("hook leader-elected started", from, T);
        println!(
            "    lease left at kill {:>6.0}  kill -> leader elected {:>6.0}  kill -> leader-elected hook {:>6.0}  beyond the lease {:>5.0}   ({})",
            ms(left_at_kill),
            ms(elected - killed),
            ms(hook - killed),
            ms(hook - killed) - ms(left_at_kill),
            line.split(": ").next().unwrap_or("").split(' ').nth(1).unwrap_or("")
        );
    }
}

fn idle_memory() {
    let up = Up::start(None, 3, "30s");
    for i in 0..3 {
        up.wait_for(&format!("shared-secret/{i}: hook start finished"), 0, T);
    }
    std::thread::sleep(Duration::from_secs(2));
    let record = up.up_json();
    let mut rss: Vec<u64> = record["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let status = std::fs::read_to_string(format!("/proc/{}/status", u["pid"].as_u64().unwrap())).unwrap();
            let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap().to_string();
            line.split_whitespace().nth(1).unwrap().parse().unwrap()
        })
        .collect();
    rss.sort();
    let controller =
        std::fs::read_to_string(format!("/proc/{}/status", record["controller"]["pid"].as_u64().unwrap())).unwrap();
    let controller_rss =
        controller.lines().find(|l| l.starts_with("VmRSS:")).unwrap().split_whitespace().nth(1).unwrap().to_string();
    println!(
        "  idle resident memory: agents {:?} KiB (median {} KiB); controller {controller_rss} KiB",
        rss,
        rss[rss.len() / 2]
    );
}
