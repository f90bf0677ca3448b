//! Reporting deadlines: when a preliminary and a final report are due, whether they are
//! overdue now, and whether they were published late.
//!
//! This is the one home of these facts. The deadline rules (A008, A009, A019, A020), the
//! report pages, the organisations' track records and the open data all call these
//! functions, so a page can never say "on time" where the check says "late".
//!
//! Publication times come from git: the committer time of the first commit, on the history of
//! the built revision, in which the report's status reached preliminary (or final) and final.
//! A past lateness cannot be fixed by a later commit, so it stays part of the public record.

use chrono::{DateTime, Duration, FixedOffset, Utc};

use crate::config::Policy;
use crate::model::{Incident, Status};

/// When a report was first published, from its history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublicationTimes {
    /// The first commit in which the report was preliminary or final.
    pub first_published: Option<DateTime<FixedOffset>>,
    /// The first commit in which the report was final.
    pub first_final: Option<DateTime<FixedOffset>>,
}

impl PublicationTimes {
    /// Record that the report had `status` at `time`; earlier times win.
    pub fn observe(&mut self, status: Status, time: DateTime<FixedOffset>) {
        let earliest = |slot: &mut Option<DateTime<FixedOffset>>| {
            if slot.is_none_or(|known| time < known) {
                *slot = Some(time);
            }
        };
        if status.is_published() {
            earliest(&mut self.first_published);
        }
        if status == Status::Final {
            earliest(&mut self.first_final);
        }
    }
}

/// The moments a report's deadlines count from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Anchors {
    /// When the incident was detected.
    pub detected_at: DateTime<FixedOffset>,
    /// When it was resolved, if it is.
    pub resolved_at: Option<DateTime<FixedOffset>>,
}

impl Anchors {
    /// The anchors of `incident`.
    pub(crate) fn of(incident: &Incident) -> Anchors {
        Anchors {
            detected_at: incident.detected_at,
            resolved_at: incident.resolved_at,
        }
    }

    /// The deadline of the preliminary report: `preliminary_hours` after detection.
    pub(crate) fn preliminary_due(&self, policy: &Policy) -> DateTime<Utc> {
        self.detected_at.with_timezone(&Utc) + Duration::hours(i64::from(policy.preliminary_hours))
    }

    /// The deadline of the final report: `final_days` after resolution (none while ongoing).
    pub(crate) fn final_due(&self, policy: &Policy) -> Option<DateTime<Utc>> {
        self.resolved_at.map(|resolved| {
            resolved.with_timezone(&Utc) + Duration::days(i64::from(policy.final_days))
        })
    }
}

/// Whether the final report is overdue now: not final, and `now` is past its deadline (A008).
pub(crate) fn final_overdue(incident: &Incident, policy: &Policy, now: DateTime<Utc>) -> bool {
    incident.status != Status::Final
        && policy.deadlines_apply(incident.detected_at)
        && Anchors::of(incident)
            .final_due(policy)
            .is_some_and(|due| now > due)
}

/// Whether the preliminary report is overdue now: still a draft after its deadline (A009).
pub(crate) fn preliminary_overdue(
    incident: &Incident,
    policy: &Policy,
    now: DateTime<Utc>,
) -> bool {
    incident.status == Status::Draft
        && policy.deadlines_apply(incident.detected_at)
        && now > Anchors::of(incident).preliminary_due(policy)
}

/// One reporting stage measured against its deadline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stage {
    /// When the stage was due.
    pub due: DateTime<Utc>,
    /// When it was first published.
    pub published_at: DateTime<FixedOffset>,
    /// Days from the anchor (detection for the preliminary report, resolution for the final
    /// one) to publication; never negative.
    pub days: f64,
    /// The deadline in days from the anchor.
    pub deadline_days: f64,
}

impl Stage {
    /// Whether it was published after its deadline.
    pub fn is_late(&self) -> bool {
        self.published_at.with_timezone(&Utc) > self.due
    }

    /// Days after the deadline it was published (0 when on time).
    pub fn days_late(&self) -> f64 {
        ((self.published_at.with_timezone(&Utc) - self.due).num_seconds() as f64 / 86_400.0)
            .max(0.0)
    }
}

/// The publication record of one report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timeliness {
    /// The preliminary report (or the final one, if that came first), once published.
    pub preliminary: Option<Stage>,
    /// The final report, once published.
    pub final_report: Option<Stage>,
}

