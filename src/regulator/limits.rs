//! When each stage of a notification is due: one table, each limit with the article it
//! comes from, and the one function that applies it to a report.

use chrono::{DateTime, Duration, FixedOffset, Months, NaiveDate};

use super::Subject;
use crate::model::{Regime, Stage};

/// One time limit, as the law words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeLimit {
    /// The regime.
    pub regime: Regime,
    /// The stage.
    pub stage: Stage,
    /// The limit in words.
    pub rule: &'static str,
    /// The article it comes from.
    pub basis: &'static str,
}

/// Every time limit Candor applies.
pub const TIME_LIMITS: &[TimeLimit] = &[
    TimeLimit {
        regime: Regime::Nis2,
        stage: Stage::EarlyWarning,
        rule: "within 24 hours of becoming aware of the significant incident",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(a)",
    },
    TimeLimit {
        regime: Regime::Nis2,
        stage: Stage::Notification,
        rule: "within 72 hours of becoming aware of the significant incident",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(b)",
    },
    TimeLimit {
        regime: Regime::Nis2,
        stage: Stage::Final,
        rule: "one month after the incident notification; if the incident is still being handled then, one month after it is handled",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(d) and (e)",
    },
    TimeLimit {
        regime: Regime::Dora,
        stage: Stage::Initial,
        rule: "within 4 hours of classifying the incident as major, and no later than 24 hours after becoming aware of it (4 hours after a classification made later than that)",
        basis: "Delegated Regulation (EU) 2025/301 Art. 5(1)(a) and 5(2)",
    },
    TimeLimit {
        regime: Regime::Dora,
        stage: Stage::Intermediate,
        rule: "within 72 hours of submitting the initial notification",
        basis: "Delegated Regulation (EU) 2025/301 Art. 5(1)(b)",
    },
    TimeLimit {
        regime: Regime::Dora,
        stage: Stage::Final,
        rule: "one month after the latest intermediate report",
        basis: "Delegated Regulation (EU) 2025/301 Art. 5(1)(c)",
    },
];

/// The day each regime's reporting obligations took effect: NIS2's transposition date
/// (Directive (EU) 2022/2555 Art. 41(1)) and the day DORA applies from (Regulation (EU)
/// 2022/2554 Art. 64). Incidents detected earlier are not held to them.
pub fn applies_from(regime: Regime) -> NaiveDate {
    match regime {
        Regime::Nis2 => NaiveDate::from_ymd_opt(2024, 10, 18).unwrap_or_default(),
        Regime::Dora => NaiveDate::from_ymd_opt(2025, 1, 17).unwrap_or_default(),
    }
}

/// Whether an incident detected at `detected_at` falls under `regime`'s time limits.
pub fn regime_applies(regime: Regime, detected_at: DateTime<FixedOffset>) -> bool {
    detected_at.date_naive() >= applies_from(regime)
}

/// The time limit of `stage` under `regime`.
pub fn limit(regime: Regime, stage: Stage) -> Option<&'static TimeLimit> {
    TIME_LIMITS
        .iter()
        .find(|l| l.regime == regime && l.stage == stage)
}

/// When a stage is due, and from what.
#[derive(Clone, Debug, PartialEq)]
pub struct Due {
    /// The latest moment the stage may be sent.
    pub by: DateTime<FixedOffset>,
    /// What the limit counts from, in words ("awareness (detected_at)", ...).
    pub from: String,
    /// The limit it applies.
    pub limit: &'static TimeLimit,
}

/// When `stage` of `regime` is due for the subject's incident, or `None` when it is not due
/// yet at all (a final report while the incident is still being handled) or the stage does
/// not belong to the regime. Awareness is `detected_at`; a stage counted from an earlier
/// one counts from when that was sent, or from when it was due if it never was.
pub fn due(subject: &Subject<'_>, regime: Regime, stage: Stage) -> Option<Due> {
    let limit = limit(regime, stage)?;
    let incident = subject.incident;
    let aware = incident.detected_at;
    // NIS2 counts from awareness of the *significant* incident (2024/2690 recital 31): the
    // classification, where the report records it.
    let (nis2_aware, nis2_from) = match incident.classified_at {
        Some(classified) => (
            classified,
            "awareness of the significant incident (classified_at)",
        ),
        None => (aware, "awareness (detected_at; no classified_at)"),
    };
    let hours = |h: i64| Duration::hours(h);
    let (by, from) = match (regime, stage) {
        (Regime::Nis2, Stage::EarlyWarning) => (nis2_aware + hours(24), nis2_from.to_owned()),
        (Regime::Nis2, Stage::Notification) => (nis2_aware + hours(72), nis2_from.to_owned()),
        (Regime::Nis2, Stage::Final) => {
            let resolved = incident.resolved_at?;
            let (base, from) = counted_from(subject, regime, Stage::Notification)?;
            let after_notification = month(base)?;
            if resolved <= after_notification {
                (after_notification, from)
            } else {
                (month(resolved)?, "resolution (resolved_at), as the incident outlasted a month after the notification".to_owned())
            }
        }
        (Regime::Dora, Stage::Initial) => {
            let latest = aware + hours(24);
            match incident.classified_at {
                Some(classified) if classified <= latest => (
                    (classified + hours(4)).min(latest),
                    "classification (classified_at), at most 24 hours after awareness (detected_at)".to_owned(),
                ),
                Some(classified) => (
                    classified + hours(4),
                    "classification (classified_at), made more than 24 hours after awareness".to_owned(),
                ),
                None => (latest, "awareness (detected_at): no classified_at".to_owned()),
            }
        }
        (Regime::Dora, Stage::Intermediate) => {
            let (base, from) = counted_from(subject, regime, Stage::Initial)?;
            (base + hours(72), from)
        }
        (Regime::Dora, Stage::Final) => {
            let (base, from) = match subject.last_sent(regime, Stage::Intermediate) {
                Some(at) => (at, "the latest intermediate report".to_owned()),
                None => counted_from(subject, regime, Stage::Intermediate)?,
            };
            (month(base)?, from)
        }
        _ => return None,
    };
    Some(Due { by, from, limit })
}

/// One month after `at`, to the end of that day: a period in months ends with the last hour
/// of the day with the same date (Regulation (EEC, Euratom) No 1182/71 Art. 3(2)(c)), in the
/// offset `at` was written with.
fn month(at: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    let day = at.checked_add_months(Months::new(1))?.date_naive();
    let end = day.and_hms_opt(23, 59, 59)?;
    end.and_local_timezone(*at.offset()).single()
}

/// When an earlier stage was first sent, or when it was due if it never was, and the words
/// for it.
fn counted_from(
    subject: &Subject<'_>,
    regime: Regime,
    stage: Stage,
) -> Option<(DateTime<FixedOffset>, String)> {
    let name = super::stage_title(stage);
    match subject.first_sent(regime, stage) {
        Some(at) => Some((at, format!("the {name} (sent)"))),
        None => due(subject, regime, stage).map(|d| {
            (
                d.by,
                format!("the {name}'s own time limit (it was not sent)"),
            )
        }),
    }
}
