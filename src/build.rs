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
use crate::history::History;
use crate::publish::{ManifestHead, Preparation, Staging};
use crate::render::{self, TemplateSet};
use crate::rules::Summary;
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
    /// Link the pages of the site already in `out` that would be rendered from the same
    /// inputs, instead of rendering them again (the result is the same, byte for byte).
    pub incremental: bool,
    /// Hand back what the rules across reports need of each report ([`BuildOutcome`]'s
    /// `summaries`, for a preview that checks an edited report against them); otherwise they
    /// are let go as soon as the check is done.
    pub keep_summaries: bool,
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
    /// Pages kept unchanged from the previous build instead of rendered.
    pub kept: usize,
    /// Commits read for the history.
    pub commits: usize,
    /// How long each phase took, in order.
    pub timings: Vec<PhaseTiming>,
    /// Warnings about the build itself, for the terminal (an `http://` base address, say).
    pub notices: Vec<String>,
    /// What the rules across reports need of each report file, by path, as this build read
    /// them (a preview checks an edited report against them); empty unless
    /// [`BuildOptions::keep_summaries`].
    pub(crate) summaries: HashMap<String, Summary>,
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
pub(crate) struct Stopwatch {
    clock: std::time::Instant,
    pub(crate) timings: Vec<PhaseTiming>,
}

impl Stopwatch {
    pub(crate) fn new() -> Stopwatch {
        Stopwatch {
            clock: std::time::Instant::now(),
            timings: Vec::new(),
        }
    }

