//! Heatmaps of each outcome over the first two swept parameters, one chart a
//! policy (the first four). A cell holds every run whose point lies in it,
//! so with more parameters a cell's value is the mean over the others, as
//! the title says. A grid design has a cell per pair of values; a sampled
//! design (many distinct values) is binned into equal-width cells, a
//! smoothed partial dependence rather than single noisy points.
//!
//! The colour scale spans the cells' means, but never less than twelve
//! standard errors of a cell's mean (the replicates' noise): differences
//! that noise could make take only part of the scale, instead of a narrow
//! band of noise being stretched over every colour. The cells' values are
//! also returned as data ([`heatmap_panels`]) and written beside the chart.

use std::fmt::Write;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::draw::{axes, font, short, tick};
use super::super::style::{INK, viridis};
use super::super::{Chart, ChartError, DrawResult, Figure, file_stem, render};
use super::{Moments, Points, bare, decimals, distinct, fixed};

const WIDTH: u32 = 1100;
const GRID_VALUES: usize = 12;

/// One cell: its range on each parameter (equal ends on a grid) and the moments of every run in it.
#[derive(Clone, Debug)]
pub struct Cell {
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub points: usize,
    pub runs: Moments,
}

/// One outcome's heatmap for one policy.
#[derive(Clone, Debug)]
pub struct HeatmapPanel {
    pub outcome: String,
    pub label: String,
    pub policy: String,
    /// Whether the cells are pairs of grid values (else bins of a sampled design).
    pub grid: bool,
    pub xs: Vec<(f64, f64)>,
    pub ys: Vec<(f64, f64)>,
    pub cells: Vec<Cell>,
    /// The standard error of a typical cell's mean: the pooled replicate sd over the root of the median cell's runs.
    pub noise: f64,
}

impl HeatmapPanel {
    /// The colour scale's ends: the cells' range, widened to twelve standard errors about its middle.
    pub fn scale(&self) -> (f64, f64) {
        let lo = self.cells.iter().map(|c| c.runs.mean).fold(f64::INFINITY, f64::min);
        let hi = self.cells.iter().map(|c| c.runs.mean).fold(f64::NEG_INFINITY, f64::max);
        let floor = 12.0 * self.noise;
        if !(floor.is_finite() && hi - lo < floor) {
            return (lo, hi);
        }
        let mid = (hi + lo) / 2.0;
        let (a, b) = (mid - floor / 2.0, mid + floor / 2.0);
        // Not past the ends the values keep to: no negative end for counts, none above 1 for shares.
        if a < 0.0 && lo >= 0.0 {
            (0.0, floor)
        } else if b > 1.0 && hi <= 1.0 && lo >= 0.0 && floor <= 1.0 {
            (1.0 - floor, 1.0)
        } else {
            (a, b)
        }
    }

    fn widened(&self) -> bool {
        let lo = self.cells.iter().map(|c| c.runs.mean).fold(f64::INFINITY, f64::min);
        let hi = self.cells.iter().map(|c| c.runs.mean).fold(f64::NEG_INFINITY, f64::max);
        self.scale() != (lo, hi)
    }
}

/// Equal-width bins over the values' range: about one bin for four points along each axis, 3 to 8.
fn bins(values: &[f64], points: usize) -> Vec<(f64, f64)> {
    let (lo, hi) = (values[0], values[values.len() - 1]);
    let n = ((points as f64 / 4.0).sqrt().round() as usize).clamp(3, 8);
    (0..n).map(|k| (lo + (hi - lo) * k as f64 / n as f64, lo + (hi - lo) * (k + 1) as f64 / n as f64)).collect()
}

fn which(v: f64, cells: &[(f64, f64)], grid: bool) -> usize {
    if grid { cells.iter().position(|c| c.0 == v).unwrap_or(0) } else { cells.iter().position(|c| v < c.1).unwrap_or(cells.len() - 1) }
}

