//! `candor build --sources`: one national site from several temporary repositories. Keys are
//! namespaced, a dependency across sources counts in the dependent service's figures, the
//! national floor shows a finding a source relaxed, a source pinned to a missing commit is
//! listed as left out while the others publish, rebuilds are byte-identical, and the
//! manifest lists each source's commit.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{GitRepo, build, candor, files_under};

/// 2026-03-02T16:00:00Z: after the incident, when the agencies commit their reports.
const PUBLISHED_AT: i64 = 1_772_467_200;

/// The national eID agency: its login failed for 265 minutes, and its own candor.yaml turns
/// rule A011 (no public statement) off.
fn eid_repository() -> GitRepo {
    let repo = GitRepo::new(
        r#"site: {title: {da: "eID", en: "eID"}, base_url: https://eid.example.org/, languages: [da, en]}
organisations:
  agency: {name: {da: "eID-styrelsen", en: "The eID Agency"}}
services:
  login: {name: {da: "National login", en: "National login"}, organisation: agency, availability_target: 99.9}
rules: {A011: allow}
"#,
    );
    repo.write(
        "incidents/2026/login-certificate.yaml",
        &report("login-certificate", "login", "09:30", "13:55"),
    );
    repo.commit("Final report on the login outage", PUBLISHED_AT);
    repo
}

/// The digital post agency: its portal (which needs the national login) had its own
/// 30-minute outage; it uses the same organisation key as the eID agency.
fn post_repository() -> GitRepo {
    let repo = GitRepo::new(
        r#"site: {title: {da: "Post", en: "Post"}, base_url: https://post.example.org/, languages: [da, en]}
organisations:
  agency: {name: {da: "Poststyrelsen", en: "The Post Agency"}}
services:
  portal: {name: {da: "Postportalen", en: "Post portal"}, organisation: agency, availability_target: 99.5}
"#,
    );
    repo.write(
        "incidents/2026/portal-disk.yaml",
        &report("portal-disk", "portal", "10:00", "10:30"),
    );
    repo.commit("Final report on the portal outage", PUBLISHED_AT);
    repo
}

/// A final critical report on `service`, 2 March 2026 from `start` to `end` (+01:00), with
/// no public statement.
fn report(id: &str, service: &str, start: &str, end: &str) -> String {
    format!(
        r#"schema: 1
id: {id}
title: {{da: "Nedbrud", en: "Outage"}}
language: en
status: final
organisation: agency
services: [{service}]
severity: critical
started_at: 2026-03-02T{start}:00+01:00
detected_at: 2026-03-02T{start}:00+01:00
resolved_at: 2026-03-02T{end}:00+01:00
summary: {{da: "Ingen kunne bruge tjenesten.", en: "Nobody could use the service."}}
impact:
  users_affected: {{estimate: 2100000, method: {{da: "Fejlede login.", en: "Failed logins."}}}}
  outage: full
timeline:
  - at: 2026-03-02T{start}:00+01:00
    kind: detection
    text: {{da: "Alarm.", en: "Alert."}}
  - at: 2026-03-02T{end}:00+01:00
    kind: resolution
    text: {{da: "Tjenesten virker igen.", en: "The service works again."}}
root_cause:
  status: confirmed
  category: system-failure
  trigger: {{da: "Signeringscertifikatet udløb kl. 9.30.", en: "The signing certificate expired at 09:30."}}
  description: {{da: "Fornyelsen fejlede i tre uger, og ingen overvågede certifikatets udløbsdato eller fejlbeskederne.", en: "Renewal failed for three weeks, and nobody monitored the certificate's expiry date or the error messages."}}
actions:
  - id: A1
    type: prevent
    action: {{da: "Overvåg udløbsdatoer.", en: "Monitor expiry dates."}}
    owner: {{da: Driften, en: Operations}}
    due: 2027-04-30
    status: planned
"#
    )
}

/// Two agencies' repositories and a folder for the sources file, the cache and the sites.
struct Nation {
    eid: GitRepo,
    post: GitRepo,
    eid_commit: String,
    post_commit: String,
    folder: tempfile::TempDir,
}

impl Nation {
    fn new() -> Nation {
        let eid = eid_repository();
        let post = post_repository();
        let head = |repo: &GitRepo| {
            git2::Repository::open(repo.path())
                .unwrap()
                .head()
                .unwrap()
                .target()
                .unwrap()
                .to_string()
        };
        Nation {
            eid_commit: head(&eid),
            post_commit: head(&post),
            eid,
            post,
            folder: tempfile::tempdir().unwrap(),
        }
    }

    /// Write the sources file: eid by local path, post by `file://`, and `broken` (the post
    /// repository again) at `broken_revision`.
    fn sources(&self, broken_revision: &str) -> PathBuf {
        self.sources_with_rules(broken_revision, "{A011: deny}")
    }

