//! `candor import`: turn the incident history of a status page into draft reports.
//!
//! Each format has its own reader (`statuspage`, `gcp`, `stactus`, `cstate`) that turns a
//! file into [`SourceIncident`]s: what the source says, with its own labels mapped to
//! Candor's words and every guess flagged. This module does the rest, the same for every
//! format: it maps the source's components to service keys, skips incidents already
//! imported (by source id), and writes one draft report per incident, never overwriting a
//! file. Every field the import guessed is listed in the report's `source.unverified`, and a
//! report cannot be published until a person has checked them (rule A023).
//!
//! Files only, no network: the output depends only on the input files and the options.

mod cstate;
mod gcp;
mod stactus;
mod statuspage;
mod update;
mod yaml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::config::Config;
use crate::load;
use crate::model::{ImportFormat, Outage, Severity};
use crate::source::{self, WorkTree};
use yaml::YamlWriter;

/// What `candor import` was asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// The source's format.
    pub format: ImportFormat,
    /// Files or folders to read.
    pub inputs: Vec<PathBuf>,
    /// The organisation every imported report belongs to (a key in candor.yaml).
    pub organisation: String,
    /// Source component name to service key (from `--map`).
    pub map: BTreeMap<String, String>,
    /// The zone of times written without an offset (`--timezone`).
    pub time_zone: Option<Tz>,
    /// Only incidents that started on or after this day.
    pub since: Option<NaiveDate>,
    /// Only these source ids (empty: all).
    pub only: Vec<String>,
    /// Import scheduled maintenance too.
    pub include_maintenance: bool,
    /// The language of the source's text.
    pub language: String,
    /// Say what would be written, write nothing.
    pub dry_run: bool,
    /// Merge incidents on a shared service that start within this time of each other.
    pub merge_window: Option<chrono::Duration>,
    /// Bring reports imported before up to date with the source (new statements, the
    /// resolution time, when the source was fetched), touching nothing else.
    pub update: bool,
}

/// What a source says about one incident, in Candor's words.
#[derive(Clone, Debug)]
pub(crate) struct SourceIncident {
    /// The source's id of the incident.
    pub id: String,
    /// Where the incident was read from, as `file:line:column`.
    pub location: String,
    /// Its title.
    pub title: String,
    /// Its public address.
    pub url: Option<String>,
    /// The source's names of the affected components, products or systems.
    pub components: Vec<String>,
    /// The source's severity label, mapped (always a guess: the labels mean other things).
    pub severity: Severity,
    /// Full or partial, from the source's labels (a guess).
    pub outage: Outage,
    /// When it started.
    pub started_at: DateTime<FixedOffset>,
    /// Whether the start is a guess (the source has no start, only its first update).
    pub started_guessed: bool,
    /// When it was resolved.
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// Whether the resolution time is a guess (the time of the last update).
    pub resolved_guessed: bool,
    /// The status updates, in any order.
    pub updates: Vec<Update>,
    /// Post-mortem text, if the source published one.
    pub postmortem: Option<String>,
    /// Whether it is scheduled maintenance rather than an incident.
    pub maintenance: bool,
    /// Per-component windows, when the source says when each component was hit.
    pub windows: Vec<ComponentWindow>,
    /// The channel the updates were published on, e.g. `Status page`.
    pub channel: &'static str,
    /// When the source file was fetched: its modification time (set by [`run`]).
    pub retrieved_at: Option<DateTime<FixedOffset>>,
    /// Ids of further source incidents merged into this one.
    pub merged: Vec<String>,
}

/// One status update.
#[derive(Clone, Debug)]
pub(crate) struct Update {
    /// When it was published.
    pub at: DateTime<FixedOffset>,
    /// What it said.
    pub text: String,
    /// The severity the source showed with it, mapped from its status.
    pub severity_claimed: Option<Severity>,
    /// When it promised the next update, if it did in a form the reader recognises.
    pub next_update_at: Option<DateTime<FixedOffset>>,
}

/// When one component was hit.
#[derive(Clone, Debug)]
pub(crate) struct ComponentWindow {
    /// The source's component name.
    pub component: String,
    /// When it was first shown as not operational.
    pub from: DateTime<FixedOffset>,
    /// When it was shown as operational again.
    pub to: Option<DateTime<FixedOffset>>,
    /// The worst it was shown as.
    pub outage: Outage,
}

/// A problem with the input, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// `file:line:column`, or the file.
    pub location: String,
    /// What is wrong and what to do.
    pub message: String,
    /// Whether it is a time without an offset read without `--timezone`.
    pub needs_time_zone: bool,
}

impl Problem {
    /// A problem at `location`.
    pub(crate) fn new(location: &str, message: String) -> Problem {
        Problem {
            location: location.to_owned(),
            message,
            needs_time_zone: false,
        }
    }

    /// A time that could not be read, at `location`, about `what`.
    pub(crate) fn time(location: &str, what: &str, error: TimeError) -> Problem {
        Problem {
            location: location.to_owned(),
            message: if what.is_empty() {
                error.message
            } else {
                format!("{what}: {}", error.message)
            },
            needs_time_zone: error.needs_zone,
        }
    }
}

/// Why a time could not be read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TimeError {
    /// What is wrong.
    pub message: String,
    /// Whether the time has no offset and no zone was given.
    pub needs_zone: bool,
}

impl TimeError {
    fn new(message: String) -> TimeError {
        TimeError {
            message,
            needs_zone: false,
        }
    }
}

/// What the readers return for one file.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub incidents: Vec<SourceIncident>,
    pub problems: Vec<Problem>,
}

