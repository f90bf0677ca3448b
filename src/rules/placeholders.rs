//! Placeholder text in a published report (A022): TODO markers, lorem ipsum, the prompts
//! `candor new` writes, and their Danish equivalents. Drafts may hold them; a preliminary or
//! final report reaches citizens, so every one of its texts must be real.

use crate::diag::{Arg, Message};
use crate::model::Text;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

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

/// What stands for text still to be written, found anywhere in a text as whole words in any
/// (ASCII) case: markers, the words of template prompts, and their Danish equivalents. Each
/// pattern comes with the name the finding gives it.
const PATTERNS: &[(&str, &str)] = &[
    ("todo", "TODO"),
    ("fixme", "FIXME"),
    ("xxx", "XXX"),
    ("tbd", "TBD"),
    ("tbc", "TBC"),
    ("tba", "TBA"),
    ("lorem ipsum", "lorem ipsum"),
    ("write here", "write here"),
    ("text here", "text here"),
    ("insert text", "insert text"),
    ("to be written", "to be written"),
    ("to be completed", "to be completed"),
    ("udfyldes", "udfyldes"),
    ("udfyld", "udfyld"),
    ("skriv her", "skriv her"),
    ("skrives her", "skrives her"),
    ("tekst her", "tekst her"),
    ("indsæt tekst", "indsæt tekst"),
    ("indsÆt tekst", "indsæt tekst"),
    ("indsæt her", "indsæt her"),
    ("indsÆt her", "indsæt her"),
];

/// One automaton for every pattern, built once: this runs on every text of every published
/// report, and a single pass over the bytes costs little more than reading them.
static FINDER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(PATTERNS.iter().map(|(pattern, _)| pattern))
        .ok()
});

/// The placeholder in `text`, if it holds one.
pub(super) fn placeholder(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if let Some(prompt) = PROMPTS
        .iter()
        .find(|p| p.len() == trimmed.len() && trimmed.eq_ignore_ascii_case(p))
    {
        return Some((*prompt).to_owned());
    }
    let finder = FINDER.as_ref()?;
    finder
        .find_iter(trimmed.as_bytes())
        .find(|m| is_boundary(trimmed, m.start(), true) && is_boundary(trimmed, m.end(), false))
        .map(|m| PATTERNS[m.pattern().as_usize()].1.to_owned())
}

/// Whether there is no letter or digit right before `at` (`before`) or right at `at`.
fn is_boundary(text: &str, at: usize, before: bool) -> bool {
    let c = if before {
        text.get(..at).and_then(|t| t.chars().next_back())
    } else {
        text.get(at..).and_then(|t| t.chars().next())
    };
    !c.is_some_and(char::is_alphanumeric)
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
