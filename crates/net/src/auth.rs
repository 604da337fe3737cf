//! Who is calling. Every request carries `Authorization: Bearer <token>`, where a token is
//! `<principal>:<expiry>:<hex HMAC-SHA256 of "<principal>:<expiry>" under the controller's
//! secret>`, `<expiry>` being the Unix time (seconds) after which it is refused. A unit's
//! principal is its name (`app/0`); the operator's is `operator`. Any number of controllers
//! that share the secret (and a clock) verify the same tokens without sharing anything else.
//! A holder of a live token gets a fresh one from `POST /v1/token/renew`.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The operator's principal; not a valid unit name, so it cannot collide with one.
pub const OPERATOR: &str = "operator";

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    Unit(String),
    Operator,
}

/// The controller's secret key.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(bytes)
    }

    /// Reads the secret file, creating it (32 random bytes, hex, mode 0600) if it is missing.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Secret> {
        match std::fs::symlink_metadata(path) {
            Ok(_) => {
                // A secret someone else planted, can change or can read would let them mint
                // tokens. Checked before it is read (a FIFO would hang the read).
                leaderd_sys::private::check_secret(path)?;
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                let text = text.trim();
                anyhow::ensure!(
                    text.len() >= 32,
                    "{}: the secret is too short (at least 32 characters)",
                    path.display()
                );
                Ok(Secret(text.as_bytes().to_vec()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = random_text()?;
                write_private(path, &format!("{text}\n"))?;
                Ok(Secret(text.into_bytes()))
            }
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Writes a new secret to `path` (32 random bytes, hex, 0600), replacing the one there in
    /// one step: no token minted from the old one verifies under it. An existing file is checked
    /// first as [`Secret::load_or_create`] checks it (a secret others could write says someone
    /// else may have been in the directory).
    pub fn renew(path: &Path) -> anyhow::Result<Secret> {
        if path.symlink_metadata().is_ok() {
            leaderd_sys::private::check_own(path)?;
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            leaderd_sys::private::create_dir(dir)?;
        }
        let text = random_text()?;
        leaderd_sys::private::write_atomic(path, format!("{text}\n").as_bytes())?;
        Ok(Secret(text.into_bytes()))
    }

    /// Reads an existing secret file.
    pub fn load(path: &Path) -> anyhow::Result<Secret> {
        anyhow::ensure!(
            path.exists(),
            "{}: no such secret file (the controller creates it on first start)",
            path.display()
        );
        Secret::load_or_create(path)
    }

    fn mac(&self, principal: &str, expiry: u64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(format!("{principal}:{expiry}").as_bytes());
        mac
    }

    /// The token for a principal (`app/0` or [`OPERATOR`]) that expires at Unix time `expiry`.
    pub fn token_until(&self, principal: &str, expiry: u64) -> String {
        format!("{principal}:{expiry}:{}", hex::encode(self.mac(principal, expiry).finalize().into_bytes()))
    }

    /// A fingerprint of the secret, for controllers sharing one etcd to compare: the MAC of a
    /// name no principal has, under an expiry long past, so it is no token anyone could use.
    pub fn fingerprint(&self) -> String {
        hex::encode(self.mac("#secret-fingerprint", 0).finalize().into_bytes())
    }

    /// A token for `principal` that lives `ttl` from now.
    pub fn token(&self, principal: &str, ttl: Duration) -> String {
        self.token_until(principal, unix_now().saturating_add(ttl.as_secs().max(1)))
    }

    /// Checks an `Authorization` header value at Unix time `now`; the comparison of the MAC
    /// is constant-time, and the expiry is checked only once the MAC holds.
    pub fn verify_at(&self, header: &str, now: u64) -> Result<Verified, AuthError> {
        let token = header.strip_prefix("Bearer ").ok_or(AuthError::NotBearer)?;
        let (principal, expiry, tag) = parse(token).ok_or(AuthError::Malformed)?;
        let tag = hex::decode(tag).map_err(|_| AuthError::Malformed)?;
        self.mac(principal, expiry).verify_slice(&tag).map_err(|_| AuthError::Invalid)?;
        if expiry <= now {
            return Err(AuthError::Expired { expiry, ago: now - expiry });
        }
        let caller = if principal == OPERATOR {
            Caller::Operator
        } else {
            leaderd_core::names::unit_application(principal).map_err(AuthError::Principal)?;
            Caller::Unit(principal.to_string())
        };
        Ok(Verified { caller, expiry })
    }

    /// [`Secret::verify_at`] now.
    pub fn verify(&self, header: &str) -> Result<Verified, AuthError> {
        self.verify_at(header, unix_now())
    }
}

/// A token that checked out: who, and until when.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub caller: Caller,
    pub expiry: u64,
}

/// Why a token was refused (each answered 401).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AuthError {
    #[error("expected \"Authorization: Bearer <token>\"")]
    NotBearer,
    #[error("malformed token (expected <principal>:<expiry>:<mac>)")]
    Malformed,
    #[error("invalid token")]
    Invalid,
    #[error("token expired {ago}s ago (at Unix time {expiry}): get a fresh one with `leaderd token`")]
    Expired { expiry: u64, ago: u64 },
    #[error("{0}")]
    Principal(leaderd_core::names::NameError),
}

