//! Each report's revision history, from one pass over the commits.
//!
//! The commits reachable from the built revision are walked once, oldest first; each
//! non-merge commit is diffed against its parent, restricted to `incidents/`, which tells which
//! report files it changed. The changed versions are then read from the object database in
//! parallel and reduced to their key facts (status, severity, root cause, users affected,
//! actions), so the site can say when a report was first published and what each later
//! commit changed. A report is identified by its file name, so moving it between folders
//! keeps its history. A history read at an earlier commit is extended with the commits since,
//! when they follow it in a line (see `cache`). Each revision also notes the status its
//! version declares, so a build takes the publication times the deadline rules need from the
//! history instead of walking it a second time (`candor check` walks for them alone).

use std::collections::{BTreeMap, HashMap};

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use git2::{ObjectType, Oid, Repository, Sort};
use rayon::prelude::*;

use crate::config::Limits;
use crate::load::{self, Node, NodeValue};
use crate::model::{ActionStatus, CauseCategory, CauseStatus, Severity, Status, Text};
use crate::source::{self, GitTree};
use crate::timeliness::PublicationTimes;

/// One commit that changed a report file.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Revision {
    /// Full commit id.
    pub commit: String,
    /// Abbreviated commit id (computed from `commit`, never read back from a cache: it names
    /// a page's file).
    #[serde(skip)]
    pub short: String,
    /// Committer time, with the committer's offset.
    pub time: DateTime<FixedOffset>,
    /// First line of the commit message.
    pub summary: String,
    /// The key facts of the report as of this commit (`None` if the commit deleted the file
    /// or the file did not parse).
    pub facts: Option<KeyFacts>,
    /// The status this version declares, read as the deadline rules read it
    /// ([`declared_status`]: also from a version that does not parse, when its `status:` line
    /// is plain).
    pub declared: Option<Status>,
}

/// What the history compares between versions of a report, typed. Old revisions are read
/// leniently: a value that does not parse (a typo fixed later, a field from another schema)
/// is `None` rather than an error, so history never stops a build.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KeyFacts {
    /// The title, as written then.
    pub title: Option<Text>,
    /// Draft, preliminary or final.
    pub status: Option<Status>,
    /// Declared severity.
    pub severity: Option<Severity>,
    /// Root cause status.
    pub cause_status: Option<CauseStatus>,
    /// Root cause category.
    pub cause_category: Option<CauseCategory>,
    /// Root cause trigger, as written.
    pub cause_trigger: Option<Text>,
    /// Users affected (the estimate).
    pub users_affected: Option<u64>,
    /// Resolution time.
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// Actions by id.
    pub actions: ActionsById,
    /// The note for readers on what this revision changed.
    pub change_note: Option<Text>,
}

/// What the history follows of one promised action.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ActionFacts {
    /// Due date.
    pub due: Option<NaiveDate>,
    /// Status.
    pub status: Option<ActionStatus>,
}

/// The actions of one version of a report, by id: a sorted list, one entry per id (of ids
/// written twice, the later counts, as in a map). Every revision a build keeps has one, and a
/// map of a dozen actions would take about four times the memory (its nodes have room for
/// eleven entries each).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActionsById(Box<[(Box<str>, ActionFacts)]>);

impl ActionsById {
    /// The action with `id`.
    pub fn get(&self, id: &str) -> Option<&ActionFacts> {
        let index = self.0.binary_search_by(|(key, _)| (**key).cmp(id)).ok()?;
        Some(&self.0[index].1)
    }

    /// Whether an action has `id`.
    pub fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// The actions in the order of their ids.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ActionFacts)> {
        self.into_iter()
    }
}

impl<'a> IntoIterator for &'a ActionsById {
    type Item = (&'a str, &'a ActionFacts);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Box<str>, ActionFacts)>,
        fn(&'a (Box<str>, ActionFacts)) -> (&'a str, &'a ActionFacts),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(id, facts)| (&**id, facts))
    }
}

impl<I: Into<Box<str>>> FromIterator<(I, ActionFacts)> for ActionsById {
    fn from_iter<T: IntoIterator<Item = (I, ActionFacts)>>(actions: T) -> ActionsById {
        let mut list: Vec<(Box<str>, ActionFacts)> = actions
            .into_iter()
            .map(|(id, facts)| (id.into(), facts))
            .collect();
        // Sorted stably, then the last of each id kept: what inserting into a map gives.
        list.sort_by(|a, b| a.0.cmp(&b.0));
        list.reverse();
        list.dedup_by(|later, earlier| later.0 == earlier.0);
        list.reverse();
        ActionsById(list.into_boxed_slice())
    }
}

