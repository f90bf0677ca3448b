//! Per organisation: its track record overall and per calendar year: reports by severity,
//! how quickly it published, how often it was late, what it told the public, and whether it
//! kept its promises.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::Serialize;

use super::Report;
use super::intervals::{YearWindow, year_of};
use super::services::user_hours_within;
use super::stats::Spread;
use crate::config::Config;
use crate::model::{ActionStatus, Severity};

/// Everything the site says about one organisation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrganisationFigures {
    /// The organisation's key in candor.yaml.
    pub key: String,
    /// Keys of the services it is responsible for.
    pub services: Vec<String>,
    /// Its published reports.
    pub reports: usize,
    /// Days from resolution to the first final report, over every report that has one.
    pub days_to_final: Spread,
    /// Reports whose final report is overdue now.
    pub final_overdue: usize,
    /// Promised actions still open.
    pub actions_open: usize,
    /// Open actions past their due date.
    pub actions_overdue: usize,
    /// Promised actions postponed at least once after they were first published.
    pub actions_postponed: usize,
    /// Promised actions whose original due date has come (or that were done or dropped).
    pub actions_decided_by_original_due: usize,
    /// Of those, done by their original due date.
    pub actions_kept_by_original_due: usize,
    /// Each calendar year from its first report (or first due action) to the current one,
    /// oldest first.
    pub years: Vec<OrganisationYear>,
}

/// One calendar year of an organisation's record. Reports count in the year their incident
/// started; actions in the year they were due.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OrganisationYear {
    /// The year, in the site's time zone.
    pub year: i32,
    /// Whether the year is not over: the figures are "to date".
    pub to_date: bool,
    /// Published reports on incidents that started in the year.
    pub reports: usize,
    /// Of which declared minor.
    pub minor: usize,
    /// Of which declared major.
    pub major: usize,
    /// Of which declared critical.
    pub critical: usize,
    /// Users affected × outage hours in the year, partial outages weighted.
    pub user_hours_lost: f64,
    /// Days from detection to the first publication.
    pub days_to_preliminary: Spread,
    /// Days from resolution to the first final report.
    pub days_to_final: Spread,
    /// Reports first published after the preliminary deadline.
    pub preliminary_late: usize,
    /// Reports first published as final after the final deadline.
    pub final_late: usize,
    /// Reports late in either way.
    pub reports_late: usize,
    /// Public statements that claimed less than the computed severity.
    pub statements_understated: usize,
    /// Minutes the public was told less than the truth, summed over the reports.
    pub misinformed_minutes: f64,
    /// Minutes from detection to the first public statement.
    pub minutes_to_first_statement: Spread,
    /// Promised actions due in the year by now: done, dropped, or open past their due date
    /// (an open action whose date has not come yet is not counted).
    pub actions_due: usize,
    /// Of those, done by their due date.
    pub actions_kept_on_time: usize,
    /// Of those, open and past due now.
    pub actions_overdue: usize,
    /// Of those, dropped.
    pub actions_dropped: usize,
    /// Of those, postponed at least once after they were first published.
    pub actions_postponed: usize,
}

impl OrganisationFigures {
    /// The share of promises kept by the date first promised, of those decided (`None` when
    /// none is decided yet).
    pub fn kept_by_original_due_share(&self) -> Option<f64> {
        (self.actions_decided_by_original_due > 0).then(|| {
            self.actions_kept_by_original_due as f64 / self.actions_decided_by_original_due as f64
        })
    }
}

