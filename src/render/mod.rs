//! Rendering the public site: the only module that knows HTML.
//!
//! [`pages`] turns the site model into every file of the site, one small function per page
//! kind, each writing straight into the staging folder (or keeping the previous build's page,
//! when the page's key, the hash of what it is rendered from, is unchanged). `views` maps the
//! model's fields to text in one language (it computes nothing); `markdown` is the one way
//! report text becomes HTML; `svg` draws; `templates` holds the built-in templates and a repository's overrides;
//! `i18n` the interface strings; `data` the open data, feeds and search index; `calendar` the
//! promised actions as iCalendar.

mod calendar;
mod data;
mod report_key;

pub mod markdown;
pub(crate) mod svg;
mod templates;
mod views;

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

pub use templates::TemplateSet;

use crate::build::Progress;
use crate::i18n::Strings;
use crate::publish::{PageKey, Staging};
use crate::schema;
use crate::site::Model;
use views::{Layout, LayoutFactory, Localizer};

/// The fingerprint of the templates and strings of `set`, and of the program rendering them
/// ([`crate::cache::program_identity`]), so that another program (which may render the same
/// view differently) never keeps a page this one rendered.
fn fingerprint(set: &TemplateSet) -> PageKey {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    hasher.update(set.fingerprint());
    hasher.update(crate::cache::program_identity().as_bytes());
    hasher.finalize().into()
}

/// Templates compiled and interface strings loaded, for every site language.
pub struct Compiled {
    tera: Tera,
    strings: Vec<Strings>,
    set: TemplateSet,
    /// The SHA-256 of the program and every template and strings file: part of every page's
    /// key.
    fingerprint: PageKey,
}

impl Compiled {
    /// Compile `set` and load the strings of `languages` (the first is the default).
    pub fn new(set: &TemplateSet, languages: &[String]) -> anyhow::Result<Compiled> {
        Ok(Compiled {
            tera: set.compile()?,
            strings: load_strings(languages, set)?,
            set: set.clone(),
            fingerprint: fingerprint(set),
        })
    }

    /// The templates with the interface strings of one language as `t`.
    fn in_language(&self, strings: &Strings) -> Tera {
        let mut tera = self.tera.clone();
        tera.global_context().insert("t", strings.nested());
        tera
    }
}

/// Pages rendered in memory: (path relative to the site root, content).
pub type InMemory = Vec<(String, Vec<u8>)>;

/// Render every page and data file of the site into `staging`; returns what was written.
pub fn pages(
    model: &Model<'_>,
    compiled: &Compiled,
    staging: &Staging,
    progress: &dyn Progress,
) -> anyhow::Result<()> {
    let factory = LayoutFactory {
        model,
        all_strings: &compiled.strings,
    };
    let total_reports = model.reports.len() * compiled.strings.len();
    let done = AtomicUsize::new(0);
    progress.phase(&format!(
        "Rendering {total_reports} report pages in {} languages",
        compiled.strings.len()
    ));
    let ledger = views::Ledger::new(model);
    let keys = report_key::Keys::new(model, &compiled.fingerprint);
    // Report pages are rendered in parallel; the site's other pages and the open data are
    // rendered beside them, so that neither core waits for the other's sequential work.
    let teras: Vec<Tera> = compiled
        .strings
        .iter()
        .map(|strings| compiled.in_language(strings))
        .collect();
    let languages: Vec<Pages<'_, '_>> = compiled
        .strings
        .iter()
        .zip(&teras)
        .map(|(strings, tera)| Pages {
            model,
            tera,
            fingerprint: &compiled.fingerprint,
            staging,
            factory: &factory,
            keys: &keys,
            l: Localizer {
                strings,
                lang: &strings.lang,
                time_zone: model.time_zone,
            },
        })
        .collect();
    let (pages, data) = rayon::join(
        || -> anyhow::Result<()> {
            let (reports, others) = rayon::join(
                || {
                    report_pages(
                        model,
                        &languages,
                        &keys,
                        staging,
                        &done,
                        total_reports,
                        progress,
                    )
                },
                || -> anyhow::Result<()> {
                    // Each part of each language is a task of its own: an incremental build
                    // keeps most report pages, and these parts are then most of its work.
                    // The ledger is one task for every language, one page after the other
                    // (see `Pages::ledger`). When several parts fail, the error shown is
                    // whichever came first.
                    let parts: Vec<(&Pages<'_, '_>, &SitePart)> = languages
                        .iter()
                        .flat_map(|pages| SITE_PARTS.iter().map(move |part| (pages, part)))
                        .collect();
                    let ledgers = || -> anyhow::Result<()> {
                        languages.iter().try_for_each(|pages| pages.ledger(&ledger))
                    };
                    let (parts, ledgers) = rayon::join(
                        || parts.par_iter().try_for_each(|(pages, part)| part(pages)),
                        ledgers,
                    );
                    parts.and(ledgers)
                },
            );
            reports?;
            others
        },
        || data::write_all(model, staging),
    );
    pages?;
    data?;
    root_pages(model, compiled, &factory, staging)?;
    assets(compiled, staging)?;
    Ok(())
}

