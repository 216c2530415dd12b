//! A faction's campaign profile (`[factions.<name>.campaign]`): how it reads
//! its phase and whom it approaches in each (Ingram and Mohammed 2022).

use crate::scenario::{Check, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCampaign {
    pub tamkin_ratio: Option<f64>,
    pub collapse_days: Option<f64>,
    pub phase_margin: Option<f64>,
    pub approaches_per_week: Option<f64>,
    pub notable_weight: Option<f64>,
    pub commander_weight: Option<f64>,
    pub fighter_weight: Option<f64>,
    pub followers_share: Option<f64>,
    pub pledges_per_week: Option<f64>,
    pub pledge_share: Option<f64>,
    pub pledge_days: Option<f64>,
    pub pledge_cost: Option<f64>,
    pub intelligence_per_year: Option<f64>,
    pub territory_intelligence: Option<f64>,
}

/// A faction's campaign profile.
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub tamkin_ratio: f64,
    pub collapse_days: f64,
    pub phase_margin: f64,
    pub approaches_per_week: f64,
    /// Relative weights of notables, local group commanders and local fighters as its targets.
    pub weights: [f64; 3],
    pub followers_share: f64,
    pub pledges_per_week: f64,
    pub pledge_share: f64,
    pub pledge_days: f64,
    pub pledge_cost: f64,
    pub intelligence_per_year: f64,
    pub territory_intelligence: f64,
}

const SOURCE: &str = "Ingram and Mohammed 2022 ('From Guerrilla Struggle to Caliphate and Back')";

impl Campaign {
    /// Whether any of its defection strategy is on.
    pub fn active(&self) -> bool {
        self.approaches_per_week > 0.0 || self.pledges_per_week > 0.0
    }

