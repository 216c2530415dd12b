//! A sweep's outcomes: each outcome against each swept parameter, with the
//! mean and a 95% confidence interval over a point's replicates; and, for two
//! swept parameters, a heatmap of each outcome's mean.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::draw::{Entry, Swatch, axes, font, legend_height, legend_row, line, short, tick};
use super::style::{INK, colour, viridis};
use super::{Chart, ChartError, DrawResult, Figure, render};

const WIDTH: u32 = 1100;

/// One run of a sweep (a row of runs.csv): its design point, policy, swept
/// parameter values (in the order of `Runs::keys`) and numeric outcomes.
#[derive(Clone, Debug)]
pub struct RunRow {
    pub point: usize,
    pub policy: String,
    pub params: Vec<f64>,
    pub outcomes: BTreeMap<String, f64>,
}

#[derive(Clone, Debug, Default)]
pub struct Runs {
    pub keys: Vec<String>,
    pub rows: Vec<RunRow>,
}

/// Outcomes charted by default, with their labels, when a sweep has them.
pub const OUTCOMES: [(&str, &str); 18] = [
    ("uprising.abstention_rate", "local members abstaining (share)"),
    ("uprising.peak_mobilised_share", "peak mobilised (share of town)"),
    ("uprising.days_to_decision", "days from the call to the decision"),
    ("uprising.deaths_town", "town deaths in the uprising"),
    ("aftermath.reintegrated", "ex-members reintegrated"),
    ("aftermath.rejoined", "ex-members who rejoined"),
    ("aftermath.switched", "ex-members who switched faction"),
    ("prisoners.rejoined", "released prisoners who rejoined"),
    ("rival.base_taken", "rival took the base (share of runs)"),
    ("rival.town_taken", "rival took the town (share of runs)"),
    ("factions.0.members_peak", "first faction's peak membership"),
    ("end.dead", "dead by the end"),
    ("peak_active", "peak active citizens"),
    ("mean_active", "mean active citizens"),
    ("outbursts", "outbursts"),
    ("active_excess_kurtosis", "excess kurtosis of the active count"),
    ("steps_in_outburst", "steps in outburst"),
    ("arrests", "arrests"),
];

/// The outcomes to chart: `chosen` keys if any, else the defaults present.
pub fn outcomes(runs: &Runs, chosen: &[String]) -> Vec<(String, String)> {
    let present = |k: &str| runs.rows.iter().any(|r| r.outcomes.get(k).is_some_and(|v| v.is_finite()));
    if !chosen.is_empty() {
        return chosen.iter().map(|k| (k.clone(), OUTCOMES.iter().find(|o| o.0 == k).map_or(k.clone(), |o| o.1.to_string()))).collect();
    }
    OUTCOMES.iter().filter(|(k, _)| present(k)).map(|(k, l)| (k.to_string(), l.to_string())).collect()
}

/// The outcomes the charts draw: those of `outcomes` whose mean differs
/// between design points.
pub fn charted(runs: &Runs, chosen: &[String]) -> Vec<(String, String)> {
    outcomes(runs, chosen).into_iter().filter(|(k, _)| varies(&stats(runs, k))).collect()
}

/// An outcome at one design point: mean and 95% interval over its replicates.
#[derive(Clone, Debug)]
struct PointStat {
    policy: String,
    params: Vec<f64>,
    mean: f64,
    half: f64,
}

fn stats(runs: &Runs, outcome: &str) -> Vec<PointStat> {
    let mut by_point: BTreeMap<usize, (String, Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for r in &runs.rows {
        let e = by_point.entry(r.point).or_insert_with(|| (r.policy.clone(), r.params.clone(), Vec::new()));
        if let Some(v) = r.outcomes.get(outcome).filter(|v| v.is_finite()) {
            e.2.push(*v);
        }
    }
    by_point
        .into_values()
        .filter(|(_, _, v)| !v.is_empty())
        .map(|(policy, params, v)| {
            let (mean, half) = mean_ci(&v);
            PointStat { policy, params, mean, half }
        })
        .collect()
}

/// The mean of the values and the half-width of its 95% confidence interval
/// (Student's t; 0 for a single value).
pub fn mean_ci(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n.max(1.0);
    let sd = if v.len() > 1 { (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt() } else { 0.0 };
    (mean, t975(v.len().saturating_sub(1)) * sd / n.max(1.0).sqrt())
}

/// Student's t quantile at 0.975 for `df` degrees of freedom (df 0: no interval).
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
        2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => 0.0,
        1..=30 => T[df - 1],
        31..=60 => 2.042 - (df - 30) as f64 * (2.042 - 2.000) / 30.0,
        61..=120 => 2.000 - (df - 60) as f64 * (2.000 - 1.980) / 60.0,
        _ => 1.960,
    }
}

