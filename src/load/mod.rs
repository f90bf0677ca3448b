//! Bytes to a positioned YAML tree: the only module that knows YAML.
//!
//! A file is read once, checked for size and UTF-8, and parsed from the event stream of
//! `saphyr-parser` into a small tree where every node and every mapping key keeps its line and
//! column. The tree is built with an explicit stack and hard limits on nesting and on alias
//! expansion, so a billion-laughs file or 20,000 nested brackets ends in a finding in
//! microseconds instead of a hang or a stack overflow.
//!
//! Plain block-style files, almost every report, are read by a specialised scanner
//! ([`block`]) into the same tree instead; it gives up on anything else, which then goes
//! through the parser as above.
//!
//! Scalars are resolved with the YAML 1.2 core schema (so `no` is a string and `2026-11-23` is
//! a string, not a date). The tree converts to a `serde_json::Value` for schema validation, and
//! answers "where is `/actions/2/owner`?" for every later finding.

mod block;
mod de;
mod plain;

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};

use crate::config::Limits;
use crate::diag::{Locate, pointer_tokens, split_pointer};

pub use crate::diag::Position;
pub use de::from_node;

fn position_from_marker(marker: &saphyr_parser::Marker) -> Position {
    Position {
        line: saturate(marker.line()),
        column: saturate(marker.col() + 1),
    }
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A value in a YAML document.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    /// `~`, `null`, or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer or a float.
    Number(Number),
    /// Any other scalar.
    String(String),
    /// A list.
    Sequence(Vec<Node>),
    /// A map with text keys, in file order.
    Mapping(Vec<Entry>),
}

/// A value with the position where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: NodeValue,
    /// Where the value starts.
    pub position: Position,
}

/// One key and value of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key, as text.
    pub key: String,
    /// Where the key starts.
    pub key_position: Position,
    /// The value.
    pub value: Node,
}

