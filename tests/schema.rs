//! The committed JSON Schemas are the ones the model generates, and they read well in editors.

use candor::schema;
use serde_json::Value;

use crate::support::{candor, project_root};

#[test]
fn committed_schemas_are_current() {
    for (file, generated) in [
        ("schema/incident.schema.json", schema::incident_schema()),
        ("schema/config.schema.json", schema::config_schema()),
        ("schema/national.schema.json", schema::national_schema()),
    ] {
        let committed = std::fs::read_to_string(project_root().join(file)).unwrap();
        assert!(
            committed == schema::to_file_text(&generated),
            "{file} is out of date: run `cargo run -- schema > schema/incident.schema.json` `cargo run -- schema --config > schema/config.schema.json` and `cargo run -- schema --national > schema/national.schema.json`"
        );
    }
}

#[test]
fn schemas_have_ids_and_descriptions() {
    let incident = schema::incident_schema();
    assert_eq!(incident["$id"], schema::INCIDENT_SCHEMA_ID);
    assert_eq!(
        incident["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(incident["additionalProperties"], false);
    let properties = incident["properties"].as_object().unwrap();
    for (name, property) in properties {
        assert!(
            property["description"]
                .as_str()
                .is_some_and(|d| d.len() > 10),
            "{name} has no description"
        );
    }
    assert!(
        properties["started_at"]["description"]
            .as_str()
            .unwrap()
            .contains("RFC 3339")
    );
    assert_eq!(schema::config_schema()["$id"], schema::CONFIG_SCHEMA_ID);
}

#[test]
fn schema_command_prints_the_committed_files() {
    let output = candor().arg("schema").output().unwrap();
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, schema::incident_schema());
    let output = candor().args(["schema", "--config"]).output().unwrap();
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, schema::config_schema());
}

#[test]
fn example_reports_point_editors_at_the_schema() {
    let report = std::fs::read_to_string(
        project_root().join("incidents/2026/2026-03-02-national-eid-login-outage.yaml"),
    )
    .unwrap();
    assert!(
        report.starts_with("# yaml-language-server: $schema=../../schema/incident.schema.json\n")
    );
}
