//! Candor checks public incident post-mortems and publishes them.
//!
//! Agencies keep incident reports as YAML files in a git repository. [`check`] validates them
//! against the schema and the accountability rules; the site build renders them as a static,
//! bilingual, accessible site. Data flows one way:
//!
//! ```text
//! source ─▶ load (YAML, positions) ─▶ validate (schema) ─▶ rules (policy, waivers) ─▶ report
//! ```
//!
//! The binary is a thin layer over these modules: it parses arguments, calls them, prints
//! what they return and maps the outcome to an exit code.

// The library has no `unsafe` code, and may not gain any; the binary's one use is in
// `main.rs` (`limit_pack_mapping`), where the lint is `deny` so that one function can allow it.
#![forbid(unsafe_code)]

pub mod build;
mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod explain;
mod history;
mod i18n;
pub mod impact;
pub mod import;
pub mod load;
pub mod model;
pub mod national;
mod parts;
pub mod prose;
pub mod publish;
pub mod regulator;
pub mod render;
pub mod report;
mod rules;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod site;
pub mod source;
#[cfg(test)]
mod testing;
mod timeliness;
pub mod validate;

pub use check::{Run, check_worktree};
pub use diag::Finding;

use chrono::{DateTime, NaiveDate, Utc};

/// The commit this binary was built from (40 hex digits), or `unknown` (see `build.rs`).
pub const COMMIT: &str = env!("CANDOR_COMMIT");

/// `candor --version`: the version and the commit it was built from.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CANDOR_COMMIT"),
    ")"
);

/// "Now" for the rules: the start of `date` (00:00 UTC), or `fallback` (the current time).
pub fn today_from(date: Option<NaiveDate>, fallback: DateTime<Utc>) -> DateTime<Utc> {
    date.and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or(fallback)
}
