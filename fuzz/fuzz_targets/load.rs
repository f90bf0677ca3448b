//! The loader on arbitrary bytes: never a panic or a hang, and every position it reports
//! lies inside the file.
#![no_main]

use candor::config::Limits;
use candor::load::{self, LoadProblem, Node, NodeValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = load::load(data, &Limits::default());
    // YAML ends a line at LF, CR or CR LF.
    let lines = load::lines(&String::from_utf8_lossy(data)).count() as u32;
    for problem in &loaded.problems {
        if let LoadProblem::Syntax { position, .. } = problem {
            assert!(position.line >= 1 && position.line <= lines, "{position:?} outside {lines} lines");
            assert!(position.column >= 1);
        }
    }
    if let Some(root) = &loaded.root {
        let _ = root.to_json();
        walk(root, "", lines);
    }
});

/// Every node's position lies in the file, and looking it up by pointer finds it again.
fn walk(node: &Node, pointer: &str, lines: u32) {
    assert!(node.position.line >= 1 && node.position.line <= lines);
    let _ = node.position_of(pointer);
    match &node.value {
        NodeValue::Sequence(items) => {
            for (index, item) in items.iter().enumerate().take(50) {
                walk(item, &format!("{pointer}/{index}"), lines);
            }
        }
        NodeValue::Mapping(entries) => {
            for entry in entries.iter().take(50) {
                let escaped = entry.key.replace('~', "~0").replace('/', "~1");
                walk(&entry.value, &format!("{pointer}/{escaped}"), lines);
            }
        }
        _ => {}
    }
}
