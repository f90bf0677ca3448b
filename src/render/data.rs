//! Open data and machine-readable files: the reports as JSON and CSV, the actions as CSV, the
//! services' and organisations' figures as JSON, the Atom feed's entries and the search index.
//!
//! JSON is every published report exactly as validated (each item conforms to the published
//! schema). The figures files serialise the site model's own structures, so every number on
//! a page is the number in open data. CSV follows RFC 4180 (written by the `csv` crate from
//! one row type per file, so header and rows cannot drift), and a text cell that a
//! spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`) is prefixed with `'`,
//! so opening the data is safe. A serialisation failure fails the build; it never leaves an
//! empty file behind.

use std::io::Write;

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;
use serde::Serialize;

use super::markdown;
use super::views::{Localizer, paths};
use crate::config::Config;
use crate::model::{Incident, Text};
use crate::publish::Staging;
use crate::site::{DEFINITIONS_VERSION, Model, OrganisationFigures, Report, ServiceFigures};

/// Write every open data file.
pub(super) fn write_all(model: &Model<'_>, staging: &Staging) -> anyhow::Result<()> {
    type Writer = fn(&Model<'_>, &mut dyn Write) -> anyhow::Result<()>;
    let files: [(&str, Writer); 7] = [
        ("data/incidents.csv", write_incidents_csv),
        ("data/actions.csv", write_actions_csv),
        ("data/actions.json", write_actions_json),
        ("data/changes.json", write_changes_json),
        ("data/services.json", write_services_json),
        ("data/organisations.json", write_organisations_json),
        ("data/README.md", write_data_readme),
    ];
    // The files hold every report, so each is written as it is produced rather than
    // assembled in memory (at 10,000 reports the JSON alone is about 100 MB).
    files.par_iter().try_for_each(|(path, write)| {
        staging.write_streamed(path, 256 * 1024, |out| {
            write(model, out).with_context(|| format!("cannot write {path}"))
        })?;
        Ok(())
    })
}

/// `data/incidents.json`: every published report, as validated, in the model's order. Written
/// with the report pages (see `report_pages`), one entry at a time.
pub(super) const INCIDENTS_JSON: &str = "data/incidents.json";

/// One report's entry in `data/incidents.json`, as `serde_json` pretty-prints an element of a
/// list: its lines indented by one level.
pub(super) fn incident_entry(report: &Report<'_>) -> anyhow::Result<Vec<u8>> {
    Ok(list_entry(&report.published_incident())?)
}

/// `value` as `serde_json` pretty-prints an element of a list.
fn list_entry(value: &impl Serialize) -> serde_json::Result<Vec<u8>> {
    let entry = serde_json::to_vec_pretty(value)?;
    let mut indented = Vec::with_capacity(entry.len() + entry.len() / 16);
    for (index, line) in entry.split(|&byte| byte == b'\n').enumerate() {
        if index > 0 {
            // A line break inside a JSON string is written `\n`: every one here ends a line.
            indented.extend_from_slice(b"\n  ");
        }
        indented.extend_from_slice(line);
    }
    Ok(indented)
}

/// A pretty-printed JSON list written one entry at a time: the same bytes as
/// `serde_json::to_writer_pretty` of the whole list, then a line break.
#[derive(Default)]
pub(super) struct IncidentsArray {
    /// Bytes written so far (none until the first entry).
    written: u64,
}

impl IncidentsArray {
    /// Append `entry` (from [`incident_entry`]); returns where in the file it starts.
    pub(super) fn push(&mut self, out: &mut dyn Write, entry: &[u8]) -> std::io::Result<u64> {
        let opening: &[u8] = if self.written == 0 {
            b"[\n  "
        } else {
            b",\n  "
        };
        out.write_all(opening)?;
        out.write_all(entry)?;
        let offset = self.written + opening.len() as u64;
        self.written = offset + entry.len() as u64;
        Ok(offset)
    }

    /// Close the list.
    pub(super) fn finish(self, out: &mut dyn Write) -> anyhow::Result<()> {
        out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        Ok(())
    }
}

/// One row of `data/incidents.csv`.
#[derive(Serialize)]
struct IncidentRow {
    id: String,
    title: String,
    status: &'static str,
    organisation: String,
    services: String,
    severity: &'static str,
    computed_severity: &'static str,
    started_at: String,
    detected_at: String,
    resolved_at: String,
    duration_minutes: String,
    users_affected: String,
    user_hours: String,
    user_hours_lost: String,
    outage: &'static str,
    root_cause_status: &'static str,
    root_cause_category: &'static str,
    actions: usize,
    open_actions: usize,
    overdue_actions: usize,
    url: String,
}

/// `data/incidents.csv`: one row per published report.
pub(super) fn write_incidents_csv(model: &Model<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let default_language = model.config.default_language();
    let base = base_url(model.config);
    let mut writer = csv_writer(out);
    for report in &model.reports {
        let incident = report.incident();
        let figures = &report.checked.impact;
        writer.serialize(IncidentRow {
            id: incident.id.clone(),
            title: defuse(
                incident
                    .title
                    .resolve(default_language, &incident.language)
                    .0,
            ),
            status: incident.status.as_str(),
            organisation: incident.organisation.clone(),
            services: incident.services.join(";"),
            severity: incident.severity.as_str(),
            computed_severity: figures.computed.as_str(),
            started_at: incident.started_at.to_rfc3339(),
            detected_at: incident.detected_at.to_rfc3339(),
            resolved_at: incident
                .resolved_at
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            duration_minutes: format!("{:.0}", figures.duration_minutes),
            users_affected: figures
                .users_affected
                .map(|u| u.to_string())
                .unwrap_or_default(),
            user_hours: figures
                .user_hours
                .map(|u| format!("{u:.0}"))
                .unwrap_or_default(),
            user_hours_lost: report
                .user_hours_lost
                .map(|u| format!("{u:.0}"))
                .unwrap_or_default(),
            outage: match incident.impact.as_ref().map(|i| i.outage) {
                Some(crate::model::Outage::Full) => "full",
                Some(crate::model::Outage::Partial) => "partial",
                None => "",
            },
            root_cause_status: incident
                .root_cause
                .as_ref()
                .map(|c| c.status.as_str())
                .unwrap_or_default(),
            root_cause_category: incident
                .root_cause
                .as_ref()
                .map(|c| c.category.as_str())
                .unwrap_or_default(),
            actions: incident.actions.len(),
            open_actions: incident
                .actions
                .iter()
                .filter(|a| a.status.is_open())
                .count(),
            overdue_actions: report
                .actions
                .iter()
                .filter(|a| a.days_overdue.is_some())
                .count(),
            url: report_url(&base, default_language, &incident.id),
        })?;
    }
    writer.flush()?;
    Ok(())
}

/// One row of `data/actions.csv`.
#[derive(Serialize)]
struct ActionRow {
    report_id: String,
    action_id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    action: String,
    owner: String,
    due: String,
    status: &'static str,
    overdue: bool,
    days_overdue: String,
    original_due: String,
    postponements: u32,
    kept_by_original_due: &'static str,
    evidence: String,
}

/// "true", "false", or empty when not known yet.
fn maybe_bool(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    }
}

