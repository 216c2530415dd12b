//! The government's offer (step 3c of the day) and the contest between it and
//! a faction's offer for the same people (Ingram and Mohammed 2022: "a
//! competition for not only the hearts and minds, but the stomachs"; "what
//! decides is protection, livelihood and services on each side").
//!
//! - The government's amnesty and reintegration offer (`[government]`):
//!   protection, livelihood and services, reaching the factions' local
//!   members in town at `defection_reach_per_week`. A member reached weighs
//!   it against staying: the faction's protection (feared, it protects from
//!   its own violence), its pay or package, commitment and a public pledge
//!   (`campaign.pledge_cost`). One who takes it leaves as an ex-member.
//! - The contest (`faction_wins`): anyone a faction approaches or offers
//!   tawba weighs its offer against the government's and loyalty to their
//!   side; the campaign and tawba steps call it. Each side's value is
//!   `protection_weight x protection x danger + livelihood_weight x
//!   livelihood x need + services_weight x services` (the faction's services
//!   are its standing), danger being `insecurity + (1 - insecurity) x fear`;
//!   the faction's side loses `grievance_weight x grievance` toward it. The
//!   chance of going to the faction is the logistic of the difference.
//! - `forces`: the state's security forces in the area, counted beside the
//!   local fighters when a faction reads its phase (campaign).

use rand::RngExt;

use crate::rng::Stream;
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{Flags, Origin, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub protection: Option<f64>,
    pub livelihood: Option<f64>,
    pub services: Option<f64>,
    pub defection_reach_per_week: Option<f64>,
    pub forces: Option<f64>,
    pub insecurity: Option<f64>,
    pub protection_weight: Option<f64>,
    pub livelihood_weight: Option<f64>,
    pub services_weight: Option<f64>,
    pub grievance_weight: Option<f64>,
    pub commitment_weight: Option<f64>,
    pub loyalty: Option<f64>,
}

/// The government's offer and how people weigh offers (`[government]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub protection: f64,
    pub livelihood: f64,
    pub services: f64,
    pub defection_reach_per_week: f64,
    pub forces: f64,
    pub insecurity: f64,
    pub protection_weight: f64,
    pub livelihood_weight: f64,
    pub services_weight: f64,
    pub grievance_weight: f64,
    pub commitment_weight: f64,
    pub loyalty: f64,
}

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let share = Real::SHARE;
        let weight = Real { default: 0.0, min: 0.0, max: 100.0, unit: "utility", doc: "", source: "assumption" };
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        Ok(Params {
            protection: r(
                "protection",
                raw.protection,
                Real {
                    default: 0.0,
                    doc: "The protection the government's amnesty and reintegration offer gives (from reprisals and the faction), in [0, 1]; 0: none.",
                    source: "Ingram and Mohammed 2022 ('inevitably hollow if security, livelihood, and basic services are wanting')",
                    ..share
                },
            )?,
            livelihood: r(
                "livelihood",
                raw.livelihood,
                Real {
                    default: 0.0,
                    doc: "The livelihood its offer gives: the share of need met (work, vocational training, a package).",
                    source: "Ingram and Mohammed 2022 ('livelihood')",
                    ..share
                },
            )?,
            services: r(
                "services",
                raw.services,
                Real { default: 0.0, doc: "The basic services behind its offer, in [0, 1].", source: "Ingram and Mohammed 2022 ('basic services')", ..share },
            )?,
            defection_reach_per_week: r(
                "defection_reach_per_week",
                raw.defection_reach_per_week,
                Real {
                    default: 0.0,
                    doc: "Share of the factions' local members in town its amnesty reaches a week; 0: no offer to members.",
                    source: "Ingram and Mohammed 2022 (government and civil society defection programmes); rate: assumption",
                    ..share
                },
            )?,
            forces: r(
                "forces",
                raw.forces,
                Real {
                    default: 0.0,
                    min: 0.0,
                    max: 10_000_000.0,
                    unit: "fighters",
                    doc: "The state's security forces in the area, counted beside the local fighters when a faction reads its phase.",
                    source: "assumption",
                },
            )?,
            insecurity: r(
                "insecurity",
                raw.insecurity,
                Real {
                    default: 0.5,
                    doc: "The insecurity everyone in the area feels (a war zone), beside their own fear: protection is worth insecurity + (1 - insecurity) x fear.",
                    source: "Ingram and Mohammed 2022 ('offering protection from the violence of others'); value: assumption",
                    ..share
                },
            )?,
            protection_weight: r(
                "protection_weight",
                raw.protection_weight,
                Real {
                    default: 2.0,
                    doc: "Weight of protection in weighing an offer.",
                    source: "Ingram and Mohammed 2022 ('threatened violence while offering protection from the violence of others as a powerful incentive'); value: assumption",
                    ..weight
                },
            )?,
            livelihood_weight: r(
                "livelihood_weight",
                raw.livelihood_weight,
                Real {
                    default: 2.0,
                    doc: "Weight of livelihood (times need) in weighing an offer.",
                    source: "Ingram and Mohammed 2022 ('the stomachs'); value: assumption",
                    ..weight
                },
            )?,
            services_weight: r(
                "services_weight",
                raw.services_weight,
                Real { default: 1.0, doc: "Weight of basic services in weighing an offer.", source: "assumption", ..weight },
            )?,
            grievance_weight: r(
                "grievance_weight",
                raw.grievance_weight,
                Real { default: 2.0, doc: "Weight of grievance toward a faction against its offer.", source: "assumption", ..weight },
            )?,
            commitment_weight: r(
                "commitment_weight",
                raw.commitment_weight,
                Real {
                    default: 2.0,
                    doc: "Weight of a member's commitment for staying with the faction against the government's offer.",
                    source: "assumption",
                    ..weight
                },
            )?,
            loyalty: r(
                "loyalty",
                raw.loyalty,
                Real {
                    default: 0.0,
                    min: -100.0,
                    doc: "Constant for staying on one's side when an offer comes (the approached keep their post; a member keeps the faction).",
                    source: "assumption",
                    ..weight
                },
            )?,
        })
    }

    /// Whether the government makes an offer at all.
    pub fn offers(&self) -> bool {
        self.protection > 0.0 || self.livelihood > 0.0 || self.services > 0.0
    }

    /// What protection is worth to someone with `fear`.
    pub fn danger(&self, fear: f64) -> f64 {
        self.insecurity + (1.0 - self.insecurity) * fear
    }

    /// The value of the government's offer to someone with `fear` and `need`.
    pub fn value(&self, fear: f64, need: f64) -> f64 {
        self.protection_weight * self.protection * self.danger(fear) + self.livelihood_weight * self.livelihood * need + self.services_weight * self.services
    }
}

