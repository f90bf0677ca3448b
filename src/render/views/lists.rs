//! The list pages: the index, one page per year, and the services and organisations
//! directories. Counts come from the site model.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    Localizer, NamedLink, PageOf, PagerLink, REPORTS_PER_PAGE, ReportRow, organisation_name, paths,
    report_rows, report_year, service_name,
};
use crate::site::{Model, Report};

/// The index page.
#[derive(Debug, Serialize)]
pub(crate) struct IndexView {
    /// The most recent reports.
    pub recent: Vec<ReportRow>,
    /// How many published reports there are.
    pub total: usize,
    /// Years with reports, newest first, with counts and links.
    pub years: Vec<YearLink>,
    /// Reports whose final report is overdue.
    pub overdue_final: usize,
    /// Promised actions past their due date.
    pub overdue_actions: usize,
    /// Ongoing incidents.
    pub ongoing: usize,
    /// Service links, for filtering.
    pub services: Vec<NamedLink>,
    /// Organisation links, for filtering.
    pub organisations: Vec<NamedLink>,
    /// "All 7 reports." when every report is listed.
    pub all_shown: String,
}

/// A year with its report count.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct YearLink {
    /// The year.
    pub year: i32,
    /// Reports that started in it.
    pub count: usize,
    /// Link.
    pub href: String,
}

/// How many reports the index lists before pointing to the year pages.
pub(super) const INDEX_RECENT: usize = 50;

/// Build the index view.
pub(crate) fn index(model: &Model<'_>, l: &Localizer<'_>) -> IndexView {
    let recent: Vec<&Report<'_>> = model.reports.iter().take(INDEX_RECENT).collect();
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for report in &model.reports {
        *years.entry(report_year(model, report)).or_default() += 1;
    }
    IndexView {
        recent: report_rows(model, &recent, l, ""),
        total: model.totals.reports,
        years: years
            .into_iter()
            .rev()
            .map(|(year, count)| YearLink {
                year,
                count,
                href: paths::year(year, 1),
            })
            .collect(),
        overdue_final: model.totals.final_overdue,
        overdue_actions: model.totals.actions_overdue,
        ongoing: model.totals.ongoing,
        services: service_links(model, l, ""),
        organisations: organisation_links(model, l, ""),
        all_shown: l.strings.count("index.all_shown", model.totals.reports),
    }
}

/// A year page.
#[derive(Debug, Serialize)]
pub(crate) struct YearView {
    /// The year.
    pub year: i32,
    /// Its reports (those on this page).
    pub reports: Vec<ReportRow>,
    /// "3 reports".
    pub count: String,
    /// The year's totals, with the change from the year before.
    pub totals: Vec<super::trends::YearTotal>,
    /// A year with many reports is split into pages: links to each (empty with one page), and
    /// "Page 2 of 3: reports 201-400 of 512."
    pub pager: Vec<PagerLink>,
    pub page_text: String,
}

/// The reports of `year`, in the order its pages list them.
pub(crate) fn year_reports<'m>(model: &'m Model<'m>, year: i32) -> Vec<&'m Report<'m>> {
    model
        .reports
        .iter()
        .filter(|r| report_year(model, r) == year)
        .collect()
}

/// Build page `at` of a year's reports.
pub(crate) fn year(
    model: &Model<'_>,
    year: i32,
    reports: &[&Report<'_>],
    at: &PageOf,
    l: &Localizer<'_>,
) -> YearView {
    let shown = at.window(REPORTS_PER_PAGE, reports.len());
    YearView {
        year,
        count: l.strings.count("year.count", reports.len()),
        totals: super::trends::year_totals(model, year, l),
        reports: report_rows(model, &reports[shown.clone()], l, "../"),
        pager: at.pager(),
        page_text: at.text(l, "year.page", &shown, reports.len()),
    }
}

/// A list of all services or all organisations.
#[derive(Debug, Serialize)]
pub(crate) struct DirectoryView {
    /// Entries.
    pub entries: Vec<DirectoryEntry>,
}

/// One service or organisation with its number of reports.
#[derive(Debug, Serialize)]
pub(crate) struct DirectoryEntry {
    /// Display name.
    pub name: String,
    /// Link.
    pub href: String,
    /// "1 report", "3 reports".
    pub count: String,
}

fn directory(links: Vec<NamedLink>, l: &Localizer<'_>) -> DirectoryView {
    DirectoryView {
        entries: links
            .into_iter()
            .map(|link| DirectoryEntry {
                count: l.strings.count("services.reports", link.count),
                name: link.name,
                href: link.href,
            })
            .collect(),
    }
}

/// The services directory.
pub(crate) fn services(model: &Model<'_>, l: &Localizer<'_>) -> DirectoryView {
    directory(service_links(model, l, "services/"), l)
}

/// The organisations directory.
pub(crate) fn organisations(model: &Model<'_>, l: &Localizer<'_>) -> DirectoryView {
    directory(organisation_links(model, l, "organisations/"), l)
}

/// Links in the order of their names, as readers of the page's language sort them.
trait SortedByName {
    fn sorted_by_name(self, l: &Localizer<'_>) -> Self;
}

impl SortedByName for Vec<NamedLink> {
    fn sorted_by_name(mut self, l: &Localizer<'_>) -> Self {
        self.sort_by_cached_key(|link| crate::i18n::collation_key(&link.name, l.lang));
        self
    }
}

/// A link to every service with its report count; `strip` is the folder the linking page is in.
fn service_links(model: &Model<'_>, l: &Localizer<'_>, strip: &str) -> Vec<NamedLink> {
    model
        .services
        .iter()
        .map(|figures| NamedLink {
            name: service_name(model, &figures.key, l),
            href: paths::service(&figures.key)
                .trim_start_matches(strip)
                .to_owned(),
            count: figures.reports,
        })
        .collect::<Vec<_>>()
        .sorted_by_name(l)
}

/// A link to every organisation with its report count.
fn organisation_links(model: &Model<'_>, l: &Localizer<'_>, strip: &str) -> Vec<NamedLink> {
    model
        .organisations
        .iter()
        .map(|figures| NamedLink {
            name: organisation_name(model, &figures.key, l),
            href: paths::organisation(&figures.key)
                .trim_start_matches(strip)
                .to_owned(),
            count: figures.reports,
        })
        .collect::<Vec<_>>()
        .sorted_by_name(l)
}
