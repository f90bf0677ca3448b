//! A whole check on a generated repository: candor.yaml (fixed, or from the input) and up to
//! four reports from the input, through load, validation, rules, rules across reports and
//! waivers. Never a panic; every finding names a file of the repository.
#![no_main]

use candor::check::{self, Engine, Keep};
use candor::validate::SchemaValidator;
use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const CONFIG: &str = "site:\n  title: {da: Hændelser, en: Incidents}\n  base_url: https://incidents.example.org/\n  languages: [da, en]\norganisations:\n  agency: {name: The Agency}\nservices:\n  login: {name: Login, organisation: agency, availability_target: 99.9}\n";

fn validator() -> &'static SchemaValidator {
    static VALIDATOR: OnceLock<SchemaValidator> = OnceLock::new();
    VALIDATOR.get_or_init(|| SchemaValidator::new().expect("the built-in schemas compile"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let mut parts: Vec<&[u8]> = rest.split(|b| *b == 0xff).collect();
    let config_bytes: Vec<u8> = if selector & 0x80 != 0 && !parts.is_empty() {
        parts.remove(0).to_vec()
    } else {
        CONFIG.as_bytes().to_vec()
    };
    let loaded = check::load_config(&config_bytes, validator());
    let today = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().expect("a valid date");
    let engine = Engine::new(&loaded, validator(), today);
    let keep = match selector & 3 {
        0 => Keep::Findings,
        1 => Keep::Report,
        _ => Keep::ReportWithoutFacts,
    };
    let files: Vec<String> = (0..parts.len().min(4)).map(|i| format!("incidents/2026/2026-05-0{i}-r.yaml")).collect();
    let mut analyses: Vec<_> = files.iter().zip(&parts).map(|(file, bytes)| engine.analyse(file, bytes, keep)).collect();
    let (findings, waived) = check::finish(&mut analyses, &engine.context());
    for finding in findings.iter().chain(&waived) {
        assert!(files.contains(&finding.file), "{finding:?}");
    }
});
