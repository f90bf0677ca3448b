//! The site model: every public figure, computed once, typed, and tested.
//!
//! A figure on a public page is a claim about an agency, so it must be right and it must be
//! the same wherever it appears. The model sits between the check and the renderer: it takes
//! the checked reports, their history and "now", and computes everything a page or an open
//! data file states (publication times and lateness, overdue actions, promises kept, outage
//! minutes as unions of intervals, availability per service and year, user-hours lost, and the
//! organisations' track records). Views only map these fields to text; open data serialises
//! them as they are.

pub mod intervals;
mod organisations;
mod promises;
mod services;
mod stats;

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::Serialize;

pub(crate) use intervals::Interval;
pub(crate) use organisations::{OrganisationFigures, OrganisationYear};
pub(crate) use promises::{LaterChange, PromiseHistory};
pub use services::Availability;
pub(crate) use services::{OutageDay, ServiceFigures, ServiceYear};
pub(crate) use stats::Spread;

use crate::check::CheckedReport;
use crate::config::Config;
use crate::diag::Finding;
use crate::history::{self, History, PublishedHistory, Revision};
use crate::model::{ActionStatus, EventKind, Incident, Outage, Severity};
use crate::prose::Reader;
use crate::publish::SourceRecord;
use crate::timeliness::{self, PublicationTimes, Timeliness};

/// The version of the definitions behind the figures, published with the open data so a
/// reader can tell which definitions a number follows.
pub(crate) const DEFINITIONS_VERSION: u32 = 1;

/// What the model is built from.
pub struct Inputs<'a> {
    /// The validated candor.yaml.
    pub config: &'a Config,
    /// Reads back the reports whose prose was set aside (`None` when every report is whole).
    pub reader: Option<&'a Reader<'a>>,
    /// Every report that validated, with its standing and waived findings.
    pub reports: Vec<ReportInput<'a>>,
    /// The revision history of every report.
    pub history: History,
    /// When each report was first published and first final, by id, as the check read them
    /// from the history (so the pages and rules A019 and A020 agree).
    pub publications: HashMap<String, PublicationTimes>,
    /// "Now".
    pub today: DateTime<Utc>,
    /// The commit the site is built from.
    pub source_commit: Option<String>,
    /// Whether the build reads the working tree rather than a commit.
    pub worktree: bool,
    /// For a national site: every source repository, with the commit read from it or why
    /// it could not be.
    pub sources: &'a [SourceRecord],
}

/// One checked report with its findings.
pub struct ReportInput<'a> {
    /// The validated report and its impact figures.
    pub checked: &'a CheckedReport,
    /// Standing findings on it.
    pub findings: Vec<&'a Finding>,
    /// Findings waivers cover.
    pub waived: Vec<&'a Finding>,
    /// On a national site, the source repository it was read from.
    pub origin: Option<&'a SourceRecord>,
}

/// What a report's pages read of the site beside their report ([`Model::report_page_inputs`]).
#[derive(Debug)]
pub struct ReportPageInputs<'m> {
    /// candor.yaml.
    pub config: &'m Config,
    /// The site's time zone.
    pub time_zone: Tz,
    /// "Now".
    pub today: DateTime<Utc>,
    /// Whether the build read the working tree rather than a commit.
    pub worktree: bool,
    /// Of a national site's sources, how many could not be read.
    pub sources_failed: usize,
    /// How many sources a national site has.
    pub sources: usize,
}

