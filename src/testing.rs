//! Fixtures the unit tests of several modules share.

/// A repository made by `examples/example-repo.sh`: the example reports with their history.
pub(crate) fn example_repository() -> tempfile::TempDir {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("bash")
        .arg(root.join("examples/example-repo.sh"))
        .arg(repo.path())
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    repo
}
