//! Open data and machine-readable files: the reports as JSON and CSV, the actions as CSV, the
//! Atom feed's entries and the search index.
//!
//! JSON is every published report exactly as validated (each item conforms to the published
//! schema). CSV follows RFC 4180, and a text cell that a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`) is prefixed with `'`, so opening the data is safe.

use std::io::{self, Write};

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use super::i18n::Strings;
use super::markdown;
use super::views::{Localizer, Published, SiteModel, paths};

// The open data files hold every report, so they are written as they are produced rather
// than assembled in memory (at 10,000 reports the JSON alone is about 100 MB).

/// `data/incidents.json`: every published report, as validated.
pub fn write_incidents_json(model: &SiteModel<'_>, out: &mut dyn Write) -> io::Result<()> {
    let reports: Vec<&crate::model::Incident> =
        model.reports.iter().map(|r| r.incident()).collect();
    serde_json::to_writer_pretty(&mut *out, &reports)?;
    out.write_all(b"\n")
}

/// `data/incidents.csv`: one row per published report.
pub fn write_incidents_csv(model: &SiteModel<'_>, out: &mut dyn Write) -> io::Result<()> {
    let default_language = model.config.default_language();
    let base = base_url(model);
    write_csv_row(
        out,
        &[
            "id",
            "title",
            "status",
            "organisation",
            "services",
            "severity",
            "computed_severity",
            "started_at",
            "detected_at",
            "resolved_at",
            "duration_minutes",
            "users_affected",
            "user_hours",
            "outage",
            "root_cause_status",
            "root_cause_category",
            "actions",
            "open_actions",
            "overdue_actions",
            "url",
        ],
    )?;
    let today = model.today.date_naive();
    for report in &model.reports {
        let incident = report.incident();
        let figures = &report.checked.impact;
        let open = incident
            .actions
            .iter()
            .filter(|a| a.status.is_open())
            .count();
        let overdue = incident
            .actions
            .iter()
            .filter(|a| a.status.is_open() && a.due.is_some_and(|d| d < today))
            .count();
        let row = [
            incident.id.clone(),
            incident
                .title
                .resolve(default_language, &incident.language)
                .0
                .to_owned(),
            incident.status.as_str().to_owned(),
            incident.organisation.clone(),
            incident.services.join(";"),
            incident.severity.as_str().to_owned(),
            figures.computed.as_str().to_owned(),
            incident.started_at.to_rfc3339(),
            incident.detected_at.to_rfc3339(),
            incident
                .resolved_at
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            format!("{:.0}", figures.duration_minutes),
            figures
                .users_affected
                .map(|u| u.to_string())
                .unwrap_or_default(),
            figures
                .user_hours
                .map(|u| format!("{u:.0}"))
                .unwrap_or_default(),
            incident
                .impact
                .as_ref()
                .map(|i| {
                    if i.outage == crate::model::Outage::Full {
                        "full"
                    } else {
                        "partial"
                    }
                })
                .unwrap_or_default()
                .to_owned(),
            incident
                .root_cause
                .as_ref()
                .map(|c| c.status.as_str())
                .unwrap_or_default()
                .to_owned(),
            incident
                .root_cause
                .as_ref()
                .map(|c| c.category.as_str())
                .unwrap_or_default()
                .to_owned(),
            incident.actions.len().to_string(),
            open.to_string(),
            overdue.to_string(),
            format!("{base}{default_language}/{}", paths::report(&incident.id)),
        ];
        write_csv_row(out, &row)?;
    }
    Ok(())
}

/// `data/actions.csv`: one row per promised action in a published report.
pub fn write_actions_csv(model: &SiteModel<'_>, out: &mut dyn Write) -> io::Result<()> {
    let default_language = model.config.default_language();
    let today = model.today.date_naive();
    write_csv_row(
        out,
        &[
            "report_id",
            "action_id",
            "type",
            "action",
            "owner",
            "due",
            "status",
            "overdue",
            "evidence",
        ],
    )?;
    for report in &model.reports {
        let incident = report.incident();
        for action in &incident.actions {
            let row = [
                incident.id.clone(),
                action.id.clone(),
                action.kind.as_str().to_owned(),
                markdown::to_plain(
                    action
                        .action
                        .resolve(default_language, &incident.language)
                        .0,
                ),
                action.owner.clone().unwrap_or_default(),
                action.due.map(|d| d.to_string()).unwrap_or_default(),
                action.status.as_str().to_owned(),
                (action.status.is_open() && action.due.is_some_and(|d| d < today)).to_string(),
                action.evidence.clone().unwrap_or_default(),
            ];
            write_csv_row(out, &row)?;
        }
    }
    Ok(())
}

