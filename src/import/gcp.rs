//! Google Cloud status: `incidents.json`, a list of incidents with `begin`, `end`,
//! `external_desc`, `severity` (low, medium, high), `status_impact`, `affected_products` and
//! `updates` (`when`, `text`, `status`).
//!
//! Severity: low is minor, medium major, high critical. What each update claimed, from its
//! status: `SERVICE_INFORMATION` minor, `SERVICE_DISRUPTION` major, `SERVICE_OUTAGE`
//! critical. A full outage when `status_impact` is `SERVICE_OUTAGE`. An update whose first
//! line is "Incident Report" or "Mini Incident Report" is also the post-mortem. "We will provide more information by
//! Friday, 2022-07-01 13:00 US/Pacific" becomes the statement's `next_update_at`.

use serde::Deserialize;

use chrono_tz::Tz;

use super::{Parsed, Problem, SourceIncident, Update, json_location, parse_time};
use crate::model::{Outage, Severity};

/// The status page the `uri` of an incident is relative to.
const BASE_URL: &str = "https://status.cloud.google.com/";

#[derive(Deserialize)]
struct Incident {
    id: String,
    begin: String,
    #[serde(default)]
    end: Option<String>,
    external_desc: String,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    status_impact: Option<String>,
    #[serde(default)]
    affected_products: Vec<Product>,
    #[serde(default)]
    service_name: Option<String>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    updates: Vec<IncidentUpdate>,
}

#[derive(Deserialize)]
struct Product {
    title: String,
}

#[derive(Deserialize)]
struct IncidentUpdate {
    when: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    status: String,
}

pub(super) fn read(file: &str, bytes: &[u8], zone: Option<Tz>) -> Parsed {
    let mut parsed = Parsed::default();
    let values: Vec<serde_json::Value> = match serde_json::from_slice(bytes) {
        Ok(values) => values,
        Err(error) => {
            let hint = if bytes.windows(12).any(|w| w == b"\"incidents\":") {
                ": this looks like a Statuspage file; import it with `candor import statuspage`"
            } else {
                "; expected a list of incidents"
            };
            parsed.problems.push(Problem::new(
                &json_location(file, &error),
                format!("not a Google Cloud status incidents.json ({error}){hint}"),
            ));
            return parsed;
        }
    };
    parsed.convert_each(
        values,
        |index| format!("{file}: [{index}]"),
        "Google Cloud incident",
        |incident: Incident, location| convert(incident, location, zone),
    );
    parsed
}

fn convert(
    incident: Incident,
    location: &str,
    zone: Option<Tz>,
) -> Result<SourceIncident, Problem> {
    let at = |text: &str, field: &str| {
        parse_time(text, zone)
            .map_err(|e| Problem::time(location, &format!("{} ({field})", incident.id), e))
    };
    let mut updates = Vec::new();
    // The post-mortem: the latest full incident report, else the latest update with a root
    // cause section, else the latest mini report.
    let mut postmortem: Option<(u8, chrono::DateTime<chrono::FixedOffset>, String)> = None;
    for update in &incident.updates {
        let when = at(&update.when, "updates.when")?;
        if let Some(rank) = report_rank(&update.text)
            && postmortem
                .as_ref()
                .is_none_or(|(best, at, _)| (rank, when) > (*best, *at))
        {
            postmortem = Some((rank, when, update.text.clone()));
        }
        updates.push(Update {
            at: when,
            text: update.text.clone(),
            severity_claimed: match update.status.as_str() {
                "SERVICE_INFORMATION" => Some(Severity::Minor),
                "SERVICE_DISRUPTION" => Some(Severity::Major),
                "SERVICE_OUTAGE" => Some(Severity::Critical),
                _ => None,
            },
            next_update_at: super::promised_update(&update.text),
        });
    }
    let mut components: Vec<String> = incident
        .affected_products
        .iter()
        .map(|p| p.title.clone())
        .collect();
    if components.is_empty()
        && let Some(name) = &incident.service_name
    {
        components.push(name.clone());
    }
    Ok(SourceIncident {
        location: location.to_owned(),
        title: incident.external_desc.trim().to_owned(),
        url: incident.uri.as_ref().map(|uri| format!("{BASE_URL}{uri}")),
        components,
        severity: match incident.severity.as_deref() {
            Some("high") => Severity::Critical,
            Some("medium") => Severity::Major,
            _ => Severity::Minor,
        },
        outage: if incident.status_impact.as_deref() == Some("SERVICE_OUTAGE") {
            Outage::Full
        } else {
            Outage::Partial
        },
        started_at: at(&incident.begin, "begin")?,
        started_guessed: false,
        resolved_at: incident.end.as_deref().map(|e| at(e, "end")).transpose()?,
        resolved_guessed: false,
        updates,
        postmortem: postmortem.map(|(_, _, text)| text),
        maintenance: false,
        windows: Vec::new(),
        retrieved_at: None,
        merged: Vec::new(),
        channel: "Google Cloud status dashboard",
        id: incident.id,
    })
}

/// How much an update looks like the post-mortem: 3 for an "Incident Report", 2 for one with a
/// root-cause heading, 1 for a "Mini Incident Report", none for an ordinary update. Headings
/// are matched in any case, with or without `#` or `**`.
fn report_rank(text: &str) -> Option<u8> {
    let heading = |line: &str| {
        line.trim()
            .trim_start_matches('#')
            .trim_matches(|c: char| c == '*' || c == ':' || c.is_whitespace())
            .to_lowercase()
    };
    let first = text
        .lines()
        .map(heading)
        .find(|line| !line.is_empty())
        .unwrap_or_default();
    if first.starts_with("incident report") {
        Some(3)
    } else if text.lines().any(|line| {
        let trimmed = line.trim();
        (trimmed.starts_with('#') || trimmed.starts_with("**"))
            && heading(line).starts_with("root cause")
    }) {
        Some(2)
    } else if first.starts_with("mini incident report") {
        Some(1)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::report_rank;

    #[test]
    fn post_mortems_are_found_in_any_case_and_the_full_one_wins() {
        assert_eq!(report_rank("# Incident Report\n## Summary"), Some(3));
        assert_eq!(report_rank("**INCIDENT REPORT**\ntext"), Some(3));
        assert_eq!(
            report_rank("We apologize for the inconvenience.\n**ROOT CAUSE:**\nA bug."),
            Some(2)
        );
        assert_eq!(
            report_rank("Mini Incident Report\n(All Times US/Pacific)"),
            Some(1)
        );
        assert_eq!(
            report_rank("We are investigating. The root cause is unknown."),
            None
        );
    }
}