    pub(crate) fn lap(&mut self, phase: &'static str) {
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
    // On a thread of the pool, which did a share of the check: the phases between the check
    // and the render then reuse the memory that thread freed, where the calling thread
    // would take new pages (the allocator keeps freed memory with the thread that allocated
    // it).
    rayon::scope(|_| build_with(source, options, progress, true))
}

/// [`build`], holding the reports of a commit without their prose while it runs
/// (`set_prose_aside`: see [`crate::prose`]) or whole (a test shows that both give the same
/// site). The working tree's reports are always kept whole: an editor may save a file while
/// the build runs, and a preview's memory matters less than finishing.
fn build_with(
    source: &Source,
    options: &BuildOptions,
    progress: &dyn Progress,
    set_prose_aside: bool,
) -> anyhow::Result<BuildOutcome> {
    // Without a file for the summaries' starts (no room for temporary files), the reports
    // are kept whole: the same site, in more memory.
    let read_back_from = match source {
        Source::Git(tree) if set_prose_aside => crate::prose::Starts::new()
            .ok()
            .map(|starts| (tree, starts)),
        _ => None,
    };
    let mut watch = Stopwatch::new();
    progress.phase("Checking reports");
    // The output folder is looked over (a walk of every file of a large site, and the previous
    // builds' records read) while the reports are checked.
    let (prepared, preparation) = std::thread::scope(|scope| {
        // Without a thread for it, the output folder is looked over later, under the lock.
        let preparation = std::thread::Builder::new()
            .spawn_scoped(scope, || {
                Preparation::start(&options.out, options.incremental)
            })
            .ok();
        let prepared = prepare(
            source,
            None,
            options,
            read_back_from.as_ref().map(|(_, starts)| starts),
            &mut watch,
        );
        // A look that failed is only taken again, under the build's lock.
        let preparation = preparation
            .and_then(|thread| thread.join().ok())
            .unwrap_or_else(|| Preparation::start_later(&options.out, options.incremental));
        (prepared, preparation)
    });
    let prepared = prepared?;
    if !prepared.blocking.is_empty() {
        let mut run = prepared.run;
        return Ok(BuildOutcome {
            summaries: handed_back_summaries(&mut run, options),
            findings: run.findings,
            unpublished_findings: Vec::new(),
            blocking: prepared.blocking,
            published: 0,
            drafts: prepared.drafts,
            files: 0,
            kept: 0,
            commits: 0,
            timings: watch.timings,
            notices: Vec::new(),
        });
    }
    let Prepared {
        mut run,
        history,
        publications,
        commits,
        drafts,
        ..
    } = prepared;
    let summaries = handed_back_summaries(&mut run, options);
    let templates = TemplateSet::new(read_overrides(source)?);
    let config = &run.config.config;
    let reader = read_back_from
        .as_ref()
        .map(|(tree, starts)| crate::prose::Reader::new(tree, config.limits, starts))
        .transpose()?;
    let site = SiteParts {
        config,
        reader: reader.as_ref(),
        reports: report_inputs(&run),
        history,
        publications,
        source_commit: source.source_commit().map(|c| c.to_string()),
        worktree: matches!(source, Source::Work(..)),
        templates,
        sources: &[],
    };
    let rendered = render_site(site, options, progress, &mut watch, Some(preparation))?;
    let notices = notices(config);
    free_reports(&mut run);
    let written = rendered.publish(progress, &mut watch)?;
    let (findings, unpublished_findings) = split_findings(run.findings, &written.reports);
    Ok(BuildOutcome {
        summaries,
        published: written.reports.len(),
        findings,
        unpublished_findings,
        blocking: Vec::new(),
        drafts,
        files: written.files,
        kept: written.kept,
        commits,
        timings: watch.timings,
        notices,
    })
}

/// The summaries of `run`'s reports, by path, moved out of it when `options` asks for them
/// ([`BuildOptions::keep_summaries`]); otherwise they are dropped and none are handed back.
fn handed_back_summaries(run: &mut check::Run, options: &BuildOptions) -> HashMap<String, Summary> {
    if !options.keep_summaries {
        free_summaries(run);
        return HashMap::new();
    }
    run.analyses
        .iter_mut()
        .filter_map(|a| Some((a.file.clone(), *a.summary.take()?)))
        .collect()
}

/// The pages of `files`, reports edited in a working tree, rendered in memory ahead of a full
/// build: each is checked as a full build would (the rules across reports see `known`, the
/// other reports' summaries) and its page rendered in every language. `None` when they cannot
/// be shown ahead (one does not validate, is a draft, or has a finding that would stop the
/// build): the full build says why.
pub(crate) fn render_ahead(
    source: &Source,
    files: &HashSet<String>,
    known: HashMap<String, Summary>,
    today: DateTime<Utc>,
) -> anyhow::Result<Option<render::InMemory>> {
    let run = check::run_with_summaries(source, Some(files), today, true, known, None, None)?;
    let edited: Vec<&Analysis> = run
        .analyses
        .iter()
        .filter(|a| files.contains(&a.file))
        .collect();
    let shown = edited
        .iter()
        .all(|a| a.report.as_ref().is_some_and(|r| r.incident.is_published()));
    if !shown || !blocking_findings(&run.findings, &run.analyses, false).is_empty() {
        return Ok(None);
    }
    let templates = TemplateSet::new(read_overrides(source)?);
    let config = &run.config.config;
    let compiled = render::Compiled::new(&templates, config.languages())?;
    let model = site::Model::new(site::Inputs {
        config,
        reader: None,
        reports: report_inputs(&run),
        history: History::default(),
        publications: HashMap::new(),
        today,
        source_commit: None,
        worktree: true,
        sources: &[],
    });
    render::report_pages_in_memory(&model, &compiled).map(Some)
}

/// One repository's reports checked and their history read: what a site needs from it.
pub(crate) struct Prepared {
    /// The check, with every published report kept.
    pub run: check::Run,
    /// The revisions of each report.
    pub history: History,
    /// When each report was first published and first final, by id.
    pub publications: HashMap<String, crate::timeliness::PublicationTimes>,
    /// Commits walked.
    pub commits: usize,
    /// Drafts left out.
    pub drafts: usize,
    /// Findings that stop the build (then the history read is dropped).
    pub blocking: Vec<Finding>,
}

/// Check `source` (under `config`, the text of a candor.yaml, when given; else its own) and
/// read its history, which also gives the check its publication times. With
/// `prose_aside`, the kept reports are kept without their prose ([`crate::prose`]) and their
/// summaries' starts are kept in it: the pages that print the prose read it back from
/// `source`.
pub(crate) fn prepare(
    source: &Source,
    config: Option<&[u8]>,
    options: &BuildOptions,
    prose_aside: Option<&crate::prose::Starts>,
    watch: &mut Stopwatch,
) -> anyhow::Result<Prepared> {
    // Walking the history's commits and trees needs nothing from the check, so it runs beside
    // the reports' analysis; the changed versions are read once the analysis has parsed the
    // current ones, and the history gives the publication times the rules across reports
    // need, so the history is walked once.
    let mut history = History::default();
    // Whether the history will come from an earlier build's cache is known before the check
    // (only the cache's first line and the commits since are read): the key facts of the
    // current versions unchanged since its commit are then in it, and the check need not keep
    // any (the few changed since are read from their blobs). Only a build of a commit moves
    // them into the history; one of the working tree's files never needs them.
    let cached = options
        .incremental
        .then(|| source.history_tree())
        .flatten()
        .and_then(crate::cache::CachedHistory::find);
    let facts_cached = cached.as_ref().filter(|_| matches!(source, Source::Git(_)));
    let run = std::thread::scope(|scope| {
        let cached = cached.as_ref();
        let walker = source
            .history_tree()
            .map(|tree| scope.spawn(move || crate::cache::history_changes(tree, cached)));
        let history = &mut history;
        let watch = &mut *watch;
        let after: check::AfterAnalysis<'_> = Box::new(move |analyses, limits| {
            watch.lap("check");
            let Some(walker) = walker else {
                return Ok(None);
            };
            let changes = walker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            *history = read_history(source, changes, analyses, limits)?;
            let times = history.publication_times();
            if let Some(tree) = source.history_tree() {
                crate::cache::keep_publication_times(tree, &times);
            }
            watch.lap("history");
            Ok(Some(times))
        });
        check::run_for_build(
            source,
            config,
            options.today,
            after,
            prose_aside,
            facts_cached,
        )
    });
    let mut run = run?;
    watch.lap("rules");
    let drafts = run.analyses.iter().filter(|a| a.is_draft()).count();
    let blocking = blocking_findings(&run.findings, &run.analyses, options.strict);
    if !blocking.is_empty() {
        return Ok(Prepared {
            run,
            history: History::default(),
            publications: HashMap::new(),
            commits: 0,
            drafts,
            blocking,
        });
    }
    let publications = run.publications.take().unwrap_or_default();
    let commits = history.commits;
    Ok(Prepared {
        run,
        history,
        publications,
        commits,
        drafts,
        blocking,
    })
}

