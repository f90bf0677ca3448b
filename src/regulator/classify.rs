//! Whether an incident meets a regime's thresholds, from the report's own numbers.
//!
//! DORA: Delegated Regulation (EU) 2024/1772. An incident is major when it affects critical
//! services (Art. 6) and either involves malicious unauthorised access that may lead to data
//! losses, or meets the materiality thresholds of at least two other criteria (Art. 8, with
//! the thresholds of Art. 9). NIS2: Implementing Regulation (EU) 2024/2690 Art. 3 (for every
//! entity it covers) and the sector articles for cloud computing (Art. 7) and trust services
//! (Art. 14). A criterion the report's numbers cannot decide (reputational impact, deaths,
//! trade secrets) is listed as not assessed: the result is what the numbers show, never a
//! legal judgement.

use serde::Serialize;

use super::Subject;
use crate::model::{CauseCategory, Regime};

/// One criterion and whether it fired.
#[derive(Clone, Debug, Serialize)]
pub struct Criterion {
    /// A short key, e.g. `clients` or `duration`.
    pub key: &'static str,
    /// The criterion in words, with its threshold.
    pub name: &'static str,
    /// The article it comes from.
    pub basis: &'static str,
    /// Whether it fired; `None` when the report cannot tell.
    pub met: Option<bool>,
    /// The report's figure behind the answer.
    pub detail: String,
}

/// The classification of one incident under one regime.
#[derive(Clone, Debug, Serialize)]
pub struct Classification {
    /// `nis2` or `dora`.
    pub regime: Regime,
    /// Whether the numbers make it reportable: significant (NIS2) or major (DORA); `None`
    /// when no number can decide it (NIS2 outside Implementing Regulation (EU) 2024/2690).
    pub reportable: Option<bool>,
    /// Whether criteria the numbers cannot decide could make an incident the numbers do
    /// not make reportable reportable after all.
    pub could_change: bool,
    /// How the criteria combine, in words.
    pub rule: &'static str,
    /// When the report says the organisation classified the incident (`classified_at`),
    /// whatever the numbers show.
    pub classified_at: Option<String>,
    /// Every criterion, fired or not.
    pub criteria: Vec<Criterion>,
}

impl Classification {
    /// The criteria that fired.
    pub fn fired(&self) -> impl Iterator<Item = &Criterion> {
        self.criteria.iter().filter(|c| c.met == Some(true))
    }

    /// The criteria the report cannot decide.
    pub fn not_assessed(&self) -> impl Iterator<Item = &Criterion> {
        self.criteria.iter().filter(|c| c.met.is_none())
    }
}

/// Classify the subject's incident under `regime`.
pub fn classify(subject: &Subject<'_>, regime: Regime) -> Classification {
    let mut classification = match regime {
        Regime::Dora => dora(subject),
        Regime::Nis2 => nis2(subject),
    };
    classification.classified_at = subject.incident.classified_at.map(|at| at.to_rfc3339());
    classification
}

/// What the subject's figures say, computed once for both regimes.
struct Figures {
    users: Option<u64>,
    /// The share of users affected, in percent: `impact.share`, or the estimate over the
    /// largest `users_total` among the report's services.
    share_percent: Option<f64>,
    duration_minutes: f64,
    full_outage_minutes: f64,
    /// Whether the report says the service was down or degraded at all.
    any_outage: bool,
    data_affected: Vec<&'static str>,
    malicious: bool,
    gross_costs_eur: Option<f64>,
    direct_loss_eur: Option<f64>,
    member_states: Vec<String>,
    cross_border_known: bool,
    critical_services: Option<bool>,
}

/// The share of users affected, in percent: the report's `impact.share`, or its
/// users-affected estimate over the largest `users_total` among its services.
pub fn share_percent(subject: &Subject<'_>) -> Option<f64> {
    let incident = subject.incident;
    let users_total = incident
        .services
        .iter()
        .filter_map(|key| subject.config.file.services.get(key))
        .filter_map(|service| service.users_total)
        .max();
    incident
        .impact
        .as_ref()
        .and_then(|i| i.share.as_ref())
        .map(|s| s.value_percent)
        .or_else(|| match (subject.impact.users_affected, users_total) {
            (Some(users), Some(total)) => Some(users as f64 * 100.0 / total as f64),
            _ => None,
        })
}

