//! Randomness for tokens, codes and reference ids.

/// `n` random bytes as lowercase hex (`2n` characters).
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    // The OS random source failing is not recoverable for a token issuer.
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
