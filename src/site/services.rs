//! Per service and calendar year: outage minutes, availability against the target (as the
//! service itself failed, and as its users experienced it with the services it depends on),
//! and user-hours lost.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::Serialize;

use super::Report;
use super::intervals::{IntervalSet, YearWindow, day_window, year_of};
use crate::config::Config;

/// Everything the site says about one service.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceFigures {
    /// The service's key in candor.yaml.
    pub key: String,
    /// The responsible organisation's key.
    pub organisation: String,
    /// The availability target in percent, if one is set.
    pub target_percent: Option<f64>,
    /// Services it depends on directly (known keys only).
    pub depends_on: Vec<String>,
    /// Every service it depends on, directly or through others, each once.
    pub depends_on_all: Vec<String>,
    /// Published reports that name it.
    pub reports: usize,
    /// Each calendar year from its first outage (or its dependencies') to the current one,
    /// oldest first.
    pub years: Vec<ServiceYear>,
}

/// One calendar year of a service.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceYear {
    /// The year, in the site's time zone.
    pub year: i32,
    /// Whether the year is not over: the figures are "to date".
    pub to_date: bool,
    /// Minutes of the year elapsed (to now for the current year).
    pub elapsed_minutes: f64,
    /// Published reports on the service that started in the year.
    pub incidents: usize,
    /// Its own outages: the union of the windows of its reports.
    pub availability: Availability,
    /// As users experienced it: its own outages and those of every service it depends on.
    pub experienced: Availability,
    /// Whether `availability` met the target (`None` without a target).
    pub target_met: Option<bool>,
    /// Whether `experienced` met the target (`None` without a target).
    pub experienced_target_met: Option<bool>,
    /// Users affected × outage hours in the year, partial outages weighted.
    pub user_hours_lost: f64,
    /// The days of the year with an outage of the service itself, in date order.
    pub outage_days: Vec<OutageDay>,
}

/// A calendar day (in the site's time zone) on which a service was out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutageDay {
    /// The day.
    pub date: NaiveDate,
    /// Minutes of full outage within the day.
    pub full_minutes: f64,
    /// Minutes of partial outage within the day, not counting time already fully out.
    pub partial_minutes: f64,
}

/// Outage minutes in a window, and the availability they leave.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Availability {
    /// Minutes of full outage (the union of full-outage windows).
    pub full_minutes: f64,
    /// Minutes of partial outage, not counting time already fully out.
    pub partial_minutes: f64,
    /// 1 − (full + weight × partial) / elapsed, between 0 and 1.
    pub ratio: f64,
}

impl Availability {
    /// The availability of a window with these outages: the full ones, and the partial ones
    /// less the full (`partial_only`, `partial.minus(full)`: time already fully out counts
    /// once).
    pub fn of(
        full: &IntervalSet,
        partial_only: &IntervalSet,
        year: &YearWindow,
        weight: f64,
    ) -> Self {
        let full_minutes = full.minutes_within(year.window);
        let partial_minutes = partial_only.minutes_within(year.window);
        let elapsed = year.elapsed_minutes();
        let ratio = if elapsed > 0.0 {
            (1.0 - (full_minutes + weight * partial_minutes) / elapsed).clamp(0.0, 1.0)
        } else {
            1.0
        };
        Availability {
            full_minutes,
            partial_minutes,
            ratio,
        }
    }

    /// Availability in percent.
    pub fn percent(&self) -> f64 {
        self.ratio * 100.0
    }
}

/// The full and the partial outages of a set of reports.
#[derive(Default)]
struct Outages {
    full: IntervalSet,
    partial: IntervalSet,
    /// The partial outages less the full: the time only partly out.
    partial_only: IntervalSet,
}

impl Outages {
    /// Their availability over `year` ([`Availability::of`]).
    fn availability(&self, year: &YearWindow, weight: f64) -> Availability {
        Availability::of(&self.full, &self.partial_only, year, weight)
    }

    /// The outages of `reports` on any of `services` (per-service windows where a report
    /// has them).
    fn of<'r>(reports: impl Iterator<Item = &'r Report<'r>>, services: &[&str]) -> Outages {
        let (mut full, mut partial) = (Vec::new(), Vec::new());
        for report in reports {
            for service in services {
                for (outage, is_full) in report.outages_on(service) {
                    if is_full {
                        full.push(outage);
                    } else {
                        partial.push(outage);
                    }
                }
            }
        }
        let full = IntervalSet::union_of(full);
        let partial = IntervalSet::union_of(partial);
        let partial_only = partial.minus(&full);
        Outages {
            full,
            partial,
            partial_only,
        }
    }

    /// The days within `year` that these outages touch, with the minutes out on each.
    fn days(&self, year: &YearWindow, time_zone: Tz) -> Vec<OutageDay> {
        let mut touched = BTreeSet::new();
        for interval in self.full.intervals().iter().chain(self.partial.intervals()) {
            let Some(within) = interval.clip(year.window) else {
                continue;
            };
            // The end is exclusive: an outage ending at midnight does not touch the next day.
            let last_instant = within.end - TimeDelta::nanoseconds(1);
            let mut day = within.start.with_timezone(&time_zone).date_naive();
            let last = last_instant.with_timezone(&time_zone).date_naive();
            while day <= last {
                touched.insert(day);
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => break,
                }
            }
        }
        touched
            .into_iter()
            .filter_map(|date| {
                let window = day_window(date, time_zone)?;
                Some(OutageDay {
                    date,
                    full_minutes: self.full.minutes_within(window),
                    partial_minutes: self.partial_only.minutes_within(window),
                })
            })
            .filter(|day| day.full_minutes + day.partial_minutes > 0.0)
            .collect()
    }

    fn first_year(&self, time_zone: Tz) -> Option<i32> {
        self.full
            .intervals()
            .iter()
            .chain(self.partial.intervals())
            .map(|i| year_of(i.start, time_zone))
            .min()
    }
}