/// Everything the public site states, in every language.
pub struct Model<'a> {
    /// candor.yaml.
    pub config: &'a Config,
    /// Reads back the reports whose prose was set aside.
    reader: Option<&'a Reader<'a>>,
    /// The site's time zone.
    pub time_zone: Tz,
    /// "Now".
    pub today: DateTime<Utc>,
    /// The commit the site was built from.
    pub source_commit: Option<String>,
    /// Whether the build read the working tree rather than a commit.
    pub worktree: bool,
    /// For a national site: every source repository (empty otherwise).
    pub sources: &'a [SourceRecord],
    /// Published reports, newest first.
    pub reports: Vec<Report<'a>>,
    /// Every service in candor.yaml, by key order.
    pub services: Vec<ServiceFigures>,
    /// Every organisation in candor.yaml, by key order.
    pub organisations: Vec<OrganisationFigures>,
    /// Figures across the whole site.
    pub totals: Totals,
    /// The whole site's record per calendar year, oldest first (reports in the year their
    /// incident started, actions in the year they were due).
    pub years: Vec<OrganisationYear>,
}

/// Figures across every published report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Published reports.
    pub reports: usize,
    /// Incidents not resolved yet.
    pub ongoing: usize,
    /// Reports whose final report is overdue now.
    pub final_overdue: usize,
    /// Promised actions past their due date and still open.
    pub actions_overdue: usize,
}

/// A published report and everything the site says about it.
#[derive(Clone)]
pub struct Report<'a> {
    /// The validated report and its impact figures.
    pub checked: &'a CheckedReport,
    /// Standing findings (S and T findings never reach a published page).
    pub findings: Vec<&'a Finding>,
    /// Findings that a waiver covers.
    pub waived: Vec<&'a Finding>,
    /// What git says about its publication.
    pub history: PublishedHistory,
    /// When it was first published, and first published as final.
    pub publication: PublicationTimes,
    /// Those times against the deadlines.
    pub timeliness: Timeliness,
    /// Whether the final report is overdue now.
    pub final_overdue: bool,
    /// Each action's record, in the report's order.
    pub actions: Vec<ActionRecord>,
    /// The outage window: from start to resolution, or to now while ongoing.
    pub outage: Option<Interval>,
    /// Whether the outage was full (a report without impact counts as partial).
    pub full_outage: bool,
    /// Per-service windows from `impact.services` (clipped to now while open), with whether
    /// each was full. A service named here counts these windows instead of `outage`.
    pub service_outages: Vec<(String, Interval, bool)>,
    /// Users affected × outage hours, a partial outage weighted by the policy's weight.
    pub user_hours_lost: Option<f64>,
    /// The weight of the outage's time in that figure: 1 for a full outage, the policy's
    /// `partial_weight` for a partial one.
    pub outage_weight: f64,
    /// What the public was told, against what was true.
    pub statements: StatementRecord,
    /// Key facts that changed after the report was first published, in id order.
    pub later_changes: Vec<LaterChange>,
    /// On a national site, the source repository and commit it was read from.
    pub origin: Option<&'a SourceRecord>,
    /// Whether the organisation publishes its regulator notifications
    /// (`publish_notifications`): only then do the page and the open data show the report's
    /// `notifications` log and the findings on it.
    pub notifications_public: bool,
}

impl Report<'_> {
    /// The report.
    pub fn incident(&self) -> &Incident {
        &self.checked.incident
    }

    /// This report with `checked` in place of its checked report (the same report whole).
    pub fn with_checked<'c>(&self, checked: &'c CheckedReport) -> Report<'c>
    where
        Self: 'c,
    {
        Report {
            checked,
            ..self.clone()
        }
    }

    /// Whether a page may show rule `code`'s findings and waivers: the rules on regulator
    /// notifications only where the organisation publishes its notifications.
    pub fn shows_rule(&self, code: &str) -> bool {
        self.notifications_public
            || !crate::diag::Code::parse(code).is_some_and(|c| c.is_regulator_rule())
    }

    /// The report as the open data publishes it: without its regulator notifications log,
    /// when it was classified, and waivers of the notification rules, unless the
    /// organisation publishes its notifications. The copy is made only when there is
    /// something to leave out.
    pub fn published_incident(&self) -> std::borrow::Cow<'_, Incident> {
        let incident = self.incident();
        let hidden = !self.notifications_public
            && (!incident.notifications.is_empty()
                || incident.classified_at.is_some()
                || incident.waivers.iter().any(|w| !self.shows_rule(&w.rule)));
        if !hidden {
            return std::borrow::Cow::Borrowed(incident);
        }
        let mut copy = incident.clone();
        copy.notifications.clear();
        copy.classified_at = None;
        copy.waivers.retain(|w| self.shows_rule(&w.rule));
        std::borrow::Cow::Owned(copy)
    }

    /// This report's outage windows on `service`, each with whether it was full: the
    /// service's own windows under `impact.services` when it has any, else the report's window
    /// when the service is one of the report's.
    pub fn outages_on(&self, service: &str) -> Vec<(Interval, bool)> {
        let own: Vec<(Interval, bool)> = self
            .service_outages
            .iter()
            .filter(|(key, _, _)| key == service)
            .map(|&(_, window, full)| (window, full))
            .collect();
        if !own.is_empty() {
            return own;
        }
        match self.outage {
            Some(window) if self.incident().services.iter().any(|s| s == service) => {
                vec![(window, self.full_outage)]
            }
            _ => Vec::new(),
        }
    }
}

