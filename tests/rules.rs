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

use candor::report::HumanStyle;
use candor::source::WorkTree;

use crate::support::{GitRepo, check_json, copy_tree, fixture, fixture_config};

/// A repository with the case's reports (and its history, if it has one).
fn prepare(case: &Path) -> GitRepo {
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
    repo
}

/// Check a case by spawning the binary, as CI does: (exit code, findings as JSON).
fn run_case(case: &Path) -> (i32, Vec<serde_json::Value>) {
    let repo = prepare(case);
    check_json(repo.path(), &[])
}

/// Check a case through the library: (whether it fails, findings as JSON, human output).
fn check_case(case: &Path) -> (bool, Vec<serde_json::Value>, String) {
    let repo = prepare(case);
    let tree = WorkTree::open(repo.path()).unwrap();
    let today = candor::today_from(
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        chrono::Utc::now(),
    );
    let run = candor::check_worktree(&tree, None, today).unwrap();
    let findings: serde_json::Value =
        serde_json::from_str(&candor::report::json(&run.findings).unwrap()).unwrap();
    let root = repo.path().to_path_buf();
    let source_of = move |file: &str| std::fs::read_to_string(root.join(file)).ok();
    let human = candor::report::human(&run.findings, run.reports, HumanStyle::Plain, &source_of);
    (run.has_deny(), findings.as_array().unwrap().clone(), human)
}

fn expected(folder: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(folder.join("expected.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim_end().to_owned())
        .collect()
}

/// Every rule has a failing and a passing fixture, and a test of its own below.
#[test]
fn every_rule_has_fixtures_and_a_test() {
    let tested: BTreeSet<&str> = RULE_TESTS.iter().copied().collect();
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
        assert!(
            tested.contains(rule.code_str),
            "{} has no test in rule_tests!",
            rule.code_str
        );
    }
}

/// The fail fixture of `code` gives exactly the expected findings of that rule, with their
/// positions, and its human output is the reviewed snapshot `rules__<code>`; the pass
/// fixture gives no finding at all.
fn rule_case(code: &str) {
    let rule = RULES.iter().find(|r| r.code_str == code).unwrap();
    let folder = fixture(&format!("rules/{}-{}", rule.code_str, rule.name));
    let (fails, findings, human) = check_case(&folder.join("fail"));
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
    assert!(!wanted.is_empty(), "{code} expects no finding");
    assert_eq!(found, wanted, "{code} fail fixture");
    for finding in findings.iter().filter(|f| f["code"] == rule.code_str) {
        assert_eq!(finding["name"], rule.name);
        assert!(!finding["message"].as_str().unwrap().is_empty());
        assert!(!finding["help"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        fails,
        findings.iter().any(|f| f["level"] == "deny"),
        "{code} outcome"
    );
    // Only this rule's findings are the reviewed text: other rules' have their own snapshots.
    let own: Vec<&str> = human
        .split("\n\n")
        .filter(|block| block.contains(&format!("[{code}]")))
        .collect();
    insta::assert_snapshot!(format!("rule_{code}"), own.join("\n\n"));

    let (fails, findings, _) = check_case(&folder.join("pass"));
    assert!(
        findings.is_empty(),
        "{code} pass fixture has findings: {findings:#?}"
    );
    assert!(!fails, "{code} pass fixture fails");
}

macro_rules! rule_tests {
    ($($name:ident => $code:literal),* $(,)?) => {
        /// The codes that have a test below.
        const RULE_TESTS: &[&str] = &[$($code),*];
        $(
            #[test]
            fn $name() {
                rule_case($code);
            }
        )*
    };
}

rule_tests! {
    s001_yaml_syntax => "S001",
    s002_schema_violation => "S002",
    s003_id_mismatch => "S003",
    s004_duplicate_id => "S004",
    s005_unknown_reference => "S005",
    s006_unsupported_schema => "S006",
    s007_file_too_large => "S007",
    t001_time_order => "T001",
    t002_event_before_start => "T002",
    t003_future_time => "T003",
    a001_missing_root_cause => "A001",
    a002_vague_root_cause => "A002",
    a003_no_preventive_action => "A003",
    a004_action_unowned => "A004",
    a005_action_overdue => "A005",
    a006_severity_understated => "A006",
    a007_impact_unquantified => "A007",
    a008_final_report_overdue => "A008",
    a009_preliminary_overdue => "A009",
    a010_statement_understated => "A010",
    a011_no_public_statement => "A011",
    a012_late_first_statement => "A012",
    a013_cause_unknown_no_update => "A013",
    a014_dropped_without_reason => "A014",
    a015_recurring_incident => "A015",
    a016_missing_translation => "A016",
    a017_withheld_without_basis => "A017",
    a018_done_without_evidence => "A018",
    a019_preliminary_published_late => "A019",
    a020_final_published_late => "A020",
    a021_final_cause_unknown => "A021",
    a022_placeholder_text => "A022",
    a023_unverified_import => "A023",
    a024_promised_update_missed => "A024",
    a025_notification_late => "A025",
    a026_notification_content_missing => "A026",
    w001_waiver_without_reason => "W001",
    w002_unused_waiver => "W002",
    w003_expired_waiver => "W003",
}

#[test]
fn the_binary_gives_what_the_library_gives() {
    // One rule through the process too: exit code and findings as CI sees them.
    let folder = fixture("rules/A006-severity-understated/fail");
    let (exit, findings) = run_case(&folder);
    let (fails, library, _) = check_case(&folder);
    assert_eq!(exit, i32::from(fails));
    assert_eq!(findings, library);
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
        assert!(
            refused("W002", "can never be waived"),
            "{code}: {findings:#?}"
        );
        assert!(refused("S002", "always denies"), "{code}: {findings:#?}");
    }
}