impl Parsed {
    /// Read each JSON record as a `T` (a `kind` of incident, for messages) and convert it;
    /// a record that is not one, or does not convert, is a problem at its place.
    pub(crate) fn convert_each<T: serde::de::DeserializeOwned>(
        &mut self,
        values: Vec<serde_json::Value>,
        location: impl Fn(usize) -> String,
        kind: &str,
        convert: impl Fn(T, &str) -> Result<SourceIncident, Problem>,
    ) {
        for (index, value) in values.into_iter().enumerate() {
            let location = location(index);
            match serde_json::from_value::<T>(value) {
                Ok(record) => match convert(record, &location) {
                    Ok(incident) => self.incidents.push(incident),
                    Err(problem) => self.problems.push(problem),
                },
                Err(error) => self
                    .problems
                    .push(Problem::new(&location, format!("not a {kind}: {error}"))),
            }
        }
    }
}

/// The result of an import.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Reports written (or, on a dry run, that would be), as (path, source id, text).
    pub written: Vec<(String, String, String)>,
    /// Incidents already imported, as (source id, existing path).
    pub skipped: Vec<(String, String)>,
    /// Reports brought up to date (`--update`), as (path, source id, statements added, text).
    pub updated: Vec<(String, String, usize, String)>,
    /// Reports `--update` could not edit, as (path, why).
    pub left_alone: Vec<(String, String)>,
    /// Incidents left out by `--since`, `--only` or as maintenance.
    pub filtered: usize,
    /// Problems with the input; the other incidents were still imported.
    pub problems: Vec<Problem>,
}

/// Why an import could not start.
#[derive(Debug)]
pub enum Refusal {
    /// Components with no service in the map: every name, with a map ready to paste.
    Unmapped {
        /// The names, sorted.
        names: Vec<String>,
        /// Lines to add to the map file.
        ready_map: String,
    },
    /// Anything else: a sentence saying what to do.
    Other(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Unmapped { names, ready_map } => write!(
                f,
                "{} source component{} not in the map: {}\nadd these lines to the map file, each with the key of a service in candor.yaml:\n\n{ready_map}",
                names.len(),
                if names.len() == 1 { " is" } else { "s are" },
                names.join(", ")
            ),
            Refusal::Other(message) => f.write_str(message),
        }
    }
}

/// The map entry for incidents that name no component.
pub const NO_COMPONENT: &str = "*";

/// Read a map file: `source name: service-key` per line (YAML).
pub fn read_map(path: &Path) -> Result<BTreeMap<String, String>, Refusal> {
    let bytes = std::fs::read(path)
        .map_err(|e| Refusal::Other(format!("cannot read the map {}: {e}", path.display())))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(BTreeMap::new());
    }
    let loaded = load::load(&bytes, &crate::config::Limits::default());
    if let Some(problem) = loaded.problems.first() {
        let at = match problem {
            load::LoadProblem::Syntax { position, .. } => {
                format!(":{}:{}", position.line, position.column)
            }
            load::LoadProblem::TooLarge { .. } => String::new(),
        };
        return Err(Refusal::Other(format!(
            "{}{at}: {}",
            path.display(),
            load_problem_text(problem)
        )));
    }
    let mut map = BTreeMap::new();
    match loaded.root.as_ref().map(|root| &root.value) {
        Some(load::NodeValue::Mapping(entries)) => {
            for entry in entries {
                match &entry.value.value {
                    load::NodeValue::String(key) => {
                        map.insert(entry.key.clone(), key.clone());
                    }
                    _ => {
                        return Err(Refusal::Other(format!(
                            "{}:{}:{}: the value of `{}` must be a service key",
                            path.display(),
                            entry.value.position.line,
                            entry.value.position.column,
                            entry.key
                        )));
                    }
                }
            }
        }
        Some(load::NodeValue::Null) | None => {}
        Some(_) => {
            return Err(Refusal::Other(format!(
                "{}: the map must be lines of `source name: service-key`",
                path.display()
            )));
        }
    }
    Ok(map)
}

fn load_problem_text(problem: &load::LoadProblem) -> String {
    match problem {
        load::LoadProblem::Syntax { message, help, .. } => format!("{message} ({help})"),
        load::LoadProblem::TooLarge { size, limit } => {
            format!("the file has {size} bytes, over the limit of {limit}")
        }
    }
}