/// Whether an outcome's mean differs between design points (a constant one says nothing in a chart).
fn varies(points: &[PointStat]) -> bool {
    points.iter().any(|p| (p.mean - points[0].mean).abs() > 1e-12 || p.half > 0.0)
}

fn distinct(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

struct Against {
    title: String,
    key: usize,
    keys: Vec<String>,
    panels: Vec<(String, Vec<PointStat>)>,
    /// How points are grouped into lines: by policy, by the other parameter, or not at all.
    group: Grouping,
}

#[derive(Clone, Copy, PartialEq)]
enum Grouping {
    Policy,
    Other(usize),
    None,
}

/// One chart per swept parameter: small multiples of the outcomes against it.
pub fn against_parameters(title: &str, runs: &Runs, chosen: &[String]) -> Result<Vec<Chart>, ChartError> {
    let outs = outcomes(runs, chosen);
    let mut charts = Vec::new();
    let policies = distinct_labels(runs);
    for key in 0..runs.keys.len() {
        let panels: Vec<(String, Vec<PointStat>)> = outs.iter().map(|(k, l)| (l.clone(), stats(runs, k))).filter(|(_, s)| varies(s)).collect();
        if panels.is_empty() {
            continue;
        }
        let group = if policies.len() > 1 {
            Grouping::Policy
        } else if runs.keys.len() == 2 && distinct(runs.rows.iter().map(|r| r.params[1 - key])).len() <= 6 {
            Grouping::Other(1 - key)
        } else {
            Grouping::None
        };
        let fig = Against { title: format!("{title}: outcomes against {}", runs.keys[key]), key, keys: runs.keys.clone(), panels, group };
        let name = format!("outcomes-vs-{}", super::file_stem(&runs.keys[key]));
        charts.push(render(&name, &format!("Outcomes against {} (mean, 95% CI over replicates)", runs.keys[key]), &fig)?);
    }
    Ok(charts)
}

fn distinct_labels(runs: &Runs) -> Vec<String> {
    let mut p: Vec<String> = Vec::new();
    for r in &runs.rows {
        if !p.contains(&r.policy) {
            p.push(r.policy.clone());
        }
    }
    p
}

impl Against {
    /// The group a point belongs to: its policy, the exact value of the other
    /// parameter (labels may round two values alike), or one group.
    fn group_of(&self, p: &PointStat) -> (String, u64) {
        match self.group {
            Grouping::Policy => (p.policy.clone(), 0),
            Grouping::Other(k) => (String::new(), p.params[k].to_bits()),
            Grouping::None => (String::new(), 0),
        }
    }

    fn label(&self, p: &PointStat) -> String {
        match self.group {
            Grouping::Policy => p.policy.clone(),
            Grouping::Other(k) => format!("{} = {}", self.keys[k], short(p.params[k])),
            Grouping::None => "mean over replicates, with its 95% confidence interval".into(),
        }
    }

    /// Every group over all panels, in order of first appearance: one colour and pattern each in every panel.
    fn all_groups(&self) -> Vec<((String, u64), String)> {
        let mut out: Vec<((String, u64), String)> = Vec::new();
        for p in self.panels.iter().flat_map(|(_, points)| points) {
            let g = self.group_of(p);
            if !out.iter().any(|(k, _)| *k == g) {
                out.push((g, self.label(p)));
            }
        }
        out
    }

    /// A panel's points by group index (into `all_groups`), each sorted along the parameter.
    fn groups(&self, all: &[((String, u64), String)], points: &[PointStat]) -> Vec<(usize, Vec<PointStat>)> {
        let mut out: Vec<(usize, Vec<PointStat>)> = Vec::new();
        for p in points {
            let g = self.group_of(p);
            let k = all.iter().position(|(key, _)| *key == g).unwrap_or(0);
            match out.iter_mut().find(|x| x.0 == k) {
                Some(x) => x.1.push(p.clone()),
                None => out.push((k, vec![p.clone()])),
            }
        }
        for g in &mut out {
            g.1.sort_by(|a, b| a.params[self.key].total_cmp(&b.params[self.key]));
        }
        out
    }

    fn legend_height(&self) -> u32 {
        legend_height(&self.all_groups().into_iter().map(|g| g.1).collect::<Vec<_>>(), WIDTH) + 10
    }

    /// A line joins a group's points only when nothing else varies along it.
    fn joined(&self, points: &[PointStat]) -> bool {
        (0..self.keys.len()).filter(|&k| k != self.key).all(|k| distinct(points.iter().map(|p| p.params[k])).len() <= 1)
    }
}

impl Figure for Against {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 44 + self.legend_height() + self.panels.len().div_ceil(3) as u32 * 260)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let root = root.titled(&self.title, font(18))?;
        let (top_row, grid) = root.split_vertically(self.legend_height());
        let all = self.all_groups();
        let entries: Vec<Entry> = all.iter().enumerate().map(|(k, g)| Entry { label: g.1.clone(), colour: colour(k), swatch: Swatch::Line(k) }).collect();
        legend_row(&top_row, &entries)?;
        let panels = grid.split_evenly((self.panels.len().div_ceil(3), 3));
        for ((label, points), area) in self.panels.iter().zip(&panels) {
            let xs = distinct(points.iter().map(|p| p.params[self.key]));
            let pad = if xs.len() > 1 { (xs[xs.len() - 1] - xs[0]) * 0.05 } else { 0.5 };
            let x = (xs.first().copied().unwrap_or(0.0) - pad, xs.last().copied().unwrap_or(1.0) + pad);
            let lo = points.iter().map(|p| p.mean - p.half).fold(f64::INFINITY, f64::min).min(0.0);
            let hi = points.iter().map(|p| p.mean + p.half).fold(f64::NEG_INFINITY, f64::max);
            let hi = if hi > lo { hi + (hi - lo) * 0.05 } else { lo + 1.0 };
            let mut chart = axes(area, label, x, (lo, hi), &self.keys[self.key], "")?;
            for (k, g) in self.groups(&all, points) {
                let c = colour(k);
                if self.joined(&g) && g.len() > 1 {
                    let pts: Vec<(f64, f64)> = g.iter().map(|p| (p.params[self.key], p.mean)).collect();
                    line(&mut chart, &pts, c, k, 2)?;
                }
                for p in &g {
                    let xv = p.params[self.key];
                    let cap = (x.1 - x.0) * 0.008;
                    chart.draw_series(std::iter::once(PathElement::new(vec![(xv, p.mean - p.half), (xv, p.mean + p.half)], c.stroke_width(1))))?;
                    for yv in [p.mean - p.half, p.mean + p.half] {
                        chart.draw_series(std::iter::once(PathElement::new(vec![(xv - cap, yv), (xv + cap, yv)], c.stroke_width(1))))?;
                    }
                    chart.draw_series(std::iter::once(Circle::new((xv, p.mean), 4, c.filled())))?;
                }
            }
        }
        Ok(())
    }
}

