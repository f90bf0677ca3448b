//! Writing a site safely: a staging folder beside `--out`, a manifest, and an atomic swap.
//!
//! Pages are written into a temporary folder next to the output folder as they are rendered.
//! Only when every file is written is the manifest added and the folder swapped in with one
//! `renameat2(RENAME_EXCHANGE)` (or, where the file system cannot exchange, two renames), so a
//! failed or killed build leaves the previous site as it was. An existing `--out` is only
//! replaced if everything in it was written by an earlier build, as its manifest proves:
//! Candor never deletes a file it did not write. The staging folder records each file it
//! writes, once (its path, SHA-256 and, for a page, its key): the manifest is written from
//! that record, and the page record below from its pages.
//!
//! Builds are incremental: every page is known by a key, the SHA-256 of everything it is
//! rendered from (the templates, the page's view and layout; for a report's pages, their
//! inputs: see `render`'s `report_key`). A record beside the output
//! folder keeps each page's key with the file's hash, size, modification time and identity
//! (device, inode, change time); a later build whose page has the same key keeps the previous
//! file (a hard link into the staging folder) instead of rendering it again, when the file is
//! still exactly what the record and the manifest say: same size, time, owner and
//! permissions, and either the same identity (nothing has changed it since) or its bytes
//! hashed again to the recorded SHA-256. The published folder is the same, byte for byte, as a
//! full build's.
//!
//! An incremental build keeps the site it replaced beside the output folder as a spare, with
//! its record, and the next incremental build takes that spare as its staging folder: a page
//! the spare holds from the same key, known unchanged, stays where it is (one look at the
//! file, where a new folder and a link cost several system calls), others are linked from the
//! published site or rendered (a file in the way is removed first, never written through: it
//! may be a link to a published page), and the spare's files the new site does not have are
//! removed before the swap.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's file name, at the root of the site.
pub const MANIFEST: &str = "manifest.json";
/// A file that marks a staging folder as Candor's own, so a later run may remove it.
const STAGING_MARKER: &str = ".candor-staging";
/// The page record's name beside the output folder.
const RECORD_SUFFIX: &str = "candor-pages";
/// The spare site's name beside the output folder: the site the current one replaced.
const SPARE_SUFFIX: &str = "candor-spare";
/// The spare site's page record beside the output folder.
const SPARE_RECORD_SUFFIX: &str = "candor-spare-pages";
/// The first line of the page record, naming its format.
const RECORD_HEADER: &str = "candor page record 2";

/// How many files of a build's record are kept in memory before they are set aside (see
/// `Written`).
const RECORD_CHUNK: usize = 4096;

/// What a page is rendered from, hashed: equal keys render equal pages.
pub type PageKey = [u8; 32];

/// A SHA-256, kept as its 32 bytes and written in lowercase hex (in the manifest and the page
/// record). A site of 100,000 reports has hundreds of thousands of files; their hashes in hex
/// strings would be tens of megabytes of a build's peak memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sha256Sum(pub [u8; 32]);

impl Sha256Sum {
    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Sha256Sum {
        Sha256Sum(Sha256::digest(bytes).into())
    }

    /// The hash spelled by `text`, 64 hex digits (either case); `None` for anything else.
    pub fn parse(text: &str) -> Option<Sha256Sum> {
        let text = text.as_bytes();
        if text.len() != 64 {
            return None;
        }
        let digit = |byte: u8| {
            char::from(byte)
                .to_digit(16)
                .and_then(|d| u8::try_from(d).ok())
        };
        let mut bytes = [0; 32];
        for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
            *byte = digit(pair[0])? << 4 | digit(pair[1])?;
        }
        Some(Sha256Sum(bytes))
    }
}

impl std::fmt::Display for Sha256Sum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl Serialize for Sha256Sum {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Sha256Sum {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Sha256Sum::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("not a SHA-256 in 64 hex digits"))
    }
}

/// One file of this build: the key of the page it is (`None` for a file that is not a page,
/// which is never kept from a previous build), and what was written.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RecordedPage {
    key: Option<PageKey>,
    sha256: Sha256Sum,
    size: u64,
    modified_ns: i64,
    /// The file's identity when its bytes were last known: written, or found unchanged (and
    /// then linked). `None` when it is not known to hold the recorded bytes.
    identity: Option<FileIdentity>,
    /// Whether this build linked the file from the previous site rather than wrote it.
    linked: bool,
}

/// Which file a page was, and when it last changed: its device, its inode and its change
/// time. Every write, link, rename and time reset moves a file's change time to the clock's
/// present, and only the clock can set it back, so a file with the recorded identity holds the
/// recorded bytes (the reasoning git applies to its index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileIdentity {
    device: u64,
    inode: u64,
    changed_ns: i64,
}

impl FileIdentity {
    /// The identity of the file `metadata` describes; `None` when its change time does not fit
    /// 64 bits of nanoseconds (about 1677 to 2262): such a file is never known unchanged.
    fn of(metadata: &fs::Metadata) -> Option<FileIdentity> {
        use std::os::unix::fs::MetadataExt as _;
        Some(FileIdentity {
            device: metadata.dev(),
            inode: metadata.ino(),
            changed_ns: metadata
                .ctime()
                .checked_mul(1_000_000_000)?
                .checked_add(metadata.ctime_nsec())?,
        })
    }
}

/// The files a build has written so far: the latest [`RECORD_CHUNK`] in memory, the ones
/// before them set aside in an unnamed file in the staging folder (gone when the build ends,
/// however it ends). A site of 100,000 reports writes over 400,000 files while every report
/// is held, and their record is wanted only when publishing, once the reports are let go: in
/// memory it would be about 90 MB of the build's peak.
#[derive(Default)]
struct Written {
    /// The files recorded since the last chunk was set aside.
    chunk: Vec<(String, RecordedPage)>,
    /// The chunks set aside; created with the first, so a small site never has one.
    aside: Option<std::io::BufWriter<fs::File>>,
    /// How many files were set aside.
    aside_count: usize,
}

impl Written {
    /// Record `page`, written at `relative`; a full chunk goes to a file in `folder`.
    fn push(&mut self, relative: &str, page: RecordedPage, folder: &Path) -> anyhow::Result<()> {
        self.chunk.push((relative.to_owned(), page));
        if self.chunk.len() < RECORD_CHUNK {
            return Ok(());
        }
        let aside = match &mut self.aside {
            Some(aside) => aside,
            None => {
                let file = tempfile::tempfile_in(folder).with_context(|| {
                    format!("cannot create a temporary file in {}", folder.display())
                })?;
                self.aside
                    .insert(std::io::BufWriter::with_capacity(64 * 1024, file))
            }
        };
        for (relative, page) in self.chunk.drain(..) {
            encode_written(aside, &relative, &page).with_context(|| {
                format!(
                    "cannot set the list of files written aside in {}",
                    folder.display()
                )
            })?;
            self.aside_count += 1;
        }
        Ok(())
    }

    /// Every file recorded, in the order recorded.
    fn into_list(self) -> std::io::Result<Vec<(String, RecordedPage)>> {
        use std::io::Seek as _;
        let mut list = Vec::with_capacity(self.aside_count + self.chunk.len());
        if let Some(aside) = self.aside {
            let mut file = aside.into_inner().map_err(|error| error.into_error())?;
            file.seek(std::io::SeekFrom::Start(0))?;
            let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
            for _ in 0..self.aside_count {
                list.push(decode_written(&mut reader)?);
            }
        }
        list.extend(self.chunk);
        Ok(list)
    }
}

/// Write one recorded file to `out` (read by [`decode_written`]): the path's length and
/// bytes, then each field, numbers little-endian, an absent value as a 0 byte.
fn encode_written(
    out: &mut impl std::io::Write,
    relative: &str,
    page: &RecordedPage,
) -> std::io::Result<()> {
    // Taken apart whole, so a field added to `RecordedPage` cannot be forgotten here.
    let RecordedPage {
        key,
        sha256,
        size,
        modified_ns,
        identity,
        linked,
    } = page;
    out.write_all(&(relative.len() as u64).to_le_bytes())?;
    out.write_all(relative.as_bytes())?;
    match key {
        Some(key) => {
            out.write_all(&[1])?;
            out.write_all(key)?;
        }
        None => out.write_all(&[0])?,
    }
    out.write_all(&sha256.0)?;
    out.write_all(&size.to_le_bytes())?;
    out.write_all(&modified_ns.to_le_bytes())?;
    match identity {
        Some(identity) => {
            out.write_all(&[1])?;
            out.write_all(&identity.device.to_le_bytes())?;
            out.write_all(&identity.inode.to_le_bytes())?;
            out.write_all(&identity.changed_ns.to_le_bytes())?;
        }
        None => out.write_all(&[0])?,
    }
    out.write_all(&[u8::from(*linked)])
}

/// Read one recorded file written by [`encode_written`].
fn decode_written(input: &mut impl std::io::Read) -> std::io::Result<(String, RecordedPage)> {
    fn invalid(what: &str) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("the list of files written has {what}"),
        )
    }
    fn bytes<const N: usize>(input: &mut impl std::io::Read) -> std::io::Result<[u8; N]> {
        let mut bytes = [0; N];
        input.read_exact(&mut bytes)?;
        Ok(bytes)
    }
    fn present(input: &mut impl std::io::Read) -> std::io::Result<bool> {
        match bytes::<1>(input)? {
            [0] => Ok(false),
            [1] => Ok(true),
            _ => Err(invalid("a flag that is neither 0 nor 1")),
        }
    }
    // No path of a site comes near this; a larger length is a damaged file.
    const LONGEST_PATH: u64 = 64 * 1024;
    let length = u64::from_le_bytes(bytes(input)?);
    if length > LONGEST_PATH {
        return Err(invalid("a path longer than any file's"));
    }
    let mut path = vec![0; length as usize];
    input.read_exact(&mut path)?;
    let relative = String::from_utf8(path).map_err(|_| invalid("a path that is not UTF-8"))?;
    let key = present(input)?.then(|| bytes::<32>(input)).transpose()?;
    let sha256 = Sha256Sum(bytes(input)?);
    let size = u64::from_le_bytes(bytes(input)?);
    let modified_ns = i64::from_le_bytes(bytes(input)?);
    let identity = if present(input)? {
        Some(FileIdentity {
            device: u64::from_le_bytes(bytes(input)?),
            inode: u64::from_le_bytes(bytes(input)?),
            changed_ns: i64::from_le_bytes(bytes(input)?),
        })
    } else {
        None
    };
    let linked = present(input)?;
    Ok((
        relative,
        RecordedPage {
            key,
            sha256,
            size,
            modified_ns,
            identity,
            linked,
        },
    ))
}

