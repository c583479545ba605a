//! Server addresses: `api.armor.com`, `https://host:port`, or `http://` to loopback only.

use std::fmt;
use std::net::IpAddr;

use url::{Host, Url};

use crate::error::{Error, Result};

/// A validated base URL of an Armor API server.
///
/// `https://` is required, except for loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`)
/// where plain `http://` is allowed, for the emulator. A bare host (`api.armor.com` or
/// `host:8443`) means https.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl(Url);

impl ServerUrl {
    /// The default server, `https://api.armor.com`.
    pub const DEFAULT: &'static str = "https://api.armor.com";

    /// Parses and checks a server address.
    pub fn parse(input: &str) -> Result<ServerUrl> {
        // Never echo an address that may carry a password.
        let shown = if input.contains('@') { "<address with credentials>" } else { input };
        let invalid = |reason| Error::InvalidServer { input: shown.to_owned(), reason };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid("it is empty"));
        }
        let with_scheme =
            if trimmed.contains("://") { trimmed.to_owned() } else { format!("https://{trimmed}") };
        let url = Url::parse(&with_scheme).map_err(|_| invalid("not a URL or host name"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("credentials do not belong in the server address"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("a server address has no query or fragment"));
        }
        if url.path() != "/" {
            return Err(invalid("a server address has no path"));
        }
        let host = url.host().ok_or_else(|| invalid("it has no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(Error::InsecureServer { host: host.to_string() });
            }
            _ => {
                return Err(invalid("the scheme must be https (or http to a loopback host)"));
            }
        }
        Ok(ServerUrl(url))
    }

    /// The base URL without a trailing slash, e.g. `https://api.armor.com`.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// Whether `url` has this server's scheme, host and port (its origin), compared
    /// without building either origin.
    pub(crate) fn same_origin(&self, url: &Url) -> bool {
        url.scheme() == self.0.scheme()
            && url.host() == self.0.host()
            && url.port_or_known_default() == self.0.port_or_known_default()
    }

    /// The host and, if not the scheme's default, the port: `api.armor.com`, `127.0.0.1:8443`.
    pub fn host_port(&self) -> String {
        let host = self.0.host_str().unwrap_or_default();
        match self.0.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        }
    }

    /// The URL of an API path such as `/auth/token`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.as_str(), path)
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_hosts_mean_https() {
        assert_eq!(ServerUrl::parse("api.armor.com").unwrap().as_str(), "https://api.armor.com");
        assert_eq!(ServerUrl::parse("api.armor.com:8443").unwrap().as_str(), "https://api.armor.com:8443");
        assert_eq!(ServerUrl::parse("https://api.armor.com/").unwrap().as_str(), "https://api.armor.com");
    }

    #[test]
    fn http_only_to_loopback() {
        for ok in ["http://127.0.0.1:8080", "http://127.9.9.9", "http://localhost:1", "http://[::1]:5"] {
            assert!(ServerUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["http://api.armor.com", "http://10.0.0.1", "http://localhost.evil.com", "http://[::2]"] {
            assert!(matches!(ServerUrl::parse(bad), Err(Error::InsecureServer { .. })), "{bad}");
        }
    }

    #[test]
    fn rejects_junk() {
        for bad in ["", "ftp://x", "https://u:p@x", "https://x/path", "https://x?q=1", "https://", "::"] {
            assert!(ServerUrl::parse(bad).is_err(), "{bad}");
        }
        let err = ServerUrl::parse("https://u:secretpw@x").unwrap_err().to_string();
        assert!(err.contains("credentials") && !err.contains("secretpw"), "{err}");
    }
}
