//! A run's summary of a faction's defection strategy and of the contest with
//! the government's offer (docs/model.md, 7.20-7.22): days in each phase,
//! who went over to whom, its tawba windows and rehabilitation.

use crate::record::DayRecord;
use crate::scenario::Scenario;
use crate::world::World;

/// One faction's campaign and tawba over a run (`factions.<name>.strategy`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct StrategySummary {
    /// The phase at the end, the first day of each phase (`null` if never),
    /// and the days in each.
    pub phase_end: &'static str,
    pub first_guerrilla_day: Option<u32>,
    pub first_consolidation_day: Option<u32>,
    pub first_territory_day: Option<u32>,
    pub first_collapse_day: Option<u32>,
    pub days_guerrilla: u64,
    pub days_consolidation: u64,
    pub days_territory: u64,
    pub days_collapse: u64,
    pub towns_held_peak: u64,
    /// Times it held a town again after a collapse (its return), and the first day.
    pub returns: u64,
    pub first_return_day: Option<u32>,
    /// The state's offensives on towns it held, and those that drove it out (7.23).
    pub offensives: u64,
    pub offensives_won: u64,
    /// Approaches (figures and families), figures who shifted, followers.
    pub approached: u64,
    pub shifted: u64,
    pub followers: u64,
    pub pledges: u64,
    pub pledged: u64,
    /// Local fighters who went over to it by approach or tawba (shifted,
    /// following or repenting), before its first open fight.
    pub local_fighters_won_before_fight: u64,
    pub tawba_windows: u64,
    pub tawba_offered: u64,
    pub tawba_taken: u64,
    pub executed: u64,
    pub repentants_admitted: u64,
    pub repentants_caught: u64,
    pub awakening: u64,
    pub government_defections: u64,
    /// Choices weighed between its offer and the government's, and those it won.
    pub contested: u64,
    pub contested_won: u64,
    /// The intelligence it ended with.
    pub intelligence_end: f64,
}

/// Faction `f`'s strategy summary, or None when the run records no strategies.
pub fn of(s: &Scenario, w: &World, records: &[DayRecord], f: usize) -> Option<StrategySummary> {
    if !s.strategies_on() || records.is_empty() {
        return None;
    }
    let sum = |get: &dyn Fn(&crate::record::StrategyCounts) -> u64| records.iter().map(|r| get(&r.counts.strategy)).sum::<u64>();
    let first = |phase: crate::process::campaign::Phase| records.iter().find(|r| r.phase[f] == phase as u8).map(|r| r.day);
    let days = |phase: crate::process::campaign::Phase| records.iter().skip(1).filter(|r| r.phase[f] == phase as u8).count() as u64;
    use crate::process::campaign::Phase::*;
    let fight = w.battles.iter().filter(|b| b.faction as usize == f).map(|b| b.start_day).min().unwrap_or(u32::MAX);
    let won_before: u64 = records.iter().filter(|r| r.day < fight).map(|r| r.counts.local_fighters_to[f]).sum();
    let st = &w.factions[f].campaign;
    // A return: territory again after a collapse.
    let (mut returns, mut first_return_day, mut collapsed) = (0, None, false);
    for r in records {
        match r.phase[f] {
            p if p == Collapse as u8 => collapsed = true,
            p if p == Territory as u8 && collapsed => {
                returns += 1;
                first_return_day.get_or_insert(r.day);
                collapsed = false;
            }
            _ => {}
        }
    }
    let offensives = w.battles.iter().filter(|b| b.faction as usize == f && b.government);
    let offensives_won = offensives.clone().filter(|b| b.outcome == Some(crate::process::confrontation::Outcome::Expelled)).count() as u64;
    Some(StrategySummary {
        phase_end: st.phase.name(),
        first_guerrilla_day: first(Guerrilla),
        first_consolidation_day: first(Consolidation),
        first_territory_day: first(Territory),
        first_collapse_day: first(Collapse),
        days_guerrilla: days(Guerrilla),
        days_consolidation: days(Consolidation),
        days_territory: days(Territory),
        days_collapse: days(Collapse),
        towns_held_peak: records.iter().map(|r| u64::from(r.towns_held[f])).max().unwrap_or(0),
        returns,
        first_return_day,
        offensives: offensives.count() as u64,
        offensives_won,
        approached: sum(&|k| k.approached[f]),
        shifted: sum(&|k| k.shifted[f]),
        followers: sum(&|k| k.followers[f]),
        pledges: sum(&|k| k.pledges[f]),
        pledged: sum(&|k| k.pledged[f]),
        local_fighters_won_before_fight: won_before,
        tawba_windows: sum(&|k| k.windows[f]),
        tawba_offered: sum(&|k| k.tawba_offered[f]),
        tawba_taken: sum(&|k| k.tawba_taken[f]),
        executed: sum(&|k| k.executed[f]),
        repentants_admitted: sum(&|k| k.repentants_admitted[f]),
        repentants_caught: sum(&|k| k.repentants_caught[f]),
        awakening: sum(&|k| k.awakening[f]),
        government_defections: sum(&|k| k.government_defections[f]),
        contested: sum(&|k| k.contested_by[f][0] + k.contested_by[f][1]),
        contested_won: sum(&|k| k.contested_by[f][1]),
        intelligence_end: st.intelligence,
    })
}
