//! The site model's figures against hand-computed cases.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};

use super::*;
use crate::check::CheckedReport;
use crate::config::{Config, ConfigFile, Limits, Policy};
use crate::history::History;
use crate::load;
use crate::model::Incident;

/// A configuration with services `a`, `b` (depends on `a`), `c` (depends on `b`) and `d`
/// (depends on `a` and `b`), all of organisation `org`, with a target of 99.9 %.
fn config() -> Config {
    let yaml = "site: {title: T, base_url: https://x.example/, languages: [en]}\n\
        organisations: {org: {name: Org}}\n\
        services:\n\
        \x20 a: {name: A, organisation: org, availability_target: 99.9}\n\
        \x20 b: {name: B, organisation: org, availability_target: 99.9, depends_on: [a]}\n\
        \x20 c: {name: C, organisation: org, depends_on: [b]}\n\
        \x20 d: {name: D, organisation: org, depends_on: [a, b]}\n";
    let root = load::load(yaml.as_bytes(), &Limits::default())
        .root
        .unwrap();
    Config::from_file(serde_json::from_value::<ConfigFile>(root.to_json()).unwrap())
}

/// A published report on `services` from `start` to `end` (RFC 3339), with `users` affected.
fn report(
    id: &str,
    services: &str,
    start: &str,
    end: Option<&str>,
    outage: &str,
    users: u64,
) -> CheckedReport {
    let resolved = end
        .map(|e| format!("resolved_at: {e}\n"))
        .unwrap_or_default();
    let yaml = format!(
        "schema: 1\nid: {id}\ntitle: T\nlanguage: en\nstatus: final\norganisation: org\n\
         services: [{services}]\nseverity: minor\nstarted_at: {start}\ndetected_at: {start}\n\
         {resolved}summary: S\nimpact: {{users_affected: {{estimate: {users}}}, outage: {outage}}}\n"
    );
    let root = load::load(yaml.as_bytes(), &Limits::default())
        .root
        .unwrap();
    let incident: Incident = serde_json::from_value(root.to_json()).unwrap();
    let impact = crate::impact::assess(&incident, &Policy::default(), at("2026-12-01T00:00:00Z"));
    CheckedReport {
        file: format!("incidents/{id}.yaml"),
        incident,
        impact,
        facts: Default::default(),
        declared: None,
        set_aside: None,
    }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn local(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn model<'a>(
    config: &'a Config,
    reports: &'a [CheckedReport],
    today: &str,
    publications: HashMap<String, PublicationTimes>,
) -> Model<'a> {
    Model::new(Inputs {
        reader: None,
        config,
        reports: reports
            .iter()
            .map(|checked| ReportInput {
                checked,
                findings: Vec::new(),
                waived: Vec::new(),
                origin: None,
            })
            .collect(),
        history: History::default(),
        publications,
        today: at(today),
        source_commit: None,
        worktree: false,
        sources: &[],
    })
}

fn year<'m>(model: &'m Model<'_>, service: &str, year: i32) -> &'m ServiceYear {
    model
        .service(service)
        .unwrap()
        .years
        .iter()
        .find(|y| y.year == year)
        .unwrap()
}

const YEAR_2025_MINUTES: f64 = 365.0 * 1440.0;

#[test]
fn a_four_hour_outage_reported_twice_counts_four_hours() {
    let config = config();
    let outage = (
        "2025-03-02T09:00:00+01:00",
        Some("2025-03-02T13:00:00+01:00"),
    );
    let reports = [
        report("r-one", "a", outage.0, outage.1, "full", 0),
        report("r-two", "a", outage.0, outage.1, "full", 0),
    ];
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    let y = year(&model, "a", 2025);
    assert_eq!(y.availability.full_minutes, 240.0);
    assert_eq!(y.incidents, 2);
    let expected = 1.0 - 240.0 / YEAR_2025_MINUTES;
    assert!((y.availability.ratio - expected).abs() < 1e-12);
}

