//! Conduct rules on how the public was told: understated statements (A010), no statement
//! (A011), a late first statement (A012), and texts missing a site language (A016).

use chrono::Duration;

use crate::model::EventKind;

use super::{Code, Context, Emitter, Subject};

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
                format!(
                    "the public was told the incident was `{}`; computed from impact it was `{}`",
                    claimed.as_str(),
                    computed.as_str()
                ),
                "keep the statement as it was made; explain in the report why it understated the incident, and add an action on how incidents are classified",
            );
        }
    }

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
                format!(
                    "this {} incident has no public statement in its timeline",
                    effective.as_str()
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
                        format!(
                            "the first public statement came {late} minutes after detection; the policy allows {minutes}"
                        ),
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
        let count = if names.len() == 1 {
            "1 field".to_owned()
        } else {
            format!("{} fields", names.len())
        };
        out.at(
            Code::A016,
            first,
            format!(
                "no {} text for: {listed} ({count})",
                language_name(language)
            ),
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

/// "English (en)" for `en`: the language's English name and its code.
pub(crate) fn language_name(code: &str) -> String {
    let name = match code {
        "da" => "Danish",
        "de" => "German",
        "en" => "English",
        "es" => "Spanish",
        "et" => "Estonian",
        "fi" => "Finnish",
        "fo" => "Faroese",
        "fr" => "French",
        "is" => "Icelandic",
        "it" => "Italian",
        "kl" => "Greenlandic",
        "lt" => "Lithuanian",
        "lv" => "Latvian",
        "nb" => "Norwegian Bokmål",
        "nl" => "Dutch",
        "nn" => "Norwegian Nynorsk",
        "no" => "Norwegian",
        "pl" => "Polish",
        "pt" => "Portuguese",
        "se" => "Northern Sami",
        "sv" => "Swedish",
        _ => return format!("`{code}`"),
    };
    format!("{name} ({code})")
}
