//! `candor build`: pages, drafts, open data, manifest, determinism, the committed tree versus
//! the working tree, history, hostile text, the output-folder guard, and snapshots.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::support::{GitRepo, build, candor, files_under, project_root};

/// The bundled examples with their history.
fn examples_repo() -> GitRepo {
    GitRepo::examples()
}

#[test]
fn the_example_history_ends_with_the_bundled_examples() {
    let repo = examples_repo();
    let committed = files_under(&repo.path().join("incidents"));
    assert_eq!(committed, files_under(&project_root().join("incidents")));
    for file in committed {
        assert_eq!(
            std::fs::read(repo.path().join("incidents").join(&file)).unwrap(),
            std::fs::read(project_root().join("incidents").join(&file)).unwrap(),
            "incidents/{file} differs from the end of examples/history.mbox; see examples/example-repo.sh"
        );
    }
    assert_eq!(
        std::fs::read(repo.path().join("candor.yaml")).unwrap(),
        std::fs::read(project_root().join("candor.yaml")).unwrap()
    );
    let git = git2::Repository::open(repo.path()).unwrap();
    let mut walk = git.revwalk().unwrap();
    walk.push_head().unwrap();
    assert!(
        walk.count() > 10,
        "the history should tell how the reports evolved"
    );
}

/// (id, status) of every bundled example.
fn example_reports() -> Vec<(String, String)> {
    let mut reports = Vec::new();
    for year in std::fs::read_dir(project_root().join("incidents")).unwrap() {
        for entry in std::fs::read_dir(year.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let status = text
                .lines()
                .find_map(|l| l.strip_prefix("status: "))
                .unwrap()
                .to_owned();
            reports.push((
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                status,
            ));
        }
    }
    reports.sort();
    reports
}

fn built_examples() -> (GitRepo, tempfile::TempDir) {
    let repo = examples_repo();
    let out = tempfile::tempdir().unwrap();
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    (repo, out)
}

