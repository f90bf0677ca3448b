//! Making one site's data of many sources: each source's settings under the national floor,
//! and its keys, ids and files put in its namespace (`<source>--<key>`), so that two
//! agencies' `portal` never collide and a report is always traced to its repository.

use std::collections::{BTreeMap, HashMap};

use crate::check::{CheckedReport, Run};
use crate::config::{
    AvailabilityPolicyFile, ConfigFile, DeadlinesFile, Policy, PolicyFile, SeverityPolicyFile,
    Thresholds,
};
use crate::diag::Level;
use crate::history::{History, Revision};
use crate::model::Text;
use crate::timeliness::PublicationTimes;

use super::sources::{NationalFile, SourceEntry};

/// The key of `key` in the namespace of `source`.
pub fn namespaced(source: &str, key: &str) -> String {
    format!("{source}--{key}")
}

/// The file of a report of `source` on the national site.
pub fn namespaced_file(source: &str, file: &str) -> String {
    format!("sources/{source}/{file}")
}

/// A source's candor.yaml with the national floor applied: every rule at least at its
/// national level (the level the sources file names, else the built-in one), deadlines no
/// longer and severity thresholds no higher than the national ones (those the sources file
/// sets, else the built-in ones). Its input limits are the built-in ones: a source cannot
/// raise what protects the national build from oversized files.
pub fn with_floor(own: &ConfigFile, national: &NationalFile) -> ConfigFile {
    let mut config = own.clone();
    config.limits = Default::default();
    for rule in crate::diag::RULES {
        if !rule.code.is_configurable() {
            continue;
        }
        let floor = national
            .rules
            .get(rule.code_str)
            .copied()
            .unwrap_or(rule.default_level);
        let level = config
            .rules
            .get(rule.code_str)
            .copied()
            .unwrap_or(rule.default_level);
        if level < floor || config.rules.contains_key(rule.code_str) {
            config
                .rules
                .insert(rule.code_str.to_owned(), level.max(floor));
        }
    }
    config.policy = policy_floor(&own.policy, &national.policy);
    config
}

/// The stricter of a source's policy and the national one, value by value; a value neither
/// sets is the built-in default, which the source cannot relax either.
fn policy_floor(own: &PolicyFile, floor: &PolicyFile) -> PolicyFile {
    let defaults = Policy::default();
    let lower = |a: Option<u32>, b: Option<u32>, default: u32| {
        Some(a.unwrap_or(default).min(b.unwrap_or(default)))
    };
    let own_deadlines = own.deadlines.clone().unwrap_or_default();
    let floor_deadlines = floor.deadlines.clone().unwrap_or_default();
    let deadlines = DeadlinesFile {
        preliminary_hours: lower(
            own_deadlines.preliminary_hours,
            floor_deadlines.preliminary_hours,
            defaults.preliminary_hours,
        ),
        final_days: lower(
            own_deadlines.final_days,
            floor_deadlines.final_days,
            defaults.final_days,
        ),
        first_statement_minutes: lower(
            own_deadlines.first_statement_minutes,
            floor_deadlines.first_statement_minutes,
            defaults.first_statement_minutes,
        ),
        // Incidents detected before `apply_from` are exempt, so the earlier date exempts
        // less; without a date on both sides, nothing is exempt.
        apply_from: match (own_deadlines.apply_from, floor_deadlines.apply_from) {
            (Some(a), Some(b)) => Some(a.min(b)),
            _ => None,
        },
    };
    let own_severity = own.severity.clone().unwrap_or_default();
    let floor_severity = floor.severity.clone().unwrap_or_default();
    let thresholds = |a: Option<Thresholds>, b: Option<Thresholds>, default: Thresholds| {
        let (a, b) = (a.unwrap_or(default), b.unwrap_or(default));
        let min_f = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
        Some(Thresholds {
            user_hours: min_f(a.user_hours, b.user_hours),
            full_outage_minutes: min_f(a.full_outage_minutes, b.full_outage_minutes),
            users_affected: match (a.users_affected, b.users_affected) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            },
        })
    };
    // A partial outage weighs at least as much as the nation says against availability.
    let weight = |policy: &PolicyFile| {
        policy
            .availability
            .as_ref()
            .and_then(|a| a.partial_weight)
            .unwrap_or(defaults.partial_weight)
    };
    PolicyFile {
        severity: Some(SeverityPolicyFile {
            critical: thresholds(
                own_severity.critical,
                floor_severity.critical,
                defaults.critical,
            ),
            major: thresholds(own_severity.major, floor_severity.major, defaults.major),
        }),
        deadlines: Some(deadlines),
        recurrence_days: Some(
            own.recurrence_days
                .unwrap_or(defaults.recurrence_days)
                .max(floor.recurrence_days.unwrap_or(defaults.recurrence_days)),
        ),
        availability: Some(AvailabilityPolicyFile {
            partial_weight: Some(weight(own).max(weight(floor))),
        }),
    }
}

