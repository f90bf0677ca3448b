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

pub(super) fn read(file: &str, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let values: Vec<serde_json::Value> = match serde_json::from_slice(bytes) {
        Ok(values) => values,
        Err(error) => {
            parsed.problems.push(Problem {
                location: json_location(file, &error),
                message: format!(
                    "not a Google Cloud status incidents.json ({error}); expected a list of incidents"
                ),
            });
            return parsed;
        }
    };
    for (index, value) in values.into_iter().enumerate() {
        let location = format!("{file}: [{index}]");
        match serde_json::from_value::<Incident>(value) {
            Ok(incident) => match convert(incident, &location) {
                Ok(incident) => parsed.incidents.push(incident),
                Err(message) => parsed.problems.push(Problem { location, message }),
            },
            Err(error) => parsed.problems.push(Problem {
                location,
                message: format!("not a Google Cloud incident: {error}"),
            }),
        }
    }
    parsed
}

fn convert(incident: Incident, location: &str) -> Result<SourceIncident, String> {
    let at = |text: &str, field: &str| {
        parse_time(text, None).map_err(|e| format!("{} ({field}): {e}", incident.id))
    };
    let mut updates = Vec::new();
    let mut postmortem = None;
    for update in &incident.updates {
        let when = at(&update.when, "updates.when")?;
        let first_line = update.text.trim_start().lines().next().unwrap_or_default();
        let heading = first_line.trim_start_matches('#').trim();
        if heading.starts_with("Incident Report") || heading.starts_with("Mini Incident Report") {
            postmortem = Some(update.text.clone());
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
        postmortem,
        maintenance: false,
        windows: Vec::new(),
        retrieved_at: None,
        merged: Vec::new(),
        channel: "Google Cloud status dashboard",
        id: incident.id,
    })
}
