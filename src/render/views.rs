//! Views: small serialisable structs built for each page, in one language.
//!
//! Templates see only these: strings already resolved to the page's language (with the
//! language they are actually in, for the `lang` attribute), dates and numbers already
//! formatted, markdown already rendered and sanitised, links already relative. Domain types
//! stay out of templates, so a template cannot reach into a report and print something raw.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use super::i18n::Strings;
use super::markdown;
use super::svg;
use crate::check::CheckedReport;
use crate::config::Config;
use crate::diag::Finding;
use crate::diag::{Code, RULES};
use crate::history::{ChangedField, PublishedHistory};
use crate::model::{EventKind, Incident, Outage, Severity, Status, Text};

/// A published report with everything the pages need besides the report itself.
pub struct Published<'a> {
    /// The validated report and its impact figures.
    pub checked: &'a CheckedReport,
    /// Standing findings (S and T findings never reach a published page).
    pub findings: Vec<&'a Finding>,
    /// Findings that a waiver covers.
    pub waived: Vec<&'a Finding>,
    /// What git says about its publication.
    pub history: PublishedHistory,
}

impl Published<'_> {
    /// The report.
    pub fn incident(&self) -> &Incident {
        &self.checked.incident
    }

    /// When the report became final: the first commit with `status: final`, or, without
    /// history, nothing.
    pub fn final_at(&self) -> Option<DateTime<FixedOffset>> {
        let first = self.history.first_published.iter().map(|r| (r, &r.facts));
        let later = self.history.amendments.iter().map(|(r, _)| (r, &r.facts));
        first
            .chain(later)
            .find(|(_, facts)| facts.as_ref().is_some_and(|f| f.status == "final"))
            .map(|(revision, _)| revision.time)
    }
}

/// Everything the site is built from, in every language.
pub struct SiteModel<'a> {
    /// candor.yaml.
    pub config: &'a Config,
    /// Published reports, newest first.
    pub reports: Vec<Published<'a>>,
    /// "Now" for overdue marks.
    pub today: DateTime<Utc>,
    /// The commit the site was built from.
    pub source_commit: Option<String>,
    /// Whether the build read the working tree rather than a commit.
    pub worktree: bool,
}

/// A text in the page's language, or in the language it falls back to.
#[derive(Clone, Debug, Serialize)]
pub struct TextView {
    /// The text (plain; the template escapes it).
    pub text: String,
    /// The language it is written in.
    pub lang: String,
    /// Whether that differs from the page's language.
    pub fallback: bool,
}

/// Rendered, sanitised markdown in the page's language (or its fallback).
#[derive(Clone, Debug, Serialize)]
pub struct HtmlView {
    /// Safe HTML.
    pub html: String,
    /// The language it is written in.
    pub lang: String,
    /// Whether that differs from the page's language.
    pub fallback: bool,
}

/// Resolves texts for one page language.
pub struct Localizer<'a> {
    /// Interface strings.
    pub strings: &'a Strings,
    /// The page language.
    pub lang: &'a str,
}

impl Localizer<'_> {
    /// A plain text field.
    pub fn text(&self, text: &Text, report_lang: &str) -> TextView {
        let (value, lang) = text.resolve(self.lang, report_lang);
        TextView {
            text: value.to_owned(),
            lang: lang.to_owned(),
            fallback: lang != self.lang,
        }
    }

    /// A markdown field.
    pub fn markdown(&self, text: &Text, report_lang: &str) -> HtmlView {
        let (value, lang) = text.resolve(self.lang, report_lang);
        HtmlView {
            html: markdown::to_html(value),
            lang: lang.to_owned(),
            fallback: lang != self.lang,
        }
    }

    /// An interface string.
    pub fn t(&self, key: &str) -> String {
        self.strings.get(key).to_owned()
    }
}

/// A link to the same page in another language.
#[derive(Clone, Debug, Serialize)]
pub struct LanguageLink {
    /// Language code.
    pub code: String,
    /// The language's own name for itself.
    pub name: String,
    /// Relative link.
    pub href: String,
    /// Whether this is the page's language.
    pub current: bool,
}

/// What every page's layout needs.
#[derive(Clone, Debug, Serialize)]
pub struct Layout {
    /// Page language.
    pub lang: String,
    /// Relative path to the site root, ending in `/` (or empty).
    pub root: String,
    /// Relative path to this language's root.
    pub lang_root: String,
    /// The page title (without the site title).
    pub title: String,
    /// The site title.
    pub site_title: TextView,
    /// The banner, if any.
    pub notice: Option<TextView>,
    /// The language switcher.
    pub languages: Vec<LanguageLink>,
    /// Which navigation entry is current (`index`, `services`, ...).
    pub section: String,
    /// "Status as of ..." date.
    pub as_of: String,
    /// Whether the page loads the search script.
    pub search: bool,
    /// The Candor version, for the footer.
    pub version: String,
}

/// Builds layouts for one language.
pub struct LayoutFactory<'a> {
    /// The model.
    pub model: &'a SiteModel<'a>,
    /// Strings of every site language, in site order.
    pub all_strings: &'a [Strings],
}

impl LayoutFactory<'_> {
    /// The layout of the page at `path` (relative to the language folder) in `lang`.
    pub fn layout(&self, lang: &str, path: &str, title: String, section: &str) -> Layout {
        let depth = path.matches('/').count();
        let lang_root = "../".repeat(depth);
        let root = "../".repeat(depth + 1);
        let strings = self.strings(lang);
        let site = &self.model.config.file.site;
        let localizer = Localizer { strings, lang };
        let default_language = self.model.config.default_language();
        Layout {
            lang: lang.to_owned(),
            root: root.clone(),
            lang_root,
            title,
            site_title: localizer.text(&site.title, default_language),
            notice: site
                .notice
                .as_ref()
                .map(|n| localizer.text(n, default_language)),
            languages: self
                .all_strings
                .iter()
                .map(|s| LanguageLink {
                    code: s.lang.clone(),
                    name: s.get("language.name").to_owned(),
                    href: format!("{root}{}/{path}", s.lang),
                    current: s.lang == lang,
                })
                .collect(),
            section: section.to_owned(),
            as_of: strings
                .get("layout.as_of")
                .replace("{date}", &strings.date(self.model.today.date_naive())),
            search: false,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }

    /// The strings of `lang`.
    pub fn strings(&self, lang: &str) -> &Strings {
        self.all_strings
            .iter()
            .find(|s| s.lang == lang)
            .unwrap_or(&self.all_strings[0])
    }
}

/// A label with its machine key (for CSS classes).
#[derive(Clone, Debug, Serialize)]
pub struct Label {
    /// Machine key, e.g. `critical`.
    pub key: String,
    /// Translated label.
    pub label: String,
}

fn label(strings: &Strings, group: &str, key: &str) -> Label {
    Label {
        key: key.to_owned(),
        label: strings.get(&format!("{group}.{key}")).to_owned(),
    }
}

