//! Parameters of confrontation: the town's side (`[confrontation]`) and each
//! faction's fighting profile (`[factions.<name>.fighting]`), beside the
//! process that uses them (`confrontation/mod.rs`).

use crate::scenario::{Check, Int, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub town_effectiveness: Option<f64>,
    pub arms_per_1000: Option<f64>,
    pub kin_reluctance: Option<f64>,
    pub rout_share: Option<f64>,
    pub weapon_value: Option<f64>,
    pub collateral: Option<f64>,
    pub misidentified: Option<f64>,
    pub capture_share: Option<f64>,
    pub faction_break: Option<f64>,
    pub town_break: Option<f64>,
    pub garrison_share: Option<f64>,
    pub base_defence: Option<f64>,
    pub night_readiness: Option<f64>,
    pub awake_at_night: Option<f64>,
    pub checkpoint_delay_days: Option<f64>,
    pub max_days: Option<i64>,
    pub success_efficacy: Option<f64>,
    pub defeat_efficacy: Option<f64>,
}

/// Town-level parameters of confrontation (`[confrontation]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub town_effectiveness: f64,
    pub arms_per_1000: f64,
    pub kin_reluctance: f64,
    pub rout_share: f64,
    pub weapon_value: f64,
    pub collateral: f64,
    pub misidentified: f64,
    pub capture_share: f64,
    pub faction_break: f64,
    pub town_break: f64,
    pub garrison_share: f64,
    pub base_defence: f64,
    pub night_readiness: f64,
    pub awake_at_night: f64,
    pub checkpoint_delay_days: f64,
    pub max_days: u32,
    pub success_efficacy: f64,
    pub defeat_efficacy: f64,
}

const SHARE: Real = Real::SHARE;
const RATE: Real = Real { default: 0.0, min: 0.0, max: 10.0, unit: "per fighter per day", doc: "", source: "assumption" };

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let town_effectiveness = r(
            "town_effectiveness",
            raw.town_effectiveness,
            Real { default: 0.02, doc: "Faction fighters put out of action per town fighter per day (Lanchester coefficient).", ..RATE },
        )?;
        let arms_per_1000 = r(
            "arms_per_1000",
            raw.arms_per_1000,
            Real {
                default: 30.0,
                min: 0.0,
                max: 1000.0,
                unit: "arms per 1,000 people",
                doc: "Small arms available to mobilised civilians; mobilised fighters beyond them cannot fight.",
                source: "Haid 2017, ch. 5 ('local armed groups and business figures began distributing weapons'); value: assumption",
            },
        )?;
        let kin_reluctance = r(
            "kin_reluctance",
            raw.kin_reluctance,
            Real {
                default: 0.6,
                doc: "How much the town's fire falls when the faction's fighters are locals, its own people (times the local share of the faction's fighters).",
                source: "Haid 2017, ch. 5 ('It felt really good to know that your own people refused to fight against you'); value: assumption",
                ..SHARE
            },
        )?;
        let rout_share = r(
            "rout_share",
            raw.rout_share,
            Real { default: 0.3, doc: "The faction is routed below this share of its starting force even while reinforcements are on the way.", ..SHARE },
        )?;
        let weapon_value = r(
            "weapon_value",
            raw.weapon_value,
            Real {
                default: 10.0,
                min: 0.0,
                max: 10_000.0,
                unit: "fighters per heavy weapon",
                doc: "What a heavy weapon of a local group adds to the town's force.",
                source: "Haid 2017, ch. 5 (the heavy cannons of Liwaa Amjad al-Islam); value: assumption",
            },
        )?;
        let collateral = r("collateral", raw.collateral, Real { default: 0.01, doc: "Civilians killed per faction fighter per battle day.", ..RATE })?;
        let misidentified = r(
            "misidentified",
            raw.misidentified,
            Real {
                default: 0.05,
                doc: "People killed misidentified, per faction fighter the town puts out of action.",
                source: "Haid 2017, ch. 6 (people killed because masked); value: assumption",
                ..SHARE
            },
        )?;
        let capture_share = r(
            "capture_share",
            raw.capture_share,
            Real {
                default: 0.6,
                doc: "Share of the faction's remaining fighters captured when it is expelled (the rest flee elsewhere).",
                source: "Haid 2017, ch. 5 ('capturing ISIS members there – mostly foreign nationals'); value: assumption",
                ..SHARE
            },
        )?;
        let faction_break = r(
            "faction_break",
            raw.faction_break,
            Real { default: 0.6, doc: "The faction withdraws when its force falls below this share of its force at the start.", ..SHARE },
        )?;
        let town_break =
            r("town_break", raw.town_break, Real { default: 0.5, doc: "The town gives up when its force falls below this share of the faction's.", ..SHARE })?;
        let garrison_share =
            r("garrison_share", raw.garrison_share, Real { default: 0.2, doc: "Share of local fighters and heavy weapons at the base at any time.", ..SHARE })?;
        let base_defence = r(
            "base_defence",
            raw.base_defence,
            Real {
                default: 3.0,
                min: 0.0,
                max: 100.0,
                unit: "factor",
                doc: "How much the base's fortifications multiply its garrison's strength.",
                source: "Haid 2017, ch. 5 (Regiment 46, 'the key centre for the local armed groups'); value: assumption",
            },
        )?;
        let night_readiness = r(
            "night_readiness",
            raw.night_readiness,
            Real {
                default: 0.3,
                doc: "Chance that each man of the garrison is awake and ready at night (the garrison ready on a given night is drawn).",
                source: "Haid 2017, ch. 7 (the night move on Regiment 46); value: assumption",
                ..SHARE
            },
        )?;
        let awake_at_night = r(
            "awake_at_night",
            raw.awake_at_night,
            Real {
                default: 0.1,
                doc: "Share of the town's mobilised fighters, and of the joined groups' men off the base, who are awake and hear of a night attack on the base in time to defend it (by day, all of them).",
                source: "Haid 2017, ch. 7 ('seized while people were sleeping ... It would have been completely different if the fighting had happened during the day'); value: assumption",
                ..SHARE
            },
        )?;
        let checkpoint_delay_days = r(
            "checkpoint_delay_days",
            raw.checkpoint_delay_days,
            Real {
                default: 0.5,
                min: 0.0,
                max: 100.0,
                unit: "days per checkpoint",
                doc: "Delay that each staffed checkpoint adds to the faction's reinforcements.",
                source: "Haid 2017, ch. 5 (makeshift checkpoints at all the main entry points); value: assumption",
            },
        )?;
        let max_days = c.int(
            "max_days",
            raw.max_days,
            Int { default: 30, min: 1, max: 10_000, unit: "days", doc: "A battle not decided by then ends in a stalemate.", source: "assumption" },
        )? as u32;
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let success_efficacy = r(
            "success_efficacy",
            raw.success_efficacy,
            Real {
                default: 0.3,
                doc: "Rise of everyone's efficacy lift (the share of the way to 1 of a lift that starts near 0: about this much efficacy) when the town expels a faction.",
                source: "Haid 2017, ch. 7 ('it showed us our power'); value: assumption",
                ..SHARE
            },
        )?;
        let defeat_efficacy =
            r("defeat_efficacy", raw.defeat_efficacy, Real { default: 0.3, doc: "Fall of everyone's efficacy when the town gives up.", ..SHARE })?;
        Ok(Params {
            town_effectiveness,
            arms_per_1000,
            kin_reluctance,
            rout_share,
            weapon_value,
            collateral,
            misidentified,
            capture_share,
            faction_break,
            town_break,
            garrison_share,
            base_defence,
            night_readiness,
            awake_at_night,
            checkpoint_delay_days,
            max_days,
            success_efficacy,
            defeat_efficacy,
        })
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFighting {
    pub effectiveness: Option<f64>,
    pub reinforcements: Option<i64>,
    pub reinforcement_delay_days: Option<f64>,
    pub attack_day: Option<i64>,
    pub attack_threshold: Option<f64>,
    pub attack_at_night: Option<bool>,
    pub attack_delay_days: Option<i64>,
}

