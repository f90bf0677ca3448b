//! A national site: one site from many agencies' repositories, with nothing taken on trust.
//!
//! The sources file names each repository and the commit to read. Each source is fetched
//! into a cache of bare repositories, read at its pinned commit (nothing is checked out),
//! checked under its own candor.yaml with the national floor applied, and put in its
//! namespace; the site is then built from every source that could be read, as one site.
//! A source that cannot be read (unreachable, missing commit, invalid candor.yaml, findings
//! that stop a build) is listed on the sources page with the reason and the commit last
//! published from it; the others are published all the same.

pub mod combine;
pub mod fetch;
pub mod sources;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;
use rayon::prelude::*;

use crate::build::{self, BuildOptions, BuildOutcome, Progress, Stopwatch};
use crate::check::Run;
use crate::config::{Config, ConfigFile, Limits};
use crate::diag::Finding;
use crate::history::{History, Revision};
use crate::publish::{Manifest, SourceRecord};
use crate::render::TemplateSet;
use crate::source::{self, GitTree, Source};
use crate::timeliness::PublicationTimes;

pub use sources::{NationalFile, SourceEntry};

/// The sources file's usual name.
pub const SOURCES_FILE: &str = "candor.national.yaml";

/// How to build a national site.
#[derive(Clone, Debug)]
pub struct NationalOptions {
    /// The sources file.
    pub sources_file: PathBuf,
    /// The cache of fetched repositories (default: `.candor/` beside the sources file).
    pub cache: Option<PathBuf>,
    /// Use only what is in the cache.
    pub offline: bool,
    /// Allow branch and tag names as revisions.
    pub allow_moving_revisions: bool,
    /// Where to write the site, "now", and strictness.
    pub build: BuildOptions,
}

/// What a national build did.
#[derive(Debug)]
pub struct NationalOutcome {
    /// The site build: findings on published pages, files written, timings.
    pub build: BuildOutcome,
    /// Every source: the commit read, or why it could not be.
    pub sources: Vec<SourceRecord>,
    /// Things the sources file asks for that could not be done (a dependency on a service
    /// no source has, say).
    pub notes: Vec<String>,
}

impl NationalOutcome {
    /// The sources that could not be published.
    pub fn failed(&self) -> impl Iterator<Item = &SourceRecord> {
        self.sources.iter().filter(|s| s.failed.is_some())
    }
}

/// Read the sources file, or say what is wrong with it (each problem with its line and
/// column).
pub fn read_sources_file(path: &Path) -> anyhow::Result<NationalFile> {
    let bytes = std::fs::read(path).with_context(|| {
        format!(
            "cannot read the sources file {}; see `candor schema --national` for its form",
            path.display()
        )
    })?;
    sources::parse(&bytes).map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|problem| format!("{}:{problem}", path.display()))
            .collect();
        anyhow::anyhow!(
            "the sources file is not valid:\n{}\n(`candor schema --national` gives its JSON Schema)",
            lines.join("\n")
        )
    })
}

