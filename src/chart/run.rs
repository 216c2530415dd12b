//! A run's overview on one time axis: who is where (a stacked area of the
//! whole town, then the same without civilians, zoomed, since factions and
//! fighters are a few percent of a town), attitudes, and an event strip.
//! The same figure serves Epstein's model with its own layers and events.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{Entry, LEGEND_W, Swatch, Y_LABELS, axes, font, legend, line, stack, top};
use super::style::{GREY, LIGHT, colour};
use super::{Chart, ChartError, DrawResult, Figure, Mark, Table, render};

const WIDTH: u32 = 1100;

/// One layer of a stacked area.
struct Layer {
    label: String,
    values: Vec<f64>,
    colour: RGBColor,
}

/// One row of the event strip: its events as day spans.
struct StripRow {
    label: &'static str,
    colour: RGBColor,
    spans: Vec<(f64, f64)>,
}

struct Overview {
    title: String,
    days: Vec<f64>,
    whole: Vec<Layer>,
    whole_desc: &'static str,
    zoomed: Vec<Layer>,
    lines: Vec<Layer>,
    lines_caption: &'static str,
    lines_desc: &'static str,
    strip: Vec<StripRow>,
    /// The time axis's unit: days, or steps of Epstein's model.
    time: &'static str,
}

/// Event kinds by strip row (the kinds are the `kind` column of events.csv,
/// README.md "What a run writes").
const ROWS: [(&str, RGBColor, &[&str]); 7] = [
    ("crises", RGBColor(86, 180, 233), &[]),
    ("outreach", RGBColor(0, 158, 115), &["outreach_event"]),
    (
        "coercion",
        RGBColor(213, 94, 0),
        &["kidnapping", "assassination", "arrest", "execution", "rule_enforcement", "coerced_confession", "found_killed", "released"],
    ),
    (
        "uprising, battles",
        RGBColor(0, 0, 0),
        &[
            "council_call",
            "group_joins",
            "groups_mediate",
            "battle_day",
            "battle_decided",
            "faction_attack",
            "town_attack",
            "reinforcements",
            "threat_to_storm",
            "arrest_resisted",
        ],
    ),
    ("reconciliation, reprisals", RGBColor(204, 121, 167), &["reconciliation", "reprisal_raid", "reprisal_killed", "misidentified_killed", "looter_detained"]),
    ("prisoners", RGBColor(0, 114, 178), &["prisoner_handed_over", "prisoner_released", "prisoner_escaped", "prison_break"]),
    ("arrivals, rival faction", RGBColor(230, 159, 0), &["arrival", "rival_wakes", "takeover_decided", "base_taken"]),
];

