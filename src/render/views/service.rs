//! A service's page: its availability per calendar year against its target (as the service
//! failed itself, and as its users experienced it with the services it depends on), the
//! user-hours lost, and its incidents. Every figure comes from the site model.

use serde::Serialize;

use super::organisation::year_label;
use super::{
    LIST_LIMIT, Localizer, NamedLink, ReportRow, TextView, organisation_name, paths, report_rows,
    service_name,
};
use crate::render::svg;
use crate::site::{Availability, Model, OutageDay, Report, ServiceYear};
use chrono::{Datelike, NaiveDate};

/// A service page.
#[derive(Debug, Serialize)]
pub(crate) struct ServiceView {
    /// Key.
    pub key: String,
    /// Name.
    pub name: TextView,
    /// Responsible organisation.
    pub organisation: NamedLink,
    /// Target, formatted.
    pub target: Option<String>,
    /// Services it depends on.
    pub depends_on: Vec<NamedLink>,
    /// Whether it depends on other services, so the "as experienced" figure differs.
    pub has_dependencies: bool,
    /// The partial-outage weight, formatted.
    pub partial_weight: String,
    /// Per-year availability, newest first.
    pub years: Vec<AvailabilityRow>,
    /// The chart (safe SVG), if there are years to show.
    pub chart: Option<String>,
    /// Its most recent incidents (up to [`LIST_LIMIT`]).
    pub reports: Vec<ReportRow>,
    /// How many incidents it has in all.
    pub total_reports: usize,
}

/// One year of a service's figures, formatted: shared by the service page and the comparison.
#[derive(Debug, Serialize)]
pub(crate) struct YearFigures {
    /// Year, marked "to date" while it runs.
    pub year: String,
    /// The year as a number.
    pub year_number: i32,
    /// Incidents that year.
    pub incidents: usize,
    /// Full-outage downtime, formatted.
    pub downtime: String,
    /// Partial-outage time (not counting time fully down), formatted.
    pub degraded: String,
    /// Availability, formatted.
    pub availability: String,
    /// Whether it met the target (`None` without a target).
    pub met: Option<bool>,
    /// Availability as users experienced it, formatted.
    pub experienced: String,
    /// Whether that met the target.
    pub experienced_met: Option<bool>,
    /// User-hours lost, formatted.
    pub user_hours_lost: String,
}

/// The figures of one of a service's years, formatted.
pub(crate) fn year_figures(year: &ServiceYear, l: &Localizer<'_>) -> YearFigures {
    let strings = l.strings;
    YearFigures {
        year: year_label(year.year, year.to_date, l),
        year_number: year.year,
        incidents: year.incidents,
        downtime: strings.duration(year.availability.full_minutes),
        degraded: strings.duration(year.availability.partial_minutes),
        availability: percent(&year.availability, l),
        met: year.target_met,
        experienced: percent(&year.experienced, l),
        experienced_met: year.experienced_target_met,
        user_hours_lost: strings.integer(year.user_hours_lost),
    }
}

/// One year of a service's availability, with its day strip.
#[derive(Debug, Serialize)]
pub(crate) struct AvailabilityRow {
    /// The year's figures.
    #[serde(flatten)]
    pub figures: YearFigures,
    /// The year day by day (safe SVG).
    pub day_strip: String,
    /// The days with an outage, in words, for readers who cannot see the strip.
    pub outage_days: Vec<String>,
    /// "3 days with an outage".
    pub outage_days_label: String,
}

/// Build a service page.
/// The reports on incidents that hit service `key`, in the model's order.
pub(crate) fn service_reports<'m>(model: &'m Model<'m>, key: &str) -> Vec<&'m Report<'m>> {
    model
        .reports
        .iter()
        .filter(|r| r.incident().services.iter().any(|s| s == key))
        .collect()
}

/// The reports service `key`'s page lists, of its `reports` ([`service_reports`]).
pub(crate) fn listed<'a, 'm>(reports: &'a [&'m Report<'m>]) -> &'a [&'m Report<'m>] {
    &reports[..reports.len().min(LIST_LIMIT)]
}

/// What service `key`'s page shows besides the reports it lists, for its key: the figures
/// the model computed for it (its own outages and its dependencies') and how many reports
/// hit it.
pub(crate) fn page_figures<'m>(
    model: &'m Model<'m>,
    key: &str,
    reports: &[&Report<'_>],
) -> impl std::fmt::Debug + 'm {
    (model.service(key), reports.len())
}

