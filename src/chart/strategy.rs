//! The factions' defection strategies (`strategy`; docs/model.md 7.20-7.22),
//! from the strategy columns of timeseries.csv (`phase_<f>`, `towns_held_<f>`,
//! the day's approaches, pledges, tawba and defections). On one time axis,
//! for each faction that did anything: its campaign phase as coloured bands,
//! named where they are wide enough, with the towns it holds as a line; then
//! who defected to whom a month at a time: to it by covert approach (the
//! approached and the followers they brought), by public pledge and by tawba,
//! and against it to the government, with the repentants it caught leaving and
//! the irredeemable it executed. Last, the contest: the contested choices
//! (anyone a faction approached or offered tawba, weighing its offer against
//! the government's) won by each side a month at a time.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::draw::{Entry, Plot, Swatch, axes, font, legend, line, top};
use super::region::{MONTH, monthly};
use super::{Chart, ChartError, DrawResult, Figure, Table, render};
use crate::process::campaign::Phase;

const WIDTH: u32 = 1100;
/// The legend column: wider than the region chart's, for the totals in its labels.
const SIDE: u32 = 290;
const STRIP_H: u32 = 170;
const PANEL_H: u32 = 220;

/// The phases' colours, in the order of [`Phase::ALL`] (Okabe and Ito's
/// palette; dormant a light grey). Each band wide enough is named too, so the
/// strip reads in grey.
pub const PHASE_COLOURS: [RGBColor; 5] = [
    RGBColor(225, 225, 225), // dormant
    RGBColor(86, 180, 233),  // guerrilla: sky blue
    RGBColor(230, 159, 0),   // consolidation: orange
    RGBColor(213, 94, 0),    // territory: vermillion
    RGBColor(204, 121, 167), // collapse: reddish purple
];
const FACTION_WON: RGBColor = RGBColor(213, 94, 0);
const GOVERNMENT: RGBColor = RGBColor(0, 114, 178);

/// The factions with strategy columns (`phase_<f>` and `towns_held_<f>`), in
/// the order of the columns.
pub fn factions(series: &Table) -> Vec<String> {
    series.columns.iter().filter_map(|c| c.strip_prefix("phase_")).filter(|f| series.index(&format!("towns_held_{f}")).is_some()).map(str::to_string).collect()
}

/// Whether a run's timeseries holds the strategy columns (a faction with a
/// campaign or tawba, or a government offer): the `strategy` chart is drawn.
pub fn drawn_for(series: &Table) -> bool {
    !factions(series).is_empty()
}

/// Consecutive days in one phase: (first day, the day after the last, phase).
pub fn phase_runs(days: &[f64], phase: &[f64]) -> Vec<(f64, f64, usize)> {
    let mut out: Vec<(f64, f64, usize)> = Vec::new();
    for (&d, &p) in days.iter().zip(phase) {
        let p = if p.is_finite() { (p.max(0.0) as usize).min(Phase::ALL.len() - 1) } else { 0 };
        match out.last_mut() {
            Some(last) if last.2 == p => last.1 = d + 1.0,
            _ => out.push((d, d + 1.0, p)),
        }
    }
    out
}

/// A monthly flow: its label, colour, dash pattern, and the total over the run.
struct Flow {
    label: String,
    points: Vec<(f64, f64)>,
    colour: RGBColor,
    dash: usize,
}

enum Panel {
    /// A faction's phases as bands and the towns it holds.
    Phases { caption: String, runs: Vec<(f64, f64, usize)>, towns: Vec<(f64, f64)>, windows: Vec<f64>, offensives: (Vec<f64>, f64) },
    /// Monthly flows as lines.
    Flows { caption: String, flows: Vec<Flow> },
    /// The contest a month at a time: (bin centre, won by a faction, won by the government), and the totals.
    Contest { bins: Vec<(f64, f64, f64)>, to_faction: f64, to_government: f64 },
}

struct Strategy {
    title: String,
    x: (f64, f64),
    panels: Vec<Panel>,
}

