//! TLS between agents and the controller: the controller's certificate and the CA that signs
//! it (made with rcgen), the controller's rustls server configuration, and the client
//! configuration that trusts that one CA and nothing else (not the system roots), as Juju's
//! agents verify their controller against the CA in their agent.conf. Crypto is rustls's
//! `ring` provider throughout.
//!
//! A TLS directory holds `ca.pem`, `ca.key`, `controller.pem` and `controller.key`; it is
//! created 0700 and every file in it 0600. The CA key never leaves it: agents get `ca.pem`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use leaderd_sys::private::DirRole;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// What went wrong with certificates or keys.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Bad { path: PathBuf, message: String },
    /// Creating the directory or writing a file failed (the cause names the path).
    #[error(transparent)]
    Write(anyhow::Error),
    #[error("making a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("TLS configuration: {0}")]
    Config(#[from] rustls::Error),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> TlsError + '_ {
    move |source| TlsError::Io { path: path.to_path_buf(), source }
}

/// The files of a TLS directory.
#[derive(Debug, Clone)]
pub struct TlsDir {
    pub dir: PathBuf,
    /// How messages name the directory and the option that chooses another: a standalone
    /// controller's `--tls-dir`, or the `tls/` of `leaderd up`'s `--state`.
    role: leaderd_sys::private::DirRole,
}

impl TlsDir {
    /// A standalone controller's `--tls-dir`.
    pub fn new(dir: impl Into<PathBuf>) -> TlsDir {
        TlsDir { dir: dir.into(), role: DirRole { what: "TLS directory", option: "--tls-dir DIR" } }
    }
    /// The `tls/` directory of a state directory (`leaderd up --state DIR`).
    pub fn in_state(state: &Path) -> TlsDir {
        TlsDir { dir: state.join("tls"), role: DirRole { what: "TLS directory", option: "--state DIR" } }
    }
    pub fn ca_cert(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
    pub fn ca_key(&self) -> PathBuf {
        self.dir.join("ca.key")
    }
    pub fn cert(&self) -> PathBuf {
        self.dir.join("controller.pem")
    }
    pub fn key(&self) -> PathBuf {
        self.dir.join("controller.key")
    }

    /// Creates the CA and the controller's certificate (for 127.0.0.1, localhost and the
    /// `extra_names`) unless the directory already has a certificate. Returns true when it
    /// made them.
    pub fn ensure(&self, extra_names: &[String]) -> Result<bool, TlsError> {
        self.check()?;
        if self.cert().exists() && self.key().exists() && self.ca_cert().exists() {
            return Ok(false);
        }
        self.create(extra_names)?;
        Ok(true)
    }

    /// Refuses the directory, before anything is read from it or written to it, if another user
    /// owns it or anything in it, or others can write to it
    /// ([`leaderd_sys::private::check_trusted_dir`]); and refuses a certificate there that
    /// another user owns or others can write, or a key that others can read.
    pub fn check(&self) -> Result<(), TlsError> {
        leaderd_sys::private::check_trusted_dir(&self.dir, self.role).map_err(TlsError::Write)?;
        for (path, key) in [(self.ca_key(), true), (self.key(), true), (self.ca_cert(), false), (self.cert(), false)] {
            if path.symlink_metadata().is_ok() {
                check_file(&path, key)?;
            }
        }
        Ok(())
    }

    fn create(&self, extra_names: &[String]) -> Result<(), TlsError> {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
        let now = time::OffsetDateTime::now_utc();
        let yesterday = now - time::Duration::days(1);

        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.distinguished_name.push(DnType::CommonName, "leaderd CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        ca.not_before = yesterday;
        ca.not_after = now + time::Duration::days(10 * 365);
        let ca_key = KeyPair::generate()?;
        let ca_cert = ca.self_signed(&ca_key)?;

        let mut names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
        names.extend(extra_names.iter().filter(|n| !names.contains(n)).cloned().collect::<Vec<_>>());
        let mut leaf = CertificateParams::new(names)?;
        leaf.distinguished_name.push(DnType::CommonName, "leaderd controller");
        leaf.is_ca = IsCa::ExplicitNoCa;
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        leaf.use_authority_key_identifier_extension = true;
        leaf.not_before = yesterday;
        leaf.not_after = now + time::Duration::days(2 * 365);
        let leaf_key = KeyPair::generate()?;
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer)?;

        leaderd_sys::private::create_trusted_dir(&self.dir, self.role).map_err(TlsError::Write)?;
        // Keys first, certificates last: a directory with a certificate is complete.
        for (path, text) in [
            (self.ca_key(), issuer_key_pem(&issuer)),
            (self.key(), leaf_key.serialize_pem()),
            (self.ca_cert(), ca_cert.pem()),
            (self.cert(), format!("{}{}", leaf_cert.pem(), ca_cert.pem())),
        ] {
            leaderd_sys::private::write_atomic(&path, text.as_bytes()).map_err(TlsError::Write)?;
        }
        Ok(())
    }
}

fn issuer_key_pem(issuer: &rcgen::Issuer<'_, rcgen::KeyPair>) -> String {
    issuer.key().serialize_pem()
}

/// A certificate or key file, refused if another user owns it or can write it (a planted CA
/// or key would let them impersonate the controller), and a key if others can read it (they
/// could pass for the controller). Checked before it is read: a FIFO would hang the read.
fn read(path: &Path, key: bool) -> Result<Vec<u8>, TlsError> {
    if let Err(e) = std::fs::symlink_metadata(path) {
        return Err(io_error(path)(e));
    }
    check_file(path, key)?;
    std::fs::read(path).map_err(io_error(path))
}

fn check_file(path: &Path, key: bool) -> Result<(), TlsError> {
    let checked = if key { leaderd_sys::private::check_secret(path) } else { leaderd_sys::private::check_own(path) };
    checked.map_err(|e| TlsError::Bad { path: path.into(), message: format!("{e:#}") })
}

/// Every certificate in a PEM file (at least one).
pub(crate) fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = read(path, false)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Bad { path: path.into(), message: format!("not a PEM certificate file: {e}") })?;
    if certs.is_empty() {
        return Err(TlsError::Bad { path: path.into(), message: "no certificate in it".into() });
    }
    Ok(certs)
}

fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let bytes = read(path, true)?;
    PrivateKeyDer::from_pem_slice(&bytes)
        .map_err(|e| TlsError::Bad { path: path.into(), message: format!("not a PEM private key: {e}") })
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The controller's TLS configuration: `cert` (its chain, PEM) and `key`; HTTP/1.1 only.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let chain = load_certs(cert)?;
    let key = load_key(key)?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A client configuration that trusts the CA certificate(s) in `ca` and nothing else.
pub fn client_config(ca: &Path) -> Result<rustls::ClientConfig, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in load_certs(ca)? {
        roots.add(cert).map_err(|e| TlsError::Bad { path: ca.into(), message: format!("not a usable CA: {e}") })?;
    }
    let mut config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn trust_nothing() -> Result<rustls::ClientConfig, TlsError> {
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth())
}

/// How a client reaches the controller.
#[derive(Debug, Clone)]
pub enum Trust {
    /// `https://`, verified against this CA file.
    Ca(PathBuf),
    /// `http://`, no TLS at all: only with the explicit insecure flag.
    InsecureHttp,
}

/// Why a client for the controller could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(
        "the controller URL {0} is plain http: give an https:// URL and --controller-ca, or --insecure-http to \
         send tokens unencrypted"
    )]
    PlainHttpRefused(String),
    #[error("the controller URL {0} is https, but --insecure-http was given: drop one of them")]
    HttpsWithInsecure(String),
    #[error("the controller URL {0} must start with https:// (or http:// with --insecure-http)")]
    BadScheme(String),
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The cause is part of the message and not also `source()`: this error reaches the CLI's
    /// `{:#}`, which would print the cause twice.
    #[error("building the HTTP client: {}", leaderd_core::error_chain(.0))]
    Build(reqwest::Error),
}

