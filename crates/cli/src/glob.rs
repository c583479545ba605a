//! Wildcard matching as in PowerShell's `-like`: `*` any run, `?` one character,
//! case-insensitive, whole string.

/// Whether `text` matches `pattern`.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    // Greedy matching with backtracking to the last `*`: linear in practice.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Whether `text` matches `pattern`, or there is no pattern.
pub fn keep(pattern: Option<&str>, text: Option<&str>) -> bool {
    match pattern {
        None => true,
        Some(p) => matches(p, text.unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(matches("web-*", "web-01"));
        assert!(matches("WEB-0?", "web-01"));
        assert!(matches("*db*", "pay-db-02"));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "axxbyyc"));
        assert!(!matches("web-?", "web-01"));
        assert!(!matches("web", "web-01"));
        assert!(!matches("*x", "abc"));
        assert!(keep(None, None));
        assert!(!keep(Some("a"), None));
    }
}
