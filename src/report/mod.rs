//! Printers for findings, one per output format. Each takes the sorted findings and returns
//! the text to print; the binary writes it, so there is one sink for output.

mod codequality;
mod github;
mod human;
mod json;
mod sarif;

pub use codequality::render as codequality;
pub use github::render as github;
pub use human::{HumanStyle, render as human};
pub use json::render as json;
pub use sarif::render as sarif;

/// The output formats of `candor check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: each finding with its source line and a caret, like a compiler.
    Human,
    /// A stable array, one object per finding.
    Json,
    /// GitHub Actions workflow commands, which become annotations on the changed lines.
    Github,
    /// SARIF 2.1.0, for code scanning dashboards.
    Sarif,
    /// GitLab's Code Quality report (`artifacts:reports:codequality`), shown in merge requests.
    Codequality,
}
