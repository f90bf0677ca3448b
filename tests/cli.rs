//! The command line: exit codes, output formats, and the registry commands.

use serde_json::Value;

use crate::support::{candor, check_json, codes, fixture_config, repository};

/// A report with one error on almost every line, each on a known line.
const MANY_ERRORS: &str = "schema: 1
id: many-errors
title: {da: Fejl, en: Errors}
language: danish
status: finall
organisation: agency
services: login
severty: critical
started_at: 2026-11-23 09:30
detected_at: yesterday
summary: 12
impact:
  users_affected: {estimate: many}
  outage: total
timeline:
  - at: 2026-11-23T10:05:00+01:00
    kind: public-statement
    text: Mindre driftsforstyrrelser
actions:
  - id: A1
    type: prevent
    action: Fix
    status: planned
    evidnce: https://example.org
";

#[test]
fn a_file_with_many_errors_reports_all_of_them_with_lines() {
    let repo = repository(
        &fixture_config(),
        &[("many-errors.yaml", MANY_ERRORS.as_bytes())],
    );
    let (exit, findings) = check_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    let located: Vec<(u64, &str)> = findings
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    // `severty` is one mistake: the unknown key says "did you mean `severity`?", and the
    // missing `severity` it explains is not reported again.
    let expected: Vec<(u64, &str)> = vec![
        (4, "/language"),
        (5, "/status"),
        (7, "/services"),
        (8, "/severty"),
        (9, "/started_at"),
        (10, "/detected_at"),
        (11, "/summary"),
        (13, "/impact/users_affected/estimate"),
        (14, "/impact/outage"),
        (16, "/timeline/0/channel"),
        (24, "/actions/0/evidnce"),
    ];
    assert_eq!(located, expected, "{findings:#?}");
    assert!(codes(&findings).iter().all(|c| c == "S002"));
    let typo = findings.iter().find(|f| f["path"] == "/severty").unwrap();
    assert_eq!(
        typo["message"],
        "`severty` is not a field; did you mean `severity`?"
    );
    assert_eq!(typo["column"], 1);
    let outage = findings
        .iter()
        .find(|f| f["path"] == "/impact/outage")
        .unwrap();
    assert_eq!(outage["column"], 11);
    assert!(
        outage["help"]
            .as_str()
            .unwrap()
            .contains("`full`, `partial`")
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let repo = repository(
        &fixture_config(),
        &[("many-errors.yaml", MANY_ERRORS.as_bytes())],
    );
    let output = candor()
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-12-01",
            "--repo",
        ])
        .arg(repo.path())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let findings: Vec<serde_json::Map<String, Value>> = serde_json::from_str(&text).unwrap();
    for finding in &findings {
        let keys: Vec<&str> = finding.keys().map(String::as_str).collect();
        let mut expected = vec![
            "code", "name", "level", "file", "line", "column", "path", "message", "help",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert!(finding["level"] == "deny" || finding["level"] == "warn");
        assert_eq!(finding["file"], "incidents/many-errors.yaml");
        assert!(finding["line"].as_u64().unwrap() >= 1);
        assert!(finding["column"].as_u64().unwrap() >= 1);
        assert!(finding["path"].as_str().unwrap().starts_with('/'));
    }
    // Fields appear in the documented order in the text.
    let first = text.find("\"code\"").unwrap();
    let order = [
        "\"name\"",
        "\"level\"",
        "\"file\"",
        "\"line\"",
        "\"column\"",
        "\"path\"",
        "\"message\"",
        "\"help\"",
    ];
    let mut last = first;
    for key in order {
        let at = text[last..].find(key).unwrap() + last;
        assert!(at > last);
        last = at;
    }
}