/// The national site's candor.yaml: the national site and policy, and every published
/// source's organisations and services in its namespace, with the dependencies the sources
/// file declares across sources. A dependency on a source that is not in the build is left
/// out and named in the returned notes.
pub fn national_config(
    national: &NationalFile,
    sources: &[(&SourceEntry, &ConfigFile)],
) -> (ConfigFile, Vec<String>) {
    let mut notes = Vec::new();
    let mut organisations = BTreeMap::new();
    let mut services = BTreeMap::new();
    // Every name says which source it comes from, so that no agency's repository can pass
    // its reports off as another's by using the same name.
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (entry, config) in sources {
        for (key, organisation) in &config.organisations {
            if let Some((_, name)) = organisation.name.variants("").first() {
                let sources = names.entry((*name).to_owned()).or_default();
                if !sources.contains(&entry.name) {
                    sources.push(entry.name.clone());
                }
            }
            let mut organisation = organisation.clone();
            organisation.name = with_source(&organisation.name, &entry.name);
            organisations.insert(namespaced(&entry.name, key), organisation);
        }
        for (key, service) in &config.services {
            let mut service = service.clone();
            service.name = with_source(&service.name, &entry.name);
            service.organisation = namespaced(&entry.name, &service.organisation);
            service.depends_on = service
                .depends_on
                .iter()
                .map(|other| namespaced(&entry.name, other))
                .collect();
            services.insert(namespaced(&entry.name, key), service);
        }
    }
    for (entry, _) in sources {
        for (service, others) in &entry.depends_on {
            let key = namespaced(&entry.name, service);
            let mut added = Vec::new();
            for other in others {
                let target = other
                    .split_once('/')
                    .map(|(source, key)| namespaced(source, key));
                match target {
                    Some(target) if services.contains_key(&target) => added.push(target),
                    _ => notes.push(format!(
                        "{}: `{service}` depends on `{other}`, which is not a service of a source in this build; the dependency is left out",
                        entry.name
                    )),
                }
            }
            match services.get_mut(&key) {
                Some(found) => found.depends_on.extend(added),
                None if !added.is_empty() => notes.push(format!(
                    "{}: depends_on names `{service}`, which is not one of its services",
                    entry.name
                )),
                None => {}
            }
        }
    }
    for (name, sources) in names {
        if sources.len() > 1 {
            let named = match sources.len() {
                count if count > 4 => {
                    format!("{} and {} more", sources[..3].join(", "), count - 3)
                }
                _ => sources.join(", "),
            };
            notes.push(format!(
                "the organisation name `{name}` is used by the sources {named}; the site tells them apart by their source names"
            ));
        }
    }
    let config = ConfigFile {
        site: national.site.clone(),
        organisations,
        services,
        policy: national.policy.clone(),
        rules: national
            .rules
            .iter()
            .map(|(code, level)| (code.clone(), *level))
            .collect::<BTreeMap<String, Level>>(),
        limits: Default::default(),
    };
    (config, notes)
}

/// A name with its source after it: "Agency for Digital Identity (adi)".
fn with_source(name: &Text, source: &str) -> Text {
    match name {
        Text::Plain(text) => Text::Plain(format!("{text} ({source})")),
        Text::Localized(map) => Text::Localized(
            map.iter()
                .map(|(language, text)| (language.to_owned(), format!("{text} ({source})")))
                .collect(),
        ),
    }
}

/// Put one source's checked reports and findings in its namespace.
pub fn namespace_run(source: &str, run: &mut Run) {
    for analysis in &mut run.analyses {
        analysis.file = namespaced_file(source, &analysis.file);
        if let Some(report) = analysis.report.as_deref_mut() {
            namespace_report(source, report);
        }
    }
    for finding in run.findings.iter_mut().chain(run.waived.iter_mut()) {
        finding.file = namespaced_file(source, &finding.file);
    }
}

