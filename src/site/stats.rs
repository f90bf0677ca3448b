//! Small statistics over lists of figures: the median and the worst case.

use serde::Serialize;

/// The middle and the worst of a list of values (e.g. days to a final report).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Spread {
    /// How many values there are.
    pub count: usize,
    /// The median (the mean of the two middle values for an even count).
    pub median: Option<f64>,
    /// The largest value.
    pub worst: Option<f64>,
}

impl Spread {
    /// The spread of `values`.
    pub fn of(mut values: Vec<f64>) -> Spread {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = match n {
            0 => None,
            n if n % 2 == 1 => Some(values[n / 2]),
            n => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
        };
        Spread {
            count: n,
            median,
            worst: values.last().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_worst() {
        assert_eq!(Spread::of(vec![]), Spread::default());
        let odd = Spread::of(vec![9.0, 1.0, 4.0]);
        assert_eq!(
            (odd.count, odd.median, odd.worst),
            (3, Some(4.0), Some(9.0))
        );
        let even = Spread::of(vec![2.0, 1.0, 10.0, 3.0]);
        assert_eq!((even.median, even.worst), (Some(2.5), Some(10.0)));
    }
}
