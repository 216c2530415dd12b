//! A region's outcomes over a run (summary.json's `region`, and runs.csv
//! through it): head counts at the start and end, the flows' totals, the
//! faction's strength and attacks around its first prison attack, commitment
//! in detention, what became of those who came of age in detention, and the
//! order in which the faction came back to towns (docs/model.md, 7.19).

use crate::record::DayRecord;
use crate::scenario::Scenario;
use crate::society::people::{Flags, Status};
use crate::world::World;

/// Days before and after the first prison attack over which attacks and
/// strength are compared (pattern 11: "within months").
pub const AROUND_ATTACK_DAYS: u32 = 180;

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RegionSummary {
    pub places: u64,
    pub towns: u64,
    pub detained_start: u64,
    pub detained_end: u64,
    pub displaced_start: u64,
    pub displaced_end: u64,
    pub births: u64,
    pub natural_deaths: u64,
    pub displaced: u64,
    pub returned: u64,
    pub released: u64,
    pub escaped: u64,
    pub repatriated: u64,
    pub convicted: u64,
    pub rejoined_from_detention: u64,
    pub recruited_in_detention: u64,
    pub joins_displaced: u64,
    pub joins_camp_raised: u64,
    pub attacks: u64,
    pub attack_deaths: u64,
    pub prison_attacks: u64,
    pub first_prison_attack_day: Option<u32>,
    /// The first prison attack that freed anyone, and how many all attacks freed.
    pub first_prison_break_day: Option<u32>,
    pub freed_by_attacks: u64,
    /// The faction's strength (members in towns, fighters elsewhere) at the
    /// start, its peak, at the end, and on the days around its first prison
    /// break (the first attack that freed anyone).
    pub strength_start: u64,
    pub strength_peak: u64,
    pub strength_end: u64,
    pub strength_before_attack: Option<u64>,
    pub strength_after_attack: Option<u64>,
    /// Attacks in the `AROUND_ATTACK_DAYS` before and after the first prison break.
    pub attacks_before_attack: Option<u64>,
    pub attacks_after_attack: Option<u64>,
    /// Mean commitment of the detained at the start and at the end.
    pub detained_commitment_start: f64,
    pub detained_commitment_end: f64,
    /// Those who came of age in detention: in all, out of detention at the
    /// end, and of those out, with the faction (members or elsewhere with it).
    pub came_of_age_detained: u64,
    pub camp_raised_out: u64,
    pub camp_raised_with_faction: u64,
    /// Youth never raised in detention, out of it at the end, and with the faction.
    pub youth_out: u64,
    pub youth_with_faction: u64,
    /// Towns the faction held, and of the towns where it first had a cell of
    /// `insurgency.cell_size` members, as many as it held, how many it held.
    pub towns_held: u64,
    pub towns_with_cells: u64,
    pub first_cells_in_held: u64,
    pub first_cells_counted: u64,
    /// Towns whose council called them out (each town rises on its own,
    /// docs/model.md 7.5), towns a faction was driven out of by a battle, and
    /// days from the first such expulsion to the last (0 with one or none).
    pub towns_risen: u64,
    pub towns_expelling: u64,
    pub expulsion_span_days: u64,
}

fn strength(r: &DayRecord, s: &Scenario, f: usize) -> u64 {
    let towns: u64 = r.places.iter().take(s.region.towns).map(|d| u64::from(d.members)).sum();
    let hideout = s.region.hideout(f) as usize;
    towns + r.places.get(hideout).map_or(0, |d| u64::from(d.status[Status::Elsewhere as usize]))
}

fn detained_commitment(r: &DayRecord) -> f64 {
    let (mut c, mut n) = (0.0, 0u64);
    for d in &r.places {
        let held = u64::from(d.status[Status::Detained as usize]);
        c += f64::from(d.detained_commitment) * held as f64;
        n += held;
    }
    if n > 0 { c / n as f64 } else { 0.0 }
}

