//! What became of a report after it was first published: each promised action's original due
//! date and how often it was postponed, and the key facts that changed since (a severity
//! lowered, fewer people counted, another cause, an action dropped or re-dated).
//!
//! "Published" versions are those the public could read: the first published revision, every
//! later published revision, and the version the site is built from.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::history::KeyFacts;
use crate::model::{ActionStatus, CauseCategory, Severity};

/// The due-date history of one promised action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PromiseHistory {
    /// The due date in the first published version that held the action.
    pub original_due: Option<NaiveDate>,
    /// How many times a published version moved the due date later than the one before.
    pub postponements: u32,
}

/// A key fact that changed after the report was first published, in a direction readers should
/// know about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LaterChange {
    /// The declared severity is lower than when first published.
    SeverityLowered {
        /// As first published.
        from: Severity,
        /// Now.
        to: Severity,
    },
    /// Fewer people are counted as affected than when first published.
    UsersRevisedDown {
        /// As first published.
        from: u64,
        /// Now.
        to: u64,
    },
    /// The root cause category is not the one first published.
    CauseCategoryChanged {
        /// As first published.
        from: CauseCategory,
        /// Now.
        to: CauseCategory,
    },
    /// An action promised in a published version is now dropped.
    ActionDropped {
        /// The action's id.
        id: String,
    },
    /// An action promised in a published version is no longer in the report.
    ActionRemoved {
        /// The action's id.
        id: String,
    },
    /// An action's due date is not the one it was first promised with.
    ActionRedated {
        /// The action's id.
        id: String,
        /// The original due date.
        from: Option<NaiveDate>,
        /// The due date now.
        to: Option<NaiveDate>,
    },
}

/// Each action's due-date history over the published versions, oldest first (the current
/// version last).
pub(super) fn promise_histories(published: &[&KeyFacts]) -> HashMap<String, PromiseHistory> {
    let mut histories: HashMap<String, PromiseHistory> = HashMap::new();
    let mut last_due: HashMap<&str, Option<NaiveDate>> = HashMap::new();
    for facts in published {
        for (id, action) in &facts.actions {
            match last_due.get(id) {
                None => {
                    histories.insert(
                        id.to_owned(),
                        PromiseHistory {
                            original_due: action.due,
                            postponements: 0,
                        },
                    );
                }
                Some(previous) => {
                    let later = match (previous, action.due) {
                        (Some(previous), Some(now)) => now > *previous,
                        // A due date removed is a promise put off without a date.
                        (Some(_), None) => true,
                        _ => false,
                    };
                    if later && let Some(history) = histories.get_mut(id) {
                        history.postponements += 1;
                    }
                }
            }
            last_due.insert(id, action.due);
        }
    }
    histories
}

/// What changed between the first published version and the current one.
pub(super) fn later_changes(
    first: &KeyFacts,
    current: &KeyFacts,
    histories: &HashMap<String, PromiseHistory>,
) -> Vec<LaterChange> {
    let mut changes = Vec::new();
    if let (Some(from), Some(to)) = (first.severity, current.severity)
        && to < from
    {
        changes.push(LaterChange::SeverityLowered { from, to });
    }
    if let (Some(from), Some(to)) = (first.users_affected, current.users_affected)
        && to < from
    {
        changes.push(LaterChange::UsersRevisedDown { from, to });
    }
    if let (Some(from), Some(to)) = (first.cause_category, current.cause_category)
        && from != to
    {
        changes.push(LaterChange::CauseCategoryChanged { from, to });
    }
    for (id, history) in sorted(histories) {
        match current.actions.get(id) {
            None => changes.push(LaterChange::ActionRemoved { id: id.clone() }),
            Some(now) => {
                if now.status == Some(ActionStatus::Dropped) {
                    changes.push(LaterChange::ActionDropped { id: id.clone() });
                }
                if now.due != history.original_due {
                    changes.push(LaterChange::ActionRedated {
                        id: id.clone(),
                        from: history.original_due,
                        to: now.due,
                    });
                }
            }
        }
    }
    changes
}

/// Entries in id order, so pages and open data list them the same way every build.
fn sorted(histories: &HashMap<String, PromiseHistory>) -> Vec<(&String, &PromiseHistory)> {
    let mut entries: Vec<_> = histories.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// Whether an action was done by the date it was first promised for: `Some(false)` when it was
/// done later, dropped, or is still open after that date; `None` while it still can be.
pub(super) fn kept_by_original_due(
    status: ActionStatus,
    done_on: Option<NaiveDate>,
    original_due: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<bool> {
    let due = original_due?;
    match status {
        ActionStatus::Done => done_on.map(|done| done <= due),
        ActionStatus::Dropped => Some(false),
        _ if due < today => Some(false),
        _ => None,
    }
}