/// Every kept report of `run` with its standing and waived findings.
pub(crate) fn report_inputs(run: &check::Run) -> Vec<ReportInput<'_>> {
    let mut by_file: HashMap<&str, (Vec<&Finding>, Vec<&Finding>)> = HashMap::new();
    for finding in &run.findings {
        by_file.entry(&finding.file).or_default().0.push(finding);
    }
    for finding in &run.waived {
        by_file.entry(&finding.file).or_default().1.push(finding);
    }
    run.analyses
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
                origin: None,
            }
        })
        .collect()
}

/// What a site is made of.
pub(crate) struct SiteParts<'a> {
    pub config: &'a crate::config::Config,
    /// Reads back the reports whose prose was set aside (`None` when none was).
    pub reader: Option<&'a crate::prose::Reader<'a>>,
    pub reports: Vec<ReportInput<'a>>,
    pub history: History,
    pub publications: HashMap<String, crate::timeliness::PublicationTimes>,
    pub source_commit: Option<String>,
    pub worktree: bool,
    pub templates: TemplateSet,
    /// For a national site: each source repository and the commit read from it.
    pub sources: &'a [crate::publish::SourceRecord],
}

/// What publishing a site wrote.
pub(crate) struct SiteWritten {
    /// Files, manifest included.
    pub files: usize,
    /// Pages kept from the previous build.
    pub kept: usize,
    /// The files of the published reports.
    pub reports: HashSet<String>,
}