/// The heatmap panels of a sweep with two or more parameters: for each of the
/// first four policies and each outcome, the cells over the first two parameters.
pub fn heatmap_panels(points: &Points, outcomes: &[(String, String)]) -> Vec<HeatmapPanel> {
    if points.keys.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for policy in points.policies().iter().take(4) {
        let mine: Vec<&super::PointSummary> = points.points.iter().filter(|p| &p.policy == policy).collect();
        let xv = distinct(mine.iter().map(|p| p.params[0]));
        let yv = distinct(mine.iter().map(|p| p.params[1]));
        if xv.is_empty() || yv.is_empty() {
            continue;
        }
        let grid = xv.len() <= GRID_VALUES && yv.len() <= GRID_VALUES;
        let (xs, ys) = if grid {
            (xv.iter().map(|v| (*v, *v)).collect::<Vec<_>>(), yv.iter().map(|v| (*v, *v)).collect::<Vec<_>>())
        } else {
            (bins(&xv, mine.len()), bins(&yv, mine.len()))
        };
        for (outcome, label) in outcomes {
            let mut cells: Vec<Option<Cell>> = vec![None; xs.len() * ys.len()];
            let (mut within, mut df) = (0.0, 0.0);
            for p in &mine {
                let Some(m) = p.outcomes.get(outcome).filter(|m| m.n > 0) else { continue };
                within += m.m2;
                df += (m.n - 1) as f64;
                let (i, j) = (which(p.params[0], &xs, grid), which(p.params[1], &ys, grid));
                let c = cells[j * xs.len() + i].get_or_insert_with(|| Cell { x: xs[i], y: ys[j], points: 0, runs: Moments::default() });
                c.points += 1;
                c.runs.merge(m);
            }
            let cells: Vec<Cell> = cells.into_iter().flatten().collect();
            if cells.is_empty() {
                continue;
            }
            let mut sizes: Vec<u64> = cells.iter().map(|c| c.runs.n).collect();
            sizes.sort_unstable();
            let noise = if df > 0.0 { (within / df).sqrt() / (sizes[sizes.len() / 2] as f64).sqrt() } else { f64::NAN };
            out.push(HeatmapPanel {
                outcome: outcome.clone(),
                label: label.clone(),
                policy: policy.clone(),
                grid,
                xs: xs.clone(),
                ys: ys.clone(),
                cells,
                noise,
            });
        }
    }
    out
}

/// The cells as CSV: one row a cell of each outcome's heatmap, with the
/// parameters' values (a grid) or each bin's ends (a sampled design).
fn cells_csv(keys: (&str, &str), panels: &[&HeatmapPanel]) -> String {
    let field = resist_csv;
    let mut s = String::new();
    let grid = panels.first().is_none_or(|p| p.grid);
    if grid {
        let _ = writeln!(s, "outcome,policy,{},{},points,runs,mean,sd", field(keys.0), field(keys.1));
    } else {
        let _ = writeln!(s, "outcome,policy,{0}_low,{0}_high,{1}_low,{1}_high,points,runs,mean,sd", field(keys.0), field(keys.1));
    }
    for p in panels {
        for c in &p.cells {
            let place = if grid { format!("{},{}", c.x.0, c.y.0) } else { format!("{},{},{},{}", c.x.0, c.x.1, c.y.0, c.y.1) };
            let _ = writeln!(s, "{},{},{place},{},{},{},{}", field(&p.outcome), field(&p.policy), c.points, c.runs.n, c.runs.mean, c.runs.sd());
        }
    }
    s
}

fn resist_csv(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

struct Heatmap<'a> {
    title: String,
    keys: (String, String),
    panels: Vec<&'a HeatmapPanel>,
}

/// For a sweep over two or more parameters: a heatmap of each outcome over
/// the first two, for each policy (at most four); each chart carries its
/// cells as CSV (`Chart::data`).
pub fn heatmaps(title: &str, points: &Points, outcomes: &[(String, String)]) -> Result<Vec<Chart>, ChartError> {
    let all = heatmap_panels(points, outcomes);
    let policies = points.policies();
    let mut charts = Vec::new();
    for policy in policies.iter().take(4) {
        let panels: Vec<&HeatmapPanel> = all.iter().filter(|p| &p.policy == policy).collect();
        if panels.is_empty() {
            continue;
        }
        let suffix = if policies.len() > 1 { format!(" ({policy})") } else { String::new() };
        let rest: Vec<&str> = points.keys[2..].iter().map(String::as_str).collect();
        let over = if rest.is_empty() { String::new() } else { format!(", averaged over {}", rest.join(", ")) };
        let (k0, k1) = (points.keys[0].clone(), points.keys[1].clone());
        let csv = cells_csv((bare(&k0), bare(&k1)), &panels);
        let fig = Heatmap { title: format!("{title}: mean outcomes over {k0} and {k1}{over}{suffix}"), keys: (k0.clone(), k1.clone()), panels };
        let name = if policies.len() > 1 { format!("heatmap-{}", file_stem(policy)) } else { "heatmap".to_string() };
        let mut chart = render(&name, &format!("Mean outcomes over {k0} and {k1}{over}{suffix}"), &fig)?;
        chart.data = Some(csv);
        charts.push(chart);
    }
    Ok(charts)
}

