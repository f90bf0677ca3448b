//! `candor import --update`: bring an imported report up to date with its source, touching
//! only what came from the source.
//!
//! The file is edited as text, line by line, so everything a person wrote stays as it was
//! (their wording, comments, layout, checked fields): new status updates are appended to the
//! timeline, `resolved_at` is added once the source has one, `source.retrieved_at` is
//! refreshed, and a severity the new updates claim is listed as unverified. Nothing else is
//! changed; a file whose layout the edit cannot follow is left alone with a reason.

use chrono::{DateTime, FixedOffset};

use super::yaml::YamlWriter;
use super::{SourceIncident, cleaned, time, write_statement};
use crate::load::{self, Node, NodeValue};

/// What an update did to one file.
#[derive(Debug, PartialEq)]
pub(crate) enum Refreshed {
    /// The new text, and how many statements were added.
    Changed { text: String, added: usize },
    /// The file already holds everything the source says.
    Current,
    /// The file's layout does not allow a line edit; why.
    LeftAlone(String),
}

/// The refreshed text of `existing` (an imported report) from `incident`.
pub(crate) fn refresh(existing: &str, incident: &SourceIncident) -> Refreshed {
    let incident = cleaned(incident);
    let limits = crate::config::Limits::default();
    let Some(root) = load::load(existing.as_bytes(), &limits).root else {
        return Refreshed::LeftAlone("it is not valid YAML; fix it first".into());
    };
    let NodeValue::Mapping(entries) = &root.value else {
        return Refreshed::LeftAlone("it is not a map of fields".into());
    };
    let mut lines: Vec<String> = existing.lines().map(str::to_owned).collect();
    let ends_with_newline = existing.ends_with('\n');

    let events: &[Node] = match root.find("/timeline").map(|n| &n.value) {
        Some(NodeValue::Sequence(items)) => items,
        _ => &[],
    };
    let last_at = events
        .iter()
        .filter_map(|event| match event.find("/at").map(|n| &n.value) {
            Some(NodeValue::String(text)) => DateTime::parse_from_rfc3339(text).ok(),
            _ => None,
        })
        .max();
    let mut updates = incident.updates.clone();
    updates.sort_by_key(|u| u.at);
    let new: Vec<_> = updates
        .iter()
        .filter(|u| last_at.is_none_or(|last| u.at > last))
        .collect();
    let resolved = match root.find("/resolved_at") {
        Some(_) => None,
        None if !incident.resolved_guessed => incident.resolved_at,
        None => None,
    };
    if new.is_empty() && resolved.is_none() {
        return Refreshed::Current;
    }

    // Edits from the bottom of the file up, so earlier line numbers stay valid.
    // Each edit: from which line (0-based), how many lines it replaces, and the new lines.
    let mut edits: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut unverified = Vec::new();
    if !new.is_empty() {
        let Some(timeline) = entries.iter().position(|e| e.key == "timeline") else {
            return Refreshed::LeftAlone("it has no timeline to add the new statements to".into());
        };
        if !matches!(root.find("/timeline").map(|n| &n.value), Some(NodeValue::Sequence(items)) if !items.is_empty())
            || !line_ends_after_key(&lines, entries[timeline].key_position.line, "timeline")
        {
            return Refreshed::LeftAlone(
                "its timeline is not a list written one item per line".into(),
            );
        }
        // The timeline ends where the next top-level field begins (or at the end).
        let insert_at = entries
            .get(timeline + 1)
            .map_or(lines.len(), |next| next.key_position.line as usize - 1);
        let mut out = YamlWriter::default();
        for (offset, update) in new.iter().enumerate() {
            write_statement(
                &mut out,
                update,
                &incident,
                events.len() + offset,
                &mut unverified,
            );
        }
        edits.push((
            insert_at,
            0,
            out.finish().lines().map(str::to_owned).collect(),
        ));
    }
    if let Some(resolved_at) = resolved {
        let Some(detected) = entries.iter().find(|e| e.key == "detected_at") else {
            return Refreshed::LeftAlone("it has no detected_at".into());
        };
        edits.push((
            detected.key_position.line as usize,
            0,
            vec![format!(
                "resolved_at: {}",
                time(resolved_at.max(at_of(&root, "/detected_at").unwrap_or(resolved_at)))
            )],
        ));
    }
    if !unverified.is_empty() {
        match unverified_edit(&lines, &root, &unverified) {
            Ok(edit) => edits.push(edit),
            Err(reason) => return Refreshed::LeftAlone(reason),
        }
    }
    if let (Some(node), Some(retrieved_at)) =
        (root.find("/source/retrieved_at"), incident.retrieved_at)
    {
        let index = node.position.line as usize - 1;
        let column = node.position.column as usize - 1;
        if let Some(line) = lines.get_mut(index)
            && line.is_char_boundary(column)
        {
            line.replace_range(column.., &time(retrieved_at));
        }
    }
    edits.sort_by_key(|(at, _, _)| std::cmp::Reverse(*at));
    for (at, remove, new_lines) in edits {
        let at = at.min(lines.len());
        let end = (at + remove).min(lines.len());
        lines.splice(at..end, new_lines);
    }
    let mut text = lines.join("\n");
    if ends_with_newline {
        text.push('\n');
    }
    Refreshed::Changed {
        text,
        added: new.len(),
    }
}

fn at_of(root: &Node, pointer: &str) -> Option<DateTime<FixedOffset>> {
    match &root.find(pointer)?.value {
        NodeValue::String(text) => DateTime::parse_from_rfc3339(text).ok(),
        _ => None,
    }
}

/// Whether line `line` (1-based) is `key:` with nothing but a comment after it: a block.
fn line_ends_after_key(lines: &[String], line: u32, key: &str) -> bool {
    lines
        .get(line as usize - 1)
        .and_then(|l| l.trim_start().strip_prefix(key))
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
}

/// The lines that add `pointers` to `source.unverified`: after its last item when it is a
/// block list, or in place of an empty `[]`.
fn unverified_edit(
    lines: &[String],
    root: &Node,
    pointers: &[String],
) -> Result<(usize, usize, Vec<String>), String> {
    let items = |indent: usize| {
        pointers
            .iter()
            .map(|p| format!("{:indent$}- {}", "", super::yaml::scalar(p)))
            .collect::<Vec<_>>()
    };
    match root.find("/source/unverified") {
        Some(Node {
            value: NodeValue::Sequence(list),
            position,
        }) => {
            let line = position.line as usize - 1;
            if list.is_empty() {
                let text = lines.get(line).ok_or("source.unverified is out of place")?;
                if !text.trim_end().ends_with("[]") {
                    return Err("source.unverified is not written `[]` or as a list".into());
                }
                // `unverified: []` becomes `unverified:` and the new items below it.
                let indent = text.len() - text.trim_start().len();
                let mut replaced =
                    vec![text.trim_end().trim_end_matches("[]").trim_end().to_owned()];
                replaced.extend(items(indent + 2));
                return Ok((line, 1, replaced));
            }
            let last = list
                .last()
                .map_or(line, |item| item.position.line as usize - 1);
            let block = lines
                .get(last)
                .is_some_and(|text| text.trim_start().starts_with("- "));
            if !block {
                return Err("source.unverified is not a list written one item per line".into());
            }
            let indent = lines[last].len() - lines[last].trim_start().len();
            Ok((last + 1, 0, items(indent)))
        }
        _ => Err("it has no source.unverified list".into()),
    }
}
