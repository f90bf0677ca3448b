//! Caches in the repository's `.git/candor/` folder: report summaries by git blob id (for
//! `check --changed-since`), when each report was first published (for A019 and A020 in
//! `candor check`: a build takes them from the revisions it reads, and leaves them here for the
//! next check), and every report's revisions as a build read them (for the next build).
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
use crate::history::{self, History};
use crate::rules::Summary;
use crate::source::GitTree;
use crate::timeliness::PublicationTimes;

/// What a cache depends on of the program: its version, a format number for the caches, and
/// the executable's device, inode, size and times (the change time included: no one but the
/// system sets it), so that another build of the program never trusts what this one wrote.
pub(crate) fn program_identity() -> String {
    use std::os::unix::fs::MetadataExt as _;
    const CACHE_FORMAT: u32 = 5;
    let executable = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            format!(
                "{}:{}:{}:{}.{}:{}.{}",
                m.dev(),
                m.ino(),
                m.size(),
                m.mtime(),
                m.mtime_nsec(),
                m.ctime(),
                m.ctime_nsec()
            )
        })
        // Unknown: an identity no other run shares, so nothing cached is trusted.
        .unwrap_or_else(|_| {
            format!(
                "pid {} at {:?}",
                std::process::id(),
                std::time::SystemTime::now()
            )
        });
    format!("{}+{CACHE_FORMAT}+{executable}", env!("CARGO_PKG_VERSION"))
}

/// A cache file's bytes: only from a regular file (never a pipe or a link), at most 2 GiB,
/// and only when this program wrote it. Every cache begins with an object whose first member
/// is the `version` ([`program_identity`]) of the program that wrote it (the history's cache
/// with a line of its own, [`HistoryCacheHeader`]), and that is looked at before the rest is
/// read: another build's cache (after an upgrade, or a second binary on
/// the same repository) is a hundred MB at 100,000 reports, not worth reading to drop.
fn read_cache(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let (file, mut bytes) = open_cache(path)?;
    file.take(MAX_CACHE_BYTES).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// A cache file this program wrote, opened as [`read_cache`] says, with the bytes read so far
/// (its [`version_prefix`]).
fn open_cache(path: &Path) -> Option<(std::fs::File, Vec<u8>)> {
    use std::io::Read as _;
    let mut file = crate::publish::open_regular(path).ok()?;
    let expected = version_prefix();
    let mut start = vec![0; expected.len()];
    file.read_exact(&mut start).ok()?;
    (start == expected.as_bytes()).then_some((file, start))
}

/// The most a cache file may hold.
const MAX_CACHE_BYTES: u64 = 2 << 30;

/// How a cache this program writes begins: `{"version":` and its identity as JSON.
fn version_prefix() -> String {
    let identity = serde_json::to_string(&program_identity()).unwrap_or_default();
    format!("{{\"version\":{identity}")
}

/// Whether the repository's history is cut or rewritten locally (a shallow clone, grafts):
/// the same commit then has another history once that changes, so nothing read from the
/// history is cached.
fn history_is_local(tree: &GitTree) -> bool {
    let git_dir = tree.git_dir();
    git_dir.join("shallow").exists() || git_dir.join("info").join("grafts").exists()
}

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
    /// The program that wrote it ([`program_identity`]); another program's cache is ignored.
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
        let version = program_identity();
        let mut cache: SummaryCache = read_cache(&path)
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
        write_atomically(&self.path, self);
    }
}

/// The first line of the history's cache, the history itself on the next: a build reads the
/// line before it checks the reports, to know whether the history will come from the cache
/// ([`CachedHistory`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryCacheHeader {
    /// The program that wrote it ([`program_identity`]); another program's cache is ignored.
    version: String,
    /// The input limits the versions were parsed under ([`limits_key`]; a change reads them
    /// again).
    limits: String,
    /// The commit the history was read at.
    commit: String,
}

/// How [`Limits`] are written in the history's cache.
fn limits_key(limits: &Limits) -> String {
    format!("{limits:?}")
}

