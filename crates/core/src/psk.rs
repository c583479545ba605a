//! ARMOR-PSK request signing (API keys), shared by the client (signs) and the emulator
//! (verifies). Pure functions, no I/O.
//!
//! ```text
//! Authorization: ARMOR-PSK <key id>:<signature>:<nonce>:<unix timestamp>
//! signature = base64(HMAC-SHA512(key = secret as UTF-8 bytes,
//!                    message = key id + METHOD + path + nonce + timestamp + body))
//! ```
//!
//! The path has no host, port or query string; the body is the raw request body (empty
//! for a request without one). The nonce is unique per request, at most 128 characters,
//! without a colon. The timestamp must be within 5 minutes of the server's clock.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha512;

/// The authorization scheme name.
pub const SCHEME: &str = "ARMOR-PSK";
/// The longest nonce allowed.
pub const MAX_NONCE_LEN: usize = 128;
/// How far a timestamp may be from the server's clock, in seconds.
pub const MAX_SKEW_SECS: i64 = 300;

/// The parts of one signed request.
#[derive(Debug, Clone, Copy)]
pub struct Signable<'a> {
    /// The API key id.
    pub key_id: &'a str,
    /// The HTTP method, upper case.
    pub method: &'a str,
    /// The path, without host, port or query.
    pub path: &'a str,
    /// The nonce.
    pub nonce: &'a str,
    /// Unix time in seconds.
    pub timestamp: i64,
    /// The raw body.
    pub body: &'a [u8],
}

fn mac(secret: &str, r: &Signable<'_>) -> Hmac<Sha512> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(r.key_id.as_bytes());
    mac.update(r.method.as_bytes());
    mac.update(r.path.as_bytes());
    mac.update(r.nonce.as_bytes());
    mac.update(r.timestamp.to_string().as_bytes());
    mac.update(r.body);
    mac
}

/// The base64 HMAC-SHA512 signature of `r` under `secret`.
pub fn signature(secret: &str, r: &Signable<'_>) -> String {
    STANDARD.encode(mac(secret, r).finalize().into_bytes())
}

/// The full `Authorization` header value for `r`.
pub fn authorization(secret: &str, r: &Signable<'_>) -> String {
    format!("{SCHEME} {}:{}:{}:{}", r.key_id, signature(secret, r), r.nonce, r.timestamp)
}

/// Checks `signature` (base64) against `r` in constant time.
pub fn verify(secret: &str, r: &Signable<'_>, signature: &str) -> bool {
    match STANDARD.decode(signature) {
        Ok(bytes) => mac(secret, r).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

/// Whether `nonce` is acceptable: 1-128 characters, no colon, no white space.
pub fn valid_nonce(nonce: &str) -> bool {
    !nonce.is_empty()
        && nonce.chars().count() <= MAX_NONCE_LEN
        && !nonce.chars().any(|c| c == ':' || c.is_whitespace() || c.is_control())
}

/// A parsed `ARMOR-PSK` header.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskHeader<'a> {
    /// The API key id.
    pub key_id: &'a str,
    /// The base64 signature.
    pub signature: &'a str,
    /// The nonce.
    pub nonce: &'a str,
    /// Unix time in seconds.
    pub timestamp: i64,
}

/// Parses an `Authorization` value of the `ARMOR-PSK` scheme; `None` if malformed.
pub fn parse_header(value: &str) -> Option<PskHeader<'_>> {
    let rest = value.strip_prefix(SCHEME)?.strip_prefix(' ')?;
    let mut parts = rest.split(':');
    let (key_id, signature, nonce, ts) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || key_id.is_empty() || signature.is_empty() || !valid_nonce(nonce) {
        return None;
    }
    if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(PskHeader { key_id, signature, nonce, timestamp: ts.parse().ok()? })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_ID: &str = "20a37099-4a0b-432f-bf46-5fa690a0405c";

    // Expected values computed independently:
    //   printf '%s' "$KEY_ID$METHOD$PATH$NONCE$TS$BODY" \
    //     | openssl dgst -sha512 -hmac "$SECRET" -binary | base64 -w0
    #[test]
    fn known_answer_post_with_body() {
        let r = Signable {
            key_id: KEY_ID,
            method: "POST",
            path: "/vms/1001/power/on",
            nonce: "8jbj872s2h",
            timestamp: 1528140529,
            body: br#"{"name":"web-01"}"#,
        };
        let want = "G5wRDfFQZmYLxGb7wi5trIoIlpUAHQ2KIWSVIxTryLrzzGExy808IeWP4oHiZNpjsXb31KNNqWvks3sqL+8NmA==";
        assert_eq!(signature("demo-secret-key", &r), want);
        assert_eq!(
            authorization("demo-secret-key", &r),
            format!("ARMOR-PSK {KEY_ID}:{want}:8jbj872s2h:1528140529")
        );
        assert!(verify("demo-secret-key", &r, want));
        assert!(!verify("demo-secret-kez", &r, want));
        assert!(!verify("demo-secret-key", &Signable { body: b"{}", ..r }, want));
    }

    #[test]
    fn known_answer_get_without_body() {
        let r = Signable {
            key_id: KEY_ID,
            method: "GET",
            path: "/me",
            nonce: "8jbj872s2h",
            timestamp: 1528140529,
            body: b"",
        };
        assert_eq!(
            signature("demo-secret-key", &r),
            "grb5XhRanlToPNKMP0Urng//wfsznLO3n/2vuXUTZoQAZubJzomxaaNHmNGptcpbTY1vCrkd5LDcVOYnYAILVA=="
        );
    }

    #[test]
    fn known_answer_utf8_secret() {
        let r = Signable {
            key_id: "key-1",
            method: "DELETE",
            path: "/apps/12/tiers/3",
            nonce: "n-1",
            timestamp: 1700000000,
            body: b"",
        };
        assert_eq!(
            signature("sécret-ü", &r),
            "Fu63bR4cf5oAxBB0ZCcTAuPDWqxtrkLNSGff49CZor7kjbR8SzQ+/o5IkNcuI2pcuvp4yFEf5jTM6rYMqG8AzQ=="
        );
    }

    #[test]
    fn parses_headers() {
        let h = parse_header("ARMOR-PSK id:c2ln:nonce1:1528140529").unwrap();
        assert_eq!(h, PskHeader { key_id: "id", signature: "c2ln", nonce: "nonce1", timestamp: 1528140529 });
        for bad in [
            "FH-AUTH abc",
            "ARMOR-PSK id:sig:nonce",
            "ARMOR-PSK id:sig:nonce:12:extra",
            "ARMOR-PSK :sig:nonce:12",
            "ARMOR-PSK id:sig:nonce:-12",
            "ARMOR-PSK id:sig:nonce:12a",
            "ARMOR-PSKid:sig:nonce:12",
        ] {
            assert!(parse_header(bad).is_none(), "{bad}");
        }
        let long = format!("ARMOR-PSK id:sig:{}:12", "n".repeat(129));
        assert!(parse_header(&long).is_none());
    }

    #[test]
    fn nonce_rules() {
        assert!(valid_nonce("9f1c2b"));
        assert!(valid_nonce(&"a".repeat(128)));
        assert!(!valid_nonce(&"a".repeat(129)));
        assert!(!valid_nonce(""));
        assert!(!valid_nonce("a:b"));
        assert!(!valid_nonce("a b"));
    }
}
