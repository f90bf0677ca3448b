//! The command line, as clap definitions only. `main.rs` turns these into library calls.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

/// Check public incident post-mortems against accountability rules, and publish them.
#[derive(Debug, Parser)]
#[command(name = "candor", version = crate::LONG_VERSION, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate reports and run the accountability rules (exit 1 on any deny finding).
    Check(CheckArgs),
    /// Build the public site from the committed reports of a git revision.
    Build(BuildArgs),
    /// Create a new reports repository: candor.yaml, incidents/, schemas and CI configuration.
    Init(InitArgs),
    /// Start a new draft report in incidents/YEAR/, with every field and what to write there.
    New(NewArgs),
    /// Preview the site of the working tree on 127.0.0.1, rebuilding as files change.
    Serve(ServeArgs),
    /// Turn a status page's incident history into draft reports (files only, no network).
    Import(ImportArgs),
    /// Print a report's content for a regulator (NIS2 or DORA), stage by stage; sends nothing.
    Export(ExportArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `candor man > candor.1`.
    Man,
    /// Explain a rule: what it checks, why it matters, an example, and how to fix it.
    Explain {
        /// The rule code, e.g. A006.
        code: String,
    },
    /// List every rule with its code, name, level and summary.
    Rules {
        /// Output as a text table, a Markdown table, or JSON.
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
        /// The reports repository whose candor.yaml sets the levels (default: the one containing
        /// the current folder, if any; outside a repository the defaults are shown).
        #[arg(long, value_name = "DIR")]
        repo: Option<PathBuf>,
    },
    /// Print the JSON Schema of the report format (of candor.yaml with --config, of a
    /// national sources file with --national).
    Schema {
        /// Print the schema of candor.yaml instead.
        #[arg(long, conflicts_with = "national")]
        config: bool,
        /// Print the schema of a national sources file (candor.national.yaml) instead.
        #[arg(long)]
        national: bool,
    },
}

/// Arguments of `candor check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Report files to check (default: every `incidents/**/*.yaml`). Rules across reports still
    /// see every report in the repository.
    pub paths: Vec<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The language of the findings' messages: `en` or `da` (help texts stay English).
    #[arg(long, value_name = "LANG", default_value = "en")]
    pub lang: String,
    /// Check as of the start of this day (YYYY-MM-DD, 00:00 UTC) instead of now.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub today: Option<NaiveDate>,
    /// The reports repository (default: the folder with candor.yaml at or above the current one).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Report findings only for reports changed since this git revision (added, modified or
    /// renamed, committed or not); rules across reports still see every report.
    #[arg(long, value_name = "REV", conflicts_with = "paths")]
    pub changed_since: Option<String>,
    /// Check what is staged for the next commit (git's index) instead of the files on disk,
    /// with findings for the staged reports only: the check of a pre-commit hook.
    #[arg(long, conflicts_with_all = ["paths", "changed_since"])]
    pub staged: bool,
    /// Print only findings, without the summary line or progress.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `candor init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the repository (default: the current folder).
    pub dir: Option<PathBuf>,
    /// Key of your organisation (lowercase, hyphens).
    #[arg(long, value_name = "KEY", default_value = "my-agency")]
    pub organisation: String,
    /// Name of your organisation.
    #[arg(long, value_name = "NAME", default_value = "My agency")]
    pub organisation_name: String,
    /// Key of the first service (lowercase, hyphens).
    #[arg(long, value_name = "KEY", default_value = "my-service")]
    pub service: String,
    /// Name of the first service.
    #[arg(long, value_name = "NAME", default_value = "My service")]
    pub service_name: String,
    /// Site languages, comma-separated; the first is the default.
    #[arg(
        long,
        value_name = "LIST",
        default_value = "da,en",
        value_delimiter = ','
    )]
    pub languages: Vec<String>,
    /// The site's title.
    #[arg(
        long,
        value_name = "TITLE",
        default_value = "Incidents in our digital services"
    )]
    pub title: String,
    /// The address the site will be published at.
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://incidents.example.org/"
    )]
    pub base_url: String,
}

