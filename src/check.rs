//! The check pipeline: candor.yaml, then every report through load, validate and rules, then
//! the repository-wide rules and waivers.
//!
//! Reports are analysed in parallel and, for `check`, dropped as soon as their findings and
//! a small [`Summary`] are known, so memory stays flat however many reports there are. The
//! site build runs the same [`Engine`] and keeps the typed reports.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::config::{Config, ConfigFile, Limits};
use crate::diag::{self, Finding};
use crate::diag::{Code, Emitter, Levels, Locate};
use crate::impact::ImpactFigures;
use crate::load::{self, LoadProblem, Node, NodeValue};
use crate::model::{Incident, SCHEMA_VERSION};
use crate::rules::{self, Context, Subject, Summary};
use crate::source::{self, Source, WorkTree};
use crate::validate::{DocumentKind, SchemaValidator};

/// candor.yaml after loading, with its own findings.
pub struct LoadedConfig {
    /// The validated configuration (defaults, if the file was unusable).
    pub config: Config,
    /// Findings on candor.yaml.
    pub findings: Vec<Finding>,
    /// Whether organisations and services come from a valid file, so references can be checked.
    pub references_known: bool,
}

/// Load and validate candor.yaml from its bytes.
pub fn load_config(bytes: &[u8], validator: &SchemaValidator) -> LoadedConfig {
    let file = source::CONFIG_FILE;
    let levels = Levels::default();
    let loaded = load::load(bytes, &Limits::default());
    let mut out = Emitter::new(
        file,
        loaded.root.as_ref().map(|r| r as &dyn Locate),
        &levels,
    );
    push_load_problems(&mut out, &loaded.problems);
    // Every problem in candor.yaml is reported in one run: a file whose only schema problems
    // are unknown keys or invalid values is repaired (those removed) and checked further.
    let mut repaired_keys: Vec<String> = Vec::new();
    let parsed = loaded.root.as_ref().and_then(|root| {
        let mut value = root.to_json();
        if let Some(violations) = validator.check_and_repair(DocumentKind::Config, &value, &mut out)
        {
            let (repaired, masked) = violations.repair(&value)?;
            if !validator.is_valid(DocumentKind::Config, &repaired) {
                return None;
            }
            value = repaired;
            repaired_keys = masked;
        }
        let again = value.clone();
        match typed::<ConfigFile>(value, || again) {
            Ok(config) => Some(config),
            Err((pointer, error)) => {
                out.at(
                    Code::S002,
                    &pointer,
                    format!(
                        "{} cannot be read: {error}",
                        field_name(&pointer, "candor.yaml")
                    ),
                    "see `candor schema --config` for what this field accepts",
                );
                None
            }
        }
    });
    let Some(file_config) = parsed else {
        return LoadedConfig {
            config: fallback_config(),
            findings: out.into_findings(),
            references_known: false,
        };
    };
    let config = Config::from_file(file_config);
    check_config_references(&config, &mut out);
    for (pointer, message, help) in rules::config_rule_problems(&config) {
        out.at_key(Code::S002, &pointer, message, help);
    }
    // Reports' references are only checked against organisations and services that were
    // read as written.
    let references_known = !repaired_keys
        .iter()
        .any(|p| p.starts_with("/organisations") || p.starts_with("/services") || p == "/site");
    LoadedConfig {
        config,
        findings: out.into_findings(),
        references_known,
    }
}

/// The configuration used when candor.yaml cannot be read: built-in policy, English.
fn fallback_config() -> Config {
    Config::from_file(ConfigFile {
        site: crate::config::SiteFile {
            title: crate::model::Text::Plain("Incidents".into()),
            base_url: "https://example.invalid/".into(),
            languages: vec!["en".into()],
            notice: None,
            accessibility_statement_url: None,
            time_zone: None,
            show_commit_messages: None,
        },
        organisations: Default::default(),
        services: Default::default(),
        policy: Default::default(),
        rules: Default::default(),
        limits: Default::default(),
    })
}

