//! The actions ledger: every promised action across all published reports, grouped by where
//! it stands, on an overview page and one page per year of due dates.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Serialize;

use super::{
    ACTIONS_PER_PAGE, ActionView, LIST_LIMIT, Localizer, NamedLink, PageOf, PagerLink, ReportLink,
    action_view, page_file, paths,
};
use crate::model::{Action, Incident};
use crate::site::{ActionRecord, Model};

/// The actions ledger (or one year of it).
#[derive(Debug, Serialize)]
pub(crate) struct LedgerView {
    /// The year this page covers (`None` for the overview; `undated` for actions without a due date).
    pub year: Option<String>,
    /// Groups in a fixed order: overdue, in progress, planned, done, dropped.
    pub groups: Vec<LedgerGroup>,
    /// Total actions on this page's scope.
    pub total: usize,
    /// "12 actions in all."
    pub total_text: String,
    /// Pages by year of the due date.
    pub years: Vec<NamedLink>,
    /// A year with many actions is split into pages: links to each (empty with one page).
    pub pager: Vec<PagerLink>,
    /// "Page 2 of 5: actions 501-1,000 of 4,312." (empty with one page).
    pub page_text: String,
}

/// One group of the ledger.
#[derive(Debug, Serialize)]
pub(crate) struct LedgerGroup {
    /// Key (`overdue`, `in-progress`, ...).
    pub key: String,
    /// Heading.
    pub heading: String,
    /// Actions shown.
    pub actions: Vec<ActionView>,
    /// Actions in the group, shown or not.
    pub total: usize,
    /// On a year's page, the other pages that hold actions of this group.
    pub elsewhere: Vec<PagerLink>,
}

/// One promised action with what the ledger needs to sort and group it.
struct ActionRef<'a> {
    incident: &'a Incident,
    action: &'a Action,
    record: &'a ActionRecord,
    state: &'static str,
}

fn action_refs<'a>(model: &'a Model<'a>) -> Vec<ActionRef<'a>> {
    let mut refs = Vec::new();
    for report in &model.reports {
        let incident = report.incident();
        for (action, record) in incident.actions.iter().zip(&report.actions) {
            let state = if record.days_overdue.is_some() {
                "overdue"
            } else {
                action.status.as_str()
            };
            refs.push(ActionRef {
                incident,
                action,
                record,
                state,
            });
        }
    }
    refs.sort_by(|a, b| {
        a.action
            .due
            .cmp(&b.action.due)
            .then_with(|| a.incident.id.cmp(&b.incident.id))
            .then_with(|| a.action.id.cmp(&b.action.id))
    });
    refs
}

/// The ledger's groups in their fixed order, each with its actions in the order shown: the
/// most recent promises first for kept and dropped ones, the most urgent first otherwise.
fn grouped<'r, 'a>(refs: &[&'r ActionRef<'a>]) -> Vec<(&'static str, Vec<&'r ActionRef<'a>>)> {
    ["overdue", "in-progress", "planned", "done", "dropped"]
        .into_iter()
        .map(|key| {
            let mut members: Vec<&ActionRef<'_>> =
                refs.iter().copied().filter(|r| r.state == key).collect();
            if matches!(key, "done" | "dropped") {
                members.reverse();
            }
            (key, members)
        })
        .collect()
}

