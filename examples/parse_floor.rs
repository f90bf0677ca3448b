//! The floor under `candor check` that Candor's own code cannot go below: read every report
//! and run the YAML parser over it (events only, no tree, no validation, no rules), on all
//! cores, as `check` does. The benchmark prints it beside `cat` and `candor check`, so the
//! share of the parser in a check is visible.
//!
//! ```sh
//! cargo run --release --example parse_floor -- /tmp/repo
//! ```

// A command-line tool: its output goes to standard output and standard error.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use saphyr_parser::{Event, Parser};

fn report_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            report_files(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    Ok(())
}

/// Events in one file, or `None` when it does not parse.
fn count_events(path: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut parser = Parser::new_from_str(&text);
    let mut events = 0;
    while let Some(next) = parser.next_event() {
        let (event, _span) = next.ok()?;
        if event == Event::StreamEnd {
            break;
        }
        events += 1;
    }
    Some(events)
}

fn main() -> std::process::ExitCode {
    let Some(repo) = std::env::args().nth(1) else {
        eprintln!("usage: parse_floor REPOSITORY");
        return std::process::ExitCode::from(2);
    };
    let mut files = Vec::new();
    if let Err(error) = report_files(&Path::new(&repo).join("incidents"), &mut files) {
        eprintln!("cannot list {repo}/incidents: {error}");
        return std::process::ExitCode::from(2);
    }
    let counts: Vec<Option<usize>> = files.par_iter().map(|p| count_events(p)).collect();
    let failed = counts.iter().filter(|c| c.is_none()).count();
    let events: usize = counts.iter().flatten().sum();
    println!(
        "{} files, {events} YAML events, {failed} not parsed",
        files.len()
    );
    std::process::ExitCode::SUCCESS
}