#[test]
fn per_service_windows_count_for_the_services_they_name() {
    let config = config();
    // A four-hour incident on `a` and `d`, degraded as a whole, during which `a` was
    // completely down for 20 minutes; `d` has no window of its own and counts the report's.
    let mut checked = report(
        "r-windows",
        "a, d",
        "2025-03-02T09:00:00+01:00",
        Some("2025-03-02T13:00:00+01:00"),
        "partial",
        0,
    );
    let window = crate::model::ServiceImpact {
        service: "a".into(),
        from: local("2025-03-02T09:30:00+01:00"),
        to: Some(local("2025-03-02T09:50:00+01:00")),
        outage: crate::model::Outage::Full,
    };
    checked
        .incident
        .impact
        .as_mut()
        .unwrap()
        .services
        .push(window);
    let reports = [checked];
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    let a = year(&model, "a", 2025);
    assert_eq!(a.availability.full_minutes, 20.0);
    assert_eq!(a.availability.partial_minutes, 0.0);
    let d = year(&model, "d", 2025);
    assert_eq!(d.availability.full_minutes, 0.0);
    assert_eq!(d.availability.partial_minutes, 240.0);
    // `b` depends on `a`: its users lived through `a`'s 20 minutes, not the whole report.
    assert_eq!(year(&model, "b", 2025).experienced.full_minutes, 20.0);
}

#[test]
fn overlapping_outages_are_merged_not_added() {
    let config = config();
    let reports = [
        report(
            "r-one",
            "a",
            "2025-03-02T09:00:00+01:00",
            Some("2025-03-02T13:00:00+01:00"),
            "full",
            0,
        ),
        report(
            "r-two",
            "a",
            "2025-03-02T11:00:00+01:00",
            Some("2025-03-02T15:00:00+01:00"),
            "full",
            0,
        ),
    ];
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    assert_eq!(year(&model, "a", 2025).availability.full_minutes, 360.0);
}

#[test]
fn partial_outages_count_at_their_weight_and_never_twice_with_a_full_one() {
    let config = config();
    let reports = [
        report(
            "r-full",
            "a",
            "2025-05-01T10:00:00Z",
            Some("2025-05-01T12:00:00Z"),
            "full",
            0,
        ),
        report(
            "r-partial",
            "a",
            "2025-05-01T11:00:00Z",
            Some("2025-05-01T14:00:00Z"),
            "partial",
            0,
        ),
    ];
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    let y = year(&model, "a", 2025);
    assert_eq!(y.availability.full_minutes, 120.0);
    // 11:00 to 12:00 is already fully out; only 12:00 to 14:00 is degraded.
    assert_eq!(y.availability.partial_minutes, 120.0);
    let expected = 1.0 - (120.0 + 0.3 * 120.0) / YEAR_2025_MINUTES;
    assert!((y.availability.ratio - expected).abs() < 1e-12);
}

#[test]
fn a_partial_outage_of_three_and_a_half_days_misses_the_target() {
    let config = config();
    let reports = [report(
        "r-restore",
        "a",
        "2025-09-14T00:00:00Z",
        Some("2025-09-17T12:00:00Z"),
        "partial",
        0,
    )];
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    let y = year(&model, "a", 2025);
    // 3.5 days × 0.3 = 1,512 weighted minutes of 525,600: 99.712 %, below 99.9 %.
    assert!((y.availability.percent() - (100.0 - 100.0 * 1512.0 / YEAR_2025_MINUTES)).abs() < 1e-9);
    assert_eq!(y.target_met, Some(false));
}

#[test]
fn a_dependency_counts_against_the_experienced_figure_once() {
    let config = config();
    let reports = [
        report(
            "r-a",
            "a",
            "2025-05-01T10:00:00Z",
            Some("2025-05-01T11:00:00Z"),
            "full",
            0,
        ),
        // b's own outage overlaps a's by 30 minutes.
        report(
            "r-b",
            "b",
            "2025-05-01T10:30:00Z",
            Some("2025-05-01T11:30:00Z"),
            "full",
            0,
        ),
    ];
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    let b = year(&model, "b", 2025);
    assert_eq!(b.availability.full_minutes, 60.0);
    assert_eq!(b.experienced.full_minutes, 90.0);
    // c depends on b, which depends on a: both count, each once.
    let c = year(&model, "c", 2025);
    assert_eq!(c.availability.full_minutes, 0.0);
    assert_eq!(c.experienced.full_minutes, 90.0);
    // d depends on a directly and through b: a still counts once.
    assert_eq!(year(&model, "d", 2025).experienced.full_minutes, 90.0);
    assert_eq!(
        model.service("c").unwrap().depends_on_all,
        ["a".to_owned(), "b".to_owned()]
    );
    // a itself is not affected by those that depend on it.
    assert_eq!(year(&model, "a", 2025).experienced.full_minutes, 60.0);
}

