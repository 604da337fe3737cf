//! `leaderd up --etcd local[:M]`: an etcd cluster of M members (default 1) from the `etcd` on
//! PATH, on loopback ports, with its data in the state directory (`etcd/m0`, ...), started
//! before the controllers and stopped after them. Fast elections (100 ms heartbeats, 1 s
//! election timeout) so that losing a member is over quickly on one machine.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::process::{Child, Command};

/// Where the controllers' etcd comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EtcdChoice {
    /// `--etcd http://h1:2379,...[/prefix]`: an etcd cluster that is already running.
    Endpoints(String),
    /// `--etcd local[:M]`: M members started here.
    Local(u32),
}

impl EtcdChoice {
    pub fn parse(text: &str) -> anyhow::Result<EtcdChoice> {
        match text.strip_prefix("local") {
            Some("") => Ok(EtcdChoice::Local(1)),
            Some(rest) => {
                let n: u32 = rest
                    .strip_prefix(':')
                    .and_then(|n| n.parse().ok())
                    .filter(|n| (1..=7).contains(n))
                    .with_context(|| format!("--etcd {text}: use local, or local:M with M from 1 to 7 members"))?;
                Ok(EtcdChoice::Local(n))
            }
            None => {
                leaderd_controller::store::etcd_keys::EtcdSpec::parse(text)?;
                Ok(EtcdChoice::Endpoints(text.to_string()))
            }
        }
    }
}

/// The `--store` for `up`'s controllers, and the local etcd when `up` starts one: SQLite in
/// the state directory for one controller without `--etcd`.
pub(crate) async fn store_for(
    state: &Path,
    controllers: u32,
    etcd: Option<&str>,
) -> anyhow::Result<(String, Option<LocalEtcd>)> {
    let choice = etcd.map(EtcdChoice::parse).transpose()?;
    #[cfg(not(feature = "etcd"))]
    anyhow::ensure!(
        choice.is_none(),
        "this leaderd was built without etcd support: build it with `cargo build --features etcd`"
    );
    match choice {
        None => {
            anyhow::ensure!(
                controllers <= 1,
                "--controllers {controllers} needs --etcd: several controllers share their state through etcd \
                 (--etcd local starts one here)"
            );
            Ok((format!("sqlite:{}", state.join("controller.db").display()), None))
        }
        Some(EtcdChoice::Endpoints(spec)) => Ok((format!("etcd:{spec}"), None)),
        Some(EtcdChoice::Local(n)) => {
            let local = LocalEtcd::start(state, n).await?;
            Ok((format!("etcd:{}", local.endpoints), Some(local)))
        }
    }
}

/// The local etcd members, stopped (SIGTERM, then SIGKILL) by [`LocalEtcd::stop`].
pub(crate) struct LocalEtcd {
    pub members: Vec<Child>,
    /// The client URLs, comma-separated: what the controllers' `--store etcd:` takes.
    pub endpoints: String,
    pub dir: PathBuf,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The `etcd` binary, or an error that says which package has it.
pub(crate) fn find_etcd() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join("etcd")).find(|p| p.is_file()).context(
        "leaderd up --etcd local needs the etcd server on PATH: install it (Debian, Ubuntu: apt-get install \
         etcd-server), or give --etcd http://HOST:2379 for an etcd that is already running",
    )
}

impl LocalEtcd {
    /// Starts `n` members with fresh data under `state/etcd` and waits until the cluster
    /// answers.
    pub async fn start(state: &Path, n: u32) -> anyhow::Result<LocalEtcd> {
        let etcd = find_etcd()?;
        let dir = state.join("etcd");
        let _ = std::fs::remove_dir_all(&dir);
        leaderd_sys::private::create_state_dir(&dir)?;
        let mut ports = Vec::new();
        for _ in 0..n {
            ports.push((free_port()?, free_port()?));
        }
        let initial: Vec<String> =
            ports.iter().enumerate().map(|(i, (_, peer))| format!("m{i}=http://127.0.0.1:{peer}")).collect();
        let mut members = Vec::new();
        let mut urls = Vec::new();
        for (i, (client, peer)) in ports.iter().enumerate() {
            let url = format!("http://127.0.0.1:{client}");
            let log = leaderd_sys::private::append(&dir.join(format!("m{i}.log")))?;
            let child = Command::new(&etcd)
                .arg(format!("--name=m{i}"))
                .arg(format!("--data-dir={}", dir.join(format!("m{i}")).display()))
                .arg(format!("--listen-client-urls={url}"))
                .arg(format!("--advertise-client-urls={url}"))
                .arg(format!("--listen-peer-urls=http://127.0.0.1:{peer}"))
                .arg(format!("--initial-advertise-peer-urls=http://127.0.0.1:{peer}"))
                .arg(format!("--initial-cluster={}", initial.join(",")))
                .args(["--initial-cluster-state=new", "--initial-cluster-token=leaderd-up"])
                .args(["--heartbeat-interval=100", "--election-timeout=1000"])
                // A batch of the controller's writer is one transaction: room for big ones.
                .arg("--max-txn-ops=4096")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .process_group(0)
                .kill_on_drop(true)
                .spawn()
                .with_context(|| format!("starting {}", etcd.display()))?;
            members.push(child);
            urls.push(url);
        }
        let local = LocalEtcd { members, endpoints: urls.join(","), dir };
        local.wait_healthy(Duration::from_secs(20)).await?;
        Ok(local)
    }

    async fn wait_healthy(&self, timeout: Duration) -> anyhow::Result<()> {
        let http =
            leaderd_net::tls::http_client("http://x", &leaderd_net::tls::Trust::InsecureHttp, Duration::from_secs(1))?;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            for url in self.endpoints.split(',') {
                let answer = http.get(format!("{url}/health")).timeout(Duration::from_secs(1)).send().await;
                if let Ok(r) = answer {
                    if r.text().await.is_ok_and(|t| t.contains("\"true\"")) {
                        return Ok(());
                    }
                }
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "the local etcd did not become healthy within {}; see {}/m*.log",
                leaderd_core::duration::format(timeout),
                self.dir.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGTERM to every member, SIGKILL after 5 s.
    pub async fn stop(&mut self) {
        for child in &mut self.members {
            if let Some(pid) = child.id() {
                // A member this process started and has not reaped: the pid is still its.
                leaderd_sys::process::signal(pid, leaderd_sys::process::Signal::TERM);
            }
        }
        for child in &mut self.members {
            if tokio::time::timeout(Duration::from_secs(5), child.wait()).await.is_err() {
                let _ = child.kill().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices() {
        assert_eq!(EtcdChoice::parse("local").unwrap(), EtcdChoice::Local(1));
        assert_eq!(EtcdChoice::parse("local:3").unwrap(), EtcdChoice::Local(3));
        assert_eq!(EtcdChoice::parse("http://h:2379/p").unwrap(), EtcdChoice::Endpoints("http://h:2379/p".into()));
        for bad in ["local:0", "local:9", "local:x", "localhost:2379", "h:2379"] {
            assert!(EtcdChoice::parse(bad).is_err(), "{bad}");
        }
    }
}
