//! Randomness for tokens, codes and reference ids, drawn from the OS random source 4 KiB
//! at a time per thread rather than one system call per token.

/// Fills `out` (at most 4 KiB) with bytes from the OS random source.
fn random_bytes(out: &mut [u8]) {
    const POOL: usize = 4096;
    thread_local! {
        static BYTES: std::cell::RefCell<(Box<[u8; POOL]>, usize)> =
            std::cell::RefCell::new((Box::new([0; POOL]), POOL));
    }
    assert!(out.len() <= POOL, "random_bytes serves at most {POOL} bytes");
    BYTES.with_borrow_mut(|(pool, used)| {
        if *used + out.len() > POOL {
            // The OS random source failing is not recoverable for a token issuer.
            getrandom::fill(&mut pool[..]).expect("the operating system's random source failed");
            *used = 0;
        }
        out.copy_from_slice(&pool[*used..*used + out.len()]);
        // Bytes handed out are not kept.
        pool[*used..*used + out.len()].fill(0);
        *used += out.len();
    });
}

/// 128 random bits.
pub fn random_u128() -> u128 {
    let mut buf = [0u8; 16];
    random_bytes(&mut buf);
    u128::from_le_bytes(buf)
}

/// `n` random bytes as lowercase hex (`2n` characters).
pub fn random_hex(n: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buf = vec![0u8; n];
    random_bytes(&mut buf);
    let mut out = String::with_capacity(2 * n);
    for b in buf {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_do_not_repeat_across_pool_refills() {
        let draws: std::collections::HashSet<u128> = (0..1000).map(|_| random_u128()).collect();
        assert_eq!(draws.len(), 1000);
    }

    #[test]
    fn tokens_are_32_lowercase_hex() {
        let t = random_hex(16);
        assert_eq!(t.len(), 32);
        assert!(t.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
}
