//! A specialised scanner for the plain block-style YAML that reports are written in.
//!
//! Almost every report uses a small part of YAML: block maps and lists, one-line plain and
//! quoted scalars, one-line flow lists and maps (nested or not), literal block scalars and
//! comments. This scanner reads exactly that part straight into the positioned tree, several
//! times faster than the general parser, and gives up (`None`) at the first thing outside it:
//! a tab, a carriage return or another control character, a character from U+F000 to U+FFFF, a
//! last line without a line break, a document marker, an anchor or alias, a tag, a folded or
//! multi-line scalar, an escape sequence, a duplicate key, an empty value, a key over 1,024
//! characters, nesting deeper than the limit (or 64), or anything it does not recognise. The loader then parses the file with
//! `saphyr-parser`, which also explains every error; the scanner itself never reports one.
//!
//! What it accepts, it must read exactly as the general parser does, positions included: the
//! differential fuzz target (`fuzz/fuzz_targets/scanner.rs`) and the unit tests compare the two
//! trees on every document the scanner accepts.

use super::{Entry, Node, NodeValue, Position, resolve_plain_scalar, saturate};

/// The tree of `text`, if every line of it lies in the subset this scanner reads; `None`
/// otherwise (the caller then uses the general parser). `max_depth` is the loader's limit on
/// open lists and maps.
pub(super) fn scan(text: &str, max_depth: usize) -> Option<Node> {
    // Tabs, carriage returns, every other control character, and every character from U+F000
    // to U+FFFF (their UTF-8 starts with 0xEF): among them the characters no report may hold
    // (U+FFFE, U+FFFF) and a byte order mark inside the file, which the parser refuses. A file
    // with one is left to the parser, which reports them. One pass the compiler vectorises:
    // no early exit inside a block.
    let suspect = |block: &[u8]| {
        block.iter().fold(false, |seen, &b| {
            seen | ((b < 0x20 && b != b'\n') | (b == 0xEF))
        })
    };
    // A last line without its line break changes how the parser ends a block scalar.
    if !text.ends_with('\n') || text.as_bytes().chunks(64).any(suspect) {
        return None;
    }
    let lines: Vec<Line<'_>> = text.split('\n').map(Line::new).collect();
    let mut scanner = Scanner {
        lines,
        next: 0,
        max_depth: max_depth.min(MAX_NESTING),
    };
    scanner.skip_insignificant();
    // The root map's first key starts the first line that holds anything; a document marker
    // (`---`) or anything else there is not a key, and `mapping` gives up on it.
    if scanner.lines.get(scanner.next)?.indent != 0 {
        return None;
    }
    let root = scanner.mapping(0, 0, false)?;
    scanner.skip_insignificant();
    (scanner.next == scanner.lines.len()).then_some(root)
}

/// The deepest nesting the scanner reads, whatever the loader's limit: it recurses once per
/// level, and deeper files (rare, and refused by default) go to the parser's explicit stack.
const MAX_NESTING: usize = 64;

/// One line of the file, without its line break.
struct Line<'t> {
    text: &'t str,
    /// Leading spaces.
    indent: usize,
    /// Whether every character is ASCII (a column is then the byte offset).
    ascii: bool,
    /// The last (byte offset, characters before it) counted on this line: the positions of a
    /// long flow line are asked for left to right, so each counts on from the one before
    /// instead of from the line's start (linear, not quadratic, in the line's length).
    counted: std::cell::Cell<(usize, usize)>,
}

