//! The JSON Schemas of the report format and of candor.yaml, generated from the model.
//!
//! The committed files in `schema/` are these schemas pretty-printed; a test proves they are
//! current. Editors use them to validate and complete as the author types, and the validator
//! uses them at check time.

use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::config::ConfigFile;
use crate::model::Incident;

/// `$id` of the incident schema.
pub const INCIDENT_SCHEMA_ID: &str = "urn:candor:schema:incident:1";
/// `$id` of the configuration schema.
pub const CONFIG_SCHEMA_ID: &str = "urn:candor:schema:config:1";

/// `$id` of the national sources file's schema.
pub const NATIONAL_SCHEMA_ID: &str = "urn:candor:schema:national:1";

/// The JSON Schema of an incident report.
pub fn incident_schema() -> Value {
    generate::<Incident>(INCIDENT_SCHEMA_ID)
}

/// The JSON Schema of candor.yaml.
pub fn config_schema() -> Value {
    generate::<ConfigFile>(CONFIG_SCHEMA_ID)
}

/// The JSON Schema of a national sources file (`candor.national.yaml`).
pub fn national_schema() -> Value {
    generate::<crate::national::NationalFile>(NATIONAL_SCHEMA_ID)
}

fn generate<T: schemars::JsonSchema>(id: &str) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut value = schema.to_value();
    simplify(&mut value);
    if let Value::Object(map) = &mut value {
        map.insert("$id".into(), Value::String(id.into()));
    }
    value
}

/// Make the generated schema say what authors mean, and what gives clear errors:
///
/// - an optional field may be left out, but not written empty: `["string", "null"]` becomes
///   `"string"`, and `anyOf: [X, null]` becomes `X`;
/// - an enum whose values carry descriptions (`oneOf` of `const`s) becomes a plain `enum`, with
///   the descriptions kept in `enumDescriptions` for editors that show them.
fn simplify(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let single = types.remove(0);
                    map.insert("type".into(), single);
                }
            }
            let nullable_any_of = map
                .get("anyOf")
                .and_then(Value::as_array)
                .and_then(|branches| {
                    let non_null: Vec<&Value> = branches
                        .iter()
                        .filter(|b| b.get("type") != Some(&Value::from("null")))
                        .collect();
                    (non_null.len() == 1 && branches.len() == 2).then(|| non_null[0].clone())
                });
            if let Some(Value::Object(inner)) = nullable_any_of {
                map.remove("anyOf");
                for (key, value) in inner {
                    map.entry(key).or_insert(value);
                }
            }
            let consts = map
                .get("oneOf")
                .and_then(Value::as_array)
                .and_then(|branches| {
                    branches
                        .iter()
                        .map(|b| {
                            Some((
                                b.get("const")?.clone(),
                                b.get("description").cloned().unwrap_or(Value::Null),
                            ))
                        })
                        .collect::<Option<Vec<_>>>()
                });
            if let Some(consts) = consts {
                map.remove("oneOf");
                map.insert("type".into(), Value::from("string"));
                let (values, descriptions): (Vec<Value>, Vec<Value>) = consts.into_iter().unzip();
                map.insert("enum".into(), Value::Array(values));
                map.insert("enumDescriptions".into(), Value::Array(descriptions));
            }
            for child in map.values_mut() {
                simplify(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(simplify),
        _ => {}
    }
}

/// A schema as the committed file holds it: pretty JSON with a final newline.
pub fn to_file_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema)
        .unwrap_or_else(|_| unreachable!("a JSON value always encodes"));
    text.push('\n');
    text
}