#[test]
fn exit_codes() {
    let clean = repository(&fixture_config(), &[]);
    candor()
        .args(["check", "--today", "2026-12-01", "--repo"])
        .arg(clean.path())
        .assert()
        .code(0);

    let broken = repository(
        &fixture_config(),
        &[("many-errors.yaml", MANY_ERRORS.as_bytes())],
    );
    candor()
        .args(["check", "--today", "2026-12-01", "--repo"])
        .arg(broken.path())
        .assert()
        .code(1);

    // Warnings alone do not fail the check.
    let warning = repository(
        &fixture_config(),
        &[(
            "a005-fail.yaml",
            &std::fs::read(crate::support::fixture(
                "rules/A005-action-overdue/fail/a005-fail.yaml",
            ))
            .unwrap(),
        )],
    );
    let (exit, findings) = check_json(warning.path(), &[]);
    assert_eq!((exit, codes(&findings)), (0, vec!["A005".to_owned()]));

    // The tool cannot do its job: 2.
    let no_config = tempfile::tempdir().unwrap();
    let assert = candor()
        .args(["check", "--repo"])
        .arg(no_config.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("has no candor.yaml"), "{stderr}");
    candor()
        .current_dir(clean.path())
        .args(["check", "incidents/missing.yaml"])
        .assert()
        .code(2);
    candor()
        .args(["check", "--today", "23-11-2026"])
        .assert()
        .code(2);
    candor().args(["explain", "Z999"]).assert().code(2);
}

#[test]
fn paths_limit_findings_but_repository_rules_see_everything() {
    let report = std::fs::read(crate::support::fixture(
        "rules/S004-duplicate-id/fail/2025/s004-twice.yaml",
    ))
    .unwrap();
    let broken = MANY_ERRORS.as_bytes();
    let repo = repository(
        &fixture_config(),
        &[
            ("2025/s004-twice.yaml", &report),
            ("2026/s004-twice.yaml", &report),
            ("many-errors.yaml", broken),
        ],
    );
    let output = candor()
        .current_dir(repo.path())
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-12-01",
            "incidents/2026/s004-twice.yaml",
        ])
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let files: Vec<&str> = findings
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().all(|f| *f == "incidents/2026/s004-twice.yaml"),
        "{files:?}"
    );
    assert!(
        findings.iter().any(|f| f["code"] == "S004"),
        "the duplicate in 2025/ is still seen"
    );
}

#[test]
fn github_annotations_carry_file_line_column_and_title() {
    let repo = repository(
        &fixture_config(),
        &[("many-errors.yaml", MANY_ERRORS.as_bytes())],
    );
    let output = candor()
        .args([
            "check",
            "--format",
            "github",
            "--today",
            "2026-12-01",
            "--repo",
        ])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let line = text.lines().find(|l| l.contains("severty")).unwrap();
    assert!(
        line.starts_with("::error file=incidents/many-errors.yaml,line=8,col=1,title=S002 schema-violation::`severty` is not a field"),
        "{line}"
    );
    assert!(line.contains("%0A"), "help follows on an escaped new line");
    assert_eq!(text.lines().count(), 11);
}