#[test]
fn an_outage_over_new_year_is_split_at_local_midnight() {
    let config = config();
    let reports = [report(
        "r-newyear",
        "a",
        "2025-12-31T23:30:00+01:00",
        Some("2026-01-01T01:00:00+01:00"),
        "full",
        1000,
    )];
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    assert_eq!(year(&model, "a", 2025).availability.full_minutes, 30.0);
    assert_eq!(year(&model, "a", 2026).availability.full_minutes, 60.0);
    // 1,000 users × 1.5 hours, split 1:2 between the years.
    assert!((year(&model, "a", 2025).user_hours_lost - 500.0).abs() < 1e-9);
    assert!((year(&model, "a", 2026).user_hours_lost - 1000.0).abs() < 1e-9);
    // The incident counts in the year it started, in the site's time zone.
    assert_eq!(year(&model, "a", 2025).incidents, 1);
    assert_eq!(year(&model, "a", 2026).incidents, 0);
}

#[test]
fn the_current_year_counts_to_date() {
    let config = config();
    let reports = [
        report(
            "r-short",
            "a",
            "2026-02-01T00:00:00Z",
            Some("2026-02-01T01:00:00Z"),
            "full",
            0,
        ),
        report(
            "r-long",
            "b",
            "2026-01-01T00:00:00Z",
            Some("2026-03-01T00:00:00Z"),
            "full",
            0,
        ),
    ];
    // Now is 1 March 00:00 UTC; 2026 began on 31 December 23:00 UTC in Copenhagen.
    let model = model(&config, &reports, "2026-03-01T00:00:00Z", HashMap::new());
    let a = year(&model, "a", 2026);
    assert!(a.to_date);
    let elapsed = 59.0 * 1440.0 + 60.0;
    assert_eq!(a.elapsed_minutes, elapsed);
    assert!((a.availability.ratio - (1.0 - 60.0 / elapsed)).abs() < 1e-12);
    // b was down for all of 2026 so far but the first hour (00:00 to 01:00 local time).
    let b = year(&model, "b", 2026);
    assert!((b.availability.ratio - 60.0 / elapsed).abs() < 1e-12);
    assert!(b.experienced.ratio >= 0.0);
    assert_eq!(
        model.service("a").unwrap().years.len(),
        1,
        "no year before the first outage"
    );
}

#[test]
fn an_ongoing_outage_counts_until_now() {
    let config = config();
    let reports = [report(
        "r-ongoing",
        "a",
        "2026-02-28T00:00:00Z",
        None,
        "full",
        100,
    )];
    let model = model(&config, &reports, "2026-03-01T00:00:00Z", HashMap::new());
    let y = year(&model, "a", 2026);
    assert_eq!(y.availability.full_minutes, 1440.0);
    assert!((y.user_hours_lost - 2400.0).abs() < 1e-9);
    assert_eq!(model.totals.ongoing, 1);
}

#[test]
fn user_hours_lost_weight_partial_outages() {
    let config = config();
    let reports = [
        report(
            "r-full",
            "a",
            "2025-05-01T10:00:00Z",
            Some("2025-05-01T12:00:00Z"),
            "full",
            1000,
        ),
        report(
            "r-partial",
            "b",
            "2025-05-02T10:00:00Z",
            Some("2025-05-02T12:00:00Z"),
            "partial",
            1000,
        ),
    ];
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    assert!((year(&model, "a", 2025).user_hours_lost - 2000.0).abs() < 1e-9);
    assert!((year(&model, "b", 2025).user_hours_lost - 600.0).abs() < 1e-9);
    let org = model.organisation("org").unwrap();
    let org_2025 = org.years.iter().find(|y| y.year == 2025).unwrap();
    assert!((org_2025.user_hours_lost - 2600.0).abs() < 1e-9);
}