impl<'t> Line<'t> {
    fn new(text: &'t str) -> Line<'t> {
        let indent = text.len() - text.trim_start_matches(' ').len();
        Line {
            text,
            indent,
            ascii: text.is_ascii(),
            counted: std::cell::Cell::new((0, 0)),
        }
    }

    /// Blank, or only spaces.
    fn is_blank(&self) -> bool {
        self.indent == self.text.len()
    }

    /// Blank or a comment: nothing between entries.
    fn is_insignificant(&self) -> bool {
        self.is_blank() || self.text.as_bytes()[self.indent] == b'#'
    }

    /// The position of the byte at `offset` on line `index` (from 0).
    fn position(&self, index: usize, offset: usize) -> Position {
        let column = if self.ascii {
            offset
        } else {
            let (from, before) = match self.counted.get() {
                (known, characters) if known <= offset => (known, characters),
                _ => (0, 0),
            };
            let characters = before + self.text[from..offset].chars().count();
            self.counted.set((offset, characters));
            characters
        };
        Position {
            line: saturate(index + 1),
            column: saturate(column + 1),
        }
    }
}

struct Scanner<'t> {
    lines: Vec<Line<'t>>,
    /// The next line to read.
    next: usize,
    /// The most lists and maps that may be open at once.
    max_depth: usize,
}

