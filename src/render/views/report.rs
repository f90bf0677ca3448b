//! A report's page: the summary, impact, timeline, what the public was told against what was
//! true, the root cause, the promised actions, when it was published against its deadlines,
//! its findings and its revision history.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use serde::Serialize;

use super::{
    ActionView, HtmlView, Label, Localizer, NamedLink, TextView, action_view, is_web_link, label,
    organisation_name, paths, service_name,
};
use crate::diag::{Code, Finding};
use crate::history::FieldChange;
use crate::i18n::{SaidPart, Strings};
use crate::model::{EventKind, Outage, Text};
use crate::render::svg;
use crate::site::{LaterChange, Model, Report};
use crate::timeliness::Stage;

/// Where a report of a national site was read from.
#[derive(Debug, Serialize)]
pub(crate) struct OriginView {
    /// "Read from the source adi (../adi-reports) at commit 3f2a...".
    pub text: String,
    /// Its row on the sources page.
    pub href: String,
}

/// A report page.
#[derive(Debug, Serialize)]
pub(crate) struct ReportView {
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
    /// Which of the key times and numbers the report marks as estimates (`estimated`).
    pub estimated: EstimatedView,
    /// Where an imported report came from: "Imported from Statuspage, read on 3 April 2026".
    pub provenance: Option<String>,
    /// On a national site, the source repository and commit it was read from, and the link
    /// to that source on the sources page.
    pub origin: Option<OriginView>,
    /// "Notified to CFCS on 24 November 2026 (NIS2 early warning)", one per entry of the
    /// report's notifications log, where the organisation publishes them.
    pub notifications: Vec<String>,
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
    /// When the preliminary and the final report were published, against their deadlines.
    pub publication: Vec<PublicationLine>,
    /// Revision history.
    pub history: HistoryView,
    /// The facts that matter most, for the top of the page.
    pub key_facts: KeyFactsView,
    /// How to cite this report.
    pub cite: CiteView,
}

/// The first thing a reader sees: who was hit and how hard, why, what the public was told
/// against what was true, what was promised, and whether the report came on time.
#[derive(Debug, Serialize)]
pub(crate) struct KeyFactsView {
    /// "2,100,000 people (1,500,000–2,600,000)".
    pub people: Option<String>,
    /// How long it lasted (so far).
    pub duration: String,
    /// Whether it is still going on.
    pub ongoing: bool,
    /// User-hours, formatted.
    pub user_hours: Option<String>,
    /// Full or partial.
    pub outage: Option<Label>,
    /// The cause in one line (the trigger), or why there is none yet.
    pub cause: Option<TextView>,
    /// Said when there is no cause to show.
    pub cause_missing: Option<String>,
    /// "The public was told minor; it was critical, for 1 h 35 min.", or that no statement
    /// understated it, or that none is recorded.
    pub told: String,
    /// Whether a statement understated the incident.
    pub told_understated: bool,
    /// "3 of 5 done, 1 overdue, 1 dropped."
    pub actions: String,
    /// Whether an action is overdue.
    pub actions_overdue: bool,
    /// When the preliminary and final report were published, against their deadlines.
    pub publication: Vec<PublicationLine>,
    /// Declared and computed severity, when they differ.
    pub severity_understated: bool,
    /// The findings on the report, most serious first; accepted ones with their reason.
    pub flags: Vec<FlagView>,
    /// Key facts changed since the report was first published, one sentence each.
    pub later_changes: Vec<String>,
}

/// One finding in the key facts.
#[derive(Debug, Serialize)]
pub(crate) struct FlagView {
    /// Rule code.
    pub code: String,
    /// Link to the rule page.
    pub href: String,
    /// The finding in the page's language, in parts marked with their language where it
    /// differs from the page's.
    pub message: Vec<SaidPart>,
    /// `deny`, `warn` or `accepted`.
    pub level: String,
    /// For an accepted finding: the organisation's public reason.
    pub reason: Option<HtmlView>,
}

/// How to cite the report.
#[derive(Debug, Serialize)]
pub(crate) struct CiteView {
    /// The citation as one line of text.
    pub text: String,
    /// The same as markup (escaped), with the title marked when in another language.
    pub html: String,
    /// The report's permanent address.
    pub url: String,
    /// The revision cited, if the site was built from a commit.
    pub revision: Option<String>,
}