fn check_config_references(config: &Config, out: &mut Emitter<'_>) {
    let file = &config.file;
    let organisations: Vec<&str> = file.organisations.keys().map(String::as_str).collect();
    let services: Vec<&str> = file.services.keys().map(String::as_str).collect();
    for (key, service) in &file.services {
        if !file.organisations.contains_key(&service.organisation) {
            out.at(
                Code::S005,
                &format!("/services/{key}/organisation"),
                format!(
                    "service `{key}` names the organisation `{}`, which is not defined",
                    service.organisation
                ),
                rules_suggestion(&service.organisation, &organisations, "organisations"),
            );
        }
        for (index, dependency) in service.depends_on.iter().enumerate() {
            if !file.services.contains_key(dependency) {
                out.at(
                    Code::S005,
                    &format!("/services/{key}/depends_on/{index}"),
                    format!("service `{key}` depends on `{dependency}`, which is not a service"),
                    rules_suggestion(dependency, &services, "services"),
                );
            }
        }
    }
    for (section, keys) in [
        (
            "organisations",
            file.organisations.keys().collect::<Vec<_>>(),
        ),
        ("services", file.services.keys().collect::<Vec<_>>()),
    ] {
        for key in keys {
            // The site's own pages in the same folder: a key with one of these names would
            // overwrite the directory or the comparison.
            if matches!(key.as_str(), "index" | "compare") {
                out.at_key(
                    Code::S002,
                    &format!("/{section}/{key}"),
                    format!("`{key}` is the name of one of the site's own pages in {section}/"),
                    "choose another key, such as the organisation's or service's name in a few words",
                );
            }
            if crate::model::is_reserved_name(key) {
                out.at_key(
                    Code::S002,
                    &format!("/{section}/{key}"),
                    format!(
                        "`{key}` is a name Windows reserves for a device; as a page name it could not be opened there"
                    ),
                    "choose another key, such as the organisation's or service's name in a few words",
                );
            }
        }
    }
    let base_url = file.site.base_url.trim().to_ascii_lowercase();
    if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
        out.at(
            Code::S002,
            "/site/base_url",
            format!(
                "`{}` is not a web address; every link in the feed and the open data starts with it",
                file.site.base_url
            ),
            "write the address the site is published at, starting with `https://`, e.g. `https://incidents.example.gov/`",
        );
    }
    if let Some(name) = &file.site.time_zone
        && name.parse::<chrono_tz::Tz>().is_err()
    {
        let hint = [
            "Europe/Copenhagen",
            "Europe/Berlin",
            "Europe/Oslo",
            "Europe/Stockholm",
            "Europe/Helsinki",
            "Europe/Tallinn",
            "Europe/Brussels",
            "Europe/Paris",
            "Europe/Amsterdam",
            "Europe/Vienna",
            "UTC",
        ];
        out.at(
            Code::S002,
            "/site/time_zone",
            format!("`{name}` is not a time zone name"),
            match diag::closest(name, &hint) {
                Some(best) => {
                    format!("did you mean `{best}`? Use an IANA name such as `Europe/Copenhagen`")
                }
                None => "use an IANA time zone name such as `Europe/Copenhagen`".to_owned(),
            },
        );
    }
    let mut seen = HashSet::new();
    for (index, language) in file.site.languages.iter().enumerate() {
        if !seen.insert(language) {
            out.at(
                Code::S002,
                &format!("/site/languages/{index}"),
                format!("the language `{language}` is listed twice"),
                "list each site language once",
            );
        }
    }
}

fn rules_suggestion(key: &str, known: &[&str], section: &str) -> String {
    match diag::closest(key, known) {
        Some(best) => format!("did you mean `{best}`? Otherwise add `{key}` under `{section}`"),
        None => format!("add `{key}` under `{section}`"),
    }
}

fn push_load_problems(out: &mut Emitter<'_>, problems: &[LoadProblem]) {
    for problem in problems {
        match problem {
            LoadProblem::TooLarge { limit, .. } => out.push(
                Code::S007,
                "",
                None,
                format!("the file is larger than the limit of {limit} bytes"),
                "keep logs and data out of the report and link to them under `references`; raise `limits.max_file_bytes` in candor.yaml only if a real report needs it".into(),
            ),
            LoadProblem::Syntax { position, message, help } => {
                out.push(Code::S001, "", Some(*position), message.clone(), help.clone().into());
            }
        }
    }
}

