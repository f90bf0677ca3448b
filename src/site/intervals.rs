//! Time intervals and calendar years: the arithmetic behind outage minutes and availability.
//!
//! Outages reported twice, or by two reports whose windows overlap, must count once: every
//! figure is a measure of a union of intervals, never a sum. Calendar years are counted in
//! the site's time zone, and the current year only up to "now".

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// A half-open interval of time, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    /// The first instant in it.
    pub start: DateTime<Utc>,
    /// The first instant after it.
    pub end: DateTime<Utc>,
}

impl Interval {
    /// The interval from `start` to `end`, or `None` when it would be empty.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Interval> {
        (start < end).then_some(Interval { start, end })
    }

    /// Its length in minutes.
    pub fn minutes(&self) -> f64 {
        (self.end - self.start).num_milliseconds() as f64 / 60_000.0
    }

    /// The part of it inside `window`.
    pub fn clip(&self, window: Interval) -> Option<Interval> {
        Interval::new(self.start.max(window.start), self.end.min(window.end))
    }
}

/// A set of instants, kept as sorted, disjoint, non-touching intervals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntervalSet {
    intervals: Vec<Interval>,
}

impl IntervalSet {
    /// The union of `intervals`.
    pub fn union_of(intervals: impl IntoIterator<Item = Interval>) -> IntervalSet {
        let mut sorted: Vec<Interval> = intervals.into_iter().collect();
        sorted.sort();
        let mut merged: Vec<Interval> = Vec::with_capacity(sorted.len());
        for interval in sorted {
            match merged.last_mut() {
                Some(last) if interval.start <= last.end => last.end = last.end.max(interval.end),
                _ => merged.push(interval),
            }
        }
        IntervalSet { intervals: merged }
    }

    /// The disjoint intervals, in order.
    pub fn intervals(&self) -> &[Interval] {
        &self.intervals
    }

    /// The union of this set and `other`.
    pub fn union(&self, other: &IntervalSet) -> IntervalSet {
        IntervalSet::union_of(self.intervals.iter().chain(&other.intervals).copied())
    }

    /// The instants of this set that are not in `other`. Both sets are sorted and disjoint,
    /// so one pass over each suffices: a cut that ends before an interval starts ends before
    /// every later interval starts too.
    pub fn minus(&self, other: &IntervalSet) -> IntervalSet {
        let mut out = Vec::new();
        let cuts = &other.intervals;
        let mut first_cut = 0;
        for interval in &self.intervals {
            while cuts
                .get(first_cut)
                .is_some_and(|cut| cut.end <= interval.start)
            {
                first_cut += 1;
            }
            let mut cursor = interval.start;
            for cut in &cuts[first_cut..] {
                if cut.start >= interval.end {
                    break;
                }
                if let Some(piece) = Interval::new(cursor, cut.start) {
                    out.push(piece);
                }
                cursor = cursor.max(cut.end);
            }
            if let Some(piece) = Interval::new(cursor, interval.end) {
                out.push(piece);
            }
        }
        IntervalSet { intervals: out }
    }

    /// Minutes of this set inside `window`. Only the intervals that reach into it are
    /// visited: being sorted and disjoint, their ends are sorted too.
    pub fn minutes_within(&self, window: Interval) -> f64 {
        let first = self
            .intervals
            .partition_point(|interval| interval.end <= window.start);
        self.intervals[first..]
            .iter()
            .take_while(|interval| interval.start < window.end)
            .filter_map(|i| i.clip(window))
            .map(|i| i.minutes())
            .fold(0.0, |total, minutes| total + minutes)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }
}

/// A calendar year in the site's time zone, cut off at "now" for the current year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YearWindow {
    /// The year.
    pub year: i32,
    /// From the year's first instant to the next year's first instant, or to now.
    pub window: Interval,
    /// Whether the year is not over yet, so figures are "to date".
    pub to_date: bool,
}

impl YearWindow {
    /// The window of `year` in `time_zone`, as of `now`; `None` for a year that has not begun.
    pub fn of(year: i32, time_zone: Tz, now: DateTime<Utc>) -> Option<YearWindow> {
        let start = start_of_year(year, time_zone)?;
        let next = start_of_year(year + 1, time_zone)?;
        let to_date = now < next;
        let window = Interval::new(start, next.min(now))?;
        Some(YearWindow {
            year,
            window,
            to_date,
        })
    }

    /// Minutes elapsed in the year (to now for the current year).
    pub fn elapsed_minutes(&self) -> f64 {
        self.window.minutes()
    }
}

/// The first instant of `year` in `time_zone`.
pub(crate) fn start_of_year(year: i32, time_zone: Tz) -> Option<DateTime<Utc>> {
    start_of_day(NaiveDate::from_ymd_opt(year, 1, 1)?, time_zone)
}

/// The first instant of `day` in `time_zone` (midnight, or the first instant after a gap).
pub(crate) fn start_of_day(day: NaiveDate, time_zone: Tz) -> Option<DateTime<Utc>> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    time_zone
        .from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            // A time zone that skips midnight: the day starts an hour later.
            time_zone
                .from_local_datetime(&day.and_hms_opt(1, 0, 0)?)
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// The window of calendar day `day` in `time_zone` (23, 24 or 25 hours long).
pub(crate) fn day_window(day: NaiveDate, time_zone: Tz) -> Option<Interval> {
    Interval::new(
        start_of_day(day, time_zone)?,
        start_of_day(day.succ_opt()?, time_zone)?,
    )
}

