//! Views: small serialisable structs built for each page, in one language.
//!
//! Templates see only these: strings already resolved to the page's language (with the
//! language they are actually in, for the `lang` attribute), dates and numbers already
//! formatted, markdown already rendered and sanitised, links already relative. Domain types
//! stay out of templates, so a template cannot reach into a report and print something raw.

mod about;
mod compare;
mod ledger;
mod lists;
mod organisation;
mod report;
mod revision;
mod service;
mod trends;

use serde::Serialize;

pub(super) use about::{about, rules, sources};
pub(super) use compare::{
    OrganisationYear, organisation_year, organisation_year_page, organisation_years,
    organisations_compared, services_compared,
};
pub(super) use ledger::{Grouped, Ledger};
pub(super) use lists::{index, organisations, services, year, year_reports};
pub(super) use organisation::organisation;
pub(super) use report::{ReportView, report};
pub(super) use revision::{RevisionPageView, published_revisions, revision_page};
pub(super) use service::{
    listed as service_listed, page_figures as service_page_figures, service, service_reports,
};
pub(super) use trends::trends;

use super::markdown;
use crate::i18n::Strings;
use crate::model::{Action, Text};
use crate::site::{ActionRecord, Model, Report};

/// A text in the page's language, or in the language it falls back to.
#[derive(Clone, Debug, Serialize)]
pub(super) struct TextView {
    /// The text (plain; the template escapes it).
    pub text: String,
    /// The language it is written in.
    pub lang: String,
    /// Whether that differs from the page's language.
    pub fallback: bool,
}

/// Rendered, sanitised markdown in the page's language (or its fallback).
#[derive(Clone, Debug, Serialize)]
pub(super) struct HtmlView {
    /// Safe HTML.
    pub html: String,
    /// The language it is written in.
    pub lang: String,
    /// Whether that differs from the page's language.
    pub fallback: bool,
}

/// Resolves texts for one page language.
pub(super) struct Localizer<'a> {
    /// Interface strings.
    pub strings: &'a Strings,
    /// The page language.
    pub lang: &'a str,
    /// The site's time zone: every time on a page is shown in it.
    pub time_zone: chrono_tz::Tz,
}

impl Localizer<'_> {
    /// A plain text field.
    pub(super) fn text(&self, text: &Text, report_lang: &str) -> TextView {
        let (value, lang) = text.resolve(self.lang, report_lang);
        TextView {
            text: value.to_owned(),
            lang: lang.to_owned(),
            fallback: lang != self.lang,
        }
    }

    /// A markdown field.
    pub(super) fn markdown(&self, text: &Text, report_lang: &str) -> HtmlView {
        let (value, lang) = text.resolve(self.lang, report_lang);
        HtmlView {
            html: markdown::to_html(value),
            lang: lang.to_owned(),
            fallback: lang != self.lang,
        }
    }

    /// An interface string.
    pub(super) fn t(&self, key: &str) -> String {
        self.strings.get(key).to_owned()
    }

    /// A moment in the site's time zone: date, time and offset.
    pub(super) fn date_time(&self, time: &chrono::DateTime<chrono::FixedOffset>) -> String {
        self.strings.date_time(&self.local(time))
    }

    /// A moment in the site's time zone.
    pub(super) fn local(
        &self,
        time: &chrono::DateTime<chrono::FixedOffset>,
    ) -> chrono::DateTime<chrono::FixedOffset> {
        time.with_timezone(&self.time_zone).fixed_offset()
    }

    /// An optional text field.
    pub(super) fn maybe_text(&self, text: Option<&Text>, report_lang: &str) -> Option<TextView> {
        text.map(|t| self.text(t, report_lang))
    }
}

/// A link to the same page in another language.
#[derive(Clone, Debug, Serialize)]
pub(super) struct LanguageLink {
    /// Language code.
    pub code: String,
    /// The language's own name for itself.
    pub name: String,
    /// Relative link.
    pub href: String,
    /// Whether this is the page's language.
    pub current: bool,
}

