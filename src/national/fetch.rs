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
    let is_remote = url.starts_with("https://") || url.starts_with("file://");
    if !is_remote && !Path::new(&url).exists() && !options.offline {
        return Err(format!("{} does not exist", entry.git));
    }
    let repository = options.cache.join(format!("{}.git", entry.name));
    let repo = open_cache(&repository, &url)?;
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
        fetch_into(&repo, &repository, &url, &entry.git)?;
    }
    let commit = match pinned {
        Some(oid) => match repo.find_commit(oid) {
            Ok(commit) => commit.id(),
            Err(_) if repo.find_tag(oid).is_ok() => {
                return Err(format!(
                    "{} is an annotated tag, not a commit; pin the commit it points to (git rev-parse {}^{{commit}})",
                    entry.revision, entry.revision
                ));
            }
            Err(_) => return Err(format!("commit {} is not in {}", entry.revision, entry.git)),
        },
        None => resolve_moving(&repo, &entry.revision)?,
    };
    Ok(Fetched { repository, commit })
}

/// The file in a cached repository that says Candor made it, and from which address.
const CACHE_MARKER: &str = "candor-source";

/// Open the cached repository at `path` for `url`, or make it. A folder Candor did not make
/// is refused, never taken over; a cached repository of another address is made anew, so
/// that what the site says was read is what the address holds.
fn open_cache(path: &Path, url: &str) -> Result<Repository, String> {
    let marker = path.join(CACHE_MARKER);
    if path.exists() {
        match std::fs::read_to_string(&marker) {
            Ok(address) if address.trim_end() == url => {
                return Repository::open_bare(path).map_err(|e| {
                    format!("cannot open the cache {}: {}", path.display(), e.message())
                });
            }
            Ok(_) => std::fs::remove_dir_all(path).map_err(|e| {
                format!(
                    "cannot renew the cache {} for a new address: {e}",
                    path.display()
                )
            })?,
            Err(_) => {
                return Err(format!(
                    "{} exists but is not a repository Candor fetched; move it away, or choose another --cache",
                    path.display()
                ));
            }
        }
    }
    let repo = Repository::init_bare(path).map_err(|e| {
        format!(
            "cannot create the cache {}: {}",
            path.display(),
            e.message()
        )
    })?;
    std::fs::write(&marker, format!("{url}\n"))
        .map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    Ok(repo)
}

/// Fetch every branch and tag of `url` into the bare repository `repo`, under
/// `refs/candor/`. `shown` is the address as the sources file writes it, for messages.
fn fetch_into(repo: &Repository, path: &Path, url: &str, shown: &str) -> Result<(), String> {
    let refspecs = [
        "+refs/heads/*:refs/candor/heads/*",
        "+refs/tags/*:refs/candor/tags/*",
    ];
    if url.starts_with("https://") {
        // Never ask for a password on the terminal, and give up on a server that stalls.
        let output = std::process::Command::new("git")
            .args(["-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=60"])
            .arg("--git-dir")
            .arg(path)
            .args(["fetch", "--quiet", "--no-tags", "--", url])
            .args(refspecs)
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("cannot run git to fetch {shown}: {e}; install git, or fetch it yourself and use a local path"))?;
        if !output.status.success() {
            return Err(format!(
                "git could not fetch {shown}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        return Ok(());
    }
    let mut remote = repo
        .remote_anonymous(url)
        .map_err(|e| format!("cannot read {shown}: {}", e.message()))?;
    remote
        .fetch(&refspecs, None, None)
        .map_err(|e| format!("cannot fetch {shown}: {}", e.message()))
}

/// A branch or tag name, as fetched.
fn resolve_moving(repo: &Repository, revision: &str) -> Result<Oid, String> {
    for name in [
        format!("refs/candor/heads/{revision}"),
        format!("refs/candor/tags/{revision}"),
    ] {
        if let Ok(reference) = repo.find_reference(&name)
            && let Ok(commit) = reference.peel_to_commit()
        {
            return Ok(commit.id());
        }
    }
    Err(format!("no branch or tag `{revision}` in the source"))
}