/// The `strategy` chart of a run whose timeseries has the strategy columns;
/// factions are named by their label where it is short enough for a legend.
pub fn strategy(title: &str, series: &Table, labels: &BTreeMap<String, String>) -> Result<Chart, ChartError> {
    let empty = |why: &str| ChartError::Empty { chart: "strategy".into(), why: why.into() };
    let days = series.column("day").ok_or_else(|| empty("timeseries.csv has no `day` column"))?;
    if days.is_empty() {
        return Err(empty("timeseries.csv has no rows"));
    }
    let all = factions(series);
    if all.is_empty() {
        return Err(empty("timeseries.csv has no `phase_<faction>` column"));
    }
    let col = |name: String| series.column(&name).unwrap_or_else(|| vec![0.0; days.len()]);
    let total = |v: &[f64]| v.iter().filter(|x| x.is_finite()).sum::<f64>();
    // A faction that never left dormancy and moved nobody has nothing to show.
    let flows_of = ["approached", "shifted", "followers", "pledged", "tawba_offered", "tawba_taken", "executed", "repentants_caught", "government_defections"];
    let active = |f: &String| col(format!("phase_{f}")).iter().any(|p| *p > 0.0) || flows_of.iter().any(|k| total(&col(format!("{k}_{f}"))) > 0.0);
    let shown: Vec<&String> = if all.iter().any(active) { all.iter().filter(|f| active(f)).collect() } else { all.iter().collect() };
    let month = |v: &[f64]| monthly(&days, v);
    let mut panels = Vec::new();
    for f in shown {
        let name = labels.get(f).filter(|l| l.chars().count() <= 20).cloned().unwrap_or_else(|| f.clone());
        let towns = col(format!("towns_held_{f}"));
        let most = towns.iter().copied().fold(0.0, f64::max);
        let moved = flows_of.iter().any(|k| total(&col(format!("{k}_{f}"))) > 0.0);
        let windows = days.iter().zip(col(format!("tawba_windows_{f}"))).filter(|(_, n)| *n > 0.0).map(|(d, _)| *d).collect();
        let offensives = days.iter().zip(col(format!("offensives_{f}"))).filter(|(_, n)| *n > 0.0).map(|(d, _)| *d).collect();
        let offensives = (offensives, total(&col(format!("offensives_won_{f}"))));
        let caption = format!("{name}: its campaign phase, and the towns it holds (at most {most:.0})");
        panels.push(Panel::Phases {
            caption: if moved { caption } else { format!("{caption}; nobody approached, and nobody defected to or from it") },
            runs: phase_runs(&days, &col(format!("phase_{f}"))),
            towns: days.iter().copied().zip(towns).collect(),
            windows,
            offensives,
        });
        if !moved {
            continue;
        }
        let covert: Vec<f64> = col(format!("shifted_{f}")).iter().zip(col(format!("followers_{f}"))).map(|(a, b)| a + b).collect();
        let flow = |label: &str, daily: Vec<f64>, colour: RGBColor, dash: usize| Flow {
            label: format!("{label} ({:.0})", total(&daily)),
            points: month(&daily),
            colour,
            dash,
        };
        let flows = vec![
            flow("to it: covert approach", covert, RGBColor(230, 159, 0), 0),
            flow("to it: public pledge", col(format!("pledged_{f}")), RGBColor(204, 121, 167), 1),
            flow("to it: tawba", col(format!("tawba_taken_{f}")), FACTION_WON, 2),
            flow("from it to the government", col(format!("government_defections_{f}")), GOVERNMENT, 3),
            flow("repentants caught leaving", col(format!("repentants_caught_{f}")), RGBColor(0, 158, 115), 1),
            flow("irredeemable executed", col(format!("executed_{f}")), RGBColor(0, 0, 0), 2),
        ];
        let (approached, offered) = (total(&col(format!("approached_{f}"))), total(&col(format!("tawba_offered_{f}"))));
        panels.push(Panel::Flows {
            caption: format!("{name}: who defected to whom, per 30 days ({approached:.0} approached covertly, {offered:.0} offered tawba in all)"),
            flows,
        });
    }
    let (won, lost) = (col("contested_to_faction".into()), col("contested_to_government".into()));
    let bins = month(&won).into_iter().zip(month(&lost)).map(|((m, a), (_, b))| (m, a, b)).collect();
    panels.push(Panel::Contest { bins, to_faction: total(&won), to_government: total(&lost) });
    let x = (days[0], days[days.len() - 1].max(days[0] + 1.0) + 1.0);
    let fig = Strategy { title: format!("{title}: the factions' strategies"), x, panels };
    render("strategy", "The factions' strategies: their phases, who defected to whom, and the contest for the same people", &fig)
}

