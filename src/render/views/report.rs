//! A report's page: the summary, impact, timeline, what the public was told against what was
//! true, the root cause, the promised actions, when it was published against its deadlines,
//! its findings and its revision history.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use super::{
    ActionView, HtmlView, Label, Localizer, NamedLink, TextView, action_view, is_web_link, label,
    organisation_name, paths, service_name,
};
use crate::diag::{Code, Finding};
use crate::history::{FieldChange, PublishedHistory};
use crate::i18n::Strings;
use crate::model::{EventKind, Incident, Outage, Text};
use crate::render::svg;
use crate::site::{Model, Report};
use crate::timeliness::Stage;

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

/// Impact.
#[derive(Debug, Serialize)]
pub(crate) struct ImpactView {
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
    pub channel: Option<String>,
    /// Link, for statements.
    pub url: Option<String>,
}

/// A public statement and the truth at that moment.
#[derive(Debug, Serialize)]
pub(crate) struct StatementView {
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
    /// The finding's message, in the page's language where the rule says it as data.
    pub message: String,
    /// The language of `message` when it differs from the page's (an English sentence).
    pub message_lang: Option<String>,
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
        message: match &finding.said {
            Some(said) => strings.say(said),
            None => finding.message.replace('`', ""),
        },
        message_lang: (finding.said.is_none() && l.lang != "en").then(|| "en".to_owned()),
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
        publication: publication_lines(published, l),
        history: history_view(&published.history, model.worktree, l),
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
