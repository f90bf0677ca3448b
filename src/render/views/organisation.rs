//! An organisation's page: its services, its track record overall and per year, its open
//! promises and its reports. Every figure comes from the site model.

use serde::Serialize;

use super::{
    ActionView, LIST_LIMIT, Localizer, NamedLink, ReportLink, ReportRow, TextView, action_view,
    is_web_link, paths, report_rows, service_name,
};
use crate::model::{Action, Incident};
use crate::site::{ActionRecord, Model, OrganisationYear, Report, Spread};

/// An organisation page.
#[derive(Debug, Serialize)]
pub(crate) struct OrganisationView {
    /// Name.
    pub name: TextView,
    /// Website.
    pub url: Option<String>,
    /// Its services.
    pub services: Vec<NamedLink>,
    /// Median days from resolution to the final report, formatted.
    pub median_days_to_final: Option<String>,
    /// How many final reports the median is computed from.
    pub finals_measured: usize,
    /// "based on 2 final reports".
    pub median_basis: String,
    /// Final reports overdue now.
    pub overdue_final: usize,
    /// Open actions, overdue first (up to [`LIST_LIMIT`]).
    pub open_actions: Vec<ActionView>,
    /// How many actions are open.
    pub open_total: usize,
    /// Of which overdue.
    pub overdue_actions: usize,
    /// The record per calendar year, newest first.
    pub years: Vec<OrganisationYearRow>,
    /// Its most recent reports (up to [`LIST_LIMIT`]).
    pub reports: Vec<ReportRow>,
    /// How many reports it has in all.
    pub total_reports: usize,
    /// "40 % of promises kept by the date first promised (2 of 5)", once any is decided.
    pub kept_by_original_due: Option<String>,
    /// Promises postponed at least once.
    pub postponed: usize,
}

/// One year of an organisation's record, formatted, with the raw values a sortable table
/// sorts by.
#[derive(Debug, Serialize)]
pub(crate) struct OrganisationYearRow {
    /// The organisation's key.
    pub key: String,
    /// The organisation's name.
    pub name: String,
    /// The page of the organisation's reports and due actions in the year, from the
    /// organisations folder.
    pub href: String,
    /// The year, marked "to date" while it runs.
    pub year: String,
    /// The year as a number.
    pub year_number: i32,
    /// Reports on incidents that started in the year.
    pub reports: usize,
    /// Declared minor, major, critical.
    pub minor: usize,
    /// Declared major.
    pub major: usize,
    /// Declared critical.
    pub critical: usize,
    /// User-hours lost, formatted.
    pub user_hours_lost: String,
    /// Median and worst days to the preliminary report.
    pub days_to_preliminary: String,
    /// Median and worst days to the final report.
    pub days_to_final: String,
    /// Reports published late.
    pub reports_late: usize,
    /// Public statements that understated the incident.
    pub understated: usize,
    /// How long the public was told less than the truth, formatted.
    pub misinformed: String,
    /// Median minutes from detection to the first public statement, formatted.
    pub first_statement: String,
    /// Raw values to sort by: user-hours, median days to preliminary and final, minutes
    /// misinformed, median minutes to the first statement (-1 when not measured).
    pub sort: [f64; 5],
    /// Actions due in the year.
    pub actions_due: usize,
    /// Of those, done by their due date.
    pub actions_kept_on_time: usize,
    /// Of those, overdue now.
    pub actions_overdue: usize,
    /// Of those, dropped.
    pub actions_dropped: usize,
    /// Of those, postponed at least once.
    pub actions_postponed: usize,
}

