//! New files for authors: a reports repository (`candor init`) and a draft report
//! (`candor new`).
//!
//! Everything here writes with "create new" semantics: an existing file is never overwritten,
//! so running a command twice, or in the wrong folder, cannot destroy anyone's work.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::{DateTime, Datelike, FixedOffset};

use crate::config::Config;
use crate::model::Severity;
use crate::source;

/// Write `content` to `path`, creating folders, but never replacing an existing file.
pub fn create_new(path: &Path, content: &str) -> anyhow::Result<()> {
    if let Some(folder) = path.parent() {
        fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let mut file = match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "{} already exists; Candor never overwrites a file",
                path.display()
            )
        }
        Err(error) => {
            return Err(error).with_context(|| format!("cannot create {}", path.display()));
        }
    };
    file.write_all(content.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// What `candor init` asks for.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// Key of the organisation, e.g. `agency-for-digital-identity`.
    pub organisation: String,
    /// Its name.
    pub organisation_name: String,
    /// Key of the first service.
    pub service: String,
    /// Its name.
    pub service_name: String,
    /// Site languages, the first the default.
    pub languages: Vec<String>,
    /// The site's title.
    pub title: String,
    /// The site's address.
    pub base_url: String,
}

/// The files of a new reports repository, as (path relative to the root, content).
pub fn init_files(options: &InitOptions) -> Vec<(String, String)> {
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let languages = options.languages.join(", ");
    let config = format!(
        "# yaml-language-server: $schema=schema/config.schema.json
# The reports repository's configuration; `candor schema --config` prints its JSON Schema.
site:
  title: {title}
  base_url: {base_url}
  languages: [{languages}]   # the first is the default; the site is built in each
organisations:
  {organisation}:
    name: {organisation_name}
services:
  {service}:
    name: {service_name}
    organisation: {organisation}
    availability_target: 99.9   # percent per calendar year
# policy: thresholds and deadlines; the built-in defaults follow NIS2 and ENISA (see the README)
# rules: level overrides, e.g. {{A016: allow}}
",
        title = quote(&options.title),
        base_url = options.base_url,
        organisation = options.organisation,
        organisation_name = quote(&options.organisation_name),
        service = options.service,
        service_name = quote(&options.service_name),
    );
    vec![
        ("candor.yaml".into(), config),
        (
            "incidents/README.md".into(),
            "# Incident reports\n\nOne YAML file per incident, named after its id, in a folder per year:\n`incidents/2026/2026-11-23-national-eid-login-outage.yaml`.\n\nStart a new report with `candor new \"Title\" --service KEY`, check it with `candor check`,\nand commit it. Drafts (`status: draft`) are never published.\n".into(),
        ),
        (
            ".gitignore".into(),
            "# The site candor build writes, the lock it holds beside it while it builds, and the\n# records of its pages and open data that let the next build keep the unchanged ones.\n/site/\n/.site.candor-lock\n/.site.candor-pages*\n/.site.candor-parts*\n".into(),
        ),
        (
            "schema/incident.schema.json".into(),
            crate::schema::to_file_text(&crate::schema::incident_schema()),
        ),
        (
            "schema/config.schema.json".into(),
            crate::schema::to_file_text(&crate::schema::config_schema()),
        ),
        (".github/workflows/candor.yml".into(), github_workflow()),
        (".gitlab-ci.yml".into(), gitlab_ci()),
    ]
}

/// The repository Candor is released from, as `owner/name` on GitHub (from Cargo.toml).
fn release_repository() -> &'static str {
    env!("CARGO_PKG_REPOSITORY")
        .trim_start_matches("https://github.com/")
        .trim_end_matches('/')
}

/// Fill a CI template: the Candor version and the commit it was built from (the setup action
/// is pinned to that commit), and the repository it is released from.
fn fill_ci_template(template: &str) -> String {
    // A build from outside git does not know its commit: name the tag and say to pin it.
    let template = if crate::COMMIT == "unknown" {
        template.replace(
            "@@COMMIT@ # v@VERSION@",
            "@v@VERSION@ # pin this to the release's full commit id",
        )
    } else {
        template.to_owned()
    };
    template
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("@COMMIT@", crate::COMMIT)
        .replace("@REPOSITORY@", release_repository())
}

/// GitHub Actions: pull requests check their changed reports; the default branch is checked
/// in full on every push and daily (deadlines pass without commits), and its site is built and
/// deployed to GitHub Pages whatever the check says.
pub fn github_workflow() -> String {
    fill_ci_template(GITHUB_WORKFLOW)
}