struct ByPolicy {
    title: String,
    policies: Vec<String>,
    panels: Vec<(String, Vec<PointStat>)>,
}

/// For a sweep of policies with no swept parameter: each outcome by policy,
/// mean and 95% interval, side by side.
pub fn by_policy(title: &str, runs: &Runs, chosen: &[String]) -> Result<Option<Chart>, ChartError> {
    let policies = distinct_labels(runs);
    if policies.len() < 2 || !runs.keys.is_empty() {
        return Ok(None);
    }
    let panels: Vec<(String, Vec<PointStat>)> = outcomes(runs, chosen).iter().map(|(k, l)| (l.clone(), stats(runs, k))).filter(|(_, s)| varies(s)).collect();
    if panels.is_empty() {
        return Ok(None);
    }
    let fig = ByPolicy { title: format!("{title}: outcomes by policy"), policies, panels };
    render("outcomes-by-policy", "Outcomes by policy (mean, 95% CI over replicates)", &fig).map(Some)
}

impl Figure for ByPolicy {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 44 + self.panels.len().div_ceil(3) as u32 * 260)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let root = root.titled(&self.title, font(18))?;
        let panels = root.split_evenly((self.panels.len().div_ceil(3), 3));
        let n = self.policies.len();
        let name = |v: &f64| {
            let k = v.round();
            if (v - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < n { self.policies[k as usize].clone() } else { String::new() }
        };
        for ((label, points), area) in self.panels.iter().zip(&panels) {
            let lo = points.iter().map(|p| p.mean - p.half).fold(f64::INFINITY, f64::min).min(0.0);
            let hi = points.iter().map(|p| p.mean + p.half).fold(f64::NEG_INFINITY, f64::max);
            let hi = if hi > lo { hi + (hi - lo) * 0.05 } else { lo + 1.0 };
            let mut chart = ChartBuilder::on(area)
                .caption(label.as_str(), font(15))
                .margin_top(6)
                .margin_right(14)
                .margin_left(12)
                .x_label_area_size(30)
                .y_label_area_size(70)
                .build_cartesian_2d(-0.5..n as f64 - 0.5, lo..hi)?;
            let span = hi - lo;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .bold_line_style(super::style::LIGHT)
                .light_line_style(WHITE.mix(0.0))
                .label_style(font(12))
                .x_labels(2 * n + 1)
                .x_label_formatter(&name)
                .y_labels(6)
                .y_label_formatter(&|v| tick(*v, span))
                .draw()?;
            for p in points {
                let Some(k) = self.policies.iter().position(|q| *q == p.policy) else { continue };
                let (x, c) = (k as f64, colour(k));
                chart.draw_series(std::iter::once(PathElement::new(vec![(x, p.mean - p.half), (x, p.mean + p.half)], c.stroke_width(2))))?;
                for y in [p.mean - p.half, p.mean + p.half] {
                    chart.draw_series(std::iter::once(PathElement::new(vec![(x - 0.08, y), (x + 0.08, y)], c.stroke_width(2))))?;
                }
                chart.draw_series(std::iter::once(Circle::new((x, p.mean), 5, c.filled())))?;
            }
        }
        Ok(())
    }
}

