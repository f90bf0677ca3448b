//! Text for `candor explain` and `candor rules`, from the rule registry.

use serde_json::json;

use crate::diag::{Levels, RULES, Rule};
use crate::i18n::Strings;

/// The English strings the command line speaks.
fn english() -> Strings {
    Strings::built_in("en").unwrap_or_else(|_| unreachable!("the built-in English strings parse"))
}

/// The full explanation of one rule.
pub fn explain(rule: &Rule) -> String {
    let strings = english();
    format!(
        "{} {} (default level: {})\n\n{}\n\n{}",
        rule.code_str,
        rule.name,
        rule.default_level.as_str(),
        strings.rule_text(rule).summary,
        strings.rule_markdown(rule)
    )
}

/// Where a rule's level comes from: the built-in default, or a repository's candor.yaml.
fn level_of(rule: &Rule, levels: Option<&Levels>) -> (&'static str, &'static str) {
    match levels {
        Some(levels) if levels.is_overridden(rule.code) => {
            (levels.level(rule.code).as_str(), "candor.yaml")
        }
        _ => (rule.default_level.as_str(), "default"),
    }
}

/// Every rule as aligned text columns, with the level that applies (from `levels`, the
/// repository's candor.yaml, when there is one) and where it comes from.
pub fn rules_text(levels: Option<&Levels>) -> String {
    let strings = english();
    let mut text = String::new();
    for rule in RULES {
        let (level, source) = level_of(rule, levels);
        let level = if source == "default" {
            level.to_owned()
        } else {
            format!(
                "{level} (candor.yaml; default {})",
                rule.default_level.as_str()
            )
        };
        text.push_str(&format!(
            "{}  {:<26} {:<5} {}\n",
            rule.code_str,
            rule.name,
            level,
            strings.rule_text(rule).summary
        ));
    }
    if levels.is_some_and(|levels| RULES.iter().any(|r| levels.is_overridden(r.code))) {
        text.push_str("(candor.yaml): the level this repository's candor.yaml sets; the others are the built-in defaults\n");
    }
    text
}

/// Every rule as a Markdown table, with the levels that apply.
pub fn rules_markdown(levels: Option<&Levels>) -> String {
    let strings = english();
    let mut text = String::from("| code | name | level | fires when |\n|---|---|---|---|\n");
    for rule in RULES {
        let (level, source) = level_of(rule, levels);
        let level = if source == "default" {
            level.to_owned()
        } else {
            format!("{level} (candor.yaml)")
        };
        text.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            rule.code_str,
            rule.name,
            level,
            strings.rule_text(rule).summary.replace('|', "\\|")
        ));
    }
    text
}

/// Every rule as JSON with its explanation and the level that applies.
pub fn rules_json(levels: Option<&Levels>) -> anyhow::Result<String> {
    let strings = english();
    let rules: Vec<_> = RULES
        .iter()
        .map(|rule| {
            let (level, source) = level_of(rule, levels);
            let text = strings.rule_text(rule);
            json!({
                "code": rule.code_str,
                "name": rule.name,
                "level": level,
                "level_source": source,
                "default_level": rule.default_level.as_str(),
                "summary": text.summary,
                "what": text.what,
                "why": text.why,
                "example": rule.example,
                "fix": text.fix,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rules)?;
    text.push('\n');
    Ok(text)
}