#[test]
fn publication_lateness_and_days_to_final_per_organisation() {
    let config = config();
    let reports = [
        report(
            "r-on-time",
            "a",
            "2025-03-02T09:00:00+01:00",
            Some("2025-03-02T13:00:00+01:00"),
            "full",
            0,
        ),
        report(
            "r-late",
            "a",
            "2025-06-02T09:00:00+02:00",
            Some("2025-06-02T13:00:00+02:00"),
            "full",
            0,
        ),
    ];
    let publications = HashMap::from([
        (
            "r-on-time".to_owned(),
            PublicationTimes {
                first_published: Some(local("2025-03-02T15:00:00+01:00")),
                first_final: Some(local("2025-03-22T13:00:00+01:00")),
            },
        ),
        (
            "r-late".to_owned(),
            PublicationTimes {
                first_published: Some(local("2025-06-04T09:00:00+02:00")),
                first_final: Some(local("2025-08-01T13:00:00+02:00")),
            },
        ),
    ]);
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", publications);
    let late = model.report("r-late").unwrap();
    assert!(late.timeliness.preliminary.unwrap().is_late());
    assert!(late.timeliness.final_report.unwrap().is_late());
    let on_time = model.report("r-on-time").unwrap();
    assert!(!on_time.timeliness.final_report.unwrap().is_late());
    let org = model.organisation("org").unwrap();
    let y = org.years.iter().find(|y| y.year == 2025).unwrap();
    assert_eq!(
        (y.preliminary_late, y.final_late, y.reports_late),
        (1, 1, 1)
    );
    // 20 and 60 days from resolution to the final report.
    assert_eq!(y.days_to_final.median, Some(40.0));
    assert_eq!(y.days_to_final.worst, Some(60.0));
    assert_eq!(org.days_to_final.count, 2);
}

#[test]
fn statements_record_how_long_the_public_was_misinformed() {
    let yaml = "schema: 1\nid: r-told\ntitle: T\nlanguage: en\nstatus: final\norganisation: org\n\
        services: [a]\nseverity: critical\nstarted_at: 2026-03-02T09:30:00+01:00\n\
        detected_at: 2026-03-02T09:34:00+01:00\nresolved_at: 2026-03-02T13:55:00+01:00\nsummary: S\n\
        impact: {users_affected: {estimate: 2100000}, outage: full}\ntimeline:\n\
        \x20 - {at: 2026-03-02T10:05:00+01:00, kind: public-statement, channel: Web, severity_claimed: minor, text: Minor}\n\
        \x20 - {at: 2026-03-02T10:30:00+01:00, kind: public-statement, channel: Web, text: Still minor}\n\
        \x20 - {at: 2026-03-02T11:40:00+01:00, kind: public-statement, channel: Press, severity_claimed: critical, text: Down}\n";
    let root = load::load(yaml.as_bytes(), &Limits::default())
        .root
        .unwrap();
    let incident: Incident = serde_json::from_value(root.to_json()).unwrap();
    let impact = crate::impact::assess(&incident, &Policy::default(), at("2026-12-01T00:00:00Z"));
    let reports = [CheckedReport {
        file: "incidents/r-told.yaml".into(),
        incident,
        impact,
        facts: Default::default(),
        declared: None,
        set_aside: None,
    }];
    let config = config();
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    let told = &model.report("r-told").unwrap().statements;
    assert_eq!(told.count, 3);
    assert_eq!(told.understated, 1);
    assert_eq!(told.worst_claimed, Some(crate::model::Severity::Minor));
    // From 10:05 until the statement that told the truth at 11:40.
    assert_eq!(told.misinformed_minutes, 95.0);
    assert_eq!(told.first_statement_minutes, Some(31.0));
}