impl Node {
    /// How many nodes this subtree holds, itself included.
    fn size(&self) -> usize {
        match &self.value {
            NodeValue::Sequence(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeValue::Mapping(entries) => {
                1 + entries.iter().map(|e| e.value.size()).sum::<usize>()
            }
            _ => 1,
        }
    }

    /// The value as JSON, for schema validation and typed deserialisation.
    pub fn to_json(&self) -> Value {
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Number(n) => Value::Number(n.clone()),
            NodeValue::String(s) => Value::String(s.clone()),
            NodeValue::Sequence(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Mapping(entries) => {
                let mut map = Map::new();
                for entry in entries {
                    map.insert(entry.key.clone(), entry.value.to_json());
                }
                Value::Object(map)
            }
        }
    }

    /// The node a JSON Pointer (`/actions/2/owner`) designates, if it exists.
    pub fn find(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in pointer_tokens(pointer) {
            node = match &node.value {
                NodeValue::Mapping(entries) => {
                    &entries.iter().rev().find(|e| e.key == token)?.value
                }
                NodeValue::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The entry whose key is the last token of `pointer`, if the pointer ends in a map key.
    pub fn find_entry(&self, pointer: &str) -> Option<&Entry> {
        let (parent, key) = split_pointer(pointer)?;
        match &self.find(parent)?.value {
            NodeValue::Mapping(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Where the value at `pointer` starts; for a missing value, where its nearest existing
    /// ancestor starts.
    pub fn position_of(&self, pointer: &str) -> Position {
        let mut current = pointer;
        loop {
            if let Some(node) = self.find(current) {
                return node.position;
            }
            match split_pointer(current) {
                Some((parent, _)) => current = parent,
                None => return self.position,
            }
        }
    }

    /// Where the key of the entry at `pointer` starts, falling back to [`Node::position_of`].
    pub fn key_position_of(&self, pointer: &str) -> Position {
        self.find_entry(pointer)
            .map(|entry| entry.key_position)
            .unwrap_or_else(|| self.position_of(pointer))
    }
}

impl Locate for Node {
    fn value_position(&self, pointer: &str) -> Position {
        self.position_of(pointer)
    }

    fn key_position(&self, pointer: &str) -> Position {
        self.key_position_of(pointer)
    }
}

/// The lines of `text` as YAML counts them: a line ends at LF, CR or CR LF.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match memchr::memchr2(b'\n', b'\r', current.as_bytes()) {
            Some(end) => {
                let next = if current[end..].starts_with("\r\n") {
                    end + 2
                } else {
                    end + 1
                };
                rest = Some(&current[next..]);
                Some(&current[..end])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Why a file could not be turned into a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadProblem {
    /// Larger than the limit (S007).
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// Not valid YAML, or YAML that a report cannot be (S001).
    Syntax {
        /// Where the problem is.
        position: Position,
        /// What is wrong, for the author.
        message: String,
        /// How to fix it.
        help: String,
    },
}

/// The result of loading one file.
#[derive(Debug)]
pub struct Loaded {
    /// The document's root node, when the file parsed.
    pub root: Option<Node>,
    /// Problems found; a problem in `problems` with `root` present did not stop the parse
    /// (a duplicate key, say).
    pub problems: Vec<LoadProblem>,
}

/// Parse `bytes` (one file's content) into a positioned tree, within `limits`: with the fast
/// scanner when the file is plain block-style YAML (almost every report), else with the
/// general parser, which also explains every error.
pub fn load(bytes: &[u8], limits: &Limits) -> Loaded {
    match prepare(bytes, limits) {
        Prepared::Done(loaded) => loaded,
        Prepared::Text(text) => match block::scan(text, limits.max_depth as usize) {
            Some(root) => Loaded {
                root: Some(root),
                problems: Vec::new(),
            },
            None => parse(text, limits),
        },
    }
}

/// Parse `text` with `saphyr-parser` into the positioned tree.
fn parse(text: &str, limits: &Limits) -> Loaded {
    TreeBuilder::new(limits, position_after(text)).build(text)
}

/// A file after the checks before parsing: either already decided, or its text to parse.
enum Prepared<'t> {
    /// Too large, not UTF-8, or empty.
    Done(Loaded),
    /// The text, without a byte order mark.
    Text(&'t str),
}

/// Check `bytes` for size, encoding and emptiness.
fn prepare<'t>(bytes: &'t [u8], limits: &Limits) -> Prepared<'t> {
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Prepared::Done(Loaded::failed(LoadProblem::TooLarge {
            size,
            limit: limits.max_file_bytes,
        }));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            // The valid prefix is UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            return Prepared::Done(Loaded::failed(LoadProblem::Syntax {
                position: position_after(prefix),
                message: format!(
                    "the file is not UTF-8 text (invalid byte 0x{:02X})",
                    bytes[error.valid_up_to()]
                ),
                help: "save the file as UTF-8; editors call it \"UTF-8\" or \"Unicode (UTF-8)\""
                    .into(),
            }));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Prepared::Done(Loaded::failed(LoadProblem::Syntax {
            position: Position::START,
            message: "the file is empty".into(),
            help: "write the report's fields, starting with `schema: 1`, or delete the file".into(),
        }));
    }
    Prepared::Text(text)
}

/// Parse `bytes` as [`load`] does, always with the general parser: what the fast scanner for
/// block-style reports must agree with (its tests and the differential fuzz target compare
/// the two).
pub fn load_with_parser(bytes: &[u8], limits: &Limits) -> Loaded {
    match prepare(bytes, limits) {
        Prepared::Done(loaded) => loaded,
        Prepared::Text(text) => parse(text, limits),
    }
}

/// The tree the fast scanner reads from `bytes`, if it reads them (the check of its size,
/// encoding and emptiness passed, and every line lies in the subset it knows).
pub fn scan_block_style(bytes: &[u8], limits: &Limits) -> Option<Node> {
    match prepare(bytes, limits) {
        Prepared::Done(_) => None,
        Prepared::Text(text) => block::scan(text, limits.max_depth as usize),
    }
}

impl Loaded {
    fn failed(problem: LoadProblem) -> Loaded {
        Loaded {
            root: None,
            problems: vec![problem],
        }
    }
}

/// The position just after `text`, as if `text` were the start of a file.
fn position_after(text: &str) -> Position {
    let bytes = text.as_bytes();
    // Every file is measured, so count LF with a plain (vectorised) scan; only text with a
    // CR needs the slower walk that counts CR LF once.
    let line = if bytes.contains(&b'\r') {
        lines(text).count()
    } else {
        bytes.iter().filter(|&&byte| byte == b'\n').count() + 1
    };
    let last_line_start = bytes
        .iter()
        .rposition(|&byte| byte == b'\n' || byte == b'\r')
        .map_or(0, |index| index + 1);
    let column = text[last_line_start..].chars().count() + 1;
    Position {
        line: saturate(line),
        column: saturate(column),
    }
}

/// A collection being built, with its anchor and position.
enum Frame {
    Sequence {
        items: Vec<Node>,
        anchor: usize,
        position: Position,
    },
    Mapping {
        entries: Vec<Entry>,
        pending_key: Option<(String, Position)>,
        anchor: usize,
        position: Position,
    },
}

struct TreeBuilder {
    /// The last position in the file; the parser may point past it at the end of input.
    end: Position,
    max_depth: usize,
    alias_budget: usize,
    anchors: HashMap<usize, Node>,
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
    problems: Vec<LoadProblem>,
}

/// Stops the event loop: the tree cannot be trusted past this problem.
struct Abort(LoadProblem);

impl TreeBuilder {
    fn new(limits: &Limits, end: Position) -> TreeBuilder {
        TreeBuilder {
            end,
            max_depth: limits.max_depth as usize,
            alias_budget: limits.max_alias_nodes as usize,
            anchors: HashMap::new(),
            stack: Vec::new(),
            root: None,
            documents: 0,
            problems: Vec::new(),
        }
    }

    fn build(mut self, text: &str) -> Loaded {
        let mut parser = Parser::new_from_str(text);
        let outcome = loop {
            match parser.next_event() {
                None => break Ok(()),
                Some(Err(error)) => {
                    // At the end of input the scanner may point just past the last line.
                    let position = position_from_marker(error.marker()).min(self.end);
                    break Err(Abort(plain::explain(text, error.info(), position)));
                }
                Some(Ok((event, span))) => {
                    if let Err(abort) = self.on_event(event, span) {
                        break Err(abort);
                    }
                }
            }
        };
        match outcome {
            Ok(()) => Loaded {
                root: self.root,
                problems: self.problems,
            },
            Err(Abort(problem)) => {
                self.problems.push(problem);
                Loaded {
                    root: None,
                    problems: self.problems,
                }
            }
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), Abort> {
        let position = position_from_marker(&span.start).min(self.end);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Abort(LoadProblem::Syntax {
                        position,
                        message: "the file holds more than one YAML document".into(),
                        help: "keep one report per file; remove the second `---` and what follows, or move it to its own file".into(),
                    }));
                }
                Ok(())
            }
            Event::SequenceStart(anchor, _) => {
                self.check_depth(position)?;
                self.stack.push(Frame::Sequence {
                    items: Vec::new(),
                    anchor,
                    position,
                });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.check_depth(position)?;
                self.stack.push(Frame::Mapping {
                    entries: Vec::new(),
                    pending_key: None,
                    anchor,
                    position,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Sequence {
                        items,
                        anchor,
                        position,
                    }) => self.anchored(
                        anchor,
                        Node {
                            value: NodeValue::Sequence(items),
                            position,
                        },
                    ),
                    Some(Frame::Mapping {
                        entries,
                        anchor,
                        position,
                        ..
                    }) => self.anchored(
                        anchor,
                        Node {
                            value: NodeValue::Mapping(entries),
                            position,
                        },
                    ),
                    None => return Ok(()),
                };
                self.attach(node)
            }
            Event::Scalar(value, style, anchor, tag) => {
                let value = match forbidden_character(&value) {
                    Some((index, c)) => {
                        let before: String = value.chars().take(index).collect();
                        let context: String = before
                            .chars()
                            .rev()
                            .take(20)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .collect();
                        self.problems.push(LoadProblem::Syntax {
                            position,
                            message: format!(
                                "the text holds the control character U+{:04X}{}, which a web page or a feed cannot carry",
                                u32::from(c),
                                if context.is_empty() {
                                    String::new()
                                } else {
                                    format!(" (after \"{context}\")")
                                }
                            ),
                            help: "delete it; it is usually pasted in by accident and invisible in most editors".into(),
                        });
                        // Never kept: the report cannot be published with this finding, and
                        // nothing downstream ever sees the character.
                        std::borrow::Cow::Owned(
                            value
                                .chars()
                                .map(|c| if is_forbidden(c) { '\u{FFFD}' } else { c })
                                .collect(),
                        )
                    }
                    None => value,
                };
                let forced_string = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == ScalarStyle::Plain && !forced_string {
                    resolve_plain_scalar(&value)
                } else {
                    NodeValue::String(value.into_owned())
                };
                let node = self.anchored(anchor, Node { value, position });
                self.attach(node)
            }
            Event::Alias(anchor) => {
                let Some(target) = self.anchors.get(&anchor) else {
                    return Err(Abort(LoadProblem::Syntax {
                        position,
                        message: "this alias refers to an anchor that is not defined before it".into(),
                        help: "define the anchor (`&name`) before using the alias (`*name`), or write the value out".into(),
                    }));
                };
                let size = target.size();
                if size > self.alias_budget {
                    return Err(Abort(LoadProblem::Syntax {
                        position,
                        message: "YAML aliases in this file expand to more nodes than the limit (`limits.max_alias_nodes` in candor.yaml)".into(),
                        help: "write the values out instead of repeating them through aliases (`*name`)".into(),
                    }));
                }
                self.alias_budget -= size;
                let mut node = target.clone();
                node.position = position;
                self.attach(node)
            }
        }
    }

    fn check_depth(&self, position: Position) -> Result<(), Abort> {
        if self.stack.len() >= self.max_depth {
            return Err(Abort(LoadProblem::Syntax {
                position,
                message: format!(
                    "lists and maps are nested more than {} levels deep here",
                    self.max_depth
                ),
                help: "a report needs only a few levels of nesting; look for a run of unclosed `[` or `{`".into(),
            }));
        }
        Ok(())
    }

    fn anchored(&mut self, anchor: usize, node: Node) -> Node {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        node
    }

    /// Put a finished node into its parent, or make it the root.
    fn attach(&mut self, node: Node) -> Result<(), Abort> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Sequence { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Mapping {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let key_position = node.position;
                    let key = match node.value {
                        NodeValue::String(s) => s,
                        NodeValue::Bool(b) => b.to_string(),
                        NodeValue::Number(n) => n.to_string(),
                        NodeValue::Null => String::new(),
                        NodeValue::Sequence(_) | NodeValue::Mapping(_) => {
                            return Err(Abort(LoadProblem::Syntax {
                                position: key_position,
                                message: "a key is a list or a map; keys must be plain names"
                                    .into(),
                                help: "write the field name as plain text followed by `:`".into(),
                            }));
                        }
                    };
                    if let Some(previous) = entries.iter().find(|e| e.key == key) {
                        self.problems.push(LoadProblem::Syntax {
                            position: key_position,
                            message: format!(
                                "`{key}` appears twice in the same map (first on line {})",
                                previous.key_position.line
                            ),
                            help: "keep one of the two; YAML does not allow a key twice, and readers would not know which one counts".into(),
                        });
                    }
                    *pending_key = Some((key, key_position));
                    Ok(())
                }
                Some((key, key_position)) => {
                    entries.push(Entry {
                        key,
                        key_position,
                        value: node,
                    });
                    Ok(())
                }
            },
        }
    }
}

