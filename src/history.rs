//! Each report's revision history, from one pass over the commits.
//!
//! The commits reachable from the built revision are walked once, oldest first; each
//! non-merge commit is diffed against its parent, restricted to `incidents/`, which tells which
//! report files it changed. The changed versions are then read from the object database in
//! parallel and reduced to their key facts (status, severity, root cause, users affected,
//! actions), so the site can say when a report was first published and what each later
//! commit changed. A report is identified by its file name, so moving it between folders
//! keeps its history.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset, TimeZone};
use git2::{ObjectType, Oid, Repository, Sort};
use rayon::prelude::*;

use crate::config::Limits;
use crate::load::{self, Node, NodeValue};
use crate::source::{self, GitTree};

/// One commit that changed a report file.
#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    /// Full commit id.
    pub commit: String,
    /// Abbreviated commit id.
    pub short: String,
    /// Committer time, with the committer's offset.
    pub time: DateTime<FixedOffset>,
    /// First line of the commit message.
    pub summary: String,
    /// The key facts of the report as of this commit (`None` if the commit deleted the file
    /// or the file did not parse).
    pub facts: Option<KeyFacts>,
}

/// What the history compares between versions of a report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyFacts {
    /// `draft`, `preliminary` or `final`.
    pub status: String,
    /// Declared severity.
    pub severity: String,
    /// Root cause status.
    pub cause_status: String,
    /// Root cause category.
    pub cause_category: String,
    /// Root cause trigger, as written (all languages, in a stable form).
    pub cause_trigger: String,
    /// Users affected (the estimate).
    pub users_affected: Option<u64>,
    /// Resolution time, as written.
    pub resolved_at: String,
    /// Actions by id: (due date, status), as written.
    pub actions: BTreeMap<String, (String, String)>,
}

impl KeyFacts {
    /// Whether this version was public (anything but a draft).
    pub fn is_published(&self) -> bool {
        !self.status.is_empty() && self.status != "draft"
    }

    /// The key facts of a report's YAML tree.
    pub fn from_tree(root: &Node) -> KeyFacts {
        let text = |pointer: &str| root.find(pointer).map(scalar_text).unwrap_or_default();
        let mut actions = BTreeMap::new();
        if let Some(Node {
            value: NodeValue::Sequence(items),
            ..
        }) = root.find("/actions")
        {
            for item in items {
                let id = item.find("/id").map(scalar_text).unwrap_or_default();
                let due = item.find("/due").map(scalar_text).unwrap_or_default();
                let status = item.find("/status").map(scalar_text).unwrap_or_default();
                actions.insert(id, (due, status));
            }
        }
        KeyFacts {
            status: text("/status"),
            severity: text("/severity"),
            cause_status: text("/root_cause/status"),
            cause_category: text("/root_cause/category"),
            cause_trigger: text("/root_cause/trigger"),
            users_affected: root.find("/impact/users_affected/estimate").and_then(|n| {
                match &n.value {
                    NodeValue::Number(number) => number.as_u64(),
                    _ => None,
                }
            }),
            resolved_at: text("/resolved_at"),
            actions,
        }
    }
}

/// A scalar as text; a map or list in a stable JSON form (for texts with languages).
fn scalar_text(node: &Node) -> String {
    match &node.value {
        NodeValue::String(s) => s.clone(),
        NodeValue::Number(n) => n.to_string(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Null => String::new(),
        _ => node.to_json().to_string(),
    }
}

/// One key field that changed between two published versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// Which field.
    pub field: ChangedField,
    /// The value before (empty if there was none).
    pub before: String,
    /// The value after (empty if there is none).
    pub after: String,
}

/// The key fields the history reports on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangedField {
    /// `status`.
    Status,
    /// `severity`.
    Severity,
    /// `root_cause.status`.
    CauseStatus,
    /// `root_cause.category`.
    CauseCategory,
    /// `root_cause.trigger`.
    CauseTrigger,
    /// `impact.users_affected.estimate`.
    UsersAffected,
    /// `resolved_at`.
    ResolvedAt,
    /// An action was added (its id).
    ActionAdded(String),
    /// An action was removed from the report (its id).
    ActionRemoved(String),
    /// An action's due date moved (its id).
    ActionRedated(String),
    /// An action's status changed (its id).
    ActionStatus(String),
}

