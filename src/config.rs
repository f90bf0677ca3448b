//! `candor.yaml`: the site, the organisations and services, the policy and the rule levels.
//!
//! The raw file shape ([`ConfigFile`]) generates `schema/config.schema.json`. It is turned once
//! into a validated [`Config`], with the built-in policy defaults filled in and rule levels
//! resolved, so nothing downstream re-checks or re-defaults anything.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::diag::Level;
use crate::model::{Severity, Text};

/// The file `candor.yaml` at the root of a reports repository.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Candor repository configuration")]
pub struct ConfigFile {
    /// The public site: title, address, languages.
    pub site: SiteFile,
    /// Organisations that file reports, by key (lowercase, hyphens), e.g. `agency-for-digital-identity`.
    #[serde(default)]
    #[schemars(extend("propertyNames" = {"pattern": "^[a-z0-9][a-z0-9-]{0,79}$"}))]
    pub organisations: BTreeMap<String, OrganisationFile>,
    /// Services that reports can name, by key (lowercase, hyphens), e.g. `national-eid`.
    #[serde(default)]
    #[schemars(extend("propertyNames" = {"pattern": "^[a-z0-9][a-z0-9-]{0,79}$"}))]
    pub services: BTreeMap<String, ServiceFile>,
    /// Thresholds and deadlines the rules apply. Anything left out takes the built-in default.
    #[serde(default)]
    pub policy: PolicyFile,
    /// Rule level overrides by code, e.g. `{A015: allow, A016: warn}`. Structure rules (S) cannot be relaxed.
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
    /// Limits that protect the check and the build from oversized or hostile files.
    #[serde(default)]
    pub limits: LimitsFile,
}

/// The public site.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// The site's title, shown on every page.
    pub title: Text,
    /// The address the site is published at, ending in `/`.
    #[schemars(url)]
    pub base_url: String,
    /// Language codes the site is built in, e.g. `[da, en]`; the first is the default.
    #[schemars(length(min = 1), inner(regex(pattern = "^[a-z]{2,3}$")))]
    pub languages: Vec<String>,
    /// An optional banner shown on every page, e.g. `Example data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Text>,
    /// A link to the organisation's accessibility statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub accessibility_statement_url: Option<String>,
    /// The time zone the site counts calendar years and "to date" in, and shows times in: an
    /// IANA name such as `Europe/Copenhagen` (the default) or `Europe/Berlin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Show each revision's commit message in the report's history. Off by default: commit
    /// messages are written for colleagues, in one language; a report's `change_note` is
    /// written for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_commit_messages: Option<bool>,
}

/// An organisation that files reports.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationFile {
    /// The organisation's name.
    pub name: Text,
    /// The organisation's website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub url: Option<String>,
    /// What kind of entity it is under the regimes it declares, in kebab-case: under NIS2
    /// e.g. `public-administration`, `trust-service-provider` or
    /// `cloud-computing-service-provider` (the last two have their own significance
    /// thresholds); under DORA the type of financial entity, e.g. `credit-institution`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = "^[a-z][a-z0-9-]{1,79}$"))]
    pub entity_type: Option<String>,
    /// The member state it is established in, as a two-letter code such as `DK`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = "^[A-Z]{2}$"))]
    pub member_state: Option<String>,
    /// Its Legal Entity Identifier (20 characters, ISO 17442), which DORA reports identify it by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = "^[A-Z0-9]{18}[0-9]{2}$"))]
    pub lei: Option<String>,
    /// The notification regimes it falls under: `nis2`, `dora`. Rules A025 and A026 apply
    /// only to the reports of an organisation that declares a regime.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regimes: Vec<crate::model::Regime>,
    /// Show on each public report page when which regulator was notified (from the report's
    /// `notifications` log). Off by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_notifications: Option<bool>,
}

/// A public digital service.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    /// The service's name as citizens know it.
    pub name: Text,
    /// Key of the organisation responsible for it.
    pub organisation: String,
    /// Promised availability in percent per calendar year, e.g. `99.9`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub availability_target: Option<f64>,
    /// Keys of services this one depends on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Whether the service supports a critical or important function (DORA RTS 2024/1772
    /// Art. 6), or is an essential service under NIS2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical: Option<bool>,
    /// How many people use the service in all, so that a regulator export can give the share
    /// affected (DORA ITS 2025/302 field 3.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub users_total: Option<u64>,
}

/// Thresholds and deadlines.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Impact thresholds per severity; the highest level any of whose thresholds is met is the
    /// computed severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityPolicyFile>,
    /// Reporting deadlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadlines: Option<DeadlinesFile>,
    /// Days within which an incident on the same service with the same root cause category
    /// counts as a recurrence. Default 180.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence_days: Option<u32>,
    /// How availability is computed on the site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<AvailabilityPolicyFile>,
}