#[test]
fn outage_days_split_at_local_midnight_and_never_count_partial_time_twice() {
    let config = config();
    let reports = [
        // Full from 22:00 on 30 March to 02:00 on 31 March: two hours on each day.
        report(
            "r-full",
            "a",
            "2025-03-30T22:00:00+02:00",
            Some("2025-03-31T02:00:00+02:00"),
            "full",
            0,
        ),
        // Partial from 21:00 to 23:00 on 30 March: one hour of it is already fully out.
        report(
            "r-partial",
            "a",
            "2025-03-30T21:00:00+02:00",
            Some("2025-03-30T23:00:00+02:00"),
            "partial",
            0,
        ),
        // Ends exactly at midnight: touches one day only.
        report(
            "r-midnight",
            "a",
            "2025-06-01T23:00:00+02:00",
            Some("2025-06-02T00:00:00+02:00"),
            "partial",
            0,
        ),
    ];
    let model = model(&config, &reports, "2026-06-01T00:00:00Z", HashMap::new());
    let days: Vec<(String, f64, f64)> = year(&model, "a", 2025)
        .outage_days
        .iter()
        .map(|d| (d.date.to_string(), d.full_minutes, d.partial_minutes))
        .collect();
    assert_eq!(
        days,
        [
            ("2025-03-30".to_owned(), 120.0, 60.0),
            ("2025-03-31".to_owned(), 120.0, 0.0),
            ("2025-06-01".to_owned(), 0.0, 60.0),
        ]
    );
    // The service that depends on it has no outage days of its own.
    assert!(year(&model, "b", 2025).outage_days.is_empty());
}

#[test]
fn a_day_with_a_clock_change_is_23_hours_long() {
    let copenhagen: chrono_tz::Tz = "Europe/Copenhagen".parse().unwrap();
    let spring = chrono::NaiveDate::from_ymd_opt(2025, 3, 30).unwrap();
    let autumn = chrono::NaiveDate::from_ymd_opt(2025, 10, 26).unwrap();
    assert_eq!(
        intervals::day_window(spring, copenhagen).unwrap().minutes(),
        23.0 * 60.0
    );
    assert_eq!(
        intervals::day_window(autumn, copenhagen).unwrap().minutes(),
        25.0 * 60.0
    );
}

/// Key facts of a published version: severity, users affected, cause category and actions as
/// (id, due date, status).
fn facts(
    severity: Severity,
    users: u64,
    category: crate::model::CauseCategory,
    actions: &[(&str, &str, ActionStatus)],
) -> crate::history::KeyFacts {
    crate::history::KeyFacts {
        status: Some(crate::model::Status::Final),
        severity: Some(severity),
        cause_category: Some(category),
        users_affected: Some(users),
        actions: actions
            .iter()
            .map(|(id, due, status)| {
                (
                    (*id).to_owned(),
                    crate::history::ActionFacts {
                        due: due.parse().ok(),
                        status: Some(*status),
                    },
                )
            })
            .collect(),
        ..Default::default()
    }
}

#[test]
fn a_promise_moved_later_twice_counts_two_postponements_and_keeps_its_original_date() {
    use crate::model::CauseCategory::SystemFailure;
    let v1 = facts(
        Severity::Critical,
        1000,
        SystemFailure,
        &[("A1", "2026-03-31", ActionStatus::Planned)],
    );
    let v2 = facts(
        Severity::Critical,
        1000,
        SystemFailure,
        &[("A1", "2026-06-30", ActionStatus::InProgress)],
    );
    // Moved earlier: not a postponement.
    let v3 = facts(
        Severity::Critical,
        1000,
        SystemFailure,
        &[("A1", "2026-05-31", ActionStatus::InProgress)],
    );
    let v4 = facts(
        Severity::Critical,
        1000,
        SystemFailure,
        &[("A1", "2026-09-30", ActionStatus::InProgress)],
    );
    let histories = promises::promise_histories(&[&v1, &v2, &v3, &v4]);
    assert_eq!(
        histories["A1"],
        PromiseHistory {
            original_due: "2026-03-31".parse().ok(),
            postponements: 2,
        }
    );
    // A repeated version (the last revision is the current file) adds nothing.
    assert_eq!(
        promises::promise_histories(&[&v1, &v2, &v2])["A1"].postponements,
        1
    );
}