/// The changes from `before` to `after`.
pub fn changes(before: &KeyFacts, after: &KeyFacts) -> Vec<FieldChange> {
    let mut list = Vec::new();
    let mut compare = |field: ChangedField, a: &str, b: &str| {
        if a != b {
            list.push(FieldChange {
                field,
                before: a.to_owned(),
                after: b.to_owned(),
            });
        }
    };
    compare(ChangedField::Status, &before.status, &after.status);
    compare(ChangedField::Severity, &before.severity, &after.severity);
    compare(
        ChangedField::CauseStatus,
        &before.cause_status,
        &after.cause_status,
    );
    compare(
        ChangedField::CauseCategory,
        &before.cause_category,
        &after.cause_category,
    );
    compare(
        ChangedField::CauseTrigger,
        &before.cause_trigger,
        &after.cause_trigger,
    );
    let users = |u: Option<u64>| u.map(|u| u.to_string()).unwrap_or_default();
    compare(
        ChangedField::UsersAffected,
        &users(before.users_affected),
        &users(after.users_affected),
    );
    compare(
        ChangedField::ResolvedAt,
        &before.resolved_at,
        &after.resolved_at,
    );
    for (id, (due, status)) in &after.actions {
        match before.actions.get(id) {
            None => list.push(FieldChange {
                field: ChangedField::ActionAdded(id.clone()),
                before: String::new(),
                after: due.clone(),
            }),
            Some((old_due, old_status)) => {
                if old_due != due {
                    list.push(FieldChange {
                        field: ChangedField::ActionRedated(id.clone()),
                        before: old_due.clone(),
                        after: due.clone(),
                    });
                }
                if old_status != status {
                    list.push(FieldChange {
                        field: ChangedField::ActionStatus(id.clone()),
                        before: old_status.clone(),
                        after: status.clone(),
                    });
                }
            }
        }
    }
    for (id, (due, _)) in &before.actions {
        if !after.actions.contains_key(id) {
            list.push(FieldChange {
                field: ChangedField::ActionRemoved(id.clone()),
                before: due.clone(),
                after: String::new(),
            });
        }
    }
    list
}

/// Every report's revisions, by report id (the file stem), oldest first.
#[derive(Clone, Debug, Default)]
pub struct History {
    revisions: HashMap<String, Vec<Revision>>,
    /// How many commits were walked.
    pub commits: usize,
}