/// What every page's layout needs.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Layout {
    /// Page language.
    pub lang: String,
    /// Relative path to the site root, ending in `/` (or empty).
    pub root: String,
    /// Relative path to this language's root.
    pub lang_root: String,
    /// The page title (without the site title).
    pub title: String,
    /// The site title.
    pub site_title: TextView,
    /// The banner, if any.
    pub notice: Option<TextView>,
    /// On a national site where sources could not be read: "2 of 40 sources ...", linking
    /// to the sources page.
    pub missing_sources: Option<String>,
    /// The language switcher.
    pub languages: Vec<LanguageLink>,
    /// Which navigation entry is current (`index`, `services`, ...).
    pub section: String,
    /// "Status as of ..." date.
    pub as_of: String,
    /// Whether the page loads the search script.
    pub search: bool,
    /// The Candor version, for the footer.
    pub version: String,
}

/// Builds layouts for one language.
pub(super) struct LayoutFactory<'a> {
    /// The model.
    pub model: &'a Model<'a>,
    /// Strings of every site language, in site order.
    pub all_strings: &'a [Strings],
}

impl LayoutFactory<'_> {
    /// The layout of the page at `path` (relative to the language folder) in `lang`.
    pub(super) fn layout(&self, lang: &str, path: &str, title: String, section: &str) -> Layout {
        let depth = path.matches('/').count();
        let lang_root = "../".repeat(depth);
        let root = "../".repeat(depth + 1);
        let strings = self.strings(lang);
        let site = &self.model.config.file.site;
        let localizer = Localizer {
            strings,
            lang,
            time_zone: self.model.time_zone,
        };
        let default_language = self.model.config.default_language();
        Layout {
            lang: lang.to_owned(),
            root: root.clone(),
            lang_root,
            title,
            site_title: localizer.text(&site.title, default_language),
            notice: site
                .notice
                .as_ref()
                .map(|n| localizer.text(n, default_language)),
            missing_sources: {
                let sources = self.model.sources;
                let failed = sources.iter().filter(|s| s.failed.is_some()).count();
                (failed > 0).then(|| {
                    strings
                        .get("sources.failed_banner")
                        .replace("{count}", &failed.to_string())
                        .replace("{total}", &sources.len().to_string())
                })
            },
            languages: self
                .all_strings
                .iter()
                .map(|s| LanguageLink {
                    code: s.lang.clone(),
                    name: s.get("language.name").to_owned(),
                    href: format!("{root}{}/{path}", s.lang),
                    current: s.lang == lang,
                })
                .collect(),
            section: section.to_owned(),
            as_of: strings
                .get("layout.as_of")
                .replace("{date}", &strings.date(self.model.today.date_naive())),
            search: false,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }

    /// The strings of `lang`.
    pub(super) fn strings(&self, lang: &str) -> &Strings {
        self.all_strings
            .iter()
            .find(|s| s.lang == lang)
            .unwrap_or(&self.all_strings[0])
    }
}

/// A label with its machine key (for CSS classes).
#[derive(Clone, Debug, Serialize)]
pub(super) struct Label {
    /// Machine key, e.g. `critical`.
    pub key: String,
    /// Translated label.
    pub label: String,
}

pub(crate) fn label(strings: &Strings, group: &str, key: &str) -> Label {
    Label {
        key: key.to_owned(),
        label: strings.get(&format!("{group}.{key}")).to_owned(),
    }
}

/// One row in a list of reports.
#[derive(Clone, Debug, Serialize)]
pub(super) struct ReportRow {
    /// Link relative to the language root.
    pub href: String,
    /// Title.
    pub title: TextView,
    /// Start date.
    pub date: String,
    /// ISO start date, for `<time datetime>`.
    pub date_iso: String,
    /// Severity (declared).
    pub severity: Label,
    /// Status.
    pub status: Label,
    /// Whether the incident is ongoing.
    pub ongoing: bool,
    /// Whether the final report is overdue (A008).
    pub final_overdue: bool,
    /// Affected services' names.
    pub services: Vec<String>,
    /// Organisation name.
    pub organisation: String,
}

