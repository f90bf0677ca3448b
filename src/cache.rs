//! A cache of report summaries by git blob id, for `check --changed-since`.
//!
//! Rules across reports (duplicate ids, recurrences) need a summary of every report, but a
//! report that has not changed since the revision is the same blob it was last time, so its
//! summary can be kept. The cache lives in the repository's `.git` folder (never in the work
//! tree, never committed), is keyed by blob id and Candor's version, and is only ever an
//! optimisation: a missing or unreadable cache is rebuilt.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::rules::Summary;

/// Summaries by blob id (hex).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SummaryCache {
    /// The Candor version that wrote it; another version's cache is ignored.
    version: String,
    /// Summaries by blob id.
    entries: HashMap<String, Summary>,
    #[serde(skip)]
    path: PathBuf,
    #[serde(skip)]
    dirty: bool,
}

impl SummaryCache {
    /// The cache of the repository whose `.git` folder is `git_dir` (empty if there is none).
    pub fn open(git_dir: &Path) -> SummaryCache {
        let path = git_dir.join("candor").join("summaries.json");
        let version = env!("CARGO_PKG_VERSION").to_owned();
        let mut cache: SummaryCache = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .filter(|c: &SummaryCache| c.version == version)
            .unwrap_or_default();
        cache.version = version;
        cache.path = path;
        cache
    }

    /// The summary of a blob, if cached, with its file path set to `file`.
    pub fn get(&self, blob: &str, file: &str) -> Option<Summary> {
        let mut summary = self.entries.get(blob)?.clone();
        summary.file = file.to_owned();
        Some(summary)
    }

    /// Remember a blob's summary.
    pub fn insert(&mut self, blob: String, summary: Summary) {
        self.entries.insert(blob, summary);
        self.dirty = true;
    }

    /// Keep only the given blobs, so the cache does not grow forever.
    pub fn retain(&mut self, keep: &std::collections::HashSet<String>) {
        let before = self.entries.len();
        self.entries.retain(|blob, _| keep.contains(blob));
        self.dirty |= self.entries.len() != before;
    }

    /// Write the cache if it changed. Failing to write only loses speed, so errors are ignored.
    pub fn save(&self) {
        if !self.dirty {
            return;
        }
        let Some(folder) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(folder).is_err() {
            return;
        }
        let temporary = self.path.with_extension("json.tmp");
        if let Ok(bytes) = serde_json::to_vec(self)
            && std::fs::write(&temporary, bytes).is_ok()
        {
            let _ = std::fs::rename(&temporary, &self.path);
        }
    }
}
