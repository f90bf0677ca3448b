//! Placeholder text in a published report (A022): TODO markers, lorem ipsum, the prompts
//! `candor new` writes, and their Danish equivalents. Drafts may hold them; a preliminary or
//! final report reaches citizens, so every one of its texts must be real.

use crate::diag::{Arg, Message};
use crate::model::Text;
use crate::scaffold::PROMPTS;

use super::{Code, Context, Emitter, Subject};

pub(super) fn check(subject: &Subject<'_>, _context: &Context<'_>, out: &mut Emitter<'_>) {
    let incident = subject.incident;
    if !incident.is_published() {
        return;
    }
    for (pointer, text) in incident.text_fields() {
        for (language, value) in text.variants(&incident.language) {
            if let Some(found) = placeholder(value) {
                let variant_pointer = match text {
                    Text::Plain(_) => pointer.clone(),
                    Text::Localized(_) => format!("{pointer}/{language}"),
                };
                report(out, &variant_pointer, &found);
            }
        }
    }
    for (index, action) in incident.actions.iter().enumerate() {
        if let Some(found) = action.owner.as_deref().and_then(placeholder) {
            report(out, &format!("/actions/{index}/owner"), &found);
        }
    }
    for (index, event) in incident.timeline.iter().enumerate() {
        if let Some(found) = event.channel.as_deref().and_then(placeholder) {
            report(out, &format!("/timeline/{index}/channel"), &found);
        }
    }
}

fn report(out: &mut Emitter<'_>, pointer: &str, found: &str) {
    out.at(
        Code::A022,
        pointer,
        Message::new("A022")
            .with("field", crate::diag::pointer_to_field(pointer).into())
            .with(
                "text",
                Arg::Written(vec![(String::new(), found.to_owned())], String::new()),
            ),
        "write the real text; a draft may hold placeholders, a published report may not",
    );
}

/// Markers that stand for text still to be written, as whole words in any case.
const MARKERS: &[&str] = &["todo", "fixme", "xxx", "tbd", "tbc", "tba"];

/// Phrases that stand for text still to be written, as runs of whole words in any case.
const PHRASES: &[&[&str]] = &[
    &["lorem", "ipsum"],
    &["write", "here"],
    &["text", "here"],
    &["insert", "text"],
    &["to", "be", "written"],
    &["to", "be", "completed"],
    &["udfyldes"],
    &["udfyld"],
    &["skriv", "her"],
    &["skrives", "her"],
    &["tekst", "her"],
    &["indsæt", "tekst"],
    &["indsæt", "her"],
];

/// The placeholder in `text`, if it holds one. One pass over the words, without copying the
/// text: this runs on every text of every published report.
pub(super) fn placeholder(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if let Some(prompt) = PROMPTS
        .iter()
        .find(|p| p.len() == trimmed.len() && trimmed.eq_ignore_ascii_case(p))
    {
        return Some((*prompt).to_owned());
    }
    // The last words seen, to match phrases of up to three words.
    let mut recent: [&str; 3] = [""; 3];
    for word in trimmed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if let Some(marker) = MARKERS.iter().find(|m| same_word(word, m)) {
            return Some(marker.to_uppercase());
        }
        recent = [recent[1], recent[2], word];
        for phrase in PHRASES {
            let tail = &recent[3 - phrase.len()..];
            if tail.iter().zip(phrase.iter()).all(|(w, p)| same_word(w, p)) {
                return Some(phrase.join(" "));
            }
        }
    }
    None
}

/// Whether `word` is `lower` (already lowercase) in any case.
fn same_word(word: &str, lower: &str) -> bool {
    if word.is_ascii() {
        word.eq_ignore_ascii_case(lower)
    } else {
        word.chars().flat_map(char::to_lowercase).eq(lower.chars())
    }
}

#[cfg(test)]
mod tests {
    use super::placeholder;

    #[test]
    fn placeholders_in_both_languages_and_the_prompts_of_candor_new() {
        for (text, found) in [
            ("TODO: skriv resumé", "TODO"),
            ("Se FIXME nedenfor", "FIXME"),
            ("Owner: XXX", "XXX"),
            ("tbd", "TBD"),
            ("Lorem ipsum dolor sit amet", "lorem ipsum"),
            ("Write what happened here.", "Write what happened here."),
            ("  what happened.  ", "What happened."),
            ("Resumé udfyldes senere", "udfyldes"),
            ("Skriv her, hvad der skete", "skriv her"),
        ] {
            assert_eq!(placeholder(text).as_deref(), Some(found), "{text}");
        }
    }

    #[test]
    fn real_text_is_not_a_placeholder() {
        for text in [
            "Nobody could log in from 09:30 to 13:55.",
            "The todolist service failed",
            "Udfyldelse af blanketter var ikke muligt",
            "Vi skriver hver dag til borgerne",
            "A mailbox named xxxx was closed",
        ] {
            assert_eq!(placeholder(text), None, "{text}");
        }
    }
}
