//! Where report files come from: the committed tree of a git revision, or the working tree.
//!
//! `build` reads the tree of `--rev` from the git object database, so an uncommitted edit is
//! never published (a checked-out file is read instead of its blob only when it hashes to the
//! blob's id: the same bytes, for less work); `check` and `build --worktree` read the files on
//! disk. Both give the same [`Listing`] and bytes. Paths are kept relative to the repository
//! root with `/` separators, the form findings and the site use. Symbolic links are never
//! followed: a report must be a regular file inside the repository, so a link cannot pull a
//! file from elsewhere into a check or a site.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use rayon::prelude::*;

/// The object `rev` names (a branch, tag, commit or expression such as `HEAD~2`), or an error
/// that says which revision was not found and how to list the ones that exist; git's own
/// internals ("class=Reference (4)") are left out.
fn resolve<'r>(repo: &'r Repository, rev: &str) -> anyhow::Result<git2::Object<'r>> {
    repo.revparse_single(rev).map_err(|_| {
        anyhow::anyhow!(
            "the revision `{rev}` was not found in {}; list branches with `git branch -a`, tags with `git tag`, and recent commits with `git log --oneline`",
            display_root(repo)
        )
    })
}

/// The folder under which reports live.
pub const INCIDENTS_DIR: &str = "incidents";
/// The configuration file at the repository root.
pub const CONFIG_FILE: &str = "candor.yaml";

/// A file found under `incidents/` that is not a readable report, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Path relative to the root.
    pub path: String,
    /// Why it is not read, for the author.
    pub reason: String,
    /// How to fix it.
    pub help: String,
}

/// What a walk of `incidents/` found.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// Report files (`*.yaml`), relative to the root, sorted.
    pub reports: Vec<String>,
    /// Files that look like reports but cannot be read as one.
    pub skipped: Vec<Skipped>,
}

/// A reports repository on disk.
#[derive(Clone, Debug)]
pub struct WorkTree {
    root: PathBuf,
}

impl WorkTree {
    /// The repository at `root`, which must hold `candor.yaml`.
    pub fn open(root: &Path) -> anyhow::Result<WorkTree> {
        refuse_link(&root.join(CONFIG_FILE))?;
        if !root.join(CONFIG_FILE).is_file() {
            bail!(
                "{} has no {CONFIG_FILE}; run Candor inside a reports repository, or pass --repo DIR",
                root.display()
            );
        }
        Ok(WorkTree {
            root: root.to_path_buf(),
        })
    }

    /// The repository containing `start`: the nearest folder, `start` or above, with a
    /// `candor.yaml`.
    pub fn discover(start: &Path) -> anyhow::Result<WorkTree> {
        let start = start
            .canonicalize()
            .with_context(|| format!("cannot open {}", start.display()))?;
        for folder in start.ancestors() {
            if folder.join(CONFIG_FILE).is_file() {
                refuse_link(&folder.join(CONFIG_FILE))?;
                return Ok(WorkTree {
                    root: folder.to_path_buf(),
                });
            }
        }
        bail!(
            "no {CONFIG_FILE} in {} or any folder above it; run Candor inside a reports repository, or pass --repo DIR",
            start.display()
        )
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The committed history of this tree: `HEAD` of the git repository whose top folder it
    /// is (`None` outside git, in a repository without commits, or when the reports are a
    /// subfolder of another project's repository, whose history is not theirs).
    pub fn history(&self) -> Option<GitTree> {
        GitTree::open(&self.root, "HEAD").ok().filter(|git| {
            git.workdir().and_then(|w| w.canonicalize().ok()) == self.root.canonicalize().ok()
        })
    }

    /// Every `*.yaml` under `incidents/`, without following symbolic links.
    pub fn list_reports(&self) -> anyhow::Result<Listing> {
        let mut listing = Listing::default();
        let top = self.root.join(INCIDENTS_DIR);
        if fs::symlink_metadata(&top).is_ok_and(|m| m.file_type().is_symlink()) {
            listing.skipped.push(Skipped {
                path: INCIDENTS_DIR.into(),
                reason: "incidents/ is a symbolic link; Candor reads only files inside the repository, so no report under it is read".into(),
                help: "replace the link with the folder itself".into(),
            });
            return Ok(listing);
        }
        if !top.exists() {
            return Ok(listing);
        }
        let mut pending = vec![top];
        while let Some(folder) = pending.pop() {
            let entries = fs::read_dir(&folder)
                .with_context(|| format!("cannot read {}", folder.display()))?;
            for entry in entries {
                let entry = entry.with_context(|| format!("cannot read {}", folder.display()))?;
                let path = entry.path();
                let file_type = entry
                    .file_type()
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let Some(relative) = self.relative(&path) else {
                    listing.skipped.push(skipped_name(&path.to_string_lossy()));
                    continue;
                };
                if file_type.is_dir() {
                    pending.push(path);
                } else if let Some(skipped) = skipped_kind(&relative, file_type.is_symlink()) {
                    listing.skipped.push(skipped);
                } else if is_report_name(&relative) && file_type.is_file() {
                    listing.reports.push(relative);
                }
            }
        }
        listing.reports.sort();
        listing.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(listing)
    }

    /// Every regular file under `templates/`, relative to the root, without following links.
    pub fn list_templates(&self) -> anyhow::Result<Vec<String>> {
        let mut files = Vec::new();
        let top = self.root.join(TEMPLATES_DIR);
        refuse_link(&top)?;
        if !top.is_dir() {
            return Ok(files);
        }
        let mut pending = vec![top];
        while let Some(folder) = pending.pop() {
            for entry in fs::read_dir(&folder)
                .with_context(|| format!("cannot read {}", folder.display()))?
            {
                let entry = entry.with_context(|| format!("cannot read {}", folder.display()))?;
                let file_type = entry.file_type()?;
                if file_type.is_symlink() {
                    refuse_link(&entry.path())?;
                } else if file_type.is_dir() {
                    pending.push(entry.path());
                } else if file_type.is_file()
                    && let Some(relative) = self.relative(&entry.path())
                {
                    files.push(relative);
                }
            }
        }
        files.sort();
        Ok(files)
    }

    /// The path of `path` relative to the root, with `/` separators.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let parts: Option<Vec<&str>> = relative
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect();
        Some(parts?.join("/"))
    }