struct Heatmap {
    title: String,
    keys: (String, String),
    panels: Vec<(String, Vec<PointStat>)>,
}

/// For a sweep over two or more parameters: a heatmap of each outcome's mean
/// over the first two, for each policy (at most four).
pub fn heatmaps(title: &str, runs: &Runs, chosen: &[String]) -> Result<Vec<Chart>, ChartError> {
    if runs.keys.len() < 2 {
        return Ok(Vec::new());
    }
    let outs = outcomes(runs, chosen);
    let mut charts = Vec::new();
    let policies = distinct_labels(runs);
    for policy in policies.iter().take(4) {
        let panels: Vec<(String, Vec<PointStat>)> = outs
            .iter()
            .map(|(k, l)| (l.clone(), stats(runs, k).into_iter().filter(|p| &p.policy == policy).collect::<Vec<_>>()))
            .filter(|(_, s)| varies(s))
            .collect();
        if panels.is_empty() {
            continue;
        }
        let suffix = if policies.len() > 1 { format!(" ({policy})") } else { String::new() };
        let fig = Heatmap {
            title: format!("{title}: mean outcomes over {} and {}{suffix}", runs.keys[0], runs.keys[1]),
            keys: (runs.keys[0].clone(), runs.keys[1].clone()),
            panels,
        };
        let name = if policies.len() > 1 { format!("heatmap-{}", super::file_stem(policy)) } else { "heatmap".to_string() };
        charts.push(render(&name, &format!("Mean outcomes over {} and {}{suffix}", runs.keys[0], runs.keys[1]), &fig)?);
    }
    Ok(charts)
}