fn namespace_report(source: &str, report: &mut CheckedReport) {
    report.file = namespaced_file(source, &report.file);
    let incident = &mut report.incident;
    incident.id = namespaced(source, &incident.id);
    incident.organisation = namespaced(source, &incident.organisation);
    for service in &mut incident.services {
        *service = namespaced(source, service);
    }
    if let Some(impact) = &mut incident.impact {
        for window in &mut impact.services {
            window.service = namespaced(source, &window.service);
        }
    }
}

/// One source's report histories and publication times under namespaced ids.
pub fn namespace_history(
    source: &str,
    history: History,
    publications: HashMap<String, PublicationTimes>,
) -> (
    HashMap<String, Vec<Revision>>,
    HashMap<String, PublicationTimes>,
) {
    let revisions = history
        .into_revisions()
        .into_iter()
        .map(|(id, revisions)| (namespaced(source, &id), revisions))
        .collect();
    let publications = publications
        .into_iter()
        .map(|(id, times)| (namespaced(source, &id), times))
        .collect();
    (revisions, publications)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn national(yaml: &str) -> NationalFile {
        super::super::sources::parse(yaml.as_bytes()).unwrap()
    }

    fn config(yaml: &str) -> ConfigFile {
        let root = crate::load::load(yaml.as_bytes(), &crate::config::Limits::default())
            .root
            .unwrap();
        serde_json::from_value(root.to_json()).unwrap()
    }

    #[test]
    fn a_source_cannot_relax_the_national_floor_but_may_be_stricter() {
        let national = national(
            "site: {title: T, base_url: https://x.example/, languages: [en]}\nrules: {A010: deny, A015: warn}\npolicy: {deadlines: {preliminary_hours: 24, final_days: 30}}\nsources: [{name: a, git: ../a, revision: main}]\n",
        );
        let own = config(
            "site: {title: A, base_url: https://a.example/, languages: [en]}\norganisations: {}\nservices: {}\nrules: {A010: allow, A015: deny}\npolicy: {deadlines: {preliminary_hours: 72, final_days: 14}}\n",
        );
        let floored = with_floor(&own, &national);
        assert_eq!(floored.rules["A010"], Level::Deny);
        assert_eq!(floored.rules["A015"], Level::Deny);
        let deadlines = floored.policy.deadlines.unwrap();
        assert_eq!(deadlines.preliminary_hours, Some(24));
        assert_eq!(deadlines.final_days, Some(14));
        let raised = config(
            "site: {title: A, base_url: https://a.example/, languages: [en]}\norganisations: {}\nservices: {}\nlimits: {max_reports: 1000000}\n",
        );
        assert_eq!(
            with_floor(&raised, &national).limits.max_reports,
            None,
            "a source cannot raise the limits"
        );
    }

    #[test]
    fn what_the_sources_file_leaves_out_is_floored_at_the_defaults() {
        let national = national(
            "site: {title: T, base_url: https://x.example/, languages: [en]}\npolicy: {deadlines: {apply_from: 2020-01-01}}\nsources: [{name: a, git: ../a, revision: main}]\n",
        );
        let own = config(
            "site: {title: A, base_url: https://a.example/, languages: [en]}\norganisations: {}\nservices: {}\nrules: {A019: allow, A016: deny}\npolicy: {deadlines: {preliminary_hours: 100000, apply_from: 2099-01-01}, recurrence_days: 1, availability: {partial_weight: 0}}\n",
        );
        let floored = with_floor(&own, &national);
        assert_eq!(
            floored.rules["A019"],
            Level::Warn,
            "not below its built-in level"
        );
        assert_eq!(
            floored.rules["A016"],
            Level::Deny,
            "a stricter source stays stricter"
        );
        let deadlines = floored.policy.deadlines.unwrap();
        assert_eq!(deadlines.preliminary_hours, Some(24));
        assert_eq!(
            deadlines.apply_from,
            "2020-01-01".parse().ok(),
            "the earlier date exempts less"
        );
        assert_eq!(floored.policy.recurrence_days, Some(180));
        assert_eq!(
            floored.policy.availability.unwrap().partial_weight,
            Some(crate::config::DEFAULT_PARTIAL_WEIGHT)
        );
    }
}
