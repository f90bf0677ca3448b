//! The keys of a report's pages computed from what they are rendered from, before anything is
//! rendered: an incremental build keeps an unchanged report's pages without reading the report
//! back or computing its views. The pages that list reports or their actions (a year of the
//! ledger, an organisation's year, a service) are keyed by the keys of the reports they show
//! ([`Keys::listing`]), and so are a report's entries in the open data and the search index.
//!
//! A page's key names everything its file is rendered from. Other pages hash their view; a
//! report's pages hash their inputs instead: the site's part (the program, templates and
//! strings, the configuration, "now", whether a working tree is previewed, how many of a
//! national site's sources failed) and the report's part (the report as kept, the blob its
//! prose is read back from, and every figure the model derived for it). Both are written out
//! field by field, so a field added to a report, to what the model derives for it or to the
//! model itself cannot be left out: the destructuring stops compiling. The permanent page of a
//! revision is keyed by the revision and the little it shows of the report, and not by "now":
//! it stays the same from one day to the next.

use std::fmt::Write as _;

use sha2::{Digest as _, Sha256};

use crate::check::CheckedReport;
use crate::history::Revision;
use crate::publish::PageKey;
use crate::site::{Model, Report};

/// Hashes what is formatted into it.
struct Hashing(Sha256);

impl std::fmt::Write for Hashing {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.0.update(text.as_bytes());
        Ok(())
    }
}

/// What every report page is rendered from besides its report: the program, templates and
/// strings (`fingerprint`), and what the pages read of the model
/// ([`Model::report_page_inputs`]); "now" only for a report's current page (`current`), not
/// for the permanent pages of its revisions (`permanent`), which do not say how things stand
/// today.
pub(super) struct SiteKeys {
    current: PageKey,
    permanent: PageKey,
}

impl SiteKeys {
    pub(super) fn new(model: &Model<'_>, fingerprint: &PageKey) -> SiteKeys {
        let inputs = model.report_page_inputs();
        let site = |inputs: &crate::site::ReportPageInputs<'_>| {
            let mut hashing = Hashing(Sha256::new());
            hashing.0.update(b"report pages\0");
            hashing.0.update(fingerprint);
            // Writing into a hash cannot fail.
            let _ = write!(hashing, "{inputs:?}");
            hashing.0.finalize().into()
        };
        // A revision's page does not say how things stand today: one fixed time stands in.
        let permanent = crate::site::ReportPageInputs {
            today: chrono::DateTime::UNIX_EPOCH,
            ..inputs
        };
        SiteKeys {
            current: site(&inputs),
            permanent: site(&permanent),
        }
    }
}

/// A report's part of the keys of its pages.
pub(super) struct ReportKeys {
    /// Of its current page: everything about the report.
    current: PageKey,
    /// Of its revisions' pages: what they show of the report besides the revision.
    permanent: PageKey,
}

impl ReportKeys {
    /// The keys of `report`'s pages under `site`. `None` when its prose was set aside and the
    /// blob it would be read back from is unknown: its pages are then keyed by their views.
    ///
    /// Debug output stands for each value: it shows every field (no type here writes its
    /// own), floating-point numbers in full, and the values nested in one tuple, so no two
    /// inputs write the same text. No value here holds a hash map, whose order would change
    /// from run to run.
    pub(super) fn new(
        model: &Model<'_>,
        site: &SiteKeys,
        report: &Report<'_>,
    ) -> Option<ReportKeys> {
        let blob = model.set_aside_blob(report)?.map(|id| id.to_string());
        let Report {
            checked,
            findings,
            waived,
            history,
            publication,
            timeliness,
            final_overdue,
            actions,
            outage,
            full_outage,
            service_outages,
            user_hours_lost,
            outage_weight,
            statements,
            later_changes,
            origin,
            notifications_public,
        } = report;
        let CheckedReport {
            file,
            incident,
            impact,
            facts,
            declared,
            // Where the prose was set aside changes from build to build; the blob names it.
            set_aside: _,
        } = checked;
        let mut current = Hashing(Sha256::new());
        current.0.update(site.current);
        let _ = write!(
            current,
            "{:?}",
            (
                (file, &blob, incident, impact, facts, declared),
                (
                    findings,
                    waived,
                    history,
                    publication,
                    timeliness,
                    final_overdue
                ),
                (actions, outage, full_outage, service_outages),
                (user_hours_lost, outage_weight, statements, later_changes),
                (origin, notifications_public),
            )
        );
        // A revision's page shows the revision (hashed with each page), and of the report its
        // id, language and title (kept with the report, never set aside), and whether the
        // revision is the first published: an edit elsewhere in the report keeps it.
        let first_published = history.first_published.as_ref().map(|r| &r.commit);
        let mut permanent = Hashing(Sha256::new());
        permanent.0.update(site.permanent);
        let _ = write!(
            permanent,
            "{:?}",
            (
                file,
                &incident.id,
                &incident.language,
                &incident.title,
                first_published
            )
        );
        Some(ReportKeys {
            current: current.0.finalize().into(),
            permanent: permanent.0.finalize().into(),
        })
    }

