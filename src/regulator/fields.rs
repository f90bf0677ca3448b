//! Which fields each stage of each regime asks for, and where Candor finds each one.
//!
//! One catalogue per regime, in the regulation's own order and numbering: DORA's fields are
//! the data fields of Implementing Regulation (EU) 2025/302 Annex I, NIS2's are named after
//! the points of Directive (EU) 2022/2555 Art. 23(4) that ask for them. Each field says the
//! stages it belongs to, whether those stages require it, and a function that reads it from
//! the report, candor.yaml, the computed figures or the private-fields file. The export, rule
//! A026 and the README's field table all read these catalogues.

use serde_json::{Value, json};

use super::classify::Classification;
use super::private::PrivateFields;
use super::{Subject, stage_title};
use crate::model::{CauseCategory, EventKind, Regime, Stage, Text};

/// Where a field's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The report file.
    Report,
    /// candor.yaml.
    Config,
    /// Computed by Candor from the report and candor.yaml.
    Computed,
    /// The private-fields file (`--private`), never published.
    Private,
    /// Nothing Candor keeps: to be completed by hand in the authority's form.
    ByHand,
}

impl Origin {
    /// The lowercase name used in the export.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Report => "report",
            Origin::Config => "candor.yaml",
            Origin::Computed => "computed",
            Origin::Private => "private",
            Origin::ByHand => "by-hand",
        }
    }
}

/// What a field is read from.
pub struct Input<'a> {
    /// The report, its configuration and figures.
    pub subject: &'a Subject<'a>,
    /// The stage being exported.
    pub stage: Stage,
    /// The language texts are given in.
    pub language: &'a str,
    /// The private-fields file, if given.
    pub private: Option<&'a PrivateFields>,
    /// The incident's classification under the regime.
    pub classification: &'a Classification,
}

impl Input<'_> {
    fn text(&self, text: &Text) -> Value {
        Value::String(
            text.resolve(self.language, &self.subject.incident.language)
                .0
                .to_owned(),
        )
    }

    fn organisation_name(&self) -> Option<Value> {
        self.subject.organisation.map(|o| self.text(&o.name))
    }

    /// A setting of the report's organisation in candor.yaml (`lei`, `entity_type`, ...).
    fn organisation_setting(
        &self,
        setting: impl Fn(&crate::config::OrganisationFile) -> Option<&String>,
    ) -> Option<Value> {
        self.subject
            .organisation
            .and_then(setting)
            .map(|value| Value::String(value.clone()))
    }

    /// The other member states the report says were affected (`[]`: checked, none).
    fn cross_border(&self) -> Option<&Vec<String>> {
        self.subject.incident.impact.as_ref()?.cross_border.as_ref()
    }

    fn service_names(&self, only_critical: bool) -> Vec<Value> {
        let services = &self.subject.config.file.services;
        self.subject
            .incident
            .services
            .iter()
            .filter_map(|key| services.get(key))
            .filter(|service| !only_critical || service.critical == Some(true))
            .map(|service| self.text(&service.name))
            .collect()
    }

    fn estimated(&self, prefixes: &[&str]) -> bool {
        self.subject
            .incident
            .estimated
            .iter()
            .any(|pointer| prefixes.iter().any(|p| pointer.starts_with(p)))
    }
}

/// One field of a stage.
pub struct Field {
    /// The regulation's number or name for it: `2.3`, or `23(4)(a) malicious`.
    pub number: &'static str,
    /// The field's name, as the regulation words it.
    pub name: &'static str,
    /// The article that asks for it.
    pub basis: &'static str,
    /// The stages it belongs to.
    pub stages: &'static [Stage],
    /// Whether those stages require it (otherwise: where available or applicable).
    pub required: bool,
    /// Where Candor reads it.
    pub origin: Origin,
    /// Where Candor reads it, in words, for the README and the export.
    pub taken_from: &'static str,
    /// Read it.
    pub value: fn(&Input<'_>) -> Option<Value>,
}

impl Field {
    /// Whether the field belongs to `stage`.
    pub fn in_stage(&self, stage: Stage) -> bool {
        self.stages.contains(&stage)
    }
}

/// The catalogue of `regime`.
pub fn catalogue(regime: Regime) -> &'static [Field] {
    match regime {
        Regime::Nis2 => NIS2,
        Regime::Dora => DORA,
    }
}

fn time(at: chrono::DateTime<chrono::FixedOffset>) -> Value {
    Value::String(at.to_rfc3339())
}

fn minutes(m: f64) -> Value {
    let m = m.round() as i64;
    json!({"minutes": m, "text": format!("{} h {} min", m / 60, m % 60)})
}

fn none(_: &Input<'_>) -> Option<Value> {
    None
}

