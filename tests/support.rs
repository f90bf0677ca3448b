//! Helpers shared by the integration tests: temporary repositories and running the binary.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// The project root.
pub(crate) fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path under `tests/fixtures`.
pub(crate) fn fixture(relative: &str) -> PathBuf {
    project_root().join("tests/fixtures").join(relative)
}

/// The `candor` binary, with a timeout so a hang fails the test instead of blocking CI.
pub(crate) fn candor() -> Command {
    let mut command = Command::cargo_bin("candor").expect("the binary is built");
    command
        .timeout(Duration::from_secs(60))
        .env("NO_COLOR", "1");
    command
}

/// Copy a folder tree.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary reports repository with `config` as candor.yaml and `files` under incidents/.
pub(crate) fn repository(config: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("candor.yaml"), config).unwrap();
    for (path, bytes) in files {
        let path = dir.path().join("incidents").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// The configuration the rule fixtures share.
pub(crate) fn fixture_config() -> String {
    std::fs::read_to_string(fixture("rules/candor.yaml")).unwrap()
}

/// Run `candor check --format json --today 2026-12-01` on `repo`; return the exit code and findings.
pub(crate) fn check_json(repo: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let output = candor()
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-12-01",
            "--repo",
        ])
        .arg(repo)
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let findings: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (
        output.status.code().unwrap(),
        findings.as_array().unwrap().clone(),
    )
}

/// The codes of `findings`, in order.
pub(crate) fn codes(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A temporary git repository for tests that need history; commits have fixed, given times.
pub(crate) struct GitRepo {
    /// The folder (kept alive by the value).
    pub dir: tempfile::TempDir,
    repo: git2::Repository,
}

impl GitRepo {
    /// A new repository with `candor.yaml` (not yet committed).
    pub(crate) fn new(config: &str) -> GitRepo {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        std::fs::write(dir.path().join("candor.yaml"), config).unwrap();
        GitRepo { dir, repo }
    }

    /// The bundled example reports repository, with the back-dated history that
    /// `examples/example-repo.sh` replays from `examples/history.mbox`.
    pub(crate) fn examples() -> GitRepo {
        let dir = tempfile::tempdir().unwrap();
        let output = std::process::Command::new("bash")
            .arg(project_root().join("examples/example-repo.sh"))
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "examples/example-repo.sh failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let repo = git2::Repository::open(dir.path()).unwrap();
        GitRepo { dir, repo }
    }

    /// The working tree.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file (relative path) in the working tree.
    pub(crate) fn write(&self, path: &str, content: &str) {
        let path = self.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Commit everything in the working tree at `seconds` since the epoch (UTC+01:00).
    pub(crate) fn commit(&self, message: &str, seconds: i64) -> String {
        let mut index = self.repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let signature = git2::Signature::new(
            "Agency",
            "reports@example.org",
            &git2::Time::new(seconds, 60),
        )
        .unwrap();
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        self.repo
            .commit(
                Some("HEAD"),
                &signature,
                &signature,
                message,
                &tree,
                &parents,
            )
            .unwrap()
            .to_string()
    }
}

/// Run `candor build --today 2026-12-01 --out OUT` (plus `extra`) in `repo`.
pub(crate) fn build(repo: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    candor()
        .current_dir(repo)
        .args(["build", "--today", "2026-12-01", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// Every file under `root`, relative, sorted.
pub(crate) fn files_under(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                pending.push(entry.path());
            } else {
                files.push(
                    entry
                        .path()
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    files.sort();
    files
}

/// A named pipe at `path` (a read of it would block until someone writes).
pub(crate) fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}
