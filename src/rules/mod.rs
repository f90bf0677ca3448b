//! The accountability rules: registry, levels, the per-report runner, repository-wide rules
//! and waivers.
//!
//! A rule is a function from a report (typed, with positions) and a [`Context`] to findings.
//! Rules never read the clock (`today` is in the context) and never print; they push findings
//! through an [`Emitter`], which resolves the level from candor.yaml and the position from the
//! YAML tree. Families live in their own files; repository-wide rules (duplicate ids,
//! recurrence) work on small [`Summary`] records so that `check` never holds every report.

mod accountability;
mod conduct;
mod deadlines;
mod notifications;
mod placeholders;
mod publication;
mod repository;
mod structure;
mod time;
mod waivers;

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub(crate) use repository::check_repository;
pub(crate) use waivers::{WaiverRecord, apply_waivers};

use crate::config::Config;
use crate::diag::Position;
use crate::diag::{Code, Emitter, Level, Levels, RULES, closest};
use crate::impact::{self, ImpactFigures};
use crate::load::Node;
use crate::model::{CauseCategory, Incident, Status, Text};
use crate::timeliness::PublicationTimes;

/// Problems with candor.yaml's `rules` map, as (pointer, message, help).
pub(crate) fn config_rule_problems(config: &Config) -> Vec<(String, String, String)> {
    let mut problems = Vec::new();
    for (key, level) in &config.rule_levels {
        let pointer = format!("/rules/{}", key.replace('~', "~0").replace('/', "~1"));
        match Code::parse(key) {
            None => {
                let codes: Vec<&str> = RULES.iter().map(|r| r.code_str).collect();
                let hint = closest(key, &codes)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                problems.push((
                    pointer,
                    format!("`{key}` is not a rule code{hint}"),
                    "use a code from `candor rules`, such as `A015`".into(),
                ));
            }
            Some(code) if !code.is_configurable() && *level != Level::Deny => problems.push(
                if code.family() == crate::diag::Family::Structure {
                    (
                        pointer,
                        format!("`{code}` is a structure rule and cannot be set to `{}`", level.as_str()),
                        "remove the override: a report with a structure finding cannot be checked or published reliably".into(),
                    )
                } else {
                    (
                        pointer,
                        format!("`{code}` cannot be set to `{}`: it always denies", level.as_str()),
                        "remove the override: a published report must not say nothing".into(),
                    )
                },
            ),
            Some(_) => {}
        }
    }
    problems
}

/// What every rule may read besides the report.
pub struct Context<'a> {
    /// The validated candor.yaml.
    pub config: &'a Config,
    /// Rule levels.
    pub levels: &'a Levels,
    /// "Now": the start of `--today`, or the current time.
    pub today: DateTime<Utc>,
    /// Whether candor.yaml's organisations and services can be trusted (it validated).
    pub references_known: bool,
    /// When each report was first published and first final, by id, from the repository's
    /// history (`None` when there is no history to read).
    pub publications: Option<&'a HashMap<String, PublicationTimes>>,
    /// The files whose findings are wanted (`check --changed-since`, paths given), or `None`
    /// for every file: rules across reports still read every report, but write findings
    /// only for these.
    pub wanted: Option<&'a std::collections::HashSet<String>>,
}

impl Context<'_> {
    /// Whether findings on `file` are wanted.
    pub fn wants(&self, file: &str) -> bool {
        self.wanted.is_none_or(|wanted| wanted.contains(file))
    }
}

impl Context<'_> {
    /// Today's date (UTC).
    pub fn today_date(&self) -> NaiveDate {
        self.today.date_naive()
    }
}

/// A report under check: the typed model and the tree it came from.
pub(crate) struct Subject<'a> {
    /// File name without `.yaml`.
    pub stem: &'a str,
    /// The typed report.
    pub incident: &'a Incident,
    /// The computed impact.
    pub impact: &'a ImpactFigures,
}

/// Run every per-report rule on `subject`.
pub(crate) fn check_report(subject: &Subject<'_>, context: &Context<'_>, out: &mut Emitter<'_>) {
    structure::check(subject, context, out);
    time::check(subject, context, out);
    accountability::check(subject, context, out);
    deadlines::check(subject, context, out);
    placeholders::check(subject, context, out);
    conduct::check(subject, context, out);
    notifications::check(subject, context, out);
}

/// Compute the impact figures for a report under the context's policy and today.
pub(crate) fn assess(incident: &Incident, context: &Context<'_>) -> ImpactFigures {
    impact::assess(incident, &context.config.policy, context.today)
}

/// What the repository-wide rules and waivers need to know of one report, kept after the
/// report's tree and model are dropped (and cached between runs of `check --changed-since`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// File path relative to the repository root (not cached: a cached summary is keyed by
    /// its content, and takes the path it is found at).
    #[serde(skip)]
    pub file: String,
    /// The report id.
    pub id: String,
    /// The report's title, to name it in other reports' findings.
    pub title: Text,
    /// The language of its plain-string texts.
    pub language: String,
    /// Where the id is written.
    pub id_position: Position,
    /// Status.
    pub status: Status,
    /// Where the status is written.
    pub status_position: Position,
    /// When the incident was detected.
    pub detected_at: DateTime<FixedOffset>,
    /// When it was resolved.
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// Affected services.
    pub services: Vec<String>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Root cause category and where it is written, if there is a root cause.
    pub cause: Option<(CauseCategory, Position)>,
    /// The report's waivers.
    pub waivers: Vec<WaiverRecord>,
}

impl Summary {
    /// The summary of a report that passed schema validation.
    pub fn of(file: &str, incident: &Incident, root: &Node) -> Summary {
        Summary {
            file: file.to_owned(),
            id: incident.id.clone(),
            title: incident.title.clone(),
            language: incident.language.clone(),
            id_position: root.position_of("/id"),
            status: incident.status,
            status_position: root.position_of("/status"),
            detected_at: incident.detected_at,
            resolved_at: incident.resolved_at,
            services: incident.services.clone(),
            started_at: incident.started_at.with_timezone(&Utc),
            cause: incident
                .root_cause
                .as_ref()
                .map(|cause| (cause.category, root.position_of("/root_cause/category"))),
            waivers: WaiverRecord::of(incident, root),
        }
    }
}
