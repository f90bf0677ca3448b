//! The site model's interval arithmetic on arbitrary outages: unions are sorted and disjoint
//! and never longer than the parts, a year's outage minutes never exceed the minutes elapsed,
//! and availability always lies between 0 and 1.
#![no_main]

use candor::site::intervals::{Interval, IntervalSet, YearWindow};
use candor::site::Availability;
use chrono::{Duration, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).single().expect("a valid date");
    let Some((&now_byte, rest)) = data.split_first() else { return };
    // "Now" anywhere from mid-2024 to 2027, so the current year varies.
    let now = base + Duration::days(i64::from(now_byte) * 4);
    let weight = f64::from(rest.first().copied().unwrap_or(0)) / 255.0;
    let (mut full, mut partial) = (Vec::new(), Vec::new());
    for chunk in rest.chunks_exact(5) {
        let start = base + Duration::minutes(i64::from(u16::from_le_bytes([chunk[0], chunk[1]])) * 17);
        let length = Duration::minutes(i64::from(u16::from_le_bytes([chunk[2], chunk[3]])) * 3);
        let Some(interval) = Interval::new(start, (start + length).min(now.max(start))) else { continue };
        if chunk[4] % 2 == 0 { full.push(interval) } else { partial.push(interval) }
    }
    let parts_minutes: f64 = full.iter().chain(&partial).map(Interval::minutes).sum();
    let full = IntervalSet::union_of(full);
    let partial = IntervalSet::union_of(partial);
    for set in [&full, &partial] {
        for pair in set.intervals().windows(2) {
            assert!(pair[0].end < pair[1].start, "sorted, disjoint and not touching: {pair:?}");
        }
    }
    let everything = full.union(&partial);
    let union_minutes: f64 = everything.intervals().iter().map(Interval::minutes).sum();
    assert!(union_minutes <= parts_minutes + 1e-6, "a union is never longer than its parts");
    let degraded = partial.minus(&full);
    for interval in degraded.intervals() {
        assert!(full.intervals().iter().all(|f| f.clip(*interval).is_none()), "partial minus full overlaps full");
    }
    for year in 2023..=2028 {
        let Some(window) = YearWindow::of(year, chrono_tz::Europe::Copenhagen, now) else { continue };
        let elapsed = window.elapsed_minutes();
        let availability = Availability::of(&full, &degraded, &window, weight);
        assert!((0.0..=1.0).contains(&availability.ratio), "{availability:?}");
        assert!(availability.full_minutes + availability.partial_minutes <= elapsed + 1e-6, "{availability:?} in {elapsed}");
        assert!(everything.minutes_within(window.window) <= elapsed + 1e-6);
    }
});
