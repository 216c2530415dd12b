//! Each outcome against each swept parameter, in small multiples, and each
//! outcome by policy when only policies are compared.
//!
//! How the points are drawn depends on the design, so that what is drawn is
//! what the title says:
//! - one swept parameter (or two, the other with few values, lines per value
//!   of the other): each point's mean and its 95% interval over replicates;
//! - more parameters in a grid: the mean over the other parameters at each
//!   value, with a band from the lowest to the highest mean over them;
//! - a sampled design (Latin hypercube, Sobol, a matrix of many values):
//!   partial dependence, the points binned along the parameter (equal
//!   counts), each bin's mean with its 95% interval over the bin's points,
//!   and every point's mean as a faint dot behind.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::super::draw::{Entry, Swatch, axes, band, font, legend_height, legend_row, line, short, tick};
use super::super::style::{GREY, colour};
use super::super::{Chart, ChartError, DrawResult, Figure, file_stem, render};
use super::{Moments, Points, bare, distinct, t975};

const WIDTH: u32 = 1100;
/// Above this many distinct values a parameter counts as sampled, not set on a grid.
const GRID_VALUES: usize = 12;

/// A mean and its interval at one value of the parameter (lo = hi: no interval drawn).
#[derive(Clone, Copy, Debug)]
struct Mark {
    x: f64,
    mean: f64,
    lo: f64,
    hi: f64,
}

/// One group's marks along the parameter, and the spread band if averaged.
struct Line {
    group: usize,
    marks: Vec<Mark>,
    spread: Vec<(f64, f64, f64)>,
}

struct Panel {
    label: String,
    lines: Vec<Line>,
    dots: Vec<(f64, f64)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Each point as it is: nothing else varies along a line.
    Plain,
    /// The mean over the other parameters at each value, with their spread.
    Averaged,
    /// Binned partial dependence of a sampled design.
    Binned,
}

struct Against {
    title: String,
    x_desc: String,
    groups: Vec<String>,
    note: String,
    mode: Mode,
    panels: Vec<Panel>,
}

/// One chart per swept parameter: small multiples of the outcomes against it.
pub fn against_parameters(title: &str, points: &Points, outcomes: &[(String, String)]) -> Result<Vec<Chart>, ChartError> {
    let mut charts = Vec::new();
    let policies = points.policies();
    for key in 0..points.keys.len() {
        let values = distinct(points.points.iter().map(|p| p.params[key]));
        let others: Vec<usize> = (0..points.keys.len()).filter(|&k| k != key && distinct(points.points.iter().map(|p| p.params[k])).len() > 1).collect();
        // Lines per value of the other parameter: a grid of two, no policies, few values.
        let by_other = (policies.len() < 2 && others.len() == 1 && values.len() <= GRID_VALUES)
            .then(|| others[0])
            .filter(|&o| distinct(points.points.iter().map(|p| p.params[o])).len() <= 6);
        let mode = if values.len() > GRID_VALUES {
            Mode::Binned
        } else if others.is_empty() || by_other.is_some() {
            Mode::Plain
        } else {
            Mode::Averaged
        };
        let group_of = |p: &super::PointSummary| -> (usize, String) {
            if policies.len() > 1 {
                (policies.iter().position(|q| *q == p.policy).unwrap_or(0), p.policy.clone())
            } else if let Some(o) = by_other {
                let vals = distinct(points.points.iter().map(|q| q.params[o]));
                (vals.iter().position(|v| *v == p.params[o]).unwrap_or(0), format!("{} = {}", points.keys[o], short(p.params[o])))
            } else {
                (0, String::new())
            }
        };
        let mut groups: Vec<String> = Vec::new();
        for p in &points.points {
            let (k, name) = group_of(p);
            if groups.len() <= k {
                groups.resize(k + 1, String::new());
            }
            groups[k] = name;
        }
        let mut panels = Vec::new();
        for (outcome, label) in outcomes {
            let mut lines = Vec::new();
            let mut dots = Vec::new();
            for g in 0..groups.len() {
                let mut pts: Vec<(f64, Moments)> = points
                    .points
                    .iter()
                    .filter(|p| group_of(p).0 == g)
                    .filter_map(|p| p.outcomes.get(outcome).filter(|m| m.n > 0).map(|m| (p.params[key], *m)))
                    .collect();
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                if pts.is_empty() {
                    continue;
                }
                let (marks, spread) = match mode {
                    Mode::Plain => (pts.iter().map(|(x, m)| Mark { x: *x, mean: m.mean, lo: m.mean - m.half(), hi: m.mean + m.half() }).collect(), Vec::new()),
                    Mode::Averaged => averaged(&pts),
                    Mode::Binned => {
                        dots.extend(pts.iter().map(|(x, m)| (*x, m.mean)));
                        (binned(&pts), Vec::new())
                    }
                };
                lines.push(Line { group: g, marks, spread });
            }
            if !lines.is_empty() {
                panels.push(Panel { label: label.clone(), lines, dots });
            }
        }
        if panels.is_empty() {
            continue;
        }
        let over: Vec<&str> = others.iter().filter(|&&o| Some(o) != by_other).map(|&o| points.keys[o].as_str()).collect();
        // Named when they fit on the note's line; counted when there are many.
        let averaged_over = if over.len() <= 2 { over.join(", ") } else { format!("the other {} parameters", over.len()) };
        let note = match mode {
            Mode::Plain => "Each design point's mean over its replicates, with its 95% confidence interval.".to_string(),
            Mode::Averaged => format!("Line: the mean over {averaged_over} at each value (each point weighs by its replicates); band: the lowest to the highest point mean over them."),
            Mode::Binned => "Partial dependence: design points binned along the parameter (equal counts); each bin's mean with its 95% interval over the bin's points; dots: each point's mean.".to_string(),
        };
        let what = match mode {
            Mode::Plain => "mean, 95% CI over replicates",
            Mode::Averaged => "averaged over the other parameters",
            Mode::Binned => "binned partial dependence",
        };
        let fig = Against { title: format!("{title}: outcomes against {}", points.keys[key]), x_desc: points.keys[key].clone(), groups, note, mode, panels };
        charts.push(render(&format!("outcomes-vs-{}", file_stem(bare(&points.keys[key]))), &format!("Outcomes against {} ({what})", points.keys[key]), &fig)?);
    }
    Ok(charts)
}

