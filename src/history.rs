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
use git2::{Delta, DiffOptions, Oid, Repository, Sort};
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

    fn from_tree(root: &Node) -> KeyFacts {
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
}

/// One change to a report file found while walking, before its blob is read.
struct Touch {
    id: String,
    commit: Oid,
    time: DateTime<FixedOffset>,
    summary: String,
    blob: Option<Oid>,
}

/// Walk the history of `tree`'s commit once and collect every report's revisions.
pub fn read(tree: &GitTree, limits: &Limits) -> anyhow::Result<History> {
    let repo =
        Repository::open(tree.git_dir()).context("cannot open the repository for its history")?;
    let mut walk = repo.revwalk()?;
    walk.push(tree.commit())?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)?;
    let mut touches: Vec<Touch> = Vec::new();
    let mut commits = 0;
    let mut options = DiffOptions::new();
    options
        .pathspec(source::INCIDENTS_DIR)
        .skip_binary_check(true)
        .ignore_submodules(true);
    for oid in walk {
        let oid = oid?;
        commits += 1;
        let commit = repo.find_commit(oid)?;
        if commit.parent_count() > 1 {
            // A merge brings in changes already seen on the merged branch.
            continue;
        }
        let tree_now = commit.tree()?;
        let parent_tree = match commit.parent(0) {
            Ok(parent) => Some(parent.tree()?),
            // The first commit, or the edge of a shallow clone.
            Err(_) => None,
        };
        let diff =
            repo.diff_tree_to_tree(parent_tree.as_ref(), Some(&tree_now), Some(&mut options))?;
        if diff.deltas().len() == 0 {
            continue;
        }
        let time = commit_time(&commit);
        let summary =
            String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned();
        for delta in diff.deltas() {
            let (path, blob) = match delta.status() {
                Delta::Deleted => (delta.old_file().path(), None),
                _ => (delta.new_file().path(), Some(delta.new_file().id())),
            };
            let Some(path) = path.and_then(|p| p.to_str()) else {
                continue;
            };
            if !source::is_report_name(path) {
                continue;
            }
            touches.push(Touch {
                id: source::file_stem(path).to_owned(),
                commit: oid,
                time,
                summary: summary.clone(),
                blob,
            });
        }
    }

    let git_dir = tree.git_dir().to_path_buf();
    let facts: Vec<Option<KeyFacts>> = touches
        .par_iter()
        .map_init(
            || Repository::open(&git_dir).ok(),
            |repo, touch| {
                let blob = repo.as_ref()?.find_blob(touch.blob?).ok()?;
                let loaded = load::load(blob.content(), limits);
                loaded.root.as_ref().map(KeyFacts::from_tree)
            },
        )
        .collect();

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
pub fn published(revisions: &[Revision]) -> PublishedHistory {
    let mut history = PublishedHistory::default();
    let mut last: Option<&KeyFacts> = None;
    for revision in revisions {
        let Some(facts) = revision.facts.as_ref() else {
            continue;
        };
        match last {
            None if facts.is_published() => {
                history.first_published = Some(revision.clone());
                last = Some(facts);
            }
            None => {}
            Some(previous) => {
                history
                    .amendments
                    .push((revision.clone(), changes(previous, facts)));
                last = Some(facts);
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