/// A site rendered into its staging folder, ready to be swapped in.
pub(crate) struct SiteRendered {
    staging: Staging,
    manifest: ManifestHead,
    /// Pages kept from the previous build.
    kept: usize,
    /// The files of the published reports.
    reports: HashSet<String>,
}

impl SiteRendered {
    /// Swap the staging folder in as the site, with its manifest.
    pub(crate) fn publish(
        self,
        progress: &dyn Progress,
        watch: &mut Stopwatch,
    ) -> anyhow::Result<SiteWritten> {
        progress.phase("Publishing");
        let files = self.staging.commit(&self.manifest)?;
        watch.lap("publish");
        Ok(SiteWritten {
            files,
            kept: self.kept,
            reports: self.reports,
        })
    }
}

/// Compute the model and render every page into a staging folder, from `preparation` (the
/// output folder looked over, [`Preparation::start`]; started here when `None`).
/// The model is gone when this returns, so the caller can free the reports before publishing.
pub(crate) fn render_site(
    site: SiteParts<'_>,
    options: &BuildOptions,
    progress: &dyn Progress,
    watch: &mut Stopwatch,
    preparation: Option<Preparation>,
) -> anyhow::Result<SiteRendered> {
    let compiled = render::Compiled::new(&site.templates, site.config.languages())?;
    let model = site::Model::new(site::Inputs {
        config: site.config,
        reader: site.reader,
        reports: site.reports,
        history: site.history,
        publications: site.publications,
        today: options.today,
        source_commit: site.source_commit,
        worktree: site.worktree,
        sources: site.sources,
    });
    watch.lap("model");

    let preparation = match preparation {
        Some(preparation) => preparation,
        None => Preparation::start(&options.out, options.incremental),
    };
    let staging = preparation.stage(site.config.limits.max_page_bytes)?;
    render::pages(&model, &compiled, &staging, progress)?;
    let kept = staging.kept();
    let manifest = ManifestHead {
        generator: format!("candor {}", env!("CARGO_PKG_VERSION")),
        source_commit: model.source_commit.clone(),
        sources: site.sources.to_vec(),
    };
    let reports = model
        .reports
        .iter()
        .map(|r| r.checked.file.clone())
        .collect();
    watch.lap("render");
    Ok(SiteRendered {
        staging,
        manifest,
        kept,
        reports,
    })
}

/// Drop what the rules across reports needed of `run`'s reports once the check is done:
/// nothing after it reads them, and at 100,000 reports they are tens of MiB.
pub(crate) fn free_summaries(run: &mut check::Run) {
    for analysis in &mut run.analyses {
        analysis.summary = None;
    }
}

/// Drop `run`'s typed reports once every page is rendered: publishing (the manifest, the page
/// record) needs memory of its own, and nothing after it reads them.
pub(crate) fn free_reports(run: &mut check::Run) {
    for analysis in &mut run.analyses {
        analysis.report = None;
    }
}

