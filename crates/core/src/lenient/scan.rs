//! One pass over a response body's bytes, before anything is built from it: how many
//! JSON values it holds (a cheap bound on what decoding it would build) and which bytes
//! to lower-case so that its PascalCase keys become camelCase in place.
//!
//! The pass is cheap on what Armor and the emulator send most: an object none of whose
//! keys starts with an upper-case letter (or is written with escapes) is not looked at
//! again. An object that has such a key is checked in full: its keys are renamed only
//! where the result is exactly what renaming a `serde_json::Value` tree gives
//! ([`super::camel_case_keys`]), and a body where that cannot be done in place is
//! reported as such, so that the caller goes through a `Value` tree instead.

use std::borrow::Cow;

/// What one pass over a body found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// The JSON values of the body (each object, list, string, number, `true`, `false`
    /// and `null`) and its object keys, each of which costs memory as much as a value.
    /// Counting stops once past the `stop_after` given to [`Scan::of`]; a body too
    /// short to pass it is not counted (see there). So `values > stop_after` exactly when
    /// the body holds more than `stop_after` values.
    pub values: u64,
    /// The byte offsets to lower-case; `None` when renaming bytes cannot give what a
    /// `Value` tree gives (an object with a key twice, an escaped PascalCase key), or
    /// when counting stopped early.
    pub(crate) renames: Option<Vec<usize>>,
}

impl Scan {
    /// Scans `body` once: counts its values (stopping once past `stop_after`) and finds
    /// the renames of its PascalCase keys. Meant for well-formed JSON; on anything else
    /// the count is a rough one, and decoding reports the error.
    ///
    /// A body no longer than `stop_after` bytes cannot hold more values than that (each
    /// value and key takes a byte of its own): it is not counted, `values` is its length
    /// (a bound, not the count), and unless a quick look finds a key that starts with an
    /// upper-case letter or holds an escape, nothing else is done.
    pub fn of(body: &[u8], stop_after: u64) -> Scan {
        if body.len() as u64 <= stop_after && !may_have_pascal_keys(body) {
            return Scan { values: body.len() as u64, renames: Some(Vec::new()) };
        }
        scan(body, stop_after, false)
    }
}

/// Whether `body` may have an object key that starts with an upper-case letter or holds
/// an escape; `false` only when it has none, if it is JSON at all.
///
/// A body with no backslash has no escape, so its quotes open and close strings in turn,
/// and in JSON a quote followed by an upper-case letter opens a string: it is a key if
/// white space and a colon follow its closing quote. The quotes followed by an upper-case
/// letter are found eight bytes at a time.
fn may_have_pascal_keys(body: &[u8]) -> bool {
    if memchr::memchr(b'\\', body).is_some() {
        return true;
    }
    let mut i = 0;
    while i + 9 <= body.len() {
        let word = |at: usize| u64::from_le_bytes(body[at..at + 8].try_into().unwrap_or_default());
        let mut found = exact_byte(word(i), b'"') & upper_case(word(i + 1));
        while found != 0 {
            let open = i + (found.trailing_zeros() / 8) as usize;
            if is_key(body, open) {
                return true;
            }
            found &= found - 1;
        }
        i += 8;
    }
    (i..body.len().saturating_sub(1))
        .any(|at| body[at] == b'"' && body[at + 1].is_ascii_uppercase() && is_key(body, at))
}

/// Whether the string opened by the quote at `open` (in a body without escapes) is an
/// object key: white space and a colon follow its closing quote.
fn is_key(body: &[u8], open: usize) -> bool {
    let Some(len) = memchr::memchr(b'"', &body[open + 1..]) else { return false };
    let after = &body[open + len + 2..];
    after.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':')
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;
const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `word` that equals `b`, and of no other byte.
fn exact_byte(word: u64, b: u8) -> u64 {
    let x = word ^ (ONES * u64::from(b));
    !(((x & LOWS) + LOWS) | x | LOWS)
}

