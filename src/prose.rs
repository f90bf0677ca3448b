//! A report's longer texts, set aside while a site is built and read back for the pages that
//! print them.
//!
//! A build holds every published report from the check to its last page, and most of a
//! report's memory is prose that only the report's own pages and its entry in
//! `data/incidents.json` print: the summary, the timeline (of which the site's figures need
//! only each public statement's time and claimed severity), contributing factors, lessons and
//! references. So a build keeps each report without them, and reads the file again from git
//! when it writes those pages; the start of the summary, which the search index shows, waits
//! in a temporary file ([`Starts`]). Only a build of a commit does this: its files cannot
//! change meanwhile, while a build of the working tree (a preview, where an editor may save a
//! file as it runs) keeps its reports whole. Everything else (lists, ledger, figures, feeds'
//! titles) reads the kept report, as before.

use std::borrow::Cow;

use anyhow::Context as _;

use crate::check::CheckedReport;
use crate::config::Limits;
use crate::model::{EventKind, Incident, LanguageMap, Text};
use crate::source::{GitTree, ReadAgain};

/// How much of a summary the search index shows, in characters of plain text.
pub(crate) const SUMMARY_START_CHARS: usize = 300;

/// What a kept report holds in place of its prose.
#[derive(Clone, Debug)]
pub struct SetAside {
    /// Where [`Starts`] keeps the summary's start in each of its languages, as plain text.
    pub summary_start: StartAside,
}

/// Where a summary's start was set aside in [`Starts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StartAside {
    offset: u64,
    length: u32,
}

/// The summaries' starts of a build's reports, set aside in an unnamed temporary file (gone
/// when the build ends, however it ends) until the search index prints them. Each is a few
/// hundred bytes in each language, and at 100,000 reports they would be about 60 MB of the
/// build's peak, held from the check to the render.
pub struct Starts {
    /// The file, for reading back.
    file: std::fs::File,
    /// What has been written and not yet flushed.
    writer: std::sync::Mutex<StartsWriter>,
}

/// The writing end of [`Starts`].
struct StartsWriter {
    out: std::io::BufWriter<std::fs::File>,
    /// The file's length once `out` is flushed: where the next start goes.
    length: u64,
    /// Whether a write failed: the file's end is then unknown, so nothing more is put.
    failed: bool,
}

impl Starts {
    /// An empty store, in the system's folder for temporary files.
    pub fn new() -> std::io::Result<Starts> {
        let file = tempfile::tempfile()?;
        let out = std::io::BufWriter::with_capacity(64 * 1024, file.try_clone()?);
        Ok(Starts {
            file,
            writer: std::sync::Mutex::new(StartsWriter {
                out,
                length: 0,
                failed: false,
            }),
        })
    }

    /// Keep `start`; where it is kept. After any failed write, nothing more is kept.
    fn put(&self, start: &Text) -> std::io::Result<StartAside> {
        use std::io::Write as _;
        let bytes = serde_json::to_vec(start)?;
        let length = u32::try_from(bytes.len())
            .map_err(|_| std::io::Error::other("a summary's start too long to set aside"))?;
        let mut writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if writer.failed {
            return Err(std::io::Error::other(
                "the summaries' file could not be written",
            ));
        }
        if let Err(error) = writer.out.write_all(&bytes) {
            writer.failed = true;
            return Err(error);
        }
        let offset = writer.length;
        writer.length += u64::from(length);
        Ok(StartAside { offset, length })
    }

    /// The start kept at `at`; an error when it never reached the file (see
    /// [`Reader::summary_start`], which then reads the report back).
    pub fn get(&self, at: StartAside) -> anyhow::Result<Text> {
        use std::io::Write as _;
        use std::os::unix::fs::FileExt as _;
        // Whatever is still buffered goes to the file first (only the first read finds any).
        {
            let mut writer = self
                .writer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Err(error) = writer.out.flush() {
                writer.failed = true;
                return Err(error).context("cannot write the summaries set aside");
            }
        }
        let mut bytes = vec![0; at.length as usize];
        self.file
            .read_exact_at(&mut bytes, at.offset)
            .context("cannot read back a summary set aside")?;
        serde_json::from_slice(&bytes).context("a summary set aside does not read back")
    }
}

