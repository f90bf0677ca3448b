//! Atlassian Statuspage, public API v2: `incidents.json` (`{"incidents": [...]}`), one
//! incident (`{"incident": {...}}`), or a list of incidents.
//!
//! Severity from the incident's `impact` (none and minor: minor; major; critical). What each
//! update claimed, and each component's windows, from the component statuses the updates set
//! (`degraded_performance`: minor, `partial_outage`: major, `major_outage`: critical and a
//! full outage); a window ends when its component is operational again or its kind of outage
//! changes. Scheduled maintenance has `impact: maintenance` or a `scheduled_for` time.

use serde::Deserialize;

use chrono_tz::Tz;

use super::{ComponentWindow, Parsed, Problem, SourceIncident, Update, json_location, parse_time};
use crate::model::{Outage, Severity};

#[derive(Deserialize)]
#[serde(untagged)]
enum Document {
    Page { incidents: Vec<serde_json::Value> },
    One { incident: serde_json::Value },
    List(Vec<serde_json::Value>),
}

#[derive(Deserialize)]
struct Incident {
    id: String,
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    impact: Option<String>,
    created_at: String,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
    #[serde(default)]
    shortlink: Option<String>,
    #[serde(default)]
    scheduled_for: Option<String>,
    #[serde(default)]
    postmortem_body: Option<String>,
    #[serde(default)]
    incident_updates: Vec<IncidentUpdate>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct IncidentUpdate {
    #[serde(default)]
    body: String,
    created_at: String,
    #[serde(default)]
    display_at: Option<String>,
    #[serde(default)]
    affected_components: Option<Vec<AffectedComponent>>,
}

#[derive(Deserialize)]
struct Component {
    name: String,
}

#[derive(Deserialize)]
struct AffectedComponent {
    name: String,
    #[serde(default)]
    new_status: String,
}

/// The severity a component status claims, and whether it is a full outage.
fn claimed(status: &str) -> Option<(Severity, bool)> {
    match status {
        "degraded_performance" => Some((Severity::Minor, false)),
        "partial_outage" => Some((Severity::Major, false)),
        "major_outage" => Some((Severity::Critical, true)),
        _ => None,
    }
}

pub(super) fn read(file: &str, bytes: &[u8], zone: Option<Tz>) -> Parsed {
    let mut parsed = Parsed::default();
    let document: Document = match serde_json::from_slice(bytes) {
        Ok(document) => document,
        Err(error) => {
            parsed.problems.push(Problem::new(
                &json_location(file, &error),
                format!(
                    "not a Statuspage incidents file ({error}); expected the JSON of /api/v2/incidents.json"
                ),
            ));
            return parsed;
        }
    };
    let values = match document {
        Document::Page { incidents } | Document::List(incidents) => incidents,
        Document::One { incident } => vec![incident],
    };
    if values
        .first()
        .is_some_and(|v| v.get("external_desc").is_some())
    {
        parsed.problems.push(Problem::new(
            file,
            "this looks like a Google Cloud status file: import it with `candor import gcp`".into(),
        ));
        return parsed;
    }
    parsed.convert_each(
        values,
        |index| format!("{file}: incidents[{index}]"),
        "Statuspage incident",
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
    let mut windows: Vec<ComponentWindow> = Vec::new();
    let mut components: Vec<String> = incident.components.iter().map(|c| c.name.clone()).collect();
    let mut raw_updates: Vec<(chrono::DateTime<chrono::FixedOffset>, &IncidentUpdate)> = Vec::new();
    for update in &incident.incident_updates {
        let when = update.display_at.as_deref().unwrap_or(&update.created_at);
        raw_updates.push((at(when, "incident_updates.display_at")?, update));
    }
    raw_updates.sort_by_key(|(when, _)| *when);
    let mut any_full = false;
    for (when, update) in &raw_updates {
        let affected = update.affected_components.as_deref().unwrap_or_default();
        let mut worst: Option<Severity> = None;
        for component in affected {
            if !components.contains(&component.name) {
                components.push(component.name.clone());
            }
            let open = windows
                .iter_mut()
                .find(|w| w.component == component.name && w.to.is_none());
            match (claimed(&component.new_status), open) {
                (Some((severity, full)), open) => {
                    worst = worst.max(Some(severity));
                    any_full |= full;
                    let outage = if full { Outage::Full } else { Outage::Partial };
                    match open {
                        // Same kind of outage: the window goes on.
                        Some(window) if window.outage == outage => {}
                        // Worse or better: one window ends and the next begins.
                        Some(window) => {
                            window.to = Some(*when);
                            windows.push(ComponentWindow {
                                component: component.name.clone(),
                                from: *when,
                                to: None,
                                outage,
                            });
                        }
                        None => windows.push(ComponentWindow {
                            component: component.name.clone(),
                            from: *when,
                            to: None,
                            outage,
                        }),
                    }
                }
                (None, Some(window)) if component.new_status == "operational" => {
                    window.to = Some(*when);
                }
                (None, _) => {}
            }
        }
        updates.push(Update {
            at: *when,
            text: update.body.clone(),
            severity_claimed: worst,
            next_update_at: super::promised_update(&update.body),
        });
    }
    let started_at = at(
        incident
            .started_at
            .as_deref()
            .unwrap_or(&incident.created_at),
        "started_at",
    )?;
    let (resolved_at, resolved_guessed) = match &incident.resolved_at {
        Some(text) => (Some(at(text, "resolved_at")?), false),
        None if matches!(
            incident.status.as_str(),
            "resolved" | "postmortem" | "completed"
        ) =>
        {
            (raw_updates.last().map(|(when, _)| *when), true)
        }
        None => (None, false),
    };
    for window in &mut windows {
        if window.to.is_none() {
            window.to = resolved_at;
        }
    }
    let impact = incident.impact.as_deref().unwrap_or("none");
    let severity = match impact {
        "critical" => Severity::Critical,
        "major" => Severity::Major,
        _ => Severity::Minor,
    };
    Ok(SourceIncident {
        location: location.to_owned(),
        url: incident.shortlink.clone(),
        title: incident.name.clone(),
        components,
        severity,
        // The incident as a whole was a full outage only if every component hit was fully
        // out; otherwise the per-component windows say which one was, and for how long.
        outage: if (any_full && windows.iter().all(|w| w.outage == Outage::Full))
            || (windows.is_empty() && impact == "critical")
        {
            Outage::Full
        } else {
            Outage::Partial
        },
        started_at,
        started_guessed: false,
        resolved_at,
        resolved_guessed,
        updates,
        postmortem: incident
            .postmortem_body
            .clone()
            .filter(|p| !p.trim().is_empty()),
        maintenance: impact == "maintenance" || incident.scheduled_for.is_some(),
        windows,
        retrieved_at: None,
        merged: Vec::new(),
        channel: "Status page",
        id: incident.id,
    })
}
