//! Bounded response bodies: `Content-Length` is checked first, then the stream is
//! counted, so a server cannot make the client hold more than the limit in memory.
//! Also the cap on the JSON values a body may hold (what decoding it would build), and
//! on how much of a body an error message may quote.

use armor_core::lenient::Scan;
use bytes::Bytes;

use crate::error::{Error, Result};

/// The default limit on a response body: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// The default limit on the JSON values (object keys included) of a response body:
/// 400,000. A VM in `GET /vms` is about 40 (21 values, 20 keys), so this is an estate of
/// nearly 10,000 VMs; whatever the body, decoding this many values takes under 150 MB.
pub const DEFAULT_MAX_RESPONSE_VALUES: u64 = 400_000;

/// The most JSON values and keys an error body may hold to be read for its message;
/// a larger one (no real error body comes near) is quoted as text instead, so that it
/// cannot make the client build a large tree either.
pub(crate) const MAX_ERROR_BODY_VALUES: u64 = 10_000;

/// Scans `body` once (see [`armor_core::lenient::Scan`]) and fails with
/// [`Error::TooManyValues`] when it holds more than `limit` JSON values and keys: checked
/// before anything is built from it, so that a body within the byte limit cannot make
/// the client build a model many times its size. The scan then serves the decoding.
pub(crate) fn scan_within(method: &str, path: &str, body: &[u8], limit: u64) -> Result<Scan> {
    let scan = Scan::of(body, limit);
    if scan.values > limit {
        return Err(Error::TooManyValues { method: method.to_owned(), path: path.to_owned(), limit });
    }
    Ok(scan)
}

/// The most characters of a server's text an error message quotes.
pub(crate) const MAX_QUOTED_CHARS: usize = 300;

/// A response whose body has not been read yet: read it chunk by chunk, within the limit.
#[derive(Debug)]
pub struct ResponseStream {
    status: u16,
    response: reqwest::Response,
    method: String,
    path: String,
    limit: u64,
    read: u64,
    pub(crate) date: Option<jiff::Timestamp>,
}

impl ResponseStream {
    /// Checks the announced length against `limit` before anything is read.
    pub(crate) fn new(response: reqwest::Response, method: &str, path: &str, limit: u64) -> Result<Self> {
        let too_large = || Error::BodyTooLarge { method: method.to_owned(), path: path.to_owned(), limit };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        Ok(ResponseStream {
            status: response.status().as_u16(),
            response,
            method: method.to_owned(),
            path: path.to_owned(),
            limit,
            read: 0,
            date: None,
        })
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The next piece of the body; `None` at its end. Fails once the body passes the limit.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(self.next_piece().await?.map(Vec::from))
    }

    async fn next_piece(&mut self) -> Result<Option<Bytes>> {
        let chunk = self.response.chunk().await.map_err(|source| Error::AnswerBrokeOff {
            method: self.method.clone(),
            url: self.response.url().as_str().split('?').next().unwrap_or_default().to_owned(),
            status: self.status,
            source: crate::error::TransportError::new(source),
        })?;
        let Some(chunk) = chunk else { return Ok(None) };
        self.read = self.read.saturating_add(chunk.len() as u64);
        if self.read > self.limit {
            return Err(Error::BodyTooLarge {
                method: self.method.clone(),
                path: self.path.clone(),
                limit: self.limit,
            });
        }
        Ok(Some(chunk))
    }

    /// The whole body, within the limit.
    pub async fn collect(mut self) -> Result<Vec<u8>> {
        // Room for the announced length, up to 1 MiB (a server may announce more than it
        // sends): one copy of each piece, and no growing for most bodies.
        let announced = self.response.content_length().unwrap_or(0).min(self.limit).min(1 << 20);
        let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
        while let Some(piece) = self.next_piece().await? {
            body.extend_from_slice(&piece);
        }
        Ok(body)
    }
}

/// At most [`MAX_QUOTED_CHARS`] characters of `text`, with `…` when cut.
pub(crate) fn quote(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_short() {
        assert_eq!(quote("short"), "short");
        let long = "é".repeat(1000);
        let q = quote(&long);
        assert_eq!(q.chars().count(), MAX_QUOTED_CHARS + 1);
        assert!(q.ends_with('…'));
    }
}