/// Characters XML 1.0 forbids (C0 controls other than tab, line feed and carriage return,
/// U+FFFE and U+FFFF): a report holding one would make the feed ill-formed.
fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The first forbidden character in `text`, as (character index, character).
fn forbidden_character(text: &str) -> Option<(usize, char)> {
    // Every forbidden character starts with a byte below 0x20 (other than tab, newline and
    // carriage return) or 0xEF (U+FFFE and U+FFFF): a byte scan rules out almost every text
    // without decoding it.
    let suspect = text
        .bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
    if !suspect {
        return None;
    }
    text.chars().enumerate().find(|(_, c)| is_forbidden(*c))
}

/// Resolve an unquoted scalar with the YAML 1.2 core schema.
fn resolve_plain_scalar(text: &str) -> NodeValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        _ => {}
    }
    if let Some(number) = resolve_number(text) {
        return NodeValue::Number(number);
    }
    NodeValue::String(text.to_owned())
}

fn resolve_number(text: &str) -> Option<Number> {
    let first = text.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok().map(Number::from);
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return u64::from_str_radix(octal, 8).ok().map(Number::from);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.trim_start_matches('+').parse::<u64>() {
            return Some(Number::from(n));
        }
        if let Ok(n) = text.parse::<i64>() {
            return Some(Number::from(n));
        }
        return text.parse::<f64>().ok().and_then(Number::from_f64);
    }
    match digits {
        ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN" => return None,
        _ => {}
    }
    if is_core_float(digits) {
        return text.parse::<f64>().ok().and_then(Number::from_f64);
    }
    None
}

