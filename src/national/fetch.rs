//! Fetching the source repositories of a national site into a cache of bare repositories,
//! one per source (`<cache>/<name>.git`), and finding the pinned commit in it.
//!
//! A fetch brings only objects the cache lacks. A commit already in the cache is not fetched
//! again, so a warm build (and `--offline`) needs no network at all. Local paths and
//! `file://` addresses are read with libgit2; `https://` with the system's `git`, which
//! brings the machine's proxy and certificate settings.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use super::sources::{SourceEntry, is_commit_id};

/// A source in the cache, at its pinned commit.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// The bare repository in the cache.
    pub repository: PathBuf,
    /// The commit to read.
    pub commit: Oid,
}

/// How to fetch.
#[derive(Clone, Debug)]
pub struct FetchOptions {
    /// The folder of the sources file (local paths are relative to it).
    pub base: PathBuf,
    /// Where the bare repositories are kept.
    pub cache: PathBuf,
    /// Use only what is in the cache.
    pub offline: bool,
    /// Allow a branch or tag name as `revision`.
    pub allow_moving_revisions: bool,
}

/// The address to fetch `entry` from: `https://` and `file://` as written, a local path
/// made absolute against the sources file's folder.
pub fn address(entry: &SourceEntry, base: &Path) -> String {
    if entry.git.starts_with("https://") || entry.git.starts_with("file://") {
        entry.git.clone()
    } else {
        base.join(&entry.git).to_string_lossy().into_owned()
    }
}

/// Bring `entry` into the cache and find its commit, or say why not.
pub fn fetch(entry: &SourceEntry, options: &FetchOptions) -> Result<Fetched, String> {
    if !is_commit_id(&entry.revision) && !options.allow_moving_revisions {
        return Err(format!(
            "revision `{}` is not a full commit id; pin the source to a 40-digit commit (or pass --allow-moving-revisions)",
            entry.revision
        ));
    }
    let url = address(entry, &options.base);
    if !(url.starts_with("https://") || url.starts_with("file://") || Path::new(&url).exists()) {
        if url.contains("://") {
            return Err(format!(
                "`{}` is not a local path, file:// or https:// address",
                entry.git
            ));
        }
        if options.offline {
            // The cache may still have it.
        } else {
            return Err(format!("{url} does not exist"));
        }
    }
    let repository = options.cache.join(format!("{}.git", entry.name));
    let repo = match Repository::open_bare(&repository) {
        Ok(repo) => repo,
        Err(_) => Repository::init_bare(&repository)
            .map_err(|e| format!("cannot create the cache {}: {e}", repository.display()))?,
    };
    let pinned = is_commit_id(&entry.revision)
        .then(|| Oid::from_str(&entry.revision).ok())
        .flatten();
    let have = |repo: &Repository| pinned.is_some_and(|oid| repo.find_commit(oid).is_ok());
    if !have(&repo) {
        if options.offline {
            return Err(match pinned {
                Some(_) => format!(
                    "commit {} is not in the cache and --offline forbids fetching",
                    entry.revision
                ),
                None => "a moving revision cannot be resolved with --offline".into(),
            });
        }
        fetch_into(&repo, &repository, &url)?;
    }
    let commit = match pinned {
        Some(oid) => repo
            .find_commit(oid)
            .map_err(|_| format!("commit {} is not in {}", entry.revision, entry.git))?
            .id(),
        None => resolve_moving(&repo, &entry.revision)?,
    };
    Ok(Fetched { repository, commit })
}

/// Fetch every branch and tag of `url` into the bare repository `repo`.
fn fetch_into(repo: &Repository, path: &Path, url: &str) -> Result<(), String> {
    let refspecs = [
        "+refs/heads/*:refs/remotes/origin/*",
        "+refs/tags/*:refs/tags/*",
    ];
    if url.starts_with("https://") {
        let output = std::process::Command::new("git")
            .arg("--git-dir")
            .arg(path)
            .args(["fetch", "--quiet", "--no-tags", "--", url])
            .args(refspecs)
            .output()
            .map_err(|e| format!("cannot run git to fetch {url}: {e}; install git, or fetch it yourself and use a local path"))?;
        if !output.status.success() {
            return Err(format!(
                "git could not fetch {url}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        return Ok(());
    }
    let mut remote = repo
        .remote_anonymous(url)
        .map_err(|e| format!("cannot read {url}: {}", e.message()))?;
    remote
        .fetch(&refspecs, None, None)
        .map_err(|e| format!("cannot fetch {url}: {}", e.message()))
}

/// A branch or tag name, as fetched.
fn resolve_moving(repo: &Repository, revision: &str) -> Result<Oid, String> {
    for name in [
        format!("refs/remotes/origin/{revision}"),
        format!("refs/tags/{revision}"),
    ] {
        if let Ok(reference) = repo.find_reference(&name)
            && let Ok(commit) = reference.peel_to_commit()
        {
            return Ok(commit.id());
        }
    }
    Err(format!("no branch or tag `{revision}` in the source"))
}