    /// The key of the report's entry in the open data: everything about the report.
    pub(super) fn entry(&self) -> PageKey {
        self.current
    }

    /// The key of the report's entry in the search index of language `lang`.
    pub(super) fn search_entry(&self, lang: &str) -> PageKey {
        page(&self.current, "search-index.js", lang, "")
    }

    /// The key of the report's current page at `path` (under its language folder), rendered
    /// with `template`.
    pub(super) fn current_page(&self, template: &str, path: &str) -> PageKey {
        page(&self.current, template, path, "")
    }

    /// The key of the page of `revision` at `path` (under its language folder), rendered with
    /// `template`.
    pub(super) fn revision_page(&self, revision: &Revision, template: &str, path: &str) -> PageKey {
        page(&self.permanent, template, path, &format!("{revision:?}"))
    }
}

/// Every report's part of its pages' keys, computed once before anything is rendered: the
/// report pages use them, and so do the pages that list reports or their actions (a year of
/// the ledger, an organisation's year), keyed by what they list instead of by their views.
pub(super) struct Keys<'m> {
    site: SiteKeys,
    /// Each report's keys, in the model's order (`None`: see [`ReportKeys::new`]).
    reports: Vec<Option<ReportKeys>>,
    /// The model's reports, to find a report's place among them.
    model_reports: &'m [Report<'m>],
}

impl<'m> Keys<'m> {
    /// The keys of every report of `model`, whose pages are rendered with the program,
    /// templates and strings `fingerprint` names.
    pub(super) fn new(model: &'m Model<'m>, fingerprint: &PageKey) -> Keys<'m> {
        use rayon::prelude::*;
        let site = SiteKeys::new(model, fingerprint);
        let reports = model
            .reports
            .par_iter()
            .map(|report| ReportKeys::new(model, &site, report))
            .collect();
        Keys {
            site,
            reports,
            model_reports: &model.reports,
        }
    }

    /// The keys of the report at `place` in the model.
    pub(super) fn report(&self, place: usize) -> Option<&ReportKeys> {
        self.reports.get(place)?.as_ref()
    }

    /// The place of `report` in the model, found by its address: `None` for a report that is
    /// not one of the model's.
    pub(super) fn place_of(&self, report: &Report<'_>) -> Option<usize> {
        let first = self.model_reports.as_ptr().addr();
        let offset = std::ptr::from_ref(report).addr().checked_sub(first)?;
        let place = offset / std::mem::size_of::<Report<'_>>().max(1);
        let found = self.model_reports.get(place)?;
        std::ptr::addr_eq(found, report).then_some(place)
    }

    /// The key of a page at `path` (under its language folder), rendered with `template`,
    /// that lists reports or their actions: made of the site's part, what the page shows
    /// besides them (`figures`, as its Debug text) and the keys of the reports it lists.
    pub(super) fn listing(
        &self,
        template: &str,
        path: &str,
        figures: &impl std::fmt::Debug,
    ) -> Listing<'_> {
        let mut hashing = Hashing(Sha256::new());
        hashing.0.update(b"listing\0");
        hashing.0.update(self.site.current);
        for text in [template, path] {
            hashing.0.update(text.as_bytes());
            hashing.0.update([0]);
        }
        // Debug output escapes every control character, so no 0 byte is written in it and
        // the 0 after it ends it.
        let _ = write!(hashing, "{figures:?}");
        hashing.0.update([0]);
        Listing {
            keys: self,
            hashing,
            complete: true,
        }
    }
}

/// A listing page's key as it is made ([`Keys::listing`]).
pub(super) struct Listing<'k> {
    keys: &'k Keys<'k>,
    hashing: Hashing,
    /// Whether every listed report had a key.
    complete: bool,
}

impl Listing<'_> {
    /// The report at `place` in the model is listed (its action `part`, or 0 for the whole
    /// report).
    pub(super) fn report(&mut self, place: usize, part: usize) {
        match self.keys.report(place) {
            Some(keys) => {
                self.hashing.0.update(keys.current);
                self.hashing.0.update((part as u64).to_le_bytes());
            }
            None => self.complete = false,
        }
    }

    /// `report`, one of the model's, is listed (its action `part`, or 0 for the whole report).
    pub(super) fn listed(&mut self, report: &Report<'_>, part: usize) {
        match self.keys.place_of(report) {
            Some(place) => self.report(place, part),
            None => self.complete = false,
        }
    }

    /// The page's key; `None` when a listed report has none, and the page must be keyed by
    /// its view.
    pub(super) fn finish(self) -> Option<PageKey> {
        self.complete.then(|| self.hashing.0.finalize().into())
    }
}

/// The key of the page at `path` rendered with `template` from `part` and `more`.
fn page(part: &PageKey, template: &str, path: &str, more: &str) -> PageKey {
    let mut hasher = Sha256::new();
    hasher.update(part);
    for text in [template, path, more] {
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().into()
}