/// One row in a list of reports.
#[derive(Clone, Debug, Serialize)]
pub struct ReportRow {
    /// Link relative to the language root.
    pub href: String,
    /// Title.
    pub title: TextView,
    /// Start date.
    pub date: String,
    /// ISO start date, for `<time datetime>`.
    pub date_iso: String,
    /// Severity (declared).
    pub severity: Label,
    /// Status.
    pub status: Label,
    /// Whether the incident is ongoing.
    pub ongoing: bool,
    /// Whether the final report is overdue (A008).
    pub final_overdue: bool,
    /// Affected services' names.
    pub services: Vec<String>,
    /// Organisation name.
    pub organisation: String,
}

/// Paths of pages relative to a language folder.
pub mod paths {
    /// A report page.
    pub fn report(id: &str) -> String {
        format!("reports/{id}.html")
    }
    /// A service page.
    pub fn service(key: &str) -> String {
        format!("services/{key}.html")
    }
    /// An organisation page.
    pub fn organisation(key: &str) -> String {
        format!("organisations/{key}.html")
    }
    /// A rule page.
    pub fn rule(code: &str) -> String {
        format!("rules/{code}.html")
    }
    /// A year page.
    pub fn year(year: i32) -> String {
        format!("years/{year}.html")
    }
}

