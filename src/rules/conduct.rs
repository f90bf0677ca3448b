//! Conduct rules on how the public was told: understated statements (A010), no statement
//! (A011), a late first statement (A012), texts missing a site language (A016), and a
//! promised update that never came (A024).

use chrono::Duration;

use crate::model::EventKind;

use super::accountability::severity;
use super::{Code, Context, Emitter, Subject};
use crate::diag::{Arg, Message};

pub(super) fn check(subject: &Subject<'_>, context: &Context<'_>, out: &mut Emitter<'_>) {
    let incident = subject.incident;
    if !incident.is_published() {
        return;
    }
    let computed = subject.impact.computed;

    for (index, event) in incident.timeline.iter().enumerate() {
        if let Some(claimed) = event.severity_claimed
            && event.kind == EventKind::PublicStatement
            && claimed < computed
        {
            out.at(
                Code::A010,
                &format!("/timeline/{index}/severity_claimed"),
                Message::new("A010")
                    .with("claimed", severity(claimed))
                    .with("computed", severity(computed)),
                "keep the statement as it was made; explain in the report why it understated the incident, and add an action on how incidents are classified",
            );
        }
    }

    promised_updates(incident, context, out);

    let effective = incident.severity.max(computed);
    if effective >= crate::model::Severity::Major {
        let first_statement = incident
            .timeline
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EventKind::PublicStatement)
            .min_by_key(|(_, e)| e.at);
        match first_statement {
            None => out.anchored(
                Code::A011,
                "/timeline",
                if incident.timeline.is_empty() { "/severity" } else { "/timeline" },
                Message::new("A011").with(
                    "severity",
                    Arg::Word("word.severity_adjective", effective.as_str().to_owned()),
                ),
                "record each statement made to the public as a `public-statement` event with its `channel`; if none was made, say so and add a process action",
            ),
            Some((index, event)) => {
                let minutes = context.config.policy.first_statement_minutes;
                let deadline = incident.detected_at + Duration::minutes(i64::from(minutes));
                if event.at > deadline {
                    let late = (event.at - incident.detected_at).num_minutes();
                    out.at(
                        Code::A012,
                        &format!("/timeline/{index}/at"),
                        Message::new("A012")
                            .with("late", Arg::Duration(late as f64))
                            .with("allowed", Arg::Duration(f64::from(minutes))),
                        "keep the real time; add a process action that speeds up the first statement, such as pre-approved status-page texts",
                    );
                }
            }
        }
    }

    // One finding per missing language, listing every field without it, so a report written
    // in one language gives one finding per other language rather than one per field.
    let fields = incident.text_fields();
    for language in context.config.languages() {
        let missing: Vec<&str> = fields
            .iter()
            .filter(|(_, text)| text.in_language(language, &incident.language).is_none())
            .map(|(pointer, _)| pointer.as_str())
            .collect();
        let Some(first) = missing.first() else {
            continue;
        };
        let names: Vec<String> = missing
            .iter()
            .map(|pointer| crate::diag::pointer_to_field(pointer))
            .collect();
        const SHOWN: usize = 6;
        let mut listed = names
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if names.len() > SHOWN {
            listed.push_str(", ...");
        }
        out.at(
            Code::A016,
            first,
            Message::new("A016")
                .with("language", Arg::Language(language.clone()))
                .with("fields", listed.into())
                .with("count", Arg::Count(names.len() as i64)),
            format!(
                "write each of these as a map with one entry per site language, e.g. `title: {{{}}}`; a plain string counts as `{}`",
                context
                    .config
                    .languages()
                    .iter()
                    .map(|l| format!("{l}: ..."))
                    .collect::<Vec<_>>()
                    .join(", "),
                incident.language
            ),
        );
    }
}

/// A024: a public statement promised the next update by a time that has passed, and no later
/// statement came by then.
fn promised_updates(
    incident: &crate::model::Incident,
    context: &Context<'_>,
    out: &mut Emitter<'_>,
) {
    let statements: Vec<&crate::model::TimelineEvent> = incident
        .timeline
        .iter()
        .filter(|e| e.kind == EventKind::PublicStatement)
        .collect();
    for (index, event) in incident.timeline.iter().enumerate() {
        let Some(promised) = event.next_update_at else {
            continue;
        };
        if event.kind != EventKind::PublicStatement || promised > context.today {
            continue;
        }
        let kept = statements
            .iter()
            .any(|later| later.at > event.at && later.at <= promised);
        if !kept {
            let next = statements
                .iter()
                .filter(|later| later.at > event.at)
                .map(|later| later.at)
                .min();
            let message = match next {
                Some(next) => Message::new("A024_late")
                    .with("promised", Arg::Time(promised))
                    .with("next", Arg::Time(next)),
                None => Message::new("A024_none").with("promised", Arg::Time(promised)),
            };
            out.at(
                Code::A024,
                &format!("/timeline/{index}/next_update_at"),
                message,
                "keep the promise as it was made; say in the report why the update did not come, and add a process action for keeping the public informed",
            );
        }
    }
}
