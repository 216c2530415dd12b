//! Charts of `resist analyze`: Sobol indices with their intervals, Morris's
//! mu* against sigma, and PRIM's peeling trajectory and chosen box. Pure like
//! the other chart kinds: numbers in, SVG and PNG out.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{Entry, Swatch, font, legend_row, range, tick};
use super::style::{GREY, LIGHT, colour};
use super::{Chart, ChartError, DrawResult, Figure, render};
use crate::analysis::morris::Effects;
use crate::analysis::prim::Step;
use crate::analysis::sobol::Indices;

/// A parameter's row: its name, and (estimate, low, high) of each of two measures.
type BarRow = (String, [(f64, f64, f64); 2]);

/// The name of the row at tick `v` of a chart whose rows are named (none between rows).
fn row_name(v: f64, names: &[String]) -> String {
    let k = v.round();
    if (v - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < names.len() { names[k as usize].clone() } else { String::new() }
}

/// Room for parameter names left of a chart whose rows are parameters.
const NAMES_W: u32 = 260;

/// Sobol indices of one outcome: a row a parameter, sorted by total index,
/// first-order and total bars with their intervals.
pub fn sobol(name: &str, title: &str, parameters: &[String], indices: &[Indices]) -> Result<Chart, ChartError> {
    if indices.is_empty() {
        return Err(ChartError::Empty { chart: name.into(), why: "no parameters".into() });
    }
    let mut order: Vec<usize> = (0..indices.len()).collect();
    order.sort_by(|&a, &b| indices[b].total.total_cmp(&indices[a].total).then(a.cmp(&b)));
    let rows: Vec<BarRow> = order
        .iter()
        .map(|&i| {
            let x = &indices[i];
            (parameters[i].clone(), [(x.first, x.first_low, x.first_high), (x.total, x.total_low, x.total_high)])
        })
        .collect();
    render(name, title, &Bars { title: title.into(), rows, labels: ["first order (S1)".into(), "total (ST)".into()] })
}

struct Bars {
    title: String,
    rows: Vec<BarRow>,
    labels: [String; 2],
}

impl Figure for Bars {
    fn size(&self) -> (u32, u32) {
        (900, 110 + 44 * self.rows.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let (head, body) = root.split_vertically(64);
        head.draw(&Text::new(self.title.clone(), (12, 8), font(15)))?;
        let entries: Vec<Entry> = self.labels.iter().enumerate().map(|(k, l)| Entry { label: l.clone(), colour: colour(k), swatch: Swatch::Fill }).collect();
        legend_row(&head.shrink((0, 30), (900, 34)), &entries)?;
        // Indices are shares of variance: the axis spans [0, 1] and what the
        // estimates need beyond it, but no more than [-0.5, 1.5], so that a
        // small design's wide intervals do not squash the bars (whiskers
        // beyond it stop at the edge).
        let hi = self.rows.iter().flat_map(|(_, v)| v.iter().flat_map(|t| [t.0, t.2])).filter(|v| v.is_finite()).fold(1.0f64, f64::max).min(1.5);
        let lo = self.rows.iter().flat_map(|(_, v)| v.iter().flat_map(|t| [t.0, t.1])).filter(|v| v.is_finite()).fold(0.0f64, f64::min).max(-0.5);
        let n = self.rows.len();
        let names: Vec<String> = self.rows.iter().map(|r| r.0.clone()).collect();
        let (x0, x1) = range((lo, hi));
        let mut chart =
            ChartBuilder::on(&body).margin_right(20).x_label_area_size(40).y_label_area_size(NAMES_W).build_cartesian_2d(x0..x1, -0.5..n as f64 - 0.5)?;
        chart
            .configure_mesh()
            .x_desc("share of the outcome's variance")
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(LIGHT)
            .y_labels(n.max(1))
            .y_label_formatter(&|v| row_name(*v, &names))
            .x_label_formatter(&|v| tick(*v, hi - lo))
            .draw()?;
        for (r, (_, values)) in self.rows.iter().enumerate() {
            for (k, (v, l, h)) in values.iter().enumerate() {
                let y = r as f64 + if k == 0 { -0.18 } else { 0.18 };
                let (v, l, h) = (v.clamp(lo, hi), l.clamp(lo, hi), h.clamp(lo, hi));
                if v.is_finite() {
                    chart.draw_series(std::iter::once(Rectangle::new([(0.0, y - 0.15), (v, y + 0.15)], colour(k).filled())))?;
                }
                if l.is_finite() && h.is_finite() {
                    let ink = BLACK.stroke_width(1);
                    chart.draw_series(std::iter::once(PathElement::new(vec![(l, y), (h, y)], ink)))?;
                    for e in [l, h] {
                        chart.draw_series(std::iter::once(PathElement::new(vec![(e, y - 0.08), (e, y + 0.08)], ink)))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Morris's measures of one outcome: mu* (with its interval) against sigma,
/// each point named.
pub fn morris(name: &str, title: &str, parameters: &[String], effects: &[Effects]) -> Result<Chart, ChartError> {
    if effects.is_empty() {
        return Err(ChartError::Empty { chart: name.into(), why: "no parameters".into() });
    }
    render(name, title, &MuSigma { title: title.into(), parameters: parameters.to_vec(), effects: effects.to_vec() })
}

struct MuSigma {
    title: String,
    parameters: Vec<String>,
    effects: Vec<Effects>,
}

impl Figure for MuSigma {
    fn size(&self) -> (u32, u32) {
        (900, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let x_hi = self.effects.iter().map(|e| e.mu_star_high.max(e.mu_star)).filter(|v| v.is_finite()).fold(0.0f64, f64::max) * 1.15;
        let y_hi = self.effects.iter().map(|e| e.sigma).filter(|v| v.is_finite()).fold(0.0f64, f64::max) * 1.15;
        let (x0, x1) = range((0.0, if x_hi > 0.0 { x_hi } else { 1.0 }));
        let (y0, y1) = range((0.0, if y_hi > 0.0 { y_hi } else { 1.0 }));
        let mut chart =
            ChartBuilder::on(root).caption(&self.title, font(15)).margin(14).x_label_area_size(40).y_label_area_size(70).build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_desc("mu* (mean absolute elementary effect, per unit of the range)")
            .y_desc("sigma (interaction, non-linearity)")
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(LIGHT)
            .x_label_formatter(&|v| tick(*v, x1 - x0))
            .y_label_formatter(&|v| tick(*v, y1 - y0))
            .draw()?;
        // sigma = mu*: above the line, a factor acts mostly through interactions or non-linearity.
        let edge = x1.min(y1);
        chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (edge, edge)], GREY.stroke_width(1))))?;
        for (k, e) in self.effects.iter().enumerate() {
            if !(e.mu_star.is_finite() && e.sigma.is_finite()) {
                continue;
            }
            if e.mu_star_low.is_finite() && e.mu_star_high.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(vec![(e.mu_star_low, e.sigma), (e.mu_star_high, e.sigma)], colour(0).stroke_width(1))))?;
            }
            chart.draw_series(std::iter::once(Circle::new((e.mu_star, e.sigma), 5, colour(0).filled())))?;
            chart.draw_series(std::iter::once(Text::new(self.parameters[k].clone(), (e.mu_star, e.sigma), font(12))))?;
        }
        Ok(())
    }
}

/// PRIM's peeling trajectory: coverage against density for every box, the
/// colour saying how many parameters a box restricts, the chosen box ringed.
pub fn prim_trajectory(name: &str, title: &str, steps: &[Step], chosen: usize) -> Result<Chart, ChartError> {
    if steps.is_empty() {
        return Err(ChartError::Empty { chart: name.into(), why: "no boxes".into() });
    }
    render(name, title, &Trajectory { title: title.into(), steps: steps.to_vec(), chosen })
}

/// How many parameters a box restricts, against the first box (the whole range).
pub fn restricted(steps: &[Step], k: usize) -> Vec<usize> {
    let whole = &steps[0].limits;
    (0..whole.lower.len()).filter(|&j| steps[k].limits.lower[j] > whole.lower[j] || steps[k].limits.upper[j] < whole.upper[j]).collect()
}

struct Trajectory {
    title: String,
    steps: Vec<Step>,
    chosen: usize,
}

impl Figure for Trajectory {
    fn size(&self) -> (u32, u32) {
        (900, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let (head, body) = root.split_vertically(64);
        let c = &self.steps[self.chosen];
        let heading = format!("{} (ringed: the chosen box, coverage {:.2}, density {:.2})", self.title, c.coverage, c.density);
        head.draw(&Text::new(heading, (12, 8), font(15)))?;
        let counts: Vec<usize> = (0..self.steps.len()).map(|k| restricted(&self.steps, k).len()).collect();
        let most = counts.iter().copied().max().unwrap_or(0);
        let entries: Vec<Entry> = (0..=most).map(|c| Entry { label: format!("{c} restricted"), colour: colour(c), swatch: Swatch::Fill }).collect();
        legend_row(&head.shrink((0, 30), (900, 34)), &entries)?;
        let mut chart = ChartBuilder::on(&body).margin(14).x_label_area_size(40).y_label_area_size(70).build_cartesian_2d(0.0..1.02, 0.0..1.02)?;
        chart
            .configure_mesh()
            .x_desc("coverage (share of the cases of interest inside the box)")
            .y_desc("density (share of the box's runs that are cases)")
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(LIGHT)
            .draw()?;
        let path: Vec<(f64, f64)> = self.steps.iter().map(|s| (s.coverage, s.density)).collect();
        chart.draw_series(std::iter::once(PathElement::new(path, GREY.stroke_width(1))))?;
        for (k, s) in self.steps.iter().enumerate() {
            chart.draw_series(std::iter::once(Circle::new((s.coverage, s.density), 4, colour(counts[k]).filled())))?;
        }
        let c = &self.steps[self.chosen];
        chart.draw_series(std::iter::once(Circle::new((c.coverage, c.density), 10, BLACK.stroke_width(2))))?;
        Ok(())
    }
}

/// The chosen box: a row a parameter, its whole sampled range in grey and the
/// box's limits in colour, with their values.
pub fn prim_box(name: &str, title: &str, parameters: &[String], steps: &[Step], chosen: usize) -> Result<Chart, ChartError> {
    if steps.is_empty() || parameters.is_empty() {
        return Err(ChartError::Empty { chart: name.into(), why: "no box".into() });
    }
    render(name, title, &BoxLimits { title: title.into(), parameters: parameters.to_vec(), whole: steps[0].clone(), chosen: steps[chosen].clone() })
}

struct BoxLimits {
    title: String,
    parameters: Vec<String>,
    whole: Step,
    chosen: Step,
}

impl Figure for BoxLimits {
    fn size(&self) -> (u32, u32) {
        (900, 100 + 40 * self.parameters.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let n = self.parameters.len();
        let names = self.parameters.clone();
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, font(15))
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(NAMES_W)
            .build_cartesian_2d(-0.02..1.02, -0.5..n as f64 - 0.5)?;
        chart
            .configure_mesh()
            .x_desc("position within the sampled range (0 = its lowest value, 1 = its highest)")
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(LIGHT)
            .y_labels(n.max(1))
            .y_label_formatter(&|v| row_name(*v, &names))
            .draw()?;
        for j in 0..n {
            let (lo, hi) = (self.whole.limits.lower[j], self.whole.limits.upper[j]);
            let span = if hi > lo { hi - lo } else { 1.0 };
            let a = (self.chosen.limits.lower[j] - lo) / span;
            let b = (self.chosen.limits.upper[j] - lo) / span;
            let y = j as f64;
            chart.draw_series(std::iter::once(Rectangle::new([(0.0, y - 0.08), (1.0, y + 0.08)], LIGHT.filled())))?;
            let restricted = a > 0.0 || b < 1.0;
            let c = if restricted { colour(2) } else { GREY };
            chart.draw_series(std::iter::once(Rectangle::new([(a, y - 0.2), (b.max(a + 0.004), y + 0.2)], c.filled())))?;
            let text = format!("{} to {}", super::draw::short(self.chosen.limits.lower[j]), super::draw::short(self.chosen.limits.upper[j]));
            chart.draw_series(std::iter::once(Text::new(text, (a, y + 0.42), font(11))))?;
        }
        Ok(())
    }
}

/// A weighted sample of parameter vectors: (values, weight).
pub type Weighted = (Vec<f64>, f64);

/// A calibration's last generation, as the posterior charts draw it.
struct Posterior {
    title: String,
    parameters: Vec<String>,
    bounds: Vec<(f64, f64)>,
    particles: Vec<Weighted>,
}

/// A posterior chart of `kind` (marginals or pairs), refused when there is nothing to draw.
fn posterior<F: Figure>(
    name: &str,
    title: &str,
    parameters: &[String],
    bounds: &[(f64, f64)],
    particles: &[Weighted],
    kind: fn(Posterior) -> F,
) -> Result<Chart, ChartError> {
    if particles.is_empty() || parameters.is_empty() {
        return Err(ChartError::Empty { chart: name.into(), why: "no particles".into() });
    }
    let p = Posterior { title: title.into(), parameters: parameters.to_vec(), bounds: bounds.to_vec(), particles: particles.to_vec() };
    render(name, title, &kind(p))
}

/// The posterior's marginals: a panel per parameter, the weighted histogram
/// of its particles over its prior range (20 bins).
pub fn marginals(name: &str, title: &str, parameters: &[String], bounds: &[(f64, f64)], particles: &[Weighted]) -> Result<Chart, ChartError> {
    posterior(name, title, parameters, bounds, particles, Marginals)
}

struct Marginals(Posterior);

const BINS: usize = 20;

impl Figure for Marginals {
    fn size(&self) -> (u32, u32) {
        let rows = self.0.parameters.len().div_ceil(2) as u32;
        (1000, 50 + 300 * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let (head, body) = root.split_vertically(50);
        head.draw(&Text::new(self.0.title.clone(), (12, 12), font(15)))?;
        let rows = self.0.parameters.len().div_ceil(2);
        let panels = body.split_evenly((rows, 2));
        for (j, area) in panels.iter().enumerate().take(self.0.parameters.len()) {
            let (lo, hi) = self.0.bounds[j];
            let width = (hi - lo) / BINS as f64;
            let mut mass = [0.0; BINS];
            for (theta, w) in &self.0.particles {
                let b = (((theta[j] - lo) / width).floor().max(0.0) as usize).min(BINS - 1);
                mass[b] += w;
            }
            let top = mass.iter().copied().fold(0.0f64, f64::max).max(1e-9) * 1.1;
            let mut chart = ChartBuilder::on(area)
                .caption(&self.0.parameters[j], font(13))
                .margin(10)
                .x_label_area_size(30)
                .y_label_area_size(50)
                .build_cartesian_2d(lo..hi, 0.0..top)?;
            chart
                .configure_mesh()
                .y_desc("posterior weight")
                .label_style(font(11))
                .axis_desc_style(font(12))
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(LIGHT)
                .x_label_formatter(&|v| tick(*v, hi - lo))
                .y_label_formatter(&|v| tick(*v, top))
                .draw()?;
            for (b, m) in mass.iter().enumerate() {
                let x0 = lo + b as f64 * width;
                chart.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x0 + width, *m)], colour(0).filled())))?;
            }
        }
        Ok(())
    }
}