fn figures(subject: &Subject<'_>) -> Figures {
    let incident = subject.incident;
    let impact = incident.impact.as_ref();
    let users = subject.impact.users_affected;
    let share_percent = share_percent(subject);
    let mut data_affected = impact
        .and_then(|i| i.data.as_ref())
        .map(|d| d.affected())
        .unwrap_or_default();
    if data_affected.is_empty() && impact.and_then(|i| i.data_compromised) == Some(true) {
        data_affected = vec!["confidentiality, integrity or authenticity"];
    }
    let costs = impact.and_then(|i| i.costs.as_ref());
    let gross_costs_eur = costs
        .and_then(|c| match (c.direct_eur, c.indirect_eur) {
            (None, None) => None,
            (direct, indirect) => Some(direct.unwrap_or(0.0) + indirect.unwrap_or(0.0)),
        })
        .or_else(|| impact.and_then(|i| i.financial_loss_eur));
    let direct_loss_eur = costs
        .and_then(|c| c.direct_eur)
        .or_else(|| impact.and_then(|i| i.financial_loss_eur));
    let mut member_states: Vec<String> = subject
        .organisation
        .and_then(|o| o.member_state.clone())
        .into_iter()
        .collect();
    let cross_border = impact.and_then(|i| i.cross_border.as_ref());
    for state in cross_border.into_iter().flatten() {
        if !member_states.contains(state) {
            member_states.push(state.clone());
        }
    }
    let declared: Vec<Option<bool>> = incident
        .services
        .iter()
        .filter_map(|key| subject.config.file.services.get(key))
        .map(|service| service.critical)
        .collect();
    let critical_services = if declared.contains(&Some(true)) {
        Some(true)
    } else if declared.iter().any(Option::is_some) {
        Some(false)
    } else {
        None
    };
    Figures {
        users,
        share_percent,
        duration_minutes: subject.impact.duration_minutes,
        full_outage_minutes: subject.impact.full_outage_minutes,
        any_outage: impact.is_some(),
        data_affected,
        malicious: incident
            .root_cause
            .as_ref()
            .is_some_and(|c| c.category == CauseCategory::MaliciousAction),
        gross_costs_eur,
        direct_loss_eur,
        member_states,
        cross_border_known: cross_border.is_some(),
        critical_services,
    }
}

fn users_detail(f: &Figures) -> String {
    match (f.users, f.share_percent) {
        (Some(users), Some(share)) => format!("{users} users affected ({share:.1} %)"),
        (Some(users), None) => format!("{users} users affected"),
        (None, Some(share)) => format!("{share:.1} % affected"),
        (None, None) => "no users_affected estimate or share".to_owned(),
    }
}

fn minutes(m: f64) -> String {
    let m = m.round() as i64;
    format!("{} h {} min", m / 60, m % 60)
}