/// Paths of pages relative to a language folder.
/// The most actions on one page of a paged list: a page stays a few hundred kilobytes however
/// many reports the site has.
pub(crate) const ACTIONS_PER_PAGE: usize = 500;

/// The most reports on one page of a paged list.
pub(crate) const REPORTS_PER_PAGE: usize = 200;

/// One link of a paged list's pages.
#[derive(Debug, Serialize)]
pub(crate) struct PagerLink {
    /// The page number.
    pub number: usize,
    /// Its address, relative to the page.
    pub href: String,
    /// Whether this is the page shown.
    pub current: bool,
}

/// The file name of page `number` of a paged list whose first page is `stem.html`.
pub(crate) fn page_file(stem: &str, number: usize) -> String {
    if number <= 1 {
        format!("{stem}.html")
    } else {
        format!("{stem}-{number}.html")
    }
}

/// Links to the pages `numbers` of the list `stem`, as seen from page `current`.
fn pager_links(
    stem: &str,
    numbers: impl IntoIterator<Item = usize>,
    current: usize,
) -> Vec<PagerLink> {
    numbers
        .into_iter()
        .map(|number| PagerLink {
            number,
            href: page_file(stem, number),
            current: number == current,
        })
        .collect()
}

/// Page `number` (from 1) of `pages`, of the list whose first page is `stem.html`.
#[derive(Clone, Debug)]
pub(crate) struct PageOf {
    pub stem: String,
    pub number: usize,
    pub pages: usize,
}

impl PageOf {
    /// How many pages `total` items take at `per_page` a page (at least one).
    pub(crate) fn count(total: usize, per_page: usize) -> usize {
        total.div_ceil(per_page).max(1)
    }

    /// The items of a list of `total` at `per_page` a page that this page shows.
    pub(crate) fn window(&self, per_page: usize, total: usize) -> std::ops::Range<usize> {
        ((self.number - 1) * per_page).min(total)..(self.number * per_page).min(total)
    }

    /// Links to every page (none when the list fits one).
    pub(crate) fn pager(&self) -> Vec<PagerLink> {
        if self.pages > 1 {
            pager_links(&self.stem, 1..=self.pages, self.number)
        } else {
            Vec::new()
        }
    }

    /// Links to the other pages that hold items `start..start + count` (none when the list
    /// fits one page).
    pub(crate) fn elsewhere(&self, start: usize, count: usize, per_page: usize) -> Vec<PagerLink> {
        if self.pages <= 1 || count == 0 {
            return Vec::new();
        }
        let holding = (start / per_page + 1)..=((start + count - 1) / per_page + 1);
        pager_links(
            &self.stem,
            holding.filter(|&number| number != self.number),
            self.number,
        )
    }

    /// The string `key` with this page's `{page}` and `{pages}`, and `{from}`, `{to}` and
    /// `{total}` for the items `shown` of `total` ("Page 2 of 3: reports 201–400 of 512."); empty
    /// when the list fits one page.
    pub(crate) fn text(
        &self,
        l: &Localizer<'_>,
        key: &str,
        shown: &std::ops::Range<usize>,
        total: usize,
    ) -> String {
        if self.pages <= 1 {
            return String::new();
        }
        l.t(key)
            .replace("{page}", &self.number.to_string())
            .replace("{pages}", &self.pages.to_string())
            .replace("{from}", &l.strings.integer((shown.start + 1) as f64))
            .replace("{to}", &l.strings.integer(shown.end as f64))
            .replace("{total}", &l.strings.integer(total as f64))
    }