impl Figure for Heatmap<'_> {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 44 + self.panels.len().div_ceil(2) as u32 * 330)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let root = super::super::draw::titled(root, &self.title, 18)?;
        let areas = root.split_evenly((self.panels.len().div_ceil(2), 2));
        for (panel, area) in self.panels.iter().zip(&areas) {
            let (w, _) = area.dim_in_pixel();
            let (plot, bar) = area.split_horizontally(w - 100);
            let (lo, hi) = panel.scale();
            let scale = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            // Cell text to the decimals of the cells' noise, as in the report's tables.
            let d = decimals(2.0 * panel.noise, panel.cells.iter().map(|c| c.runs.mean.abs()).fold(0.0, f64::max));
            let text_of = |v: f64| fixed(v, d);
            if panel.grid {
                // Cells of equal size in index space, labelled with the values at their centres.
                let (xv, yv): (Vec<f64>, Vec<f64>) = (panel.xs.iter().map(|c| c.0).collect(), panel.ys.iter().map(|c| c.0).collect());
                let (nx, ny) = (xv.len(), yv.len());
                let label = |v: &f64, values: &[f64]| {
                    let k = v - 0.5;
                    if (k - k.round()).abs() < 1e-6 && k.round() >= 0.0 && (k.round() as usize) < values.len() {
                        short(values[k.round() as usize])
                    } else {
                        String::new()
                    }
                };
                let mut chart = ChartBuilder::on(&plot)
                    .caption(panel.label.as_str(), font(15))
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
                    .x_label_formatter(&|v| label(v, &xv))
                    .y_label_formatter(&|v| label(v, &yv))
                    .draw()?;
                for c in &panel.cells {
                    let i = xv.iter().position(|&x| x == c.x.0).unwrap_or(0) as f64;
                    let j = yv.iter().position(|&y| y == c.y.0).unwrap_or(0) as f64;
                    let t = scale(c.runs.mean);
                    chart.draw_series(std::iter::once(Rectangle::new([(i, j), (i + 1.0, j + 1.0)], viridis(t).filled())))?;
                    // Dark text on the light end of the map, light on the dark end.
                    let ink = if t > 0.6 { INK } else { WHITE };
                    if nx <= 8 && ny <= 10 {
                        chart.draw_series(std::iter::once(Text::new(
                            text_of(c.runs.mean),
                            (i + 0.5, j + 0.5),
                            font(13).color(&ink).pos(Pos::new(HPos::Center, VPos::Center)),
                        )))?;
                    }
                }
            } else {
                let (x0, x1) = (panel.xs[0].0, panel.xs[panel.xs.len() - 1].1);
                let (y0, y1) = (panel.ys[0].0, panel.ys[panel.ys.len() - 1].1);
                let mut chart = axes(&plot, &panel.label, (x0, x1), (y0, y1), &self.keys.0, &self.keys.1)?;
                for c in &panel.cells {
                    let t = scale(c.runs.mean);
                    chart.draw_series(std::iter::once(Rectangle::new([(c.x.0, c.y.0), (c.x.1, c.y.1)], viridis(t).filled())))?;
                    let ink = if t > 0.6 { INK } else { WHITE };
                    chart.draw_series(std::iter::once(Text::new(
                        text_of(c.runs.mean),
                        ((c.x.0 + c.x.1) / 2.0, (c.y.0 + c.y.1) / 2.0),
                        font(11).color(&ink).pos(Pos::new(HPos::Center, VPos::Center)),
                    )))?;
                }
            }
            colour_bar(&bar, lo, hi, panel.widened())?;
        }
        Ok(())
    }
}

/// A vertical colour bar with its extreme values; a note when the scale was widened to the noise.
fn colour_bar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, lo: f64, hi: f64, widened: bool) -> DrawResult<DB> {
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = (40, h as i32 - 60);
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
    if widened {
        area.draw(&Text::new("scale: 12 SE", (2, bottom + 14), font(11)))?;
        area.draw(&Text::new("of a cell", (2, bottom + 28), font(11)))?;
    }
    Ok(())
}