fn dora(subject: &Subject<'_>) -> Classification {
    let f = figures(subject);
    // Below the thresholds the criterion is still open: financial counterparts and
    // transactions (Art. 1 and 9(1)) are not in a report.
    let clients_met = (f.users.is_some_and(|u| u > 100_000)
        || f.share_percent.is_some_and(|s| s > 10.0))
    .then_some(true);
    let unauthorised_access = f.malicious && f.data_affected.iter().any(|d| *d != "availability");
    // Art. 6(c): successful malicious unauthorised access counts as affecting critical
    // services on its own.
    let critical = if unauthorised_access {
        Some(true)
    } else {
        f.critical_services
    };
    let downtime = if f.any_outage {
        f.duration_minutes
    } else {
        0.0
    };
    let criteria = vec![
        Criterion {
            key: "critical_services",
            name: "Critical services affected: the incident affects ICT services or network and information systems that support critical or important functions",
            basis: "Delegated Regulation (EU) 2024/1772 Art. 6",
            met: critical,
            detail: match f.critical_services {
                _ if unauthorised_access => "malicious unauthorised access (Art. 6(c))".to_owned(),
                Some(true) => "a service marked `critical: true` in candor.yaml".to_owned(),
                Some(false) => "no affected service is marked `critical: true`".to_owned(),
                None => "no affected service says `critical:` in candor.yaml".to_owned(),
            },
        },
        Criterion {
            key: "malicious_access",
            name: "Malicious unauthorised access to network and information systems that may result in data losses",
            basis: "Delegated Regulation (EU) 2024/1772 Art. 8(1)(a)",
            met: Some(unauthorised_access),
            detail: if unauthorised_access {
                "root cause `malicious-action` with data affected".to_owned()
            } else {
                "no malicious action with data affected".to_owned()
            },
        },
        Criterion {
            key: "clients",
            name: "Clients, financial counterparts and transactions affected: more than 10 % of the clients using the service, or more than 100,000 clients (or the counterparts' and transactions' thresholds)",
            basis: "Delegated Regulation (EU) 2024/1772 Art. 1 and 9(1)",
            met: clients_met,
            detail: if clients_met.is_some() {
                users_detail(&f)
            } else {
                format!(
                    "{} (below the clients' thresholds; financial counterparts and transactions are not in the report)",
                    users_detail(&f)
                )
            },
        },
        Criterion {
            key: "reputational",
            name: "Reputational impact: media attention, complaints, regulatory breach or loss of clients",
            basis: "Delegated Regulation (EU) 2024/1772 Art. 2 and 9(2)",
            met: None,
            detail: "not in the report's numbers: assess it yourself".to_owned(),
        },
        Criterion {
            key: "duration",
            name: "Duration and service downtime: the incident lasts more than 24 hours, or critical services are down for more than 2 hours",
            basis: "Delegated Regulation (EU) 2024/1772 Art. 3 and 9(3)",
            met: Some(
                f.duration_minutes > 24.0 * 60.0 || (critical == Some(true) && downtime > 120.0),
            ),
            detail: format!(
                "duration {}, service downtime (full or partial) {}",
                minutes(f.duration_minutes),
                minutes(downtime)
            ),
        },
        Criterion {
            key: "geographical_spread",
            name: "Geographical spread: impact in at least two member states",
            basis: "Delegated Regulation (EU) 2024/1772 Art. 4 and 9(4)",
            met: if f.cross_border_known || f.member_states.len() >= 2 {
                Some(f.member_states.len() >= 2)
            } else {
                None
            },
            detail: if f.member_states.is_empty() {
                "no member_state in candor.yaml and no impact.cross_border".to_owned()
            } else {
                format!("member states: {}", f.member_states.join(", "))
            },
        },
        Criterion {
            key: "data_losses",
            name: "Data losses: availability, authenticity, integrity or confidentiality of data affected",
            basis: "Delegated Regulation (EU) 2024/1772 Art. 5 and 9(5)",
            met: Some(!f.data_affected.is_empty()),
            detail: if f.data_affected.is_empty() {
                "no data property marked affected".to_owned()
            } else {
                format!("affected: {}", f.data_affected.join(", "))
            },
        },
        Criterion {
            key: "economic",
            name: "Economic impact: direct and indirect costs and losses over EUR 100,000",
            basis: "Delegated Regulation (EU) 2024/1772 Art. 7 and 9(6)",
            met: f.gross_costs_eur.map(|c| c > 100_000.0),
            detail: match f.gross_costs_eur {
                Some(c) => format!("EUR {c:.0}"),
                None => "no impact.costs".to_owned(),
            },
        },
    ];
    let others = criteria
        .iter()
        .filter(|c| !matches!(c.key, "critical_services" | "malicious_access"))
        .filter(|c| c.met == Some(true))
        .count();
    let reportable = critical == Some(true) && (unauthorised_access || others >= 2);
    let open = criteria.iter().filter(|c| c.met.is_none()).count();
    Classification {
        regime: Regime::Dora,
        reportable: Some(reportable),
        could_change: !reportable && open > 0,
        classified_at: None,
        rule: "major when critical services are affected and either malicious unauthorised access may lead to data losses, or at least two other criteria are met (Delegated Regulation (EU) 2024/1772 Art. 8)",
        criteria,
    }
}