/// The previous build's pages, which this build may keep instead of rendering.
struct Previous {
    /// The previous manifest's hashes, by path.
    files: BTreeMap<String, Sha256Sum>,
    /// The record, by path.
    pages: HashMap<String, RecordedPage>,
    /// When the record was written (its modification time).
    recorded_ns: i64,
}

/// The site the published one replaced, kept beside it (`.<name>.candor-spare`) with its
/// record, so that the next build updates it in place rather than making every folder and
/// linking every page anew: most of its pages are the ones the next site needs, and a page
/// kept where it is costs one look at the file.
struct Spare {
    /// Its pages, as its record and its manifest describe them.
    previous: Previous,
    /// Every file it held when taken, relative: those this build neither keeps nor writes are
    /// removed before it is published.
    files: Vec<String>,
    /// Its folders when it was looked over: it is taken only if they are unchanged, and
    /// have the permissions and owner of a folder this build creates.
    folders: Folders,
}

/// `manifest.json`: what was built from what, and the SHA-256 of every other file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// `candor <version>`.
    pub generator: String,
    /// The commit the site was built from (`null` for a working-tree preview).
    pub source_commit: Option<String>,
    /// A national site's source repositories, each with the commit it was read from (or why
    /// it could not be, and the commit last published from it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRecord>,
    /// Every file of the site but the manifest, with its SHA-256 in hex.
    pub files: BTreeMap<String, Sha256Sum>,
}

/// What a manifest says of a build beside its files, which the staging folder knows.
#[derive(Clone, Debug, Default)]
pub struct ManifestHead {
    /// `candor <version>`.
    pub generator: String,
    /// The commit the site was built from (`None` for a working-tree preview).
    pub source_commit: Option<String>,
    /// A national site's source repositories.
    pub sources: Vec<SourceRecord>,
}

/// A [`Manifest`] as written: its head, and the files from the staging folder's record
/// (sorted by path, as a `BTreeMap` orders them), so the file list is never copied.
#[derive(Serialize)]
struct ManifestOut<'a> {
    generator: &'a str,
    source_commit: &'a Option<String>,
    #[serde(skip_serializing_if = "<[SourceRecord]>::is_empty")]
    sources: &'a [SourceRecord],
    files: FilesOut<'a>,
}

/// The files of a manifest as written, from the sorted record.
struct FilesOut<'a>(&'a [(String, RecordedPage)]);

impl Serialize for FilesOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(path, file)| (path, file.sha256)))
    }
}

impl Manifest {
    /// The manifest of the site Candor built in `out`, if there is one.
    pub fn read(out: &Path) -> Option<Manifest> {
        fs::read(out.join(MANIFEST))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .filter(|m: &Manifest| m.generator.starts_with("candor"))
    }
}

/// One source repository of a national site, as the manifest records it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// Its name (the namespace of its keys).
    pub name: String,
    /// Where it is fetched from.
    pub git: String,
    /// The commit its reports were read from, when it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Why it is not in this build, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// The commit of the last build that published it (from the previous manifest), when it
    /// failed in this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_published: Option<String>,
    /// How many of its reports were published.
    #[serde(default)]
    pub reports: usize,
}

pub(crate) fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push(DIGITS[usize::from(byte >> 4)] as char);
        hex.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    hex
}

/// A writer into a SHA-256.
pub(crate) struct HashSink(pub(crate) Sha256);

impl std::io::Write for HashSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A writer that hashes what passes through it, and refuses to grow past a limit.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    written: u64,
    limit: u64,
}

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.written.saturating_add(bytes.len() as u64) > self.limit {
            return Err(std::io::Error::other(format!(
                "the file would be larger than `limits.max_page_bytes` ({} bytes); a template may be looping",
                self.limit
            )));
        }
        let written = self.inner.write(bytes)?;
        self.written += written as u64;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A staging folder for one build.
pub struct Staging {
    out: PathBuf,
    temp: PathBuf,
    /// The largest page this build may render.
    max_file_bytes: u64,
    committed: bool,
    /// The previous build's pages, for an incremental build.
    previous: Option<Previous>,
    /// The spare site, when the staging folder is it (an incremental build).
    spare: Option<Spare>,
    /// Whether pages may be kept (and the site replaced kept as a spare).
    incremental: bool,
    /// The output folder's folders when it was looked over: unchanged, they hold only the
    /// files that look found, which were all Candor's (see [`folders_unchanged`]).
    out_folders: Option<(Folders, i64)>,
    /// The files of this build, for the manifest and (its pages) the next build's record.
    recorded: Mutex<Written>,
    /// Pages kept from the previous build rather than rendered.
    kept: AtomicUsize,
    /// Pages hashed again to be kept, not known unchanged by their identity.
    hashed: AtomicUsize,
    /// The permissions and owner of a file this build creates: a kept page must have them.
    fresh: (u32, u32),
    /// The previous build's parts of its large files ([`crate::parts`]), for an incremental
    /// build.
    previous_parts: Option<crate::parts::Previous>,
    /// This build's parts, listed for the next build.
    parts: crate::parts::Noted,
    /// An exclusive lock on the output's parent folder, held until the build ends, so two
    /// builds can never write the same output at once.
    _lock: fs::File,
}

/// The first half of [`Staging::prepare`], which may run while the reports are checked: the
/// output folder looked over (a walk of every file, to refuse one no build wrote), the
/// previous site's record and the spare site read. It only reads, and takes no lock:
/// [`Preparation::stage`] takes the lock, and uses what was read only if the output folder,
/// the records, the parts list and the spare's folder are still the very files that were read
/// (a build that published meanwhile replaced the ones it wrote); otherwise it reads them
/// again. The spare is taken only if every one of its folders is as the look found it.
pub struct Preparation {
    out: PathBuf,
    incremental: bool,
    /// What was read, unless something could not be (then it is read again, under the lock,
    /// where an error is reported).
    looked: Option<LookedOver>,
}

/// What [`Preparation::start`] read.
struct LookedOver {
    /// The identities of the output folder, its record, its parts list, the spare site and
    /// its record (`None` for one missing) when they were read.
    seen: Vec<Option<FileIdentity>>,
    /// The output folder's folders as they were when it was looked over, and when its record
    /// was written (see [`folders_unchanged`]).
    folders: Option<(Folders, i64)>,
    previous: Option<Previous>,
    previous_parts: Option<crate::parts::Previous>,
    spare: SpareFound,
}

impl LookedOver {
    /// Look over `out` (absolute) for a build; `None` when it cannot be published into.
    fn read(out: &Path, incremental: bool) -> Option<LookedOver> {
        let seen = looked_at(out);
        // The manifest the walk was checked against is the one the record is read with.
        let (manifest, folders) = owned_files(out)
            .ok()?
            .map(|(manifest, _, folders)| (manifest, folders))
            .unzip();
        let previous = manifest
            .filter(|_| incremental)
            .and_then(|manifest| read_record(manifest, &beside(out, RECORD_SUFFIX)));
        Some(LookedOver {
            seen,
            // Kept for an incremental build only: a site of 100,000 reports has 200,000
            // folders, and a full build's peak memory is what bounds the largest site. The
            // record was written after the site's last change (its change time is the bound).
            folders: folders
                .zip(previous.as_ref())
                .map(|(folders, previous)| (folders, previous.recorded_ns)),
            previous,
            previous_parts: incremental
                .then(|| crate::parts::Previous::read(out))
                .flatten(),
            spare: if incremental {
                find_spare(out)
            } else {
                SpareFound::None
            },
        })
    }
}

/// The identities of what [`LookedOver`] reads: the output folder, its record and parts list,
/// the spare site and its record.
fn looked_at(out: &Path) -> Vec<Option<FileIdentity>> {
    let paths = [
        out.to_path_buf(),
        beside(out, RECORD_SUFFIX),
        beside(out, crate::parts::SUFFIX),
        beside(out, SPARE_SUFFIX),
        beside(out, SPARE_RECORD_SUFFIX),
    ];
    paths
        .iter()
        .map(|path| {
            fs::symlink_metadata(path)
                .ok()
                .and_then(|metadata| FileIdentity::of(&metadata))
        })
        .collect()
}

impl Preparation {
    /// Look over `out` for a build; with `incremental`, read what the previous builds left.
    pub fn start(out: &Path, incremental: bool) -> Preparation {
        Preparation {
            out: out.to_path_buf(),
            incremental,
            looked: absolute(out)
                .ok()
                .and_then(|out| LookedOver::read(&out, incremental)),
        }
    }

    /// A preparation that has read nothing yet: [`Preparation::stage`] reads it all.
    pub fn start_later(out: &Path, incremental: bool) -> Preparation {
        Preparation {
            out: out.to_path_buf(),
            incremental,
            looked: None,
        }
    }

