//! The keys of a report's pages computed from what they are rendered from, before anything is
//! rendered: an incremental build keeps an unchanged report's pages without reading the report
//! back or computing its views.
//!
//! A page's key names everything its file is rendered from. Other pages hash their view; a
//! report's pages hash their inputs instead: the site's part (the program, templates and
//! strings, the configuration, "now", whether a working tree is previewed, a national site's
//! sources) and the report's part (the report as kept, the blob its prose is read back from,
//! and every figure the model derived for it). Both are written out field by field, so a field
//! added to a report or to what the model derives for it cannot be left out: the destructuring
//! below stops compiling.

use std::fmt::Write as _;

use sha2::{Digest as _, Sha256};

use crate::check::CheckedReport;
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
/// strings (`fingerprint`), the configuration and its time zone, "now", whether a working tree
/// is previewed, and the sources of a national site (named in every page's layout).
pub(super) fn site_part(model: &Model<'_>, fingerprint: &PageKey) -> PageKey {
    let mut hashing = Hashing(Sha256::new());
    hashing.0.update(b"report pages\0");
    hashing.0.update(fingerprint);
    // Writing into a hash cannot fail.
    let _ = write!(
        hashing,
        "{:?}",
        (
            model.config,
            model.time_zone,
            model.today,
            model.worktree,
            model.sources,
        )
    );
    hashing.0.finalize().into()
}

/// The key of `report`'s pages under `site` ([`site_part`]). `None` when its prose was set
/// aside and the blob it would be read back from is unknown: its pages are then keyed by their
/// views.
///
/// Debug output stands for each value: it shows every field (no type here writes its own),
/// floating-point numbers in full, and the values nested in one tuple, so no two inputs
/// write the same text. No value here holds a hash map, whose order would change from run to
/// run.
pub(super) fn report_part(
    model: &Model<'_>,
    site: &PageKey,
    report: &Report<'_>,
) -> Option<PageKey> {
    let blob = model.set_aside_blob(report)?;
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
    let mut hashing = Hashing(Sha256::new());
    hashing.0.update(site);
    let _ = write!(
        hashing,
        "{:?}",
        (
            (
                file,
                blob.map(|id| id.to_string()),
                incident,
                impact,
                facts,
                declared
            ),
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
    Some(hashing.0.finalize().into())
}

/// The key of the page at `path` (under its language folder), rendered with `template` from
/// the report whose part is `report`.
pub(super) fn page(report: &PageKey, template: &str, path: &str) -> PageKey {
    let mut hasher = Sha256::new();
    hasher.update(report);
    for text in [template, path] {
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().into()
}
