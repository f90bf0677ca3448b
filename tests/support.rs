//! Helpers shared by the integration tests: temporary repositories and running the binary.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// The project root.
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path under `tests/fixtures`.
pub fn fixture(relative: &str) -> PathBuf {
    project_root().join("tests/fixtures").join(relative)
}

/// The `candor` binary, with a timeout so a hang fails the test instead of blocking CI.
pub fn candor() -> Command {
    let mut command = Command::cargo_bin("candor").expect("the binary is built");
    command
        .timeout(Duration::from_secs(60))
        .env("NO_COLOR", "1");
    command
}

/// Copy a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
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
pub fn repository(config: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
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
pub fn fixture_config() -> String {
    std::fs::read_to_string(fixture("rules/candor.yaml")).unwrap()
}

/// Run `candor check --format json --today 2026-12-01` on `repo`; return the exit code and findings.
pub fn check_json(repo: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
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
pub fn codes(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}
