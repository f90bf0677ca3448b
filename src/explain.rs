//! Text for `candor explain` and `candor rules`, from the rule registry.

use serde_json::json;

use crate::diag::{RULES, Rule};

/// The full explanation of one rule.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{} {} (default level: {})\n\n{}\n\n{}",
        rule.code_str,
        rule.name,
        rule.default_level.as_str(),
        rule.summary,
        rule.explanation_markdown()
    )
}

/// Every rule as aligned text columns.
pub fn rules_text() -> String {
    let mut text = String::new();
    for rule in RULES {
        text.push_str(&format!(
            "{}  {:<26} {:<5} {}\n",
            rule.code_str,
            rule.name,
            rule.default_level.as_str(),
            rule.summary
        ));
    }
    text
}

/// Every rule as a Markdown table.
pub fn rules_markdown() -> String {
    let mut text = String::from("| code | name | level | fires when |\n|---|---|---|---|\n");
    for rule in RULES {
        text.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            rule.code_str,
            rule.name,
            rule.default_level.as_str(),
            rule.summary.replace('|', "\\|")
        ));
    }
    text
}

/// Every rule as JSON with its explanation.
pub fn rules_json() -> anyhow::Result<String> {
    let rules: Vec<_> = RULES
        .iter()
        .map(|rule| {
            json!({
                "code": rule.code_str,
                "name": rule.name,
                "level": rule.default_level.as_str(),
                "summary": rule.summary,
                "what": rule.what,
                "why": rule.why,
                "example": rule.example,
                "fix": rule.fix,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rules)?;
    text.push('\n');
    Ok(text)
}
