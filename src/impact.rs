//! The numbers behind a severity: duration, user-hours, minutes of full outage, and the
//! severity they add up to under the policy.
//!
//! Both the rules (A006, A010-A012) and the site (the report page shows the computed severity
//! and why) use this one computation, so the page and the check can never disagree.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::{Policy, Thresholds};
use crate::model::{Incident, Outage, Severity};

/// Measured impact of one incident.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImpactFigures {
    /// Minutes from start to resolution, or to today while ongoing (never negative).
    pub duration_minutes: f64,
    /// Whether the incident has no `resolved_at` yet.
    pub ongoing: bool,
    /// The users-affected estimate, if given.
    pub users_affected: Option<u64>,
    /// Users affected times hours, if the estimate is given.
    pub user_hours: Option<f64>,
    /// Duration when the outage was full, else 0.
    pub full_outage_minutes: f64,
    /// The highest severity any of whose thresholds is met.
    pub computed: Severity,
    /// The thresholds that were met for `computed`, for the page that explains it.
    pub reasons: Vec<ThresholdMet>,
}

/// One threshold that was met.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThresholdMet {
    /// Which measure: `user_hours`, `full_outage_minutes` or `users_affected`.
    pub measure: &'static str,
    /// The incident's value.
    pub value: f64,
    /// The threshold it met.
    pub threshold: f64,
}

/// Compute the impact figures of `incident` under `policy`, with `today` as now.
pub fn assess(incident: &Incident, policy: &Policy, today: DateTime<Utc>) -> ImpactFigures {
    let end = incident
        .resolved_at
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(today);
    let duration_minutes =
        ((end - incident.started_at.with_timezone(&Utc)).num_seconds() as f64 / 60.0).max(0.0);
    let impact = incident.impact.as_ref();
    let users_affected = impact
        .and_then(|i| i.users_affected.as_ref())
        .map(|u| u.estimate);
    let user_hours = users_affected.map(|users| users as f64 * duration_minutes / 60.0);
    let whole = if impact.is_some_and(|i| i.outage == Outage::Full) {
        duration_minutes
    } else {
        0.0
    };
    // A service completely down for part of the incident (`impact.services`) counts for as
    // long as that service was down: the longest such window.
    let longest_service = impact
        .iter()
        .flat_map(|i| i.services.iter())
        .filter(|window| window.outage == Outage::Full)
        .map(|window| {
            let to = window.to.map(|t| t.with_timezone(&Utc)).unwrap_or(end);
            ((to - window.from.with_timezone(&Utc)).num_seconds() as f64 / 60.0).max(0.0)
        })
        .fold(0.0, f64::max);
    let full_outage_minutes = whole.max(longest_service);
    let mut computed = Severity::Minor;
    let mut reasons = Vec::new();
    for level in [Severity::Critical, Severity::Major] {
        let Some(thresholds) = policy.thresholds(level) else {
            continue;
        };
        let met = thresholds_met(thresholds, user_hours, full_outage_minutes, users_affected);
        if !met.is_empty() {
            computed = level;
            reasons = met;
            break;
        }
    }
    ImpactFigures {
        duration_minutes,
        ongoing: incident.resolved_at.is_none(),
        users_affected,
        user_hours,
        full_outage_minutes,
        computed,
        reasons,
    }
}

fn thresholds_met(
    thresholds: &Thresholds,
    user_hours: Option<f64>,
    full_outage_minutes: f64,
    users_affected: Option<u64>,
) -> Vec<ThresholdMet> {
    let candidates = [
        ("user_hours", user_hours, thresholds.user_hours),
        (
            "full_outage_minutes",
            Some(full_outage_minutes),
            thresholds.full_outage_minutes,
        ),
        (
            "users_affected",
            users_affected.map(|u| u as f64),
            thresholds.users_affected.map(|u| u as f64),
        ),
    ];
    candidates
        .into_iter()
        .filter_map(|(measure, value, threshold)| {
            let (value, threshold) = (value?, threshold?);
            (value >= threshold).then_some(ThresholdMet {
                measure,
                value,
                threshold,
            })
        })
        .collect()
}

impl ImpactFigures {
    /// One line explaining the computed severity, e.g. "9,300,000 user-hours ≥ 1,000,000".
    pub fn explanation(&self) -> String {
        if self.reasons.is_empty() {
            return "no threshold for major or critical is met".into();
        }
        self.reasons
            .iter()
            .map(|r| {
                let measure = match r.measure {
                    "user_hours" => "user-hours",
                    "full_outage_minutes" => "minutes of full outage",
                    _ => "users affected",
                };
                format!(
                    "{} {measure} ≥ {}",
                    group_thousands(r.value),
                    group_thousands(r.threshold)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// `9300000.4` → `9,300,000`: whole numbers with thousands separators, for messages.
pub fn group_thousands(value: f64) -> String {
    let rounded = value.round() as i128;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(9_300_000.4), "9,300,000");
        assert_eq!(group_thousands(999.0), "999");
        assert_eq!(group_thousands(1000.0), "1,000");
    }
}
