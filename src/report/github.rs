//! `--format github`: workflow commands that GitHub Actions turns into annotations on the
//! file, line and column of each finding.

use crate::diag::Finding;
use crate::diag::Level;

/// One `::error` or `::warning` command per finding.
pub fn render(findings: &[Finding]) -> String {
    let mut text = String::new();
    for finding in findings {
        let command = if finding.level == Level::Deny {
            "error"
        } else {
            "warning"
        };
        let mut properties = vec![format!("file={}", escape_property(&finding.file))];
        if let Some(line) = finding.line {
            properties.push(format!("line={line}"));
        }
        if let Some(column) = finding.column {
            properties.push(format!("col={column}"));
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("{} {}", finding.code, finding.name))
        ));
        let message = format!("{}\n{}", finding.message, finding.help);
        text.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&message)
        ));
    }
    text
}

/// Escaping for the message part of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a property value, which also ends at `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_commands() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
