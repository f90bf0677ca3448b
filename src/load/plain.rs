//! YAML syntax errors in plain language.
//!
//! The parser's own words ("mapping values are not allowed in this context", "did not find
//! expected key") mean little to someone writing an incident report. The common mistakes
//! (a tab, a line indented off its level, an unclosed quote or bracket, a colon inside text)
//! are recognised from the parser's message and the text around its position, and explained
//! in one sentence with the fix, at the line that is actually wrong. The parser's wording is
//! kept in the help, for anyone who wants it.

use super::{LoadProblem, Position, lines};

/// The problem to report for a parse error with the parser's message `info` at `at`.
pub(super) fn explain(text: &str, info: &str, at: Position) -> LoadProblem {
    let all: Vec<&str> = lines(text).collect();
    let parser_says = format!("(the YAML parser says: {info})");
    // A tab in the indentation is the most common cause of all: report the first one, at the
    // tab itself, whatever the parser made of it.
    if let Some((line, column)) = first_indenting_tab(&all) {
        return syntax(
            Position { line, column },
            format!("line {line} is indented with a tab; YAML indents with spaces only"),
            format!(
                "replace the tab with spaces, as many as the lines around it use {parser_says}"
            ),
        );
    }
    let line_text = |line: u32| {
        all.get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or_default()
    };
    if info.contains("mapping values are not allowed") {
        let line = line_text(at.line);
        return syntax(
            at,
            format!(
                "the text on line {} contains `: ` (a colon and a space), which YAML reads as the start of another field",
                at.line
            ),
            match quoted_suggestion(line) {
                Some(fixed) => {
                    format!("put the whole text in double quotes: `{fixed}` {parser_says}")
                }
                None => format!("put the whole text in double quotes {parser_says}"),
            },
        );
    }
    if info.contains("quoted scalar") {
        // The parser points at the opening quote.
        let quote = line_text(at.line)
            .chars()
            .nth(at.column.saturating_sub(1) as usize)
            .filter(|c| *c == '"' || *c == '\'')
            .unwrap_or('"');
        return syntax(
            at,
            format!(
                "the text that starts with `{quote}` on line {} is never closed",
                at.line
            ),
            format!(
                "end it with a matching `{quote}` on the same line; for a long text write `|` after the colon and the text indented on the lines below {parser_says}"
            ),
        );
    }
    if let Some((line, column, bracket)) = unclosed_bracket(&all, at)
        && (info.contains("flow")
            || info.contains("':' indicator")
            || info.contains("end of stream"))
    {
        let closing = if bracket == '[' { ']' } else { '}' };
        return syntax(
            Position { line, column },
            format!("the `{bracket}` on line {line} is never closed"),
            format!("close it with `{closing}` on the same line {parser_says}"),
        );
    }
    if (info.contains("did not find expected key")
        || info.contains("expected '-' indicator")
        || info.contains("block mapping")
        || info.contains("block collection"))
        && let Some(problem) = indentation(&all, at, &parser_says)
    {
        return problem;
    }
    syntax(
        at,
        format!("line {} is not valid YAML", at.line),
        format!(
            "check the indentation (spaces, not tabs), quotes and colons on this line and the one before; text containing `: ` or starting with a special character needs quotes {parser_says}"
        ),
    )
}

fn syntax(position: Position, message: String, help: String) -> LoadProblem {
    LoadProblem::Syntax {
        position,
        message,
        help,
    }
}

/// The first tab in a line's leading whitespace, as (line, column).
fn first_indenting_tab(all: &[&str]) -> Option<(u32, u32)> {
    all.iter().enumerate().find_map(|(index, line)| {
        let indent: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let column = indent.chars().position(|c| c == '\t')?;
        // A line of only whitespace, or a comment, says nothing.
        let rest = line[indent.len()..].trim();
        if rest.is_empty() || rest.starts_with('#') {
            return None;
        }
        Some((index as u32 + 1, column as u32 + 1))
    })
}

