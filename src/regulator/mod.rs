//! Regulator notifications: NIS2 and DORA content and time limits from the same report.
//!
//! A report already holds most of what a regulator asks for. This module knows, for each
//! regime, when each stage is due ([`limits`]), which fields each stage asks for and where a
//! report keeps them ([`fields`]), whether an incident meets the regime's thresholds
//! ([`classify`]), and how to put one stage's content together for `candor export`
//! ([`export`]). Fields that must never be published (indicators of compromise, contact
//! people) come from a separate file ([`private`]) that the site build never reads. Nothing
//! here sends anything, and nothing here judges whether a regime applies in law: the
//! organisation declares its regimes in candor.yaml.

pub mod classify;
pub mod export;
pub mod fields;
pub mod limits;
pub mod private;

use chrono::{DateTime, FixedOffset, Utc};

use crate::config::{Config, OrganisationFile};
use crate::impact::ImpactFigures;
use crate::model::{Incident, Notification, Regime, Stage};

pub use classify::{Classification, classify};
pub use limits::{Due, due};

/// Everything a stage's content, time limit or classification is computed from.
pub struct Subject<'a> {
    /// The report.
    pub incident: &'a Incident,
    /// candor.yaml.
    pub config: &'a Config,
    /// The report's organisation in candor.yaml, if it is there.
    pub organisation: Option<&'a OrganisationFile>,
    /// The report's computed impact.
    pub impact: &'a ImpactFigures,
    /// "Now", for durations of ongoing incidents.
    pub today: DateTime<Utc>,
}

impl<'a> Subject<'a> {
    /// The subject for `incident` under `config`.
    pub fn new(
        incident: &'a Incident,
        config: &'a Config,
        impact: &'a ImpactFigures,
        today: DateTime<Utc>,
    ) -> Subject<'a> {
        Subject {
            incident,
            config,
            organisation: config.file.organisations.get(&incident.organisation),
            impact,
            today,
        }
    }

    /// Whether the organisation declares `regime` in candor.yaml.
    pub fn declares(&self, regime: Regime) -> bool {
        self.organisation
            .is_some_and(|organisation| organisation.regimes.contains(&regime))
    }

    /// The notifications of `regime` and `stage` in the report's log, with their indices.
    pub fn sent(&self, regime: Regime, stage: Stage) -> Vec<(usize, &'a Notification)> {
        self.incident
            .notifications
            .iter()
            .enumerate()
            .filter(|(_, n)| n.regime == regime && n.stage == stage)
            .collect()
    }

    /// When `stage` of `regime` was first sent.
    pub fn first_sent(&self, regime: Regime, stage: Stage) -> Option<DateTime<FixedOffset>> {
        self.sent(regime, stage).iter().map(|(_, n)| n.at).min()
    }

    /// When `stage` of `regime` was last sent (an updated report counts from its last
    /// version: DORA's final report is due a month after the latest intermediate one).
    pub fn last_sent(&self, regime: Regime, stage: Stage) -> Option<DateTime<FixedOffset>> {
        self.sent(regime, stage).iter().map(|(_, n)| n.at).max()
    }

    /// Whether the incident must be notified under `regime`: the organisation declares the
    /// regime, and the incident was classified (`classified_at`), already notified under it,
    /// or meets its thresholds by the report's own numbers.
    pub fn must_notify(&self, regime: Regime) -> bool {
        if !self.declares(regime) {
            return false;
        }
        if !limits::regime_applies(regime, self.incident.detected_at) {
            return false;
        }
        self.incident.classified_at.is_some()
            || self
                .incident
                .notifications
                .iter()
                .any(|n| n.regime == regime)
            || classify(self, regime).reportable == Some(true)
    }
}

/// The regime's name as written in the law's title, for people.
pub fn regime_title(regime: Regime) -> &'static str {
    match regime {
        Regime::Nis2 => "NIS2 (Directive (EU) 2022/2555)",
        Regime::Dora => "DORA (Regulation (EU) 2022/2554)",
    }
}

/// The stage's name for people: "early warning", "initial notification", ...
pub fn stage_title(stage: Stage) -> &'static str {
    match stage {
        Stage::EarlyWarning => "early warning",
        Stage::Notification => "incident notification",
        Stage::Initial => "initial notification",
        Stage::Intermediate => "intermediate report",
        Stage::Final => "final report",
    }
}

/// The position of `stage` in its regime's sequence (0 for the first).
pub fn stage_order(stage: Stage) -> usize {
    match stage {
        Stage::EarlyWarning | Stage::Initial => 0,
        Stage::Notification | Stage::Intermediate => 1,
        Stage::Final => 2,
    }
}

/// Whether `stage` belongs to `regime`.
pub fn stage_of(regime: Regime, stage: Stage) -> bool {
    regime.stages().contains(&stage)
}

/// A report read for an export: its configuration, the checked report and its findings.
pub struct OpenedReport {
    /// candor.yaml, validated.
    pub config: Config,
    /// The report, validated, with its computed impact.
    pub report: crate::check::CheckedReport,
    /// The findings on the report (waivers not applied), so a caller can show what is wrong.
    pub findings: Vec<crate::diag::Finding>,
}

/// Find the report `id` in the working tree of `tree` and check it, as of `today`. Fails when
/// there is no such report, or when it does not validate (its findings in the message).
pub fn open_report(
    tree: &crate::source::WorkTree,
    id: &str,
    today: DateTime<Utc>,
) -> anyhow::Result<OpenedReport> {
    use anyhow::{Context as _, bail};
    let validator = crate::validate::SchemaValidator::new()?;
    let config_bytes = tree.read(crate::source::CONFIG_FILE, 1024 * 1024)?;
    let loaded = crate::check::load_config(&config_bytes, &validator);
    let listing = tree.list_reports()?;
    let Some(file) = listing
        .reports
        .iter()
        .find(|file| crate::source::file_stem(file) == id)
        .cloned()
    else {
        let known: Vec<&str> = listing
            .reports
            .iter()
            .map(|f| crate::source::file_stem(f))
            .collect();
        let hint = crate::diag::closest(id, &known)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        bail!(
            "no report with id `{id}` under incidents/ in {}{hint}",
            tree.root().display()
        );
    };
    let engine = crate::check::Engine::new(&loaded, &validator, today);
    let bytes = tree
        .read(&file, loaded.config.limits.max_file_bytes)
        .with_context(|| format!("cannot read {file}"))?;
    let analysis = engine.analyse(&file, &bytes, crate::check::Keep::Report);
    // Structure and time findings make the data untrustworthy, as they stop a site build.
    let untrusted = analysis.findings.iter().any(|f| {
        f.level == crate::diag::Level::Deny
            && matches!(
                f.code.family(),
                crate::diag::Family::Structure | crate::diag::Family::Time
            )
    });
    let report = analysis.report.filter(|_| !untrusted);
    let Some(report) = report else {
        let problems: Vec<String> = analysis
            .findings
            .iter()
            .filter(|f| {
                f.level == crate::diag::Level::Deny
                    && matches!(
                        f.code.family(),
                        crate::diag::Family::Structure | crate::diag::Family::Time
                    )
            })
            .map(|f| {
                format!(
                    "{}:{}: {} {}",
                    f.file,
                    f.line.unwrap_or(0),
                    f.code,
                    f.message
                )
            })
            .collect();
        bail!(
            "{file} cannot be exported until its structure and times are sound:\n  {}\nrun `candor check {file}` for the details",
            problems.join("\n  ")
        );
    };
    Ok(OpenedReport {
        config: loaded.config,
        report: *report,
        findings: analysis.findings,
    })
}
