//! The places of a region as small multiples (`region-places`): one panel a
//! place for the camps, prisons and hideouts, and for the towns, when there
//! are many, the towns the faction held summed, the others summed, and a few
//! towns picked (the largest, and those where the faction's members peaked
//! highest). A panel stacks everyone there but civilians, on its own scale (a
//! camp holds thousands, a town's faction cell a handful); the civilians, who
//! would flatten the rest, are a number in the panel's caption. A prison's
//! panel marks the faction's attacks on it, as the `region` chart does.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::super::draw::{Entry, Swatch, axes, legend_height, legend_row, line, stack, top};
use super::super::{Chart, ChartError, DrawResult, Figure, render};
use super::{PlaceSeries, Region};

const WIDTH: u32 = 1100;
const COLUMNS: usize = 3;
const PANEL_H: u32 = 230;
/// Up to this many towns each get a panel; beyond, towns are summed and a few picked.
const TOWNS_ALONE: usize = 6;
/// Towns picked by size, and by the faction's members, when towns are summed.
const PICKED: usize = 2;

/// One place's row of columns on one day.
struct Row<'a> {
    place: &'a PlaceSeries,
    day: usize,
}

impl Row<'_> {
    fn get(&self, column: &str) -> f64 {
        cell(self.place, column, self.day)
    }
}

/// A layer's value from a place's row.
type Of = fn(&Row) -> f64;

/// A stacked layer: its label, colour, and value from a place's row of columns.
struct Kind {
    label: String,
    colour: RGBColor,
    of: Of,
}

fn kinds(faction: &str) -> Vec<Kind> {
    let k = |label: String, colour: RGBColor, of: Of| Kind { label, colour, of };
    vec![
        k(format!("{faction} fighters"), RGBColor(130, 45, 0), |c| c.get("fighters")),
        k(format!("{faction} other members"), RGBColor(213, 94, 0), |c| c.get("members") - c.get("fighters")),
        k("other factions' members".into(), RGBColor(204, 121, 167), |c| c.get("supporter") + c.get("fighter") + c.get("informant") - c.get("members")),
        k("away with a faction (hideout)".into(), RGBColor(60, 60, 60), |c| c.get("elsewhere")),
        k("local fighters".into(), RGBColor(0, 158, 115), |c| c.get("local_fighter")),
        k("activists".into(), RGBColor(160, 215, 190), |c| c.get("activist")),
        k("ex-members".into(), RGBColor(240, 228, 66), |c| c.get("ex_member")),
        k(format!("detained: {faction} members"), RGBColor(0, 70, 130), |c| c.get("detained_members")),
        k("detained: others".into(), RGBColor(0, 114, 178), |c| c.get("detained") - c.get("detained_members")),
        k("displaced".into(), RGBColor(86, 180, 233), |c| c.get("displaced")),
    ]
}

/// A panel: a caption, the sum of some places' columns day by day, and the
/// days the faction attacked the place (a prison's panel), with whether the
/// attack freed prisoners.
struct Panel {
    caption: String,
    layers: Vec<Vec<f64>>,
    attacks: Vec<(f64, bool)>,
}

struct Multiples {
    title: String,
    days: Vec<f64>,
    kinds: Vec<Kind>,
    /// Which kinds have anyone in any panel (the others are left out).
    shown: Vec<bool>,
    panels: Vec<Panel>,
}

/// The places of a region as small multiples.
pub fn places(r: &Region) -> Result<Chart, ChartError> {
    let days = r.days();
    if days.is_empty() {
        return Err(ChartError::Empty { chart: "region-places".into(), why: "places.csv has no rows".into() });
    }
    // A panel is about 300 pixels wide: more days than that only weigh down the SVG.
    let kept = super::thin(days.len(), 600);
    let days: Vec<f64> = kept.iter().map(|&d| days[d]).collect();
    let kinds = kinds(&r.faction);
    let panel = |caption: String, group: &[&PlaceSeries]| -> Panel {
        let layers = kinds.iter().map(|k| kept.iter().map(|&d| group.iter().map(|p| value(p, d, k.of)).sum::<f64>().max(0.0)).collect()).collect();
        let civilians: Vec<f64> = kept.iter().map(|&d| group.iter().map(|p| cell(p, "civilian", d)).sum()).collect();
        let first = civilians.first().copied().unwrap_or(0.0);
        let last = civilians.last().copied().unwrap_or(0.0);
        let caption = if first + last > 0.0 { format!("{caption}; civilians {} to {}", count(first), count(last)) } else { caption };
        Panel { caption, layers, attacks: Vec::new() }
    };
    let mut panels = Vec::new();
    let towns: Vec<&PlaceSeries> = r.places.iter().filter(|p| p.kind == "town").collect();
    if towns.len() <= TOWNS_ALONE {
        panels.extend(towns.iter().map(|t| panel(town_caption(t), &[t])));
    } else {
        let held: Vec<&PlaceSeries> = towns.iter().copied().filter(|t| t.held == Some(true)).collect();
        let not_held: Vec<&PlaceSeries> = towns.iter().copied().filter(|t| t.held != Some(true)).collect();
        if !held.is_empty() {
            panels.push(panel(format!("{} held towns (sum)", held.len()), &held));
        }
        let others = if held.is_empty() { format!("all {} towns (sum)", towns.len()) } else { format!("{} towns not held (sum)", not_held.len()) };
        panels.push(panel(others, &not_held));
        for t in picked(&towns) {
            panels.push(panel(town_caption(t), &[t]));
        }
    }
    for kind in ["camp", "prison", "hideout"] {
        for p in r.places.iter().filter(|p| p.kind == kind) {
            let mut one = panel(format!("{} ({kind})", p.name), &[p]);
            // The attack's detail begins with the prison's name: "hasakeh (success): ...".
            let named = format!("{} (", p.name);
            one.attacks = r.prison_attacks.iter().filter(|a| a.detail.starts_with(&named)).map(|a| (a.day, a.detail.contains("(success)"))).collect();
            panels.push(one);
        }
    }
    let shown = (0..kinds.len()).map(|k| panels.iter().any(|p| p.layers[k].iter().any(|v| *v > 0.0))).collect();
    let fig = Multiples { title: format!("{}: who is where, place by place", r.title), days, kinds, shown, panels };
    render("region-places", "The region's places: who is where", &fig)
}

