//! Time rules: the incident's times in order (T001; regulator notifications after detection
//! and in stage order), no event before the start (T002), and no time in the future or
//! before 1970 (T003).

use chrono::{DateTime, Datelike, FixedOffset, Utc};

use super::{Code, Context, Emitter, Subject};

/// Times before this year are typos (0202 for 2026): no digital service failed earlier, and
/// a site would otherwise draw every year since.
const EARLIEST_YEAR: i32 = 1970;

pub(super) fn check(subject: &Subject<'_>, context: &Context<'_>, out: &mut Emitter<'_>) {
    let incident = subject.incident;
    if incident.detected_at < incident.started_at {
        out.at(
            Code::T001,
            "/detected_at",
            format!(
                "detected_at ({}) is before started_at ({})",
                incident.detected_at, incident.started_at
            ),
            "an incident is detected at or after it starts; check the date, the time and the offset of both",
        );
    }
    if let Some(resolved_at) = incident.resolved_at
        && resolved_at < incident.detected_at
    {
        out.at(
            Code::T001,
            "/resolved_at",
            format!("resolved_at ({resolved_at}) is before detected_at ({})", incident.detected_at),
            "an incident is resolved at or after it is detected; check the date, the time and the offset",
        );
    }
    for (index, window) in incident
        .impact
        .iter()
        .flat_map(|impact| impact.services.iter())
        .enumerate()
    {
        if let Some(to) = window.to
            && to < window.from
        {
            out.at(
                Code::T001,
                &format!("/impact/services/{index}/to"),
                format!("impact.services[{index}]: `to` ({to}) is before `from` ({})", window.from),
                "a service is restored after its outage began; check the date, the time and the offset of both",
            );
        }
    }
    for (index, pair) in incident.timeline.windows(2).enumerate() {
        if pair[1].at < pair[0].at {
            out.at(
                Code::T001,
                &format!("/timeline/{}/at", index + 1),
                format!(
                    "timeline[{}] ({}) is earlier than the event before it ({})",
                    index + 1,
                    pair[1].at,
                    pair[0].at
                ),
                "list timeline events oldest first, and check this event's date, time and offset",
            );
        }
    }
    if let Some(classified_at) = incident.classified_at
        && classified_at < incident.detected_at
    {
        out.at(
            Code::T001,
            "/classified_at",
            format!("classified_at ({classified_at}) is before detected_at ({})", incident.detected_at),
            "an incident is classified at or after it is detected; check the date, the time and the offset",
        );
    }
    for (index, notification) in incident.notifications.iter().enumerate() {
        if notification.at < incident.detected_at {
            out.at(
                Code::T001,
                &format!("/notifications/{index}/at"),
                format!(
                    "notifications[{index}] ({}) was sent before the incident was detected ({})",
                    notification.at, incident.detected_at
                ),
                "a regulator is notified after the incident is detected; check the date, the time and the offset",
            );
        }
        // The first of a stage sent after a later stage had gone out is out of order.
        let first_of_stage = !incident.notifications.iter().any(|n| {
            n.regime == notification.regime
                && n.stage == notification.stage
                && n.at < notification.at
        });
        let earlier_stage = incident.notifications.iter().find(|other| {
            first_of_stage
                && other.regime == notification.regime
                && crate::regulator::stage_order(other.stage)
                    > crate::regulator::stage_order(notification.stage)
                && other.at < notification.at
        });
        if let Some(later) = earlier_stage {
            out.at(
                Code::T001,
                &format!("/notifications/{index}/at"),
                format!(
                    "notifications[{index}] ({} {}, {}) comes after the later stage {} ({})",
                    notification.regime.as_str(),
                    notification.stage.as_str(),
                    notification.at,
                    later.stage.as_str(),
                    later.at
                ),
                "the stages of a notification are sent in order; check the stage and the time of both",
            );
        }
    }
    for (index, event) in incident.timeline.iter().enumerate() {
        if event.at < incident.started_at {
            out.at(
                Code::T002,
                &format!("/timeline/{index}/at"),
                format!(
                    "timeline[{index}] ({}) is before the incident started ({})",
                    event.at, incident.started_at
                ),
                "if users were affected earlier, move started_at back; otherwise correct the event's time",
            );
        }
    }

    let mut times: Vec<(String, DateTime<FixedOffset>)> = vec![
        ("/started_at".into(), incident.started_at),
        ("/detected_at".into(), incident.detected_at),
    ];
    if let Some(resolved_at) = incident.resolved_at {
        times.push(("/resolved_at".into(), resolved_at));
    }
    for (index, event) in incident.timeline.iter().enumerate() {
        times.push((format!("/timeline/{index}/at"), event.at));
    }
    if let Some(classified_at) = incident.classified_at {
        times.push(("/classified_at".into(), classified_at));
    }
    for (index, notification) in incident.notifications.iter().enumerate() {
        times.push((format!("/notifications/{index}/at"), notification.at));
    }
    for (index, window) in incident
        .impact
        .iter()
        .flat_map(|impact| impact.services.iter())
        .enumerate()
    {
        times.push((format!("/impact/services/{index}/from"), window.from));
        if let Some(to) = window.to {
            times.push((format!("/impact/services/{index}/to"), to));
        }
    }
    for (pointer, time) in times {
        if time.year() < EARLIEST_YEAR {
            out.at(
                Code::T003,
                &pointer,
                format!("{time} is before {EARLIEST_YEAR}, earlier than any digital service"),
                "check the year: a year such as 0202 is a typo for 2026",
            );
        } else if time.with_timezone(&Utc) > context.today {
            out.at(
                Code::T003,
                &pointer,
                format!(
                    "{time} is in the future (today is {})",
                    context.today.format("%Y-%m-%d %H:%M UTC")
                ),
                "check the year, month and offset; only promised dates (`due`, `next_update_due`) may lie ahead",
            );
        }
    }
}