/// An HTTP client for the controller at `url`: TLS verified against the CA only, or, with
/// [`Trust::InsecureHttp`], plain HTTP. The URL's scheme must match.
pub fn http_client(url: &str, trust: &Trust, pool_idle: std::time::Duration) -> Result<reqwest::Client, ClientError> {
    let builder = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .pool_idle_timeout(pool_idle)
        .no_proxy();
    let builder = match (trust, url) {
        (Trust::Ca(ca), u) if u.starts_with("https://") => {
            builder.tls_backend_preconfigured(client_config(ca)?).https_only(true)
        }
        (Trust::Ca(_), u) if u.starts_with("http://") => return Err(ClientError::PlainHttpRefused(u.into())),
        // No https here; the client still needs a TLS configuration to build: one that trusts
        // nothing.
        (Trust::InsecureHttp, u) if u.starts_with("http://") => builder.tls_backend_preconfigured(trust_nothing()?),
        (Trust::InsecureHttp, u) if u.starts_with("https://") => return Err(ClientError::HttpsWithInsecure(u.into())),
        (_, u) => return Err(ClientError::BadScheme(u.into())),
    };
    builder.build().map_err(ClientError::Build)
}

/// The TLS error under `error`, if a TLS failure is what caused it.
pub(crate) fn tls_failure<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        // An io::Error hides the error it wraps from `source()`.
        if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            if let Some(tls) = tls_failure(inner) {
                return Some(tls);
            }
        }
        next = e.source();
    }
    None
}

/// True when `error` comes from a peer whose certificate did not verify (so the handshake
/// failed, and no request was sent on that connection).
pub(crate) fn is_unverified_peer(error: &(dyn std::error::Error + 'static)) -> bool {
    matches!(tls_failure(error), Some(rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_created_directory_is_private_and_its_certificate_verifies_against_its_ca() {
        let dir = tempfile::tempdir().unwrap();
        let tls = TlsDir::new(dir.path().join("tls"));
        assert!(tls.ensure(&["ctl.example.com".into()]).unwrap(), "made on first use");
        assert!(!tls.ensure(&[]).unwrap(), "kept after");
        assert_eq!(std::fs::metadata(&tls.dir).unwrap().permissions().mode() & 0o777, 0o700);
        for file in [tls.ca_cert(), tls.ca_key(), tls.cert(), tls.key()] {
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "{file:?}");
        }
        server_config(&tls.cert(), &tls.key()).unwrap();
        // The leaf verifies against the CA for its names, and not for another name.
        let roots = {
            let mut r = rustls::RootCertStore::empty();
            r.add(load_certs(&tls.ca_cert()).unwrap().remove(0)).unwrap();
            Arc::new(r)
        };
        let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider()).build().unwrap();
        let chain = load_certs(&tls.cert()).unwrap();
        let now = rustls::pki_types::UnixTime::now();
        for name in ["127.0.0.1", "localhost", "ctl.example.com"] {
            let name = rustls::pki_types::ServerName::try_from(name).unwrap();
            rustls::client::danger::ServerCertVerifier::verify_server_cert(
                &*verifier,
                &chain[0],
                &chain[1..],
                &name,
                &[],
                now,
            )
            .unwrap();
        }
        let other = rustls::pki_types::ServerName::try_from("example.com").unwrap();
        assert!(rustls::client::danger::ServerCertVerifier::verify_server_cert(
            &*verifier,
            &chain[0],
            &chain[1..],
            &other,
            &[],
            now
        )
        .is_err());
    }

    #[test]
    fn clients_refuse_a_scheme_that_does_not_match_the_trust() {
        let dir = tempfile::tempdir().unwrap();
        let tls = TlsDir::new(dir.path());
        tls.ensure(&[]).unwrap();
        let ca = Trust::Ca(tls.ca_cert());
        let idle = std::time::Duration::from_secs(1);
        assert!(matches!(http_client("http://127.0.0.1:1", &ca, idle), Err(ClientError::PlainHttpRefused(_))));
        assert!(matches!(
            http_client("https://127.0.0.1:1", &Trust::InsecureHttp, idle),
            Err(ClientError::HttpsWithInsecure(_))
        ));
        assert!(http_client("https://127.0.0.1:1", &ca, idle).is_ok());
        assert!(http_client("http://127.0.0.1:1", &Trust::InsecureHttp, idle).is_ok());
        let missing = Trust::Ca(dir.path().join("nope.pem"));
        assert!(matches!(http_client("https://127.0.0.1:1", &missing, idle), Err(ClientError::Tls(_))));
    }
}