/// A report that passed validation, with its computed impact.
#[derive(Clone, Debug)]
pub struct CheckedReport {
    /// File path relative to the repository root.
    pub file: String,
    /// The typed report.
    pub incident: Incident,
    /// The computed impact under the policy.
    pub impact: ImpactFigures,
    /// The key facts the revision history compares, as of this version (a site build moves
    /// them into the history, leaving `None` here, or keeps none when the history's cache has
    /// them: boxed, so that takes 8 bytes, not 128).
    pub facts: Option<Box<crate::history::KeyFacts>>,
    /// The status this version declares, as the deadline rules read it from the history
    /// ([`crate::history::declared_status`]); a site build moves it into the history too.
    pub declared: Option<crate::model::Status>,
    /// What stands in for the prose a site build leaves out of the report to save memory
    /// ([`crate::prose`]); `None` when `incident` is whole.
    pub set_aside: Option<crate::prose::SetAside>,
}

/// The result of analysing one file.
pub struct Analysis {
    /// File path relative to the repository root.
    pub file: String,
    /// Findings from load, validation and per-report rules (waivers not yet applied).
    pub findings: Vec<Finding>,
    /// What the repository-wide rules need, if the report validated (boxed: a site build lets
    /// it go once the check is done, and the record of every file it keeps stays small).
    pub summary: Option<Box<Summary>>,
    /// The typed report, if the report validated and the caller asked to keep it (boxed, so
    /// a check that keeps no reports holds only a small record per file).
    pub report: Option<Box<CheckedReport>>,
    /// The `status` the file declares, when it parsed at all (a broken draft is still a draft).
    pub status_hint: Option<String>,
}

impl Analysis {
    /// Whether the file declares itself a draft, so it is never published.
    pub fn is_draft(&self) -> bool {
        self.status_hint.as_deref() == Some("draft")
    }
}

/// What [`Engine::analyse`] keeps of a report that validates, besides its findings and the
/// summary the rules across reports need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Nothing more (`candor check`).
    Findings,
    /// The typed report, with its key facts for the revision history.
    Report,
    /// The typed report without its key facts: a build whose history's cache holds them.
    ReportWithoutFacts,
}

/// Everything a run needs to analyse reports: configuration, levels, validator and today.
pub struct Engine<'a> {
    config: &'a Config,
    levels: Levels,
    validator: &'a SchemaValidator,
    today: DateTime<Utc>,
    references_known: bool,
}