/// One reporting stage on the page: "final report published 9 days after the incident was
/// resolved (deadline: 30 days)".
#[derive(Debug, Serialize)]
pub(crate) struct PublicationLine {
    /// The sentence.
    pub text: String,
    /// Whether the stage was published after its deadline.
    pub late: bool,
}

/// The key facts a report marks as estimates.
#[derive(Debug, Default, Serialize)]
pub(crate) struct EstimatedView {
    /// `started_at`.
    pub started: bool,
    /// `detected_at`.
    pub detected: bool,
    /// `resolved_at`.
    pub resolved: bool,
    /// `impact.users_affected.estimate`.
    pub users: bool,
}

/// Impact.
#[derive(Debug, Serialize)]
pub(crate) struct ImpactView {
    /// Impact as a share: "12 % of login attempts".
    pub share: Option<String>,
    /// Each service's own window: "National eID: full outage, 09:30 to 10:10".
    pub service_windows: Vec<String>,
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
    pub dependent_services: Vec<TextView>,
    /// Financial loss, formatted.
    pub financial_loss: Option<String>,
    /// Whether data was compromised (`yes`/`no` label).
    pub data_compromised: Option<String>,
    /// Description.
    pub description: Option<HtmlView>,
}

/// A timeline event.
#[derive(Debug, Serialize)]
pub(crate) struct EventView {
    /// Time as written.
    pub time: String,
    /// ISO time, for `<time datetime>`.
    pub time_iso: String,
    /// Kind.
    pub kind: Label,
    /// Text.
    pub text: HtmlView,
    /// Channel, for statements.
    pub channel: Option<TextView>,
    /// Link, for statements.
    pub url: Option<String>,
    /// Whether its time is an estimate.
    pub estimated: bool,
    /// For a statement: "Next update promised by ...".
    pub next_update: Option<String>,
}