/// The faction's offer as weighed by one person.
#[derive(Clone, Copy, Debug)]
pub struct FactionOffer {
    pub protection: f64,
    /// Share of need met.
    pub package: f64,
}

/// The chance that person `i` takes faction `f`'s offer over staying on their
/// side with the government's: the logistic of the difference of values.
/// Protection is worth as much as one fears (the faction threatens violence
/// while it offers protection from the violence of others), livelihood as
/// much as one needs; the faction's services are its standing as a working
/// authority; grievance toward it counts against it.
pub fn faction_wins(w: &World, s: &Scenario, f: usize, i: usize, offer: FactionOffer) -> f64 {
    let g = &s.government;
    let p = &w.society.people;
    let need = f64::from(super::environment::need(w, i));
    let fear = f64::from(p.fear.get(i));
    let grievance = f64::from(p.grievance[f].get(i));
    let standing = w.factions[f].standing;
    let faction = g.protection_weight * offer.protection * g.danger(fear) + g.livelihood_weight * offer.package * need + g.services_weight * standing
        - g.grievance_weight * grievance;
    let government = g.value(fear, need) + g.loyalty;
    1.0 / (1.0 + (government - faction).exp())
}

/// The government's amnesty reaching the factions' local members in town.
pub fn step(w: &mut World, s: &Scenario) {
    let g = &s.government;
    if g.defection_reach_per_week <= 0.0 || !g.offers() {
        return;
    }
    let mut rng = w.key.stream(Stream::GovernmentOffer, w.day, 0);
    let rate = g.defection_reach_per_week / 7.0;
    let n = w.society.people.len();
    let mut i = crate::rng::skip(&mut rng, rate);
    let mut leaving = Vec::new();
    while i < n {
        let p = &w.society.people;
        let f = p.faction[i] as usize;
        if p.status[i].member() && p.status[i] != Status::Informant && p.origin[i] == Origin::Local && f < s.factions.len() {
            let need = f64::from(super::environment::need(w, i));
            let commitment = f64::from(p.commitment.get(i));
            let fp = &s.factions[f];
            let pledged = if p.flags[i].has(Flags::PLEDGED) { fp.campaign.pledge_cost } else { 0.0 };
            // Staying: the faction's protection from its own violence, its pay or package, commitment, a pledge.
            let stay = g.protection_weight * fp.tawba.protection * g.danger(f64::from(p.fear.get(i)))
                + g.livelihood_weight * fp.tawba.package * need
                + g.commitment_weight * commitment
                + g.loyalty
                + pledged;
            let go = g.value(f64::from(p.fear.get(i)), need);
            if rng.random::<f64>() < 1.0 / (1.0 + (stay - go).exp()) {
                leaving.push((i, f));
            }
        }
        i = i.saturating_add(1).saturating_add(crate::rng::skip(&mut rng, rate));
    }
    for (i, f) in leaving {
        w.society.people.assign(i, Status::ExMember, f as u8);
        w.society.people.flags[i].clear(Flags::PLEDGED);
        w.today.strategy.government_defections[f] += 1;
        w.today.leaves[f] += 1;
    }
}