/// At each value: the mean over every run of the points there, and the range of their means.
fn averaged(pts: &[(f64, Moments)]) -> (Vec<Mark>, Vec<(f64, f64, f64)>) {
    let mut marks = Vec::new();
    let mut spread = Vec::new();
    for chunk in pts.chunk_by(|a, b| a.0 == b.0) {
        let mut all = Moments::default();
        for (_, m) in chunk {
            all.merge(m);
        }
        let lo = chunk.iter().map(|(_, m)| m.mean).fold(f64::INFINITY, f64::min);
        let hi = chunk.iter().map(|(_, m)| m.mean).fold(f64::NEG_INFINITY, f64::max);
        marks.push(Mark { x: chunk[0].0, mean: all.mean, lo: all.mean, hi: all.mean });
        spread.push((chunk[0].0, lo, hi));
    }
    (marks, spread)
}

/// Equal-count bins along the parameter: 3 to 10 bins of at least 8 points.
/// Each bin's mean of its points' means, with a t interval over them: in a
/// sampled design the other parameters are drawn at random, so a bin's points
/// are a sample of what the outcome does at that value of this one.
fn binned(pts: &[(f64, Moments)]) -> Vec<Mark> {
    let bins = (pts.len() / 8).clamp(3, 10).min(pts.len());
    let mut marks = Vec::new();
    for b in 0..bins {
        let slice = &pts[b * pts.len() / bins..(b + 1) * pts.len() / bins];
        if slice.is_empty() {
            continue;
        }
        let mut means = Moments::default();
        let mut x = 0.0;
        for (v, m) in slice {
            means.push(m.mean);
            x += v;
        }
        let half = t975(slice.len() - 1) * means.sd() / (slice.len() as f64).sqrt();
        marks.push(Mark { x: x / slice.len() as f64, mean: means.mean, lo: means.mean - half, hi: means.mean + half });
    }
    marks
}

impl Against {
    fn entries(&self) -> Vec<Entry> {
        self.groups
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.is_empty())
            .map(|(k, g)| Entry { label: g.clone(), colour: colour(k), swatch: Swatch::Line(k) })
            .collect()
    }

    fn legend_height(&self) -> u32 {
        let labels: Vec<String> = self.entries().into_iter().map(|e| e.label).collect();
        (if labels.is_empty() { 0 } else { legend_height(&labels, WIDTH) }) + 26
    }
}

