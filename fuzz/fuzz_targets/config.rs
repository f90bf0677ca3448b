//! candor.yaml from arbitrary bytes: never a panic, every finding is on candor.yaml with a
//! position inside the file, and a configuration always comes back (the built-in one when
//! the file cannot be read).
#![no_main]

use candor::check;
use candor::validate::SchemaValidator;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn validator() -> &'static SchemaValidator {
    static VALIDATOR: OnceLock<SchemaValidator> = OnceLock::new();
    VALIDATOR.get_or_init(|| SchemaValidator::new().expect("the built-in schemas compile"))
}

fuzz_target!(|data: &[u8]| {
    let loaded = check::load_config(data, validator());
    let lines = candor::load::lines(&String::from_utf8_lossy(data)).count().max(1) as u32;
    for finding in &loaded.findings {
        assert_eq!(finding.file, "candor.yaml", "{finding:?}");
        if let Some(line) = finding.line {
            assert!(line >= 1 && line <= lines + 1, "{finding:?} outside {lines} lines");
        }
    }
    assert!(!loaded.config.languages().is_empty());
    assert!((0.0..=1.0).contains(&loaded.config.policy.partial_weight));
});
