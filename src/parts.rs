//! Parts of large files carried from one build to the next.
//!
//! `data/incidents.json` and each language's search index hold an entry for every report. An
//! incremental build copies an unchanged report's entry from the previous build's file
//! instead of reading the report back to write it again. A list beside the output folder
//! (`.<out>.candor-parts`) names each entry by its file and the key of what it is made from,
//! with where it is in the file and its SHA-256. An entry is copied only when its bytes still
//! hash to that: a file changed since, or a list left by a build stopped while it published,
//! costs the copy, never a wrong byte.
//!
//! The list is written as the file is, into a temporary file beside the output folder, and
//! takes its place once the site is published (one build at a time writes there: the output
//! folder's lock).

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead as _, BufReader, BufWriter, Read as _, Write as _};
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::publish::{PageKey, Sha256Sum, beside, hex, open_regular};

/// The list's name beside the output folder.
pub(crate) const SUFFIX: &str = "candor-parts";
/// The first line of the list, naming its format.
const HEADER: &str = "candor parts 2";
/// The most files a list names: parts of any more are made again.
const MAX_FILES: usize = 64;

/// Where a part is in the previous build's file, and its hash.
#[derive(Clone, Copy)]
struct Located {
    offset: u64,
    length: u32,
    sha256: Sha256Sum,
}

/// The parts of the previous build's files, by file and key.
pub(crate) struct Previous {
    files: HashMap<String, PreviousFile>,
}

/// One file of the previous build and its parts.
struct PreviousFile {
    /// The file, open for reading.
    file: fs::File,
    /// Its length when it was opened: a part listed beyond it is never read.
    length: u64,
    parts: HashMap<PageKey, Located>,
}

/// Whether `name` is a path inside the site as this build writes them, fit for a line of
/// the list.
fn is_site_path(name: &str) -> bool {
    !name.contains([' ', '\n']) && !name.split('/').any(|part| matches!(part, "" | "." | ".."))
}

impl Previous {
    /// The previous build's list beside `out`, when it can be read (otherwise every part is
    /// made again); a file it names that cannot be opened has no parts.
    pub(crate) fn read(out: &Path) -> Option<Previous> {
        /// Far more than the list of the largest site (about 200 bytes a part).
        const MAX_LIST_BYTES: u64 = 1 << 30;
        let list = open_regular(&beside(out, SUFFIX)).ok()?;
        let mut lines = BufReader::new(list.take(MAX_LIST_BYTES)).lines();
        if lines.next()?.ok()? != HEADER {
            return None;
        }
        let mut files: HashMap<String, Option<PreviousFile>> = HashMap::new();
        for line in lines {
            let line = line.ok()?;
            let mut fields = line.split(' ');
            let mut next = || fields.next();
            let (name, key, offset, length, sha256) = (next()?, next()?, next()?, next()?, next()?);
            let located = Located {
                offset: offset.parse().ok()?,
                length: length.parse().ok()?,
                sha256: Sha256Sum::parse(sha256)?,
            };
            let key = Sha256Sum::parse(key)?.0;
            if !files.contains_key(name) {
                if !is_site_path(name) || files.len() >= MAX_FILES {
                    continue;
                }
                files.insert(name.to_owned(), PreviousFile::open(&out.join(name)));
            }
            if let Some(Some(file)) = files.get_mut(name) {
                file.parts.insert(key, located);
            }
        }
        let files = files
            .into_iter()
            .filter_map(|(name, file)| Some((name, file?)))
            .collect();
        Some(Previous { files })
    }

    /// The part of `name` made from `key` in the previous build, if its bytes are still the
    /// ones the list names.
    pub(crate) fn part(&self, name: &str, key: &PageKey) -> Option<Vec<u8>> {
        let file = self.files.get(name)?;
        let located = file.parts.get(key)?;
        if located.offset.checked_add(u64::from(located.length))? > file.length {
            return None;
        }
        let mut bytes = vec![0; usize::try_from(located.length).ok()?];
        file.file.read_exact_at(&mut bytes, located.offset).ok()?;
        (Sha256Sum::of(&bytes) == located.sha256).then_some(bytes)
    }
}

impl PreviousFile {
    /// The previous build's file at `path`, with no parts yet; `None` when it cannot be
    /// opened.
    fn open(path: &Path) -> Option<PreviousFile> {
        let file = open_regular(path).ok()?;
        let length = file.metadata().ok()?.len();
        Some(PreviousFile {
            file,
            length,
            parts: HashMap::new(),
        })
    }
}

/// The list of this build's parts, written as they are noted.
pub(crate) struct Noted {
    /// The temporary file, beside the output folder.
    path: PathBuf,
    /// How far the list is written.
    writer: Mutex<Writing>,
}

/// How far the list is written.
enum Writing {
    /// Nothing noted yet.
    NotStarted,
    /// The list, open.
    To(BufWriter<fs::File>),
    /// Writing failed: the list is left out, and the next build makes every part again.
    Failed,
}

