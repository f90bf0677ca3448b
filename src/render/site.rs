//! The site build: from a source to a complete, verified folder of pages and data.
//!
//! The reports go through the same check as `candor check`. A structure or time finding on a
//! report to be published stops the build (its data cannot be trusted); with `--strict`, any
//! deny finding does. Then history is read in one pass, views are built per language, pages
//! are rendered in parallel and written to a staging folder as they are rendered, and the
//! folder is swapped in with its manifest.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use super::data;
use super::i18n::Strings;
use super::output::{Manifest, Staging};
use super::templates::{self, TemplateSet};
use super::views::{self, Layout, LayoutFactory, Localizer, Published, SiteModel};
use crate::check::{self, Analysis};
use crate::diag::Family;
use crate::diag::Finding;
use crate::history::{self, History};
use crate::schema;
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
    /// The findings that stopped the build (empty when the site was written).
    pub blocking: Vec<Finding>,
    /// Every standing finding, drafts included (for an author's preview).
    pub all_findings: Vec<Finding>,
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

/// The process's resident memory, from `/proc/self/status` (Linux); `None` elsewhere.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

impl BuildOutcome {
    /// Whether the site was written.
    pub fn written(&self) -> bool {
        self.blocking.is_empty()
    }
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

/// Build the site from `source` into `options.out`, telling `progress` how far it has come.
pub fn build(
    source: &Source,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> anyhow::Result<BuildOutcome> {
    let mut clock = std::time::Instant::now();
    let mut timings: Vec<PhaseTiming> = Vec::new();
    let mut lap = |phase: &'static str, timings: &mut Vec<PhaseTiming>| {
        timings.push(PhaseTiming {
            phase,
            duration: clock.elapsed(),
            resident_bytes: resident_bytes(),
        });
        clock = std::time::Instant::now();
    };
    progress.phase("Checking reports");
    let mut run = check::run(source, None, options.today, true)?;
    let drafts = run.analyses.iter().filter(|a| a.is_draft()).count();
    lap("check", &mut timings);
    let blocking = blocking_findings(&run.findings, &run.analyses, options.strict);
    if !blocking.is_empty() {
        return Ok(BuildOutcome {
            all_findings: run.findings.clone(),
            findings: run.findings,
            blocking,
            published: 0,
            drafts,
            files: 0,
            commits: 0,
            timings,
        });
    }

    let limits = run.config.config.limits;
    let mut history = match source.history_tree() {
        Some(tree) => {
            progress.phase("Reading history");
            // Versions equal to the committed files need not be parsed again.
            // Their key facts move into the history: nothing else needs them.
            let mut known = HashMap::new();
            if let Source::Git(_) = source {
                let ids = tree.blob_ids()?;
                for checked in run.analyses.iter_mut().filter_map(|a| a.report.as_mut()) {
                    if let Some(id) = ids.get(&checked.file) {
                        known.insert(*id, std::mem::take(&mut checked.facts));
                    }
                }
            }
            history::read(tree, &limits, known)?
        }
        None => History::default(),
    };
    lap("history", &mut timings);

    let template_set = TemplateSet::new(read_overrides(source)?);
    let tera = template_set.compile()?;
    let config = &run.config.config;
    let strings = load_strings(config.languages(), &template_set)?;

    let mut by_file: HashMap<&str, (Vec<&Finding>, Vec<&Finding>)> = HashMap::new();
    for finding in &run.findings {
        by_file
            .entry(finding.file.as_str())
            .or_default()
            .0
            .push(finding);
    }
    for finding in &run.waived {
        by_file
            .entry(finding.file.as_str())
            .or_default()
            .1
            .push(finding);
    }
    let mut reports: Vec<Published<'_>> = run
        .analyses
        .iter()
        .filter_map(|analysis| analysis.report.as_ref())
        .filter(|checked| views::is_published(&checked.incident))
        .map(|checked| {
            let (findings, waived) = by_file
                .get(checked.file.as_str())
                .cloned()
                .unwrap_or_default();
            Published {
                checked,
                findings,
                waived,
                history: history::published(history.take(&checked.incident.id)),
            }
        })
        .collect();
    reports.sort_by(|a, b| {
        b.incident()
            .started_at
            .cmp(&a.incident().started_at)
            .then_with(|| a.incident().id.cmp(&b.incident().id))
    });
    let model = SiteModel {
        config,
        reports,
        today: options.today,
        source_commit: source.source_commit().map(|c| c.to_string()),
        worktree: matches!(source, Source::Work(..)),
    };

    lap("templates", &mut timings);
    let staging = Staging::prepare(&options.out)?;
    let written: Vec<(String, String)> =
        render_site(&model, &tera, &strings, &template_set, &staging, progress)?;
    let files = written.len() + 1;
    let manifest = Manifest {
        generator: format!("candor {}", env!("CARGO_PKG_VERSION")),
        source_commit: model.source_commit.clone(),
        files: written.into_iter().collect(),
    };
    lap("render", &mut timings);
    progress.phase("Publishing");
    staging.commit(&manifest)?;
    lap("publish", &mut timings);
    let published_files: std::collections::HashSet<&str> = model
        .reports
        .iter()
        .map(|r| r.checked.file.as_str())
        .collect();
    Ok(BuildOutcome {
        all_findings: run.findings.clone(),
        published: model.reports.len(),
        findings: run
            .findings
            .iter()
            .filter(|f| published_files.contains(f.file.as_str()))
            .cloned()
            .collect(),
        blocking: Vec::new(),
        drafts,
        files,
        commits: history.commits,
        timings,
    })
}

/// The findings that stop a build: on anything that will be published (or cannot be shown
/// to be a draft), structure and time findings; with `strict`, any deny finding.
fn blocking_findings(findings: &[Finding], analyses: &[Analysis], strict: bool) -> Vec<Finding> {
    let drafts: std::collections::HashSet<&str> = analyses
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

fn load_strings(languages: &[String], set: &TemplateSet) -> anyhow::Result<Vec<Strings>> {
    let english_text = set.get("i18n/en.yaml").unwrap_or_default();
    let english = Strings::parse("en", english_text, None).context("templates/i18n/en.yaml")?;
    languages
        .iter()
        .map(|lang| {
            if lang == "en" {
                return Ok(english.clone());
            }
            let name = format!("i18n/{lang}.yaml");
            match set.get(&name) {
                Some(text) => Strings::parse(lang, text, Some(&english))
                    .with_context(|| format!("templates/{name}")),
                None => {
                    let mut strings = english.clone();
                    strings.lang = lang.clone();
                    Ok(strings)
                }
            }
        })
        .collect()
}

/// Render one page and write it; returns (path, sha256).
fn write_page(
    staging: &Staging,
    tera: &Tera,
    template: &str,
    path: &str,
    layout: &Layout,
    view: &impl Serialize,
    extra: &[(&str, &str)],
) -> anyhow::Result<(String, String)> {
    let mut context = Context::new();
    context.insert("page", layout);
    context.insert("view", view);
    for (key, value) in extra {
        context.insert(key.to_string(), value);
    }
    // Rendered straight into the file: most pages are tens of kilobytes and fit the buffer,
    // while a page listing thousands of actions never has to be held whole in memory.
    let hash = staging.write_streamed(path, 64 * 1024, |out| {
        tera.render_to(template, &context, out)
            .map_err(|e| anyhow::anyhow!(templates::describe(&e)))
            .with_context(|| format!("cannot render {path} with the template {template}"))
    })?;
    Ok((path.to_owned(), hash))
}

fn render_site(
    model: &SiteModel<'_>,
    tera: &Tera,
    all_strings: &[Strings],
    set: &TemplateSet,
    staging: &Staging,
    progress: &dyn Progress,
) -> anyhow::Result<Vec<(String, String)>> {
    let factory = LayoutFactory { model, all_strings };
    let mut written: Vec<(String, String)> = Vec::new();
    let total_reports = model.reports.len() * all_strings.len();
    let done = AtomicUsize::new(0);
    progress.phase(&format!(
        "Rendering {total_reports} report pages in {} languages",
        all_strings.len()
    ));

    let ledger = views::Ledger::new(model);
    for strings in all_strings {
        let lang = strings.lang.as_str();
        let mut tera = tera.clone();
        tera.global_context().insert("t", strings.nested());
        let tera = &tera;
        let l = Localizer { strings, lang };
        let page =
            |path: &str, title: String, section: &str| factory.layout(lang, path, title, section);
        let at = |path: &str| format!("{lang}/{path}");

        // Report pages, in parallel, each written as soon as it is rendered.
        let report_pages: Vec<anyhow::Result<(String, String)>> = model
            .reports
            .par_iter()
            .map(|published| {
                let view = views::report(model, published, &l);
                let path = views::paths::report(&published.incident().id);
                let layout = page(&path, view.title.text.clone(), "index");
                let result = write_page(
                    staging,
                    tera,
                    "report.html",
                    &at(&path),
                    &layout,
                    &view,
                    &[],
                );
                let count = done.fetch_add(1, Ordering::Relaxed) + 1;
                if count.is_multiple_of(100) || count == total_reports {
                    progress.advance(count, total_reports);
                }
                result
            })
            .collect();
        for page in report_pages {
            written.push(page?);
        }

        let mut index_layout = page("index.html", strings.get("index.title").to_owned(), "index");
        index_layout.search = true;
        written.push(write_page(
            staging,
            tera,
            "index.html",
            &at("index.html"),
            &index_layout,
            &views::index(model, &l),
            &[],
        )?);
        for year in views::years(model) {
            let path = views::paths::year(year);
            let title = strings
                .get("year.title")
                .replace("{year}", &year.to_string());
            written.push(write_page(
                staging,
                tera,
                "year.html",
                &at(&path),
                &page(&path, title, "index"),
                &views::year(model, year, &l),
                &[],
            )?);
        }
        for key in model.config.file.services.keys() {
            let path = views::paths::service(key);
            let view = views::service(model, key, &l);
            written.push(write_page(
                staging,
                tera,
                "service.html",
                &at(&path),
                &page(&path, view.name.text.clone(), "services"),
                &view,
                &[],
            )?);
        }
        let services_title = strings.get("services.title").to_owned();
        written.push(write_page(
            staging,
            tera,
            "directory.html",
            &at("services/index.html"),
            &page("services/index.html", services_title.clone(), "services"),
            &views::services(model, &l),
            &[
                ("heading", &services_title),
                ("intro", strings.get("services.intro")),
            ],
        )?);
        for key in model.config.file.organisations.keys() {
            let path = views::paths::organisation(key);
            let view = views::organisation(model, key, &l);
            written.push(write_page(
                staging,
                tera,
                "organisation.html",
                &at(&path),
                &page(&path, view.name.text.clone(), "organisations"),
                &view,
                &[],
            )?);
        }
        let organisations_title = strings.get("organisations.title").to_owned();
        written.push(write_page(
            staging,
            tera,
            "directory.html",
            &at("organisations/index.html"),
            &page(
                "organisations/index.html",
                organisations_title.clone(),
                "organisations",
            ),
            &views::organisations(model, &l),
            &[
                ("heading", &organisations_title),
                ("intro", strings.get("organisations.intro")),
            ],
        )?);
        // One ledger page at a time: a year's page lists every action due that year, and
        // rendering two such pages at once doubles the peak memory of a large build.
        let ledger_pages = ledger.pages();
        let ledger_written: Vec<anyhow::Result<(String, String)>> = ledger_pages
            .iter()
            .map(|ledger_page| {
                let view = ledger.view(ledger_page, &l);
                let path = &ledger_page.path;
                let title = match &view.year {
                    Some(year) => format!("{}: {year}", strings.get("ledger.title")),
                    None => strings.get("ledger.title").to_owned(),
                };
                write_page(
                    staging,
                    tera,
                    "actions.html",
                    &at(path),
                    &page(path, title, "actions"),
                    &view,
                    &[],
                )
            })
            .collect();
        for page in ledger_written {
            written.push(page?);
        }
        let rules = views::rules(model, &l);
        written.push(write_page(
            staging,
            tera,
            "rules.html",
            &at("rules/index.html"),
            &page(
                "rules/index.html",
                strings.get("rules_page.title").to_owned(),
                "rules",
            ),
            &rules,
            &[],
        )?);
        for rule in &rules {
            let path = views::paths::rule(&rule.code);
            written.push(write_page(
                staging,
                tera,
                "rule.html",
                &at(&path),
                &page(&path, format!("{} {}", rule.code, rule.summary), "rules"),
                rule,
                &[],
            )?);
        }
        written.push(write_page(
            staging,
            tera,
            "about.html",
            &at("about.html"),
            &page("about.html", strings.get("about.title").to_owned(), "about"),
            &views::about(model, &l),
            &[],
        )?);
        written.push(write_page(
            staging,
            tera,
            "404.html",
            &at("404.html"),
            &page("404.html", strings.get("not_found.title").to_owned(), ""),
            &(),
            &[],
        )?);
        let mut feed_context = Context::new();
        feed_context.insert("feed", &data::feed(model, &l));
        let feed = tera
            .render("feed.xml", &feed_context)
            .map_err(|e| anyhow::anyhow!(templates::describe(&e)))
            .context("cannot render the feed with the template feed.xml")?;
        written.push((
            at("feed.xml"),
            staging.write(&at("feed.xml"), feed.as_bytes())?,
        ));
        let index = data::search_index(model, &l, strings)?;
        written.push((
            at("search-index.js"),
            staging.write(&at("search-index.js"), index.as_bytes())?,
        ));
    }

    // The root: a plain page that sends readers to the default language, and a 404.
    let default = &all_strings[0];
    let mut root_context = Context::new();
    root_context.insert("default_lang", &default.lang);
    root_context.insert(
        "site_title",
        &Localizer {
            strings: default,
            lang: &default.lang,
        }
        .text(
            &model.config.file.site.title,
            model.config.default_language(),
        )
        .text,
    );
    root_context.insert(
        "languages",
        &all_strings
            .iter()
            .map(|s| serde_json::json!({"code": s.lang, "name": s.get("language.name")}))
            .collect::<Vec<_>>(),
    );
    let redirect = tera
        .render("redirect.html", &root_context)
        .map_err(|e| anyhow::anyhow!(templates::describe(&e)))
        .context("cannot render the root page with the template redirect.html")?;
    written.push((
        "index.html".into(),
        staging.write("index.html", redirect.as_bytes())?,
    ));
    let mut root_404 = factory.layout(
        &default.lang,
        "404.html",
        default.get("not_found.title").to_owned(),
        "",
    );
    root_404.root = String::new();
    root_404.lang_root = format!("{}/", default.lang);
    for language in &mut root_404.languages {
        language.href = format!("{}/404.html", language.code);
    }
    let mut tera_default = tera.clone();
    tera_default.global_context().insert("t", default.nested());
    written.push(write_page(
        staging,
        &tera_default,
        "404.html",
        "404.html",
        &root_404,
        &(),
        &[],
    )?);

    for asset in ["assets/style.css", "assets/search.js"] {
        let content = set.get(asset).unwrap_or_default();
        written.push((asset.to_owned(), staging.write(asset, content.as_bytes())?));
    }
    for (path, value) in [
        ("schema/incident.schema.json", schema::incident_schema()),
        ("schema/config.schema.json", schema::config_schema()),
    ] {
        written.push((
            path.to_owned(),
            staging.write(path, schema::to_file_text(&value).as_bytes())?,
        ));
    }
    progress.phase("Writing open data");
    type DataWriter<'m> = fn(&SiteModel<'m>, &mut dyn std::io::Write) -> std::io::Result<()>;
    let open_data: [(&str, DataWriter<'_>); 3] = [
        ("data/incidents.json", data::write_incidents_json),
        ("data/incidents.csv", data::write_incidents_csv),
        ("data/actions.csv", data::write_actions_csv),
    ];
    let hashes: Vec<anyhow::Result<(String, String)>> = open_data
        .par_iter()
        .map(|(path, write)| {
            let hash = staging.write_streamed(path, 256 * 1024, |out| {
                write(model, out).with_context(|| format!("cannot write {path}"))
            })?;
            Ok(((*path).to_owned(), hash))
        })
        .collect();
    for hash in hashes {
        written.push(hash?);
    }
    Ok(written)
}
