//! `candor import --update`: bring an imported report up to date with its source, touching
//! only what came from the source.
//!
//! The file is edited as text, line by line, so everything a person wrote stays as it was
//! (their wording, comments, layout, line ends, checked fields): new status updates are
//! appended to the timeline at its own indentation, `resolved_at` is added once the source
//! has one, a source incident that joins the report is added to `source.merged`,
//! `source.retrieved_at` is refreshed, and a severity the new updates claim is listed as
//! unverified. Nothing else changes. The result must load as a report with the new
//! statements in it; if the file's layout does not allow that (flow style, statements the
//! source added before the file's last event), the file is left alone with the reason.

use chrono::{DateTime, FixedOffset};

use super::yaml::YamlWriter;
use super::{SourceIncident, cleaned, time, write_statement};
use crate::load::{self, Node, NodeValue};
use crate::model::Incident;

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

/// One edit: from which line (0-based), how many lines it replaces, and the new lines.
type Edit = (usize, usize, Vec<String>);

/// The refreshed text of `existing` (an imported report) from `incident`; `joining` are the
/// source ids the report does not list yet.
pub(crate) fn refresh(existing: &str, incident: &SourceIncident, joining: &[String]) -> Refreshed {
    match edits(existing, incident, joining) {
        Ok(None) => Refreshed::Current,
        Ok(Some((text, added))) => Refreshed::Changed { text, added },
        Err(reason) => Refreshed::LeftAlone(reason),
    }
}

fn edits(
    existing: &str,
    incident: &SourceIncident,
    joining: &[String],
) -> Result<Option<(String, usize)>, String> {
    let incident = cleaned(incident);
    let limits = crate::config::Limits {
        max_file_bytes: u64::MAX,
        ..crate::config::Limits::default()
    };
    let loaded = load::load(existing.as_bytes(), &limits);
    let Some(root) = loaded.root.filter(|_| loaded.problems.is_empty()) else {
        return Err("it is not valid YAML; fix it first".into());
    };
    let NodeValue::Mapping(entries) = &root.value else {
        return Err("it is not a map of fields".into());
    };
    let line_end = if existing.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut lines: Vec<String> = existing.lines().map(str::to_owned).collect();

    let events: &[Node] = match root.find("/timeline").map(|n| &n.value) {
        Some(NodeValue::Sequence(items)) => items,
        _ => &[],
    };
    let times: Vec<DateTime<FixedOffset>> =
        events.iter().filter_map(|e| time_at(e, "/at")).collect();
    let last_at = times.iter().max().copied();
    let mut updates = incident.updates.clone();
    updates.sort_by_key(|u| u.at);
    let new: Vec<_> = updates.iter().filter(|u| !times.contains(&u.at)).collect();
    if let (Some(first_new), Some(last)) = (new.first(), last_at)
        && first_new.at < last
    {
        return Err(format!(
            "the source has a statement at {} that is earlier than the file's last event ({}); add it by hand where it belongs",
            time(first_new.at),
            time(last)
        ));
    }
    let resolved = match root.find("/resolved_at") {
        None if !incident.resolved_guessed => incident.resolved_at,
        _ => None,
    };
    if new.is_empty() && resolved.is_none() && joining.is_empty() {
        return Ok(None);
    }

    let mut edits: Vec<Edit> = Vec::new();
    let mut unverified = Vec::new();
    if !new.is_empty() {
        let timeline = entries
            .iter()
            .position(|e| e.key == "timeline")
            .ok_or("it has no timeline to add the new statements to")?;
        let first = events
            .first()
            .ok_or("its timeline is empty, so its layout is unknown")?;
        let indent = item_indent(&lines, first)
            .filter(|_| is_block_key(&lines, entries[timeline].key_position.line, "timeline"))
            .ok_or("its timeline is not a list written one item per line")?;
        // After the timeline's last line: before the next field, less the blank lines and
        // comments that lead into it.
        let mut insert_at = entries
            .get(timeline + 1)
            .map_or(lines.len(), |next| next.key_position.line as usize - 1);
        while insert_at > 0 && {
            let line = lines[insert_at - 1].trim();
            line.is_empty() || line.starts_with('#')
        } {
            insert_at -= 1;
        }
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
        let shifted = out
            .finish()
            .lines()
            .map(|line| match line.strip_prefix("  ") {
                Some(rest) => format!("{:indent$}{rest}", ""),
                None => line.to_owned(),
            })
            .collect();
        edits.push((insert_at, 0, shifted));
    }
    if let Some(resolved_at) = resolved {
        let detected = entries
            .iter()
            .find(|e| e.key == "detected_at")
            .ok_or("it has no detected_at")?;
        let after = time_at(&root, "/detected_at").map_or(resolved_at, |d| resolved_at.max(d));
        edits.push((
            detected.key_position.line as usize,
            0,
            vec![format!("resolved_at: {}", time(after))],
        ));
    }
    if !unverified.is_empty() {
        edits.push(list_edit(&lines, &root, "unverified", &unverified)?);
    }
    if !joining.is_empty() {
        edits.push(list_edit(&lines, &root, "merged", joining)?);
    }
    if let (Some(node), Some(retrieved_at)) =
        (root.find("/source/retrieved_at"), incident.retrieved_at)
    {
        let index = node.position.line as usize - 1;
        let column = node.position.column as usize - 1;
        let line = &mut lines[index];
        if !line.trim_start().starts_with("retrieved_at:") || !line.is_char_boundary(column) {
            return Err("its source is not written one field per line".into());
        }
        let old_len = line[column..]
            .find(|c: char| c.is_whitespace())
            .unwrap_or(line.len() - column);
        line.replace_range(column..column + old_len, &time(retrieved_at));
    }
    edits.sort_by_key(|(at, _, _)| std::cmp::Reverse(*at));
    for (at, remove, new_lines) in edits {
        let at = at.min(lines.len());
        let end = (at + remove).min(lines.len());
        lines.splice(at..end, new_lines);
    }
    let mut text = lines.join(line_end);
    if existing.ends_with('\n') {
        text.push_str(line_end);
    }
    // The result must still be a report, with the statements added.
    let reread = load::load(text.as_bytes(), &limits);
    let typed = reread
        .root
        .filter(|_| reread.problems.is_empty())
        .and_then(|root| serde_json::from_value::<Incident>(root.to_json()).ok());
    match typed {
        Some(report) if report.timeline.len() == events.len() + new.len() => {
            Ok(Some((text, new.len())))
        }
        _ => Err(
            "its layout does not allow adding lines safely; add the new statements by hand".into(),
        ),
    }
}