impl History {
    /// The revisions of report `id`, oldest first.
    pub fn of(&self, id: &str) -> &[Revision] {
        self.revisions
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Take the revisions of report `id` out of the history (a site needs each report's
    /// revisions once, and a large history is not worth keeping twice).
    pub fn take(&mut self, id: &str) -> Vec<Revision> {
        self.revisions.remove(id).unwrap_or_default()
    }
}

/// One change to a report file found while walking, before its blob is read.
struct Touch {
    id: String,
    commit: Oid,
    time: DateTime<FixedOffset>,
    summary: String,
    blob: Option<Oid>,
}

/// Walk the history of `tree`'s commit once and collect every report's revisions. `known`
/// holds the key facts of versions already parsed (the current files), by blob id, so they
/// are not read and parsed again; they are moved into the revisions.
pub fn read(
    tree: &GitTree,
    limits: &Limits,
    mut known: HashMap<Oid, KeyFacts>,
) -> anyhow::Result<History> {
    let repo =
        Repository::open(tree.git_dir()).context("cannot open the repository for its history")?;
    let mut walk = repo.revwalk()?;
    walk.push(tree.commit())?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)?;
    let mut touches: Vec<Touch> = Vec::new();
    let mut commits = 0;
    for oid in walk {
        let oid = oid?;
        commits += 1;
        let commit = repo.find_commit(oid)?;
        if commit.parent_count() > 1 {
            // A merge brings in changes already seen on the merged branch.
            continue;
        }
        let now = incidents_tree(&repo, commit.tree_id())?;
        let before = match commit.parent_id(0) {
            Ok(parent) => incidents_tree(&repo, repo.find_commit(parent)?.tree_id())?,
            // The first commit, or the edge of a shallow clone.
            Err(_) => None,
        };
        if now == before {
            continue;
        }
        let mut changed = Vec::new();
        diff_trees(&repo, before, now, source::INCIDENTS_DIR, &mut changed)?;
        if changed.is_empty() {
            continue;
        }
        let time = commit_time(&commit);
        let summary =
            String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned();
        for (path, blob) in changed {
            touches.push(Touch {
                id: source::file_stem(&path).to_owned(),
                commit: oid,
                time,
                summary: summary.clone(),
                blob,
            });
        }
    }

    let git_dir = tree.git_dir().to_path_buf();
    let chunk = touches
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(1);
    // A known version is moved to the first revision that has it; any other revision with the
    // same content (a revert, a copy) is read and parsed like the rest.
    let from_known: Vec<Option<KeyFacts>> = touches
        .iter()
        .map(|touch| touch.blob.and_then(|blob| known.remove(&blob)))
        .collect();
    let parsed: Vec<Option<KeyFacts>> = touches
        .par_chunks(chunk)
        .zip(from_known.par_chunks(chunk))
        .flat_map_iter(|(chunk, known_chunk)| {
            let repo = Repository::open(&git_dir).ok();
            chunk
                .iter()
                .zip(known_chunk)
                .map(|(touch, known)| {
                    if known.is_some() {
                        return None;
                    }
                    let blob = touch.blob?;
                    let odb = repo.as_ref()?.odb().ok()?;
                    let object = odb.read(blob).ok()?;
                    let loaded = load::load(object.data(), limits);
                    loaded.root.as_ref().map(KeyFacts::from_tree)
                })
                .collect::<Vec<_>>()
        })
        .collect();

    let facts = from_known
        .into_iter()
        .zip(parsed)
        .map(|(known, parsed)| known.or(parsed));
    let mut revisions: HashMap<String, Vec<Revision>> = HashMap::new();
    for (touch, facts) in touches.into_iter().zip(facts) {
        revisions.entry(touch.id).or_default().push(Revision {
            short: source::short_id(touch.commit),
            commit: touch.commit.to_string(),
            time: touch.time,
            summary: touch.summary,
            facts,
        });
    }
    Ok(History { revisions, commits })
}

/// The id of the `incidents/` tree in the commit tree `root`, if there is one.
fn incidents_tree(repo: &Repository, root: Oid) -> anyhow::Result<Option<Oid>> {
    let tree = repo.find_tree(root)?;
    Ok(tree
        .get_name(source::INCIDENTS_DIR)
        .filter(|entry| entry.kind() == Some(ObjectType::Tree))
        .map(|entry| entry.id()))
}

/// The report files that differ between two trees (either may be absent), as (path, new blob
/// id or `None` when deleted). Subtrees with the same id are skipped without being read, and
/// both trees are walked side by side in git's own order, so the cost follows the size of the
/// change, not of the repository.
fn diff_trees(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &str,
    changed: &mut Vec<(String, Option<Oid>)>,
) -> anyhow::Result<()> {
    if old == new {
        return Ok(());
    }
    let old_tree = old.map(|oid| repo.find_tree(oid)).transpose()?;
    let new_tree = new.map(|oid| repo.find_tree(oid)).transpose()?;
    let mut old_entries = old_tree.iter().flat_map(|t| t.iter()).peekable();
    let mut new_entries = new_tree.iter().flat_map(|t| t.iter()).peekable();
    loop {
        let order = match (old_entries.peek(), new_entries.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(a), Some(b)) => git_order(a).cmp(git_order(b)),
        };
        let (before, after) = match order {
            std::cmp::Ordering::Less => (old_entries.next(), None),
            std::cmp::Ordering::Greater => (None, new_entries.next()),
            std::cmp::Ordering::Equal => (old_entries.next(), new_entries.next()),
        };
        if let (Some(a), Some(b)) = (&before, &after)
            && a.id() == b.id()
        {
            continue;
        }
        let Some(name) = before
            .as_ref()
            .or(after.as_ref())
            .and_then(|e| e.name().ok())
        else {
            continue;
        };
        let path = format!("{prefix}/{name}");
        let of_kind = |entry: &Option<git2::TreeEntry<'_>>, kind: ObjectType| {
            entry
                .as_ref()
                .filter(|e| e.kind() == Some(kind))
                .map(|e| e.id())
        };
        let (old_tree, new_tree) = (
            of_kind(&before, ObjectType::Tree),
            of_kind(&after, ObjectType::Tree),
        );
        if old_tree.is_some() || new_tree.is_some() {
            diff_trees(repo, old_tree, new_tree, &path, changed)?;
        }
        let (old_blob, new_blob) = (
            of_kind(&before, ObjectType::Blob),
            of_kind(&after, ObjectType::Blob),
        );
        if source::is_report_name(&path) && old_blob != new_blob {
            changed.push((path, new_blob));
        }
    }
    Ok(())
}

