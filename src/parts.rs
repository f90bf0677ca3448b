//! Parts of a large file carried from one build to the next.
//!
//! `data/incidents.json` holds an entry for every report. An incremental build copies an
//! unchanged report's entry from the previous build's file instead of reading the report back
//! to write it again. A list beside the output folder (`.<out>.candor-parts`) names each entry
//! by the key of what it is made from, with where it is in the file and its SHA-256. An entry
//! is copied only when its bytes still hash to that: a file changed since, or a list left by a
//! build stopped while it published, costs the copy, never a wrong byte.
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
const SUFFIX: &str = "candor-parts";
/// The first line of the list, naming its format; the file's path follows it.
const HEADER: &str = "candor parts 1";

/// Where a part is in the previous build's file, and its hash.
#[derive(Clone, Copy)]
struct Located {
    offset: u64,
    length: u32,
    sha256: Sha256Sum,
}

/// The parts of the previous build's file, by key.
pub(crate) struct Previous {
    /// The file's path in the site.
    name: String,
    /// The previous build's file, open for reading.
    file: fs::File,
    /// Its length when it was opened: a part listed beyond it is never read.
    length: u64,
    parts: HashMap<PageKey, Located>,
}

impl Previous {
    /// The previous build's list beside `out`, when it and the file it names can be read
    /// (otherwise every part is made again).
    pub(crate) fn read(out: &Path) -> Option<Previous> {
        /// Far more than the list of the largest site (about 170 bytes a part).
        const MAX_LIST_BYTES: u64 = 1 << 30;
        let list = open_regular(&beside(out, SUFFIX)).ok()?;
        let mut lines = BufReader::new(list.take(MAX_LIST_BYTES)).lines();
        let header = lines.next()?.ok()?;
        let name = header.strip_prefix(HEADER)?.strip_prefix(' ')?.to_owned();
        // Only a path inside the site, as this build writes them.
        if name.split('/').any(|part| matches!(part, "" | "." | "..")) {
            return None;
        }
        let file = open_regular(&out.join(&name)).ok()?;
        let file_length = file.metadata().ok()?.len();
        let mut parts = HashMap::new();
        for line in lines {
            let line = line.ok()?;
            let mut fields = line.split(' ');
            let mut next = || fields.next();
            let (key, offset, length, sha256) = (next()?, next()?, next()?, next()?);
            parts.insert(
                Sha256Sum::parse(key)?.0,
                Located {
                    offset: offset.parse().ok()?,
                    length: length.parse().ok()?,
                    sha256: Sha256Sum::parse(sha256)?,
                },
            );
        }
        Some(Previous {
            name,
            file,
            length: file_length,
            parts,
        })
    }

    /// The part of `name` made from `key` in the previous build, if its bytes are still the
    /// ones the list names.
    pub(crate) fn part(&self, name: &str, key: &PageKey) -> Option<Vec<u8>> {
        if name != self.name {
            return None;
        }
        let located = self.parts.get(key)?;
        if located.offset.checked_add(u64::from(located.length))? > self.length {
            return None;
        }
        let mut bytes = vec![0; usize::try_from(located.length).ok()?];
        self.file.read_exact_at(&mut bytes, located.offset).ok()?;
        (Sha256Sum::of(&bytes) == located.sha256).then_some(bytes)
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
    /// The list of the file named, open.
    To(String, BufWriter<fs::File>),
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

    /// Note that `bytes`, made from `key`, are at `offset` in `name` (one file per build:
    /// parts of another file are left out).
    pub(crate) fn note(&self, name: &str, key: &PageKey, offset: u64, bytes: &[u8]) {
        let mut writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if name.contains('\n') {
            return;
        }
        if matches!(*writer, Writing::NotStarted) {
            *writer = self
                .start(name)
                .map_or(Writing::Failed, |file| Writing::To(name.to_owned(), file));
        }
        let Writing::To(noted_name, file) = &mut *writer else {
            return;
        };
        if noted_name != name {
            return;
        }
        let sha256 = Sha256Sum::of(bytes);
        if writeln!(file, "{} {offset} {} {sha256}", hex(key), bytes.len()).is_err() {
            *writer = Writing::Failed;
            let _ = fs::remove_file(&self.path);
        }
    }

    /// The list's temporary file, created with its header for the file `name`.
    fn start(&self, name: &str) -> Option<BufWriter<fs::File>> {
        // A file a stopped build left here is written over, never opened through a link left
        // in its place.
        let _ = fs::remove_file(&self.path);
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&self.path)
            .ok()?;
        let mut file = BufWriter::with_capacity(64 * 1024, file);
        writeln!(file, "{HEADER} {name}").ok()?;
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
            Writing::To(_, file) => {
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
        if let Writing::To(_, file) = writer {
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
        // Another file's parts are left out: the list names one.
        noted.note("data/other.json", &[3; 32], 0, first);
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
        assert_eq!(previous.part("data/other.json", &[3; 32]), None);

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
        assert!(Previous::read(&out).unwrap().parts.contains_key(&[1; 32]));
        assert!(!beside(&out, "candor-parts.tmp").exists());
    }
}
