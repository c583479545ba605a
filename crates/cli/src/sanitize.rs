//! Terminal-safe text: strings that came from a server are stripped of escape sequences
//! (CSI, OSC, DCS and the other string controls, in their 7-bit and 8-bit forms), C1
//! controls and C0 controls before they reach a terminal, a table or an error line, so a
//! hostile server cannot clear the screen, set the window title or fake output.
//! JSON output is not passed through here: serde escapes it.

use std::borrow::Cow;

/// What to do with line breaks and tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One line: line breaks and tabs become spaces (error lines, one-line messages).
    Line,
    /// A table cell or field value: line breaks become spaces, tabs are kept.
    Cell,
}

/// `s` without control characters and escape sequences (see [`Mode`]).
pub fn clean(s: &str, mode: Mode) -> Cow<'_, str> {
    let safe = |c: char| !c.is_control() || (c == '\t' && mode == Mode::Cell);
    if s.chars().all(safe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // ESC, intermediates (0x20-0x2F), then one final byte.
                Some(' '..='/') => {
                    while chars.next_if(|c| matches!(c, ' '..='/')).is_some() {}
                    chars.next();
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            // Line breaks become one space (a second one in a row is dropped below).
            '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' if !out.ends_with(' ') => {
                out.push(' ')
            }
            '\t' if mode == Mode::Line => out.push(' '),
            c if safe(c) && !matches!(c, '\u{2028}' | '\u{2029}') => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// CSI: parameter and intermediate bytes, then a final byte (0x40-0x7E).
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC, DCS, SOS, PM, APC: up to BEL, ST (`ESC \` or 0x9C), or the end.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{07}' | '\u{9c}' => break,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                break;
            }
            _ => {}
        }
    }
}

/// [`clean`] in [`Mode::Line`], owned.
pub fn line(s: &str) -> String {
    clean(s, Mode::Line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_are_stripped() {
        let hostile = "\u{1b}[2J\u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned title\u{7}ti\u{7}tle\nnext\r\nline\u{1b}(B \u{9b}1;2Hc1 \u{85}x\u{1b}P+q\u{1b}\\end\u{7f}";
        let out = clean(hostile, Mode::Line);
        assert_eq!(out, "red title next line c1 xend");
        assert!(!out.chars().any(char::is_control), "{out:?}");
    }

    #[test]
    fn tabs_stay_in_cells_and_plain_text_is_borrowed() {
        assert_eq!(clean("a\tb", Mode::Cell), "a\tb");
        assert_eq!(clean("a\tb", Mode::Line), "a b");
        assert!(matches!(clean("plain ünïcode ✓", Mode::Line), Cow::Borrowed(_)));
        assert_eq!(clean("unterminated \u{1b}]0;title", Mode::Line), "unterminated ");
        assert_eq!(clean("trailing \u{1b}", Mode::Line), "trailing ");
    }
}