/// Build the national site described by `options.sources_file`.
pub fn build(
    options: &NationalOptions,
    progress: &dyn Progress,
) -> anyhow::Result<NationalOutcome> {
    let mut watch = Stopwatch::new();
    let national = read_sources_file(&options.sources_file)?;
    let base = options
        .sources_file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };
    let fetch_options = fetch::FetchOptions {
        base: base.clone(),
        cache: options
            .cache
            .clone()
            .unwrap_or_else(|| base.join(".candor")),
        offline: options.offline,
        allow_moving_revisions: options.allow_moving_revisions,
    };
    std::fs::create_dir_all(&fetch_options.cache)
        .with_context(|| format!("cannot create the cache {}", fetch_options.cache.display()))?;
    if !options.allow_moving_revisions {
        let moving: Vec<String> = national
            .sources
            .iter()
            .filter(|entry| !sources::is_commit_id(&entry.revision))
            .map(|entry| format!("  {}: `{}`", entry.name, entry.revision))
            .collect();
        if !moving.is_empty() {
            anyhow::bail!(
                "{}: these sources are not pinned to a full 40-digit commit id, so a rebuild could read something else:\n{}\npin each to a commit (git rev-parse BRANCH), or pass --allow-moving-revisions",
                options.sources_file.display(),
                moving.join("\n")
            );
        }
    }
    let last_published = last_published(&options.build.out);

    let total = national.sources.len();
    progress.phase(&format!("Fetching {total} sources"));
    let done = AtomicUsize::new(0);
    let fetched: Vec<Result<fetch::Fetched, String>> = national
        .sources
        .par_iter()
        .map(|entry| {
            let result = fetch::fetch(entry, &fetch_options);
            progress.advance(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            result
        })
        .collect();
    watch.lap("fetch");

    progress.phase(&format!("Checking {total} sources"));
    // Sources are read side by side; each check spreads over the cores as well.
    let done = AtomicUsize::new(0);
    let validator = crate::validate::SchemaValidator::new()?;
    let outcomes: Vec<(Option<String>, Result<ReadSource, String>)> = national
        .sources
        .par_iter()
        .zip(fetched)
        .map(|(entry, fetched)| {
            let outcome = match fetched {
                Ok(fetched) => (
                    Some(fetched.commit.to_string()),
                    read_source(entry, &fetched, &national, &validator, &options.build),
                ),
                Err(reason) => (None, Err(reason)),
            };
            progress.advance(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            outcome
        })
        .collect();
    let mut records = Vec::with_capacity(total);
    // Each source read, with its place in the sources file.
    let mut read: Vec<(usize, ReadSource)> = Vec::new();
    for (index, (entry, (commit, outcome))) in national.sources.iter().zip(outcomes).enumerate() {
        let mut record = SourceRecord {
            name: entry.name.clone(),
            git: entry.git.clone(),
            ..SourceRecord::default()
        };
        match outcome {
            Ok(source) => {
                record.commit = commit;
                record.reports = source
                    .run
                    .analyses
                    .iter()
                    .filter_map(|a| a.report.as_deref())
                    .filter(|r| r.incident.is_published())
                    .count();
                read.push((index, source));
            }
            Err(reason) => {
                // The manifest's `commit` is what was published; the commit tried is in the reason.
                record.failed = Some(match commit {
                    Some(commit) => format!("at commit {commit}: {reason}"),
                    None => reason,
                });
                record.last_published = last_published.get(&entry.name).cloned();
            }
        }
        records.push(record);
    }
    watch.lap("check");
    if read.is_empty() {
        let reasons: Vec<String> = records
            .iter()
            .map(|r| format!("  {}: {}", r.name, r.failed.as_deref().unwrap_or("")))
            .collect();
        anyhow::bail!(
            "no source could be read, so no site was built:\n{}",
            reasons.join("\n")
        );
    }

    let own_configs: Vec<(&SourceEntry, &ConfigFile)> = read
        .iter()
        .map(|(index, source)| (&national.sources[*index], &source.own_config))
        .collect();
    let (config_file, notes) = combine::national_config(&national, &own_configs);
    let config = Config::from_file(config_file);

    let mut revisions: HashMap<String, Vec<Revision>> = HashMap::new();
    let mut publications: HashMap<String, PublicationTimes> = HashMap::new();
    let mut commits = 0;
    let mut drafts = 0;
    let mut runs = Vec::with_capacity(read.len());
    for (index, source) in read {
        commits += source.commits;
        drafts += source.drafts;
        revisions.extend(source.revisions);
        publications.extend(source.publications);
        runs.push((index, source.run));
    }
    let reports = runs
        .iter()
        .flat_map(|(index, run)| {
            let origin = &records[*index];
            build::report_inputs(run).into_iter().map(move |mut input| {
                input.origin = Some(origin);
                input
            })
        })
        .collect();
    let site = build::SiteParts {
        config: &config,
        reader: None,
        reports,
        history: History::with_commits(revisions, commits),
        publications,
        source_commit: None,
        worktree: false,
        templates: TemplateSet::new(Vec::new()),
        sources: &records,
    };
    let rendered = build::render_site(site, &options.build, progress, &mut watch, None)?;
    for (_, run) in &mut runs {
        build::free_reports(run);
    }
    let written = rendered.publish(progress, &mut watch)?;
    let findings: Vec<Finding> = runs.into_iter().flat_map(|(_, run)| run.findings).collect();
    let published = written.reports.len();
    let (findings, unpublished_findings) = build::split_findings(findings, &written.reports);
    Ok(NationalOutcome {
        build: BuildOutcome {
            findings,
            unpublished_findings,
            blocking: Vec::new(),
            published,
            drafts,
            files: written.files,
            kept: written.kept,
            commits,
            timings: watch.timings,
            notices: Vec::new(),
            summaries: HashMap::new(),
        },
        sources: records,
        notes,
    })
}

/// One source read and checked, in its namespace.
struct ReadSource {
    /// Its own candor.yaml (organisations and services for the national configuration).
    own_config: ConfigFile,
    run: Run,
    /// Each report's revisions, by namespaced id.
    revisions: HashMap<String, Vec<Revision>>,
    publications: HashMap<String, PublicationTimes>,
    /// Commits walked for the history.
    commits: usize,
    drafts: usize,
}

/// Read one fetched source at its commit: its candor.yaml under the national floor, the
/// check and the history, all in its namespace; or why it cannot be published.
fn read_source(
    entry: &SourceEntry,
    fetched: &fetch::Fetched,
    national: &NationalFile,
    validator: &crate::validate::SchemaValidator,
    options: &BuildOptions,
) -> Result<ReadSource, String> {
    // Messages name the source as the sources file does, never the cache's folder on this
    // machine (they are published on the sources page).
    let cache = fetched.repository.display().to_string();
    let tree = GitTree::open(&fetched.repository, &fetched.commit.to_string())
        .map_err(|e| format!("{e:#}").replace(&cache, &entry.git))?;
    let source = Source::Git(tree);
    let bytes = source
        .read(source::CONFIG_FILE, Limits::default().max_file_bytes)
        .map_err(|e| format!("{e:#}"))?;
    let own_config = parse_config(&bytes, validator)?;
    let floored = combine::with_floor(&own_config, national);
    let floored_bytes = serde_json::to_vec_pretty(&floored)
        .map_err(|e| format!("cannot apply the national floor: {e}"))?;
    let mut watch = Stopwatch::new();
    let prepared = build::prepare(&source, Some(&floored_bytes), options, None, &mut watch)
        .map_err(|e| format!("{e:#}"))?;
    if let Some(first) = prepared.blocking.first() {
        return Err(format!(
            "{} its build, the first {} at {}: {}; fix the source and pin the fixed commit",
            plural(prepared.blocking.len(), "finding stops", "findings stop"),
            first.code,
            place(first),
            first.message.trim_end_matches('.')
        ));
    }
    let mut run = prepared.run;
    build::free_summaries(&mut run);
    combine::namespace_run(&entry.name, &mut run);
    let (revisions, publications) =
        combine::namespace_history(&entry.name, prepared.history, prepared.publications);
    Ok(ReadSource {
        own_config,
        run,
        revisions,
        publications,
        commits: prepared.commits,
        drafts: prepared.drafts,
    })
}

/// A source's candor.yaml, or why it is not valid.
fn parse_config(
    bytes: &[u8],
    validator: &crate::validate::SchemaValidator,
) -> Result<ConfigFile, String> {
    let loaded = crate::check::load_config(bytes, validator);
    if let Some(finding) = loaded.findings.iter().find(|f| f.is_deny()) {
        return Err(format!(
            "its candor.yaml is not valid: {} at {}: {}",
            finding.code,
            place(finding),
            finding.message.trim_end_matches('.')
        ));
    }
    if !loaded.references_known {
        return Err("its candor.yaml could not be read".into());
    }
    Ok(loaded.config.file)
}

/// The commit each source was last published from, by the site already in `out`.
fn last_published(out: &Path) -> HashMap<String, String> {
    let Some(manifest) = Manifest::read(out) else {
        return HashMap::new();
    };
    manifest
        .sources
        .into_iter()
        .filter_map(|source| {
            let commit = match source.failed {
                None => source.commit,
                Some(_) => source.last_published,
            }?;
            Some((source.name, commit))
        })
        .collect()
}

/// Where a finding is: `file:line:column`, or the file.
fn place(finding: &Finding) -> String {
    match finding.position() {
        Some(at) => format!("{}:{}:{}", finding.file, at.line, at.column),
        None => finding.file.clone(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