/// The first [`SUMMARY_START_CHARS`] characters of `markdown` as plain text.
pub(crate) fn plain_start(markdown: &str) -> String {
    crate::render::markdown::to_plain(markdown)
        .chars()
        .take(SUMMARY_START_CHARS)
        .collect()
}

/// The start of `summary` in each of its languages, as plain text.
fn start_of(summary: &Text) -> Text {
    match summary {
        Text::Plain(text) => Text::Plain(plain_start(text)),
        Text::Localized(texts) => Text::Localized(
            texts
                .iter()
                .map(|(language, text)| (language.to_owned(), plain_start(text)))
                .collect::<LanguageMap>(),
        ),
    }
}

/// Leave `report`'s prose out of it, keeping the summary's start in `starts`. When the start
/// cannot be kept there (the disk is full, say), the report stays whole; a start that was
/// kept but never reached the file is made again from the report read back.
pub(crate) fn set_aside(report: &mut CheckedReport, starts: &Starts) {
    let incident = &mut report.incident;
    let Ok(summary_start) = starts.put(&start_of(&incident.summary)) else {
        return;
    };
    incident.summary = Text::Plain(String::new());
    // Of the timeline, the site's lists and figures read only when public statements were
    // made and what severity they claimed (what the public was told).
    incident
        .timeline
        .retain(|event| event.kind == EventKind::PublicStatement);
    for event in &mut incident.timeline {
        event.text = Text::Plain(String::new());
        event.channel = None;
        event.url = None;
    }
    incident.timeline.shrink_to_fit();
    incident.contributing_factors = Vec::new();
    incident.lessons = None;
    incident.references = Vec::new();
    report.set_aside = Some(SetAside { summary_start });
}

/// Reads set-aside reports back whole from the commit they were checked at, and their
/// summaries' starts from where they were set aside.
pub struct Reader<'s> {
    files: ReadAgain<'s>,
    limits: Limits,
    starts: &'s Starts,
}