/// Measure a report's publication times against the policy's deadlines (nothing for an
/// incident detected before `deadlines.apply_from`).
pub(crate) fn timeliness(
    anchors: Anchors,
    times: &PublicationTimes,
    policy: &Policy,
) -> Timeliness {
    if !policy.deadlines_apply(anchors.detected_at) {
        // Before the deadlines took effect (`deadlines.apply_from`): nothing to measure.
        return Timeliness::default();
    }
    let days_between = |from: DateTime<Utc>, to: DateTime<FixedOffset>| {
        ((to.with_timezone(&Utc) - from).num_seconds() as f64 / 86_400.0).max(0.0)
    };
    let detected = anchors.detected_at.with_timezone(&Utc);
    let preliminary = times.first_published.map(|published_at| Stage {
        due: anchors.preliminary_due(policy),
        published_at,
        days: days_between(detected, published_at),
        deadline_days: f64::from(policy.preliminary_hours) / 24.0,
    });
    let final_report = match (
        times.first_final,
        anchors.resolved_at,
        anchors.final_due(policy),
    ) {
        (Some(published_at), Some(resolved), Some(due)) => Some(Stage {
            due,
            published_at,
            days: days_between(resolved.with_timezone(&Utc), published_at),
            deadline_days: f64::from(policy.final_days),
        }),
        _ => None,
    };
    Timeliness {
        preliminary,
        final_report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(detected: &str, resolved: Option<&str>, status: &str) -> Incident {
        let resolved = resolved
            .map(|r| format!("resolved_at: {r}\n"))
            .unwrap_or_default();
        let yaml = format!(
            "schema: 1\nid: x-1\ntitle: T\nlanguage: en\nstatus: {status}\norganisation: o\nservices: [s]\nseverity: minor\nstarted_at: {detected}\ndetected_at: {detected}\n{resolved}summary: S\n"
        );
        let root = crate::load::load(yaml.as_bytes(), &crate::config::Limits::default())
            .root
            .unwrap();
        serde_json::from_value(root.to_json()).unwrap()
    }

    fn time(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn earliest_observation_wins() {
        let mut times = PublicationTimes::default();
        times.observe(Status::Draft, time("2026-01-01T10:00:00+01:00"));
        assert_eq!(times.first_published, None);
        times.observe(Status::Final, time("2026-01-05T10:00:00+01:00"));
        times.observe(Status::Preliminary, time("2026-01-02T10:00:00+01:00"));
        assert_eq!(
            times.first_published,
            Some(time("2026-01-02T10:00:00+01:00"))
        );
        assert_eq!(times.first_final, Some(time("2026-01-05T10:00:00+01:00")));
    }

    #[test]
    fn a_final_report_published_269_days_after_resolution_is_late() {
        let report = incident(
            "2026-03-02T09:34:00+01:00",
            Some("2026-03-02T13:55:00+01:00"),
            "final",
        );
        let times = PublicationTimes {
            first_published: Some(time("2026-03-02T15:00:00+01:00")),
            first_final: Some(time("2026-11-26T13:55:00+01:00")),
        };
        let record = timeliness(Anchors::of(&report), &times, &Policy::default());
        let preliminary = record.preliminary.unwrap();
        assert!(!preliminary.is_late());
        assert!((preliminary.days - (5.0 * 60.0 + 26.0) / 1440.0).abs() < 1e-9);
        let final_report = record.final_report.unwrap();
        assert!(final_report.is_late());
        // 2 March to 26 November is 269 days; the deadline is 30 days.
        assert!(
            (final_report.days - 269.0).abs() < 1e-9,
            "{}",
            final_report.days
        );
        assert!((final_report.days_late() - 239.0).abs() < 1e-9);
    }

    #[test]
    fn publishing_exactly_at_the_deadline_is_on_time() {
        let report = incident("2026-03-02T09:00:00+01:00", None, "preliminary");
        let times = PublicationTimes {
            first_published: Some(time("2026-03-03T09:00:00+01:00")),
            first_final: None,
        };
        let record = timeliness(Anchors::of(&report), &times, &Policy::default());
        assert!(!record.preliminary.unwrap().is_late());
        assert!(
            record.final_report.is_none(),
            "no final report while ongoing"
        );
    }

    #[test]
    fn overdue_now() {
        let policy = Policy::default();
        let now = time("2026-04-02T00:00:00+00:00").with_timezone(&Utc);
        let resolved = incident(
            "2026-03-02T09:00:00+01:00",
            Some("2026-03-02T10:00:00+01:00"),
            "preliminary",
        );
        assert!(final_overdue(&resolved, &policy, now));
        let draft = incident("2026-03-02T09:00:00+01:00", None, "draft");
        assert!(preliminary_overdue(&draft, &policy, now));
        assert!(
            !final_overdue(&draft, &policy, now),
            "ongoing: no final deadline yet"
        );
    }
}
