//! Making one site's data of many sources: each source's settings under the national floor,
//! and its keys, ids and files put in its namespace (`<source>--<key>`), so that two
//! agencies' `portal` never collide and a report is always traced to its repository.

use std::collections::{BTreeMap, HashMap};

use crate::check::{CheckedReport, Run};
use crate::config::{ConfigFile, DeadlinesFile, PolicyFile, SeverityPolicyFile, Thresholds};
use crate::diag::Level;
use crate::history::{History, Revision};
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

/// A source's candor.yaml with the national floor applied: rule levels raised to the
/// national ones, deadlines no longer than the national ones, severity thresholds no higher.
/// Its input limits are the built-in ones: a source cannot raise what protects the
/// national build from oversized files.
pub fn with_floor(own: &ConfigFile, national: &NationalFile) -> ConfigFile {
    let mut config = own.clone();
    config.limits = Default::default();
    for (code, floor) in &national.rules {
        let level = config.rules.entry(code.clone()).or_insert(*floor);
        if *level < *floor {
            *level = *floor;
        }
    }
    config.policy = policy_floor(&own.policy, &national.policy);
    config
}

fn policy_floor(own: &PolicyFile, floor: &PolicyFile) -> PolicyFile {
    let lower = |a: Option<u32>, b: Option<u32>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let own_deadlines = own.deadlines.clone().unwrap_or_default();
    let floor_deadlines = floor.deadlines.clone().unwrap_or_default();
    let deadlines = DeadlinesFile {
        preliminary_hours: lower(
            own_deadlines.preliminary_hours,
            floor_deadlines.preliminary_hours,
        ),
        final_days: lower(own_deadlines.final_days, floor_deadlines.final_days),
        first_statement_minutes: lower(
            own_deadlines.first_statement_minutes,
            floor_deadlines.first_statement_minutes,
        ),
        // An agency's adoption date cannot exempt what the nation holds it to; the later of
        // the two exempts less.
        apply_from: match (own_deadlines.apply_from, floor_deadlines.apply_from) {
            (Some(a), Some(b)) => Some(a.max(b)),
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
    PolicyFile {
        severity: Some(SeverityPolicyFile {
            critical: thresholds(
                own_severity.critical,
                floor_severity.critical,
                crate::config::DEFAULT_CRITICAL,
            ),
            major: thresholds(
                own_severity.major,
                floor_severity.major,
                crate::config::DEFAULT_MAJOR,
            ),
        }),
        deadlines: Some(deadlines),
        recurrence_days: match (own.recurrence_days, floor.recurrence_days) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        },
        availability: own
            .availability
            .clone()
            .or_else(|| floor.availability.clone()),
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
    for (entry, config) in sources {
        for (key, organisation) in &config.organisations {
            organisations.insert(namespaced(&entry.name, key), organisation.clone());
        }
        for (key, service) in &config.services {
            let mut service = service.clone();
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
}
