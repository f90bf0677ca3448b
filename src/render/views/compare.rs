//! The pages that compare: every organisation year by year in one table, every service year by
//! year in another, and the page of one organisation's year that each of their figures links
//! to (the reports and the promised actions behind the numbers). Every figure comes from the
//! site model.

use chrono::Datelike;
use serde::Serialize;

use super::organisation::{OrganisationYearRow, year_label, year_row};
use super::service::{YearFigures, year_figures};
use super::{
    ActionView, Localizer, ReportLink, ReportRow, action_view, paths, report_rows, report_year,
    service_name,
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
    /// Reports on incidents that started in the year.
    pub reports: Vec<ReportRow>,
    /// Actions due in the year.
    pub actions: Vec<ActionView>,
}

/// The years of organisation `key` that have a page.
pub(crate) fn organisation_years(model: &Model<'_>, key: &str) -> Vec<i32> {
    model
        .organisation(key)
        .map(|f| f.years.iter().map(|y| y.year).collect())
        .unwrap_or_default()
}

/// Build the page of organisation `key`'s `year`.
pub(crate) fn organisation_year(
    model: &Model<'_>,
    key: &str,
    year: i32,
    l: &Localizer<'_>,
) -> Option<OrganisationYearView> {
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
    let actions = due
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
    Some(OrganisationYearView {
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
        reports: report_rows(model, &started, l, "../../"),
        actions,
        name,
    })
}
