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

/// The placeholder in `text`, if it holds one. One pass over the words, lowercasing each
/// short word into a small buffer: this runs on every text of every published report, so it
/// must cost little more than reading the text.
pub(super) fn placeholder(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if let Some(prompt) = PROMPTS
        .iter()
        .find(|p| p.len() == trimmed.len() && trimmed.eq_ignore_ascii_case(p))
    {
        return Some((*prompt).to_owned());
    }
    // The last three words, lowercased; a word too long to be part of a placeholder is empty.
    let mut recent = [Word::EMPTY; 3];
    for word in words(trimmed) {
        let lower = Word::lowercase(word);
        let bytes = lower.bytes();
        if bytes.is_empty() {
            recent = [recent[1], recent[2], lower];
            continue;
        }
        if let Some(marker) = MARKERS.iter().find(|m| bytes == m.as_bytes()) {
            return Some(marker.to_uppercase());
        }
        recent = [recent[1], recent[2], lower];
        // Every phrase ends in one of these words; most words are none of them.
        if !matches!(
            bytes,
            b"ipsum"
                | b"here"
                | b"text"
                | b"written"
                | b"completed"
                | b"udfyldes"
                | b"udfyld"
                | b"her"
                | b"tekst"
        ) {
            continue;
        }
        for phrase in PHRASES {
            let tail = &recent[3 - phrase.len()..];
            if tail
                .iter()
                .zip(phrase.iter())
                .all(|(w, p)| w.bytes() == p.as_bytes())
            {
                return Some(phrase.join(" "));
            }
        }
    }
    None
}

/// The words of `text`: runs of letters and digits. ASCII is classified byte by byte; other
/// characters are decoded and asked.
fn words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut position = 0;
    std::iter::from_fn(move || {
        let is_word_at = |at: usize| -> (bool, usize) {
            let byte = bytes[at];
            if byte.is_ascii() {
                (byte.is_ascii_alphanumeric(), 1)
            } else {
                let c = text[at..].chars().next().unwrap_or(' ');
                (c.is_alphanumeric(), c.len_utf8())
            }
        };
        while position < bytes.len() {
            let (word, width) = is_word_at(position);
            if word {
                break;
            }
            position += width;
        }
        if position >= bytes.len() {
            return None;
        }
        let start = position;
        while position < bytes.len() {
            let (word, width) = is_word_at(position);
            if !word {
                break;
            }
            position += width;
        }
        Some(&text[start..position])
    })
}

/// A short word, lowercased, without allocating.
#[derive(Clone, Copy)]
struct Word {
    bytes: [u8; 16],
    len: usize,
}

impl Word {
    const EMPTY: Word = Word {
        bytes: [0; 16],
        len: 0,
    };

    fn lowercase(word: &str) -> Word {
        let mut out = Word::EMPTY;
        if word.len() > out.bytes.len() {
            return out;
        }
        if word.is_ascii() {
            for (slot, byte) in out.bytes.iter_mut().zip(word.bytes()) {
                *slot = byte.to_ascii_lowercase();
            }
            out.len = word.len();
            return out;
        }
        let mut len = 0;
        for c in word.chars().flat_map(char::to_lowercase) {
            let mut buffer = [0; 4];
            let encoded = c.encode_utf8(&mut buffer);
            if len + encoded.len() > out.bytes.len() {
                return Word::EMPTY;
            }
            out.bytes[len..len + encoded.len()].copy_from_slice(encoded.as_bytes());
            len += encoded.len();
        }
        out.len = len;
        out
    }

    fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
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