    /// Read a file (relative path), at most `limit + 1` bytes so an oversized file is
    /// detected without reading it whole.
    pub fn read(&self, relative: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
        let path = self.root.join(relative);
        refuse_link(&path)?;
        // A device, a pipe or a socket named like a report would hang or never end a read.
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            bail!(
                "{} is not a regular file; Candor reads only regular files inside the repository",
                path.display()
            );
        }
        let file =
            fs::File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(bytes)
    }
}

/// Refuse a path that is a symbolic link: nothing outside the repository may be read.
fn refuse_link(path: &Path) -> anyhow::Result<()> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        bail!(
            "{} is a symbolic link; Candor reads only regular files inside the repository",
            path.display()
        );
    }
    Ok(())
}

/// Whether `path` names a report file.
pub fn is_report_name(path: &str) -> bool {
    path.ends_with(".yaml")
}

/// The file name without folders and `.yaml`.
pub fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".yaml").unwrap_or(name)
}

/// The folder whose files override the built-in templates, by name.
pub const TEMPLATES_DIR: &str = "templates";

/// File mode of a symbolic link in a git tree.
const GIT_SYMLINK: i32 = 0o120000;
/// File mode of a submodule (a commit) in a git tree.
const GIT_SUBMODULE: i32 = 0o160000;

/// The committed tree of one revision of a reports repository.
#[derive(Clone, Debug)]
pub struct GitTree {
    /// The `.git` folder, opened again by each thread that reads blobs.
    git_dir: PathBuf,
    /// The working tree folder, if the repository has one.
    workdir: Option<PathBuf>,
    /// The commit the revision resolves to.
    commit: Oid,
    /// That commit's tree.
    tree: Oid,
}

impl GitTree {
    /// Open the repository containing `start` and resolve `rev` (a branch, tag or commit).
    pub fn open(start: &Path, rev: &str) -> anyhow::Result<GitTree> {
        // Like git itself, trust the local object database instead of re-hashing every object
        // read; this is most of the cost of reading thousands of reports and commits.
        git2::opts::strict_hash_verification(false);
        let repo = open_repository(start).with_context(|| {
            format!(
                "{} is not inside a git repository; commit the reports to git, or use --worktree",
                start.display()
            )
        })?;
        if repo.is_empty().unwrap_or(false) {
            bail!(
                "the repository at {} has no commits yet; commit the reports first, or use --worktree",
                display_root(&repo)
            );
        }
        let object = resolve(&repo, rev)?;
        let commit = object
            .peel_to_commit()
            .with_context(|| format!("`{rev}` does not name a commit"))?;
        let tree = commit.tree_id();
        let git_tree = GitTree {
            git_dir: repo.path().to_path_buf(),
            workdir: repo.workdir().map(Path::to_path_buf),
            commit: commit.id(),
            tree,
        };
        let root = repo.find_tree(tree)?;
        match root.get_name(CONFIG_FILE) {
            Some(entry)
                if entry.kind() == Some(ObjectType::Blob) && entry.filemode() == GIT_SYMLINK =>
            {
                bail!(
                    "{CONFIG_FILE} in the commit {} is a symbolic link; Candor reads only regular files inside the repository",
                    short_id(commit.id())
                )
            }
            Some(entry) if entry.kind() == Some(ObjectType::Blob) => Ok(git_tree),
            _ => bail!(
                "the commit {} of {} has no {CONFIG_FILE} at its root; commit one (see `candor init`), or use --worktree",
                short_id(commit.id()),
                display_root(&repo)
            ),
        }
    }

