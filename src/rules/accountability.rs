//! Accountability rules on what a published report says: a root cause that explains something
//! (A001, A002), prevention (A003), owned and dated actions (A004, A014, A018), an honest
//! severity (A006), numbers (A007), a legal basis for secrecy (A017), and imported fields a
//! person has checked (A023).
//!
//! Drafts are work in progress: these rules apply from `preliminary` on.

use crate::model::{ActionStatus, ActionType, CauseStatus, Status, Text};

use super::{Code, Context, Emitter, Subject};
use crate::diag::{Arg, Message};

/// A severity as a word of the page's language.
pub(super) fn severity(level: crate::model::Severity) -> Arg {
    Arg::Word("word.severity", level.as_str().to_owned())
}

/// "trigger" or "description", in the page's language.
fn cause_field(field: &str) -> Arg {
    Arg::Word("word.cause_field", field.to_owned())
}

pub(super) fn check(subject: &Subject<'_>, _context: &Context<'_>, out: &mut Emitter<'_>) {
    let incident = subject.incident;
    if !incident.is_published() {
        return;
    }
    let is_final = incident.status == Status::Final;

    match &incident.root_cause {
        None if is_final => out.anchored(
            Code::A001,
            "/root_cause",
            "/status",
            Message::new("A001"),
            "add `root_cause:` with `status`, `category`, `trigger` and `description`; if the cause is not known yet, keep the report preliminary",
        ),
        None => {}
        Some(cause) if is_final && cause.status == CauseStatus::UnderInvestigation => out.at(
            Code::A021,
            "/root_cause/status",
            Message::new("A021"),
            "keep the report `preliminary` (with `next_update_due`) until the cause is known, or give the most likely cause as `suspected` and explain it",
        ),
        Some(cause) if cause.status != CauseStatus::UnderInvestigation => {
            check_cause_text(subject, out, "trigger", cause.trigger.as_ref(), TRIGGER_MIN_WORDS);
            check_cause_text(subject, out, "description", cause.description.as_ref(), DESCRIPTION_MIN_WORDS);
        }
        Some(_) => {}
    }

    if is_final
        && !incident
            .actions
            .iter()
            .any(|a| a.kind == ActionType::Prevent)
    {
        let anchor = if incident.actions.is_empty() {
            "/status"
        } else {
            "/actions"
        };
        out.anchored(
            Code::A003,
            "/actions",
            anchor,
            Message::new("A003"),
            "add the change that stops this cause from recurring as an action with `type: prevent`, an owner and a due date",
        );
    }

    for (index, action) in incident.actions.iter().enumerate() {
        let pointer = format!("/actions/{index}");
        if action.owner.as_ref().is_none_or(is_blank) {
            out.anchored(
                Code::A004,
                &format!("{pointer}/owner"),
                &pointer,
                Message::new("A004_owner").with("action", (&*action.id).into()),
                "add `owner:` with the unit responsible (a team or office, not a person's name)",
            );
        }
        if action.due.is_none() {
            out.anchored(
                Code::A004,
                &format!("{pointer}/due"),
                &pointer,
                Message::new("A004_due").with("action", (&*action.id).into()),
                "add `due: YYYY-MM-DD` with the date it will be done by",
            );
        }
        if action.status == ActionStatus::Dropped && action.reason.as_deref().is_none_or(is_blank) {
            out.anchored(
                Code::A014,
                &format!("{pointer}/reason"),
                &format!("{pointer}/status"),
                Message::new("A014").with("action", (&*action.id).into()),
                "add `reason:` saying why it was dropped and what replaces it, if anything",
            );
        }
        if action.status == ActionStatus::Done
            && action
                .evidence
                .as_deref()
                .is_none_or(|e| e.trim().is_empty())
        {
            out.anchored(
                Code::A018,
                &format!("{pointer}/evidence"),
                &format!("{pointer}/status"),
                Message::new("A018").with("action", (&*action.id).into()),
                "add `evidence:` with a link to the change record, test report or audit that shows it was done",
            );
        }
    }

    let figures = subject.impact;
    if incident.severity < figures.computed {
        out.at(
            Code::A006,
            "/severity",
            Message::new("A006")
                .with("declared", severity(incident.severity))
                .with("computed", severity(figures.computed)),
            format!(
                "set `severity: {}`, or correct the impact figures if they are wrong ({})",
                figures.computed.as_str(),
                figures.explanation()
            ),
        );
    }

    let has_share = incident
        .impact
        .as_ref()
        .is_some_and(|impact| impact.share.is_some());
    if figures.users_affected.is_none() && !has_share {
        let anchor = if incident.impact.is_some() {
            "/impact"
        } else {
            "/status"
        };
        out.anchored(
            Code::A007,
            "/impact/users_affected",
            anchor,
            Message::new("A007_users").with(
                "status",
                Arg::Word("word.status_adjective", incident.status.as_str().to_owned()),
            ),
            "add `impact: {users_affected: {estimate: N, min: N, max: N, method: \"how it was measured\"}}`, or the share hit, e.g. `impact: {share: {value_percent: 12, of: \"login attempts\"}}`",
        );
    }
    if is_final && incident.resolved_at.is_none() {
        out.anchored(
            Code::A007,
            "/resolved_at",
            "/status",
            Message::new("A007_resolved"),
            "add `resolved_at:` with the time service was fully restored; an ongoing incident cannot have a final report",
        );
    }

    if let Some(source) = &incident.source
        && !source.unverified.is_empty()
    {
        out.at(
            Code::A023,
            "/source/unverified",
            Message::new("A023")
                .with("count", Arg::Count(source.unverified.len() as i64))
                .with("fields", source.unverified.join(", ").into()),
            "check each listed field against what is known (logs, the people involved), correct it, and remove its pointer from `source.unverified`; keep the report a draft until the list is empty",
        );
    }

    for (index, item) in incident.withheld.iter().enumerate() {
        if item.legal_basis.as_ref().is_none_or(is_blank) {
            out.anchored(
                Code::A017,
                &format!("/withheld/{index}/legal_basis"),
                &format!("/withheld/{index}"),
                Message::new("A017"),
                "add `legal_basis:` with the provision that allows withholding it",
            );
        }
    }
}