/// How availability is computed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityPolicyFile {
    /// How much a minute of partial outage (degraded service) counts against availability,
    /// from 0 (not at all) to 1 (like a full outage). Default 0.3, the weighting public status
    /// pages commonly use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub partial_weight: Option<f64>,
}

/// Impact thresholds per severity.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeverityPolicyFile {
    /// Thresholds for `critical`. Default: 1,000,000 user-hours or 240 minutes of full outage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical: Option<Thresholds>,
    /// Thresholds for `major`. Default: 10,000 user-hours, 20 minutes of full outage, or
    /// 100,000 users affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub major: Option<Thresholds>,
}

/// Impact thresholds for one severity level; a threshold is met at or above its value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Users affected times hours from start to resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub user_hours: Option<f64>,
    /// Minutes from start to resolution when the outage was full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub full_outage_minutes: Option<f64>,
    /// Number of users affected (the estimate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_affected: Option<u64>,
}

/// Reporting deadlines.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesFile {
    /// Hours from detection within which a report must be at least preliminary. Default 24.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preliminary_hours: Option<u32>,
    /// Days from resolution within which the report must be final. Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_days: Option<u32>,
    /// Minutes from detection within which the first public statement is due, for major and
    /// critical incidents. Default 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_statement_minutes: Option<u32>,
    /// The day these deadlines took effect (`YYYY-MM-DD`): incidents detected before it (such
    /// as imported history) are not held to them (rules A008, A009, A019, A020). Unlike a
    /// waiver in each file, one date in candor.yaml is auditable in its history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_from: Option<NaiveDate>,
}

/// Limits on input, so a hostile or broken file ends in a finding instead of a hang.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    /// Largest report file in bytes. Default 1,048,576 (1 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_file_bytes: Option<u64>,
    /// Deepest nesting of lists and maps in a report. Default 64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 4))]
    pub max_depth: Option<u32>,
    /// Most nodes that YAML aliases may expand to in one file. Default 10,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_alias_nodes: Option<u32>,
    /// Most reports in the repository. Default 200,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_reports: Option<u32>,
    /// Most timeline events in one report. Default 1,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_timeline_events: Option<u32>,
    /// Most actions in one report. Default 500.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_actions: Option<u32>,
    /// Longest text, in characters, of any one text field. Default 100,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_text_chars: Option<u32>,
    /// Largest page the build may render from a template, in bytes: a template that loops
    /// cannot fill the disk. Default 67,108,864 (64 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1024))]
    pub max_page_bytes: Option<u64>,
}

/// Built-in thresholds for `critical`: ENISA's one million user-hours, or four hours down.
pub const DEFAULT_CRITICAL: Thresholds = Thresholds {
    user_hours: Some(1_000_000.0),
    full_outage_minutes: Some(240.0),
    users_affected: None,
};

/// Built-in thresholds for `major`: NIS2 implementing regulation 2024/2690 treats a trust
/// service completely unavailable for more than 20 minutes as significant.
pub const DEFAULT_MAJOR: Thresholds = Thresholds {
    user_hours: Some(10_000.0),
    full_outage_minutes: Some(20.0),
    users_affected: Some(100_000),
};

/// The built-in weight of a minute of partial outage in availability: 0.3, as public status
/// pages commonly count degraded service.
pub const DEFAULT_PARTIAL_WEIGHT: f64 = 0.3;

/// The built-in time zone of a site.
pub const DEFAULT_TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Copenhagen;

/// Thresholds and deadlines with every default filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Thresholds for a computed `critical`.
    pub critical: Thresholds,
    /// Thresholds for a computed `major`.
    pub major: Thresholds,
    /// Hours from detection to at least a preliminary report.
    pub preliminary_hours: u32,
    /// Days from resolution to the final report.
    pub final_days: u32,
    /// Minutes from detection to the first public statement (major and critical).
    pub first_statement_minutes: u32,
    /// Window for recurring incidents, in days.
    pub recurrence_days: u32,
    /// How much a minute of partial outage counts against availability (0 to 1).
    pub partial_weight: f64,
    /// The day the deadlines took effect: incidents detected earlier are not held to them.
    pub deadlines_apply_from: Option<NaiveDate>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            critical: DEFAULT_CRITICAL,
            major: DEFAULT_MAJOR,
            preliminary_hours: 24,
            final_days: 30,
            first_statement_minutes: 60,
            recurrence_days: 180,
            partial_weight: DEFAULT_PARTIAL_WEIGHT,
            deadlines_apply_from: None,
        }
    }
}