/// The key git sorts tree entries by: the name, with a `/` after folder names.
fn git_order<'a>(entry: &'a git2::TreeEntry<'_>) -> impl Iterator<Item = u8> + 'a {
    let suffix: &'static [u8] = if entry.kind() == Some(ObjectType::Tree) {
        b"/"
    } else {
        b""
    };
    entry.name_bytes().iter().chain(suffix).copied()
}

fn commit_time(commit: &git2::Commit<'_>) -> DateTime<FixedOffset> {
    let time = commit.time();
    let offset = FixedOffset::east_opt(time.offset_minutes() * 60)
        .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()));
    offset
        .timestamp_opt(time.seconds(), 0)
        .single()
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.with_timezone(&offset))
}

/// The published story of one report: when it was first published and what each later
/// commit changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PublishedHistory {
    /// The first revision where the report was not a draft.
    pub first_published: Option<Revision>,
    /// Each later revision, with the key fields it changed (possibly none: a wording change).
    pub amendments: Vec<(Revision, Vec<FieldChange>)>,
}

/// Reduce a report's revisions to its published history.
pub fn published(revisions: Vec<Revision>) -> PublishedHistory {
    let mut history = PublishedHistory::default();
    for revision in revisions {
        let Some(facts) = revision.facts.as_ref() else {
            continue;
        };
        // The facts of the last revision kept: the first published one, or the last amendment.
        let previous = history
            .amendments
            .last()
            .map(|(kept, _)| kept)
            .or(history.first_published.as_ref())
            .and_then(|kept| kept.facts.as_ref());
        match previous {
            None if facts.is_published() => history.first_published = Some(revision),
            None => {}
            Some(previous) => {
                let changed = changes(previous, facts);
                history.amendments.push((revision, changed));
            }
        }
    }
    history
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: &str, severity: &str, actions: &[(&str, &str, &str)]) -> KeyFacts {
        KeyFacts {
            status: status.into(),
            severity: severity.into(),
            actions: actions
                .iter()
                .map(|(id, due, st)| ((*id).into(), ((*due).into(), (*st).into())))
                .collect(),
            ..KeyFacts::default()
        }
    }

    #[test]
    fn changes_name_fields_and_actions() {
        let before = facts(
            "preliminary",
            "minor",
            &[
                ("A1", "2026-01-01", "planned"),
                ("A2", "2026-02-01", "planned"),
            ],
        );
        let after = facts(
            "final",
            "critical",
            &[
                ("A1", "2026-06-01", "done"),
                ("A3", "2026-09-01", "planned"),
            ],
        );
        let list = changes(&before, &after);
        let fields: Vec<&ChangedField> = list.iter().map(|c| &c.field).collect();
        assert_eq!(
            fields,
            [
                &ChangedField::Status,
                &ChangedField::Severity,
                &ChangedField::ActionRedated("A1".into()),
                &ChangedField::ActionStatus("A1".into()),
                &ChangedField::ActionAdded("A3".into()),
                &ChangedField::ActionRemoved("A2".into()),
            ]
        );
        assert_eq!(
            (list[1].before.as_str(), list[1].after.as_str()),
            ("minor", "critical")
        );
    }
}