/// `title: Login failed: nobody could log in` → `title: "Login failed: nobody could log in"`.
fn quoted_suggestion(line: &str) -> Option<String> {
    let (key, value) = line.split_once(": ")?;
    let value = value.trim();
    if value.is_empty() || value.starts_with(['"', '\'']) {
        return None;
    }
    Some(format!(
        "{key}: \"{}\"",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// The last `[` or `{` opened before `at` and not closed, outside quotes, as (line, column,
/// bracket).
fn unclosed_bracket(all: &[&str], at: Position) -> Option<(u32, u32, char)> {
    let mut open: Vec<(u32, u32, char)> = Vec::new();
    for (index, line) in all.iter().enumerate().take(at.line as usize) {
        let number = index as u32 + 1;
        let mut quote: Option<char> = None;
        for (column, c) in line.chars().enumerate() {
            if number == at.line && column as u32 + 1 >= at.column {
                break;
            }
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => open.push((number, column as u32 + 1, c)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.pop()
}

/// Leading spaces of a line.
fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

fn is_content(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

/// A line indented off every level open above it: the parser's line, or the one before it
/// (it sometimes only notices a line late).
fn indentation(all: &[&str], at: Position, parser_says: &str) -> Option<LoadProblem> {
    let candidates = [at.line, at.line.saturating_sub(1)];
    for line in candidates.into_iter().filter(|l| *l >= 1) {
        let index = line as usize - 1;
        let current = all.get(index)?;
        if !is_content(current) {
            continue;
        }
        let levels = open_levels(all, index);
        let indent = indent_of(current);
        // Lined up with list items, but not an item itself.
        let sibling = (0..index)
            .rev()
            .filter(|&i| is_content(all[i]))
            .find(|&i| indent_of(all[i]) <= indent)
            .filter(|&i| indent_of(all[i]) == indent);
        if let Some(sibling) = sibling
            && all[sibling].trim_start().starts_with("- ")
            && !current.trim_start().starts_with('-')
        {
            return Some(syntax(
                Position {
                    line,
                    column: indent as u32 + 1,
                },
                format!(
                    "line {line} lines up with the list items above it (`- ...`) but does not start with `- `"
                ),
                format!(
                    "start it with `- ` to begin a new item, or indent it by {} spaces to make it a field of the item above {parser_says}",
                    indent + 2
                ),
            ));
        }
        if levels.iter().any(|(level, _)| *level == indent) || levels.is_empty() {
            continue;
        }
        let choices: Vec<String> = levels
            .iter()
            .map(|(level, parent)| match parent {
                Some(parent) => format!("{level} (under `{parent}`)"),
                None => format!("{level} (a top-level field)"),
            })
            .collect();
        return Some(syntax(
            Position {
                line,
                column: indent as u32 + 1,
            },
            format!(
                "line {line} is indented by {indent} space{}, which lines up with no field above it",
                if indent == 1 { "" } else { "s" }
            ),
            format!(
                "indent it by {} spaces, like the other fields at its level {parser_says}",
                choices.join(" or ")
            ),
        ));
    }
    None
}

/// The indentation levels open at line `index`: the previous content line's, and each of its
/// parents' (the nearest line above with less indentation), with the parent key's name.
fn open_levels(all: &[&str], index: usize) -> Vec<(usize, Option<String>)> {
    let Some(previous) = (0..index).rev().find(|&i| is_content(all[i])) else {
        return Vec::new();
    };
    let mut levels = Vec::new();
    let mut level = indent_of(all[previous]);
    let mut cursor = previous;
    loop {
        // The parent of this level: the nearest line above with less indentation.
        let parent = (0..cursor)
            .rev()
            .find(|&i| is_content(all[i]) && indent_of(all[i]) < level);
        let parent_name = parent.map(|i| {
            all[i]
                .trim()
                .trim_start_matches("- ")
                .split(':')
                .next()
                .unwrap_or_default()
                .to_owned()
        });
        levels.push((level, parent_name));
        match parent {
            Some(i) => {
                level = indent_of(all[i]);
                cursor = i;
            }
            None => break,
        }
    }
    // A list item's fields line up after its "- ".
    let item = all[previous].trim_start();
    if let Some(rest) = item.strip_prefix("- ")
        && rest.contains(':')
    {
        let inner = indent_of(all[previous]) + 2;
        if !levels.iter().any(|(l, _)| *l == inner) {
            levels.insert(0, (inner, None));
        }
    }
    levels
}

#[cfg(test)]
mod tests {
    use super::super::{Limits, LoadProblem, load};

    fn problem(text: &str) -> (u32, u32, String, String) {
        let loaded = load(text.as_bytes(), &Limits::default());
        match loaded.problems.into_iter().next() {
            Some(LoadProblem::Syntax {
                position,
                message,
                help,
            }) => (position.line, position.column, message, help),
            other => panic!("no syntax problem: {other:?}"),
        }
    }

    #[test]
    fn a_tab_is_reported_where_it_is() {
        let (line, column, message, _) =
            problem("schema: 1\nid: tab\nsummary:\n  da: a\n\ten: b\n");
        assert_eq!((line, column), (5, 1));
        assert_eq!(
            message,
            "line 5 is indented with a tab; YAML indents with spaces only"
        );
    }

    #[test]
    fn a_colon_in_text_gets_quoted() {
        let (line, _, message, help) =
            problem("schema: 1\ntitle: Login failed: nobody could log in\n");
        assert_eq!(line, 2);
        assert!(message.contains("contains `: `"), "{message}");
        assert!(
            help.contains("`title: \"Login failed: nobody could log in\"`"),
            "{help}"
        );
        assert!(help.contains("the YAML parser says"), "{help}");
    }

    #[test]
    fn an_unclosed_quote_is_reported_at_the_quote() {
        let (line, column, message, _) = problem("schema: 1\ntitle: \"Login failed\nsummary: y\n");
        assert_eq!((line, column), (2, 8));
        assert_eq!(
            message,
            "the text that starts with `\"` on line 2 is never closed"
        );
    }

    #[test]
    fn an_unclosed_bracket_is_reported_at_the_bracket() {
        let (line, column, message, _) = problem("schema: 1\nservices: [a, b\nsummary: y\n");
        assert_eq!((line, column), (2, 11));
        assert_eq!(message, "the `[` on line 2 is never closed");
    }

    #[test]
    fn a_line_off_its_level_names_the_levels_that_fit() {
        let (line, column, message, help) =
            problem("schema: 1\nimpact:\n  outage: full\n regions: [DK]\nsummary: y\n");
        assert_eq!((line, column), (4, 2));
        assert_eq!(
            message,
            "line 4 is indented by 1 space, which lines up with no field above it"
        );
        assert!(
            help.starts_with("indent it by 2 (under `impact`) or 0 (a top-level field) spaces"),
            "{help}"
        );
        let (line, _, _, help) =
            problem("schema: 1\nimpact:\n  users_affected:\n    estimate: 5\n   method: x\n");
        assert_eq!(line, 5);
        assert!(help.contains("4 (under `users_affected`)"), "{help}");
        // Under-indented by one, noticed by the parser on the next line: reported where it is.
        let (line, _, message, _) =
            problem("schema: 1\nsummary:\n  da: a\n en: b\nseverity: minor\n");
        assert_eq!(line, 4, "{message}");
    }

    #[test]
    fn a_field_lined_up_with_list_items_is_told_to_be_an_item_or_indented() {
        let (line, column, message, help) =
            problem("schema: 1\nactions:\n  - id: A1\n    type: prevent\n  owner: x\n  - id: A2\n");
        assert_eq!((line, column), (5, 3));
        assert!(message.contains("does not start with `- `"), "{message}");
        assert!(help.contains("indent it by 4 spaces"), "{help}");
    }
}
