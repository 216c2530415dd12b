//! Charts of a region's run (docs/model.md, 8), from places.csv: the places
//! as small multiples of who is where ([`places`]), and on one time axis the
//! flows between places a month at a time, the detained by age class and sex
//! with their commitment, and the faction's strength and attacks, with its
//! prison attacks marked across every panel.

mod places;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{Entry, LEGEND_W, Swatch, axes, legend, line, stack, top};
use super::style::{GREY, colour};
use super::{Chart, ChartError, DrawResult, Figure, Mark, Table, render};

pub use places::places;

const WIDTH: u32 = 1100;
const PANEL_H: u32 = 220;
/// Flows are summed over bins of this many days (a month).
pub const MONTH: u32 = 30;
/// The colour of a prison attack's mark: black, apart from the flows' colours
/// (escapes are vermillion); a successful attack solid, a repelled one dashed.
const ATTACK: RGBColor = RGBColor(0, 0, 0);

/// One place's rows of places.csv: its name, kind (`town`, `camp`,
/// `prison`, `hideout`), whether the faction held it (towns, when the
/// scenario is at hand), and its numeric columns day by day (`day` first).
#[derive(Clone, Debug)]
pub struct PlaceSeries {
    pub name: String,
    pub kind: String,
    pub held: Option<bool>,
    pub table: Table,
}

/// A region's run, as its charts need it.
#[derive(Clone, Debug)]
pub struct Region {
    /// The run's title (scenario, seed, replicate).
    pub title: String,
    /// The faction's readable name (its label).
    pub faction: String,
    pub places: Vec<PlaceSeries>,
    /// The faction's prison attacks: day and detail (events.csv's
    /// `prison_attack`; "(success)" in the detail for one that freed some).
    pub prison_attacks: Vec<Mark>,
}

impl Region {
    /// The days of the rows (every place has a row each recorded day).
    pub fn days(&self) -> Vec<f64> {
        self.places.first().and_then(|p| p.table.column("day")).unwrap_or_default()
    }

    /// A column summed over the places that `keep` admits, day by day.
    pub fn total(&self, column: &str, keep: impl Fn(&PlaceSeries) -> bool) -> Vec<f64> {
        let mut out = vec![0.0; self.days().len()];
        for p in self.places.iter().filter(|p| keep(p)) {
            if let Some(v) = p.table.column(column) {
                for (o, x) in out.iter_mut().zip(v) {
                    *o += x;
                }
            }
        }
        out
    }
}

/// A daily flow summed over months (bins of [`MONTH`] days from day 1; day 0
/// is the start, before any flow), as a rate per month, so that a last,
/// shorter bin is not read as a drop: (bin centre, rate).
pub fn monthly(days: &[f64], daily: &[f64]) -> Vec<(f64, f64)> {
    let m = f64::from(MONTH);
    let mut bins: Vec<(f64, f64)> = Vec::new();
    for (&d, &v) in days.iter().zip(daily) {
        if d < 1.0 {
            continue;
        }
        let k = ((d - 1.0) / m).floor() as usize;
        if bins.len() <= k {
            bins.resize(k + 1, (0.0, 0.0));
        }
        bins[k].0 += v;
        bins[k].1 += 1.0;
    }
    bins.iter().enumerate().filter(|(_, b)| b.1 > 0.0).map(|(k, (sum, n))| (k as f64 * m + 1.0 + m / 2.0, sum * m / n)).collect()
}

/// The indices of at most about `most` of `n` days, evenly spaced, the
/// first and last included: a day's state drawn at more points than the
/// panel has pixels only makes the SVG heavy.
pub fn thin(n: usize, most: usize) -> Vec<usize> {
    let step = n.div_ceil(most.max(1)).max(1);
    let mut out: Vec<usize> = (0..n).step_by(step).collect();
    if n > 0 && out.last() != Some(&(n - 1)) {
        out.push(n - 1);
    }
    out
}

/// The mean commitment of the detained over the places `keep` admits,
/// weighted by how many each holds; missing (NaN) on days nobody is held.
fn commitment(r: &Region, keep: impl Fn(&PlaceSeries) -> bool) -> Vec<f64> {
    let n = r.days().len();
    let (mut sum, mut held) = (vec![0.0; n], vec![0.0; n]);
    for p in r.places.iter().filter(|p| keep(p)) {
        let (Some(c), Some(h)) = (p.table.column("detained_commitment"), p.table.column("detained")) else { continue };
        for d in 0..n.min(c.len()).min(h.len()) {
            sum[d] += c[d] * h[d];
            held[d] += h[d];
        }
    }
    sum.iter().zip(&held).map(|(s, h)| if *h > 0.0 { s / h } else { f64::NAN }).collect()
}