/// What the site says about one promised action.
///
/// A build holds one for every action of every published report (over a million at 100,000
/// reports): its numbers are 32 bits wide, so a record takes 24 bytes rather than 40.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ActionRecord {
    /// Days past the due date while still open; `None` when not overdue. (Dates span about
    /// 191 million days in all, well within 32 bits.)
    pub days_overdue: Option<i32>,
    /// When it was done: `done_on` as written, or the date of the first commit that marked it
    /// done (in the site's time zone).
    pub done_on: Option<NaiveDate>,
    /// Whether it was done by its due date (`None` when not done, or the date is unknown).
    pub kept_on_time: Option<bool>,
    /// Its due date when first promised in public, and how often it was put off since.
    #[serde(flatten)]
    pub promise: PromiseHistory,
    /// Whether it was done by the date first promised (see
    /// [`promises::kept_by_original_due`]).
    pub kept_by_original_due: Option<bool>,
}

/// What the public was told, measured against the severity computed from the impact.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StatementRecord {
    /// Public statements.
    pub count: usize,
    /// Statements that claimed a lower severity than the computed one.
    pub understated: usize,
    /// The lowest severity claimed below the computed one.
    pub worst_claimed: Option<Severity>,
    /// Minutes during which the latest statement understated the incident, up to its
    /// resolution (or now).
    pub misinformed_minutes: f64,
    /// When the public was told less than the truth.
    #[serde(skip)]
    pub misinformed: Vec<Interval>,
    /// Minutes from detection to the first public statement.
    pub first_statement_minutes: Option<f64>,
}

