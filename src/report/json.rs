//! `--format json`: the documented, stable array, one object per finding.

use crate::diag::Finding;

/// The findings as a pretty-printed JSON array, with a final newline. A finding that cannot
/// be encoded is an error, never an empty array that would read as "no findings".
pub fn render(findings: &[Finding]) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(findings)?;
    text.push('\n');
    Ok(text)
}