/// `<principal>:<expiry>:<tag>`, split; the principal is everything before the last two colons.
fn parse(token: &str) -> Option<(&str, u64, &str)> {
    let (rest, tag) = token.rsplit_once(':')?;
    let (principal, expiry) = rest.rsplit_once(':')?;
    if expiry.is_empty() || !expiry.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((principal, expiry.parse().ok()?, tag))
}

/// The expiry written in a token, without checking it (a client planning its renewal).
pub fn token_expiry(token: &str) -> Option<u64> {
    parse(token).map(|(_, expiry, _)| expiry)
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// How long a token lives unless told otherwise: a day. Agents renew theirs when half of
/// what is left has passed, so a token given to a long-running agent is replaced long before
/// it expires.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(24 * 3600);

/// Writes `text` to `path`, readable by the owner only.
/// 32 random bytes, hex: a new secret's text.
fn random_text() -> anyhow::Result<String> {
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("reading the OS random number generator: {e}"))?;
    Ok(hex::encode(random))
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        leaderd_sys::private::create_dir(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);

    fn unit(name: &str) -> Result<Caller, AuthError> {
        Ok(Caller::Unit(name.into()))
    }

    #[test]
    fn tokens_verify_only_under_their_secret_and_for_their_principal() {
        let secret = Secret::new(b"0123456789abcdef0123456789abcdef".to_vec());
        let other = Secret::new(b"fedcba9876543210fedcba9876543210".to_vec());
        let token = secret.token("app/0", DAY);
        let check = |s: &Secret, t: &str| s.verify(&format!("Bearer {t}")).map(|v| v.caller);
        assert_eq!(check(&secret, &token), unit("app/0"));
        assert_eq!(check(&secret, &secret.token(OPERATOR, DAY)), Ok(Caller::Operator));
        assert_eq!(check(&other, &token), Err(AuthError::Invalid), "another controller's secret");
        assert_eq!(check(&secret, &token.replace("app/0", "app/1")), Err(AuthError::Invalid));
        assert_eq!(secret.verify(&token), Err(AuthError::NotBearer));
        assert_eq!(check(&secret, "nonsense"), Err(AuthError::Malformed));
        // The old form, without an expiry, is refused.
        assert_eq!(check(&secret, "app/0:abcd"), Err(AuthError::Malformed));
        let bad_name = secret.token("App/0", DAY);
        assert!(check(&secret, &bad_name).unwrap_err().to_string().contains("not a valid unit name"));
    }

    #[test]
    fn a_renewed_secret_refuses_the_old_ones_tokens_and_one_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        let old = Secret::load_or_create(&path).unwrap();
        let token = format!("Bearer {}", old.token("app/0", DAY));
        let new = Secret::renew(&path).unwrap();
        assert_eq!(new.verify(&token), Err(AuthError::Invalid));
        let loaded = Secret::load(&path).unwrap();
        assert!(loaded.verify(&format!("Bearer {}", new.token("app/0", DAY))).is_ok(), "the file holds the new one");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let err = Secret::renew(&path).unwrap_err().to_string();
        assert!(err.contains("can be written by other users"), "{err}");
        // None yet: one is made.
        Secret::renew(&dir.path().join("sub/secret")).unwrap();
    }

    #[test]
    fn a_token_carries_its_expiry_and_is_refused_after_it() {
        let secret = Secret::new(b"0123456789abcdef0123456789abcdef".to_vec());
        let token = secret.token_until("app/0", 1_000);
        assert_eq!(token_expiry(&token), Some(1_000));
        let header = format!("Bearer {token}");
        assert_eq!(
            secret.verify_at(&header, 999),
            Ok(Verified { caller: Caller::Unit("app/0".into()), expiry: 1_000 })
        );
        let expired = secret.verify_at(&header, 1_030).unwrap_err();
        assert_eq!(expired, AuthError::Expired { expiry: 1_000, ago: 30 });
        assert!(expired.to_string().contains("token expired 30s ago"), "{expired}");
        // Moving the expiry breaks the MAC.
        let extended = token.replace(":1000:", ":9999999999:");
        assert_eq!(secret.verify_at(&format!("Bearer {extended}"), 999), Err(AuthError::Invalid));
        // A fresh token lives the TTL from now.
        let fresh = token_expiry(&secret.token("app/0", DAY)).unwrap();
        assert!(fresh.abs_diff(unix_now() + DAY.as_secs()) <= 2);
    }

    #[test]
    fn the_secret_file_is_created_private_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/secret");
        let created = Secret::load_or_create(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(Secret::load(&path).unwrap().token_until("a/0", 5), created.token_until("a/0", 5));
        assert!(Secret::load(&dir.path().join("missing")).is_err());
    }
}