impl Scanner<'_> {
    fn skip_insignificant(&mut self) {
        while self
            .lines
            .get(self.next)
            .is_some_and(Line::is_insignificant)
        {
            self.next += 1;
        }
    }

    /// Move to the next line that holds anything: `Some(true)` when it continues a collection
    /// at column `indent`, `Some(false)` when the collection ends there (less indented, or the
    /// file's end), `None` when it is indented deeper (a continuation the scanner does not read).
    fn next_line_at(&mut self, indent: usize) -> Option<bool> {
        self.skip_insignificant();
        match self.lines.get(self.next) {
            None => Some(false),
            Some(line) if line.indent < indent => Some(false),
            Some(line) if line.indent > indent => None,
            Some(_) => Some(true),
        }
    }

    /// A block map whose keys start at column `indent`, from the current line; `inline` when
    /// its first key follows a list item's `- ` on that line. `depth` lists and maps enclose it.
    fn mapping(&mut self, indent: usize, depth: usize, inline: bool) -> Option<Node> {
        if depth >= self.max_depth {
            return None;
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut first = true;
        loop {
            // The first key of an inline map is on the current line, after the item's `- `.
            let continues = (first && inline) || self.next_line_at(indent)?;
            if !continues {
                break;
            }
            first = false;
            let index = self.next;
            let line = &self.lines[index];
            let (key, after) = key_at(line.text, indent)?;
            if entries.iter().any(|entry| entry.key == key) {
                return None;
            }
            let key_position = line.position(index, indent);
            let value = self.value(index, after, indent, depth + 1, true)?;
            entries.push(Entry {
                key: key.to_owned(),
                key_position,
                value,
            });
        }
        let position = entries.first()?.key_position;
        Some(Node {
            value: NodeValue::Mapping(entries),
            position,
        })
    }

    /// A block list whose dashes are at column `indent`, from the current line; `indentless`
    /// when it is a map value written at the map's own indentation (it then ends at the first
    /// line that is not an item).
    fn sequence(&mut self, indent: usize, depth: usize, indentless: bool) -> Option<Node> {
        if depth >= self.max_depth {
            return None;
        }
        let mut items = Vec::new();
        let mut position = None;
        loop {
            if !self.next_line_at(indent)? {
                break;
            }
            let line = &self.lines[self.next];
            if !is_item(line.text, indent) {
                if indentless {
                    break;
                }
                return None;
            }
            if line.text.len() < indent + 2 {
                // A lone `-`: an empty item; the scanner would have to copy where the parser
                // places an empty value.
                return None;
            }
            let index = self.next;
            let start = skip_spaces(line.text, indent + 2);
            // The general parser places an indented list at its first dash, one written at
            // its map's indentation at its first item.
            position.get_or_insert(line.position(index, if indentless { start } else { indent }));
            let rest = &line.text[start..];
            // An empty item (the parser places its empty value), or a list in a list (`- - a`;
            // also `- -5`, which the scanner does not tell apart).
            if rest.is_empty() || rest.starts_with('#') || rest.starts_with('-') {
                return None;
            }
            let item = if key_at(line.text, start).is_some() {
                self.mapping(start, depth + 1, true)?
            } else {
                self.value(index, start, indent, depth + 1, false)?
            };
            items.push(item);
        }
        Some(Node {
            value: NodeValue::Sequence(items),
            position: position?,
        })
    }

    /// The value that starts at byte `start` of line `index` (after a key's `:` or a list
    /// item's `- `), in a collection at column `parent`: on the same line, or, when the line
    /// ends there, the block below it. Leaves `next` at the line after the value.
    fn value(
        &mut self,
        index: usize,
        start: usize,
        parent: usize,
        depth: usize,
        in_mapping: bool,
    ) -> Option<Node> {
        let line = &self.lines[index];
        let offset = skip_spaces(line.text, start);
        let rest = &line.text[offset..];
        // `key_at` and `sequence` leave `start` after a space (or at the line's end), so a
        // `#` here starts a comment.
        if rest.is_empty() || rest.starts_with('#') {
            self.next = index + 1;
            self.skip_insignificant();
            let below = self.lines.get(self.next)?;
            let nested = below.indent;
            if nested > parent {
                return if is_item(below.text, nested) {
                    self.sequence(nested, depth, false)
                } else {
                    self.mapping(nested, depth, false)
                };
            }
            if in_mapping && nested == parent && is_item(below.text, nested) {
                return self.sequence(nested, depth, true);
            }
            // An empty value: the scanner would have to copy where the parser places it.
            return None;
        }
        let position = line.position(index, offset);
        let value = match rest.as_bytes()[0] {
            b'|' => return self.literal(index, offset, parent),
            b'"' | b'\'' => {
                let (text, end) = quoted(rest)?;
                trailing_comment_only(&rest[end..])?;
                NodeValue::String(text)
            }
            b'[' | b'{' => self.flow(index, offset, depth)?,
            _ => {
                let plain = block_plain(rest)?;
                resolve_plain_scalar(plain)
            }
        };
        self.next = index + 1;
        Some(Node { value, position })
    }

    /// A literal block scalar (`|` or `|-`) whose indicator is at byte `offset` of line
    /// `index`, in a collection at column `parent`.
    fn literal(&mut self, index: usize, offset: usize, parent: usize) -> Option<Node> {
        let line = &self.lines[index];
        let header = line.text[offset + 1..].trim_end_matches(' ');
        let strip = match header {
            "" => false,
            "-" => true,
            _ => return None,
        };
        let mut content_indent = None;
        let mut end = index + 1;
        let mut last_content = None;
        while let Some(line) = self.lines.get(end) {
            if line.is_blank() {
                end += 1;
                continue;
            }
            match content_indent {
                None if line.indent > parent => content_indent = Some(line.indent),
                None => break,
                Some(indent) if line.indent < indent => break,
                Some(_) => {}
            }
            last_content = Some(end);
            end += 1;
        }
        let (indent, last) = (content_indent?, last_content?);
        // The general parser places a literal scalar at its first line of content.
        let first = (index + 1..=last).find(|&number| !self.lines[number].is_blank())?;
        let position = self.lines[first].position(first, indent);
        if self.lines.get(end).is_some_and(|line| line.indent > parent) {
            return None;
        }
        let body = &self.lines[index + 1..=last];
        if body
            .iter()
            .chain(&self.lines[last + 1..end])
            .any(|line| line.is_blank() && line.text.len() > indent)
        {
            return None;
        }
        let mut text = String::with_capacity(body.iter().map(|l| l.text.len() + 1).sum());
        for (number, line) in body.iter().enumerate() {
            if number > 0 {
                text.push('\n');
            }
            if !line.is_blank() {
                text.push_str(&line.text[indent..]);
            }
        }
        if !strip {
            text.push('\n');
        }
        self.next = end;
        Some(Node {
            value: NodeValue::String(text),
            position,
        })
    }

    /// A one-line flow collection (`[a, "b"]`, `{da: "...", en: [x]}`) whose `[` or `{` is
    /// at byte `offset` of line `index`, with nothing but a comment after it.
    fn flow(&self, index: usize, offset: usize, depth: usize) -> Option<NodeValue> {
        let line = &self.lines[index];
        let (node, end) = self.flow_node(line, index, offset, depth)?;
        trailing_comment_only(&line.text[end..])?;
        Some(node.value)
    }

    /// The flow node at byte `at` of `line` (number `index`): a scalar, or a list or map
    /// closed on the same line; with the byte after it.
    fn flow_node(
        &self,
        line: &Line<'_>,
        index: usize,
        at: usize,
        depth: usize,
    ) -> Option<(Node, usize)> {
        let position = line.position(index, at);
        let (closing, is_map) = match line.text.as_bytes().get(at)? {
            b'[' => (b']', false),
            b'{' => (b'}', true),
            _ => {
                let (value, end) = flow_scalar(line.text, at)?;
                return Some((Node { value, position }, end));
            }
        };
        if depth >= self.max_depth {
            return None;
        }
        let mut items = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut at = skip_spaces(line.text, at + 1);
        if line.text.as_bytes().get(at) != Some(&closing) {
            loop {
                if is_map {
                    let (key, after) = key_at(line.text, at)?;
                    if after >= line.text.len() || entries.iter().any(|entry| entry.key == key) {
                        return None;
                    }
                    // Positions left to right, so that counting columns stays linear.
                    let key_position = line.position(index, at);
                    let value_at = skip_spaces(line.text, after);
                    let (value, end) = self.flow_node(line, index, value_at, depth + 1)?;
                    entries.push(Entry {
                        key: key.to_owned(),
                        key_position,
                        value,
                    });
                    at = end;
                } else {
                    let (item, end) = self.flow_node(line, index, at, depth + 1)?;
                    items.push(item);
                    at = end;
                }
                at = skip_spaces(line.text, at);
                match *line.text.as_bytes().get(at)? {
                    b',' => at = skip_spaces(line.text, at + 1),
                    byte if byte == closing => break,
                    _ => return None,
                }
            }
        }
        let value = if is_map {
            NodeValue::Mapping(entries)
        } else {
            NodeValue::Sequence(items)
        };
        Some((Node { value, position }, at + 1))
    }
}