    /// The sources file with the national rule levels `rules`.
    fn sources_with_rules(&self, broken_revision: &str, rules: &str) -> PathBuf {
        let file = self.folder.path().join("candor.national.yaml");
        std::fs::write(
            &file,
            format!(
                r#"site: {{title: {{da: "Nationalt overblik", en: "National view"}}, base_url: https://national.example.org/, languages: [da, en]}}
rules: {rules}
sources:
  - {{name: eid, git: "{eid}", revision: "{eid_commit}"}}
  - name: post
    git: "file://{post}"
    revision: "{post_commit}"
    depends_on: {{portal: [eid/login]}}
  - {{name: broken, git: "{post}", revision: "{broken_revision}"}}
"#,
                eid = self.eid.path().display(),
                post = self.post.path().display(),
                eid_commit = self.eid_commit,
                post_commit = self.post_commit,
            ),
        )
        .unwrap();
        file
    }

    fn out(&self, name: &str) -> PathBuf {
        self.folder.path().join(name)
    }
}

const MISSING: &str = "0000000000000000000000000000000000000001";

fn national_build(sources: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    candor()
        .args(["build", "--today", "2026-12-01", "--sources"])
        .arg(sources)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The services or organisations of the open data, by key.
fn keyed<'v>(data: &'v Value, list: &str, key: &str) -> Option<&'v Value> {
    data[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["key"] == key)
}

#[test]
fn one_site_from_several_repositories_with_nothing_taken_on_trust() {
    let nation = Nation::new();
    let sources = nation.sources(MISSING);
    let out = nation.out("site");
    let output = national_build(&sources, &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("source `broken`") && stderr.contains(MISSING),
        "the left-out source is named with its reason: {stderr}"
    );

    // The manifest lists each source's commit, and the one that failed with its reason.
    let manifest = json(&out.join("manifest.json"));
    let listed = manifest["sources"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0]["name"], "eid");
    assert_eq!(listed[0]["commit"], nation.eid_commit.as_str());
    assert_eq!(listed[0]["reports"], 1);
    assert_eq!(listed[1]["commit"], nation.post_commit.as_str());
    assert!(
        listed[2]["failed"].as_str().unwrap().contains("is not in"),
        "{listed:?}"
    );
    assert!(listed[2].get("last_published").is_none());

    // Keys never collide: both agencies call themselves `agency`.
    let organisations = json(&out.join("data/organisations.json"));
    assert!(keyed(&organisations, "organisations", "eid--agency").is_some());
    assert!(keyed(&organisations, "organisations", "post--agency").is_some());
    assert!(out.join("en/reports/eid--login-certificate.html").is_file());
    assert_eq!(
        keyed(&organisations, "organisations", "post--agency").unwrap()["name"]["en"],
        "The Post Agency (post)",
        "names say which source they come from"
    );
    assert!(out.join("en/reports/post--portal-disk.html").is_file());

    // The portal depends on the other agency's login: the login's 265 minutes count in
    // what the portal's users experienced, beside the portal's own 30.
    let services = json(&out.join("data/services.json"));
    let portal = keyed(&services, "services", "post--portal").unwrap();
    assert_eq!(portal["depends_on"][0], "eid--login");
    let year = portal["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2026)
        .unwrap();
    assert_eq!(year["availability"]["full_minutes"], 30.0);
    assert_eq!(year["experienced"]["full_minutes"], 265.0);

    // The eID agency turned A011 off; the national floor shows it on its report page.
    let page = read(&out.join("en/reports/eid--login-certificate.html"));
    assert!(page.contains("A011"), "the national floor keeps A011");
    let alone = nation.out("eid-alone");
    let single = build(nation.eid.path(), &alone, &[]);
    assert!(single.status.success());
    assert!(
        !read(&alone.join("en/reports/login-certificate.html")).contains("A011"),
        "the agency's own site follows its own candor.yaml"
    );

    // Each report page says where it was read from, to the commit.
    assert!(page.contains(&format!("at commit {}", nation.eid_commit)));
    assert!(page.contains("href=\"../sources.html#source-eid\""));

    // The sources page puts the left-out source first, with its reason.
    let sources_page = read(&out.join("en/sources.html"));
    let failed_at = sources_page.find("id=\"source-broken\"").unwrap();
    let eid_at = sources_page.find("id=\"source-eid\"").unwrap();
    assert!(failed_at < eid_at);
    assert!(sources_page.contains("1 of 3 sources could not be read"));
    assert!(sources_page.contains(&nation.post_commit));
    assert!(sources_page.contains("never published"));
    assert!(read(&out.join("da/sources.html")).contains("Kilder"));
}