/// The rows for `reports`, linked from a page at `depth` folders below the language root.
pub fn report_rows(
    model: &SiteModel<'_>,
    reports: &[&Published<'_>],
    l: &Localizer<'_>,
    lang_root: &str,
) -> Vec<ReportRow> {
    reports
        .iter()
        .map(|report| {
            let incident = report.incident();
            ReportRow {
                href: format!("{lang_root}{}", paths::report(&incident.id)),
                title: l.text(&incident.title, &incident.language),
                date: l.strings.date(incident.started_at.date_naive()),
                date_iso: incident.started_at.date_naive().to_string(),
                severity: label(l.strings, "severity", incident.severity.as_str()),
                status: label(l.strings, "status", incident.status.as_str()),
                ongoing: incident.resolved_at.is_none(),
                final_overdue: report.findings.iter().any(|f| f.code == Code::A008),
                services: incident
                    .services
                    .iter()
                    .map(|s| service_name(model, s, l))
                    .collect(),
                organisation: organisation_name(model, &incident.organisation, l),
            }
        })
        .collect()
}

fn service_name(model: &SiteModel<'_>, key: &str, l: &Localizer<'_>) -> String {
    model
        .config
        .file
        .services
        .get(key)
        .map(|s| l.text(&s.name, model.config.default_language()).text)
        .unwrap_or_else(|| key.to_owned())
}

fn organisation_name(model: &SiteModel<'_>, key: &str, l: &Localizer<'_>) -> String {
    model
        .config
        .file
        .organisations
        .get(key)
        .map(|o| l.text(&o.name, model.config.default_language()).text)
        .unwrap_or_else(|| key.to_owned())
}

/// The index page.
#[derive(Debug, Serialize)]
pub struct IndexView {
    /// The most recent reports.
    pub recent: Vec<ReportRow>,
    /// How many published reports there are.
    pub total: usize,
    /// Years with reports, newest first, with counts and links.
    pub years: Vec<YearLink>,
    /// Reports whose final report is overdue.
    pub overdue_final: usize,
    /// Promised actions past their due date.
    pub overdue_actions: usize,
    /// Ongoing incidents.
    pub ongoing: usize,
    /// Service links, for filtering.
    pub services: Vec<NamedLink>,
    /// Organisation links, for filtering.
    pub organisations: Vec<NamedLink>,
}

/// A year with its report count.
#[derive(Clone, Debug, Serialize)]
pub struct YearLink {
    /// The year.
    pub year: i32,
    /// Reports that started in it.
    pub count: usize,
    /// Link.
    pub href: String,
}

/// A link with a name.
#[derive(Clone, Debug, Serialize)]
pub struct NamedLink {
    /// Display name.
    pub name: String,
    /// Link.
    pub href: String,
    /// A count shown next to it.
    pub count: usize,
}

/// How many reports the index lists before pointing to the year pages.
pub const INDEX_RECENT: usize = 50;

/// Build the index view.
pub fn index(model: &SiteModel<'_>, l: &Localizer<'_>) -> IndexView {
    let all: Vec<&Published<'_>> = model.reports.iter().collect();
    let recent: Vec<&Published<'_>> = all.iter().copied().take(INDEX_RECENT).collect();
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for report in &all {
        *years
            .entry(report.incident().started_at.year())
            .or_default() += 1;
    }
    let today = model.today.date_naive();
    let overdue_actions = all
        .iter()
        .flat_map(|r| r.incident().actions.iter())
        .filter(|a| a.status.is_open() && a.due.is_some_and(|d| d < today))
        .count();
    IndexView {
        recent: report_rows(model, &recent, l, ""),
        total: all.len(),
        years: years
            .into_iter()
            .rev()
            .map(|(year, count)| YearLink {
                year,
                count,
                href: paths::year(year),
            })
            .collect(),
        overdue_final: all
            .iter()
            .filter(|r| r.findings.iter().any(|f| f.code == Code::A008))
            .count(),
        overdue_actions,
        ongoing: all
            .iter()
            .filter(|r| r.incident().resolved_at.is_none())
            .count(),
        services: model
            .config
            .file
            .services
            .keys()
            .map(|key| NamedLink {
                name: service_name(model, key, l),
                href: paths::service(key),
                count: all
                    .iter()
                    .filter(|r| r.incident().services.contains(key))
                    .count(),
            })
            .collect(),
        organisations: model
            .config
            .file
            .organisations
            .keys()
            .map(|key| NamedLink {
                name: organisation_name(model, key, l),
                href: paths::organisation(key),
                count: all
                    .iter()
                    .filter(|r| &r.incident().organisation == key)
                    .count(),
            })
            .collect(),
    }
}

/// A year page.
#[derive(Debug, Serialize)]
pub struct YearView {
    /// The year.
    pub year: i32,
    /// Its reports.
    pub reports: Vec<ReportRow>,
}

/// Build a year page.
pub fn year(model: &SiteModel<'_>, year: i32, l: &Localizer<'_>) -> YearView {
    let reports: Vec<&Published<'_>> = model
        .reports
        .iter()
        .filter(|r| r.incident().started_at.year() == year)
        .collect();
    YearView {
        year,
        reports: report_rows(model, &reports, l, "../"),
    }
}

/// A report page.
#[derive(Debug, Serialize)]
pub struct ReportView {
    /// Report id.
    pub id: String,
    /// Title.
    pub title: TextView,
    /// Status.
    pub status: Label,
    /// Declared severity.
    pub severity: Label,
    /// Computed severity.
    pub computed_severity: Label,
    /// Whether the declared severity is below the computed one.
    pub understated: bool,
    /// Organisation.
    pub organisation: NamedLink,
    /// Services.
    pub services: Vec<NamedLink>,
    /// Started, detected, resolved.
    pub started: String,
    /// Detection time.
    pub detected: String,
    /// Resolution time, if resolved.
    pub resolved: Option<String>,
    /// Duration so far or in total.
    pub duration: String,
    /// Summary.
    pub summary: HtmlView,
    /// Impact, if given.
    pub impact: Option<ImpactView>,
    /// The numbers behind the computed severity.
    pub severity_reasons: Vec<String>,
    /// User-hours, if known.
    pub user_hours: Option<String>,
    /// Minutes of full outage.
    pub full_outage: String,
    /// Timeline events.
    pub timeline: Vec<EventView>,
    /// The timeline drawing (safe SVG).
    pub timeline_svg: String,
    /// What the public was told, next to what was true.
    pub statements: Vec<StatementView>,
    /// Root cause.
    pub root_cause: Option<CauseView>,
    /// Contributing factors.
    pub contributing_factors: Vec<HtmlView>,
    /// Actions.
    pub actions: Vec<ActionView>,
    /// Lessons.
    pub lessons: Vec<LessonGroup>,
    /// Supplier.
    pub supplier: Option<SupplierView>,
    /// Withheld items.
    pub withheld: Vec<WithheldView>,
    /// References.
    pub references: Vec<LinkView>,
    /// Waivers with their public reasons.
    pub waivers: Vec<WaiverView>,
    /// Deadline and conduct findings.
    pub accountability_notes: Vec<FindingView>,
    /// Other open findings.
    pub other_findings: Vec<FindingView>,
    /// Revision history.
    pub history: HistoryView,
}

/// Impact.
#[derive(Debug, Serialize)]
pub struct ImpactView {
    /// Users affected (estimate), formatted.
    pub users: Option<String>,
    /// Range "min–max", formatted.
    pub users_range: Option<String>,
    /// How it was measured.
    pub method: Option<TextView>,
    /// Full or partial.
    pub outage: Label,
    /// Regions.
    pub regions: Vec<String>,
    /// Dependent services.
    pub dependent_services: Vec<String>,
    /// Financial loss, formatted.
    pub financial_loss: Option<String>,
    /// Whether data was compromised (`yes`/`no` label).
    pub data_compromised: Option<String>,
    /// Description.
    pub description: Option<HtmlView>,
}

/// A timeline event.
#[derive(Debug, Serialize)]
pub struct EventView {
    /// Time as written.
    pub time: String,
    /// ISO time, for `<time datetime>`.
    pub time_iso: String,
    /// Kind.
    pub kind: Label,
    /// Text.
    pub text: HtmlView,
    /// Channel, for statements.
    pub channel: Option<String>,
    /// Link, for statements.
    pub url: Option<String>,
}

/// A public statement and the truth at that moment.
#[derive(Debug, Serialize)]
pub struct StatementView {
    /// When.
    pub time: String,
    /// Minutes after detection, formatted.
    pub after_detection: String,
    /// Where.
    pub channel: String,
    /// Link.
    pub url: Option<String>,
    /// What was said.
    pub text: HtmlView,
    /// The severity claimed, if recorded.
    pub claimed: Option<Label>,
    /// The severity computed from the measured impact.
    pub computed: Label,
    /// Whether the claim was lower.
    pub understated: bool,
    /// What was true: how long the service had been down or degraded at that moment.
    pub truth: String,
}

/// Root cause.
#[derive(Debug, Serialize)]
pub struct CauseView {
    /// Status.
    pub status: Label,
    /// Category.
    pub category: Label,
    /// Trigger.
    pub trigger: Option<HtmlView>,
    /// Description.
    pub description: Option<HtmlView>,
    /// Next update due.
    pub next_update_due: Option<String>,
}

/// An action.
#[derive(Clone, Debug, Serialize)]
pub struct ActionView {
    /// Action id.
    pub id: String,
    /// Type.
    pub kind: Label,
    /// What.
    pub action: HtmlView,
    /// Owner.
    pub owner: Option<String>,
    /// Due date.
    pub due: Option<String>,
    /// ISO due date.
    pub due_iso: Option<String>,
    /// Status.
    pub status: Label,
    /// Whether it is past due and open.
    pub overdue: bool,
    /// Evidence link.
    pub evidence: Option<String>,
    /// Reason for dropping.
    pub reason: Option<HtmlView>,
    /// The report it belongs to (for the ledger).
    pub report: Option<NamedLink>,
}

/// A group of lessons.
#[derive(Debug, Serialize)]
pub struct LessonGroup {
    /// Heading.
    pub heading: String,
    /// Items.
    pub items: Vec<HtmlView>,
}

/// Supplier.
#[derive(Debug, Serialize)]
pub struct SupplierView {
    /// Name.
    pub name: String,
    /// Contract availability, formatted.
    pub contract_availability: Option<String>,
}

/// A withheld item.
#[derive(Debug, Serialize)]
pub struct WithheldView {
    /// What.
    pub what: HtmlView,
    /// Legal basis.
    pub legal_basis: Option<HtmlView>,
    /// Disclosure date.
    pub disclose_by: Option<String>,
}

/// A link.
#[derive(Debug, Serialize)]
pub struct LinkView {
    /// Text.
    pub title: TextView,
    /// Address.
    pub url: String,
}

/// A waiver.
#[derive(Debug, Serialize)]
pub struct WaiverView {
    /// Rule code.
    pub code: String,
    /// Rule summary in the page language.
    pub rule: String,
    /// Link to the rule page.
    pub href: String,
    /// The public reason.
    pub reason: Option<HtmlView>,
    /// Until.
    pub until: Option<String>,
}

/// A finding shown on a page.
#[derive(Debug, Serialize)]
pub struct FindingView {
    /// Rule code.
    pub code: String,
    /// Rule summary in the page language.
    pub rule: String,
    /// Link to the rule page.
    pub href: String,
    /// The finding's message (English).
    pub message: String,
    /// Level.
    pub level: String,
}

/// The revision history.
#[derive(Debug, Default, Serialize)]
pub struct HistoryView {
    /// First publication.
    pub first_published: Option<RevisionView>,
    /// Later changes, oldest first.
    pub amendments: Vec<RevisionView>,
    /// Whether the page was built from uncommitted files.
    pub uncommitted: bool,
}

/// One revision.
#[derive(Debug, Serialize)]
pub struct RevisionView {
    /// Date and time.
    pub date: String,
    /// ISO date.
    pub date_iso: String,
    /// Short commit id.
    pub short: String,
    /// Full commit id.
    pub commit: String,
    /// Commit message's first line.
    pub message: String,
    /// Key fields that changed.
    pub changes: Vec<ChangeView>,
}

/// One changed field.
#[derive(Debug, Serialize)]
pub struct ChangeView {
    /// What changed, in the page language.
    pub field: String,
    /// Before.
    pub before: String,
    /// After.
    pub after: String,
}

/// Build a report page.
pub fn report(model: &SiteModel<'_>, published: &Published<'_>, l: &Localizer<'_>) -> ReportView {
    let incident = published.incident();
    let figures = &published.checked.impact;
    let report_lang = incident.language.as_str();
    let strings = l.strings;
    let today = model.today.date_naive();
    let started_utc = incident.started_at.with_timezone(&Utc);
    let end = incident
        .resolved_at
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(model.today);
    let detected = incident.detected_at;

    let timeline: Vec<EventView> = incident
        .timeline
        .iter()
        .map(|event| EventView {
            time: strings.date_time(&event.at),
            time_iso: event.at.to_rfc3339(),
            kind: label(strings, "event", event.kind.as_str()),
            text: l.markdown(&event.text, report_lang),
            channel: event.channel.clone(),
            url: event.url.clone().filter(|u| is_web_link(u)),
        })
        .collect();

    let statements = incident
        .timeline
        .iter()
        .filter(|e| e.kind == EventKind::PublicStatement)
        .map(|event| {
            let since_start = (event.at.with_timezone(&Utc) - started_utc)
                .num_minutes()
                .max(0) as f64;
            let resolved_by_then = incident.resolved_at.is_some_and(|r| r <= event.at);
            let outage_key = match incident.impact.as_ref().map(|i| i.outage) {
                Some(Outage::Full) => "statement.truth_full",
                _ => "statement.truth_partial",
            };
            let truth = if resolved_by_then {
                strings.get("statement.truth_resolved").to_owned()
            } else {
                strings
                    .get(outage_key)
                    .replace("{duration}", &strings.duration(since_start))
            };
            StatementView {
                time: strings.date_time(&event.at),
                after_detection: strings.get("statement.after_detection").replace(
                    "{duration}",
                    &strings.duration((event.at - detected).num_minutes().max(0) as f64),
                ),
                channel: event.channel.clone().unwrap_or_default(),
                url: event.url.clone().filter(|u| is_web_link(u)),
                text: l.markdown(&event.text, report_lang),
                claimed: event
                    .severity_claimed
                    .map(|s| label(strings, "severity", s.as_str())),
                computed: label(strings, "severity", figures.computed.as_str()),
                understated: event.severity_claimed.is_some_and(|s| s < figures.computed),
                truth,
            }
        })
        .collect();

    let timeline_svg = timeline_drawing(incident, figures.ongoing, model.today, l);

    let actions = incident
        .actions
        .iter()
        .map(|action| action_view(action, report_lang, today, l, None))
        .collect();

    let lessons = incident
        .lessons
        .as_ref()
        .map(|lessons| {
            [
                ("lessons.went_well", &lessons.went_well),
                ("lessons.went_wrong", &lessons.went_wrong),
                ("lessons.got_lucky", &lessons.got_lucky),
            ]
            .into_iter()
            .filter(|(_, items)| !items.is_empty())
            .map(|(key, items)| LessonGroup {
                heading: l.t(key),
                items: items.iter().map(|t| l.markdown(t, report_lang)).collect(),
            })
            .collect()
        })
        .unwrap_or_default();

    let finding_view = |finding: &&Finding| FindingView {
        code: finding.code.to_string(),
        rule: strings.get(&format!("rules.{}", finding.code)).to_owned(),
        href: format!("../{}", paths::rule(finding.code.as_str())),
        message: finding.message.replace('`', ""),
        level: finding.level.as_str().to_owned(),
    };

    ReportView {
        id: incident.id.clone(),
        title: l.text(&incident.title, report_lang),
        status: label(strings, "status", incident.status.as_str()),
        severity: label(strings, "severity", incident.severity.as_str()),
        computed_severity: label(strings, "severity", figures.computed.as_str()),
        understated: incident.severity < figures.computed,
        organisation: NamedLink {
            name: organisation_name(model, &incident.organisation, l),
            href: format!("../{}", paths::organisation(&incident.organisation)),
            count: 0,
        },
        services: incident
            .services
            .iter()
            .map(|key| NamedLink {
                name: service_name(model, key, l),
                href: format!("../{}", paths::service(key)),
                count: 0,
            })
            .collect(),
        started: strings.date_time(&incident.started_at),
        detected: strings.date_time(&incident.detected_at),
        resolved: incident.resolved_at.map(|t| strings.date_time(&t)),
        duration: strings.duration(((end - started_utc).num_seconds().max(0) as f64) / 60.0),
        summary: l.markdown(&incident.summary, report_lang),
        impact: incident.impact.as_ref().map(|impact| ImpactView {
            users: impact
                .users_affected
                .as_ref()
                .map(|u| strings.integer(u.estimate as f64)),
            users_range: impact
                .users_affected
                .as_ref()
                .and_then(|u| match (u.min, u.max) {
                    (Some(min), Some(max)) => Some(format!(
                        "{}–{}",
                        strings.integer(min as f64),
                        strings.integer(max as f64)
                    )),
                    _ => None,
                }),
            method: impact
                .users_affected
                .as_ref()
                .and_then(|u| u.method.as_ref())
                .map(|m| l.text(m, report_lang)),
            outage: label(
                strings,
                "outage",
                if impact.outage == Outage::Full {
                    "full"
                } else {
                    "partial"
                },
            ),
            regions: impact.regions.clone(),
            dependent_services: impact.dependent_services.clone(),
            financial_loss: impact
                .financial_loss_eur
                .map(|e| format!("{} EUR", strings.integer(e))),
            data_compromised: impact
                .data_compromised
                .map(|b| l.t(if b { "common.yes" } else { "common.no" })),
            description: impact
                .description
                .as_ref()
                .map(|d| l.markdown(d, report_lang)),
        }),
        severity_reasons: figures
            .reasons
            .iter()
            .map(|reason| {
                strings
                    .get(&format!("severity_reason.{}", reason.measure))
                    .replace("{value}", &strings.integer(reason.value))
                    .replace("{threshold}", &strings.integer(reason.threshold))
            })
            .collect(),
        user_hours: figures.user_hours.map(|u| strings.integer(u)),
        full_outage: strings.duration(figures.full_outage_minutes),
        timeline,
        timeline_svg,
        statements,
        root_cause: incident.root_cause.as_ref().map(|cause| CauseView {
            status: label(strings, "cause_status", cause.status.as_str()),
            category: label(strings, "cause_category", cause.category.as_str()),
            trigger: cause.trigger.as_ref().map(|t| l.markdown(t, report_lang)),
            description: cause
                .description
                .as_ref()
                .map(|d| l.markdown(d, report_lang)),
            next_update_due: cause.next_update_due.map(|d| strings.date(d)),
        }),
        contributing_factors: incident
            .contributing_factors
            .iter()
            .map(|f| l.markdown(f, report_lang))
            .collect(),
        actions,
        lessons,
        supplier: incident.supplier.as_ref().map(|s| SupplierView {
            name: s.name.clone(),
            contract_availability: s
                .contract_availability
                .map(|a| format!("{} %", strings.decimal(a, 2))),
        }),
        withheld: incident
            .withheld
            .iter()
            .map(|w| WithheldView {
                what: l.markdown(&w.what, report_lang),
                legal_basis: w.legal_basis.as_ref().map(|b| l.markdown(b, report_lang)),
                disclose_by: w.disclose_by.map(|d| strings.date(d)),
            })
            .collect(),
        references: incident
            .references
            .iter()
            .filter(|r| is_web_link(&r.url))
            .map(|r| LinkView {
                title: l.text(&r.title, report_lang),
                url: r.url.clone(),
            })
            .collect(),
        waivers: incident
            .waivers
            .iter()
            .map(|w| WaiverView {
                code: w.rule.clone(),
                rule: strings.get(&format!("rules.{}", w.rule)).to_owned(),
                href: Code::parse(&w.rule)
                    .map(|c| format!("../{}", paths::rule(c.as_str())))
                    .unwrap_or_default(),
                reason: w.reason.as_ref().map(|r| l.markdown(r, report_lang)),
                until: w.until.map(|d| strings.date(d)),
            })
            .collect(),
        accountability_notes: published
            .findings
            .iter()
            .filter(|f| f.code.is_accountability_note())
            .map(finding_view)
            .collect(),
        other_findings: published
            .findings
            .iter()
            .filter(|f| !f.code.is_accountability_note())
            .map(finding_view)
            .collect(),
        history: history_view(&published.history, model.worktree, l),
    }
}

/// Whether a link may be shown as a link (http, https or mailto).
pub fn is_web_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

fn action_view(
    action: &crate::model::Action,
    report_lang: &str,
    today: NaiveDate,
    l: &Localizer<'_>,
    report: Option<NamedLink>,
) -> ActionView {
    ActionView {
        id: action.id.clone(),
        kind: label(l.strings, "action_type", action.kind.as_str()),
        action: l.markdown(&action.action, report_lang),
        owner: action.owner.clone(),
        due: action.due.map(|d| l.strings.date(d)),
        due_iso: action.due.map(|d| d.to_string()),
        status: label(l.strings, "action_status", action.status.as_str()),
        overdue: action.status.is_open() && action.due.is_some_and(|d| d < today),
        evidence: action.evidence.clone().filter(|e| is_web_link(e)),
        reason: action.reason.as_ref().map(|r| l.markdown(r, report_lang)),
        report,
    }
}

fn history_view(history: &PublishedHistory, worktree: bool, l: &Localizer<'_>) -> HistoryView {
    let revision = |revision: &crate::history::Revision, changes: Vec<ChangeView>| RevisionView {
        date: l.strings.date_time(&revision.time),
        date_iso: revision.time.to_rfc3339(),
        short: revision.short.clone(),
        commit: revision.commit.clone(),
        message: revision.summary.clone(),
        changes,
    };
    HistoryView {
        first_published: history
            .first_published
            .as_ref()
            .map(|r| revision(r, Vec::new())),
        amendments: history
            .amendments
            .iter()
            .map(|(r, changes)| {
                revision(
                    r,
                    changes
                        .iter()
                        .map(|change| change_view(change, l))
                        .collect(),
                )
            })
            .collect(),
        uncommitted: worktree,
    }
}

fn change_view(change: &crate::history::FieldChange, l: &Localizer<'_>) -> ChangeView {
    let strings = l.strings;
    let (field, value_group) = match &change.field {
        ChangedField::Status => (l.t("history.field.status"), Some("status")),
        ChangedField::Severity => (l.t("history.field.severity"), Some("severity")),
        ChangedField::CauseStatus => (l.t("history.field.cause_status"), Some("cause_status")),
        ChangedField::CauseCategory => {
            (l.t("history.field.cause_category"), Some("cause_category"))
        }
        ChangedField::CauseTrigger => (l.t("history.field.cause_trigger"), None),
        ChangedField::UsersAffected => (l.t("history.field.users_affected"), None),
        ChangedField::ResolvedAt => (l.t("history.field.resolved_at"), None),
        ChangedField::ActionAdded(id) => (
            strings
                .get("history.field.action_added")
                .replace("{id}", id),
            None,
        ),
        ChangedField::ActionRemoved(id) => (
            strings
                .get("history.field.action_removed")
                .replace("{id}", id),
            None,
        ),
        ChangedField::ActionRedated(id) => (
            strings
                .get("history.field.action_redated")
                .replace("{id}", id),
            None,
        ),
        ChangedField::ActionStatus(id) => (
            strings
                .get("history.field.action_status")
                .replace("{id}", id),
            Some("action_status"),
        ),
    };
    let show = |value: &str| -> String {
        if value.is_empty() {
            return "—".to_owned();
        }
        match (value_group, &change.field) {
            (Some(group), _) => strings.get(&format!("{group}.{value}")).to_owned(),
            (None, ChangedField::UsersAffected) => value
                .parse::<f64>()
                .map(|v| strings.integer(v))
                .unwrap_or_else(|_| value.to_owned()),
            (
                None,
                ChangedField::ActionAdded(_)
                | ChangedField::ActionRemoved(_)
                | ChangedField::ActionRedated(_),
            ) => NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(|d| strings.date(d))
                .unwrap_or_else(|_| value.to_owned()),
            (None, ChangedField::CauseTrigger) => trigger_text(value, strings),
            _ => value.to_owned(),
        }
    };
    ChangeView {
        field,
        before: show(&change.before),
        after: show(&change.after),
    }
}

/// A trigger as stored in the history (a string, or JSON of a language map) in the page language.
fn trigger_text(stored: &str, strings: &Strings) -> String {
    match serde_json::from_str::<BTreeMap<String, String>>(stored) {
        Ok(map) => map
            .get(&strings.lang)
            .or_else(|| map.values().next())
            .cloned()
            .unwrap_or_default(),
        Err(_) => stored.to_owned(),
    }
}

fn timeline_drawing(
    incident: &Incident,
    ongoing: bool,
    today: DateTime<Utc>,
    l: &Localizer<'_>,
) -> String {
    let strings = l.strings;
    let started = incident.started_at.with_timezone(&Utc);
    let end = incident
        .resolved_at
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(today);
    let first = incident
        .timeline
        .iter()
        .map(|e| e.at.with_timezone(&Utc))
        .chain([started])
        .min()
        .unwrap_or(started);
    let last = incident
        .timeline
        .iter()
        .map(|e| e.at.with_timezone(&Utc))
        .chain([end])
        .max()
        .unwrap_or(end);
    let minutes = |t: DateTime<Utc>| (t - first).num_seconds() as f64 / 60.0;
    let offset = incident.started_at.offset();
    let local = |t: DateTime<Utc>| offset.from_utc_datetime(&t.naive_utc());
    let outage = match incident.impact.as_ref().map(|i| i.outage) {
        Some(Outage::Full) => "full",
        _ => "partial",
    };
    svg::timeline(&svg::Timeline {
        id: "timeline-drawing",
        title: &l.t("report.timeline_drawing_title"),
        description: &strings
            .get("report.timeline_drawing_description")
            .replace("{start}", &strings.date_time(&incident.started_at))
            .replace(
                "{end}",
                &incident
                    .resolved_at
                    .map(|t| strings.date_time(&t))
                    .unwrap_or_else(|| l.t("report.ongoing")),
            ),
        total_minutes: minutes(last),
        incident_start: minutes(started),
        incident_end: minutes(end),
        outage,
        ongoing,
        start_label: &strings.date_time(&local(first)),
        end_label: &if ongoing {
            l.t("report.ongoing")
        } else {
            strings.date_time(&local(last))
        },
        marks: incident
            .timeline
            .iter()
            .map(|event| svg::TimelineMark {
                minute: minutes(event.at.with_timezone(&Utc)),
                kind: event.kind.as_str().to_owned(),
                label: short_time(&event.at, strings),
                title: format!(
                    "{} — {}",
                    strings.date_time(&event.at),
                    strings.get(&format!("event.{}", event.kind.as_str()))
                ),
            })
            .collect(),
    })
}

fn short_time(time: &DateTime<FixedOffset>, strings: &Strings) -> String {
    use chrono::Timelike;
    format!(
        "{:02}{}{:02}",
        time.hour(),
        strings.get("format.time_separator"),
        time.minute()
    )
}

/// A service page.
#[derive(Debug, Serialize)]
pub struct ServiceView {
    /// Key.
    pub key: String,
    /// Name.
    pub name: TextView,
    /// Responsible organisation.
    pub organisation: NamedLink,
    /// Target, formatted.
    pub target: Option<String>,
    /// Services it depends on.
    pub depends_on: Vec<NamedLink>,
    /// Per-year availability, newest first.
    pub years: Vec<AvailabilityRow>,
    /// The chart (safe SVG), if there are years to show.
    pub chart: Option<String>,
    /// Its most recent incidents (up to [`LIST_LIMIT`]).
    pub reports: Vec<ReportRow>,
    /// How many incidents it has in all.
    pub total_reports: usize,
}

/// One year of a service's availability.
#[derive(Debug, Serialize)]
pub struct AvailabilityRow {
    /// Year.
    pub year: i32,
    /// Incidents that year.
    pub incidents: usize,
    /// Full-outage downtime, formatted.
    pub downtime: String,
    /// Partial-outage time, formatted.
    pub degraded: String,
    /// Availability from full outages, formatted.
    pub availability: String,
    /// Whether it met the target (`None` without a target).
    pub met: Option<bool>,
}

/// Minutes of `[start, end)` that fall in each calendar year (UTC).
fn minutes_per_year(start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<(i32, f64)> {
    let mut out = Vec::new();
    let mut cursor = start;
    while cursor < end {
        let year = cursor.year();
        let next_year = Utc
            .with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or(end);
        let stop = next_year.min(end);
        out.push((year, (stop - cursor).num_seconds() as f64 / 60.0));
        cursor = stop;
    }
    out
}

fn minutes_in_year(year: i32) -> f64 {
    let days = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366.0
    } else {
        365.0
    };
    days * 24.0 * 60.0
}

/// Build a service page.
pub fn service(model: &SiteModel<'_>, key: &str, l: &Localizer<'_>) -> ServiceView {
    let strings = l.strings;
    let config = &model.config.file;
    let service = &config.services[key];
    let default_language = model.config.default_language();
    let reports: Vec<&Published<'_>> = model
        .reports
        .iter()
        .filter(|r| r.incident().services.iter().any(|s| s == key))
        .collect();
    let mut per_year: BTreeMap<i32, (usize, f64, f64)> = BTreeMap::new();
    for report in &reports {
        let incident = report.incident();
        let start = incident.started_at.with_timezone(&Utc);
        let end = incident
            .resolved_at
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(model.today);
        let full = incident
            .impact
            .as_ref()
            .is_some_and(|i| i.outage == Outage::Full);
        per_year.entry(start.year()).or_default().0 += 1;
        for (year, minutes) in minutes_per_year(start, end) {
            let entry = per_year.entry(year).or_default();
            if full {
                entry.1 += minutes;
            } else {
                entry.2 += minutes;
            }
        }
    }
    let target = service.availability_target;
    let years: Vec<AvailabilityRow> = per_year
        .iter()
        .rev()
        .map(|(year, (count, down, degraded))| {
            let availability = 100.0 * (1.0 - down / minutes_in_year(*year));
            AvailabilityRow {
                year: *year,
                incidents: *count,
                downtime: strings.duration(*down),
                degraded: strings.duration(*degraded),
                availability: format!("{} %", strings.decimal(availability, 3)),
                met: target.map(|t| availability >= t),
            }
        })
        .collect();
    let bars: Vec<svg::YearBar> = per_year
        .iter()
        .rev()
        .map(|(year, (_, down, _))| {
            let availability = 100.0 * (1.0 - down / minutes_in_year(*year));
            svg::YearBar {
                label: year.to_string(),
                availability,
                value_label: format!("{} %", strings.decimal(availability, 3)),
            }
        })
        .collect();
    let name = l.text(&service.name, default_language);
    let chart = (!bars.is_empty()).then(|| {
        svg::availability(
            "availability-chart",
            &strings
                .get("service.chart_title")
                .replace("{service}", &name.text),
            &l.t("service.chart_description"),
            &bars,
            target,
            &strings.get("service.target_label").replace(
                "{target}",
                &target.map(|t| strings.decimal(t, 2)).unwrap_or_default(),
            ),
        )
    });
    ServiceView {
        key: key.to_owned(),
        name,
        organisation: NamedLink {
            name: organisation_name(model, &service.organisation, l),
            href: format!("../{}", paths::organisation(&service.organisation)),
            count: 0,
        },
        target: target.map(|t| format!("{} %", strings.decimal(t, 2))),
        depends_on: service
            .depends_on
            .iter()
            .filter(|d| config.services.contains_key(*d))
            .map(|d| NamedLink {
                name: service_name(model, d, l),
                href: format!("../{}", paths::service(d)),
                count: 0,
            })
            .collect(),
        years,
        chart,
        total_reports: reports.len(),
        reports: report_rows(model, &reports[..reports.len().min(LIST_LIMIT)], l, "../"),
    }
}

/// A list of all services or all organisations.
#[derive(Debug, Serialize)]
pub struct DirectoryView {
    /// Entries.
    pub entries: Vec<NamedLink>,
}

/// The services directory.
pub fn services(model: &SiteModel<'_>, l: &Localizer<'_>) -> DirectoryView {
    DirectoryView {
        entries: model
            .config
            .file
            .services
            .keys()
            .map(|key| NamedLink {
                name: service_name(model, key, l),
                href: paths::service(key)
                    .trim_start_matches("services/")
                    .to_owned(),
                count: model
                    .reports
                    .iter()
                    .filter(|r| r.incident().services.contains(key))
                    .count(),
            })
            .collect(),
    }
}

/// The organisations directory.
pub fn organisations(model: &SiteModel<'_>, l: &Localizer<'_>) -> DirectoryView {
    DirectoryView {
        entries: model
            .config
            .file
            .organisations
            .keys()
            .map(|key| NamedLink {
                name: organisation_name(model, key, l),
                href: paths::organisation(key)
                    .trim_start_matches("organisations/")
                    .to_owned(),
                count: model
                    .reports
                    .iter()
                    .filter(|r| &r.incident().organisation == key)
                    .count(),
            })
            .collect(),
    }
}

/// An organisation page.
#[derive(Debug, Serialize)]
pub struct OrganisationView {
    /// Name.
    pub name: TextView,
    /// Website.
    pub url: Option<String>,
    /// Its services.
    pub services: Vec<NamedLink>,
    /// Median days from resolution to the final report, formatted.
    pub median_days_to_final: Option<String>,
    /// How many final reports the median is computed from.
    pub finals_measured: usize,
    /// Final reports overdue now.
    pub overdue_final: usize,
    /// Open actions, overdue first (up to [`LIST_LIMIT`]).
    pub open_actions: Vec<ActionView>,
    /// How many actions are open.
    pub open_total: usize,
    /// Of which overdue.
    pub overdue_actions: usize,
    /// Its most recent reports (up to [`LIST_LIMIT`]).
    pub reports: Vec<ReportRow>,
    /// How many reports it has in all.
    pub total_reports: usize,
}

/// Build an organisation page.
pub fn organisation(model: &SiteModel<'_>, key: &str, l: &Localizer<'_>) -> OrganisationView {
    let config = &model.config.file;
    let organisation = &config.organisations[key];
    let default_language = model.config.default_language();
    let today = model.today.date_naive();
    let reports: Vec<&Published<'_>> = model
        .reports
        .iter()
        .filter(|r| r.incident().organisation == key)
        .collect();
    let mut days: Vec<f64> = reports
        .iter()
        .filter_map(|r| {
            let resolved = r.incident().resolved_at?;
            let final_at = r.final_at()?;
            Some(((final_at - resolved).num_seconds().max(0) as f64) / 86_400.0)
        })
        .collect();
    days.sort_by(f64::total_cmp);
    let median = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2]),
        n => Some((days[n / 2 - 1] + days[n / 2]) / 2.0),
    };
    let mut open: Vec<(&Incident, &crate::model::Action)> = reports
        .iter()
        .flat_map(|r| {
            let incident = r.incident();
            incident
                .actions
                .iter()
                .filter(|a| a.status.is_open())
                .map(move |a| (incident, a))
        })
        .collect();
    // Overdue first, then by due date.
    open.sort_by_key(|(incident, a)| {
        (
            a.due.is_none_or(|d| d >= today),
            a.due,
            incident.id.clone(),
            a.id.clone(),
        )
    });
    let overdue_actions = open
        .iter()
        .filter(|(_, a)| a.due.is_some_and(|d| d < today))
        .count();
    let open_total = open.len();
    let open_actions: Vec<ActionView> = open
        .iter()
        .take(LIST_LIMIT)
        .map(|(incident, a)| {
            action_view(
                a,
                &incident.language,
                today,
                l,
                Some(NamedLink {
                    name: l.text(&incident.title, &incident.language).text,
                    href: format!("../{}", paths::report(&incident.id)),
                    count: 0,
                }),
            )
        })
        .collect();
    OrganisationView {
        name: l.text(&organisation.name, default_language),
        url: organisation.url.clone().filter(|u| is_web_link(u)),
        services: config
            .services
            .iter()
            .filter(|(_, s)| s.organisation == key)
            .map(|(k, _)| NamedLink {
                name: service_name(model, k, l),
                href: format!("../{}", paths::service(k)),
                count: 0,
            })
            .collect(),
        median_days_to_final: median.map(|d| l.strings.decimal(d, 1)),
        finals_measured: days.len(),
        overdue_final: reports
            .iter()
            .filter(|r| r.findings.iter().any(|f| f.code == Code::A008))
            .count(),
        overdue_actions,
        open_actions,
        open_total,
        total_reports: reports.len(),
        reports: report_rows(model, &reports[..reports.len().min(LIST_LIMIT)], l, "../"),
    }
}