/// `[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?` or `\.[0-9]+([eE][-+]?[0-9]+)?`, sign already removed.
fn is_core_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        Some(f) => digits(whole) && digits(f) && !(whole.is_empty() && f.is_empty()),
        None => !whole.is_empty() && digits(whole),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Read a small YAML file (a sources file, a private-fields file) as `T`, or say what is
/// wrong and where, as `line:column: message` lines. `empty` is said of an empty file.
pub fn parse_typed<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    empty: &str,
) -> Result<T, Vec<String>> {
    parse_typed_tree(bytes, empty).map(|(typed, _)| typed)
}

/// [`parse_typed`], also returning the positioned tree.
pub fn parse_typed_tree<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    empty: &str,
) -> Result<(T, Node), Vec<String>> {
    let only_comments = std::str::from_utf8(bytes).is_ok_and(|text| {
        text.lines()
            .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
    });
    if only_comments {
        return Err(vec![empty.to_owned()]);
    }
    let loaded = load(bytes, &Limits::default());
    let mut problems: Vec<String> = loaded
        .problems
        .iter()
        .map(|problem| match problem {
            LoadProblem::Syntax {
                position,
                message,
                help,
            } => format!("{}:{}: {message} ({help})", position.line, position.column),
            LoadProblem::TooLarge { size, limit } => {
                format!("the file has {size} bytes, over the limit of {limit}")
            }
        })
        .collect();
    let Some(root) = loaded.root else {
        if problems.is_empty() {
            problems.push(empty.to_owned());
        }
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    match serde_path_to_error::deserialize(root.to_json()) {
        Ok(typed) => Ok((typed, root)),
        Err(error) => {
            let pointer = path_pointer(error.path());
            let position = root.position_of(&pointer);
            Err(vec![format!(
                "{}:{}: {} ({})",
                position.line,
                position.column,
                error.inner(),
                if pointer.is_empty() {
                    "/".to_owned()
                } else {
                    pointer
                }
            )])
        }
    }
}

/// The JSON Pointer of a deserialisation error's path.
fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => {}
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Node {
        let loaded = load(text.as_bytes(), &Limits::default());
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        loaded.root.unwrap()
    }

    #[test]
    fn positions_of_values_and_keys() {
        let root = tree("a: 1\nlist:\n  - x\n  - {b: yes}\n");
        assert_eq!(root.position_of("/a"), Position { line: 1, column: 4 });
        assert_eq!(
            root.position_of("/list/1/b"),
            Position { line: 4, column: 9 }
        );
        assert_eq!(
            root.key_position_of("/list"),
            Position { line: 2, column: 1 }
        );
        assert_eq!(
            root.position_of("/list/7/missing"),
            root.position_of("/list")
        );
    }

    #[test]
    fn core_schema_scalars() {
        let value =
            tree("a: no\nb: 2026-11-23\nc: 12\nd: 1.5\ne: ~\nf: true\ng: '12'\nh: 0x1F\ni: 1e3\n")
                .to_json();
        assert_eq!(
            value,
            serde_json::json!({"a": "no", "b": "2026-11-23", "c": 12, "d": 1.5, "e": null, "f": true, "g": "12", "h": 31, "i": 1000.0})
        );
    }

    #[test]
    fn aliases_expand_within_budget() {
        let value = tree("a: &x {k: v}\nb: *x\n").to_json();
        assert_eq!(value, serde_json::json!({"a": {"k": "v"}, "b": {"k": "v"}}));
    }

    #[test]
    fn duplicate_key_is_reported_with_both_lines() {
        let loaded = load(b"a: 1\nb: 2\na: 3\n", &Limits::default());
        assert!(loaded.root.is_some());
        match &loaded.problems[..] {
            [
                LoadProblem::Syntax {
                    position, message, ..
                },
            ] => {
                assert_eq!(position.line, 3);
                assert!(message.contains("first on line 1"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn lines_end_at_lf_cr_and_crlf() {
        assert_eq!(
            lines("a\nb\r\nc\rd").collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
        assert_eq!(lines("").count(), 1);
    }

    #[test]
    fn position_after_counts_lines_as_yaml_does() {
        for text in [
            "", "a", "a\n", "a\nbc", "a\r\nbé", "a\rb\r", "x\n\r\ny", "é\n\n",
        ] {
            let expected_line = lines(text).count();
            let expected_column = lines(text).last().map_or(0, |l| l.chars().count()) + 1;
            assert_eq!(
                position_after(text),
                Position {
                    line: saturate(expected_line),
                    column: saturate(expected_column)
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn invalid_utf8_position() {
        let loaded = load(b"a: 1\nb: caf\xe9\n", &Limits::default());
        match &loaded.problems[..] {
            [
                LoadProblem::Syntax {
                    position, message, ..
                },
            ] => {
                assert_eq!(*position, Position { line: 2, column: 7 });
                assert!(message.contains("0xE9"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