/// A panel's content: stacked layers, lines over them, or monthly bars.
enum Layer {
    Stacked(String, Vec<f64>, RGBColor),
    Line(String, Vec<(f64, f64)>, RGBColor, usize),
    Bars(String, Vec<(f64, f64)>, RGBColor),
}

struct Panel {
    caption: String,
    unit: &'static str,
    /// The y axis's upper end when it is fixed (a share), else from the data.
    y_max: Option<f64>,
    layers: Vec<Layer>,
}

struct Timeline {
    title: String,
    days: Vec<f64>,
    panels: Vec<Panel>,
    attacks: Vec<Mark>,
}

/// The region's flows, detained and faction on one time axis (`region`).
pub fn timeline(r: &Region) -> Result<Chart, ChartError> {
    let days = r.days();
    if days.is_empty() {
        return Err(ChartError::Empty { chart: "region".into(), why: "places.csv has no rows".into() });
    }
    // Daily states are drawn at the kept days only; flows are summed over every day.
    let kept = thin(days.len(), 1100);
    let pick = |v: Vec<f64>| kept.iter().map(|&d| v.get(d).copied().unwrap_or(f64::NAN)).collect::<Vec<f64>>();
    let state_days = pick(days.clone());
    let all = |_: &PlaceSeries| true;
    let month = |column: &str| monthly(&days, &r.total(column, all));
    let f = &r.faction;
    let mut panels = vec![
        Panel {
            caption: "Leaving home and coming back (per 30 days)".into(),
            unit: "people a month",
            y_max: None,
            layers: vec![
                Layer::Line("displaced".into(), month("displaced_out"), colour(3), 0),
                Layer::Line("returned home".into(), month("returned"), colour(4), 1),
            ],
        },
        Panel {
            caption: "Into and out of detention (per 30 days)".into(),
            unit: "people a month",
            y_max: None,
            layers: vec![
                Layer::Line("detained".into(), month("detained_today"), colour(0), 0),
                Layer::Line("released".into(), month("released"), colour(4), 1),
                Layer::Line("escaped".into(), month("escaped"), colour(2), 2),
                Layer::Line("repatriated".into(), month("repatriated"), colour(6), 3),
            ],
        },
    ];
    let detention = |p: &PlaceSeries| p.kind == "camp" || p.kind == "prison";
    let ages = [("children", "detained_children"), ("youth", "detained_youth"), ("adults", "detained_adults"), ("elders", "detained_elders")];
    let tones = [RGBColor(198, 219, 239), RGBColor(107, 174, 214), RGBColor(33, 113, 181), RGBColor(8, 48, 107)];
    let mut detained: Vec<Layer> = ages.iter().zip(tones).map(|((label, c), t)| Layer::Stacked(label.to_string(), pick(r.total(c, detention)), t)).collect();
    let line_of = |v: Vec<f64>| state_days.iter().copied().zip(pick(v)).collect::<Vec<_>>();
    detained.push(Layer::Line("of them women".into(), line_of(r.total("detained_women", detention)), colour(6), 0));
    detained.push(Layer::Line(format!("of them {f} members"), line_of(r.total("detained_members", detention)), colour(1), 1));
    panels.push(Panel { caption: "Detained in camps and prisons, by age class and sex".into(), unit: "people", y_max: None, layers: detained });
    let mut held = vec![Layer::Line("all detained".into(), line_of(commitment(r, detention)), colour(5), 0)];
    for (k, p) in r.places.iter().filter(|p| detention(p)).take(7).enumerate() {
        let name = p.name.clone();
        held.push(Layer::Line(format!("{name} ({})", p.kind), line_of(commitment(r, |q| q.name == name)), colour(k), k + 1));
    }
    panels.push(Panel { caption: "Mean commitment of the detained".into(), unit: "commitment (0-1)", y_max: Some(1.0), layers: held });
    let towns = pick(r.total("members", |p| p.kind == "town"));
    let hideout = pick(r.total("elsewhere", |p| p.kind == "hideout"));
    panels.push(Panel {
        caption: format!("{f}'s strength: members in towns and fighters at its hideout"),
        unit: "people",
        y_max: None,
        layers: vec![
            Layer::Stacked(format!("{f} members in towns"), towns, RGBColor(213, 94, 0)),
            Layer::Stacked(format!("{f} fighters at the hideout"), hideout, RGBColor(130, 45, 0)),
        ],
    });
    panels.push(Panel {
        caption: format!("{f}'s attacks (per 30 days)"),
        unit: "attacks a month",
        y_max: None,
        layers: vec![Layer::Bars("attacks".into(), month("attacks"), GREY), Layer::Line("killed in attacks".into(), month("attack_deaths"), colour(2), 0)],
    });
    let fig = Timeline { title: format!("{}: the region", r.title), days: state_days, panels, attacks: r.prison_attacks.clone() };
    render("region", "The region: flows, detention and the faction", &fig)
}

