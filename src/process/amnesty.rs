//! Amnesty and abstention (step 6 of the day): once the town is called out,
//! the community may offer safety to the faction's members who stay home
//! (Haid 2017, ch. 5-6: "Almost all of the local Daesh members and
//! fighters told us from the beginning that they would not fight").
//!
//! The offer reaches a member through broadcasts (a share each day) and
//! through relatives: each family tie who is mobilised or a notable relays it
//! with a probability ("such members sent messages, via their relatives").
//! A reached local member decides once: abstain with probability
//! logistic(constant + credibility weight x credibility + family weight x
//! share of family mobilised - commitment weight x commitment); of the rest, a
//! share (falling with commitment) turn on the faction and fight with the town
//! ("some ISIS members ... turned against them"); the others fight. Foreign
//! members abstain with a small probability. Abstainers stay home, are
//! protected from the fighting, and leave the faction's ranks if it is
//! expelled. Without the offer, no one is reached and no one abstains.

use rand::RngExt;

use crate::rng::Stream;
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{Flags, Origin, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub offer: Option<bool>,
    pub broadcast_reach: Option<f64>,
    pub family_relay: Option<f64>,
    pub credibility: Option<f64>,
    pub abstain_constant: Option<f64>,
    pub credibility_weight: Option<f64>,
    pub family_weight: Option<f64>,
    pub commitment_weight: Option<f64>,
    pub foreign_abstain: Option<f64>,
    pub turn_share: Option<f64>,
}

/// Parameters of the amnesty offer (`[amnesty]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub offer: bool,
    pub broadcast_reach: f64,
    pub family_relay: f64,
    pub credibility: f64,
    pub abstain_constant: f64,
    pub credibility_weight: f64,
    pub family_weight: f64,
    pub commitment_weight: f64,
    pub foreign_abstain: f64,
    pub turn_share: f64,
}

const SHARE: Real = Real::SHARE;
const WEIGHT: Real = Real { default: 0.0, min: -100.0, max: 100.0, unit: "log-odds", doc: "", source: "assumption" };

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let offer = c.flag("offer", raw.offer, true, "Whether the community offers safety to members who stay home.", "Haid 2017, ch. 5-6");
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        Ok(Params {
            offer,
            broadcast_reach: r(
                "broadcast_reach",
                raw.broadcast_reach,
                Real { default: 0.3, doc: "Share of members the offer reaches by broadcast each day of the uprising.", ..SHARE },
            )?,
            family_relay: r(
                "family_relay",
                raw.family_relay,
                Real {
                    default: 0.3,
                    doc: "Probability that each mobilised or notable relative relays the offer to a member each day.",
                    source: "Haid 2017, ch. 5 (messages 'via their relatives'); value: assumption",
                    ..SHARE
                },
            )?,
            credibility: r(
                "credibility",
                raw.credibility,
                Real {
                    default: 0.8,
                    doc: "How far members trust the guarantee of safety.",
                    source: "Haid 2017, ch. 6 (guarantees from local military leaders and notables; though 'no clear protection measures' followed); value: assumption",
                    ..SHARE
                },
            )?,
            abstain_constant: r(
                "abstain_constant",
                raw.abstain_constant,
                Real { default: 0.5, doc: "Log-odds of abstaining before credibility, family and commitment.", ..WEIGHT },
            )?,
            credibility_weight: r(
                "credibility_weight",
                raw.credibility_weight,
                Real { default: 3.0, doc: "Log-odds of abstaining per unit of credibility.", ..WEIGHT },
            )?,
            family_weight: r(
                "family_weight",
                raw.family_weight,
                Real {
                    default: 3.0,
                    doc: "Log-odds of abstaining per share of one's family mobilised (family pressure).",
                    source: "Haid 2017, ch. 5-6; value: assumption",
                    ..WEIGHT
                },
            )?,
            commitment_weight: r(
                "commitment_weight",
                raw.commitment_weight,
                Real { default: 5.0, doc: "Log-odds against abstaining per unit of commitment.", ..WEIGHT },
            )?,
            foreign_abstain: r(
                "foreign_abstain",
                raw.foreign_abstain,
                Real {
                    default: 0.05,
                    doc: "Probability that a reached foreign member abstains ('mostly foreign nationals ... opted to fight').",
                    source: "Haid 2017, ch. 5; value: assumption",
                    ..SHARE
                },
            )?,
            turn_share: r(
                "turn_share",
                raw.turn_share,
                Real {
                    default: 0.1,
                    doc: "Share of the local members who do not abstain that turn on the faction, times (1 - commitment).",
                    source: "Haid 2017, ch. 5 ('some ISIS members ... turned against them'); value: assumption",
                    ..SHARE
                },
            )?,
        })
    }
}