#[test]
fn sarif_log_has_rules_and_results() {
    let repo = repository(
        &fixture_config(),
        &[("many-errors.yaml", MANY_ERRORS.as_bytes())],
    );
    let output = candor()
        .args([
            "check",
            "--format",
            "sarif",
            "--today",
            "2026-12-01",
            "--repo",
        ])
        .arg(repo.path())
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), candor::diag::RULES.len());
    assert_eq!(rules[15]["id"], "A006");
    assert_eq!(rules[15]["name"], "severity-understated");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 11);
    let typo = results
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("severty"))
        .unwrap();
    assert_eq!(typo["ruleId"], "S002");
    assert_eq!(typo["level"], "error");
    let region = &typo["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(8), Some(1))
    );
    assert_eq!(
        rules[typo["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "S002"
    );
}

#[test]
fn human_output_shows_the_line_and_a_caret() {
    let repo = repository(
        &fixture_config(),
        &[("many-errors.yaml", MANY_ERRORS.as_bytes())],
    );
    let output = candor()
        .args(["check", "--today", "2026-12-01", "--repo"])
        .arg(repo.path())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no colour when not on a terminal");
    let typo = text
        .split("\n\n")
        .find(|block| block.contains("severty"))
        .unwrap();
    insta::assert_snapshot!(typo, @r"
    error[S002]: `severty` is not a field; did you mean `severity`?
     --> incidents/many-errors.yaml:8:1
      |
    8 | severty: critical
      | ^^^^^^^^^^^^^^^^^ severty
      |
      = help: rename it to `severity`, or remove it
      = note: S002 schema-violation: `candor explain S002` tells more
    ");
    assert!(
        text.trim_end()
            .ends_with("checked 1 report: 11 errors, 0 warnings in 1 file (the check fails)")
    );
}

#[test]
fn output_is_deterministic() {
    let repo = repository(
        &fixture_config(),
        &[("many-errors.yaml", MANY_ERRORS.as_bytes())],
    );
    let run = || {
        candor()
            .args([
                "check",
                "--format",
                "json",
                "--today",
                "2026-12-01",
                "--repo",
            ])
            .arg(repo.path())
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn explain_and_rules_print_the_registry() {
    let output = candor().args(["explain", "a006"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("A006 severity-understated (default level: deny)"));
    for section in [
        "## What it checks",
        "## Why it matters",
        "## Example",
        "## How to fix",
    ] {
        assert!(text.contains(section), "missing {section}");
    }
    let output = candor().args(["rules"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().count(), candor::diag::RULES.len());
    assert!(text.lines().any(|l| l.starts_with("W003  expired-waiver")));
    let output = candor()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rules[0]["code"], "S001");
}

/// The output of `candor check --format FORMAT` on the report with many errors.
fn formatted(format: &str) -> String {
    let repo = repository(
        &fixture_config(),
        &[("many-errors.yaml", MANY_ERRORS.as_bytes())],
    );
    let output = candor()
        .args([
            "check",
            "--format",
            format,
            "--today",
            "2026-12-01",
            "--repo",
        ])
        .arg(repo.path())
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn snapshots_of_each_output_format() {
    for format in ["json", "github", "sarif", "human", "codequality"] {
        let text = formatted(format).replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(format!("format_{format}"), text);
    }
}

#[test]
fn the_code_quality_report_has_what_gitlab_reads_and_one_fingerprint_per_issue() {
    let issues: Vec<serde_json::Value> = serde_json::from_str(&formatted("codequality")).unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_str(&formatted("json")).unwrap();
    assert_eq!(issues.len(), findings.len());
    assert!(issues.len() > 3, "{issues:#?}");
    let mut fingerprints = std::collections::HashSet::new();
    for (issue, finding) in issues.iter().zip(&findings) {
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
        assert_eq!(issue["location"]["path"], finding["file"]);
        assert_eq!(
            issue["location"]["lines"]["begin"],
            finding["line"].as_u64().unwrap_or(1)
        );
        let severity = if finding["level"] == "deny" {
            "major"
        } else {
            "minor"
        };
        assert_eq!(issue["severity"], severity);
        assert!(
            issue["description"]
                .as_str()
                .unwrap()
                .contains(finding["message"].as_str().unwrap())
        );
    }
}

/// A command, what it printed and how it ended, as one reviewed text.
fn transcript(dir: &std::path::Path, args: &[&str]) -> String {
    let output = candor().current_dir(dir).args(args).output().unwrap();
    let root = dir.canonicalize().unwrap();
    let clean = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .replace(&format!("{}/", root.display()), "[repo]/")
            .replace(&root.display().to_string(), "[repo]")
    };
    format!(
        "$ candor {}\n--- stdout\n{}--- stderr\n{}--- exit {}\n",
        args.join(" "),
        clean(&output.stdout),
        clean(&output.stderr),
        output.status.code().unwrap_or(-1)
    )
}

#[test]
fn error_transcripts_say_what_to_do() {
    let repo = repository(
        &fixture_config(),
        &[
            (
                "2026/tab.yaml",
                b"schema: 1\nid: tab\nsummary:\n  da: a\n\ten: b\n",
            ),
            (
                "2026/colon.yaml",
                b"schema: 1\nid: colon\ntitle: Login failed: nobody could log in\n",
            ),
        ],
    );
    let git = git2::Repository::init(repo.path()).unwrap();
    let mut index = git.index().unwrap();
    index.add_path(std::path::Path::new("candor.yaml")).unwrap();
    let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
    let signature = git2::Signature::new(
        "Agency",
        "reports@example.org",
        &git2::Time::new(1_764_000_000, 60),
    )
    .unwrap();
    git.commit(Some("HEAD"), &signature, &signature, "Start", &tree, &[])
        .unwrap();
    let mut cases = String::new();
    for args in [
        &["check", "--today", "30-11-2026"][..],
        &["check", "--changed-since", "no-such-branch"],
        &["build", "--rev", "no-such-branch", "--out", "site"],
        &["check", "--today", "2026-12-01", "incidents/2026/tab.yaml"],
        &[
            "check",
            "--today",
            "2026-12-01",
            "incidents/2026/colon.yaml",
        ],
    ] {
        cases.push_str(&transcript(repo.path(), args));
        cases.push('\n');
    }
    insta::assert_snapshot!("transcripts", cases);
}