// Written as a map, as the map this replaced was (the history cache keeps key facts).
impl serde::Serialize for ActionsById {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for ActionsById {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, ActionFacts>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
    }
}

impl KeyFacts {
    /// Whether this version was public (anything but a draft).
    pub fn is_published(&self) -> bool {
        self.status.is_some_and(Status::is_published)
    }

    /// The key facts of a report as checked now (the version the site is built from).
    pub fn of_incident(incident: &crate::model::Incident) -> KeyFacts {
        let cause = incident.root_cause.as_ref();
        KeyFacts {
            title: Some(incident.title.clone()),
            status: Some(incident.status),
            severity: Some(incident.severity),
            cause_status: cause.map(|c| c.status),
            cause_category: cause.map(|c| c.category),
            cause_trigger: cause.and_then(|c| c.trigger.clone()),
            users_affected: incident
                .impact
                .as_ref()
                .and_then(|i| i.users_affected.as_ref())
                .map(|u| u.estimate),
            resolved_at: incident.resolved_at,
            actions: incident
                .actions
                .iter()
                .map(|a| {
                    (
                        a.id.clone(),
                        ActionFacts {
                            due: a.due,
                            status: Some(a.status),
                        },
                    )
                })
                .collect(),
            change_note: incident.change_note.clone(),
        }
    }

    /// The key facts of a report's YAML tree.
    pub fn from_tree(root: &Node) -> KeyFacts {
        let text = |pointer: &str| root.find(pointer).and_then(scalar_text);
        let mut actions = Vec::new();
        if let Some(Node {
            value: NodeValue::Sequence(items),
            ..
        }) = root.find("/actions")
        {
            for item in items {
                let id = item.find("/id").and_then(scalar_text).unwrap_or_default();
                actions.push((
                    id,
                    ActionFacts {
                        due: item
                            .find("/due")
                            .and_then(scalar_text)
                            .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                        status: item
                            .find("/status")
                            .and_then(scalar_text)
                            .and_then(|s| ActionStatus::parse(&s)),
                    },
                ));
            }
        }
        KeyFacts {
            title: root
                .find("/title")
                .and_then(|n| serde_json::from_value::<Text>(n.to_json()).ok()),
            status: text("/status").and_then(|s| Status::parse(&s)),
            severity: text("/severity").and_then(|s| Severity::parse(&s)),
            cause_status: text("/root_cause/status").and_then(|s| CauseStatus::parse(&s)),
            cause_category: text("/root_cause/category").and_then(|s| CauseCategory::parse(&s)),
            cause_trigger: root
                .find("/root_cause/trigger")
                .and_then(|n| serde_json::from_value::<Text>(n.to_json()).ok()),
            users_affected: root.find("/impact/users_affected/estimate").and_then(|n| {
                match &n.value {
                    NodeValue::Number(number) => number.as_u64(),
                    _ => None,
                }
            }),
            resolved_at: text("/resolved_at").and_then(|t| DateTime::parse_from_rfc3339(&t).ok()),
            actions: actions.into_iter().collect(),
            change_note: root
                .find("/change_note")
                .and_then(|n| serde_json::from_value::<Text>(n.to_json()).ok()),
        }
    }
}

/// A scalar as text (`None` for maps, lists and null).
fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        NodeValue::String(s) => Some(s.clone()),
        NodeValue::Number(n) => Some(n.to_string()),
        NodeValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One key field that changed between two published versions, with its values before and
/// after (`None`: absent, or not readable in that version).
#[derive(Clone, Debug, PartialEq)]
pub enum FieldChange {
    /// `status`.
    Status(Option<Status>, Option<Status>),
    /// `severity`.
    Severity(Option<Severity>, Option<Severity>),
    /// `root_cause.status`.
    CauseStatus(Option<CauseStatus>, Option<CauseStatus>),
    /// `root_cause.category`.
    CauseCategory(Option<CauseCategory>, Option<CauseCategory>),
    /// `root_cause.trigger`.
    CauseTrigger(Option<Text>, Option<Text>),
    /// `impact.users_affected.estimate`.
    UsersAffected(Option<u64>, Option<u64>),
    /// `resolved_at`.
    ResolvedAt(Option<DateTime<FixedOffset>>, Option<DateTime<FixedOffset>>),
    /// An action was added: its id and due date.
    ActionAdded(String, Option<NaiveDate>),
    /// An action was removed from the report: its id and the due date it had.
    ActionRemoved(String, Option<NaiveDate>),
    /// An action's due date moved: its id, the date before and after.
    ActionRedated(String, Option<NaiveDate>, Option<NaiveDate>),
    /// An action's status changed: its id, the status before and after.
    ActionStatus(String, Option<ActionStatus>, Option<ActionStatus>),
}

