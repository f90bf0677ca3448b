//! `--format codequality`: the Code Quality report GitLab reads from a job's
//! `artifacts:reports:codequality`, shown in merge requests on the changed lines. A JSON
//! array of issues, each with a description, the rule, a severity, a location and a
//! fingerprint that stays the same while the finding does (rule, file and field), so GitLab
//! can tell new findings from fixed ones.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::diag::{Finding, Level};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// The findings as a GitLab Code Quality report.
pub fn render(findings: &[Finding]) -> anyhow::Result<String> {
    // Two findings of one rule on one field (rare) are told apart by their order.
    let mut seen = std::collections::HashMap::new();
    let issues: Vec<Issue<'_>> = findings
        .iter()
        .map(|finding| Issue {
            description: format!("{} {}", finding.code, finding.message),
            check_name: format!("{} {}", finding.code, finding.name),
            fingerprint: {
                let base = fingerprint(finding);
                let count = seen.entry(base.clone()).or_insert(0_u32);
                *count += 1;
                if *count == 1 {
                    base
                } else {
                    format!("{base}-{count}")
                }
            },
            severity: match finding.level {
                Level::Deny => "major",
                _ => "minor",
            },
            location: Location {
                path: &finding.file,
                lines: Lines {
                    begin: finding.line.unwrap_or(1),
                },
            },
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues)?;
    text.push('\n');
    Ok(text)
}

/// A hash of what identifies the finding: its rule, file and field (not its wording, which
/// may change between versions, nor its line, which moves when text is added above it).
fn fingerprint(finding: &Finding) -> String {
    let mut hash = Sha256::new();
    for part in [finding.code.as_str(), &finding.file, &finding.path] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}