/// Every report's pages in every language, each written as soon as it is rendered, and
/// `data/incidents.json`, which lists the reports in the model's order. A report whose prose
/// was set aside is read back once, for all of them.
fn report_pages(
    model: &Model<'_>,
    languages: &[Pages<'_, '_>],
    keys: &report_key::Keys<'_>,
    staging: &Staging,
    done: &AtomicUsize,
    total: usize,
    progress: &dyn Progress,
) -> anyhow::Result<()> {
    /// Reports rendered in parallel between two appends to the open data file.
    const REPORTS_PER_STEP: usize = 256;
    let mut entries = data::IncidentsArray::default();
    staging.write_streamed(data::INCIDENTS_JSON, 256 * 1024, |out| {
        for (step_number, step) in model.reports.chunks(REPORTS_PER_STEP).enumerate() {
            // Small pieces, so that a core coming free from the site's other pages always
            // finds report pages left to take rather than waiting on the last large piece.
            let rendered = step
                .par_iter()
                .enumerate()
                .with_max_len(8)
                .map(|(in_step, report)| {
                    let keys = keys.report(step_number * REPORTS_PER_STEP + in_step);
                    let mut whole = Whole::new(model, report);
                    for language in languages {
                        language.report(report, keys, &mut whole)?;
                    }
                    let before = done.fetch_add(languages.len(), Ordering::Relaxed);
                    let count = before + languages.len();
                    if count / 100 != before / 100 || count == total {
                        progress.advance(count, total);
                    }
                    // An unchanged report's entry is copied from the previous build's file.
                    let key = keys.map(report_key::ReportKeys::entry);
                    let copied =
                        key.and_then(|key| staging.previous_part(data::INCIDENTS_JSON, &key));
                    let entry = match copied {
                        Some(entry) => entry,
                        None => data::incident_entry(&whole.get()?)?,
                    };
                    Ok((key, entry))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            model.between_read_backs();
            for (key, entry) in rendered {
                let offset = entries
                    .push(out, &entry)
                    .with_context(|| format!("cannot write {}", data::INCIDENTS_JSON))?;
                if let Some(key) = key {
                    staging.note_part(data::INCIDENTS_JSON, &key, offset, &entry);
                }
            }
        }
        entries
            .finish(out)
            .with_context(|| format!("cannot write {}", data::INCIDENTS_JSON))
    })?;
    Ok(())
}

/// The page of each report in `model`, in every language, rendered in memory as the full
/// build would write it: what a preview shows of edited reports before that build is done.
pub fn report_pages_in_memory(model: &Model<'_>, compiled: &Compiled) -> anyhow::Result<InMemory> {
    let factory = LayoutFactory {
        model,
        all_strings: &compiled.strings,
    };
    let mut pages = Vec::new();
    for strings in &compiled.strings {
        let tera = compiled.in_language(strings);
        let l = Localizer {
            strings,
            lang: &strings.lang,
            time_zone: model.time_zone,
        };
        for report in &model.reports {
            let (view, path, layout) = report_page(model, report, &l, &factory);
            let mut page = Vec::new();
            tera.render_to("report.html", &page_context(&layout, &view, &[]), &mut page)
                .map_err(|e| anyhow::anyhow!(templates::describe(&e)))
                .with_context(|| format!("cannot render {path} with the template report.html"))?;
            pages.push((format!("{}/{path}", strings.lang), page));
        }
    }
    Ok(pages)
}

/// A report's page in one language: its view, its path under the language folder, and its
/// layout.
fn report_page(
    model: &Model<'_>,
    report: &crate::site::Report<'_>,
    l: &Localizer<'_>,
    factory: &LayoutFactory<'_>,
) -> (views::ReportView, String, Layout) {
    let view = views::report(model, report, l);
    let path = views::paths::report(&report.incident().id);
    let layout = factory.layout(l.lang, &path, view.title.text.clone(), "index");
    (view, path, layout)
}

/// A report read back whole ([`Model::whole`]) the first time something needs it, once for
/// all its pages and its open data.
struct Whole<'r, 'm> {
    model: &'r Model<'m>,
    report: &'r crate::site::Report<'m>,
    read: Option<std::borrow::Cow<'r, crate::check::CheckedReport>>,
}

impl<'r, 'm> Whole<'r, 'm> {
    fn new(model: &'r Model<'m>, report: &'r crate::site::Report<'m>) -> Whole<'r, 'm> {
        Whole {
            model,
            report,
            read: None,
        }
    }

    /// The report whole, read back the first time.
    fn get(&mut self) -> anyhow::Result<crate::site::Report<'_>> {
        let read = match self.read.take() {
            Some(read) => read,
            None => self.model.whole(self.report)?,
        };
        // Put back (or in) without a check that could panic.
        let read = self.read.insert(read);
        Ok(self.report.with_checked(read))
    }
}

/// Renders the pages of one language.
struct Pages<'p, 'm> {
    model: &'p Model<'m>,
    tera: &'p Tera,
    fingerprint: &'p PageKey,
    staging: &'p Staging,
    factory: &'p LayoutFactory<'p>,
    /// Every report's part of its pages' keys.
    keys: &'p report_key::Keys<'p>,
    l: Localizer<'p>,
}

impl Pages<'_, '_> {
    fn lang(&self) -> &str {
        self.l.lang
    }

    /// The layout of the page at `path` (under the language folder).
    fn layout(&self, path: &str, title: String, section: &str) -> Layout {
        self.factory.layout(self.lang(), path, title, section)
    }

    /// Render `template` with `view` to `path` under the language folder.
    fn write(
        &self,
        template: &str,
        path: &str,
        layout: &Layout,
        view: &impl Serialize,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<()> {
        write_page(
            Target {
                staging: self.staging,
                tera: self.tera,
                fingerprint: self.fingerprint,
            },
            template,
            &self.in_language(path),
            layout,
            view,
            extra,
        )
    }

    /// A report's page and the permanent pages of its published revisions, in this language.
    /// With `keys` (its part of the pages' keys, [`report_key`]), a page whose key is unchanged
    /// is kept without reading the report back or computing its view; without, each page is
    /// keyed by its view.
    fn report(
        &self,
        report: &crate::site::Report<'_>,
        keys: Option<&report_key::ReportKeys>,
        whole: &mut Whole<'_, '_>,
    ) -> anyhow::Result<()> {
        let Some(keys) = keys else {
            let whole = whole.get()?;
            let (view, path, layout) = report_page(self.model, &whole, &self.l, self.factory);
            self.write("report.html", &path, &layout, &view, &[])?;
            for revision in views::published_revisions(&whole) {
                if let Some((path, layout, page)) = self.revision_page(&whole, revision) {
                    self.write("revision.html", &path, &layout, &page, &[])?;
                }
            }
            return Ok(());
        };
        let path = views::paths::report(&report.incident().id);
        let key = keys.current_page("report.html", &self.in_language(&path));
        self.write_keyed("report.html", &path, key, || {
            let whole = whole.get()?;
            let (view, _, layout) = report_page(self.model, &whole, &self.l, self.factory);
            Ok((layout, view))
        })?;
        for revision in views::published_revisions(report) {
            let path = views::paths::revision(&report.incident().id, &revision.short);
            let key = keys.revision_page(revision, "revision.html", &self.in_language(&path));
            self.write_keyed("revision.html", &path, key, || {
                let whole = whole.get()?;
                let (_, layout, page) = self
                    .revision_page(&whole, revision)
                    .context("a published revision has no key facts")?;
                Ok((layout, page))
            })?;
        }
        Ok(())
    }

    /// The permanent page of `revision` of `report`: its path, layout and view (`None` when
    /// the revision has no key facts).
    fn revision_page(
        &self,
        report: &crate::site::Report<'_>,
        revision: &crate::history::Revision,
    ) -> Option<(String, Layout, views::RevisionPageView)> {
        let page = views::revision_page(report, revision, &self.l)?;
        let path = views::paths::revision(&report.incident().id, &revision.short);
        let title = format!("{} ({})", page.title.text, page.short);
        let mut layout = self.layout(&path, title, "index");
        // A permanent page does not say how things stand today.
        layout.as_of.clear();
        Some((path, layout, page))
    }

    /// `path` (under the language folder) from the site's root.
    fn in_language(&self, path: &str) -> String {
        format!("{}/{path}", self.lang())
    }

    /// Write the page at `path` (under the language folder) with `template`, under `key`
    /// ([`report_key`]): `make` gives its layout and view, and is called only when the previous
    /// build's page cannot be kept.
    fn write_keyed<V: Serialize>(
        &self,
        template: &str,
        path: &str,
        key: PageKey,
        make: impl FnOnce() -> anyhow::Result<(Layout, V)>,
    ) -> anyhow::Result<()> {
        let path = self.in_language(path);
        if self.staging.keep_page(&path, &key)? {
            return Ok(());
        }
        // The view is made before the page's file is opened and its buffer taken.
        let (layout, view) = make()?;
        self.staging.write_new_page(&path, key, 64 * 1024, |out| {
            self.tera
                .render_to(template, &page_context(&layout, &view, &[]), out)
                .map_err(|e| anyhow::anyhow!(templates::describe(&e)))
                .with_context(|| format!("cannot render {path} with the template {template}"))
        })
    }

    /// Render `template` to `path` under the language folder, with the layout and view `make`
    /// makes: under `key`, made only when the page cannot be kept ([`Pages::write_keyed`]);
    /// without one, keyed by its view.
    fn write_listed<V: Serialize>(
        &self,
        template: &str,
        path: &str,
        key: Option<PageKey>,
        make: impl FnOnce() -> (Layout, V),
    ) -> anyhow::Result<()> {
        match key {
            Some(key) => self.write_keyed(template, path, key, || Ok(make())),
            None => {
                let (layout, view) = make();
                self.write(template, path, &layout, &view, &[])
            }
        }
    }

    /// The index and one page per year.
    fn lists(&self) -> anyhow::Result<()> {
        let strings = self.l.strings;
        let mut layout = self.layout("index.html", strings.get("index.title").to_owned(), "index");
        layout.search = true;
        self.write(
            "index.html",
            "index.html",
            &layout,
            &views::index(self.model, &self.l),
            &[],
        )?;
        let trends_title = strings.get("trends.title").to_owned();
        self.write(
            "trends.html",
            "trends.html",
            &self.layout("trends.html", trends_title, "index"),
            &views::trends(self.model, &self.l),
            &[],
        )?;
        for year in views::years(self.model) {
            let reports = views::year_reports(self.model, year);
            let pages = views::PageOf::count(reports.len(), views::REPORTS_PER_PAGE);
            for page in 1..=pages {
                let at = views::PageOf {
                    stem: year.to_string(),
                    number: page,
                    pages,
                };
                let path = views::paths::year(year, page);
                let title = strings
                    .get("year.title")
                    .replace("{year}", &year.to_string());
                self.write(
                    "year.html",
                    &path,
                    &self.layout(&path, at.title(&self.l, title), "index"),
                    &views::year(self.model, year, &reports, &at, &self.l),
                    &[],
                )?;
            }
        }
        Ok(())
    }

    /// One page per service, and the services directory.
    fn services(&self) -> anyhow::Result<()> {
        let strings = self.l.strings;
        // Each service page is rendered on its own: a national site has hundreds.
        let keys: Vec<&String> = self.model.config.file.services.keys().collect();
        keys.par_iter().try_for_each(|key| {
            let path = views::paths::service(key);
            let template = "service.html";
            let reports = views::service_reports(self.model, key);
            let figures = views::service_page_figures(self.model, key, &reports);
            let mut page_key = self
                .keys
                .listing(template, &self.in_language(&path), &figures);
            for report in views::service_listed(&reports) {
                page_key.listed(report, 0);
            }
            let make = || {
                let view = views::service(self.model, key, &reports, &self.l);
                (self.layout(&path, view.name.text.clone(), "services"), view)
            };
            self.write_listed(template, &path, page_key.finish(), make)
        })?;
        let compared = strings.get("compare.services_title").to_owned();
        self.write(
            "compare_services.html",
            views::paths::SERVICES_COMPARED,
            &self.layout(
                views::paths::SERVICES_COMPARED,
                compared.clone(),
                "services",
            ),
            &views::services_compared(self.model, &self.l),
            &[],
        )?;
        let title = strings.get("services.title").to_owned();
        self.write(
            "directory.html",
            "services/index.html",
            &self.layout("services/index.html", title.clone(), "services"),
            &views::services(self.model, &self.l),
            &[
                ("heading", &title),
                ("intro", strings.get("services.intro")),
                ("compare", &compared),
            ],
        )?;
        Ok(())
    }

    /// One page per organisation, and the organisations directory.
    fn organisations(&self) -> anyhow::Result<()> {
        let strings = self.l.strings;
        let keys: Vec<&String> = self.model.config.file.organisations.keys().collect();
        keys.par_iter().try_for_each(|key| {
            let path = views::paths::organisation(key);
            let view = views::organisation(self.model, key, &self.l);
            self.write(
                "organisation.html",
                &path,
                &self.layout(&path, view.name.text.clone(), "organisations"),
                &view,
                &[],
            )
        })?;
        let organisation_years: Vec<views::OrganisationYear<'_>> = self
            .model
            .config
            .file
            .organisations
            .keys()
            .flat_map(|key| {
                views::organisation_years(self.model, key)
                    .into_iter()
                    .filter_map(move |year| views::organisation_year(self.model, key, year))
            })
            .collect();
        let pages: Vec<(&views::OrganisationYear<'_>, usize)> = organisation_years
            .iter()
            .flat_map(|listed| (1..=listed.pages()).map(move |page| (listed, page)))
            .collect();
        pages.par_iter().try_for_each(|&(listed, page)| {
            let at = listed.page(page);
            let (key, year) = listed.key_and_year();
            let path = views::paths::organisation_year(key, year, page);
            let template = "organisation_year.html";
            let mut page_key = self.keys.listing(
                template,
                &self.in_language(&path),
                &listed.page_figures(&at),
            );
            let (reports, actions) = listed.listed_on(&at);
            for report in reports {
                page_key.listed(report, 0);
            }
            for (report, action) in actions {
                page_key.listed(report, *action);
            }
            let make = || {
                let view = views::organisation_year_page(self.model, listed, &at, &self.l);
                let title = at.title(&self.l, format!("{}: {}", view.name, view.year));
                (self.layout(&path, title, "organisations"), view)
            };
            self.write_listed(template, &path, page_key.finish(), make)
        })?;
        let compared = strings.get("compare.organisations_title").to_owned();
        self.write(
            "compare_organisations.html",
            views::paths::ORGANISATIONS_COMPARED,
            &self.layout(
                views::paths::ORGANISATIONS_COMPARED,
                compared,
                "organisations",
            ),
            &views::organisations_compared(self.model, &self.l),
            &[],
        )?;
        let title = strings.get("organisations.title").to_owned();
        self.write(
            "directory.html",
            "organisations/index.html",
            &self.layout("organisations/index.html", title.clone(), "organisations"),
            &views::organisations(self.model, &self.l),
            &[
                ("heading", &title),
                ("intro", strings.get("organisations.intro")),
                ("compare", strings.get("compare.organisations_title")),
            ],
        )?;
        Ok(())
    }

    /// The actions ledger, one page at a time: a year's page lists every action due that
    /// year, and rendering two such pages at once doubles the peak memory of a large build.
    fn ledger(&self, ledger: &views::Ledger<'_>) -> anyhow::Result<()> {
        let strings = self.l.strings;
        let mut grouped: Option<views::Grouped> = None;
        ledger.pages().iter().try_for_each(|ledger_page| {
            // A year's pages come one after the other and share its groups.
            let grouped = match grouped.take() {
                Some(groups) if groups.is_for(ledger_page) => grouped.insert(groups),
                _ => grouped.insert(ledger.grouped(ledger_page.year.as_deref())),
            };
            let shown = ledger.shown(ledger_page, grouped);
            let path = &ledger_page.path;
            let figures = ledger.page_figures(ledger_page, &shown);
            let mut key = self
                .keys
                .listing("actions.html", &self.in_language(path), &figures);
            for (place, action) in shown.actions() {
                key.report(place, action);
            }
            let make = || {
                let view = ledger.view(ledger_page, &shown, &self.l);
                let title = match &view.year {
                    Some(year) => format!("{}: {year}", strings.get("ledger.title")),
                    None => strings.get("ledger.title").to_owned(),
                };
                let title = ledger_page.page.title(&self.l, title);
                (self.layout(path, title, "actions"), view)
            };
            self.write_listed("actions.html", path, key.finish(), make)
        })
    }

    /// The rules, a page per rule, the about page and the 404 page.
    fn rules_and_about(&self) -> anyhow::Result<()> {
        let strings = self.l.strings;
        let rules = views::rules(self.model, &self.l);
        self.write(
            "rules.html",
            "rules/index.html",
            &self.layout(
                "rules/index.html",
                strings.get("rules_page.title").to_owned(),
                "rules",
            ),
            &rules,
            &[],
        )?;
        for rule in &rules {
            let path = views::paths::rule(&rule.code);
            self.write(
                "rule.html",
                &path,
                &self.layout(&path, format!("{} {}", rule.code, rule.summary), "rules"),
                rule,
                &[],
            )?;
        }
        self.write(
            "about.html",
            "about.html",
            &self.layout("about.html", strings.get("about.title").to_owned(), "about"),
            &views::about(self.model, &self.l),
            &[],
        )?;
        if !self.model.sources.is_empty() {
            self.write(
                "sources.html",
                views::paths::SOURCES,
                &self.layout(
                    views::paths::SOURCES,
                    strings.get("sources.title").to_owned(),
                    "about",
                ),
                &views::sources(self.model, &self.l),
                &[],
            )?;
        }
        self.write(
            "404.html",
            "404.html",
            &self.layout("404.html", strings.get("not_found.title").to_owned(), ""),
            &(),
            &[],
        )?;
        Ok(())
    }

    /// The Atom feeds of this language: its reports, and its overdue actions.
    fn feeds(&self) -> anyhow::Result<()> {
        let mut context = Context::new();
        context.insert("feed", &data::feed(self.model, &self.l)?);
        let feed = self
            .tera
            .render("feed.xml", &context)
            .map_err(|e| anyhow::anyhow!(templates::describe(&e)))
            .context("cannot render the feed with the template feed.xml")?;
        let feed_path = format!("{}/feed.xml", self.lang());
        let mut overdue_context = Context::new();
        overdue_context.insert("feed", &data::overdue_feed(self.model, &self.l));
        let overdue = self
            .tera
            .render("feed.xml", &overdue_context)
            .map_err(|e| anyhow::anyhow!(templates::describe(&e)))
            .context("cannot render the feed of overdue actions with the template feed.xml")?;
        let overdue_path = format!("{}/{}", self.lang(), views::paths::OVERDUE_FEED);
        self.staging.write(&feed_path, feed.as_bytes())?;
        self.staging.write(&overdue_path, overdue.as_bytes())?;
        Ok(())
    }

    /// The search index of this language.
    fn search_index(&self) -> anyhow::Result<()> {
        let index_path = format!("{}/search-index.js", self.lang());
        self.staging
            .write_streamed(&index_path, 256 * 1024, |out| {
                data::write_search_index(
                    self.model,
                    &self.l,
                    (self.keys, self.staging, &index_path),
                    out,
                )
            })?;
        Ok(())
    }

    /// The calendar of due actions of this language.
    fn calendar(&self) -> anyhow::Result<()> {
        let calendar_path = format!("{}/{}", self.lang(), views::paths::ACTIONS_CALENDAR);
        self.staging
            .write_streamed(&calendar_path, 256 * 1024, |out| {
                calendar::write_actions(self.model, &self.l, out)
                    .with_context(|| format!("cannot write {calendar_path}"))
            })?;
        Ok(())
    }
}

/// One part of a language's pages other than the report pages and the ledger.
type SitePart = fn(&Pages<'_, '_>) -> anyhow::Result<()>;

/// Every page of a language but the report pages and the ledger's (rendered one language
/// after the other, see [`Pages::ledger`]): lists, services, organisations, rules and about,
/// the feeds, the search index and the calendar of due actions.
const SITE_PARTS: [SitePart; 7] = [
    |pages| pages.lists(),
    |pages| pages.services(),
    |pages| pages.organisations(),
    |pages| pages.rules_and_about(),
    |pages| pages.feeds(),
    |pages| pages.search_index(),
    |pages| pages.calendar(),
];

/// The root: a plain page that sends readers to the default language, and a 404.
fn root_pages(
    model: &Model<'_>,
    compiled: &Compiled,
    factory: &LayoutFactory<'_>,
    staging: &Staging,
) -> anyhow::Result<()> {
    let default = &compiled.strings[0];
    let mut context = Context::new();
    context.insert("default_lang", &default.lang);
    context.insert(
        "site_title",
        &Localizer {
            strings: default,
            lang: &default.lang,
            time_zone: model.time_zone,
        }
        .text(
            &model.config.file.site.title,
            model.config.default_language(),
        )
        .text,
    );
    context.insert(
        "languages",
        &compiled
            .strings
            .iter()
            .map(|s| serde_json::json!({"code": s.lang, "name": s.get("language.name")}))
            .collect::<Vec<_>>(),
    );
    let redirect = compiled
        .tera
        .render("redirect.html", &context)
        .map_err(|e| anyhow::anyhow!(templates::describe(&e)))
        .context("cannot render the root page with the template redirect.html")?;
    staging.write("index.html", redirect.as_bytes())?;
    let mut layout = factory.layout(
        &default.lang,
        "404.html",
        default.get("not_found.title").to_owned(),
        "",
    );
    layout.root = String::new();
    layout.lang_root = format!("{}/", default.lang);
    for language in &mut layout.languages {
        language.href = format!("{}/404.html", language.code);
    }
    let tera = compiled.in_language(default);
    write_page(
        Target {
            staging,
            tera: &tera,
            fingerprint: &compiled.fingerprint,
        },
        "404.html",
        "404.html",
        &layout,
        &(),
        &[],
    )?;
    Ok(())
}

/// What a page's template reads: its layout, its view and any extra values.
fn page_context(layout: &Layout, view: &impl Serialize, extra: &[(&str, &str)]) -> Context {
    let mut context = Context::new();
    context.insert("page", layout);
    context.insert("view", view);
    for (key, value) in extra {
        context.insert(key.to_string(), value);
    }
    context
}

/// A page's key: the SHA-256 of everything its file is rendered from. The program, templates
/// and strings (in `fingerprint`), the template's name and the page's path, and its context
/// (layout, view and extra values) as JSON. The one value templates read from elsewhere, the
/// strings of the page's language (`t`), is named by the layout's language.
fn page_key(
    fingerprint: &PageKey,
    template: &str,
    path: &str,
    layout: &Layout,
    view: &impl Serialize,
    extra: &[(&str, &str)],
) -> anyhow::Result<PageKey> {
    use sha2::Digest as _;
    let mut hasher = crate::publish::HashSink(sha2::Sha256::new());
    hasher.0.update(fingerprint);
    for text in [template, path] {
        hasher.0.update(text.as_bytes());
        hasher.0.update([0]);
    }
    let mut buffered = std::io::BufWriter::with_capacity(16 * 1024, &mut hasher);
    serde_json::to_writer(&mut buffered, layout).context("cannot key the page's layout")?;
    serde_json::to_writer(&mut buffered, view).context("cannot key the page's view")?;
    serde_json::to_writer(&mut buffered, extra).context("cannot key the page's values")?;
    drop(buffered);
    Ok(hasher.0.finalize().into())
}

/// The style sheet, the search script and the JSON Schemas.
fn assets(compiled: &Compiled, staging: &Staging) -> anyhow::Result<()> {
    for asset in ["assets/style.css", "assets/search.js", "assets/sort.js"] {
        let content = compiled.set.get(asset).unwrap_or_default();
        staging.write(asset, content.as_bytes())?;
    }
    for (path, value) in [
        ("schema/incident.schema.json", schema::incident_schema()),
        ("schema/config.schema.json", schema::config_schema()),
    ] {
        staging.write(path, schema::to_file_text(&value).as_bytes())?;
    }
    Ok(())
}

/// The interface strings of every site language, English filling in what a language lacks.
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

/// Where and with what pages are rendered: the staging folder, the templates with one
/// language's strings, and their fingerprint.
#[derive(Clone, Copy)]
struct Target<'t> {
    staging: &'t Staging,
    tera: &'t Tera,
    fingerprint: &'t PageKey,
}

/// Render one page and write it (or keep the previous build's, when it was rendered from the
/// same inputs).
fn write_page(
    target: Target<'_>,
    template: &str,
    path: &str,
    layout: &Layout,
    view: &impl Serialize,
    extra: &[(&str, &str)],
) -> anyhow::Result<()> {
    let key = page_key(target.fingerprint, template, path, layout, view, extra)?;
    // Rendered straight into the file: most pages are tens of kilobytes and fit the buffer,
    // while a page listing thousands of actions never has to be held whole in memory.
    target.staging.write_page(path, key, 64 * 1024, |out| {
        target
            .tera
            .render_to(template, &page_context(layout, view, extra), out)
            .map_err(|e| anyhow::anyhow!(templates::describe(&e)))
            .with_context(|| format!("cannot render {path} with the template {template}"))
    })?;
    Ok(())
}
