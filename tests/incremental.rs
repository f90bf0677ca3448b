//! Incremental builds: after each kind of edit, a build into the previous site keeps the pages
//! whose inputs did not change and publishes exactly what a full build publishes.

use std::path::Path;

use crate::support::{GitRepo, build, files_under, make_fifo, project_root};

const HEALTH: &str = "incidents/2026/2026-10-06-health-portal-slow-prescriptions.yaml";
const TAX: &str = "incidents/2026/2026-11-24-tax-portal-login-errors.yaml";
const SEARCH: &str = "incidents/2026/2026-05-20-digital-post-search-outage.yaml";
const DDOS: &str = "incidents/2025/2025-11-03-national-eid-ddos-degradation.yaml";

/// Replace `from` (which must be there) with `to` in the repository's `path`.
fn edit(repo: &GitRepo, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(repo.path().join(path)).unwrap();
    assert!(text.contains(from), "{path} does not contain {from:?}");
    repo.write(path, &text.replacen(from, to, 1));
}

/// Build `repo` into `site`; return what the build printed.
fn build_into(repo: &GitRepo, site: &Path, extra: &[&str]) -> String {
    let output = build(repo.path(), site, extra);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The number in "(N unchanged pages kept from the previous build)", or 0.
fn kept(stdout: &str) -> usize {
    stdout
        .split(" unchanged page")
        .next()
        .filter(|before| before.len() < stdout.len())
        .and_then(|before| before.rsplit('(').next())
        .map(|n| n.parse().unwrap())
        .unwrap_or(0)
}

/// Every file of the two sites, byte for byte.
fn assert_same_site(incremental: &Path, full: &Path, edit: &str) {
    let files = files_under(incremental);
    assert_eq!(files, files_under(full), "after {edit}: the files differ");
    for file in &files {
        assert!(
            std::fs::read(incremental.join(file)).unwrap()
                == std::fs::read(full.join(file)).unwrap(),
            "after {edit}: {file} differs from the full build's"
        );
    }
}

/// Build `repo` in full into `full`, and hold `site` to it, byte for byte.
fn assert_as_full_build(repo: &GitRepo, site: &Path, full: &Path, edit: &str) {
    build_into(repo, full, &["--full"]);
    assert_same_site(site, full, edit);
}

/// An edit: its name, how to make it, a page, a text, and whether the page must then show
/// the text (or no longer show it).
type Edit = (
    &'static str,
    Box<dyn Fn(&GitRepo)>,
    &'static str,
    &'static str,
    bool,
);

#[test]
fn incremental_builds_equal_full_builds_after_every_kind_of_edit() {
    let repo = GitRepo::examples();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let first = build_into(&repo, &site, &[]);
    assert_eq!(kept(&first), 0, "a first build renders everything: {first}");
    let pages = files_under(&site)
        .iter()
        .filter(|f| f.ends_with(".html"))
        .count();

    let report_page = "en/reports/2026-10-06-health-portal-slow-prescriptions.html";
    let edits: Vec<Edit> = vec![
        (
            "a report's summary",
            Box::new(|repo| {
                edit(
                    repo,
                    HEALTH,
                    "one\n    in three requests failed",
                    "one\n    in four requests failed",
                )
            }),
            report_page,
            "in four requests failed",
            true,
        ),
        (
            "an action's due date",
            Box::new(|repo| edit(repo, HEALTH, "due: 2027-02-28", "due: 2027-03-31")),
            report_page,
            "31 March 2027",
            true,
        ),
        (
            // A finding on another report (A015, a recurrence) quotes this report's title:
            // that report's page changes too, though its file did not.
            "a title another report's finding quotes",
            Box::new(|repo| {
                edit(
                    repo,
                    SEARCH,
                    "en: \"Digital Post: search and archive unavailable for a morning\"",
                    "en: \"Digital Post: search and archive unavailable for a long morning\"",
                )
            }),
            "en/reports/2026-09-14-digital-post-restore-failure.html",
            "unavailable for a long morning",
            true,
        ),
        (
            // An action due in a year after its incident's: the organisation's page for that
            // year lists it, though not the report.
            "an action due the year after its incident",
            Box::new(|repo| {
                edit(
                    repo,
                    DDOS,
                    "en: \"Quarterly check of the contingency contact lists.\"",
                    "en: \"Monthly check of the contingency contact lists.\"",
                )
            }),
            "en/organisations/agency-for-digital-identity/2026.html",
            "Monthly check of the contingency",
            true,
        ),
        (
            "a report's status (to draft: its pages go)",
            Box::new(|repo| edit(repo, TAX, "status: preliminary", "status: draft")),
            "en/index.html",
            "2026-11-24-tax-portal-login-errors",
            false,
        ),
        (
            "a service's name in candor.yaml",
            Box::new(|repo| {
                edit(
                    repo,
                    "candor.yaml",
                    "en: \"National eID login\"",
                    "en: \"National eID sign-in\"",
                )
            }),
            "en/services/national-eid.html",
            "National eID sign-in",
            true,
        ),
        (
            "a template",
            Box::new(|repo| {
                let built_in =
                    std::fs::read_to_string(project_root().join("templates/report.html")).unwrap();
                repo.write(
                    "templates/report.html",
                    &built_in.replacen(
                        "{% block main %}",
                        "{% block main %}<p>Edited template</p>",
                        1,
                    ),
                );
            }),
            report_page,
            "<p>Edited template</p>",
            true,
        ),
    ];
    let inode = |page: &str| {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::metadata(site.join(page)).unwrap().ino()
    };
    for (index, (name, apply, page, text, shown)) in edits.iter().enumerate() {
        let before = std::fs::read_to_string(site.join(page)).unwrap();
        let tax_page = "da/reports/2026-11-24-tax-portal-login-errors.html";
        let inodes_before = (index == 0).then(|| (inode(report_page), inode(tax_page)));
        assert_eq!(
            before.contains(text),
            !shown,
            "before {name}: {page} should change as to {text:?}"
        );
        apply(&repo);
        repo.commit(name, 1_764_600_000 + index as i64 * 3600);
        let stdout = build_into(&repo, &site, &[]);
        let full = out.path().join(format!("full-{index}"));
        assert_as_full_build(&repo, &site, &full, name);
        let after = std::fs::read_to_string(site.join(page)).unwrap();
        assert_eq!(
            after.contains(text),
            *shown,
            "after {name}: {page} and {text:?}"
        );
        if let Some((edited, other)) = inodes_before {
            // The edited report's page is rendered again, another report's page is kept:
            // the same file, linked.
            assert_ne!(inode(report_page), edited, "after {name}");
            assert_eq!(inode(tax_page), other, "after {name}");
        }
        let kept = kept(&stdout);
        if name == &"a template" {
            // Templates include and extend one another: any change renders every page.
            assert_eq!(kept, 0, "after {name}: {stdout}");
        } else {
            assert!(
                kept > 0 && kept < pages,
                "after {name}: {kept} of {pages} pages kept ({stdout})"
            );
        }
    }
    assert!(
        !site
            .join("en/reports/2026-11-24-tax-portal-login-errors.html")
            .exists(),
        "a report made a draft is no longer published"
    );

    // Without edits, every page is kept (the same file, linked), all but the root's
    // redirect, which is always written; with --full, none is.
    let inodes = || -> Vec<(String, u64)> {
        use std::os::unix::fs::MetadataExt as _;
        files_under(&site)
            .into_iter()
            .filter(|f| f.ends_with(".html"))
            .map(|f| {
                let inode = std::fs::metadata(site.join(&f)).unwrap().ino();
                (f, inode)
            })
            .collect()
    };
    let before = inodes();
    let again = build_into(&repo, &site, &[]);
    let after = inodes();
    let rendered: Vec<&String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| &b.0)
        .collect();
    assert_eq!(rendered, ["index.html"], "{again}");
    assert_eq!(kept(&again), before.len() - 1);
    assert_eq!(kept(&build_into(&repo, &site, &["--full"])), 0);
}