    /// Lock and check the output folder, clean up what killed builds left beside it, and
    /// create the staging folder (the spare site, taken, when there is a usable one), for
    /// pages of at most `max_file_bytes`.
    pub fn stage(self, max_file_bytes: u64) -> anyhow::Result<Staging> {
        let Preparation {
            out,
            incremental,
            looked,
        } = self;
        let out = absolute(&out)?;
        let parent = out
            .parent()
            .with_context(|| format!("{} cannot be an output folder", out.display()))?
            .to_path_buf();
        let name = out
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("{} cannot be an output folder", out.display()))?
            .to_owned();
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        // One lock per output folder, beside it: two sites in one folder build at once.
        let lock_path = beside(&out, "candor-lock");
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot open the lock file {}", lock_path.display()))?;
        if let Err(error) =
            rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive)
        {
            if error == rustix::io::Errno::WOULDBLOCK {
                bail!(
                    "another Candor build is writing into {} right now; run this one again when it has finished",
                    out.display()
                );
            }
            return Err(std::io::Error::from(error))
                .with_context(|| format!("cannot lock {}", lock_path.display()));
        }
        refuse_mount_point(&out, &parent)?;
        recover(&out, &parent, &name)?;
        let looked = match looked {
            Some(looked) if looked.seen == looked_at(&out) => looked,
            _ => {
                guard(&out)?;
                LookedOver::read(&out, incremental).with_context(|| {
                    format!("{} changed while it was looked over", out.display())
                })?
            }
        };
        remove_stale(&parent, &name);
        let temp = parent.join(format!(".{name}.candor-tmp-{}", std::process::id()));
        if temp.exists() {
            fs::remove_dir_all(&temp)
                .with_context(|| format!("cannot clear {}", temp.display()))?;
        }
        fs::create_dir(&temp)
            .with_context(|| format!("cannot create the staging folder {}", temp.display()))?;
        // An incremental build updates the spare site where it is; a full one starts empty.
        // The spare is taken only when its folders are as the look found them (nothing was
        // added to it since) and as this build would make them (permissions and owner).
        let new_folder = {
            use std::os::unix::fs::MetadataExt as _;
            let made =
                fs::metadata(&temp).with_context(|| format!("cannot read {}", temp.display()))?;
            (made.mode() & 0o7777, made.uid())
        };
        let spare_path = beside(&out, SPARE_SUFFIX);
        let spare = match looked.spare {
            SpareFound::Usable(spare)
                if folders_unchanged(
                    &spare.folders,
                    spare.previous.recorded_ns,
                    &spare.previous.files,
                ) =>
            {
                let alike = spare
                    .folders
                    .iter()
                    .all(|(_, seen)| seen.is_some_and(|(_, access)| access == new_folder));
                if !alike {
                    let _ = fs::remove_dir_all(&spare_path);
                }
                (alike && fs::remove_dir(&temp).is_ok() && fs::rename(&spare_path, &temp).is_ok())
                    .then_some(spare)
            }
            SpareFound::Useless => {
                let _ = fs::remove_dir_all(&spare_path);
                None
            }
            SpareFound::Usable(_) | SpareFound::None => None,
        };
        if spare.is_none() && !temp.is_dir() {
            fs::create_dir(&temp)
                .with_context(|| format!("cannot create the staging folder {}", temp.display()))?;
        }
        fs::write(temp.join(STAGING_MARKER), b"")
            .with_context(|| format!("cannot write in {}", temp.display()))?;
        let fresh = {
            use std::os::unix::fs::MetadataExt as _;
            let marker = fs::metadata(temp.join(STAGING_MARKER))
                .with_context(|| format!("cannot read {}", temp.display()))?;
            (marker.mode() & 0o7777, marker.uid())
        };
        let parts = crate::parts::Noted::new(&out);
        Ok(Staging {
            previous_parts: looked.previous_parts,
            parts,
            out,
            temp,
            max_file_bytes,
            committed: false,
            previous: looked.previous,
            spare,
            out_folders: looked.folders,
            incremental,
            recorded: Mutex::new(Written::default()),
            kept: AtomicUsize::new(0),
            hashed: AtomicUsize::new(0),
            fresh,
            _lock: lock,
        })
    }
}

impl Staging {
    /// Check `out`, clean up what killed builds left beside it, and create a staging folder.
    /// With `incremental`, pages the previous build in `out` rendered from the same inputs
    /// are linked rather than rendered again.
    pub fn prepare(out: &Path, max_file_bytes: u64, incremental: bool) -> anyhow::Result<Staging> {
        Preparation::start(out, incremental).stage(max_file_bytes)
    }

    /// The part of the file `name` made from `key` in the previous build, when it can be
    /// copied ([`crate::parts`]); `None` when it must be made again.
    pub fn previous_part(&self, name: &str, key: &PageKey) -> Option<Vec<u8>> {
        self.previous_parts.as_ref()?.part(name, key)
    }

    /// Note that `bytes`, made from `key`, were written at `offset` in the file `name`, so the
    /// next build may copy them.
    pub fn note_part(&self, name: &str, key: &PageKey, offset: u64, bytes: &[u8]) {
        self.parts.note(name, key, offset, bytes);
    }

    /// How many pages were kept from the previous build instead of rendered.
    pub fn kept(&self) -> usize {
        self.kept.load(Ordering::Relaxed)
    }

    /// The staging folder.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Write one file (path relative to the site root).
    pub fn write(&self, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
        // Writes larger than the buffer go straight to the file.
        self.write_streamed(relative, 8 * 1024, |out| {
            out.write_all(bytes)
                .with_context(|| format!("cannot write {relative}"))
        })
    }

    /// Write `relative` by streaming into it, so no file is ever held whole in memory. `fill`
    /// errors are reported as they are.
    pub fn write_streamed(
        &self,
        relative: &str,
        buffer: usize,
        fill: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let file = self.write_sized(relative, None, buffer, u64::MAX, fill)?;
        self.record(relative, file)
    }

    /// [`Staging::write_streamed`] for a page rendered by a template: at most
    /// `limits.max_page_bytes`, so a template that loops cannot fill the disk. (Open data files
    /// grow with the number of reports and are not capped.)
    ///
    /// `key` names everything the page is rendered from: when the previous build rendered
    /// this page from the same key and its file is unchanged, the file is kept instead and
    /// `fill` is not called.
    pub fn write_page(
        &self,
        relative: &str,
        key: PageKey,
        buffer: usize,
        fill: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        if self.keep_page(relative, &key)? {
            return Ok(());
        }
        self.write_new_page(relative, key, buffer, fill)
    }

    /// Keep the previous build's `relative` if it was rendered from `key` and is unchanged
    /// (see [`Staging::write_page`]); `false` when it must be rendered.
    pub fn keep_page(&self, relative: &str, key: &PageKey) -> anyhow::Result<bool> {
        let Some(page) = self
            .keep_spare(relative, key)
            .or_else(|| self.keep_previous(relative, key))
        else {
            return Ok(false);
        };
        self.record(relative, page)?;
        self.kept.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// [`Staging::write_page`] for a page [`Staging::keep_page`] could not keep.
    pub fn write_new_page(
        &self,
        relative: &str,
        key: PageKey,
        buffer: usize,
        fill: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let page = self.write_sized(relative, Some(key), buffer, self.max_file_bytes, fill)?;
        self.record(relative, page)
    }

    fn record(&self, relative: &str, page: RecordedPage) -> anyhow::Result<()> {
        self.recorded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(relative, page, &self.temp)
    }

    /// The page `relative` of `previous` and the metadata of its file at `path`, if it was
    /// rendered from `key` and the file still has the size, time, owner and permissions the
    /// record and the manifest describe; with whether the file is known unchanged since.
    fn recorded<'p>(
        &self,
        previous: &'p Previous,
        relative: &str,
        key: &PageKey,
        path: &Path,
    ) -> Option<(&'p RecordedPage, fs::Metadata, bool)> {
        use std::os::unix::fs::MetadataExt as _;
        let page = previous.pages.get(relative)?;
        if page.key != Some(*key)
            || previous.files.get(relative) != Some(&page.sha256)
            || page.size > self.max_file_bytes
        {
            return None;
        }
        let metadata = fs::symlink_metadata(path).ok()?;
        if !metadata.is_file()
            || metadata.len() != page.size
            || modified_ns(&metadata) != Some(page.modified_ns)
            || (metadata.mode() & 0o7777, metadata.uid()) != self.fresh
        {
            return None;
        }
        // The same file, unchanged since the record was written. A change time as late as
        // the record's own may hide a change made in the same tick of the clock, so such a
        // page is read again.
        let unchanged = page.identity.is_some_and(|identity| {
            FileIdentity::of(&metadata) == Some(identity)
                && identity.changed_ns < previous.recorded_ns
        });
        Some((page, metadata, unchanged))
    }

    /// Keep the spare site's `relative` where it is in the staging folder, if it was rendered
    /// from `key` and is known unchanged since the spare's record was written. A file that is
    /// not known unchanged is not read: the published site's is linked (and checked) instead,
    /// or the page rendered.
    fn keep_spare(&self, relative: &str, key: &PageKey) -> Option<RecordedPage> {
        let previous = &self.spare.as_ref()?.previous;
        let path = self.temp.join(relative);
        let (page, metadata, unchanged) = self.recorded(previous, relative, key, &path)?;
        unchanged.then(|| RecordedPage {
            identity: FileIdentity::of(&metadata),
            linked: false,
            ..page.clone()
        })
    }

    /// Keep the previous build's `relative`, linked into the staging folder, if it was
    /// rendered from `key` and is still the file the record and the manifest describe.
    fn keep_previous(&self, relative: &str, key: &PageKey) -> Option<RecordedPage> {
        let previous = self.previous.as_ref()?;
        let source = self.out.join(relative);
        let (page, metadata, unchanged) = self.recorded(previous, relative, key, &source)?;
        let target = self.temp.join(relative);
        self.in_staging(&target, || fs::hard_link(&source, &target))
            .ok()?;
        // What was linked is checked again: the output folder may have been swapped for
        // something else since the look above. A file not known unchanged is read again, not
        // trusted: it may have been changed in place with its times reset.
        let linked = fs::symlink_metadata(&target)
            .ok()
            .and_then(|linked| FileIdentity::of(&linked))
            .filter(|linked| {
                FileIdentity::of(&metadata).is_some_and(|source| {
                    (linked.device, linked.inode) == (source.device, source.inode)
                })
            });
        let read_again = || {
            self.hashed.fetch_add(1, Ordering::Relaxed);
            hashes_to(&target, page)
        };
        if linked.is_some() && (unchanged || read_again()) {
            Some(RecordedPage {
                identity: linked,
                linked: true,
                ..page.clone()
            })
        } else {
            let _ = fs::remove_file(&target);
            None
        }
    }