/// Whether `text` holds a list item's `- ` (or a lone `-`) at byte `indent`.
fn is_item(text: &str, indent: usize) -> bool {
    let rest = &text.as_bytes()[indent..];
    rest.first() == Some(&b'-') && matches!(rest.get(1), None | Some(b' '))
}

/// A plain key (`name_2-x`) at byte `at` followed by `:` and a space or the line's end: the
/// key and the byte after the `:`.
fn key_at(text: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    let first = *bytes.get(at)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let length = bytes[at..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        .count();
    let colon = at + length;
    // YAML limits an implicit key to 1024 characters; the parser refuses a longer one in a
    // block map (in a flow map it does not, but such keys are left to it there too).
    if length > 1024
        || bytes.get(colon) != Some(&b':')
        || !matches!(bytes.get(colon + 1), None | Some(b' '))
    {
        return None;
    }
    let key = &text[at..colon];
    matches!(resolve_plain_scalar(key), NodeValue::String(_)).then_some((key, colon + 1))
}

fn skip_spaces(text: &str, at: usize) -> usize {
    at + text.as_bytes()[at.min(text.len())..]
        .iter()
        .take_while(|&&b| b == b' ')
        .count()
}

/// `Some(())` when `rest` (what follows a value on its line) is empty, spaces, or spaces and
/// a comment.
fn trailing_comment_only(rest: &str) -> Option<()> {
    let trimmed = rest.trim_start_matches(' ');
    (trimmed.is_empty() || (trimmed.len() < rest.len() && trimmed.starts_with('#'))).then_some(())
}

/// A one-line quoted scalar at the start of `text`: its value and the byte after the closing
/// quote. A backslash in double quotes (an escape) is left to the general parser.
fn quoted(text: &str) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    if bytes[0] == b'"' {
        let close = memchr::memchr2(b'"', b'\\', &bytes[1..])? + 1;
        return (bytes[close] == b'"').then(|| (text[1..close].to_owned(), close + 1));
    }
    let mut value = String::new();
    let mut at = 1;
    loop {
        let close = at + memchr::memchr(b'\'', &bytes[at..])?;
        value.push_str(&text[at..close]);
        if text.as_bytes().get(close + 1) == Some(&b'\'') {
            value.push('\'');
            at = close + 2;
        } else {
            return Some((value, close + 1));
        }
    }
}