#[test]
fn a_page_changed_in_the_output_folder_is_rendered_again() {
    let repo = GitRepo::examples();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build_into(&repo, &site, &[]);
    let page = site.join("en/about.html");
    let original = std::fs::read(&page).unwrap();
    let modified = std::fs::metadata(&page).unwrap().modified().unwrap();
    // Same size, other bytes, and the modification time put back: only the hash can tell.
    let mut tampered = original.clone();
    let at = tampered.len() / 2;
    tampered[at] = if tampered[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&page, &tampered).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&page)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let stdout = build_into(&repo, &site, &[]);
    assert_eq!(std::fs::read(&page).unwrap(), original);
    assert!(kept(&stdout) > 0, "the other pages are kept: {stdout}");

    // The open data's entries are copied from the previous build's file only when their bytes
    // are still the ones listed beside the site: one changed in place is made again.
    let data = site.join("data/incidents.json");
    let original_data = std::fs::read(&data).unwrap();
    let text = String::from_utf8(original_data.clone()).unwrap();
    let at = text.find("\"title\"").expect("an entry has a title");
    let mut tampered = original_data.clone();
    tampered[at + 1] = b'T';
    std::fs::write(&data, &tampered).unwrap();
    build_into(&repo, &site, &[]);
    assert_eq!(std::fs::read(&data).unwrap(), original_data);
    assert!(
        out.path().join(".site.candor-parts").is_file(),
        "the list of the open data's entries is kept beside the site"
    );
    // So are a search index's.
    let index = site.join("da/search-index.js");
    let original_index = std::fs::read(&index).unwrap();
    let text = String::from_utf8(original_index.clone()).unwrap();
    let at = text.find("\"t\":\"").expect("an entry has a title") + 5;
    let mut tampered = original_index.clone();
    tampered[at] = b'#';
    std::fs::write(&index, &tampered).unwrap();
    build_into(&repo, &site, &[]);
    assert_eq!(std::fs::read(&index).unwrap(), original_index);

    // Other permissions than a new file's: rendered again, with a new file's.
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&page).unwrap().permissions().mode();
        std::fs::set_permissions(&page, std::fs::Permissions::from_mode(0o600)).unwrap();
        build_into(&repo, &site, &[]);
        assert_eq!(std::fs::metadata(&page).unwrap().permissions().mode(), mode);
    }

    // A record that cannot be read makes a full build, not a failed one: the site's, and the
    // spare's (the site before it, which a build updates rather than starting empty).
    let record = out.path().join(".site.candor-pages");
    let spare_record = out.path().join(".site.candor-spare-pages");
    assert!(spare_record.is_file() && out.path().join(".site.candor-spare").is_dir());
    std::fs::write(&record, "not a record").unwrap();
    std::fs::write(&spare_record, "not a record").unwrap();
    let stdout = build_into(&repo, &site, &[]);
    assert_eq!(kept(&stdout), 0, "{stdout}");
    assert_eq!(std::fs::read(&page).unwrap(), original);
    // Nor does a pipe in its place (never read: it would block), or a link (never followed,
    // and never written through).
    std::fs::remove_file(&record).unwrap();
    make_fifo(&record);
    assert_eq!(kept(&build_into(&repo, &site, &[])), 0);
    let mine = out.path().join("mine.txt");
    std::fs::write(&mine, "mine").unwrap();
    std::fs::remove_file(&record).unwrap();
    std::os::unix::fs::symlink(&mine, out.path().join(".site.candor-pages.tmp")).unwrap();
    build_into(&repo, &site, &[]);
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "mine");
    assert!(
        kept(&build_into(&repo, &site, &[])) > 0,
        "the record is written again"
    );

    // A link inside the output folder is refused: no build writes one.
    std::os::unix::fs::symlink(&mine, site.join("en/link.html")).unwrap();
    let output = build(repo.path(), &site, &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is a link or a special file"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "mine");
}

