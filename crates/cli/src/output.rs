//! Rendering: JSON, aligned key-value blocks and tables, all through a `Write`. Text
//! (not JSON) is passed through [`sanitize`] first: its values may come from a server.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::args::Format;
use crate::sanitize::{self, Mode};

/// Writes `value` as pretty JSON and a newline.
pub fn json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Table-or-JSON output of one command: with `--output json` the command's value as JSON,
/// else its text view (a table, aligned fields, a message). Every command renders through
/// this, so the choice is made in one place; the text view is only built when shown.
pub struct Render<'o> {
    format: Format,
    out: &'o mut dyn Write,
}

impl<'o> Render<'o> {
    /// Renders in `format` to `out`.
    pub fn new(format: Format, out: &'o mut dyn Write) -> Self {
        Render { format, out }
    }

    /// `value` as JSON, or whatever `text` writes.
    pub fn with<T: Serialize + ?Sized>(
        self,
        value: &T,
        text: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        match self.format {
            Format::Json => json(self.out, value),
            Format::Table => text(self.out),
        }
    }

    /// `value` as JSON, or the one-line message `text` makes.
    pub fn line<T: Serialize + ?Sized>(self, value: &T, text: impl FnOnce() -> String) -> Result<()> {
        self.with(value, |out| Ok(writeln!(out, "{}", sanitize::line(&text()))?))
    }

    /// `value` as JSON, or a [`table`] of `headers` and the rows `rows` makes.
    pub fn table<T: Serialize + ?Sized>(
        self,
        value: &T,
        headers: &[&str],
        rows: impl FnOnce() -> Vec<Vec<String>>,
    ) -> Result<()> {
        self.with(value, |out| table(out, headers, rows()))
    }

    /// `value` as JSON, or the aligned [`fields`] `rows` makes.
    pub fn fields<T: Serialize + ?Sized>(
        self,
        value: &T,
        rows: impl FnOnce() -> Vec<(&'static str, String)>,
    ) -> Result<()> {
        self.with(value, |out| fields(out, &rows()))
    }
}

/// Writes `label: value` lines with the values aligned.
pub fn fields(out: &mut dyn Write, rows: &[(&str, String)]) -> Result<()> {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
    for (k, v) in rows {
        writeln!(out, "{:<width$} {}", format!("{k}:"), sanitize::clean(v, Mode::Cell))?;
    }
    Ok(())
}

/// Writes an aligned table with upper-case headers and no borders.
pub fn table(out: &mut dyn Write, headers: &[&str], rows: Vec<Vec<String>>) -> Result<()> {
    table_by(out, headers, rows.len(), |i| rows[i].clone())
}

/// Writes an aligned table of `count` rows, making each row when it is needed (twice:
/// once to measure the columns, once to write it), so that a long table is never held
/// whole in memory. Columns are two spaces apart; cells are padded to the widest one's
/// display width.
pub fn table_by(
    out: &mut dyn Write,
    headers: &[&str],
    count: usize,
    row: impl Fn(usize) -> Vec<String>,
) -> Result<()> {
    let headers: Vec<String> = headers.iter().map(|h| h.to_uppercase()).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for i in 0..count {
        for (at, cell) in row(i).iter().enumerate() {
            let w = sanitize::clean(cell, Mode::Cell).width();
            match widths.get_mut(at) {
                Some(max) => *max = (*max).max(w),
                None => widths.push(w),
            }
        }
    }
    write_row(out, &widths, &headers)?;
    for i in 0..count {
        let cells: Vec<String> = row(i).iter().map(|c| sanitize::clean(c, Mode::Cell).into_owned()).collect();
        write_row(out, &widths, &cells)?;
    }
    Ok(())
}

fn write_row(out: &mut dyn Write, widths: &[usize], cells: &[String]) -> Result<()> {
    let mut line = String::new();
    for (cell, width) in cells.iter().zip(widths) {
        line.push_str(cell);
        line.extend(std::iter::repeat_n(' ', width.saturating_sub(cell.width()) + 2));
    }
    writeln!(out, "{}", line.trim_end())?;
    Ok(())
}

/// A duration as `2h 05m 09s`, `14m 59s` or `42s`; hours are not capped at 60 minutes.
pub fn human_duration(secs: i64) -> String {
    let (sign, s) = if secs < 0 { ("-", secs.unsigned_abs()) } else { ("", secs as u64) };
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{sign}{h}h {m:02}m {s:02}s")
    } else if m > 0 {
        format!("{sign}{m}m {s:02}s")
    } else {
        format!("{sign}{s}s")
    }
}

/// An optional value, or `-`: how every table and field block shows an absent value.
pub fn or_dash(v: Option<impl ToString>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// `ID (name)`, `ID`, `(name)`, or `-`.
pub fn labelled(id: Option<impl ToString>, name: Option<&str>) -> String {
    match (id.map(|i| i.to_string()), name) {
        (Some(id), Some(n)) => format!("{id} ({})", sanitize::line(n)),
        (Some(id), None) => id,
        (None, Some(n)) => format!("({})", sanitize::line(n)),
        (None, None) => "-".into(),
    }
}

/// First and last name joined, or `-`.
pub fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    let name = [first, last].into_iter().flatten().collect::<Vec<_>>().join(" ");
    if name.is_empty() { "-".into() } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_writes_json_or_the_text_view() {
        let value = serde_json::json!({"id": 1});
        let mut json_out = Vec::new();
        Render::new(Format::Json, &mut json_out).line(&value, || unreachable!("no text in JSON")).unwrap();
        assert_eq!(String::from_utf8(json_out).unwrap(), "{\n  \"id\": 1\n}\n");
        let mut text = Vec::new();
        Render::new(Format::Table, &mut text).fields(&value, || vec![("Id", "1".into())]).unwrap();
        assert_eq!(String::from_utf8(text).unwrap(), "Id: 1\n");
    }

    #[test]
    fn durations_beyond_an_hour_are_right() {
        assert_eq!(human_duration(0), "0s");
        assert_eq!(human_duration(59), "59s");
        assert_eq!(human_duration(899), "14m 59s");
        assert_eq!(human_duration(3600), "1h 00m 00s");
        assert_eq!(human_duration(3 * 3600 + 5 * 60 + 9), "3h 05m 09s");
        assert_eq!(human_duration(26 * 3600), "26h 00m 00s");
        assert_eq!(human_duration(-61), "-1m 01s");
    }

    #[test]
    fn tables_align_columns() {
        let mut out = Vec::new();
        table(
            &mut out,
            &["id", "name"],
            vec![vec!["1".into(), "one".into()], vec!["1000".into(), "x".into()]],
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].find("NAME"), lines[1].find("one"));
        assert_eq!(lines[1].find("one"), lines[2].find('x'));
    }
}