impl<'a> Model<'a> {
    /// `report`'s checked report whole: read back when its prose was set aside
    /// ([`crate::prose`]).
    pub fn whole<'r>(
        &self,
        report: &'r Report<'_>,
    ) -> anyhow::Result<std::borrow::Cow<'r, CheckedReport>> {
        match self.reader {
            Some(reader) => reader.whole(report.checked),
            None => {
                anyhow::ensure!(
                    report.checked.set_aside.is_none(),
                    "{}'s text was set aside and nothing reads it back",
                    report.checked.file
                );
                Ok(std::borrow::Cow::Borrowed(report.checked))
            }
        }
    }

    /// What a report's pages read of the site beside their report, for their key
    /// (`render`'s `report_key`): the configuration, its time zone, "now", whether a working
    /// tree is previewed, and of a national site's sources how many failed and how many there
    /// are (every page's layout says so). The model is taken apart field by field, so a field
    /// added to it has to be placed here, keyed or left out with its reason.
    pub fn report_page_inputs(&self) -> ReportPageInputs<'_> {
        let Model {
            config,
            // Reads reports back; the key names the blob each is read from.
            reader: _,
            time_zone,
            today,
            // Never shown on a report's pages: a new commit alone changes none of them.
            source_commit: _,
            worktree,
            sources,
            // Made from the reports: a report's pages show other reports only through their
            // own fields (a finding quoting another report's title), which their key holds.
            reports: _,
            services: _,
            organisations: _,
            totals: _,
            years: _,
        } = self;
        ReportPageInputs {
            config,
            time_zone: *time_zone,
            today: *today,
            worktree: *worktree,
            sources_failed: sources.iter().filter(|s| s.failed.is_some()).count(),
            sources: sources.len(),
        }
    }

    /// What names `report`'s prose when it was set aside: the id of the blob it is read back
    /// from. `Some(None)` when nothing was set aside (the kept report is whole); `None` when
    /// it was and its blob is unknown.
    pub fn set_aside_blob(&self, report: &Report<'_>) -> Option<Option<git2::Oid>> {
        match report.checked.set_aside {
            None => Some(None),
            Some(_) => self.reader?.blob_id(report.checked).map(Some),
        }
    }

    /// The start of `report`'s summary in `lang` (or the report's language), as plain text:
    /// read back from where it was set aside ([`crate::prose`]), or made from the summary.
    pub fn summary_start(&self, report: &Report<'_>, lang: &str) -> anyhow::Result<String> {
        let incident = report.incident();
        match (&report.checked.set_aside, self.reader) {
            (Some(set_aside), Some(reader)) => Ok(reader
                .summary_start(report.checked, set_aside)?
                .resolve(lang, &incident.language)
                .0
                .to_owned()),
            (Some(_), None) => anyhow::bail!(
                "{}'s summary was set aside and nothing reads it back",
                report.checked.file
            ),
            (None, _) => Ok(crate::prose::plain_start(
                incident.summary.resolve(lang, &incident.language).0,
            )),
        }
    }

    /// Let go of what reading reports back keeps between reads: called between batches of
    /// [`Model::whole`], so that a large site's build does not hold it to the end.
    pub fn between_read_backs(&self) {
        if let Some(reader) = self.reader {
            reader.close_idle();
        }
    }

    /// Compute every figure.
    pub fn new(inputs: Inputs<'a>) -> Model<'a> {
        let Inputs {
            config,
            reader,
            reports,
            mut history,
            publications,
            today,
            source_commit,
            worktree,
            sources,
        } = inputs;
        let time_zone = config.time_zone;
        let mut inputs: Vec<_> = reports
            .into_iter()
            .filter(|input| input.checked.incident.is_published())
            .map(|input| {
                let id = &input.checked.incident.id;
                let revisions = history.take(id);
                let publication = publications.get(id).copied().unwrap_or_default();
                (input, revisions, publication)
            })
            .collect();
        // Newest first. The inputs are sorted rather than the reports they become: a stable
        // sort takes a buffer of up to half the list, and a report is five times an input's
        // size (at 100,000 reports a buffer of 8 MB rather than 32).
        inputs.sort_by(|(a, _, _), (b, _, _)| {
            let (a, b) = (&a.checked.incident, &b.checked.incident);
            b.started_at
                .cmp(&a.started_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        let reports: Vec<Report<'a>> = inputs
            .into_par_iter()
            .map(|(input, revisions, publication)| {
                report(config, input, revisions, publication, today, time_zone)
            })
            .collect();
        let (services, (organisations, years)) = rayon::join(
            || services::figures(config, &reports, today, time_zone),
            || {
                rayon::join(
                    || organisations::figures(config, &reports, today, time_zone),
                    || organisations::site_years(&reports, today, time_zone),
                )
            },
        );
        let totals = Totals {
            reports: reports.len(),
            ongoing: reports
                .iter()
                .filter(|r| r.incident().resolved_at.is_none())
                .count(),
            final_overdue: reports.iter().filter(|r| r.final_overdue).count(),
            actions_overdue: reports
                .iter()
                .flat_map(|r| &r.actions)
                .filter(|a| a.days_overdue.is_some())
                .count(),
        };
        Model {
            config,
            reader,
            time_zone,
            today,
            source_commit,
            worktree,
            sources,
            reports,
            services,
            organisations,
            years,
            totals,
        }
    }

    /// The date of "now" that overdue marks compare with (UTC, as the rules use).
    pub fn today_date(&self) -> NaiveDate {
        self.today.date_naive()
    }

    /// The report with `id`.
    pub fn report(&self, id: &str) -> Option<&Report<'a>> {
        self.reports.iter().find(|r| r.incident().id == id)
    }

    /// The figures of service `key`.
    pub fn service(&self, key: &str) -> Option<&ServiceFigures> {
        self.services.iter().find(|s| s.key == key)
    }

    /// The figures of organisation `key`.
    pub fn organisation(&self, key: &str) -> Option<&OrganisationFigures> {
        self.organisations.iter().find(|o| o.key == key)
    }
}

fn report<'a>(
    config: &Config,
    input: ReportInput<'a>,
    revisions: Vec<Revision>,
    publication: PublicationTimes,
    today: DateTime<Utc>,
    time_zone: Tz,
) -> Report<'a> {
    let incident = &input.checked.incident;
    let policy = &config.policy;
    let notifications_public = config
        .file
        .organisations
        .get(&incident.organisation)
        .is_some_and(|o| o.publish_notifications == Some(true));
    // A waiver finding (W001-W003) on a waiver of a notification rule is about the
    // notifications too: `/waivers/<index>/...` names the waiver.
    let waiver_of_regulator_rule = |f: &Finding| {
        f.path
            .strip_prefix("/waivers/")
            .and_then(|rest| rest.split('/').next())
            .and_then(|index| index.parse::<usize>().ok())
            .and_then(|index| incident.waivers.get(index))
            .and_then(|waiver| crate::diag::Code::parse(&waiver.rule))
            .is_some_and(|code| code.is_regulator_rule())
    };
    let public = |f: &&Finding| {
        notifications_public || !(f.code.is_regulator_rule() || waiver_of_regulator_rule(f))
    };
    let findings: Vec<&Finding> = input.findings.iter().copied().filter(public).collect();
    let waived: Vec<&Finding> = input.waived.iter().copied().filter(public).collect();
    let mut done_at: HashMap<String, DateTime<FixedOffset>> = HashMap::new();
    for revision in &revisions {
        let Some(facts) = &revision.facts else {
            continue;
        };
        if facts.is_published() {
            for (id, action) in &facts.actions {
                if action.status == Some(ActionStatus::Done) {
                    done_at
                        .entry(id.to_owned())
                        .and_modify(|t| *t = (*t).min(revision.time))
                        .or_insert(revision.time);
                }
            }
        }
    }
    let today_date = today.date_naive();
    let published = history::published(revisions);
    let current_facts = history::KeyFacts::of_incident(incident);
    let published_facts: Vec<&history::KeyFacts> = published
        .first_published
        .iter()
        .chain(published.amendments.iter().map(|(r, _)| r))
        .filter_map(|r| r.facts.as_ref())
        .chain(std::iter::once(&current_facts))
        .collect();
    let promises = promises::promise_histories(&published_facts);
    let later_changes = match published
        .first_published
        .as_ref()
        .and_then(|r| r.facts.as_ref())
    {
        Some(first) => promises::later_changes(first, &current_facts, &promises),
        None => Vec::new(),
    };
    let actions = incident
        .actions
        .iter()
        .map(|action| {
            let done_on = (action.status == ActionStatus::Done)
                .then(|| {
                    action.done_on.or_else(|| {
                        done_at
                            .get(&*action.id)
                            .map(|t| t.with_timezone(&time_zone).date_naive())
                    })
                })
                .flatten();
            let promise = promises
                .get(&*action.id)
                .cloned()
                .unwrap_or(PromiseHistory {
                    original_due: action.due,
                    postponements: 0,
                });
            ActionRecord {
                days_overdue: action
                    .days_overdue(today_date)
                    .map(|days| i32::try_from(days).unwrap_or(i32::MAX)),
                done_on,
                kept_on_time: match (done_on, action.due) {
                    (Some(done), Some(due)) => Some(done <= due),
                    _ => None,
                },
                kept_by_original_due: promises::kept_by_original_due(
                    action.status,
                    done_on,
                    promise.original_due,
                    today_date,
                ),
                promise,
            }
        })
        .collect();
    let start = incident.started_at.with_timezone(&Utc);
    let end = incident
        .resolved_at
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(today)
        .min(today.max(start));
    let outage = Interval::new(start, end);
    let clip_to_now = |time: DateTime<Utc>| time.min(today.max(start));
    let service_outages = incident
        .impact
        .iter()
        .flat_map(|impact| impact.services.iter())
        .filter_map(|window| {
            let from = window.from.with_timezone(&Utc);
            let to = window.to.map(|t| t.with_timezone(&Utc)).unwrap_or(today);
            Interval::new(clip_to_now(from), clip_to_now(to)).map(|interval| {
                (
                    window.service.clone(),
                    interval,
                    window.outage == Outage::Full,
                )
            })
        })
        .collect();
    let full_outage = incident
        .impact
        .as_ref()
        .is_some_and(|i| i.outage == Outage::Full);
    let weight = if full_outage {
        1.0
    } else {
        policy.partial_weight
    };
    let user_hours_lost = input
        .checked
        .impact
        .users_affected
        .map(|users| users as f64 * outage.map(|o| o.minutes()).unwrap_or(0.0) / 60.0 * weight);
    Report {
        timeliness: timeliness::timeliness(timeliness::Anchors::of(incident), &publication, policy),
        final_overdue: timeliness::final_overdue(incident, policy, today),
        publication,
        actions,
        outage,
        full_outage,
        service_outages,
        user_hours_lost,
        outage_weight: weight,
        statements: statements(incident, input.checked.impact.computed, today),
        history: published,
        later_changes,
        checked: input.checked,
        findings,
        waived,
        origin: input.origin,
        notifications_public,
    }
}