/// Import `options.inputs` into the reports repository at `tree`.
pub fn run(tree: &WorkTree, config: &Config, options: &Options) -> Result<Outcome, Refusal> {
    check_options(config, options)?;
    let mut outcome = Outcome::default();
    let mut incidents = Vec::new();
    for file in input_files(options)? {
        let bytes = std::fs::read(&file)
            .map_err(|e| Refusal::Other(format!("cannot read {}: {e}", file.display())))?;
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let name = printable(&file.display().to_string());
        let zone = options.time_zone;
        let parsed = match options.format {
            ImportFormat::Statuspage => statuspage::read(&name, bytes, zone),
            ImportFormat::Gcp => gcp::read(&name, bytes, zone),
            ImportFormat::Stactus => stactus::read(&name, bytes, zone),
            ImportFormat::Cstate => cstate::read(&name, bytes, zone),
        };
        let fetched = modified_time(&file);
        for mut incident in parsed.incidents {
            incident.retrieved_at = fetched;
            match tidy(incident) {
                Ok(incident) => incidents.push(incident),
                Err(problem) => outcome.problems.push(problem),
            }
        }
        outcome.problems.extend(parsed.problems);
    }
    if options.time_zone.is_none()
        && let Some(missing) = outcome.problems.iter().find(|p| p.needs_time_zone)
    {
        return Err(Refusal::Other(format!(
            "{}: {}",
            missing.location, missing.message
        )));
    }

    let before = incidents.len();
    incidents.retain(|incident| {
        (options.include_maintenance || !incident.maintenance)
            && options
                .since
                .is_none_or(|since| incident.started_at.date_naive() >= since)
    });
    outcome.filtered = before - incidents.len();
    if !options.only.is_empty() {
        for id in &options.only {
            if !incidents.iter().any(|incident| &incident.id == id) {
                outcome.problems.push(Problem::new(
                    "--only",
                    format!(
                        "no incident in the input has the source id `{}`",
                        printable(id)
                    ),
                ));
            }
        }
        let before = incidents.len();
        incidents.retain(|incident| options.only.contains(&incident.id));
        outcome.filtered += before - incidents.len();
    }
    incidents.sort_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
    let mut first_of: HashMap<String, String> = HashMap::new();
    incidents.retain(|incident| match first_of.get(&incident.id) {
        Some(first) => {
            outcome.problems.push(Problem::new(
                &incident.location,
                format!(
                    "the source id `{}` was already read from {first}; this incident is left out (two incidents cannot share an id)",
                    incident.id
                ),
            ));
            false
        }
        None => {
            first_of.insert(incident.id.clone(), incident.location.clone());
            true
        }
    });

    check_mapped(&incidents, config, options)?;
    if let Some(window) = options.merge_window {
        incidents = merge_close(incidents, window, options);
    }

    let existing = existing_reports(tree, config)?;
    let mut taken: BTreeSet<String> = existing.ids.clone();
    // Incidents (or merged groups) that belong to a report imported before, by its path.
    let mut for_existing: BTreeMap<String, Vec<SourceIncident>> = BTreeMap::new();
    for incident in incidents {
        let path = std::iter::once(&incident.id)
            .chain(&incident.merged)
            .find_map(|id| {
                existing
                    .by_source
                    .get(&(options.format.as_str().to_owned(), id.clone()))
            });
        if let Some(path) = path {
            for_existing.entry(path.clone()).or_default().push(incident);
            continue;
        }
        let id = free_id(&incident, &taken);
        if let Some(reason) = existing.unreadable.get(&id_base(&incident)) {
            outcome.problems.push(Problem::new(
                &incident.location,
                format!(
                    "source id `{}` may have been imported before as {reason}; fix that file and run again",
                    incident.id
                ),
            ));
            continue;
        }
        taken.insert(id.clone());
        let path = format!(
            "{}/{}/{id}.yaml",
            source::INCIDENTS_DIR,
            incident.started_at.year()
        );
        let text = report_text(&incident, &id, options);
        if let Some(message) = over_limits(&text, config) {
            outcome
                .problems
                .push(Problem::new(&incident.location, message));
            continue;
        }
        if !options.dry_run {
            refuse_links(tree.root(), &path)?;
            crate::scaffold::create_new(&tree.root().join(&path), &text)
                .map_err(|e| Refusal::Other(format!("{e:#}")))?;
        }
        outcome.written.push((path, incident.id.clone(), text));
    }

    for (path, group) in for_existing {
        let known = &existing.ids_in[&path];
        let mut combined = group.into_iter();
        let Some(mut incident) = combined.next() else {
            continue;
        };
        for other in combined {
            absorb(&mut incident, other);
        }
        let joining: Vec<String> = std::iter::once(&incident.id)
            .chain(&incident.merged)
            .filter(|id| !known.contains(*id))
            .cloned()
            .collect();
        if !options.update {
            if joining.is_empty() {
                outcome.skipped.push((incident.id.clone(), path.clone()));
            } else {
                outcome.problems.push(Problem::new(
                    &incident.location,
                    format!(
                        "source id{} {} belong{} with {path}, imported before; run with --update to add {}",
                        if joining.len() == 1 { "" } else { "s" },
                        joining.join(", "),
                        if joining.len() == 1 { "s" } else { "" },
                        if joining.len() == 1 { "it" } else { "them" },
                    ),
                ));
            }
            continue;
        }
        let file = tree.root().join(&path);
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Refusal::Other(format!("cannot read {path}: {e}")))?;
        match update::refresh(&text, &incident, &joining) {
            update::Refreshed::Changed { text, added } => {
                if let Some(message) = over_limits(&text, config) {
                    outcome.left_alone.push((path.clone(), message));
                    continue;
                }
                if !options.dry_run {
                    replace_file(&file, &text)
                        .map_err(|e| Refusal::Other(format!("cannot write {path}: {e}")))?;
                }
                outcome
                    .updated
                    .push((path.clone(), incident.id.clone(), added, text));
            }
            update::Refreshed::Current => {
                outcome.skipped.push((incident.id.clone(), path.clone()));
            }
            update::Refreshed::LeftAlone(reason) => {
                outcome.left_alone.push((path.clone(), reason));
            }
        }
    }
    Ok(outcome)
}

