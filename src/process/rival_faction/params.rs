//! A faction's strategy (`[factions.<name>.strategy]`): how it weighs a move
//! against the resistance it expects (rival_faction/mod.rs) and whether, once
//! driven out, it comes back (faction.rs, `arrivals`).

use crate::scenario::{Check, Int, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStrategy {
    pub soundings: Option<i64>,
    pub base_value: Option<f64>,
    pub defeat_cost: Option<f64>,
    pub resistance_cost: Option<f64>,
    pub lesson_weight: Option<f64>,
    pub move_cost: Option<f64>,
    pub hold_per_1000: Option<f64>,
    pub returns: Option<bool>,
    pub backing_per_local: Option<f64>,
}

/// A faction's strategy (`[factions.<name>.strategy]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Strategy {
    pub soundings: u32,
    pub base_value: f64,
    pub defeat_cost: f64,
    pub resistance_cost: f64,
    pub lesson_weight: f64,
    pub move_cost: f64,
    pub hold_per_1000: f64,
    pub returns: bool,
    pub backing_per_local: f64,
}

const FACTOR: Real = Real { default: 0.0, min: 0.0, max: 100.0, unit: "factor", doc: "", source: "assumption" };

impl Strategy {
    pub fn resolve(raw: &RawStrategy, c: &mut Check) -> Result<Strategy, ScenarioError> {
        let soundings = c.int(
            "soundings",
            raw.soundings,
            Int {
                default: 200,
                min: 1,
                max: 10_000,
                unit: "people",
                doc: "People whose readiness to resist the faction sounds out each day (its contacts and informants): its estimate of the resistance it would meet comes from them, so fewer give a noisier estimate.",
                source: "assumption (imperfect information; Haid 2017, ch. 7: the notables' warnings 'conveyed' to al-Nusra's district leader)",
            },
        )? as u32;
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let base_value = r(
            "base_value",
            raw.base_value,
            Real {
                default: 0.5,
                max: 1.0,
                unit: "share of the town's worth",
                doc: "What holding the military base alone is worth to the faction, against 1 for holding the town.",
                source: "Haid 2017, ch. 7 (the 'strategically important Regiment 46 base'); value: assumption",
                ..FACTOR
            },
        )?;
        let defeat_cost = r(
            "defeat_cost",
            raw.defeat_cost,
            Real {
                default: 1.0,
                doc: "Cost of a storm that fails (being driven out), against 1 for taking the town.",
                source: "Haid 2017, ch. 7 ('They were scared of facing the same fate'); value: assumption",
                ..FACTOR
            },
        )?;
        let resistance_cost = r(
            "resistance_cost",
            raw.resistance_cost,
            Real {
                default: 5.0,
                unit: "per share of the town mobilised",
                doc: "Cost of storming a town that resists, per share of its people the faction expects to mobilise against it, even if it wins the fight.",
                source: "Haid 2017, ch. 7 ('they couldn't win a fight against the local community even if they were to win militarily'); value: assumption",
                ..FACTOR
            },
        )?;
        let lesson_weight = r(
            "lesson_weight",
            raw.lesson_weight,
            Real {
                default: 1.0,
                unit: "per share mobilised",
                doc: "How much the town's uprising that drove out its rival (or itself) raises both costs of a storm: times the peak share of the town mobilised in that uprising.",
                source: "Haid 2017, ch. 7 ('They witnessed first-hand what happened here ... They learned from ISIS's mistakes'); value: assumption",
                ..FACTOR
            },
        )?;
        let move_cost = r(
            "move_cost",
            raw.move_cost,
            Real {
                default: 0.4,
                doc: "Cost of any armed move against the town (on the base, a storm, a return), against 1 for taking the town: the standing it loses and the risk that the conflict spreads to its other front lines.",
                source: "Haid 2017, ch. 7 ('a high risk that conflict with the group in Atarib would spread elsewhere'); value: assumption",
                ..FACTOR
            },
        )?;
        let hold_per_1000 = r(
            "hold_per_1000",
            raw.hold_per_1000,
            Real {
                default: 10.0,
                max: 1000.0,
                unit: "fighters per 1,000 people",
                doc: "Fighters the faction needs to rule a town: taking the town is worth F / (F + this x people / 1,000) with F its force, so a handful of men gain little by storming.",
                source: "assumption (al-Nusra 'began to rebuild its strength in the city' before it moved, Haid 2017, ch. 7)",
                ..FACTOR
            },
        )?;
        let returns = c.flag(
            "returns",
            raw.returns,
            true,
            "Whether the faction, once driven out, may come back to the town it held when its people elsewhere and the town's weakness allow (the same weighing as a storm).",
            "Ingram and Mohammed 2022 (places of its greatest successes 'have become strategic anchor points to which the group often returns')",
        );
        let backing_per_local = c.real(
            "backing_per_local",
            raw.backing_per_local,
            Real {
                default: 8.0,
                min: 0.0,
                max: 1000.0,
                unit: "fighters per local",
                doc: "Fighters of its pool elsewhere the faction sends back with each local of the town among its people elsewhere (those who know the place lead a return).",
                source: "Ingram and Mohammed 2022 (return to 'places known'); value: assumption",
            },
        )?;
        Ok(Strategy { soundings, base_value, defeat_cost, resistance_cost, lesson_weight, move_cost, hold_per_1000, returns, backing_per_local })
    }
}
