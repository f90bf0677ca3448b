//! The bundled example repository is realistic and passes its own check.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{candor, project_root};

#[test]
fn bundled_examples_pass_the_check() {
    let output = candor()
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-12-01",
            "--repo",
        ])
        .arg(project_root())
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{findings:#?}");
    assert!(findings.iter().all(|f| f["level"] == "warn"));
}

#[test]
fn bundled_examples_cover_the_required_situations() {
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let mut ongoing = 0;
    let folder = project_root().join("incidents");
    let mut reports = Vec::new();
    for year in std::fs::read_dir(&folder).unwrap() {
        for entry in std::fs::read_dir(year.unwrap().path()).unwrap() {
            reports.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
    }
    assert!(reports.len() >= 6);
    for text in &reports {
        let status = text
            .lines()
            .find_map(|l| l.strip_prefix("status: "))
            .unwrap();
        *statuses.entry(status.to_owned()).or_default() += 1;
        if !text.contains("\nresolved_at:") {
            ongoing += 1;
        }
        for line in text.lines().filter(|l| l.starts_with("started_at: ")) {
            assert!(
                line["started_at: ".len()..] < *"2026-12-01",
                "dated on or before 2026-11-30: {line}"
            );
        }
    }
    assert!(
        statuses["final"] >= 3 && statuses["preliminary"] >= 2 && statuses["draft"] >= 1,
        "{statuses:?}"
    );
    assert!(ongoing >= 1);
    let eid = reports
        .iter()
        .find(|r| r.contains("id: 2026-03-02-national-eid-login-outage"))
        .unwrap();
    assert!(eid.contains("severity: critical") && eid.contains("status: final"));
    assert!(eid.contains("Minor operational disturbances"));
}
