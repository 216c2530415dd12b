//! Parameters of surveillance and coercion: town-wide effects (`[coercion]`)
//! and each faction's informants and coercion
//! (`[factions.<name>.informants]`, `.coercion`).

use crate::scenario::{Check, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub fear_gain: Option<f64>,
    pub family_grievance_gain: Option<f64>,
    pub contact_grievance_gain: Option<f64>,
    pub foreign_victim_factor: Option<f64>,
    pub known_victim_town_grievance: Option<f64>,
    pub execution_town_fear: Option<f64>,
    pub surveillance_fear: Option<f64>,
    pub infighting_half_life_days: Option<f64>,
    pub menace_half_life_days: Option<f64>,
}

/// Town-level parameters of coercion's effects (`[coercion]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub fear_gain: f64,
    pub family_grievance_gain: f64,
    pub contact_grievance_gain: f64,
    pub foreign_victim_factor: f64,
    pub known_victim_town_grievance: f64,
    pub execution_town_fear: f64,
    pub surveillance_fear: f64,
    pub infighting_half_life_days: f64,
    /// Half-life of the town's memory of a faction's violent acts (its menace).
    pub menace_half_life_days: f64,
}

const SHARE: Real = Real::SHARE;

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        Ok(Params {
            fear_gain: c.real(
                "fear_gain",
                raw.fear_gain,
                Real {
                    default: 0.10,
                    doc: "Share of the way to full fear that the victim's family and contacts move per act.",
                    source: "Bennett (2008), JASSS 11(4)7: fear rises by 0.10 (1 - fear) per exposure",
                    ..SHARE
                },
            )?,
            family_grievance_gain: c.real(
                "family_grievance_gain",
                raw.family_grievance_gain,
                Real {
                    default: 0.3,
                    doc: "Share of the way to full grievance toward the faction that the victim's family moves per act against a local.",
                    source: "Haid 2017, ch. 4 (repression 'provoked hostility and anger towards ISIS'); value: assumption",
                    ..SHARE
                },
            )?,
            contact_grievance_gain: c.real(
                "contact_grievance_gain",
                raw.contact_grievance_gain,
                Real { default: 0.15, doc: "The same for the victim's friends and neighbours (peer ties).", source: "assumption", ..SHARE },
            )?,
            foreign_victim_factor: c.real(
                "foreign_victim_factor",
                raw.foreign_victim_factor,
                Real {
                    default: 0.3,
                    doc: "Grievance from an act against a foreigner, relative to one against a local.",
                    source: "ICSR 2015, narrative 2: brutality outraged 'mostly when its victims were other Sunnis'; value: assumption",
                    ..SHARE
                },
            )?,
            known_victim_town_grievance: c.real(
                "known_victim_town_grievance",
                raw.known_victim_town_grievance,
                Real {
                    default: 0.02,
                    doc: "Share of the way to full grievance the whole town moves when the victim is known (an activist, commander or notable).",
                    source: "Haid 2017, ch. 4 (the kidnapping of known activists and commanders); value: assumption",
                    ..SHARE
                },
            )?,
            execution_town_fear: c.real(
                "execution_town_fear",
                raw.execution_town_fear,
                Real {
                    default: 0.05,
                    doc: "Share of the way to full fear the whole town moves at a public execution.",
                    source: "Haid 2017, ch. 4 ('in order to intimidate us'); value: assumption",
                    ..SHARE
                },
            )?,
            surveillance_fear: c.real(
                "surveillance_fear",
                raw.surveillance_fear,
                Real {
                    default: 3.0,
                    min: 0.0,
                    max: 1000.0,
                    unit: "fear per day per informant density",
                    doc: "Daily rise of everyone's fear (share of the way to 1) per informant in town per head.",
                    source: "Haid 2017, ch. 3 (a 'big network of informants'); value: assumption, about 0.3 equilibrium fear at 0.5% informants",
                },
            )?,
            infighting_half_life_days: c.real(
                "infighting_half_life_days",
                raw.infighting_half_life_days,
                Real {
                    default: 60.0,
                    min: 1.0,
                    max: 100_000.0,
                    unit: "days",
                    doc: "Half-life of members' memory of the faction's acts against local armed groups.",
                    source: "assumption",
                },
            )?,
            menace_half_life_days: c.real(
                "menace_half_life_days",
                raw.menace_half_life_days,
                Real {
                    default: 60.0,
                    min: 1.0,
                    max: 100_000.0,
                    unit: "days",
                    doc: "Half-life of the town's memory of a faction's violent acts (kidnappings, assassinations, arrests, executions): its menace, which makes joining it a way to protect oneself.",
                    source: "Haid 2017, ch. 3-4 (people joined 'to protect themselves' from a faction that kidnapped and killed); value: assumption",
                },
            )?,
        })
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInformants {
    pub share: Option<f64>,
    pub pay_per_month: Option<f64>,
    pub recruits_per_day: Option<f64>,
}

