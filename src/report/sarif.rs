//! `--format sarif`: a SARIF 2.1.0 log with the rule registry as rule metadata, for code
//! scanning dashboards.

use serde_json::{Value, json};

use crate::diag::Finding;
use crate::diag::Level;
use crate::diag::RULES;

/// The findings as a SARIF 2.1.0 log.
pub fn render(findings: &[Finding]) -> anyhow::Result<String> {
    let strings = crate::i18n::Strings::built_in("en")?;
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code_str,
                "name": rule.name,
                "shortDescription": {"text": strings.rule_text(rule).summary},
                "fullDescription": {"text": strings.rule_text(rule).what},
                "help": {"text": strings.rule_text(rule).fix, "markdown": strings.rule_markdown(rule)},
                "defaultConfiguration": {"level": sarif_level(rule.default_level)},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|finding| {
            let mut region = serde_json::Map::new();
            if let Some(line) = finding.line {
                region.insert("startLine".into(), json!(line));
            }
            if let Some(column) = finding.column {
                region.insert("startColumn".into(), json!(column));
            }
            let mut physical = json!({
                "artifactLocation": {"uri": finding.file, "uriBaseId": "%SRCROOT%"},
            });
            if !region.is_empty() {
                physical["region"] = Value::Object(region);
            }
            let mut result = json!({
                "ruleId": finding.code.as_str(),
                "ruleIndex": finding.code as usize,
                "level": sarif_level(finding.level),
                "message": {"text": format!("{} ({})", finding.message, finding.help)},
                "locations": [{"physicalLocation": physical}],
            });
            if !finding.path.is_empty() {
                result["locations"][0]["logicalLocations"] = json!([{
                    "fullyQualifiedName": finding.field(),
                    "kind": "member",
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "candor",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The root of the reports repository."}}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log)?;
    text.push('\n');
    Ok(text)
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}
