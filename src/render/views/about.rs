//! The rule pages and the about page: how the site judges, in the page's language.

use serde::Serialize;

use super::{Localizer, is_web_link};
use crate::diag::RULES;
use crate::model::Severity;
use crate::render::markdown;
use crate::site::Model;

/// A rule, for the rule pages.
#[derive(Debug, Serialize)]
pub(crate) struct RuleView {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Level in this repository.
    pub level: String,
    /// Summary in the page language.
    pub summary: String,
    /// Explanation in the page language, rendered markdown.
    pub explanation: String,
    /// Link.
    pub href: String,
}

/// Every rule.
pub(crate) fn rules(model: &Model<'_>, l: &Localizer<'_>) -> Vec<RuleView> {
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
            explanation: markdown::to_html_page(&l.strings.rule_markdown(rule)),
            href: format!("{}.html", rule.code_str),
        })
        .collect()
}

/// The about page.
#[derive(Debug, Serialize)]
pub(crate) struct AboutView {
    /// Built-in or configured severity thresholds, described.
    pub thresholds: Vec<String>,
    /// Deadlines, described.
    pub deadlines: Vec<String>,
    /// How the figures are computed: the introduction.
    pub figures_intro: String,
    /// How the figures are computed: one sentence per figure.
    pub figures: Vec<String>,
    /// Accessibility statement link.
    pub accessibility_statement_url: Option<String>,
    /// Source commit.
    pub source_commit: Option<String>,
    /// On a national site: how many source repositories it is built from.
    pub national: Option<String>,
    /// Number of published reports.
    pub reports: usize,
}

/// Build the about page.
pub(crate) fn about(model: &Model<'_>, l: &Localizer<'_>) -> AboutView {
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
    let weight = strings.decimal(policy.partial_weight, 2);
    let figures = [
        "outage",
        "availability",
        "experienced",
        "user_hours",
        "publication",
        "actions",
    ]
    .iter()
    .map(|key| {
        strings
            .get(&format!("about.figure.{key}"))
            .replace("{weight}", &weight)
    })
    .collect();
    AboutView {
        thresholds,
        deadlines,
        figures_intro: strings
            .get("about.figures_intro")
            .replace("{version}", &crate::site::DEFINITIONS_VERSION.to_string())
            .replace("{time_zone}", model.time_zone.name()),
        figures,
        accessibility_statement_url: model
            .config
            .file
            .site
            .accessibility_statement_url
            .clone()
            .filter(|u| is_web_link(u)),
        source_commit: model.source_commit.clone(),
        national: (!model.sources.is_empty()).then(|| {
            strings
                .get("about.source_national")
                .replace(
                    "{count}",
                    &model
                        .sources
                        .iter()
                        .filter(|s| s.failed.is_none())
                        .count()
                        .to_string(),
                )
                .replace("{total}", &model.sources.len().to_string())
        }),
        reports: model.reports.len(),
    }
}

/// The sources page of a national site: the sources left out first, then the rest.
#[derive(Debug, Serialize)]
pub(crate) struct SourcesView {
    /// "2 of 40 sources could not be read ...", when any could not.
    pub failed_summary: Option<String>,
    /// Sources left out of this build.
    pub failed: Vec<SourceRow>,
    /// Sources in this build.
    pub published: Vec<SourceRow>,
}

/// One source repository.
#[derive(Debug, Serialize)]
pub(crate) struct SourceRow {
    /// Its name (the namespace of its keys).
    pub name: String,
    /// The anchor of its row (`source-<name>`), which report pages link to.
    pub anchor: String,
    /// Where it is fetched from.
    pub git: String,
    /// The commit read, in full.
    pub commit: Option<String>,
    /// Published reports.
    pub reports: usize,
    /// Why it was left out.
    pub reason: Option<String>,
    /// The commit it was last published from, when it was left out.
    pub last_published: Option<String>,
}

/// Build the sources page.
pub(crate) fn sources(model: &Model<'_>, l: &Localizer<'_>) -> SourcesView {
    let rows = model.sources.iter().map(|source| SourceRow {
        name: source.name.clone(),
        anchor: source_anchor(&source.name),
        git: source.git.clone(),
        commit: source.commit.clone(),
        reports: source.reports,
        reason: source.failed.clone(),
        last_published: source.last_published.clone(),
    });
    let (failed, published): (Vec<SourceRow>, Vec<SourceRow>) =
        rows.partition(|row| row.reason.is_some());
    SourcesView {
        failed_summary: (!failed.is_empty()).then(|| {
            l.t("sources.failed_summary")
                .replace("{count}", &failed.len().to_string())
                .replace("{total}", &model.sources.len().to_string())
        }),
        failed,
        published,
    }
}

/// The anchor of a source's row on the sources page.
pub(crate) fn source_anchor(name: &str) -> String {
    format!("source-{name}")
}
