//! Structure rules that need the typed report: the id against the file name (S003), action ids
//! unique within a report (S004), references to candor.yaml and to the report's own services
//! (S005), and pointers in `estimated` and `source.unverified` that name a field (S002).
//!
//! Syntax (S001), schema (S002), schema version (S006) and size (S007) are found earlier, by
//! the loader and the validator; report ids unique across files (S004) by the repository rules.

use std::collections::HashMap;

use super::{Code, Context, Emitter, Subject, closest};

pub(super) fn check(subject: &Subject<'_>, context: &Context<'_>, out: &mut Emitter<'_>) {
    let incident = subject.incident;
    if crate::model::is_reserved_name(&incident.id) {
        out.at(
            Code::S003,
            "/id",
            format!(
                "the id `{}` is a name Windows reserves for a device, so the report could not be checked out or opened there",
                incident.id
            ),
            "use the date and a few words of the title, e.g. `2026-11-23-national-eid-login-outage`, and name the file the same",
        );
    }
    if incident.id != subject.stem {
        out.at(
            Code::S003,
            "/id",
            format!(
                "the id `{}` differs from the file name `{}.yaml`",
                incident.id, subject.stem
            ),
            format!(
                "rename the file to `{}.yaml`, or set `id: {}`",
                incident.id, subject.stem
            ),
        );
    }

    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (index, action) in incident.actions.iter().enumerate() {
        if let Some(first) = seen.insert(&*action.id, index) {
            out.at(
                Code::S004,
                &format!("/actions/{index}/id"),
                format!(
                    "action id `{}` is used twice in this report (first by actions[{first}])",
                    action.id
                ),
                "give every action its own id, e.g. the next free `A<number>`",
            );
            seen.insert(&*action.id, first);
        }
    }

    check_limits(subject, context, out);
    check_pointers(subject, out);

    if let Some(impact) = &incident.impact {
        for (index, window) in impact.services.iter().enumerate() {
            if !incident.services.contains(&window.service) {
                out.at(
                    Code::S005,
                    &format!("/impact/services/{index}/service"),
                    format!(
                        "`{}` has a window under impact.services but is not one of this report's services",
                        window.service
                    ),
                    format!(
                        "add `{}` to `services`, or use one of: {}",
                        window.service,
                        incident.services.join(", ")
                    ),
                );
            }
        }
    }

    if !context.references_known {
        return;
    }
    let config = &context.config.file;
    if !config.organisations.contains_key(&incident.organisation) {
        let keys: Vec<&str> = config.organisations.keys().map(String::as_str).collect();
        out.at(
            Code::S005,
            "/organisation",
            format!(
                "`{}` is not an organisation in candor.yaml",
                incident.organisation
            ),
            suggestion(&incident.organisation, &keys, "organisations"),
        );
    }
    for (index, service) in incident.services.iter().enumerate() {
        if !config.services.contains_key(service) {
            let keys: Vec<&str> = config.services.keys().map(String::as_str).collect();
            out.at(
                Code::S005,
                &format!("/services/{index}"),
                format!("`{service}` is not a service in candor.yaml"),
                suggestion(service, &keys, "services"),
            );
        }
    }
}

/// The pointers in `estimated` and `source.unverified` must each name a field of the report
/// (S002): a mistyped one would mark nothing, silently.
fn check_pointers(subject: &Subject<'_>, out: &mut Emitter<'_>) {
    let incident = subject.incident;
    let unverified = incident
        .source
        .as_ref()
        .map(|source| source.unverified.as_slice())
        .unwrap_or_default();
    if incident.estimated.is_empty() && unverified.is_empty() {
        return;
    }
    let Ok(value) = serde_json::to_value(incident) else {
        return;
    };
    let lists = [
        ("/estimated", incident.estimated.as_slice()),
        ("/source/unverified", unverified),
    ];
    for (list, pointers) in lists {
        for (index, pointer) in pointers.iter().enumerate() {
            if value.pointer(pointer).is_none() {
                out.at(
                    Code::S002,
                    &format!("{list}/{index}"),
                    format!("`{pointer}` names no field of this report"),
                    "write a JSON pointer to a field that is in the report, such as `/detected_at` or `/impact/users_affected/estimate`; remove it if the field is gone",
                );
            }
        }
    }
}

/// Counts and lengths within a report, against `limits` in candor.yaml (S007).
fn check_limits(subject: &Subject<'_>, context: &Context<'_>, out: &mut Emitter<'_>) {
    let limits = &context.config.limits;
    let incident = subject.incident;
    for (pointer, count, limit, setting) in [
        (
            "/timeline",
            incident.timeline.len(),
            limits.max_timeline_events,
            "max_timeline_events",
        ),
        (
            "/actions",
            incident.actions.len(),
            limits.max_actions,
            "max_actions",
        ),
    ] {
        if count > limit as usize {
            out.at(
                Code::S007,
                pointer,
                format!("{} has {count} entries, over the limit of {limit}", &pointer[1..]),
                format!("keep the report to what readers need, or raise `limits.{setting}` in candor.yaml"),
            );
        }
    }
    let limit = limits.max_text_chars as usize;
    for (pointer, text) in incident.text_fields() {
        for (language, value) in text.variants(&incident.language) {
            let chars = value.chars().count();
            if chars > limit {
                let pointer = match text {
                    crate::model::Text::Plain(_) => pointer.clone(),
                    crate::model::Text::Localized(_) => format!("{pointer}/{language}"),
                };
                out.at(
                    Code::S007,
                    &pointer,
                    format!("this text has {chars} characters, over the limit of {limit}"),
                    "shorten it and link to longer material under `references`, or raise `limits.max_text_chars` in candor.yaml",
                );
            }
        }
    }
}

/// "did you mean `x`?", or the list of known keys, or how to add one.
pub(super) fn suggestion(key: &str, known: &[&str], section: &str) -> String {
    if let Some(best) = closest(key, known) {
        return format!(
            "did you mean `{best}`? Otherwise add `{key}` under `{section}` in candor.yaml"
        );
    }
    if known.is_empty() {
        return format!("add `{key}` under `{section}` in candor.yaml");
    }
    let mut listed: Vec<&str> = known.iter().copied().take(8).collect();
    listed.sort_unstable();
    format!(
        "use one of: {}{}; or add `{key}` under `{section}` in candor.yaml",
        listed
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", "),
        if known.len() > 8 { ", ..." } else { "" }
    )
}