#[test]
fn rebuilds_are_identical_offline_works_and_a_failed_source_keeps_its_last_commit() {
    let nation = Nation::new();
    // First every source publishes (broken points at a good commit).
    let sources = nation.sources(&nation.post_commit);
    let first = nation.out("first");
    let output = national_build(&sources, &first, &[]);
    assert!(output.status.success(), "{output:?}");
    let second = nation.out("second");
    let output = national_build(&sources, &second, &["--offline"]);
    assert!(output.status.success(), "{output:?}");
    let files = files_under(&first);
    assert_eq!(files, files_under(&second));
    for file in &files {
        assert!(
            std::fs::read(first.join(file)).unwrap() == std::fs::read(second.join(file)).unwrap(),
            "{file} differs between two builds of the same commits"
        );
    }
    assert!(
        nation.folder.path().join(".candor/eid.git").is_dir(),
        "the cache is beside the sources file"
    );

    // Then `broken` is pinned to a commit that does not exist: the site is rebuilt without
    // it, and the sources page gives the commit last published from it.
    let sources = nation.sources(MISSING);
    let output = national_build(&sources, &first, &[]);
    assert!(output.status.success(), "{output:?}");
    let manifest = json(&first.join("manifest.json"));
    assert_eq!(
        manifest["sources"][2]["last_published"],
        nation.post_commit.as_str()
    );
    assert!(read(&first.join("en/sources.html")).contains(&nation.post_commit));
    assert!(!first.join("en/reports/broken--portal-disk.html").exists());

    // --strict writes the site but fails the build when a source was left out.
    let sources = nation.sources_with_rules(MISSING, "{A011: warn}");
    let strict = nation.out("strict");
    let output = national_build(&sources, &strict, &["--strict"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("1 source was left out (--strict)"));
    assert_eq!(
        json(&strict.join("manifest.json"))["sources"][1]["reports"],
        1
    );

    // Under --strict a deny finding leaves its source out, as it stops a single build: with
    // A011 at deny, no source can be read and no site is written.
    let sources = nation.sources_with_rules(MISSING, "{A011: deny}");
    let output = national_build(&sources, &nation.out("none"), &["--strict"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("no source could be read") && stderr.contains("A011"),
        "{stderr}"
    );
    assert!(!nation.out("none").exists());
}

#[test]
fn moving_revisions_and_bad_sources_files_are_refused_with_what_to_do() {
    let nation = Nation::new();
    let branch = git2::Repository::open(nation.post.path())
        .unwrap()
        .head()
        .unwrap()
        .shorthand()
        .unwrap()
        .to_owned();
    let sources = nation.sources(&branch);
    let out = nation.out("site");
    let output = national_build(&sources, &out, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "a moving revision is the operator's mistake: {stderr}"
    );
    assert!(
        stderr.contains(&format!("broken: `{branch}`"))
            && stderr.contains("--allow-moving-revisions"),
        "{stderr}"
    );
    assert!(!out.exists());
    let output = national_build(&sources, &out, &["--allow-moving-revisions"]);
    assert!(output.status.success(), "{output:?}");
    let manifest = json(&out.join("manifest.json"));
    assert_eq!(
        manifest["sources"][2]["commit"],
        nation.post_commit.as_str(),
        "the branch is read, and the commit it named is recorded"
    );

    // A folder in the cache that Candor did not make is never taken over.
    let cache = nation.out("cache");
    std::fs::create_dir_all(cache.join("eid.git")).unwrap();
    std::fs::write(cache.join("eid.git/notes.txt"), "mine").unwrap();
    let output = national_build(
        &sources,
        &nation.out("cached"),
        &[
            "--allow-moving-revisions",
            "--cache",
            cache.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let manifest = json(&nation.out("cached").join("manifest.json"));
    assert!(
        manifest["sources"][0]["failed"]
            .as_str()
            .unwrap()
            .contains("not a repository Candor fetched"),
        "{manifest}"
    );
    assert!(
        manifest["sources"][0].get("commit").is_none(),
        "nothing of it was published"
    );
    assert_eq!(read(&cache.join("eid.git/notes.txt")), "mine");
    assert_eq!(std::fs::read_dir(cache.join("eid.git")).unwrap().count(), 1);

    std::fs::write(
        &sources,
        "site: {title: T, base_url: https://x.example/, languages: [en]}\nsources:\n  - {name: Eid, git: x, revision: y}\n",
    )
    .unwrap();
    let output = national_build(&sources, &nation.out("bad"), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("candor.national.yaml:3:") && stderr.contains("not a source name"),
        "{stderr}"
    );

    // The site settings get candor.yaml's checks; addresses with credentials, and addresses
    // that are not fetched, are refused where they are written.
    std::fs::write(
        &sources,
        "site: {title: T, base_url: https://x.example/, languages: [\"../../x\"]}\nsources:\n  - {name: a, git: \"https://user:secret@git.example.org/a.git\", revision: y}\n  - {name: b, git: \"git@git.example.org:b.git\", revision: y}\n",
    )
    .unwrap();
    let output = national_build(&sources, &nation.out("bad"), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("candor.national.yaml:1:"),
        "the language code: {stderr}"
    );
    assert!(
        stderr.contains("candor.national.yaml:3:") && stderr.contains("user name or password"),
        "{stderr}"
    );
    assert!(
        stderr.contains("candor.national.yaml:4:") && stderr.contains("ssh address"),
        "{stderr}"
    );
    assert!(!nation.out("bad").exists() && !nation.folder.path().join("x").exists());
}
