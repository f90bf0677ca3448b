//! A finding: one thing wrong with one place in one file, as data.
//!
//! Every stage (load, validate, rules) produces findings instead of returning early, and every
//! printer (human, json, github, sarif) and the site consume the same list.

use std::cmp::Ordering;

use serde::Serialize;

use crate::config::Level;
use crate::load::Position;
use crate::rules::Code;

/// One finding, in the documented JSON shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule code, e.g. `A006`.
    pub code: Code,
    /// Rule name, e.g. `severity-understated`.
    pub name: &'static str,
    /// `deny` or `warn` (`allow` findings are never produced).
    pub level: Level,
    /// File relative to the repository root, with `/` separators.
    pub file: String,
    /// 1-based line, when the finding has a position.
    pub line: Option<u32>,
    /// 1-based column in characters, when the finding has a position.
    pub column: Option<u32>,
    /// JSON Pointer into the report (empty for the whole file).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl Finding {
    /// The finding's position, when it has one.
    pub fn position(&self) -> Option<Position> {
        Some(Position {
            line: self.line?,
            column: self.column?,
        })
    }

    /// The field path in the dotted form authors read (`actions[2].owner`).
    pub fn field(&self) -> String {
        pointer_to_field(&self.path)
    }

    /// Whether this finding fails a check.
    pub fn is_deny(&self) -> bool {
        self.level == Level::Deny
    }
}

/// `/actions/2/owner` → `actions[2].owner`.
pub fn pointer_to_field(pointer: &str) -> String {
    let mut field = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            field.push('[');
            field.push_str(&token);
            field.push(']');
        } else {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(&token);
        }
    }
    field
}

/// The order findings are printed in: by file, then position, then code.
pub fn compare(a: &Finding, b: &Finding) -> Ordering {
    a.file
        .cmp(&b.file)
        .then(a.line.unwrap_or(0).cmp(&b.line.unwrap_or(0)))
        .then(a.column.unwrap_or(0).cmp(&b.column.unwrap_or(0)))
        .then(a.code.cmp(&b.code))
        .then(a.path.cmp(&b.path))
        .then(a.message.cmp(&b.message))
}

/// Sort findings into their printed order and drop exact repeats.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(compare);
    findings.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_becomes_dotted_field() {
        assert_eq!(pointer_to_field("/actions/2/owner"), "actions[2].owner");
        assert_eq!(pointer_to_field("/title/da"), "title.da");
        assert_eq!(pointer_to_field(""), "");
    }
}