/// The type of incident DORA asks for (field 3.23), from the root cause category.
pub fn dora_incident_type(category: CauseCategory) -> &'static str {
    match category {
        CauseCategory::MaliciousAction => "cybersecurity-related",
        CauseCategory::SystemFailure => "system failure",
        CauseCategory::HumanError => "process failure",
        CauseCategory::ThirdPartyFailure | CauseCategory::NaturalPhenomenon => "external event",
    }
}

fn mitigation(
    input: &Input<'_>,
    types: &[crate::model::ActionType],
    events: &[EventKind],
) -> Option<Value> {
    let incident = input.subject.incident;
    let mut items: Vec<Value> = incident
        .timeline
        .iter()
        .filter(|e| events.contains(&e.kind))
        .map(|e| json!({"at": e.at.to_rfc3339(), "what": input.text(&e.text)}))
        .collect();
    items.extend(
        incident
            .actions
            .iter()
            .filter(|a| types.contains(&a.kind))
            .map(|a| {
                json!({
                    "action": a.id,
                    "what": input.text(&a.action),
                    "owner": a.owner.as_ref().map(|o| input.text(o)),
                    "due": a.due.map(|d| d.to_string()),
                    "status": a.status.as_str(),
                })
            }),
    );
    (!items.is_empty()).then_some(Value::Array(items))
}

const ALL_NIS2: &[Stage] = &[Stage::EarlyWarning, Stage::Notification, Stage::Final];
const ALL_DORA: &[Stage] = &[Stage::Initial, Stage::Intermediate, Stage::Final];
const FROM_INTERMEDIATE: &[Stage] = &[Stage::Intermediate, Stage::Final];
const FINAL: &[Stage] = &[Stage::Final];
const ART23: &str = "Directive (EU) 2022/2555 Art. 23(4)";