/// Arguments of `candor new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The report's title, in the site's default language.
    pub title: String,
    /// Key of the affected service (see `services` in candor.yaml).
    #[arg(long, value_name = "KEY")]
    pub service: String,
    /// Key of the responsible organisation (default: the service's).
    #[arg(long, value_name = "KEY")]
    pub organisation: Option<String>,
    /// The severity to declare.
    #[arg(long, value_enum, default_value_t = SeverityArg::Minor)]
    pub severity: SeverityArg,
    /// When it started, RFC 3339 with offset (default: now, in local time).
    #[arg(long, value_name = "TIME")]
    pub started: Option<String>,
    /// The reports repository (default: the folder with candor.yaml at or above the current one).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

/// Arguments of `candor export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The regime: `nis2` (Directive (EU) 2022/2555 Art. 23) or `dora` (Regulation (EU)
    /// 2022/2554 Art. 19).
    #[arg(value_enum)]
    pub regime: RegimeArg,
    /// The report's id (its file name without `.yaml`).
    #[arg(value_name = "REPORT_ID")]
    pub report: String,
    /// The stage: `early-warning`, `notification` or `final` under NIS2; `initial`,
    /// `intermediate` or `final` under DORA.
    #[arg(long, value_enum, required_unless_present = "classify")]
    pub stage: Option<StageArg>,
    /// Show whether the incident meets the regime's thresholds, and which criteria fired,
    /// instead of a stage's content.
    #[arg(long, conflicts_with = "stage")]
    pub classify: bool,
    /// How to print it.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// A YAML file with the fields that are never published (contact people, indicators of
    /// compromise, the attacker's techniques). Keep it outside the reports repository.
    #[arg(long, value_name = "FILE")]
    pub private: Option<PathBuf>,
    /// The language of texts (default: the report's own language).
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Compute time limits as of the start of this day (YYYY-MM-DD, 00:00 UTC) instead of now.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub today: Option<NaiveDate>,
    /// The reports repository (default: the one containing the current folder).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

/// A notification regime on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RegimeArg {
    /// NIS2.
    Nis2,
    /// DORA.
    Dora,
}

/// A notification stage on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StageArg {
    /// NIS2: the early warning (24 hours).
    EarlyWarning,
    /// NIS2: the incident notification (72 hours).
    Notification,
    /// DORA: the initial notification.
    Initial,
    /// DORA: the intermediate report.
    Intermediate,
    /// Both: the final report.
    Final,
}

/// How `candor export` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// JSON, keyed by the regulation's field numbers.
    Json,
    /// Markdown, for a person to read and paste from.
    Markdown,
}

/// Arguments of `candor import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The source's format.
    #[arg(value_enum)]
    pub format: ImportFormatArg,
    /// Files or folders to read (folders: every file of the format's kind, recursively).
    #[arg(required = true, value_name = "FILE|DIR")]
    pub inputs: Vec<PathBuf>,
    /// Key of the organisation the reports belong to (see `organisations` in candor.yaml).
    #[arg(long, value_name = "KEY")]
    pub organisation: String,
    /// YAML file mapping each source component, product or system name to a service key
    /// (`"Git Operations": git`; `"*"` for incidents that name none). Unmapped names stop the
    /// import with a map ready to paste.
    #[arg(long, value_name = "MAP.yaml")]
    pub map: PathBuf,
    /// Time zone of times written without an offset (IANA name, e.g. Europe/Copenhagen):
    /// cState files need it; stactus times are UTC without it.
    #[arg(long, value_name = "TZ", value_parser = parse_time_zone)]
    pub timezone: Option<chrono_tz::Tz>,
    /// Only incidents that started on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub since: Option<NaiveDate>,
    /// Only the incidents with these source ids (comma-separated, or the option repeated).
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Import scheduled maintenance too (skipped by default).
    #[arg(long)]
    pub include_maintenance: bool,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Bring reports imported before up to date: append the source's new statements, add the
    /// resolution time once there is one, and refresh `source.retrieved_at`; every other line
    /// stays as a person left it.
    #[arg(long)]
    pub update: bool,
    /// Merge source incidents on a shared service that start within this time of each other
    /// into one report (e.g. `10m`, `1h`): one event the source published several times.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub merge_window: Option<chrono::Duration>,
    /// Language of the source's text (default: the site's first language).
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// The reports repository (default: the folder with candor.yaml at or above the current one).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

