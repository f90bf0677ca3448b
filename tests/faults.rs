//! Hostile input and faults: fuzzing regressions, no panics on a hostile corpus, limits, paths
//! and links, git edge cases, killed and concurrent builds, full disks.

use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use candor::config::Limits;
use candor::load::{self, LoadProblem};
use candor::render::markdown;
use serde_json::Value;

use crate::support::{
    GitRepo, build, candor, check_json, files_under, fixture, fixture_config, make_fifo, repository,
};

/// Every input a fuzzer once crashed on stays a test.
#[test]
fn fuzz_regressions_load() {
    for file in files_under(&fixture("fuzz/load")) {
        let bytes = std::fs::read(fixture("fuzz/load").join(&file)).unwrap();
        let loaded = load::load(&bytes, &Limits::default());
        let lines = load::lines(&String::from_utf8_lossy(&bytes)).count() as u32;
        for problem in &loaded.problems {
            if let LoadProblem::Syntax { position, .. } = problem {
                assert!(
                    position.line >= 1 && position.line <= lines,
                    "{file}: {position:?} outside {lines} lines"
                );
            }
        }
        if let Some(root) = &loaded.root {
            assert!(root.position.line <= lines, "{file}");
        }
    }
}

#[test]
fn fuzz_regressions_markdown() {
    for file in files_under(&fixture("fuzz/markdown")) {
        let text = std::fs::read_to_string(fixture("fuzz/markdown").join(&file)).unwrap();
        let html = markdown::to_html(&text);
        assert!(
            !html.contains("<script") && !html.contains("javascript:"),
            "{file}"
        );
        for link in html.split("href=\"").skip(1) {
            let target = link.split('"').next().unwrap();
            let scheme = target.split(':').next().unwrap().to_ascii_lowercase();
            assert!(
                matches!(scheme.as_str(), "http" | "https" | "mailto"),
                "{file}: {target}"
            );
        }
    }
}

/// A repository of hostile files, committed, for check and build.
fn hostile_repository() -> GitRepo {
    let repo = GitRepo::new(&fixture_config());
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for folder in ["fuzz/load", "fuzz/markdown"] {
        for file in files_under(&fixture(folder)) {
            files.push((
                format!("incidents/fuzz/{}.yaml", file.replace('.', "-")),
                std::fs::read(fixture(folder).join(&file)).unwrap(),
            ));
        }
    }
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..12 {
        bomb.push_str(&format!(
            "a{level}: &a{level} [{}]\n",
            vec![format!("*a{}", level - 1); 9].join(", ")
        ));
    }
    files.push(("incidents/bomb.yaml".into(), bomb.into_bytes()));
    files.push((
        "incidents/deep.yaml".into(),
        format!("a: {}{}", "[".repeat(20_000), "]".repeat(20_000)).into_bytes(),
    ));
    files.push((
        "incidents/huge.yaml".into(),
        format!("summary: \"{}\"", "x".repeat(2 * 1024 * 1024)).into_bytes(),
    ));
    // One line of a quarter of a million flow items after non-ASCII text: each item's column
    // is counted on from the one before, not from the line's start.
    files.push((
        "incidents/wide.yaml".into(),
        format!("a: [{}]\n", vec!["æ"; 250_000].join(", ")).into_bytes(),
    ));
    files.push(("incidents/latin1.yaml".into(), b"title: caf\xe9".to_vec()));
    files.push(("incidents/binary.yaml".into(), (0..=255u8).collect()));
    files.push(("incidents/nul.yaml".into(), b"id: a\0b\n".to_vec()));
    files.push((
        "incidents/bom.yaml".into(),
        b"\xef\xbb\xbfschema: 1\n".to_vec(),
    ));
    files.push((
        "incidents/tags.yaml".into(),
        b"schema: !!binary aGVsbG8=\nid: !custom x\ntitle: !!str 12\n".to_vec(),
    ));
    files.push(("incidents/anchors.yaml".into(), b"a: *undefined\n".to_vec()));
    files.push(("incidents/keys.yaml".into(), b"? [a, b]\n: c\n".to_vec()));
    files.push(("incidents/cr.yaml".into(), b"schema: 1\rid: x\r".to_vec()));
    for (path, bytes) in files {
        let full = repo.path().join(&path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, bytes).unwrap();
    }
    repo.commit("Hostile files", 1_777_000_000);
    repo
}