/// The calendar year of `instant` in `time_zone`.
pub(crate) fn year_of(instant: DateTime<Utc>, time_zone: Tz) -> i32 {
    instant.with_timezone(&time_zone).year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn interval(start: &str, end: &str) -> Interval {
        Interval::new(at(start), at(end)).unwrap()
    }

    #[test]
    fn a_four_hour_outage_reported_twice_counts_once() {
        let outage = interval("2026-03-02T09:30:00+01:00", "2026-03-02T13:30:00+01:00");
        let set = IntervalSet::union_of([outage, outage]);
        assert_eq!(set.intervals().len(), 1);
        let year = YearWindow::of(2026, chrono_tz::UTC, at("2027-01-01T00:00:00Z")).unwrap();
        assert_eq!(set.minutes_within(year.window), 240.0);
    }

    #[test]
    fn overlapping_and_touching_intervals_merge() {
        let set = IntervalSet::union_of([
            interval("2026-01-01T10:00:00Z", "2026-01-01T12:00:00Z"),
            interval("2026-01-01T11:00:00Z", "2026-01-01T13:00:00Z"),
            interval("2026-01-01T13:00:00Z", "2026-01-01T14:00:00Z"),
            interval("2026-01-01T16:00:00Z", "2026-01-01T17:00:00Z"),
        ]);
        assert_eq!(
            set.intervals(),
            [
                interval("2026-01-01T10:00:00Z", "2026-01-01T14:00:00Z"),
                interval("2026-01-01T16:00:00Z", "2026-01-01T17:00:00Z"),
            ]
        );
    }

    #[test]
    fn partial_minus_full_leaves_only_the_degraded_time() {
        let partial =
            IntervalSet::union_of([interval("2026-01-01T10:00:00Z", "2026-01-01T16:00:00Z")]);
        let full = IntervalSet::union_of([
            interval("2026-01-01T09:00:00Z", "2026-01-01T11:00:00Z"),
            interval("2026-01-01T12:00:00Z", "2026-01-01T13:00:00Z"),
        ]);
        let degraded = partial.minus(&full);
        assert_eq!(
            degraded.intervals(),
            [
                interval("2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"),
                interval("2026-01-01T13:00:00Z", "2026-01-01T16:00:00Z"),
            ]
        );
    }

    /// The instants of `set` as minute numbers, for comparing sets by their definition.
    fn minutes_of(set: &IntervalSet, origin: DateTime<Utc>) -> std::collections::BTreeSet<i64> {
        set.intervals()
            .iter()
            .flat_map(|i| (i.start - origin).num_minutes()..(i.end - origin).num_minutes())
            .collect()
    }

    #[test]
    fn difference_and_minutes_in_a_window_hold_to_their_definitions() {
        let origin = at("2026-01-01T00:00:00Z");
        // Deterministic pseudo-random sets of whole-minute intervals, many overlapping.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |below: i64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % below as u64) as i64
        };
        let minute = |n: i64| origin + chrono::TimeDelta::minutes(n);
        for _ in 0..200 {
            let set = |count: i64, next: &mut dyn FnMut(i64) -> i64| {
                IntervalSet::union_of((0..count).filter_map(|_| {
                    let start = next(600);
                    Interval::new(minute(start), minute(start + 1 + next(40)))
                }))
            };
            let count_a = 1 + next(30);
            let a = set(count_a, &mut next);
            let count_b = next(30);
            let b = set(count_b, &mut next);
            let expected: std::collections::BTreeSet<i64> = minutes_of(&a, origin)
                .difference(&minutes_of(&b, origin))
                .copied()
                .collect();
            let difference = a.minus(&b);
            assert_eq!(minutes_of(&difference, origin), expected);
            // Still sorted, disjoint and non-touching.
            assert!(
                difference
                    .intervals()
                    .windows(2)
                    .all(|pair| pair[0].end < pair[1].start)
            );
            let start = next(640);
            let window = Interval::new(minute(start), minute(start + 1 + next(200))).unwrap();
            let inside = minutes_of(&a, origin)
                .into_iter()
                .filter(|m| minute(*m) >= window.start && minute(*m) < window.end)
                .count();
            assert_eq!(a.minutes_within(window), inside as f64);
        }
    }

    #[test]
    fn years_begin_at_local_midnight_and_the_current_one_ends_now() {
        let copenhagen = chrono_tz::Europe::Copenhagen;
        assert_eq!(
            start_of_year(2026, copenhagen),
            Some(at("2025-12-31T23:00:00Z"))
        );
        // An outage on New Year's Eve at 23:30 local time belongs to the next year.
        assert_eq!(year_of(at("2025-12-31T23:30:00Z"), copenhagen), 2026);
        let now = at("2026-02-28T23:00:00Z");
        let current = YearWindow::of(2026, copenhagen, now).unwrap();
        assert!(current.to_date);
        assert_eq!(current.elapsed_minutes(), 59.0 * 1440.0);
        let past = YearWindow::of(2025, copenhagen, now).unwrap();
        assert!(!past.to_date);
        assert_eq!(past.elapsed_minutes(), 365.0 * 1440.0);
        assert!(YearWindow::of(2027, copenhagen, now).is_none());
    }

    #[test]
    fn an_outage_across_new_year_is_split_between_the_years() {
        let set = IntervalSet::union_of([interval("2025-12-31T22:00:00Z", "2026-01-01T01:00:00Z")]);
        let now = at("2026-06-01T00:00:00Z");
        let tz = chrono_tz::Europe::Copenhagen;
        let y2025 = YearWindow::of(2025, tz, now).unwrap();
        let y2026 = YearWindow::of(2026, tz, now).unwrap();
        assert_eq!(set.minutes_within(y2025.window), 60.0);
        assert_eq!(set.minutes_within(y2026.window), 120.0);
    }
}