/// The groups of `refs`, each showing the members for which `shown` (given the member's
/// place in the group and in the whole ordered list) is true.
fn ledger_groups(
    refs: &[&ActionRef<'_>],
    l: &Localizer<'_>,
    lang_root: &str,
    shown: impl Fn(usize, usize) -> bool,
) -> Vec<LedgerGroup> {
    let mut before = 0;
    grouped(refs)
        .into_iter()
        .map(|(key, members)| {
            let start = before;
            before += members.len();
            LedgerGroup {
                key: key.to_owned(),
                heading: l.t(&format!("ledger.{key}")),
                total: members.len(),
                elsewhere: Vec::new(),
                actions: members
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| shown(*index, start + index))
                    .map(|(_, r)| {
                        action_view(
                            r.action,
                            r.record,
                            &r.incident.language,
                            l,
                            Some(ReportLink {
                                title: l.text(&r.incident.title, &r.incident.language),
                                href: format!("{lang_root}{}", paths::report(&r.incident.id)),
                            }),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The key of a due date's year page: the year, or `undated`.
fn due_year(action: &Action) -> String {
    action
        .due
        .map(|d| d.year().to_string())
        .unwrap_or_else(|| "undated".to_owned())
}

/// The actions ledger: an overview page and one page per year of due dates. Each page's view
/// is built only when that page is rendered, so the ledger never holds every action's
/// rendered text at once.
pub(crate) struct Ledger<'a> {
    refs: Vec<ActionRef<'a>>,
    /// Indexes into `refs` by year of the due date ("undated" for none), in order.
    by_year: BTreeMap<String, Vec<usize>>,
}

/// One page of the ledger: where it goes, and which year it covers (`None`: the overview).
pub(crate) struct LedgerPage {
    /// Path under the language folder.
    pub path: String,
    /// The year of due dates, or `None` for the overview.
    pub year: Option<String>,
    /// Which of the year's pages this is (the overview is one page).
    pub page: PageOf,
}

impl<'a> Ledger<'a> {
    /// Every action of the published reports, grouped by year.
    pub(crate) fn new(model: &'a Model<'a>) -> Ledger<'a> {
        let refs = action_refs(model);
        let mut by_year: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, action) in refs.iter().enumerate() {
            by_year
                .entry(due_year(action.action))
                .or_default()
                .push(index);
        }
        Ledger { refs, by_year }
    }

    /// The pages, the overview first.
    pub(crate) fn pages(&self) -> Vec<LedgerPage> {
        let mut pages = vec![LedgerPage {
            path: "actions.html".into(),
            year: None,
            page: PageOf {
                stem: "actions".into(),
                number: 1,
                pages: 1,
            },
        }];
        for (year, actions) in &self.by_year {
            let count = PageOf::count(actions.len(), ACTIONS_PER_PAGE);
            pages.extend((1..=count).map(|number| LedgerPage {
                path: format!("actions/{}", page_file(year, number)),
                year: Some(year.clone()),
                page: PageOf {
                    stem: year.clone(),
                    number,
                    pages: count,
                },
            }));
        }
        pages
    }

    /// The view of one page.
    pub(crate) fn view(&self, page: &LedgerPage, l: &Localizer<'_>) -> LedgerView {
        let year_name = |year: &str| {
            if year == "undated" {
                l.t("ledger.undated")
            } else {
                year.to_owned()
            }
        };
        match &page.year {
            None => {
                let all: Vec<&ActionRef<'_>> = self.refs.iter().collect();
                LedgerView {
                    year: None,
                    groups: ledger_groups(&all, l, "", |in_group, _| in_group < LIST_LIMIT),
                    total: self.refs.len(),
                    total_text: l.strings.count("ledger.total", self.refs.len()),
                    years: self
                        .by_year
                        .iter()
                        .rev()
                        .map(|(year, actions)| NamedLink {
                            name: year_name(year),
                            href: format!("actions/{year}.html"),
                            count: actions.len(),
                        })
                        .collect(),
                    pager: Vec::new(),
                    page_text: String::new(),
                }
            }
            Some(year) => {
                let actions: Vec<&ActionRef<'_>> = self
                    .by_year
                    .get(year)
                    .map(|indexes| indexes.iter().map(|&i| &self.refs[i]).collect())
                    .unwrap_or_default();
                let at = &page.page;
                let shown = at.window(ACTIONS_PER_PAGE, actions.len());
                let mut groups =
                    ledger_groups(&actions, l, "../", |_, place| shown.contains(&place));
                // Where each group's actions fall, in the order the groups are shown.
                let mut start = 0;
                for group in &mut groups {
                    group.elsewhere = at.elsewhere(start, group.total, ACTIONS_PER_PAGE);
                    start += group.total;
                }
                LedgerView {
                    year: Some(year_name(year)),
                    total: actions.len(),
                    total_text: l.strings.count("ledger.total", actions.len()),
                    groups,
                    years: Vec::new(),
                    pager: at.pager(),
                    page_text: at.text(l, "ledger.page", &shown, actions.len()),
                }
            }
        }
    }
}