    /// Write `relative` through `fill`; returns what the record keeps of it under `key`.
    fn write_sized(
        &self,
        relative: &str,
        key: Option<PageKey>,
        buffer: usize,
        limit: u64,
        fill: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<RecordedPage> {
        let path = self.temp.join(relative);
        // Always a new file: one left in a spare site may share its bytes with the published
        // site (a link), and must never be written through.
        let file = self
            .in_staging(&path, || {
                fs::File::options().write(true).create_new(true).open(&path)
            })
            .with_context(|| format!("cannot write {}", path.display()))?;
        // Hash behind the buffer, so the hash sees a few large writes rather than many small.
        let mut out = std::io::BufWriter::with_capacity(
            buffer,
            HashingWriter {
                inner: file,
                hasher: Sha256::new(),
                written: 0,
                limit,
            },
        );
        fill(&mut out)?;
        let hashing = out
            .into_inner()
            .map_err(|error| error.into_error())
            .with_context(|| format!("cannot write {}", path.display()))?;
        let metadata = hashing.inner.metadata().ok();
        Ok(RecordedPage {
            key,
            sha256: Sha256Sum(hashing.hasher.finalize().into()),
            size: hashing.written,
            modified_ns: metadata.as_ref().and_then(modified_ns).unwrap_or_default(),
            identity: metadata.as_ref().and_then(FileIdentity::of),
            linked: false,
        })
    }

    /// Make the new file at `path` in the staging folder with `make`, out of the way of what a
    /// spare site holds there: a file where this build wants one (which may be a link to a
    /// published page: it is removed, never written through), a file where this build wants
    /// a folder, or a folder where it wants a file. A spare holds only files Candor wrote.
    fn in_staging<T>(
        &self,
        path: &Path,
        make: impl Fn() -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        match in_folder(path, &make) {
            // Only Candor's files are ever in the way: a spare's, or one this build wrote
            // twice (which publishing refuses).
            Err(error) if path.starts_with(&self.temp) => {
                let in_the_way = match error.kind() {
                    std::io::ErrorKind::AlreadyExists => Some(path.to_path_buf()),
                    std::io::ErrorKind::NotADirectory if self.spare.is_some() => path
                        .ancestors()
                        .skip(1)
                        .take_while(|folder| *folder != self.temp)
                        .find(|folder| fs::symlink_metadata(folder).is_ok_and(|m| m.is_file()))
                        .map(Path::to_path_buf),
                    _ => None,
                };
                let Some(in_the_way) = in_the_way else {
                    // Another thread put a folder in the file's place meanwhile.
                    return match error.kind() {
                        std::io::ErrorKind::NotADirectory if self.spare.is_some() => {
                            in_folder(path, &make)
                        }
                        _ => Err(error),
                    };
                };
                // Another thread may have removed it first (two pages in a folder where the
                // spare has a file).
                let removed = match fs::symlink_metadata(&in_the_way) {
                    Ok(metadata) if metadata.is_dir() => fs::remove_dir_all(&in_the_way),
                    Ok(_) => fs::remove_file(&in_the_way),
                    Err(error) => Err(error),
                };
                match removed {
                    Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error)?,
                    _ => {}
                }
                in_folder(path, &make)
            }
            made => made,
        }
    }

    /// Write the manifest, with `head` and every file written, and swap the staging folder in
    /// as `out`; returns how many files the site has, the manifest included.
    pub fn commit(mut self, head: &ManifestHead) -> anyhow::Result<usize> {
        // Nothing is copied from the previous site any more: its file is let go before that
        // site is removed (a file system such as NFS would keep an open one in its folder).
        self.previous_parts = None;
        let mut written = std::mem::take(
            self.recorded
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
        .into_list()
        .with_context(|| {
            format!(
                "cannot read back the list of files written in {}",
                self.temp.display()
            )
        })?;
        written.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if let Some(twice) = written.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            bail!(
                "{} was written twice in one build; this is a fault in Candor, please report it",
                twice[0].0
            );
        }
        let files = written.len() + 1;
        if let Some(spare) = self.spare.take() {
            remove_leftovers(&self.temp, spare.files, &written)?;
        }
        // Streamed: the manifest of a large site is megabytes.
        let manifest = ManifestOut {
            generator: &head.generator,
            source_commit: &head.source_commit,
            sources: &head.sources,
            files: FilesOut(&written),
        };
        self.write_sized(MANIFEST, None, 64 * 1024, u64::MAX, |out| {
            serde_json::to_writer_pretty(&mut *out, &manifest)
                .context("cannot encode the manifest")?;
            out.write_all(b"\n")
                .with_context(|| format!("cannot write {MANIFEST}"))
        })?;
        // Only pages go into the record: a file that is not one is always written again.
        let mut pages = written;
        pages.retain(|(_, page)| page.key.is_some());
        fs::remove_file(self.temp.join(STAGING_MARKER))
            .context("cannot finish the staging folder")?;
        sync_folder(&self.temp);
        // An incremental build keeps the site it replaces as the next build's spare, with the
        // record of that site's pages; a full build removes it, as it removed the spare.
        let out_unchanged = match (&self.out_folders, &self.previous) {
            (Some((folders, before_ns)), Some(previous)) => {
                folders_unchanged(folders, *before_ns, &previous.files)
            }
            _ => false,
        };
        let spare = if self.incremental {
            self.previous.take()
        } else {
            None
        };
        let mut spare_record = None;
        if self.out.exists() {
            // Check again: another process may have written into --out meanwhile. When no
            // folder of it has changed since it was looked over, nothing was added.
            if !out_unchanged {
                guard(&self.out)?;
            }
            match exchange(&self.temp, &self.out) {
                Ok(()) => {
                    // The staging path now holds the previous site, which the guard proved is
                    // ours: the next build's spare, or removed.
                    self.committed = true;
                    let spared = spare.is_some() && keep_as_spare(&self.out, &self.temp);
                    settle(&mut pages, &self.out, (!spared).then_some(&self.temp));
                    if spared {
                        spare_record = spare.map(|previous| spare_pages(previous, &pages));
                    } else {
                        remove_old_site(&self.temp);
                    }
                }
                Err(_) => {
                    // No atomic exchange on this file system (NFS, CIFS, some FUSE): set the
                    // previous site aside under a fixed name, move the new one in, and remove
                    // the old. A build killed between the two renames leaves the old site
                    // aside, and the next build puts it back (see `recover`).
                    let old = beside(&self.out, "candor-old");
                    if old.exists() {
                        guard(&old).with_context(|| {
                            format!("{} is in the way of publishing", old.display())
                        })?;
                        fs::remove_dir_all(&old)
                            .with_context(|| format!("cannot remove {}", old.display()))?;
                    }
                    fs::rename(&self.out, &old).with_context(|| {
                        format!("cannot move the previous site {} aside", self.out.display())
                    })?;
                    stop_here_in_tests();
                    if let Err(error) = fs::rename(&self.temp, &self.out) {
                        let _ = fs::rename(&old, &self.out);
                        return Err(error).with_context(|| {
                            format!("cannot move the new site into {}", self.out.display())
                        });
                    }
                    self.committed = true;
                    let spared = spare.is_some() && keep_as_spare(&self.out, &old);
                    settle(&mut pages, &self.out, (!spared).then_some(&old));
                    if spared {
                        spare_record = spare.map(|previous| spare_pages(previous, &pages));
                    } else {
                        remove_old_site(&old);
                    }
                }
            }
        } else {
            fs::rename(&self.temp, &self.out)
                .with_context(|| format!("cannot move the new site into {}", self.out.display()))?;
            self.committed = true;
            settle(&mut pages, &self.out, None);
        }
        if let Some(parent) = self.out.parent() {
            sync_folder(parent);
        }
        // The record goes last: a build stopped before this line leaves the previous record,
        // whose entries no longer match the files' hashes, sizes or times, so nothing stale
        // is ever linked.
        rayon::join(
            || {
                if let Some(previous) = spare_record {
                    write_record(&beside(&self.out, SPARE_RECORD_SUFFIX), previous);
                }
            },
            || write_record(&beside(&self.out, RECORD_SUFFIX), pages),
        );
        self.parts.finish(&self.out);
        Ok(files)
    }
}

/// Make the file at `path` with `make`, and if its folder is missing, create the folder and
/// try once more. Most files go into a folder made already, so trying first saves a system
/// call or two for each of tens of thousands of files.
fn in_folder<T>(path: &Path, make: impl Fn() -> std::io::Result<T>) -> std::io::Result<T> {
    match make() {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if let Some(folder) = path.parent() {
                fs::create_dir_all(folder)?;
            }
            make()
        }
        made => made,
    }
}

/// Whether the regular file at `path` (not a link) holds `page.size` bytes whose SHA-256 is
/// `page.sha256`.
fn hashes_to(path: &Path, page: &RecordedPage) -> bool {
    use std::io::Read as _;
    let Ok(file) = open_regular(path) else {
        return false;
    };
    let mut hasher = HashSink(Sha256::new());
    let size = std::io::copy(&mut file.take(page.size.saturating_add(1)), &mut hasher);
    size.is_ok_and(|size| size == page.size) && Sha256Sum(hasher.0.finalize().into()) == page.sha256
}

/// Open `path` for reading only if it is a regular file and not a link: never a pipe that
/// would block, a device, or a file elsewhere.
pub(crate) fn open_regular(path: &Path) -> std::io::Result<fs::File> {
    use rustix::fs::{Mode, OFlags};
    let descriptor = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let file = fs::File::from(descriptor);
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok(file)
}

/// A file's modification time in nanoseconds since 1970 (`None` when it does not fit 64 bits,
/// about 1677 to 2262: such a page is rendered again, not kept, and a record with such a time
/// is not read, so the build renders every page).
fn modified_ns(metadata: &fs::Metadata) -> Option<i64> {
    let modified = metadata.modified().ok()?;
    match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).ok(),
        Err(before) => i64::try_from(before.duration().as_nanos())
            .ok()
            .map(|ns| -ns),
    }
}

/// The pages of a site whose manifest is `manifest`, from the page record at `path`.
fn read_record(manifest: Manifest, path: &Path) -> Option<Previous> {
    use std::io::Read as _;
    /// Far more than the record of the largest site (about 200 bytes a page).
    const MAX_RECORD_BYTES: u64 = 1 << 30;
    let record = open_regular(path).ok()?;
    let metadata = record.metadata().ok()?;
    let recorded_ns = modified_ns(&metadata)?;
    // The text and the map are each sized once (a record that grew since is still read whole):
    // grown by doubling, each would take fresh memory again and again as it grew, every page
    // of it zeroed by the system, and the map would be hashed again at each step. At 50,000
    // pages that was about a fifth of the look over the output folder.
    let mut text = String::with_capacity(
        usize::try_from(metadata.len().min(MAX_RECORD_BYTES)).unwrap_or_default(),
    );
    record
        .take(MAX_RECORD_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    let mut lines = text.lines();
    if lines.next() != Some(RECORD_HEADER) {
        return None;
    }
    let mut pages = HashMap::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count());
    for line in lines {
        let (path, page) = parse_record_line(line)?;
        pages.insert(path.to_owned(), page);
    }
    Some(Previous {
        files: manifest.files,
        pages,
        recorded_ns,
    })
}