    /// The commit being read.
    pub fn commit(&self) -> Oid {
        self.commit
    }

    /// The `.git` folder.
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    /// The working tree, if any.
    pub fn workdir(&self) -> Option<&Path> {
        self.workdir.as_deref()
    }

    fn repository(&self) -> anyhow::Result<Repository> {
        Repository::open(&self.git_dir)
            .with_context(|| format!("cannot open the repository {}", self.git_dir.display()))
    }

    /// Every `*.yaml` blob under `incidents/` in the tree; links, submodules and names that
    /// are not UTF-8 are skipped with a reason.
    pub fn list_reports(&self) -> anyhow::Result<Listing> {
        let (entries, bad_names) = self.walk(INCIDENTS_DIR)?;
        let mut listing = Listing {
            reports: Vec::new(),
            skipped: bad_names.iter().map(|path| skipped_name(path)).collect(),
        };
        for (path, mode, kind, _) in entries {
            if mode == GIT_SUBMODULE {
                listing.skipped.push(Skipped {
                    path,
                    reason:
                        "a git submodule sits inside incidents/; Candor does not read submodules"
                            .into(),
                    help: "commit the reports into this repository instead of a submodule".into(),
                });
            } else if let Some(skipped) = skipped_kind(&path, mode == GIT_SYMLINK) {
                listing.skipped.push(skipped);
            } else if is_report_name(&path) && kind == Some(ObjectType::Blob) {
                listing.reports.push(path);
            }
        }
        listing.reports.sort();
        listing.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(listing)
    }

    /// The blob id of every file under `incidents/`, by path.
    pub fn blob_ids(&self) -> anyhow::Result<std::collections::HashMap<String, Oid>> {
        let (entries, _) = self.walk(INCIDENTS_DIR)?;
        Ok(entries
            .into_iter()
            .filter(|(_, mode, kind, _)| *kind == Some(ObjectType::Blob) && *mode != GIT_SYMLINK)
            .map(|(path, _, _, id)| (path, id))
            .collect())
    }

    /// Every file under `templates/` (paths from the repository root), for overrides.
    pub fn list_templates(&self) -> anyhow::Result<Vec<String>> {
        // A link, committed, could point anywhere once checked out: refused, as in the
        // working tree, rather than silently ignored.
        let repo = self.repository()?;
        if let Some(top) = repo.find_tree(self.tree)?.get_name(TEMPLATES_DIR)
            && top.filemode() == GIT_SYMLINK
        {
            bail!(
                "{TEMPLATES_DIR} in the commit {} is a symbolic link; Candor reads only regular files inside the repository",
                short_id(self.commit)
            );
        }
        let (entries, _) = self.walk(TEMPLATES_DIR)?;
        if let Some((path, _, _, _)) = entries.iter().find(|(_, mode, _, _)| *mode == GIT_SYMLINK) {
            bail!(
                "{path} in the commit {} is a symbolic link; Candor reads only regular files inside the repository",
                short_id(self.commit)
            );
        }
        let mut files: Vec<String> = entries
            .into_iter()
            .filter(|(_, _, kind, _)| *kind == Some(ObjectType::Blob))
            .map(|(path, _, _, _)| path)
            .collect();
        files.sort();
        Ok(files)
    }

    /// The non-folder entries under `folder` of the tree as (path, mode, kind, id), and the
    /// paths (lossily decoded) of entries whose names are not UTF-8.
    #[allow(clippy::type_complexity)]
    fn walk(
        &self,
        folder: &str,
    ) -> anyhow::Result<(Vec<(String, i32, Option<ObjectType>, Oid)>, Vec<String>)> {
        let repo = self.repository()?;
        let root = repo.find_tree(self.tree)?;
        let mut entries = Vec::new();
        let mut bad_names = Vec::new();
        let Some(top) = root.get_name(folder) else {
            return Ok((entries, bad_names));
        };
        if top.kind() != Some(ObjectType::Tree) {
            return Ok((entries, bad_names));
        }
        let subtree = repo.find_tree(top.id())?;
        subtree.walk(TreeWalkMode::PreOrder, |parent, entry| {
            let Ok(name) = entry.name() else {
                bad_names.push(format!(
                    "{folder}/{parent}{}",
                    String::from_utf8_lossy(entry.name_bytes())
                ));
                return TreeWalkResult::Skip;
            };
            if entry.kind() != Some(ObjectType::Tree) {
                entries.push((
                    format!("{folder}/{parent}{name}"),
                    entry.filemode(),
                    entry.kind(),
                    entry.id(),
                ));
            }
            TreeWalkResult::Ok
        })?;
        Ok((entries, bad_names))
    }