impl<'a> Engine<'a> {
    /// An engine for one run.
    pub fn new(
        loaded: &'a LoadedConfig,
        validator: &'a SchemaValidator,
        today: DateTime<Utc>,
    ) -> Engine<'a> {
        Engine {
            config: &loaded.config,
            levels: Levels::from_overrides(&loaded.config.rule_levels),
            validator,
            today,
            references_known: loaded.references_known,
        }
    }

    /// The rule context.
    pub fn context(&self) -> Context<'_> {
        Context {
            config: self.config,
            levels: &self.levels,
            today: self.today,
            references_known: self.references_known,
            publications: None,
            wanted: None,
        }
    }

    /// The configured input limits.
    pub fn limits(&self) -> &Limits {
        &self.config.limits
    }

    /// Load, validate and run the per-report rules on one file's bytes, keeping of the report
    /// what `keep` says.
    pub fn analyse(&self, file: &str, bytes: &[u8], keep: Keep) -> Analysis {
        let loaded = load::load(bytes, &self.config.limits);
        let root = loaded.root.as_ref();
        let mut out = Emitter::new(file, root.map(|r| r as &dyn Locate), &self.levels);
        push_load_problems(&mut out, &loaded.problems);
        let mut analysis = Analysis {
            file: file.to_owned(),
            findings: Vec::new(),
            summary: None,
            report: None,
            status_hint: root
                .and_then(|r| r.find("/status"))
                .and_then(|n| match &n.value {
                    NodeValue::String(s) => Some(s.clone()),
                    _ => None,
                }),
        };
        if let Some(root) = root
            && let Some(validated) = self.validate(root, &mut out)
        {
            let incident = validated.incident;
            let context = self.context();
            let impact = rules::assess(&incident, &context);
            let subject = Subject {
                stem: source::file_stem(file),
                incident: &incident,
                impact: &impact,
            };
            if validated.masked.is_empty() {
                rules::check_report(&subject, &context, &mut out);
            } else {
                // Checked as repaired: the rules' findings on what was removed, or on the
                // fields misspelled keys meant, would only repeat the schema findings.
                let mut rules_out = Emitter::new(file, Some(root as &dyn Locate), &self.levels);
                rules::check_report(&subject, &context, &mut rules_out);
                let masked = &validated.masked;
                out.extend(rules_out.into_findings().into_iter().filter(|finding| {
                    !masked
                        .iter()
                        .any(|m| finding.path == *m || finding.path.starts_with(&format!("{m}/")))
                }));
            }
            analysis.summary = Some(Box::new(Summary::of(file, &incident, root)));
            if keep != Keep::Findings && validated.masked.is_empty() {
                analysis.report = Some(Box::new(CheckedReport {
                    file: file.to_owned(),
                    incident,
                    impact,
                    facts: (keep == Keep::Report)
                        .then(|| Box::new(crate::history::KeyFacts::from_tree(root))),
                    declared: crate::history::declared_status(bytes, Some(root)),
                    set_aside: None,
                }));
            }
        }
        analysis.findings = out.into_findings();
        analysis
    }

    /// Schema version, then schema, then the typed model. A report whose only schema problems
    /// are unknown keys or invalid optional values is repaired (those removed), so the rules
    /// can still report on the rest in the same run.
    fn validate(&self, root: &Node, out: &mut Emitter<'_>) -> Option<Validated> {
        let NodeValue::Mapping(_) = root.value else {
            out.at(
                Code::S002,
                "",
                "a report must be a map of fields (`schema: 1`, `id: ...`, ...), not a single value or a list",
                "start the file with `schema: 1` and the report's fields, one per line",
            );
            return None;
        };
        if let Some(version) = root.find("/schema")
            && version.value != NodeValue::Number(SCHEMA_VERSION.into())
        {
            out.at(
                Code::S006,
                "/schema",
                format!(
                    "schema version {} is not supported; this Candor reads version {SCHEMA_VERSION}",
                    describe_node(version)
                ),
                "write `schema: 1`, or use the Candor release that supports this version",
            );
            return None;
        }
        let value = root.to_json();
        if let Some(violations) =
            self.validator
                .check_and_repair(DocumentKind::Incident, &value, out)
        {
            let (repaired, masked) = violations.repair(&value)?;
            if !self.validator.is_valid(DocumentKind::Incident, &repaired) {
                return None;
            }
            let incident = serde_json::from_value::<Incident>(repaired).ok()?;
            return Some(Validated { incident, masked });
        }
        match typed::<Incident>(value, || root.to_json()) {
            Ok(incident) => Some(Validated {
                incident,
                masked: Vec::new(),
            }),
            Err((pointer, error)) => {
                out.at(
                    Code::S002,
                    &pointer,
                    format!(
                        "{} cannot be read: {error}",
                        field_name(&pointer, "the report")
                    ),
                    "see `candor schema` for what this field accepts",
                );
                None
            }
        }
    }
}

/// A document that passed the schema as its typed model; on failure (a number too large for
/// its field, say), the JSON Pointer of the field that failed, so the finding has a position.
/// The path is tracked only on that rare second pass over `again()`, the same document: the
/// first pass costs no more than plain deserialisation.
fn typed<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    again: impl FnOnce() -> serde_json::Value,
) -> Result<T, (String, String)> {
    if let Ok(typed) = serde_json::from_value(value) {
        return Ok(typed);
    }
    serde_path_to_error::deserialize(again()).map_err(|error| {
        let mut pointer = String::new();
        for segment in error.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => {
                    pointer.push_str(&format!("/{index}"));
                }
                serde_path_to_error::Segment::Map { key } => {
                    pointer.push('/');
                    pointer.push_str(&diag::escape_token(key));
                }
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => {}
            }
        }
        let inner = error.into_inner().to_string();
        // serde's words name Rust types ("u64"); say what that means for the author.
        let plain = if inner.contains("u64") || inner.contains("u32") {
            "it must be a whole number no larger than any real count".to_owned()
        } else {
            inner
        };
        (pointer, plain)
    })
}

/// "`impact.users_affected.estimate`", or `whole` for the whole document.
fn field_name(pointer: &str, whole: &str) -> String {
    if pointer.is_empty() {
        whole.to_owned()
    } else {
        format!("`{}`", diag::pointer_to_field(pointer))
    }
}

/// A report that validated, or was repaired so the rules can run on it.
struct Validated {
    /// The typed report (repaired, when `masked` is not empty).
    incident: Incident,
    /// What the repair removed, and the fields misspelled keys meant: the rules' findings
    /// there are dropped.
    masked: Vec<String>,
}

