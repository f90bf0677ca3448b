//! One fixture per rule, failing and passing side by side (`tests/fixtures/rules/<code>-<name>/`).
//!
//! `fail/` must produce exactly the findings of that rule listed in `expected.txt` (file, line,
//! column and pointer); `pass/` must produce no finding at all. A case that needs history
//! (A019, A020) has a `history/` folder with one folder per commit, named by its time
//! (`2026-03-04T1000+0100`), holding the reports as they were committed then; the case's
//! own files are the working tree after those commits.

use std::collections::BTreeSet;
use std::path::Path;

use candor::diag::RULES;

use crate::support::{GitRepo, check_json, copy_tree, fixture, fixture_config};

fn run_case(case: &Path) -> (i32, Vec<serde_json::Value>) {
    let config = match std::fs::read_to_string(case.join("candor.yaml")) {
        Ok(own) => own,
        Err(_) => fixture_config(),
    };
    let repo = GitRepo::new(&config);
    let history = case.join("history");
    if history.is_dir() {
        let mut commits: Vec<(chrono::DateTime<chrono::FixedOffset>, std::path::PathBuf)> =
            std::fs::read_dir(&history)
                .unwrap()
                .map(|entry| {
                    let path = entry.unwrap().path();
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    let time = chrono::DateTime::parse_from_str(&name, "%Y-%m-%dT%H%M%z")
                        .unwrap_or_else(|e| panic!("history folder {name}: {e}"));
                    (time, path)
                })
                .collect();
        commits.sort();
        for (time, folder) in commits {
            copy_tree(&folder, &repo.path().join("incidents"));
            repo.commit(&format!("Reports as of {time}"), time.timestamp());
        }
    }
    let incidents = repo.path().join("incidents");
    std::fs::create_dir_all(&incidents).unwrap();
    for entry in std::fs::read_dir(case).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && name != "history" {
            copy_tree(&path, &incidents.join(&name));
        } else if path.is_file() && name != "candor.yaml" {
            std::fs::copy(&path, incidents.join(&name)).unwrap();
        }
    }
    check_json(repo.path(), &[])
}

fn expected(folder: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(folder.join("expected.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim_end().to_owned())
        .collect()
}

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    for rule in RULES {
        let folder = fixture(&format!("rules/{}-{}", rule.code_str, rule.name));
        assert!(
            folder.join("fail").is_dir(),
            "{} has no fail fixture",
            rule.code_str
        );
        assert!(
            folder.join("pass").is_dir(),
            "{} has no pass fixture",
            rule.code_str
        );

        let (exit, findings) = run_case(&folder.join("fail"));
        let found: BTreeSet<String> = findings
            .iter()
            .filter(|f| f["code"] == rule.code_str)
            .map(|f| {
                let file = f["file"]
                    .as_str()
                    .unwrap()
                    .strip_prefix("incidents/")
                    .unwrap();
                let line = f["line"]
                    .as_u64()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                let column = f["column"]
                    .as_u64()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                format!("{file}:{line}:{column} {}", f["path"].as_str().unwrap())
                    .trim_end()
                    .to_owned()
            })
            .collect();
        let wanted = expected(&folder);
        assert!(!wanted.is_empty(), "{} expects no finding", rule.code_str);
        assert_eq!(found, wanted, "{} fail fixture", rule.code_str);
        for finding in findings.iter().filter(|f| f["code"] == rule.code_str) {
            assert_eq!(finding["name"], rule.name);
            assert!(!finding["message"].as_str().unwrap().is_empty());
            assert!(!finding["help"].as_str().unwrap().is_empty());
        }
        let expected_exit = if findings.iter().any(|f| f["level"] == "deny") {
            1
        } else {
            0
        };
        assert_eq!(exit, expected_exit, "{} exit code", rule.code_str);

        let (exit, findings) = run_case(&folder.join("pass"));
        assert!(
            findings.is_empty(),
            "{} pass fixture has findings: {findings:#?}",
            rule.code_str
        );
        assert_eq!(exit, 0, "{} pass fixture exit code", rule.code_str);
    }
}

#[test]
fn rule_levels_can_be_overridden_but_structure_rules_cannot_be_relaxed() {
    let case = fixture("rules/A005-action-overdue/fail");
    let repo = tempfile::tempdir().unwrap();
    copy_tree(&case, &repo.path().join("incidents"));
    let config = format!(
        "{}rules: {{A005: deny, A016: allow, S002: warn, X123: warn}}\n",
        fixture_config()
    );
    std::fs::write(repo.path().join("candor.yaml"), config).unwrap();
    let (exit, findings) = check_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    let a005 = findings.iter().find(|f| f["code"] == "A005").unwrap();
    assert_eq!(a005["level"], "deny");
    let config_findings: Vec<&str> = findings
        .iter()
        .filter(|f| f["file"] == "candor.yaml")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(config_findings.len(), 2, "{config_findings:?}");
    assert!(
        config_findings
            .iter()
            .any(|m| m.contains("`S002` is a structure rule"))
    );
    assert!(
        config_findings
            .iter()
            .any(|m| m.contains("`X123` is not a rule code"))
    );
}

#[test]
fn a_valid_waiver_hides_the_finding() {
    let (exit, findings) = run_case(&fixture("rules/W001-waiver-without-reason/pass"));
    assert_eq!(exit, 0);
    assert!(findings.is_empty(), "{findings:#?}");
    let (_, findings) = run_case(&fixture("rules/W003-expired-waiver/fail"));
    assert!(
        findings.iter().any(|f| f["code"] == "A005"),
        "an expired waiver brings the finding back"
    );
}

#[test]
fn a_final_report_without_a_cause_and_placeholders_cannot_be_waived_or_relaxed() {
    for (code, fixture_file) in [
        ("A021", "rules/A021-final-cause-unknown/fail/a021-fail.yaml"),
        ("A022", "rules/A022-placeholder-text/fail/a022-fail.yaml"),
    ] {
        let text = std::fs::read_to_string(fixture(fixture_file)).unwrap();
        let waived = format!("{text}waivers:\n  - {{rule: {code}, reason: \"We accept it.\"}}\n");
        let config = format!("{}rules: {{{code}: allow}}\n", fixture_config());
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir(repo.path().join("incidents")).unwrap();
        let name = std::path::Path::new(fixture_file).file_name().unwrap();
        std::fs::write(repo.path().join("incidents").join(name), waived).unwrap();
        std::fs::write(repo.path().join("candor.yaml"), config).unwrap();
        let (exit, findings) = check_json(repo.path(), &[]);
        assert_eq!(exit, 1, "{code}");
        assert!(
            findings
                .iter()
                .any(|f| f["code"] == code && f["level"] == "deny"),
            "{code} must stay a deny finding: {findings:#?}"
        );
        let refused = |c: &str, text: &str| {
            findings
                .iter()
                .any(|f| f["code"] == c && f["message"].as_str().unwrap().contains(text))
        };
        assert!(refused("W002", "cannot be waived"), "{code}: {findings:#?}");
        assert!(refused("S002", "always denies"), "{code}: {findings:#?}");
    }
}
