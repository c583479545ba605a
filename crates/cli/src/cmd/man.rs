//! `armor man DIR`: man pages generated from the clap definitions (clap_mangen), one page
//! per command and subcommand: `armor.1`, `armor-login.1`, `armor-vm-list.1`, ...

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::args::Cli;

pub fn run(dir: &Path, out: &mut dyn Write) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    crate::lazy::build_all();
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("cannot write the man pages to {}", dir.display()))?;
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with("armor") && n.ends_with(".1"))
        .collect();
    pages.sort();
    writeln!(
        out,
        "Wrote {} man pages to {} (try: man -l {}).",
        pages.len(),
        dir.display(),
        dir.join("armor.1").display()
    )?;
    Ok(())
}