fn describe_node(node: &Node) -> String {
    match &node.value {
        NodeValue::String(s) => format!("`{s}`"),
        NodeValue::Number(n) => n.to_string(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Null => "(empty)".into(),
        _ => "(a list or map)".into(),
    }
}

/// Apply repository-wide rules and waivers to per-file analyses.
///
/// Returns the standing findings, sorted, and the findings waivers covered.
pub fn finish(analyses: &mut [Analysis], context: &Context<'_>) -> (Vec<Finding>, Vec<Finding>) {
    let summaries: Vec<&Summary> = analyses
        .iter()
        .filter_map(|a| a.summary.as_deref())
        .collect();
    let mut repository = rules::check_repository(&summaries, context);
    repository.sort_by(|a, b| a.file.cmp(&b.file));
    // Sized once: a large site has hundreds of thousands of findings, kept to the end of a
    // build, and a list grown by doubling could keep as much again in spare room
    // (and hold the old and the new list at once as it grows).
    let mut standing = Vec::with_capacity(
        analyses
            .iter()
            .filter(|a| context.wants(&a.file))
            // Each waiver adds at most one finding of its own (W001-W003).
            .map(|a| a.findings.len() + a.summary.as_ref().map_or(0, |s| s.waivers.len()))
            .sum::<usize>()
            + repository.len(),
    );
    let mut waived = Vec::new();
    for analysis in analyses.iter_mut() {
        if !context.wants(&analysis.file) {
            continue;
        }
        let mut findings = std::mem::take(&mut analysis.findings);
        let start = repository.partition_point(|f| f.file < analysis.file);
        let end = repository.partition_point(|f| f.file <= analysis.file);
        findings.extend(repository[start..end].iter().cloned());
        let waivers = analysis
            .summary
            .as_ref()
            .map(|s| s.waivers.as_slice())
            .unwrap_or_default();
        let (kept, covered) = rules::apply_waivers(&analysis.file, findings, waivers, context);
        standing.extend(kept);
        waived.extend(covered);
    }
    diag::sort(&mut standing);
    diag::sort(&mut waived);
    (standing, waived)
}

/// What a run over a repository found.
pub struct Run {
    /// Every standing finding (candor.yaml, skipped files, reports), sorted.
    pub findings: Vec<Finding>,
    /// Findings that waivers cover, sorted.
    pub waived: Vec<Finding>,
    /// Each report file's analysis (with the typed report when asked to keep them).
    pub analyses: Vec<Analysis>,
    /// candor.yaml as loaded.
    pub config: LoadedConfig,
    /// How many report files were read.
    pub reports: usize,
    /// When each report was first published and first final, by id, from the history
    /// (`None` without one).
    pub publications: Option<HashMap<String, crate::timeliness::PublicationTimes>>,
}

impl Run {
    /// Whether any finding is at level deny.
    pub fn has_deny(&self) -> bool {
        self.findings.iter().any(Finding::is_deny)
    }
}

/// Load candor.yaml and every report from `source`, analyse them in parallel, and apply the
/// repository-wide rules and waivers. When `only` is given, findings are limited to those
/// files (repository-wide rules still see every report). With `keep_reports`, the typed
/// reports are kept for the site; otherwise each is dropped once analysed.
pub fn run(
    source: &Source,
    only: Option<&HashSet<String>>,
    today: DateTime<Utc>,
    keep_reports: bool,
) -> anyhow::Result<Run> {
    run_with_summaries(
        source,
        only,
        today,
        keep_reports,
        HashMap::new(),
        None,
        None,
    )
}

/// [`run`], with the summaries of some reports already known (by path): those reports are
/// not read again, and only take part in the rules across reports. `listing`, when given,
/// is the source's reports as the caller already listed them (so the tree is walked once), and
/// `publications` the publication times' cache as the caller already read it.
pub(crate) fn run_with_summaries(
    source: &Source,
    only: Option<&HashSet<String>>,
    today: DateTime<Utc>,
    keep_reports: bool,
    known: HashMap<String, Summary>,
    listing: Option<source::Listing>,
    publications: Option<crate::cache::PublicationsRead>,
) -> anyhow::Result<Run> {
    run_inner(
        source,
        today,
        Plan {
            config: None,
            only,
            keep_reports,
            history_cached: None,
            prose_aside: None,
            known,
            listing,
            publications: Publications::Walk(publications),
        },
    )
}

/// Where a run gets the publication times its deadline rules need.
enum Publications<'f> {
    /// From its own walk of the history, beside the reports' analysis (`candor check`),
    /// starting from the cache of the times when the caller has read it already.
    Walk(Option<crate::cache::PublicationsRead>),
    /// From the caller, once every report is analysed and before the rules across reports: a
    /// build reads the history anyway and takes them from it, so the history is walked once.
    After(AfterAnalysis<'f>),
}

/// What a build does between the reports' analysis and the rules across reports: given the
/// analyses (it may move each kept report's key facts out, into the history) and the limits,
/// the publication times by report id, or `None` when the source has no history.
pub(crate) type AfterAnalysis<'f> = Box<
    dyn FnOnce(
            &mut [Analysis],
            &Limits,
        )
            -> anyhow::Result<Option<HashMap<String, crate::timeliness::PublicationTimes>>>
        + 'f,
>;

/// [`run`] for a site build: every report kept (with its prose set aside and the summaries'
/// starts kept in `prose_aside`, when given: see [`crate::prose`]), the publication times
/// given by `after` once the reports are analysed, and `config` (the text of a candor.yaml),
/// when given, in place of the source's own (a national build checks each agency's reports
/// under the agency's settings with the national floor applied). With `history_cached`, read
/// under this run's limits, the kept reports keep no key facts: the history `after` reads from
/// that cache holds those of every version unchanged since its commit, and reads the others
/// from their blobs.
pub(crate) fn run_for_build(
    source: &Source,
    config: Option<&[u8]>,
    today: DateTime<Utc>,
    after: AfterAnalysis<'_>,
    prose_aside: Option<&crate::prose::Starts>,
    history_cached: Option<&crate::cache::CachedHistory>,
) -> anyhow::Result<Run> {
    run_inner(
        source,
        today,
        Plan {
            config,
            only: None,
            keep_reports: true,
            history_cached,
            prose_aside,
            known: HashMap::new(),
            listing: None,
            publications: Publications::After(after),
        },
    )
}

/// What a run reads besides the source, and what it keeps.
struct Plan<'a> {
    /// The text of a candor.yaml to use instead of the source's own.
    config: Option<&'a [u8]>,
    /// The files whose findings are wanted (all when `None`).
    only: Option<&'a HashSet<String>>,
    /// Whether to keep the typed reports.
    keep_reports: bool,
    /// The history's cache a build will read ([`run_for_build`]). Under the same limits it
    /// holds the key facts of the current versions unchanged since its commit: kept in the
    /// reports too, both would be held at the check's end, a build's peak (about 35 MiB at
    /// 100,000 reports).
    history_cached: Option<&'a crate::cache::CachedHistory>,
    /// Where to keep the summaries' starts when the prose is left out of the kept reports
    /// ([`crate::prose`]); `None` to keep them whole.
    prose_aside: Option<&'a crate::prose::Starts>,
    /// Summaries already known, by path: those reports are not read again.
    known: HashMap<String, Summary>,
    /// The source's reports as the caller already listed them.
    listing: Option<source::Listing>,
    /// Where the publication times come from.
    publications: Publications<'a>,
}

