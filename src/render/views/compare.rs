//! The pages that compare: every organisation year by year in one table, every service year by
//! year in another, and the page of one organisation's year that each of their figures links
//! to (the reports and the promised actions behind the numbers). Every figure comes from the
//! site model.

use chrono::Datelike;
use serde::Serialize;

use super::organisation::{OrganisationYearRow, year_label, year_row};
use super::service::{YearFigures, year_figures};
use super::{
    ACTIONS_PER_PAGE, ActionView, Localizer, PageOf, PagerLink, REPORTS_PER_PAGE, ReportLink,
    ReportRow, action_view, paths, report_rows, report_year, service_name,
};
use crate::i18n::collation_key;
use crate::site::{Model, Report};

/// Every organisation's record, a row per organisation and year.
#[derive(Debug, Serialize)]
pub(crate) struct OrganisationsCompared {
    /// Newest year first, organisations by name within a year.
    pub rows: Vec<OrganisationYearRow>,
}

/// Build the comparison of organisations.
pub(crate) fn organisations_compared(
    model: &Model<'_>,
    l: &Localizer<'_>,
) -> OrganisationsCompared {
    let mut rows: Vec<OrganisationYearRow> = model
        .organisations
        .iter()
        .flat_map(|figures| {
            figures
                .years
                .iter()
                .map(|year| year_row(model, &figures.key, year, l))
        })
        .collect();
    rows.sort_by_cached_key(|row| {
        (
            std::cmp::Reverse(row.year_number),
            collation_key(&row.name, l.lang),
        )
    });
    OrganisationsCompared { rows }
}

/// One service in one year, formatted, with the raw values a sortable table sorts by.
#[derive(Debug, Serialize)]
pub(crate) struct ServiceYearRow {
    /// The service's name.
    pub name: String,
    /// Its page, from the services folder.
    pub href: String,
    /// The responsible organisation's name.
    pub organisation: String,
    /// The year's figures, as on the service's page.
    #[serde(flatten)]
    pub figures: YearFigures,
    /// The target, formatted.
    pub target: Option<String>,
    /// Raw values to sort by: availability and experienced availability in percent, minutes
    /// completely unavailable, minutes degraded, user-hours lost.
    pub sort: [f64; 5],
}

/// Every service's availability, a row per service and year.
#[derive(Debug, Serialize)]
pub(crate) struct ServicesCompared {
    /// Newest year first, services by name within a year.
    pub rows: Vec<ServiceYearRow>,
}

/// Build the comparison of services.
pub(crate) fn services_compared(model: &Model<'_>, l: &Localizer<'_>) -> ServicesCompared {
    let strings = l.strings;
    let mut rows: Vec<ServiceYearRow> = model
        .services
        .iter()
        .flat_map(|figures| {
            figures.years.iter().map(move |year| ServiceYearRow {
                name: service_name(model, &figures.key, l),
                href: paths::service(&figures.key)
                    .trim_start_matches("services/")
                    .to_owned(),
                organisation: super::organisation_name(model, &figures.organisation, l),
                figures: year_figures(year, l),
                target: figures
                    .target_percent
                    .map(|t| format!("{} %", strings.decimal(t, 2))),
                sort: [
                    year.availability.percent(),
                    year.experienced.percent(),
                    year.availability.full_minutes,
                    year.availability.partial_minutes,
                    year.user_hours_lost,
                ],
            })
        })
        .collect();
    rows.sort_by_cached_key(|row| {
        (
            std::cmp::Reverse(row.figures.year_number),
            collation_key(&row.name, l.lang),
        )
    });
    ServicesCompared { rows }
}

/// One organisation's year: its record, the reports and the actions behind the figures.
#[derive(Debug, Serialize)]
pub(crate) struct OrganisationYearView {
    /// The organisation's name.
    pub name: String,
    /// Its page, from this page.
    pub organisation_href: String,
    /// The year, marked "to date" while it runs.
    pub year: String,
    /// The record of the year.
    pub row: OrganisationYearRow,
    /// Reports on incidents that started in the year (those on this page).
    pub reports: Vec<ReportRow>,
    /// Actions due in the year (those on this page).
    pub actions: Vec<ActionView>,
    /// A year with many reports or actions is split into pages: links to each (empty with one
    /// page), "Page 2 of 3.", and which of the reports and actions this page shows.
    pub pager: Vec<PagerLink>,
    pub page_text: String,
    pub reports_text: String,
    pub actions_text: String,
    /// The other pages with reports, and with actions, of the year.
    pub reports_elsewhere: Vec<PagerLink>,
    pub actions_elsewhere: Vec<PagerLink>,
}

/// What one organisation's year lists, before any page of it is rendered.
pub(crate) struct OrganisationYear<'m> {
    key: &'m str,
    year: i32,
    record: &'m crate::site::OrganisationYear,
    started: Vec<&'m Report<'m>>,
    due: Vec<(&'m Report<'m>, usize)>,
}