static NIS2: &[Field] = &[
    Field {
        number: "entity",
        name: "Name of the entity notifying",
        basis: "Directive (EU) 2022/2555 Art. 23(1)",
        stages: ALL_NIS2,
        required: true,
        origin: Origin::Config,
        taken_from: "candor.yaml: organisations.KEY.name",
        value: |i| i.organisation_name(),
    },
    Field {
        number: "member_state",
        name: "Member state of establishment",
        basis: "Directive (EU) 2022/2555 Art. 26(1)",
        stages: ALL_NIS2,
        required: true,
        origin: Origin::Config,
        taken_from: "candor.yaml: organisations.KEY.member_state",
        value: |i| i.organisation_setting(|o| o.member_state.as_ref()),
    },
    Field {
        number: "entity_type",
        name: "Type of entity",
        basis: "Implementing Regulation (EU) 2024/2690 Art. 3(1)(g)",
        stages: ALL_NIS2,
        required: false,
        origin: Origin::Config,
        taken_from: "candor.yaml: organisations.KEY.entity_type",
        value: |i| i.organisation_setting(|o| o.entity_type.as_ref()),
    },
    Field {
        number: "reference",
        name: "The entity's reference for the incident",
        basis: ART23,
        stages: ALL_NIS2,
        required: true,
        origin: Origin::Report,
        taken_from: "report: id",
        value: |i| Some(Value::String(i.subject.incident.id.clone())),
    },
    Field {
        number: "aware_at",
        name: "When the entity became aware of the significant incident",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(a)",
        stages: ALL_NIS2,
        required: true,
        origin: Origin::Report,
        taken_from: "report: classified_at (detected_at when there is none)",
        value: |i| {
            let incident = i.subject.incident;
            Some(time(incident.classified_at.unwrap_or(incident.detected_at)))
        },
    },
    Field {
        number: "23(4)(a) malicious",
        name: "Whether the incident is suspected of being caused by unlawful or malicious acts",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(a)",
        stages: &[Stage::EarlyWarning, Stage::Notification],
        required: true,
        origin: Origin::Report,
        taken_from: "report: root_cause.category (`malicious-action`)",
        value: |i| {
            i.subject.incident.root_cause.as_ref().map(|cause| {
                json!({
                    "suspected": cause.category == CauseCategory::MaliciousAction,
                    "cause_status": cause.status.as_str(),
                })
            })
        },
    },
    Field {
        number: "23(4)(a) cross_border",
        name: "Whether the incident could have a cross-border impact",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(a)",
        stages: &[Stage::EarlyWarning, Stage::Notification],
        required: true,
        origin: Origin::Report,
        taken_from: "report: impact.cross_border (`[]` for none)",
        value: |i| {
            let states = i.cross_border()?;
            Some(json!({"possible": !states.is_empty(), "member_states": states}))
        },
    },
    Field {
        number: "23(4)(b) severity",
        name: "Initial assessment of the incident: its severity",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(b)",
        stages: &[Stage::Notification, Stage::Final],
        required: true,
        origin: Origin::Computed,
        taken_from: "report: severity, and the severity Candor computes from impact",
        value: |i| {
            Some(json!({
                "declared": i.subject.incident.severity.as_str(),
                "computed": i.subject.impact.computed.as_str(),
            }))
        },
    },
    Field {
        number: "23(4)(b) impact",
        name: "Initial assessment of the incident: its impact",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(b)",
        stages: &[Stage::Notification, Stage::Final],
        required: true,
        origin: Origin::Report,
        taken_from: "report: impact.users_affected, impact.outage, services; duration computed",
        value: |i| {
            let impact = i.subject.incident.impact.as_ref()?;
            let users = impact.users_affected.as_ref()?;
            let range = match (users.min, users.max) {
                (Some(min), Some(max)) => json!([min, max]),
                _ => Value::Null,
            };
            Some(json!({
                "users_affected": users.estimate,
                "users_affected_range": range,
                "outage": if impact.outage == crate::model::Outage::Full { "full" } else { "partial" },
                "services": i.service_names(false),
                "duration": minutes(i.subject.impact.duration_minutes),
                "ongoing": i.subject.impact.ongoing,
            }))
        },
    },
    Field {
        number: "23(4)(b) indicators_of_compromise",
        name: "Indicators of compromise, where available",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(b)",
        stages: &[Stage::Notification],
        required: false,
        origin: Origin::Private,
        taken_from: "private file: indicators_of_compromise",
        value: |i| {
            let iocs = &i.private?.indicators_of_compromise;
            (!iocs.is_empty()).then(|| json!(iocs))
        },
    },
    Field {
        number: "23(4)(d)(i) description",
        name: "A detailed description of the incident, including its severity and impact",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(d)(i)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: summary and impact.description",
        value: |i| {
            let incident = i.subject.incident;
            Some(json!({
                "summary": i.text(&incident.summary),
                "impact": incident.impact.as_ref().and_then(|m| m.description.as_ref()).map(|d| i.text(d)),
            }))
        },
    },
    Field {
        number: "23(4)(d)(ii) root_cause",
        name: "The type of threat or root cause that is likely to have triggered the incident",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(d)(ii)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: root_cause.category, trigger, description",
        value: |i| {
            let cause = i.subject.incident.root_cause.as_ref()?;
            let trigger = cause.trigger.as_ref()?;
            Some(json!({
                "category": cause.category.as_str(),
                "status": cause.status.as_str(),
                "trigger": i.text(trigger),
                "description": cause.description.as_ref().map(|d| i.text(d)),
            }))
        },
    },
    Field {
        number: "23(4)(d)(iii) mitigation",
        name: "Applied and ongoing mitigation measures",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(d)(iii)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: mitigation and resolution events in timeline, and actions",
        value: |i| {
            use crate::model::ActionType::*;
            mitigation(
                i,
                &[Mitigate, Prevent, Process],
                &[EventKind::Mitigation, EventKind::Resolution],
            )
        },
    },
    Field {
        number: "23(4)(d)(iv) cross_border",
        name: "The cross-border impact of the incident, where applicable",
        basis: "Directive (EU) 2022/2555 Art. 23(4)(d)(iv)",
        stages: FINAL,
        required: false,
        origin: Origin::Report,
        taken_from: "report: impact.cross_border",
        value: |i| {
            let states = i.cross_border()?;
            Some(json!(states))
        },
    },
];

macro_rules! by_hand {
    ($number:literal, $name:literal, $basis:literal, $stages:expr) => {
        Field {
            number: $number,
            name: $name,
            basis: $basis,
            stages: $stages,
            required: false,
            origin: Origin::ByHand,
            taken_from: "not kept by Candor: complete it in the authority's form",
            value: none,
        }
    };
}

const RTS1: &str = "Delegated Regulation (EU) 2025/301 Art. 1";