pub(super) fn figures(
    config: &Config,
    reports: &[Report<'_>],
    today: DateTime<Utc>,
    time_zone: Tz,
) -> Vec<OrganisationFigures> {
    let current_year = year_of(today, time_zone);
    // Each organisation's figures on their own thread: a national site has hundreds.
    config
        .file
        .organisations
        .par_iter()
        .map(|(key, _)| {
            let own: Vec<&Report<'_>> = reports
                .iter()
                .filter(|r| &r.incident().organisation == key)
                .collect();
            let started_in =
                |r: &Report<'_>| year_of(r.incident().started_at.with_timezone(&Utc), time_zone);
            let due_years = own
                .iter()
                .flat_map(|r| r.incident().actions.iter().filter_map(|a| a.due))
                .map(|d| d.year());
            let first_year = own.iter().map(|r| started_in(r)).chain(due_years).min();
            let years = first_year
                .map(|first| {
                    (first..=current_year)
                        .filter_map(|year| YearWindow::of(year, time_zone, today))
                        .map(|window| year_record(&own, &window, &started_in))
                        .collect()
                })
                .unwrap_or_default();
            let actions = || {
                own.iter()
                    .flat_map(|r| r.incident().actions.iter().zip(&r.actions))
            };
            OrganisationFigures {
                key: key.clone(),
                services: config
                    .file
                    .services
                    .iter()
                    .filter(|(_, s)| &s.organisation == key)
                    .map(|(k, _)| k.clone())
                    .collect(),
                reports: own.len(),
                days_to_final: Spread::of(
                    own.iter()
                        .filter_map(|r| r.timeliness.final_report.map(|s| s.days))
                        .collect(),
                ),
                final_overdue: own.iter().filter(|r| r.final_overdue).count(),
                actions_open: actions().filter(|(a, _)| a.status.is_open()).count(),
                actions_overdue: actions()
                    .filter(|(_, rec)| rec.days_overdue.is_some())
                    .count(),
                actions_postponed: actions()
                    .filter(|(_, rec)| rec.promise.postponements > 0)
                    .count(),
                actions_decided_by_original_due: actions()
                    .filter(|(_, rec)| rec.kept_by_original_due.is_some())
                    .count(),
                actions_kept_by_original_due: actions()
                    .filter(|(_, rec)| rec.kept_by_original_due == Some(true))
                    .count(),
                years,
            }
        })
        .collect()
}

/// The whole site's record per calendar year, computed as an organisation's is, over every
/// report: from the first report (or first due action) to the current year.
pub(super) fn site_years(
    reports: &[Report<'_>],
    today: DateTime<Utc>,
    time_zone: Tz,
) -> Vec<OrganisationYear> {
    let all: Vec<&Report<'_>> = reports.iter().collect();
    let started_in =
        |r: &Report<'_>| year_of(r.incident().started_at.with_timezone(&Utc), time_zone);
    let due_years = all
        .iter()
        .flat_map(|r| r.incident().actions.iter().filter_map(|a| a.due))
        .map(|d| d.year());
    let first_year = all.iter().map(|r| started_in(r)).chain(due_years).min();
    let current_year = year_of(today, time_zone);
    first_year
        .map(|first| {
            (first..=current_year)
                .into_par_iter()
                .filter_map(|year| YearWindow::of(year, time_zone, today))
                .map(|window| year_record(&all, &window, &started_in))
                .collect()
        })
        .unwrap_or_default()
}

fn year_record(
    own: &[&Report<'_>],
    window: &YearWindow,
    started_in: &dyn Fn(&Report<'_>) -> i32,
) -> OrganisationYear {
    let year = window.year;
    let in_year: Vec<&Report<'_>> = own
        .iter()
        .copied()
        .filter(|r| started_in(r) == year)
        .collect();
    let severity = |level: Severity| {
        in_year
            .iter()
            .filter(|r| r.incident().severity == level)
            .count()
    };
    let due: Vec<(&crate::model::Action, &super::ActionRecord)> = own
        .iter()
        .flat_map(|r| r.incident().actions.iter().zip(&r.actions))
        .filter(|(a, _)| a.due.is_some_and(|d| d.year() == year))
        // Due by now: decided, or open past its date. A promise whose date has not come yet
        // is neither kept nor broken, and would make the share kept look worse than it is.
        .filter(|(a, rec)| {
            matches!(a.status, ActionStatus::Done | ActionStatus::Dropped)
                || rec.days_overdue.is_some()
        })
        .collect();
    let preliminary_late = in_year
        .iter()
        .filter(|r| r.timeliness.preliminary.is_some_and(|s| s.is_late()))
        .count();
    let final_late = in_year
        .iter()
        .filter(|r| r.timeliness.final_report.is_some_and(|s| s.is_late()))
        .count();
    OrganisationYear {
        year,
        to_date: window.to_date,
        reports: in_year.len(),
        minor: severity(Severity::Minor),
        major: severity(Severity::Major),
        critical: severity(Severity::Critical),
        user_hours_lost: own
            .iter()
            .map(|r| user_hours_within(r, window))
            .fold(0.0, |a, b| a + b),
        days_to_preliminary: Spread::of(
            in_year
                .iter()
                .filter_map(|r| r.timeliness.preliminary.map(|s| s.days))
                .collect(),
        ),
        days_to_final: Spread::of(
            in_year
                .iter()
                .filter_map(|r| r.timeliness.final_report.map(|s| s.days))
                .collect(),
        ),
        preliminary_late,
        final_late,
        reports_late: in_year
            .iter()
            .filter(|r| {
                r.timeliness.preliminary.is_some_and(|s| s.is_late())
                    || r.timeliness.final_report.is_some_and(|s| s.is_late())
            })
            .count(),
        statements_understated: in_year.iter().map(|r| r.statements.understated).sum(),
        misinformed_minutes: in_year
            .iter()
            .map(|r| r.statements.misinformed_minutes)
            .fold(0.0, |a, b| a + b),
        minutes_to_first_statement: Spread::of(
            in_year
                .iter()
                .filter_map(|r| r.statements.first_statement_minutes)
                .collect(),
        ),
        actions_due: due.len(),
        actions_kept_on_time: due
            .iter()
            .filter(|(_, rec)| rec.kept_on_time == Some(true))
            .count(),
        actions_overdue: due
            .iter()
            .filter(|(_, rec)| rec.days_overdue.is_some())
            .count(),
        actions_dropped: due
            .iter()
            .filter(|(a, _)| a.status == ActionStatus::Dropped)
            .count(),
        actions_postponed: due
            .iter()
            .filter(|(_, rec)| rec.promise.postponements > 0)
            .count(),
    }
}