/// Build an organisation page.
pub(crate) fn organisation(model: &Model<'_>, key: &str, l: &Localizer<'_>) -> OrganisationView {
    let config = &model.config.file;
    let organisation = &config.organisations[key];
    let figures = model.organisation(key);
    let default_language = model.config.default_language();
    let reports: Vec<&Report<'_>> = model
        .reports
        .iter()
        .filter(|r| r.incident().organisation == key)
        .collect();
    let mut open: Vec<(&Incident, &Action, &ActionRecord)> = reports
        .iter()
        .flat_map(|r| {
            let incident = r.incident();
            incident
                .actions
                .iter()
                .zip(&r.actions)
                .filter(|(a, _)| a.status.is_open())
                .map(move |(a, record)| (incident, a, record))
        })
        .collect();
    // Overdue first, then by due date.
    open.sort_by_key(|(incident, a, record)| {
        (
            record.days_overdue.is_none(),
            a.due,
            incident.id.clone(),
            a.id.clone(),
        )
    });
    let open_actions: Vec<ActionView> = open
        .iter()
        .take(LIST_LIMIT)
        .map(|(incident, a, record)| {
            action_view(
                a,
                record,
                &incident.language,
                l,
                Some(ReportLink {
                    title: l.text(&incident.title, &incident.language),
                    href: format!("../{}", paths::report(&incident.id)),
                }),
            )
        })
        .collect();
    let days_to_final = figures.map(|f| f.days_to_final).unwrap_or_default();
    OrganisationView {
        name: l.text(&organisation.name, default_language),
        url: organisation.url.clone().filter(|u| is_web_link(u)),
        services: figures
            .map(|f| f.services.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|k| NamedLink {
                name: service_name(model, k, l),
                href: format!("../{}", paths::service(k)),
                count: 0,
            })
            .collect(),
        median_days_to_final: days_to_final.median.map(|d| l.strings.decimal(d, 1)),
        finals_measured: days_to_final.count,
        median_basis: l
            .strings
            .count("organisation.median_basis", days_to_final.count),
        overdue_final: figures.map(|f| f.final_overdue).unwrap_or_default(),
        overdue_actions: figures.map(|f| f.actions_overdue).unwrap_or_default(),
        open_total: figures.map(|f| f.actions_open).unwrap_or_default(),
        open_actions,
        years: figures
            .map(|f| {
                f.years
                    .iter()
                    .rev()
                    .map(|y| year_row(model, key, y, l))
                    .collect()
            })
            .unwrap_or_default(),
        kept_by_original_due: figures.and_then(|f| {
            f.kept_by_original_due_share().map(|share| {
                l.strings
                    .get("organisation.kept_by_original_share")
                    .replace("{percent}", &l.strings.decimal(share * 100.0, 0))
                    .replace("{kept}", &f.actions_kept_by_original_due.to_string())
                    .replace("{decided}", &f.actions_decided_by_original_due.to_string())
            })
        }),
        postponed: figures.map(|f| f.actions_postponed).unwrap_or_default(),
        total_reports: reports.len(),
        reports: report_rows(model, &reports[..reports.len().min(LIST_LIMIT)], l, "../"),
    }
}

/// One year of organisation `key`'s record.
pub(crate) fn year_row(
    model: &Model<'_>,
    key: &str,
    year: &OrganisationYear,
    l: &Localizer<'_>,
) -> OrganisationYearRow {
    let measured = |value: Option<f64>| value.unwrap_or(-1.0);
    OrganisationYearRow {
        key: key.to_owned(),
        name: super::organisation_name(model, key, l),
        href: paths::organisation_year(key, year.year, 1)
            .trim_start_matches("organisations/")
            .to_owned(),
        understated: year.statements_understated,
        misinformed: l.strings.duration(year.misinformed_minutes),
        first_statement: year
            .minutes_to_first_statement
            .median
            .map(|m| l.strings.duration(m))
            .unwrap_or_else(|| "–".to_owned()),
        sort: [
            year.user_hours_lost,
            measured(year.days_to_preliminary.median),
            measured(year.days_to_final.median),
            year.misinformed_minutes,
            measured(year.minutes_to_first_statement.median),
        ],
        actions_postponed: year.actions_postponed,
        year: year_label(year.year, year.to_date, l),
        year_number: year.year,
        reports: year.reports,
        minor: year.minor,
        major: year.major,
        critical: year.critical,
        user_hours_lost: l.strings.integer(year.user_hours_lost),
        days_to_preliminary: spread_days(&year.days_to_preliminary, l),
        days_to_final: spread_days(&year.days_to_final, l),
        reports_late: year.reports_late,
        actions_due: year.actions_due,
        actions_kept_on_time: year.actions_kept_on_time,
        actions_overdue: year.actions_overdue,
        actions_dropped: year.actions_dropped,
    }
}

/// "2026" or "2026 (to date)".
pub(crate) fn year_label(year: i32, to_date: bool, l: &Localizer<'_>) -> String {
    if to_date {
        l.strings
            .get("common.year_to_date")
            .replace("{year}", &year.to_string())
    } else {
        year.to_string()
    }
}

/// "1.2 (worst 3.0)" days, or "–" when nothing was measured.
fn spread_days(spread: &Spread, l: &Localizer<'_>) -> String {
    match (spread.median, spread.worst) {
        (Some(median), Some(worst)) => l
            .strings
            .get("organisation.median_worst")
            .replace("{median}", &l.strings.decimal(median, 1))
            .replace("{worst}", &l.strings.decimal(worst, 1)),
        _ => "–".to_owned(),
    }
}