/// `data/actions.csv`: one row per promised action in a published report.
pub(super) fn write_actions_csv(model: &Model<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let default_language = model.config.default_language();
    let mut writer = csv_writer(out);
    for report in &model.reports {
        let incident = report.incident();
        for (action, record) in incident.actions.iter().zip(&report.actions) {
            writer.serialize(ActionRow {
                report_id: incident.id.clone(),
                action_id: defuse(&action.id),
                kind: action.kind.as_str(),
                action: defuse(&markdown::to_plain(
                    action
                        .action
                        .resolve(default_language, &incident.language)
                        .0,
                )),
                owner: defuse(
                    action
                        .owner
                        .as_ref()
                        .map(|o| o.resolve(default_language, &incident.language).0)
                        .unwrap_or_default(),
                ),
                due: action.due.map(|d| d.to_string()).unwrap_or_default(),
                status: action.status.as_str(),
                overdue: record.days_overdue.is_some(),
                days_overdue: record
                    .days_overdue
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                original_due: record
                    .promise
                    .original_due
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                postponements: record.promise.postponements,
                kept_by_original_due: maybe_bool(record.kept_by_original_due),
                evidence: defuse(action.evidence.as_deref().unwrap_or_default()),
            })?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// `data/actions.json`: every promised action with what became of it.
pub(super) fn write_actions_json(model: &Model<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct ActionFigures<'a> {
        report_id: &'a str,
        organisation: &'a str,
        action_id: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
        status: &'static str,
        due: Option<chrono::NaiveDate>,
        #[serde(flatten)]
        record: &'a crate::site::ActionRecord,
    }
    #[derive(Serialize)]
    struct File<Actions> {
        #[serde(flatten)]
        header: FiguresHeader<'static>,
        actions: Actions,
    }
    let file = File {
        header: figures_header(model),
        actions: Streamed(|| {
            model.reports.iter().flat_map(|report| {
                let incident = report.incident();
                incident
                    .actions
                    .iter()
                    .zip(&report.actions)
                    .map(move |(action, record)| ActionFigures {
                        report_id: &incident.id,
                        organisation: &incident.organisation,
                        action_id: &action.id,
                        kind: action.kind.as_str(),
                        status: action.status.as_str(),
                        due: action.due,
                        record,
                    })
            })
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &file)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// `data/changes.json`: per report, the key facts changed since it was first published.
pub(super) fn write_changes_json(model: &Model<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct ReportChanges<'a> {
        report_id: &'a str,
        first_published: Option<String>,
        changes: &'a [crate::site::LaterChange],
    }
    #[derive(Serialize)]
    struct File<Reports> {
        #[serde(flatten)]
        header: FiguresHeader<'static>,
        reports: Reports,
    }
    let file = File {
        header: figures_header(model),
        reports: Streamed(|| {
            model.reports.iter().map(|report| ReportChanges {
                report_id: &report.incident().id,
                first_published: report
                    .history
                    .first_published
                    .as_ref()
                    .map(|r| r.time.to_rfc3339()),
                changes: &report.later_changes,
            })
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &file)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A list written from an iterator as it is serialised, never collected: the same bytes as a
/// `Vec` of its items (at 100,000 reports `data/actions.json` lists about 900,000 actions).
struct Streamed<F>(F);

impl<F, I> Serialize for Streamed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// `data/README.md`: what each file holds and what every column and figure means.
pub(super) fn write_data_readme(model: &Model<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let text = DATA_README
        .replace("{definitions_version}", &DEFINITIONS_VERSION.to_string())
        .replace("{time_zone}", model.time_zone.name())
        .replace(
            "{partial_weight}",
            &model.config.policy.partial_weight.to_string(),
        );
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// The open data's documentation, with the site's own settings filled in.
const DATA_README: &str = include_str!("../../templates/data-README.md");

/// The header every figures file starts with: which definitions the numbers follow.
#[derive(Serialize)]
struct FiguresHeader<'a> {
    /// The version of the definitions (see the about page and the README).
    definitions_version: u32,
    /// The time zone calendar years are counted in.
    time_zone: &'a str,
    /// The weight of a minute of partial outage in availability.
    partial_weight: f64,
    /// "Now": the figures of the current year run to this instant.
    as_of: String,
}

fn figures_header(model: &Model<'_>) -> FiguresHeader<'static> {
    FiguresHeader {
        definitions_version: DEFINITIONS_VERSION,
        time_zone: model.time_zone.name(),
        partial_weight: model.config.policy.partial_weight,
        as_of: model.today.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

/// A service's figures with its name.
#[derive(Serialize)]
struct NamedService<'a> {
    name: &'a Text,
    #[serde(flatten)]
    figures: &'a ServiceFigures,
}

/// `data/services.json`: per service and year, availability (own and as experienced), outage
/// minutes, target and user-hours lost.
pub(super) fn write_services_json(model: &Model<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct File<'a> {
        #[serde(flatten)]
        header: FiguresHeader<'static>,
        services: Vec<NamedService<'a>>,
    }
    let services = &model.config.file.services;
    let file = File {
        header: figures_header(model),
        services: model
            .services
            .iter()
            .filter_map(|figures| {
                Some(NamedService {
                    name: &services.get(&figures.key)?.name,
                    figures,
                })
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &file)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// An organisation's figures with its name.
#[derive(Serialize)]
struct NamedOrganisation<'a> {
    name: &'a Text,
    #[serde(flatten)]
    figures: &'a OrganisationFigures,
}

/// `data/organisations.json`: per organisation and year, reports, publication times and
/// lateness, what the public was told, and promises kept.
pub(super) fn write_organisations_json(
    model: &Model<'_>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct File<'a> {
        #[serde(flatten)]
        header: FiguresHeader<'static>,
        organisations: Vec<NamedOrganisation<'a>>,
        /// The whole site's record per year, computed as an organisation's is.
        site_years: &'a [crate::site::OrganisationYear],
    }
    let organisations = &model.config.file.organisations;
    let file = File {
        header: figures_header(model),
        organisations: model
            .organisations
            .iter()
            .filter_map(|figures| {
                Some(NamedOrganisation {
                    name: &organisations.get(&figures.key)?.name,
                    figures,
                })
            })
            .collect(),
        site_years: &model.years,
    };
    serde_json::to_writer_pretty(&mut *out, &file)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn csv_writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// A text cell a spreadsheet would run as a formula, prefixed with `'` so it stays text.
fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The site's base URL, ending in `/`.
pub(super) fn base_url(config: &Config) -> String {
    let base = config.file.site.base_url.trim_end_matches('/');
    format!("{base}/")
}

/// The absolute address of report `id`'s page in `lang`, on the site at `base` ([`base_url`]).
pub(super) fn report_url(base: &str, lang: &str, id: &str) -> String {
    format!("{base}{lang}/{}", paths::report(id))
}

/// The Atom feed of one language.
#[derive(Debug, Serialize)]
pub(super) struct FeedView {
    /// Language.
    pub lang: String,
    /// Feed id (its URL).
    pub id: String,
    /// Title.
    pub title: String,
    /// The newest entry's time.
    pub updated: String,
    /// The feed's own URL.
    pub self_url: String,
    /// The site's URL in this language.
    pub site_url: String,
    /// Candor's version.
    pub version: String,
    /// Entries, newest first.
    pub entries: Vec<FeedEntry>,
}

/// One entry: a report published, or amended.
#[derive(Debug, Serialize)]
pub(super) struct FeedEntry {
    /// Unique, stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// When.
    pub updated: String,
    /// The organisation.
    pub author: String,
    /// The report page.
    pub url: String,
    /// Plain-text summary.
    pub summary: String,
}

/// How many entries the feed keeps.
pub(super) const FEED_ENTRIES: usize = 100;

/// The newest [`FEED_ENTRIES`] of `candidates` (time, entry id, what to build it from),
/// newest first and by id among equal times: a feed builds only the entries it keeps.
fn newest<T>(
    mut candidates: Vec<(DateTime<FixedOffset>, String, T)>,
) -> Vec<(DateTime<FixedOffset>, String, T)> {
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    candidates.truncate(FEED_ENTRIES);
    candidates
}

/// Build the feed of one language.
pub(super) fn feed(model: &Model<'_>, l: &Localizer<'_>) -> anyhow::Result<FeedView> {
    let base = base_url(model.config);
    let lang = l.lang;
    let url_of = |report: &crate::site::Report<'_>| report_url(&base, lang, &report.incident().id);
    // Every moment of every report is a candidate; only the kept ones get a title and a
    // plain-text summary (rendering every report's summary would cost the whole corpus).
    let mut candidates = Vec::new();
    for report in &model.reports {
        let incident = report.incident();
        let url = url_of(report);
        let mut moments: Vec<(DateTime<FixedOffset>, String, bool)> = Vec::new();
        if let Some(first) = &report.history.first_published {
            moments.push((first.time, first.short.clone(), false));
        }
        for (revision, _) in &report.history.amendments {
            moments.push((revision.time, revision.short.clone(), true));
        }
        if moments.is_empty() {
            let when = incident.resolved_at.unwrap_or(incident.detected_at);
            moments.push((when, "published".into(), false));
        }
        for (time, tag, amended) in moments {
            candidates.push((time, format!("{url}#{tag}"), (report, amended)));
        }
    }
    let entries: Vec<(DateTime<FixedOffset>, FeedEntry)> = newest(candidates)
        .into_iter()
        .map(|(time, id, (report, amended))| {
            let whole = model.whole(report)?;
            let report = report.with_checked(&whole);
            let incident = report.incident();
            let title = l.text(&incident.title, &incident.language).text;
            let prefix = if amended {
                l.t("feed.amended")
            } else {
                l.t("feed.published")
            };
            let entry = FeedEntry {
                id,
                title: format!("{prefix}: {title}"),
                updated: rfc3339(time),
                author: super::views::organisation_name(model, &incident.organisation, l),
                url: url_of(&report),
                summary: markdown::to_plain(incident.summary.resolve(lang, &incident.language).0),
            };
            Ok((time, entry))
        })
        .collect::<anyhow::Result<_>>()?;
    let updated = entries
        .first()
        .map(|(time, _)| rfc3339(*time))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
    Ok(FeedView {
        lang: lang.to_owned(),
        id: format!("{base}{lang}/"),
        title: l
            .text(
                &model.config.file.site.title,
                model.config.default_language(),
            )
            .text,
        updated,
        self_url: format!("{base}{lang}/feed.xml"),
        site_url: format!("{base}{lang}/index.html"),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        entries: entries.into_iter().map(|(_, entry)| entry).collect(),
    })
}

/// The feed of promised actions that became overdue, newest first: an entry per action and
/// due date (a re-dated action that is overdue again is a new entry).
pub(super) fn overdue_feed(model: &Model<'_>, l: &Localizer<'_>) -> FeedView {
    let base = base_url(model.config);
    let lang = l.lang;
    let url_of = |report: &crate::site::Report<'_>| report_url(&base, lang, &report.incident().id);
    let mut candidates = Vec::new();
    for report in &model.reports {
        let incident = report.incident();
        let url = url_of(report);
        for (action, record) in incident.actions.iter().zip(&report.actions) {
            let (Some(due), Some(days)) = (action.due, record.days_overdue) else {
                continue;
            };
            // It became overdue when the due date ended: midnight after it, in the site's zone.
            let Some(since) = due
                .succ_opt()
                .and_then(|next| crate::site::intervals::start_of_day(next, model.time_zone))
            else {
                continue;
            };
            let id = format!("{url}#overdue-{}-{due}", action.id.to_ascii_lowercase());
            candidates.push((
                since.fixed_offset(),
                id,
                (report, action, record, due, days),
            ));
        }
    }
    // Only the kept entries get their texts.
    let entries: Vec<(DateTime<FixedOffset>, FeedEntry)> = newest(candidates)
        .into_iter()
        .map(|(since, id, (report, action, record, due, days))| {
            let incident = report.incident();
            let title = l.text(&incident.title, &incident.language).text;
            let what = markdown::to_plain(action.action.resolve(lang, &incident.language).0);
            let mut summary = format!(
                "{what} {}",
                l.strings
                    .get("feed.overdue_summary")
                    .replace("{date}", &l.strings.date(due))
                    .replace(
                        "{overdue}",
                        &l.strings
                            .count("promise.days_overdue", days.max(0) as usize)
                    )
            );
            if record.promise.postponements > 0 {
                summary.push(' ');
                summary.push_str(
                    &l.strings
                        .count("promise.postponed", record.promise.postponements as usize),
                );
                summary.push('.');
            }
            let entry = FeedEntry {
                id,
                title: l
                    .strings
                    .get("feed.overdue_title")
                    .replace("{id}", &action.id)
                    .replace("{title}", &title),
                updated: rfc3339(since),
                author: super::views::organisation_name(model, &incident.organisation, l),
                url: format!("{}#actions", url_of(report)),
                summary,
            };
            (since, entry)
        })
        .collect();
    let updated = entries
        .first()
        .map(|(time, _)| rfc3339(*time))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
    let site_title = l
        .text(
            &model.config.file.site.title,
            model.config.default_language(),
        )
        .text;
    FeedView {
        lang: lang.to_owned(),
        id: format!("{base}{lang}/{}", paths::OVERDUE_FEED),
        title: format!("{site_title}: {}", l.t("feed.overdue_feed_title")),
        updated,
        self_url: format!("{base}{lang}/{}", paths::OVERDUE_FEED),
        site_url: format!("{base}{lang}/actions.html"),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        entries: entries.into_iter().map(|(_, entry)| entry).collect(),
    }
}

fn rfc3339(time: DateTime<FixedOffset>) -> String {
    time.with_timezone(&Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// One report in the search index (short keys keep the file small).
#[derive(Debug, Serialize)]
struct SearchEntry {
    /// Link, relative to the language root.
    u: String,
    /// Title.
    t: String,
    /// Summary, plain text, shortened.
    s: String,
    /// Service names.
    v: String,
    /// Organisation name.
    o: String,
    /// Date.
    d: String,
    /// The cause (trigger and description), the promised actions and their owners, plain.
    c: String,
    /// Severity and status in the page's language.
    k: String,
}

/// The words of a report worth finding it by besides its title and summary: the root cause
/// and the actions with their owners, in the page's language, plain and shortened.
fn search_text(incident: &Incident, l: &Localizer<'_>) -> String {
    let lang = incident.language.as_str();
    let mut parts: Vec<String> = Vec::new();
    if let Some(cause) = &incident.root_cause {
        for text in [&cause.trigger, &cause.description].into_iter().flatten() {
            parts.push(markdown::to_plain(text.resolve(l.lang, lang).0));
        }
    }
    for action in &incident.actions {
        parts.push(markdown::to_plain(action.action.resolve(l.lang, lang).0));
        if let Some(owner) = &action.owner {
            parts.push(owner.resolve(l.lang, lang).0.to_owned());
        }
    }
    let joined = parts.join(" ");
    joined.chars().take(1200).collect()
}

/// One report's entry in the search index, in the page's language.
fn search_entry(
    model: &Model<'_>,
    report: &Report<'_>,
    l: &Localizer<'_>,
) -> anyhow::Result<SearchEntry> {
    let incident = report.incident();
    let summary_start = model.summary_start(report, l.lang)?;
    Ok(SearchEntry {
        u: paths::report(&incident.id),
        t: l.text(&incident.title, &incident.language).text,
        s: summary_start,
        v: incident
            .services
            .iter()
            .map(|s| super::views::service_name(model, s, l))
            .collect::<Vec<_>>()
            .join(", "),
        o: model
            .config
            .file
            .organisations
            .get(&incident.organisation)
            .map(|o| l.text(&o.name, model.config.default_language()).text)
            .unwrap_or_default(),
        d: l.strings.date(incident.started_at.date_naive()),
        c: search_text(incident, l),
        k: format!(
            "{} {} {}",
            l.strings
                .get(&format!("severity.{}", incident.severity.as_str())),
            l.strings
                .get(&format!("word.severity.{}", incident.severity.as_str())),
            l.strings
                .get(&format!("status.{}", incident.status.as_str()))
        ),
    })
}

/// `<lang>/search-index.js` (`name`): the index as a script, so it loads from `file://` too.
/// Written one entry at a time (at 10,000 reports the index is over 10 MB), each copied from
/// the previous build's file when its key (of `keys`) is unchanged ([`crate::parts`]). The
/// bytes are those of the list encoded whole.
pub(super) fn write_search_index(
    model: &Model<'_>,
    l: &Localizer<'_>,
    parts: (&super::report_key::Keys<'_>, &Staging, &str),
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    const START: &[u8] = b"window.candorSearchIndex = [";
    let (keys, staging, name) = parts;
    out.write_all(START)?;
    let mut written = START.len() as u64;
    for (place, report) in model.reports.iter().enumerate() {
        if place > 0 {
            out.write_all(b",")?;
            written += 1;
        }
        let key = keys.report(place).map(|keys| keys.search_entry(l.lang));
        let copied = key.and_then(|key| staging.previous_part(name, &key));
        let entry = match copied {
            Some(entry) => entry,
            None => search_entry(model, report, l)
                .and_then(|entry| Ok(serde_json::to_vec(&entry)?))
                .with_context(|| format!("cannot encode the search index {name}"))?,
        };
        out.write_all(&entry)?;
        if let Some(key) = key {
            staging.note_part(name, &key, written, &entry);
        }
        written += entry.len() as u64;
    }
    out.write_all(b"];\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{IncidentsArray, defuse, list_entry};

    #[test]
    fn a_list_written_entry_by_entry_is_the_list_pretty_printed_whole() {
        let values = [
            serde_json::json!({"id": "a", "summary": "two\nlines", "actions": [], "impact": {}}),
            serde_json::json!({"nested": {"list": [1, {"deeper": [true, null]}], "text": "  x  "}}),
            serde_json::json!("just a string"),
        ];
        for count in 0..=values.len() {
            let mut list = IncidentsArray::default();
            let mut written = Vec::new();
            for value in &values[..count] {
                list.push(&mut written, &list_entry(value).unwrap())
                    .unwrap();
            }
            list.finish(&mut written).unwrap();
            let mut whole = serde_json::to_vec_pretty(&values[..count]).unwrap();
            whole.push(b'\n');
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }

    #[test]
    fn formulas_are_defused_and_quoting_is_left_to_csv() {
        assert_eq!(defuse("plain"), "plain");
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("-12"), "-12");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        let mut out = Vec::new();
        {
            let mut writer = super::csv_writer(&mut out);
            writer
                .write_record(["a, b", "say \"hi\"", &defuse("=1+1")])
                .unwrap();
            writer.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a, b\",\"say \"\"hi\"\"\",'=1+1\r\n"
        );
    }
}