/// An earlier build's reading of the history that this build can extend, as its cache's first
/// line tells before the reports are checked: this program wrote it, at this build's commit or
/// at one this commit follows in a line (no merge since). Its history is read later
/// ([`history_changes`]) from the file the line was read from, even if another build has
/// replaced the cache since; if that fails after all (the file is damaged), the history is
/// read from the commits, as without a cache.
#[derive(Debug)]
pub(crate) struct CachedHistory {
    header: HistoryCacheHeader,
    commit: git2::Oid,
    /// The cache from its second line on, until its history is read.
    rest: std::sync::Mutex<Option<CacheRest>>,
}

/// A cache file from its second line on.
type CacheRest = std::io::Take<std::io::BufReader<std::fs::File>>;

impl CachedHistory {
    /// The history's cache of `tree`'s repository, when this build can extend it. Only the
    /// cache's first line and the commits since are read.
    pub(crate) fn find(tree: &GitTree) -> Option<CachedHistory> {
        if history_is_local(tree) {
            return None;
        }
        let (header, rest) = open_history_cache(&history_cache_path(tree))?;
        let commit = git2::Oid::from_str(&header.commit).ok()?;
        history::follows_in_line(tree, commit)
            .ok()?
            .then(|| CachedHistory {
                header,
                commit,
                rest: std::sync::Mutex::new(Some(rest)),
            })
    }

    /// Whether its versions were read under `limits`: it then holds the key facts of every
    /// current version unchanged since its commit, and the check need not keep them (a
    /// version changed since is read from its blob with the other changes).
    pub(crate) fn read_under(&self, limits: &Limits) -> bool {
        self.header.limits == limits_key(limits)
    }
}

/// The history's cache at `path`: its first line, and the file from the second on. Only a
/// regular file this program wrote is opened (as [`read_cache`]).
fn open_history_cache(path: &Path) -> Option<(HistoryCacheHeader, CacheRest)> {
    use std::io::{BufRead as _, Read as _};
    const MAX_HEADER_BYTES: u64 = 64 << 10;
    let (file, mut line) = open_cache(path)?;
    let mut reader = std::io::BufReader::new(file);
    reader
        .by_ref()
        .take(MAX_HEADER_BYTES)
        .read_until(b'\n', &mut line)
        .ok()?;
    if line.pop() != Some(b'\n') {
        return None;
    }
    let header: HistoryCacheHeader = serde_json::from_slice(&line).ok()?;
    (header.version == program_identity()).then_some((header, reader.take(MAX_CACHE_BYTES)))
}

/// The history in the cache `cached` was found in (read once: `None` the second time).
fn read_cached_history(cached: &CachedHistory) -> Option<History> {
    use std::io::Read as _;
    let mut rest = cached.rest.lock().ok()?.take()?;
    let mut bytes = Vec::new();
    rest.read_to_end(&mut bytes).ok()?;
    serde_json::from_slice::<History>(&bytes).ok()?.restored()
}

/// Where a build's reading of the history starts: the history an earlier build read at an
/// ancestor (with the limits it was read under), and the changes to read since; or no earlier
/// history and every change.
pub(crate) struct HistoryStart {
    earlier: Option<(String, History)>,
    changes: history::FileChanges,
}

fn history_cache_path(tree: &GitTree) -> PathBuf {
    tree.git_dir().join("candor").join("history.json")
}

/// Walk what is needed of the history of `tree`'s commit: with `cached`, only the commits
/// since the history an earlier build read ([`CachedHistory::find`]); otherwise all. A cache
/// that cannot be read after all only means reading everything.
pub(crate) fn history_changes(
    tree: &GitTree,
    cached: Option<&CachedHistory>,
) -> anyhow::Result<HistoryStart> {
    if let Some(cached) = cached
        && let Some(earlier) = read_cached_history(cached)
    {
        let changes = if cached.commit == tree.commit() {
            Some(history::FileChanges::default())
        } else {
            history::changes_since(tree, cached.commit).ok().flatten()
        };
        if let Some(changes) = changes {
            return Ok(HistoryStart {
                earlier: Some((cached.header.limits.clone(), earlier)),
                changes,
            });
        }
    }
    Ok(HistoryStart {
        earlier: None,
        changes: history::file_changes(tree)?,
    })
}

