//! cState incident files: Hugo Markdown with front matter (`title`, `date`, `resolved`,
//! `resolvedWhen`, `severity`, `affected`, `informational`) and the updates in the body, one
//! paragraph each, ending in `{{< track "TIME" >}}`.
//!
//! cState writes times without an offset unless the author added one, so those need
//! `--timezone`. Severity: notice is minor, disrupted major, down critical (and a full
//! outage). `informational: true` is treated as maintenance.

use chrono_tz::Tz;

use super::{Parsed, Problem, SourceIncident, Update, parse_time};
use crate::load::NodeValue;
use crate::model::{Outage, Severity};

pub(super) fn read(file: &str, bytes: &[u8], zone: Option<Tz>) -> Parsed {
    let mut parsed = Parsed::default();
    match convert(file, bytes, zone) {
        Ok(incident) => parsed.incidents.push(incident),
        Err(problem) => parsed.problems.push(problem),
    }
    parsed
}

/// The front matter (between the first two `---` lines) and the body, with the line the
/// front matter starts on.
fn split(text: &str) -> Option<(&str, &str)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let end = rest.find("\n---")?;
    let front = &rest[..end + 1];
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Some((front, body))
}

fn convert(file: &str, bytes: &[u8], zone: Option<Tz>) -> Result<SourceIncident, Problem> {
    let at_file = |line: u32, message: String| Problem::new(&format!("{file}:{line}:1"), message);
    let text =
        std::str::from_utf8(bytes).map_err(|_| at_file(1, "the file is not UTF-8 text".into()))?;
    let (front, body) = split(text).ok_or_else(|| {
        at_file(
            1,
            "no front matter: a cState incident starts with `---`, its fields, and `---`".into(),
        )
    })?;
    // Positions in the front matter are one line below the file's (the opening `---`).
    let root = super::yaml_tree(file, front.as_bytes()).map_err(|mut problem| {
        problem.location = shift_line(&problem.location, file);
        problem
    })?;
    let place = |pointer: &str| {
        let node = root.find(pointer);
        format!(
            "{file}:{}:{}",
            node.map_or(1, |n| n.position.line + 1),
            node.map_or(1, |n| n.position.column)
        )
    };
    let field = |pointer: &str| super::text_at(&root, pointer);
    let title =
        field("/title").ok_or_else(|| at_file(1, "the front matter has no `title`".into()))?;
    let date = field("/date").ok_or_else(|| at_file(1, "the front matter has no `date`".into()))?;
    let started_at = parse_time(&date, zone).map_err(|e| Problem::time(&place("/date"), "", e))?;
    let resolved = matches!(
        root.find("/resolved").map(|n| &n.value),
        Some(NodeValue::Bool(true))
    );
    let resolved_at = match (resolved, field("/resolvedWhen")) {
        (true, Some(when)) => Some(
            parse_time(&when, zone).map_err(|e| Problem::time(&place("/resolvedWhen"), "", e))?,
        ),
        _ => None,
    };
    let severity_word = field("/severity").unwrap_or_default();
    let affected: Vec<String> = match root.find("/affected").map(|n| &n.value) {
        Some(NodeValue::Sequence(items)) => items
            .iter()
            .filter_map(|item| match &item.value {
                NodeValue::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        Some(NodeValue::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    let body_line = text[..text.len() - body.len()].lines().count() as u32 + 1;
    let updates = updates(body, zone).map_err(|(offset, error)| {
        Problem::time(&format!("{file}:{}:1", body_line + offset), "", error)
    })?;
    let resolved_guessed = resolved && resolved_at.is_none();
    let resolved_at = resolved_at.or_else(|| {
        resolved
            .then(|| updates.iter().map(|u| u.at).max())
            .flatten()
    });
    let id = field("/id").unwrap_or_else(|| {
        std::path::Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file)
            .to_owned()
    });
    Ok(SourceIncident {
        location: file.to_owned(),
        title,
        url: None,
        components: affected,
        severity: match severity_word.as_str() {
            "down" => Severity::Critical,
            "disrupted" => Severity::Major,
            _ => Severity::Minor,
        },
        outage: if severity_word == "down" {
            Outage::Full
        } else {
            Outage::Partial
        },
        started_at,
        started_guessed: false,
        resolved_at,
        resolved_guessed,
        updates,
        postmortem: None,
        maintenance: matches!(
            root.find("/informational").map(|n| &n.value),
            Some(NodeValue::Bool(true))
        ),
        windows: Vec::new(),
        retrieved_at: None,
        merged: Vec::new(),
        channel: "Status page",
        id,
    })
}

/// `file:L:C` from a front-matter position to the file's line.
fn shift_line(location: &str, file: &str) -> String {
    let rest = location.strip_prefix(file).unwrap_or_default();
    let mut parts = rest.trim_start_matches(':').split(':');
    match (
        parts.next().and_then(|l| l.parse::<u32>().ok()),
        parts.next(),
    ) {
        (Some(line), Some(column)) => format!("{file}:{}:{column}", line + 1),
        _ => location.to_owned(),
    }
}

/// The updates in the body: paragraphs ending in `{{< track "TIME" >}}`, with the shortcodes
/// removed. Paragraphs without one belong to the update below them (cState puts the time at
/// the end of an update); any left at the end go with the last update. An error names the
/// paragraph's line within the body.
fn updates(body: &str, zone: Option<Tz>) -> Result<Vec<Update>, (u32, super::TimeError)> {
    let mut updates: Vec<Update> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let lines: Vec<&str> = body.lines().collect();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut start_line = 0u32;
    for (number, line) in lines.iter().enumerate() {
        if paragraph.is_empty() {
            start_line = number as u32;
        }
        if !line.trim().is_empty() {
            paragraph.push(line);
        }
        let ends = line.trim().is_empty() || number + 1 == lines.len();
        if !ends || paragraph.is_empty() {
            continue;
        }
        let joined = paragraph.join("\n");
        paragraph.clear();
        let (text, time) = without_shortcodes(&joined);
        let Some(time) = time else {
            if !text.is_empty() {
                pending.push(text);
            }
            continue;
        };
        let at = parse_time(&time, zone).map_err(|e| (start_line, e))?;
        pending.push(text);
        let text = pending.join("\n\n").trim().to_owned();
        pending.clear();
        updates.push(Update {
            at,
            next_update_at: super::promised_update(&text),
            text,
            severity_claimed: None,
        });
    }
    if !pending.is_empty()
        && let Some(last) = updates.last_mut()
    {
        last.text = format!("{}\n\n{}", last.text, pending.join("\n\n"));
    }
    Ok(updates)
}

/// The paragraph without its `{{< ... >}}` shortcodes, and the time of its first `track`.
fn without_shortcodes(paragraph: &str) -> (String, Option<String>) {
    let mut text = String::new();
    let mut time = None;
    let mut rest = paragraph;
    while let Some(open) = rest.find("{{<") {
        text.push_str(&rest[..open]);
        let after = &rest[open..];
        let close = after.find(">}}").map_or(after.len(), |i| i + 3);
        let shortcode = &after[..close];
        if time.is_none()
            && shortcode
                .trim_start_matches("{{<")
                .trim_start()
                .starts_with("track")
        {
            time = shortcode.split('"').nth(1).map(str::to_owned);
        }
        rest = &after[close..];
    }
    text.push_str(rest);
    (text.trim().to_owned(), time)
}
