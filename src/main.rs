//! The `candor` binary: parse arguments, call the library, print, map the outcome to an exit
//! code (0 no deny finding, 1 deny findings, 2 the tool could not do its job).

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::Parser;

use candor::cli::{CheckArgs, Cli, Command, RulesFormat};
use candor::report::{self, Format, HumanStyle};
use candor::rules::Code;
use candor::source::WorkTree;
use candor::{explain, schema};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Explain { code } => {
            let Some(code) = Code::parse(&code) else {
                bail!("`{code}` is not a rule code; `candor rules` lists them all");
            };
            emit(&explain::explain(code.rule()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules { format } => {
            emit(&match format {
                RulesFormat::Text => explain::rules_text(),
                RulesFormat::Markdown => explain::rules_markdown(),
                RulesFormat::Json => explain::rules_json(),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { config } => {
            let value = if config {
                schema::config_schema()
            } else {
                schema::incident_schema()
            };
            emit(&schema::to_file_text(&value))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let tree = match &args.repo {
        Some(repo) => WorkTree::open(repo)?,
        None => WorkTree::discover(&cwd)?,
    };
    let only = if args.paths.is_empty() {
        None
    } else {
        let mut files = HashSet::new();
        for path in &args.paths {
            let absolute = cwd.join(path);
            let absolute = absolute
                .canonicalize()
                .with_context(|| format!("{} does not exist", path.display()))?;
            if absolute.is_dir() {
                let listing = tree.list_reports()?;
                let folder = tree.relative(&absolute).with_context(|| {
                    format!(
                        "{} is outside the repository {}",
                        path.display(),
                        tree.root().display()
                    )
                })?;
                let prefix = if folder.is_empty() {
                    String::new()
                } else {
                    format!("{folder}/")
                };
                files.extend(
                    listing
                        .reports
                        .into_iter()
                        .filter(|r| r.starts_with(&prefix)),
                );
            } else {
                let relative = tree.relative(&absolute).with_context(|| {
                    format!(
                        "{} is outside the repository {}",
                        path.display(),
                        tree.root().display()
                    )
                })?;
                files.insert(relative);
            }
        }
        Some(files)
    };
    let today = candor::today_from(args.today, Utc::now());
    let outcome = candor::check_worktree(&tree, only.as_ref(), today)?;
    let text = match args.format {
        Format::Human => {
            let coloured =
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let style = if coloured {
                HumanStyle::Coloured
            } else {
                HumanStyle::Plain
            };
            let root = tree.root().to_path_buf();
            let source_of = move |file: &str| std::fs::read_to_string(root.join(file)).ok();
            report::human(&outcome.findings, outcome.reports, style, &source_of)
        }
        Format::Json => report::json(&outcome.findings),
        Format::Github => report::github(&outcome.findings),
        Format::Sarif => report::sarif(&outcome.findings),
    };
    emit(&text)?;
    Ok(if outcome.has_deny() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The one place output is written.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // A closed pipe (`candor check | head`) is not an error of ours.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(error).context("cannot write the output"),
    }
}

// Parsing allocates many small strings; mimalloc makes that markedly cheaper than glibc's
// allocator (measured in bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