/// Every report's revisions on the history of `tree`'s commit: the earlier history followed by
/// the versions changed since, read and parsed under `limits` (`known` holds the key facts of
/// versions already parsed, by blob id; any other version is read from its blob). The result
/// is kept for the next build.
pub(crate) fn read_history(
    start: HistoryStart,
    tree: &GitTree,
    limits: &Limits,
    known: HashMap<git2::Oid, history::KnownVersion>,
) -> anyhow::Result<History> {
    let limits_key = limits_key(limits);
    let HistoryStart { earlier, changes } = start;
    let (history, unchanged) = match earlier {
        Some((read_under, earlier)) if read_under == limits_key => {
            let unchanged = changes.is_empty();
            let later = history::read_changes(changes, tree, limits, known)?;
            (earlier.followed_by(later), unchanged)
        }
        // Other limits may parse the old versions differently: read them all again.
        Some(_) => {
            let all = history::file_changes(tree)?;
            (history::read_changes(all, tree, limits, known)?, false)
        }
        None => (history::read_changes(changes, tree, limits, known)?, false),
    };
    if !unchanged && !history_is_local(tree) {
        let header = HistoryCacheHeader {
            version: program_identity(),
            limits: limits_key,
            commit: tree.commit().to_string(),
        };
        write_atomically_with(&history_cache_path(tree), |writer| {
            serde_json::to_writer(&mut *writer, &header).is_ok()
                && writer.write_all(b"\n").is_ok()
                && serde_json::to_writer(&mut *writer, &history).is_ok()
        });
    }
    Ok(history)
}

/// Write `value` as JSON to `path` through a new temporary file (never through a link left in
/// its place) and a rename; a cache that cannot be written is only a slower next run.
fn write_atomically(path: &Path, value: &impl Serialize) {
    write_atomically_with(path, |writer| serde_json::to_writer(writer, value).is_ok());
}

/// Write to `path` what `write` writes (saying whether it could), as [`write_atomically`].
fn write_atomically_with(path: &Path, write: impl FnOnce(&mut dyn std::io::Write) -> bool) {
    use std::io::Write as _;
    let Some(folder) = path.parent() else {
        return;
    };
    if std::fs::create_dir_all(folder).is_err() {
        return;
    }
    // Each writer has its own temporary file: two runs at once leave one whole cache.
    let Ok(mut temporary) = tempfile::NamedTempFile::new_in(folder) else {
        return;
    };
    // Written as it is serialised: the history's cache is a hundred MB at 100,000 reports,
    // and a build writes it while it holds every report.
    let mut writer = std::io::BufWriter::new(temporary.as_file_mut());
    let written = write(&mut writer) && writer.flush().is_ok();
    drop(writer);
    if written {
        let _ = temporary.persist(path);
    }
}

/// Publication times as read at one commit.
#[derive(Debug, Default, Serialize, Deserialize)]
struct PublicationCache {
    /// The program that wrote it ([`program_identity`]); another program's cache is ignored.
    version: String,
    /// The commit the times were read at.
    commit: String,
    /// First publication times by report id.
    times: HashMap<String, PublicationTimes>,
}

fn publications_cache_path(tree: &GitTree) -> PathBuf {
    tree.git_dir().join("candor").join("publications.json")
}

/// Keep `times`, taken from the history of `tree`'s commit by a build, for the next
/// `candor check` (which otherwise walks the history for them).
pub(crate) fn keep_publication_times(tree: &GitTree, times: &HashMap<String, PublicationTimes>) {
    if history_is_local(tree) {
        return;
    }
    let cache = PublicationCache {
        version: program_identity(),
        commit: tree.commit().to_string(),
        times: times.clone(),
    };
    write_atomically(&publications_cache_path(tree), &cache);
}