/// The high bit of each byte of `word` that is an ASCII upper-case letter, and of no other.
fn upper_case(word: u64) -> u64 {
    let low = word & LOWS;
    // Seven-bit values plus at most 0x3f never carry into the next byte.
    let from_a = (low + ONES * u64::from(0x80 - b'A')) & HIGHS;
    let past_z = (low + ONES * u64::from(0x80 - b'Z' - 1)) & HIGHS;
    from_a & !past_z & !word & HIGHS
}

/// Counts the JSON values in `body` and its object keys, without building anything (see
/// [`Scan::values`]). Stops counting once past `stop_after`.
pub fn count_values(body: &[u8], stop_after: u64) -> u64 {
    scan(body, stop_after, false).values
}

/// The pass. With `every_object`, every object's keys are checked (for a key twice, too),
/// not only those of objects with a PascalCase or escaped key: what the careful decoding
/// path uses after a quick one failed.
pub(crate) fn scan(body: &[u8], stop_after: u64, every_object: bool) -> Scan {
    let mut n: u64 = 0;
    let mut renames = Some(Vec::new());
    // Key spans (content, without quotes) of the open objects; for each open object,
    // where its keys start and whether they need a check.
    let mut keys: Vec<(usize, usize)> = Vec::new();
    let mut objects: Vec<(usize, bool)> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => {
                n += 1;
                let (end, escaped) = string_end(body, i + 1);
                if let (Some(object), Some(_)) = (objects.last_mut(), &renames) {
                    let mut j = end + 1;
                    while j < body.len() && body[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if body.get(j) == Some(&b':') {
                        keys.push((i + 1, end));
                        object.1 |= every_object || escaped || body[i + 1].is_ascii_uppercase();
                    }
                }
                i = end + 1;
            }
            b'{' => {
                n += 1;
                objects.push((keys.len(), false));
                i += 1;
            }
            b'[' => {
                n += 1;
                i += 1;
            }
            b'}' => {
                if let Some((start, check)) = objects.pop() {
                    if let (true, Some(list)) = (check, renames.as_mut())
                        && object_renames(body, &keys[start..], list).is_none()
                    {
                        renames = None;
                    }
                    keys.truncate(start);
                }
                i += 1;
            }
            b',' => {
                if n > stop_after {
                    return Scan { values: n, renames: None };
                }
                i += 1;
            }
            b':' | b']' | b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                n += 1;
                while i < body.len() && !is_delimiter(body[i]) {
                    i += 1;
                }
            }
        }
    }
    Scan { values: n, renames }
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'{' | b'[')
}

