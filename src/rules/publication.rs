//! Publication rules from the repository's history: a report first published after its
//! preliminary deadline (A019), or first final after its final deadline (A020). They stay on
//! the record after the report is final, when the deadline rules A008 and A009 no longer fire.

use crate::diag::{Arg, Finding, Message};
use crate::source;
use crate::timeliness::{self, Anchors, Stage};

use super::{Code, Context, Emitter, Summary};

/// Findings on reports published late, when the history is known.
pub(super) fn check(summaries: &[&Summary], context: &Context<'_>) -> Vec<Finding> {
    let Some(publications) = context.publications else {
        return Vec::new();
    };
    let policy = &context.config.policy;
    let mut findings = Vec::new();
    for summary in summaries {
        if !summary.status.is_published() || !context.wants(&summary.file) {
            continue;
        }
        let Some(times) = publications.get(source::file_stem(&summary.file)) else {
            continue;
        };
        let anchors = Anchors {
            detected_at: summary.detected_at,
            resolved_at: summary.resolved_at,
        };
        let record = timeliness::timeliness(anchors, times, policy);
        let mut out = Emitter::new(&summary.file, None, context.levels);
        let published_on = |stage: &Stage| Arg::Date(stage.published_at.date_naive());
        if let Some(stage) = record.preliminary.filter(Stage::is_late) {
            out.push(
                Code::A019,
                "/status",
                Some(summary.status_position),
                Message::new("A019")
                    .with("date", published_on(&stage))
                    .with("hours", Arg::Decimal(stage.days * 24.0, 1))
                    .with("deadline", Arg::Quantity("hour", i64::from(policy.preliminary_hours))),
                "this cannot be undone: say in the report why it came late; if the organisation accepts the finding, add a waiver with the reason, which is published with the report".into(),
            );
        }
        if let Some(stage) = record.final_report.filter(Stage::is_late) {
            out.push(
                Code::A020,
                "/status",
                Some(summary.status_position),
                Message::new("A020")
                    .with("date", published_on(&stage))
                    .with("days", Arg::Quantity("day", stage.days.floor() as i64))
                    .with("deadline", Arg::Quantity("day", i64::from(policy.final_days))),
                "this cannot be undone: explain the delay in the report; if the organisation accepts the finding, add a waiver with the reason, which is published with the report".into(),
            );
        }
        findings.extend(out.into_findings());
    }
    findings
}
