//! https for the emulator: a private CA and a server certificate for `localhost`,
//! `127.0.0.1` and `::1`, generated at start (rcgen), the CA written to a PEM file for
//! clients to trust, and the acceptor the connection loop ([`crate::serve`]) hands each
//! connection to (tokio-rustls).

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// The generated CA: its PEM file lives in a private temporary directory that is
/// removed when the emulator stops.
#[derive(Debug)]
pub(crate) struct TlsFiles {
    dir: tempfile::TempDir,
}

impl TlsFiles {
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("cannot generate the emulator's TLS certificate: {e}"))
}

/// Generates a CA and a server certificate for loopback names (and `listen`'s address
/// if it is a specific one), writes the CA to `ca.pem` and returns the acceptor.
pub(crate) fn setup(listen: SocketAddr) -> io::Result<(TlsAcceptor, TlsFiles)> {
    let ca_key = KeyPair::generate().map_err(invalid)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(invalid)?;
    // A name of its own, so that two emulators' CAs are never mistaken for each other.
    let mut id = [0u8; 6];
    getrandom::fill(&mut id).map_err(invalid)?;
    let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    ca_params.distinguished_name.push(DnType::CommonName, format!("armor emulator CA {id}"));
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(invalid)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    let ip: IpAddr = listen.ip();
    if !ip.is_unspecified() && !ip.is_loopback() {
        names.push(ip.to_string());
    }
    let key = KeyPair::generate().map_err(invalid)?;
    let mut params = CertificateParams::new(names).map_err(invalid)?;
    params.distinguished_name.push(DnType::CommonName, "armor emulator");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.use_authority_key_identifier_extension = true;
    let cert = params.signed_by(&key, &issuer).map_err(invalid)?;

    let dir = tempfile::Builder::new().prefix("armor-emulator-tls.").tempdir()?;
    let files = TlsFiles { dir };
    write_private(&files.ca_file(), ca_cert.pem().as_bytes())?;

    let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(invalid)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(config)), files))
}

fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // The CA file is public material (a certificate); the directory is private anyway.
    std::fs::write(path, bytes)
}
