//! A small YAML writer for the reports `candor import` writes: block maps and lists, plain
//! scalars where YAML reads them back unchanged, literal blocks for multi-line text, and
//! JSON-style double quotes for everything else (valid YAML, exact round trip).

use std::fmt::Write;

/// Builds a YAML document line by line.
#[derive(Default)]
pub(crate) struct YamlWriter {
    out: String,
}

impl YamlWriter {
    /// `key: value` at `indent` spaces, the value a scalar written as [`scalar`] decides.
    pub(crate) fn field(&mut self, indent: usize, key: &str, value: &str) {
        self.key(indent, key);
        self.value(indent, value);
    }

    /// `key: value` with the value written as it is (an enum word, a timestamp, a number).
    pub(crate) fn raw(&mut self, indent: usize, key: &str, value: &str) {
        let _ = writeln!(self.out, "{:indent$}{key}: {value}", "");
    }

    /// `key:` opening a nested block.
    pub(crate) fn open(&mut self, indent: usize, key: &str) {
        let _ = writeln!(self.out, "{:indent$}{key}:", "");
    }

    /// `- key: value`: the first field of a list item at `indent`.
    pub(crate) fn item(&mut self, indent: usize, key: &str, value: &str) {
        let _ = write!(self.out, "{:indent$}- {key}:", "");
        self.value(indent + 2, value);
    }

    /// `- key: value` with the value written as it is.
    pub(crate) fn item_raw(&mut self, indent: usize, key: &str, value: &str) {
        let _ = writeln!(self.out, "{:indent$}- {key}: {value}", "");
    }

    /// `- value`: a list item that is a scalar.
    pub(crate) fn list_scalar(&mut self, indent: usize, value: &str) {
        let _ = write!(self.out, "{:indent$}-", "");
        self.value(indent + 2, value);
    }

    /// A comment line.
    pub(crate) fn comment(&mut self, indent: usize, text: &str) {
        for line in text.lines() {
            let _ = writeln!(self.out, "{:indent$}# {line}", "");
        }
    }

    /// The document.
    pub(crate) fn finish(self) -> String {
        self.out
    }

    fn key(&mut self, indent: usize, key: &str) {
        let _ = write!(self.out, "{:indent$}{key}:", "");
    }

    /// Writes ` value\n`, or a literal block indented under `indent`.
    fn value(&mut self, indent: usize, value: &str) {
        if is_literal_block(value) {
            self.out.push_str(" |-\n");
            for line in value.lines() {
                if line.is_empty() {
                    self.out.push('\n');
                } else {
                    let _ = writeln!(self.out, "{:width$}{line}", "", width = indent + 2);
                }
            }
        } else {
            self.out.push(' ');
            self.out.push_str(&scalar(value));
            self.out.push('\n');
        }
    }
}

/// Multi-line text that a literal block (`|-`) keeps exactly: no carriage returns, tabs or
/// other control characters, no trailing spaces, and no leading space or blank first line
/// (which would change how YAML reads the block's indentation).
fn is_literal_block(value: &str) -> bool {
    value.contains('\n')
        && !value.starts_with([' ', '\n'])
        && !value.ends_with('\n')
        && !value.chars().any(|c| c.is_control() && c != '\n')
        && value.lines().all(|line| line == line.trim_end())
}

/// A scalar YAML reads back as this exact string: plain when that is safe, else quoted.
pub(crate) fn scalar(value: &str) -> String {
    if is_plain_safe(value) {
        value.to_owned()
    } else {
        serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_owned())
    }
}

/// Conservative: letters, digits and a few inner punctuation marks, not starting with a
/// character YAML gives meaning to, and not a word YAML reads as something else.
fn is_plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    let reserved = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ];
    (first.is_alphabetic() || (first == '/' && value.len() > 1))
        && !reserved.contains(&value.to_ascii_lowercase().as_str())
        && value.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ',' | '(' | ')' | '/')
        })
        && !value.ends_with(' ')
        && !value.contains(" #")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(document: &str) -> serde_json::Value {
        let loaded = crate::load::load(document.as_bytes(), &crate::config::Limits::default());
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        loaded.root.map(|root| root.to_json()).unwrap_or_default()
    }

    #[test]
    fn every_kind_of_text_reads_back_unchanged() {
        let texts = [
            "plain words",
            "yes",
            "No",
            "null",
            "~",
            "12",
            "1.5",
            "2026-03-31",
            "- starts like a list",
            "key: value",
            "ends with a colon:",
            "has # a comment mark",
            "\"quoted\"",
            "'single'",
            "@at",
            "`tick`",
            "trailing space ",
            " leading space",
            "two\nlines",
            "two\n\nparagraphs\nwith  double  spaces",
            "line with trailing space \nnext",
            "tab\there",
            "ünïcødé – dash … “quotes”",
            "",
            "*alias",
            "&anchor",
            "!tag",
            "%directive",
            "{flow: map}",
            "[flow, list]",
            "a\r\nwindows line",
            "ends with newline\n",
        ];
        for text in texts {
            let mut writer = YamlWriter::default();
            writer.field(0, "text", text);
            writer.open(0, "list");
            writer.list_scalar(2, text);
            writer.item(2, "nested", text);
            let document = writer.finish();
            let value = read_back(&document);
            assert_eq!(value["text"], text, "{document}");
            assert_eq!(value["list"][0], text, "{document}");
            assert_eq!(value["list"][1]["nested"], text, "{document}");
        }
    }
}
