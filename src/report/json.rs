//! `--format json`: the documented, stable array, one object per finding.

use crate::diag::Finding;

/// The findings as a pretty-printed JSON array, with a final newline.
pub fn render(findings: &[Finding]) -> String {
    let mut text = serde_json::to_string_pretty(findings).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}