/// GitLab CI: the same jobs as [`github_workflow`], with a Code Quality report and GitLab Pages.
pub fn gitlab_ci() -> String {
    fill_ci_template(GITLAB_CI)
}

const GITHUB_WORKFLOW: &str = r#"# Written by `candor init` (Candor @VERSION@). What each job does and why: Candor's README,
# "Continuous integration".
#
# - Pull requests: the reports they change are checked with every rule; findings appear as
#   annotations on the changed lines, and a deny finding fails the check.
# - The default branch, on every push and daily: every report is checked, including the
#   deadline rules (reports and actions overdue), which can fail without any commit as days
#   pass. Findings go to code scanning (Security tab; private repositories need GitHub Advanced
#   Security, otherwise remove that step). This job never holds back the site, which shows the
#   same findings.
# - The site is built from the default branch and deployed to GitHub Pages. Once, in the
#   repository's Settings > Pages, set "Source" to "GitHub Actions".
#
# Every action is pinned by its full commit id (the version in the comment); Candor itself is
# installed by its setup action, which verifies the release's signature and checksum.
name: candor
on:
  pull_request:
  push:
    branches: [main]
  schedule:
    - cron: "17 5 * * *"   # daily, 05:17 UTC
  workflow_dispatch:
permissions: {}
concurrency:
  group: candor-${{ github.ref }}
  cancel-in-progress: false
jobs:
  changed-reports:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          fetch-depth: 0   # the merge base, and the history for publication times
          persist-credentials: false
      - uses: @REPOSITORY@@@COMMIT@ # v@VERSION@
        with:
          version: "@VERSION@"
      - name: Check the changed reports
        env:
          BASE_SHA: ${{ github.event.pull_request.base.sha }}
        run: candor check --format github --changed-since "$(git merge-base "$BASE_SHA" HEAD)"

  all-reports:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      security-events: write   # upload the findings to code scanning
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: @REPOSITORY@@@COMMIT@ # v@VERSION@
        with:
          version: "@VERSION@"
      - name: Check every report (SARIF)
        id: check
        continue-on-error: true
        run: candor check --format sarif > candor.sarif
      - uses: github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e # v4.36.2
        with:
          sarif_file: candor.sarif
          category: candor
      - name: Fail on deny findings
        if: steps.check.outcome == 'failure'
        run: candor check

  build:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          fetch-depth: 0   # the full history: each report page shows its revisions
          persist-credentials: false
      - uses: @REPOSITORY@@@COMMIT@ # v@VERSION@
        with:
          version: "@VERSION@"
      - name: Build the site
        run: candor build --out site
      - uses: actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9 # v5.0.0
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-24.04
    permissions:
      pages: write      # publish to GitHub Pages
      id-token: write   # prove to Pages that this workflow made the site
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128 # v5.0.0
"#;

const GITLAB_CI: &str = r#"# Written by `candor init` (Candor @VERSION@). What each job does and why: Candor's README,
# "Continuous integration".
#
# - Merge requests: the reports they change are checked with every rule; findings appear in
#   the merge request's Code Quality widget, and a deny finding fails the job.
# - The default branch, on every push and on a schedule (CI/CD > Pipeline schedules, e.g.
#   daily): every report is checked, including the deadline rules, which can fail without any
#   commit as days pass. This job never holds back the site, which shows the same findings.
# - The site is built from the default branch and published with GitLab Pages.
#
# The image is Candor's release image with a shell, pinned to the version that wrote this
# file; pin its digest too (`docker buildx imagetools inspect IMAGE`) for a byte-exact image.
variables:
  GIT_DEPTH: 0   # the full history: each report page shows its revisions
default:
  image: ghcr.io/@REPOSITORY@:@VERSION@-ci

changed-reports:
  stage: test
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - candor check --format codequality --changed-since "$CI_MERGE_REQUEST_DIFF_BASE_SHA" > gl-code-quality-report.json || true
    - candor check --changed-since "$CI_MERGE_REQUEST_DIFF_BASE_SHA"
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json

all-reports:
  stage: test
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - candor check --format codequality > gl-code-quality-report.json || true
    - candor check
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json

pages:
  stage: deploy
  needs: []   # published whatever the check says: the site shows the findings
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE != "schedule"
  script:
    - candor build --out public
  artifacts:
    paths: [public]