#[test]
fn key_facts_changed_after_publication_are_listed_in_a_fixed_order() {
    use crate::model::CauseCategory::{HumanError, SystemFailure};
    let first = facts(
        Severity::Critical,
        2_000_000,
        SystemFailure,
        &[
            ("A1", "2026-03-31", ActionStatus::Planned),
            ("A2", "2026-04-30", ActionStatus::Planned),
            ("A3", "2026-05-31", ActionStatus::Planned),
            ("A4", "2026-06-30", ActionStatus::Planned),
        ],
    );
    let now = facts(
        Severity::Major,
        150_000,
        HumanError,
        &[
            ("A1", "2026-09-30", ActionStatus::InProgress),
            ("A2", "2026-04-30", ActionStatus::Dropped),
            ("A3", "2026-05-31", ActionStatus::Done),
        ],
    );
    let histories = promises::promise_histories(&[&first, &now]);
    assert_eq!(
        promises::later_changes(&first, &now, &histories),
        [
            LaterChange::SeverityLowered {
                from: Severity::Critical,
                to: Severity::Major
            },
            LaterChange::UsersRevisedDown {
                from: 2_000_000,
                to: 150_000
            },
            LaterChange::CauseCategoryChanged {
                from: SystemFailure,
                to: HumanError
            },
            LaterChange::ActionRedated {
                id: "A1".into(),
                from: "2026-03-31".parse().ok(),
                to: "2026-09-30".parse().ok(),
            },
            LaterChange::ActionDropped { id: "A2".into() },
            LaterChange::ActionRemoved { id: "A4".into() },
        ]
    );
    // A severity raised or more people counted is no warning.
    let raised = facts(Severity::Critical, 3_000_000, SystemFailure, &[]);
    let lower = facts(Severity::Major, 1_000_000, SystemFailure, &[]);
    assert!(promises::later_changes(&lower, &raised, &HashMap::new()).is_empty());
}

#[test]
fn a_promise_is_kept_by_its_original_date_only_if_done_by_then() {
    let due = "2026-03-31".parse().ok();
    let day = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
    let kept = |status, done: Option<&str>, today: &str| {
        promises::kept_by_original_due(status, done.map(day), due, day(today))
    };
    assert_eq!(
        kept(ActionStatus::Done, Some("2026-03-31"), "2026-12-01"),
        Some(true)
    );
    assert_eq!(
        kept(ActionStatus::Done, Some("2026-04-01"), "2026-12-01"),
        Some(false)
    );
    assert_eq!(kept(ActionStatus::Dropped, None, "2026-01-01"), Some(false));
    assert_eq!(
        kept(ActionStatus::InProgress, None, "2026-04-01"),
        Some(false)
    );
    assert_eq!(kept(ActionStatus::InProgress, None, "2026-03-31"), None);
}

#[test]
fn the_model_follows_a_promise_through_the_published_revisions() {
    use crate::history::{History, Revision};
    use crate::model::CauseCategory::SystemFailure;
    let config = config();
    let mut checked = report(
        "r-promise",
        "a",
        "2025-03-02T09:00:00+01:00",
        Some("2025-03-02T13:00:00+01:00"),
        "full",
        1000,
    );
    checked.incident.actions = serde_json::from_str(
        r#"[{"id": "A1", "type": "prevent", "action": "Monitor.", "owner": "Ops", "due": "2025-12-31", "status": "in-progress"}]"#,
    )
    .unwrap();
    checked.incident.severity = Severity::Minor;
    let revision = |commit: &str, time: &str, facts: crate::history::KeyFacts| Revision {
        commit: commit.repeat(40 / commit.len()),
        short: commit.repeat(7 / commit.len()),
        time: local(time),
        summary: String::new(),
        declared: facts.status,
        facts: Some(facts),
    };
    let history = History::from_revisions(HashMap::from([(
        "r-promise".to_owned(),
        vec![
            revision(
                "a",
                "2025-03-03T10:00:00+01:00",
                facts(
                    Severity::Major,
                    1000,
                    SystemFailure,
                    &[("A1", "2025-06-30", ActionStatus::Planned)],
                ),
            ),
            revision(
                "b",
                "2025-07-01T10:00:00+02:00",
                facts(
                    Severity::Major,
                    1000,
                    SystemFailure,
                    &[("A1", "2025-09-30", ActionStatus::InProgress)],
                ),
            ),
            revision(
                "c",
                "2025-10-01T10:00:00+02:00",
                facts(
                    Severity::Minor,
                    1000,
                    SystemFailure,
                    &[("A1", "2025-12-31", ActionStatus::InProgress)],
                ),
            ),
        ],
    )]));
    let reports = [checked];
    let model = Model::new(Inputs {
        reader: None,
        config: &config,
        reports: reports
            .iter()
            .map(|checked| ReportInput {
                checked,
                findings: Vec::new(),
                waived: Vec::new(),
                origin: None,
            })
            .collect(),
        history,
        publications: HashMap::new(),
        today: at("2026-06-01T00:00:00Z"),
        source_commit: None,
        worktree: false,
        sources: &[],
    });
    let r = model.report("r-promise").unwrap();
    let action = &r.actions[0];
    assert_eq!(action.promise.original_due, "2025-06-30".parse().ok());
    assert_eq!(action.promise.postponements, 2);
    assert_eq!(action.days_overdue, Some(152));
    assert_eq!(action.kept_by_original_due, Some(false));
    assert!(r.later_changes.contains(&LaterChange::SeverityLowered {
        from: Severity::Major,
        to: Severity::Minor
    }));
    let org = model.organisation("org").unwrap();
    assert_eq!(
        (
            org.actions_postponed,
            org.actions_decided_by_original_due,
            org.actions_kept_by_original_due
        ),
        (1, 1, 0)
    );
    assert_eq!(org.kept_by_original_due_share(), Some(0.0));
}