impl Figure for Against {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 44 + self.legend_height() + self.panels.len().div_ceil(3) as u32 * 260)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let root = super::super::draw::titled(root, &self.title, 18)?;
        let (top_row, grid) = root.split_vertically(self.legend_height());
        let (note_row, legend_area) = top_row.split_vertically(24);
        note_row.draw(&Text::new(self.note.clone(), (70, 4), font(12)))?;
        legend_row(&legend_area, &self.entries())?;
        let columns = self.panels.len().clamp(1, 3);
        let panels = grid.split_evenly((self.panels.len().div_ceil(columns), columns));
        for (panel, area) in self.panels.iter().zip(&panels) {
            let xs: Vec<f64> = panel.lines.iter().flat_map(|l| l.marks.iter().map(|m| m.x)).chain(panel.dots.iter().map(|d| d.0)).collect();
            let (x0, x1) = (xs.iter().copied().fold(f64::INFINITY, f64::min), xs.iter().copied().fold(f64::NEG_INFINITY, f64::max));
            let pad = if x1 > x0 { (x1 - x0) * 0.05 } else { 0.5 };
            let ys = panel
                .lines
                .iter()
                .flat_map(|l| l.marks.iter().flat_map(|m| [m.lo, m.hi, m.mean]).chain(l.spread.iter().flat_map(|s| [s.1, s.2])))
                .chain(panel.dots.iter().map(|d| d.1))
                .filter(|v| v.is_finite());
            let (lo, hi) = ys.fold((0.0f64, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
            let hi = if hi > lo { hi + (hi - lo) * 0.05 } else { lo + 1.0 };
            let mut chart = axes(area, &panel.label, (x0 - pad, x1 + pad), (lo, hi), &self.x_desc, "")?;
            chart.draw_series(panel.dots.iter().map(|&(x, y)| Circle::new((x, y), 2, GREY.mix(0.45).filled())))?;
            let cap = (x1 - x0 + 2.0 * pad) * 0.008;
            for l in &panel.lines {
                let c = colour(l.group);
                if !l.spread.is_empty() {
                    let x: Vec<f64> = l.spread.iter().map(|s| s.0).collect();
                    let (los, his): (Vec<f64>, Vec<f64>) = l.spread.iter().map(|s| (s.1, s.2)).unzip();
                    band(&mut chart, &x, &los, &his, c, if panel.lines.len() > 2 { 0.1 } else { 0.18 })?;
                }
                if l.marks.len() > 1 {
                    let pts: Vec<(f64, f64)> = l.marks.iter().map(|m| (m.x, m.mean)).collect();
                    line(&mut chart, &pts, c, l.group, 2)?;
                }
                for m in &l.marks {
                    if m.hi > m.lo {
                        chart.draw_series(std::iter::once(PathElement::new(vec![(m.x, m.lo), (m.x, m.hi)], c.stroke_width(1))))?;
                        for y in [m.lo, m.hi] {
                            chart.draw_series(std::iter::once(PathElement::new(vec![(m.x - cap, y), (m.x + cap, y)], c.stroke_width(1))))?;
                        }
                    }
                    chart.draw_series(std::iter::once(Circle::new((m.x, m.mean), if self.mode == Mode::Binned { 5 } else { 4 }, c.filled())))?;
                }
            }
        }
        Ok(())
    }
}

struct ByPolicy {
    title: String,
    policies: Vec<String>,
    panels: Vec<(String, Vec<(String, Moments)>)>,
}

/// For a sweep of policies with no swept parameter: each outcome by policy,
/// mean and 95% interval, side by side.
pub fn by_policy(title: &str, points: &Points, outcomes: &[(String, String)]) -> Result<Option<Chart>, ChartError> {
    let policies = points.policies();
    if policies.len() < 2 || !points.keys.is_empty() {
        return Ok(None);
    }
    let panels: Vec<(String, Vec<(String, Moments)>)> = outcomes
        .iter()
        .map(|(k, l)| {
            (l.clone(), points.points.iter().filter_map(|p| p.outcomes.get(k).filter(|m| m.n > 0).map(|m| (p.policy.clone(), *m))).collect::<Vec<_>>())
        })
        .filter(|(_, s)| !s.is_empty())
        .collect();
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
        let root = super::super::draw::titled(root, &self.title, 18)?;
        let columns = self.panels.len().clamp(1, 3);
        let panels = root.split_evenly((self.panels.len().div_ceil(columns), columns));
        let n = self.policies.len();
        // Each policy's name in its slot of the axis: cut to the characters
        // that fit (about 7 pixels each at size 12), so that neighbours do not
        // run into each other; the colours and the report's table give them whole.
        let fit = panels.first().map_or(usize::MAX, |a| ((a.dim_in_pixel().0 as f64 - 100.0) / n as f64 / 7.0).floor().max(4.0) as usize);
        let name = |v: &f64| {
            let k = v.round();
            if (v - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < n { cut(&self.policies[k as usize], fit) } else { String::new() }
        };
        for ((label, points), area) in self.panels.iter().zip(&panels) {
            let lo = points.iter().map(|p| p.1.mean - p.1.half()).fold(f64::INFINITY, f64::min).min(0.0);
            let hi = points.iter().map(|p| p.1.mean + p.1.half()).fold(f64::NEG_INFINITY, f64::max);
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
                .bold_line_style(super::super::style::LIGHT)
                .light_line_style(WHITE.mix(0.0))
                .label_style(font(12))
                .x_labels(2 * n + 1)
                .x_label_formatter(&name)
                .y_labels(6)
                .y_label_formatter(&|v| tick(*v, span))
                .draw()?;
            for (policy, m) in points {
                let Some(k) = self.policies.iter().position(|q| q == policy) else { continue };
                let (x, c, half) = (k as f64, colour(k), m.half());
                chart.draw_series(std::iter::once(PathElement::new(vec![(x, m.mean - half), (x, m.mean + half)], c.stroke_width(3))))?;
                for y in [m.mean - half, m.mean + half] {
                    chart.draw_series(std::iter::once(PathElement::new(vec![(x - 0.08, y), (x + 0.08, y)], c.stroke_width(3))))?;
                }
                chart.draw_series(std::iter::once(Circle::new((x, m.mean), 6, c.filled())))?;
            }
        }
        Ok(())
    }
}

/// `text` cut to at most `most` characters, an ellipsis marking the cut.
fn cut(text: &str, most: usize) -> String {
    if text.chars().count() <= most { text.to_string() } else { format!("{}…", text.chars().take(most.saturating_sub(1)).collect::<String>()) }
}