impl Figure for Timeline {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 44 + PANEL_H * self.panels.len() as u32 + 20)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let root = super::draw::titled(root, &self.title, 18)?;
        let x = (self.days.first().copied().unwrap_or(0.0), self.days.last().copied().unwrap_or(0.0).max(1.0) + 1.0);
        let mut rest = root;
        let n = self.panels.len();
        for (k, p) in self.panels.iter().enumerate() {
            let h = if k + 1 == n { PANEL_H + 20 } else { PANEL_H };
            let (area, below) = rest.split_vertically(h);
            draw_panel(&area, p, x, &self.days, &self.attacks, if k + 1 == n { "day" } else { "" })?;
            rest = below;
        }
        Ok(())
    }
}

/// One panel of a time axis: its layers, the prison attacks as vertical
/// dashed lines, and its legend beside it.
fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel, x: (f64, f64), days: &[f64], attacks: &[Mark], x_desc: &str) -> DrawResult<DB> {
    let (plot, side) = area.split_horizontally(WIDTH - LEGEND_W);
    let stacked: Vec<(&[f64], RGBColor)> =
        p.layers.iter().filter_map(|l| if let Layer::Stacked(_, v, c) = l { Some((v.as_slice(), *c)) } else { None }).collect();
    let totals: Vec<f64> =
        days.iter().enumerate().map(|(d, _)| stacked.iter().map(|(v, _)| v.get(d).copied().filter(|x| x.is_finite()).unwrap_or(0.0)).sum()).collect();
    let others = p.layers.iter().flat_map(|l| match l {
        Layer::Line(_, pts, ..) | Layer::Bars(_, pts, _) => pts.iter().map(|q| q.1).collect::<Vec<_>>(),
        Layer::Stacked(..) => Vec::new(),
    });
    let y1 = p.y_max.unwrap_or_else(|| top(totals.iter().copied().chain(others)));
    let mut chart = axes(&plot, &p.caption, x, (0.0, y1), x_desc, p.unit)?;
    let mut entries = Vec::new();
    for l in &p.layers {
        if let Layer::Bars(label, bins, c) = l {
            let half = f64::from(MONTH) / 2.0 - 2.0;
            chart.draw_series(bins.iter().map(|&(m, v)| Rectangle::new([(m - half, 0.0), (m + half, v)], c.mix(0.7).filled())))?;
            entries.push(Entry { label: label.clone(), colour: *c, swatch: Swatch::Fill });
        }
    }
    stack(&mut chart, days, &stacked)?;
    // The legend lists the top layer of a stack first, as the stack reads.
    for l in p.layers.iter().rev() {
        if let Layer::Stacked(label, _, c) = l {
            entries.push(Entry { label: label.clone(), colour: *c, swatch: Swatch::Fill });
        }
    }
    for l in &p.layers {
        if let Layer::Line(label, pts, c, dash) = l {
            line(&mut chart, pts, *c, *dash, 2)?;
            entries.push(Entry { label: label.clone(), colour: *c, swatch: Swatch::Line(*dash) });
        }
    }
    let success = |a: &Mark| a.detail.contains("(success)");
    for a in attacks {
        let (pattern, width) = if success(a) { (0, 2) } else { (1, 1) };
        line(&mut chart, &[(a.day, 0.0), (a.day, y1)], ATTACK, pattern, width)?;
    }
    let won = attacks.iter().filter(|a| success(a)).count();
    if won > 0 {
        entries.push(Entry { label: format!("prison attack, freed some ({won})"), colour: ATTACK, swatch: Swatch::Line(0) });
    }
    if attacks.len() > won {
        entries.push(Entry { label: format!("prison attack, repelled ({})", attacks.len() - won), colour: ATTACK, swatch: Swatch::Line(1) });
    }
    legend(&side, "", &entries)
}

/// Every chart of a region's run: its places, and its timeline.
pub fn charts(r: &Region) -> Result<Vec<Chart>, ChartError> {
    Ok(vec![places(r)?, timeline(r)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_rates_so_a_short_last_month_is_not_a_drop() {
        // 45 days of 2 a day: a full month of 60 and half a month scaled to 60.
        let days: Vec<f64> = (0..=45).map(f64::from).collect();
        let daily = vec![2.0; days.len()];
        let m = monthly(&days, &daily);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], (16.0, 60.0));
        assert_eq!(m[1].1, 60.0);
    }

    #[test]
    fn thinning_keeps_the_first_and_last_day() {
        assert_eq!(thin(10, 4), vec![0, 3, 6, 9]);
        assert_eq!(thin(11, 4), vec![0, 3, 6, 9, 10]);
        assert_eq!(thin(3, 100), vec![0, 1, 2]);
        assert!(thin(0, 5).is_empty());
    }
}