pub fn step(w: &mut World, s: &Scenario) {
    let a = &s.amnesty;
    let (Some(f), Some(_)) = (w.uprising.against, w.uprising.call_day) else {
        return;
    };
    if !a.offer || w.uprising.over {
        return;
    }
    let f = f as usize;
    let mut rng = w.key.stream(Stream::Amnesty, w.day, 0);
    let mut decided = Vec::new();
    {
        let p = &w.society.people;
        for i in 0..p.len() {
            // The offer is the rising town's: its members there hear it.
            if !(p.status[i].member() && p.faction[i] as usize == f) || p.flags[i].has(Flags::OFFERED) || !super::town::within(w, s, w.uprising.town, i) {
                continue;
            }
            let fam = w.society.network.family.row(i);
            let relays = fam.iter().filter(|&&j| p.mobilised[j as usize] != 0 || p.flags[j as usize].has(Flags::NOTABLE)).count() as i32;
            let miss = (1.0 - a.broadcast_reach) * (1.0 - a.family_relay).powi(relays);
            if rng.random::<f64>() >= 1.0 - miss {
                continue;
            }
            let family_share = fam.iter().filter(|&&j| p.mobilised[j as usize] != 0).count() as f64 / fam.len().max(1) as f64;
            let commitment = f64::from(p.commitment.get(i));
            let (u_abstain, u_turn) = (rng.random::<f64>(), rng.random::<f64>());
            let choice = if p.origin[i] == Origin::Foreign {
                if u_abstain < a.foreign_abstain { Flags::ABSTAINING } else { 0 }
            } else {
                let logit = a.abstain_constant + a.credibility_weight * a.credibility + a.family_weight * family_share - a.commitment_weight * commitment;
                if u_abstain < 1.0 / (1.0 + (-logit).exp()) {
                    Flags::ABSTAINING
                } else if u_turn < a.turn_share * (1.0 - commitment) {
                    Flags::TURNED
                } else {
                    0
                }
            };
            decided.push((i, choice));
        }
    }
    for (i, choice) in decided {
        let p = &mut w.society.people;
        p.flags[i].set(Flags::OFFERED);
        if choice != 0 {
            p.flags[i].set(choice);
        }
        // Counted toward the abstention rate only if among its denominator.
        let local = w.society.people.flags[i].has(Flags::MEMBER_AT_CALL);
        match choice {
            Flags::ABSTAINING => {
                w.today.abstained += 1;
                w.uprising.local_abstainers += u64::from(local);
                // Members do not change status while the town is up in arms,
                // so a fighter now was a fighter at the call.
                w.uprising.local_fighter_abstainers += u64::from(local && w.society.people.status[i] == Status::Fighter);
            }
            Flags::TURNED => {
                w.today.turned += 1;
                w.uprising.local_turned += u64::from(local);
                // Turned members fight if they can (not under a weapons ban, 7.8); others help as they can.
                let p = &w.society.people;
                let role = if p.fighting_age_man(i) && p.may_bear_arms(i) { super::mobilisation::FIGHT } else { 1 };
                super::mobilisation::mobilise(w, i, role);
            }
            _ => {}
        }
    }
}
