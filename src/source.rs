//! Where report files come from: the working tree of a reports repository.
//!
//! Paths are kept relative to the repository root with `/` separators, the form findings and
//! the site use. Symbolic links are never followed: a report must be a regular file inside
//! the repository, so a link cannot pull a file from elsewhere into a check or a site.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

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

    /// Every `*.yaml` under `incidents/`, without following symbolic links.
    pub fn list_reports(&self) -> anyhow::Result<Listing> {
        let mut listing = Listing::default();
        let top = self.root.join(INCIDENTS_DIR);
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
                    listing.skipped.push(Skipped {
                        path: path.to_string_lossy().into_owned(),
                        reason: "the file name is not valid UTF-8".into(),
                        help: "rename the file using the report id: lowercase letters, digits and hyphens".into(),
                    });
                    continue;
                };
                if file_type.is_dir() {
                    pending.push(path);
                } else if is_report_name(&relative) || relative.ends_with(".yml") {
                    if file_type.is_symlink() {
                        listing.skipped.push(Skipped {
                            path: relative,
                            reason: "the report is a symbolic link; Candor reads only regular files inside the repository".into(),
                            help: "replace the link with the report file itself".into(),
                        });
                    } else if relative.ends_with(".yml") {
                        listing.skipped.push(Skipped {
                            path: relative,
                            reason: "the file ends in `.yml`; reports end in `.yaml`, so this one is not checked or published".into(),
                            help: "rename it to end in `.yaml`".into(),
                        });
                    } else if file_type.is_file() {
                        listing.reports.push(relative);
                    }
                }
            }
        }
        listing.reports.sort();
        listing.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(listing)
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
        let file =
            fs::File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(bytes)
    }
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
