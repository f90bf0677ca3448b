//! The permanent page of one published revision of a report: its key facts exactly as they
//! were published then (status, severity, people affected, cause, promised actions and their
//! due dates), so a citation of that revision keeps pointing at what it cited. Built only from
//! the revision itself: a later change to the report never changes this page.

use serde::Serialize;

use super::{Label, Localizer, TextView, label};
use crate::history::{KeyFacts, Revision};
use crate::site::Report;

/// A revision page.
#[derive(Debug, Serialize)]
pub(crate) struct RevisionPageView {
    /// The title as published then.
    pub title: TextView,
    /// The report's current page, from this page.
    pub current_href: String,
    /// When it was published.
    pub date: String,
    /// ISO date and time.
    pub date_iso: String,
    /// Short commit id.
    pub short: String,
    /// Full commit id.
    pub commit: String,
    /// Whether this is the first published revision.
    pub first: bool,
    /// The revision's note for readers, when it wrote one.
    pub note: Option<TextView>,
    /// The key facts, one (label, value) each.
    pub facts: Vec<(String, String)>,
    /// The promised actions: id, due date, status.
    pub actions: Vec<RevisionAction>,
}

/// One promised action as published in the revision.
#[derive(Debug, Serialize)]
pub(crate) struct RevisionAction {
    /// Its id.
    pub id: String,
    /// Its due date then, formatted.
    pub due: String,
    /// Its status then.
    pub status: Option<Label>,
}

/// Every published revision of `report` that has a page: the first publication and each later
/// published revision.
pub(crate) fn published_revisions<'r>(report: &'r Report<'_>) -> Vec<&'r Revision> {
    report
        .history
        .first_published
        .iter()
        .chain(report.history.amendments.iter().map(|(r, _)| r))
        .filter(|r| r.facts.is_some())
        .collect()
}

/// Build the page of `revision` of `report`.
pub(crate) fn revision_page(
    report: &Report<'_>,
    revision: &Revision,
    l: &Localizer<'_>,
) -> Option<RevisionPageView> {
    let facts: &KeyFacts = revision.facts.as_ref()?;
    let incident = report.incident();
    let report_lang = incident.language.as_str();
    let strings = l.strings;
    let none = || "–".to_owned();
    let field = |key: &str| strings.get(&format!("history.field.{key}")).to_owned();
    let mut rows = vec![
        (
            field("status"),
            facts
                .status
                .map(|s| strings.get(&format!("status.{}", s.as_str())).to_owned())
                .unwrap_or_else(none),
        ),
        (
            field("severity"),
            facts
                .severity
                .map(|s| strings.get(&format!("severity.{}", s.as_str())).to_owned())
                .unwrap_or_else(none),
        ),
        (
            field("users_affected"),
            facts
                .users_affected
                .map(|u| strings.integer(u as f64))
                .unwrap_or_else(none),
        ),
        (
            field("cause_status"),
            facts
                .cause_status
                .map(|s| {
                    strings
                        .get(&format!("cause_status.{}", s.as_str()))
                        .to_owned()
                })
                .unwrap_or_else(none),
        ),
        (
            field("cause_category"),
            facts
                .cause_category
                .map(|c| {
                    strings
                        .get(&format!("cause_category.{}", c.as_str()))
                        .to_owned()
                })
                .unwrap_or_else(none),
        ),
        (
            field("cause_trigger"),
            facts
                .cause_trigger
                .as_ref()
                .map(|t| l.text(t, report_lang).text)
                .unwrap_or_else(none),
        ),
    ];
    rows.push((
        field("resolved_at"),
        facts
            .resolved_at
            .map(|t| l.date_time(&t))
            .unwrap_or_else(none),
    ));
    let first = report
        .history
        .first_published
        .as_ref()
        .is_some_and(|f| f.commit == revision.commit);
    Some(RevisionPageView {
        title: facts
            .title
            .as_ref()
            .map(|t| l.text(t, report_lang))
            .unwrap_or_else(|| l.text(&incident.title, report_lang)),
        current_href: format!("../{}.html", incident.id),
        date: l.date_time(&revision.time),
        date_iso: revision.time.to_rfc3339(),
        short: revision.short.clone(),
        commit: revision.commit.clone(),
        first,
        note: facts.change_note.as_ref().map(|n| l.text(n, report_lang)),
        facts: rows,
        actions: facts
            .actions
            .iter()
            .map(|(id, action)| RevisionAction {
                id: id.to_owned(),
                due: action.due.map(|d| strings.date(d)).unwrap_or_else(none),
                status: action
                    .status
                    .map(|s| label(strings, "action_status", s.as_str())),
            })
            .collect(),
    })
}