/// A faction's fighting (`[factions.<name>.fighting]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Fighting {
    pub effectiveness: f64,
    pub reinforcements: u32,
    pub reinforcement_delay_days: f64,
    pub attack_day: u32,
    pub attack_threshold: f64,
    pub attack_at_night: bool,
    pub attack_delay_days: u32,
}

impl Fighting {
    pub fn resolve(raw: &RawFighting, c: &mut Check) -> Result<Fighting, ScenarioError> {
        let effectiveness = c.real(
            "effectiveness",
            raw.effectiveness,
            Real {
                default: 0.05,
                doc: "Town fighters put out of action per faction fighter per day (Lanchester coefficient; experienced foreign fighters).",
                ..RATE
            },
        )?;
        let reinforcements = c.int(
            "reinforcements",
            raw.reinforcements,
            Int {
                default: 100,
                min: 0,
                max: 10_000_000,
                unit: "fighters",
                doc: "Fighters sent from the pool elsewhere when a battle starts.",
                source: "Haid 2017, ch. 5 (forces mobilised 'from areas of Aleppo and Idlib'); value: assumption",
            },
        )? as u32;
        let reinforcement_delay_days = c.real(
            "reinforcement_delay_days",
            raw.reinforcement_delay_days,
            Real {
                default: 1.0,
                min: 0.0,
                max: 1000.0,
                unit: "days",
                doc: "Days before reinforcements arrive, before checkpoints slow them.",
                source: "Haid 2017, ch. 5 (they 'kept talking for hours in the hope that reinforcements would arrive'); value: assumption",
            },
        )?;
        let attack_day = c.int(
            "attack_day",
            raw.attack_day,
            Int {
                default: 0,
                min: 0,
                max: 100_000,
                unit: "day",
                doc: "Day on which the faction attacks first (0: never on a set day).",
                source: "scenario lever",
            },
        )? as u32;
        let attack_threshold = c.real(
            "attack_threshold",
            raw.attack_threshold,
            Real {
                default: 0.0,
                min: 0.0,
                max: 1000.0,
                unit: "ratio",
                doc: "The faction attacks first once its fighters in town exceed this multiple of the local groups' fighters (0: never).",
                source: "issue #4 (a faction attacks first when its strength passes its escalation threshold); value: scenario lever",
            },
        )?;
        let attack_at_night = c.flag(
            "attack_at_night",
            raw.attack_at_night,
            true,
            "Whether the faction's own attack comes at night, before the town mobilises.",
            "Haid 2017, ch. 7 (al-Nusra's night move on Regiment 46)",
        );
        let attack_delay_days = c.int(
            "attack_delay_days",
            raw.attack_delay_days,
            Int {
                default: 2,
                min: 0,
                max: 1000,
                unit: "days",
                doc: "Days between a rival's decision to move and its attack (the town hears of it and is called out meanwhile).",
                source: "Haid 2017, ch. 7 (the base was seized 'while people were sleeping after the public meeting'); value: assumption",
            },
        )? as u32;
        Ok(Fighting { effectiveness, reinforcements, reinforcement_delay_days, attack_day, attack_threshold, attack_at_night, attack_delay_days })
    }
}
