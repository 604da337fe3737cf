//! Who is calling. Every request carries `Authorization: Bearer <token>`, where a token is
//! `<principal>:<hex HMAC-SHA256 of the principal under the controller's secret>`. A unit's
//! principal is its name (`app/0`); the operator's is `operator`. Any number of controllers
//! that share the secret verify the same tokens without sharing anything else.

use std::path::Path;

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
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let text = text.trim();
                anyhow::ensure!(
                    text.len() >= 32,
                    "{}: the secret is too short (at least 32 characters)",
                    path.display()
                );
                Ok(Secret(text.as_bytes().to_vec()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut random = [0u8; 32];
                getrandom::fill(&mut random)
                    .map_err(|e| anyhow::anyhow!("reading the OS random number generator: {e}"))?;
                let text = hex::encode(random);
                write_private(path, &format!("{text}\n"))?;
                Ok(Secret(text.into_bytes()))
            }
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
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

    fn mac(&self, principal: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(principal.as_bytes());
        mac
    }

    /// The token for a principal (`app/0` or [`OPERATOR`]).
    pub fn token(&self, principal: &str) -> String {
        format!("{principal}:{}", hex::encode(self.mac(principal).finalize().into_bytes()))
    }

    /// Checks an `Authorization` header value; the comparison is constant-time.
    pub fn verify(&self, header: &str) -> Result<Caller, String> {
        let token = header.strip_prefix("Bearer ").ok_or("expected \"Authorization: Bearer <token>\"")?;
        let (principal, tag) = token.rsplit_once(':').ok_or("malformed token")?;
        let tag = hex::decode(tag).map_err(|_| "malformed token")?;
        self.mac(principal).verify_slice(&tag).map_err(|_| "invalid token")?;
        if principal == OPERATOR {
            return Ok(Caller::Operator);
        }
        crate::names::unit_application(principal)?;
        Ok(Caller::Unit(principal.to_string()))
    }
}

/// Writes `text` to `path`, readable by the owner only.
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::private::create_dir(dir)?;
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

    #[test]
    fn tokens_verify_only_under_their_secret_and_for_their_principal() {
        let secret = Secret::new(b"0123456789abcdef0123456789abcdef".to_vec());
        let other = Secret::new(b"fedcba9876543210fedcba9876543210".to_vec());
        let token = secret.token("app/0");
        assert_eq!(secret.verify(&format!("Bearer {token}")), Ok(Caller::Unit("app/0".into())));
        assert_eq!(secret.verify(&format!("Bearer {}", secret.token(OPERATOR))), Ok(Caller::Operator));
        assert!(other.verify(&format!("Bearer {token}")).is_err(), "another controller's secret");
        let forged = token.replace("app/0", "app/1");
        assert_eq!(secret.verify(&format!("Bearer {forged}")), Err("invalid token".into()));
        assert!(secret.verify(&token).is_err(), "no Bearer");
        assert!(secret.verify("Bearer nonsense").is_err());
        let bad_name = secret.token("App/0");
        assert!(secret.verify(&format!("Bearer {bad_name}")).unwrap_err().contains("not a valid unit name"));
    }

    #[test]
    fn the_secret_file_is_created_private_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/secret");
        let created = Secret::load_or_create(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(Secret::load(&path).unwrap().token("a/0"), created.token("a/0"));
        assert!(Secret::load(&dir.path().join("missing")).is_err());
    }
}
