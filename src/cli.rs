//! The command line, as clap definitions only. `main.rs` turns these into library calls.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

/// Check public incident post-mortems against accountability rules, and publish them.
#[derive(Debug, Parser)]
#[command(name = "candor", version, about, long_about = None, propagate_version = true)]
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
    },
    /// Print the JSON Schema of the report format (or of candor.yaml with --config).
    Schema {
        /// Print the schema of candor.yaml instead.
        #[arg(long)]
        config: bool,
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
    /// Check as of the start of this day (YYYY-MM-DD, 00:00 UTC) instead of now.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// The reports repository (default: the folder with candor.yaml at or above the current one).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

/// Arguments of `candor build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The reports repository (default: the git repository containing the current folder).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
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
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// Refuse to build on any deny finding, not only on structure and time findings.
    #[arg(long)]
    pub strict: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
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