fn run_inner(source: &Source, today: DateTime<Utc>, plan: Plan<'_>) -> anyhow::Result<Run> {
    let Plan {
        config,
        only,
        keep_reports,
        history_cached,
        prose_aside,
        mut known,
        listing,
        publications,
    } = plan;
    let validator = SchemaValidator::new()?;
    let config_bytes = match config {
        Some(bytes) => bytes.to_vec(),
        None => source.read(source::CONFIG_FILE, Limits::default().max_file_bytes)?,
    };
    let loaded_config = load_config(&config_bytes, &validator);
    let engine = Engine::new(&loaded_config, &validator, today);
    let keep = match (keep_reports, history_cached) {
        (false, _) => Keep::Findings,
        (true, Some(cached)) if cached.read_under(engine.limits()) => Keep::ReportWithoutFacts,
        (true, _) => Keep::Report,
    };
    let listing = match listing {
        Some(listing) => listing,
        None => source.list_reports()?,
    };

    let mut files: Vec<String> = listing.reports.clone();
    if let Some(only) = only {
        for path in only {
            if !files.contains(path) && !listing.skipped.iter().any(|s| &s.path == path) {
                files.push(path.clone());
            }
        }
        files.sort();
    }
    let mut too_many = None;
    let max_reports = engine.limits().max_reports as usize;
    if files.len() > max_reports {
        too_many = Some(files.len());
        files.truncate(max_reports);
    }
    let limit = engine.limits().max_file_bytes;
    let reports = files.len();
    let (summarised, to_read): (Vec<String>, Vec<String>) =
        files.into_iter().partition(|f| known.contains_key(f));
    let analyse = || {
        source.map_files(&to_read, limit, &|file, bytes| match bytes {
            Ok(bytes) => {
                let mut analysis = engine.analyse(file, &bytes, keep);
                if let (Some(starts), Some(report)) = (prose_aside, analysis.report.as_deref_mut())
                {
                    crate::prose::set_aside(report, starts);
                    // What a build keeps of the report is copied now that the file's parse tree
                    // is freed: the copy packs into the memory the tree left, where the
                    // original lies scattered between the tree's freed pieces, which the
                    // allocator cannot give back (about 10-15 MiB less at 100,000 reports, in
                    // two and three runs: within the spread between runs).
                    *report = report.clone();
                }
                analysis
            }
            Err(error) => unreadable(file, &error, &engine),
        })
    };
    let (walked, after, mut analyses) = match publications {
        // The history walk (for when each report was published) runs beside the reports' check.
        Publications::Walk(read) => {
            let (walked, analyses) = rayon::join(
                || {
                    source
                        .history_tree()
                        .map(|tree| crate::cache::publication_times(tree, engine.limits(), read))
                },
                analyse,
            );
            (walked.transpose()?, None, analyses)
        }
        Publications::After(after) => (None, Some(after), analyse()),
    };
    analyses.extend(summarised.into_iter().map(|file| {
        let summary = known.remove(&file);
        Analysis {
            status_hint: summary.as_ref().map(|s| s.status.as_str().to_owned()),
            file,
            findings: Vec::new(),
            summary: summary.map(Box::new),
            report: None,
        }
    }));
    analyses.sort_by(|a, b| a.file.cmp(&b.file));
    let publications = match after {
        Some(after) => after(&mut analyses, engine.limits())?,
        None => walked,
    };
    let context = Context {
        publications: publications.as_ref(),
        wanted: only,
        ..engine.context()
    };
    let (mut findings, mut waived) = finish(&mut analyses, &context);
    // Messages are said in English here; `say_in` says them in another language.
    let english = crate::i18n::Strings::built_in("en")?;
    english.say_all(&mut findings);
    english.say_all(&mut waived);

    // Exactly: the list was sized for the reports' findings, and growing it for a few more
    // would double its room.
    findings.reserve_exact(
        loaded_config.findings.len() + usize::from(too_many.is_some()) + listing.skipped.len(),
    );
    findings.extend(loaded_config.findings.iter().cloned());
    let levels = Levels::default();
    if let Some(count) = too_many {
        let mut out = Emitter::new(source::CONFIG_FILE, None, &levels);
        out.push(
            Code::S007,
            "/limits/max_reports",
            None,
            format!("the repository holds {count} reports, over the limit of {max_reports}; only the first {max_reports} were checked"),
            "raise `limits.max_reports` in candor.yaml if the repository really holds that many reports".into(),
        );
        findings.extend(out.into_findings());
    }
    for skipped in &listing.skipped {
        let mut out = Emitter::new(&skipped.path, None, &levels);
        out.push(
            Code::S001,
            "",
            None,
            skipped.reason.clone(),
            skipped.help.clone().into(),
        );
        findings.extend(out.into_findings());
    }
    if let Some(only) = only {
        findings.retain(|f| only.contains(&f.file) || f.file == source::CONFIG_FILE);
    }
    diag::sort(&mut findings);
    drop(engine);
    Ok(Run {
        findings,
        waived,
        analyses,
        config: loaded_config,
        reports,
        publications,
    })
}

