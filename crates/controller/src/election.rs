//! Electing one active controller through etcd (cargo feature `etcd`).
//!
//! Each controller opens an etcd session (a lease with `--etcd-session-ttl`), keeps it alive,
//! and tries to create the election key on it: whoever creates the key is active until its
//! session ends; the others poll and take over once the key is gone (the session expired or was
//! revoked). The winner first fences the store on the key's create revision (every write
//! compares it), then loads the whole state and honours every persisted holder for the maximum
//! lease, and only then serves units. `active::check` keeps an active controller granting only
//! while its session is confirmed; when it cannot confirm it (etcd unreachable, quorum lost, the
//! process paused), it steps down, revokes the session if it can, and campaigns again, loading
//! everything anew if it wins.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use etcd_client::{Compare, CompareOp, PutOptions, Txn, TxnOp, TxnOpResponse};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::time::Instant;

use super::active::{self, Keepalives, Role};
use super::Controller;
use crate::store::etcd::{Endpoints, Fence, SharedFence};
use crate::store::etcd_keys::Layout;

/// What the election key holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Candidate {
    /// The URL agents should use for the active controller.
    url: String,
    /// This process, so that a key it left on an older session of its own is recognised.
    instance: String,
}

/// The election's settings.
#[derive(Debug, Clone)]
pub struct ElectionOptions {
    /// The etcd session TTL: how long after a controller's last keepalive another may take over.
    pub session_ttl: Duration,
    /// The URL this controller is reached at, which standbys name.
    pub url: String,
    /// Its secret's fingerprint (`auth::Secret::fingerprint`), checked against the one the
    /// controllers before it recorded on this etcd.
    pub secret_fingerprint: String,
}

/// Runs the election until `stop` turns true, then revokes the session (a clean stop hands over
/// at once rather than after the TTL).
pub async fn run(
    client: Endpoints,
    layout: Layout,
    options: ElectionOptions,
    controller: Arc<Controller>,
    fence: SharedFence,
    mut stop: watch::Receiver<bool>,
) {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    let me = Candidate { url: options.url.clone(), instance: hex::encode(bytes) };
    let mut election = Election { client, layout, options, controller, fence, me, session: None };
    let mut said: Option<(String, Instant)> = None;
    loop {
        let outcome = tokio::select! {
            outcome = election.term() => outcome,
            _ = stop.wait_for(|s| *s) => break,
        };
        election.step_down();
        let mut pause = election.poll();
        if let Err(e) = outcome {
            let error = format!("{e:#}");
            // The same failure again and again (etcd down, say) is said once a while, not at
            // every try.
            let now = Instant::now();
            if said.as_ref().is_none_or(|(last, at)| *last != error || now.duration_since(*at) >= REPEAT_AFTER) {
                tracing::warn!(error, "controller election: {}", "starting over");
                said = Some((error, now));
            }
            if e.is::<SecretMismatch>() || e.is::<UnreadableMaxLease>() {
                // A configuration mistake: do not take the key from the right controllers
                // again and again; look again now and then.
                pause = SECRET_RECHECK;
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    election.step_down();
    election.revoke_session().await;
}

/// How often the same election failure is logged again.
const REPEAT_AFTER: Duration = Duration::from_secs(30);

/// How often a controller whose secret is not the recorded one looks again.
const SECRET_RECHECK: Duration = Duration::from_secs(10);

/// This controller's secret is not the one the controllers before it recorded on this etcd.
#[derive(Debug, thiserror::Error)]
#[error(
    "this controller's --secret-file is not the one the controllers before it used on this etcd \
     (every token they issued would be refused here), so it does not serve: give every controller \
     the same secret file (to change the secret on purpose, delete the etcd key {key})"
)]
struct SecretMismatch {
    key: String,
}

/// The recorded longest `--max-lease` is not a number of milliseconds (someone wrote another
/// value there): how long the loaded holders may still lead is unknown, so this controller does
/// not serve rather than honour them for less than they may have been granted.
#[derive(Debug, thiserror::Error)]
#[error(
    "the etcd key {key} holds {value:?}, not the longest --max-lease in milliseconds, so how long \
     the current leaders may still lead is unknown and this controller does not serve: put the \
     longest --max-lease any controller on this etcd had there, in milliseconds (e.g. 300000 for 5m)"
)]
struct UnreadableMaxLease {
    key: String,
    value: String,
}