    /// Read one blob by path, at most `limit + 1` bytes (an oversized blob is reported, not read).
    pub fn read(&self, path: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
        let repo = self.repository()?;
        read_blob(&repo, self.tree, path, limit)
    }

    /// Read each path and hand its bytes to `visit` at once, in parallel: one chunk of paths
    /// per task, each with its own handle on the object database (a handle is costly to open
    /// and holds its own cache). The blob ids come from one walk of `incidents/`, so each read
    /// goes straight to the object, and no more than one file per thread is held at a time.
    pub fn map_files<T: Send>(
        &self,
        paths: &[String],
        limit: u64,
        visit: &(dyn Fn(&str, anyhow::Result<Vec<u8>>) -> T + Sync),
    ) -> Vec<T> {
        let ids = self.blob_ids().unwrap_or_default();
        let chunk = paths
            .len()
            .div_ceil(rayon::current_num_threads().max(1) * 8)
            .max(1);
        paths
            .par_chunks(chunk)
            .flat_map_iter(|chunk| {
                let repo = self.repository();
                let odb = repo.as_ref().ok().and_then(|r| r.odb().ok());
                chunk
                    .iter()
                    .map(|path| {
                        let checked_out = ids.get(path).and_then(|id| {
                            self.workdir
                                .as_deref()
                                .and_then(|workdir| read_checked_out(workdir, path, *id, limit))
                        });
                        let bytes = match (checked_out, &repo, &odb, ids.get(path)) {
                            (Some(bytes), _, _, _) => Ok(bytes),
                            (None, Ok(_), Some(odb), Some(id)) => odb
                                .read(*id)
                                .with_context(|| format!("cannot read {path} from the repository"))
                                .map(|object| {
                                    let data = object.data();
                                    let end = data.len().min(
                                        usize::try_from(limit.saturating_add(1))
                                            .unwrap_or(usize::MAX),
                                    );
                                    data[..end].to_vec()
                                }),
                            (None, Ok(repo), _, _) => read_blob(repo, self.tree, path, limit),
                            (None, Err(error), _, _) => Err(anyhow::anyhow!("{error:#}")),
                        };
                        visit(path, bytes)
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// The file at `path` in the working tree, if it holds exactly the blob `id` (its bytes,
/// hashed as git hashes a blob, give `id`), and is a regular file of at most `limit` bytes.
///
/// Reading a checked-out file costs a fraction of resolving the blob from a pack (libgit2
/// resolves each blob's chain of deltas from its base), and gives the same bytes: a file that
/// differs in any way (an uncommitted edit, a line-ending filter, another revision checked
/// out) is not used, and the blob is read from the repository as before. The file itself is
/// never followed if it is a link, nor read if it is a pipe or a device; a folder on the way
/// that is a link can only lead to the same bytes, which the hash proves.
fn read_checked_out(workdir: &Path, path: &str, id: Oid, limit: u64) -> Option<Vec<u8>> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let file = fs::File::from(rustix::fs::open(workdir.join(path), flags, Mode::empty()).ok()?);
    let metadata = file.metadata().ok()?;
    if !metadata.is_file() || metadata.len() > limit {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).ok()?);
    file.take(limit).read_to_end(&mut bytes).ok()?;
    (Oid::hash_object(ObjectType::Blob, &bytes).ok()? == id).then_some(bytes)
}

fn read_blob(repo: &Repository, tree: Oid, path: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
    let tree = repo.find_tree(tree)?;
    let entry = tree
        .get_path(Path::new(path))
        .with_context(|| format!("{path} is not in the commit"))?;
    let object = entry.to_object(repo)?;
    let blob = object
        .as_blob()
        .with_context(|| format!("{path} is not a file in the commit"))?;
    let content = blob.content();
    let end = content
        .len()
        .min(usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX));
    Ok(content[..end].to_vec())
}

fn display_root(repo: &Repository) -> String {
    repo.workdir().unwrap_or(repo.path()).display().to_string()
}

/// The repository containing `start`, or the one `GIT_DIR` (and `GIT_WORK_TREE`) name when a
/// git hook or the user set them, as git itself does.
fn open_repository(start: &Path) -> Result<Repository, git2::Error> {
    if std::env::var_os("GIT_DIR").is_some() {
        Repository::open_from_env()
    } else {
        Repository::discover(start)
    }
}

/// What is staged for the next commit in the repository whose top folder is `root`.
#[derive(Debug)]
pub struct Staged {
    /// The staged tree (candor.yaml and the reports as `git commit` would record them), with
    /// the history up to `HEAD` when there is one.
    pub source: Source,
    /// Reports whose staged content differs from `HEAD` (added, modified or renamed).
    pub changed: Vec<String>,
    /// Whether candor.yaml is staged with changes, which concern every report.
    pub config_changed: bool,
}

/// Read what is staged in the repository whose top folder is `root`: the index is written
/// as tree objects (as `git commit` and `git write-tree` do; no file is changed) and read like
/// a commit, so a check sees exactly what would be committed, whatever the working tree holds.
pub fn staged(root: &Path) -> anyhow::Result<Staged> {
    git2::opts::strict_hash_verification(false);
    let repo = open_repository(root).with_context(|| {
        format!(
            "{} is not inside a git repository, so nothing is staged",
            root.display()
        )
    })?;
    let workdir = repo
        .workdir()
        .with_context(|| "the repository has no working tree, so nothing is staged".to_owned())?;
    if workdir.canonicalize().ok() != root.canonicalize().ok() {
        bail!(
            "--staged needs the reports repository to be a git repository of its own, but {} is a subfolder of {}; run `candor check` on the files instead",
            root.display(),
            workdir.display()
        );
    }
    // `git commit -a` and `git commit FILE` stage into a temporary index and name it to hooks.
    let mut index = match std::env::var_os("GIT_INDEX_FILE") {
        Some(file) => git2::Index::open(&std::env::current_dir()?.join(file))
            .context("cannot read the index named by GIT_INDEX_FILE")?,
        None => repo.index().context("cannot read git's index")?,
    };
    let tree_id = index
        .write_tree_to(&repo)
        .context("cannot read what is staged (is a merge in progress with conflicts?)")?;
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    if repo
        .find_tree(tree_id)?
        .get_name(CONFIG_FILE)
        .is_none_or(|entry| entry.filemode() == GIT_SYMLINK)
    {
        bail!(
            "no {CONFIG_FILE} is staged at the root of {}; stage it with `git add {CONFIG_FILE}`",
            root.display()
        );
    }
    let staged_tree = GitTree {
        git_dir: repo.path().to_path_buf(),
        workdir: Some(workdir.to_path_buf()),
        commit: head.as_ref().map_or(Oid::ZERO_SHA1, git2::Commit::id),
        tree: tree_id,
    };
    let history = head.as_ref().map(|commit| GitTree {
        tree: commit.tree_id(),
        ..staged_tree.clone()
    });
    let head_tree = head.as_ref().map(git2::Commit::tree).transpose()?;
    let mut options = git2::DiffOptions::new();
    options
        .pathspec(INCIDENTS_DIR)
        .pathspec(CONFIG_FILE)
        .ignore_submodules(true);
    let mut diff = repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut options))?;
    diff.find_similar(Some(git2::DiffFindOptions::new().renames(true)))?;
    let mut changed = Vec::new();
    let mut config_changed = false;
    for delta in diff.deltas() {
        if delta.status() == git2::Delta::Deleted {
            continue;
        }
        let Some(path) = delta.new_file().path().and_then(Path::to_str) else {
            continue;
        };
        if path == CONFIG_FILE {
            config_changed = true;
        } else {
            changed.push(path.to_owned());
        }
    }
    changed.sort();
    Ok(Staged {
        source: Source::Staged(staged_tree, history),
        changed,
        config_changed,
    })
}

/// Whether `path` lies inside the repository at `root` where git would track it (inside
/// the folder and not ignored by `.gitignore`): a file that must never be published should
/// not be there.
pub fn inside_unignored(root: &Path, path: &Path) -> bool {
    let (Ok(root), Ok(path)) = (root.canonicalize(), path.canonicalize()) else {
        return false;
    };
    let Ok(relative) = path.strip_prefix(&root) else {
        return false;
    };
    match Repository::open(&root) {
        Ok(repository) => !repository.is_path_ignored(relative).unwrap_or(false),
        Err(_) => true,
    }
}

/// The first 7 hex digits of a commit id.
pub fn short_id(oid: Oid) -> String {
    oid.to_string().chars().take(7).collect()
}

/// Make `root` a git repository unless it is inside one already; returns whether it did.
pub fn init_repository(root: &Path) -> anyhow::Result<bool> {
    if open_repository(root).is_ok() {
        return Ok(false);
    }
    Repository::init(root)
        .with_context(|| format!("cannot create a git repository in {}", root.display()))?;
    Ok(true)
}

/// The `.git` folder of the repository `root` is in, if it is in one.
pub fn git_dir(root: &Path) -> Option<PathBuf> {
    open_repository(root)
        .ok()
        .map(|repo| repo.path().to_path_buf())
}

/// Report files in the working tree compared with a revision.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// Reports added, modified or renamed since the revision (committed or not, tracked or
    /// not), by their current path.
    pub changed: Vec<String>,
    /// The blob ids, in the revision, of the reports that did not change, by path.
    pub unchanged: std::collections::HashMap<String, Oid>,
    /// Whether candor.yaml changed, which affects every report.
    pub config_changed: bool,
    /// The repository's `.git` folder, where a cache may live.
    pub git_dir: PathBuf,
    /// Every report in the working tree and every file under `incidents/` that cannot be
    /// read as one, derived from the comparison itself (the revision's tree and the changes
    /// since), so that the work tree is walked once. Ignored files are not in it.
    pub listing: Listing,
}