#[test]
fn every_published_report_has_a_page_in_every_language_and_drafts_none() {
    let (_repo, out) = built_examples();
    let site = out.path().join("site");
    let reports = example_reports();
    let drafts: Vec<&(String, String)> = reports.iter().filter(|(_, s)| s == "draft").collect();
    assert!(!drafts.is_empty());
    for (id, status) in &reports {
        for lang in ["da", "en"] {
            let page = site.join(format!("{lang}/reports/{id}.html"));
            assert_eq!(
                page.exists(),
                status != "draft",
                "{lang} page for {id} ({status})"
            );
        }
    }
    for file in files_under(&site) {
        let text = std::fs::read_to_string(site.join(&file)).unwrap_or_default();
        for (id, _) in &drafts {
            assert!(
                !text.contains(id.as_str()),
                "the draft {id} appears in {file}"
            );
            assert!(!file.contains(id.as_str()));
        }
        assert!(!text.contains("Draft: e-mails"), "draft text in {file}");
    }
    for page in [
        "index.html",
        "services/index.html",
        "organisations/index.html",
        "actions.html",
        "rules/index.html",
        "rules/A006.html",
        "about.html",
        "404.html",
        "feed.xml",
        "search-index.js",
    ] {
        for lang in ["da", "en"] {
            assert!(site.join(lang).join(page).exists(), "{lang}/{page}");
        }
    }
    let root = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(root.contains(r#"<meta http-equiv="refresh" content="0; url=da/index.html">"#));
    assert!(root.contains(r#"<a href="en/index.html""#));
    let danish =
        std::fs::read_to_string(site.join("da/reports/2026-03-02-national-eid-login-outage.html"))
            .unwrap();
    assert!(danish.contains(r#"<html lang="da">"#));
    assert!(
        danish.contains("Hvad offentligheden fik at vide"),
        "UI strings come from the Danish file"
    );
    assert!(
        danish.contains(r#"href="../../en/reports/2026-03-02-national-eid-login-outage.html""#),
        "language switcher"
    );
}

#[test]
fn open_data_equals_the_published_reports() {
    let (_repo, out) = built_examples();
    let site = out.path().join("site");
    let data: Vec<Value> =
        serde_json::from_slice(&std::fs::read(site.join("data/incidents.json")).unwrap()).unwrap();
    let published: BTreeSet<String> = example_reports()
        .into_iter()
        .filter(|(_, s)| s != "draft")
        .map(|(id, _)| id)
        .collect();
    let ids: BTreeSet<String> = data
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, published);
    for report in &data {
        let id = report["id"].as_str().unwrap();
        let year = &id[..4];
        let bytes =
            std::fs::read(project_root().join(format!("incidents/{year}/{id}.yaml"))).unwrap();
        let source = candor::load::load(&bytes, &candor::config::Limits::default())
            .root
            .unwrap()
            .to_json();
        let typed: candor::model::Incident = serde_json::from_value(source).unwrap();
        assert_eq!(
            report,
            &serde_json::to_value(&typed).unwrap(),
            "{id} in incidents.json"
        );
    }
    let csv = std::fs::read_to_string(site.join("data/incidents.csv")).unwrap();
    assert_eq!(csv.lines().count(), published.len() + 1);
    assert!(csv.starts_with("id,title,status,"));
    for id in &published {
        assert!(
            csv.lines().any(|l| l.starts_with(&format!("{id},"))),
            "{id} in incidents.csv"
        );
    }
    let actions = std::fs::read_to_string(site.join("data/actions.csv")).unwrap();
    let expected_actions: usize = data
        .iter()
        .map(|r| r["actions"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(actions.lines().count(), expected_actions + 1);
    let schema: Value =
        serde_json::from_slice(&std::fs::read(site.join("schema/incident.schema.json")).unwrap())
            .unwrap();
    assert_eq!(schema, candor::schema::incident_schema());
}

#[test]
fn manifest_lists_every_file_with_its_hash_and_the_commit() {
    let (repo, out) = built_examples();
    let site = out.path().join("site");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(site.join("manifest.json")).unwrap()).unwrap();
    let head = git2::Repository::open(repo.path())
        .unwrap()
        .head()
        .unwrap()
        .target()
        .unwrap()
        .to_string();
    assert_eq!(manifest["source_commit"], head.as_str());
    let listed = manifest["files"].as_object().unwrap();
    let files: Vec<String> = files_under(&site)
        .into_iter()
        .filter(|f| f != "manifest.json")
        .collect();
    assert_eq!(listed.keys().cloned().collect::<Vec<_>>(), files);
    for file in &files {
        let bytes = std::fs::read(site.join(file)).unwrap();
        assert_eq!(
            listed[file],
            candor::publish::Sha256Sum::of(&bytes).to_string(),
            "{file}"
        );
    }
}

#[test]
fn two_builds_of_one_commit_are_byte_identical() {
    let repo = examples_repo();
    let out = tempfile::tempdir().unwrap();
    for name in ["one", "two"] {
        assert!(
            build(repo.path(), &out.path().join(name), &[])
                .status
                .success()
        );
    }
    let one = files_under(&out.path().join("one"));
    assert_eq!(one, files_under(&out.path().join("two")));
    for file in one {
        assert!(
            std::fs::read(out.path().join("one").join(&file)).unwrap()
                == std::fs::read(out.path().join("two").join(&file)).unwrap(),
            "{file} differs"
        );
    }
}

#[test]
fn uncommitted_edits_are_not_published_but_worktree_previews_them() {
    let repo = examples_repo();
    let path = "incidents/2026/2026-10-06-health-portal-slow-prescriptions.yaml";
    let text = std::fs::read_to_string(repo.path().join(path)).unwrap();
    repo.write(
        path,
        &text.replace(
            "prescription renewal very slow for three hours",
            "UNCOMMITTED TITLE",
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let page = "en/reports/2026-10-06-health-portal-slow-prescriptions.html";

    assert!(
        build(repo.path(), &out.path().join("committed"), &[])
            .status
            .success()
    );
    let committed = std::fs::read_to_string(out.path().join("committed").join(page)).unwrap();
    assert!(committed.contains("prescription renewal very slow for three hours"));
    assert!(!committed.contains("UNCOMMITTED TITLE"));

    assert!(
        build(repo.path(), &out.path().join("preview"), &["--worktree"])
            .status
            .success()
    );
    let preview = std::fs::read_to_string(out.path().join("preview").join(page)).unwrap();
    assert!(preview.contains("UNCOMMITTED TITLE"));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("preview/manifest.json")).unwrap())
            .unwrap();
    assert!(
        manifest["source_commit"].is_null(),
        "a preview names no commit"
    );
}

const CONFIG: &str = "site:\n  title: Incidents\n  base_url: https://incidents.example.org/\n  languages: [en]\norganisations:\n  agency: {name: The Agency}\nservices:\n  login: {name: Login, organisation: agency, availability_target: 99.9}\n";

fn report(status: &str, severity: &str, users: u64, actions: &str, wording: &str) -> String {
    format!(
        "schema: 1
id: 2026-05-04-login-outage
title: Login failed
language: en
status: {status}
organisation: agency
services: [login]
severity: {severity}
started_at: 2026-05-04T09:00:00+02:00
detected_at: 2026-05-04T09:05:00+02:00
resolved_at: 2026-05-04T09:40:00+02:00
summary: Nobody could log in {wording}.
impact:
  users_affected: {{estimate: {users}}}
  outage: full
timeline:
  - at: 2026-05-04T09:20:00+02:00
    kind: public-statement
    channel: Status page
    text: Login is down.
root_cause:
  status: confirmed
  category: system-failure
  trigger: An expired certificate on the login service.
  description: The renewal job failed for weeks and nobody monitored its errors or the expiry date.
actions:
{actions}"
    )
}

const ACTION_1: &str = "  - {id: A1, type: prevent, action: Monitor expiry dates., owner: Operations, due: 2026-09-30, status: planned}\n";
const ACTION_1_REDATED: &str = "  - {id: A1, type: prevent, action: Monitor expiry dates., owner: Operations, due: 2027-01-31, status: in-progress}\n";
const ACTION_2: &str = "  - {id: A2, type: process, action: Faster statements., owner: Communications, due: 2027-02-28, status: planned}\n";

#[test]
fn history_shows_first_publication_and_changed_fields() {
    let repo = GitRepo::new(CONFIG);
    let file = "incidents/2026/2026-05-04-login-outage.yaml";
    repo.write(file, &report("draft", "minor", 1000, ACTION_1, "(draft)"));
    repo.commit("Start a draft", 1_777_900_000);
    repo.write(
        file,
        &report("preliminary", "major", 150_000, ACTION_1, "(first)"),
    );
    let published = repo.commit("Publish the preliminary report", 1_777_910_000);
    repo.write(
        file,
        &report(
            "final",
            "critical",
            2_000_000,
            &format!("{ACTION_1_REDATED}{ACTION_2}"),
            "(first)",
        ),
    );
    let amended = repo.commit(
        "Final report: severity raised, A1 re-dated, A2 added",
        1_778_500_000,
    );
    repo.write(
        file,
        &report(
            "final",
            "critical",
            2_000_000,
            &format!("{ACTION_1_REDATED}{ACTION_2}"),
            "(reworded)",
        ),
    );
    repo.commit("Fix a typo", 1_778_600_000);
    // A moved file keeps its history: the id is the file name.
    std::fs::create_dir_all(repo.path().join("incidents/archive")).unwrap();
    std::fs::rename(
        repo.path().join(file),
        repo.path()
            .join("incidents/archive/2026-05-04-login-outage.yaml"),
    )
    .unwrap();
    repo.commit("Move to the archive", 1_778_700_000);

    let out = tempfile::tempdir().unwrap();
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let page = std::fs::read_to_string(
        out.path()
            .join("site/en/reports/2026-05-04-login-outage.html"),
    )
    .unwrap();
    let history = &page[page.find(r#"<section id="history""#).unwrap()..];
    // Commit subjects are the authors' notes to each other, not public text: by default a
    // revision says which key fields it changed.
    assert!(
        history.contains(&format!("<code>{}</code></a></p>", &published[..7])),
        "{history}"
    );
    for private in [
        "Start a draft",
        "Publish the preliminary",
        "severity raised",
        "Fix a typo",
    ] {
        assert!(!history.contains(private), "{private} in {history}");
    }
    assert!(
        history.contains(&format!(
            "<code>{}</code></a> · Amended: Status, Severity, Users affected, Action A1 due date, Action A1 status, Action A2 added.</p>",
            &amended[..7]
        )),
        "{history}"
    );
    for row in [
        "<tr><th scope=\"row\">Status</th><td data-label=\"Before\">Preliminary report</td><td data-label=\"After\">Final report</td></tr>",
        "<tr><th scope=\"row\">Severity</th><td data-label=\"Before\">Major</td><td data-label=\"After\">Critical</td></tr>",
        "<tr><th scope=\"row\">Users affected</th><td data-label=\"Before\">150,000</td><td data-label=\"After\">2,000,000</td></tr>",
        "<tr><th scope=\"row\">Action A1 due date</th><td data-label=\"Before\">30 September 2026</td><td data-label=\"After\">31 January 2027</td></tr>",
        "<tr><th scope=\"row\">Action A1 status</th><td data-label=\"Before\">Planned</td><td data-label=\"After\">In progress</td></tr>",
        "<tr><th scope=\"row\">Action A2 added</th><td data-label=\"Before\">—</td><td data-label=\"After\">28 February 2027</td></tr>",
    ] {
        assert!(history.contains(row), "missing {row} in {history}");
    }
    assert!(
        history.contains(
            "</code></a></p>\n      <p class=\"muted\">No key field changed (status, severity, root cause, users affected, resolution, actions).</p>"
        ),
        "{history}"
    );
    let feed = std::fs::read_to_string(out.path().join("site/en/feed.xml")).unwrap();
    assert!(feed.contains(&format!("2026-05-04-login-outage.html#{}", &published[..7])));
    assert!(feed.contains(&format!("2026-05-04-login-outage.html#{}", &amended[..7])));
}

#[test]
fn revisions_say_their_change_note_and_commit_subjects_only_when_the_site_shows_them() {
    let file = "incidents/2026/2026-05-04-login-outage.yaml";
    let preliminary = report("preliminary", "major", 150_000, ACTION_1, "(first)");
    let with_note = report("final", "critical", 2_000_000, ACTION_1, "(first)").replace(
        "actions:\n",
        "change_note: Severity raised after the user count was measured.\nactions:\n",
    );
    for shows_commits in [false, true] {
        let config = if shows_commits {
            CONFIG.replace(
                "  languages: [en]\n",
                "  languages: [en]\n  show_commit_messages: true\n",
            )
        } else {
            CONFIG.to_owned()
        };
        let repo = GitRepo::new(&config);
        repo.write(file, &preliminary);
        repo.commit("Publish the preliminary report", 1_777_910_000);
        repo.write(file, &with_note);
        repo.commit("Final report", 1_778_500_000);
        // The note stays in the file: a later revision does not repeat it.
        repo.write(file, &with_note.replace("(first)", "(reworded)"));
        repo.commit("Fix a typo", 1_778_600_000);

        let out = tempfile::tempdir().unwrap();
        let output = build(repo.path(), &out.path().join("site"), &[]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        let page = std::fs::read_to_string(
            out.path()
                .join("site/en/reports/2026-05-04-login-outage.html"),
        )
        .unwrap();
        let history = &page[page.find(r#"<section id="history""#).unwrap()..];
        assert!(
            history.contains(" · Severity raised after the user count was measured.</p>"),
            "{history}"
        );
        assert_eq!(
            history.matches("Severity raised after").count(),
            1,
            "{history}"
        );
        assert_eq!(
            history.contains("Publish the preliminary report"),
            shows_commits,
            "{history}"
        );
        assert_eq!(
            history.contains(" · Fix a typo</p>"),
            shows_commits,
            "{history}"
        );
        assert!(
            !history.contains("Final report</p>"),
            "the note wins over the subject: {history}"
        );
    }
}

#[test]
fn a_severity_lowered_and_a_promise_postponed_twice_show_on_the_pages_and_in_open_data() {
    let repo = GitRepo::new(CONFIG);
    let file = "incidents/2026/2026-05-04-login-outage.yaml";
    let action = |due: &str, status: &str| {
        format!(
            "  - {{id: A1, type: prevent, action: Monitor expiry dates., owner: Operations, due: {due}, status: {status}}}\n"
        )
    };
    repo.write(
        file,
        &report(
            "final",
            "critical",
            2_000_000,
            &action("2026-06-30", "planned"),
            "(first)",
        ),
    );
    let first = repo.commit("Final report", 1_778_000_000);
    repo.write(
        file,
        &report(
            "final",
            "critical",
            2_000_000,
            &action("2026-09-30", "in-progress"),
            "(first)",
        ),
    );
    repo.commit("A1 moved", 1_779_000_000);
    repo.write(
        file,
        &report(
            "final",
            "major",
            2_000_000,
            &action("2026-12-31", "in-progress"),
            "(first)",
        ),
    );
    repo.commit("A1 moved again, severity lowered", 1_780_000_000);

    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let output = build(repo.path(), &site, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let page =
        std::fs::read_to_string(site.join("en/reports/2026-05-04-login-outage.html")).unwrap();
    assert!(
        page.contains(
            r##"<a class="badge changed" href="#later-changes">Changed after publication</a>"##
        ),
        "{page}"
    );
    assert!(
        page.contains("<li class=\"warning-text\">Severity lowered from Critical to Major.</li>"),
        "{page}"
    );
    assert!(
        page.contains(
            "<li class=\"warning-text\">Action A1 moved from 30 June 2026 to 31 December 2026.</li>"
        ),
        "{page}"
    );
    assert!(
        page.contains("first promised for 30 June 2026; postponed 2 times"),
        "{page}"
    );

    let actions: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/actions.json")).unwrap()).unwrap();
    let a1 = &actions["actions"][0];
    assert_eq!(a1["original_due"], "2026-06-30");
    assert_eq!(a1["postponements"], 2);
    assert_eq!(a1["due"], "2026-12-31");
    assert_eq!(a1["kept_by_original_due"], false);
    let changes: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/changes.json")).unwrap()).unwrap();
    let listed = &changes["reports"][0]["changes"];
    assert_eq!(
        listed[0],
        serde_json::json!({"kind": "severity-lowered", "from": "critical", "to": "major"})
    );
    assert_eq!(
        listed[1],
        serde_json::json!({"kind": "action-redated", "id": "A1", "from": "2026-06-30", "to": "2026-12-31"})
    );
    let csv = std::fs::read_to_string(site.join("data/actions.csv")).unwrap();
    assert!(
        csv.contains(",2026-12-31,in-progress,false,,2026-06-30,2,false,"),
        "{csv}"
    );
    let organisations: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/organisations.json")).unwrap())
            .unwrap();
    assert_eq!(organisations["organisations"][0]["actions_postponed"], 1);

    // The first published revision's page keeps what was published then.
    let revision = std::fs::read_to_string(site.join(format!(
        "en/reports/2026-05-04-login-outage/{}.html",
        &first[..7]
    )))
    .unwrap();
    assert!(
        revision.contains("<div><dt>Severity</dt><dd>Critical</dd></div>"),
        "{revision}"
    );
    assert!(revision.contains("<tr data-action=\"A1\"><th scope=\"row\">A1</th><td data-label=\"Due\">30 June 2026</td><td data-label=\"Status\">Planned</td></tr>"), "{revision}");
    assert!(page.contains(&format!(
        "href=\"2026-05-04-login-outage/{}.html\"",
        &first[..7]
    )));
    // ... and never changes: built on a later day, the page is the same to the byte, while
    // the report's own page says how things stand on that day.
    assert!(!revision.contains("Status as of"), "{revision}");
    let later = out.path().join("later");
    let output = candor()
        .current_dir(repo.path())
        .args(["build", "--today", "2027-03-01", "--out"])
        .arg(&later)
        .output()
        .unwrap();
    assert!(output.status.success());
    let revision_path = format!("en/reports/2026-05-04-login-outage/{}.html", &first[..7]);
    assert_eq!(
        std::fs::read(site.join(&revision_path)).unwrap(),
        std::fs::read(later.join(&revision_path)).unwrap()
    );
    assert_ne!(
        std::fs::read(site.join("en/reports/2026-05-04-login-outage.html")).unwrap(),
        std::fs::read(later.join("en/reports/2026-05-04-login-outage.html")).unwrap()
    );

    // The calendar holds the open action on its current due date, with a stable UID.
    let calendar = std::fs::read_to_string(site.join("en/actions.ics")).unwrap();
    assert!(
        calendar.contains("UID:2026-05-04-login-outage.a1@incidents.example.org\r\n"),
        "{calendar}"
    );
    assert!(
        calendar.contains("DTSTART;VALUE=DATE:20261231\r\n"),
        "{calendar}"
    );
    assert!(calendar.contains("postponed 2 times"), "{calendar}");
    // The whole file, as the standard wants it: every line ends in CRLF.
    assert!(
        calendar
            .split_inclusive('\n')
            .all(|line| line.ends_with("\r\n")),
        "{calendar:?}"
    );
    insta::assert_snapshot!("actions_calendar_en", calendar.replace("\r\n", "\n"));
}

#[test]
fn hostile_report_text_is_inert() {
    let repo = GitRepo::new(CONFIG);
    let hostile = report("final", "critical", 2_000_000, ACTION_1, "")
        .replace("title: Login failed", "title: \"<script>alert('title')</script>\"")
        .replace(
            "summary: Nobody could log in .",
            "summary: \"<img src=x onerror=alert(1)> [click](javascript:alert(2)) <iframe src=https://evil.example></iframe> ![t](https://evil.example/p.png)\"",
        )
        .replace("channel: Status page", "channel: \"<b onmouseover=alert(3)>Status</b>\"\n    url: \"javascript:alert(4)\"");
    repo.write("incidents/2026/2026-05-04-login-outage.yaml", &hostile);
    repo.commit("Hostile", 1_777_900_000);
    let out = tempfile::tempdir().unwrap();
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let site = out.path().join("site");
    for file in files_under(&site)
        .into_iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".xml"))
    {
        let text = std::fs::read_to_string(site.join(&file)).unwrap();
        for tag in raw_tags(&text) {
            let lower = tag.to_ascii_lowercase();
            assert!(
                !lower.starts_with("<img")
                    && !lower.starts_with("<iframe")
                    && !lower.starts_with("<b "),
                "{tag} in {file}"
            );
            assert!(
                !lower.contains(" onerror") && !lower.contains(" onmouseover"),
                "{tag} in {file}"
            );
            assert!(!lower.contains("javascript:"), "{tag} in {file}");
            assert!(
                !lower.starts_with("<script") || lower.contains(" src="),
                "{tag} in {file}"
            );
        }
    }
    let page =
        std::fs::read_to_string(site.join("en/reports/2026-05-04-login-outage.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(&#x27;title&#x27;)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;"),
        "the title is shown as text"
    );
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;") || page.contains("&lt;img"),
        "raw HTML is shown as text"
    );
}

#[test]
fn the_output_folder_guard_never_deletes_user_files() {
    let repo = examples_repo();
    let out = tempfile::tempdir().unwrap();
    let mine = out.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
    let output = build(repo.path(), &mine, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not written by Candor"));
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(files_under(&mine), ["notes.txt"]);

    let site = out.path().join("site");
    assert!(build(repo.path(), &site, &[]).status.success());
    std::fs::write(site.join("en/extra.html"), "mine").unwrap();
    let output = build(repo.path(), &site, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("en/extra.html"));
    assert!(
        site.join("en/index.html").exists(),
        "the previous site is intact"
    );
    std::fs::remove_file(site.join("en/extra.html")).unwrap();
    assert!(
        build(repo.path(), &site, &[]).status.success(),
        "a site Candor built is replaced"
    );

    std::fs::write(out.path().join("file"), "x").unwrap();
    assert_eq!(
        build(repo.path(), &out.path().join("file"), &[])
            .status
            .code(),
        Some(2)
    );
    let leftovers: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("candor-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn structure_and_time_findings_stop_the_build() {
    let repo = GitRepo::new(CONFIG);
    repo.write(
        "incidents/2026/2026-05-04-login-outage.yaml",
        &report("final", "critical", 2_000_000, ACTION_1, "").replace(
            "detected_at: 2026-05-04T09:05",
            "detected_at: 2026-05-04T08:05",
        ),
    );
    repo.commit("Times out of order", 1_777_900_000);
    let out = tempfile::tempdir().unwrap();
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("error[T001]"), "{stdout}");
    assert!(stdout.contains("the site was not built"));
    assert!(!out.path().join("site").exists());

    // An accountability finding is shown on the page instead, unless --strict.
    repo.write(
        "incidents/2026/2026-05-04-login-outage.yaml",
        &report("final", "minor", 2_000_000, ACTION_1, ""),
    );
    repo.commit("Understated", 1_777_910_000);
    assert!(
        build(repo.path(), &out.path().join("site"), &[])
            .status
            .success()
    );
    let page = std::fs::read_to_string(
        out.path()
            .join("site/en/reports/2026-05-04-login-outage.html"),
    )
    .unwrap();
    assert!(page.contains(">A006</a>"), "the finding is on the page");
    assert_eq!(
        build(repo.path(), &out.path().join("strict"), &["--strict"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn repository_templates_override_the_built_in_ones() {
    let repo = examples_repo();
    repo.write("templates/404.html", "{% extends \"base.html\" %}{% block main %}<h1>Custom: {{ t.not_found.title }}</h1>{% endblock main %}");
    repo.commit("Custom 404", 1_764_100_000);
    let out = tempfile::tempdir().unwrap();
    assert!(
        build(repo.path(), &out.path().join("site"), &[])
            .status
            .success()
    );
    let page = std::fs::read_to_string(out.path().join("site/en/404.html")).unwrap();
    assert!(page.contains("<h1>Custom: Page not found</h1>"));

    repo.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ broken \n{% endblock main %}",
    );
    repo.commit("Broken template", 1_764_200_000);
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("404.html"), "{stderr}");
    assert!(
        out.path().join("site/en/index.html").exists(),
        "the previous site stays"
    );
}

/// Every markup tag in `text` (`<...>`), i.e. what a browser would parse as elements.
fn raw_tags(text: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        tags.push(&rest[start..start + end + 1]);
        rest = &rest[start + end + 1..];
    }
    tags
}

/// The `<main>` element of a page, with commit ids replaced.
fn main_of(site: &Path, page: &str, commits: &[&str]) -> String {
    let html = std::fs::read_to_string(site.join(page)).unwrap();
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap() + "</main>".len();
    let mut main = html[start..end].to_owned();
    for commit in commits {
        main = main
            .replace(commit, "[commit]")
            .replace(&commit[..7], "[commit]");
    }
    main
}

#[test]
fn snapshots_of_key_pages() {
    let repo = examples_repo();
    let head = git2::Repository::open(repo.path())
        .unwrap()
        .head()
        .unwrap()
        .target()
        .unwrap()
        .to_string();
    let out = tempfile::tempdir().unwrap();
    assert!(
        build(repo.path(), &out.path().join("site"), &[])
            .status
            .success()
    );
    let site = out.path().join("site");
    for (name, page) in [
        ("index_en", "en/index.html"),
        (
            "report_en",
            "en/reports/2026-03-02-national-eid-login-outage.html",
        ),
        (
            "report_da",
            "da/reports/2026-03-02-national-eid-login-outage.html",
        ),
        ("service_en", "en/services/digital-post.html"),
        (
            "organisation_en",
            "en/organisations/agency-for-digital-identity.html",
        ),
        ("actions_en", "en/actions.html"),
    ] {
        insta::assert_snapshot!(name, main_of(&site, page, &[head.as_str()]));
    }
    let _ = candor();
}

/// The text of the cell `data-figure="<figure>"` in the row `data-year="<year>"` of `html`.
fn figure_cell(html: &str, year: i64, figure: &str) -> Option<String> {
    figure_in_row(html, &format!("<tr data-year=\"{year}\">"), figure)
}

/// The text of the cell of `figure` in the row that starts with `row_start`.
fn figure_in_row(html: &str, row_start: &str, figure: &str) -> Option<String> {
    let start = html.find(row_start)?;
    let row = &html[start..start + html[start..].find("</tr>")?];
    let marker = format!("data-figure=\"{figure}\"");
    let cell = &row[row.find(&marker)? + marker.len()..];
    let cell = &cell[cell.find('>')? + 1..];
    let text = &cell[..cell.find("</td>")?];
    // Strip markup such as a warning's <strong>.
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    Some(plain)
}

/// "9,740,000" from 9740000.3 (English pages).
fn english_integer(value: f64) -> String {
    let digits = (value.round() as i64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every availability, user-hours and count on the English service and organisation pages
/// equals the number in `data/services.json` and `data/organisations.json`.
fn assert_pages_match_open_data(site: &Path) -> usize {
    let mut compared = 0;
    let services: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/services.json")).unwrap()).unwrap();
    assert_eq!(services["definitions_version"], 1);
    for service in services["services"].as_array().unwrap() {
        let key = service["key"].as_str().unwrap();
        let html = std::fs::read_to_string(site.join(format!("en/services/{key}.html"))).unwrap();
        let has_dependencies = !service["depends_on"].as_array().unwrap().is_empty();
        for year in service["years"].as_array().unwrap() {
            let number = year["year"].as_i64().unwrap();
            let percent = |a: &Value| format!("{:.3} %", a["ratio"].as_f64().unwrap() * 100.0);
            let mut expected = vec![
                ("availability", percent(&year["availability"])),
                (
                    "user_hours_lost",
                    english_integer(year["user_hours_lost"].as_f64().unwrap()),
                ),
            ];
            if has_dependencies {
                expected.push(("experienced", percent(&year["experienced"])));
            }
            for (figure, value) in expected {
                assert_eq!(
                    figure_cell(&html, number, figure).as_deref(),
                    Some(value.as_str()),
                    "{key} {number} {figure}"
                );
                compared += 1;
            }
        }
    }
    let organisations: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/organisations.json")).unwrap())
            .unwrap();
    // The trends page and each year's totals show the whole site's record.
    let trends = std::fs::read_to_string(site.join("en/trends.html")).unwrap();
    for year in organisations["site_years"].as_array().unwrap() {
        let number = year["year"].as_i64().unwrap();
        for figure in ["reports", "critical", "actions_due", "actions_kept_on_time"] {
            assert_eq!(
                figure_cell(&trends, number, figure),
                Some(year[figure].as_u64().unwrap().to_string()),
                "trends {number} {figure}"
            );
            compared += 1;
        }
        let sum: u64 = organisations["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| o["years"].as_array().unwrap())
            .filter(|y| y["year"] == number)
            .map(|y| y["reports"].as_u64().unwrap())
            .sum();
        assert_eq!(
            year["reports"].as_u64().unwrap(),
            sum,
            "site {number} = sum of organisations"
        );
        if let Ok(page) = std::fs::read_to_string(site.join(format!("en/years/{number}.html"))) {
            let marker =
                "<div data-figure=\"reports\"><dt>Reports</dt><dd><span class=\"total-value\">";
            let start = page.find(marker).expect("year totals") + marker.len();
            assert_eq!(
                &page[start..start + page[start..].find('<').unwrap()],
                year["reports"].as_u64().unwrap().to_string(),
                "year page {number}"
            );
            compared += 1;
        }
    }
    let compared_page =
        std::fs::read_to_string(site.join("en/organisations/compare.html")).unwrap();
    for organisation in organisations["organisations"].as_array().unwrap() {
        let key = organisation["key"].as_str().unwrap();
        let html =
            std::fs::read_to_string(site.join(format!("en/organisations/{key}.html"))).unwrap();
        for year in organisation["years"].as_array().unwrap() {
            let number = year["year"].as_i64().unwrap();
            // The organisation's year page and the comparison show the same row.
            let year_page =
                std::fs::read_to_string(site.join(format!("en/organisations/{key}/{number}.html")))
                    .unwrap();
            for figure in [
                "reports",
                "reports_late",
                "statements_understated",
                "actions_due",
                "actions_kept_on_time",
                "actions_overdue",
                "actions_dropped",
                "actions_postponed",
            ] {
                let expected = Some(year[figure].as_u64().unwrap().to_string());
                assert_eq!(
                    figure_cell(&html, number, figure),
                    expected,
                    "{key} {number} {figure}"
                );
                assert_eq!(
                    figure_cell(&year_page, number, figure),
                    expected,
                    "{key}/{number} {figure}"
                );
                assert_eq!(
                    figure_in_row(
                        &compared_page,
                        &format!("<tr data-year=\"{number}\" data-organisation=\"{key}\">"),
                        figure
                    ),
                    expected,
                    "compared {key} {number} {figure}"
                );
                compared += 3;
            }
            assert_eq!(
                figure_cell(&html, number, "user_hours_lost"),
                Some(english_integer(year["user_hours_lost"].as_f64().unwrap())),
                "{key} {number} user_hours_lost"
            );
            compared += 1;
        }
    }
    compared
}

#[test]
fn every_figure_on_the_pages_equals_open_data_on_the_examples() {
    let (_repo, out) = built_examples();
    let site = out.path().join("site");
    let compared = assert_pages_match_open_data(&site);
    assert!(compared > 50, "only {compared} figures compared");
    // The corrected figures of the examples: Digital Post's three and a half days of
    // degraded letters in 2026 miss its 99.8 % target, though it was never fully down.
    let services: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/services.json")).unwrap()).unwrap();
    let post = services["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "digital-post")
        .unwrap();
    let y2026 = post["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2026)
        .unwrap();
    assert_eq!(y2026["to_date"], true);
    assert_eq!(y2026["availability"]["full_minutes"], 0.0);
    assert_eq!(y2026["target_met"], false);
    assert!(
        y2026["experienced"]["full_minutes"].as_f64().unwrap() >= 265.0,
        "the national eID outage counts against Digital Post as experienced"
    );
}

#[test]
fn every_figure_on_the_pages_equals_open_data_on_a_generated_repository() {
    let config = "site:\n  title: Incidents\n  base_url: https://incidents.example.org/\n  languages: [en]\n  time_zone: Europe/Berlin\norganisations:\n  north: {name: North}\n  south: {name: South}\nservices:\n  core: {name: Core, organisation: north, availability_target: 99.95}\n  portal: {name: Portal, organisation: south, availability_target: 99.5, depends_on: [core]}\n  app: {name: App, organisation: south, depends_on: [portal]}\npolicy:\n  availability: {partial_weight: 0.5}\n";
    let repo = GitRepo::new(config);
    // A deterministic spread of overlapping, partial, cross-year and ongoing outages.
    let services = ["core", "portal", "app", "core", "portal"];
    let mut seed: u64 = 7;
    let mut next = |modulo: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % modulo
    };
    for index in 0..40 {
        let service = services[index % services.len()];
        let organisation = if service == "core" { "north" } else { "south" };
        let day = 1 + next(700) as i64;
        let start =
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(day);
        let hours = 1 + next(60);
        let start_text = format!("{start}T{:02}:15:00+01:00", next(24));
        let resolved = if index == 39 {
            String::new()
        } else {
            let start_time = chrono::DateTime::parse_from_rfc3339(&start_text).unwrap();
            let end = start_time + chrono::Duration::hours(hours as i64);
            if end.with_timezone(&chrono::Utc)
                >= chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap()
            {
                continue;
            }
            format!("resolved_at: {}\n", end.to_rfc3339())
        };
        if start_text.as_str() > "2026-11-30" {
            continue;
        }
        let outage = if next(3) == 0 { "partial" } else { "full" };
        let id = format!("r-{index:03}");
        repo.write(
            &format!("incidents/{id}.yaml"),
            &format!(
                "schema: 1\nid: {id}\ntitle: Outage {index}\nlanguage: en\nstatus: preliminary\norganisation: {organisation}\nservices: [{service}]\nseverity: critical\nstarted_at: {start_text}\ndetected_at: {start_text}\n{resolved}summary: Down.\nimpact: {{users_affected: {{estimate: {}}}, outage: {outage}}}\n",
                100 + next(50_000)
            ),
        );
    }
    repo.commit("Reports", 1_764_000_000);
    let out = tempfile::tempdir().unwrap();
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let compared = assert_pages_match_open_data(&out.path().join("site"));
    assert!(compared > 40, "only {compared} figures compared");
}

#[test]
fn finding_messages_are_in_the_page_language() {
    let (_repo, out) = built_examples();
    let site = out.path().join("site");
    let page = |lang: &str, id: &str| {
        std::fs::read_to_string(site.join(format!("{lang}/reports/{id}.html"))).unwrap()
    };
    let danish = page("da", "2026-03-02-national-eid-login-outage");
    assert!(
        danish.contains("Tiltag A2 havde frist den 30. september 2026 og er stadig i gang."),
        "the overdue action in Danish"
    );
    assert!(
        !danish.contains("was due on"),
        "no English finding text on a Danish page"
    );
    let english = page("en", "2026-03-02-national-eid-login-outage");
    assert!(english.contains("Action A2 was due on 30 September 2026 and is still in progress."));
    let late = page("da", "2026-05-20-digital-post-search-outage");
    assert!(late.contains(
        "Den endelige rapport blev først offentliggjort den 10. juli 2026, 51 dage efter"
    ));
    // The rule pages explain in the page's language too.
    let rule = std::fs::read_to_string(site.join("da/rules/A005.html")).unwrap();
    assert!(rule.contains("Hvad reglen kontrollerer"), "Danish headings");
    assert!(
        rule.contains("Forsinkede løfter vises offentligt"),
        "Danish explanation"
    );
}

/// `count` actions with ids `{prefix}1`, `{prefix}2`, ..., each "Step {id}." due on `due`.
fn actions(prefix: &str, count: usize, due: &str, status: &str) -> String {
    (1..=count)
        .map(|n| format!("  - {{id: {prefix}{n}, type: prevent, action: Step {prefix}{n}., owner: Operations, due: {due}, status: {status}}}\n"))
        .collect()
}

/// Two final reports on the login service, started on 4 May and 4 June 2026, with these
/// actions (a report holds at most 500, so a longer list needs both).
fn write_two_reports(repo: &GitRepo, first: &str, second: &str) {
    repo.write(
        "incidents/2026/2026-05-04-login-outage.yaml",
        &report("final", "critical", 2_000_000, first, ""),
    );
    repo.write(
        "incidents/2026/2026-06-04-login-outage.yaml",
        &report("final", "critical", 2_000_000, second, "again")
            .replace("id: 2026-05-04-login-outage", "id: 2026-06-04-login-outage")
            .replace("2026-05-04T", "2026-06-04T"),
    );
}

/// Commit what `repo` holds and build its site into a new temporary folder, which must be
/// written; returns the folder (kept while it lives) and the site in it.
fn commit_and_build(repo: &GitRepo) -> (tempfile::TempDir, std::path::PathBuf) {
    repo.commit("Publish", 1_781_000_000);
    built_site(repo)
}

/// Build `repo`'s commit into a new folder, which must succeed: the folder and the site in it.
fn built_site(repo: &GitRepo) -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let output = build(repo.path(), &site, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    (out, site)
}

#[test]
fn a_year_with_many_actions_is_split_into_pages_that_link_to_each_other() {
    let repo = GitRepo::new(CONFIG);
    // 501 actions due in 2027.
    write_two_reports(
        &repo,
        &actions("P", 300, "2027-03-31", "planned"),
        &actions("D", 201, "2027-06-30", "done"),
    );
    let (_out, site) = commit_and_build(&repo);
    let first = std::fs::read_to_string(site.join("en/actions/2027.html")).unwrap();
    let second = std::fs::read_to_string(site.join("en/actions/2027-2.html")).unwrap();
    assert!(!site.join("en/actions/2027-3.html").exists());
    for page in [&first, &second] {
        assert!(page.contains("<nav class=\"pager\" aria-label=\"Pages of this year\">"));
        assert!(page.contains("<li><a href=\"2027.html\""), "{page}");
        assert!(page.contains("<li><a href=\"2027-2.html\""), "{page}");
    }
    assert!(
        first.contains("Page 1 of 2: actions 1–500 of 501."),
        "{first}"
    );
    assert!(first.contains("<a href=\"2027.html\" aria-current=\"page\">1</a>"));
    assert!(
        second.contains("Page 2 of 2: actions 501–501 of 501."),
        "{second}"
    );
    assert!(
        second.contains("<title>Promised actions: 2027 (page 2 of 2)"),
        "{second}"
    );
    // Every action is on exactly one page: the planned ones and 200 done ones on the first
    // (the most recent done first), the last done one on the second.
    let rows = |page: &str| page.matches(">Step ").count();
    assert_eq!((rows(&first), rows(&second)), (500, 1));
    assert!(first.contains(">Step P300.<"));
    assert!(second.contains(">Step D1.<"), "{second}");
    assert!(!first.contains(">Step D1.<"));
    // A group split across pages, or kept wholly on another, says where the rest is.
    assert!(
        first.contains("More of this group on page <a href=\"2027-2.html#done\">2</a>"),
        "{first}"
    );
    assert!(second.contains("More of this group on page <a href=\"2027.html#done\">1</a>"));
    assert!(second.contains("More of this group on page <a href=\"2027.html#planned\">1</a>"));
    let overview = std::fs::read_to_string(site.join("en/actions.html")).unwrap();
    assert!(!overview.contains("class=\"pager\""));
    assert!(overview.contains("href=\"actions/2027.html\""));
}

#[test]
fn an_organisation_year_with_many_actions_is_split_into_pages() {
    let repo = GitRepo::new(CONFIG);
    write_two_reports(
        &repo,
        &actions("P", 300, "2026-12-20", "planned"),
        &actions("Q", 201, "2026-12-20", "planned"),
    );
    let (_out, site) = commit_and_build(&repo);
    let first = std::fs::read_to_string(site.join("en/organisations/agency/2026.html")).unwrap();
    let second = std::fs::read_to_string(site.join("en/organisations/agency/2026-2.html")).unwrap();
    assert!(!site.join("en/organisations/agency/2026-3.html").exists());
    let rows = |page: &str| page.matches(">Step ").count();
    assert_eq!((rows(&first), rows(&second)), (500, 1));
    assert!(first.contains("Actions 1–500 of 501."), "{first}");
    assert!(second.contains("Actions 501–501 of 501."), "{second}");
    assert!(first.contains("Page 1 of 2."));
    // Both reports are on the first page; the second says where they are.
    let report_rows = |page: &str| page.matches("<td data-label=\"Severity\"").count();
    assert_eq!(
        (report_rows(&first), report_rows(&second)),
        (2, 0),
        "{first}"
    );
    assert!(second.contains(">Step Q201.<"), "{second}");
    assert!(second.contains("Reports of this year on page <a href=\"2026.html#reports\">1</a>"));
    assert!(first.contains("Actions due this year on page <a href=\"2026-2.html#actions\">2</a>"));
    assert!(second.contains("<title>The Agency: 2026"), "{second}");
    assert!(second.contains("(page 2 of 2)"));
    // The organisation's page links its year to the first page.
    let organisation = std::fs::read_to_string(site.join("en/organisations/agency.html")).unwrap();
    assert!(
        organisation.contains("href=\"agency/2026.html#actions\""),
        "{organisation}"
    );
}

#[test]
fn a_year_with_many_reports_is_split_into_pages() {
    let repo = GitRepo::new(CONFIG);
    for n in 1..=201 {
        let id = format!("2026-05-04-login-outage-{n:03}");
        repo.write(
            &format!("incidents/2026/{id}.yaml"),
            &report("final", "minor", 10, ACTION_1, "")
                .replace("id: 2026-05-04-login-outage", &format!("id: {id}")),
        );
    }
    let (_out, site) = commit_and_build(&repo);
    let first = std::fs::read_to_string(site.join("en/years/2026.html")).unwrap();
    let second = std::fs::read_to_string(site.join("en/years/2026-2.html")).unwrap();
    assert!(!site.join("en/years/2026-3.html").exists());
    let rows = |page: &str| page.matches("<td data-label=\"Severity\"").count();
    assert_eq!((rows(&first), rows(&second)), (200, 1));
    assert!(
        first.contains("Page 1 of 2: reports 1–200 of 201."),
        "{first}"
    );
    assert!(
        second.contains("Page 2 of 2: reports 201–201 of 201."),
        "{second}"
    );
    assert!(second.contains("<a href=\"2026.html\">1</a>"));
    assert!(second.contains("<a href=\"2026-2.html\" aria-current=\"page\">2</a>"));
    assert!(
        second.contains("<title>Incidents in 2026 (page 2 of 2)"),
        "{second}"
    );
    // Every report is on one of the pages, once.
    for n in 1..=201 {
        let link = format!("reports/2026-05-04-login-outage-{n:03}.html\"");
        assert_eq!(
            first.matches(&link).count() + second.matches(&link).count(),
            1,
            "{link}"
        );
    }
}

/// The `<id>` of every entry of an Atom feed, in order.
fn feed_entry_ids(feed: &str) -> Vec<String> {
    feed.split("<entry>")
        .skip(1)
        .map(|entry| {
            let start = entry.find("<id>").unwrap() + "<id>".len();
            let end = entry.find("</id>").unwrap();
            entry[start..end].to_owned()
        })
        .collect()
}

#[test]
fn the_feeds_keep_their_newest_hundred_entries_with_their_texts() {
    let repo = GitRepo::new(CONFIG);
    let write = |index: usize| {
        // Each report has one overdue action, due on a later day the higher its number.
        let due = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
            + chrono::Duration::days(index as i64);
        repo.write(
            &format!("incidents/r-{index:03}.yaml"),
            &format!(
                "schema: 1\nid: r-{index:03}\ntitle: Outage {index}\nlanguage: en\nstatus: preliminary\norganisation: agency\nservices: [login]\nseverity: minor\nstarted_at: 2025-06-01T09:00:00+02:00\ndetected_at: 2025-06-01T09:05:00+02:00\nresolved_at: 2025-06-01T09:20:00+02:00\nsummary: Summary of *report {index}*.\nimpact: {{users_affected: {{estimate: 10}}, outage: partial}}\nactions:\n  - {{id: A1, type: prevent, action: Fix thing {index}., owner: Operations, due: {due}, status: planned}}\n"
            ),
        );
    };
    // 50 reports published first, 52 a day later: 102 candidates for 100 entries.
    (0..50).for_each(write);
    let first = repo.commit("First reports", 1_764_000_000);
    (50..102).for_each(write);
    let second = repo.commit("More reports", 1_764_086_400);
    let (_out, site) = built_site(&repo);
    let site = site.join("en");
    let page = |index: usize| format!("https://incidents.example.org/en/reports/r-{index:03}.html");

    // Newest first; among reports published together, by entry id. The two oldest are out.
    let feed = std::fs::read_to_string(site.join("feed.xml")).unwrap();
    let ids = feed_entry_ids(&feed);
    let tag = |index: usize| {
        if index < 50 {
            &first[..7]
        } else {
            &second[..7]
        }
    };
    let expected: Vec<String> = (50..102)
        .chain(0..48)
        .map(|index| format!("{}#{}", page(index), tag(index)))
        .collect();
    assert_eq!(ids, expected);
    assert!(
        feed.contains("<title>Published: Outage 101</title>"),
        "{feed}"
    );
    assert!(feed.contains("Summary of report 101."), "{feed}");
    assert!(!feed.contains("Outage 49<"), "{feed}");

    // Overdue actions: the latest due date first; the two due earliest are out.
    let overdue = std::fs::read_to_string(site.join("overdue.xml")).unwrap();
    let due = |index: usize| {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(index as i64)
    };
    let expected: Vec<String> = (2..102)
        .rev()
        .map(|index| format!("{}#overdue-a1-{}", page(index), due(index)))
        .collect();
    assert_eq!(feed_entry_ids(&overdue), expected);
    assert!(overdue.contains("Fix thing 101."), "{overdue}");
    assert!(!overdue.contains("Fix thing 1."), "{overdue}");
}