struct Election {
    client: Endpoints,
    layout: Layout,
    options: ElectionOptions,
    controller: Arc<Controller>,
    fence: SharedFence,
    me: Candidate,
    session: Option<i64>,
}

impl Election {
    /// The session TTL in whole seconds, as etcd takes it (etcd grants at least that, never
    /// less, so the rule in `active` counts with the smaller figure).
    fn ttl(&self) -> Duration {
        Duration::from_secs(self.options.session_ttl.as_secs().max(1))
    }

    /// How often a standby looks at the key, and an active controller sends a keepalive.
    fn poll(&self) -> Duration {
        (self.ttl() / 4).clamp(Duration::from_millis(100), Duration::from_secs(1))
    }

    fn step_down(&mut self) {
        *self.fence.lock().unwrap() = Fence::Standby;
        if self.controller.role().is_active() {
            tracing::warn!(url = self.me.url, "stepping down: no longer the active controller");
        }
        self.controller.set_role(Role::Standby { active: None });
    }

    async fn revoke_session(&mut self) {
        if let Some(id) = self.session.take() {
            let _ = tokio::time::timeout(
                Duration::from_secs(2),
                self.client.call(|mut c| async move { c.lease_revoke(id).await }),
            )
            .await;
        }
    }

    /// One session: campaign, lead while the session is confirmed, return when it is not.
    async fn term(&mut self) -> anyhow::Result<()> {
        self.revoke_session().await;
        // A controller whose secret is not the recorded one does not even campaign (it would
        // hold the key, refuse to serve, and keep the right ones out).
        self.check_recorded_secret().await?;
        let client = self.client.clone();
        let ttl_secs = self.ttl().as_secs() as i64;
        let sent = Instant::now();
        let lease = client
            .call(|mut c| async move { c.lease_grant(ttl_secs, None).await })
            .await
            .with_context(|| format!("opening a session at etcd {}", client.describe()))?;
        let id = lease.id();
        self.session = Some(id);
        let mut confirmed = sent;
        let key = self.layout.election_key();
        let value = serde_json::to_vec(&self.me)?;
        let (mut keeper, mut stream) = client.call(|mut c| async move { c.lease_keep_alive(id).await }).await?;
        let mut keepalives = Keepalives::default();
        // Campaign until this controller wins, keeping the session alive meanwhile.
        let create_revision = loop {
            if Instant::now() >= active::deadline(self.ttl(), confirmed) {
                anyhow::bail!("the etcd session could not be confirmed in time");
            }
            let txn = Txn::new()
                .when([Compare::create_revision(key.as_str(), CompareOp::Equal, 0)])
                .and_then([TxnOp::put(key.as_str(), value.clone(), Some(PutOptions::new().with_lease(id)))])
                .or_else([TxnOp::get(key.as_str(), None)]);
            let answer = client
                .call(|mut c| {
                    let txn = txn.clone();
                    async move { c.txn(txn).await }
                })
                .await?;
            if answer.succeeded() {
                break answer.header().map(|h| h.revision()).unwrap_or_default();
            }
            let holder = answer.op_responses().into_iter().find_map(|r| match r {
                TxnOpResponse::Get(get) => get.kvs().first().map(|kv| (kv.value().to_vec(), kv.lease())),
                _ => None,
            });
            match holder {
                // Every controller writes the key on its session, so it goes when the session
                // does; one on no session (written by hand) would keep every controller out for
                // good, silently.
                Some((_, 0)) => anyhow::bail!(
                    "the election key {key} is held by no etcd session (written by hand?), so no controller \
                     can become active until it is deleted"
                ),
                Some((v, their_session)) => match serde_json::from_slice::<Candidate>(&v) {
                    // A key of this process's own from an older session: let it go now.
                    Ok(c) if c.instance == self.me.instance && their_session != id => {
                        let _ = client.call(|mut c| async move { c.lease_revoke(their_session).await }).await;
                        continue;
                    }
                    Ok(c) => self.controller.set_role(Role::Standby { active: Some(c.url) }),
                    Err(_) => self.controller.set_role(Role::Standby { active: None }),
                },
                None => continue,
            }
            tokio::time::sleep(self.poll()).await;
            confirmed = keep_alive(&client, id, &mut keeper, &mut stream, &mut keepalives, self.poll())
                .await?
                .map_or(confirmed, |sent| sent.max(confirmed));
        };
        // Won. Fence first, so the reload sees every write the previous active controller made
        // and nothing it might still try; then load and serve.
        *self.fence.lock().unwrap() = Fence::Active { key: key.clone(), create_revision };
        self.check_secret(&key, create_revision).await?;
        let grace = self.longest_max_lease(&key, create_revision).await?;
        self.controller.reload_honouring(grace).await?;
        self.controller.set_role(Role::Active { ttl: self.ttl(), confirmed_sent: confirmed });
        tracing::info!(url = self.me.url, "this controller is now the active one");
        loop {
            tokio::time::sleep(self.poll()).await;
            match keep_alive(&client, id, &mut keeper, &mut stream, &mut keepalives, self.poll()).await {
                Ok(Some(sent)) => self.controller.confirm_session(sent),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = format!("{e:#}"), "etcd keepalive failed"),
            }
            if let Err(refusal) = self.controller.check_active(Instant::now()) {
                anyhow::bail!("{refusal}");
            }
            if !self.fence_holds() {
                anyhow::bail!("the election key was taken: this controller was deposed");
            }
        }
    }

    /// Refuses to serve with a secret other than the one the controllers before this one used
    /// on this etcd: every token they issued (each agent's, the operator's) would be refused
    /// here, so the units would lose their leader for a configuration mistake. Compares the
    /// fingerprints, recording this one's if none is recorded (under the fence). To change the
    /// secret on purpose, delete the key (`PREFIX/controller/secret`) as the controllers restart
    /// with the new one.
    async fn check_secret(&self, key: &str, create_revision: i64) -> anyhow::Result<()> {
        let fingerprint = self.options.secret_fingerprint.clone();
        let recorded = self.layout.secret_key();
        let txn = Txn::new()
            .when([
                Compare::create_revision(key, CompareOp::Equal, create_revision),
                Compare::create_revision(recorded.as_str(), CompareOp::Equal, 0),
            ])
            .and_then([TxnOp::put(recorded.as_str(), fingerprint.clone(), None)])
            .or_else([TxnOp::get(recorded.as_str(), None)]);
        let answer = self
            .client
            .call(|mut c| {
                let txn = txn.clone();
                async move { c.txn(txn).await }
            })
            .await?;
        if answer.succeeded() {
            return Ok(());
        }
        let theirs = answer.op_responses().into_iter().find_map(|r| match r {
            TxnOpResponse::Get(get) => get.kvs().first().map(|kv| kv.value().to_vec()),
            _ => None,
        });
        match theirs {
            Some(v) if v == fingerprint.as_bytes() => Ok(()),
            Some(_) => Err(SecretMismatch { key: recorded }.into()),
            None => anyhow::bail!("the election key was taken: this controller was deposed"),
        }
    }

    /// The longest `--max-lease` of this controller and every one active before it on this
    /// prefix, recorded (under the fence) if this one's is the longest: a holder one of them
    /// granted may hold its lease that long, so the holders loaded now are honoured that long,
    /// whatever this controller's own `--max-lease`.
    async fn longest_max_lease(&self, key: &str, create_revision: i64) -> anyhow::Result<Duration> {
        let mine = self.controller.config().max_lease.as_millis() as u64;
        let recorded_key = self.layout.max_lease_key();
        // Another controller can only move the key while it is active, and this one is now:
        // a refusal means this one was deposed, or a deposed one's write was late. A few tries.
        for _ in 0..5 {
            let get_key = recorded_key.clone();
            let answer = self
                .client
                .call(|mut c| {
                    let k = get_key.clone();
                    async move { c.get(k, None).await }
                })
                .await?;
            let (recorded, revision) = match answer.kvs().first() {
                Some(kv) => match std::str::from_utf8(kv.value()).ok().and_then(|v| v.trim().parse::<u64>().ok()) {
                    Some(ms) => (Some(ms), kv.mod_revision()),
                    // Not written over: the value it replaced may have been longer than this
                    // controller's, and is lost.
                    None => {
                        let value = String::from_utf8_lossy(kv.value()).chars().take(40).collect();
                        return Err(UnreadableMaxLease { key: recorded_key, value }.into());
                    }
                },
                None => (None, 0),
            };
            if recorded.is_some_and(|r| r >= mine) {
                return Ok(Duration::from_millis(recorded.unwrap_or(mine)));
            }
            // Record mine, unless the key moved meanwhile (then look again) or this controller
            // was deposed.
            let unchanged = match revision {
                0 => Compare::create_revision(recorded_key.as_str(), CompareOp::Equal, 0),
                r => Compare::mod_revision(recorded_key.as_str(), CompareOp::Equal, r),
            };
            let txn = Txn::new()
                .when([Compare::create_revision(key, CompareOp::Equal, create_revision), unchanged])
                .and_then([TxnOp::put(recorded_key.as_str(), mine.to_string(), None)]);
            let answer = self
                .client
                .call(|mut c| {
                    let txn = txn.clone();
                    async move { c.txn(txn).await }
                })
                .await?;
            if answer.succeeded() {
                return Ok(Duration::from_millis(mine));
            }
        }
        anyhow::bail!("could not record this controller's --max-lease at {recorded_key}: was it deposed?")
    }

    /// [`Election::check_secret`] before campaigning: refuses if another secret is recorded.
    async fn check_recorded_secret(&self) -> anyhow::Result<()> {
        let recorded = self.layout.secret_key();
        let key = recorded.clone();
        let answer = self.client.call(|mut c| {
            let key = key.clone();
            async move { c.get(key, None).await }
        });
        let answer = answer.await.with_context(|| format!("reading {recorded} at etcd {}", self.client.describe()))?;
        match answer.kvs().first() {
            Some(kv) if kv.value() != self.options.secret_fingerprint.as_bytes() => {
                Err(SecretMismatch { key: recorded }.into())
            }
            _ => Ok(()),
        }
    }

    fn fence_holds(&self) -> bool {
        matches!(*self.fence.lock().unwrap(), Fence::Active { .. })
    }
}

