//! Ensembles: the mean and the 5-95% band over replicates of each series, in
//! small multiples on one time axis. One group is one ensemble; several
//! groups are several policies (or design points) side by side.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{Entry, Swatch, axes, band, legend_height, legend_row, line, top};
use super::style::colour;
use super::{Chart, ChartError, DrawResult, Figure, render};

const WIDTH: u32 = 1100;
const COLUMNS: usize = 3;
const PANEL_H: u32 = 250;
/// From this many groups on, bands are drawn as edges, not filled.
const OUTLINED: usize = 4;

/// A series reduced over replicates, day by day.
#[derive(Clone, Debug, Default)]
pub struct Band {
    pub day: Vec<f64>,
    pub mean: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

/// One ensemble: a label (a policy or design point) and its bands by column.
#[derive(Clone, Debug, Default)]
pub struct Group {
    pub label: String,
    pub replicates: u64,
    pub series: BTreeMap<String, Band>,
}

/// The series worth a panel, with their labels and units, in the order a
/// reader expects; only those present in the data are drawn.
/// Factions are named by their `label` where `labels` has one (by faction name).
pub fn default_series(columns: &[String], labels: &BTreeMap<String, String>) -> Vec<(String, String, String)> {
    let named = |f: &str| labels.get(f).cloned().unwrap_or_else(|| f.to_string());
    let has = |c: &str| columns.iter().any(|x| x == c);
    let mut out: Vec<(String, String, String)> = Vec::new();
    let mut add = |c: &str, label: &str, unit: &str| {
        if has(c) {
            out.push((c.to_string(), label.to_string(), unit.to_string()));
        }
    };
    if has("step") {
        for (c, l) in [("active", "active citizens"), ("jailed_until_release", "jailed citizens"), ("quiet", "quiet citizens"), ("arrests", "arrests per step")]
        {
            add(c, l, "citizens");
        }
        add("legitimacy", "legitimacy", "legitimacy (0-1)");
        return out;
    }
    let factions: Vec<String> = columns.iter().filter_map(|c| c.strip_prefix("members_local_")).map(str::to_string).collect();
    for f in &factions {
        add(&format!("members_local_{f}"), &format!("{}: local members", named(f)), "people");
        add(&format!("members_foreign_{f}"), &format!("{}: foreign members", named(f)), "people");
    }
    add("local_fighter", "local fighters", "people");
    add("mobilised", "mobilised", "people");
    add("ex_member", "ex-members", "people");
    add("detained", "detained", "people");
    add("prisoners", "prisoners held", "people");
    add("dead", "dead", "people");
    // A region's run (its flows are columns of timeseries.csv): the displaced, and the fighters
    // away at the faction's hideout. Its daily flows are too sparse for a band (charts/region.png has them by month).
    if has("prison_attacks") {
        add("displaced", "displaced", "people");
        add("elsewhere", "away with a faction", "people");
    }
    add("civilian", "civilians", "people");
    add("need", "need", "share (0-1)");
    add("fear", "fear", "share (0-1)");
    add("efficacy", "efficacy", "share (0-1)");
    for f in &factions {
        add(&format!("grievance_{f}"), &format!("grievance against {}", named(f)), "share (0-1)");
    }
    out
}

struct Multiples<'a> {
    title: String,
    groups: &'a [Group],
    series: Vec<(String, String, String)>,
    time: &'static str,
}

/// Small multiples of the default series, one line and band per group.
/// `name` is the chart's file stem ("ensemble" or "policies").
pub fn multiples(name: &str, title: &str, groups: &[Group], labels: &BTreeMap<String, String>) -> Result<Chart, ChartError> {
    multiples_over(name, title, groups, labels, None)
}

