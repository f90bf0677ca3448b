//! Inline SVG drawings: a report's timeline and a service's yearly availability.
//!
//! Each drawing is a labelled image (`role="img"` with a title and a description) and always
//! sits next to a text equivalent (the timeline list, the availability table), so it adds a
//! picture without hiding information from people who cannot see it. Every text that goes
//! into the SVG is escaped here.

use std::fmt::Write as _;

/// One event on the timeline drawing.
pub(crate) struct TimelineMark {
    /// Minutes after the start of the drawing.
    pub minute: f64,
    /// CSS class for the kind of event (`detection`, `public-statement`, ...).
    pub kind: String,
    /// Short label (the time of day).
    pub label: String,
    /// Full description for the mark's tooltip.
    pub title: String,
}

/// What the timeline drawing shows.
pub(crate) struct Timeline<'a> {
    /// Unique id for `aria-labelledby`.
    pub id: &'a str,
    /// The drawing's accessible name.
    pub title: &'a str,
    /// The drawing's description (what the bar and marks mean).
    pub description: &'a str,
    /// Total minutes from the first to the last moment drawn.
    pub total_minutes: f64,
    /// Minutes from the drawing's start to the incident's start.
    pub incident_start: f64,
    /// Minutes from the drawing's start to the incident's end (or now).
    pub incident_end: f64,
    /// `full` or `partial`, for the bar's colour.
    pub outage: &'a str,
    /// Whether the incident is still ongoing (the bar ends in an arrow).
    pub ongoing: bool,
    /// Labels under the axis: start and end.
    pub start_label: &'a str,
    /// Label at the end of the axis.
    pub end_label: &'a str,
    /// The events.
    pub marks: Vec<TimelineMark>,
}

const WIDTH: f64 = 720.0;
const MARGIN: f64 = 24.0;
/// Room a time label ("09:34") needs on the axis.
const LABEL_WIDTH: f64 = 44.0;

/// The timeline drawing.
pub(crate) fn timeline(t: &Timeline<'_>) -> String {
    let span = t.total_minutes.max(1.0);
    let x = |minute: f64| MARGIN + (minute.clamp(0.0, span) / span) * (WIDTH - 2.0 * MARGIN);
    let height = 70.0 + 3.0 * 18.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="timeline-svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        id = escape(t.id),
        title = escape(t.title),
        desc = escape(t.description)
    );
    let bar_y = 24.0;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
        MARGIN,
        bar_y + 10.0,
        WIDTH - MARGIN,
        bar_y + 10.0
    );
    let (start, end) = (x(t.incident_start), x(t.incident_end));
    let _ = write!(
        svg,
        r#"<rect class="outage outage-{}" x="{:.1}" y="{:.1}" width="{:.1}" height="20" rx="3"/>"#,
        escape(t.outage),
        start,
        bar_y,
        (end - start).max(2.0)
    );
    if t.ongoing {
        let _ = write!(
            svg,
            r#"<path class="outage outage-{}" d="M{:.1} {:.1} l10 10 l-10 10 z"/>"#,
            escape(t.outage),
            end,
            bar_y
        );
    }
    // Each label goes in the first lane where it does not overlap the previous label; a mark
    // with no free lane is drawn without a label (the list next to the drawing has them all).
    let mut lane_ends = [f64::MIN; 3];
    for mark in &t.marks {
        let mx = x(mark.minute);
        let lane = lane_ends
            .iter()
            .position(|end| mx - LABEL_WIDTH / 2.0 > *end);
        let _ = write!(
            svg,
            r#"<g class="mark mark-{kind}"><title>{title}</title><circle cx="{mx:.1}" cy="{cy:.1}" r="5"/>"#,
            kind = escape(&mark.kind),
            title = escape(&mark.title),
            cy = bar_y + 10.0,
        );
        if let Some(lane) = lane {
            lane_ends[lane] = mx + LABEL_WIDTH / 2.0;
            let label_y = bar_y + 44.0 + lane as f64 * 18.0;
            let _ = write!(
                svg,
                r#"<line x1="{mx:.1}" y1="{top:.1}" x2="{mx:.1}" y2="{bottom:.1}"/><text x="{mx:.1}" y="{label_y:.1}" text-anchor="{anchor}">{label}</text>"#,
                top = bar_y + 16.0,
                bottom = label_y - 12.0,
                anchor = if mx < 60.0 {
                    "start"
                } else if mx > WIDTH - 60.0 {
                    "end"
                } else {
                    "middle"
                },
                label = escape(&mark.label),
            );
        }
        svg.push_str("</g>");
    }
    let _ = write!(
        svg,
        r#"<text class="axis-label" x="{MARGIN}" y="14">{}</text><text class="axis-label" x="{:.1}" y="14" text-anchor="end">{}</text></svg>"#,
        escape(t.start_label),
        WIDTH - MARGIN,
        escape(t.end_label)
    );
    svg
}