/// Fewest words a trigger needs to name something concrete.
const TRIGGER_MIN_WORDS: usize = 3;
/// Fewest words a description needs to explain why something could happen.
const DESCRIPTION_MIN_WORDS: usize = 8;

fn check_cause_text(
    subject: &Subject<'_>,
    out: &mut Emitter<'_>,
    field: &str,
    text: Option<&Text>,
    min_words: usize,
) {
    let pointer = format!("/root_cause/{field}");
    let Some(text) = text else {
        out.anchored(
            Code::A002,
            &pointer,
            "/root_cause",
            Message::new("A002_missing").with("field", cause_field(field)),
            cause_help(field),
        );
        return;
    };
    for (language, value) in text.variants(&subject.incident.language) {
        let variant_pointer = match text {
            Text::Plain(_) => pointer.clone(),
            Text::Localized(_) => format!("{pointer}/{language}"),
        };
        if let Some(phrase) = placeholder(value) {
            out.at(
                Code::A002,
                &variant_pointer,
                Message::new("A002_phrase")
                    .with("field", cause_field(field))
                    .with(
                        "text",
                        Arg::Written(
                            vec![(language.to_owned(), value.to_owned())],
                            language.to_owned(),
                        ),
                    )
                    .with("phrase", phrase.into()),
                cause_help(field),
            );
        } else if word_count(value) < min_words {
            out.at(
                Code::A002,
                &variant_pointer,
                Message::new("A002_short")
                    .with("field", cause_field(field))
                    .with(
                        "text",
                        Arg::Written(
                            vec![(language.to_owned(), value.to_owned())],
                            language.to_owned(),
                        ),
                    )
                    .with("words", Arg::Count(word_count(value) as i64))
                    .with("min", Arg::Count(min_words as i64)),
                cause_help(field),
            );
        }
    }
}

fn cause_help(field: &str) -> &'static str {
    if field == "trigger" {
        "name what concretely set it off: what changed, failed or expired, and where"
    } else {
        "explain why the trigger could bring the service down: the missing safeguard, test, capacity or check"
    }
}