/// The changes from `before` to `after`.
pub(crate) fn changes(before: &KeyFacts, after: &KeyFacts) -> Vec<FieldChange> {
    let mut list = Vec::new();
    if before.status != after.status {
        list.push(FieldChange::Status(before.status, after.status));
    }
    if before.severity != after.severity {
        list.push(FieldChange::Severity(before.severity, after.severity));
    }
    if before.cause_status != after.cause_status {
        list.push(FieldChange::CauseStatus(
            before.cause_status,
            after.cause_status,
        ));
    }
    if before.cause_category != after.cause_category {
        list.push(FieldChange::CauseCategory(
            before.cause_category,
            after.cause_category,
        ));
    }
    if before.cause_trigger != after.cause_trigger {
        list.push(FieldChange::CauseTrigger(
            before.cause_trigger.clone(),
            after.cause_trigger.clone(),
        ));
    }
    if before.users_affected != after.users_affected {
        list.push(FieldChange::UsersAffected(
            before.users_affected,
            after.users_affected,
        ));
    }
    if before.resolved_at != after.resolved_at {
        list.push(FieldChange::ResolvedAt(
            before.resolved_at,
            after.resolved_at,
        ));
    }
    for (id, now) in &after.actions {
        match before.actions.get(id) {
            None => list.push(FieldChange::ActionAdded(id.to_owned(), now.due)),
            Some(then) => {
                if then.due != now.due {
                    list.push(FieldChange::ActionRedated(id.to_owned(), then.due, now.due));
                }
                if then.status != now.status {
                    list.push(FieldChange::ActionStatus(
                        id.to_owned(),
                        then.status,
                        now.status,
                    ));
                }
            }
        }
    }
    for (id, then) in &before.actions {
        if !after.actions.contains_key(id) {
            list.push(FieldChange::ActionRemoved(id.to_owned(), then.due));
        }
    }
    list
}

/// Every report's revisions, by report id (the file stem), oldest first.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct History {
    revisions: HashMap<String, Vec<Revision>>,
    /// How many commits were walked.
    pub commits: usize,
}

impl History {
    /// When each report was first published and first final, by id: what
    /// [`publication_times`] finds in its own walk of the same commits.
    pub(crate) fn publication_times(&self) -> HashMap<String, PublicationTimes> {
        let mut times: HashMap<String, PublicationTimes> = HashMap::new();
        for (id, revisions) in &self.revisions {
            for revision in revisions {
                if let Some(status) = revision.declared {
                    times
                        .entry(id.clone())
                        .or_default()
                        .observe(status, revision.time);
                }
            }
        }
        times
    }

