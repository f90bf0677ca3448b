//! The integration tests, in one binary so it links once.

// Panicking on a broken fixture is what a test should do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod examples;
mod faults;
mod hostile;
mod import;
mod incremental;
mod national;
mod regulator;
mod rules;
mod schema;
mod site;
mod support;
mod workflow;
