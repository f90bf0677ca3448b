//! `candor export`: a report's content for a regulator at each stage of NIS2 and DORA
//! (reviewed snapshots), the `missing` list of an incomplete report, the classification of a
//! major and a minor incident from their numbers, and the private fields, which reach the
//! export and never the built site.

use std::path::Path;

use serde_json::Value;

use crate::support::{GitRepo, build, candor, files_under, fixture};

const NETBANK: &str = "2026-03-02-netbank-outage";
const LOGIN: &str = "2026-03-02-login-outage";
const SLOW: &str = "2026-05-11-netbank-slow";

/// Run `candor export` on `repo` as of 2026-12-01: (exit code, stdout, stderr).
fn export_in(repo: &Path, args: &[&str]) -> (i32, String, String) {
    let output = candor()
        .arg("export")
        .args(args)
        .args(["--today", "2026-12-01", "--repo"])
        .arg(repo)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn export(args: &[&str]) -> (i32, String, String) {
    export_in(&fixture("regulator"), args)
}

fn private_file() -> String {
    fixture("regulator-private.yaml")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_stage_of_each_regime_is_exported_complete() {
    let private = private_file();
    let cases = [
        ("dora", NETBANK, "initial"),
        ("dora", NETBANK, "intermediate"),
        ("dora", NETBANK, "final"),
        ("nis2", LOGIN, "early-warning"),
        ("nis2", LOGIN, "notification"),
        ("nis2", LOGIN, "final"),
    ];
    for (regime, id, stage) in cases {
        let (code, stdout, stderr) = export(&[regime, id, "--stage", stage, "--private", &private]);
        assert_eq!(code, 0, "{regime} {stage}: {stderr}\n{stdout}");
        let json: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["regime"], regime);
        assert_eq!(json["stage"], stage);
        assert_eq!(
            json["missing"],
            Value::Array(Vec::new()),
            "{regime} {stage}"
        );
        assert_eq!(json["time_limit"]["on_time"], true, "{regime} {stage}");
        insta::assert_snapshot!(format!("export_{regime}_{stage}"), stdout);
    }
}

#[test]
fn fields_are_keyed_by_the_regulation_numbers_and_filled_from_the_report() {
    let private = private_file();
    let (_, stdout, _) = export(&[
        "dora",
        NETBANK,
        "--stage",
        "intermediate",
        "--private",
        &private,
    ]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let fields = &json["fields"];
    // In the regulation's order, not sorted as text: 1.2 before 1.10, 3.9 before 3.10.
    let at = |key: &str| stdout.find(&format!("\"{key}\": {{")).unwrap();
    assert!(at("1.1") < at("1.2") && at("1.2") < at("1.10") && at("3.9") < at("3.10"));
    assert_eq!(fields["2.3"]["value"], "2026-03-02T09:00:00+01:00");
    assert_eq!(fields["3.1"]["value"], "DK-2026-0042");
    assert_eq!(fields["3.4"]["value"], 150000);
    assert_eq!(fields["3.5"]["value"], 12.5);
    assert_eq!(fields["3.16"]["value"]["minutes"], 210);
    assert_eq!(fields["3.23"]["value"], "system failure");
    assert_eq!(fields["1.7"]["value"], "Mette Hansen");
    assert_eq!(fields["3.35"]["value"][0], "198.51.100.23");
    // The 4-hour limit counts from classification (09:00), inside the 24 hours after awareness.
    assert_eq!(json["time_limit"]["due"], "2026-03-05T12:30:00+01:00");
}

#[test]
fn markdown_reads_as_a_form() {
    let private = private_file();
    let (code, stdout, _) = export(&[
        "dora",
        NETBANK,
        "--stage",
        "final",
        "--format",
        "markdown",
        "--private",
        &private,
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with(
            "# DORA (Regulation (EU) 2022/2554): final report for `2026-03-02-netbank-outage`"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("## 4.13 Amount of gross direct and indirect costs and losses"));
    assert!(stdout.contains("- gross: 65000"), "{stdout}");
    assert!(stdout.contains("## To complete by hand"));
    assert!(stdout.contains("- 3.13 Reputational impact"));
}

#[test]
fn an_incomplete_report_lists_what_is_missing_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&fixture("regulator"), dir.path());
    let file = dir.path().join(format!("incidents/2026/{NETBANK}.yaml"));
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replace("classified_at: 2026-03-02T09:00:00+01:00\n", "")
        .replace("business_continuity_activated: true\n", "")
        .replace("  addressed_on: 2026-03-20\n", "");
    std::fs::write(&file, text).unwrap();
    let private = private_file();
    let (code, stdout, stderr) = export_in(
        dir.path(),
        &["dora", NETBANK, "--stage", "initial", "--private", &private],
    );
    assert_eq!(code, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["missing"],
        serde_json::json!([
            "2.3 Date and time of classification of the ICT-related incident as major (report: classified_at)",
            "2.9 Activation of business continuity plan, if activated (report: business_continuity_activated)",
        ])
    );
    assert!(stderr.contains("2 required fields missing"), "{stderr}");
    // Without classified_at, the initial notification is due 24 hours after awareness.
    assert_eq!(json["time_limit"]["due"], "2026-03-03T08:00:00+01:00");
    // The final report also misses the day the root cause was addressed.
    let (code, stdout, _) = export_in(
        dir.path(),
        &["dora", NETBANK, "--stage", "final", "--private", &private],
    );
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let missing: Vec<&str> = json["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(missing.iter().any(|m| m.starts_with("4.7 ")), "{missing:?}");
    // Without the private file, the contact person is missing too.
    let (code, stdout, _) = export(&["dora", NETBANK, "--stage", "initial"]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["missing"][0],
        "1.7 Primary contact person name (private file: primary_contact.name)"
    );
    assert_eq!(json["private_file_read"], false);
}

/// The keys of the criteria a classification says were met.
fn criteria_met(classification: &Value) -> Vec<&str> {
    classification["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["met"] == true)
        .map(|c| c["key"].as_str().unwrap())
        .collect()
}

#[test]
fn dora_classification_from_the_numbers() {
    let (code, stdout, _) = export(&["dora", NETBANK, "--classify"]);
    assert_eq!(code, 0);
    let major: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(major["reportable"], true);
    let fired = criteria_met(&major);
    assert_eq!(fired, ["critical_services", "clients", "duration"]);

    let (_, stdout, _) = export(&["dora", SLOW, "--classify"]);
    let minor: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(minor["reportable"], false);
    let fired = criteria_met(&minor);
    // Critical services alone do not make a major incident: two more criteria are needed.
    assert_eq!(fired, ["critical_services"]);
    let reputational = minor["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "reputational")
        .unwrap();
    assert_eq!(reputational["met"], Value::Null);
}

#[test]
fn nis2_classification_uses_the_trust_service_thresholds() {
    let (_, stdout, _) = export(&["nis2", LOGIN, "--classify", "--format", "markdown"]);
    assert!(
        stdout.contains("**Significant** by the report's numbers"),
        "{stdout}"
    );
    assert!(stdout.contains("| A trust service is completely unavailable for more than 20 minutes | yes | full outage 4 h 25 min | Implementing Regulation (EU) 2024/2690 Art. 14(a) |"), "{stdout}");
}

#[test]
fn a_stage_of_the_other_regime_is_refused() {
    let (code, _, stderr) = export(&["nis2", LOGIN, "--stage", "initial"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "`initial` is not a stage of nis2; its stages are early-warning, notification, final"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = export(&["dora", "no-such-report", "--stage", "initial"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no report with id `no-such-report`"),
        "{stderr}"
    );
}

/// Every file of the site, as text.
fn site_text(site: &Path) -> String {
    let mut all = String::new();
    for file in files_under(site) {
        all.push_str(&String::from_utf8_lossy(
            &std::fs::read(site.join(&file)).unwrap(),
        ));
    }
    all
}

#[test]
fn private_fields_never_reach_the_site_and_the_log_only_where_opted_in() {
    let config = std::fs::read_to_string(fixture("regulator/candor.yaml")).unwrap();
    let repo = GitRepo::new(&config);
    crate::support::copy_tree(
        &fixture("regulator/incidents"),
        &repo.path().join("incidents"),
    );
    // An accepted A025 finding: its waiver and reason are about the notifications too.
    let file = repo.path().join(format!("incidents/2026/{NETBANK}.yaml"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!("{text}waivers:\n  - rule: A025\n    reason: {{da: \"WAIVERSECRET\", en: \"WAIVERSECRET\"}}\n"),
    )
    .unwrap();
    // The worst case: the private file committed inside the repository.
    let private = std::fs::read_to_string(fixture("regulator-private.yaml")).unwrap();
    repo.write("notes/private.yaml", &private);
    repo.commit("Reports", 1_772_467_200);

    let (code, stdout, stderr) = export_in(
        repo.path(),
        &[
            "dora",
            NETBANK,
            "--stage",
            "intermediate",
            "--private",
            &repo.path().join("notes/private.yaml").to_string_lossy(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("198.51.100.23") && stdout.contains("Mette Hansen"));
    assert!(
        stderr.contains("lies inside the reports repository and is not ignored by git"),
        "{stderr}"
    );

    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let output = build(repo.path(), &site, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = site_text(&site);
    assert!(
        text.contains("Online banking was down"),
        "the report is published"
    );
    for secret in [
        "198.51.100.23",
        "Mette Hansen",
        "mette.hansen@bank.example",
        "T1078",
        "db-prod-2",
        "Example Holding",
        "WAIVERSECRET",
    ] {
        assert!(!text.contains(secret), "{secret} reached the site");
    }
    // Without the organisation's consent, neither the log nor its authority is published.
    assert!(!text.contains("DK-2026-0042"));
    // The waiver covers no finding here (the netbank report was in time): its W002 finding
    // names A025, so it stays off the page as well.
    let page = std::fs::read_to_string(site.join(format!("en/reports/{NETBANK}.html"))).unwrap();
    assert!(!page.contains("W002"), "{page}");
    for published in [
        format!("en/reports/{NETBANK}.html"),
        "data/incidents.json".to_owned(),
    ] {
        let content = std::fs::read_to_string(site.join(&published)).unwrap();
        assert!(content.contains(NETBANK), "{published}");
        assert!(
            !content.contains("Finanstilsynet"),
            "{published} shows the log"
        );
    }

    let opted_in = config.replace(
        "regimes: [dora]}",
        "regimes: [dora], publish_notifications: true}",
    );
    assert_ne!(opted_in, config);
    repo.write("candor.yaml", &opted_in);
    repo.commit("Publish notifications", 1_772_467_300);
    let site = out.path().join("site-2");
    let output = build(repo.path(), &site, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = std::fs::read_to_string(site.join(format!("en/reports/{NETBANK}.html"))).unwrap();
    assert!(
        page.contains("Notified to Finanstilsynet on 2 March 2026 12:30 (UTC+01:00) (DORA initial notification)."),
        "{page}"
    );
    let data = std::fs::read_to_string(site.join("data/incidents.json")).unwrap();
    assert!(
        data.contains("DK-2026-0042"),
        "the opted-in log is open data"
    );
    let text = site_text(&site);
    for secret in ["198.51.100.23", "Mette Hansen", "T1078"] {
        assert!(!text.contains(secret), "{secret} reached the site");
    }
}

#[test]
fn the_readme_maps_every_exported_field_to_its_article() {
    use candor::model::Regime;
    let readme = std::fs::read_to_string(crate::support::project_root().join("README.md")).unwrap();
    for regime in [Regime::Nis2, Regime::Dora] {
        let table = candor::regulator::fields::markdown_table(regime);
        assert!(
            readme.contains(&table),
            "README.md's {} field table is out of date; it should read:\n\n{table}",
            regime.as_str()
        );
    }
    for limit in candor::regulator::limits::TIME_LIMITS {
        assert!(
            readme.contains(limit.basis),
            "README.md lacks {}",
            limit.basis
        );
    }
}

#[test]
fn a_private_file_must_be_small_regular_and_for_this_report() {
    let (code, _, stderr) = export(&[
        "dora",
        NETBANK,
        "--stage",
        "initial",
        "--private",
        "/dev/zero",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a regular file"), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.yaml");
    std::fs::write(
        &other,
        "report: 2026-01-01-something-else\nindicators_of_compromise: [203.0.113.9]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = export(&[
        "dora",
        NETBANK,
        "--stage",
        "intermediate",
        "--private",
        &other.to_string_lossy(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("holds the private fields of report `2026-01-01-something-else`"),
        "{stderr}"
    );
    assert!(!stdout.contains("203.0.113.9"));
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, vec![b'#'; 2 * 1024 * 1024]).unwrap();
    let (code, _, stderr) = export(&[
        "dora",
        NETBANK,
        "--stage",
        "initial",
        "--private",
        &big.to_string_lossy(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("larger than 1048576 bytes"), "{stderr}");
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "# nothing yet\n").unwrap();
    let (code, _, stderr) = export(&[
        "dora",
        NETBANK,
        "--stage",
        "initial",
        "--private",
        &empty.to_string_lossy(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the file holds no fields; give any of report, primary_contact"),
        "{stderr}"
    );
}

#[test]
fn notifications_out_of_order_are_time_findings_and_block_the_export() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&fixture("regulator"), dir.path());
    let file = dir.path().join(format!("incidents/2026/{NETBANK}.yaml"));
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "stage: initial, at: 2026-03-02T12:30:00+01:00",
        "stage: initial, at: 2026-04-03T12:30:00+01:00",
    );
    std::fs::write(
        &file,
        text.replace(
            "classified_at: 2026-03-02T09:00:00+01:00",
            "classified_at: 2026-03-01T09:00:00+01:00",
        ),
    )
    .unwrap();
    let (_, findings) = crate::support::check_json(dir.path(), &[]);
    let time: Vec<&str> = findings
        .iter()
        .filter(|f| f["code"] == "T001")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        time,
        ["/classified_at", "/notifications/0/at"],
        "{findings:#?}"
    );
    let (code, _, stderr) = export_in(dir.path(), &["dora", NETBANK, "--stage", "initial"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot be exported until its structure and times are sound"),
        "{stderr}"
    );
    assert!(stderr.contains("T001"), "{stderr}");
}

#[test]
fn nis2_classifies_nothing_outside_the_implementing_regulation() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&fixture("regulator"), dir.path());
    let config = std::fs::read_to_string(dir.path().join("candor.yaml")).unwrap();
    std::fs::write(
        dir.path().join("candor.yaml"),
        config.replace(
            "entity_type: trust-service-provider",
            "entity_type: public-administration",
        ),
    )
    .unwrap();
    let (_, stdout, _) = export_in(dir.path(), &["nis2", LOGIN, "--classify"]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["reportable"], Value::Null);
    assert_eq!(json["could_change"], true);
    assert_eq!(json["criteria"][0]["key"], "scope");
    assert_eq!(json["criteria"][0]["met"], Value::Null);
}

#[test]
fn notifications_under_an_undeclared_regime_are_pointed_out() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&fixture("regulator"), dir.path());
    let config = std::fs::read_to_string(dir.path().join("candor.yaml")).unwrap();
    std::fs::write(
        dir.path().join("candor.yaml"),
        config.replace(", regimes: [dora]}", "}"),
    )
    .unwrap();
    let (_, findings) = crate::support::check_json(dir.path(), &[]);
    let undeclared: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["code"] == "A026")
        .map(|f| (f["file"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        undeclared,
        [(
            "incidents/2026/2026-03-02-netbank-outage.yaml",
            "/notifications/0/regime"
        )]
    );
    let message = findings.iter().find(|f| f["code"] == "A026").unwrap()["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("does not declare that regime"),
        "{message}"
    );
}