/// One RFC 4180 record, ended with CR LF.
fn write_csv_row(out: &mut dyn Write, cells: &[impl AsRef<str>]) -> io::Result<()> {
    for (index, cell) in cells.iter().enumerate() {
        if index > 0 {
            out.write_all(b",")?;
        }
        out.write_all(csv_cell(cell.as_ref()).as_bytes())?;
    }
    out.write_all(b"\r\n")
}

fn csv_cell(cell: &str) -> String {
    let guarded =
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
            format!("'{cell}")
        } else {
            cell.to_owned()
        };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The site's base URL, ending in `/`.
pub fn base_url(model: &SiteModel<'_>) -> String {
    let base = model.config.file.site.base_url.trim_end_matches('/');
    format!("{base}/")
}

/// The Atom feed of one language.
#[derive(Debug, Serialize)]
pub struct FeedView {
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
pub struct FeedEntry {
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
pub const FEED_ENTRIES: usize = 100;

/// Build the feed of one language.
pub fn feed(model: &SiteModel<'_>, l: &Localizer<'_>) -> FeedView {
    let base = base_url(model);
    let lang = l.lang;
    let mut entries: Vec<(DateTime<FixedOffset>, FeedEntry)> = Vec::new();
    for report in &model.reports {
        let incident = report.incident();
        let url = format!("{base}{lang}/{}", paths::report(&incident.id));
        let title = l.text(&incident.title, &incident.language).text;
        let summary = markdown::to_plain(incident.summary.resolve(lang, &incident.language).0);
        let author = model
            .config
            .file
            .organisations
            .get(&incident.organisation)
            .map(|o| l.text(&o.name, model.config.default_language()).text)
            .unwrap_or_else(|| incident.organisation.clone());
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
            let prefix = if amended {
                l.t("feed.amended")
            } else {
                l.t("feed.published")
            };
            entries.push((
                time,
                FeedEntry {
                    id: format!("{url}#{tag}"),
                    title: format!("{prefix}: {title}"),
                    updated: rfc3339(time),
                    author: author.clone(),
                    url: url.clone(),
                    summary: summary.clone(),
                },
            ));
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    entries.truncate(FEED_ENTRIES);
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
        id: format!("{base}{lang}/"),
        title: site_title,
        updated,
        self_url: format!("{base}{lang}/feed.xml"),
        site_url: format!("{base}{lang}/index.html"),
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
}

/// `<lang>/search-index.js`: the index as a script, so it loads from `file://` too.
pub fn search_index(
    model: &SiteModel<'_>,
    l: &Localizer<'_>,
    strings: &Strings,
) -> anyhow::Result<String> {
    let entries: Vec<SearchEntry> = model
        .reports
        .iter()
        .map(|report: &Published<'_>| {
            let incident = report.incident();
            let summary =
                markdown::to_plain(incident.summary.resolve(l.lang, &incident.language).0);
            let short: String = summary.chars().take(300).collect();
            SearchEntry {
                u: paths::report(&incident.id),
                t: l.text(&incident.title, &incident.language).text,
                s: short,
                v: incident
                    .services
                    .iter()
                    .map(|s| {
                        model
                            .config
                            .file
                            .services
                            .get(s)
                            .map(|svc| l.text(&svc.name, model.config.default_language()).text)
                            .unwrap_or_else(|| s.clone())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                o: model
                    .config
                    .file
                    .organisations
                    .get(&incident.organisation)
                    .map(|o| l.text(&o.name, model.config.default_language()).text)
                    .unwrap_or_default(),
                d: strings.date(incident.started_at.date_naive()),
            }
        })
        .collect();
    Ok(format!(
        "window.candorSearchIndex = {};\n",
        serde_json::to_string(&entries)?
    ))
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-12"), "-12");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    }
}