/// One line of the page record: "key sha256 size modified device inode changed path", times
/// in nanoseconds; "- - -" for an identity not known.
fn parse_record_line(line: &str) -> Option<(&str, RecordedPage)> {
    let mut fields = line.splitn(8, ' ');
    let mut next = || fields.next();
    let (key, sha256, size, modified) = (next()?, next()?, next()?, next()?);
    let (device, inode, changed, path) = (next()?, next()?, next()?, next()?);
    let page = RecordedPage {
        key: Some(Sha256Sum::parse(key)?.0),
        sha256: Sha256Sum::parse(sha256)?,
        size: size.parse().ok()?,
        modified_ns: modified.parse().ok()?,
        identity: if [device, inode, changed] == ["-"; 3] {
            None
        } else {
            Some(FileIdentity {
                device: device.parse().ok()?,
                inode: inode.parse().ok()?,
                changed_ns: changed.parse().ok()?,
            })
        },
        linked: false,
    };
    Some((path, page))
}

/// The line of the page record for `page` at `relative` (read by [`parse_record_line`]).
fn record_line(relative: &str, page: &RecordedPage) -> String {
    let identity = match page.identity {
        Some(identity) => format!(
            "{} {} {}",
            identity.device, identity.inode, identity.changed_ns
        ),
        None => "- - -".to_owned(),
    };
    format!(
        "{} {} {} {} {identity} {relative}",
        hex(&page.key.unwrap_or_default()),
        page.sha256,
        page.size,
        page.modified_ns
    )
}

/// Carry each published page's identity from the moment its bytes were known (written, or
/// found unchanged) to the published site, or drop it when the file changed since: a page
/// without an identity is hashed again by the next build. A linked page shares its file with
/// the previous site in `old`, whose removal changes the file's change time: its link there
/// is removed first and the page looked at again at once, so a change made meanwhile is only
/// missed within a few system calls.
fn settle(pages: &mut [(String, RecordedPage)], out: &Path, old: Option<&Path>) {
    use rayon::prelude::*;
    let identity_at = |path: &Path| {
        fs::symlink_metadata(path)
            .ok()
            .filter(fs::Metadata::is_file)
            .and_then(|metadata| FileIdentity::of(&metadata))
    };
    pages.par_iter_mut().for_each(|(relative, page)| {
        let published = out.join(relative.as_str());
        let Some(known) = page.identity.take() else {
            return;
        };
        if identity_at(&published) != Some(known) {
            return;
        }
        page.identity = match (page.linked, old) {
            (true, Some(old)) => {
                let _ = fs::remove_file(old.join(relative.as_str()));
                identity_at(&published)
                    .filter(|now| (now.device, now.inode) == (known.device, known.inode))
            }
            _ => Some(known),
        };
    });
}

/// Remove the previous site at `old`, once replaced (the guard proved every file in it is
/// Candor's). The folders at its top are removed at once on the pool's threads: a large
/// site's tens of thousands of files take a while to remove one after the other. Each is
/// removed as `fs::remove_dir_all` does, never following a link. The manifest goes last: a
/// site whose removal failed or was cut short still holds it and every other file it lists
/// is Candor's, so the next build clears it (see `remove_stale` and `recover`).
fn remove_old_site(old: &Path) {
    use rayon::prelude::*;
    let Ok(entries) = fs::read_dir(old) else {
        return;
    };
    let entries: Vec<fs::DirEntry> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name() != MANIFEST)
        .collect();
    entries.par_iter().for_each(|entry| {
        let _ = match entry.file_type() {
            Ok(kind) if kind.is_dir() => fs::remove_dir_all(entry.path()),
            _ => fs::remove_file(entry.path()),
        };
    });
    let _ = fs::remove_dir_all(old);
}

/// Write the record of the pages published in `out` (through a temporary file and a rename,
/// so a reader never sees half of it). A record that cannot be written only makes the next
/// build a full one.
fn write_record(path: &Path, mut pages: Vec<(String, RecordedPage)>) {
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    // One build at a time writes beside an output folder (the lock): a file a killed build
    // left here is simply written over.
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    // Created anew, never opened through a link someone left in its place.
    let _ = fs::remove_file(&temporary);
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|file| {
            // Streamed: the record of a large site is tens of megabytes.
            let mut file = std::io::BufWriter::with_capacity(64 * 1024, file);
            writeln!(file, "{RECORD_HEADER}")?;
            for (relative, page) in &pages {
                // A page whose name would break the line is left out: the next build renders
                // it. One without an identity is written with `-` for it: hashed again.
                if relative.contains('\n') {
                    continue;
                }
                writeln!(file, "{}", record_line(relative, page))?;
            }
            file.into_inner().map_err(|error| error.into_error())?;
            Ok(())
        })
        .and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
        let _ = fs::remove_file(path);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
            self.parts.abandon();
        }
    }
}

/// What is in the spare site's place beside the output folder.
enum SpareFound {
    /// A spare, usable: everything in it was written by a build (its manifest covers every
    /// file) and its record can be read.
    Usable(Spare),
    /// Candor's, but of no use (empty, or without a record): removed before the build.
    Useless,
    /// Nothing, or something Candor did not write (left alone: the build starts empty).
    None,
}

/// Look over the spare site beside `out`.
fn find_spare(out: &Path) -> SpareFound {
    let path = beside(out, SPARE_SUFFIX);
    if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
        return SpareFound::None;
    }
    match owned_files(&path) {
        Ok(Some((manifest, files, folders))) => {
            match read_record(manifest, &beside(out, SPARE_RECORD_SUFFIX)) {
                Some(previous) => SpareFound::Usable(Spare {
                    previous,
                    files,
                    folders,
                }),
                None => SpareFound::Useless,
            }
        }
        Ok(None) => SpareFound::Useless,
        Err(_) => SpareFound::None,
    }
}

/// Keep the site just replaced, now at `old`, as the spare for the next build; `false` when
/// something else is in the spare's place. The spare's record is written once the site is
/// published ([`spare_pages`]); the one before it goes first, so a spare is never read with
/// another site's record.
fn keep_as_spare(out: &Path, old: &Path) -> bool {
    let spare = beside(out, SPARE_SUFFIX);
    if fs::symlink_metadata(&spare).is_ok() {
        return false;
    }
    let record = beside(out, SPARE_RECORD_SUFFIX);
    (fs::remove_file(&record).is_ok() || !record.exists()) && fs::rename(old, &spare).is_ok()
}

/// The record of the spare site: the previous build's pages, each linked into the published
/// site (`pages`) with the identity it has now. Linking a file moves its change time on, so
/// without this every page linked would be read again when the spare is next used.
fn spare_pages(
    previous: Previous,
    pages: &[(String, RecordedPage)],
) -> Vec<(String, RecordedPage)> {
    let mut spare = previous.pages;
    // Rewritten later than the record they come from, identities as late as that record
    // (which it would not have trusted) are dropped: those files are read again.
    for page in spare.values_mut() {
        if page
            .identity
            .is_some_and(|identity| identity.changed_ns >= previous.recorded_ns)
        {
            page.identity = None;
        }
    }
    for (relative, page) in pages.iter().filter(|(_, page)| page.linked) {
        if let Some(kept) = spare.get_mut(relative) {
            kept.identity = page.identity;
        }
    }
    spare.into_iter().collect()
}

/// Remove from the staging folder `temp` the files a spare site held that this build neither
/// kept nor wrote (`written`, sorted by path), and the folders they leave empty.
fn remove_leftovers(
    temp: &Path,
    files: Vec<String>,
    written: &[(String, RecordedPage)],
) -> anyhow::Result<()> {
    let mut emptied = Vec::new();
    for file in files {
        if file == MANIFEST
            || written
                .binary_search_by(|(path, _)| path.as_str().cmp(&file))
                .is_ok()
        {
            continue;
        }
        let path = temp.join(&file);
        match fs::remove_file(&path) {
            Ok(()) => emptied.extend(path.parent().map(Path::to_path_buf)),
            // Removed already: a page of this build took its place, or its folder's, or it is
            // a folder of this build now.
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::NotFound
                        | std::io::ErrorKind::NotADirectory
                        | std::io::ErrorKind::IsADirectory
                ) => {}
            Err(error) => {
                return Err(error).with_context(|| {
                    format!(
                        "cannot remove {}, which the new site does not have",
                        path.display()
                    )
                });
            }
        }
    }
    // Deepest first, so a folder's folders go before it; a folder still in use stays.
    emptied.sort_by_key(|folder| std::cmp::Reverse(folder.components().count()));
    emptied.dedup();
    for folder in emptied {
        for folder in folder.ancestors().take_while(|folder| *folder != temp) {
            if fs::remove_dir(folder).is_err() {
                break;
            }
        }
    }
    Ok(())
}

/// Swap two folders atomically (`renameat2(RENAME_EXCHANGE)`). Debug builds honour
/// `CANDOR_TEST_NO_RENAME_EXCHANGE`, so tests can take the path of file systems without it.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    if cfg!(debug_assertions) && std::env::var_os("CANDOR_TEST_NO_RENAME_EXCHANGE").is_some() {
        return Err(std::io::Error::from(std::io::ErrorKind::Unsupported));
    }
    rustix::fs::renameat_with(
        rustix::fs::CWD,
        a,
        rustix::fs::CWD,
        b,
        rustix::fs::RenameFlags::EXCHANGE,
    )
    .map_err(std::io::Error::from)
}

/// In debug builds with `CANDOR_TEST_STOP_BETWEEN_RENAMES`, end the process as a kill would,
/// between setting the previous site aside and moving the new one in.
fn stop_here_in_tests() {
    if cfg!(debug_assertions) && std::env::var_os("CANDOR_TEST_STOP_BETWEEN_RENAMES").is_some() {
        std::process::exit(9);
    }
}

/// A hidden file or folder beside the output folder `out`, named after it:
/// `.<name>.<suffix>`. Beside it are the build's lock (`candor-lock`), the page record
/// (`candor-pages`, kept there so the site holds only what is published) and, without an
/// atomic exchange, the previous site while the new one is moved in (`candor-old`).
pub(crate) fn beside(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.{suffix}"))
}

/// Undo what a build killed between two renames left: with `out` missing and the previous site
/// set aside, put it back; with both present, remove the set-aside copy. Only folders that a
/// Candor build wrote (their manifest covers every file) are moved or removed.
fn recover(out: &Path, parent: &Path, name: &str) -> anyhow::Result<()> {
    let old = parent.join(format!(".{name}.candor-old"));
    if !old.is_dir() || guard(&old).is_err() {
        return Ok(());
    }
    if out.exists() {
        fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))
    } else {
        fs::rename(&old, out).with_context(|| {
            format!(
                "cannot put back the previous site {} from {}",
                out.display(),
                old.display()
            )
        })
    }
}

