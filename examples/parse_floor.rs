//! The floor under `candor check` that Candor's own code cannot go below: read every report
//! and run the YAML parser over it (events only, no tree, no validation, no rules), on all
//! cores, as `check` does. The benchmark prints it beside `cat` and `candor check`, so the
//! share of the parser in a check is visible.
//!
//! ```sh
//! cargo run --release --example parse_floor -- /tmp/repo
//! cargo run --release --example parse_floor -- /tmp/repo --compare
//! ```
//!
//! With `--compare` it measures the loader's fast scanner for block-style reports against
//! the parser (medians of 5 passes over the files, already read into memory, on all cores),
//! counts the files the scanner reads, and checks that each tree it reads is the one the
//! parser gives (it exits with 1 on the first that is not).

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

/// Median wall-clock seconds of 5 runs of `pass`.
fn median_seconds(mut pass: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let start = std::time::Instant::now();
            pass();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[2]
}

/// The scanner against the parser on the files' bytes.
fn compare(files: &[PathBuf]) -> std::process::ExitCode {
    use candor::config::Limits;
    use candor::load;
    let read: Vec<(&PathBuf, Vec<u8>)> = files
        .iter()
        .filter_map(|path| Some((path, std::fs::read(path).ok()?)))
        .collect();
    let limits = Limits::default();
    for (path, bytes) in &read {
        if let Some(fast) = load::scan_block_style(bytes, &limits) {
            let general = load::load_with_parser(bytes, &limits);
            if !general.problems.is_empty() || general.root.as_ref() != Some(&fast) {
                eprintln!(
                    "the scanner reads {} differently from the parser",
                    path.display()
                );
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    let texts: Vec<&Vec<u8>> = read.iter().map(|(_, bytes)| bytes).collect();
    let scanned = texts
        .par_iter()
        .filter(|bytes| load::scan_block_style(bytes, &limits).is_some())
        .count();
    let events = median_seconds(|| {
        let _: usize = texts
            .par_iter()
            .map(|bytes| {
                let text = std::str::from_utf8(bytes).unwrap_or_default();
                let mut parser = Parser::new_from_str(text);
                let mut events = 0;
                while let Some(Ok((event, _))) = parser.next_event() {
                    if event == Event::StreamEnd {
                        break;
                    }
                    events += 1;
                }
                events
            })
            .sum();
    });
    let tree_by_parser = median_seconds(|| {
        let _: usize = texts
            .par_iter()
            .map(|bytes| usize::from(load::load_with_parser(bytes, &limits).root.is_some()))
            .sum();
    });
    let tree_by_loader = median_seconds(|| {
        let _: usize = texts
            .par_iter()
            .map(|bytes| usize::from(load::load(bytes, &limits).root.is_some()))
            .sum();
    });
    println!(
        "{} files, {scanned} read by the scanner, every one as the parser reads it",
        texts.len()
    );
    println!("parser events only:          {:.3} s", events);
    println!("tree with the parser:        {:.3} s", tree_by_parser);
    println!(
        "tree with the loader:        {:.3} s ({:.2}x the parser's tree, {:.2}x its events)",
        tree_by_loader,
        tree_by_loader / tree_by_parser,
        tree_by_loader / events
    );
    std::process::ExitCode::SUCCESS
}

fn main() -> std::process::ExitCode {
    let Some(repo) = std::env::args().nth(1) else {
        eprintln!("usage: parse_floor REPOSITORY [--compare]");
        return std::process::ExitCode::from(2);
    };
    let mut files = Vec::new();
    if let Err(error) = report_files(&Path::new(&repo).join("incidents"), &mut files) {
        eprintln!("cannot list {repo}/incidents: {error}");
        return std::process::ExitCode::from(2);
    }
    if std::env::args().nth(2).as_deref() == Some("--compare") {
        return compare(&files);
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