/// How many entries a list page shows before pointing to pages by year.
pub const LIST_LIMIT: usize = 200;

/// The actions ledger (or one year of it).
#[derive(Debug, Serialize)]
pub struct LedgerView {
    /// The year this page covers (`None` for the overview; `undated` for actions without a due date).
    pub year: Option<String>,
    /// Groups in a fixed order: overdue, in progress, planned, done, dropped.
    pub groups: Vec<LedgerGroup>,
    /// Total actions on this page's scope.
    pub total: usize,
    /// Pages by year of the due date.
    pub years: Vec<NamedLink>,
}

/// One group of the ledger.
#[derive(Debug, Serialize)]
pub struct LedgerGroup {
    /// Key (`overdue`, `in-progress`, ...).
    pub key: String,
    /// Heading.
    pub heading: String,
    /// Actions shown.
    pub actions: Vec<ActionView>,
    /// Actions in the group, shown or not.
    pub total: usize,
}

/// One promised action with what the ledger needs to sort and group it.
struct ActionRef<'a> {
    incident: &'a Incident,
    action: &'a crate::model::Action,
    state: &'static str,
}

fn action_refs<'a>(model: &'a SiteModel<'a>) -> Vec<ActionRef<'a>> {
    let today = model.today.date_naive();
    let mut refs = Vec::new();
    for report in &model.reports {
        let incident = report.incident();
        for action in &incident.actions {
            let overdue = action.status.is_open() && action.due.is_some_and(|d| d < today);
            let state = if overdue {
                "overdue"
            } else {
                action.status.as_str()
            };
            refs.push(ActionRef {
                incident,
                action,
                state,
            });
        }
    }
    refs.sort_by(|a, b| {
        a.action
            .due
            .cmp(&b.action.due)
            .then_with(|| a.incident.id.cmp(&b.incident.id))
            .then_with(|| a.action.id.cmp(&b.action.id))
    });
    refs
}