/// The posterior's pairs: a panel per pair of parameters (the first five),
/// each particle a point whose size grows with its weight.
pub fn pairs(name: &str, title: &str, parameters: &[String], bounds: &[(f64, f64)], particles: &[Weighted]) -> Result<Chart, ChartError> {
    posterior(name, title, parameters, bounds, particles, Pairs)
}

struct Pairs(Posterior);

impl Pairs {
    fn pairs(&self) -> Vec<(usize, usize)> {
        let k = self.0.parameters.len().min(5);
        let mut v: Vec<(usize, usize)> = (0..k).flat_map(|a| (a + 1..k).map(move |b| (a, b))).collect();
        if v.is_empty() {
            v.push((0, 0));
        }
        v
    }
}

impl Figure for Pairs {
    fn size(&self) -> (u32, u32) {
        let rows = self.pairs().len().div_ceil(2) as u32;
        (1000, 50 + 420 * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let (head, body) = root.split_vertically(50);
        head.draw(&Text::new(self.0.title.clone(), (12, 12), font(15)))?;
        let pairs = self.pairs();
        let panels = body.split_evenly((pairs.len().div_ceil(2), 2));
        let most = self.0.particles.iter().map(|p| p.1).fold(0.0f64, f64::max).max(1e-300);
        for (area, &(a, b)) in panels.iter().zip(&pairs) {
            let (xa, xb) = self.0.bounds[a];
            let (ya, yb) = self.0.bounds[b];
            let mut chart = ChartBuilder::on(area).margin(12).x_label_area_size(40).y_label_area_size(60).build_cartesian_2d(xa..xb, ya..yb)?;
            chart
                .configure_mesh()
                .x_desc(self.0.parameters[a].as_str())
                .y_desc(self.0.parameters[b].as_str())
                .label_style(font(11))
                .axis_desc_style(font(12))
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(LIGHT)
                .x_label_formatter(&|v| tick(*v, xb - xa))
                .y_label_formatter(&|v| tick(*v, yb - ya))
                .draw()?;
            for (theta, w) in &self.0.particles {
                let r = 1 + (4.0 * (w / most).sqrt()).round() as i32;
                chart.draw_series(std::iter::once(Circle::new((theta[a], theta[b]), r, colour(0).mix(0.5).filled())))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::prim::Limits;

    #[test]
    fn analysis_charts_draw_and_refuse_nothing() {
        let idx = vec![
            Indices { first: 0.3, first_low: 0.25, first_high: 0.35, total: 0.5, total_low: 0.45, total_high: 0.55 },
            Indices { first: 0.6, first_low: 0.5, first_high: 0.7, total: 0.6, total_low: 0.55, total_high: 0.66 },
        ];
        let c = sobol("s", "indices", &["a".into(), "b".into()], &idx).unwrap();
        assert!(c.svg.contains("total (ST)") && !c.png.is_empty());
        let e = vec![Effects { mu: 1.0, mu_star: 1.0, mu_star_low: 0.8, mu_star_high: 1.2, sigma: 0.1 }];
        assert!(morris("m", "morris", &["a".into()], &e).unwrap().svg.contains("mu*"));
        let step = |lo: f64| Step {
            coverage: 1.0 - lo,
            density: 0.2 + lo,
            mass: 1.0 - lo,
            points: 10,
            limits: Limits { lower: vec![lo, 0.0], upper: vec![1.0, 1.0] },
        };
        let steps = vec![step(0.0), step(0.3)];
        assert_eq!(restricted(&steps, 1), vec![0]);
        assert!(prim_trajectory("t", "trajectory", &steps, 1).unwrap().svg.contains("the chosen box"));
        assert!(prim_box("b", "box", &["a".into(), "b".into()], &steps, 1).unwrap().svg.contains("0.3 to 1"));
        assert!(sobol("s", "x", &[], &[]).is_err());
        let particles = vec![(vec![0.2, 5.0], 0.7), (vec![0.4, 6.0], 0.3)];
        let names: Vec<String> = vec!["a".into(), "b".into()];
        assert!(marginals("m", "posterior", &names, &[(0.0, 1.0), (0.0, 10.0)], &particles).unwrap().svg.contains("posterior weight"));
        assert!(pairs("p", "posterior", &names, &[(0.0, 1.0), (0.0, 10.0)], &particles).is_ok());
    }
}
