//! Rendering the public site: the only module that knows HTML.
//!
//! `site` orchestrates a build; `views` turns reports into page views; `markdown` is the one
//! way report text becomes HTML; `svg` draws; `templates` holds the built-in templates and a
//! repository's overrides; `i18n` the interface strings; `data` the open data, feed and search
//! index; `output` the staging folder, manifest and atomic swap.

pub mod data;
pub mod i18n;
pub mod markdown;
pub mod output;
pub mod site;
pub mod svg;
pub mod templates;
pub mod views;

pub use site::{BuildOptions, BuildOutcome, PhaseTiming, Progress, Silent, build};
