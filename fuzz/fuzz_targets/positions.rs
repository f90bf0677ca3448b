//! Schema validation mapped back to positions: every finding on arbitrary input has a position
//! inside the file and a JSON Pointer that starts at the root.
#![no_main]

use candor::config::Limits;
use candor::load;
use candor::diag::{Emitter, Levels};
use candor::validate::{DocumentKind, SchemaValidator};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn validator() -> &'static SchemaValidator {
    static VALIDATOR: OnceLock<SchemaValidator> = OnceLock::new();
    VALIDATOR.get_or_init(|| SchemaValidator::new().expect("the built-in schemas compile"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let loaded = load::load(rest, &Limits::default());
    let Some(root) = loaded.root else { return };
    let levels = Levels::default();
    let mut out = Emitter::new("incidents/x.yaml", Some(&root as &dyn candor::diag::Locate), &levels);
    let kind = if selector % 2 == 0 { DocumentKind::Incident } else { DocumentKind::Config };
    validator().check(kind, &root.to_json(), &mut out);
    let lines = load::lines(&String::from_utf8_lossy(rest)).count() as u32;
    for finding in out.into_findings() {
        assert!(finding.path.is_empty() || finding.path.starts_with('/'), "{finding:?}");
        let line = finding.line.expect("a finding on a parsed file has a line");
        assert!(line >= 1 && line <= lines, "{finding:?} outside {lines} lines");
        assert!(finding.column.is_some_and(|c| c >= 1));
        assert!(!finding.message.is_empty() && !finding.help.is_empty());
    }
});