fn ledger_groups(
    refs: &[&ActionRef<'_>],
    today: NaiveDate,
    l: &Localizer<'_>,
    lang_root: &str,
    limit: usize,
) -> Vec<LedgerGroup> {
    ["overdue", "in-progress", "planned", "done", "dropped"]
        .iter()
        .map(|key| {
            let members: Vec<&&ActionRef<'_>> = refs.iter().filter(|r| r.state == *key).collect();
            // The most recent promises first for kept and dropped ones; the most urgent first otherwise.
            let ordered: Vec<&&ActionRef<'_>> = if matches!(*key, "done" | "dropped") {
                members.iter().rev().copied().collect()
            } else {
                members.clone()
            };
            LedgerGroup {
                key: (*key).to_owned(),
                heading: l.t(&format!("ledger.{key}")),
                total: members.len(),
                actions: ordered
                    .iter()
                    .take(limit)
                    .map(|r| {
                        action_view(
                            r.action,
                            &r.incident.language,
                            today,
                            l,
                            Some(NamedLink {
                                name: l.text(&r.incident.title, &r.incident.language).text,
                                href: format!("{lang_root}{}", paths::report(&r.incident.id)),
                                count: 0,
                            }),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The key of a due date's year page: the year, or `undated`.
fn due_year(action: &crate::model::Action) -> String {
    action
        .due
        .map(|d| d.year().to_string())
        .unwrap_or_else(|| "undated".to_owned())
}

/// The actions ledger: an overview page and one page per year of due dates. Each page's view
/// is built only when that page is rendered, so the ledger never holds every action's
/// rendered text at once.
pub struct Ledger<'a> {
    refs: Vec<ActionRef<'a>>,
    /// Indexes into `refs` by year of the due date ("undated" for none), in order.
    by_year: BTreeMap<String, Vec<usize>>,
    today: NaiveDate,
}

/// One page of the ledger: where it goes, and which year it covers (`None`: the overview).
pub struct LedgerPage {
    /// Path under the language folder.
    pub path: String,
    /// The year of due dates, or `None` for the overview.
    pub year: Option<String>,
}

impl<'a> Ledger<'a> {
    /// Every action of the published reports, grouped by year.
    pub fn new(model: &'a SiteModel<'a>) -> Ledger<'a> {
        let refs = action_refs(model);
        let mut by_year: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, action) in refs.iter().enumerate() {
            by_year
                .entry(due_year(action.action))
                .or_default()
                .push(index);
        }
        Ledger {
            refs,
            by_year,
            today: model.today.date_naive(),
        }
    }

    /// The pages, the overview first.
    pub fn pages(&self) -> Vec<LedgerPage> {
        let mut pages = vec![LedgerPage {
            path: "actions.html".into(),
            year: None,
        }];
        pages.extend(self.by_year.keys().map(|year| LedgerPage {
            path: format!("actions/{year}.html"),
            year: Some(year.clone()),
        }));
        pages
    }

    /// The view of one page.
    pub fn view(&self, page: &LedgerPage, l: &Localizer<'_>) -> LedgerView {
        let year_name = |year: &str| {
            if year == "undated" {
                l.t("ledger.undated")
            } else {
                year.to_owned()
            }
        };
        match &page.year {
            None => {
                let all: Vec<&ActionRef<'_>> = self.refs.iter().collect();
                LedgerView {
                    year: None,
                    groups: ledger_groups(&all, self.today, l, "", LIST_LIMIT),
                    total: self.refs.len(),
                    years: self
                        .by_year
                        .iter()
                        .rev()
                        .map(|(year, actions)| NamedLink {
                            name: year_name(year),
                            href: format!("actions/{year}.html"),
                            count: actions.len(),
                        })
                        .collect(),
                }
            }
            Some(year) => {
                let actions: Vec<&ActionRef<'_>> = self
                    .by_year
                    .get(year)
                    .map(|indexes| indexes.iter().map(|&i| &self.refs[i]).collect())
                    .unwrap_or_default();
                LedgerView {
                    year: Some(year_name(year)),
                    total: actions.len(),
                    groups: ledger_groups(&actions, self.today, l, "../", usize::MAX),
                    years: Vec::new(),
                }
            }
        }
    }
}

/// A rule, for the rule pages.
#[derive(Debug, Serialize)]
pub struct RuleView {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Level in this repository.
    pub level: String,
    /// Summary in the page language.
    pub summary: String,
    /// Explanation (English, rendered markdown).
    pub explanation: String,
    /// Link.
    pub href: String,
}

/// Every rule.
pub fn rules(model: &SiteModel<'_>, l: &Localizer<'_>) -> Vec<RuleView> {
    let levels = crate::diag::Levels::from_overrides(&model.config.rule_levels);
    RULES
        .iter()
        .map(|rule| RuleView {
            code: rule.code_str.to_owned(),
            name: rule.name.to_owned(),
            level: l.t(&format!("level.{}", levels.level(rule.code).as_str())),
            summary: l
                .strings
                .get(&format!("rules.{}", rule.code_str))
                .to_owned(),
            explanation: markdown::to_html_page(&rule.explanation_markdown()),
            href: format!("{}.html", rule.code_str),
        })
        .collect()
}

/// The about page.
#[derive(Debug, Serialize)]
pub struct AboutView {
    /// Built-in or configured severity thresholds, described.
    pub thresholds: Vec<String>,
    /// Deadlines, described.
    pub deadlines: Vec<String>,
    /// Accessibility statement link.
    pub accessibility_statement_url: Option<String>,
    /// Source commit.
    pub source_commit: Option<String>,
    /// Number of published reports.
    pub reports: usize,
}

/// Build the about page.
pub fn about(model: &SiteModel<'_>, l: &Localizer<'_>) -> AboutView {
    let policy = &model.config.policy;
    let strings = l.strings;
    let mut thresholds = Vec::new();
    for severity in [Severity::Critical, Severity::Major] {
        if let Some(t) = policy.thresholds(severity) {
            let mut parts = Vec::new();
            if let Some(v) = t.user_hours {
                parts.push(
                    strings
                        .get("about.threshold.user_hours")
                        .replace("{value}", &strings.integer(v)),
                );
            }
            if let Some(v) = t.full_outage_minutes {
                parts.push(
                    strings
                        .get("about.threshold.full_outage_minutes")
                        .replace("{value}", &strings.integer(v)),
                );
            }
            if let Some(v) = t.users_affected {
                parts.push(
                    strings
                        .get("about.threshold.users_affected")
                        .replace("{value}", &strings.integer(v as f64)),
                );
            }
            thresholds.push(format!(
                "{}: {}",
                strings.get(&format!("severity.{}", severity.as_str())),
                parts.join(&format!(" {} ", strings.get("common.or")))
            ));
        }
    }
    let deadlines = vec![
        strings
            .get("about.deadline.preliminary")
            .replace("{value}", &policy.preliminary_hours.to_string()),
        strings
            .get("about.deadline.final")
            .replace("{value}", &policy.final_days.to_string()),
        strings
            .get("about.deadline.statement")
            .replace("{value}", &policy.first_statement_minutes.to_string()),
    ];
    AboutView {
        thresholds,
        deadlines,
        accessibility_statement_url: model
            .config
            .file
            .site
            .accessibility_statement_url
            .clone()
            .filter(|u| is_web_link(u)),
        source_commit: model.source_commit.clone(),
        reports: model.reports.len(),
    }
}

/// Every year with a report, newest first.
pub fn years(model: &SiteModel<'_>) -> Vec<i32> {
    let set: BTreeSet<i32> = model
        .reports
        .iter()
        .map(|r| r.incident().started_at.year())
        .collect();
    set.into_iter().rev().collect()
}

/// Whether a report is published: anything but a draft.
pub fn is_published(incident: &Incident) -> bool {
    incident.status != Status::Draft
}