/// The overview of a run of the main model.
/// Factions are named by their `label` where `labels` has one (by faction name).
pub fn overview(title: &str, series: &Table, events: &[Mark], labels: &std::collections::BTreeMap<String, String>) -> Result<Chart, ChartError> {
    let named = |f: &str| labels.get(f).cloned().unwrap_or_else(|| f.to_string());
    let days = series.column("day").ok_or_else(|| ChartError::Empty { chart: "overview".into(), why: "timeseries.csv has no `day` column".into() })?;
    let col = |name: &str| series.column(name).unwrap_or_else(|| vec![0.0; days.len()]);
    let names = |prefix: &str| -> Vec<String> { series.columns.iter().filter_map(|c| c.strip_prefix(prefix)).map(str::to_string).collect() };
    let factions = names("members_local_");
    let mut zoomed = Vec::new();
    let tones = [(RGBColor(213, 94, 0), RGBColor(130, 45, 0)), (RGBColor(230, 159, 0), RGBColor(140, 95, 0)), (RGBColor(204, 121, 167), RGBColor(120, 60, 95))];
    for (k, f) in factions.iter().enumerate() {
        let (local, foreign) = tones[k % tones.len()];
        zoomed.push(Layer { label: format!("{}: local members", named(f)), values: col(&format!("members_local_{f}")), colour: local });
        zoomed.push(Layer { label: format!("{}: foreign members", named(f)), values: col(&format!("members_foreign_{f}")), colour: foreign });
    }
    zoomed.push(Layer { label: "local fighters".into(), values: col("local_fighter"), colour: RGBColor(0, 158, 115) });
    zoomed.push(Layer { label: "ex-members".into(), values: col("ex_member"), colour: RGBColor(240, 228, 66) });
    zoomed.push(Layer { label: "detained".into(), values: col("detained"), colour: RGBColor(0, 114, 178) });
    zoomed.push(Layer { label: "displaced".into(), values: col("displaced"), colour: RGBColor(86, 180, 233) });
    zoomed.push(Layer { label: "dead".into(), values: col("dead"), colour: RGBColor(0, 0, 0) });
    let civilians = series.sum(&["civilian".into(), "activist".into()]);
    let mut whole: Vec<Layer> = zoomed.iter().map(|l| Layer { label: l.label.clone(), values: l.values.clone(), colour: l.colour }).collect();
    // People away from town (`elsewhere`) are a tenth of it: they would fill the zoomed panel.
    whole.push(Layer { label: "away from town".into(), values: col("elsewhere"), colour: GREY });
    whole.push(Layer { label: "civilians".into(), values: civilians, colour: LIGHT });
    let mut lines = vec![
        Layer { label: "need".into(), values: col("need"), colour: colour(1) },
        Layer { label: "fear".into(), values: col("fear"), colour: colour(0) },
        Layer { label: "efficacy".into(), values: col("efficacy"), colour: colour(4) },
    ];
    for (k, f) in names("grievance_").iter().enumerate() {
        lines.push(Layer { label: format!("grievance against {}", named(f)), values: col(&format!("grievance_{f}")), colour: colour(2 + 4 * k) });
    }
    let strip = ROWS
        .iter()
        .map(|(label, c, kinds)| {
            let spans = if *label == "crises" { spans(events, "crisis_start", "crisis_end", last(&days)) } else { ticks(events, kinds) };
            StripRow { label, colour: *c, spans }
        })
        .collect();
    let fig = Overview {
        title: title.to_string(),
        days,
        whole,
        whole_desc: "people",
        zoomed,
        lines,
        lines_caption: "Attitudes (town means)",
        lines_desc: "share (0-1)",
        strip,
        time: "day",
    };
    render("overview", "Who is where, attitudes and events", &fig)
}

/// The overview of an Epstein run: quiet, active and jailed citizens, legitimacy, outbursts.
pub fn epstein_overview(title: &str, series: &Table, events: &[Mark]) -> Result<Chart, ChartError> {
    let days = series.column("step").ok_or_else(|| ChartError::Empty { chart: "overview".into(), why: "timeseries.csv has no `step` column".into() })?;
    let col = |name: &str| series.column(name).unwrap_or_else(|| vec![0.0; days.len()]);
    let whole = vec![
        Layer { label: "jailed".into(), values: col("jailed_until_release"), colour: colour(0) },
        Layer { label: "active".into(), values: col("active"), colour: colour(2) },
        Layer { label: "quiet".into(), values: col("quiet"), colour: LIGHT },
    ];
    let lines = vec![Layer { label: "legitimacy".into(), values: col("legitimacy"), colour: colour(0) }];
    let strip = vec![
        StripRow { label: "outbursts", colour: colour(2), spans: spans(events, "outburst_start", "outburst_end", last(&days)) },
        StripRow { label: "legitimacy drop", colour: colour(5), spans: ticks(events, &["legitimacy_drop"]) },
    ];
    let fig = Overview {
        title: title.to_string(),
        days,
        whole,
        whole_desc: "citizens",
        zoomed: Vec::new(),
        lines,
        lines_caption: "Legitimacy",
        lines_desc: "legitimacy (0-1)",
        strip,
        time: "step",
    };
    render("overview", "Citizens, legitimacy and outbursts", &fig)
}

fn last(days: &[f64]) -> f64 {
    days.last().copied().unwrap_or(0.0)
}

/// One-day spans for the events of the given kinds.
fn ticks(events: &[Mark], kinds: &[&str]) -> Vec<(f64, f64)> {
    events.iter().filter(|e| kinds.contains(&e.kind.as_str())).map(|e| (e.day, e.day + 1.0)).collect()
}

/// Spans from each start event to the next end event with the same detail
/// (or to the end of the run).
fn spans(events: &[Mark], start: &str, end: &str, last_day: f64) -> Vec<(f64, f64)> {
    let mut open: Vec<(&str, f64)> = Vec::new();
    let mut out = Vec::new();
    for e in events {
        if e.kind == start {
            open.push((&e.detail, e.day));
        } else if e.kind == end
            && let Some(k) = open.iter().position(|(d, _)| *d == e.detail)
        {
            let (_, from) = open.remove(k);
            out.push((from, e.day.max(from + 1.0)));
        }
    }
    out.extend(open.into_iter().map(|(_, from)| (from, last_day + 1.0)));
    out
}