/// A format `candor import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormatArg {
    /// Atlassian Statuspage, public API v2 (`/api/v2/incidents.json`).
    Statuspage,
    /// Google Cloud status (`incidents.json`).
    Gcp,
    /// stactus incident files (`version: incident/v1`).
    Stactus,
    /// cState (Hugo) incident Markdown files.
    Cstate,
}

/// `--merge-window`: a number and a unit, `s`, `m`, `h` or `d` (`10m`).
fn parse_duration(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let wrong = || format!("`{text}` is not a duration such as 10m, 90s or 2h");
    let number: i64 = number.parse().map_err(|_| wrong())?;
    let duration = match unit {
        "s" => chrono::Duration::try_seconds(number),
        "m" | "min" => chrono::Duration::try_minutes(number),
        "h" => chrono::Duration::try_hours(number),
        "d" => chrono::Duration::try_days(number),
        _ => return Err(wrong()),
    };
    duration
        .filter(|d| *d <= chrono::Duration::days(366))
        .ok_or_else(|| {
            format!("`{text}` is longer than a year; a merge window is minutes or hours")
        })
}

/// `--timezone`: an IANA zone name.
fn parse_time_zone(text: &str) -> Result<chrono_tz::Tz, String> {
    text.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        format!(
            "`{text}` is not a time zone name; use an IANA name such as Europe/Copenhagen or UTC"
        )
    })
}

/// A severity on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    /// minor
    Minor,
    /// major
    Major,
    /// critical
    Critical,
}

/// Arguments of `candor serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The reports repository (default: the folder with candor.yaml at or above the current one).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Check as of the start of this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub today: Option<NaiveDate>,
}

/// Arguments of `candor build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The reports repository (default: the git repository containing the current folder).
    #[arg(long, value_name = "DIR", conflicts_with = "sources")]
    pub repo: Option<PathBuf>,
    /// Build one national site from the repositories a sources file names
    /// (candor.national.yaml; see `candor schema --national`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["worktree", "rev"])]
    pub sources: Option<PathBuf>,
    /// With --sources: where fetched repositories are kept (default: .candor/ beside the
    /// sources file).
    #[arg(long, value_name = "DIR", requires = "sources")]
    pub cache: Option<PathBuf>,
    /// With --sources: fetch nothing; read only what the cache holds.
    #[arg(long, requires = "sources")]
    pub offline: bool,
    /// With --sources: accept a branch or tag name as a source's revision (the site then
    /// says what was read, but a rebuild may read something else).
    #[arg(long, requires = "sources")]
    pub allow_moving_revisions: bool,
    /// The revision to publish: a branch, tag or commit.
    #[arg(
        long,
        value_name = "REV",
        default_value = "HEAD",
        conflicts_with = "worktree"
    )]
    pub rev: String,
    /// Build from the files on disk, committed or not (a preview; never for publishing).
    #[arg(long)]
    pub worktree: bool,
    /// Where to write the site. It must be empty, new, or a site Candor built before.
    #[arg(long, value_name = "DIR", default_value = "site")]
    pub out: PathBuf,
    /// Build as of the start of this day (YYYY-MM-DD, 00:00 UTC) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub today: Option<NaiveDate>,
    /// Refuse to build on any deny finding, not only on structure and time findings.
    #[arg(long)]
    pub strict: bool,
    /// Render every page, even those the site already in --out holds from the same inputs
    /// (by default they are kept; the result is the same, byte for byte).
    #[arg(long)]
    pub full: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print how long each phase took (check, history, templates, render, publish).
    #[arg(long)]
    pub timings: bool,
}

/// Output of `candor rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// Aligned columns.
    Text,
    /// A Markdown table, as in the README.
    Markdown,
    /// A JSON array with the full explanations.
    Json,
}

/// `--today`: a date written `YYYY-MM-DD`, with an error that names the form.
fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date written YYYY-MM-DD, such as 2026-11-30"))
}