impl Figure for Heatmap {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 44 + self.panels.len().div_ceil(2) as u32 * 330)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let root = root.titled(&self.title, font(18))?;
        let panels = root.split_evenly((self.panels.len().div_ceil(2), 2));
        for ((label_text, points), area) in self.panels.iter().zip(&panels) {
            let (w, _) = area.dim_in_pixel();
            let (plot, bar) = area.split_horizontally(w - 90);
            let xs = distinct(points.iter().map(|p| p.params[0]));
            let ys = distinct(points.iter().map(|p| p.params[1]));
            let lo = points.iter().map(|p| p.mean).fold(f64::INFINITY, f64::min);
            let hi = points.iter().map(|p| p.mean).fold(f64::NEG_INFINITY, f64::max);
            let scale = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            if xs.is_empty() || ys.is_empty() {
                continue;
            }
            let mut pairs: Vec<(u64, u64)> = points.iter().map(|p| (p.params[0].to_bits(), p.params[1].to_bits())).collect();
            pairs.sort_unstable();
            pairs.dedup();
            // A full grid: every pair of values once.
            let grid = xs.len() * ys.len() == points.len() && pairs.len() == points.len();
            if grid {
                // Cells of equal size in index space, labelled with the values at their centres.
                let (nx, ny) = (xs.len(), ys.len());
                let label = |v: &f64, values: &[f64]| {
                    let k = v - 0.5;
                    if (k - k.round()).abs() < 1e-6 && k.round() >= 0.0 && (k.round() as usize) < values.len() {
                        short(values[k.round() as usize])
                    } else {
                        String::new()
                    }
                };
                let mut chart = ChartBuilder::on(&plot)
                    .caption(label_text.as_str(), font(15))
                    .margin_top(6)
                    .margin_right(14)
                    .margin_left(12)
                    .x_label_area_size(40)
                    .y_label_area_size(70)
                    .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)?;
                chart
                    .configure_mesh()
                    .disable_mesh()
                    .x_desc(self.keys.0.as_str())
                    .y_desc(self.keys.1.as_str())
                    .label_style(font(12))
                    .axis_desc_style(font(13))
                    .x_labels(2 * nx + 1)
                    .y_labels(2 * ny + 1)
                    .x_label_formatter(&|v| label(v, &xs))
                    .y_label_formatter(&|v| label(v, &ys))
                    .draw()?;
                for p in points {
                    let i = xs.iter().position(|&x| x == p.params[0]).unwrap_or(0) as f64;
                    let j = ys.iter().position(|&y| y == p.params[1]).unwrap_or(0) as f64;
                    let t = scale(p.mean);
                    chart.draw_series(std::iter::once(Rectangle::new([(i, j), (i + 1.0, j + 1.0)], viridis(t).filled())))?;
                    // The value in the cell, dark on the light end of the map and light on the dark end.
                    let ink = if t > 0.6 { INK } else { WHITE };
                    let text = tick(p.mean, (hi - lo).abs().max(p.mean.abs()));
                    chart.draw_series(std::iter::once(Text::new(text, (i + 0.5, j + 0.5), font(13).color(&ink).pos(Pos::new(HPos::Center, VPos::Center)))))?;
                }
            } else {
                let pad = |v: &[f64]| if v.len() > 1 { (v[v.len() - 1] - v[0]) * 0.05 } else { 0.5 };
                let (px, py) = (pad(&xs), pad(&ys));
                let mut chart = axes(&plot, label_text, (xs[0] - px, xs[xs.len() - 1] + px), (ys[0] - py, ys[ys.len() - 1] + py), &self.keys.0, &self.keys.1)?;
                for p in points {
                    chart.draw_series(std::iter::once(Circle::new((p.params[0], p.params[1]), 8, viridis(scale(p.mean)).filled())))?;
                }
            }
            colour_bar(&bar, lo, hi)?;
        }
        Ok(())
    }
}

/// A vertical colour bar with its extreme values.
fn colour_bar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, lo: f64, hi: f64) -> DrawResult<DB> {
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = (40, h as i32 - 50);
    let steps = 40;
    for s in 0..steps {
        let t = f64::from(s) / f64::from(steps - 1);
        let y0 = bottom - ((bottom - top) as f64 * (f64::from(s + 1) / f64::from(steps))) as i32;
        let y1 = bottom - ((bottom - top) as f64 * (f64::from(s) / f64::from(steps))) as i32;
        area.draw(&Rectangle::new([(6, y0), (24, y1)], viridis(t).filled()))?;
    }
    area.draw(&Rectangle::new([(6, top), (24, bottom)], INK.stroke_width(1)))?;
    let span = (hi - lo).abs().max(1e-9);
    area.draw(&Text::new(tick(hi, span), (28, top - 6), font(12)))?;
    area.draw(&Text::new(tick(lo, span), (28, bottom - 6), font(12)))?;
    Ok(())
}