/// The publication times' cache of a repository as read from its file, before the run knows
/// the limits it would walk the history under: `candor check --changed-since` reads it while
/// git compares the work tree.
pub(crate) struct PublicationsRead {
    /// Whether the history is cut short here (shallow or grafted): then nothing is cached.
    local: bool,
    /// The cache, when there is one this program wrote.
    cache: Option<PublicationCache>,
}

/// Read the publication times' cache of `tree`'s repository ([`PublicationsRead`]).
pub(crate) fn read_publications(tree: &GitTree) -> PublicationsRead {
    let version = program_identity();
    let local = history_is_local(tree);
    PublicationsRead {
        local,
        cache: (!local)
            .then(|| read_cache(&publications_cache_path(tree)))
            .flatten()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .filter(|c: &PublicationCache| c.version == version),
    }
}

/// When each report on the history of `tree` was first published and first final: from the
/// cache when it was read at the same commit, from the commits since when it was read at an
/// ancestor, and from a full walk otherwise. `read` is the cache as the caller has already
/// read it ([`read_publications`]); it is read here when `None`.
pub(crate) fn publication_times(
    tree: &GitTree,
    limits: &Limits,
    read: Option<PublicationsRead>,
) -> anyhow::Result<HashMap<String, PublicationTimes>> {
    let PublicationsRead {
        local,
        cache: cached,
    } = read.unwrap_or_else(|| read_publications(tree));
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
        version: program_identity(),
        commit: head,
        times,
    };
    if !local {
        write_atomically(&publications_cache_path(tree), &cache);
    }
    Ok(cache.times)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commit the files (path, content) on top of `parents`; returns the commit.
    fn commit(
        repo: &git2::Repository,
        files: &[(&str, &str)],
        parents: &[git2::Oid],
        seconds: i64,
    ) -> git2::Oid {
        let root = repo.workdir().unwrap();
        for (path, content) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let signature =
            git2::Signature::new("A", "a@example.org", &git2::Time::new(seconds, 0)).unwrap();
        let parents: Vec<git2::Commit<'_>> = parents
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        // The first commit becomes HEAD, so the repository opens; the others stay off branches.
        let head = parents.is_empty().then_some("HEAD");
        repo.commit(head, &signature, &signature, "Change", &tree, &parents)
            .unwrap()
    }

    /// An empty reports repository.
    fn repository() -> (tempfile::TempDir, git2::Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        std::fs::write(dir.path().join("candor.yaml"), "site: {}\n").unwrap();
        (dir, repo)
    }

    fn report(status: &str, severity: &str) -> String {
        format!("id: r\nstatus: {status}\nseverity: {severity}\n")
    }

    /// Where a build of `tree` starts reading the history, with or without the cache.
    fn start_of(tree: &GitTree, use_cache: bool) -> HistoryStart {
        let cached = use_cache.then(|| CachedHistory::find(tree)).flatten();
        history_changes(tree, cached.as_ref()).unwrap()
    }

    /// The history at `commit` read with the cache (and whether an earlier one was used), and
    /// read in full.
    fn both_ways(root: &Path, commit: git2::Oid) -> (History, bool, History) {
        let tree = GitTree::open(root, &commit.to_string()).unwrap();
        let limits = Limits::default();
        let start = start_of(&tree, true);
        let extended = start.earlier.is_some();
        let cached = read_history(start, &tree, &limits, HashMap::new()).unwrap();
        let full = start_of(&tree, false);
        let full = history::read_changes(full.changes, &tree, &limits, HashMap::new()).unwrap();
        (cached, extended, full)
    }

    #[test]
    fn a_history_extended_from_the_cache_equals_a_full_reading() {
        let (dir, repo) = repository();
        let first = commit(
            &repo,
            &[
                ("incidents/2026/a.yaml", &report("preliminary", "minor")),
                ("incidents/2026/b.yaml", &report("draft", "major")),
            ],
            &[],
            1_700_000_000,
        );
        let (cached, extended, full) = both_ways(dir.path(), first);
        assert!(!extended, "no earlier history yet");
        assert_eq!(cached, full);

        // Commits that follow in a line: only they are read, and the result is the same.
        let second = commit(
            &repo,
            &[("incidents/2026/a.yaml", &report("final", "major"))],
            &[first],
            1_700_100_000,
        );
        let third = commit(
            &repo,
            &[("incidents/2026/b.yaml", &report("preliminary", "major"))],
            &[second],
            1_700_200_000,
        );
        let (cached, extended, full) = both_ways(dir.path(), third);
        assert!(extended);
        assert_eq!(cached, full);
        assert_eq!(cached.of("a").len(), 2);
        assert_eq!(cached.commits, 3);
        // The same commit again: the cache as it is.
        let (cached, extended, full) = both_ways(dir.path(), third);
        assert!(extended);
        assert_eq!(cached, full);

        // A merge after the cached commit: read in full, and still the same.
        let side = commit(
            &repo,
            &[("incidents/2026/c.yaml", &report("final", "minor"))],
            &[first],
            1_700_150_000,
        );
        let merge = commit(&repo, &[], &[third, side], 1_700_300_000);
        let (cached, extended, full) = both_ways(dir.path(), merge);
        assert!(!extended, "a merge after the cached commit is read in full");
        assert_eq!(cached, full);
        assert_eq!(cached.of("c").len(), 1);

        // A commit not on the cached one's history (another branch): read in full.
        let other = commit(
            &repo,
            &[("incidents/2026/a.yaml", &report("final", "critical"))],
            &[first],
            1_700_400_000,
        );
        let (cached, extended, full) = both_ways(dir.path(), other);
        assert!(!extended);
        assert_eq!(cached, full);
    }

    #[test]
    fn publication_times_read_ahead_from_their_cache_are_the_walk_s() {
        let (dir, repo) = repository();
        let limits = Limits::default();
        let first = commit(
            &repo,
            &[("incidents/2026/a.yaml", &report("preliminary", "minor"))],
            &[],
            1_700_000_000,
        );
        let tree = GitTree::open(dir.path(), &first.to_string()).unwrap();
        assert!(
            read_publications(&tree).cache.is_none(),
            "nothing cached yet"
        );
        let walked = publication_times(&tree, &limits, None).unwrap();
        assert!(walked["a"].first_published.is_some(), "{walked:?}");
        // Cached by that walk: read ahead, the cache gives the same times.
        let read = read_publications(&tree);
        assert!(read.cache.is_some());
        assert_eq!(
            publication_times(&tree, &limits, Some(read)).unwrap(),
            walked
        );
        // Read ahead at the commit before: the commits since are walked, as without reading
        // ahead, and give what a walk of the whole history gives.
        let read = read_publications(&tree);
        let second = commit(
            &repo,
            &[("incidents/2026/b.yaml", &report("final", "major"))],
            &[first],
            1_700_100_000,
        );
        let tree = GitTree::open(dir.path(), &second.to_string()).unwrap();
        let extended = publication_times(&tree, &limits, Some(read)).unwrap();
        assert_eq!(
            extended,
            history::publication_times(&tree, &limits, None).unwrap()
        );
        assert_eq!(extended["a"], walked["a"]);
        assert!(extended["b"].first_final.is_some(), "{extended:?}");
    }

    #[test]
    fn publication_times_from_the_history_equal_the_check_s_own_walk() {
        let (dir, repo) = repository();
        let limits = Limits::default();
        // What `candor check` finds walking the history itself, and what a build takes from the
        // history it reads (in full, and extended from its cache).
        let all_ways = |commit: git2::Oid| {
            let tree = GitTree::open(dir.path(), &commit.to_string()).unwrap();
            let walked = history::publication_times(&tree, &limits, None).unwrap();
            let (cached, _, full) = both_ways(dir.path(), commit);
            assert_eq!(full.publication_times(), walked);
            assert_eq!(cached.publication_times(), walked);
            // As a build reads it: the committed files' versions already parsed by the check.
            let mut known = HashMap::new();
            for blob in tree.blob_ids().unwrap().into_values() {
                let bytes = repo.find_blob(blob).unwrap().content().to_vec();
                let root = crate::load::load(&bytes, &limits).root;
                let version = history::KnownVersion {
                    facts: root
                        .as_ref()
                        .map(history::KeyFacts::from_tree)
                        .unwrap_or_default(),
                    declared: history::declared_status(&bytes, root.as_ref()),
                };
                known.insert(blob, version);
            }
            let start = start_of(&tree, false);
            let built = read_history(start, &tree, &limits, known).unwrap();
            assert_eq!(built.publication_times(), walked);
            walked
        };
        let time = |seconds: i64| {
            chrono::DateTime::from_timestamp(seconds, 0)
                .unwrap()
                .fixed_offset()
        };
        let first = commit(
            &repo,
            &[
                ("incidents/2026/a.yaml", &report("draft", "minor")),
                // Does not parse, but says `status: preliminary` on a line of its own.
                (
                    "incidents/2026/b.yaml",
                    "id: b\nstatus: preliminary\nseverity: [minor\n",
                ),
                // The line says draft; the parser takes the later key, spelled otherwise.
                (
                    "incidents/2026/d.yaml",
                    "id: d\nstatus: draft\nseverity: minor\nstatus : preliminary\n",
                ),
            ],
            &[],
            1_700_000_000,
        );
        let times = all_ways(first);
        assert_eq!(times["b"].first_published, Some(time(1_700_000_000)));
        assert_eq!(times.get("a").and_then(|t| t.first_published), None);
        assert_eq!(times.get("d").and_then(|t| t.first_published), None);
        let second = commit(
            &repo,
            &[
                ("incidents/2026/a.yaml", &report("preliminary", "minor")),
                ("incidents/2026/b.yaml", &report("final", "minor")),
            ],
            &[first],
            1_700_100_000,
        );
        all_ways(second);
        // A copy in another folder, a return to an earlier version, and a merged branch.
        let third = commit(
            &repo,
            &[
                ("incidents/2027/a.yaml", &report("final", "major")),
                ("incidents/2026/b.yaml", &report("preliminary", "minor")),
            ],
            &[second],
            1_700_200_000,
        );
        let side = commit(
            &repo,
            &[("incidents/2026/c.yaml", &report("final", "minor"))],
            &[first],
            1_700_150_000,
        );
        let merge = commit(&repo, &[], &[third, side], 1_700_300_000);
        let times = all_ways(merge);
        assert_eq!(times["a"].first_published, Some(time(1_700_100_000)));
        // `commit` commits the whole working folder, so the side branch carries the final
        // copy of `a` too, before the main line does.
        assert_eq!(times["a"].first_final, Some(time(1_700_150_000)));
        assert_eq!(times["b"].first_final, Some(time(1_700_100_000)));
        assert_eq!(times["c"].first_final, Some(time(1_700_150_000)));
    }

    #[test]
    fn a_history_cache_that_cannot_be_trusted_is_not_used() {
        let (dir, repo) = repository();
        let first = commit(
            &repo,
            &[("incidents/2026/a.yaml", &report("preliminary", "minor"))],
            &[],
            1_700_000_000,
        );
        let second = commit(
            &repo,
            &[("incidents/2026/a.yaml", &report("final", "minor"))],
            &[first],
            1_700_100_000,
        );
        let tree = GitTree::open(dir.path(), &second.to_string()).unwrap();
        let path = history_cache_path(&tree);
        let full = both_ways(dir.path(), second).2;
        let cache_by = |version: String, commit: String, short: &str| {
            let header = HistoryCacheHeader {
                version,
                limits: limits_key(&Limits::default()),
                commit,
            };
            let mut text = serde_json::to_value(full.clone()).unwrap();
            // What a hand-made cache could say: a revision's page name.
            for revisions in text["revisions"].as_object_mut().unwrap().values_mut() {
                for revision in revisions.as_array_mut().unwrap() {
                    revision["short"] = serde_json::json!(short);
                }
            }
            let header = serde_json::to_string(&header).unwrap();
            let history = serde_json::to_string(&text).unwrap();
            std::fs::write(&path, format!("{header}\n{history}")).unwrap();
        };
        let cache = |commit: String, short: &str| cache_by(program_identity(), commit, short);

        // A cache this program wrote is used; another program's is not read.
        cache(second.to_string(), "1234567");
        assert!(start_of(&tree, true).earlier.is_some());
        // Its history is read from the file its first line was read from, even when another
        // build has put its own cache in that file's place since (as builds do: by renaming).
        let found = CachedHistory::find(&tree).expect("the first line says it can be used");
        let another = path.with_extension("another");
        std::fs::write(&another, "another build's cache").unwrap();
        std::fs::rename(&another, &path).unwrap();
        let earlier = history_changes(&tree, Some(&found)).unwrap().earlier;
        assert_eq!(earlier.map(|(_, history)| history), Some(full.clone()));
        assert!(CachedHistory::find(&tree).is_none());
        cache_by("0.0.1+4+elsewhere".into(), second.to_string(), "1234567");
        assert!(start_of(&tree, true).earlier.is_none());
        // Nor one whose version is not where this program writes it (a map of values sorts
        // its keys: the commit comes first).
        cache(second.to_string(), "1234567");
        let written = std::fs::read_to_string(&path).unwrap();
        let (header, history) = written.split_once('\n').unwrap();
        let header: serde_json::Value = serde_json::from_str(header).unwrap();
        std::fs::write(&path, format!("{header}\n{history}")).unwrap();
        assert!(start_of(&tree, true).earlier.is_none());
        // Nor one whose history is damaged after a first line that says it can be used.
        std::fs::write(
            &path,
            format!("{}\n{{\"revisions\":", written.split_once('\n').unwrap().0),
        )
        .unwrap();
        let found = CachedHistory::find(&tree).expect("the first line says it can be used");
        assert!(
            history_changes(&tree, Some(&found))
                .unwrap()
                .earlier
                .is_none()
        );

        // A commit that is not in the repository: read in full, not an error.
        cache("1234567890123456789012345678901234567890".into(), "1234567");
        let start = start_of(&tree, true);
        assert!(start.earlier.is_none());

        // A page name in the cache is never used: it comes from the commit.
        cache(second.to_string(), "../../../../tmp/elsewhere");
        let start = start_of(&tree, true);
        let (_, earlier) = start.earlier.unwrap();
        assert!(
            earlier
                .of("a")
                .iter()
                .all(|r| r.short.len() == 7 && r.short.bytes().all(|b| b.is_ascii_hexdigit())),
            "{:?}",
            earlier.of("a")
        );

        // A pipe in its place is never read (it would block).
        std::fs::remove_file(&path).unwrap();
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap()
                .success()
        );
        assert!(start_of(&tree, true).earlier.is_none());
        std::fs::remove_file(&path).unwrap();

        // A shallow clone's history changes when it is deepened: nothing is cached from it.
        std::fs::write(dir.path().join(".git/shallow"), format!("{second}\n")).unwrap();
        let (cached, extended, full) = both_ways(dir.path(), second);
        assert!(!extended);
        assert_eq!(cached, full);
        assert!(!path.exists(), "no cache is written for a shallow clone");
    }

    #[test]
    fn hex_is_git_s_own_spelling() {
        let oid = git2::Oid::from_str("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567").unwrap();
        let mut buffer = [0u8; 40];
        assert_eq!(super::hex(&oid, &mut buffer), oid.to_string());
    }
}