static DORA: &[Field] = &[
    Field {
        number: "1.1",
        name: "Type of submission",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Computed,
        taken_from: "the stage exported",
        value: |i| Some(Value::String(stage_title(i.stage).to_owned())),
    },
    Field {
        number: "1.2",
        name: "Name of the entity submitting the report",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Config,
        taken_from: "candor.yaml: organisations.KEY.name",
        value: |i| i.organisation_name(),
    },
    Field {
        number: "1.3",
        name: "Identification code of the entity submitting the report",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Config,
        taken_from: "candor.yaml: organisations.KEY.lei",
        value: |i| i.organisation_setting(|o| o.lei.as_ref()),
    },
    Field {
        number: "1.4",
        name: "Type of financial entity affected",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Config,
        taken_from: "candor.yaml: organisations.KEY.entity_type",
        value: |i| i.organisation_setting(|o| o.entity_type.as_ref()),
    },
    Field {
        number: "1.5",
        name: "Name of the financial entity affected",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Config,
        taken_from: "candor.yaml: organisations.KEY.name",
        value: |i| i.organisation_name(),
    },
    Field {
        number: "1.6",
        name: "LEI code of the financial entity affected",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Config,
        taken_from: "candor.yaml: organisations.KEY.lei",
        value: |i| i.organisation_setting(|o| o.lei.as_ref()),
    },
    Field {
        number: "1.7",
        name: "Primary contact person name",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Private,
        taken_from: "private file: primary_contact.name",
        value: |i| i.private?.primary_contact.as_ref().map(|c| json!(c.name)),
    },
    Field {
        number: "1.8",
        name: "Primary contact person email",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Private,
        taken_from: "private file: primary_contact.email",
        value: |i| {
            i.private?
                .primary_contact
                .as_ref()?
                .email
                .as_ref()
                .map(|e| json!(e))
        },
    },
    Field {
        number: "1.9",
        name: "Primary contact person telephone",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Private,
        taken_from: "private file: primary_contact.telephone",
        value: |i| {
            i.private?
                .primary_contact
                .as_ref()
                .map(|c| json!(c.telephone))
        },
    },
    Field {
        number: "1.10",
        name: "Second contact person name",
        basis: RTS1,
        stages: ALL_DORA,
        required: false,
        origin: Origin::Private,
        taken_from: "private file: second_contact.name",
        value: |i| i.private?.second_contact.as_ref().map(|c| json!(c.name)),
    },
    Field {
        number: "1.11",
        name: "Second contact person email",
        basis: RTS1,
        stages: ALL_DORA,
        required: false,
        origin: Origin::Private,
        taken_from: "private file: second_contact.email",
        value: |i| {
            i.private?
                .second_contact
                .as_ref()?
                .email
                .as_ref()
                .map(|e| json!(e))
        },
    },
    Field {
        number: "1.12",
        name: "Second contact person telephone",
        basis: RTS1,
        stages: ALL_DORA,
        required: false,
        origin: Origin::Private,
        taken_from: "private file: second_contact.telephone",
        value: |i| {
            i.private?
                .second_contact
                .as_ref()
                .map(|c| json!(c.telephone))
        },
    },
    Field {
        number: "1.13",
        name: "Name of the ultimate parent undertaking",
        basis: RTS1,
        stages: ALL_DORA,
        required: false,
        origin: Origin::Private,
        taken_from: "private file: parent.name",
        value: |i| i.private?.parent.as_ref().map(|p| json!(p.name)),
    },
    Field {
        number: "1.14",
        name: "LEI code of the ultimate parent undertaking",
        basis: RTS1,
        stages: ALL_DORA,
        required: false,
        origin: Origin::Private,
        taken_from: "private file: parent.lei",
        value: |i| i.private?.parent.as_ref()?.lei.as_ref().map(|l| json!(l)),
    },
    Field {
        number: "1.15",
        name: "Reporting currency",
        basis: RTS1,
        stages: ALL_DORA,
        required: true,
        origin: Origin::Computed,
        taken_from: "always EUR: Candor keeps amounts in euro",
        value: |_| Some(json!("EUR")),
    },
    Field {
        number: "2.1",
        name: "Incident reference code assigned by the financial entity",
        basis: "Delegated Regulation (EU) 2025/301 Art. 2(a)",
        stages: ALL_DORA,
        required: true,
        origin: Origin::Report,
        taken_from: "report: id",
        value: |i| Some(Value::String(i.subject.incident.id.clone())),
    },
    Field {
        number: "2.2",
        name: "Date and time of detection of the major ICT-related incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 2(b)",
        stages: ALL_DORA,
        required: true,
        origin: Origin::Report,
        taken_from: "report: detected_at",
        value: |i| Some(time(i.subject.incident.detected_at)),
    },
    Field {
        number: "2.3",
        name: "Date and time of classification of the ICT-related incident as major",
        basis: "Delegated Regulation (EU) 2025/301 Art. 2(b)",
        stages: ALL_DORA,
        required: true,
        origin: Origin::Report,
        taken_from: "report: classified_at",
        value: |i| i.subject.incident.classified_at.map(time),
    },
    Field {
        number: "2.4",
        name: "Description of the major ICT-related incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 2(c)",
        stages: ALL_DORA,
        required: true,
        origin: Origin::Report,
        taken_from: "report: summary",
        value: |i| Some(i.text(&i.subject.incident.summary)),
    },
    Field {
        number: "2.5",
        name: "Classification criteria that triggered the incident report",
        basis: "Delegated Regulation (EU) 2025/301 Art. 2(d); Delegated Regulation (EU) 2024/1772 Art. 1 to 8",
        stages: ALL_DORA,
        required: true,
        origin: Origin::Computed,
        taken_from: "computed: the criteria of Delegated Regulation (EU) 2024/1772 the report's numbers meet",
        value: |i| {
            let fired: Vec<Value> = i
                .classification
                .fired()
                .map(|c| json!({"criterion": c.key, "name": c.name, "basis": c.basis}))
                .collect();
            (!fired.is_empty()).then_some(Value::Array(fired))
        },
    },
    Field {
        number: "2.6",
        name: "Materiality thresholds for the classification criterion 'Geographical spread'",
        basis: "Delegated Regulation (EU) 2025/301 Art. 2(e)",
        stages: ALL_DORA,
        required: false,
        origin: Origin::Report,
        taken_from: "report: impact.cross_border",
        value: |i| {
            let states = i.cross_border()?;
            (!states.is_empty()).then(|| json!(states))
        },
    },
    Field {
        number: "2.7",
        name: "Discovery of the major ICT-related incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 2(f)",
        stages: ALL_DORA,
        required: true,
        origin: Origin::Report,
        taken_from: "report: the first `detection` event in timeline",
        value: |i| {
            i.subject
                .incident
                .timeline
                .iter()
                .find(|e| e.kind == EventKind::Detection)
                .map(|e| i.text(&e.text))
        },
    },
    Field {
        number: "2.8",
        name: "Indication whether the major ICT-related incident originates from a third-party provider or another financial entity",
        basis: "Delegated Regulation (EU) 2025/301 Art. 2(g)",
        stages: ALL_DORA,
        required: false,
        origin: Origin::Report,
        taken_from: "report: root_cause.category (`third-party-failure`) and supplier.name",
        value: |i| {
            let incident = i.subject.incident;
            let cause = incident.root_cause.as_ref()?;
            Some(json!({
                "third_party": cause.category == CauseCategory::ThirdPartyFailure,
                "supplier": incident.supplier.as_ref().map(|s| s.name.clone()),
            }))
        },
    },
    Field {
        number: "2.9",
        name: "Activation of business continuity plan, if activated",
        basis: "Delegated Regulation (EU) 2025/301 Art. 2(h)",
        stages: ALL_DORA,
        required: true,
        origin: Origin::Report,
        taken_from: "report: business_continuity_activated",
        value: |i| {
            i.subject
                .incident
                .business_continuity_activated
                .map(Value::Bool)
        },
    },
    by_hand!(
        "2.10",
        "Other relevant information",
        "Delegated Regulation (EU) 2025/301 Art. 2(j)",
        ALL_DORA
    ),
    Field {
        number: "3.1",
        name: "Incident reference code provided by the competent authority",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(a)",
        stages: FROM_INTERMEDIATE,
        required: false,
        origin: Origin::Report,
        taken_from: "report: notifications[].reference of the DORA initial notification (else of a later DORA stage)",
        value: |i| {
            let dora = || {
                i.subject
                    .incident
                    .notifications
                    .iter()
                    .filter(|n| n.regime == Regime::Dora)
            };
            dora()
                .filter(|n| n.stage == Stage::Initial)
                .find_map(|n| n.reference.clone())
                .or_else(|| dora().find_map(|n| n.reference.clone()))
                .map(Value::String)
        },
    },
    Field {
        number: "3.2",
        name: "Date and time of occurrence of the major ICT-related incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(b)",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Report,
        taken_from: "report: started_at",
        value: |i| Some(time(i.subject.incident.started_at)),
    },
    Field {
        number: "3.3",
        name: "Date and time when services, activities or operations have been recovered",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(c)",
        stages: FROM_INTERMEDIATE,
        required: false,
        origin: Origin::Report,
        taken_from: "report: resolved_at",
        value: |i| i.subject.incident.resolved_at.map(time),
    },
    Field {
        number: "3.4",
        name: "Number of clients affected",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(d); Delegated Regulation (EU) 2024/1772 Art. 1",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Report,
        taken_from: "report: impact.users_affected.estimate",
        value: |i| i.subject.impact.users_affected.map(|u| json!(u)),
    },
    Field {
        number: "3.5",
        name: "Percentage of clients affected",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(d); Delegated Regulation (EU) 2024/1772 Art. 1",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Computed,
        taken_from: "report: impact.share, or users_affected over candor.yaml services.KEY.users_total",
        value: |i| {
            super::classify::share_percent(i.subject).map(|p| json!((p * 100.0).round() / 100.0))
        },
    },
    by_hand!(
        "3.6",
        "Number of financial counterparts affected",
        "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        FROM_INTERMEDIATE
    ),
    by_hand!(
        "3.7",
        "Percentage of financial counterparts affected",
        "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        FROM_INTERMEDIATE
    ),
    by_hand!(
        "3.8",
        "Impact on relevant clients or financial counterparts",
        "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        FROM_INTERMEDIATE
    ),
    by_hand!(
        "3.9",
        "Number of affected transactions",
        "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        FROM_INTERMEDIATE
    ),
    by_hand!(
        "3.10",
        "Percentage of affected transactions",
        "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        FROM_INTERMEDIATE
    ),
    by_hand!(
        "3.11",
        "Value of affected transactions",
        "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        FROM_INTERMEDIATE
    ),
    Field {
        number: "3.12",
        name: "Information whether the numbers are actual or estimates",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Report,
        taken_from: "report: estimated (pointers under /impact/users_affected), or a range or method given with the number",
        value: |i| {
            let users = i
                .subject
                .incident
                .impact
                .as_ref()?
                .users_affected
                .as_ref()?;
            let estimate = i.estimated(&["/impact/users_affected"])
                || users.min.is_some()
                || users.max.is_some()
                || users.method.is_some();
            Some(json!(if estimate { "estimates" } else { "actual" }))
        },
    },
    by_hand!(
        "3.13",
        "Reputational impact",
        "Delegated Regulation (EU) 2025/301 Art. 3(d); Delegated Regulation (EU) 2024/1772 Art. 2",
        FROM_INTERMEDIATE
    ),
    by_hand!(
        "3.14",
        "Contextual information about the reputational impact",
        "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        FROM_INTERMEDIATE
    ),
    Field {
        number: "3.15",
        name: "Duration of the major ICT-related incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(d); Delegated Regulation (EU) 2024/1772 Art. 3",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Computed,
        taken_from: "computed: started_at to resolved_at (to today while ongoing)",
        value: |i| Some(minutes(i.subject.impact.duration_minutes)),
    },
    Field {
        number: "3.16",
        name: "Service downtime",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(d); Delegated Regulation (EU) 2024/1772 Art. 3",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Computed,
        taken_from: "computed: the full outage's minutes (impact.outage: full)",
        value: |i| Some(minutes(i.subject.impact.full_outage_minutes)),
    },
    Field {
        number: "3.17",
        name: "Information whether the numbers for duration and service downtime are actual or estimates",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Report,
        taken_from: "report: estimated (/started_at, /resolved_at)",
        value: |i| {
            Some(json!(if i.estimated(&["/started_at", "/resolved_at"]) {
                "estimates"
            } else {
                "actual"
            }))
        },
    },
    Field {
        number: "3.18",
        name: "Types of impact in the Member States",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(d); Delegated Regulation (EU) 2024/1772 Art. 4",
        stages: FROM_INTERMEDIATE,
        required: false,
        origin: Origin::Report,
        taken_from: "report: impact.cross_border",
        value: |i| {
            let states = i.cross_border()?;
            (!states.is_empty()).then(|| json!(states))
        },
    },
    by_hand!(
        "3.19",
        "Description of how the major ICT-related incident has an impact in other Member States",
        "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        FROM_INTERMEDIATE
    ),
    Field {
        number: "3.20",
        name: "Materiality thresholds for the classification criterion 'Data losses'",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(d); Delegated Regulation (EU) 2024/1772 Art. 5",
        stages: FROM_INTERMEDIATE,
        required: false,
        origin: Origin::Report,
        taken_from: "report: impact.data (availability, authenticity, integrity, confidentiality)",
        value: |i| {
            let data = i.subject.incident.impact.as_ref()?.data.as_ref()?;
            Some(json!(data.affected()))
        },
    },
    by_hand!(
        "3.21",
        "Description of the data losses",
        "Delegated Regulation (EU) 2025/301 Art. 3(d)",
        FROM_INTERMEDIATE
    ),
    Field {
        number: "3.22",
        name: "Classification criterion 'Critical services affected'",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(d); Delegated Regulation (EU) 2024/1772 Art. 6",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Config,
        taken_from: "candor.yaml: services.KEY.critical of the report's services",
        value: |i| {
            let names = i.service_names(true);
            (!names.is_empty()).then_some(Value::Array(names))
        },
    },
    Field {
        number: "3.23",
        name: "Type of the major ICT-related incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(e)",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Report,
        taken_from: "report: root_cause.category (malicious-action: cybersecurity-related; system-failure: system failure; human-error: process failure; third-party-failure, natural-phenomenon: external event)",
        value: |i| {
            let cause = i.subject.incident.root_cause.as_ref()?;
            Some(json!(dora_incident_type(cause.category)))
        },
    },
    by_hand!(
        "3.24",
        "Other types of incidents",
        "Delegated Regulation (EU) 2025/301 Art. 3(e)",
        FROM_INTERMEDIATE
    ),
    Field {
        number: "3.25",
        name: "Threats and techniques used by the threat actor",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(f)",
        stages: FROM_INTERMEDIATE,
        required: false,
        origin: Origin::Private,
        taken_from: "private file: threats_and_techniques",
        value: |i| {
            let items = &i.private?.threats_and_techniques;
            (!items.is_empty()).then(|| json!(items))
        },
    },
    by_hand!(
        "3.26",
        "Other types of techniques",
        "Delegated Regulation (EU) 2025/301 Art. 3(f)",
        FROM_INTERMEDIATE
    ),
    Field {
        number: "3.27",
        name: "Information about affected functional areas and business processes",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(g)",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Config,
        taken_from: "candor.yaml: the names of the report's services",
        value: |i| {
            let names = i.service_names(false);
            (!names.is_empty()).then_some(Value::Array(names))
        },
    },
    by_hand!(
        "3.28",
        "Affected infrastructure components supporting business processes",
        "Delegated Regulation (EU) 2025/301 Art. 3(h)",
        FROM_INTERMEDIATE
    ),
    Field {
        number: "3.29",
        name: "Information about affected infrastructure components supporting business processes",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(h)",
        stages: FROM_INTERMEDIATE,
        required: false,
        origin: Origin::Private,
        taken_from: "private file: affected_infrastructure",
        value: |i| {
            i.private?
                .affected_infrastructure
                .as_ref()
                .map(|t| json!(t))
        },
    },
    by_hand!(
        "3.30",
        "Impact on the financial interest of clients",
        "Delegated Regulation (EU) 2025/301 Art. 3(i)",
        FROM_INTERMEDIATE
    ),
    Field {
        number: "3.31",
        name: "Reporting to other authorities",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(j)",
        stages: FROM_INTERMEDIATE,
        required: false,
        origin: Origin::Report,
        taken_from: "report: notifications under other regimes (their authorities)",
        value: |i| {
            let mut authorities: Vec<&str> = i
                .subject
                .incident
                .notifications
                .iter()
                .filter(|n| n.regime != Regime::Dora)
                .map(|n| n.authority.as_str())
                .collect();
            authorities.dedup();
            (!authorities.is_empty()).then(|| json!(authorities))
        },
    },
    Field {
        number: "3.33",
        name: "Temporary actions/measures taken or planned to be taken to recover from the incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(k)",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Report,
        taken_from: "report: whether there are mitigation events or `mitigate` actions",
        value: |i| {
            Some(json!(
                mitigation(
                    i,
                    &[crate::model::ActionType::Mitigate],
                    &[EventKind::Mitigation]
                )
                .is_some()
            ))
        },
    },
    Field {
        number: "3.34",
        name: "Description of any temporary actions and measures taken or planned to be taken to recover from the incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(k)",
        stages: FROM_INTERMEDIATE,
        required: true,
        origin: Origin::Report,
        taken_from: "report: mitigation events in timeline and `mitigate` actions",
        value: |i| {
            mitigation(
                i,
                &[crate::model::ActionType::Mitigate],
                &[EventKind::Mitigation],
            )
        },
    },
    Field {
        number: "3.35",
        name: "Indicators of compromise",
        basis: "Delegated Regulation (EU) 2025/301 Art. 3(l)",
        stages: FROM_INTERMEDIATE,
        required: false,
        origin: Origin::Private,
        taken_from: "private file: indicators_of_compromise",
        value: |i| {
            let iocs = &i.private?.indicators_of_compromise;
            (!iocs.is_empty()).then(|| json!(iocs))
        },
    },
    Field {
        number: "4.1",
        name: "High-level classification of root causes of the incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 4(a)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: root_cause.category",
        value: |i| {
            i.subject
                .incident
                .root_cause
                .as_ref()
                .map(|c| json!(c.category.as_str()))
        },
    },
    by_hand!(
        "4.2",
        "Detailed classification of root causes of the incident",
        "Delegated Regulation (EU) 2025/301 Art. 4(a)",
        FINAL
    ),
    by_hand!(
        "4.3",
        "Additional classification of root causes of the incident",
        "Delegated Regulation (EU) 2025/301 Art. 4(a)",
        FINAL
    ),
    Field {
        number: "4.5",
        name: "Information about the root causes of the incident",
        basis: "Delegated Regulation (EU) 2025/301 Art. 4(a)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: root_cause.trigger and root_cause.description",
        value: |i| {
            let cause = i.subject.incident.root_cause.as_ref()?;
            let trigger = cause.trigger.as_ref()?;
            Some(json!({
                "trigger": i.text(trigger),
                "description": cause.description.as_ref().map(|d| i.text(d)),
            }))
        },
    },
    Field {
        number: "4.6",
        name: "Incident resolution summary",
        basis: "Delegated Regulation (EU) 2025/301 Art. 4(c)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: resolution events in timeline, and `prevent` and `process` actions",
        value: |i| {
            use crate::model::ActionType::*;
            mitigation(i, &[Prevent, Process], &[EventKind::Resolution])
        },
    },
    Field {
        number: "4.7",
        name: "Date and time when the incident root cause was addressed",
        basis: "Delegated Regulation (EU) 2025/301 Art. 4(b)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: root_cause.addressed_on",
        value: |i| {
            i.subject
                .incident
                .root_cause
                .as_ref()?
                .addressed_on
                .map(|d| json!(d.to_string()))
        },
    },
    Field {
        number: "4.8",
        name: "Date and time when the incident was resolved",
        basis: "Delegated Regulation (EU) 2025/301 Art. 4(b)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: resolved_at",
        value: |i| i.subject.incident.resolved_at.map(time),
    },
    by_hand!(
        "4.9",
        "Information if the permanent resolution date of the incident differs from the initially planned implementation date",
        "Delegated Regulation (EU) 2025/301 Art. 4(c)",
        FINAL
    ),
    Field {
        number: "4.11",
        name: "Information relevant for resolution authorities",
        basis: "Delegated Regulation (EU) 2025/301 Art. 4(d)",
        stages: FINAL,
        required: false,
        origin: Origin::Private,
        taken_from: "private file: resolution_authorities",
        value: |i| i.private?.resolution_authorities.as_ref().map(|t| json!(t)),
    },
    Field {
        number: "4.12",
        name: "Materiality threshold for the classification criterion 'Economic impact'",
        basis: "Delegated Regulation (EU) 2025/301 Art. 4(e); Delegated Regulation (EU) 2024/1772 Art. 7",
        stages: FINAL,
        required: false,
        origin: Origin::Computed,
        taken_from: "computed: whether costs and losses exceed EUR 100,000",
        value: |i| {
            let economic = i
                .classification
                .criteria
                .iter()
                .find(|c| c.key == "economic")?;
            economic.met.map(Value::Bool)
        },
    },
    Field {
        number: "4.13",
        name: "Amount of gross direct and indirect costs and losses",
        basis: "Delegated Regulation (EU) 2025/301 Art. 4(e)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: impact.costs.direct_eur and indirect_eur",
        value: |i| {
            let costs = i.subject.incident.impact.as_ref()?.costs.as_ref()?;
            if costs.direct_eur.is_none() && costs.indirect_eur.is_none() {
                return None;
            }
            Some(json!({
                "direct": costs.direct_eur,
                "indirect": costs.indirect_eur,
                "gross": costs.direct_eur.unwrap_or(0.0) + costs.indirect_eur.unwrap_or(0.0),
            }))
        },
    },
    Field {
        number: "4.14",
        name: "Amount of financial recoveries",
        basis: "Delegated Regulation (EU) 2025/301 Art. 4(e)",
        stages: FINAL,
        required: true,
        origin: Origin::Report,
        taken_from: "report: impact.costs.recovered_eur",
        value: |i| {
            i.subject
                .incident
                .impact
                .as_ref()?
                .costs
                .as_ref()?
                .recovered_eur
                .map(|r| json!(r))
        },
    },
    by_hand!(
        "4.15",
        "Information whether the non-major incidents have been recurring",
        "Delegated Regulation (EU) 2025/301 Art. 4(f)",
        FINAL
    ),
];