    /// `title`, with "(page 2 of 3)" when the list takes more than one page.
    pub(crate) fn title(&self, l: &Localizer<'_>, title: String) -> String {
        if self.pages <= 1 {
            return title;
        }
        let page = l
            .t("ledger.page_title")
            .replace("{page}", &self.number.to_string())
            .replace("{pages}", &self.pages.to_string());
        format!("{title} ({page})")
    }
}

pub(super) mod paths {
    /// A report page.
    pub(crate) fn report(id: &str) -> String {
        format!("reports/{id}.html")
    }
    /// A service page.
    pub(crate) fn service(key: &str) -> String {
        format!("services/{key}.html")
    }
    /// An organisation page.
    pub(crate) fn organisation(key: &str) -> String {
        format!("organisations/{key}.html")
    }
    /// A rule page.
    pub(crate) fn rule(code: &str) -> String {
        format!("rules/{code}.html")
    }
    /// Page `page` (from 1) of a year's reports.
    pub(crate) fn year(year: i32, page: usize) -> String {
        format!("years/{}", super::page_file(&year.to_string(), page))
    }
    /// The permanent page of one published revision of a report.
    pub(crate) fn revision(id: &str, short: &str) -> String {
        format!("reports/{id}/{short}.html")
    }
    /// Page `page` (from 1) of an organisation's reports and due actions of one year.
    pub(crate) fn organisation_year(key: &str, year: i32, page: usize) -> String {
        format!(
            "organisations/{key}/{}",
            super::page_file(&year.to_string(), page)
        )
    }
    /// Every organisation, year by year, in one table.
    pub(crate) const ORGANISATIONS_COMPARED: &str = "organisations/compare.html";
    /// Every service, year by year, in one table.
    pub(crate) const SERVICES_COMPARED: &str = "services/compare.html";
    /// A national site's sources, with the commit read from each.
    pub(crate) const SOURCES: &str = "sources.html";
    /// The Atom feed of actions that became overdue.
    pub(crate) const OVERDUE_FEED: &str = "overdue.xml";
    /// The calendar of open actions' due dates.
    pub(crate) const ACTIONS_CALENDAR: &str = "actions.ics";
}