/// One year in the availability chart.
pub(crate) struct YearBar {
    /// The year, as the label.
    pub label: String,
    /// Availability in percent (full outages only).
    pub availability: f64,
    /// The formatted availability, for the label.
    pub value_label: String,
}

/// The availability chart: one bar per year, on a scale from `floor` to 100 %, with the
/// target drawn as a line.
pub(crate) fn availability(
    id: &str,
    title: &str,
    description: &str,
    bars: &[YearBar],
    target: Option<f64>,
    target_label: &str,
    tick_label: &dyn Fn(f64) -> String,
) -> String {
    let floor = bars
        .iter()
        .map(|b| b.availability)
        .chain(target)
        .fold(100.0_f64, f64::min)
        .min(99.0)
        .floor()
        - 0.5;
    let floor = floor.max(0.0);
    let row = 30.0;
    let label_width = 60.0;
    let plot = WIDTH - label_width - 90.0;
    let bars_bottom = 24.0 + bars.len() as f64 * row;
    let height = bars_bottom + 20.0;
    let scale =
        |value: f64| label_width + ((value - floor) / (100.0 - floor)).clamp(0.0, 1.0) * plot;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="availability-svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        id = escape(id),
        title = escape(title),
        desc = escape(description)
    );
    // The percentage axis: a grid line and a label at each tick, so a bar's length can be read.
    for tick in ticks(floor, 100.0) {
        let x = scale(tick);
        let _ = write!(
            svg,
            r#"<line class="tick" x1="{x:.1}" y1="16" x2="{x:.1}" y2="{bars_bottom:.1}"/><text class="tick-label" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            bars_bottom + 14.0,
            escape(&tick_label(tick))
        );
    }
    for (index, bar) in bars.iter().enumerate() {
        let y = 20.0 + index as f64 * row;
        let end = scale(bar.availability);
        let below = target.is_some_and(|target| bar.availability < target);
        let _ = write!(
            svg,
            r#"<text class="bar-label" x="0" y="{:.1}">{}</text><rect class="bar{}" x="{label_width}" y="{y:.1}" width="{:.1}" height="18" rx="2"/><text class="bar-value" x="{:.1}" y="{:.1}">{}</text>"#,
            y + 14.0,
            escape(&bar.label),
            if below { " bar-below" } else { "" },
            (end - label_width).max(1.0),
            end + 6.0,
            y + 14.0,
            escape(&bar.value_label)
        );
    }
    if let Some(target) = target {
        let tx = scale(target);
        let _ = write!(
            svg,
            r#"<line class="target" x1="{tx:.1}" y1="12" x2="{tx:.1}" y2="{bars_bottom:.1}"/><text class="target-label" x="{tx:.1}" y="10" text-anchor="middle">{}</text>"#,
            escape(target_label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Round tick values from `low` to `high`: at most six, on a step of 1, 2 or 5 times a power
/// of ten.
fn ticks(low: f64, high: f64) -> Vec<f64> {
    let span = high - low;
    if span <= 0.0 || !span.is_finite() {
        return Vec::new();
    }
    let mut step = 10f64.powf((span / 5.0).log10().floor());
    for factor in [1.0, 2.0, 5.0, 10.0] {
        if span / (step * factor) <= 5.0 {
            step *= factor;
            break;
        }
    }
    let mut out = Vec::new();
    let mut value = (low / step).ceil() * step;
    while value <= high + step * 1e-9 && out.len() < 12 {
        out.push((value / step).round() * step);
        value += step;
    }
    out
}

/// Escape text for SVG (XML) content and attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_escapes_text() {
        let svg = timeline(&Timeline {
            id: "t",
            title: "<script>",
            description: "a & b",
            total_minutes: 100.0,
            incident_start: 0.0,
            incident_end: 100.0,
            outage: "full",
            ongoing: false,
            start_label: "09:30",
            end_label: "13:55",
            marks: vec![TimelineMark {
                minute: 50.0,
                kind: "detection".into(),
                label: "10:20".into(),
                title: "\"quoted\" <b>".into(),
            }],
        });
        assert!(svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&quot;quoted&quot; &lt;b&gt;"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn ticks_are_round_and_few() {
        assert_eq!(ticks(98.5, 100.0), vec![98.5, 99.0, 99.5, 100.0]);
        assert_eq!(ticks(0.0, 100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert!(ticks(100.0, 100.0).is_empty());
    }
}
