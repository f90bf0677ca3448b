//! `candor import`: each format's fixture imported into a repository, checked and built; the
//! `unverified` list driving A023; re-import skipping what is there; unmapped names and
//! missing time zones refused with what to do.

use std::path::Path;

use crate::support::{GitRepo, build, candor, check_json, codes, fixture};

/// A repository with the import fixtures' candor.yaml.
fn repository() -> GitRepo {
    GitRepo::new(&std::fs::read_to_string(fixture("import/candor.yaml")).unwrap())
}

/// Run `candor import FORMAT INPUT --organisation operator --map map.yaml ...` in `repo`.
fn import(repo: &Path, format: &str, input: &str, extra: &[&str]) -> std::process::Output {
    candor()
        .current_dir(repo)
        .args(["import", format])
        .arg(fixture(&format!("import/{input}")))
        .args(["--organisation", "operator", "--map"])
        .arg(fixture("import/map.yaml"))
        .args(["--language", "en"])
        .args(extra)
        .output()
        .unwrap()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn read(repo: &Path, path: &str) -> String {
    std::fs::read_to_string(repo.join(path)).unwrap()
}

/// The reports under incidents/, relative, sorted.
fn reports(repo: &Path) -> Vec<String> {
    if !repo.join("incidents").is_dir() {
        return Vec::new();
    }
    let mut files = crate::support::files_under(&repo.join("incidents"));
    files.sort();
    files
}

#[test]
fn statuspage_incidents_become_drafts_with_windows_claims_and_a_draft_cause() {
    let repo = repository();
    let output = import(repo.path(), "statuspage", "statuspage/incidents.json", &[]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    // The maintenance is left out by default.
    assert_eq!(
        reports(repo.path()),
        [
            "2026/2026-03-31-failed-logins-and-slow-api-responses.yaml",
            "2026/2026-05-06-intermittent-errors-on-the-website.yaml",
        ]
    );
    assert!(stdout(&output).contains("2 wrote, 0 already imported, 1 left out"));
    let text = read(
        repo.path(),
        "incidents/2026/2026-03-31-failed-logins-and-slow-api-responses.yaml",
    );
    for expected in [
        "status: draft",
        "organisation: operator",
        "services:\n  - api\n  - login\n",
        "severity: major",
        "started_at: 2026-03-31T10:00:00+00:00",
        // The first update, not a detection time: listed as unverified below.
        "detected_at: 2026-03-31T10:04:12+00:00",
        "resolved_at: 2026-03-31T10:52:00+00:00",
        // The login was degraded, then completely down from 10:15 to 10:35; the API was
        // degraded until 10:52.
        "impact:\n  outage: partial\n  services:\n    - service: api\n      from: 2026-03-31T10:04:12+00:00\n      to: 2026-03-31T10:52:00+00:00\n      outage: partial\n    - service: login\n      from: 2026-03-31T10:04:12+00:00\n      to: 2026-03-31T10:15:00+00:00\n      outage: partial\n    - service: login\n      from: 2026-03-31T10:15:00+00:00\n      to: 2026-03-31T10:35:00+00:00\n      outage: full\n",
        "severity_claimed: critical",
        "next_update_at: 2026-03-31T10:30:00+00:00",
        "channel: Status page",
        "url: \"https://stspg.io/k3v9x2m8q1w4\"",
        "root_cause:\n  status: suspected\n  category: system-failure\n  description: A configuration change lowered the connection limit",
        "actions:\n  - id: A1\n    type: prevent\n    action: Review connection limits before each change.\n    status: planned\n  - id: A2",
        "source:\n  format: statuspage\n  id: k3v9x2m8q1w4\n",
        "    - /detected_at\n",
        "    - /severity\n",
        "    - /impact/services\n",
        "    - /root_cause/description\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // The timeline is in time order although the source lists the newest first.
    let timeline = &text[text.find("\ntimeline:").unwrap()..];
    let first = timeline
        .find("We are investigating slow responses.")
        .unwrap();
    let last = timeline.find("This incident has been resolved.").unwrap();
    assert!(first < last, "{timeline}");

    // An incident that names no component goes to the map's `*` service, and a resolved
    // incident without a resolution time gets its last update's, marked unverified.
    let other = read(
        repo.path(),
        "incidents/2026/2026-05-06-intermittent-errors-on-the-website.yaml",
    );
    assert!(other.contains("services:\n  - portal\n"), "{other}");
    assert!(
        other.contains("resolved_at: 2026-05-06T15:05:00+02:00"),
        "{other}"
    );
    assert!(other.contains("    - /resolved_at\n"), "{other}");

    // Drafts: only the deadline rules speak (the imported history is old); nothing about
    // structure or times.
    let (_, findings) = check_json(repo.path(), &[]);
    let found = codes(&findings);
    assert!(
        found.iter().all(|c| c == "A008" || c == "A009"),
        "{found:?}"
    );
    // Adopting the deadlines after the history silences them: auditable in candor.yaml.
    let config = read(repo.path(), "candor.yaml");
    repo.write(
        "candor.yaml",
        &format!("{config}policy:\n  deadlines:\n    apply_from: 2026-11-01\n"),
    );
    let (exit, findings) = check_json(repo.path(), &[]);
    assert_eq!((exit, codes(&findings)), (0, Vec::<String>::new()));

    // Maintenance only when asked.
    let output = import(
        repo.path(),
        "statuspage",
        "statuspage/incidents.json",
        &["--include-maintenance"],
    );
    assert!(
        stdout(&output).contains("1 wrote, 2 already imported"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn reimporting_skips_what_is_there_and_changes_no_file() {
    let repo = repository();
    let first = import(repo.path(), "gcp", "gcp/incidents.json", &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before: Vec<(String, String)> = reports(repo.path())
        .into_iter()
        .map(|p| {
            let text = read(repo.path(), &format!("incidents/{p}"));
            (p, text)
        })
        .collect();
    assert_eq!(before.len(), 2);
    // A person edits one draft; a second import must not touch it or add a copy.
    let edited = format!("{}# checked by the duty officer\n", before[0].1);
    repo.write(&format!("incidents/{}", before[0].0), &edited);
    let second = import(repo.path(), "gcp", "gcp/incidents.json", &[]);
    assert!(second.status.success());
    assert!(
        stdout(&second).contains("0 wrote, 2 already imported"),
        "{}",
        stdout(&second)
    );
    assert_eq!(reports(repo.path()).len(), 2);
    assert_eq!(
        read(repo.path(), &format!("incidents/{}", before[0].0)),
        edited
    );
    assert_eq!(
        read(repo.path(), &format!("incidents/{}", before[1].0)),
        before[1].1
    );
    // The same input gives the same text: nothing in it comes from the clock.
    let again = repository();
    import(again.path(), "gcp", "gcp/incidents.json", &[]);
    assert_eq!(
        read(again.path(), &format!("incidents/{}", before[1].0)),
        before[1].1
    );
}

#[test]
fn a_published_import_needs_its_guesses_checked_and_shows_where_it_came_from() {
    let repo = repository();
    let output = import(repo.path(), "gcp", "gcp/incidents.json", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let path = "incidents/2026/2026-06-30-identity-platform-sign-in-requests-failing-in-europe-north1.yaml";
    let text = read(repo.path(), path);
    for expected in [
        "severity: critical",
        "services:\n  - login\n",
        "impact:\n  outage: full\n",
        "url: \"https://status.cloud.google.com/incidents/Qw3rTy7uIo9pAs1dFg2h\"",
        // 09:00 US/Pacific in summer is 16:00 UTC.
        "next_update_at: 2026-06-30T09:00:00-07:00",
        "description: A certificate used between the sign-in front end",
        "action: Alert thirty days before any certificate expires.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // Published with its guesses unchecked: A023 refuses it, naming every pointer.
    let published = text.replace("status: draft", "status: preliminary");
    repo.write(path, &published);
    let (exit, findings) = check_json(repo.path(), &[&repo.path().join(path).to_string_lossy()]);
    assert_eq!(exit, 1);
    let a023: Vec<&serde_json::Value> = findings.iter().filter(|f| f["code"] == "A023").collect();
    assert_eq!(a023.len(), 1, "{findings:#?}");
    let message = a023[0]["message"].as_str().unwrap();
    assert!(
        message.contains("/detected_at") && message.contains("/severity"),
        "{message}"
    );
    // Both promised updates came late: at 16:20 for 16:00, and at 18:45 for 17:00.
    let a024: Vec<&str> = findings
        .iter()
        .filter(|f| f["code"] == "A024")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        a024,
        ["/timeline/0/next_update_at", "/timeline/1/next_update_at"]
    );

    // Checked by a person: the list emptied, the users counted, actions owned.
    let checked = published.split("  unverified:").next().unwrap().to_owned()
        + "  unverified: []\nestimated: [/started_at]\n";
    let checked = checked
        .replace(
            "impact:\n  outage: full\n",
            "impact:\n  outage: full\n  share: {value_percent: 100, of: sign-in requests in europe-north1}\n",
        )
        .replace(
            "    status: planned\n",
            "    owner: Identity operations\n    due: 2026-09-30\n    status: planned\n",
        );
    repo.write(path, &checked);
    let (_, findings) = check_json(repo.path(), &[&repo.path().join(path).to_string_lossy()]);
    let found = codes(&findings);
    assert!(!found.contains(&"A023".to_owned()), "{found:?}");
    // A share stands in for a head count (A007).
    assert!(!found.contains(&"A007".to_owned()), "{found:?}");

    repo.commit("Publish the imported report", 1_782_000_000);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let output = build(repo.path(), &site, &[]);
    assert!(output.status.success(), "{}", stdout(&output));
    let page = std::fs::read_to_string(site.join(
        "en/reports/2026-06-30-identity-platform-sign-in-requests-failing-in-europe-north1.html",
    ))
    .unwrap_or_else(|_| {
        panic!(
            "no report page among {:?}",
            crate::support::files_under(&site)
                .into_iter()
                .filter(|f| f.contains("2026-06-30"))
                .collect::<Vec<_>>()
        )
    });
    assert!(
        page.contains("Imported from Google Cloud status, read on"),
        "provenance"
    );
    assert!(
        page.contains("100.0 % of sign-in requests in europe-north1"),
        "share"
    );
    assert!(page.contains("Next update promised by"), "promise");
    // The start the organisation could only estimate is marked as such, and only it.
    assert_eq!(
        page.matches("<span class=\"estimate\">(estimate)</span>")
            .count(),
        1
    );
}

#[test]
fn stactus_and_cstate_files_are_read_with_their_times() {
    let repo = repository();
    let output = import(repo.path(), "stactus", "stactus", &[]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(
        reports(repo.path()),
        [
            "2026/2026-08-12-errors-on-the-web-portal.yaml",
            "2026/2026-09-01-api-unavailable.yaml",
        ]
    );
    let text = read(
        repo.path(),
        "incidents/2026/2026-08-12-errors-on-the-web-portal.yaml",
    );
    // stactus times are UTC; the file has no start, so the first update stands in for it.
    assert!(
        text.contains("started_at: 2026-08-12T14:03:13+00:00"),
        "{text}"
    );
    assert!(
        text.contains("resolved_at: 2026-08-12T15:15:39+00:00"),
        "{text}"
    );
    assert!(text.contains("    - /started_at\n"), "{text}");
    let api = read(
        repo.path(),
        "incidents/2026/2026-09-01-api-unavailable.yaml",
    );
    assert!(api.contains("services:\n  - api\n  - portal\n"), "{api}");
    assert!(
        api.contains("severity: critical") && api.contains("outage: full"),
        "{api}"
    );

    // cState writes local times: without a zone the import stops and says what to pass.
    let refused = import(repo.path(), "cstate", "cstate", &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("--timezone"),
        "{}",
        stderr(&refused)
    );
    let output = import(
        repo.path(),
        "cstate",
        "cstate",
        &["--timezone", "Europe/Copenhagen"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = read(
        repo.path(),
        "incidents/2026/2026-10-05-login-disrupted.yaml",
    );
    for expected in [
        "started_at: 2026-10-05T09:13:00+02:00",
        "resolved_at: 2026-10-05T10:44:00+02:00",
        "severity: major",
        "services:\n  - login\n",
        // The shortcode is gone; the status word stays, as published.
        "text: \"*Investigating* - Some people cannot log in. We are investigating.\"",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains("{{<"), "{text}");
    // The informational notice counts as maintenance and is left out.
    assert!(stdout(&output).contains("1 wrote, 0 already imported, 1 left out"));

    let (_, findings) = check_json(repo.path(), &[]);
    let found = codes(&findings);
    assert!(
        found.iter().all(|c| c == "A008" || c == "A009"),
        "{found:?}"
    );

    // The drafts build (and are left out of the site, as drafts are).
    repo.commit("Imported history", 1_790_000_000);
    let out = tempfile::tempdir().unwrap();
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert!(output.status.success(), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("0 published reports, 3 drafts left out"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn unmapped_components_stop_the_import_with_a_map_ready_to_paste() {
    let repo = repository();
    let map = repo.path().join("partial-map.yaml");
    std::fs::write(&map, "\"Public API\": api\n").unwrap();
    let output = candor()
        .current_dir(repo.path())
        .args(["import", "statuspage"])
        .arg(fixture("import/statuspage/incidents.json"))
        .args(["--organisation", "operator", "--map"])
        .arg(&map)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let error = stderr(&output);
    assert!(
        error.contains("2 source components are not in the map: *, Citizen login"),
        "{error}"
    );
    assert!(
        error.contains("\"*\": api   # incidents that name no component"),
        "{error}"
    );
    assert!(error.contains("Citizen login: login"), "{error}");
    assert!(reports(repo.path()).is_empty(), "nothing written");
}

#[test]
fn a_broken_incident_is_reported_with_its_place_and_the_others_are_imported() {
    let repo = repository();
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("good.yaml"),
        std::fs::read_to_string(fixture("import/stactus/incidents/2026-09-01-api-down.yaml"))
            .unwrap(),
    )
    .unwrap();
    std::fs::write(
        folder.path().join("bad.yaml"),
        "version: incident/v1\nid: broken\nname: Broken\ntimeline:\n  - ts: \"yesterday\"\n    description: x\n",
    )
    .unwrap();
    std::fs::write(folder.path().join("syntax.yaml"), "version: [incident/v1\n").unwrap();
    let output = candor()
        .current_dir(repo.path())
        .args(["import", "stactus"])
        .arg(folder.path())
        .args(["--organisation", "operator", "--map"])
        .arg(fixture("import/map.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains("bad.yaml:5:9: error: `yesterday` is not a time"),
        "{out}"
    );
    assert!(out.contains("syntax.yaml:"), "{out}");
    assert!(out.contains("1 wrote"), "{out}");
    assert_eq!(
        reports(repo.path()),
        ["2026/2026-09-01-api-unavailable.yaml"]
    );
}

/// Import `json` (a Statuspage document) from a file in a folder of its own.
fn import_statuspage_text(
    repo: &Path,
    json: &serde_json::Value,
    extra: &[&str],
) -> std::process::Output {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("incidents.json");
    std::fs::write(&file, serde_json::to_string_pretty(json).unwrap()).unwrap();
    candor()
        .current_dir(repo)
        .args(["import", "statuspage"])
        .arg(&file)
        .args(["--organisation", "operator", "--map"])
        .arg(fixture("import/map.yaml"))
        .args(["--language", "en"])
        .args(extra)
        .output()
        .unwrap()
}

fn statuspage_fixture() -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(fixture("import/statuspage/incidents.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn update_appends_what_the_source_added_and_keeps_every_line_a_person_wrote() {
    let repo = repository();
    let mut source = statuspage_fixture();
    // At first the incident is ongoing: no resolution, one update.
    let incident = &mut source["incidents"][2];
    incident["status"] = "investigating".into();
    incident["incident_updates"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let output = import_statuspage_text(repo.path(), &source, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let path = "incidents/2026/2026-05-06-intermittent-errors-on-the-website.yaml";
    let imported = read(repo.path(), path);
    assert!(!imported.contains("resolved_at:"), "{imported}");

    // A person checks and rewrites parts of it.
    let edited = imported
        .replace(
            "summary: Some pages return errors.",
            "# Rewritten for citizens by the duty officer.\nsummary: Parts of the website showed errors for 45 minutes.",
        )
        .split("  unverified:")
        .next()
        .unwrap()
        .to_owned()
        + "  unverified: []\n";
    repo.write(path, &edited);

    // The source then resolves it, with a new update carrying a component status.
    let mut source = statuspage_fixture();
    source["incidents"][2]["incident_updates"][0]["affected_components"] = serde_json::json!([{"name": "Web portal", "old_status": "partial_outage", "new_status": "degraded_performance"}]);
    source["incidents"][2]["resolved_at"] = "2026-05-06T15:05:00.000+02:00".into();
    let output = import_statuspage_text(repo.path(), &source, &["--update"]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains(&format!(
            "updated {path} (source id z1y2x3w4v5u6): 1 new statement"
        )),
        "{}",
        stdout(&output)
    );
    let updated = read(repo.path(), path);
    // Everything the person wrote is still there, line for line.
    let kept: Vec<&str> = edited
        .lines()
        .filter(|l| !l.contains("retrieved_at") && !l.contains("unverified"))
        .collect();
    let now: Vec<&str> = updated.lines().collect();
    for line in &kept {
        assert!(now.contains(line), "lost {line:?}:\n{updated}");
    }
    assert!(
        updated.contains("resolved_at: 2026-05-06T15:05:00+02:00\n"),
        "{updated}"
    );
    assert!(
        updated.contains("    text: The errors have stopped.\n"),
        "{updated}"
    );
    assert!(
        updated.contains("  unverified:\n    - /timeline/1/severity_claimed\n"),
        "{updated}"
    );
    // The result is still a valid report with its timeline in order.
    let (_, findings) = check_json(repo.path(), &[]);
    let found = codes(&findings);
    assert!(
        found.iter().all(|c| c == "A008" || c == "A009"),
        "{found:?}\n{updated}"
    );

    // Nothing new: nothing changes.
    let output = import_statuspage_text(repo.path(), &source, &["--update"]);
    assert!(
        stdout(&output).contains("skipped z1y2x3w4v5u6: up to date"),
        "{}",
        stdout(&output)
    );
    assert_eq!(read(repo.path(), path), updated);
}

#[test]
fn incidents_within_the_merge_window_on_a_shared_service_become_one_report() {
    let repo = repository();
    let mut source = statuspage_fixture();
    // The same failure, published a second time four minutes later on one of its components.
    let mut twin = source["incidents"][0].clone();
    twin["id"] = "t9t8t7t6t5t4".into();
    twin["name"] = "Login failures".into();
    twin["started_at"] = "2026-03-31T10:04:00.000Z".into();
    twin["postmortem_body"] = serde_json::Value::Null;
    source["incidents"].as_array_mut().unwrap().push(twin);
    let output = import_statuspage_text(repo.path(), &source, &["--merge-window", "10m"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        reports(repo.path()),
        [
            "2026/2026-03-31-failed-logins-and-slow-api-responses.yaml",
            "2026/2026-05-06-intermittent-errors-on-the-website.yaml",
        ]
    );
    let text = read(
        repo.path(),
        "incidents/2026/2026-03-31-failed-logins-and-slow-api-responses.yaml",
    );
    assert!(text.contains("  merged:\n    - t9t8t7t6t5t4\n"), "{text}");
    // A later import knows the merged id too: two reports, both already there.
    let output = import_statuspage_text(repo.path(), &source, &[]);
    assert!(
        stdout(&output).contains("0 wrote, 2 already imported"),
        "{}",
        stdout(&output)
    );
    // Without the window they are two reports.
    let separate = repository();
    import_statuspage_text(separate.path(), &source, &[]);
    assert_eq!(reports(separate.path()).len(), 3);
}

#[test]
fn an_incident_joining_an_imported_group_is_added_by_update_and_named_without_it() {
    let repo = repository();
    let mut first = statuspage_fixture();
    first["incidents"].as_array_mut().unwrap().truncate(1);
    let output = import_statuspage_text(repo.path(), &first, &["--merge-window", "10m"]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The source then publishes the same failure again, four minutes after the first.
    let mut later = first.clone();
    let mut twin = later["incidents"][0].clone();
    twin["id"] = "t9t8t7t6t5t4".into();
    twin["started_at"] = "2026-03-31T10:04:00.000Z".into();
    twin["postmortem_body"] = serde_json::Value::Null;
    twin["incident_updates"] = serde_json::json!([{
        "body": "Login failures are also seen in the mobile app.",
        "created_at": "2026-03-31T10:55:00.000Z",
        "display_at": "2026-03-31T10:55:00.000Z",
        "affected_components": []
    }]);
    later["incidents"].as_array_mut().unwrap().push(twin);
    let output = import_statuspage_text(repo.path(), &later, &["--merge-window", "10m"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("source id t9t8t7t6t5t4 belongs with incidents/2026/2026-03-31-failed-logins-and-slow-api-responses.yaml, imported before; run with --update to add it"),
        "{}",
        stdout(&output)
    );
    let output =
        import_statuspage_text(repo.path(), &later, &["--merge-window", "10m", "--update"]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let text = read(
        repo.path(),
        "incidents/2026/2026-03-31-failed-logins-and-slow-api-responses.yaml",
    );
    assert!(text.contains("  merged:\n    - t9t8t7t6t5t4\n"), "{text}");
    assert!(
        text.contains("Login failures are also seen in the mobile app."),
        "{text}"
    );
    let (_, findings) = check_json(repo.path(), &[]);
    let found = codes(&findings);
    assert!(
        found.iter().all(|c| c == "A008" || c == "A009"),
        "{found:?}"
    );
}

#[test]
fn update_keeps_the_files_indentation_and_line_ends_or_leaves_it_alone() {
    let repo = repository();
    let mut source = statuspage_fixture();
    source["incidents"][2]["status"] = "investigating".into();
    source["incidents"][2]["incident_updates"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    import_statuspage_text(repo.path(), &source, &[]);
    let path = "incidents/2026/2026-05-06-intermittent-errors-on-the-website.yaml";
    // A person's editor re-indents the lists by four and writes Windows line ends.
    let edited = read(repo.path(), path)
        .replace("\n  - ", "\n    - ")
        .replace("\n    kind:", "\n      kind:")
        .replace("\n    channel:", "\n      channel:")
        .replace("\n    url:", "\n      url:")
        .replace("\n    text:", "\n      text:")
        .replace('\n', "\r\n");
    repo.write(path, &edited);
    let later = statuspage_fixture();
    let output = import_statuspage_text(repo.path(), &later, &["--update"]);
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let updated = read(repo.path(), path);
    assert!(
        !updated.replace("\r\n", "").contains('\n'),
        "line ends kept"
    );
    assert!(
        updated.contains(
            "\r\n    - at: 2026-05-06T15:05:00+02:00\r\n      kind: public-statement\r\n"
        ),
        "{updated}"
    );
    let (_, findings) = check_json(repo.path(), &[]);
    let found = codes(&findings);
    assert!(
        found.iter().all(|c| c == "A008" || c == "A009"),
        "{found:?}\n{updated}"
    );

    // A statement the source added before the file's last event cannot be appended in
    // order: the file is left alone, with the reason.
    let mut out_of_order = statuspage_fixture();
    out_of_order["incidents"][2]["incident_updates"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "body": "An earlier note.",
            "created_at": "2026-05-06T14:30:00.000+02:00",
            "display_at": "2026-05-06T14:30:00.000+02:00"
        }));
    let output = import_statuspage_text(repo.path(), &out_of_order, &["--update"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("not updated: the source has a statement at 2026-05-06T14:30:00+02:00 that is earlier than the file's last event"),
        "{}",
        stdout(&output)
    );
    assert_eq!(read(repo.path(), path), updated);
}

#[test]
fn hostile_inputs_end_in_problems_not_in_hangs_copies_or_injected_fields() {
    let repo = repository();
    let folder = tempfile::tempdir().unwrap();
    let stactus = |id: &str, name: &str| {
        format!(
            "version: incident/v1\nid: {id}\nname: {name}\nimpact: minor\nsystems: [API]\ntimeline:\n  - ts: \"2026-09-01 06:12:00\"\n    description: Down.\n"
        )
    };
    std::fs::write(folder.path().join("a.yaml"), stactus("dup1", "First")).unwrap();
    std::fs::create_dir(folder.path().join("sub")).unwrap();
    std::fs::write(folder.path().join("sub/b.yaml"), stactus("dup1", "Second")).unwrap();
    // A carriage return in a file name must not start a line of YAML in the report.
    std::fs::write(
        folder.path().join("x\rstatus: final\r#.yaml"),
        stactus("cr1", "Carriage return"),
    )
    .unwrap();
    // Links back up the tree are not followed (they would never end).
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(".", folder.path().join("loop1")).unwrap();
        std::os::unix::fs::symlink(".", folder.path().join("sub/loop2")).unwrap();
    }
    let output = candor()
        .current_dir(repo.path())
        .args(["import", "stactus"])
        .arg(folder.path())
        .args(["--organisation", "operator", "--map"])
        .arg(fixture("import/map.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains("the source id `dup1` was already read from")
            && out.contains("two incidents cannot share an id"),
        "{out}"
    );
    assert!(out.contains("2 wrote"), "{out}");
    for report in reports(repo.path()) {
        let text = read(repo.path(), &format!("incidents/{report}"));
        assert_eq!(text.matches("\nstatus:").count(), 1, "{text}");
        assert!(!text.contains('\r'), "{text:?}");
        assert!(
            !text.contains(&folder.path().display().to_string()),
            "no local path: {text}"
        );
    }
    let (_, findings) = check_json(repo.path(), &[]);
    let found = codes(&findings);
    assert!(
        found.iter().all(|c| c == "A008" || c == "A009"),
        "{found:?}"
    );

    // A report a person broke mid-edit is not silently imported a second time.
    let report = &reports(repo.path())[0];
    let broken =
        read(repo.path(), &format!("incidents/{report}")).replace("severity:", "severity: [");
    repo.write(&format!("incidents/{report}"), &broken);
    let output = candor()
        .current_dir(repo.path())
        .args(["import", "stactus"])
        .arg(folder.path())
        .args(["--organisation", "operator", "--map"])
        .arg(fixture("import/map.yaml"))
        .output()
        .unwrap();
    assert!(
        stdout(&output).contains("may have been imported before as"),
        "{}",
        stdout(&output)
    );
    assert_eq!(reports(repo.path()).len(), 2);

    // An absurd merge window is refused, not a crash.
    let output = candor()
        .current_dir(repo.path())
        .args(["import", "stactus", "--merge-window", "999999999999999d"])
        .arg(folder.path())
        .args(["--organisation", "operator", "--map"])
        .arg(fixture("import/map.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("longer than a year"),
        "{}",
        stderr(&output)
    );
}