impl Figure for Overview {
    fn size(&self) -> (u32, u32) {
        let zoom = if self.zoomed.is_empty() { 0 } else { 300 };
        (WIDTH, 44 + 230 + zoom + 230 + self.strip_height())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let root = super::draw::titled(root, &self.title, 18)?;
        // One day past the last, so that the last day's events show.
        let x = (self.days.first().copied().unwrap_or(0.0), last(&self.days).max(1.0) + 1.0);
        let (whole, rest) = root.split_vertically(230);
        self.stacked(&whole, &self.whole, x, "Everyone", self.whole_desc)?;
        let rest = if self.zoomed.is_empty() {
            rest
        } else {
            let (zoom, rest) = rest.split_vertically(300);
            self.stacked(&zoom, &self.zoomed, x, "Everyone but civilians (zoomed)", "people")?;
            rest
        };
        let (att, strip) = rest.split_vertically(230);
        let (plot, side) = att.split_horizontally(WIDTH - LEGEND_W);
        let mut chart = axes(&plot, self.lines_caption, x, (0.0, 1.0), "", self.lines_desc)?;
        let mut entries = Vec::new();
        for (k, l) in self.lines.iter().enumerate() {
            let pts: Vec<(f64, f64)> = self.days.iter().copied().zip(l.values.iter().copied()).collect();
            line(&mut chart, &pts, l.colour, k, 2)?;
            entries.push(Entry { label: l.label.clone(), colour: l.colour, swatch: Swatch::Line(k) });
        }
        legend(&side, "", &entries)?;
        self.events(&strip, x)
    }
}

impl Overview {
    fn strip_height(&self) -> u32 {
        60 + 24 * self.strip.len() as u32
    }

    fn stacked<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layers: &[Layer], x: (f64, f64), caption: &str, desc: &str) -> DrawResult<DB> {
        let (plot, side) = area.split_horizontally(WIDTH - LEGEND_W);
        let totals = (0..self.days.len()).map(|d| layers.iter().map(|l| l.values.get(d).copied().filter(|v| v.is_finite()).unwrap_or(0.0)).sum());
        let mut chart = axes(&plot, caption, x, (0.0, top(totals)), "", desc)?;
        let refs: Vec<(&[f64], RGBColor)> = layers.iter().map(|l| (l.values.as_slice(), l.colour)).collect();
        stack(&mut chart, &self.days, &refs)?;
        // The legend lists the top layer first, as the stack reads.
        let entries: Vec<Entry> = layers.iter().rev().map(|l| Entry { label: l.label.clone(), colour: l.colour, swatch: Swatch::Fill }).collect();
        legend(&side, "", &entries)
    }

    fn events<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, x: (f64, f64)) -> DrawResult<DB> {
        let (plot, side) = area.split_horizontally(WIDTH - LEGEND_W);
        let n = self.strip.len();
        let mut chart = ChartBuilder::on(&plot)
            .caption("Events", font(15))
            .margin_top(6)
            .margin_right(14)
            .margin_left(12)
            .x_label_area_size(40)
            .y_label_area_size(Y_LABELS)
            .build_cartesian_2d(x.0..x.1, 0.0..n.max(1) as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_desc(self.time)
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(LIGHT)
            .x_labels(8)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .draw()?;
        let mut entries = Vec::new();
        for (k, row) in self.strip.iter().enumerate() {
            // Top row first, as the legend lists them.
            let y = (n - 1 - k) as f64;
            chart.draw_series(row.spans.iter().map(|&(a, b)| Rectangle::new([(a, y + 0.2), (b.max(a + 1.0), y + 0.8)], row.colour.filled())))?;
            entries.push(Entry { label: format!("{} ({})", row.label, row.spans.len()), colour: row.colour, swatch: Swatch::Fill });
        }
        // Row labels beside the rows: the legend column, one row per strip row.
        let (_, h) = plot.dim_in_pixel();
        let plot_h = h as i32 - 40 - 6 - 24;
        let row_h = plot_h / n.max(1) as i32;
        for (k, e) in entries.iter().enumerate() {
            let y = 6 + 24 + k as i32 * row_h + row_h / 2 - 7;
            side.draw(&Rectangle::new([(8, y + 2), (32, y + 13)], e.colour.filled()))?;
            side.draw(&Text::new(e.label.clone(), (40, y), font(12)))?;
        }
        Ok(())
    }
}
