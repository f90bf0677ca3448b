//! The `candor` binary: parse arguments, call the library, print, map the outcome to an exit
//! code (0 no deny finding, 1 deny findings, 2 the tool could not do its job).

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{Timelike, Utc};
use clap::{CommandFactory, Parser};

use candor::build::{self, BuildOptions};
use candor::cli::{
    BuildArgs, CheckArgs, Cli, Command, ExportArgs, ExportFormat, ImportArgs, ImportFormatArg,
    InitArgs, NewArgs, RulesFormat, ServeArgs, SeverityArg,
};
use candor::diag::Code;
use candor::report::{self, Format, HumanStyle};
use candor::source::{GitTree, Source, WorkTree};
use candor::{explain, schema};

fn main() -> ExitCode {
    let cli = Cli::parse();
    limit_pack_mapping();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// How much of a pack file libgit2 maps at once, and in total.
///
/// By default it maps packs in windows of 1 GiB and unmaps none until 8 GiB are mapped, so a
/// build that walks a repository's history keeps every page of the pack it touched resident:
/// about 130 MiB of a 100,000-report build's peak. With windows of 16 MiB and about 32 MiB
/// mapped (a soft limit: the least recently used window not in use is unmapped first), those
/// pages stay in the page cache, outside the process (bench/RESULTS.md, "The pack unmapped,
/// kept reports packed", measures the time this costs).
const PACK_WINDOW_BYTES: usize = 16 << 20;
const PACK_MAPPED_LIMIT_BYTES: usize = 32 << 20;

#[allow(unsafe_code)]
fn limit_pack_mapping() {
    // SAFETY: these set globals of libgit2 without synchronisation, so no other thread may use
    // libgit2 meanwhile; this runs in `main` right after the arguments are parsed, before any
    // thread exists. If libgit2 refuses a setting, its default stands (more memory, the same
    // result), hence `ok()`.
    unsafe {
        git2::opts::set_mwindow_size(PACK_WINDOW_BYTES).ok();
        git2::opts::set_mwindow_mapped_limit(PACK_MAPPED_LIMIT_BYTES).ok();
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Build(args) => build(args),
        Command::Init(args) => init(args),
        Command::New(args) => new_report(args),
        Command::Serve(args) => serve(args),
        Command::Import(args) => import(args),
        Command::Export(args) => export(args),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut command, "candor", &mut text);
            emit(&String::from_utf8_lossy(&text))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut text = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut text)
                .context("cannot render the manual page")?;
            emit(&String::from_utf8_lossy(&text))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => {
            let Some(code) = Code::parse(&code) else {
                bail!("`{code}` is not a rule code; `candor rules` lists them all");
            };
            emit(&explain::explain(code.rule()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules { format, repo } => {
            let levels = repository_levels(repo.as_deref())?;
            emit(&match format {
                RulesFormat::Text => explain::rules_text(levels.as_ref()),
                RulesFormat::Markdown => explain::rules_markdown(levels.as_ref()),
                RulesFormat::Json => explain::rules_json(levels.as_ref())?,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { config, national } => {
            let value = if config {
                schema::config_schema()
            } else if national {
                schema::national_schema()
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
            // candor.yaml is always checked; as a path (from a pre-commit hook) it adds nothing.
            if path
                .file_name()
                .is_some_and(|n| n == candor::source::CONFIG_FILE)
            {
                continue;
            }
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
    let staged = if args.staged {
        Some(candor::source::staged(tree.root())?)
    } else {
        None
    };
    let mut outcome = match (&args.changed_since, &staged) {
        (Some(rev), _) => candor::check::check_changed_since(&tree, rev, today)?,
        (None, Some(staged)) => candor::check::check_staged(staged, today)?,
        (None, None) => candor::check_worktree(&tree, only.as_ref(), today)?,
    };
    if args.lang != "en" {
        candor::check::say_in(&mut outcome.findings, &args.lang)?;
    }
    let text = match args.format {
        Format::Human => {
            let coloured =
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let style = if coloured {
                HumanStyle::Coloured
            } else {
                HumanStyle::Plain
            };
            // Snippets are read by the loader's rules: no links, regular files, the size limit.
            let limit = outcome.config.config.limits.max_file_bytes;
            let snippets = match staged {
                Some(staged) => staged.source,
                None => Source::Work(tree.clone(), None),
            };
            let source_of = move |file: &str| snippets.read_text(file, limit);
            let mut text = report::human(&outcome.findings, outcome.reports, style, &source_of);
            if args.quiet {
                // Keep the findings, drop the summary line.
                let trimmed = text
                    .trim_end()
                    .rsplit_once('\n')
                    .map(|(findings, _)| findings.to_owned())
                    .unwrap_or_default();
                text = if trimmed.trim().is_empty() {
                    String::new()
                } else {
                    format!("{trimmed}\n")
                };
            }
            text
        }
        Format::Json => report::json(&outcome.findings)?,
        Format::Github => report::github(&outcome.findings),
        Format::Sarif => report::sarif(&outcome.findings)?,
        Format::Codequality => report::codequality(&outcome.findings)?,
    };
    emit(&text)?;
    let code = if outcome.has_deny() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here, and its memory goes back to the system at once: freeing the
    // record of each report one by one would only add a few milliseconds to every check
    // of 10,000 reports.
    std::mem::forget(outcome);
    Ok(code)
}

fn build(args: BuildArgs) -> anyhow::Result<ExitCode> {
    if let Some(sources) = args.sources.clone() {
        return national_build(args, sources);
    }
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let start = args.repo.clone().unwrap_or_else(|| cwd.clone());
    let source = if args.worktree {
        let tree = match &args.repo {
            Some(repo) => WorkTree::open(repo)?,
            None => WorkTree::discover(&cwd)?,
        };
        let history = tree.history();
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
        incremental: !args.full,
        keep_summaries: false,
    };
    let progress = TerminalProgress {
        enabled: !args.quiet && std::io::stderr().is_terminal(),
    };
    let outcome = build::build(&source, &options, &progress)?;
    if args.timings {
        print_timings(&outcome.timings);
    }
    for notice in &outcome.notices {
        let _ = writeln!(std::io::stderr(), "warning: {notice}");
    }
    if !outcome.written() {
        let style = human_style();
        let limit = candor::config::Limits::default().max_file_bytes;
        let source_of = |file: &str| source.read_text(file, limit);
        let mut text = report::human(&outcome.blocking, outcome.blocking.len(), style, &source_of);
        text.push_str(&format!(
            "the site was not built: {} on reports that would be published{}; fix them, or mark the report `status: draft`\n",
            count(outcome.blocking.len(), "finding", "findings"),
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
            "built {} from {from}: {}, {} left out, {}{}; {} of history; findings on published reports: {}, {}\n",
            args.out.display(),
            count(outcome.published, "published report", "published reports"),
            count(outcome.drafts, "draft", "drafts"),
            count(outcome.files, "file", "files"),
            kept_pages(outcome.kept),
            count(outcome.commits, "commit", "commits"),
            count(denies, "error", "errors"),
            count(warnings, "warning", "warnings"),
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `candor build --sources FILE`: one national site from many repositories.
fn national_build(args: BuildArgs, sources_file: std::path::PathBuf) -> anyhow::Result<ExitCode> {
    let start_of_today = Utc::now().date_naive();
    let today = candor::today_from(Some(args.today.unwrap_or(start_of_today)), Utc::now());
    let options = candor::national::NationalOptions {
        sources_file,
        cache: args.cache.clone(),
        offline: args.offline,
        allow_moving_revisions: args.allow_moving_revisions,
        build: BuildOptions {
            out: args.out.clone(),
            today,
            strict: args.strict,
            incremental: !args.full,
            keep_summaries: false,
        },
    };
    let progress = TerminalProgress {
        enabled: !args.quiet && std::io::stderr().is_terminal(),
    };
    let outcome = candor::national::build(&options, &progress)?;
    if args.timings {
        print_timings(&outcome.build.timings);
    }
    let mut warnings = String::new();
    for note in &outcome.notes {
        warnings.push_str(&format!("warning: {note}\n"));
    }
    let failed: Vec<_> = outcome.failed().collect();
    for source in &failed {
        warnings.push_str(&format!(
            "warning: source `{}` ({}) was left out: {}{}\n",
            source.name,
            source.git,
            source.failed.as_deref().unwrap_or_default(),
            match &source.last_published {
                Some(commit) => format!(
                    " (last published from commit {})",
                    &commit[..7.min(commit.len())]
                ),
                None => String::new(),
            }
        ));
    }
    let _ = write!(std::io::stderr(), "{warnings}");
    if !args.quiet {
        let built = &outcome.build;
        let warnings = built.findings.iter().filter(|f| !f.is_deny()).count();
        let denies = built.findings.len() - warnings;
        emit(&format!(
            "built {} from {} of {}: {}, {} left out, {}{}; {} of history; findings on published reports: {}, {}\n",
            args.out.display(),
            count(outcome.sources.len() - failed.len(), "source", "sources"),
            outcome.sources.len(),
            count(built.published, "published report", "published reports"),
            count(built.drafts, "draft", "drafts"),
            count(built.files, "file", "files"),
            kept_pages(built.kept),
            count(built.commits, "commit", "commits"),
            count(denies, "error", "errors"),
            count(warnings, "warning", "warnings"),
        ))?;
    }
    if args.strict && !failed.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "error: {} left out (--strict); the site was written without them",
            count(failed.len(), "source was", "sources were")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// How long each phase of a build took, on standard error.
fn print_timings(timings: &[candor::build::PhaseTiming]) {
    let mut text = String::new();
    for timing in timings {
        text.push_str(&format!(
            "{}: {:.3} s",
            timing.phase,
            timing.duration.as_secs_f64()
        ));
        if let Some(bytes) = timing.resident_bytes {
            text.push_str(&format!(", {} MiB resident after", bytes / (1024 * 1024)));
        }
        text.push('\n');
    }
    let _ = write!(std::io::stderr(), "{text}");
}

fn init(args: InitArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let root = args.dir.clone().map(|d| cwd.join(d)).unwrap_or(cwd);
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let options = candor::scaffold::InitOptions {
        organisation: args.organisation,
        organisation_name: args.organisation_name,
        service: args.service,
        service_name: args.service_name,
        languages: args.languages,
        title: args.title,
        base_url: args.base_url,
    };
    let written = candor::scaffold::init(&root, &options)?;
    let new_repository = candor::source::init_repository(&root)?;
    let mut text = format!("created a reports repository in {}:\n", root.display());
    for path in &written {
        text.push_str(&format!(
            "  {}\n",
            path.strip_prefix(&root).unwrap_or(path).display()
        ));
    }
    if new_repository {
        text.push_str("  (and a new git repository)\n");
    }
    text.push_str(&format!(
        "next:\n  cd {}\n  candor new \"What happened\" --service {}\n  candor check\n  git add -A && git commit -m \"Start the reports repository\"\n  candor build\nin CI: on GitHub, set Settings > Pages > Source to \"GitHub Actions\" once; on GitLab, add a daily\npipeline schedule so that deadlines are checked without commits (the README explains both)\nbefore each commit: a git hook that runs `candor check --staged` (README, \"Before each commit\")\n",
        root.display(),
        options.service
    ));
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `candor export`: one stage's content for a regulator (exit 1 when a required field is
/// missing), or with `--classify` the incident's classification under the regime.
fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    use candor::cli::{RegimeArg, StageArg};
    use candor::model::{Regime, Stage};
    use candor::regulator::{self, Subject, export};
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let tree = match &args.repo {
        Some(repo) => WorkTree::open(repo)?,
        None => WorkTree::discover(&cwd)?,
    };
    let regime = match args.regime {
        RegimeArg::Nis2 => Regime::Nis2,
        RegimeArg::Dora => Regime::Dora,
    };
    let today = candor::today_from(args.today, Utc::now());
    // A path to the report works as well as its id.
    let id = std::path::Path::new(&args.report)
        .file_stem()
        .filter(|_| args.report.ends_with(".yaml"))
        .and_then(|stem| stem.to_str())
        .unwrap_or(&args.report);
    let opened = regulator::open_report(&tree, id, today)?;
    let report = &opened.report;
    let subject = Subject::new(&report.incident, &opened.config, &report.impact, today);
    if !subject.declares(regime) {
        let _ = writeln!(
            std::io::stderr(),
            "note: organisation `{}` does not declare `{}` under `regimes` in candor.yaml, so rules A025 and A026 do not watch its notifications",
            report.incident.organisation,
            regime.as_str()
        );
    }
    if args.classify {
        let classification = regulator::classify(&subject, regime);
        let text = match args.format {
            ExportFormat::Json => serde_json::to_string_pretty(&classification)? + "\n",
            ExportFormat::Markdown => {
                export::classification_markdown(&classification, &report.incident.id)
            }
        };
        emit(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(stage) = args.stage else {
        bail!("give --stage or --classify");
    };
    let stage = match stage {
        StageArg::EarlyWarning => Stage::EarlyWarning,
        StageArg::Notification => Stage::Notification,
        StageArg::Initial => Stage::Initial,
        StageArg::Intermediate => Stage::Intermediate,
        StageArg::Final => Stage::Final,
    };
    if !regulator::stage_of(regime, stage) {
        let stages: Vec<&str> = regime.stages().iter().map(|s| s.as_str()).collect();
        bail!(
            "`{}` is not a stage of {}; its stages are {}",
            stage.as_str(),
            regime.as_str(),
            stages.join(", ")
        );
    }
    let private = match &args.private {
        Some(path) => {
            if candor::source::inside_unignored(tree.root(), path) {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: {} lies inside the reports repository and is not ignored by git: a commit would publish it in the repository's history; move it out, or add it to .gitignore",
                    path.display()
                );
            }
            let fields = regulator::private::read(path)?;
            if let Some(own) = &fields.report
                && *own != report.incident.id
            {
                bail!(
                    "{} holds the private fields of report `{own}`, not of `{}`; give the file written for this report",
                    path.display(),
                    report.incident.id
                );
            }
            Some(fields)
        }
        None => None,
    };
    let language = args
        .language
        .unwrap_or_else(|| report.incident.language.clone());
    if language != report.incident.language && !opened.config.languages().contains(&language) {
        bail!(
            "`{language}` is neither the report's language (`{}`) nor a site language ({}); texts would come out in another language than the export says",
            report.incident.language,
            opened.config.languages().join(", ")
        );
    }
    let result = export::export(
        &subject,
        &report.file,
        regime,
        stage,
        &language,
        private.as_ref(),
    );
    let text = match args.format {
        ExportFormat::Json => serde_json::to_string_pretty(&result)? + "\n",
        ExportFormat::Markdown => export::to_markdown(&result),
    };
    emit(&text)?;
    if result.is_complete() {
        Ok(ExitCode::SUCCESS)
    } else {
        let _ = writeln!(
            std::io::stderr(),
            "{} required field{} missing: see `missing`",
            result.missing.len(),
            if result.missing.len() == 1 { "" } else { "s" }
        );
        Ok(ExitCode::from(1))
    }
}

fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    use candor::import::{self, Refusal};
    let (tree, config) = repository_to_write(args.repo.as_deref())?;
    let refuse = |refusal: Refusal| -> anyhow::Result<ExitCode> {
        let _ = writeln!(std::io::stderr(), "error: {refusal}");
        Ok(ExitCode::from(2))
    };
    let map = match import::read_map(&args.map) {
        Ok(map) => map,
        Err(refusal) => return refuse(refusal),
    };
    let options = import::Options {
        format: match args.format {
            ImportFormatArg::Statuspage => candor::model::ImportFormat::Statuspage,
            ImportFormatArg::Gcp => candor::model::ImportFormat::Gcp,
            ImportFormatArg::Stactus => candor::model::ImportFormat::Stactus,
            ImportFormatArg::Cstate => candor::model::ImportFormat::Cstate,
        },
        inputs: args.inputs,
        organisation: args.organisation,
        map,
        time_zone: args.timezone,
        since: args.since,
        only: args.only,
        include_maintenance: args.include_maintenance,
        language: args
            .language
            .unwrap_or_else(|| config.default_language().to_owned()),
        dry_run: args.dry_run,
        merge_window: args.merge_window,
        update: args.update,
    };
    let outcome = match import::run(&tree, &config, &options) {
        Ok(outcome) => outcome,
        Err(refusal) => return refuse(refusal),
    };
    let mut out = String::new();
    for problem in &outcome.problems {
        out.push_str(&format!(
            "{}: error: {}\n",
            problem.location, problem.message
        ));
    }
    let verb = if options.dry_run {
        "would write"
    } else {
        "wrote"
    };
    for (path, id, text) in &outcome.written {
        out.push_str(&format!("{verb} {path} (source id {id})\n"));
        if options.dry_run {
            out.push_str(text);
            out.push('\n');
        }
    }
    let updated_verb = if options.dry_run {
        "would update"
    } else {
        "updated"
    };
    for (path, id, added, text) in &outcome.updated {
        out.push_str(&format!(
            "{updated_verb} {path} (source id {id}): {added} new statement{}\n",
            if *added == 1 { "" } else { "s" }
        ));
        if options.dry_run {
            out.push_str(text);
            out.push('\n');
        }
    }
    for (path, reason) in &outcome.left_alone {
        out.push_str(&format!("{path}: not updated: {reason}\n"));
    }
    for (id, path) in &outcome.skipped {
        let state = if options.update {
            "up to date"
        } else {
            "already imported"
        };
        out.push_str(&format!("skipped {id}: {state} as {path}\n"));
    }
    if options.update {
        out.push_str(&format!("{} {updated_verb}, ", outcome.updated.len()));
    }
    out.push_str(&format!(
        "{} {verb}, {} already imported, {} left out (--since, --only, maintenance), {} with errors\n",
        outcome.written.len(),
        outcome.skipped.len(),
        outcome.filtered,
        outcome.problems.len()
    ));
    if !outcome.written.is_empty() && !options.dry_run {
        out.push_str("each is a draft: run `candor check`, verify the fields under `source.unverified`, and complete the root cause and actions\n");
    }
    emit(&out)?;
    Ok(
        if outcome.problems.is_empty() && outcome.left_alone.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

/// The reports repository a command writes into (`--repo`, or the one containing the current
/// folder), with its candor.yaml, which must be free of errors first.
fn repository_to_write(
    repo: Option<&std::path::Path>,
) -> anyhow::Result<(WorkTree, candor::config::Config)> {
    let tree = match repo {
        Some(repo) => WorkTree::open(repo)?,
        None => {
            WorkTree::discover(&std::env::current_dir().context("cannot read the current folder")?)?
        }
    };
    let validator = candor::validate::SchemaValidator::new()?;
    let bytes = tree.read(candor::source::CONFIG_FILE, 1024 * 1024)?;
    let loaded = candor::check::load_config(&bytes, &validator);
    if !loaded.references_known {
        anyhow::bail!("candor.yaml has errors; run `candor check` and fix them first");
    }
    Ok((tree, loaded.config))
}

fn new_report(args: NewArgs) -> anyhow::Result<ExitCode> {
    let (tree, config) = repository_to_write(args.repo.as_deref())?;
    let started_at = match &args.started {
        Some(text) => chrono::DateTime::parse_from_rfc3339(text).with_context(|| {
            format!(
                "`{text}` is not an RFC 3339 timestamp with offset, e.g. 2026-11-23T09:30:00+01:00"
            )
        })?,
        None => chrono::Local::now()
            .fixed_offset()
            .with_nanosecond(0)
            .unwrap_or_else(|| chrono::Local::now().fixed_offset()),
    };
    let report = candor::scaffold::NewReport {
        title: args.title,
        service: args.service,
        organisation: args.organisation,
        severity: match args.severity {
            SeverityArg::Minor => candor::model::Severity::Minor,
            SeverityArg::Major => candor::model::Severity::Major,
            SeverityArg::Critical => candor::model::Severity::Critical,
        },
        started_at,
    };
    let (id, path) = candor::scaffold::new_report_path(&report)?;
    let text = candor::scaffold::new_report_text(&config, &report, &id)?;
    candor::scaffold::create_new(&tree.root().join(&path), &text)?;
    emit(&format!(
        "created {path}\nfill it in, run `candor check {path}`, and commit it; it is a draft until you set `status: preliminary`\n"
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let tree = match &args.repo {
        Some(repo) => WorkTree::open(repo)?,
        None => WorkTree::discover(&cwd)?,
    };
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let stop = std::sync::Arc::clone(&stop);
        ctrlc::set_handler(move || stop.store(true, std::sync::atomic::Ordering::SeqCst))
            .context("cannot install the Ctrl-C handler")?;
    }
    let options = candor::serve::ServeOptions {
        tree,
        port: args.port,
        today: args.today.map(|d| candor::today_from(Some(d), Utc::now())),
    };
    let log = |line: &str| {
        let _ = writeln!(std::io::stderr(), "{line}");
    };
    candor::serve::serve(options, stop, &log)?;
    let _ = writeln!(std::io::stderr(), "stopped; the preview folder is removed");
    Ok(ExitCode::SUCCESS)
}

/// The rule levels of the repository at `repo`, or the one containing the current folder;
/// `None` outside a repository (`--repo` must name one).
fn repository_levels(
    repo: Option<&std::path::Path>,
) -> anyhow::Result<Option<candor::diag::Levels>> {
    let tree = match repo {
        Some(repo) => WorkTree::open(repo)?,
        None => match WorkTree::discover(&std::env::current_dir()?) {
            Ok(tree) => tree,
            Err(_) => return Ok(None),
        },
    };
    let validator = candor::validate::SchemaValidator::new()?;
    let bytes = tree.read(candor::source::CONFIG_FILE, 1024 * 1024)?;
    let loaded = candor::check::load_config(&bytes, &validator);
    Ok(Some(candor::diag::Levels::from_overrides(
        &loaded.config.rule_levels,
    )))
}

/// A progress bar on standard error, when it is a terminal.
struct TerminalProgress {
    enabled: bool,
}

impl build::Progress for TerminalProgress {
    fn phase(&self, name: &str) {
        if self.enabled {
            let _ = write!(std::io::stderr(), "\r\x1b[2K{name}...");
            let _ = writeln!(std::io::stderr());
        }
    }

    fn advance(&self, done: usize, total: usize) {
        if self.enabled {
            const WIDTH: usize = 30;
            let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(WIDTH - filled));
            let _ = write!(std::io::stderr(), "\r\x1b[2K[{bar}] {done}/{total}");
            if done == total {
                let _ = writeln!(std::io::stderr());
            }
        }
    }
}

/// ` (N unchanged pages kept from the previous build)`, when any were.
fn kept_pages(kept: usize) -> String {
    if kept == 0 {
        return String::new();
    }
    format!(
        " ({} kept from the previous build)",
        count(kept, "unchanged page", "unchanged pages")
    )
}

/// "1 file", "2 files".
fn count(n: usize, one: &str, other: &str) -> String {
    candor::diag::count(i64::try_from(n).unwrap_or(i64::MAX), one, other)
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
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
