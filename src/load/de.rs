//! Typed values read straight from the positioned tree: what
//! `serde_json::from_value(node.to_json())` reads, without building the JSON value first. A site
//! build reads every report back this way when it writes the report's pages
//! ([`crate::prose`]).
//!
//! It follows the JSON value's reading exactly: a map's duplicated key counts once, with its
//! last value (as in [`Node::to_json`]); numbers are read as `serde_json` reads them; anything
//! this reader does not handle itself (an enum written as a map) is read through the JSON value.

use std::collections::HashMap;

use serde::de::{self, DeserializeSeed, IntoDeserializer as _, Visitor};
use serde::forward_to_deserialize_any;

use super::{Entry, Node, NodeValue};

/// `node` as a `T`.
pub fn from_node<T: de::DeserializeOwned>(node: &Node) -> Result<T, serde_json::Error> {
    T::deserialize(NodeDeserializer(node))
}

/// Reads one node.
struct NodeDeserializer<'n>(&'n Node);

impl<'de> de::Deserializer<'de> for NodeDeserializer<'_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match &self.0.value {
            NodeValue::Null => visitor.visit_unit(),
            NodeValue::Bool(value) => visitor.visit_bool(*value),
            NodeValue::Number(number) => de::Deserializer::deserialize_any(number, visitor),
            NodeValue::String(text) => visitor.visit_str(text),
            NodeValue::Sequence(items) => {
                let mut access = Items(items.iter());
                let value = visitor.visit_seq(&mut access)?;
                match access.0.len() {
                    0 => Ok(value),
                    _ => Err(de::Error::invalid_length(items.len(), &"fewer elements")),
                }
            }
            NodeValue::Mapping(entries) => visitor.visit_map(&mut Entries::new(entries)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0.value {
            NodeValue::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match &self.0.value {
            NodeValue::String(text) => visitor.visit_enum(text.as_str().into_deserializer()),
            _ => de::Deserializer::deserialize_enum(self.0.to_json(), name, variants, visitor),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// A list's items, in order.
struct Items<'n>(std::slice::Iter<'n, Node>);

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(NodeDeserializer(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// A map's entries, each key once (its last entry).
struct Entries<'n> {
    entries: &'n [Entry],
    next: usize,
    /// The value of the key just read.
    value: Option<&'n Node>,
    /// For a large map, the index of each key's last entry (a small one is searched).
    last: Option<HashMap<&'n str, usize>>,
}

impl<'n> Entries<'n> {
    fn new(entries: &'n [Entry]) -> Entries<'n> {
        let last = (entries.len() > 16).then(|| {
            entries
                .iter()
                .enumerate()
                .map(|(index, entry)| (entry.key.as_str(), index))
                .collect()
        });
        Entries {
            entries,
            next: 0,
            value: None,
            last,
        }
    }

    /// Whether the entry at `index` is its key's last.
    fn is_last(&self, index: usize) -> bool {
        let key = self.entries[index].key.as_str();
        match &self.last {
            Some(last) => last.get(key) == Some(&index),
            None => !self.entries[index + 1..].iter().any(|e| e.key == key),
        }
    }
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        while let Some(entry) = self.entries.get(self.next) {
            self.next += 1;
            if !self.is_last(self.next - 1) {
                continue;
            }
            self.value = Some(&entry.value);
            let key: de::value::StrDeserializer<'_, serde_json::Error> =
                entry.key.as_str().into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| <serde_json::Error as de::Error>::custom("a value without its key"))?;
        seed.deserialize(NodeDeserializer(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;
    use crate::model::Incident;

    /// Every YAML file under `folder`.
    fn yaml_files(folder: &std::path::Path, into: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                yaml_files(&path, into);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                into.push(path);
            }
        }
    }

    /// What each reader makes of `text` as a report: the value as JSON, or that it failed.
    fn both(text: &str) -> (Option<serde_json::Value>, Option<serde_json::Value>) {
        let root = crate::load::load(text.as_bytes(), &Limits::default())
            .root
            .expect("a tree");
        let through_json = serde_json::from_value::<Incident>(root.to_json())
            .ok()
            .map(|i| serde_json::to_value(i).unwrap());
        let direct = from_node::<Incident>(&root)
            .ok()
            .map(|i| serde_json::to_value(i).unwrap());
        (through_json, direct)
    }

    #[test]
    fn every_report_and_fixture_reads_as_through_the_json_value() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("incidents"), &mut files);
        yaml_files(&root.join("tests/fixtures"), &mut files);
        let mut typed = 0;
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            if crate::load::load(text.as_bytes(), &Limits::default())
                .root
                .is_none()
            {
                continue;
            }
            let (through_json, direct) = both(&text);
            assert_eq!(through_json, direct, "{}", file.display());
            typed += usize::from(direct.is_some());
        }
        assert!(typed >= 20, "only {typed} reports read");
    }

    #[test]
    fn a_duplicated_key_counts_once_with_its_last_value_in_small_and_large_maps() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let report = std::fs::read_to_string(
            root.join("incidents/2026/2026-10-06-health-portal-slow-prescriptions.yaml"),
        )
        .unwrap();
        let twice = report.replacen("severity: ", "severity: minor\nseverity: ", 1);
        let (through_json, direct) = both(&twice);
        assert!(direct.is_some());
        assert_eq!(through_json, direct);

        // A language map with more keys than are searched one by one.
        let mut languages: String = (0..20)
            .map(|n| {
                format!(
                    "  l{}{}: text {n}\n",
                    (b'a' + n / 26) as char,
                    (b'a' + n % 26) as char
                )
            })
            .collect();
        languages.push_str("  lab: last\n");
        let many = report.replacen("title:\n", &format!("title:\n{languages}"), 1);
        let (through_json, direct) = both(&many);
        let title = &direct.as_ref().expect("read")["title"];
        assert_eq!(title["lab"], "last");
        assert_eq!(through_json, direct);

        // A value of the wrong type fails both ways.
        let (through_json, direct) =
            both(&report.replacen("severity: major", "severity: [major]", 1));
        assert_eq!((through_json, direct), (None, None));
    }
}
