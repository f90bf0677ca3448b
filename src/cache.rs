//! Caches in the repository's `.git/candor/` folder: report summaries by git blob id (for
//! `check --changed-since`), and when each report was first published (for A019 and A020).
//!
//! Rules across reports (duplicate ids, recurrences) need a summary of every report, but a
//! report that has not changed since the revision is the same blob it was last time, so its
//! summary can be kept. Publication times depend only on the history, so they are kept with
//! the commit they were read at, and the next run reads only the commits since. The caches
//! live in the `.git` folder (never in the work tree, never committed), are keyed by Candor's
//! version, and are only ever an optimisation: a missing or unreadable cache is rebuilt.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Limits;
use crate::history;
use crate::rules::Summary;
use crate::source::GitTree;
use crate::timeliness::PublicationTimes;

/// A blob id in hex, written into `buffer` (no allocation: called once per report).
pub(crate) fn hex<'b>(blob: &git2::Oid, buffer: &'b mut [u8; 40]) -> &'b str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (index, byte) in blob.as_bytes().iter().take(20).enumerate() {
        buffer[2 * index] = DIGITS[usize::from(byte >> 4)];
        buffer[2 * index + 1] = DIGITS[usize::from(byte & 0x0f)];
    }
    std::str::from_utf8(buffer).unwrap_or_default()
}

/// Summaries by blob id (hex).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct SummaryCache {
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
    pub(crate) fn open(git_dir: &Path) -> SummaryCache {
        let path = git_dir.join("candor").join("summaries.json");
        // The format changed with the summaries' file paths left out: a cache written before
        // is read as empty and written again.
        let version = format!("{}+2", env!("CARGO_PKG_VERSION"));
        let mut cache: SummaryCache = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .filter(|c: &SummaryCache| c.version == version)
            .unwrap_or_default();
        cache.version = version;
        cache.path = path;
        cache
    }

    /// Take the summary of a blob out of the cache, with its file path set to `file` (a blob
    /// that two files share is read again for the second).
    pub(crate) fn take(&mut self, blob: &str, file: &str) -> Option<Summary> {
        let mut summary = self.entries.remove(blob)?;
        summary.file = file.to_owned();
        Some(summary)
    }

    /// Whether nothing is left in the cache.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replace the cache's content with `entries`, to be written by [`SummaryCache::save`].
    pub(crate) fn replace(&mut self, entries: impl IntoIterator<Item = (String, Summary)>) {
        self.entries = entries.into_iter().collect();
        self.dirty = true;
    }

    /// Write the cache if it changed. Failing to write only loses speed, so errors are ignored.
    pub(crate) fn save(&self) {
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

/// Publication times as read at one commit.
#[derive(Debug, Default, Serialize, Deserialize)]
struct PublicationCache {
    /// The Candor version that wrote it.
    version: String,
    /// The commit the times were read at.
    commit: String,
    /// First publication times by report id.
    times: HashMap<String, PublicationTimes>,
}

/// When each report on the history of `tree` was first published and first final: from the
/// cache when it was read at the same commit, from the commits since when it was read at an
/// ancestor, and from a full walk otherwise.
pub(crate) fn publication_times(
    tree: &GitTree,
    limits: &Limits,
) -> anyhow::Result<HashMap<String, PublicationTimes>> {
    let path = tree.git_dir().join("candor").join("publications.json");
    let version = env!("CARGO_PKG_VERSION");
    let cached: Option<PublicationCache> = std::fs::read(&path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .filter(|c: &PublicationCache| c.version == version);
    let head = tree.commit().to_string();
    if let Some(cache) = cached.as_ref()
        && cache.commit == head
    {
        return Ok(cached.map(|cache| cache.times).unwrap_or_default());
    }
    let earlier = cached.and_then(|cache| {
        let commit = git2::Oid::from_str(&cache.commit).ok()?;
        Some((commit, cache.times))
    });
    let times = history::publication_times(tree, limits, earlier)?;
    let cache = PublicationCache {
        version: version.to_owned(),
        commit: head,
        times,
    };
    if let Some(folder) = path.parent()
        && std::fs::create_dir_all(folder).is_ok()
        && let Ok(bytes) = serde_json::to_vec(&cache)
    {
        let temporary = path.with_extension("json.tmp");
        if std::fs::write(&temporary, bytes).is_ok() {
            let _ = std::fs::rename(&temporary, &path);
        }
    }
    Ok(cache.times)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_git_s_own_spelling() {
        let oid = git2::Oid::from_str("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567").unwrap();
        let mut buffer = [0u8; 40];
        assert_eq!(super::hex(&oid, &mut buffer), oid.to_string());
    }
}
