//! stactus incident files (`version: incident/v1`): `id`, `name`, `impact`, `systems` and a
//! `timeline` of `{ts, description, investigating, resolved}`. Times without an offset are
//! UTC (stactus writes UTC), or in `--timezone` when given.
//!
//! The file has no start time: the first update's time stands for it and is listed as
//! unverified. Severity from `impact` (none and minor: minor; major; critical, which is also
//! taken as a full outage).

use chrono_tz::Tz;

use super::{Parsed, Problem, SourceIncident, Update, parse_time};
use crate::load::{Node, NodeValue};
use crate::model::{Outage, Severity};

pub(super) fn read(file: &str, bytes: &[u8], zone: Option<Tz>) -> Parsed {
    let mut parsed = Parsed::default();
    let root = match super::yaml_tree(file, bytes) {
        Ok(root) => root,
        Err(problem) => {
            parsed.problems.push(problem);
            return parsed;
        }
    };
    match convert(file, &root, zone.unwrap_or(chrono_tz::UTC)) {
        Ok(Some(incident)) => parsed.incidents.push(incident),
        Ok(None) => {}
        Err(problem) => parsed.problems.push(problem),
    }
    parsed
}

fn convert(file: &str, root: &Node, zone: Tz) -> Result<Option<SourceIncident>, Problem> {
    let place = |node: &Node| format!("{file}:{}:{}", node.position.line, node.position.column);
    let problem = |node: &Node, message: String| Problem::new(&place(node), message);
    let text = |pointer: &str| super::text_at(root, pointer);
    match text("/version") {
        Some(version) if version == "incident/v1" => {}
        // Not an incident file (stactus also keeps its settings and systems in YAML).
        _ => return Ok(None),
    }
    let id = text("/id").ok_or_else(|| problem(root, "the incident has no `id`".into()))?;
    let name = text("/name").ok_or_else(|| problem(root, "the incident has no `name`".into()))?;
    let impact = text("/impact").unwrap_or_default();
    let systems: Vec<String> = match root.find("/systems").map(|n| &n.value) {
        Some(NodeValue::Sequence(items)) => items
            .iter()
            .filter_map(|item| match &item.value {
                NodeValue::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let events = match root.find("/timeline").map(|n| &n.value) {
        Some(NodeValue::Sequence(items)) => items.as_slice(),
        _ => &[],
    };
    let mut updates = Vec::new();
    let mut resolved_at = None;
    for (index, event) in events.iter().enumerate() {
        let ts_node = event
            .find("/ts")
            .ok_or_else(|| problem(event, format!("timeline[{index}] has no `ts`")))?;
        let ts = super::text_at(event, "/ts").unwrap_or_default();
        let at = parse_time(&ts, Some(zone)).map_err(|e| Problem::time(&place(ts_node), "", e))?;
        if matches!(
            event.find("/resolved").map(|n| &n.value),
            Some(NodeValue::Bool(true))
        ) {
            resolved_at = Some(resolved_at.map_or(at, |r: chrono::DateTime<_>| r.max(at)));
        }
        let description = super::text_at(event, "/description").unwrap_or_default();
        updates.push(Update {
            at,
            next_update_at: super::promised_update(&description),
            text: description,
            severity_claimed: None,
        });
    }
    let started_at = updates
        .iter()
        .map(|u| u.at)
        .min()
        .ok_or_else(|| problem(root, format!("incident `{id}` has no timeline, so no time")))?;
    Ok(Some(SourceIncident {
        location: format!("{file}:{}:{}", root.position.line, root.position.column),
        title: name,
        url: None,
        components: systems,
        severity: match impact.as_str() {
            "critical" => Severity::Critical,
            "major" => Severity::Major,
            _ => Severity::Minor,
        },
        outage: if impact == "critical" {
            Outage::Full
        } else {
            Outage::Partial
        },
        started_at,
        started_guessed: true,
        resolved_at,
        resolved_guessed: false,
        updates,
        postmortem: None,
        maintenance: false,
        windows: Vec::new(),
        retrieved_at: None,
        merged: Vec::new(),
        channel: "Status page",
        id,
    }))
}