fn time_at(node: &Node, pointer: &str) -> Option<DateTime<FixedOffset>> {
    match &node.find(pointer)?.value {
        NodeValue::String(text) => DateTime::parse_from_rfc3339(text).ok(),
        _ => None,
    }
}

/// Whether line `line` (1-based) is `key:` with nothing but a comment after it: a block.
fn is_block_key(lines: &[String], line: u32, key: &str) -> bool {
    lines
        .get(line as usize - 1)
        .and_then(|l| l.trim_start().strip_prefix(key))
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
}

/// The indentation of the `- ` that starts a block list item, from the item's first line.
fn item_indent(lines: &[String], item: &Node) -> Option<usize> {
    let line = lines.get(item.position.line as usize - 1)?;
    let indent = line.len() - line.trim_start_matches(' ').len();
    line[indent..].starts_with("- ").then_some(indent)
}

/// The lines that add `items` to the list `source.<key>`: after its last item when it is a
/// block list, in place of an empty `[]`, or as a new block list after `source.id`.
fn list_edit(lines: &[String], root: &Node, key: &str, items: &[String]) -> Result<Edit, String> {
    let id = root.find("/source/id").ok_or("it has no source.id")?;
    let id_line = id.position.line as usize - 1;
    let field_indent = lines
        .get(id_line)
        .filter(|l| l.trim_start().starts_with("id:"))
        .map(|l| l.len() - l.trim_start().len())
        .ok_or("its source is not written one field per line")?;
    let written = |indent: usize| {
        items
            .iter()
            .map(|p| format!("{:indent$}- {}", "", super::yaml::scalar(p)))
            .collect::<Vec<_>>()
    };
    match root.find(&format!("/source/{key}")) {
        None => {
            let mut new = vec![format!("{:field_indent$}{key}:", "")];
            new.extend(written(field_indent + 2));
            Ok((id_line + 1, 0, new))
        }
        Some(Node {
            value: NodeValue::Sequence(list),
            position,
        }) => {
            let line = position.line as usize - 1;
            if list.is_empty() {
                let text = lines.get(line).ok_or("source is out of place")?;
                if !text.trim_end().ends_with("[]") {
                    return Err(format!("source.{key} is not written `[]` or as a list"));
                }
                let mut replaced =
                    vec![text.trim_end().trim_end_matches("[]").trim_end().to_owned()];
                replaced.extend(written(field_indent + 2));
                return Ok((line, 1, replaced));
            }
            let last = list.last().ok_or("source is out of place")?;
            let indent = item_indent(lines, last).ok_or(format!(
                "source.{key} is not a list written one item per line"
            ))?;
            Ok((last.position.line as usize, 0, written(indent)))
        }
        Some(_) => Err(format!("source.{key} is not a list")),
    }
}