/// Every service in key order, depending on itself never, on each dependency once.
pub(super) fn figures(
    config: &Config,
    reports: &[Report<'_>],
    today: DateTime<Utc>,
    time_zone: Tz,
) -> Vec<ServiceFigures> {
    let services = &config.file.services;
    let weight = config.policy.partial_weight;
    let current_year = year_of(today, time_zone);
    // Each service's figures on their own thread: a national site has hundreds.
    services
        .par_iter()
        .map(|(key, service)| {
            let depends_on_all = transitive_dependencies(config, key);
            let own: Vec<&Report<'_>> = reports
                .iter()
                .filter(|r| r.incident().services.contains(key))
                .collect();
            let own_outages = Outages::of(own.iter().copied(), &[key.as_str()]);
            let experienced_keys: Vec<&str> = std::iter::once(key.as_str())
                .chain(depends_on_all.iter().map(String::as_str))
                .collect();
            let experienced_outages = Outages::of(
                reports.iter().filter(|r| {
                    r.incident()
                        .services
                        .iter()
                        .any(|s| s == key || depends_on_all.contains(s))
                }),
                &experienced_keys,
            );
            let first_year = [
                own_outages.first_year(time_zone),
                experienced_outages.first_year(time_zone),
            ]
            .into_iter()
            .flatten()
            .min();
            let years = first_year
                .map(|first| {
                    (first..=current_year)
                        .filter_map(|year| YearWindow::of(year, time_zone, today))
                        .map(|window| {
                            let availability = own_outages.availability(&window, weight);
                            let experienced = experienced_outages.availability(&window, weight);
                            let met = |a: &Availability| {
                                service.availability_target.map(|t| a.percent() >= t)
                            };
                            ServiceYear {
                                year: window.year,
                                to_date: window.to_date,
                                elapsed_minutes: window.elapsed_minutes(),
                                incidents: own
                                    .iter()
                                    .filter(|r| {
                                        year_of(
                                            r.incident().started_at.with_timezone(&Utc),
                                            time_zone,
                                        ) == window.year
                                    })
                                    .count(),
                                target_met: met(&availability),
                                experienced_target_met: met(&experienced),
                                availability,
                                experienced,
                                user_hours_lost: own
                                    .iter()
                                    .map(|r| user_hours_within(r, &window))
                                    .fold(0.0, |a, b| a + b),
                                outage_days: own_outages.days(&window, time_zone),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            ServiceFigures {
                key: key.clone(),
                organisation: service.organisation.clone(),
                target_percent: service.availability_target,
                depends_on: service
                    .depends_on
                    .iter()
                    .filter(|d| services.contains_key(*d) && *d != key)
                    .cloned()
                    .collect(),
                depends_on_all: depends_on_all.into_iter().collect(),
                reports: own.len(),
                years,
            }
        })
        .collect()
}

/// The part of a report's user-hours lost that falls in `year`, in proportion to the part of
/// its outage window inside the year.
pub(super) fn user_hours_within(report: &Report<'_>, year: &YearWindow) -> f64 {
    let (Some(total), Some(outage)) = (report.user_hours_lost, report.outage) else {
        return 0.0;
    };
    let minutes = outage.minutes();
    if minutes <= 0.0 {
        return 0.0;
    }
    let inside = outage.clip(year.window).map(|i| i.minutes()).unwrap_or(0.0);
    total * inside / minutes
}

/// Every service `key` depends on, directly or through others, without itself.
fn transitive_dependencies(config: &Config, key: &str) -> BTreeSet<String> {
    let services = &config.file.services;
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&str> = services
        .get(key)
        .map(|s| s.depends_on.iter().map(String::as_str).collect())
        .unwrap_or_default();
    while let Some(next) = pending.pop() {
        if next == key || !services.contains_key(next) || !seen.insert(next.to_owned()) {
            continue;
        }
        if let Some(service) = services.get(next) {
            pending.extend(service.depends_on.iter().map(String::as_str));
        }
    }
    seen
}
