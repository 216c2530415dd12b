//! The government's counter-offensive (step 6b of the day; docs/model.md
//! 7.23): the state's troops retake a town a faction holds.
//!
//! Ingram and Mohammed (2022) describe the faction's cycle as booms and
//! busts: its "near decimation by the U.S. surge and Sunni Awakening", the
//! "territorial collapse of its caliphate", then the rebuilding. Here the
//! bust comes from the state's side. Each town a faction holds (its court and
//! police) draws an offensive at `offensives_per_year`, one battle at a time
//! in the region. The offensive is a battle of the confrontation kind (7):
//! the state's `troops` fight beside whoever of the town is mobilised
//! against the faction's fighters in the town and its reinforcements, by the
//! same stochastic square-law attrition, each trooper putting
//! `troop_effectiveness` fighters out of action a day. It ends as a battle
//! does: the faction expelled from the town (its fighters captured into the
//! state's prisons where the region has room, or fled; its other members
//! ex-members; the institutions back to the community) or the troops beaten
//! back. What follows is the faction's: its phase reads collapse, then
//! guerrilla; it rebuilds with its own approaches and windows, and may take
//! the town again (a faction attacks a town again once driven from it).
//!
//! The hazard is a rate, not a date: when the state strikes, and whether it
//! wins, vary across replicates.

use rand::RngExt;

use super::confrontation::Battle;
use crate::rng::Stream;
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub offensives_per_year: Option<f64>,
    pub troops: Option<f64>,
    pub troop_effectiveness: Option<f64>,
    pub garrison_days: Option<f64>,
}

/// The state's counter-offensives (`[counter_offensive]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub offensives_per_year: f64,
    pub troops: f64,
    pub troop_effectiveness: f64,
    pub garrison_days: f64,
}

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        Ok(Params {
            offensives_per_year: r(
                "offensives_per_year",
                raw.offensives_per_year,
                Real {
                    default: 0.0,
                    min: 0.0,
                    max: 365.0,
                    unit: "offensives per town held per year",
                    doc: "The state's offensives on each town a faction holds (its court and police), a year; one battle at a time in the region; 0: none.",
                    source: "Ingram and Mohammed 2022 ('near decimation by the U.S. surge'; 'the territorial collapse of its caliphate'); rate: assumption",
                },
            )?,
            troops: r(
                "troops",
                raw.troops,
                Real {
                    default: 300.0,
                    min: 0.0,
                    max: 1_000_000.0,
                    unit: "fighters",
                    doc: "The state's troops committed to one offensive (they are not people of the region: their losses are counted, not simulated).",
                    source: "assumption",
                },
            )?,
            troop_effectiveness: r(
                "troop_effectiveness",
                raw.troop_effectiveness,
                Real {
                    default: 0.03,
                    min: 0.0,
                    max: 1.0,
                    unit: "fighters a day per trooper",
                    doc: "The faction's fighters one trooper puts out of action a day (Lanchester coefficient; a town fighter's is confrontation.town_effectiveness).",
                    source: "assumption (a trained force, somewhat above the town's 0.02)",
                },
            )?,
            garrison_days: r(
                "garrison_days",
                raw.garrison_days,
                Real {
                    default: 365.0,
                    min: 1.0,
                    max: 100_000.0,
                    unit: "days",
                    doc: "Mean days the troops left in a retaken town stay (they thin out exponentially): a garrison counts among the town's defenders and fights a faction that attacks it.",
                    source: "assumption (Ingram and Mohammed 2022: the faction returns to its former strongholds once 'security' wanes)",
                },
            )?,
        })
    }
}

/// Open an offensive on a town a faction holds, if one falls due today and
/// no battle is under way.
pub fn step(w: &mut World, s: &Scenario) {
    let co = &s.counter_offensive;
    // Garrisons thin out (a smooth withdrawal, not a date).
    let stay = (-1.0 / co.garrison_days).exp();
    for g in w.region.garrison.iter_mut().filter(|g| **g > 0.0) {
        *g = if *g * stay < 0.5 { 0.0 } else { *g * stay };
    }
    if co.offensives_per_year <= 0.0 || co.troops <= 0.0 || w.battles.last().is_some_and(|b| b.outcome.is_none()) {
        return;
    }
    let daily = co.offensives_per_year / 365.0;
    for (f, fp) in s.factions.iter().enumerate() {
        let held = super::campaign::held(w, s, f);
        if !held.contains(&true) {
            continue;
        }
        let mut rng = w.key.stream(Stream::CounterOffensive, w.day, f as u32);
        // One draw per town in the region's order, so the day's offensive
        // (the first that falls due) does not depend on how many towns follow.
        let due = held.iter().enumerate().filter(|(_, h)| **h).map(|(t, _)| t).find(|_| rng.random::<f64>() < daily);
        if let Some(t) = due {
            let t = t as u16;
            w.battles.push(Battle { faction: f as u8, town: t, start_day: w.day, storm: true, government: true, troops: co.troops, ..Battle::default() });
            w.today.strategy.offensives[f] += 1;
            let fighters = super::town::fighters(w, s, f, t);
            w.event("government_offensive", &fp.name, None, fighters, super::town::label(s, &format!("{:.0} troops", co.troops), t));
            return;
        }
    }
}

/// The state's garrison in town `t` (0 where it has none).
pub fn garrison(w: &World, t: u16) -> f64 {
    w.region.garrison.get(t as usize).copied().unwrap_or(0.0)
}

/// Move person `i` (captured, already detained) to the first of the region's
/// prisons with room; false if there is none (the town's custody takes them).
pub fn imprison(w: &mut World, s: &Scenario, i: usize) -> bool {
    let Some(k) = super::detention::prison_with_room(w, s) else {
        return false;
    };
    super::detention::into_prison(w, i, k);
    true
}
