//! Deadline rules: promised actions (A005), the final report (A008), the preliminary report
//! (A009) and the next update on an unknown cause (A013). All compare with `today` from the
//! context.

use crate::diag::{Arg, Message};
use crate::model::{CauseStatus, Status};
use crate::timeliness::{self, Anchors};

use super::{Code, Context, Emitter, Subject};

pub(super) fn check(subject: &Subject<'_>, context: &Context<'_>, out: &mut Emitter<'_>) {
    let incident = subject.incident;
    let policy = &context.config.policy;
    let today = context.today_date();

    let anchors = Anchors::of(incident);
    if timeliness::final_overdue(incident, policy, context.today)
        && let Some(due) = anchors.final_due(policy)
    {
        out.anchored(
            Code::A008,
            "/status",
            "/status",
            Message::new("A008")
                .with("due", Arg::Date(due.date_naive()))
                .with("days", Arg::Quantity("day", i64::from(policy.final_days)))
                .with(
                    "status",
                    Arg::Word("word.status_predicate", incident.status.as_str().to_owned()),
                ),
            "complete the root cause and actions and set `status: final`",
        );
    }

    if incident.status == Status::Draft {
        if timeliness::preliminary_overdue(incident, policy, context.today) {
            let due = anchors.preliminary_due(policy);
            out.at(
                Code::A009,
                "/status",
                Message::new("A009")
                    .with("due", Arg::Time(due.with_timezone(&incident.detected_at.timezone())))
                    .with("hours", Arg::Quantity("hour", i64::from(policy.preliminary_hours))),
                "publish what is known as `status: preliminary`, with an impact estimate and the root cause marked `under-investigation`",
            );
        }
        return;
    }

    for (index, action) in incident.actions.iter().enumerate() {
        if let Some(due) = action.due
            && action.is_overdue(today)
        {
            out.at(
                Code::A005,
                &format!("/actions/{index}/due"),
                Message::new("A005")
                    .with("action", (&*action.id).into())
                    .with("due", Arg::Date(due))
                    .with(
                        "status",
                        Arg::Word("word.action_status_predicate", action.status.as_str().to_owned()),
                    ),
                "finish it (`status: done` with `evidence`), set a new `due` date, or drop it with a `reason`",
            );
        }
    }

    if let Some(cause) = &incident.root_cause
        && cause.status == CauseStatus::UnderInvestigation
    {
        match cause.next_update_due {
            None => out.anchored(
                Code::A013,
                "/root_cause/next_update_due",
                "/root_cause/status",
                Message::new("A013_no_date"),
                "add `next_update_due: YYYY-MM-DD` under `root_cause`",
            ),
            Some(date) if date < today => out.at(
                Code::A013,
                "/root_cause/next_update_due",
                Message::new("A013_passed").with("due", Arg::Date(date)),
                "publish the update: confirm the cause, or set a new `next_update_due` and say what is still being investigated",
            ),
            Some(_) => {}
        }
    }
}