fn is_blank(text: &Text) -> bool {
    match text {
        Text::Plain(s) => s.trim().is_empty(),
        Text::Localized(map) => map.values().all(|s| s.trim().is_empty()),
    }
}

fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Phrases that name no cause, in Danish and English, normalised (lowercase, no punctuation).
const PLACEHOLDERS: &[&str] = &[
    // English
    "technical glitch",
    "technical glitches",
    "a glitch",
    "glitch",
    "technical issue",
    "technical issues",
    "technical problem",
    "technical problems",
    "technical error",
    "technical errors",
    "technical difficulties",
    "technical fault",
    "minor operational disturbance",
    "minor operational disturbances",
    "operational disturbance",
    "operational disturbances",
    "operational issues",
    "human error",
    "user error",
    "under investigation",
    "being investigated",
    "investigation ongoing",
    "unknown",
    "unknown cause",
    "unknown error",
    "not known",
    "tbd",
    "tbc",
    "todo",
    "n a",
    "na",
    "none",
    "error",
    "an error",
    "system error",
    "system failure",
    "it error",
    "it problems",
    "server error",
    "server issue",
    "network issue",
    "network issues",
    "network problem",
    "bug",
    "a bug",
    "software bug",
    "software error",
    "issue",
    "problem",
    "outage",
    "unforeseen circumstances",
    "unexpected error",
    "various factors",
    "see above",
    // Danish
    "teknisk fejl",
    "tekniske fejl",
    "en teknisk fejl",
    "tekniske problemer",
    "tekniske udfordringer",
    "tekniske vanskeligheder",
    "driftsforstyrrelse",
    "driftsforstyrrelser",
    "mindre driftsforstyrrelse",
    "mindre driftsforstyrrelser",
    "driftsproblemer",
    "nedbrud",
    "systemfejl",
    "menneskelig fejl",
    "menneskelige fejl",
    "under undersøgelse",
    "undersøges",
    "undersøges fortsat",
    "ukendt",
    "ukendt årsag",
    "ukendt fejl",
    "fejl",
    "en fejl",
    "netværksfejl",
    "netværksproblemer",
    "serverfejl",
    "uforudsete omstændigheder",
    "ingen",
];

/// Words that wrap a placeholder without adding anything ("due to a technical glitch").
const FILLERS: &[&str] = &[
    "due",
    "to",
    "caused",
    "by",
    "a",
    "an",
    "the",
    "was",
    "were",
    "it",
    "there",
    "of",
    "some",
    "minor",
    "skyldtes",
    "pga",
    "på",
    "grund",
    "af",
    "forårsaget",
    "en",
    "et",
    "der",
    "var",
    "det",
    "nogle",
    "mindre",
];

/// The placeholder `text` amounts to, if it is one.
fn placeholder(text: &str) -> Option<&'static str> {
    let normalised: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = normalised.split_whitespace().collect();
    let whole = words.join(" ");
    if let Some(found) = PLACEHOLDERS.iter().find(|p| **p == whole) {
        return Some(found);
    }
    // Strip filler words, but keep "minor" if the phrase itself needs it.
    let stripped: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !FILLERS.contains(w))
        .collect();
    let stripped = stripped.join(" ");
    PLACEHOLDERS.iter().find(|p| **p == stripped).copied()
}

#[cfg(test)]
mod tests {
    use super::placeholder;

    #[test]
    fn placeholders_in_both_languages() {
        for text in [
            "Technical glitch.",
            "Due to a technical glitch",
            "Minor operational disturbances",
            "Human error",
            "Under investigation",
            "Teknisk fejl",
            "Mindre driftsforstyrrelser.",
            "Driftsforstyrrelse",
            "Skyldtes en teknisk fejl",
        ] {
            assert!(
                placeholder(text).is_some(),
                "{text} should be a placeholder"
            );
        }
    }

    #[test]
    fn real_causes_are_not_placeholders() {
        for text in [
            "An expired signing certificate on the login service",
            "Human error: an operator ran the restore against production instead of the test copy",
            "Et udløbet certifikat på login-tjenesten",
        ] {
            assert!(placeholder(text).is_none(), "{text} is a real cause");
        }
    }
}