/// The index of the quote that closes the string whose content starts at `i` (or the
/// body's length when it never closes), and whether the string holds an escape. Reads
/// eight bytes at a time while none of them is a quote or a backslash.
fn string_end(body: &[u8], mut i: usize) -> (usize, bool) {
    let mut escaped = false;
    while i < body.len() {
        while let Some(word) = body.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
            let found = exact_byte(word, b'"') | exact_byte(word, b'\\');
            if found != 0 {
                i += (found.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match body.get(i) {
            Some(b'\\') => {
                escaped = true;
                i += 2;
            }
            Some(b'"') => return (i, escaped),
            Some(_) => i += 1,
            None => break,
        }
    }
    (body.len(), escaped)
}

/// Adds the renames of one object's keys; `None` if they cannot be done in place.
fn object_renames(body: &[u8], spans: &[(usize, usize)], renames: &mut Vec<usize>) -> Option<()> {
    let keys: Vec<Cow<'_, [u8]>> = spans
        .iter()
        .map(|&(s, e)| {
            let raw = &body[s..e.min(body.len())];
            if !raw.contains(&b'\\') {
                return Cow::Borrowed(raw);
            }
            // Escaped: compare what it means, not how it is written.
            let quoted = &body[s - 1..(e + 1).min(body.len())];
            serde_json::from_slice::<String>(quoted)
                .map_or(Cow::Borrowed(raw), |k| Cow::Owned(k.into_bytes()))
        })
        .collect();
    // An object with a key twice: a `Value` keeps the last, a struct would refuse it.
    let set: Option<std::collections::HashSet<&[u8]>> =
        (keys.len() > 16).then(|| keys.iter().map(|k| k.as_ref()).collect());
    let duplicated = match &set {
        Some(set) => set.len() < keys.len(),
        None => keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k)),
    };
    if duplicated {
        return None;
    }
    let has = |k: &[u8]| match &set {
        Some(set) => set.contains(k),
        None => keys.iter().any(|x| x.as_ref() == k),
    };
    for (&(start, end), k) in spans.iter().zip(&keys) {
        let Some(c) = std::str::from_utf8(k).ok().and_then(super::camel) else { continue };
        if has(c.as_bytes()) {
            continue;
        }
        if body[start..end].contains(&b'\\') {
            return None;
        }
        renames.extend((start..end).filter(|&at| body[at] != c.as_bytes()[at - start]));
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_values_builds_nothing_and_stops_early() {
        assert_eq!(count_values(br#"[{"a":1},{"b":"x,y:z"},[true,null],-1.5e3,"\"q\":"]"#, u64::MAX), 12);
        assert_eq!(count_values(b" 7 ", u64::MAX), 1);
        assert_eq!(count_values(br#"{"a":{}}"#, u64::MAX), 3);
        assert_eq!(count_values(&[b"[".as_slice(), &b"1,".repeat(1000), b"1]"].concat(), 10), 11);
        assert_eq!(count_values(br#"["never closed"#, u64::MAX), 2);
        assert_eq!(count_values(br#"["ends in \"#, u64::MAX), 2);
    }

    proptest::proptest! {
        /// The eight-byte tests flag exactly the bytes a byte-wise test flags.
        #[test]
        fn word_tests_match_byte_tests(bytes in proptest::array::uniform8(proptest::num::u8::ANY)) {
            let word = u64::from_le_bytes(bytes);
            let flags = |f: &dyn Fn(u8) -> bool| {
                bytes.iter().enumerate().fold(0, |m, (k, &b)| if f(b) { m | 0x80 << (8 * k) } else { m })
            };
            proptest::prop_assert_eq!(exact_byte(word, b'"'), flags(&|b| b == b'"'));
            proptest::prop_assert_eq!(upper_case(word), flags(&|b| b.is_ascii_uppercase()));
        }
    }

    #[test]
    fn only_objects_with_pascal_or_escaped_keys_are_checked() {
        // A camelCase object with a key twice is left to the decoder (which refuses it
        // for a struct and falls back); the careful pass reports it.
        let twice = br#"{"a":{"name":1,"name":2}}"#;
        assert_eq!(Scan::of(twice, u64::MAX).renames, Some(vec![]));
        assert_eq!(scan(twice, u64::MAX, true).renames, None);
        // A PascalCase key is renamed; one beside its camelCase twin is not.
        assert_eq!(Scan::of(br#"{"Name":1}"#, u64::MAX).renames, Some(vec![2]));
        assert_eq!(Scan::of(br#"{"Name":1,"name":2}"#, u64::MAX).renames, Some(vec![]));
        // An escaped PascalCase key cannot be renamed in place.
        assert_eq!(Scan::of(br#"{"\u004eame":1}"#, u64::MAX).renames, None);
        // White space before a colon, escaped quotes and colons in values and keys.
        assert_eq!(Scan::of(b"{\"a\" :1,\n \"Name\"\t\n: 2}", u64::MAX).renames, Some(vec![11]));
        assert_eq!(Scan::of(br#"{"a\"Name":1}"#, u64::MAX).renames, Some(vec![]));
        assert_eq!(Scan::of(br#"{"a":"x\":Y","b":"Q:R"}"#, u64::MAX).renames, Some(vec![]));
        assert!(may_have_pascal_keys(br#"{"a\"Name":1}"#));
        assert!(!may_have_pascal_keys(br#"{"at":"2019-10-14T07:29:43","b":["X:Y"]}"#));
        // Counting stopped early: nothing to rename with.
        assert_eq!(Scan::of(br#"[1,2,3]"#, 1), Scan { values: 2, renames: None });
    }
}