/// [`multiples`] on a time axis of its own: `time` names it (say, days from
/// the council's call) instead of the calendar's day or step.
pub fn multiples_over(name: &str, title: &str, groups: &[Group], labels: &BTreeMap<String, String>, time: Option<&'static str>) -> Result<Chart, ChartError> {
    let mut columns: Vec<String> = Vec::new();
    for c in groups.iter().flat_map(|g| g.series.keys()) {
        if !columns.contains(c) {
            columns.push(c.clone());
        }
    }
    let series = default_series(&columns, labels);
    if series.is_empty() || groups.is_empty() {
        return Err(ChartError::Empty { chart: name.into(), why: "no series to draw".into() });
    }
    let caption = if groups.len() == 1 { "Mean and 5-95% band over replicates" } else { "Each policy's mean and 5-95% band over replicates" };
    let time = time.unwrap_or(if columns.iter().any(|c| c == "step") { "step" } else { "day" });
    render(name, caption, &Multiples { title: title.to_string(), groups, series, time })
}

impl Figure for Multiples<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.series.len().div_ceil(COLUMNS) as u32;
        (WIDTH, 44 + self.legend_height() + rows * PANEL_H)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let root = super::draw::titled(root, &self.title, 18)?;
        let (top_row, grid) = root.split_vertically(self.legend_height());
        let entries: Vec<Entry> = self.labels().into_iter().enumerate().map(|(k, label)| Entry { label, colour: colour(k), swatch: Swatch::Line(k) }).collect();
        legend_row(&top_row, &entries)?;
        let rows = self.series.len().div_ceil(COLUMNS);
        let panels = grid.split_evenly((rows, COLUMNS));
        for ((column, label, unit), panel) in self.series.iter().zip(&panels) {
            let bands: Vec<(usize, &Band)> = self.groups.iter().enumerate().filter_map(|(k, g)| g.series.get(column).map(|b| (k, b))).collect();
            let x0 = bands.iter().filter_map(|(_, b)| b.day.first().copied()).fold(f64::INFINITY, f64::min);
            let x1 = bands.iter().filter_map(|(_, b)| b.day.last().copied()).fold(f64::NEG_INFINITY, f64::max);
            let y1 = top(bands.iter().flat_map(|(_, b)| b.hi.iter().chain(&b.mean).copied()));
            let y1 = if unit.starts_with("share") || unit.starts_with("legitimacy") { y1.min(1.0) } else { y1 };
            let mut chart = axes(panel, label, (x0, x1), (0.0, y1), self.time, unit)?;
            for &(k, b) in &bands {
                if bands.len() >= OUTLINED {
                    // Four or more filled bands overlap into mud: each band is drawn as its two
                    // edges, thin, in its group's colour and dash pattern, under the bold means.
                    for edge in [&b.lo, &b.hi] {
                        let pts: Vec<(f64, f64)> = b.day.iter().copied().zip(edge.iter().copied()).collect();
                        line(&mut chart, &pts, lighter(colour(k)), k, 1)?;
                    }
                } else {
                    // Two or three overlapping bands stay readable when faint.
                    band(&mut chart, &b.day, &b.lo, &b.hi, colour(k), if bands.len() > 1 { 0.12 } else { 0.22 })?;
                }
            }
            for &(k, b) in &bands {
                let pts: Vec<(f64, f64)> = b.day.iter().copied().zip(b.mean.iter().copied()).collect();
                line(&mut chart, &pts, colour(k), k, 2)?;
            }
        }
        Ok(())
    }
}

impl Multiples<'_> {
    fn legend_height(&self) -> u32 {
        legend_height(&self.labels(), WIDTH)
    }

    fn labels(&self) -> Vec<String> {
        let band = if self.groups.len() >= OUTLINED { "thin lines: 5% and 95%" } else { "band 5-95%" };
        self.groups.iter().map(|g| format!("{} (mean of {}; {band})", g.label, g.replicates)).collect()
    }
}

/// A colour halfway to white: a band's edges under its mean's line.
fn lighter(c: RGBColor) -> RGBColor {
    let half = |v: u8| v + (255 - v) / 2;
    RGBColor(half(c.0), half(c.1), half(c.2))
}