/// Text as it may be shown on a terminal or written in a comment: control characters (a
/// carriage return in a file name would start a new line of YAML) as `?`.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// What a source gave, made safe to write: ids and names without control characters,
/// links only when they are web links, no window that ends before it starts, no promise of
/// an update earlier than the statement making it, a resolution before detection marked as
/// a guess; an incident without an id is a problem.
fn tidy(mut incident: SourceIncident) -> Result<SourceIncident, Problem> {
    incident.id = clean(&incident.id).trim().to_owned();
    if incident.id.is_empty() {
        return Err(Problem::new(
            &incident.location,
            "the incident has no id, so a later import could not recognise it".into(),
        ));
    }
    incident.components = incident
        .components
        .iter()
        .map(|name| clean(name).trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    for window in &mut incident.windows {
        window.component = clean(&window.component).trim().to_owned();
    }
    // Reports hold whole seconds; so do the comparisons with what a report holds.
    let whole = |at: DateTime<FixedOffset>| at.with_nanosecond(0).unwrap_or(at);
    incident.started_at = whole(incident.started_at);
    incident.resolved_at = incident.resolved_at.map(whole);
    for update in &mut incident.updates {
        update.at = whole(update.at);
        update.next_update_at = update.next_update_at.map(whole);
    }
    for window in &mut incident.windows {
        window.from = whole(window.from);
        window.to = window.to.map(whole);
    }
    incident.url = incident.url.filter(|url| is_web_link(url));
    incident
        .windows
        .retain(|w| w.to.is_none_or(|to| to >= w.from));
    for update in &mut incident.updates {
        update.next_update_at = update.next_update_at.filter(|next| *next > update.at);
    }
    let first_update = incident.updates.iter().map(|u| u.at).min();
    let detected = first_update
        .unwrap_or(incident.started_at)
        .max(incident.started_at);
    if incident.resolved_at.is_some_and(|r| r < detected) {
        incident.resolved_guessed = true;
    }
    Ok(incident)
}

/// An `http(s)` address without spaces or control characters.
fn is_web_link(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > 8
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Why a generated report would break the repository's limits, if it would.
fn over_limits(text: &str, config: &Config) -> Option<String> {
    let limits = &config.limits;
    if text.len() as u64 > limits.max_file_bytes {
        return Some(format!(
            "the report would be {} bytes, over the limit of {} (limits.max_file_bytes); import it with --only after trimming the source, or raise the limit",
            text.len(),
            limits.max_file_bytes
        ));
    }
    let events = text.matches("\n    kind: public-statement\n").count();
    if events > limits.max_timeline_events as usize {
        return Some(format!(
            "the report would have {events} statements, over the limit of {} (limits.max_timeline_events)",
            limits.max_timeline_events
        ));
    }
    None
}

/// Refuse to write through a symbolic link (a linked `incidents/` or year folder would put
/// the report outside the repository, where the check never looks).
fn refuse_links(root: &Path, relative: &str) -> Result<(), Refusal> {
    let mut path = root.to_path_buf();
    for part in Path::new(relative).components() {
        path.push(part);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Refusal::Other(format!(
                "{} is a symbolic link; reports are written only inside the repository",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Replace `file` with `text` in one step (a new file renamed over it), so an interrupted
/// update leaves the old file or the new one, never half of one.
fn replace_file(file: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let folder = file.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
    temporary.write_all(text.as_bytes())?;
    temporary.persist(file).map(|_| ()).map_err(|e| e.error)
}

fn check_options(config: &Config, options: &Options) -> Result<(), Refusal> {
    let file = &config.file;
    if !file.organisations.contains_key(&options.organisation) {
        let keys: Vec<&str> = file.organisations.keys().map(String::as_str).collect();
        return Err(Refusal::Other(format!(
            "`{}` is not an organisation in candor.yaml; use one of: {}",
            options.organisation,
            keys.join(", ")
        )));
    }
    let unknown: Vec<String> = options
        .map
        .iter()
        .filter(|(_, key)| !file.services.contains_key(*key))
        .map(|(name, key)| format!("{} -> {key}", yaml::scalar(name)))
        .collect();
    if !unknown.is_empty() {
        return Err(Refusal::Other(format!(
            "the map names {} service{} not in candor.yaml: {}; add them there first, or map the names to: {}",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", "),
            file.services.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    if !config.languages().contains(&options.language) {
        return Err(Refusal::Other(format!(
            "`{}` is not one of the site's languages ({}); pass --language with the language the source is written in",
            options.language.escape_debug(),
            config.languages().join(", ")
        )));
    }
    Ok(())
}

/// The files to read: each input file, and in each input folder every file with the
/// format's extension, recursively, in name order.
fn input_files(options: &Options) -> Result<Vec<PathBuf>, Refusal> {
    let extensions: &[&str] = match options.format {
        ImportFormat::Statuspage | ImportFormat::Gcp => &["json"],
        ImportFormat::Stactus => &["yaml", "yml"],
        ImportFormat::Cstate => &["md"],
    };
    let mut files = Vec::new();
    for input in &options.inputs {
        if input.is_dir() {
            let mut pending = vec![input.clone()];
            while let Some(folder) = pending.pop() {
                let entries = std::fs::read_dir(&folder).map_err(|e| {
                    Refusal::Other(format!("cannot read the folder {}: {e}", folder.display()))
                })?;
                for entry in entries.flatten() {
                    // Not following links: a link back up the tree would never end.
                    let Ok(kind) = entry.file_type() else {
                        continue;
                    };
                    let path = entry.path();
                    if kind.is_dir() {
                        pending.push(path);
                    } else if kind.is_file()
                        && path
                            .extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| extensions.contains(&e))
                    {
                        files.push(path);
                    }
                }
            }
        } else if input.is_file() {
            files.push(input.clone());
        } else if input.exists() {
            return Err(Refusal::Other(format!(
                "{} is neither a file nor a folder (a pipe or a device cannot be imported)",
                input.display()
            )));
        } else {
            return Err(Refusal::Other(format!(
                "{} does not exist",
                input.display()
            )));
        }
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        return Err(Refusal::Other(format!(
            "no {} files found in {}",
            extensions.join(" or "),
            options
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(files)
}

/// Every component must map to a service; an incident that names none needs the `*` entry.
fn check_mapped(
    incidents: &[SourceIncident],
    config: &Config,
    options: &Options,
) -> Result<(), Refusal> {
    let mut unmapped = BTreeSet::new();
    for incident in incidents {
        if incident.components.is_empty() && !options.map.contains_key(NO_COMPONENT) {
            unmapped.insert(NO_COMPONENT.to_owned());
        }
        for component in &incident.components {
            if !options.map.contains_key(component) {
                unmapped.insert(component.clone());
            }
        }
    }
    if unmapped.is_empty() {
        return Ok(());
    }
    let services: Vec<&str> = config.file.services.keys().map(String::as_str).collect();
    let mut ready_map = format!(
        "# source name: service key ({})\n",
        if services.is_empty() {
            "candor.yaml has no services yet".to_owned()
        } else {
            format!("services in candor.yaml: {}", services.join(", "))
        }
    );
    for name in &unmapped {
        let guess = if name == NO_COMPONENT {
            services
                .first()
                .map_or_else(|| "service-key".to_owned(), |s| (*s).to_owned())
        } else {
            let slug = crate::scaffold::slug(name);
            let words: Vec<&str> = slug.split('-').collect();
            crate::diag::closest(&slug, &services)
                .or_else(|| {
                    services
                        .iter()
                        .copied()
                        .find(|key| key.split('-').all(|part| words.contains(&part)))
                })
                .map(str::to_owned)
                .unwrap_or(slug)
        };
        let comment = if name == NO_COMPONENT {
            "   # incidents that name no component"
        } else {
            ""
        };
        ready_map.push_str(&format!("{}: {guess}{comment}\n", yaml::scalar(name)));
    }
    Err(Refusal::Unmapped {
        names: unmapped.into_iter().collect(),
        ready_map,
    })
}

/// The reports already in the repository: their ids, and imported ones by (format, id).
struct Existing {
    /// Every report id.
    ids: BTreeSet<String>,
    /// Imported reports by (format, source id), the merged ids included.
    by_source: HashMap<(String, String), String>,
    /// The source ids each imported report holds, by its path.
    ids_in: HashMap<String, BTreeSet<String>>,
    /// Reports that mention `source:` but cannot be read, by id: the import cannot tell
    /// which incident they hold, so it does not write one that might be a copy.
    unreadable: HashMap<String, String>,
}

fn existing_reports(tree: &WorkTree, config: &Config) -> Result<Existing, Refusal> {
    let listing = tree
        .list_reports()
        .map_err(|e| Refusal::Other(format!("{e:#}")))?;
    let mut existing = Existing {
        ids: BTreeSet::new(),
        by_source: HashMap::new(),
        ids_in: HashMap::new(),
        unreadable: HashMap::new(),
    };
    // Reading what is there, however large: a report over the limit is still a report.
    let limits = crate::config::Limits {
        max_file_bytes: u64::MAX,
        ..config.limits
    };
    for path in &listing.reports {
        let stem = source::file_stem(path).to_owned();
        existing.ids.insert(stem.clone());
        let Ok(bytes) = tree.read(path, limits.max_file_bytes) else {
            continue;
        };
        if !bytes.windows(7).any(|w| w == b"source:") {
            continue;
        }
        let loaded = load::load(&bytes, &limits);
        let (Some(root), true) = (loaded.root, loaded.problems.is_empty()) else {
            existing
                .unreadable
                .insert(stem, format!("{path}, which cannot be read as YAML"));
            continue;
        };
        let text = |pointer: &str| match root.find(pointer).map(|n| &n.value) {
            Some(load::NodeValue::String(s)) => Some(s.clone()),
            _ => None,
        };
        let Some(format) = text("/source/format") else {
            continue;
        };
        let merged = (0..).map_while(|i| text(&format!("/source/merged/{i}")));
        for id in text("/source/id").into_iter().chain(merged) {
            existing
                .ids_in
                .entry(path.clone())
                .or_default()
                .insert(id.clone());
            existing
                .by_source
                .insert((format.clone(), id), path.clone());
        }
    }
    Ok(existing)
}

/// Merge incidents (sorted by start) that share a service and start within `window` of the
/// first of their group: one event the source published as several incidents. The first
/// gives the id, title and address; the rest are listed in `source.merged`.
fn merge_close(
    incidents: Vec<SourceIncident>,
    window: chrono::Duration,
    options: &Options,
) -> Vec<SourceIncident> {
    let mut merged: Vec<SourceIncident> = Vec::new();
    for incident in incidents {
        let services = services_of(&incident, options);
        let group = merged.iter_mut().rev().find(|group| {
            incident.started_at - group.started_at <= window
                && services_of(group, options)
                    .iter()
                    .any(|key| services.contains(key))
        });
        let Some(group) = group else {
            merged.push(incident);
            continue;
        };
        absorb(group, incident);
    }
    merged
}

/// Take `incident` into `group`: one event the source published as several incidents.
fn absorb(group: &mut SourceIncident, incident: SourceIncident) {
    group.merged.push(incident.id.clone());
    group.merged.extend(incident.merged);
    for component in incident.components {
        if !group.components.contains(&component) {
            group.components.push(component);
        }
    }
    group.severity = group.severity.max(incident.severity);
    if incident.outage == Outage::Full {
        group.outage = Outage::Full;
    }
    group.resolved_at = match (group.resolved_at, incident.resolved_at) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    };
    group.resolved_guessed |= incident.resolved_guessed;
    group.started_guessed |= incident.started_guessed;
    group.started_at = group.started_at.min(incident.started_at);
    group.updates.extend(incident.updates);
    group.windows.extend(incident.windows);
    if group.postmortem.is_none() {
        group.postmortem = incident.postmortem;
    }
    group.maintenance &= incident.maintenance;
    group.merged.sort();
    group.merged.dedup();
}

/// `<date>-<slug of the title>` (of the source id when the title has no letters or digits).
fn id_base(incident: &SourceIncident) -> String {
    let mut slug = crate::scaffold::slug(&incident.title);
    if slug.is_empty() {
        slug = crate::scaffold::slug(&format!("incident {}", incident.id));
    }
    let mut base = format!("{}-{slug}", incident.started_at.date_naive());
    base.truncate(76);
    while base.ends_with('-') {
        base.pop();
    }
    base
}

/// [`id_base`], with `-2`, `-3`, ... when another report has it.
fn free_id(incident: &SourceIncident, taken: &BTreeSet<String>) -> String {
    let base = id_base(incident);
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or(base)
}

/// The service keys of an incident's components, in the order first named.
fn services_of(incident: &SourceIncident, options: &Options) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let names: Vec<&str> = if incident.components.is_empty() {
        vec![NO_COMPONENT]
    } else {
        incident.components.iter().map(String::as_str).collect()
    };
    for name in names {
        if let Some(key) = options.map.get(name)
            && !keys.contains(key)
        {
            keys.push(key.clone());
        }
    }
    keys
}

/// Source text as a report can hold it: Windows line ends made `\n`, and control characters
/// (which no page or feed can carry, and the check refuses) dropped.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| (!c.is_control() || matches!(c, '\n' | '\t')) && *c != '\u{feff}')
        .collect()
}

/// `incident` with its texts as a report can hold them.
fn cleaned(incident: &SourceIncident) -> SourceIncident {
    SourceIncident {
        title: clean(&incident.title),
        updates: incident
            .updates
            .iter()
            .map(|u| Update {
                text: clean(&u.text),
                ..u.clone()
            })
            .collect(),
        postmortem: incident.postmortem.as_deref().map(clean),
        ..incident.clone()
    }
}

/// One status update as a public statement at `index` of the timeline; a claimed severity is
/// a guess, so its pointer goes to `unverified`.
fn write_statement(
    out: &mut YamlWriter,
    update: &Update,
    incident: &SourceIncident,
    index: usize,
    unverified: &mut Vec<String>,
) {
    out.item_raw(2, "at", &time(update.at));
    out.raw(4, "kind", "public-statement");
    out.field(4, "channel", incident.channel);
    if let Some(url) = &incident.url {
        out.field(4, "url", url);
    }
    if let Some(claimed) = update.severity_claimed {
        out.raw(4, "severity_claimed", claimed.as_str());
        unverified.push(format!("/timeline/{index}/severity_claimed"));
    }
    if let Some(next) = update.next_update_at {
        out.raw(4, "next_update_at", &time(next));
    }
    let text = if update.text.trim().is_empty() {
        "(no text)"
    } else {
        update.text.trim()
    };
    out.field(4, "text", text);
}

/// The text of the draft report for `incident`.
fn report_text(incident: &SourceIncident, id: &str, options: &Options) -> String {
    let incident = &cleaned(incident);
    let mut updates = incident.updates.clone();
    updates.sort_by_key(|u| u.at);
    let services = services_of(incident, options);
    let mut unverified: Vec<String> = Vec::new();

    let first_update = updates.first().map(|u| u.at);
    let detected_at = first_update
        .unwrap_or(incident.started_at)
        .max(incident.started_at);
    if incident.started_guessed {
        unverified.push("/started_at".into());
    }
    unverified.push("/detected_at".into());
    if incident.resolved_guessed && incident.resolved_at.is_some() {
        unverified.push("/resolved_at".into());
    }
    unverified.push("/severity".into());
    unverified.push("/summary".into());
    unverified.push("/impact/outage".into());

    let mut out = YamlWriter::default();
    out.comment(
        0,
        &format!(
            "Imported by `candor import {}` from {}.\nA draft: check every field listed under source.unverified, correct it, remove it from\nthe list, and complete the root cause and actions before publishing.",
            options.format.as_str(),
            // The file's name, not where it lay on the importer's disk.
            incident.location.rsplit('/').next().unwrap_or_default()
        ),
    );
    out.raw(0, "schema", "1");
    out.raw(0, "id", id);
    out.field(0, "title", &incident.title);
    out.raw(0, "language", &options.language);
    out.raw(0, "status", "draft");
    out.raw(0, "organisation", &options.organisation);
    out.open(0, "services");
    for key in &services {
        out.list_scalar(2, key);
    }
    out.raw(0, "severity", incident.severity.as_str());
    out.raw(0, "started_at", &time(incident.started_at));
    out.raw(0, "detected_at", &time(detected_at));
    if let Some(resolved) = incident.resolved_at {
        out.raw(0, "resolved_at", &time(resolved.max(detected_at)));
    }
    // The last word to the public that is not the post-mortem itself (that becomes the
    // draft root cause).
    let summary = updates
        .iter()
        .rev()
        .find(|u| incident.postmortem.as_deref() != Some(u.text.as_str()))
        .or(updates.last())
        .map(|u| u.text.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| incident.title.clone());
    out.field(0, "summary", &summary);

    out.open(0, "impact");
    out.raw(2, "outage", outage_word(incident.outage));
    let windows: Vec<(&String, &ComponentWindow)> = incident
        .windows
        .iter()
        .filter_map(|w| options.map.get(&w.component).map(|key| (key, w)))
        .collect();
    let windows_differ = windows.iter().any(|(_, w)| {
        Some(w.from) != Some(incident.started_at)
            || w.to != incident.resolved_at
            || w.outage != incident.outage
    });
    if !windows.is_empty() && windows_differ {
        out.open(2, "services");
        for (key, window) in &windows {
            out.item(4, "service", key);
            out.raw(6, "from", &time(window.from));
            if let Some(to) = window.to {
                out.raw(6, "to", &time(to));
            }
            out.raw(6, "outage", outage_word(window.outage));
        }
        unverified.push("/impact/services".into());
    }

    if !updates.is_empty() {
        out.open(0, "timeline");
    }
    for (index, update) in updates.iter().enumerate() {
        write_statement(&mut out, update, incident, index, &mut unverified);
    }

    if let Some(postmortem) = &incident.postmortem {
        let draft = postmortem_draft(postmortem);
        out.open(0, "root_cause");
        out.raw(2, "status", "suspected");
        out.raw(2, "category", "system-failure");
        out.field(2, "description", &draft.cause);
        unverified.push("/root_cause/status".into());
        unverified.push("/root_cause/category".into());
        unverified.push("/root_cause/description".into());
        if !draft.actions.is_empty() {
            out.open(0, "actions");
            for (index, action) in draft.actions.iter().enumerate() {
                out.item(2, "id", &format!("A{}", index + 1));
                out.raw(4, "type", "prevent");
                out.field(4, "action", action);
                out.raw(4, "status", "planned");
                unverified.push(format!("/actions/{index}/type"));
            }
        }
    }
    finish_report(out.finish(), incident, options, unverified)
}

fn finish_report(
    mut document: String,
    incident: &SourceIncident,
    options: &Options,
    unverified: Vec<String>,
) -> String {
    let mut out = YamlWriter::default();
    out.open(0, "source");
    out.raw(2, "format", options.format.as_str());
    out.field(2, "id", &incident.id);
    if let Some(url) = &incident.url {
        out.field(2, "url", url);
    }
    if let Some(retrieved_at) = incident.retrieved_at {
        out.raw(2, "retrieved_at", &time(retrieved_at));
    }
    if !incident.merged.is_empty() {
        out.open(2, "merged");
        for id in &incident.merged {
            out.list_scalar(4, id);
        }
    }
    out.open(2, "unverified");
    for pointer in &unverified {
        out.list_scalar(4, pointer);
    }
    document.push_str(&out.finish());
    document
}

/// What a post-mortem gives a draft: the cause section, and the follow-up items.
struct PostmortemDraft {
    cause: String,
    actions: Vec<String>,
}

/// The section under a heading naming the root cause (or the whole text), and the list
/// items (or paragraphs) under a heading naming remediation, prevention, follow-up or
/// actions.
fn postmortem_draft(text: &str) -> PostmortemDraft {
    let mut sections: Vec<(String, Vec<&str>)> = vec![(String::new(), Vec::new())];
    for line in text.lines() {
        let trimmed = line.trim();
        let heading = trimmed
            .strip_prefix('#')
            .map(|h| h.trim_start_matches('#').trim())
            .or_else(|| {
                trimmed
                    .strip_prefix("**")
                    .and_then(|h| h.strip_suffix("**"))
                    .map(|h| h.trim_end_matches(':'))
            });
        match heading {
            Some(heading) => sections.push((heading.to_lowercase(), Vec::new())),
            None => {
                if let Some(last) = sections.last_mut() {
                    last.1.push(line);
                }
            }
        }
    }
    let body = |lines: &[&str]| lines.join("\n").trim().to_owned();
    let cause = sections
        .iter()
        .find(|(heading, _)| heading.contains("root cause") || heading.contains("cause"))
        .map(|(_, lines)| body(lines))
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| text.trim().to_owned());
    let follow_up = ["remediation", "prevent", "follow", "action", "next step"];
    let actions = sections
        .iter()
        .filter(|(heading, _)| follow_up.iter().any(|word| heading.contains(word)))
        .flat_map(|(_, lines)| {
            let items: Vec<String> = lines
                .iter()
                .filter_map(|l| {
                    let l = l.trim();
                    l.strip_prefix("- ")
                        .or_else(|| l.strip_prefix("* "))
                        .map(|item| item.trim().to_owned())
                })
                .filter(|item| !item.is_empty())
                .collect();
            if items.is_empty() {
                body(lines)
                    .split("\n\n")
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect()
            } else {
                items
            }
        })
        .take(50)
        .collect();
    PostmortemDraft { cause, actions }
}

fn outage_word(outage: Outage) -> &'static str {
    match outage {
        Outage::Full => "full",
        Outage::Partial => "partial",
    }
}

/// RFC 3339, to the second.
fn time(at: DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A timestamp as sources write them: RFC 3339 or `YYYY-MM-DD HH:MM[:SS]` with an offset, or
/// without one in `zone` (an error naming `--timezone` when there is none).
pub(crate) fn parse_time(text: &str, zone: Option<Tz>) -> Result<DateTime<FixedOffset>, TimeError> {
    let text = text.trim();
    let shown = printable(text);
    let in_range = |at: DateTime<FixedOffset>| {
        if (1..=9999).contains(&at.year()) {
            Ok(at)
        } else {
            Err(TimeError::new(format!(
                "`{shown}` is outside the years 1 to 9999"
            )))
        }
    };
    // Only four-digit years: chrono would also read `+10000-01-01` and `-0001-01-01`.
    if !text.get(..5).is_some_and(|year| {
        year.as_bytes()[..4].iter().all(u8::is_ascii_digit) && year.ends_with('-')
    }) {
        return Err(TimeError::new(format!(
            "`{shown}` is not a time (expected RFC 3339, or YYYY-MM-DD HH:MM:SS)"
        )));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return in_range(at);
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ] {
        if let Ok(at) = DateTime::parse_from_str(text, format) {
            return in_range(at);
        }
    }
    let text_utc = text.strip_suffix(" UTC").or_else(|| text.strip_suffix('Z'));
    let naive = |t: &str| {
        [
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
    };
    if let Some(t) = text_utc
        && let Some(at) = naive(t)
    {
        return in_range(at.and_utc().fixed_offset());
    }
    let Some(at) = naive(text) else {
        return Err(TimeError::new(format!(
            "`{shown}` is not a time (expected RFC 3339, or YYYY-MM-DD HH:MM:SS)"
        )));
    };
    let Some(zone) = zone else {
        return Err(TimeError {
            message: format!(
                "`{shown}` has no offset; pass --timezone with the zone the source writes in, e.g. --timezone Europe/Copenhagen"
            ),
            needs_zone: true,
        });
    };
    match zone.from_local_datetime(&at).earliest() {
        Some(local) => in_range(local.fixed_offset()),
        None => Err(TimeError::new(format!(
            "`{shown}` does not exist in {zone} (the clocks skipped it)"
        ))),
    }
}

/// The time a text promises the next update by, in the forms status pages use: "by Friday,
/// 2022-07-01 13:00 US/Pacific" (a date, a time and a zone name, or an offset, or UTC).
pub(crate) fn promised_update(text: &str) -> Option<DateTime<FixedOffset>> {
    let lower = text.to_lowercase();
    let markers = [
        "next update by",
        "more information by",
        "update by",
        "an update by",
    ];
    let start = markers
        .iter()
        .filter_map(|m| lower.find(m).map(|i| i + m.len()))
        .min()?;
    let rest = text.get(start..)?.trim_start();
    // Skip a weekday ("Friday, ").
    let rest = match rest.find(", ") {
        Some(i) if i <= 10 && rest[..i].chars().all(char::is_alphabetic) => &rest[i + 2..],
        _ => rest,
    };
    let mut words = rest.split_whitespace();
    let date = NaiveDate::parse_from_str(words.next()?, "%Y-%m-%d").ok()?;
    let clock = words.next()?.trim_end_matches(['.', ',']);
    let clock = chrono::NaiveTime::parse_from_str(clock, "%H:%M").ok()?;
    let zone = words.next()?.trim_end_matches(['.', ',', ')']);
    let local = date.and_time(clock);
    if zone.eq_ignore_ascii_case("UTC") || zone.eq_ignore_ascii_case("GMT") {
        return Some(local.and_utc().fixed_offset());
    }
    let tz: Tz = zone.parse().ok()?;
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.fixed_offset())
}

/// The YAML tree of a source file, or where it fails to parse.
pub(crate) fn yaml_tree(file: &str, bytes: &[u8]) -> Result<load::Node, Problem> {
    let loaded = load::load(bytes, &crate::config::Limits::default());
    let position = |problem: &load::LoadProblem| match problem {
        load::LoadProblem::Syntax { position, .. } => {
            format!("{file}:{}:{}", position.line, position.column)
        }
        _ => file.to_owned(),
    };
    match (loaded.root, loaded.problems.first()) {
        (Some(root), None) => Ok(root),
        (_, Some(problem)) => Err(Problem::new(&position(problem), load_problem_text(problem))),
        (None, None) => Err(Problem::new(file, "the file is empty".into())),
    }
}

/// The string, number or boolean at `pointer`, as text.
pub(crate) fn text_at(root: &load::Node, pointer: &str) -> Option<String> {
    match &root.find(pointer)?.value {
        load::NodeValue::String(s) => Some(s.clone()),
        load::NodeValue::Number(n) => Some(n.to_string()),
        load::NodeValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `file:line:column` of a JSON error.
pub(crate) fn json_location(file: &str, error: &serde_json::Error) -> String {
    format!("{file}:{}:{}", error.line(), error.column())
}

/// When a file was last written, to the second, in UTC: for a file a user fetched with
/// `curl -o`, when it was fetched. Reading it (not the clock) keeps the output the same for
/// the same input.
fn modified_time(path: &Path) -> Option<DateTime<FixedOffset>> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let seconds = modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let at = DateTime::<Utc>::from_timestamp(i64::try_from(seconds).ok()?, 0)?;
    // A time a report cannot hold (years past 9999, from a broken archive) is no time.
    (at.year() <= 9999).then(|| at.fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped_and_line_ends_kept() {
        assert_eq!(clean("a\u{7}b\r\nc\td\u{1b}[0m"), "ab\nc\td[0m");
    }

    #[test]
    fn promised_updates_are_read_in_their_zone() {
        let at = promised_update(
            "Mitigation work is underway.\nWe will provide more information by Friday, 2022-07-01 13:00 US/Pacific.",
        );
        assert_eq!(
            at.map(|t| t.to_rfc3339()),
            Some("2022-07-01T13:00:00-07:00".to_owned())
        );
        let utc = promised_update("Next update by 2026-03-31 14:30 UTC.");
        assert_eq!(
            utc.map(|t| t.to_rfc3339()),
            Some("2026-03-31T14:30:00+00:00".to_owned())
        );
        assert_eq!(promised_update("We will update you in 30 minutes."), None);
    }

    #[test]
    fn naive_times_need_a_zone_and_use_it() {
        let error = parse_time("2018-06-27 17:13:00", None).unwrap_err();
        assert!(
            error.needs_zone && error.message.contains("--timezone"),
            "{error:?}"
        );
        let copenhagen: Tz = "Europe/Copenhagen".parse().unwrap();
        let summer = parse_time("2018-06-27 17:13:00", Some(copenhagen)).unwrap();
        assert_eq!(summer.to_rfc3339(), "2018-06-27T17:13:00+02:00");
        let winter = parse_time("2018-12-27 17:13", Some(copenhagen)).unwrap();
        assert_eq!(winter.to_rfc3339(), "2018-12-27T17:13:00+01:00");
        let gap = parse_time("2026-03-29 02:30:00", Some(copenhagen)).unwrap_err();
        assert!(gap.message.contains("does not exist"), "{gap:?}");
        for outside in [
            "+10000-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z",
            "yesterday",
        ] {
            assert!(parse_time(outside, None).is_err(), "{outside}");
        }
        let offset = parse_time("2022-07-01T13:37:44+00:00", None).unwrap();
        assert_eq!(offset.to_rfc3339(), "2022-07-01T13:37:44+00:00");
    }

    #[test]
    fn a_postmortem_gives_its_cause_section_and_follow_up_items() {
        let draft = postmortem_draft(
            "## Summary\nLogins failed.\n\n## Root Cause\nA certificate expired.\n\n## Remediation and Prevention\n- Monitor expiry dates.\n- Automate renewal.\n",
        );
        assert_eq!(draft.cause, "A certificate expired.");
        assert_eq!(
            draft.actions,
            ["Monitor expiry dates.", "Automate renewal."]
        );
        let plain = postmortem_draft("We restarted the database.");
        assert_eq!(plain.cause, "We restarted the database.");
        assert!(plain.actions.is_empty());
    }
}