/// Sends one keepalive and waits for the answers still due on the stream: `Some(sent)` when etcd
/// confirmed the session, `sent` being when the keepalive that answer belongs to was sent (an
/// earlier one's, when its answer was late: see [`Keepalives`]); `None` when no answer came in
/// time (the caller's deadline decides); an error when etcd said the session is gone. A broken
/// or silent stream is reopened, at the next member.
async fn keep_alive(
    client: &Endpoints,
    id: i64,
    keeper: &mut etcd_client::LeaseKeeper,
    stream: &mut etcd_client::LeaseKeepAliveStream,
    keepalives: &mut Keepalives,
    wait: Duration,
) -> anyhow::Result<Option<Instant>> {
    let deadline = Instant::now() + wait;
    let mut confirmed = None;
    let sent = Instant::now();
    if let Ok(Ok(())) = tokio::time::timeout_at(deadline, keeper.keep_alive()).await {
        keepalives.sent(sent);
        loop {
            match tokio::time::timeout_at(deadline, stream.message()).await {
                Ok(Ok(Some(r))) if r.ttl() > 0 => {
                    confirmed = keepalives.answered().or(confirmed);
                    if !keepalives.waiting() {
                        return Ok(confirmed);
                    }
                }
                Ok(Ok(Some(_))) => anyhow::bail!("etcd says the session has expired"),
                Ok(Ok(None)) | Ok(Err(_)) | Err(_) => break,
            }
        }
    }
    // The stream broke (etcd restarted, or the member went away) or no answer came in time (the
    // member may be cut off): reopen it at the next member. Answers still due on the old one
    // never come.
    client.rotate();
    if let Ok(Ok((k, s))) = tokio::time::timeout(wait, client.client().lease_keep_alive(id)).await {
        *keeper = k;
        *stream = s;
        keepalives.reset();
    }
    Ok(confirmed)
}