/// The findings on published reports, and the rest. Moved, not copied: a large site has
/// tens of thousands of findings.
pub(crate) fn split_findings(
    findings: Vec<Finding>,
    published: &HashSet<String>,
) -> (Vec<Finding>, Vec<Finding>) {
    findings
        .into_iter()
        .partition(|f| published.contains(f.file.as_str()))
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
/// source's commit (or since the commit an earlier build read it at).
fn read_history(
    source: &Source,
    changes: crate::cache::HistoryStart,
    analyses: &mut [Analysis],
    limits: &crate::config::Limits,
) -> anyhow::Result<History> {
    let Some(tree) = source.history_tree() else {
        return Ok(History::default());
    };
    // Versions equal to the committed files need not be parsed again: their key facts move
    // into the history, as nothing else needs them.
    let mut known = HashMap::new();
    let any_facts = analyses
        .iter()
        .any(|a| a.report.as_ref().is_some_and(|r| r.facts.is_some()));
    // Without any facts to hand over (the history's cache has them), the tree is not walked.
    if let Source::Git(_) = source
        && any_facts
    {
        let ids = tree.blob_ids()?;
        for checked in analyses.iter_mut().filter_map(|a| a.report.as_mut()) {
            // A report kept without its facts (the history's cache has them) is read and
            // parsed again if a version of it is still to be read.
            if let Some(id) = ids.get(&checked.file)
                && let Some(facts) = checked.facts.take()
            {
                let known_version = crate::history::KnownVersion {
                    facts: *facts,
                    declared: checked.declared,
                };
                known.insert(*id, known_version);
            }
        }
    }
    crate::cache::read_history(changes, tree, limits, known)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::WorkTree;

    fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// Every file under `root`, by path, with its bytes.
    fn site_files(root: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        let mut files = std::collections::BTreeMap::new();
        let mut folders = vec![root.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    let relative = path.strip_prefix(root).unwrap().display().to_string();
                    files.insert(relative, std::fs::read(&path).unwrap());
                }
            }
        }
        files
    }

    #[test]
    fn a_site_built_with_the_prose_set_aside_equals_one_built_from_whole_reports() {
        let repo = crate::testing::example_repository();
        let out = tempfile::tempdir().unwrap();
        let options = |name: &str| BuildOptions {
            out: out.path().join(name),
            today: crate::today_from(chrono::NaiveDate::from_ymd_opt(2026, 12, 1), Utc::now()),
            strict: false,
            incremental: false,
            keep_summaries: false,
        };
        let source = &Source::Git(crate::source::GitTree::open(repo.path(), "HEAD").unwrap());
        let starts = crate::prose::Starts::new().unwrap();
        let prepared = prepare(
            source,
            None,
            &options("check"),
            Some(&starts),
            &mut Stopwatch::new(),
        )
        .unwrap();
        let kept: Vec<&check::CheckedReport> = prepared
            .run
            .analyses
            .iter()
            .filter_map(|a| a.report.as_deref())
            .collect();
        assert!(kept.len() > 5);
        assert!(kept.iter().all(|report| {
            report.set_aside.is_some() && report.incident.summary.resolve("en", "en").0.is_empty()
        }));

        let set_aside = build_with(source, &options("set-aside"), &Silent, true).unwrap();
        let whole = build_with(source, &options("whole"), &Silent, false).unwrap();
        assert!(set_aside.written() && whole.written());
        // Unless asked for, the summaries were let go after the check.
        assert!(set_aside.summaries.is_empty() && whole.summaries.is_empty());
        let set_aside = site_files(&out.path().join("set-aside"));
        let whole = site_files(&out.path().join("whole"));
        assert_eq!(
            set_aside.keys().collect::<Vec<_>>(),
            whole.keys().collect::<Vec<_>>()
        );
        assert!(set_aside.len() > 100 && set_aside.contains_key("data/incidents.json"));
        for (path, bytes) in &set_aside {
            assert!(*bytes == whole[path], "{path} differs");
        }
        // The prose is there: the summary on the report's page.
        let page = String::from_utf8(
            set_aside["en/reports/2026-10-06-health-portal-slow-prescriptions.html"].clone(),
        )
        .unwrap();
        assert!(page.contains("in three"), "{page}");
    }

    #[test]
    fn the_check_leaves_the_key_facts_to_a_history_cache_it_can_extend() {
        let repo = crate::testing::example_repository();
        let out = tempfile::tempdir().unwrap();
        let today = crate::today_from(chrono::NaiveDate::from_ymd_opt(2026, 12, 1), Utc::now());
        let options = BuildOptions {
            out: out.path().join("site"),
            today,
            strict: false,
            incremental: true,
            keep_summaries: false,
        };
        let source = Source::Git(crate::source::GitTree::open(repo.path(), "HEAD").unwrap());
        let tree = source.history_tree().unwrap();
        assert!(
            crate::cache::CachedHistory::find(tree).is_none(),
            "no build yet"
        );
        assert!(build(&source, &options, &Silent).unwrap().written());
        let cached = crate::cache::CachedHistory::find(tree).expect("the build left its history");
        // Whether each kept report still has its key facts when the check hands it on.
        let facts_kept = |config: Option<&[u8]>, cached| {
            let mut kept = Vec::new();
            let after: check::AfterAnalysis<'_> = Box::new(|analyses, _| {
                kept = analyses
                    .iter()
                    .filter_map(|a| a.report.as_deref())
                    .map(|report| report.facts.is_some())
                    .collect();
                Ok(None)
            });
            check::run_for_build(&source, config, today, after, None, cached).unwrap();
            kept
        };
        let left = facts_kept(None, Some(&cached));
        assert!(left.len() > 5 && left.iter().all(|kept| !kept), "{left:?}");
        let without = facts_kept(None, None);
        assert!(without.len() > 5 && without.iter().all(|kept| *kept));
        // Under other limits the cache's versions are read again: the facts are kept for it.
        let config = std::fs::read_to_string(repo.path().join("candor.yaml")).unwrap();
        let other_limits = format!("{config}\nlimits:\n  max_actions: 400\n");
        let other = facts_kept(Some(other_limits.as_bytes()), Some(&cached));
        assert!(
            other.len() > 5 && other.iter().all(|kept| *kept),
            "{other:?}"
        );
    }

    #[test]
    fn pages_rendered_ahead_equal_the_pages_the_build_writes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let repo = tempfile::tempdir().unwrap();
        copy_tree(&root.join("incidents"), &repo.path().join("incidents"));
        std::fs::copy(root.join("candor.yaml"), repo.path().join("candor.yaml")).unwrap();
        let source = Source::Work(WorkTree::open(repo.path()).unwrap(), None);
        let out = tempfile::tempdir().unwrap();
        let options = BuildOptions {
            out: out.path().join("site"),
            today: crate::today_from(chrono::NaiveDate::from_ymd_opt(2026, 12, 1), Utc::now()),
            strict: false,
            incremental: true,
            keep_summaries: true,
        };
        let before = build(&source, &options, &Silent).unwrap();
        assert!(before.written() && before.summaries.len() > 5);

        let edited = "incidents/2026/2026-10-06-health-portal-slow-prescriptions.yaml";
        let path = repo.path().join(edited);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("one\n    in three", "one\n    in five", 1),
        )
        .unwrap();
        let files: HashSet<String> = [edited.to_owned()].into_iter().collect();
        let mut known = before.summaries;
        known.remove(edited);
        let pages = render_ahead(&source, &files, known, options.today)
            .unwrap()
            .expect("a valid, published report is shown ahead");
        assert_eq!(pages.len(), 2, "its page in each language");

        let after = build(&source, &options, &Silent).unwrap();
        assert!(after.written());
        for (page, bytes) in &pages {
            let built = std::fs::read(options.out.join(page)).unwrap();
            assert!(built == *bytes, "{page} differs from the built page");
        }
        let english = String::from_utf8(pages[1].1.clone()).unwrap();
        assert!(english.contains("in five requests failed"), "{english}");

        // A draft, or a report that does not validate, is left to the build.
        std::fs::write(&path, text.replacen("status: final", "status: draft", 1)).unwrap();
        let known = after.summaries;
        assert!(
            render_ahead(&source, &files, known.clone(), options.today)
                .unwrap()
                .is_none()
        );
        std::fs::write(&path, "id: [").unwrap();
        assert!(
            render_ahead(&source, &files, known, options.today)
                .unwrap()
                .is_none()
        );
    }
}