/// The rows for `reports`, linked from a page at `depth` folders below the language root.
pub(super) fn report_rows(
    model: &Model<'_>,
    reports: &[&Report<'_>],
    l: &Localizer<'_>,
    lang_root: &str,
) -> Vec<ReportRow> {
    reports
        .iter()
        .map(|report| {
            let incident = report.incident();
            ReportRow {
                href: format!("{lang_root}{}", paths::report(&incident.id)),
                title: l.text(&incident.title, &incident.language),
                date: l.strings.date(incident.started_at.date_naive()),
                date_iso: incident.started_at.date_naive().to_string(),
                severity: label(l.strings, "severity", incident.severity.as_str()),
                status: label(l.strings, "status", incident.status.as_str()),
                ongoing: incident.resolved_at.is_none(),
                final_overdue: report.final_overdue,
                services: incident
                    .services
                    .iter()
                    .map(|s| service_name(model, s, l))
                    .collect(),
                organisation: organisation_name(model, &incident.organisation, l),
            }
        })
        .collect()
}

pub(crate) fn service_name(model: &Model<'_>, key: &str, l: &Localizer<'_>) -> String {
    model
        .config
        .file
        .services
        .get(key)
        .map(|s| l.text(&s.name, model.config.default_language()).text)
        .unwrap_or_else(|| key.to_owned())
}

pub(crate) fn organisation_name(model: &Model<'_>, key: &str, l: &Localizer<'_>) -> String {
    model
        .config
        .file
        .organisations
        .get(key)
        .map(|o| l.text(&o.name, model.config.default_language()).text)
        .unwrap_or_else(|| key.to_owned())
}

/// A link with a name.
#[derive(Clone, Debug, Serialize)]
pub(super) struct NamedLink {
    /// Display name.
    pub name: String,
    /// Link.
    pub href: String,
    /// A count shown next to it.
    pub count: usize,
}

/// An action.
#[derive(Clone, Debug, Serialize)]
pub(super) struct ActionView {
    /// Action id.
    pub id: String,
    /// Type.
    pub kind: Label,
    /// What.
    pub action: HtmlView,
    /// Owner.
    pub owner: Option<TextView>,
    /// Due date.
    pub due: Option<String>,
    /// ISO due date.
    pub due_iso: Option<String>,
    /// Status.
    pub status: Label,
    /// Whether it is past due and open.
    pub overdue: bool,
    /// "32 days overdue", while overdue.
    pub days_overdue: Option<String>,
    /// "First promised for 31 March 2026; postponed twice", when the date moved since.
    pub promise_note: Option<String>,
    /// How many times it was postponed.
    pub postponements: u32,
    /// Evidence link.
    pub evidence: Option<String>,
    /// Reason for dropping.
    pub reason: Option<HtmlView>,
    /// The report it belongs to (for the ledger).
    pub report: Option<ReportLink>,
}

/// A link to a report by its title, marked with the title's language when it is not the page's.
#[derive(Clone, Debug, Serialize)]
pub(super) struct ReportLink {
    /// The title.
    pub title: TextView,
    /// Link.
    pub href: String,
}

/// Whether a link may be shown as a link (http, https or mailto).
pub(super) fn is_web_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

fn action_view(
    action: &Action,
    record: &ActionRecord,
    report_lang: &str,
    l: &Localizer<'_>,
    report: Option<ReportLink>,
) -> ActionView {
    ActionView {
        id: action.id.to_string(),
        kind: label(l.strings, "action_type", action.kind.as_str()),
        action: l.markdown(&action.action, report_lang),
        owner: l.maybe_text(action.owner.as_ref(), report_lang),
        due: action.due.map(|d| l.strings.date(d)),
        due_iso: action.due.map(|d| d.to_string()),
        status: label(l.strings, "action_status", action.status.as_str()),
        overdue: record.days_overdue.is_some(),
        days_overdue: record.days_overdue.map(|days| {
            l.strings
                .count("promise.days_overdue", days.max(0) as usize)
        }),
        promise_note: promise_note(action, record, l),
        postponements: record.promise.postponements,
        evidence: action
            .evidence
            .as_deref()
            .filter(|e| is_web_link(e))
            .map(str::to_owned),
        reason: action.reason.as_ref().map(|r| l.markdown(r, report_lang)),
        report,
    }
}

/// What a reader should know about an action's due date: when it was first promised, and how
/// often it was put off, when either differs from what the table shows.
fn promise_note(action: &Action, record: &ActionRecord, l: &Localizer<'_>) -> Option<String> {
    let strings = l.strings;
    let moved = record.promise.original_due != action.due;
    if !moved && record.promise.postponements == 0 {
        return None;
    }
    let mut parts = Vec::new();
    if moved {
        parts.push(match record.promise.original_due {
            Some(original) => strings
                .get("promise.first_promised")
                .replace("{date}", &strings.date(original)),
            None => l.t("promise.first_undated"),
        });
    }
    if record.promise.postponements > 0 {
        parts.push(strings.count("promise.postponed", record.promise.postponements as usize));
    }
    Some(parts.join("; "))
}

/// How many entries a list page shows before pointing to pages by year.
pub(super) const LIST_LIMIT: usize = 200;

/// Every year with a report, newest first (in the site's time zone).
pub(super) fn years(model: &Model<'_>) -> Vec<i32> {
    let set: std::collections::BTreeSet<i32> = model
        .reports
        .iter()
        .map(|r| report_year(model, r))
        .collect();
    set.into_iter().rev().collect()
}

/// The calendar year a report's incident started in, in the site's time zone.
pub(crate) fn report_year(model: &Model<'_>, report: &Report<'_>) -> i32 {
    crate::site::intervals::year_of(
        report.incident().started_at.with_timezone(&chrono::Utc),
        model.time_zone,
    )
}
