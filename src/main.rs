//! The `candor` binary: parse arguments, call the library, print, map the outcome to an exit
//! code (0 no deny finding, 1 deny findings, 2 the tool could not do its job).

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::Parser;

use candor::cli::{BuildArgs, CheckArgs, Cli, Command, RulesFormat};
use candor::render::{self, BuildOptions};
use candor::report::{self, Format, HumanStyle};
use candor::rules::Code;
use candor::source::{GitTree, Source, WorkTree};
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
        Command::Build(args) => build(args),
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

fn build(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let start = args.repo.clone().unwrap_or_else(|| cwd.clone());
    let source = if args.worktree {
        let tree = match &args.repo {
            Some(repo) => WorkTree::open(repo)?,
            None => WorkTree::discover(&cwd)?,
        };
        // The repository's history only belongs to this tree if the tree is its top folder.
        let history = GitTree::open(tree.root(), "HEAD").ok().filter(|git| {
            git.workdir().and_then(|w| w.canonicalize().ok()) == tree.root().canonicalize().ok()
        });
        Source::Work(tree, history)
    } else {
        Source::Git(GitTree::open(&start, &args.rev)?)
    };
    // A build is reproducible within a day: "today" is the start of the current UTC day.
    let start_of_today = Utc::now().date_naive();
    let today = candor::today_from(Some(args.today.unwrap_or(start_of_today)), Utc::now());
    let options = BuildOptions {
        out: args.out.clone(),
        today,
        strict: args.strict,
    };
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let progress = |line: &str| {
        if show_progress {
            let _ = writeln!(std::io::stderr(), "{line}...");
        }
    };
    let outcome = render::build(&source, &options, &progress)?;
    if !outcome.written() {
        let style = human_style();
        let root = match &source {
            Source::Work(tree, _) => Some(tree.root().to_path_buf()),
            Source::Git(_) => None,
        };
        let source_of = |file: &str| match &root {
            Some(root) => std::fs::read_to_string(root.join(file)).ok(),
            None => source
                .read(file, 4 * 1024 * 1024)
                .ok()
                .and_then(|b| String::from_utf8(b).ok()),
        };
        let mut text = report::human(&outcome.blocking, outcome.blocking.len(), style, &source_of);
        text.push_str(&format!(
            "the site was not built: {} finding(s) on reports that would be published{}; fix them, or mark the report `status: draft`\n",
            outcome.blocking.len(),
            if args.strict { " (--strict)" } else { " (structure and time findings make a report's data untrustworthy)" }
        ));
        emit(&text)?;
        return Ok(ExitCode::from(1));
    }
    if !args.quiet {
        let warnings = outcome.findings.iter().filter(|f| !f.is_deny()).count();
        let denies = outcome.findings.len() - warnings;
        let from = match source.source_commit() {
            Some(commit) => format!("commit {}", &commit.to_string()[..7]),
            None => "the working tree (preview)".to_owned(),
        };
        emit(&format!(
            "built {} from {from}: {} published report(s), {} draft(s) left out, {} files; {} commit(s) of history; findings shown on the pages: {denies} error(s), {warnings} warning(s)\n",
            args.out.display(),
            outcome.published,
            outcome.drafts,
            outcome.files,
            outcome.commits,
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn human_style() -> HumanStyle {
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        HumanStyle::Coloured
    } else {
        HumanStyle::Plain
    }
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
