//! Build script: records the commit Candor is built from, for `candor --version` and for the
//! CI files `candor init` writes (which pin the setup action to that commit). The commit comes
//! from `CANDOR_COMMIT` (set by the release workflow), else from git, else from the
//! `.cargo_vcs_info.json` that `cargo package` writes, else it is `unknown`.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=CANDOR_COMMIT");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let root = Path::new(&manifest_dir);
    let git_dir = root.join(".git");
    if git_dir.is_dir() {
        // Rebuild when HEAD moves (a new commit, or another branch checked out).
        println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
        if let Ok(head) = std::fs::read_to_string(git_dir.join("HEAD"))
            && let Some(reference) = head.trim().strip_prefix("ref: ")
        {
            println!(
                "cargo:rerun-if-changed={}",
                git_dir.join(reference).display()
            );
        }
    }
    let commit = std::env::var("CANDOR_COMMIT")
        .ok()
        .filter(|c| is_commit_id(c))
        .or_else(|| from_git(root))
        .or_else(|| from_vcs_info(root))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=CANDOR_COMMIT={commit}");
}

fn is_commit_id(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn from_git(root: &Path) -> Option<String> {
    if !root.join(".git").exists() {
        return None;
    }
    let output = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root)
        .output()
        .ok()?;
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (output.status.success() && is_commit_id(&commit)).then_some(commit)
}

fn from_vcs_info(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join(".cargo_vcs_info.json")).ok()?;
    let start = text.find("\"sha1\"")?;
    let commit: String = text[start + 6..]
        .chars()
        .skip_while(|c| !c.is_ascii_hexdigit())
        .take(40)
        .collect();
    is_commit_id(&commit).then_some(commit)
}