/// The entity types Implementing Regulation (EU) 2024/2690 covers (its Art. 1), as written
/// in candor.yaml's `entity_type`.
pub const NIS2_2024_2690_TYPES: &[&str] = &[
    "dns-service-provider",
    "tld-name-registry",
    "cloud-computing-service-provider",
    "data-centre-service-provider",
    "content-delivery-network-provider",
    "managed-service-provider",
    "managed-security-service-provider",
    "online-marketplace",
    "online-search-engine",
    "social-networking-platform",
    "trust-service-provider",
];

fn not_assessed(key: &'static str, name: &'static str, basis: &'static str) -> Criterion {
    Criterion {
        key,
        name,
        basis,
        met: None,
        detail: "not in the report's numbers: assess it yourself".to_owned(),
    }
}

fn nis2(subject: &Subject<'_>) -> Classification {
    let f = figures(subject);
    let entity_type = subject
        .organisation
        .and_then(|o| o.entity_type.as_deref())
        .unwrap_or_default();
    if !NIS2_2024_2690_TYPES.contains(&entity_type) {
        // Outside the implementing regulation, significance is the directive's own test.
        return Classification {
            regime: Regime::Nis2,
            reportable: None,
            could_change: true,
            classified_at: None,
            rule: "significant when it has caused or can cause severe operational disruption or financial loss, or considerable damage to others (Directive (EU) 2022/2555 Art. 23(3)); Candor cannot judge this from numbers",
            criteria: vec![Criterion {
                key: "scope",
                name: "Implementing Regulation (EU) 2024/2690 sets thresholds only for the entity types of its Art. 1 (DNS, TLD, cloud, data centres, CDN, managed (security) services, marketplaces, search engines, social networks, trust services)",
                basis: "Implementing Regulation (EU) 2024/2690 Art. 1; Directive (EU) 2022/2555 Art. 23(3)",
                met: None,
                detail: if entity_type.is_empty() {
                    "no entity_type in candor.yaml".to_owned()
                } else {
                    let hint = crate::diag::closest(entity_type, NIS2_2024_2690_TYPES)
                        .map(|close| format!("; did you mean `{close}`?"))
                        .unwrap_or_default();
                    format!("entity_type `{entity_type}` is not one of them{hint}")
                },
            }],
        };
    }
    let mut criteria = vec![
        Criterion {
            key: "financial_loss",
            name: "Direct financial loss over EUR 500,000 or 5 % of annual turnover, whichever is lower",
            basis: "Implementing Regulation (EU) 2024/2690 Art. 3(1)(a)",
            met: f.direct_loss_eur.filter(|c| *c > 500_000.0).map(|_| true),
            detail: match f.direct_loss_eur {
                Some(c) if c > 500_000.0 => format!("EUR {c:.0} direct"),
                Some(c) => format!(
                    "EUR {c:.0} direct: under EUR 500,000, but 5 % of turnover is not known to Candor"
                ),
                None => "no impact.costs.direct_eur or financial_loss_eur".to_owned(),
            },
        },
        not_assessed(
            "trade_secrets",
            "Exfiltration of trade secrets",
            "Implementing Regulation (EU) 2024/2690 Art. 3(1)(b)",
        ),
        not_assessed(
            "death_or_health",
            "Death of a person, or considerable damage to a person's health",
            "Implementing Regulation (EU) 2024/2690 Art. 3(1)(c) and (d)",
        ),
        Criterion {
            key: "malicious_access",
            name: "Successful, suspectedly malicious and unauthorised access capable of causing severe operational disruption",
            basis: "Implementing Regulation (EU) 2024/2690 Art. 3(1)(e)",
            met: if f.malicious { None } else { Some(false) },
            detail: if f.malicious {
                "root cause `malicious-action`: judge whether the access could cause severe operational disruption".to_owned()
            } else {
                "no malicious action in the root cause".to_owned()
            },
        },
        not_assessed(
            "recurring",
            "Recurring incidents that together meet these criteria",
            "Implementing Regulation (EU) 2024/2690 Art. 3(1)(f) and 4",
        ),
    ];
    match entity_type {
        "cloud-computing-service-provider" => {
            criteria.push(Criterion {
                key: "cloud_unavailable",
                name: "The cloud computing service is completely unavailable for more than 30 minutes",
                basis: "Implementing Regulation (EU) 2024/2690 Art. 7(a)",
                met: Some(f.full_outage_minutes > 30.0),
                detail: format!("full outage {}", minutes(f.full_outage_minutes)),
            });
            criteria.push(Criterion {
                key: "cloud_limited",
                name: "Availability limited for more than 5 % of users in the Union or more than 1,000,000 users, whichever is smaller, for more than an hour",
                basis: "Implementing Regulation (EU) 2024/2690 Art. 7(b)",
                met: share_or_count(&f, 5.0, 1_000_000).map(|met| met && f.duration_minutes > 60.0),
                detail: format!("{}, for {}", users_detail(&f), minutes(f.duration_minutes)),
            });
            criteria.push(not_assessed(
                "cloud_other",
                "The other criteria of Art. 7 (data integrity, confidentiality or authenticity)",
                "Implementing Regulation (EU) 2024/2690 Art. 7",
            ));
        }
        _ => {
            criteria.push(Criterion {
                key: "trust_unavailable",
                name: "A trust service is completely unavailable for more than 20 minutes",
                basis: "Implementing Regulation (EU) 2024/2690 Art. 14(a)",
                met: Some(f.full_outage_minutes > 20.0),
                detail: format!("full outage {}", minutes(f.full_outage_minutes)),
            });
            criteria.push(Criterion {
                key: "trust_data",
                name: "Integrity, confidentiality or authenticity of data compromised for more than 0.1 % of users or more than 100 users, whichever is smaller",
                basis: "Implementing Regulation (EU) 2024/2690 Art. 14",
                met: if f.data_affected.iter().any(|d| *d != "availability") {
                    share_or_count(&f, 0.1, 100)
                } else {
                    Some(false)
                },
                detail: if f.data_affected.is_empty() {
                    "no data property marked affected".to_owned()
                } else {
                    format!("affected: {}; {}", f.data_affected.join(", "), users_detail(&f))
                },
            });
            criteria.push(not_assessed(
                "trust_other",
                "The other criteria of Art. 14 (unavailability per calendar week, limited availability for a share of users, physical access to restricted areas)",
                "Implementing Regulation (EU) 2024/2690 Art. 14",
            ));
        }
    }
    // Only the entity's own sector article applies besides Art. 3.
    if entity_type != "cloud-computing-service-provider" && entity_type != "trust-service-provider"
    {
        criteria.retain(|c| !c.key.starts_with("trust_"));
        criteria.push(not_assessed(
            "sector",
            "The thresholds of the entity's own sector article",
            "Implementing Regulation (EU) 2024/2690 Art. 5 to 13",
        ));
    }
    let reportable = criteria.iter().any(|c| c.met == Some(true));
    let open = criteria.iter().any(|c| c.met.is_none());
    Classification {
        regime: Regime::Nis2,
        reportable: Some(reportable),
        could_change: !reportable && open,
        classified_at: None,
        rule: "significant when any one criterion is met (Implementing Regulation (EU) 2024/2690 Art. 3(1))",
        criteria,
    }
}

/// Whether more than `percent` of users or more than `count` users (whichever is smaller)
/// were affected; `None` when the report has neither figure.
fn share_or_count(f: &Figures, percent: f64, count: u64) -> Option<bool> {
    match (f.users, f.share_percent) {
        (None, None) => None,
        (users, share) => {
            Some(users.is_some_and(|u| u > count) || share.is_some_and(|s| s > percent))
        }
    }
}
