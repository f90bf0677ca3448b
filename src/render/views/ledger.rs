//! The actions ledger: every promised action across all published reports, grouped by where
//! it stands, on an overview page and one page per year of due dates.

use std::collections::BTreeMap;
use std::ops::Range;

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

/// One promised action: its report's place in the model and its own place in the report.
/// The ledger holds one for every action of every published report (over a million at
/// 100,000 reports), so it holds these eight bytes rather than references.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ActionAt {
    report: u32,
    action: u32,
}

/// One promised action with what the ledger shows of it.
struct ActionRef<'a> {
    incident: &'a Incident,
    action: &'a Action,
    record: &'a ActionRecord,
}

impl ActionRef<'_> {
    /// The group it is shown in: `overdue`, or its status.
    fn state(&self) -> &'static str {
        if self.record.days_overdue.is_some() {
            "overdue"
        } else {
            self.action.status.as_str()
        }
    }
}

/// The ledger's groups in their fixed order.
const GROUPS: [&str; 5] = ["overdue", "in-progress", "planned", "done", "dropped"];

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
    model: &'a Model<'a>,
    /// Every action, by due date (undated first), report id and action id.
    order: Vec<ActionAt>,
    /// The part of `order` due in each year ("undated" for none): a year's actions are
    /// together in it, as it is ordered by date.
    by_year: BTreeMap<String, Range<usize>>,
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
        let mut ledger = Ledger {
            model,
            order: Vec::new(),
            by_year: BTreeMap::new(),
        };
        let total = model.reports.iter().map(|r| r.actions.len()).sum();
        let mut order = Vec::with_capacity(total);
        for (report, model_report) in model.reports.iter().enumerate() {
            let actions = model_report
                .incident()
                .actions
                .len()
                .min(model_report.actions.len());
            // No site has four billion reports, nor a report four billion actions.
            let (Ok(report), Ok(actions)) = (u32::try_from(report), u32::try_from(actions)) else {
                continue;
            };
            order.extend((0..actions).map(|action| ActionAt { report, action }));
        }
        // The place of writing last makes the order total, so the unstable sort (which needs
        // no buffer of its own) gives the order a stable sort of the actions as read would.
        order.sort_unstable_by(|a, b| {
            let (a_ref, b_ref) = (ledger.action(*a), ledger.action(*b));
            a_ref
                .action
                .due
                .cmp(&b_ref.action.due)
                .then_with(|| a_ref.incident.id.cmp(&b_ref.incident.id))
                .then_with(|| a_ref.action.id.cmp(&b_ref.action.id))
                .then_with(|| a.cmp(b))
        });
        let mut start = 0;
        while start < order.len() {
            let year = due_year(ledger.action(order[start]).action);
            let end = start
                + order[start..]
                    .iter()
                    .take_while(|at| due_year(ledger.action(**at).action) == year)
                    .count();
            ledger.by_year.insert(year, start..end);
            start = end;
        }
        ledger.order = order;
        ledger
    }

    /// The action at `at`.
    fn action(&self, at: ActionAt) -> ActionRef<'a> {
        let report = &self.model.reports[at.report as usize];
        let incident = report.incident();
        ActionRef {
            incident,
            action: &incident.actions[at.action as usize],
            record: &report.actions[at.action as usize],
        }
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

    /// The actions in the scope of pages of `year` (`None`: the overview, every action) by
    /// group. Each year's pages share one: compute it once for them all.
    pub(crate) fn grouped(&self, year: Option<&str>) -> Grouped {
        let actions = match year {
            None => &self.order[..],
            Some(year) => self.year(year),
        };
        let mut grouped = Grouped {
            year: year.map(str::to_owned),
            members: Default::default(),
        };
        for (members, key) in grouped.members.iter_mut().zip(GROUPS) {
            *members = actions
                .iter()
                .copied()
                .filter(|at| self.action(*at).state() == key)
                .collect();
            // The most recent promises first for kept and dropped ones, the most urgent
            // first otherwise.
            if matches!(key, "done" | "dropped") {
                members.reverse();
            }
        }
        grouped
    }

    /// What `page` shows, before any of its text is made; `grouped` is
    /// [`Ledger::grouped`] of its year.
    pub(crate) fn shown(&self, page: &LedgerPage, grouped: &Grouped) -> Shown {
        let total = grouped.members.iter().map(Vec::len).sum();
        let window = page.page.window(ACTIONS_PER_PAGE, total);
        let mut before = 0;
        let mut shown = Shown {
            totals: [0; GROUPS.len()],
            actions: Default::default(),
        };
        for (index, members) in grouped.members.iter().enumerate() {
            shown.totals[index] = members.len();
            shown.actions[index] = match page.year {
                // The overview shows the first of each group.
                None => members.iter().take(LIST_LIMIT).copied().collect(),
                // A year's page shows its window of the groups one after the other.
                Some(_) => {
                    let group = before..before + members.len();
                    let from = window.start.clamp(group.start, group.end) - before;
                    let to = window.end.clamp(group.start, group.end) - before;
                    members[from..to].to_vec()
                }
            };
            before += members.len();
        }
        shown
    }

    /// The actions due in `year` ("undated" for none), in ledger order.
    fn year(&self, year: &str) -> &[ActionAt] {
        self.by_year
            .get(year)
            .map(|range| &self.order[range.clone()])
            .unwrap_or_default()
    }

    /// What `page`'s view is made of besides the actions `shown` lists, for its key: its
    /// place among the year's pages, and on the overview the count of every year.
    pub(crate) fn page_figures(&self, page: &LedgerPage, shown: &Shown) -> impl std::fmt::Debug {
        let years: Vec<(&String, usize)> = match page.year {
            None => self.by_year.iter().map(|(y, r)| (y, r.len())).collect(),
            Some(_) => Vec::new(),
        };
        (&page.year, page.page.clone(), shown.totals, years)
    }

    /// The view of one page, of which `shown` is [`Ledger::shown`].
    pub(crate) fn view(&self, page: &LedgerPage, shown: &Shown, l: &Localizer<'_>) -> LedgerView {
        let year_name = |year: &str| {
            if year == "undated" {
                l.t("ledger.undated")
            } else {
                year.to_owned()
            }
        };
        match &page.year {
            None => LedgerView {
                year: None,
                groups: self.group_views(shown, l, ""),
                total: self.order.len(),
                total_text: l.strings.count("ledger.total", self.order.len()),
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
            },
            Some(year) => {
                let total = self.year(year).len();
                let at = &page.page;
                let shown_places = at.window(ACTIONS_PER_PAGE, total);
                let mut groups = self.group_views(shown, l, "../");
                // Where each group's actions fall, in the order the groups are shown.
                let mut start = 0;
                for group in &mut groups {
                    group.elsewhere = at.elsewhere(start, group.total, ACTIONS_PER_PAGE);
                    start += group.total;
                }
                LedgerView {
                    year: Some(year_name(year)),
                    total,
                    total_text: l.strings.count("ledger.total", total),
                    groups,
                    years: Vec::new(),
                    pager: at.pager(),
                    page_text: at.text(l, "ledger.page", &shown_places, total),
                }
            }
        }
    }

    /// The groups' views of what a page shows.
    fn group_views(&self, shown: &Shown, l: &Localizer<'_>, lang_root: &str) -> Vec<LedgerGroup> {
        GROUPS
            .into_iter()
            .zip(shown.totals)
            .zip(&shown.actions)
            .map(|((key, total), actions)| LedgerGroup {
                key: key.to_owned(),
                heading: l.t(&format!("ledger.{key}")),
                total,
                elsewhere: Vec::new(),
                actions: actions
                    .iter()
                    .map(|at| {
                        let r = self.action(*at);
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
            })
            .collect()
    }
}

/// The actions in the scope of a year's pages (or the overview's), by group in the fixed
/// order, each in the order shown.
pub(crate) struct Grouped {
    /// The year (`None`: the overview).
    year: Option<String>,
    members: [Vec<ActionAt>; GROUPS.len()],
}

impl Grouped {
    /// Whether these are the actions of `page`'s scope.
    pub(crate) fn is_for(&self, page: &LedgerPage) -> bool {
        self.year == page.year
    }
}

/// What one page of the ledger shows, before any text is made: how many actions each group
/// holds in the page's scope, and which of them the page shows.
pub(crate) struct Shown {
    /// Per group, in the fixed order: the actions in the page's scope.
    totals: [usize; GROUPS.len()],
    /// Per group: the actions shown, in the order shown.
    actions: [Vec<ActionAt>; GROUPS.len()],
}

impl Shown {
    /// The actions shown, each as the place of its report in the model and its own place in
    /// the report.
    pub(crate) fn actions(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.actions
            .iter()
            .flatten()
            .map(|at| (at.report as usize, at.action as usize))
    }
}