/// The fields of `stage` under `regime` that the subject lacks, for rule A026: required
/// fields from the report, candor.yaml or the computation (the private file is not read by
/// `check`, and by-hand fields are never required).
pub fn missing_public(
    subject: &Subject<'_>,
    regime: Regime,
    stage: Stage,
    classification: &Classification,
) -> Vec<&'static Field> {
    let input = Input {
        subject,
        stage,
        language: &subject.incident.language,
        private: None,
        classification,
    };
    catalogue(regime)
        .iter()
        .filter(|f| f.in_stage(stage) && f.required && f.origin != Origin::Private)
        .filter(|f| (f.value)(&input).is_none())
        .collect()
}

/// The catalogue of `regime` as a Markdown table (field, name, stages, required, where
/// Candor reads it, basis): the README's field table, which a test keeps in step.
pub fn markdown_table(regime: Regime) -> String {
    let mut out = String::from(
        "| field | name | stages | required | Candor reads it from | basis |\n|---|---|---|---|---|---|\n",
    );
    for field in catalogue(regime) {
        let stages: Vec<&str> = field.stages.iter().map(|s| s.as_str()).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            field.number,
            field.name,
            stages.join(", "),
            if field.required {
                "yes"
            } else {
                "where available"
            },
            field.taken_from.replace('|', "\\|"),
            field.basis
        ));
    }
    out
}
