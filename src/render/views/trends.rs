//! Year over year: the totals of a year with the change from the year before (on each year's
//! page), and the trends page with a small chart and a table of every year. Every figure comes
//! from the site model's record of the whole site per year.

use serde::Serialize;

use super::Localizer;
use super::organisation::year_label;
use crate::render::svg;
use crate::site::{Model, OrganisationYear};

/// One total of a year, with the change from the year before.
#[derive(Debug, Serialize)]
pub(crate) struct YearTotal {
    /// Key, for `data-figure`.
    pub key: &'static str,
    /// What it counts.
    pub label: String,
    /// The value, formatted.
    pub value: String,
    /// "+3 on 2025", when there is a year before.
    pub change: Option<String>,
    /// Whether the change is for the worse.
    pub worse: bool,
}

/// A total on a year's page: its key, its label's key, how to read it from the year's record,
/// and whether a higher value is worse.
type Figure = (
    &'static str,
    &'static str,
    fn(&OrganisationYear) -> f64,
    bool,
);

/// The totals of `year`, or none if the site has no record of it.
pub(crate) fn year_totals(model: &Model<'_>, year: i32, l: &Localizer<'_>) -> Vec<YearTotal> {
    let Some(index) = model.years.iter().position(|y| y.year == year) else {
        return Vec::new();
    };
    let this = &model.years[index];
    let before = index.checked_sub(1).map(|i| &model.years[i]);
    let strings = l.strings;
    let figures: [Figure; 8] = [
        ("reports", "year.total_reports", |y| y.reports as f64, true),
        (
            "critical",
            "year.total_critical",
            |y| y.critical as f64,
            true,
        ),
        (
            "user_hours_lost",
            "organisation.user_hours_lost",
            |y| y.user_hours_lost,
            true,
        ),
        (
            "reports_late",
            "organisation.reports_late",
            |y| y.reports_late as f64,
            true,
        ),
        (
            "statements_understated",
            "organisation.understated",
            |y| y.statements_understated as f64,
            true,
        ),
        (
            "actions_due",
            "organisation.actions_due",
            |y| y.actions_due as f64,
            false,
        ),
        (
            "actions_kept_on_time",
            "organisation.actions_kept",
            |y| y.actions_kept_on_time as f64,
            false,
        ),
        (
            "actions_overdue",
            "organisation.actions_overdue",
            |y| y.actions_overdue as f64,
            true,
        ),
    ];
    figures
        .iter()
        .map(|(key, label, value_of, higher_is_worse)| {
            let value = value_of(this);
            let change = before.map(|b| value - value_of(b));
            YearTotal {
                key,
                label: strings.get(label).to_owned(),
                value: strings.integer(value),
                change: change.zip(before).map(|(delta, b)| {
                    let sign = if delta > 0.0 {
                        "+"
                    } else if delta < 0.0 {
                        "−"
                    } else {
                        "±"
                    };
                    strings
                        .get("year.change")
                        .replace(
                            "{change}",
                            &format!("{sign}{}", strings.integer(delta.abs())),
                        )
                        .replace("{year}", &b.year.to_string())
                }),
                worse: change.is_some_and(|d| if *higher_is_worse { d > 0.0 } else { d < 0.0 }),
            }
        })
        .collect()
}

/// The trends page.
#[derive(Debug, Serialize)]
pub(crate) struct TrendsView {
    /// Small charts (safe SVG): incidents, user-hours lost, promises kept on time.
    pub charts: Vec<String>,
    /// A row per year, newest first.
    pub rows: Vec<TrendRow>,
}

/// One year of the trends table.
#[derive(Debug, Serialize)]
pub(crate) struct TrendRow {
    /// The year, marked "to date" while it runs.
    pub year: String,
    /// The year as a number.
    pub year_number: i32,
    /// Reports.
    pub reports: usize,
    /// Critical reports.
    pub critical: usize,
    /// User-hours lost, formatted.
    pub user_hours_lost: String,
    /// Actions due.
    pub actions_due: usize,
    /// Of which kept on time.
    pub actions_kept_on_time: usize,
    /// The share kept on time, formatted ("–" when none was due).
    pub kept_share: String,
}

/// Build the trends page.
pub(crate) fn trends(model: &Model<'_>, l: &Localizer<'_>) -> TrendsView {
    let strings = l.strings;
    let share = |y: &OrganisationYear| {
        (y.actions_due > 0).then(|| y.actions_kept_on_time as f64 / y.actions_due as f64 * 100.0)
    };
    let chart = |id: &str,
                 title_key: &str,
                 value: &dyn Fn(&OrganisationYear) -> Option<f64>,
                 label: &dyn Fn(f64) -> String| {
        let bars: Vec<svg::TrendBar> = model
            .years
            .iter()
            .map(|y| {
                let v = value(y);
                svg::TrendBar {
                    label: year_label(y.year, y.to_date, l),
                    value: v.unwrap_or(0.0),
                    value_label: v.map(label).unwrap_or_else(|| "–".to_owned()),
                }
            })
            .collect();
        svg::trend(id, &l.t(title_key), &l.t("trends.chart_description"), &bars)
    };
    let charts = if model.years.is_empty() {
        Vec::new()
    } else {
        vec![
            chart(
                "trend-reports",
                "trends.reports",
                &|y| Some(y.reports as f64),
                &|v| strings.integer(v),
            ),
            chart(
                "trend-user-hours",
                "organisation.user_hours_lost",
                &|y| Some(y.user_hours_lost),
                &|v| strings.integer(v),
            ),
            chart("trend-kept", "trends.kept_share", &share, &|v| {
                format!("{} %", strings.decimal(v, 0))
            }),
        ]
    };
    TrendsView {
        charts,
        rows: model
            .years
            .iter()
            .rev()
            .map(|y| TrendRow {
                year: year_label(y.year, y.to_date, l),
                year_number: y.year,
                reports: y.reports,
                critical: y.critical,
                user_hours_lost: strings.integer(y.user_hours_lost),
                actions_due: y.actions_due,
                actions_kept_on_time: y.actions_kept_on_time,
                kept_share: share(y)
                    .map(|v| format!("{} %", strings.decimal(v, 0)))
                    .unwrap_or_else(|| "–".to_owned()),
            })
            .collect(),
    }
}