/// A public statement and the truth at that moment.
#[derive(Debug, Serialize)]
pub(crate) struct StatementView {
    /// When.
    pub time: String,
    /// Minutes after detection, formatted.
    pub after_detection: String,
    /// Where.
    pub channel: Option<TextView>,
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
pub(crate) struct CauseView {
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

/// A group of lessons.
#[derive(Debug, Serialize)]
pub(crate) struct LessonGroup {
    /// Heading.
    pub heading: String,
    /// Items.
    pub items: Vec<HtmlView>,
}

/// Supplier.
#[derive(Debug, Serialize)]
pub(crate) struct SupplierView {
    /// Name.
    pub name: String,
    /// Contract availability, formatted.
    pub contract_availability: Option<String>,
}

/// A withheld item.
#[derive(Debug, Serialize)]
pub(crate) struct WithheldView {
    /// What.
    pub what: HtmlView,
    /// Legal basis.
    pub legal_basis: Option<HtmlView>,
    /// Disclosure date.
    pub disclose_by: Option<String>,
}

/// A link.
#[derive(Debug, Serialize)]
pub(crate) struct LinkView {
    /// Text.
    pub title: TextView,
    /// Address.
    pub url: String,
}

/// A waiver.
#[derive(Debug, Serialize)]
pub(crate) struct WaiverView {
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
pub(crate) struct FindingView {
    /// Rule code.
    pub code: String,
    /// Rule summary in the page language.
    pub rule: String,
    /// Link to the rule page.
    pub href: String,
    /// The finding's message, in the page's language where the rule says it as data, in
    /// parts marked with their language where it differs from the page's (an English
    /// sentence, a title quoted from a report in another language).
    pub message: Vec<SaidPart>,
    /// Level.
    pub level: String,
}

/// The revision history.
#[derive(Debug, Default, Serialize)]
pub(crate) struct HistoryView {
    /// First publication.
    pub first_published: Option<RevisionView>,
    /// Later changes, oldest first.
    pub amendments: Vec<RevisionView>,
    /// Whether the page was built from uncommitted files.
    pub uncommitted: bool,
}

/// One revision.
#[derive(Debug, Serialize)]
pub(crate) struct RevisionView {
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
pub(crate) struct ChangeView {
    /// What changed, in the page language.
    pub field: String,
    /// Before.
    pub before: String,
    /// After.
    pub after: String,
}

/// A finding's message in the page's language, in parts (rules that say their message as
/// data); an English sentence otherwise, marked as English on a page in another language.
fn said_parts(finding: &Finding, l: &Localizer<'_>) -> Vec<SaidPart> {
    match &finding.said {
        Some(said) => l.strings.say_parts(said),
        None => vec![SaidPart {
            text: finding.message.replace('`', ""),
            lang: (l.lang != "en").then(|| "en".to_owned()),
        }],
    }
}

/// Build a report page.
pub(crate) fn report(model: &Model<'_>, published: &Report<'_>, l: &Localizer<'_>) -> ReportView {
    let incident = published.incident();
    let figures = &published.checked.impact;
    let report_lang = incident.language.as_str();
    let strings = l.strings;
    let started_utc = incident.started_at.with_timezone(&Utc);
    let end = incident
        .resolved_at
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(model.today);
    let detected = incident.detected_at;

    let is_estimated = |pointer: &str| incident.estimated.iter().any(|p| p == pointer);
    let timeline: Vec<EventView> = incident
        .timeline
        .iter()
        .enumerate()
        .map(|(index, event)| EventView {
            time: l.date_time(&event.at),
            time_iso: event.at.to_rfc3339(),
            kind: label(strings, "event", event.kind.as_str()),
            text: l.markdown(&event.text, report_lang),
            channel: l.maybe_text(event.channel.as_ref(), report_lang),
            url: event.url.clone().filter(|u| is_web_link(u)),
            estimated: is_estimated(&format!("/timeline/{index}/at")),
            next_update: event.next_update_at.map(|t| {
                l.t("report.next_update_promised")
                    .replace("{time}", &l.date_time(&t))
            }),
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
                time: l.date_time(&event.at),
                after_detection: strings.get("statement.after_detection").replace(
                    "{duration}",
                    &strings.duration((event.at - detected).num_minutes().max(0) as f64),
                ),
                channel: l.maybe_text(event.channel.as_ref(), report_lang),
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

    let timeline_svg = timeline_drawing(published, model.today, l);

    let actions = incident
        .actions
        .iter()
        .zip(&published.actions)
        .map(|(action, record)| action_view(action, record, report_lang, l, None))
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
        message: said_parts(finding, l),
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
        started: l.date_time(&incident.started_at),
        detected: l.date_time(&incident.detected_at),
        resolved: incident.resolved_at.map(|t| l.date_time(&t)),
        duration: strings.duration(((end - started_utc).num_seconds().max(0) as f64) / 60.0),
        estimated: EstimatedView {
            started: is_estimated("/started_at"),
            detected: is_estimated("/detected_at"),
            resolved: is_estimated("/resolved_at"),
            users: is_estimated("/impact/users_affected/estimate")
                || is_estimated("/impact/users_affected"),
        },
        provenance: incident.source.as_ref().map(|source| {
            let format = l.t(&format!("import_format.{}", source.format.as_str()));
            match source.retrieved_at {
                Some(at) => l
                    .t("report.imported_from")
                    .replace("{format}", &format)
                    .replace("{date}", &strings.date(at.date_naive())),
                None => l
                    .t("report.imported_from_undated")
                    .replace("{format}", &format),
            }
        }),
        origin: published.origin.map(|origin| OriginView {
            text: l
                .t("report.read_from")
                .replace("{source}", &origin.name)
                .replace("{git}", &origin.git)
                .replace("{commit}", origin.commit.as_deref().unwrap_or_default()),
            href: format!(
                "../{}#{}",
                super::paths::SOURCES,
                super::about::source_anchor(&origin.name)
            ),
        }),
        notifications: if published.notifications_public {
            incident
                .notifications
                .iter()
                .map(|n| {
                    // The authority's name, written by the author, is put in last, so
                    // text in it is never taken for a placeholder.
                    l.t("report.notified")
                        .replace("{date}", &strings.date_time(&n.at))
                        .replace("{regime}", &n.regime.as_str().to_uppercase())
                        .replace(
                            "{stage}",
                            &l.t(&format!("word.notification_stage.{}", n.stage.as_str())),
                        )
                        .replace("{authority}", &n.authority)
                })
                .collect()
        } else {
            Vec::new()
        },
        summary: l.markdown(&incident.summary, report_lang),
        impact: incident.impact.as_ref().map(|impact| ImpactView {
            share: impact.share.as_ref().map(|share| {
                l.t("report.share_value")
                    .replace("{value}", &strings.decimal(share.value_percent, 1))
                    .replace("{of}", &l.text(&share.of, report_lang).text)
            }),
            service_windows: impact
                .services
                .iter()
                .map(|window| {
                    let outage = l.t(&format!(
                        "outage.{}",
                        if window.outage == Outage::Full {
                            "full"
                        } else {
                            "partial"
                        }
                    ));
                    let to = window
                        .to
                        .map(|t| l.date_time(&t))
                        .unwrap_or_else(|| l.t("report.ongoing"));
                    l.t("report.service_window")
                        .replace("{service}", &service_name(model, &window.service, l))
                        .replace("{outage}", &outage)
                        .replace("{from}", &l.date_time(&window.from))
                        .replace("{to}", &to)
                })
                .collect(),
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
            dependent_services: impact
                .dependent_services
                .iter()
                .map(|s| l.text(s, report_lang))
                .collect(),
            financial_loss: impact
                .financial_loss_eur
                .map(|e| format!("{} EUR", strings.integer(e))),
            data_compromised: impact
                .data
                .as_ref()
                .map(|data| {
                    data.integrity == Some(true)
                        || data.confidentiality == Some(true)
                        || data.authenticity == Some(true)
                })
                .or(impact.data_compromised)
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
            .filter(|w| published.shows_rule(&w.rule))
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
        publication: publication_lines(published, l),
        history: history_view(model, published, l),
        key_facts: key_facts(published, l),
        cite: cite(model, published, l),
    }
}

/// One key fact changed since first publication, as a sentence.
fn later_change(change: &LaterChange, l: &Localizer<'_>) -> String {
    let strings = l.strings;
    let date = |d: &Option<NaiveDate>| match d {
        Some(d) => strings.date(*d),
        None => l.t("promise.no_date"),
    };
    let severity =
        |s: &crate::model::Severity| strings.get(&format!("severity.{}", s.as_str())).to_owned();
    match change {
        LaterChange::SeverityLowered { from, to } => strings
            .get("later.severity_lowered")
            .replace("{from}", &severity(from))
            .replace("{to}", &severity(to)),
        LaterChange::UsersRevisedDown { from, to } => strings
            .get("later.users_revised_down")
            .replace("{from}", &strings.integer(*from as f64))
            .replace("{to}", &strings.integer(*to as f64)),
        LaterChange::CauseCategoryChanged { from, to } => strings
            .get("later.cause_category_changed")
            .replace(
                "{from}",
                strings.get(&format!("cause_category.{}", from.as_str())),
            )
            .replace(
                "{to}",
                strings.get(&format!("cause_category.{}", to.as_str())),
            ),
        LaterChange::ActionDropped { id } => {
            strings.get("later.action_dropped").replace("{id}", id)
        }
        LaterChange::ActionRemoved { id } => {
            strings.get("later.action_removed").replace("{id}", id)
        }
        LaterChange::ActionRedated { id, from, to } => strings
            .get("later.action_redated")
            .replace("{id}", id)
            .replace("{from}", &date(from))
            .replace("{to}", &date(to)),
    }
}

fn key_facts(report: &Report<'_>, l: &Localizer<'_>) -> KeyFactsView {
    let incident = report.incident();
    let figures = &report.checked.impact;
    let strings = l.strings;
    let report_lang = incident.language.as_str();
    let people = figures.users_affected.map(|users| {
        let range = incident
            .impact
            .as_ref()
            .and_then(|i| i.users_affected.as_ref())
            .and_then(|u| Some((u.min?, u.max?)))
            .map(|(min, max)| {
                format!(
                    " ({}–{})",
                    strings.integer(min as f64),
                    strings.integer(max as f64)
                )
            })
            .unwrap_or_default();
        strings
            .count(
                "key_facts.people",
                usize::try_from(users).unwrap_or(usize::MAX),
            )
            .replace(&users.to_string(), &strings.integer(users as f64))
            + &range
    });
    let cause = incident.root_cause.as_ref();
    let trigger = cause
        .filter(|c| c.status != crate::model::CauseStatus::UnderInvestigation)
        .and_then(|c| c.trigger.as_ref())
        .map(|t| {
            let mut view = l.text(t, report_lang);
            view.text = crate::render::markdown::to_plain(&view.text);
            view
        });
    let cause_missing = match (cause, &trigger) {
        (_, Some(_)) => None,
        (Some(c), None) if c.status == crate::model::CauseStatus::UnderInvestigation => {
            Some(match c.next_update_due {
                Some(date) => strings
                    .get("key_facts.cause_investigating_until")
                    .replace("{date}", &strings.date(date)),
                None => l.t("key_facts.cause_investigating"),
            })
        }
        _ => Some(l.t("key_facts.cause_none")),
    };
    let told_understated = report.statements.worst_claimed.is_some();
    let told = match report.statements.worst_claimed {
        None if report.statements.count == 0 => l.t("key_facts.told_none"),
        None => strings.count("key_facts.told_matched", report.statements.count),
        Some(claimed) => strings
            .get("key_facts.told")
            .replace(
                "{claimed}",
                strings.get(&format!("word.severity.{}", claimed.as_str())),
            )
            .replace(
                "{computed}",
                strings.get(&format!("word.severity.{}", figures.computed.as_str())),
            )
            .replace(
                "{duration}",
                &strings.duration(report.statements.misinformed_minutes),
            ),
    };
    let total = incident.actions.len();
    let count = |status: crate::model::ActionStatus| {
        incident
            .actions
            .iter()
            .filter(|a| a.status == status)
            .count()
    };
    let overdue = report
        .actions
        .iter()
        .filter(|a| a.days_overdue.is_some())
        .count();
    let actions = if total == 0 {
        l.t("key_facts.actions_none")
    } else {
        let mut parts = vec![
            strings
                .get("key_facts.actions_done")
                .replace(
                    "{done}",
                    &count(crate::model::ActionStatus::Done).to_string(),
                )
                .replace("{total}", &total.to_string()),
        ];
        if overdue > 0 {
            parts.push(
                strings
                    .get("key_facts.actions_overdue")
                    .replace("{count}", &overdue.to_string()),
            );
        }
        let dropped = count(crate::model::ActionStatus::Dropped);
        if dropped > 0 {
            parts.push(
                strings
                    .get("key_facts.actions_dropped")
                    .replace("{count}", &dropped.to_string()),
            );
        }
        parts.join(", ")
    };
    let flag = |finding: &Finding, reason: Option<HtmlView>| FlagView {
        code: finding.code.to_string(),
        href: format!("../{}", paths::rule(finding.code.as_str())),
        message: said_parts(finding, l),
        level: if reason.is_some() {
            "accepted".to_owned()
        } else {
            finding.level.as_str().to_owned()
        },
        reason,
    };
    let mut standing: Vec<&Finding> = report.findings.clone();
    standing.sort_by_key(|f| (!f.is_deny(), f.code));
    let mut flags: Vec<FlagView> = standing.into_iter().map(|f| flag(f, None)).collect();
    for finding in &report.waived {
        let reason = incident
            .waivers
            .iter()
            .find(|w| w.rule.eq_ignore_ascii_case(finding.code.as_str()))
            .and_then(|w| w.reason.as_ref())
            .map(|r| l.markdown(r, report_lang));
        flags.push(flag(
            finding,
            Some(reason.unwrap_or_else(|| HtmlView {
                html: String::new(),
                lang: l.lang.to_owned(),
                fallback: false,
            })),
        ));
    }
    KeyFactsView {
        later_changes: report
            .later_changes
            .iter()
            .map(|change| later_change(change, l))
            .collect(),
        people,
        duration: strings.duration(figures.duration_minutes),
        ongoing: figures.ongoing,
        // The same figure as the service and organisation pages: degraded time weighted.
        user_hours: report.user_hours_lost.map(|u| {
            let value = strings.integer(u);
            if report.full_outage {
                strings
                    .get("key_facts.user_hours")
                    .replace("{value}", &value)
            } else {
                strings
                    .get("key_facts.user_hours_weighted")
                    .replace("{value}", &value)
                    .replace("{weight}", &strings.decimal(report.outage_weight, 2))
            }
        }),
        outage: incident.impact.as_ref().map(|i| {
            label(
                strings,
                "outage",
                if i.outage == Outage::Full {
                    "full"
                } else {
                    "partial"
                },
            )
        }),
        cause: trigger,
        cause_missing,
        told,
        told_understated,
        actions,
        actions_overdue: overdue > 0,
        publication: publication_lines(report, l),
        severity_understated: incident.severity < figures.computed,
        flags,
    }
}

fn cite(model: &Model<'_>, report: &Report<'_>, l: &Localizer<'_>) -> CiteView {
    let incident = report.incident();
    let url = format!(
        "{}{}/{}",
        crate::render::data::base_url(model.config),
        l.lang,
        paths::report(&incident.id)
    );
    let organisation = organisation_name(model, &incident.organisation, l);
    let title_view = l.text(&incident.title, &incident.language);
    let title = title_view.text.clone();
    let latest = report
        .history
        .amendments
        .last()
        .map(|(r, _)| r)
        .or(report.history.first_published.as_ref());
    // The report's own latest published revision (each has a permanent page), not the
    // commit the site happened to be built from.
    let revision = latest.map(|r| r.short.clone());
    let date = latest
        .map(|r| l.strings.date(l.local(&r.time).date_naive()))
        .unwrap_or_else(|| l.strings.date(model.today_date()));
    // The same citation as text and as markup, where a title in another language says so.
    let compose =
        |organisation: &str, title: &str, date: &str, url: &str, revision: Option<String>| {
            let mut text = l
                .strings
                .get("cite.format")
                .replace("{organisation}", organisation)
                .replace("{title}", title)
                .replace("{date}", date)
                .replace("{url}", url);
            if let Some(revision) = revision {
                text.push(' ');
                text.push_str(
                    &l.strings
                        .get("cite.revision")
                        .replace("{revision}", &revision),
                );
            }
            text
        };
    let text = compose(&organisation, &title, &date, &url, revision.clone());
    let escape = crate::render::svg::escape;
    let title_html = if title_view.fallback {
        format!(
            r#"<span lang="{}">{}</span>"#,
            escape(&title_view.lang),
            escape(&title)
        )
    } else {
        escape(&title)
    };
    let html = compose(
        &escape(&organisation),
        &title_html,
        &escape(&date),
        &escape(&url),
        revision.as_ref().map(|r| {
            // Linked to the revision's permanent page, beside this one.
            format!(
                r#"<a href="{}/{}.html"><code>{}</code></a>"#,
                escape(&incident.id),
                escape(r),
                escape(r)
            )
        }),
    );
    CiteView {
        text,
        html,
        url,
        revision,
    }
}

fn publication_lines(report: &Report<'_>, l: &Localizer<'_>) -> Vec<PublicationLine> {
    // The preliminary report is measured in hours, the final one in days, as the policy sets them.
    let line = |stage: &Stage, key: &str, unit: f64| {
        let mut text = l
            .strings
            .get(key)
            .replace("{value}", &l.strings.decimal(stage.days * unit, 1))
            .replace(
                "{deadline}",
                &l.strings.decimal(stage.deadline_days * unit, 0),
            )
            .replace("{date}", &l.strings.date(stage.published_at.date_naive()));
        if stage.is_late() {
            text.push(' ');
            text.push_str(
                &l.strings
                    .get("report.published_late")
                    .replace("{days}", &l.strings.decimal(stage.days_late(), 1)),
            );
        }
        PublicationLine {
            text,
            late: stage.is_late(),
        }
    };
    let mut lines = Vec::new();
    if let Some(stage) = &report.timeliness.preliminary {
        lines.push(line(stage, "report.published_preliminary", 24.0));
    }
    if let Some(stage) = &report.timeliness.final_report {
        lines.push(line(stage, "report.published_final", 1.0));
    }
    lines
}

fn history_view(model: &Model<'_>, report: &Report<'_>, l: &Localizer<'_>) -> HistoryView {
    let history = &report.history;
    let report_lang = report.incident().language.as_str();
    let show_commits = model.config.file.site.show_commit_messages == Some(true);
    // What a revision says to readers: its change note when the revision wrote or changed
    // one; otherwise the commit message if the site shows them, or which fields changed.
    let mut previous_note: Option<Text> = None;
    let mut message = |revision: &crate::history::Revision, changes: &[FieldChange]| {
        let note = revision.facts.as_ref().and_then(|f| f.change_note.clone());
        let fresh = note.clone().filter(|n| previous_note.as_ref() != Some(n));
        previous_note = note;
        if let Some(note) = fresh {
            return l.text(&note, report_lang).text;
        }
        if show_commits {
            return revision.summary.clone();
        }
        if changes.is_empty() {
            return String::new();
        }
        let fields: Vec<String> = changes.iter().map(|c| change_view(c, l).field).collect();
        l.strings
            .get("history_text.amended")
            .replace("{fields}", &fields.join(", "))
    };
    let first_published = history
        .first_published
        .as_ref()
        .map(|r| revision_view(r, message(r, &[]), Vec::new(), l));
    let amendments = history
        .amendments
        .iter()
        .map(|(r, changes)| {
            let text = message(r, changes);
            revision_view(
                r,
                text,
                changes
                    .iter()
                    .map(|change| change_view(change, l))
                    .collect(),
                l,
            )
        })
        .collect();
    HistoryView {
        first_published,
        amendments,
        uncommitted: model.worktree,
    }
}

fn revision_view(
    revision: &crate::history::Revision,
    message: String,
    changes: Vec<ChangeView>,
    l: &Localizer<'_>,
) -> RevisionView {
    RevisionView {
        date: l.date_time(&revision.time),
        date_iso: revision.time.to_rfc3339(),
        short: revision.short.clone(),
        commit: revision.commit.clone(),
        message,
        changes,
    }
}

fn change_view(change: &FieldChange, l: &Localizer<'_>) -> ChangeView {
    let strings = l.strings;
    let none = || "—".to_owned();
    let labelled = |group: &str, value: Option<&str>| {
        value
            .map(|v| strings.get(&format!("{group}.{v}")).to_owned())
            .unwrap_or_else(none)
    };
    let date = |value: &Option<NaiveDate>| value.map(|d| strings.date(d)).unwrap_or_else(none);
    let per_action = |key: &str, id: &str| strings.get(key).replace("{id}", id);
    let (field, before, after) = match change {
        FieldChange::Status(a, b) => (
            l.t("history.field.status"),
            labelled("status", a.map(|v| v.as_str())),
            labelled("status", b.map(|v| v.as_str())),
        ),
        FieldChange::Severity(a, b) => (
            l.t("history.field.severity"),
            labelled("severity", a.map(|v| v.as_str())),
            labelled("severity", b.map(|v| v.as_str())),
        ),
        FieldChange::CauseStatus(a, b) => (
            l.t("history.field.cause_status"),
            labelled("cause_status", a.map(|v| v.as_str())),
            labelled("cause_status", b.map(|v| v.as_str())),
        ),
        FieldChange::CauseCategory(a, b) => (
            l.t("history.field.cause_category"),
            labelled("cause_category", a.map(|v| v.as_str())),
            labelled("cause_category", b.map(|v| v.as_str())),
        ),
        FieldChange::CauseTrigger(a, b) => {
            let text = |t: &Option<Text>| {
                t.as_ref()
                    .map(|t| t.resolve(l.lang, l.lang).0.to_owned())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(none)
            };
            (l.t("history.field.cause_trigger"), text(a), text(b))
        }
        FieldChange::UsersAffected(a, b) => {
            let count = |n: &Option<u64>| n.map(|n| strings.integer(n as f64)).unwrap_or_else(none);
            (l.t("history.field.users_affected"), count(a), count(b))
        }
        FieldChange::ResolvedAt(a, b) => {
            let time = |t: &Option<DateTime<FixedOffset>>| {
                t.map(|t| strings.date_time(&t)).unwrap_or_else(none)
            };
            (l.t("history.field.resolved_at"), time(a), time(b))
        }
        FieldChange::ActionAdded(id, due) => (
            per_action("history.field.action_added", id),
            none(),
            date(due),
        ),
        FieldChange::ActionRemoved(id, due) => (
            per_action("history.field.action_removed", id),
            date(due),
            none(),
        ),
        FieldChange::ActionRedated(id, a, b) => (
            per_action("history.field.action_redated", id),
            date(a),
            date(b),
        ),
        FieldChange::ActionStatus(id, a, b) => (
            per_action("history.field.action_status", id),
            labelled("action_status", a.map(|v| v.as_str())),
            labelled("action_status", b.map(|v| v.as_str())),
        ),
    };
    ChangeView {
        field,
        before,
        after,
    }
}

fn timeline_drawing(report: &Report<'_>, today: DateTime<Utc>, l: &Localizer<'_>) -> String {
    let incident = report.incident();
    let ongoing = report.checked.impact.ongoing;
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
    let local = |t: DateTime<Utc>| t.with_timezone(&l.time_zone).fixed_offset();
    let multi_day = local(first).date_naive() != local(last).date_naive();
    let outage = match incident.impact.as_ref().map(|i| i.outage) {
        Some(Outage::Full) => "full",
        _ => "partial",
    };
    // Ticks: local midnights across several days, round hours within one.
    let mut ticks = Vec::new();
    let span_hours = (last - first).num_minutes() as f64 / 60.0;
    if multi_day {
        let mut day = local(first).date_naive().succ_opt();
        while let Some(date) = day {
            let Some(midnight) = date
                .and_hms_opt(0, 0, 0)
                .and_then(|m| l.time_zone.from_local_datetime(&m).earliest())
            else {
                break;
            };
            let at = midnight.with_timezone(&Utc);
            if at > last {
                break;
            }
            ticks.push(svg::Tick {
                minute: minutes(at),
                label: short_date(date, strings),
            });
            day = date.succ_opt();
        }
    } else {
        let step = [1, 2, 3, 4, 6, 12]
            .into_iter()
            .find(|step| span_hours / f64::from(*step) <= 8.0)
            .unwrap_or(12);
        let start_hour = local(first).hour() + 1;
        let mut hour = start_hour.div_ceil(step) * step;
        while hour < 24 {
            if let Some(at) = local(first)
                .date_naive()
                .and_hms_opt(hour, 0, 0)
                .and_then(|m| l.time_zone.from_local_datetime(&m).earliest())
                .map(|t| t.with_timezone(&Utc))
                && at <= last
            {
                ticks.push(svg::Tick {
                    minute: minutes(at),
                    label: short_time(&local(at), strings),
                });
            }
            hour += step;
        }
    }
    let misinformed = report.statements.misinformed.first().map(|first_window| {
        let until = report
            .statements
            .misinformed
            .last()
            .map(|w| w.end)
            .unwrap_or(first_window.end);
        (minutes(first_window.start), minutes(until))
    });
    let outage_key = format!("outage.{outage}");
    let outage_label = strings.get(&outage_key);
    svg::timeline(&svg::Timeline {
        id: "timeline-drawing",
        title: &l.t("report.timeline_drawing_title"),
        description: &strings
            .get("report.timeline_drawing_description")
            .replace("{start}", &l.date_time(&incident.started_at))
            .replace(
                "{end}",
                &incident
                    .resolved_at
                    .map(|t| l.date_time(&t))
                    .unwrap_or_else(|| l.t("report.ongoing")),
            ),
        total_minutes: minutes(last),
        incident_start: minutes(started),
        incident_end: minutes(end),
        outage,
        ongoing,
        misinformed,
        ticks,
        legend: svg::Legend {
            outage: outage_label,
            statement: strings.get("event.public-statement"),
            event: strings.get("report.legend_event"),
            misinformed: strings.get("report.legend_misinformed"),
        },
        marks: incident
            .timeline
            .iter()
            .map(|event| {
                let at = l.local(&event.at);
                svg::TimelineMark {
                    minute: minutes(event.at.with_timezone(&Utc)),
                    kind: event.kind.as_str().to_owned(),
                    label: if multi_day {
                        format!(
                            "{} {}",
                            short_date(at.date_naive(), strings),
                            short_time(&at, strings)
                        )
                    } else {
                        short_time(&at, strings)
                    },
                    what: strings
                        .get(&format!("event.{}", event.kind.as_str()))
                        .to_owned(),
                    title: format!(
                        "{} — {}",
                        l.date_time(&event.at),
                        strings.get(&format!("event.{}", event.kind.as_str()))
                    ),
                }
            })
            .collect(),
    })
}

/// "14 Sep" or "14. sep.".
fn short_date(date: NaiveDate, strings: &Strings) -> String {
    strings
        .get("format.short_date")
        .replace("{day}", &date.day().to_string())
        .replace(
            "{month}",
            strings.get(&format!("month_short.{}", date.month())),
        )
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