/// Whether a plain scalar may start with byte `first`, followed by `second`: not with an
/// indicator, except `-` before a digit (a negative number).
fn plain_may_start(first: u8, second: Option<u8>) -> bool {
    match first {
        b'-' => second.is_some_and(|b| b.is_ascii_digit()),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' => false,
        _ => true,
    }
}

/// A one-line plain scalar in block context (`rest` runs to the line's end): its text, without
/// a trailing comment. `None` for anything the general parser would read differently (a `: `
/// that makes it a key, a trailing `:`).
fn block_plain(rest: &str) -> Option<&str> {
    let bytes = rest.as_bytes();
    if !plain_may_start(bytes[0], bytes.get(1).copied()) {
        return None;
    }
    let mut end = rest.len();
    for at in memchr::memchr2_iter(b'#', b':', bytes) {
        let next = bytes.get(at + 1);
        if bytes[at] == b':' && matches!(next, None | Some(b' ')) {
            // `a: b` would make it a key, and `a:` a key without a value.
            return None;
        }
        if bytes[at] == b'#' && at > 0 && bytes[at - 1] == b' ' {
            end = at;
            break;
        }
    }
    Some(rest[..end].trim_end_matches(' '))
}

/// A scalar in a one-line flow collection at byte `at` of `text`: its value and the byte
/// after it. Plain ones may not hold `:`, `#` or flow indicators.
fn flow_scalar(text: &str, at: usize) -> Option<(NodeValue, usize)> {
    let rest = &text[at..];
    let first = *rest.as_bytes().first()?;
    if first == b'"' || first == b'\'' {
        let (value, end) = quoted(rest)?;
        return Some((NodeValue::String(value), at + end));
    }
    if !plain_may_start(first, rest.as_bytes().get(1).copied()) {
        return None;
    }
    let bytes = rest.as_bytes();
    let length = bytes
        .iter()
        .position(|&b| matches!(b, b',' | b']' | b'}'))
        .unwrap_or(rest.len());
    let plain = rest[..length].trim_end_matches(' ');
    let plain_bytes = plain.as_bytes();
    // A `:` inside a word (`10:00`) belongs to the scalar; before a space or at the end it
    // would start a value.
    let unusual = plain_bytes.iter().enumerate().any(|(at, &b)| match b {
        b':' => matches!(plain_bytes.get(at + 1), None | Some(b' ')),
        // The parser refuses an indicator before a flow indicator (`a -,`).
        b'-' | b'?' => at + 1 == plain_bytes.len(),
        b'#' | b'[' | b'{' | b'"' | b'\'' => true,
        _ => false,
    });
    if plain.is_empty() || unusual {
        return None;
    }
    Some((resolve_plain_scalar(plain), at + plain.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;

    /// The general parser's tree for `text`, and that it found nothing wrong.
    fn general(text: &str) -> Option<Node> {
        let loaded = super::super::load_with_parser(text.as_bytes(), &Limits::default());
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        loaded.root
    }

    /// The scanner reads `text`, exactly as the general parser does.
    fn same(text: &str) {
        let fast = scan(text, 64).unwrap_or_else(|| panic!("the scanner gave up on:\n{text}"));
        assert_eq!(Some(fast), general(text), "on:\n{text}");
    }

    #[test]
    fn reads_the_shapes_reports_use_as_the_general_parser_does() {
        same("schema: 1\nid: abc\n");
        same(
            "# yaml-language-server: $schema=x\nschema: 1\n\n# note\ntitle: {da: \"Hændelse ø\", en: \"Incident\"}  # c\n",
        );
        same("services: [a, b-c, \"d e\", 'f''g']\nempty: []\nnone: {}\n");
        same(
            "summary:\n  da: |\n    Første linje.\n\n    Anden æ linje.\n      indrykket\n\n  en: |-\n    One.\nnext: true\n",
        );
        same(
            "actions:\n  - id: a1\n    owner: Team æ\n    due: 2026-01-02\n  - id: a2\n    done: false\nn: -5\n",
        );
        same(
            "timeline:\n- at: 2026-01-01T10:00:00+01:00\n  what: {da: x}\n- at: y\nafter: ~\nurl: https://example.org/a#b\n",
        );
        same(
            "impact:\n  users_affected:\n    estimate: 1200 # about\n    share: 0.5\n  list:\n    - one\n    - 'two'\n",
        );
        same("a: |\n  x\n\n\nb: c\n");
        same(&format!("{}: 1\n", "k".repeat(1024)));
        same("t: [æ, {da: \"ø å\", en: x}, å, 'é', [ü, y]]  # ü\n");
        same("a: |\n\n  \n  x\n  y\nb: |-\n\n    z\n");
        same("title: \"a: b # c\"\nother: 'it''s'\n");
        same(
            "o:\n  b: {n: {da: \"E\", en: x}, t: c-i, r: [dora, nis2], e: [], at: 2026-03-02T14:40:00+01:00}\n",
        );
    }

    /// Every YAML file under `folder` (recursively).
    fn yaml_files(folder: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                yaml_files(&path, files);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }

    #[test]
    fn agrees_with_the_general_parser_on_every_report_and_fixture_in_the_project() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for folder in ["incidents", "tests/fixtures", "conformance/fixtures"] {
            yaml_files(&root.join(folder), &mut files);
        }
        let limits = Limits::default();
        let (mut read, mut examples, mut examples_read) = (0, 0, 0);
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            let example = file.starts_with(root.join("incidents"));
            examples += usize::from(example);
            if let Some(fast) = crate::load::scan_block_style(&bytes, &limits) {
                let general = super::super::load_with_parser(&bytes, &limits);
                assert!(
                    general.problems.is_empty(),
                    "{}: {:?}",
                    file.display(),
                    general.problems
                );
                assert_eq!(Some(fast), general.root, "{}", file.display());
                read += 1;
                examples_read += usize::from(example);
            }
        }
        assert!(
            files.len() > 100 && read > files.len() / 2,
            "{read} of {}",
            files.len()
        );
        // The bundled examples are written as authors write reports: all in the fast subset.
        assert_eq!(examples_read, examples);
    }

    #[test]
    fn gives_up_on_what_it_does_not_read() {
        for text in [
            "a: b\n\tc: d\n",
            "a: b\r\nc: d\r\n",
            "---\na: b\n",
            "a: &x b\nc: *x\n",
            "a: !!str 1\n",
            "a: >\n  folded\n",
            "a: plain\n  continued\n",
            "a: \"line\n  two\"\n",
            "a: \"esc\\n\"\n",
            "a: b\na: c\n",
            "a:\nb: c\n",
            "a: b: c\n",
            "- a\n- b\n",
            "a:\n  - - x\n",
            "a:\n  -\n",
            "a:\n-\n",
            "a: [x, [y]\n",
            "a: {b: {c: d}\n",
            "a: [x, ]\n",
            "a: {b: 2027-01 -, c: d}\n",
            "a: [b ?]\n",
            "a: {b: c} d\n",
            "a: |\n  x\n # less\n   more\n",
            "a: |\n    x\n  y: z\n",
            "a: |2\n  x\n",
            "a: |+\n  x\n\n",
            "a: |\n  x\n   \n",
            "a: |\n  x\n  ",
            "a: b",
            "\"quoted key\": 1\n",
            "a: b\n  c: d\n",
            "true: x\n",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain([
            format!("{}: 1\n", "k".repeat(1025)),
            format!("a:\n  - {}: 1\n", "k".repeat(1025)),
        ]) {
            assert_eq!(scan(&text, 64), None, "the scanner read:\n{text}");
        }
    }

    #[test]
    fn gives_up_past_the_nesting_limit() {
        let text = "a:\n  b:\n    c: [d]\n";
        assert!(scan(text, 4).is_some());
        assert_eq!(scan(text, 3), None);
        assert_eq!(scan(text, 2), None);
        // However high the loader's limit, deep nesting goes to the parser's explicit stack.
        let deep = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert_eq!(scan(&deep, 1_000_000), None);
    }
}