#[test]
fn the_binary_never_panics_on_hostile_input() {
    let repo = hostile_repository();
    for format in ["human", "json", "github", "sarif"] {
        let output = candor()
            .current_dir(repo.path())
            .args(["check", "--today", "2026-12-01", "--format", format])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
    }
    let out = tempfile::tempdir().unwrap();
    for extra in [&[][..], &["--worktree"][..]] {
        let output = build(repo.path(), &out.path().join("site"), extra);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let (_, findings) = check_json(repo.path(), &[]);
    for finding in &findings {
        assert!(
            finding["file"].as_str().unwrap().starts_with("incidents/"),
            "{finding}"
        );
        assert!(!finding["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn limits_on_counts_and_text_length_are_findings() {
    let report =
        std::fs::read_to_string(fixture("rules/A001-missing-root-cause/pass/a001-pass.yaml"))
            .unwrap();
    let config = format!(
        "{}limits: {{max_timeline_events: 2, max_actions: 1, max_text_chars: 20, max_reports: 1}}\n",
        fixture_config()
    );
    let repo = repository(
        &config,
        &[
            ("a001-pass.yaml", report.as_bytes()),
            (
                "zz-second.yaml",
                report.replace("a001-pass", "zz-second").as_bytes(),
            ),
        ],
    );
    let (exit, findings) = check_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    let s007: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["code"] == "S007")
        .map(|f| (f["file"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert!(
        s007.contains(&("incidents/a001-pass.yaml", "/timeline")),
        "{s007:?}"
    );
    assert!(
        s007.contains(&("candor.yaml", "/limits/max_reports")),
        "{s007:?}"
    );
    assert!(
        s007.iter()
            .any(|(_, p)| p.starts_with("/root_cause/description")),
        "{s007:?}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f["file"] == "incidents/zz-second.yaml"),
        "reports over the limit are not read"
    );
}

#[test]
fn keys_that_become_paths_are_validated() {
    let config = fixture_config().replace(
        "  post: {name: {da: \"Post\", en: \"Post\"}, organisation: agency}",
        "  \"../../escape\": {name: Escape, organisation: agency}",
    );
    assert!(config.contains("escape"));
    let repo = GitRepo::new(&config.replace("languages: [da, en]", "languages: [da, \"../x\"]"));
    repo.commit("Hostile keys", 1_777_000_000);
    let (exit, findings) = check_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    let messages: Vec<&str> = findings
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`../../escape` cannot be a key")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("../x")), "{messages:?}");
    let out = tempfile::tempdir().unwrap();
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        files_under(out.path()).is_empty(),
        "nothing is written anywhere"
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_never_followed() {
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("secret.yaml");
    std::fs::write(
        &secret,
        std::fs::read(fixture("rules/A001-missing-root-cause/pass/a001-pass.yaml")).unwrap(),
    )
    .unwrap();
    std::fs::write(
        secret_dir.path().join("SECRET-MARKER.txt"),
        "TOP SECRET CONTENT",
    )
    .unwrap();

    let repo = GitRepo::new(&fixture_config());
    std::fs::create_dir_all(repo.path().join("incidents/2026")).unwrap();
    std::os::unix::fs::symlink(&secret, repo.path().join("incidents/2026/a001-pass.yaml")).unwrap();
    std::os::unix::fs::symlink(
        secret_dir.path(),
        repo.path().join("incidents/linked-folder"),
    )
    .unwrap();
    repo.commit("Links", 1_777_000_000);

    let (exit, findings) = check_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    let linked = findings
        .iter()
        .find(|f| f["file"] == "incidents/2026/a001-pass.yaml")
        .unwrap();
    assert!(
        linked["message"]
            .as_str()
            .unwrap()
            .contains("symbolic link")
    );
    assert!(
        !findings
            .iter()
            .any(|f| f["file"].as_str().unwrap().contains("secret")),
        "nothing behind a link is read"
    );

    let out = tempfile::tempdir().unwrap();
    for extra in [&[][..], &["--worktree"][..]] {
        let output = build(repo.path(), &out.path().join("site"), extra);
        assert_eq!(
            output.status.code(),
            Some(1),
            "a link named like a report is a finding that stops the build"
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("symbolic link"), "{stdout}");
    }
    assert!(files_under(out.path()).is_empty());

    // A link in place of candor.yaml is refused.
    let other = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        repo.path().join("candor.yaml"),
        other.path().join("candor.yaml"),
    )
    .unwrap();
    let output = candor()
        .args(["check", "--repo"])
        .arg(other.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("symbolic link"));
}

#[cfg(unix)]
#[test]
fn submodules_and_odd_file_names_are_findings() {
    use std::os::unix::ffi::OsStrExt;
    let repo = GitRepo::new(&fixture_config());
    repo.commit("Start", 1_777_000_000);
    // A gitlink (submodule) entry inside incidents/, written into the index directly.
    let git = git2::Repository::open(repo.path()).unwrap();
    let mut index = git.index().unwrap();
    let head = git.head().unwrap().target().unwrap();
    index
        .add(&git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o160000,
            uid: 0,
            gid: 0,
            file_size: 0,
            id: head,
            flags: 0,
            flags_extended: 0,
            path: b"incidents/vendored".to_vec(),
        })
        .unwrap();
    let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
    let signature = git2::Signature::new(
        "Agency",
        "reports@example.org",
        &git2::Time::new(1_777_100_000, 0),
    )
    .unwrap();
    let parent = git.find_commit(head).unwrap();
    git.commit(
        Some("HEAD"),
        &signature,
        &signature,
        "Submodule",
        &tree,
        &[&parent],
    )
    .unwrap();
    // A file name that is not UTF-8, in the working tree.
    std::fs::create_dir_all(repo.path().join("incidents")).unwrap();
    std::fs::write(
        repo.path()
            .join("incidents")
            .join(std::ffi::OsStr::from_bytes(b"caf\xe9.yaml")),
        "x: 1",
    )
    .unwrap();

    let out = tempfile::tempdir().unwrap();
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("submodule"));
    let (_, findings) = check_json(repo.path(), &[]);
    assert!(
        findings
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("not valid UTF-8")),
        "{findings:#?}"
    );
}

/// A committed repository with one valid report, for the git edge cases.
fn small_repository() -> GitRepo {
    let repo = GitRepo::new(&fixture_config());
    repo.write(
        "incidents/2026/a001-pass.yaml",
        &std::fs::read_to_string(fixture("rules/A001-missing-root-cause/pass/a001-pass.yaml"))
            .unwrap(),
    );
    repo.commit("First", 1_777_000_000);
    let text = std::fs::read_to_string(repo.path().join("incidents/2026/a001-pass.yaml")).unwrap();
    repo.write(
        "incidents/2026/a001-pass.yaml",
        &text.replace("Login fejlede", "Login fejlede helt"),
    );
    repo.commit("Second", 1_777_100_000);
    repo
}

fn git(dir: &Path, args: &[&str]) {
    let status = Process::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn git_edge_cases_build_or_fail_clearly() {
    let repo = small_repository();
    let out = tempfile::tempdir().unwrap();
    let page = "da/reports/a001-pass.html";

    // A shallow clone: the history it has.
    let shallow = out.path().join("shallow");
    git(
        out.path(),
        &[
            "clone",
            "--quiet",
            "--depth",
            "1",
            &format!("file://{}", repo.path().display()),
            "shallow",
        ],
    );
    let output = build(&shallow, &out.path().join("site-shallow"), &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        std::fs::read_to_string(out.path().join("site-shallow").join(page))
            .unwrap()
            .contains("Login fejlede helt")
    );

    // A detached HEAD, and an older revision.
    git(repo.path(), &["checkout", "--quiet", "--detach", "HEAD~1"]);
    let output = build(repo.path(), &out.path().join("site-detached"), &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out.path().join("site-detached").join(page)).unwrap();
    assert!(
        !text.contains("Login fejlede helt"),
        "the detached HEAD is the older commit"
    );

    // A bare repository.
    git(
        out.path(),
        &[
            "clone",
            "--quiet",
            "--bare",
            &repo.path().display().to_string(),
            "bare.git",
        ],
    );
    let output = candor()
        .args(["build", "--today", "2026-12-01", "--repo"])
        .arg(out.path().join("bare.git"))
        .arg("--out")
        .arg(out.path().join("site-bare"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // GIT_DIR and GIT_WORK_TREE, as a hook sets them, from another folder.
    let elsewhere = tempfile::tempdir().unwrap();
    let output = candor()
        .current_dir(elsewhere.path())
        .env("GIT_DIR", repo.path().join(".git"))
        .env("GIT_WORK_TREE", repo.path())
        .args(["build", "--today", "2026-12-01", "--rev", "HEAD", "--out"])
        .arg(out.path().join("site-env"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Clear errors, exit 2, never a panic.
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--rev".into(), "no-such-branch".into()],
            "the revision `no-such-branch` was not found",
        ),
        (
            vec!["--rev".into(), "HEAD:candor.yaml".into()],
            "does not name a commit",
        ),
    ];
    for (args, expected) in cases {
        let output = candor()
            .current_dir(repo.path())
            .arg("build")
            .args(&args)
            .arg("--out")
            .arg(out.path().join("never"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let empty = tempfile::tempdir().unwrap();
    git2::Repository::init(empty.path()).unwrap();
    std::fs::write(empty.path().join("candor.yaml"), fixture_config()).unwrap();
    let output = candor()
        .current_dir(empty.path())
        .args(["build", "--out"])
        .arg(out.path().join("never"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no commits yet"));
    let not_git = tempfile::tempdir().unwrap();
    std::fs::write(not_git.path().join("candor.yaml"), fixture_config()).unwrap();
    let output = candor()
        .current_dir(not_git.path())
        .args(["build", "--out"])
        .arg(out.path().join("never"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not inside a git repository"));
    assert!(!out.path().join("never").exists());
}

/// A repository with `count` valid reports, committed, so a build takes a while.
/// Commit a new version of the first report of a [`large_repository`], so the next build
/// writes a different site.
fn commit_a_changed_report(repo: &GitRepo) {
    repo.write(
        "incidents/2026/r-00000.yaml",
        &std::fs::read_to_string(repo.path().join("incidents/2026/r-00001.yaml"))
            .unwrap()
            .replace("r-00001", "r-00000")
            .replace("Login fejlede", "Login fejlede igen"),
    );
    repo.commit("Change", 1_777_100_000);
}

fn large_repository(count: usize) -> GitRepo {
    let repo = GitRepo::new(&fixture_config());
    let template =
        std::fs::read_to_string(fixture("rules/A001-missing-root-cause/pass/a001-pass.yaml"))
            .unwrap();
    for index in 0..count {
        let id = format!("r-{index:05}");
        repo.write(
            &format!("incidents/2026/{id}.yaml"),
            &template.replace("a001-pass", &id),
        );
    }
    repo.commit("Many reports", 1_777_000_000);
    repo
}

/// Whether the site at `site` is complete: every file the manifest lists has its hash, and
/// nothing else is there.
fn verify_site(site: &Path) -> Result<usize, String> {
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(site.join("manifest.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let listed = manifest["files"].as_object().ok_or("no files")?;
    let files: Vec<String> = files_under(site)
        .into_iter()
        .filter(|f| f != "manifest.json")
        .collect();
    if files.len() != listed.len() {
        return Err(format!(
            "{} files on disk, {} in the manifest",
            files.len(),
            listed.len()
        ));
    }
    for file in &files {
        let bytes = std::fs::read(site.join(file)).map_err(|e| e.to_string())?;
        if listed.get(file).and_then(Value::as_str)
            != Some(candor::publish::Sha256Sum::of(&bytes).to_string().as_str())
        {
            return Err(format!("{file} does not match the manifest"));
        }
    }
    Ok(files.len())
}

#[test]
fn killed_builds_leave_the_previous_site_intact() {
    let repo = large_repository(400);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert!(build(repo.path(), &site, &[]).status.success());
    let before = verify_site(&site).unwrap();
    // A second commit, so the killed builds would write a different site.
    commit_a_changed_report(&repo);
    for (round, delay) in [30u64, 80, 150, 250, 400, 600, 900].into_iter().enumerate() {
        let mut child = Process::new(assert_cmd::cargo::cargo_bin("candor"))
            .current_dir(repo.path())
            .args(["build", "--today", "2026-12-01", "--quiet", "--out"])
            .arg(&site)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let files = verify_site(&site).unwrap_or_else(|e| {
            panic!("round {round} ({delay} ms, {status:?}): the site is broken: {e}")
        });
        assert!(files >= before, "round {round}");
    }
    // The next run cleans up what the killed ones left, and succeeds.
    assert!(build(repo.path(), &site, &[]).status.success());
    verify_site(&site).unwrap();
    let leftovers: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            ![
                "site",
                ".site.candor-lock",
                ".site.candor-pages",
                ".site.candor-parts",
                // The site the published one replaced, for the next build to update.
                ".site.candor-spare",
                ".site.candor-spare-pages",
            ]
            .contains(&n.as_str())
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(
        std::fs::read_to_string(site.join("da/reports/r-00000.html"))
            .unwrap()
            .contains("Login fejlede igen")
    );
}

#[test]
fn two_builds_into_one_folder_never_mix() {
    let repo = large_repository(400);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let spawn = || {
        Process::new(assert_cmd::cargo::cargo_bin("candor"))
            .current_dir(repo.path())
            .args(["build", "--today", "2026-12-01", "--quiet", "--out"])
            .arg(&site)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn();
    std::thread::sleep(Duration::from_millis(150));
    let second = spawn();
    let first = first.wait_with_output().unwrap();
    let second = second.wait_with_output().unwrap();
    // Either build may take the lock first: on a loaded machine the second one spawned can
    // win. Whichever loses refuses with a clear message; both may also succeed one after the
    // other. A build never fails for any other reason, and the site is always whole.
    let mut refused = 0;
    for output in [&first, &second] {
        match output.status.code() {
            Some(0) => {}
            Some(2) => {
                refused += 1;
                assert!(
                    String::from_utf8_lossy(&output.stderr)
                        .contains("another Candor build is writing"),
                    "{}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            other => panic!(
                "a build ended with {other:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
        }
    }
    assert!(refused <= 1, "both builds refused");
    verify_site(&site).unwrap();
}

#[cfg(unix)]
#[test]
fn a_full_disk_ends_in_a_clear_error_and_the_site_stays() {
    let repo = large_repository(50);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert!(build(repo.path(), &site, &[]).status.success());
    let before = verify_site(&site).unwrap();
    commit_a_changed_report(&repo);
    // A file size limit makes writes fail as a full disk does (EFBIG instead of ENOSPC).
    let output = Process::new("sh")
        .current_dir(repo.path())
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 8; exec '{}' build --today 2026-12-01 --out '{}'",
            assert_cmd::cargo::cargo_bin("candor").display(),
            site.display()
        ))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot write"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        verify_site(&site).unwrap(),
        before,
        "the previous site is intact"
    );

    // An output folder that cannot be created (its parent is a file).
    std::fs::write(out.path().join("plain-file"), "x").unwrap();
    let output = build(repo.path(), &out.path().join("plain-file/site"), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot create"));
}

#[cfg(unix)]
#[test]
fn a_report_linked_to_an_endless_file_is_never_read_even_for_a_snippet() {
    let repo = GitRepo::new(&fixture_config());
    std::fs::create_dir_all(repo.path().join("incidents/2026")).unwrap();
    std::os::unix::fs::symlink(
        "/dev/zero",
        repo.path().join("incidents/2026/2026-03-03-zero.yaml"),
    )
    .unwrap();
    // A pipe named like a report would block a read forever.
    let fifo = repo.path().join("incidents/2026/2026-03-04-pipe.yaml");
    make_fifo(&fifo);
    repo.commit("Start", 1_777_000_000);
    let out = tempfile::tempdir().unwrap();
    for args in [
        vec!["check", "--today", "2026-12-01"],
        vec![
            "check",
            "--today",
            "2026-12-01",
            "incidents/2026/2026-03-04-pipe.yaml",
        ],
        vec!["build", "--worktree", "--today", "2026-12-01", "--out"],
    ] {
        let mut command = candor();
        command
            .current_dir(repo.path())
            .timeout(Duration::from_secs(20))
            .args(&args);
        if args[0] == "build" {
            command.arg(out.path().join("site"));
        }
        let output = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            matches!(output.status.code(), Some(1) | Some(2)),
            "{args:?} must end with findings or an error, not hang: {:?}\n{stdout}{stderr}",
            output.status
        );
        assert!(
            stdout.contains("symbolic link")
                || stdout.contains("regular file")
                || stderr.contains("regular file"),
            "{args:?}: {stdout}{stderr}"
        );
        assert!(
            stdout.len() < 100_000,
            "{args:?}: a snippet of /dev/zero was printed"
        );
    }
}

/// `candor build` in `repo` into `site`, with extra environment.
fn build_with_env(repo: &GitRepo, site: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut command = candor();
    command
        .current_dir(repo.path())
        .args(["build", "--today", "2026-12-01", "--quiet", "--out"])
        .arg(site);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn without_an_atomic_exchange_a_build_killed_between_renames_is_recovered() {
    let repo = large_repository(20);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let no_exchange = [("CANDOR_TEST_NO_RENAME_EXCHANGE", "1")];
    assert!(build_with_env(&repo, &site, &no_exchange).status.success());
    let before = verify_site(&site).unwrap();
    // The fallback path replaces a site cleanly.
    commit_a_changed_report(&repo);
    assert!(build_with_env(&repo, &site, &no_exchange).status.success());
    verify_site(&site).unwrap();
    // Killed between setting the old site aside and moving the new one in: --out is gone.
    commit_a_changed_report(&repo);
    let killed = build_with_env(
        &repo,
        &site,
        &[
            ("CANDOR_TEST_NO_RENAME_EXCHANGE", "1"),
            ("CANDOR_TEST_STOP_BETWEEN_RENAMES", "1"),
        ],
    );
    assert_eq!(
        killed.status.code(),
        Some(9),
        "the build stops between the renames"
    );
    assert!(!site.exists(), "the kill left --out missing");
    // The next build, also without the exchange, puts things right and publishes.
    let next = build_with_env(&repo, &site, &no_exchange);
    assert!(
        next.status.success(),
        "{}",
        String::from_utf8_lossy(&next.stderr)
    );
    assert!(verify_site(&site).unwrap() >= before);
    let leftovers: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n != "site"
                && !n.ends_with(".candor-lock")
                && !n.ends_with(".candor-pages")
                && !n.ends_with(".candor-parts")
                && !n.ends_with(".candor-spare")
                && !n.ends_with(".candor-spare-pages")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn two_sites_in_one_folder_build_at_the_same_time() {
    let repo = large_repository(200);
    let out = tempfile::tempdir().unwrap();
    let spawn = |name: &str| {
        Process::new(assert_cmd::cargo::cargo_bin("candor"))
            .current_dir(repo.path())
            .args(["build", "--today", "2026-12-01", "--quiet", "--out"])
            .arg(out.path().join(name))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn("site-a"), spawn("site-b"));
    for output in [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ] {
        assert!(
            output.status.success(),
            "a build into another folder of the same parent is not blocked: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    verify_site(&out.path().join("site-a")).unwrap();
    verify_site(&out.path().join("site-b")).unwrap();
}

#[test]
fn a_mount_point_as_out_is_refused_with_the_reason() {
    let shm = Path::new("/dev/shm");
    if !shm.is_dir() {
        return;
    }
    let repo = large_repository(3);
    let output = build_with_env(&repo, shm, &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is a mount point"), "{stderr}");
}

#[test]
fn a_folder_without_a_manifest_is_refused_without_reading_it_all() {
    let out = tempfile::tempdir().unwrap();
    // A folder Candor did not write, with a subfolder that cannot be listed: refusing it
    // must not depend on walking it.
    let foreign = out.path().join("home");
    std::fs::create_dir_all(foreign.join("a/b")).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    std::os::unix::fs::symlink("/proc/self/fd/0", foreign.join("a/b/link")).unwrap();
    let repo = large_repository(3);
    let output = build_with_env(&repo, &foreign, &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not written by Candor"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn only_web_addresses_are_a_site_base() {
    let template =
        std::fs::read_to_string(fixture("rules/A001-missing-root-cause/pass/a001-pass.yaml"))
            .unwrap();
    for (base, refused) in [
        ("javascript:alert(1)//", true),
        ("file:///etc/", true),
        ("http://incidents.example.org/", false),
        ("https://incidents.example.org/", false),
    ] {
        let config = fixture_config().replace(
            "base_url: https://incidents.example.org/",
            &format!("base_url: \"{base}\""),
        );
        assert!(config.contains(base), "{config}");
        let repo = GitRepo::new(&config);
        repo.write("incidents/2026/a001-pass.yaml", &template);
        repo.commit("Start", 1_777_000_000);
        let (exit, findings) = check_json(repo.path(), &[]);
        let flagged = findings
            .iter()
            .any(|f| f["path"] == "/site/base_url" && f["level"] == "deny");
        assert_eq!(flagged, refused, "{base}: {findings:#?}");
        assert_eq!(exit == 1, refused, "{base}");
        let out = tempfile::tempdir().unwrap();
        let output = build(repo.path(), &out.path().join("site"), &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if refused {
            assert_eq!(output.status.code(), Some(1), "{base}");
            assert!(!out.path().join("site").exists());
        } else {
            assert!(output.status.success(), "{base}: {stderr}");
            assert_eq!(
                stderr.contains("is not https://"),
                base.starts_with("http:"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn ids_and_keys_never_read_as_options_or_windows_devices() {
    let template =
        std::fs::read_to_string(fixture("rules/A001-missing-root-cause/pass/a001-pass.yaml"))
            .unwrap();
    for id in ["-rf", "---", "con", "nul", "aux"] {
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(repo.path().join("candor.yaml"), fixture_config()).unwrap();
        std::fs::create_dir_all(repo.path().join("incidents")).unwrap();
        std::fs::write(
            repo.path().join(format!("incidents/{id}.yaml")),
            template.replace("id: a001-pass", &format!("id: \"{id}\"")),
        )
        .unwrap();
        let (exit, findings) = check_json(repo.path(), &[]);
        assert_eq!(exit, 1, "{id}");
        assert!(
            findings
                .iter()
                .any(|f| f["code"] == "S003" && f["path"] == "/id"),
            "{id}: {findings:#?}"
        );
    }
    let config = fixture_config().replace(
        "  post: {",
        "  nul: {name: Nul, organisation: agency}\n  post: {",
    );
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join("candor.yaml"), config).unwrap();
    let (exit, findings) = check_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    assert!(
        findings.iter().any(|f| f["path"] == "/services/nul"),
        "{findings:#?}"
    );
    // A key named like one of the site's own pages would overwrite it.
    for key in ["index", "compare"] {
        let config = fixture_config().replace(
            "  post: {",
            &format!("  {key}: {{name: Page, organisation: agency}}\n  post: {{"),
        );
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(repo.path().join("candor.yaml"), config).unwrap();
        let (exit, findings) = check_json(repo.path(), &[]);
        assert_eq!(exit, 1, "{key}");
        assert!(
            findings
                .iter()
                .any(|f| f["path"] == format!("/services/{key}") && f["code"] == "S002"),
            "{key}: {findings:#?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_linked_templates_folder_is_refused_in_both_modes() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("report.html"), "{{ view.id }}").unwrap();
    let repo = large_repository(2);
    std::os::unix::fs::symlink(elsewhere.path(), repo.path().join("templates")).unwrap();
    repo.commit("Linked templates", 1_777_100_000);
    let out = tempfile::tempdir().unwrap();
    for extra in [&[][..], &["--worktree"][..]] {
        let output = build(repo.path(), &out.path().join("site"), extra);
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("templates") && stderr.contains("symbolic link"),
            "{extra:?}: {stderr}"
        );
    }
}

#[test]
fn a_looping_template_stops_at_the_page_limit_with_its_name() {
    let repo = large_repository(2);
    repo.write(
        "candor.yaml",
        &format!("{}limits: {{max_page_bytes: 200000}}\n", fixture_config()),
    );
    repo.write(
        "templates/about.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}spam spam spam {% endfor %}{% endfor %}",
    );
    repo.commit("A template that loops", 1_777_100_000);
    let out = tempfile::tempdir().unwrap();
    let output = build(repo.path(), &out.path().join("site"), &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("about.html"), "{stderr}");
    assert!(stderr.contains("max_page_bytes"), "{stderr}");
    assert!(!out.path().join("site").exists());
}