impl<'s> Reader<'s> {
    /// A reader of `tree`'s reports under `limits` (the check's), whose starts are in
    /// `starts`.
    pub fn new(
        tree: &'s GitTree,
        limits: Limits,
        starts: &'s Starts,
    ) -> anyhow::Result<Reader<'s>> {
        Ok(Reader {
            files: ReadAgain::new(tree)?,
            limits,
            starts,
        })
    }

    /// The id of the blob `report` is read back from: with the report as kept, it names the
    /// whole report (`None` when the commit has no such file).
    pub fn blob_id(&self, report: &CheckedReport) -> Option<git2::Oid> {
        self.files.id(&report.file)
    }

    /// The start of `report`'s summary in each of its languages, as plain text, from where
    /// `set_aside` says it was kept.
    pub fn summary_start(
        &self,
        report: &CheckedReport,
        set_aside: &SetAside,
    ) -> anyhow::Result<Text> {
        match self.starts.get(set_aside.summary_start) {
            Ok(start) => Ok(start),
            // It never reached its file (a full disk, say): made again, the same text, from
            // the report read back.
            Err(_) => Ok(start_of(&self.whole(report)?.incident.summary)),
        }
    }

    /// `report` whole: itself when nothing was set aside, else read back from its file.
    pub fn whole<'r>(&self, report: &'r CheckedReport) -> anyhow::Result<Cow<'r, CheckedReport>> {
        if report.set_aside.is_none() {
            return Ok(Cow::Borrowed(report));
        }
        let file = &report.file;
        let bytes = self.files.read(file, self.limits.max_file_bytes)?;
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

    /// Let go of what reading back keeps between reads (see [`ReadAgain::close_idle`]); the
    /// next read opens the repository again.
    pub fn close_idle(&self) {
        self.files.close_idle();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "incidents/2026/2026-10-06-health-portal-slow-prescriptions.yaml";

    #[test]
    fn a_report_set_aside_reads_back_whole_from_its_commit() {
        let repo = crate::testing::example_repository();
        let tree = GitTree::open(repo.path(), "HEAD").unwrap();
        let source = crate::source::Source::Git(tree.clone());
        let today = crate::today_from(
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
            chrono::Utc::now(),
        );
        let mut run = crate::check::run(&source, None, today, true).unwrap();
        let analysis = run.analyses.iter_mut().find(|a| a.file == REPORT).unwrap();
        let whole = *analysis.report.take().expect("the report is kept");
        let as_json = |incident: &Incident| serde_json::to_value(incident).unwrap();

        let starts = Starts::new().unwrap();
        let mut kept = whole.clone();
        set_aside(&mut kept, &starts);
        let incident = &kept.incident;
        assert_eq!(incident.summary.resolve("en", "da").0, "");
        // Of the timeline, the public statements' times and claims.
        let statements = |incident: &Incident| -> Vec<_> {
            incident
                .timeline
                .iter()
                .filter(|e| e.kind == EventKind::PublicStatement)
                .map(|e| (e.at, e.severity_claimed))
                .collect()
        };
        assert!(incident.timeline.len() < whole.incident.timeline.len());
        assert!(!incident.timeline.is_empty());
        assert_eq!(statements(incident), statements(&whole.incident));
        assert!(incident.timeline.iter().all(|e| {
            e.kind == EventKind::PublicStatement
                && e.text.resolve("en", "da").0.is_empty()
                && e.channel.is_none()
                && e.url.is_none()
        }));
        assert!(incident.lessons.is_none() && incident.contributing_factors.is_empty());
        // What the search index shows: the summary's start as plain text, in each language,
        // kept aside.
        let reader = Reader::new(&tree, crate::config::Limits::default(), &starts).unwrap();
        let set_aside = kept.set_aside.as_ref().unwrap();
        let start = &reader.summary_start(&kept, set_aside).unwrap();
        // A start that never reached its file is made again from the report read back.
        let lost = SetAside {
            summary_start: StartAside {
                offset: 1 << 40,
                length: 8,
            },
        };
        assert_eq!(
            serde_json::to_value(reader.summary_start(&kept, &lost).unwrap()).unwrap(),
            serde_json::to_value(start).unwrap()
        );
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

        let read_back = reader.whole(&kept).unwrap();
        assert!(read_back.set_aside.is_none());
        assert_eq!(as_json(&read_back.incident), as_json(&whole.incident));
        // The handles closed between batches, the next read opens the repository again.
        reader.close_idle();
        let read_again = reader.whole(&kept).unwrap();
        assert_eq!(as_json(&read_again.incident), as_json(&whole.incident));
        // A whole report is itself.
        assert!(matches!(reader.whole(&whole).unwrap(), Cow::Borrowed(_)));
        // A report the commit does not hold cannot be read back.
        let mut elsewhere = kept.clone();
        elsewhere.file = "incidents/2026/not-committed.yaml".to_owned();
        let error = reader.whole(&elsewhere).unwrap_err().to_string();
        assert!(error.contains("not in the commit"), "{error}");
    }

    #[test]
    fn starts_set_aside_read_back_in_any_order_from_any_thread() {
        use rayon::prelude::*;
        let starts = Starts::new().unwrap();
        let texts: Vec<Text> = (0..2_000)
            .map(|n| match n % 3 {
                0 => Text::Plain(format!(
                    "Start {n}: \"quoted\", æøå, {}",
                    "x".repeat(n % 400)
                )),
                1 => Text::Localized(
                    [
                        ("da".to_owned(), format!("Dansk {n}")),
                        ("en".to_owned(), format!("English {n}\nline")),
                    ]
                    .into_iter()
                    .collect(),
                ),
                _ => Text::Plain(String::new()),
            })
            .collect();
        // Put from several threads, as the check does; every place is its own.
        let placed: Vec<StartAside> = texts.par_iter().map(|t| starts.put(t).unwrap()).collect();
        for (n, at) in placed.iter().enumerate().rev() {
            let read = starts.get(*at).unwrap();
            assert_eq!(
                serde_json::to_value(&read).unwrap(),
                serde_json::to_value(&texts[n]).unwrap(),
                "{n}"
            );
        }
        // A place beyond what was written is an error, not a panic.
        let beyond = StartAside {
            offset: u64::MAX / 2,
            length: 10,
        };
        assert!(starts.get(beyond).is_err());
    }
}