"#;

/// Create a reports repository in `root`. Refuses if `root` already holds a `candor.yaml`;
/// never overwrites any file. Returns the files written.
pub fn init(root: &Path, options: &InitOptions) -> anyhow::Result<Vec<PathBuf>> {
    if root.join(source::CONFIG_FILE).exists() {
        bail!(
            "{} already has a {}; this is a reports repository already",
            root.display(),
            source::CONFIG_FILE
        );
    }
    let files = init_files(options);
    for (path, _) in &files {
        if root.join(path).exists() {
            bail!(
                "{} already exists; Candor never overwrites a file (move it aside, or write its contents into the new configuration by hand)",
                root.join(path).display()
            );
        }
    }
    let mut written = Vec::new();
    for (path, content) in files {
        let path = root.join(path);
        create_new(&path, &content)?;
        written.push(path);
    }
    Ok(written)
}

/// `Æbleø – Login fejlede!` → `aebleoe-login-fejlede`: lowercase ASCII letters, digits and
/// hyphens, with Danish letters transliterated (æ → ae, ø → oe, å → aa) and other accents
/// dropped.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let piece: &str = match c {
            'æ' => "ae",
            'ø' => "oe",
            'å' => "aa",
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'á' | 'à' | 'â' | 'ã' => "a",
            'í' | 'ì' | 'î' | 'ï' => "i",
            'ó' | 'ò' | 'ô' | 'õ' => "o",
            'ú' | 'ù' | 'û' => "u",
            'ç' => "c",
            'ñ' => "n",
            'ł' => "l",
            'ý' | 'ÿ' => "y",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        out.push_str(piece);
    }
    let mut collapsed = String::new();
    for part in out.split('-').filter(|p| !p.is_empty()) {
        if !collapsed.is_empty() {
            collapsed.push('-');
        }
        collapsed.push_str(part);
    }
    collapsed
}

/// What `candor new` asks for.
#[derive(Clone, Debug)]
pub struct NewReport {
    /// The title, in the default site language.
    pub title: String,
    /// The affected service's key.
    pub service: String,
    /// The organisation's key (default: the service's).
    pub organisation: Option<String>,
    /// The severity to declare.
    pub severity: Severity,
    /// When it started (default: now).
    pub started_at: DateTime<FixedOffset>,
}

/// The id and the path (relative to the root) of a new report.
pub fn new_report_path(report: &NewReport) -> anyhow::Result<(String, String)> {
    let date = report.started_at.date_naive();
    let slug = slug(&report.title);
    if slug.is_empty() {
        bail!("the title has no letters or digits to name the file after; give a title in words");
    }
    let mut id = format!("{date}-{slug}");
    if id.len() > 80 {
        id.truncate(80);
        while id.ends_with('-') {
            id.pop();
        }
    }
    Ok((
        id.clone(),
        format!("{}/{}/{id}.yaml", source::INCIDENTS_DIR, date.year()),
    ))
}

/// What `candor new` writes where the author has to write the text. A published report that
/// still holds one of them is refused (A022), so these are the one list both use.
pub(crate) const PROMPTS: [&str; 9] = [
    "Write what happened here.",
    "how you counted",
    "What happened.",
    "Quote what was said.",
    "What concretely set it off.",
    "What will be done.",
    "The responsible unit",
    "What is withheld.",
    "The provision that allows it.",
];