/// A final report on service `a` in 2026 with the given `actions:` list (YAML flow items).
fn report_with_actions(id: &str, actions: &[&str]) -> CheckedReport {
    let mut checked = report(
        id,
        "a",
        "2026-03-02T09:00:00+01:00",
        Some("2026-03-02T13:00:00+01:00"),
        "full",
        1000,
    );
    let yaml = format!("[{}]", actions.join(", "));
    let root = load::load(yaml.as_bytes(), &Limits::default())
        .root
        .unwrap();
    checked.incident.actions = serde_json::from_value(root.to_json()).unwrap();
    checked
}

#[test]
fn a_promise_whose_date_has_not_come_is_not_yet_due() {
    let config = config();
    let reports = [report_with_actions(
        "r",
        &[
            "{id: A1, type: prevent, action: X, owner: O, due: 2026-06-30, status: done, done_on: 2026-06-01}",
            "{id: A2, type: prevent, action: X, owner: O, due: 2026-09-30, status: planned}",
            "{id: A3, type: prevent, action: X, owner: O, due: 2026-10-31, status: dropped}",
            "{id: A4, type: prevent, action: X, owner: O, due: 2026-12-15, status: planned}",
            "{id: A5, type: prevent, action: X, owner: O, due: 2026-12-20, status: done, done_on: 2026-11-20}",
        ],
    )];
    let now = model(&config, &reports, "2026-12-01T00:00:00Z", HashMap::new());
    let org = now.organisation("org").unwrap();
    let y = org.years.iter().find(|y| y.year == 2026).unwrap();
    // A4 is open and due on 15 December: neither kept nor broken on 1 December. A5 is due
    // later too, but done already: kept.
    assert_eq!(
        (
            y.actions_due,
            y.actions_kept_on_time,
            y.actions_overdue,
            y.actions_dropped
        ),
        (4, 2, 1, 1)
    );
    // Later in December A4 is overdue too.
    let later = model(&config, &reports, "2026-12-16T00:00:00Z", HashMap::new());
    let later_org = later.organisation("org").unwrap();
    let y = later_org.years.iter().find(|y| y.year == 2026).unwrap();
    assert_eq!((y.actions_due, y.actions_overdue), (5, 2));
}

#[test]
fn an_action_record_stays_small() {
    // One for every action of every published report, held through the render: at 100,000
    // reports over a million of them.
    assert_eq!(std::mem::size_of::<ActionRecord>(), 24);
}

#[test]
fn a_kept_action_and_report_stay_small() {
    // A build keeps every action of every report, and every checked report, through the
    // render. The rarely given `reason` is boxed and the identifier and the link keep no spare
    // room; a checked report's key facts, which move into the history, are boxed.
    assert_eq!(std::mem::size_of::<crate::model::Action>(), 104);
    assert!(std::mem::size_of::<crate::check::CheckedReport>() <= 960);
}