pub fn of(s: &Scenario, w: &World, records: &[DayRecord]) -> Option<RegionSummary> {
    if !s.region.declared || records.is_empty() {
        return None;
    }
    let f = s.detention.faction as usize;
    let (first, last) = (&records[0], &records[records.len() - 1]);
    let sum = |get: &dyn Fn(&crate::record::RegionCounts) -> u64| records.iter().map(|r| get(&r.counts.region)).sum::<u64>();
    let strengths: Vec<u64> = records.iter().map(|r| strength(r, s, f)).collect();
    let first_attack = w.events.iter().find(|e| e.kind == "prison_attack").map(|e| e.day);
    let attack_day = w.region.first_break;
    let around = |from: i64, to: i64, get: &dyn Fn(&DayRecord) -> u64| -> u64 {
        records.iter().filter(|r| i64::from(r.day) >= from && i64::from(r.day) < to).map(get).sum()
    };
    let (mut camp_raised_out, mut camp_raised_with, mut youth_out, mut youth_with) = (0, 0, 0, 0);
    let p = &w.society.people;
    for i in 0..p.len() {
        let st = p.status[i];
        if matches!(st, Status::Dead | Status::Detained) {
            continue;
        }
        let with = (st.member() || st == Status::Elsewhere) && p.faction[i] as usize == f;
        if p.flags[i].has(Flags::CAMP_RAISED) {
            camp_raised_out += 1;
            camp_raised_with += u64::from(with);
        } else if p.age[i] == crate::society::people::AgeClass::Youth && p.origin[i] == crate::society::people::Origin::Local {
            youth_out += 1;
            youth_with += u64::from(with);
        }
    }
    let held: Vec<bool> = s.region.places[..s.region.towns].iter().map(|t| t.held).collect();
    let towns_held = held.iter().filter(|&&h| h).count();
    let mut cells: Vec<(u32, usize)> = w.region.cell_day.iter().take(s.region.towns).enumerate().filter_map(|(t, d)| d.map(|d| (d, t))).collect();
    cells.sort_unstable();
    let counted = cells.len().min(towns_held);
    let mut risen: Vec<u16> = w.past_uprisings.iter().chain(std::iter::once(&w.uprising)).filter(|u| u.call_day.is_some()).map(|u| u.town).collect();
    risen.sort_unstable();
    risen.dedup();
    let expelled: Vec<&crate::process::confrontation::Battle> =
        w.battles.iter().filter(|b| b.outcome == Some(crate::process::confrontation::Outcome::Expelled)).collect();
    let mut expelling: Vec<u16> = expelled.iter().map(|b| b.town).collect();
    expelling.sort_unstable();
    expelling.dedup();
    let days: Vec<u32> = expelled.iter().filter_map(|b| b.decided_day).collect();
    let span = days.iter().max().zip(days.iter().min()).map_or(0, |(a, b)| a - b);
    Some(RegionSummary {
        places: s.region.places.len() as u64,
        towns: s.region.towns as u64,
        detained_start: first.status[Status::Detained as usize],
        detained_end: last.status[Status::Detained as usize],
        displaced_start: first.status[Status::Displaced as usize],
        displaced_end: last.status[Status::Displaced as usize],
        births: sum(&|r| r.births),
        natural_deaths: sum(&|r| r.natural_deaths),
        displaced: sum(&|r| r.displaced),
        returned: sum(&|r| r.returned),
        released: sum(&|r| r.released),
        escaped: sum(&|r| r.escaped),
        repatriated: sum(&|r| r.repatriated),
        convicted: sum(&|r| r.convicted),
        rejoined_from_detention: sum(&|r| r.rejoined),
        recruited_in_detention: sum(&|r| r.recruited_in_detention),
        joins_displaced: sum(&|r| r.joins_displaced),
        joins_camp_raised: sum(&|r| r.joins_camp_raised),
        attacks: sum(&|r| r.attacks),
        attack_deaths: sum(&|r| r.attack_deaths),
        prison_attacks: sum(&|r| r.prison_attacks),
        first_prison_attack_day: first_attack,
        first_prison_break_day: attack_day,
        freed_by_attacks: sum(&|r| r.freed_by_attacks),
        strength_start: strengths[0],
        strength_peak: strengths.iter().copied().max().unwrap_or(0),
        strength_end: *strengths.last().unwrap_or(&0),
        strength_before_attack: attack_day.map(|d| strengths[(d as usize).saturating_sub(1).min(strengths.len() - 1)]),
        strength_after_attack: attack_day.map(|d| strengths[((d + AROUND_ATTACK_DAYS) as usize).min(strengths.len() - 1)]),
        attacks_before_attack: attack_day.map(|d| around(i64::from(d) - i64::from(AROUND_ATTACK_DAYS), i64::from(d), &|r| r.counts.region.attacks)),
        attacks_after_attack: attack_day.map(|d| around(i64::from(d) + 1, i64::from(d + 1 + AROUND_ATTACK_DAYS), &|r| r.counts.region.attacks)),
        detained_commitment_start: detained_commitment(first),
        detained_commitment_end: detained_commitment(last),
        came_of_age_detained: sum(&|r| r.came_of_age_detained),
        camp_raised_out,
        camp_raised_with_faction: camp_raised_with,
        youth_out,
        youth_with_faction: youth_with,
        towns_held: towns_held as u64,
        towns_with_cells: cells.len() as u64,
        first_cells_in_held: cells[..counted].iter().filter(|(_, t)| held[*t]).count() as u64,
        first_cells_counted: counted as u64,
        towns_risen: risen.len() as u64,
        towns_expelling: expelling.len() as u64,
        expulsion_span_days: u64::from(span),
    })
}