/// The record of what was said in public: how often and how long it understated the truth.
fn statements(incident: &Incident, computed: Severity, today: DateTime<Utc>) -> StatementRecord {
    let mut said: Vec<(DateTime<Utc>, Option<Severity>)> = incident
        .timeline
        .iter()
        .filter(|e| e.kind == EventKind::PublicStatement)
        .map(|e| (e.at.with_timezone(&Utc), e.severity_claimed))
        .collect();
    said.sort_by_key(|(at, _)| *at);
    let end = incident
        .resolved_at
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(today);
    let mut windows = Vec::new();
    let mut understated_since: Option<DateTime<Utc>> = None;
    for (at, claimed) in &said {
        let Some(claimed) = claimed else {
            continue;
        };
        match (understated_since, *claimed < computed) {
            (None, true) => understated_since = Some(*at),
            (Some(since), false) => {
                windows.extend(Interval::new(since, (*at).min(end)));
                understated_since = None;
            }
            _ => {}
        }
    }
    if let Some(since) = understated_since {
        windows.extend(Interval::new(since, end));
    }
    let misinformed = windows
        .iter()
        .map(Interval::minutes)
        .fold(0.0, |a, b| a + b);
    let understated: Vec<Severity> = said
        .iter()
        .filter_map(|(_, claimed)| *claimed)
        .filter(|claimed| *claimed < computed)
        .collect();
    StatementRecord {
        count: said.len(),
        understated: understated.len(),
        worst_claimed: understated.iter().min().copied(),
        misinformed_minutes: misinformed,
        misinformed: windows,
        first_statement_minutes: said
            .first()
            .map(|(at, _)| minutes_between(incident.detected_at.with_timezone(&Utc), *at)),
    }
}

fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    ((to - from).num_seconds() as f64 / 60.0).max(0.0)
}

#[cfg(test)]
mod tests;