impl OrganisationYear<'_> {
    /// How many pages the year takes.
    pub(crate) fn pages(&self) -> usize {
        PageOf::count(self.started.len(), REPORTS_PER_PAGE)
            .max(PageOf::count(self.due.len(), ACTIONS_PER_PAGE))
    }

    /// Page `number` (from 1) of the year.
    pub(crate) fn page(&self, number: usize) -> PageOf {
        PageOf {
            stem: self.year.to_string(),
            number,
            pages: self.pages(),
        }
    }

    /// What page `at` lists: the reports of incidents that started in the year, and the
    /// actions due in it (each as its report and its place in the report), that it shows.
    pub(crate) fn listed_on(&self, at: &PageOf) -> (&[&'_ Report<'_>], &[(&'_ Report<'_>, usize)]) {
        (
            &self.started[at.window(REPORTS_PER_PAGE, self.started.len())],
            &self.due[at.window(ACTIONS_PER_PAGE, self.due.len())],
        )
    }

    /// What page `at`'s view is made of besides what it lists ([`OrganisationYear::listed_on`]),
    /// for its key: the year's record, how many reports and actions it holds, and the page's
    /// place among its pages.
    pub(crate) fn page_figures(&self, at: &PageOf) -> impl std::fmt::Debug {
        (
            self.key,
            self.record,
            self.started.len(),
            self.due.len(),
            at.clone(),
        )
    }

    /// The organisation's key and the year.
    pub(crate) fn key_and_year(&self) -> (&str, i32) {
        (self.key, self.year)
    }
}

/// The years of organisation `key` that have a page.
pub(crate) fn organisation_years(model: &Model<'_>, key: &str) -> Vec<i32> {
    model
        .organisation(key)
        .map(|f| f.years.iter().map(|y| y.year).collect())
        .unwrap_or_default()
}

/// What organisation `key`'s `year` lists: its reports and the actions due, in page order.
pub(crate) fn organisation_year<'m>(
    model: &'m Model<'m>,
    key: &'m str,
    year: i32,
) -> Option<OrganisationYear<'m>> {
    let figures = model.organisation(key)?;
    let record = figures.years.iter().find(|y| y.year == year)?;
    let own: Vec<&Report<'_>> = model
        .reports
        .iter()
        .filter(|r| r.incident().organisation == key)
        .collect();
    let started: Vec<&Report<'_>> = own
        .iter()
        .copied()
        .filter(|r| report_year(model, r) == year)
        .collect();
    let mut due: Vec<(&Report<'_>, usize)> = own
        .iter()
        .flat_map(|r| {
            r.incident()
                .actions
                .iter()
                .enumerate()
                .filter(|(_, a)| a.due.is_some_and(|d| d.year() == year))
                .map(move |(index, _)| (*r, index))
        })
        .collect();
    due.sort_by_key(|(r, index)| (r.incident().actions[*index].due, r.incident().id.clone()));
    Some(OrganisationYear {
        key,
        year,
        record,
        started,
        due,
    })
}

/// The view of page `at` of an organisation's year.
pub(crate) fn organisation_year_page(
    model: &Model<'_>,
    listed: &OrganisationYear<'_>,
    at: &PageOf,
    l: &Localizer<'_>,
) -> OrganisationYearView {
    let (key, record) = (listed.key, listed.record);
    let (reports, due) = (listed.started.len(), listed.due.len());
    let report_window = at.window(REPORTS_PER_PAGE, reports);
    let action_window = at.window(ACTIONS_PER_PAGE, due);
    // Which reports or actions this page shows, when it shows any.
    let range_text = |key: &str, shown: &std::ops::Range<usize>, total: usize| {
        if shown.is_empty() {
            String::new()
        } else {
            at.text(l, key, shown, total)
        }
    };
    let actions = listed.due[action_window.clone()]
        .iter()
        .map(|(report, index)| {
            let incident = report.incident();
            action_view(
                &incident.actions[*index],
                &report.actions[*index],
                &incident.language,
                l,
                Some(ReportLink {
                    title: l.text(&incident.title, &incident.language),
                    href: format!("../../{}", paths::report(&incident.id)),
                }),
            )
        })
        .collect();
    let name = super::organisation_name(model, key, l);
    OrganisationYearView {
        organisation_href: format!(
            "../{}",
            paths::organisation(key).trim_start_matches("organisations/")
        ),
        year: year_label(record.year, record.to_date, l),
        // The record's figures link to the sections of this very page.
        row: OrganisationYearRow {
            href: String::new(),
            ..year_row(model, key, record, l)
        },
        reports: report_rows(model, &listed.started[report_window.clone()], l, "../../"),
        actions,
        name,
        pager: at.pager(),
        page_text: at.text(l, "organisation.page", &report_window, reports),
        reports_text: range_text("organisation.reports_range", &report_window, reports),
        actions_text: range_text("organisation.actions_range", &action_window, due),
        reports_elsewhere: at.elsewhere(0, reports, REPORTS_PER_PAGE),
        actions_elsewhere: at.elsewhere(0, due, ACTIONS_PER_PAGE),
    }
}