    /// The revisions of report `id`, oldest first.
    pub fn of(&self, id: &str) -> &[Revision] {
        self.revisions
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// A history of the given revisions per report id (oldest first), for tests and tools that
    /// have the revisions from elsewhere.
    pub fn from_revisions(revisions: HashMap<String, Vec<Revision>>) -> History {
        let commits = revisions.values().map(Vec::len).sum();
        History { revisions, commits }
    }

    /// Every report's revisions, by id.
    pub fn into_revisions(self) -> HashMap<String, Vec<Revision>> {
        self.revisions
    }

    /// A history of the given revisions per report id, found by walking `commits` commits.
    pub fn with_commits(revisions: HashMap<String, Vec<Revision>>, commits: usize) -> History {
        History { revisions, commits }
    }

    /// A history read back from a cache, made whole: each revision's abbreviated id computed
    /// from its commit. `None` if a commit is not a full commit id.
    pub(crate) fn restored(mut self) -> Option<History> {
        for revision in self.revisions.values_mut().flatten() {
            if revision.commit.len() != 40 {
                return None;
            }
            revision.short = source::short_id(Oid::from_str(&revision.commit).ok()?);
        }
        Some(self)
    }

    /// This history (read at a commit) followed by `later`, read from the commits after it.
    pub(crate) fn followed_by(mut self, later: History) -> History {
        for (id, revisions) in later.revisions {
            self.revisions.entry(id).or_default().extend(revisions);
        }
        self.commits += later.commits;
        self.shrink_to_fit();
        self
    }

    /// Drop the spare capacity of every report's list of revisions. A list grown one revision
    /// at a time has room for four, and most reports have one: at 100,000 reports that is
    /// tens of MiB, kept to the end of a build.
    fn shrink_to_fit(&mut self) {
        for revisions in self.revisions.values_mut() {
            revisions.shrink_to_fit();
        }
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

/// Every change to a report file on the history of a commit, before the changed versions are
/// read: the part of reading the history that only walks git's commits and trees, which a
/// build runs beside the check.
#[derive(Default)]
pub(crate) struct FileChanges {
    touches: Vec<Touch>,
    commits: usize,
}

impl FileChanges {
    /// Whether no report file changed.
    pub(crate) fn is_empty(&self) -> bool {
        self.touches.is_empty() && self.commits == 0
    }
}

/// Walk the history of `tree`'s commit and list every change to a report file.
pub(crate) fn file_changes(tree: &GitTree) -> anyhow::Result<FileChanges> {
    let (touches, commits, _) = walk(tree, None)?;
    Ok(FileChanges { touches, commits })
}

/// Whether `tree`'s commit is `since` or follows it in a line: a descendant with no merge on
/// the way, so the history read at `since` extends with the commits between
/// ([`changes_since`] reads them). Only the commits are read, not their trees.
pub(crate) fn follows_in_line(tree: &GitTree, since: Oid) -> anyhow::Result<bool> {
    if tree.commit() == since {
        return Ok(true);
    }
    let repo = Repository::open(tree.git_dir())?;
    if !repo.graph_descendant_of(tree.commit(), since)? {
        return Ok(false);
    }
    let mut walk = repo.revwalk()?;
    walk.push(tree.commit())?;
    walk.hide(since)?;
    for oid in walk {
        if repo.find_commit(oid?)?.parent_count() > 1 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The changes to report files in the commits after `since`, which `tree`'s commit follows in
/// a line (as [`follows_in_line`] found before: its commits are not looked at twice). A history
/// read at `since` followed by these is the history a full walk reads, in the same order.
/// `None` if a merge comes after `since` after all.
pub(crate) fn changes_since(tree: &GitTree, since: Oid) -> anyhow::Result<Option<FileChanges>> {
    let (touches, commits, merges) = walk(tree, Some(since))?;
    Ok((merges == 0).then_some(FileChanges { touches, commits }))
}

/// Read and parse the versions that `changes` lists into every report's revisions. `known`
/// holds the key facts of versions already parsed (the current files), by blob id, so they
/// are not read and parsed again; they are moved into the revisions.
pub(crate) fn read_changes(
    changes: FileChanges,
    tree: &GitTree,
    limits: &Limits,
    mut known: HashMap<Oid, KnownVersion>,
) -> anyhow::Result<History> {
    let FileChanges { touches, commits } = changes;

    let git_dir = tree.git_dir().to_path_buf();
    let chunk = touches
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(1);
    // A known version is moved to the first revision that has it; any other revision with the
    // same content (a revert, a copy) is read and parsed like the rest.
    let from_known: Vec<Option<KnownVersion>> = touches
        .iter()
        .map(|touch| touch.blob.and_then(|blob| known.remove(&blob)))
        .collect();
    let parsed: Vec<(Option<KeyFacts>, Option<Status>)> = touches
        .par_chunks(chunk)
        .zip(from_known.par_chunks(chunk))
        .flat_map_iter(|(chunk, known_chunk)| {
            let repo = Repository::open(&git_dir).ok();
            chunk
                .iter()
                .zip(known_chunk)
                .map(|(touch, known)| {
                    if known.is_some() {
                        return (None, None);
                    }
                    let read = || {
                        let odb = repo.as_ref()?.odb().ok()?;
                        let object = odb.read(touch.blob?).ok()?;
                        let loaded = load::load(object.data(), limits);
                        let declared = declared_status(object.data(), loaded.root.as_ref());
                        Some((loaded.root.as_ref().map(KeyFacts::from_tree), declared))
                    };
                    read().unwrap_or_default()
                })
                .collect::<Vec<_>>()
        })
        .collect();

    let mut revisions: HashMap<String, Vec<Revision>> = HashMap::new();
    for ((touch, known), (parsed, declared)) in touches.into_iter().zip(from_known).zip(parsed) {
        let (facts, declared) = match known {
            Some(known) => (Some(known.facts), known.declared),
            None => (parsed, declared),
        };
        // Most reports have one revision: room for one, not the four a first push makes.
        let list = revisions
            .entry(touch.id)
            .or_insert_with(|| Vec::with_capacity(1));
        list.push(Revision {
            short: source::short_id(touch.commit),
            commit: touch.commit.to_string(),
            time: touch.time,
            summary: touch.summary,
            facts,
            declared,
        });
    }
    let mut history = History { revisions, commits };
    history.shrink_to_fit();
    Ok(history)
}

/// Every change to a report file on the history of `tree`'s commit, oldest first, the number
/// of commits walked, and how many of them were merges. With `since`, commits reachable from
/// it are left out, so only what is new since an earlier walk is read.
fn walk(tree: &GitTree, since: Option<Oid>) -> anyhow::Result<(Vec<Touch>, usize, usize)> {
    let repo =
        Repository::open(tree.git_dir()).context("cannot open the repository for its history")?;
    let mut walk = repo.revwalk()?;
    walk.push(tree.commit())?;
    if let Some(since) = since {
        walk.hide(since)?;
    }
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)?;
    let mut touches: Vec<Touch> = Vec::new();
    let mut commits = 0;
    let mut merges = 0;
    let mut trees = TreeCache::default();
    for oid in walk {
        let oid = oid?;
        commits += 1;
        let commit = repo.find_commit(oid)?;
        if commit.parent_count() > 1 {
            // A merge brings in changes already seen on the merged branch.
            merges += 1;
            continue;
        }
        trees.next_commit();
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
        diff_trees(
            &repo,
            &mut trees,
            before,
            now,
            source::INCIDENTS_DIR,
            &mut changed,
        )?;
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
    Ok((touches, commits, merges))
}

/// When each report was first published and first final, by report id, from one walk of the
/// history of `tree`'s commit. With `earlier` (a commit on that history and the times found
/// up to it), only the commits since are read; first times only ever move earlier, so the
/// result is the same as a full walk.
pub(crate) fn publication_times(
    tree: &GitTree,
    limits: &Limits,
    earlier: Option<(Oid, HashMap<String, PublicationTimes>)>,
) -> anyhow::Result<HashMap<String, PublicationTimes>> {
    // Times read at an earlier commit only carry over when that commit is on this history.
    let earlier = earlier.filter(|(commit, _)| {
        Repository::open(tree.git_dir()).ok().is_some_and(|repo| {
            *commit == tree.commit()
                || repo
                    .graph_descendant_of(tree.commit(), *commit)
                    .unwrap_or(false)
        })
    });
    let (since, mut times) = match earlier {
        Some((commit, times)) => (Some(commit), times),
        None => (None, HashMap::new()),
    };
    let (touches, _, _) = walk(tree, since)?;
    let git_dir = tree.git_dir().to_path_buf();
    let chunk = touches
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(1);
    let statuses: Vec<Option<Status>> = touches
        .par_chunks(chunk)
        .flat_map_iter(|chunk| {
            let repo = Repository::open(&git_dir).ok();
            let odb = repo.as_ref().and_then(|r| r.odb().ok());
            chunk
                .iter()
                .map(|touch| {
                    let object = odb.as_ref()?.read(touch.blob?).ok()?;
                    status_of(object.data(), limits)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for (touch, status) in touches.iter().zip(statuses) {
        if let Some(status) = status {
            times
                .entry(touch.id.clone())
                .or_default()
                .observe(status, touch.time);
        }
    }
    Ok(times)
}

/// The `status` of a report version. Most files say it on one line at the start of a line
/// (`status: final`), which is read without parsing the whole file; anything unusual (quoted
/// or explicit keys, flow style, several candidates, tags, comments in odd places) is parsed
/// in full, so the answer is always the parser's.
pub(crate) fn status_of(bytes: &[u8], limits: &Limits) -> Option<Status> {
    quick_status(bytes).or_else(|| parsed_status(&load::load(bytes, limits).root?))
}

/// [`status_of`] for a version already loaded (`root` is `None` when it did not parse).
pub(crate) fn declared_status(bytes: &[u8], root: Option<&Node>) -> Option<Status> {
    quick_status(bytes).or_else(|| parsed_status(root?))
}

/// The `status` of a parsed version.
fn parsed_status(root: &Node) -> Option<Status> {
    match &root.find("/status")?.value {
        NodeValue::String(text) => Status::parse(text),
        _ => None,
    }
}

/// A version already parsed (a current file, read by the check): what the history needs of it.
#[derive(Debug, Default)]
pub(crate) struct KnownVersion {
    /// Its key facts.
    pub facts: KeyFacts,
    /// The status it declares ([`declared_status`]).
    pub declared: Option<Status>,
}

/// The status from the one line `status: <word>` of a block-style file, or `None` when the
/// file is not plainly of that shape.
fn quick_status(bytes: &[u8]) -> Option<Status> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut found = None;
    let mut first_content = true;
    // Just after the status line: an indented line there continues its value (`status: final`
    // then `  for now` is the text "final for now", no status), so the parser decides.
    let mut after_status = false;
    for line in load::lines(text) {
        let trimmed = line.trim_start();
        if after_status && !trimmed.is_empty() && trimmed.len() != line.len() {
            return None;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        after_status = false;
        if first_content {
            first_content = false;
            if line.starts_with(['{', '[', '%', '-', '?', '"', '\'', '&', '!', '|', '>']) {
                return None;
            }
        }
        if line.starts_with(['"', '\'', '?', '{', '['])
            || line.starts_with("---")
            || line.starts_with("...")
        {
            return None;
        }
        if let Some(rest) = line.strip_prefix("status:") {
            if found.is_some() {
                return None;
            }
            let value = rest.split(" #").next().unwrap_or_default().trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            found = Some(Status::parse(value)?);
            after_status = true;
        }
    }
    found
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
fn diff_trees<'repo>(
    repo: &'repo Repository,
    trees: &mut TreeCache<'repo>,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &str,
    changed: &mut Vec<(String, Option<Oid>)>,
) -> anyhow::Result<()> {
    if old == new {
        return Ok(());
    }
    let old_tree = old.map(|oid| trees.find(repo, oid)).transpose()?;
    let new_tree = new.map(|oid| trees.find(repo, oid)).transpose()?;
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
            diff_trees(repo, trees, old_tree, new_tree, &path, changed)?;
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

/// The folders read for the commit just walked, kept for the next one. Walking oldest first,
/// a commit's parent is nearly always the commit before it, whose folders were just read: a
/// year's folder of a large repository holds thousands of entries, and git's own cache keeps
/// no tree that large, so without this each changed folder was read and parsed twice.
#[derive(Default)]
struct TreeCache<'repo> {
    previous: HashMap<Oid, git2::Tree<'repo>>,
    current: HashMap<Oid, git2::Tree<'repo>>,
}

impl<'repo> TreeCache<'repo> {
    /// Forget what the commit before the last one read.
    fn next_commit(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }

    /// The tree `oid`, from the last two commits' folders or read from the repository.
    fn find(
        &mut self,
        repo: &'repo Repository,
        oid: Oid,
    ) -> Result<git2::Tree<'repo>, git2::Error> {
        let tree = match self.previous.get(&oid).or_else(|| self.current.get(&oid)) {
            Some(tree) => tree.clone(),
            None => repo.find_tree(oid)?,
        };
        self.current.insert(oid, tree.clone());
        Ok(tree)
    }
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
pub(crate) fn published(revisions: Vec<Revision>) -> PublishedHistory {
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
    name_clashing_revisions_in_full(&mut history);
    history
}

/// Give each published revision of a report a name of its own. Each has a permanent page
/// named by its short id, and two commits may share the first 7 hex digits (in a long
/// history, now and then): both are then named by their full id, so that neither page takes
/// the other's place.
fn name_clashing_revisions_in_full(history: &mut PublishedHistory) {
    let mut revisions: Vec<&mut Revision> = history
        .first_published
        .iter_mut()
        .chain(history.amendments.iter_mut().map(|(revision, _)| revision))
        .collect();
    let mut uses: HashMap<String, usize> = HashMap::new();
    for revision in &revisions {
        *uses.entry(revision.short.clone()).or_default() += 1;
    }
    for revision in &mut revisions {
        if uses[&revision.short] > 1 {
            revision.short = revision.commit.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        status: Status,
        severity: Severity,
        actions: &[(&str, &str, ActionStatus)],
    ) -> KeyFacts {
        KeyFacts {
            status: Some(status),
            severity: Some(severity),
            actions: actions
                .iter()
                .map(|(id, due, st)| {
                    (
                        *id,
                        ActionFacts {
                            due: NaiveDate::parse_from_str(due, "%Y-%m-%d").ok(),
                            status: Some(*st),
                        },
                    )
                })
                .collect(),
            ..KeyFacts::default()
        }
    }

    fn date(text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    }

    #[test]
    fn revisions_whose_short_ids_clash_are_named_in_full() {
        let revision = |commit: &str, facts: KeyFacts| Revision {
            commit: commit.to_owned(),
            short: commit[..7].to_owned(),
            time: DateTime::parse_from_rfc3339("2026-10-06T09:00:00+02:00").unwrap(),
            summary: String::new(),
            facts: Some(facts),
            declared: None,
        };
        let preliminary = facts(Status::Preliminary, Severity::Major, &[]);
        let clash_one = format!("abcdef1{}", "0".repeat(33));
        let clash_two = format!("abcdef1{}", "1".repeat(33));
        let alone = format!("1234567{}", "2".repeat(33));
        let history = published(vec![
            revision(&clash_one, preliminary),
            revision(&alone, facts(Status::Final, Severity::Major, &[])),
            revision(&clash_two, facts(Status::Final, Severity::Critical, &[])),
        ]);
        let names: Vec<&str> = history
            .first_published
            .iter()
            .chain(history.amendments.iter().map(|(r, _)| r))
            .map(|r| r.short.as_str())
            .collect();
        assert_eq!(names, [clash_one.as_str(), "1234567", clash_two.as_str()]);
    }

    #[test]
    fn actions_by_id_behave_as_the_map_they_replace() {
        let facts = |day: u32| ActionFacts {
            due: NaiveDate::from_ymd_opt(2026, 1, day),
            status: Some(ActionStatus::Planned),
        };
        let written = [
            ("A2", facts(1)),
            ("A10", facts(2)),
            ("A1", facts(3)),
            ("A2", facts(4)),
        ];
        let actions: ActionsById = written.iter().cloned().collect();
        let map: BTreeMap<&str, ActionFacts> = written.iter().cloned().collect();
        // Sorted by id, the later of two entries with one id kept, as in the map.
        assert_eq!(
            actions.iter().collect::<Vec<_>>(),
            map.iter().map(|(id, f)| (*id, f)).collect::<Vec<_>>()
        );
        assert_eq!(actions.get("A2"), Some(&facts(4)));
        assert_eq!(actions.get("A3"), None);
        assert!(actions.contains_key("A10") && !actions.contains_key(""));
        // Written and read as the map was: the history cache keeps them.
        let json = serde_json::to_string(&actions).unwrap();
        assert_eq!(json, serde_json::to_string(&map).unwrap());
        assert_eq!(serde_json::from_str::<ActionsById>(&json).unwrap(), actions);
        assert_eq!(ActionsById::default().iter().count(), 0);
    }

    #[test]
    fn changes_name_fields_and_actions() {
        use ActionStatus::*;
        let before = facts(
            Status::Preliminary,
            Severity::Minor,
            &[("A1", "2026-01-01", Planned), ("A2", "2026-02-01", Planned)],
        );
        let after = facts(
            Status::Final,
            Severity::Critical,
            &[("A1", "2026-06-01", Done), ("A3", "2026-09-01", Planned)],
        );
        assert_eq!(
            changes(&before, &after),
            [
                FieldChange::Status(Some(Status::Preliminary), Some(Status::Final)),
                FieldChange::Severity(Some(Severity::Minor), Some(Severity::Critical)),
                FieldChange::ActionRedated("A1".into(), date("2026-01-01"), date("2026-06-01")),
                FieldChange::ActionStatus("A1".into(), Some(Planned), Some(Done)),
                FieldChange::ActionAdded("A3".into(), date("2026-09-01")),
                FieldChange::ActionRemoved("A2".into(), date("2026-02-01")),
            ]
        );
    }

    #[test]
    fn status_is_read_quickly_when_plain_and_parsed_otherwise() {
        let limits = Limits::default();
        let status = |text: &str| status_of(text.as_bytes(), &limits);
        assert_eq!(
            quick_status(b"schema: 1\nstatus: final\n"),
            Some(Status::Final)
        );
        assert_eq!(
            quick_status(b"status: 'draft'  # not yet\n"),
            Some(Status::Draft)
        );
        assert_eq!(
            quick_status(b"status: \"preliminary\"\r\n"),
            Some(Status::Preliminary)
        );
        // Unusual shapes go to the parser, which has the last word.
        for unusual in [
            "{status: final}",
            "\"status\": final\n",
            "summary: \"a\nstatus: final\n\"\nstatus: draft\n",
            "status: !!str final\n",
            "status : final\n",
            "status: final\n  for now\n",
            "status: final\n\n  for now\n",
            "status: final\n# note\n  for now\n",
            "status: final\n\t for now\n",
        ] {
            assert_eq!(quick_status(unusual.as_bytes()), None, "{unusual}");
        }
        assert_eq!(status("{status: final}"), Some(Status::Final));
        assert_eq!(
            status("\"status\": preliminary\n"),
            Some(Status::Preliminary)
        );
        // Not valid YAML (a quoted text continues at column 1): no status at all, never "final".
        assert_eq!(
            status("summary: \"a\nstatus: final\n\"\nstatus: draft\n"),
            None
        );
        assert_eq!(status("status: !!str final\n"), Some(Status::Final));
        assert_eq!(status("status: finished\n"), None);
        // A value continued on the next line is the whole text, which is no status.
        assert_eq!(
            status("schema: 1\nstatus: final\n  for now\nseverity: major\n"),
            None
        );
        assert_eq!(status("status: final\n\n  for now\n"), None);
        // An indented line after the next key is that key's, not the status's.
        assert_eq!(
            quick_status(b"status: final\nservices:\n  - eid\n"),
            Some(Status::Final)
        );
    }

    /// Every file of up to four lines from a set of awkward ones, and longer ones picked by a
    /// fixed sequence: whenever the quick read finds a status in a file the parser reads
    /// without a problem, the parser finds the same status.
    #[test]
    fn the_quick_status_read_agrees_with_the_parser() {
        const LINES: [&str; 18] = [
            "status: final",
            "status: draft # not yet",
            "status: 'preliminary'",
            "  for now",
            "",
            "# a note",
            "  # an indented note",
            "severity: major",
            "services:",
            "  - eid",
            "summary: |",
            "  status: draft",
            "title: \"a",
            "status: final\"",
            "\tindented by a tab",
            "---",
            "status:",
            "  final",
        ];
        let limits = Limits::default();
        let mut agreed = 0;
        let mut check = |lines: &[usize]| {
            let text: String = lines.iter().map(|&i| format!("{}\n", LINES[i])).collect();
            let Some(quick) = quick_status(text.as_bytes()) else {
                return;
            };
            let loaded = load::load(text.as_bytes(), &limits);
            if !loaded.problems.is_empty() {
                return; // a version that does not parse: the quick read is all there is
            }
            let parsed = loaded.root.as_ref().and_then(parsed_status);
            assert_eq!(parsed, Some(quick), "{text:?}");
            agreed += 1;
        };
        let n = LINES.len();
        for a in 0..n {
            check(&[a]);
            for b in 0..n {
                check(&[a, b]);
                for c in 0..n {
                    check(&[a, b, c]);
                }
            }
        }
        // Longer files, from a fixed linear congruential sequence.
        let mut state: u64 = 7;
        for _ in 0..20_000 {
            let mut lines = Vec::new();
            for _ in 0..6 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                lines.push((state >> 33) as usize % n);
            }
            check(&lines);
        }
        assert!(agreed > 300, "only {agreed} files had a status both ways");
    }

    #[test]
    fn old_revisions_are_read_leniently() {
        let loaded = load::load(
            b"status: finished\nseverity: major\nresolved_at: yesterday\nactions: [{id: A1, due: soon, status: done}]\n",
            &Limits::default(),
        );
        let facts = KeyFacts::from_tree(&loaded.root.unwrap());
        assert_eq!(facts.status, None);
        assert_eq!(facts.severity, Some(Severity::Major));
        assert_eq!(facts.resolved_at, None);
        assert_eq!(
            facts.actions.get("A1"),
            Some(&ActionFacts {
                due: None,
                status: Some(ActionStatus::Done)
            })
        );
        assert!(!facts.is_published());
    }
}