impl Panel {
    fn height(&self) -> u32 {
        match self {
            Panel::Phases { .. } => STRIP_H,
            _ => PANEL_H,
        }
    }
}

impl Figure for Strategy {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 44 + self.panels.iter().map(Panel::height).sum::<u32>() + 20)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let mut rest = super::draw::titled(root, &self.title, 18)?;
        let n = self.panels.len();
        for (k, p) in self.panels.iter().enumerate() {
            let last = k + 1 == n;
            let (area, below) = rest.split_vertically(p.height() + if last { 20 } else { 0 });
            let (plot, side) = area.split_horizontally(WIDTH - SIDE);
            let x_desc = if last { "day" } else { "" };
            match p {
                Panel::Phases { caption, runs, towns, windows, offensives } => phases(&plot, &side, caption, runs, towns, windows, offensives, self.x, x_desc)?,
                Panel::Flows { caption, flows } => {
                    let y1 = top(flows.iter().flat_map(|f| f.points.iter().map(|q| q.1)));
                    let mut chart = axes(&plot, caption, self.x, (0.0, y1), x_desc, "people a month")?;
                    let mut entries = Vec::new();
                    for f in flows {
                        line(&mut chart, &f.points, f.colour, f.dash, 2)?;
                        entries.push(Entry { label: f.label.clone(), colour: f.colour, swatch: Swatch::Line(f.dash) });
                    }
                    legend(&side, "total over the run in brackets", &entries)?;
                }
                Panel::Contest { bins, to_faction, to_government } => contest(&plot, &side, bins, *to_faction, *to_government, self.x, x_desc)?,
            }
            rest = below;
        }
        Ok(())
    }
}

/// The phase strip: a band a phase, named where wide enough, under the towns
/// held, the days its tawba windows opened as dashed black lines, and the
/// days the state's offensives on its towns began as dotted red lines (7.23).
#[allow(clippy::too_many_arguments)]
fn phases<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    side: &DrawingArea<DB, Shift>,
    caption: &str,
    runs: &[(f64, f64, usize)],
    towns: &[(f64, f64)],
    windows: &[f64],
    offensives: &(Vec<f64>, f64),
    x: (f64, f64),
    x_desc: &str,
) -> DrawResult<DB> {
    // At least 4 towns high, so that a faction holding none or one is not drawn on a scale of fractions.
    let y1 = top(towns.iter().map(|t| t.1)).max(4.0);
    let mut chart = axes(plot, caption, x, (0.0, y1), x_desc, "towns held")?;
    chart.draw_series(runs.iter().map(|&(a, b, p)| Rectangle::new([(a, 0.0), (b, y1)], PHASE_COLOURS[p].filled())))?;
    name_bands(&mut chart, runs, x, y1)?;
    for &d in windows {
        line(&mut chart, &[(d, 0.0), (d, y1)], RGBColor(0, 0, 0), 1, 1)?;
    }
    for &d in &offensives.0 {
        line(&mut chart, &[(d, 0.0), (d, y1)], OFFENSIVE, 2, 2)?;
    }
    line(&mut chart, towns, RGBColor(0, 0, 0), 0, 2)?;
    let mut entries: Vec<Entry> =
        Phase::ALL.iter().map(|p| Entry { label: p.name().to_string(), colour: PHASE_COLOURS[*p as usize], swatch: Swatch::Fill }).collect();
    entries.push(Entry { label: "towns held".into(), colour: RGBColor(0, 0, 0), swatch: Swatch::Line(0) });
    if !windows.is_empty() {
        entries.push(Entry { label: format!("a tawba window opens ({})", windows.len()), colour: RGBColor(0, 0, 0), swatch: Swatch::Line(1) });
    }
    if !offensives.0.is_empty() {
        let label = format!("the state's offensive ({}; {:.0} drove it out)", offensives.0.len(), offensives.1);
        entries.push(Entry { label, colour: OFFENSIVE, swatch: Swatch::Line(2) });
    }
    legend(side, "phase", &entries)
}

