//! The loader's fast scanner for block-style reports against the general parser: whatever
//! the scanner reads, it reads exactly as the parser does (the same values, keys and
//! positions), and the parser finds nothing wrong with it.
#![no_main]

use candor::config::Limits;
use candor::load;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    if let Some(fast) = load::scan_block_style(data, &limits) {
        let general = load::load_with_parser(data, &limits);
        assert!(general.problems.is_empty(), "the parser refuses what the scanner read: {:?}", general.problems);
        assert_eq!(general.root.as_ref(), Some(&fast), "the scanner and the parser read different trees");
    }
});