/// Compare the working tree at `root` with the revision `rev`: which reports changed since,
/// following renames, and the blob ids of those that did not.
pub fn changes_since(root: &Path, rev: &str) -> anyhow::Result<Changes> {
    git2::opts::strict_hash_verification(false);
    let repo = open_repository(root).with_context(|| {
        format!(
            "{} is not inside a git repository, so --changed-since has nothing to compare with",
            root.display()
        )
    })?;
    let tree = resolve(&repo, rev)?
        .peel_to_tree()
        .with_context(|| format!("`{rev}` does not name a commit"))?;
    let workdir = repo
        .workdir()
        .with_context(|| "the repository has no working tree to compare with".to_owned())?
        .canonicalize()?;
    let prefix = root
        .canonicalize()?
        .strip_prefix(&workdir)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let in_repo = |path: &str| {
        if prefix.is_empty() {
            path.to_owned()
        } else {
            format!("{prefix}/{path}")
        }
    };
    let mut options = git2::DiffOptions::new();
    options
        .pathspec(in_repo(INCIDENTS_DIR))
        .pathspec(in_repo(CONFIG_FILE))
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .ignore_submodules(true);
    let mut diff = repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))?;
    let mut find = git2::DiffFindOptions::new();
    find.renames(true).for_untracked(true);
    diff.find_similar(Some(&mut find))?;
    let mut changes = Changes {
        git_dir: repo.path().to_path_buf(),
        ..Changes::default()
    };
    let to_root = |path: &Path| -> Option<String> {
        let path = path.to_str()?;
        Some(if prefix.is_empty() {
            path.to_owned()
        } else {
            path.strip_prefix(&format!("{prefix}/"))?.to_owned()
        })
    };
    let mut deleted = std::collections::HashSet::new();
    // Files whose path or kind keeps them from being read: skipped, never checked as reports.
    let mut unreadable = std::collections::HashSet::new();
    for delta in diff.deltas() {
        if delta.status() == git2::Delta::Deleted {
            if let Some(path) = delta.old_file().path().and_then(to_root) {
                deleted.insert(path);
            }
            continue;
        }
        let Some(path) = delta.new_file().path().and_then(to_root) else {
            if let Some(raw) = delta.new_file().path() {
                changes
                    .listing
                    .skipped
                    .push(skipped_name(&raw.to_string_lossy()));
            }
            continue;
        };
        if path == CONFIG_FILE {
            changes.config_changed = true;
            continue;
        }
        if let Some(skipped) = skipped_kind(&path, delta.new_file().mode() == git2::FileMode::Link)
        {
            unreadable.insert(path);
            changes.listing.skipped.push(skipped);
        } else if is_report_name(&path) {
            changes.changed.push(path.clone());
            changes.listing.reports.push(path);
        }
    }
    changes.changed.sort();
    let base = match tree.get_path(Path::new(&in_repo(INCIDENTS_DIR))) {
        Ok(entry) if entry.kind() == Some(ObjectType::Tree) => Some(repo.find_tree(entry.id())?),
        _ => None,
    };
    if let Some(base) = base {
        let changed: std::collections::HashSet<&str> =
            changes.changed.iter().map(String::as_str).collect();
        let mut unchanged = std::collections::HashMap::new();
        let mut listed_skipped = Vec::new();
        base.walk(TreeWalkMode::PreOrder, |parent, entry| {
            if entry.kind() == Some(ObjectType::Blob)
                && let Ok(name) = entry.name()
            {
                let path = format!("{INCIDENTS_DIR}/{parent}{name}");
                if changed.contains(path.as_str())
                    || deleted.contains(&path)
                    || unreadable.contains(&path)
                {
                    return TreeWalkResult::Ok;
                }
                let link = entry.filemode() == GIT_SYMLINK;
                if let Some(skipped) = skipped_kind(&path, link) {
                    listed_skipped.push(skipped);
                } else if is_report_name(&path) {
                    unchanged.insert(path, entry.id());
                }
            }
            TreeWalkResult::Ok
        })?;
        changes.listing.reports.extend(unchanged.keys().cloned());
        changes.listing.skipped.extend(listed_skipped);
        changes.unchanged = unchanged;
    }
    changes.listing.reports.sort();
    changes.listing.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(changes)
}