/// The state's offensives (7.23).
const OFFENSIVE: RGBColor = RGBColor(170, 20, 20);

/// Each band's phase written in it, when the band is wide enough for the word.
fn name_bands<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, runs: &[(f64, f64, usize)], x: (f64, f64), y1: f64) -> DrawResult<DB> {
    let (w, _) = chart.plotting_area().dim_in_pixel();
    let per_day = f64::from(w) / (x.1 - x.0).max(1.0);
    let style = font(11).pos(Pos::new(HPos::Center, VPos::Top));
    let named = runs.iter().filter(|(a, b, p)| (b - a) * per_day > 7.0 * Phase::ALL[*p].name().len() as f64 + 10.0);
    chart.draw_series(named.map(|&(a, b, p)| Text::new(Phase::ALL[p].name().to_string(), ((a + b) / 2.0, y1 * 0.96), style.clone())))?;
    Ok(())
}

/// The contested choices a month at a time, stacked: won by a faction below,
/// by the government above; the legend gives the totals and shares.
fn contest<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    side: &DrawingArea<DB, Shift>,
    bins: &[(f64, f64, f64)],
    to_faction: f64,
    to_government: f64,
    x: (f64, f64),
    x_desc: &str,
) -> DrawResult<DB> {
    let y1 = top(bins.iter().map(|b| b.1 + b.2));
    let caption = "The contest: choices between a faction's offer and the government's, won by each side (per 30 days)";
    let mut chart = axes(plot, caption, x, (0.0, y1), x_desc, "choices a month")?;
    let half = f64::from(MONTH) / 2.0 - 2.0;
    chart.draw_series(bins.iter().map(|&(m, a, _)| Rectangle::new([(m - half, 0.0), (m + half, a)], FACTION_WON.filled())))?;
    chart.draw_series(bins.iter().map(|&(m, a, b)| Rectangle::new([(m - half, a), (m + half, a + b)], GOVERNMENT.filled())))?;
    let all = to_faction + to_government;
    let share = |v: f64| if all > 0.0 { format!("{v:.0}, {:.0}%", 100.0 * v / all) } else { "none".into() };
    let entries = vec![
        Entry { label: format!("won by the government ({})", share(to_government)), colour: GOVERNMENT, swatch: Swatch::Fill },
        Entry { label: format!("won by a faction ({})", share(to_faction)), colour: FACTION_WON, swatch: Swatch::Fill },
    ];
    legend(side, "all factions together", &entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_run_from_their_first_day_to_the_day_after_their_last() {
        let days = [0.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(phase_runs(&days, &[0.0, 1.0, 1.0, 2.0, 1.0]), vec![(0.0, 1.0, 0), (1.0, 3.0, 1), (3.0, 4.0, 2), (4.0, 5.0, 1)]);
        // A number past the last phase is drawn as the last, not out of the palette.
        assert_eq!(phase_runs(&[0.0], &[9.0]), vec![(0.0, 1.0, 4)]);
    }

    #[test]
    fn the_factions_are_those_with_a_phase_and_towns_held_column() {
        let columns = ["day", "phase_isis", "towns_held_isis", "phase_nusra", "towns_held_nusra", "phase_lonely"];
        let t = Table { columns: columns.iter().map(|c| c.to_string()).collect(), rows: Vec::new() };
        assert_eq!(factions(&t), vec!["isis".to_string(), "nusra".to_string()]);
        assert!(!drawn_for(&Table { columns: vec!["day".into()], rows: Vec::new() }));
    }
}