/// Refuse an output folder that is a mount point (or on another file system than its parent):
/// a finished site is moved into place by renaming, which cannot replace a mount point.
fn refuse_mount_point(out: &Path, parent: &Path) -> anyhow::Result<()> {
    let (Ok(out_stat), Ok(parent_stat)) = (rustix::fs::stat(out), rustix::fs::stat(parent)) else {
        return Ok(());
    };
    if out_stat.st_dev != parent_stat.st_dev {
        bail!(
            "--out {} is a mount point (a different file system from {}); Candor publishes a site by renaming a finished folder into place, which cannot replace a mount point: use a folder inside it, such as {}",
            out.display(),
            parent.display(),
            out.join("site").display()
        );
    }
    Ok(())
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    Ok(std::env::current_dir()
        .context("cannot read the current folder")?
        .join(path))
}

fn sync_folder(path: &Path) {
    if let Ok(folder) = fs::File::open(path) {
        let _ = folder.sync_all();
    }
}

/// Refuse an output folder that holds anything an earlier build did not write.
pub fn guard(out: &Path) -> anyhow::Result<()> {
    owned_files(out).map(|_| ())
}

/// The manifest of `out` and every file in it, when an earlier build wrote all of them
/// (`None` when `out` is missing or empty); an error that says what is in the way otherwise.
fn owned_files(out: &Path) -> anyhow::Result<Option<(Manifest, Vec<String>, Folders)>> {
    let metadata = match fs::symlink_metadata(out) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", out.display())),
    };
    if !metadata.is_dir() {
        bail!(
            "--out {} is not a folder; choose a folder for the site",
            out.display()
        );
    }
    // The manifest first: a folder without one is refused at once, however many files it
    // holds (`--out $HOME` must not take a walk of the whole home folder to refuse).
    let Some(manifest) = Manifest::read(out) else {
        let empty = fs::read_dir(out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_none();
        if empty {
            return Ok(None);
        }
        let why = if out.join(MANIFEST).exists() {
            "its manifest.json is not one Candor can read"
        } else {
            "no manifest.json"
        };
        bail!(
            "--out {} is not empty and was not written by Candor ({why}); choose an empty or new folder, Candor never deletes files it did not write",
            out.display()
        );
    };
    let (files, folders) = list_files_and_folders(out)?;
    // Both in order: one pass over the two finds the files the manifest does not list.
    let mut listed = manifest.files.keys().peekable();
    let foreign: Vec<&String> = files
        .iter()
        .filter(|file| {
            while listed.next_if(|listed| listed < file).is_some() {}
            file.as_str() != MANIFEST && listed.peek() != Some(file)
        })
        .collect();
    if !foreign.is_empty() {
        let shown: Vec<&str> = foreign.iter().take(5).map(|f| f.as_str()).collect();
        bail!(
            "--out {} holds {} file(s) that a previous build did not write ({}{}); move them elsewhere or choose another folder, Candor never deletes files it did not write",
            out.display(),
            foreign.len(),
            shown.join(", "),
            if foreign.len() > 5 { ", ..." } else { "" }
        );
    }
    Ok(Some((manifest, files, folders)))
}

/// Every file under `folder`, relative, without following links; a link or a special file (a
/// pipe, a socket, a device) is refused, as no build writes one.
#[cfg(test)]
fn list_files(folder: &Path) -> anyhow::Result<Vec<String>> {
    Ok(list_files_and_folders(folder)?.0)
}

/// [`list_files`], with each folder's identity as it was just before its files were listed:
/// a file added to or removed from a folder since moves the folder's change time on.
fn list_files_and_folders(folder: &Path) -> anyhow::Result<(Vec<String>, Folders)> {
    let mut files = Vec::new();
    let mut folders = Vec::new();
    // Each folder to list, with the path of its files relative to `folder` ("" or "a/b/").
    let mut pending = vec![(folder.to_path_buf(), String::new())];
    while let Some((current, relative)) = pending.pop() {
        let seen = fs::symlink_metadata(&current).ok().and_then(|metadata| {
            use std::os::unix::fs::MetadataExt as _;
            FileIdentity::of(&metadata)
                .map(|identity| (identity, (metadata.mode() & 0o7777, metadata.uid())))
        });
        for entry in
            fs::read_dir(&current).with_context(|| format!("cannot read {}", current.display()))?
        {
            let entry = entry.with_context(|| format!("cannot read {}", current.display()))?;
            let file_type = entry.file_type()?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if file_type.is_dir() {
                pending.push((entry.path(), format!("{relative}{name}/")));
            } else if !file_type.is_file() {
                bail!(
                    "{} is a link or a special file, which Candor never writes; move it elsewhere or choose another folder",
                    entry.path().display()
                );
            } else {
                files.push(format!("{relative}{name}"));
            }
        }
        folders.push((current, seen));
    }
    files.sort_unstable();
    Ok((files, folders))
}

/// Every folder of a site, with its identity, permissions and owner when its files were
/// listed (`None` when they could not be known).
type Folders = Vec<(PathBuf, Option<(FileIdentity, (u32, u32))>)>;

/// Whether the site whose folders are `folders` (its own first), with the files `manifest`
/// lists, still holds only those files. Every folder but the site's own must be as it was
/// when listed, and last changed before `before_ns`, a time the file system stamped after
/// the site's last known change (its record's): any change since has a later change time,
/// however coarse the file system's clock. The site's own folder was renamed just before its
/// record was written, perhaps in the same tick, so it is listed again instead: every entry
/// must be one of those folders or a listed file.
fn folders_unchanged(
    folders: &Folders,
    before_ns: i64,
    manifest: &BTreeMap<String, Sha256Sum>,
) -> bool {
    use rayon::prelude::*;
    let Some(((root, Some((root_identity, _))), subfolders)) = folders.split_first() else {
        return false;
    };
    let root_listed = fs::read_dir(root).is_ok_and(|entries| {
        entries.into_iter().all(|entry| {
            entry.is_ok_and(|entry| {
                let path = entry.path();
                let name = entry.file_name();
                match entry.file_type() {
                    Ok(kind) if kind.is_dir() => folders.iter().any(|(folder, _)| *folder == path),
                    Ok(kind) if kind.is_file() => name
                        .to_str()
                        .is_some_and(|name| name == MANIFEST || manifest.contains_key(name)),
                    _ => false,
                }
            })
        })
    });
    let root_same = fs::symlink_metadata(root)
        .ok()
        .and_then(|metadata| FileIdentity::of(&metadata))
        .is_some_and(|now| (now.device, now.inode) == (root_identity.device, root_identity.inode));
    root_listed
        && root_same
        && subfolders.par_iter().all(|(path, seen)| {
            seen.is_some_and(|(identity, _)| {
                identity.changed_ns < before_ns
                    && fs::symlink_metadata(path)
                        .ok()
                        .and_then(|metadata| FileIdentity::of(&metadata))
                        == Some(identity)
            })
        })
}

