//! Markdown rendering and sanitising on arbitrary text: the result never contains a script,
//! an event handler, a dangerous link, or an element outside the allowed set.
#![no_main]

use candor::render::markdown;
use libfuzzer_sys::fuzz_target;

const ALLOWED: &[&str] = &[
    "a", "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "hr",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let html = markdown::to_html(text);
    let _ = markdown::to_plain(text);
    let mut rest = html.as_str();
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else { break };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(ALLOWED.contains(&name.as_str()), "element <{tag}> in {html:?}");
        for (key, value) in attributes(tag) {
            assert!(matches!(key.as_str(), "href" | "rel" | "start" | "style"), "attribute {key} in <{tag}>");
            if key == "href" {
                let scheme = value.split(':').next().unwrap_or_default().to_ascii_lowercase();
                assert!(value.contains(':') && matches!(scheme.as_str(), "http" | "https" | "mailto"), "link {value} in <{tag}>");
            }
        }
    }
});

/// The attributes of a tag's text (`a href="x" rel="y z"`), as (lowercase name, value).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(char::is_whitespace).map_or("", |(_, r)| r).trim();
    while !rest.is_empty() {
        let end = rest.find(['=', ' ']).unwrap_or(rest.len());
        let key = rest[..end].trim().to_ascii_lowercase();
        rest = rest[end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(quoted) = after.strip_prefix('"') {
                let close = quoted.find('"').unwrap_or(quoted.len());
                value = quoted[..close].to_owned();
                rest = quoted.get(close + 1..).unwrap_or("").trim_start();
            } else {
                let close = after.find(' ').unwrap_or(after.len());
                value = after[..close].to_owned();
                rest = after[close..].trim_start();
            }
        }
        if !key.is_empty() {
            out.push((key, value));
        }
    }
    out
}