/// The text of a new draft report: every field present, with a comment saying what to write.
pub fn new_report_text(config: &Config, report: &NewReport, id: &str) -> anyhow::Result<String> {
    let services = &config.file.services;
    let Some(service) = services.get(&report.service) else {
        let known: Vec<&str> = services.keys().map(String::as_str).collect();
        bail!(
            "`{}` is not a service in candor.yaml; the services are: {}",
            report.service,
            if known.is_empty() {
                "(none yet)".to_owned()
            } else {
                known.join(", ")
            }
        );
    };
    let organisation = report
        .organisation
        .clone()
        .unwrap_or_else(|| service.organisation.clone());
    if !config.file.organisations.contains_key(&organisation) {
        bail!("`{organisation}` is not an organisation in candor.yaml");
    }
    let language = config.default_language();
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let started = report.started_at.to_rfc3339();
    let other_languages: Vec<&str> = config
        .languages()
        .iter()
        .map(String::as_str)
        .filter(|l| *l != language)
        .collect();
    let translations = if other_languages.is_empty() {
        String::new()
    } else {
        format!(
            "\n# Texts can be written in every site language as a map: {{{language}: \"...\", {}}}",
            other_languages
                .iter()
                .map(|l| format!("{l}: \"...\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Ok(format!(
        "# yaml-language-server: $schema=../../schema/incident.schema.json
# A draft is never published. Fill in what you know, then set `status: preliminary`.{translations}
schema: 1                                      # the version of this file format
id: {id}                     # = the file name; keep it once published
title: {title}   # a headline a citizen understands
language: {language}                                  # language of the plain-string texts below
status: draft                                  # draft | preliminary | final
organisation: {organisation}                   # key under `organisations` in candor.yaml
services: [{service}]                          # keys under `services` in candor.yaml
severity: {severity}                           # minor | major | critical; checked against the impact
started_at: {started}     # when users were first affected (RFC 3339 with offset)
detected_at: {started}    # when you first knew
# resolved_at: {started}  # when service was fully restored; leave out while ongoing
summary: |                                     # markdown, for citizens: what happened, what it meant for them
  {summary}
# impact:
#   users_affected: {{estimate: 0, min: 0, max: 0, method: \"{method}\"}}
#   outage: full                               # full (unavailable) | partial (degraded)
#   regions: [DK]
#   dependent_services: []                     # other services that failed with it, in words
#   data: {{availability: false, authenticity: false, integrity: false, confidentiality: false}}
#   costs: {{direct_eur: 0, indirect_eur: 0, recovered_eur: 0}}
#   cross_border: []                           # other EU member states affected; [] = none
#   description: |                             # markdown: who could not do what, for how long
# timeline:                                    # oldest first
#   - at: {started}
#     kind: detection                          # detection | escalation | public-statement | mitigation | resolution | other
#     text: {event}
#   - at: {started}
#     kind: public-statement
#     channel: Status page                     # where it was said; {{da: ..., en: ...}} on a two-language site
#     severity_claimed: minor                  # how it was described to the public then
#     text: {said}
# root_cause:                                  # required in a final report
#   status: under-investigation                # confirmed | suspected | under-investigation
#   category: system-failure                   # system-failure | human-error | malicious-action | third-party-failure | natural-phenomenon
#   trigger: {trigger}
#   description: |                             # why it could happen: the missing safeguard
#   next_update_due: YYYY-MM-DD                # required while under investigation
# contributing_factors: []
# actions:                                     # a final report needs one of type prevent
#   - id: A1
#     type: prevent                            # mitigate | prevent | process
#     action: {action}
#     owner: {owner}              # a unit, not a person; {{da: ..., en: ...}} on a two-language site
#     due: YYYY-MM-DD
#     status: planned                          # planned | in-progress | done | dropped
# lessons: {{went_well: [], went_wrong: [], got_lucky: []}}
# withheld:                                    # what is not published, and why
#   - what: {what}
#     legal_basis: {basis}
# references: []                               # [{{title: ..., url: https://...}}]
# change_note:                                # what this revision changed, said to readers (shown in the history)
# For NIS2 or DORA (see README, \"Notifying regulators\"; `candor export` prepares each stage):
# classified_at: {started}  # when it was classified as significant or major
# business_continuity_activated: false
# notifications:                               # what was sent to a regulator, and when
#   - {{regime: nis2, stage: early-warning, at: {started}, authority: CSIRT}}
",
        title = quote(&report.title),
        service = report.service,
        severity = report.severity.as_str(),
        summary = PROMPTS[0],
        method = PROMPTS[1],
        event = PROMPTS[2],
        said = PROMPTS[3],
        trigger = PROMPTS[4],
        action = PROMPTS[5],
        owner = PROMPTS[6],
        what = PROMPTS[7],
        basis = PROMPTS[8],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_transliterate_danish_letters() {
        assert_eq!(
            slug("Login med national eID fejlede i hele landet"),
            "login-med-national-eid-fejlede-i-hele-landet"
        );
        assert_eq!(
            slug("Ærø: Søgning i Digital Post (årlig)"),
            "aeroe-soegning-i-digital-post-aarlig"
        );
        assert_eq!(slug("  Café -- naïve!! "), "cafe-naive");
        assert_eq!(slug("!!!"), "");
    }

    #[test]
    fn create_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.txt");
        create_new(&path, "first").unwrap();
        let error = create_new(&path, "second").unwrap_err().to_string();
        assert!(error.contains("already exists"), "{error}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "first");
    }
}