/// Say the findings' messages in `lang` (`en` or `da`): the terminal's `--lang`.
pub fn say_in(findings: &mut [Finding], lang: &str) -> anyhow::Result<()> {
    crate::i18n::Strings::built_in(lang)?.say_all(findings);
    Ok(())
}

/// Check a working tree: candor.yaml and every report under `incidents/`. When `only` is
/// given, findings are limited to those files (repository-wide rules still see every report).
pub fn check_worktree(
    tree: &WorkTree,
    only: Option<&HashSet<String>>,
    today: DateTime<Utc>,
) -> anyhow::Result<Run> {
    run(
        &Source::Work(tree.clone(), tree.history()),
        only,
        today,
        false,
    )
}

fn unreadable(file: &str, error: &anyhow::Error, engine: &Engine<'_>) -> Analysis {
    let mut out = Emitter::new(file, None, &engine.levels);
    out.push(
        Code::S001,
        "",
        None,
        format!("the file cannot be read: {error:#}"),
        "check that the file exists and is readable".into(),
    );
    Analysis {
        file: file.to_owned(),
        findings: out.into_findings(),
        summary: None,
        report: None,
        status_hint: None,
    }
}

/// Check what is staged for the next commit (git's index), not the working tree: findings
/// for the staged reports that differ from `HEAD` (every report when candor.yaml is staged),
/// while the rules across reports see every staged report. A pre-commit hook's check.
pub fn check_staged(staged: &source::Staged, today: DateTime<Utc>) -> anyhow::Result<Run> {
    if staged.config_changed {
        return run(&staged.source, None, today, false);
    }
    let mut only: HashSet<String> = staged.changed.iter().cloned().collect();
    only.extend(
        staged
            .source
            .list_reports()?
            .skipped
            .into_iter()
            .map(|s| s.path),
    );
    run(&staged.source, Some(&only), today, false)
}

