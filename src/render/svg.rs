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
    /// Short label (the time of day, with the day when the drawing spans several days).
    pub label: String,
    /// What happened, for the narrow drawing's row ("Detected").
    pub what: String,
    /// Full description for the mark's tooltip.
    pub title: String,
}

/// A tick on the time axis.
pub(crate) struct Tick {
    /// Minutes after the start of the drawing.
    pub minute: f64,
    /// Its label ("14 Sep" or "10:00").
    pub label: String,
}

/// The labels of the drawing's legend, in the page's language.
pub(crate) struct Legend<'a> {
    /// The outage bar.
    pub outage: &'a str,
    /// A public statement mark.
    pub statement: &'a str,
    /// Another event's mark.
    pub event: &'a str,
    /// The time the public was told less than the truth.
    pub misinformed: &'a str,
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
    /// When the public was told less than the truth, as (from, to) minutes.
    pub misinformed: Option<(f64, f64)>,
    /// Ticks on the axis (days, or hours within a day).
    pub ticks: Vec<Tick>,
    /// The legend's labels.
    pub legend: Legend<'a>,
    /// The events.
    pub marks: Vec<TimelineMark>,
}

const WIDTH: f64 = 720.0;
const MARGIN: f64 = 24.0;
/// The narrow drawing's width: on a phone it is shown about this wide, so its text keeps
/// its size.
const NARROW_WIDTH: f64 = 340.0;

/// The timeline drawing, twice: across the page for wide screens, and down the page for narrow
/// ones (where a wide drawing would shrink its labels below reading size). The stylesheet
/// shows one of them.
pub(crate) fn timeline(t: &Timeline<'_>) -> String {
    let mut svg = timeline_across(t);
    svg.push_str(&timeline_down(t));
    svg
}

/// The legend's entries: (CSS class, label).
fn legend_items<'t>(t: &Timeline<'t>) -> Vec<(&'static str, &'t str)> {
    let mut items = vec![
        (
            if t.outage == "full" {
                "outage outage-full"
            } else {
                "outage outage-partial"
            },
            t.legend.outage,
        ),
        ("legend-statement", t.legend.statement),
        ("legend-event", t.legend.event),
    ];
    if t.misinformed.is_some() {
        items.push(("misinformed", t.legend.misinformed));
    }
    items
}

/// Where each legend entry goes, as (class, label, x, row), wrapping at `width`.
fn legend_layout<'t>(t: &Timeline<'t>, width: f64) -> Vec<(&'static str, &'t str, f64, f64)> {
    let (mut x, mut row) = (0.0, 0.0);
    let mut placed = Vec::new();
    for (class, label) in legend_items(t) {
        let item_width = 26.0 + label.chars().count() as f64 * 7.2 + 18.0;
        if x > 0.0 && x + item_width > width {
            x = 0.0;
            row += 1.0;
        }
        placed.push((class, label, x, row));
        x += item_width;
    }
    placed
}

/// A coordinate written as `{:.1}` writes an `f64` (the exact binary value rounded to one
/// decimal, ties to even), only faster: the standard formatting falls back to big-number
/// arithmetic for many values, and timelines write dozens of coordinates per page. A value
/// more than a millionth away from a tie rounds the same whether scaled exactly or in
/// floating point, so it is rounded with integers; anything else takes the standard path.
struct Tenths(f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scaled = self.0 * 10.0;
        let from_tie = (scaled - scaled.floor() - 0.5).abs();
        if f.precision() == Some(1) && self.0.is_sign_positive() && scaled < 1e9 && from_tie > 1e-6
        {
            let tenths = scaled.round() as u64;
            write!(f, "{}.{}", tenths / 10, tenths % 10)
        } else {
            std::fmt::Display::fmt(&self.0, f)
        }
    }
}

/// Rows the legend needs at `width`.
fn legend_rows(t: &Timeline<'_>, width: f64) -> f64 {
    legend_layout(t, width)
        .last()
        .map(|(_, _, _, row)| row + 1.0)
        .unwrap_or(0.0)
}

