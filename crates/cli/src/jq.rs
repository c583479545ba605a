//! `--jq EXPR`: filter a command's JSON output in process with jaq (a jq implementation in
//! Rust), like `gh --jq`: strings print raw, other values as compact JSON, one per line.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;

/// A compiled jq filter.
pub struct Filter {
    filter: jaq_core::compile::Filter<jaq_core::Native<data::JustLut<Val>>>,
}

/// The first line of `s`, shortened, for error messages.
fn snippet(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    let mut short: String = line.chars().take(30).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short
}

/// The most of a runtime error's text that is quoted: it can hold the whole input (the
/// server's response), like the at most 300 characters of a server's message elsewhere.
const MAX_QUOTED: usize = 300;

/// `text` on one line, cut to [`MAX_QUOTED`] characters.
fn quoted(text: &str) -> String {
    let line = text.replace(['\n', '\r'], " ");
    let mut short: String = line.chars().take(MAX_QUOTED).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short
}

/// `expected X at `...`` or `expected X at the end`.
fn expected(what: &str, at: &str) -> String {
    if at.trim().is_empty() {
        format!("expected {what} at the end")
    } else {
        format!("expected {what} at `{}`", snippet(at))
    }
}

impl Filter {
    /// Parses and compiles `code`; an invalid expression is a one-line error.
    pub fn new(code: &str) -> Result<Filter> {
        let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
        let funs = jaq_core::funs().chain(jaq_std::funs()).chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let invalid = |why: String| anyhow!("invalid --jq expression {code:?}: {why}");
        let modules = loader.load(&arena, File { code, path: () }).map_err(|errs| {
            let why = errs
                .into_iter()
                .next()
                .map(|(_, e)| match e {
                    jaq_core::load::Error::Io(v) => v.into_iter().next().map(|(_, m)| m).unwrap_or_default(),
                    jaq_core::load::Error::Lex(v) => {
                        v.first().map(|(exp, at)| expected(exp.as_str(), at)).unwrap_or_default()
                    }
                    jaq_core::load::Error::Parse(v) => {
                        v.first().map(|(exp, at)| expected(exp.as_str(), at)).unwrap_or_default()
                    }
                })
                .unwrap_or_default();
            invalid(why)
        })?;
        let filter = Compiler::default().with_funs(funs).compile(modules).map_err(|errs| {
            let why = errs
                .into_iter()
                .flat_map(|(_, v)| v)
                .next()
                .map(|(name, undefined)| {
                    format!("undefined {undefined:?} `{name}`").replace("Filter(", "filter/").replace(")", "")
                })
                .unwrap_or_default();
            invalid(why)
        })?;
        Ok(Filter { filter })
    }

    /// Runs the filter over every JSON value in `json` and writes the results: strings
    /// raw, anything else as compact JSON, each on its own line.
    pub fn run(&self, json: &[u8], out: &mut dyn Write) -> Result<()> {
        if json.iter().all(u8::is_ascii_whitespace) {
            bail!("--jq: the command printed nothing to filter");
        }
        for input in jaq_json::read::parse_many(json) {
            // Never echo the text: it may not be JSON because it is a secret.
            let input = input.map_err(|_| anyhow!("--jq: the command's output is not JSON"))?;
            let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
            for value in self.filter.id.run((ctx, input)).map(unwrap_valr) {
                match value {
                    Ok(Val::TStr(s)) | Ok(Val::BStr(s)) => {
                        out.write_all(&s)?;
                        writeln!(out)?;
                    }
                    Ok(v) => writeln!(out, "{v}")?,
                    Err(e) => bail!("--jq: {}", quoted(&e.to_string())),
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(code: &str, json: &str) -> Result<String> {
        let mut out = Vec::new();
        Filter::new(code)?.run(json.as_bytes(), &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn strings_raw_others_json() {
        let json = r#"[{"name":"a","id":1},{"name":"b","id":2}]"#;
        assert_eq!(run(".[].name", json).unwrap(), "a\nb\n");
        assert_eq!(run(".[].id", json).unwrap(), "1\n2\n");
        assert_eq!(run(".[0]", json).unwrap(), "{\"name\":\"a\",\"id\":1}\n");
        assert_eq!(run("map(select(.id > 1)) | length", json).unwrap(), "1\n");
    }

    #[test]
    fn bad_expressions_are_one_line_errors() {
        for bad in [".[", "nosuchfunction", ".a |", "{"] {
            let err = Filter::new(bad).err().unwrap_or_else(|| panic!("{bad} compiled")).to_string();
            assert!(err.starts_with("invalid --jq expression") && !err.contains('\n'), "{err}");
        }
        let err = run(".a", "[1]").unwrap_err().to_string();
        assert!(err.starts_with("--jq:") && !err.contains('\n'), "{err}");
        // A runtime error quotes at most 300 characters of the input.
        let big = format!("[{}]", vec!["\"abcdefghij\""; 10_000].join(","));
        let err = run(".a", &big).unwrap_err().to_string();
        assert!(err.starts_with("--jq: cannot index") && err.chars().count() < 320, "{}", err.len());
        let err = run(".", "not json s3cr3t").unwrap_err().to_string();
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}