impl Noted {
    /// A list for the build into `out`, not yet started.
    pub(crate) fn new(out: &Path) -> Noted {
        let mut path = beside(out, SUFFIX).into_os_string();
        path.push(".tmp");
        Noted {
            path: PathBuf::from(path),
            writer: Mutex::new(Writing::NotStarted),
        }
    }

    /// Note that `bytes`, made from `key`, are at `offset` in `name` (a path in the site).
    pub(crate) fn note(&self, name: &str, key: &PageKey, offset: u64, bytes: &[u8]) {
        if !is_site_path(name) {
            return;
        }
        let mut writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if matches!(*writer, Writing::NotStarted) {
            *writer = self.start().map_or(Writing::Failed, Writing::To);
        }
        let Writing::To(file) = &mut *writer else {
            return;
        };
        let sha256 = Sha256Sum::of(bytes);
        if writeln!(
            file,
            "{name} {} {offset} {} {sha256}",
            hex(key),
            bytes.len()
        )
        .is_err()
        {
            *writer = Writing::Failed;
            let _ = fs::remove_file(&self.path);
        }
    }

    /// The list's temporary file, created with its header.
    fn start(&self) -> Option<BufWriter<fs::File>> {
        // A file a stopped build left here is written over, never opened through a link left
        // in its place.
        let _ = fs::remove_file(&self.path);
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&self.path)
            .ok()?;
        let mut file = BufWriter::with_capacity(64 * 1024, file);
        writeln!(file, "{HEADER}").ok()?;
        Some(file)
    }

    /// The list as written so far, leaving it failed: nothing more is noted.
    fn take(&self) -> Writing {
        std::mem::replace(
            &mut *self
                .writer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            Writing::Failed,
        )
    }

    /// Put the list in place of the previous build's, beside `out` (whose site is now
    /// published); without a list (nothing noted, or a write failed), remove the previous
    /// one.
    pub(crate) fn finish(&self, out: &Path) {
        let target = beside(out, SUFFIX);
        let writer = self.take();
        let placed = match writer {
            Writing::To(file) => {
                file.into_inner().is_ok() && fs::rename(&self.path, &target).is_ok()
            }
            Writing::NotStarted | Writing::Failed => false,
        };
        if !placed {
            let _ = fs::remove_file(&self.path);
            let _ = fs::remove_file(&target);
        }
    }

    /// Remove the list of a build that was not published.
    pub(crate) fn abandon(&self) {
        let writer = self.take();
        if let Writing::To(file) = writer {
            drop(file);
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_is_copied_only_while_its_bytes_are_the_ones_listed() {
        let folder = tempfile::tempdir().unwrap();
        let out = folder.path().join("site");
        fs::create_dir_all(out.join("data")).unwrap();
        let (first, second) = (b"{\"id\": \"a\"}".as_slice(), b"{\"id\": \"b\"}".as_slice());
        let file = [b"[\n  ", first, b",\n  ", second, b"\n]\n"].concat();
        fs::write(out.join("data/incidents.json"), &file).unwrap();
        let noted = Noted::new(&out);
        noted.note("data/incidents.json", &[1; 32], 4, first);
        noted.note(
            "data/incidents.json",
            &[2; 32],
            4 + first.len() as u64 + 4,
            second,
        );
        // Another file's parts are listed too; a path outside the site is not.
        fs::write(out.join("data/other.json"), second).unwrap();
        noted.note("data/other.json", &[3; 32], 0, second);
        noted.note("../outside.json", &[4; 32], 0, first);
        noted.note("data/with space.json", &[5; 32], 0, first);
        noted.finish(&out);

        let previous = Previous::read(&out).unwrap();
        assert_eq!(
            previous.part("data/incidents.json", &[1; 32]).unwrap(),
            first
        );
        assert_eq!(
            previous.part("data/incidents.json", &[2; 32]).unwrap(),
            second
        );
        assert_eq!(previous.part("data/incidents.json", &[3; 32]), None);
        assert_eq!(previous.part("data/other.json", &[3; 32]).unwrap(), second);
        assert_eq!(previous.part("data/other.json", &[1; 32]), None);
        assert_eq!(
            previous.files.len(),
            2,
            "only the two files in the site are listed"
        );

        // The second entry changed in place: only the first is copied.
        let mut changed = file.clone();
        let at = changed.len() - 6;
        changed[at] = b'c';
        fs::write(out.join("data/incidents.json"), &changed).unwrap();
        let previous = Previous::read(&out).unwrap();
        assert_eq!(
            previous.part("data/incidents.json", &[1; 32]).unwrap(),
            first
        );
        assert_eq!(previous.part("data/incidents.json", &[2; 32]), None);

        // A build that was not published leaves the list as it was.
        let abandoned = Noted::new(&out);
        abandoned.note("data/incidents.json", &[9; 32], 0, b"x");
        abandoned.abandon();
        assert!(
            Previous::read(&out).unwrap().files["data/incidents.json"]
                .parts
                .contains_key(&[1; 32])
        );
        assert!(!beside(&out, "candor-parts.tmp").exists());
    }
}