/// The page of service `key`, which `reports` hit ([`service_reports`]).
pub(crate) fn service(
    model: &Model<'_>,
    key: &str,
    reports: &[&Report<'_>],
    l: &Localizer<'_>,
) -> ServiceView {
    let strings = l.strings;
    let service = &model.config.file.services[key];
    let figures = model.service(key);
    let default_language = model.config.default_language();
    let target = service.availability_target;
    let years: &[ServiceYear] = figures.map(|f| f.years.as_slice()).unwrap_or_default();
    let name = l.text(&service.name, default_language);
    let today = model.today.with_timezone(&l.time_zone).date_naive();
    let rows: Vec<AvailabilityRow> = years
        .iter()
        .rev()
        .map(|year| AvailabilityRow {
            day_strip: day_strip(key, &name.text, year, today, l),
            outage_days: year
                .outage_days
                .iter()
                .map(|day| day_words(day, l))
                .collect(),
            outage_days_label: strings.count("service.outage_days", year.outage_days.len()),
            figures: year_figures(year, l),
        })
        .collect();
    let bars: Vec<svg::YearBar> = years
        .iter()
        .rev()
        .map(|year| svg::YearBar {
            label: year_label(year.year, year.to_date, l),
            availability: year.availability.percent(),
            value_label: percent(&year.availability, l),
        })
        .collect();
    let chart = (!bars.is_empty()).then(|| {
        svg::availability(
            "availability-chart",
            &strings
                .get("service.chart_title")
                .replace("{service}", &name.text),
            &l.t("service.chart_description"),
            &bars,
            target,
            &strings.get("service.target_label").replace(
                "{target}",
                &target.map(|t| strings.decimal(t, 2)).unwrap_or_default(),
            ),
            &|value| format!("{} %", strings.decimal(value, 1)),
        )
    });
    let depends_on: Vec<NamedLink> = figures
        .map(|f| f.depends_on.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|d| NamedLink {
            name: service_name(model, d, l),
            href: format!("../{}", paths::service(d)),
            count: 0,
        })
        .collect();
    ServiceView {
        key: key.to_owned(),
        name,
        organisation: NamedLink {
            name: organisation_name(model, &service.organisation, l),
            href: format!("../{}", paths::organisation(&service.organisation)),
            count: 0,
        },
        target: target.map(|t| format!("{} %", strings.decimal(t, 2))),
        has_dependencies: !depends_on.is_empty(),
        depends_on,
        partial_weight: strings.decimal(model.config.policy.partial_weight, 2),
        years: rows,
        chart,
        total_reports: reports.len(),
        reports: report_rows(model, listed(reports), l, "../"),
    }
}

/// The day strip of one year: each day up, degraded, out, or not yet come.
fn day_strip(
    key: &str,
    name: &str,
    year: &ServiceYear,
    today: NaiveDate,
    l: &Localizer<'_>,
) -> String {
    let strings = l.strings;
    let outages: std::collections::HashMap<NaiveDate, &OutageDay> =
        year.outage_days.iter().map(|d| (d.date, d)).collect();
    let state = |date: NaiveDate| match outages.get(&date) {
        _ if year.to_date && date > today => svg::DayState::Future,
        Some(day) if day.full_minutes > 0.0 => svg::DayState::Full,
        Some(_) => svg::DayState::Partial,
        None => svg::DayState::Up,
    };
    let days: [Vec<(svg::DayState, Option<String>)>; 12] = std::array::from_fn(|month| {
        let first = NaiveDate::from_ymd_opt(year.year, month as u32 + 1, 1);
        std::iter::successors(first, |d| d.succ_opt())
            .take_while(|d| d.month() == month as u32 + 1)
            .map(|date| (state(date), outages.get(&date).map(|day| day_words(day, l))))
            .collect()
    });
    let count = |wanted: svg::DayState| days.iter().flatten().filter(|(s, _)| *s == wanted).count();
    let description = [
        strings.count("service.days_full", count(svg::DayState::Full)),
        strings.count("service.days_partial", count(svg::DayState::Partial)),
        strings.count("service.days_up", count(svg::DayState::Up)),
    ]
    .join(" · ");
    let label = year_label(year.year, year.to_date, l);
    let title = strings
        .get("service.day_strip_title")
        .replace("{service}", name)
        .replace("{year}", &label);
    let legend = vec![
        (svg::DayState::Up, strings.get("service.day_up")),
        (svg::DayState::Partial, strings.get("service.day_partial")),
        (svg::DayState::Full, strings.get("service.day_full")),
    ];
    let mut legend = legend;
    if year.to_date {
        legend.push((svg::DayState::Future, strings.get("service.day_future")));
    }
    svg::day_strip(&svg::DayStrip {
        id: &format!("days-{key}-{}", year.year),
        title: &title,
        description: &description,
        months: std::array::from_fn(|m| strings.get(&format!("month_short.{}", m + 1)).to_owned()),
        days,
        legend,
    })
}

/// "30 March 2025: completely unavailable 2 h, degraded 1 h".
fn day_words(day: &OutageDay, l: &Localizer<'_>) -> String {
    let strings = l.strings;
    let mut parts = Vec::new();
    if day.full_minutes > 0.0 {
        parts.push(
            strings
                .get("service.day_full_for")
                .replace("{duration}", &strings.duration(day.full_minutes)),
        );
    }
    if day.partial_minutes > 0.0 {
        parts.push(
            strings
                .get("service.day_partial_for")
                .replace("{duration}", &strings.duration(day.partial_minutes)),
        );
    }
    format!("{}: {}", strings.date(day.date), parts.join(", "))
}

/// An availability in percent with three decimals, as every page shows it.
pub(crate) fn percent(availability: &Availability, l: &Localizer<'_>) -> String {
    format!("{} %", l.strings.decimal(availability.percent(), 3))
}