/// Check only the reports changed since `rev` (added, modified or renamed, committed or not),
/// while the rules across reports still see every report. Unchanged reports are summarised
/// from a cache keyed by their git blob id, so a check of two changed files in a large
/// repository reads two files. If candor.yaml changed, every report is checked.
pub fn check_changed_since(
    tree: &WorkTree,
    rev: &str,
    today: DateTime<Utc>,
) -> anyhow::Result<Run> {
    // The caches of unchanged reports' summaries and of the publication times are read while
    // git compares the work tree.
    let git_dir = source::git_dir(tree.root());
    let (changes, (cache, history, publications)) = rayon::join(
        || source::changes_since(tree.root(), rev),
        || {
            let cache = git_dir.map(|dir| crate::cache::SummaryCache::open(&dir));
            let history = tree.history();
            let publications = history.as_ref().map(crate::cache::read_publications);
            (cache, history, publications)
        },
    );
    let changes = changes?;
    let source = Source::Work(tree.clone(), history);
    if changes.config_changed {
        return run(&source, None, today, false);
    }
    // The comparison has already walked the work tree; its listing saves a second walk. A
    // linked incidents/ folder is left to the walk, which reports it.
    let linked = std::fs::symlink_metadata(tree.root().join(source::INCIDENTS_DIR))
        .is_ok_and(|m| m.file_type().is_symlink());
    let listing = if linked {
        tree.list_reports()?
    } else {
        changes.listing.clone()
    };
    let mut cache = cache.unwrap_or_else(|| crate::cache::SummaryCache::open(&changes.git_dir));
    let mut known = HashMap::with_capacity(changes.unchanged.len());
    // Unchanged reports whose summary is not cached: read this time, cached for the next.
    let mut uncached = false;
    for path in &listing.reports {
        if let Some(blob) = changes.unchanged.get(path) {
            let mut hex = [0u8; 40];
            match cache.take(crate::cache::hex(blob, &mut hex), path) {
                Some(summary) => {
                    known.insert(path.clone(), summary);
                }
                None => uncached = true,
            }
        }
    }
    // What is left in the cache belongs to no report any more.
    let stale = !cache.is_empty();
    let mut only: HashSet<String> = changes.changed.iter().cloned().collect();
    only.extend(listing.skipped.iter().map(|s| s.path.clone()));
    let result = run_with_summaries(
        &source,
        Some(&only),
        today,
        false,
        known,
        Some(listing),
        publications,
    )?;
    if uncached || stale {
        // The cache is written again from this run: every unchanged report's summary.
        cache.replace(result.analyses.iter().filter_map(|analysis| {
            let blob = changes.unchanged.get(&analysis.file)?;
            Some((blob.to_string(), analysis.summary.as_deref()?.clone()))
        }));
        cache.save();
    }
    Ok(result)
}