/// A faction's informants (`[factions.<name>.informants]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Informants {
    pub share: f64,
    pub pay_per_month: f64,
    pub recruits_per_day: f64,
}

impl Informants {
    pub fn resolve(raw: &RawInformants, c: &mut Check) -> Result<Informants, ScenarioError> {
        Ok(Informants {
            share: c.real(
                "share",
                raw.share,
                Real {
                    default: 0.005,
                    max: 0.2,
                    doc: "Share of the town the faction seeks as informants (0: none).",
                    source: "Haid 2017, ch. 3 ('a wide network of informants'); value: assumption",
                    ..SHARE
                },
            )?,
            pay_per_month: c.real(
                "pay_per_month",
                raw.pay_per_month,
                Real {
                    default: 50.0,
                    min: 0.0,
                    max: 100_000.0,
                    unit: "USD per informant-month",
                    doc: "An informant's pay.",
                    source: "assumption ('using money or other forms of leverage', ch. 3)",
                },
            )?,
            recruits_per_day: c.real(
                "recruits_per_day",
                raw.recruits_per_day,
                Real {
                    default: 2.0,
                    min: 0.0,
                    max: 100_000.0,
                    unit: "approaches per day",
                    doc: "People approached each day while informants are short of the target.",
                    source: "assumption",
                },
            )?,
        })
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCoercion {
    pub acts_per_week: Option<f64>,
    pub kidnapping: Option<f64>,
    pub assassination: Option<f64>,
    pub arrest: Option<f64>,
    pub execution: Option<f64>,
    pub rule_enforcement: Option<f64>,
    pub target_activists: Option<f64>,
    pub target_commanders: Option<f64>,
    pub target_opponents: Option<f64>,
    pub held_days_mean: Option<f64>,
    pub kidnapped_killed_share: Option<f64>,
    pub hostility_response: Option<f64>,
}

/// A faction's coercion (`[factions.<name>.coercion]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Coercion {
    pub acts_per_week: f64,
    /// Weights of kidnapping, assassination, arrest, execution, rule enforcement.
    pub kinds: [f64; 5],
    /// Weights of activists, commanders, opponents as targets.
    pub targets: [f64; 3],
    pub held_days_mean: f64,
    pub kidnapped_killed_share: f64,
    /// How far its acts rise with the town's grievance toward it (its answer to hostility).
    pub hostility_response: f64,
}

pub const ACT_KINDS: [&str; 5] = ["kidnapping", "assassination", "arrest", "execution", "rule_enforcement"];

impl Coercion {
    pub fn resolve(raw: &RawCoercion, c: &mut Check) -> Result<Coercion, ScenarioError> {
        let w = |v| Real { default: v, min: 0.0, max: 1000.0, unit: "relative weight", doc: "", source: "" };
        let acts_per_week = c.real(
            "acts_per_week",
            raw.acts_per_week,
            Real {
                default: 0.7,
                min: 0.0,
                max: 1000.0,
                unit: "acts per week at the initial strength",
                doc: "Rate of coercive acts while the faction has its initial strength in town (0: no coercion).",
                source: "Haid 2017, ch. 4 (kidnappings, forced disappearances, assassinations through the second half of 2013); value: assumption",
            },
        )?;
        let src = "Haid 2017, ch. 4; weights: assumption";
        let kinds = [
            c.real("kidnapping", raw.kidnapping, Real { doc: "Weight of kidnappings and forced disappearances among acts.", source: src, ..w(0.35) })?,
            c.real("assassination", raw.assassination, Real { doc: "Weight of assassinations.", source: src, ..w(0.1) })?,
            c.real("arrest", raw.arrest, Real { doc: "Weight of arrests.", source: src, ..w(0.25) })?,
            c.real(
                "execution",
                raw.execution,
                Real { doc: "Weight of public executions (of someone held, or of an outsider brought to town).", source: src, ..w(0.05) },
            )?,
            c.real(
                "rule_enforcement",
                raw.rule_enforcement,
                Real { doc: "Weight of enforcing personal-life rules (scaled by the faction's strictness).", source: src, ..w(0.25) },
            )?,
        ];
        if kinds.iter().sum::<f64>() <= 0.0 {
            return Err(c.fail(
                "rule_enforcement",
                "the weights of the kinds of act are all zero: allowed any non-negative weights with a positive total (set acts_per_week = 0 for no coercion)",
            ));
        }
        let targets = [
            c.real(
                "target_activists",
                raw.target_activists,
                Real {
                    doc: "Weight of activists and journalists as targets.",
                    source: "Haid 2017, ch. 4: 'the chief targets were independent activists and citizen journalists'",
                    ..w(0.4)
                },
            )?,
            c.real(
                "target_commanders",
                raw.target_commanders,
                Real {
                    doc: "Weight of local armed groups' commanders as targets.",
                    source: "Haid 2017, ch. 4 (FSA commanders kidnapped at checkpoints)",
                    ..w(0.2)
                },
            )?,
            c.real(
                "target_opponents",
                raw.target_opponents,
                Real {
                    doc: "Weight of other opponents (locals drawn in proportion to their grievance) as targets.",
                    source: "Haid 2017, ch. 4 ('those who opposed or questioned its actions')",
                    ..w(0.4)
                },
            )?,
        ];
        if targets.iter().sum::<f64>() <= 0.0 {
            return Err(c.fail("target_opponents", "the target weights are all zero: allowed any non-negative weights with a positive total"));
        }
        Ok(Coercion {
            acts_per_week,
            kinds,
            targets,
            held_days_mean: c.real(
                "held_days_mean",
                raw.held_days_mean,
                Real { default: 30.0, min: 1.0, max: 100_000.0, unit: "days", doc: "Mean time a kidnapped or arrested person is held.", source: "assumption" },
            )?,
            kidnapped_killed_share: c.real(
                "kidnapped_killed_share",
                raw.kidnapped_killed_share,
                Real {
                    default: 0.3,
                    doc: "Share of the kidnapped who are found killed instead of released.",
                    source: "Haid 2017, ch. 4 (fates unknown; a kidnapped fighter found tortured and killed); value: assumption",
                    ..SHARE
                },
            )?,
            hostility_response: c.real(
                "hostility_response",
                raw.hostility_response,
                Real {
                    default: 2.0,
                    min: 0.0,
                    max: 1000.0,
                    unit: "factor per unit of mean grievance",
                    doc: "The faction's answer to the town's hostility: its rate of acts is multiplied by 1 + hostility_response x (the town's mean grievance toward it). 0: a faction that does not escalate against resistance.",
                    source: "Haid 2017, ch. 4 (repression 'provoked hostility and anger towards ISIS, which in turn responded by stepping up arrests, abductions, intimidation and assassinations'); ch. 7 (al-Nusra 'learned from ISIS's mistakes'); value: assumption",
                },
            )?,
        })
    }
}