#[test]
fn the_next_day_a_revision_page_is_kept_and_a_report_page_rendered_again() {
    use std::os::unix::fs::MetadataExt as _;
    let repo = GitRepo::examples();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let build_on = |day: &str, site: &Path, extra: &[&str]| {
        let output = crate::support::candor()
            .current_dir(repo.path())
            .args(["build", "--today", day, "--out"])
            .arg(site)
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    build_on("2026-12-01", &site, &[]);
    let revisions: Vec<String> = files_under(&site.join("en/reports"))
        .into_iter()
        .filter(|f| f.contains('/'))
        .collect();
    assert!(!revisions.is_empty(), "the examples have revision pages");
    let inode = |page: &str| std::fs::metadata(site.join(page)).unwrap().ino();
    let report_page = "en/reports/2026-10-06-health-portal-slow-prescriptions.html";
    let before: Vec<u64> = revisions
        .iter()
        .map(|r| inode(&format!("en/reports/{r}")))
        .collect();
    let report_before = inode(report_page);

    build_on("2026-12-02", &site, &[]);
    let full = out.path().join("full");
    build_on("2026-12-02", &full, &["--full"]);
    assert_same_site(&site, &full, "a day passing");
    let after: Vec<u64> = revisions
        .iter()
        .map(|r| inode(&format!("en/reports/{r}")))
        .collect();
    assert_eq!(
        before, after,
        "a revision's page says nothing of today: kept"
    );
    assert_ne!(
        inode(report_page),
        report_before,
        "a report's page is as of today"
    );
    assert!(
        std::fs::read_to_string(site.join(report_page))
            .unwrap()
            .contains("2 December 2026")
    );
}

#[test]
fn a_history_cache_that_cannot_be_extended_still_gives_the_full_build_s_site() {
    let repo = GitRepo::examples();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build_into(&repo, &site, &[]);
    let cache = repo.path().join(".git/candor/history.json");
    assert!(cache.exists(), "a build keeps the history it read");
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .current_dir(repo.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "Agency")
            .env("GIT_AUTHOR_EMAIL", "reports@example.org")
            .env("GIT_COMMITTER_NAME", "Agency")
            .env("GIT_COMMITTER_EMAIL", "reports@example.org")
            .env("GIT_AUTHOR_DATE", "2026-11-30T10:00:00+01:00")
            .env("GIT_COMMITTER_DATE", "2026-11-30T10:00:00+01:00")
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {output:?}");
    };

    // A merge after the cached commit: the history is read from the commits, and the reports'
    // key facts are kept for it.
    git(&["branch", "side"]);
    edit(&repo, HEALTH, "due: 2027-02-28", "due: 2027-03-31");
    repo.commit("A new due date", 1_764_600_000);
    git(&["checkout", "-q", "side"]);
    edit(&repo, TAX, "status: preliminary", "status: final");
    repo.commit("The tax portal's report is final", 1_764_603_600);
    git(&["checkout", "-q", "-"]);
    git(&["merge", "-q", "--no-edit", "side"]);
    build_into(&repo, &site, &[]);
    assert_as_full_build(
        &repo,
        &site,
        &out.path().join("full-after-merge"),
        "a merge",
    );

    // A cache whose first line says it can be extended, with its history damaged: the build
    // has left the key facts to it, and reads every version from its blob instead.
    let written = std::fs::read_to_string(&cache).unwrap();
    let (first_line, _) = written.split_once('\n').unwrap();
    std::fs::write(&cache, format!("{first_line}\n{{\"revisions\":")).unwrap();
    edit(&repo, HEALTH, "due: 2027-03-31", "due: 2027-04-30");
    repo.commit("Another due date", 1_764_607_200);
    build_into(&repo, &site, &[]);
    let full = out.path().join("full-after-damage");
    assert_as_full_build(&repo, &site, &full, "a damaged cache");
    let rewritten = std::fs::read_to_string(&cache).unwrap();
    let (_, history) = rewritten.split_once('\n').unwrap();
    let history: serde_json::Value = serde_json::from_str(history).unwrap();
    assert!(
        history["revisions"][HEALTH.rsplit('/').next().unwrap().trim_end_matches(".yaml")]
            .as_array()
            .is_some_and(|revisions| revisions.len() >= 3),
        "the cache is written again whole: {history}"
    );
}
