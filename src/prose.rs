//! A report's longer texts, set aside while a site is built and read back for the pages that
//! print them.
//!
//! A build holds every published report from the check to its last page, and most of a
//! report's memory is prose that only the report's own pages and its entry in
//! `data/incidents.json` print: the summary, the timeline's entries, contributing factors,
//! lessons and references. So a build keeps each report without them (with the start of the
//! summary, which the search index shows), and reads the file again when it writes those
//! pages, checked against the SHA-256 of the bytes the check read. Only a build of a commit
//! does this (its files cannot change meanwhile); a build of the working tree, a preview,
//! keeps its reports whole. Everything else (lists, ledger, figures, feeds' titles) reads the
//! kept report, as before.

use std::borrow::Cow;

use anyhow::Context as _;
use sha2::Digest as _;

use crate::check::CheckedReport;
use crate::config::Limits;
use crate::model::{Incident, LanguageMap, Text};
use crate::source::{ReadAgain, Source};

/// How much of a summary the search index shows, in characters of plain text.
pub(crate) const SUMMARY_START_CHARS: usize = 300;

/// What a kept report holds in place of its prose.
#[derive(Clone, Debug)]
pub struct SetAside {
    /// The SHA-256 of the file's bytes as the check read them.
    sha256: [u8; 32],
    /// The summary's start in each of its languages, as plain text.
    pub summary_start: Text,
}

/// The first [`SUMMARY_START_CHARS`] characters of `markdown` as plain text.
pub(crate) fn plain_start(markdown: &str) -> String {
    crate::render::markdown::to_plain(markdown)
        .chars()
        .take(SUMMARY_START_CHARS)
        .collect()
}

/// Leave `report`'s prose out of it, noting what is needed to read it back from `bytes`'
/// file.
pub(crate) fn set_aside(report: &mut CheckedReport, bytes: &[u8]) {
    let incident = &mut report.incident;
    let summary_start = match &incident.summary {
        Text::Plain(text) => Text::Plain(plain_start(text)),
        Text::Localized(texts) => Text::Localized(
            texts
                .iter()
                .map(|(language, text)| (language.to_owned(), plain_start(text)))
                .collect::<LanguageMap>(),
        ),
    };
    incident.summary = Text::Plain(String::new());
    for event in &mut incident.timeline {
        event.text = Text::Plain(String::new());
    }
    incident.contributing_factors = Vec::new();
    incident.lessons = None;
    incident.references = Vec::new();
    report.set_aside = Some(SetAside {
        sha256: sha2::Sha256::digest(bytes).into(),
        summary_start,
    });
}

/// Reads set-aside reports back whole from the source they were checked from.
pub struct Reader<'s> {
    files: ReadAgain<'s>,
    limits: Limits,
}

impl<'s> Reader<'s> {
    /// A reader of `source`'s files under `limits` (the check's).
    pub fn new(source: &'s Source, limits: Limits) -> anyhow::Result<Reader<'s>> {
        Ok(Reader {
            files: ReadAgain::new(source)?,
            limits,
        })
    }

    /// `report` whole: itself when nothing was set aside, else read back from its file.
    pub fn whole<'r>(&self, report: &'r CheckedReport) -> anyhow::Result<Cow<'r, CheckedReport>> {
        let Some(set_aside) = &report.set_aside else {
            return Ok(Cow::Borrowed(report));
        };
        let file = &report.file;
        let bytes = self.files.read(file, self.limits.max_file_bytes)?;
        let sha256: [u8; 32] = sha2::Sha256::digest(&bytes).into();
        anyhow::ensure!(
            sha256 == set_aside.sha256,
            "{file} changed while the site was being built; build again once it is saved"
        );
        let root = crate::load::load(&bytes, &self.limits)
            .root
            .with_context(|| format!("{file} no longer parses as it did when it was checked"))?;
        let incident = crate::load::from_node::<Incident>(&root)
            .with_context(|| format!("{file} cannot be read again as it was checked"))?;
        Ok(Cow::Owned(CheckedReport {
            file: file.clone(),
            incident,
            impact: report.impact.clone(),
            facts: report.facts.clone(),
            declared: report.declared,
            set_aside: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::WorkTree;

    const REPORT: &str = "incidents/2026/2026-10-06-health-portal-slow-prescriptions.yaml";

    #[test]
    fn a_report_set_aside_reads_back_whole_unless_its_file_changed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join("incidents/2026")).unwrap();
        std::fs::copy(root.join("candor.yaml"), repo.path().join("candor.yaml")).unwrap();
        std::fs::copy(root.join(REPORT), repo.path().join(REPORT)).unwrap();
        let source = Source::Work(WorkTree::open(repo.path()).unwrap(), None);
        let today = crate::today_from(
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
            chrono::Utc::now(),
        );
        let mut run = crate::check::run(&source, None, today, true).unwrap();
        let whole = *run.analyses[0].report.take().expect("the report is kept");
        let as_json = |incident: &Incident| serde_json::to_value(incident).unwrap();

        let bytes = std::fs::read(repo.path().join(REPORT)).unwrap();
        let mut kept = whole.clone();
        set_aside(&mut kept, &bytes);
        let incident = &kept.incident;
        assert_eq!(incident.summary.resolve("en", "da").0, "");
        assert!(
            incident
                .timeline
                .iter()
                .all(|e| e.text.resolve("en", "da").0.is_empty())
        );
        assert!(incident.lessons.is_none() && incident.contributing_factors.is_empty());
        // What the search index shows: the summary's start as plain text, in each language.
        let start = &kept.set_aside.as_ref().unwrap().summary_start;
        assert!(
            start
                .resolve("en", "da")
                .0
                .starts_with("On Tuesday morning")
        );
        assert!(start.resolve("da", "da").0.starts_with("Tirsdag morgen"));
        let summary = whole.incident.summary.resolve("en", "da").0;
        assert_eq!(start.resolve("en", "da").0, plain_start(summary));
        assert_eq!(
            plain_start(&summary.repeat(3)).chars().count(),
            SUMMARY_START_CHARS
        );

        let reader = Reader::new(&source, crate::config::Limits::default()).unwrap();
        let read_back = reader.whole(&kept).unwrap();
        assert!(read_back.set_aside.is_none());
        assert_eq!(as_json(&read_back.incident), as_json(&whole.incident));
        // A whole report is itself.
        assert!(matches!(reader.whole(&whole).unwrap(), Cow::Borrowed(_)));

        // Saved again while the site was being built: refused, not published half old.
        let edited = String::from_utf8(bytes)
            .unwrap()
            .replacen("in three", "in four", 1);
        std::fs::write(repo.path().join(REPORT), edited).unwrap();
        let error = reader.whole(&kept).unwrap_err().to_string();
        assert!(
            error.contains("changed while the site was being built"),
            "{error}"
        );
    }
}
