//! The site build, stage by stage: check the reports, read their history, compute the site
//! model, render the pages, and publish the folder.
//!
//! This driver is the only place the stages meet. The reports go through the same check as
//! `candor check`; a structure or time finding on a report to be published stops the build
//! (its data cannot be trusted), and with `--strict` any deny finding does. History is read
//! in one pass; the model computes every figure once; the renderer turns the model into pages
//! written straight into a staging folder; publishing swaps that folder in with its manifest.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::check::{self, Analysis};
use crate::diag::{Family, Finding};
use crate::history::{self, History};
use crate::publish::{Manifest, Staging};
use crate::render::{self, TemplateSet};
use crate::site::{self, ReportInput};
use crate::source::{self, Source};

/// How to build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The output folder.
    pub out: PathBuf,
    /// "Now", for overdue marks and ongoing durations.
    pub today: DateTime<Utc>,
    /// Refuse on any deny finding, not only structure and time findings.
    pub strict: bool,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildOutcome {
    /// The standing findings shown on published pages (or, when refused, every finding).
    pub findings: Vec<Finding>,
    /// The other standing findings: on drafts and the configuration (an author's preview
    /// shows them with `findings`; empty when refused).
    pub unpublished_findings: Vec<Finding>,
    /// The findings that stopped the build (empty when the site was written).
    pub blocking: Vec<Finding>,
    /// Published reports.
    pub published: usize,
    /// Drafts (never written).
    pub drafts: usize,
    /// Files written, manifest included.
    pub files: usize,
    /// Commits read for the history.
    pub commits: usize,
    /// How long each phase took, in order.
    pub timings: Vec<PhaseTiming>,
    /// Warnings about the build itself, for the terminal (an `http://` base address, say).
    pub notices: Vec<String>,
}

impl BuildOutcome {
    /// Whether the site was written.
    pub fn written(&self) -> bool {
        self.blocking.is_empty()
    }
}

/// One phase of a build: how long it took and the memory in use when it ended.
#[derive(Clone, Debug)]
pub struct PhaseTiming {
    /// The phase ("check", "history", "render", ...).
    pub phase: &'static str,
    /// Wall-clock time the phase took.
    pub duration: std::time::Duration,
    /// Resident memory of the process at the end of the phase, where the system tells it.
    pub resident_bytes: Option<u64>,
}

/// Where a build reports how far it has come.
pub trait Progress: Sync {
    /// A new phase begins ("Checking reports").
    fn phase(&self, name: &str);
    /// `done` of `total` items of the current phase are finished.
    fn advance(&self, done: usize, total: usize);
}

/// Progress that nobody watches.
pub struct Silent;

impl Progress for Silent {
    fn phase(&self, _: &str) {}
    fn advance(&self, _: usize, _: usize) {}
}

/// The process's resident memory, from `/proc/self/status` (Linux); `None` elsewhere.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// Times the phases of a build.
struct Stopwatch {
    clock: std::time::Instant,
    timings: Vec<PhaseTiming>,
}

impl Stopwatch {
    fn new() -> Stopwatch {
        Stopwatch {
            clock: std::time::Instant::now(),
            timings: Vec::new(),
        }
    }

    fn lap(&mut self, phase: &'static str) {
        self.timings.push(PhaseTiming {
            phase,
            duration: self.clock.elapsed(),
            resident_bytes: resident_bytes(),
        });
        self.clock = std::time::Instant::now();
    }
}

