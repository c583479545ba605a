//! TLS like the platform: rustls (aws-lc-rs) with the operating system's trust store through
//! `rustls-platform-verifier`, plus extra CA certificates from a PEM file
//! (`--ca-cert FILE` / `ARMOR_CA_BUNDLE` in the CLI) for private and TLS-inspecting CAs.
//! On Linux the OS store is read by `rustls-native-certs`, so `SSL_CERT_FILE` and
//! `SSL_CERT_DIR` work too.
//!
//! Also turns a failed handshake into one line that names the host and the reason.

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::{CertificateError, ClientConfig, RootCertStore};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::error::{Error, Result};

/// Extra trusted CA certificates, read from a PEM file.
#[derive(Clone, Default)]
pub struct CaBundle {
    certs: Vec<CertificateDer<'static>>,
    source: Option<PathBuf>,
}

impl std::fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaBundle").field("certs", &self.certs.len()).field("source", &self.source).finish()
    }
}

impl CaBundle {
    /// Reads every `CERTIFICATE` block of the PEM file at `path`. A file without one is
    /// an error.
    pub fn from_pem_file(path: impl AsRef<Path>) -> Result<CaBundle> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io("read the CA bundle", path, e))?;
        let mut bundle =
            Self::from_pem(&bytes).map_err(|reason| Error::CaBundle { path: path.into(), reason })?;
        bundle.source = Some(path.into());
        Ok(bundle)
    }

    /// Parses every `CERTIFICATE` block of `pem`.
    fn from_pem(pem: &[u8]) -> std::result::Result<CaBundle, &'static str> {
        let certs = CertificateDer::pem_slice_iter(pem)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| "it is not a valid PEM file")?;
        if certs.is_empty() {
            return Err("it contains no PEM CERTIFICATE block");
        }
        // Check that each one is a certificate rustls can use as a root.
        let mut store = RootCertStore::empty();
        for cert in &certs {
            store
                .add(cert.clone())
                .map_err(|_| "a CERTIFICATE block in it is not a valid X.509 certificate")?;
        }
        Ok(CaBundle { certs, source: None })
    }

    /// How many certificates it holds.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The rustls configuration of the shared client. `https` false (a plain-http loopback
/// server) skips loading the OS trust store: no TLS connection will be made.
pub(crate) fn client_config(https: bool, extra: &CaBundle) -> Result<ClientConfig> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::TlsSetup(e.to_string()))?;
    let mut config = if https {
        let verifier =
            rustls_platform_verifier::Verifier::new_with_extra_roots(extra.certs.clone(), provider)
                .map_err(|e| Error::TlsSetup(e.to_string()))?;
        let verifier: Arc<dyn ServerCertVerifier> = Arc::new(verifier);
        builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth()
    } else {
        builder.with_root_certificates(RootCertStore::empty()).with_no_client_auth()
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// How a TLS handshake failed.
#[derive(Debug)]
pub(crate) struct HandshakeFailure {
    /// Why, in a few words.
    pub reason: String,
    /// What to do about it, if that can be told.
    pub hint: Option<&'static str>,
    /// No trusted CA vouches for the certificate (a private CA may be missing).
    pub untrusted: bool,
}

/// If `err` is a failed TLS handshake, a one-line reason and what to do about it.
pub(crate) fn handshake_failure(err: &(dyn StdError + 'static)) -> Option<HandshakeFailure> {
    let tls = rustls_error(err)?;
    // No hint for an untrusted issuer: the caller knows how its users add a CA.
    let (reason, hint, untrusted) = match tls {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => {
                ("its certificate is signed by an unknown issuer".into(), None, true)
            }
            CertificateError::BadSignature => ("its certificate has a bad signature".into(), None, true),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => (
                "its certificate is not valid for this host name".into(),
                Some("connect with the name the certificate was issued for"),
                false,
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => (
                "its certificate has expired".into(),
                Some("check the local clock and the server's certificate"),
                false,
            ),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => (
                "its certificate is not valid yet".into(),
                Some("check the local clock and the server's certificate"),
                false,
            ),
            CertificateError::Revoked => ("its certificate has been revoked".into(), None, false),
            other => (format!("its certificate was rejected ({other:?})"), None, true),
        },
        other => (other.to_string(), None, false),
    };
    Some(HandshakeFailure { reason, hint, untrusted })
}

/// Finds a rustls error in the source chain (also inside `io::Error`s, whose `source()`
/// skips the wrapped error).
fn rustls_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(tls) = rustls_error(inner)
        {
            return Some(tls);
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_need_certificates() {
        assert!(CaBundle::from_pem(b"").is_err());
        assert!(CaBundle::from_pem(b"not pem at all").is_err());
        let junk = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(CaBundle::from_pem(junk).is_err());
        let dir = tempfile::tempdir().unwrap();
        let err = CaBundle::from_pem_file(dir.path().join("missing.pem")).unwrap_err().to_string();
        assert!(err.contains("missing.pem"), "{err}");
    }

    #[test]
    fn finds_rustls_errors_inside_io_errors() {
        let io = std::io::Error::other(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer));
        let failure = handshake_failure(&io).unwrap();
        assert!(failure.reason.contains("unknown issuer"), "{failure:?}");
        assert!(failure.untrusted && failure.hint.is_none(), "{failure:?}");
        assert!(handshake_failure(&std::io::Error::other("refused")).is_none());
    }
}