/// Why a file under `incidents/` with a readable name is skipped, if it is: a symbolic link,
/// or a `.yml` file. Every listing (work tree, git tree, changes since a revision) says it
/// the same way.
fn skipped_kind(path: &str, link: bool) -> Option<Skipped> {
    if !(is_report_name(path) || path.ends_with(".yml")) {
        return None;
    }
    if link {
        return Some(Skipped {
            path: path.to_owned(),
            reason: "the report is a symbolic link; Candor reads only regular files inside the repository".into(),
            help: "replace the link with the report file itself".into(),
        });
    }
    path.ends_with(".yml").then(|| Skipped {
        path: path.to_owned(),
        reason: "the file ends in `.yml`; reports end in `.yaml`, so this one is not checked or published".into(),
        help: "rename it to end in `.yaml`".into(),
    })
}

/// A file whose name is not UTF-8.
fn skipped_name(path: &str) -> Skipped {
    Skipped {
        path: path.to_owned(),
        reason: "the file name is not valid UTF-8".into(),
        help: "rename the file using the report id: lowercase letters, digits and hyphens".into(),
    }
}

/// Reads a commit's reports again, many times and from many threads: by the blob ids of one
/// walk of its tree, each read on a repository handle kept for the next one (a handle is
/// costly to open).
pub struct ReadAgain<'t> {
    tree: &'t GitTree,
    /// Blob ids by path.
    ids: std::collections::HashMap<String, Oid>,
    /// Repository handles not in use.
    handles: std::sync::Mutex<Vec<Repository>>,
}

