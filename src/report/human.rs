//! `--format human`: each finding like a compiler diagnostic, with the source line and a caret
//! under the value, then how to fix it, and a one-line summary.

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Origin, Renderer, Snippet};

use crate::diag::Finding;
use crate::diag::Level;

/// Whether to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HumanStyle {
    /// ANSI colours (a terminal).
    Coloured,
    /// Plain text (a pipe, a file, `NO_COLOR`).
    Plain,
}

/// Render findings. `source_of` returns a file's text, to show the line a finding points at.
/// Each file's findings are rendered on their own (in parallel, as a check of thousands of
/// reports may find thousands of things), in the order given.
pub fn render(
    findings: &[Finding],
    reports: usize,
    style: HumanStyle,
    source_of: &(dyn Fn(&str) -> Option<String> + Sync),
) -> String {
    use rayon::prelude::*;
    let renderer = match style {
        HumanStyle::Coloured => Renderer::styled(),
        HumanStyle::Plain => Renderer::plain(),
    };
    let by_file: Vec<&[Finding]> = findings.chunk_by(|a, b| a.file == b.file).collect();
    let rendered: Vec<String> = by_file
        .par_iter()
        .map(|same_file| {
            let source = source_of(&same_file[0].file);
            let mut text = String::new();
            for finding in *same_file {
                text.push_str(&render_one(&renderer, finding, source.as_deref()));
                text.push_str("\n\n");
            }
            text
        })
        .collect();
    let mut text = rendered.concat();
    text.push_str(&summary(findings, reports));
    text.push('\n');
    text
}

fn render_one(renderer: &Renderer, finding: &Finding, source: Option<&str>) -> String {
    let level = match finding.level {
        Level::Deny => SnippetLevel::ERROR,
        _ => SnippetLevel::WARNING,
    };
    let title = level
        .primary_title(finding.message.as_str())
        .id(finding.code.as_str());
    let line_text = finding.line.and_then(|line| {
        source.and_then(|s| crate::load::lines(s).nth((line as usize).saturating_sub(1)))
    });
    let location: annotate_snippets::Element<'_> = match (finding.line, finding.column, line_text) {
        (Some(line), Some(column), Some(line_text)) => {
            let start = byte_offset(line_text, column as usize - 1);
            let end = value_end(line_text, start);
            let label = if finding.path.is_empty() {
                String::new()
            } else {
                finding.field()
            };
            Snippet::source(line_text)
                .line_start(line as usize)
                .path(finding.file.as_str())
                .annotation(AnnotationKind::Primary.span(start..end).label(label))
                .into()
        }
        (Some(line), column, _) => Origin::path(finding.file.as_str())
            .line(line as usize)
            .char_column(column.unwrap_or(1) as usize)
            .into(),
        _ => Origin::path(finding.file.as_str()).into(),
    };
    let report = [Group::with_title(title)
        .element(location)
        .element(SnippetLevel::HELP.message(finding.help.as_ref()))
        .element(SnippetLevel::NOTE.message(format!(
            "{} {}: `candor explain {}` tells more",
            finding.code, finding.name, finding.code
        )))];
    renderer.render(&report)
}

/// The byte offset of character `column` (0-based) in `line`, clamped to the line.
fn byte_offset(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column)
        .map_or(line.len(), |(offset, _)| offset)
}

/// Where the value starting at `start` ends: before a trailing comment, trimmed, at least one
/// character long.
fn value_end(line: &str, start: usize) -> usize {
    let rest = &line[start..];
    let without_comment = rest.find(" #").map_or(rest, |i| &rest[..i]);
    let trimmed = without_comment.trim_end();
    let end = start + trimmed.len();
    if end > start {
        end
    } else {
        (start + rest.chars().next().map_or(0, char::len_utf8)).min(line.len())
    }
}

fn summary(findings: &[Finding], reports: usize) -> String {
    let deny = findings.iter().filter(|f| f.level == Level::Deny).count();
    let warn = findings.len() - deny;
    let files = {
        let mut files: Vec<&str> = findings.iter().map(|f| f.file.as_str()).collect();
        files.dedup();
        files.len()
    };
    let reports_word = if reports == 1 { "report" } else { "reports" };
    if findings.is_empty() {
        return format!("checked {reports} {reports_word}: no findings");
    }
    format!(
        "checked {reports} {reports_word}: {deny} error{}, {warn} warning{} in {files} file{}{}",
        plural(deny),
        plural(warn),
        plural(files),
        if deny > 0 { " (the check fails)" } else { "" }
    )
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