    pub fn resolve(raw: &RawCampaign, c: &mut Check) -> Result<Campaign, ScenarioError> {
        let factor = Real { default: 0.0, min: 0.0, max: 1000.0, unit: "factor", doc: "", source: "assumption" };
        let share = Real::SHARE;
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let tamkin_ratio = r(
            "tamkin_ratio",
            raw.tamkin_ratio,
            Real {
                default: 1.0,
                min: 0.01,
                max: 100.0,
                unit: "its force per local defender",
                doc: "Its force (members in towns and fighters at its hideout) per local defender (local fighters and the government's forces) at which it is half-way to consolidation (tamkin): its strength weight is r^2 / (r^2 + tamkin_ratio^2), which shifts its approaches from decisive minorities to whole communities.",
                source: "Ingram and Mohammed 2022 ('the closer the group moves towards the tamkin (consolidation) threshold'); value: assumption",
            },
        )?;
        let collapse_days = r(
            "collapse_days",
            raw.collapse_days,
            Real {
                default: 365.0,
                min: 0.0,
                max: 10_000.0,
                unit: "days",
                doc: "Days after losing its last town during which its phase reads collapse (then guerrilla again).",
                source: "Ingram and Mohammed 2022 ('booms and busts'); value: assumption",
            },
        )?;
        let phase_margin = r(
            "phase_margin",
            raw.phase_margin,
            Real {
                default: 0.1,
                min: 0.0,
                max: 0.9,
                unit: "strength weight",
                doc: "Margin around the strength weight 0.5 for the phase label: it reads consolidation from 0.5 + margin/2 and guerrilla again below 0.5 - margin/2 (the label only: behaviour follows the weight itself).",
                source: "assumption (a label that does not flicker with day-to-day noise)",
            },
        )?;
        let approaches_per_week = r(
            "approaches_per_week",
            raw.approaches_per_week,
            Real {
                default: 0.0,
                doc: "Covert approaches to decisive minorities a week when it is weak (times 1 - its strength weight, times 1 + its intelligence); 0: none.",
                source: "Ingram and Mohammed 2022 ('it prioritizes those decisive minorities ... covertly approach tribal leaders, politicians, military, police, and even business leaders'); rate: assumption",
                ..factor
            },
        )?;
        let notable_weight = r(
            "notable_weight",
            raw.notable_weight,
            Real { default: 1.0, doc: "Weight of a notable (tribal leader, official, business leader) among the approached.", source: SOURCE, ..factor },
        )?;
        let commander_weight = r(
            "commander_weight",
            raw.commander_weight,
            Real { default: 1.0, doc: "Weight of a local armed group's commander among the approached.", source: SOURCE, ..factor },
        )?;
        let fighter_weight = r(
            "fighter_weight",
            raw.fighter_weight,
            Real {
                default: 0.1,
                doc: "Weight of a local fighter (police and local forces) among the approached.",
                source: "Ingram and Mohammed 2022 ('it especially targets former combatants from the army and police'); value: assumption",
                ..factor
            },
        )?;
        let followers_share = r(
            "followers_share",
            raw.followers_share,
            Real {
                default: 0.15,
                doc: "Share of an approached figure's family (youths and adults), and of a commander's fighters, who follow them when they shift.",
                source: "Ingram and Mohammed 2022 (decisive minorities 'have a disproportionate impact on who and how the largely apolitical majority ... will likely support'); value: assumption",
                ..share
            },
        )?;
        let pledges_per_week = r(
            "pledges_per_week",
            raw.pledges_per_week,
            Real {
                default: 0.0,
                doc: "Whole families approached a week for a public pledge when it is strong (times its strength weight, times 1 + its intelligence); 0: none.",
                source: "Ingram and Mohammed 2022 ('whole communities, targeting influential tribes and strategic villages and often culminating in public pledge events'); rate: assumption",
                ..factor
            },
        )?;
        let pledge_share = r(
            "pledge_share",
            raw.pledge_share,
            Real { default: 0.5, doc: "Share of a pledging family's youths and adults who join it as supporters.", source: "assumption", ..share },
        )?;
        let pledge_days = r(
            "pledge_days",
            raw.pledge_days,
            Real {
                default: 365.0,
                min: 0.0,
                max: 10_000.0,
                unit: "days",
                doc: "Days a public pledge (or a defector featured in its propaganda) binds: leaving costs `pledge_cost` until then.",
                source: "Ingram and Mohammed 2022 ('render it near impossible for them to rescind (even months or years later)'); value: assumption",
            },
        )?;
        let pledge_cost = r(
            "pledge_cost",
            raw.pledge_cost,
            Real {
                default: 2.0,
                max: 100.0,
                unit: "utility",
                doc: "What leaving costs a member bound by a public pledge (added to staying in the affiliation choice).",
                source: "Ingram and Mohammed 2022; value: assumption",
                ..factor
            },
        )?;
        let intelligence_per_year = r(
            "intelligence_per_year",
            raw.intelligence_per_year,
            Real {
                default: 0.2,
                doc: "Growth a year of what it knows (lists of personnel): its approaches and tawba offers reach 1 + intelligence times as far.",
                source: "Ingram and Mohammed 2022 ('a list of government personnel working in Nineveh province ... collected from 2006'); rate: assumption",
                ..factor
            },
        )?;
        let territory_intelligence = r(
            "territory_intelligence",
            raw.territory_intelligence,
            Real {
                default: 4.0,
                doc: "How much faster it learns while it holds towns (times the share of towns it holds).",
                source: "Ingram and Mohammed 2022 ('increasingly sophisticated with the time, resources, and access to databases that controlling entire cities afforded'); value: assumption",
                ..factor
            },
        )?;
        Ok(Campaign {
            tamkin_ratio,
            collapse_days,
            phase_margin,
            approaches_per_week,
            weights: [notable_weight, commander_weight, fighter_weight],
            followers_share,
            pledges_per_week,
            pledge_share,
            pledge_days,
            pledge_cost,
            intelligence_per_year,
            territory_intelligence,
        })
    }
}