impl<'t> ReadAgain<'t> {
    /// A reader of `tree`'s reports.
    pub fn new(tree: &'t GitTree) -> anyhow::Result<ReadAgain<'t>> {
        Ok(ReadAgain {
            tree,
            ids: tree.blob_ids()?,
            handles: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The id of the blob at `path` in the commit, if there is one.
    pub fn id(&self, path: &str) -> Option<Oid> {
        self.ids.get(path).copied()
    }

    /// The report at `path`, at most `limit + 1` bytes.
    pub fn read(&self, path: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
        let id = *self
            .ids
            .get(path)
            .with_context(|| format!("{path} is not in the commit"))?;
        if let Some(bytes) = (self.tree.workdir.as_deref())
            .and_then(|workdir| read_checked_out(workdir, path, id, limit))
        {
            return Ok(bytes);
        }
        let taken = self
            .handles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let repo = match taken {
            Some(repo) => repo,
            None => self.tree.repository()?,
        };
        let bytes = repo
            .odb()
            .and_then(|odb| {
                let object = odb.read(id)?;
                let data = object.data();
                let end = data
                    .len()
                    .min(usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX));
                Ok(data[..end].to_vec())
            })
            .with_context(|| format!("cannot read {path} from the repository"));
        // A handle that failed is dropped, not kept for the next read.
        if bytes.is_ok() {
            self.handles
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(repo);
        }
        bytes
    }

    /// Close the repository handles not in use. While a pack is open libgit2 keeps the bases
    /// of the deltas it resolved (up to 16 MiB, shared by every handle that has the pack
    /// open); reports are read once each, so closing the handles between batches of reads
    /// lets that memory go once no handle is open.
    pub fn close_idle(&self) {
        self.handles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

/// Where a build reads from.
#[derive(Clone, Debug)]
pub enum Source {
    /// The committed tree of a revision.
    Git(GitTree),
    /// The files on disk (`--worktree`), with the repository's git history if there is one.
    Work(WorkTree, Option<GitTree>),
    /// What is staged for the next commit (git's index), with the history up to `HEAD`.
    Staged(GitTree, Option<GitTree>),
}

impl Source {
    /// Reports and skipped files.
    pub fn list_reports(&self) -> anyhow::Result<Listing> {
        match self {
            Source::Git(tree) | Source::Staged(tree, _) => tree.list_reports(),
            Source::Work(tree, _) => tree.list_reports(),
        }
    }

    /// Read one file.
    pub fn read(&self, path: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
        match self {
            Source::Git(tree) | Source::Staged(tree, _) => tree.read(path, limit),
            Source::Work(tree, _) => tree.read(path, limit),
        }
    }

    /// A file's text for showing a snippet under a finding, read by the same rules as a
    /// report (no links, regular files only, at most `limit` bytes); `None` when it cannot be.
    pub fn read_text(&self, path: &str, limit: u64) -> Option<String> {
        let bytes = self.read(path, limit).ok()?;
        if bytes.len() as u64 > limit {
            return None;
        }
        String::from_utf8(bytes).ok()
    }

    /// Read each file and hand its bytes to `visit` at once, in parallel, so that only the
    /// files being worked on are in memory.
    pub fn map_files<T: Send>(
        &self,
        paths: &[String],
        limit: u64,
        visit: &(dyn Fn(&str, anyhow::Result<Vec<u8>>) -> T + Sync),
    ) -> Vec<T> {
        match self {
            Source::Git(tree) | Source::Staged(tree, _) => tree.map_files(paths, limit, visit),
            Source::Work(tree, _) => paths
                .par_iter()
                .map(|path| visit(path, tree.read(path, limit)))
                .collect(),
        }
    }

    /// Files under `templates/`, relative to the repository root.
    pub fn list_templates(&self) -> anyhow::Result<Vec<String>> {
        match self {
            Source::Git(tree) | Source::Staged(tree, _) => tree.list_templates(),
            Source::Work(tree, _) => tree.list_templates(),
        }
    }

    /// The git tree whose history the site shows, if any.
    pub fn history_tree(&self) -> Option<&GitTree> {
        match self {
            Source::Git(tree) => Some(tree),
            Source::Work(_, tree) | Source::Staged(_, tree) => tree.as_ref(),
        }
    }

    /// The commit the site is built from (none for a working tree with uncommitted changes).
    pub fn source_commit(&self) -> Option<Oid> {
        match self {
            Source::Git(tree) => Some(tree.commit()),
            Source::Work(..) | Source::Staged(..) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &[u8] = b"schema: 1\nid: 2026-05-04-login-outage\n";

    fn blob_id(bytes: &[u8]) -> Oid {
        Oid::hash_object(ObjectType::Blob, bytes).unwrap()
    }

    #[test]
    fn a_checked_out_file_is_read_only_when_it_holds_the_blob() {
        let work = tempfile::tempdir().unwrap();
        fs::create_dir(work.path().join("incidents")).unwrap();
        let path = "incidents/a.yaml";
        fs::write(work.path().join(path), REPORT).unwrap();
        let limit = 1024;

        assert_eq!(
            read_checked_out(work.path(), path, blob_id(REPORT), limit).as_deref(),
            Some(REPORT)
        );
        // An uncommitted edit: the blob is read from the repository instead.
        let mut edited = REPORT.to_vec();
        edited.push(b'#');
        assert_eq!(
            read_checked_out(work.path(), path, blob_id(&edited), limit),
            None
        );
        // Larger than the limit: left to the repository read, which reports the size.
        assert_eq!(
            read_checked_out(work.path(), path, blob_id(REPORT), 8),
            None
        );
        // Missing.
        assert_eq!(
            read_checked_out(work.path(), "incidents/b.yaml", blob_id(REPORT), limit),
            None
        );
    }

    #[test]
    fn a_checked_out_link_or_pipe_is_never_read() {
        let work = tempfile::tempdir().unwrap();
        fs::create_dir(work.path().join("incidents")).unwrap();
        let elsewhere = work.path().join("elsewhere.yaml");
        fs::write(&elsewhere, REPORT).unwrap();
        std::os::unix::fs::symlink(&elsewhere, work.path().join("incidents/link.yaml")).unwrap();
        assert_eq!(
            read_checked_out(work.path(), "incidents/link.yaml", blob_id(REPORT), 1024),
            None
        );
        // A pipe with no writer would block a plain read for ever.
        rustix::fs::mknodat(
            rustix::fs::CWD,
            work.path().join("incidents/pipe.yaml"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert_eq!(
            read_checked_out(work.path(), "incidents/pipe.yaml", blob_id(b""), 1024),
            None
        );
    }
}
