//! The one function that turns report markdown into HTML.
//!
//! CommonMark with tables and strikethrough. Report text is untrusted: raw HTML in the
//! markdown is shown as text, not interpreted; the result then goes through ammonia, which
//! keeps a small list of formatting tags, drops every attribute that could run script, and
//! keeps only http, https and mailto links. Images are shown as their text (an image from
//! elsewhere would be a tracker on a public site). Headings are moved down two levels so a
//! report's own headings never outrank the page's.

use std::collections::HashSet;
use std::sync::OnceLock;

use ammonia::Builder;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Render report `markdown` to safe HTML. Report texts sit under a section heading (`<h2>`),
/// so their own headings start at `<h3>`.
pub fn to_html(markdown: &str) -> String {
    if let Some(html) = plain_paragraph(markdown) {
        return html;
    }
    full_render(markdown, 2)
}

/// Render `markdown` whose `##` headings are the page's second level (the rule explanations).
pub fn to_html_page(markdown: &str) -> String {
    full_render(markdown, 0)
}

/// Most report texts are one plain sentence. Such a text cannot contain markup, so it is
/// rendered directly, as the full pipeline would render it, without parsing and sanitising.
fn plain_paragraph(markdown: &str) -> Option<String> {
    let text = markdown.trim();
    if text.is_empty() || text.contains(['\n', '\r']) {
        return None;
    }
    let special = |c: char| {
        matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '&'
                | '~'
                | '|'
                | '\t'
                | '\u{0}'
                | '\u{a0}'
        )
    };
    if text.chars().any(special) {
        return None;
    }
    let first = text.chars().next()?;
    if matches!(first, '-' | '+' | '#' | '=') {
        return None;
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && text[digits..].starts_with(['.', ')']) {
        return None;
    }
    if text.chars().any(|c| c.is_control()) {
        return None;
    }
    Some(format!("<p>{text}</p>\n"))
}

fn full_render(markdown: &str, heading_shift: usize) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut in_image = 0usize;
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        // Raw HTML becomes visible text.
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: demote(level, heading_shift),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => {
            Some(Event::End(TagEnd::Heading(demote(level, heading_shift))))
        }
        Event::Start(Tag::Image { .. }) => {
            in_image += 1;
            None
        }
        Event::End(TagEnd::Image) => {
            in_image = in_image.saturating_sub(1);
            None
        }
        other => Some(other),
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    sanitizer().clean(&unsafe_html).to_string()
}

/// Plain text of `markdown` (for search snippets and feeds): markup removed, never HTML.
pub fn to_plain(markdown: &str) -> String {
    if plain_paragraph(markdown).is_some() {
        return markdown.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let mut text = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::TableCell) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Move a heading `shift` levels down, to `<h6>` at most.
fn demote(level: HeadingLevel, shift: usize) -> HeadingLevel {
    match (level as usize + shift).min(6) {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn sanitizer() -> &'static Builder<'static> {
    static BUILDER: OnceLock<Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let tags: HashSet<&str> = [
            "a",
            "p",
            "br",
            "strong",
            "em",
            "del",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "hr",
        ]
        .into_iter()
        .collect();
        let mut builder = Builder::default();
        builder
            .tags(tags)
            .tag_attributes(Default::default())
            .add_tag_attributes("a", ["href"])
            .add_tag_attributes("ol", ["start"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .filter_style_properties(["text-align"].into_iter().collect())
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(ammonia::UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer nofollow"))
            .generic_attributes(HashSet::new())
            .strip_comments(true);
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_emphasis() {
        let html = to_html("| a | b |\n|---|---|\n| 1 | **2** |\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<strong>2</strong>"));
    }

    #[test]
    fn raw_html_is_text() {
        let html = to_html("<script>alert(1)</script> and <b onclick=x>b</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_links_are_dropped() {
        let html = to_html(
            "[x](javascript:alert(1)) [y](data:text/html,hi) [z](https://example.org) [m](mailto:a@example.org)",
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(html.contains("href=\"mailto:a@example.org\""), "{html}");
    }

    #[test]
    fn images_become_text_and_headings_move_down() {
        let html = to_html("# Title\n\n![tracker](https://evil.example/pixel.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("<h3>Title</h3>"), "{html}");
        assert!(html.contains("tracker"), "{html}");
    }

    #[test]
    fn plain_sentences_render_like_the_full_pipeline() {
        for text in [
            "Login works again for all users; the error rate is back at its normal level.",
            "He said \"hi\" and 'bye' – 2026-03-02, 99.9 %, æøå.",
            "  Trimmed text.  ",
            "A 3-step plan: (1) stop, (2) fix.",
        ] {
            assert!(plain_paragraph(text).is_some(), "{text}");
            assert_eq!(to_html(text), full_render(text, 2), "{text}");
        }
        for text in [
            "- a list",
            "1. a list",
            "# heading",
            "a *b*",
            "a & b",
            "<b>",
            "two\nlines",
            "x | y",
        ] {
            assert!(plain_paragraph(text).is_none(), "{text}");
        }
    }

    #[test]
    fn plain_text_has_no_markup() {
        assert_eq!(
            to_plain("**Login** failed\n\n<em>x</em>"),
            "Login failed <em>x</em>"
        );
    }
}