/// A town's caption: its name, and whether the faction held it.
fn town_caption(t: &PlaceSeries) -> String {
    match t.held {
        Some(true) => format!("{} (town, held)", t.name),
        Some(false) => format!("{} (town, not held)", t.name),
        None => format!("{} (town)", t.name),
    }
}

/// The towns drawn alone when towns are summed: the largest at the start,
/// then those where the faction's members peaked highest (ties by order).
fn picked<'a>(towns: &[&'a PlaceSeries]) -> Vec<&'a PlaceSeries> {
    let size = |t: &PlaceSeries| t.table.rows.first().map_or(0.0, |row| t.table.columns.iter().zip(row).filter(|(c, _)| is_status(c)).map(|(_, v)| v).sum());
    let peak = |t: &PlaceSeries| t.table.column("members").unwrap_or_default().into_iter().fold(0.0, f64::max);
    let mut by_size: Vec<usize> = (0..towns.len()).collect();
    by_size.sort_by(|&a, &b| size(towns[b]).total_cmp(&size(towns[a])).then(a.cmp(&b)));
    let mut out: Vec<usize> = by_size.into_iter().take(PICKED).collect();
    let mut by_members: Vec<usize> = (0..towns.len()).filter(|k| !out.contains(k) && peak(towns[*k]) > 0.0).collect();
    by_members.sort_by(|&a, &b| peak(towns[b]).total_cmp(&peak(towns[a])).then(a.cmp(&b)));
    out.extend(by_members.into_iter().take(PICKED));
    out.into_iter().map(|k| towns[k]).collect()
}

fn is_status(c: &str) -> bool {
    ["civilian", "activist", "local_fighter", "supporter", "fighter", "informant", "ex_member", "detained", "displaced", "elsewhere"].contains(&c)
}

fn cell(p: &PlaceSeries, column: &str, d: usize) -> f64 {
    p.table.index(column).and_then(|k| p.table.rows.get(d).and_then(|r| r.get(k))).copied().unwrap_or(0.0)
}

fn value(p: &PlaceSeries, d: usize, of: Of) -> f64 {
    of(&Row { place: p, day: d })
}

/// A head count as a caption prints it: 950, 2.3k, 12k.
fn count(v: f64) -> String {
    if v >= 1000.0 {
        let k = if v >= 10_000.0 { format!("{:.0}", v / 1000.0) } else { format!("{:.1}", v / 1000.0) };
        format!("{}k", k.strip_suffix(".0").unwrap_or(&k))
    } else {
        format!("{v:.0}")
    }
}

impl Figure for Multiples {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(COLUMNS) as u32;
        (WIDTH, 44 + self.legend_height() + rows * PANEL_H)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let root = super::super::draw::titled(root, &self.title, 18)?;
        let (top_row, grid) = root.split_vertically(self.legend_height());
        legend_row(&top_row, &self.entries())?;
        let rows = self.panels.len().div_ceil(COLUMNS);
        let areas = grid.split_evenly((rows, COLUMNS));
        let x = (self.days.first().copied().unwrap_or(0.0), self.days.last().copied().unwrap_or(0.0).max(1.0));
        for (p, area) in self.panels.iter().zip(&areas) {
            let layers: Vec<(&[f64], RGBColor)> =
                self.kinds.iter().zip(&p.layers).zip(&self.shown).filter(|(_, s)| **s).map(|((k, v), _)| (v.as_slice(), k.colour)).collect();
            let totals = (0..self.days.len()).map(|d| layers.iter().map(|(v, _)| v[d]).sum::<f64>());
            let y1 = top(totals);
            let mut chart = axes(area, &p.caption, x, (0.0, y1), "day", "people")?;
            stack(&mut chart, &self.days, &layers)?;
            for &(day, freed) in &p.attacks {
                let (pattern, width) = if freed { (0, 2) } else { (1, 1) };
                line(&mut chart, &[(day, 0.0), (day, y1)], super::ATTACK, pattern, width)?;
            }
        }
        Ok(())
    }
}

impl Multiples {
    /// The legend, in the order the stacks read from the bottom.
    fn entries(&self) -> Vec<Entry> {
        let mut out: Vec<Entry> = self
            .kinds
            .iter()
            .zip(&self.shown)
            .filter(|(_, s)| **s)
            .map(|(k, _)| Entry { label: k.label.clone(), colour: k.colour, swatch: Swatch::Fill })
            .collect();
        if self.panels.iter().any(|p| p.attacks.iter().any(|a| a.1)) {
            out.push(Entry { label: "prison attack, freed some".into(), colour: super::ATTACK, swatch: Swatch::Line(0) });
        }
        if self.panels.iter().any(|p| p.attacks.iter().any(|a| !a.1)) {
            out.push(Entry { label: "prison attack, repelled".into(), colour: super::ATTACK, swatch: Swatch::Line(1) });
        }
        out
    }

    fn legend_height(&self) -> u32 {
        let labels: Vec<String> = self.entries().into_iter().map(|e| e.label).collect();
        legend_height(&labels, WIDTH)
    }
}