/// Remove staging folders and set-aside sites that killed builds left next to `out`: only
/// folders with Candor's staging marker, or whose manifest covers every file in them.
fn remove_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}.candor-tmp-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if !file_name.starts_with(&prefix) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        // A live build elsewhere holds its own pid's folder; ours is recreated anyway.
        if let Some(pid) = file_name[prefix.len()..]
            .split('.')
            .next()
            .and_then(|p| p.parse::<u32>().ok())
            && pid != std::process::id()
            && Path::new(&format!("/proc/{pid}")).exists()
        {
            continue;
        }
        if path.join(STAGING_MARKER).exists() || guard(&path).is_ok() {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The head of a test build's manifest.
    fn test_head() -> ManifestHead {
        ManifestHead {
            generator: "candor test".into(),
            ..ManifestHead::default()
        }
    }

    #[test]
    fn sha256_of_abc() {
        let sum = Sha256Sum::of(b"abc");
        assert_eq!(
            sum.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Sha256Sum::parse(&sum.to_string()), Some(sum));
        assert_eq!(
            Sha256Sum::parse(&sum.to_string().to_uppercase()),
            Some(sum),
            "either case"
        );
        for not_one in ["", "ab", &"g".repeat(64), &"a".repeat(63), &"a".repeat(65)] {
            assert_eq!(Sha256Sum::parse(not_one), None, "{not_one}");
        }
        // One digit of a multi-byte character must not be taken for two hex digits.
        assert_eq!(Sha256Sum::parse(&format!("é{}", "a".repeat(62))), None);
    }

    #[test]
    fn the_files_written_read_back_as_recorded_in_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let page = |n: usize| RecordedPage {
            key: (!n.is_multiple_of(3)).then_some([n as u8; 32]),
            sha256: Sha256Sum([(n * 7) as u8; 32]),
            size: n as u64 * 1_000_003,
            modified_ns: -(n as i64) * 999_999_937,
            identity: (!n.is_multiple_of(5)).then_some(FileIdentity {
                device: u64::MAX - n as u64,
                inode: n as u64,
                changed_ns: i64::MIN + n as i64,
            }),
            linked: n.is_multiple_of(2),
        };
        let path = |n: usize| format!("da/hændelser/{n}/side {n}.html");
        let mut written = Written::default();
        let count = 2 * RECORD_CHUNK + 3;
        for n in 0..count {
            written.push(&path(n), page(n), dir.path()).unwrap();
        }
        // All but the last three were set aside, in an unnamed file: the folder stays empty.
        assert_eq!(
            (written.aside_count, written.chunk.len()),
            (2 * RECORD_CHUNK, 3)
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        let list = written.into_list().unwrap();
        assert_eq!(list.len(), count);
        for (n, (relative, recorded)) in list.into_iter().enumerate() {
            assert_eq!((relative, recorded), (path(n), page(n)));
        }
        // A damaged entry is an error, not a panic or a huge allocation.
        let mut bytes = Vec::new();
        encode_written(&mut bytes, "a.html", &page(1)).unwrap();
        let mut too_long = bytes.clone();
        too_long[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        let mut bad_flag = bytes.clone();
        bad_flag[8 + 6] = 2;
        for damaged in [too_long, bad_flag, bytes[..bytes.len() - 1].to_vec()] {
            assert!(decode_written(&mut damaged.as_slice()).is_err());
        }
        assert_eq!(
            decode_written(&mut bytes.as_slice()).unwrap(),
            ("a.html".to_owned(), page(1))
        );
    }

    #[test]
    fn the_manifest_lists_every_file_written_as_a_sorted_map_would() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let staging = Staging::prepare(&out, 1024 * 1024, false).unwrap();
        // Written out of order, pages and files that are not pages, from several threads;
        // more than two chunks, so that most of the list is set aside while the build runs.
        let pages = 2 * RECORD_CHUNK + 40;
        let files: Vec<(String, Vec<u8>)> = (0..pages)
            .rev()
            .map(|n| {
                (
                    format!("en/{}/page-{n}.html", n % 3),
                    format!("<p>{n}").into_bytes(),
                )
            })
            .chain([
                ("data/incidents.json".to_owned(), b"[]\n".to_vec()),
                ("index.html".to_owned(), b"<a>".to_vec()),
            ])
            .collect();
        use rayon::prelude::*;
        files.par_iter().for_each(|(path, bytes)| {
            if path.ends_with("page-7.html") || path.starts_with("data/") {
                staging.write(path, bytes).unwrap();
            } else {
                staging
                    .write_page(path, [1; 32], 64, |sink| Ok(sink.write_all(bytes)?))
                    .unwrap();
            }
        });
        let head = ManifestHead {
            generator: "candor test".into(),
            source_commit: Some("abc".into()),
            sources: vec![SourceRecord {
                name: "one".into(),
                git: "https://example.org/one.git".into(),
                ..SourceRecord::default()
            }],
        };
        assert_eq!(staging.commit(&head).unwrap(), files.len() + 1);
        let expected = Manifest {
            generator: head.generator.clone(),
            source_commit: head.source_commit.clone(),
            sources: head.sources.clone(),
            files: files
                .iter()
                .map(|(path, bytes)| (path.clone(), Sha256Sum::of(bytes)))
                .collect(),
        };
        let mut expected_bytes = serde_json::to_vec_pretty(&expected).unwrap();
        expected_bytes.push(b'\n');
        let written = fs::read(out.join(MANIFEST)).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            String::from_utf8(expected_bytes).unwrap()
        );
        assert_eq!(Manifest::read(&out), Some(expected));
        // The record holds the pages only: a file that is not a page is never kept.
        let record = fs::read_to_string(beside(&out, RECORD_SUFFIX)).unwrap();
        // The header, all numbered pages but one, and the index.
        assert_eq!(record.lines().count(), 1 + (pages - 1) + 1);
        assert!(!record.contains("page-7.html") && !record.contains("data/"));
        assert!(record.contains(" en/1/page-10.html\n"), "{record}");
    }

    #[test]
    fn a_file_written_twice_stops_the_publishing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let staging = Staging::prepare(&out, 1024 * 1024, false).unwrap();
        staging.write("en/a.html", b"one").unwrap();
        staging.write("en/a.html", b"two").unwrap();
        let error = staging.commit(&test_head()).unwrap_err().to_string();
        assert!(error.contains("en/a.html was written twice"), "{error}");
        assert!(!out.exists(), "nothing is published");
    }

    #[test]
    fn guard_refuses_foreign_files_and_accepts_own() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        assert!(guard(&out).is_ok(), "a missing folder is fine");
        fs::create_dir(&out).unwrap();
        assert!(guard(&out).is_ok(), "an empty folder is fine");
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let error = guard(&out).unwrap_err().to_string();
        assert!(
            error.contains("not written by Candor (no manifest.json)"),
            "{error}"
        );
        // A manifest that is not Candor's (here: a hash that is not one) does not make the
        // folder Candor's, and the message says the manifest is there.
        let not_a_hash = r#"{"generator": "candor 0.1.0", "source_commit": null, "files": {"notes.txt": "xyz"}}"#;
        fs::write(out.join(MANIFEST), not_a_hash).unwrap();
        let error = guard(&out).unwrap_err().to_string();
        assert!(
            error.contains("manifest.json is not one Candor can read"),
            "{error}"
        );

        let staging = Staging::prepare(&dir.path().join("fresh"), 1024 * 1024, false).unwrap();
        staging.write("a/b.html", b"<p>").unwrap();
        staging.commit(&test_head()).unwrap();
        assert!(guard(&dir.path().join("fresh")).is_ok());
        fs::write(dir.path().join("fresh/extra.txt"), "mine").unwrap();
        let error = guard(&dir.path().join("fresh")).unwrap_err().to_string();
        assert!(error.contains("extra.txt"), "{error}");
        fs::remove_file(dir.path().join("fresh/extra.txt")).unwrap();
        // A name that would read as a page's path were a backslash a separator is not the
        // page: on this system it is a file of its own, and not Candor's.
        fs::write(dir.path().join("fresh/a\\b.html"), "mine").unwrap();
        let error = guard(&dir.path().join("fresh")).unwrap_err().to_string();
        assert!(
            error.contains("1 file(s)") && error.contains("a\\b.html"),
            "{error}"
        );
    }

    #[test]
    fn a_full_build_removes_the_site_it_replaces_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let beside_out = || {
            let mut names: Vec<String> = fs::read_dir(dir.path())
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let staging = Staging::prepare(&out, 1024 * 1024, false).unwrap();
        for page in [
            "index.html",
            "en/a/1.html",
            "en/a/2.html",
            "da/b/c/3.html",
            "x.json",
        ] {
            staging.write(page, b"old").unwrap();
        }
        staging.commit(&test_head()).unwrap();
        let before = beside_out();
        let staging = Staging::prepare(&out, 1024 * 1024, false).unwrap();
        staging.write("en/new.html", b"new").unwrap();
        staging.commit(&test_head()).unwrap();
        assert_eq!(
            beside_out(),
            before,
            "the old site is not left beside the new"
        );
        assert_eq!(
            list_files(&out).unwrap(),
            ["en/new.html", MANIFEST],
            "only the new site's files"
        );
    }

    #[test]
    fn pages_are_capped_and_open_data_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::prepare(&dir.path().join("site"), 1024, false).unwrap();
        let big = vec![b'x'; 4096];
        let error = staging
            .write_page(
                "en/index.html",
                [0; 32],
                512,
                |out| Ok(out.write_all(&big)?),
            )
            .unwrap_err();
        assert!(format!("{error:#}").contains("max_page_bytes"), "{error:#}");
        assert!(
            staging
                .write_streamed("data/incidents.json", 512, |out| Ok(out.write_all(&big)?))
                .is_ok(),
            "open data grows with the reports and is not capped"
        );
    }

    /// Build a site of one page into `out`: kept from the previous build when it may be;
    /// returns whether it was kept.
    fn build_one_page(out: &Path, content: &[u8]) -> bool {
        build_one_page_meanwhile(out, content, |_| ()).0
    }

    /// [`build_one_page`], calling `meanwhile` with the staging folder once the page is in it
    /// and before publishing; returns whether it was kept and whether it was hashed again.
    fn build_one_page_meanwhile(
        out: &Path,
        content: &[u8],
        meanwhile: impl FnOnce(&Path),
    ) -> (bool, bool) {
        let staging = Staging::prepare(out, 1024 * 1024, true).unwrap();
        let mut rendered = false;
        staging
            .write_page("en/page.html", [7; 32], 512, |sink| {
                rendered = true;
                Ok(sink.write_all(content)?)
            })
            .unwrap();
        meanwhile(staging.path());
        let hashed = staging.hashed.load(Ordering::Relaxed) > 0;
        staging.commit(&test_head()).unwrap();
        (!rendered, hashed)
    }

    /// Wait until the clock that stamps files has moved past the change time of the page
    /// staged in `staging`, so that the record written next is later than the page, as it is
    /// in any build that takes longer than a tick of that clock. Without it a fast test build
    /// may stamp both in one tick, and the next build rightly reads the page again.
    fn until_the_clock_passes_the_page(staging: &Path) {
        until_the_clock_passes_the_page_at("en/page.html")(staging);
    }

    /// [`until_the_clock_passes_the_page`] for the page at `relative`.
    fn until_the_clock_passes_the_page_at(relative: &str) -> impl Fn(&Path) + '_ {
        move |staging| until_the_clock_passes(staging, relative)
    }

    fn until_the_clock_passes(staging: &Path, relative: &str) {
        let changed = FileIdentity::of(&fs::metadata(staging.join(relative)).unwrap())
            .unwrap()
            .changed_ns;
        let probe = staging.parent().unwrap().join("clock-probe");
        for _ in 0..5000 {
            fs::write(&probe, b"").unwrap();
            let now = modified_ns(&fs::metadata(&probe).unwrap()).unwrap();
            fs::remove_file(&probe).unwrap();
            if now > changed {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        panic!("the file clock did not move in 5 seconds");
    }

    /// Write `content` over `path` and put its modification time back.
    fn change_in_place(path: &Path, content: &[u8]) {
        let modified = fs::metadata(path).unwrap().modified().unwrap();
        fs::write(path, content).unwrap();
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
    }

    /// One build of `pages` (path, key byte, content) into `out`, calling `meanwhile` with the
    /// staging folder before publishing; returns the paths rendered (not kept).
    fn build_pages(
        out: &Path,
        pages: &[(&str, u8, &[u8])],
        meanwhile: impl FnOnce(&Path),
    ) -> Vec<String> {
        let staging = Staging::prepare(out, 1024 * 1024, true).unwrap();
        let mut rendered = Vec::new();
        for (relative, key, content) in pages {
            staging
                .write_page(relative, [*key; 32], 512, |sink| {
                    rendered.push((*relative).to_owned());
                    Ok(sink.write_all(content)?)
                })
                .unwrap();
        }
        meanwhile(staging.path());
        staging.commit(&test_head()).unwrap();
        rendered
    }

    #[test]
    fn the_spare_site_is_updated_in_place_and_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let spare = beside(&out, SPARE_SUFFIX);
        let first: &[(&str, u8, &[u8])] = &[
            ("en/a.html", 1, b"one"),
            ("en/b/c.html", 2, b"c"),
            ("en/old/gone.html", 3, b"gone"),
        ];
        build_pages(&out, first, |_| ());
        assert!(!spare.exists(), "a first build has nothing to spare");
        build_pages(&out, first, until_the_clock_passes_the_page_at("en/a.html"));
        assert_eq!(fs::read(spare.join("en/a.html")).unwrap(), b"one");

        // The spare (the first site) is the staging folder now. Its a.html is the published
        // one's file (linked); rendering a.html anew must not write through it.
        let second: &[(&str, u8, &[u8])] = &[
            ("en/a.html", 4, b"two"),
            ("en/b/c.html", 2, b"c"),
            // A file where the spare has a folder.
            ("en/old", 5, b"a file"),
        ];
        let rendered = build_pages(&out, second, |staging| {
            assert_eq!(fs::read(out.join("en/a.html")).unwrap(), b"one");
            assert_eq!(fs::read(staging.join("en/a.html")).unwrap(), b"two");
        });
        assert_eq!(rendered, ["en/a.html", "en/old"]);
        assert_eq!(
            list_files(&out).unwrap(),
            ["en/a.html", "en/b/c.html", "en/old", MANIFEST]
        );
        assert_eq!(fs::read(out.join("en/a.html")).unwrap(), b"two");
        assert_eq!(fs::read(out.join("en/old")).unwrap(), b"a file");
        // The site it replaced is the spare now, as it was published.
        assert_eq!(fs::read(spare.join("en/a.html")).unwrap(), b"one");
        assert!(spare.join("en/old/gone.html").is_file());

        // Twice more, to make the spare the site with a file where a folder is wanted.
        build_pages(&out, second, |_| ());
        let third: &[(&str, u8, &[u8])] = &[("en/old/new.html", 6, b"new")];
        build_pages(&out, third, |_| ());
        assert_eq!(list_files(&out).unwrap(), ["en/old/new.html", MANIFEST]);
        assert_eq!(fs::read(out.join("en/old/new.html")).unwrap(), b"new");
        assert!(guard(&spare).is_ok());
    }

    #[test]
    fn a_spare_whose_folders_a_new_one_would_not_have_is_not_used() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let spare = beside(&out, SPARE_SUFFIX);
        let one: &[(&str, u8, &[u8])] = &[("en/a.html", 1, b"one")];
        let two: &[(&str, u8, &[u8])] = &[("en/a.html", 2, b"two")];
        build_pages(&out, one, until_the_clock_passes_the_page_at("en/a.html"));
        build_pages(&out, two, until_the_clock_passes_the_page_at("en/a.html"));
        // As if the spare's folder had been made under another umask (its record written
        // after that, in a later tick of the clock, as in a build).
        fs::set_permissions(spare.join("en"), fs::Permissions::from_mode(0o700)).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let record = beside(&out, SPARE_RECORD_SUFFIX);
        fs::write(&record, fs::read(&record).unwrap()).unwrap();
        assert_eq!(
            build_pages(&out, one, |_| ()),
            ["en/a.html"],
            "not kept from the spare"
        );
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o7777;
        fs::create_dir(dir.path().join("probe")).unwrap();
        assert_eq!(mode(&out.join("en")), mode(&dir.path().join("probe")));
        assert_eq!(fs::read(out.join("en/a.html")).unwrap(), b"one");
    }

    #[test]
    fn a_file_added_to_the_site_during_a_build_stops_the_publishing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let pages: &[(&str, u8, &[u8])] = &[("en/a.html", 1, b"one")];
        build_pages(&out, pages, |_| ());
        // The record written again, in a later tick of the clock than the site's last change
        // (as it is in a build that takes longer than a tick): the folders, found unchanged
        // since, stand for the walk.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let record = beside(&out, RECORD_SUFFIX);
        fs::write(&record, fs::read(&record).unwrap()).unwrap();
        let staging = Staging::prepare(&out, 1024 * 1024, true).unwrap();
        let (folders, before_ns) = staging.out_folders.clone().unwrap();
        let listed = staging.previous.as_ref().unwrap().files.clone();
        assert_eq!(folders.len(), 2, "the site and en/");
        assert!(folders_unchanged(&folders, before_ns, &listed));
        staging
            .write_page(
                "en/a.html",
                [1; 32],
                512,
                |sink| Ok(sink.write_all(b"one")?),
            )
            .unwrap();
        fs::write(out.join("en/notes.txt"), "mine").unwrap();
        assert!(!folders_unchanged(&folders, before_ns, &listed));
        // So does a file at the top of the site, whose folder is listed again.
        fs::remove_file(out.join("en/notes.txt")).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(!folders_unchanged(&folders, before_ns, &listed));
        fs::remove_file(out.join("notes.txt")).unwrap();
        fs::write(out.join("en/notes.txt"), "mine").unwrap();
        let error = staging.commit(&test_head()).unwrap_err().to_string();
        assert!(
            error.contains("holds 1 file(s) that a previous build did not write (en/notes.txt)"),
            "{error}"
        );
        assert_eq!(
            fs::read_to_string(out.join("en/notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_spare_page_changed_is_not_kept_and_a_foreign_file_keeps_the_spare_out_of_use() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let spare = beside(&out, SPARE_SUFFIX);
        let one: &[(&str, u8, &[u8])] = &[("en/a.html", 1, b"one")];
        let two: &[(&str, u8, &[u8])] = &[("en/a.html", 2, b"two")];
        let inode = |path: &Path| {
            FileIdentity::of(&fs::metadata(path).unwrap())
                .unwrap()
                .inode
        };
        build_pages(&out, one, until_the_clock_passes_the_page_at("en/a.html"));
        // Rendered anew: the spare's a.html is its own file, not the published one's.
        build_pages(&out, two, until_the_clock_passes_the_page_at("en/a.html"));
        assert_eq!(fs::read(spare.join("en/a.html")).unwrap(), b"one");
        // Kept where it is: the spare's file is published.
        let spared = inode(&spare.join("en/a.html"));
        assert!(build_pages(&out, one, |_| ()).is_empty());
        assert_eq!(inode(&out.join("en/a.html")), spared);
        assert_eq!(fs::read(out.join("en/a.html")).unwrap(), b"one");
        // Changed in place, same size, time put back: not kept, rendered.
        change_in_place(&spare.join("en/a.html"), b"TWO");
        assert_eq!(build_pages(&out, two, |_| ()), ["en/a.html"]);
        assert_eq!(fs::read(out.join("en/a.html")).unwrap(), b"two");

        // A file no build wrote in the spare: the spare is left alone, and the build starts
        // from an empty folder.
        fs::write(spare.join("en/notes.txt"), "mine").unwrap();
        assert_eq!(build_pages(&out, one, |_| ()), ["en/a.html"]);
        assert_eq!(fs::read(out.join("en/a.html")).unwrap(), b"one");
        assert_eq!(list_files(&out).unwrap(), ["en/a.html", MANIFEST]);
        assert_eq!(
            fs::read_to_string(spare.join("en/notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_page_changed_during_a_build_is_not_trusted_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let page = out.join("en/page.html");
        // Rendered, then changed in the staging folder before publishing.
        let (kept, _) = build_one_page_meanwhile(&out, b"<p>one</p>", |staging| {
            change_in_place(&staging.join("en/page.html"), b"<p>two</p>");
        });
        assert!(!kept);
        assert_eq!(fs::read(&page).unwrap(), b"<p>two</p>");
        let (kept, hashed) =
            build_one_page_meanwhile(&out, b"<p>one</p>", until_the_clock_passes_the_page);
        assert!(!kept && hashed, "read again, found changed, and rendered");
        assert_eq!(fs::read(&page).unwrap(), b"<p>one</p>");
        // Kept (linked), and the live page changed while the build runs.
        let (kept, hashed) = build_one_page_meanwhile(&out, b"<p>one</p>", |_| {
            change_in_place(&page, b"<p>two</p>");
        });
        assert!(kept && !hashed, "trusted by its identity");
        let (kept, hashed) = build_one_page_meanwhile(&out, b"<p>one</p>", |_| ());
        assert!(!kept && hashed, "read again, found changed, and rendered");
        assert_eq!(fs::read(&page).unwrap(), b"<p>one</p>");
    }

    /// Rewrite the record so that it describes `page` as it is now, written at `recorded`.
    fn forge_record(out: &Path, page: &Path, recorded: std::time::SystemTime) {
        let record = beside(out, RECORD_SUFFIX);
        let text = fs::read_to_string(&record).unwrap();
        let (header, line) = text.trim_end().split_once('\n').unwrap();
        let (relative, mut recorded_page) = parse_record_line(line).unwrap();
        recorded_page.identity = FileIdentity::of(&fs::metadata(page).unwrap());
        let line = record_line(relative, &recorded_page);
        fs::write(&record, format!("{header}\n{line}\n")).unwrap();
        fs::File::options()
            .write(true)
            .open(&record)
            .unwrap()
            .set_modified(recorded)
            .unwrap();
    }

    #[test]
    fn a_kept_page_is_trusted_only_when_unchanged_since_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let page = out.join("en/page.html");
        assert_eq!(
            build_one_page_meanwhile(&out, b"<p>one</p>", until_the_clock_passes_the_page),
            (false, false),
            "nothing to keep yet"
        );
        for _ in 0..3 {
            assert_eq!(
                build_one_page_meanwhile(&out, b"<p>one</p>", until_the_clock_passes_the_page),
                (true, false),
                "kept, known unchanged by its identity: not read again"
            );
        }

        // Changed in place, same size, its modification time put back: its change time
        // moved on, so it is read again, and rendered.
        change_in_place(&page, b"<p>two</p>");
        assert!(!build_one_page(&out, b"<p>one</p>"));
        assert_eq!(fs::read(&page).unwrap(), b"<p>one</p>");

        // A record that names the changed file as it is now (as if the change came in the
        // same tick of the clock as the record): trusted only when the record is later than
        // the file's change; otherwise the file is read again.
        change_in_place(&page, b"<p>two</p>");
        let changed = FileIdentity::of(&fs::metadata(&page).unwrap())
            .unwrap()
            .changed_ns;
        let at = |ns: i64| std::time::UNIX_EPOCH + std::time::Duration::from_nanos(ns as u64);
        forge_record(&out, &page, at(changed));
        assert!(
            !build_one_page(&out, b"<p>one</p>"),
            "read again, and rendered"
        );
        assert_eq!(fs::read(&page).unwrap(), b"<p>one</p>");
        change_in_place(&page, b"<p>two</p>");
        let changed = FileIdentity::of(&fs::metadata(&page).unwrap())
            .unwrap()
            .changed_ns;
        forge_record(&out, &page, at(changed + 1_000_000_000));
        assert!(
            build_one_page(&out, b"<p>one</p>"),
            "a record later than the change is believed without reading the file"
        );
    }
}