fn legend(svg: &mut String, t: &Timeline<'_>, y: f64, width: f64) {
    for (class, label, x, row) in legend_layout(t, width) {
        let cy = y + row * 20.0;
        if class.starts_with("legend-") {
            let _ = write!(
                svg,
                r#"<circle class="{class}" cx="{:.1}" cy="{:.1}" r="5"/>"#,
                Tenths(x + 8.0),
                Tenths(cy - 4.0)
            );
        } else {
            let _ = write!(
                svg,
                r#"<rect class="{class}" x="{x:.1}" y="{:.1}" width="16" height="10" rx="2"/>"#,
                Tenths(cy - 9.0),
                x = Tenths(x),
            );
        }
        let _ = write!(
            svg,
            r#"<text class="legend-label" x="{:.1}" y="{cy:.1}">{}</text>"#,
            Tenths(x + 22.0),
            escape(label),
            cy = Tenths(cy),
        );
    }
}

fn open_svg(svg: &mut String, class: &str, id: &str, t: &Timeline<'_>, width: f64, height: f64) {
    let _ = write!(
        svg,
        r#"<svg class="{class}" viewBox="0 0 {width} {height:.0}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        id = escape(id),
        title = escape(t.title),
        desc = escape(t.description)
    );
}

/// Across the page: time runs left to right, labels in up to three lanes below the bar.
fn timeline_across(t: &Timeline<'_>) -> String {
    let span = t.total_minutes.max(1.0);
    let x = |minute: f64| MARGIN + (minute.clamp(0.0, span) / span) * (WIDTH - 2.0 * MARGIN);
    let legend_height = legend_rows(t, WIDTH) * 20.0;
    let top = legend_height + 18.0;
    let bar_y = top + 22.0;
    let height = bar_y + 44.0 + 3.0 * 18.0;
    let mut svg = String::new();
    open_svg(
        &mut svg,
        "timeline-svg timeline-across",
        t.id,
        t,
        WIDTH,
        height,
    );
    legend(&mut svg, t, 14.0, WIDTH);
    if let Some((from, to)) = t.misinformed {
        let _ = write!(
            svg,
            r#"<rect class="misinformed" x="{:.1}" y="{:.1}" width="{:.1}" height="36"/>"#,
            Tenths(x(from)),
            Tenths(bar_y - 8.0),
            Tenths((x(to) - x(from)).max(2.0))
        );
    }
    // Ticks with their labels above the bar.
    let mut last_label_end = f64::MIN;
    for tick in &t.ticks {
        let tx = x(tick.minute);
        let _ = write!(
            svg,
            r#"<line class="tick" x1="{tx:.1}" y1="{:.1}" x2="{tx:.1}" y2="{:.1}"/>"#,
            Tenths(top + 4.0),
            Tenths(bar_y + 28.0),
            tx = Tenths(tx),
        );
        let width = tick.label.chars().count() as f64 * 7.0;
        if tx - width / 2.0 > last_label_end + 6.0 && tx + width / 2.0 < WIDTH {
            last_label_end = tx + width / 2.0;
            let _ = write!(
                svg,
                r#"<text class="tick-label" x="{tx:.1}" y="{top:.1}" text-anchor="middle">{}</text>"#,
                escape(&tick.label),
                tx = Tenths(tx),
                top = Tenths(top),
            );
        }
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{MARGIN:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
        Tenths(bar_y + 10.0),
        Tenths(WIDTH - MARGIN),
        Tenths(bar_y + 10.0)
    );
    let (start, end) = (x(t.incident_start), x(t.incident_end));
    let _ = write!(
        svg,
        r#"<rect class="outage outage-{}" x="{start:.1}" y="{bar_y:.1}" width="{:.1}" height="20" rx="3"/>"#,
        escape(t.outage),
        Tenths((end - start).max(2.0)),
        start = Tenths(start),
        bar_y = Tenths(bar_y),
    );
    if t.ongoing {
        let _ = write!(
            svg,
            r#"<path class="outage outage-{}" d="M{end:.1} {bar_y:.1} l10 10 l-10 10 z"/>"#,
            escape(t.outage),
            end = Tenths(end),
            bar_y = Tenths(bar_y),
        );
    }
    // Each label goes in the first lane where it does not overlap the previous label; a mark
    // with no free lane is drawn without a label (the list next to the drawing has them all).
    let mut lane_ends = [f64::MIN; 3];
    for mark in &t.marks {
        let mx = x(mark.minute);
        let label_width = mark.label.chars().count() as f64 * 7.4 + 8.0;
        let lane = lane_ends
            .iter()
            .position(|end| mx - label_width / 2.0 > *end);
        let _ = write!(
            svg,
            r#"<g class="mark mark-{kind}"><title>{title}</title><circle cx="{mx:.1}" cy="{cy:.1}" r="5"/>"#,
            kind = escape(&mark.kind),
            title = escape(&mark.title),
            mx = Tenths(mx),
            cy = Tenths(bar_y + 10.0),
        );
        if let Some(lane) = lane {
            lane_ends[lane] = mx + label_width / 2.0;
            let label_y = bar_y + 44.0 + lane as f64 * 18.0;
            let _ = write!(
                svg,
                r#"<line x1="{mx:.1}" y1="{top:.1}" x2="{mx:.1}" y2="{bottom:.1}"/><text x="{mx:.1}" y="{label_y:.1}" text-anchor="{anchor}">{label}</text>"#,
                mx = Tenths(mx),
                label_y = Tenths(label_y),
                top = Tenths(bar_y + 16.0),
                bottom = Tenths(label_y - 12.0),
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
    svg.push_str("</svg>");
    svg
}

/// Down the page: time runs top to bottom along the bar on the left; every event has a row
/// of its own to the right, so nothing overlaps and the text stays readable on a phone.
fn timeline_down(t: &Timeline<'_>) -> String {
    let row = 26.0;
    let legend_height = legend_rows(t, NARROW_WIDTH) * 20.0;
    let top = legend_height + 16.0;
    let rows = t.marks.len().max(1) as f64;
    let length = rows * row;
    let height = top + length + 16.0;
    let span = t.total_minutes.max(1.0);
    // The bar shows time to scale; each row's label is joined to its moment on the bar.
    let y = |minute: f64| top + (minute.clamp(0.0, span) / span) * length;
    let bar_x = 16.0;
    let mut svg = String::new();
    open_svg(
        &mut svg,
        "timeline-svg timeline-down",
        &format!("{}-down", t.id),
        t,
        NARROW_WIDTH,
        height,
    );
    legend(&mut svg, t, 14.0, NARROW_WIDTH);
    if let Some((from, to)) = t.misinformed {
        let _ = write!(
            svg,
            r#"<rect class="misinformed" x="{:.1}" y="{:.1}" width="26" height="{:.1}"/>"#,
            Tenths(bar_x - 8.0),
            Tenths(y(from)),
            Tenths((y(to) - y(from)).max(2.0))
        );
    }
    let (start, end) = (y(t.incident_start), y(t.incident_end));
    let _ = write!(
        svg,
        r#"<rect class="outage outage-{}" x="{bar_x:.1}" y="{start:.1}" width="10" height="{:.1}" rx="3"/>"#,
        escape(t.outage),
        Tenths((end - start).max(2.0)),
        bar_x = Tenths(bar_x),
        start = Tenths(start),
    );
    for (index, mark) in t.marks.iter().enumerate() {
        let my = y(mark.minute);
        let row_y = top + (index as f64 + 0.5) * row;
        let _ = write!(
            svg,
            r#"<g class="mark mark-{kind}"><title>{title}</title><line x1="{:.1}" y1="{my:.1}" x2="44" y2="{row_y:.1}"/><circle cx="{:.1}" cy="{my:.1}" r="5"/><text x="50" y="{:.1}">{label} · {what}</text></g>"#,
            Tenths(bar_x + 5.0),
            Tenths(bar_x + 5.0),
            Tenths(row_y + 5.0),
            my = Tenths(my),
            row_y = Tenths(row_y),
            kind = escape(&mark.kind),
            title = escape(&mark.title),
            label = escape(&mark.label),
            what = escape(&mark.what),
        );
    }
    svg.push_str("</svg>");
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
/// target drawn as a line. Drawn twice, like the timeline: for wide screens and, with text at
/// reading size, for phones.
pub(crate) fn availability(
    id: &str,
    title: &str,
    description: &str,
    bars: &[YearBar],
    target: Option<f64>,
    target_label: &str,
    tick_label: &dyn Fn(f64) -> String,
) -> String {
    let chart = AvailabilityChart {
        title,
        description,
        bars,
        target,
        target_label,
        tick_label,
    };
    let mut svg = String::new();
    for (variant, width) in [
        ("availability-wide", WIDTH),
        ("availability-narrow", NARROW_WIDTH),
    ] {
        chart.draw(&mut svg, &format!("{id}-{variant}"), variant, width);
    }
    svg
}

struct AvailabilityChart<'a> {
    title: &'a str,
    description: &'a str,
    bars: &'a [YearBar],
    target: Option<f64>,
    target_label: &'a str,
    tick_label: &'a dyn Fn(f64) -> String,
}

/// Roughly how wide a text is at the charts' font size.
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * 7.2
}

impl AvailabilityChart<'_> {
    fn draw(&self, svg: &mut String, id: &str, variant: &str, width: f64) {
        let floor = self
            .bars
            .iter()
            .map(|b| b.availability)
            .chain(self.target)
            .fold(100.0_f64, f64::min)
            .min(99.0)
            .floor()
            - 0.5;
        let floor = floor.max(0.0);
        let row = 30.0;
        let label_width = self
            .bars
            .iter()
            .map(|b| text_width(&b.label) + 8.0)
            .fold(48.0_f64, f64::max);
        let value_width = self
            .bars
            .iter()
            .map(|b| text_width(&b.value_label) + 10.0)
            .fold(40.0_f64, f64::max);
        let plot = (width - label_width - value_width).max(40.0);
        let bars_bottom = 24.0 + self.bars.len() as f64 * row;
        let height = bars_bottom + 20.0;
        let scale =
            |value: f64| label_width + ((value - floor) / (100.0 - floor)).clamp(0.0, 1.0) * plot;
        let _ = write!(
            svg,
            r#"<svg class="availability-svg {variant}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
            id = escape(id),
            title = escape(self.title),
            desc = escape(self.description)
        );
        // The percentage axis: a grid line and a label at each tick, so a bar's length can be
        // read. A narrow chart labels every other tick, so labels never touch.
        let ticks = ticks(floor, 100.0);
        let room = plot / ticks.len().max(1) as f64;
        let every = if ticks
            .iter()
            .any(|t| text_width(&(self.tick_label)(*t)) + 8.0 > room)
        {
            2
        } else {
            1
        };
        for (index, tick) in ticks.iter().enumerate() {
            let x = scale(*tick);
            let _ = write!(
                svg,
                r#"<line class="tick" x1="{x:.1}" y1="16" x2="{x:.1}" y2="{bars_bottom:.1}"/>"#
            );
            if (ticks.len() - 1 - index).is_multiple_of(every) {
                let _ = write!(
                    svg,
                    r#"<text class="tick-label" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    bars_bottom + 14.0,
                    escape(&(self.tick_label)(*tick))
                );
            }
        }
        for (index, bar) in self.bars.iter().enumerate() {
            let y = 20.0 + index as f64 * row;
            let end = scale(bar.availability);
            let below = self.target.is_some_and(|target| bar.availability < target);
            let _ = write!(
                svg,
                r#"<text class="bar-label" x="0" y="{:.1}">{}</text><rect class="bar{}" x="{label_width:.1}" y="{y:.1}" width="{:.1}" height="18" rx="2"/><text class="bar-value" x="{:.1}" y="{:.1}">{}</text>"#,
                y + 14.0,
                escape(&bar.label),
                if below { " bar-below" } else { "" },
                (end - label_width).max(1.0),
                end + 6.0,
                y + 14.0,
                escape(&bar.value_label)
            );
        }
        if let Some(target) = self.target {
            let tx = scale(target);
            // Keep the label inside the drawing: anchored at its end near the right edge.
            let anchor = if tx + text_width(self.target_label) / 2.0 > width {
                "end"
            } else {
                "middle"
            };
            let _ = write!(
                svg,
                r#"<line class="target" x1="{tx:.1}" y1="12" x2="{tx:.1}" y2="{bars_bottom:.1}"/><text class="target-label" x="{tx:.1}" y="10" text-anchor="{anchor}">{}</text>"#,
                escape(self.target_label)
            );
        }
        svg.push_str("</svg>");
    }
}

/// One year in a trend chart.
pub(crate) struct TrendBar {
    /// The year, as the label.
    pub label: String,
    /// The value (bars are scaled to the largest).
    pub value: f64,
    /// The formatted value, shown above the bar.
    pub value_label: String,
}

/// A small chart of one figure over the years: a column per year, oldest on the left, each
/// labelled with its value, so the chart reads without a scale.
pub(crate) fn trend(id: &str, title: &str, description: &str, bars: &[TrendBar]) -> String {
    let width = 340.0;
    let height = 180.0;
    let top = 40.0;
    let bottom = height - 24.0;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let slot = width / bars.len().max(1) as f64;
    let bar_width = (slot * 0.6).min(48.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="trend-svg" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc><text class="trend-title" x="0" y="16">{title}</text><line class="axis" x1="0" y1="{bottom}" x2="{width}" y2="{bottom}"/>"#,
        id = escape(id),
        title = escape(title),
        desc = escape(description)
    );
    for (index, bar) in bars.iter().enumerate() {
        let centre = slot * index as f64 + slot / 2.0;
        let bar_height = if max > 0.0 {
            (bar.value / max * (bottom - top)).max(if bar.value > 0.0 { 1.0 } else { 0.0 })
        } else {
            0.0
        };
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{bar_width:.1}" height="{bar_height:.1}"/><text class="bar-value" x="{centre:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="bar-label" x="{centre:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            centre - bar_width / 2.0,
            bottom - bar_height,
            bottom - bar_height - 4.0,
            escape(&bar.value_label),
            bottom + 16.0,
            escape(&bar.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// How a day of a service's year went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DayState {
    /// No outage.
    Up,
    /// Degraded for part of the day, never completely out.
    Partial,
    /// Completely out for part of the day.
    Full,
    /// Not yet elapsed.
    Future,
}

impl DayState {
    fn class(self) -> &'static str {
        match self {
            DayState::Up => "day-up",
            DayState::Partial => "day-partial",
            DayState::Full => "day-full",
            DayState::Future => "day-future",
        }
    }
}

/// One year of a service, a cell per day, as public status pages show it.
pub(crate) struct DayStrip<'a> {
    /// Unique id for `aria-labelledby`.
    pub id: &'a str,
    /// The drawing's accessible name.
    pub title: &'a str,
    /// The drawing's description (how many days of each kind).
    pub description: &'a str,
    /// Each month's short name, January first.
    pub months: [String; 12],
    /// Each month's days in order: the state and, for a day with an outage, its tooltip.
    pub days: [Vec<(DayState, Option<String>)>; 12],
    /// The legend: (state, label), in order.
    pub legend: Vec<(DayState, &'a str)>,
}

/// The day strip, twice like the timeline: wide cells for wide screens, small ones with text at
/// reading size for phones. A month per row, a day per column.
pub(crate) fn day_strip(strip: &DayStrip<'_>) -> String {
    let mut out = String::new();
    for (variant, width, cell) in [
        ("day-strip-wide", WIDTH, 18.0),
        ("day-strip-narrow", NARROW_WIDTH, 8.0),
    ] {
        day_strip_variant(&mut out, strip, variant, width, cell);
    }
    out
}

fn day_strip_variant(out: &mut String, strip: &DayStrip<'_>, variant: &str, width: f64, cell: f64) {
    let gap = 2.0;
    let label_width = 34.0;
    let row = cell + gap;
    // The legend: one row when it fits, otherwise one entry per row.
    let entry_width = |label: &str| 22.0 + label.chars().count() as f64 * 7.0 + 16.0;
    let legend_total: f64 = strip.legend.iter().map(|(_, l)| entry_width(l)).sum();
    let legend_rows = if legend_total <= width {
        1
    } else {
        strip.legend.len()
    };
    let grid_top = legend_rows as f64 * 20.0 + 8.0;
    let height = grid_top + 12.0 * row.max(14.0);
    let id = format!("{}-{variant}", strip.id);
    let _ = write!(
        out,
        r#"<svg class="day-strip {variant}" viewBox="0 0 {width} {height:.1}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        id = escape(&id),
        title = escape(strip.title),
        desc = escape(strip.description),
    );
    let mut x = 0.0;
    for (index, (state, label)) in strip.legend.iter().enumerate() {
        let y = if legend_rows == 1 {
            0.0
        } else {
            index as f64 * 20.0
        };
        if legend_rows > 1 {
            x = 0.0;
        }
        let _ = write!(
            out,
            r#"<rect class="{}" x="{x:.1}" y="{:.1}" width="14" height="14" rx="2"/><text class="legend-label" x="{:.1}" y="{:.1}">{}</text>"#,
            state.class(),
            y + 2.0,
            x + 20.0,
            y + 13.0,
            escape(label)
        );
        x += entry_width(label);
    }
    let row_height = row.max(14.0);
    for (month, days) in strip.days.iter().enumerate() {
        let y = grid_top + month as f64 * row_height;
        let _ = write!(
            out,
            r#"<text class="month-label" x="0" y="{:.1}">{}</text>"#,
            y + row_height / 2.0 + 4.0,
            escape(&strip.months[month])
        );
        for (day, (state, tooltip)) in days.iter().enumerate() {
            let cx = label_width + day as f64 * (width - label_width) / 31.0;
            let size = ((width - label_width) / 31.0 - gap).min(cell.max(8.0));
            let cy = y + (row_height - size) / 2.0;
            match tooltip {
                Some(tooltip) => {
                    let _ = write!(
                        out,
                        r#"<rect class="{}" x="{cx:.1}" y="{cy:.1}" width="{size:.1}" height="{size:.1}" rx="1"><title>{}</title></rect>"#,
                        state.class(),
                        escape(tooltip)
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        r#"<rect class="{}" x="{cx:.1}" y="{cy:.1}" width="{size:.1}" height="{size:.1}" rx="1"/>"#,
                        state.class()
                    );
                }
            }
        }
    }
    out.push_str("</svg>");
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
    fn tenths_write_what_the_standard_formatting_writes() {
        let mut values = vec![
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            2.675,
            1.0 / 3.0,
            99.95,
            12.25,
            -1.25,
            -0.04,
            1e8 + 0.05,
            1e9,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            640.0,
        ];
        values.extend((0..200_000).map(|i| f64::from(i) * 0.005));
        // A fixed pseudo-random walk over the range timelines use.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            values.push((state >> 11) as f64 / (1u64 << 53) as f64 * 2000.0 - 100.0);
        }
        for value in values {
            assert_eq!(
                format!("{:.1}", Tenths(value)),
                format!("{value:.1}"),
                "{value:e}"
            );
        }
        assert_eq!(format!("{}", Tenths(2.5)), "2.5");
    }

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
            misinformed: Some((20.0, 60.0)),
            ticks: vec![Tick {
                minute: 30.0,
                label: "10:00".into(),
            }],
            legend: Legend {
                outage: "Down",
                statement: "<Statement>",
                event: "Event",
                misinformed: "Told less",
            },
            marks: vec![TimelineMark {
                minute: 50.0,
                kind: "detection".into(),
                label: "10:20".into(),
                what: "Detected & <x>".into(),
                title: "\"quoted\" <b>".into(),
            }],
        });
        assert!(svg.contains("&lt;Statement&gt;"));
        assert!(svg.contains("Detected &amp; &lt;x&gt;"));
        assert_eq!(svg.matches("<svg").count(), 2, "across and down");
        assert!(svg.contains("class=\"misinformed\""));
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