impl Policy {
    /// The thresholds for one severity level (`minor` has none: it is what is left).
    pub fn thresholds(&self, severity: Severity) -> Option<&Thresholds> {
        match severity {
            Severity::Critical => Some(&self.critical),
            Severity::Major => Some(&self.major),
            Severity::Minor => None,
        }
    }

    /// Whether the reporting deadlines apply to an incident detected at `detected_at`: always,
    /// unless `deadlines.apply_from` is later than its detection day.
    pub fn deadlines_apply(&self, detected_at: DateTime<FixedOffset>) -> bool {
        self.deadlines_apply_from
            .is_none_or(|from| detected_at.date_naive() >= from)
    }
}

/// Input limits with defaults filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting.
    pub max_depth: u32,
    /// Most nodes aliases may expand to.
    pub max_alias_nodes: u32,
    /// Most reports in a repository.
    pub max_reports: u32,
    /// Most timeline events in a report.
    pub max_timeline_events: u32,
    /// Most actions in a report.
    pub max_actions: u32,
    /// Longest text field, in characters.
    pub max_text_chars: u32,
    /// Largest page the build renders from a template, in bytes.
    pub max_page_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 1024 * 1024,
            max_depth: 64,
            max_alias_nodes: 10_000,
            max_reports: 200_000,
            max_timeline_events: 1_000,
            max_actions: 500,
            max_text_chars: 100_000,
            max_page_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A validated configuration: what every later stage reads.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file as written (site, organisations, services).
    pub file: ConfigFile,
    /// The policy with defaults.
    pub policy: Policy,
    /// Rule level overrides that passed validation.
    pub rule_levels: BTreeMap<String, Level>,
    /// Input limits with defaults.
    pub limits: Limits,
    /// The site's time zone (the default when `site.time_zone` is absent or unknown; the
    /// check reports an unknown name).
    pub time_zone: chrono_tz::Tz,
}

impl Config {
    /// Fill in the defaults of a parsed `candor.yaml`. Overrides of unknown rules or of
    /// structure rules are left out here; [`crate::check`] reports them as findings.
    pub fn from_file(file: ConfigFile) -> Config {
        let defaults = Policy::default();
        let severity = file.policy.severity.clone().unwrap_or_default();
        let deadlines = file.policy.deadlines.clone().unwrap_or_default();
        let policy = Policy {
            critical: severity.critical.unwrap_or(defaults.critical),
            major: severity.major.unwrap_or(defaults.major),
            preliminary_hours: deadlines
                .preliminary_hours
                .unwrap_or(defaults.preliminary_hours),
            final_days: deadlines.final_days.unwrap_or(defaults.final_days),
            first_statement_minutes: deadlines
                .first_statement_minutes
                .unwrap_or(defaults.first_statement_minutes),
            deadlines_apply_from: deadlines.apply_from,
            recurrence_days: file
                .policy
                .recurrence_days
                .unwrap_or(defaults.recurrence_days),
            partial_weight: file
                .policy
                .availability
                .as_ref()
                .and_then(|a| a.partial_weight)
                .filter(|w| (0.0..=1.0).contains(w))
                .unwrap_or(defaults.partial_weight),
        };
        let default_limits = Limits::default();
        let limits = Limits {
            max_file_bytes: file
                .limits
                .max_file_bytes
                .unwrap_or(default_limits.max_file_bytes),
            max_depth: file.limits.max_depth.unwrap_or(default_limits.max_depth),
            max_alias_nodes: file
                .limits
                .max_alias_nodes
                .unwrap_or(default_limits.max_alias_nodes),
            max_reports: file
                .limits
                .max_reports
                .unwrap_or(default_limits.max_reports),
            max_timeline_events: file
                .limits
                .max_timeline_events
                .unwrap_or(default_limits.max_timeline_events),
            max_actions: file
                .limits
                .max_actions
                .unwrap_or(default_limits.max_actions),
            max_text_chars: file
                .limits
                .max_text_chars
                .unwrap_or(default_limits.max_text_chars),
            max_page_bytes: file
                .limits
                .max_page_bytes
                .unwrap_or(default_limits.max_page_bytes),
        };
        let time_zone = file
            .site
            .time_zone
            .as_deref()
            .and_then(|name| name.parse::<chrono_tz::Tz>().ok())
            .unwrap_or(DEFAULT_TIME_ZONE);
        Config {
            rule_levels: file.rules.clone(),
            file,
            policy,
            limits,
            time_zone,
        }
    }

    /// The site languages; the first is the default.
    pub fn languages(&self) -> &[String] {
        &self.file.site.languages
    }

    /// The default site language.
    pub fn default_language(&self) -> &str {
        self.file
            .site
            .languages
            .first()
            .map(String::as_str)
            .unwrap_or("en")
    }
}