/// Build the site from `source` into `options.out`, telling `progress` how far it has come.
pub fn build(
    source: &Source,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> anyhow::Result<BuildOutcome> {
    let mut watch = Stopwatch::new();
    progress.phase("Checking reports");
    // Walking the history's commits and trees needs nothing from the check, so it runs beside
    // it; the changed versions are read once the check has parsed the current ones.
    let (run, changes) = std::thread::scope(|scope| {
        let walker = source
            .history_tree()
            .map(|tree| scope.spawn(move || history::file_changes(tree)));
        let run = check::run(source, None, options.today, true);
        let changes = walker.map(|walker| {
            walker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (run, changes)
    });
    let mut run = run?;
    let drafts = run.analyses.iter().filter(|a| a.is_draft()).count();
    watch.lap("check");
    let blocking = blocking_findings(&run.findings, &run.analyses, options.strict);
    if !blocking.is_empty() {
        return Ok(BuildOutcome {
            findings: run.findings,
            unpublished_findings: Vec::new(),
            blocking,
            published: 0,
            drafts,
            files: 0,
            commits: 0,
            timings: watch.timings,
            notices: Vec::new(),
        });
    }

    let history = read_history(source, changes.transpose()?, &mut run)?;
    let publications = run.publications.take().unwrap_or_default();
    let commits = history.commits;
    watch.lap("history");

    let templates = TemplateSet::new(read_overrides(source)?);
    let compiled = render::Compiled::new(&templates, run.config.config.languages())?;
    let config = &run.config.config;
    let mut by_file: HashMap<&str, (Vec<&Finding>, Vec<&Finding>)> = HashMap::new();
    for finding in &run.findings {
        by_file.entry(&finding.file).or_default().0.push(finding);
    }
    for finding in &run.waived {
        by_file.entry(&finding.file).or_default().1.push(finding);
    }
    let reports = run
        .analyses
        .iter()
        .filter_map(|analysis| analysis.report.as_deref())
        .map(|checked| {
            let (findings, waived) = by_file
                .get(checked.file.as_str())
                .cloned()
                .unwrap_or_default();
            ReportInput {
                checked,
                findings,
                waived,
            }
        })
        .collect();
    let model = site::Model::new(site::Inputs {
        config,
        reports,
        history,
        publications,
        today: options.today,
        source_commit: source.source_commit().map(|c| c.to_string()),
        worktree: matches!(source, Source::Work(..)),
    });
    watch.lap("model");

    let staging = Staging::prepare(&options.out, config.limits.max_page_bytes)?;
    let written = render::pages(&model, &compiled, &staging, progress)?;
    let files = written.len() + 1;
    let manifest = Manifest {
        generator: format!("candor {}", env!("CARGO_PKG_VERSION")),
        source_commit: model.source_commit.clone(),
        files: written.into_iter().collect(),
    };
    watch.lap("render");
    progress.phase("Publishing");
    staging.commit(&manifest)?;
    watch.lap("publish");
    let published_files: HashSet<&str> = model
        .reports
        .iter()
        .map(|r| r.checked.file.as_str())
        .collect();
    let on_published: Vec<bool> = run
        .findings
        .iter()
        .map(|f| published_files.contains(f.file.as_str()))
        .collect();
    let published = model.reports.len();
    drop(model);
    // Moved, not copied: a large site has tens of thousands of findings.
    let (findings, unpublished_findings): (Vec<_>, Vec<_>) = run
        .findings
        .into_iter()
        .zip(on_published)
        .partition(|(_, shown)| *shown);
    Ok(BuildOutcome {
        published,
        findings: findings.into_iter().map(|(f, _)| f).collect(),
        unpublished_findings: unpublished_findings.into_iter().map(|(f, _)| f).collect(),
        blocking: Vec::new(),
        drafts,
        files,
        commits,
        timings: watch.timings,
        notices: notices(config),
    })
}

/// Warnings about the configuration that do not stop the build.
fn notices(config: &crate::config::Config) -> Vec<String> {
    let mut notices = Vec::new();
    if config
        .file
        .site
        .base_url
        .trim()
        .to_ascii_lowercase()
        .starts_with("http://")
    {
        notices.push(format!(
            "site.base_url `{}` is not https://: readers' browsers will warn about the site, and its feed and open data can be altered on the way; publish it over https",
            config.file.site.base_url
        ));
    }
    notices
}

/// Every report's revisions, from the changes found in one pass over the history of the
/// source's commit.
fn read_history(
    source: &Source,
    changes: Option<history::FileChanges>,
    run: &mut check::Run,
) -> anyhow::Result<History> {
    let (Some(tree), Some(changes)) = (source.history_tree(), changes) else {
        return Ok(History::default());
    };
    let limits = run.config.config.limits;
    // Versions equal to the committed files need not be parsed again: their key facts move
    // into the history, as nothing else needs them.
    let mut known = HashMap::new();
    if let Source::Git(_) = source {
        let ids = tree.blob_ids()?;
        for checked in run.analyses.iter_mut().filter_map(|a| a.report.as_mut()) {
            if let Some(id) = ids.get(&checked.file) {
                known.insert(*id, std::mem::take(&mut checked.facts));
            }
        }
    }
    history::read_changes(changes, tree, &limits, known)
}

/// The findings that stop a build: on anything that will be published (or cannot be shown
/// to be a draft), structure and time findings; with `strict`, any deny finding.
fn blocking_findings(findings: &[Finding], analyses: &[Analysis], strict: bool) -> Vec<Finding> {
    let drafts: HashSet<&str> = analyses
        .iter()
        .filter(|a| a.is_draft())
        .map(|a| a.file.as_str())
        .collect();
    findings
        .iter()
        .filter(|f| f.is_deny())
        .filter(|f| !drafts.contains(f.file.as_str()))
        .filter(|f| strict || matches!(f.code.family(), Family::Structure | Family::Time))
        .cloned()
        .collect()
}

/// The repository's own templates, by name relative to `templates/`.
fn read_overrides(source: &Source) -> anyhow::Result<Vec<(String, String)>> {
    let mut overrides = Vec::new();
    for path in source.list_templates()? {
        let bytes = source.read(&path, 4 * 1024 * 1024)?;
        let text = String::from_utf8(bytes).with_context(|| format!("{path} is not UTF-8 text"))?;
        let name = path
            .strip_prefix(&format!("{}/", source::TEMPLATES_DIR))
            .unwrap_or(&path)
            .to_owned();
        overrides.push((name, text));
    }
    Ok(overrides)
}
