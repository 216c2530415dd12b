//! Insurgency (step 14 of the day; docs/model.md, 7.18): the defeated
//! faction's war from its hideout. Its fighters slip into towns, choosing a
//! town in proportion to the people there who know it (its members and
//! ex-members: "strategic anchor points to which the group often returns",
//! Ingram and Mohammed 2022), so it returns first where it has people; once
//! there they recruit through the affiliation choice (step 4: in a town where
//! it has members, its pulls reach people), attack, and are hunted: each
//! fighter in a town attacks at a yearly rate, an attack kills and frightens
//! the victim's family and contacts and angers them, and security forces
//! kill or capture fighters at their own rate.

use rand::RngExt;

use crate::process::detention::{self, daily};
use crate::rng::Stream;
use crate::rng::skip;
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{MAX_FACTIONS, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub infiltration_per_year: Option<f64>,
    pub anchor_weight: Option<f64>,
    pub attacks_per_fighter_year: Option<f64>,
    pub killed_per_attack: Option<f64>,
    pub attack_fear: Option<f64>,
    pub attack_grievance: Option<f64>,
    pub hunted_per_year: Option<f64>,
    pub captured_share: Option<f64>,
    pub cell_size: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub infiltration_per_year: f64,
    pub anchor_weight: f64,
    pub attacks_per_fighter_year: f64,
    pub killed_per_attack: f64,
    pub attack_fear: f64,
    pub attack_grievance: f64,
    pub hunted_per_year: f64,
    pub captured_share: f64,
    pub cell_size: u32,
}

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let per_year = |c: &mut Check, key: &str, raw: Option<f64>, default: f64, doc: &'static str, source: &'static str| {
            c.real(key, raw, Real { default, min: 0.0, max: 365.0, unit: "per year", doc, source })
        };
        let infiltration_per_year = per_year(
            c,
            "infiltration_per_year",
            raw.infiltration_per_year,
            1.0,
            "Yearly rate at which a fighter at the faction's hideout slips into a town.",
            "assumption",
        )?;
        let anchor_weight = c.real(
            "anchor_weight",
            raw.anchor_weight,
            Real {
                default: 1.0,
                min: 0.0,
                max: 1000.0,
                unit: "weight per member or ex-member per 1,000 people",
                doc: "How strongly a town's members and ex-members of the faction draw its infiltrators (0: towns by size alone).",
                source: "Ingram and Mohammed 2022: 'strategic anchor points to which the group often returns'; weight: assumption",
            },
        )?;
        let attacks_per_fighter_year = per_year(
            c,
            "attacks_per_fighter_year",
            raw.attacks_per_fighter_year,
            2.0,
            "Yearly attacks by each of the faction's fighters in a town.",
            "assumption; the faction's attacks after its defeat (Hassan 2022)",
        )?;
        let killed_per_attack = c.real(
            "killed_per_attack",
            raw.killed_per_attack,
            Real { default: 1.0, min: 0.0, max: 100.0, unit: "people", doc: "Mean people killed by an attack (Poisson).", source: "assumption" },
        )?;
        let attack_fear = c.real(
            "attack_fear",
            raw.attack_fear,
            Real {
                default: 0.3,
                doc: "Fear raised in the victim's family and contacts, a share of the way to 1.",
                source: "Bennett (2008): fear rises by 0.10 (1 - fear) per exposure; larger for kin: assumption",
                ..Real::SHARE
            },
        )?;
        let attack_grievance = c.real(
            "attack_grievance",
            raw.attack_grievance,
            Real {
                default: 0.3,
                doc: "Grievance toward the faction raised in the victim's family and contacts, a share of the way to 1.",
                source: "assumption; as for coercion (docs/model.md, 7.3)",
                ..Real::SHARE
            },
        )?;
        let hunted_per_year = per_year(
            c,
            "hunted_per_year",
            raw.hunted_per_year,
            0.5,
            "Yearly rate at which a fighter in a town is killed or captured by security forces.",
            "assumption",
        )?;
        let captured_share = c.real(
            "captured_share",
            raw.captured_share,
            Real { default: 0.5, doc: "Share of the hunted who are captured (to a prison with room) rather than killed.", source: "assumption", ..Real::SHARE },
        )?;
        let cell_size = c.int(
            "cell_size",
            raw.cell_size,
            crate::scenario::Int {
                default: 10,
                min: 1,
                max: 1_000_000,
                unit: "members",
                doc: "Members in a town at which the faction counts as back there (for the summary's return order; no process reads it).",
                source: "assumption; an observation threshold only",
            },
        )? as u32;
        Ok(Params {
            infiltration_per_year,
            anchor_weight,
            attacks_per_fighter_year,
            killed_per_attack,
            attack_fear,
            attack_grievance,
            hunted_per_year,
            captured_share,
            cell_size,
        })
    }
}

pub fn step(w: &mut World, s: &Scenario) {
    let ip = &s.insurgency;
    if !s.region.declared {
        return;
    }
    let f = s.detention.faction as usize;
    if f >= MAX_FACTIONS || f >= s.factions.len() {
        return;
    }
    let towns = s.region.towns;
    let hideout = s.region.hideout(f) as usize;
    let mut rng = w.key.stream(Stream::Insurgency, w.day, 0);
    // Infiltration: fighters at the hideout move to towns weighted by the
    // people there who know the faction.
    let at_hideout = w.society.people.at[hideout].status[Status::Elsewhere as usize];
    let moving = poisson(&mut rng, f64::from(at_hideout) * daily(ip.infiltration_per_year));
    if moving > 0 {
        let weights: Vec<f64> = (0..towns)
            .map(|t| {
                let at = &w.society.people.at[t];
                let alive = f64::from(at.alive());
                let known = f64::from(at.members[f]) + f64::from(at.status[Status::ExMember as usize]);
                alive * (1.0 + ip.anchor_weight * known * 1000.0 / alive.max(1.0))
            })
            .collect();
        let mut left = moving;
        let n = w.society.people.len();
        let mut i = crate::society::people::next_equal(&w.society.people.place, 0, hideout as u16);
        while left > 0 && i < n {
            let p = &w.society.people;
            if p.status[i] == Status::Elsewhere && p.faction[i] as usize == f && p.place[i] as usize == hideout {
                let t = crate::rng::weighted(&weights, rng.random());
                let p = &mut w.society.people;
                p.assign(i, Status::Fighter, f as u8);
                p.move_to(i, t as u16);
                w.region.today[t].infiltrated += 1;
                left -= 1;
            }
            i = crate::society::people::next_equal(&w.society.people.place, i + 1, hideout as u16);
        }
    }
    // Attacks and the hunt, by the fighters in towns.
    let mut fighters: Vec<u32> = Vec::new();
    let n = w.society.people.len();
    let rate = daily(ip.attacks_per_fighter_year).max(daily(ip.hunted_per_year));
    let mut i = skip(&mut rng, rate);
    while i < n {
        let p = &w.society.people;
        if p.status[i] == Status::Fighter && p.faction[i] as usize == f && (p.place[i] as usize) < towns {
            fighters.push(i as u32);
        }
        i += 1 + skip(&mut rng, rate);
    }
    for &a in &fighters {
        let a = a as usize;
        if w.society.people.status[a] != Status::Fighter {
            continue;
        }
        let t = w.society.people.place[a] as usize;
        let u: [f64; 3] = rng.random();
        if u[0] * rate < daily(ip.attacks_per_fighter_year) {
            attack(w, s, a, t, &mut rng);
        }
        if u[1] * rate < daily(ip.hunted_per_year) {
            match detention::prison_with_room(w, s).filter(|_| u[2] < ip.captured_share) {
                Some(k) => {
                    w.society.people.assign(a, Status::Detained, f as u8);
                    detention::into_prison(w, a, k);
                }
                None => {
                    w.society.people.assign(a, Status::Dead, f as u8);
                    w.today.region.fighters_killed += 1;
                }
            }
        }
    }
    // The return's order: the first day each town holds a cell.
    for t in 0..towns {
        if w.region.cell_day[t].is_none() && w.society.people.at[t].members[f] >= ip.cell_size {
            w.region.cell_day[t] = Some(w.day);
        }
    }
}

/// Fighter `a` attacks in town `t`: victims among the townspeople, their
/// families and contacts frightened and angered.
fn attack(w: &mut World, s: &Scenario, a: usize, t: usize, rng: &mut crate::rng::Rng) {
    let ip = &s.insurgency;
    let f = s.detention.faction as usize;
    w.region.today[t].attacks += 1;
    w.today.region.attacks += 1;
    let killed = poisson(rng, ip.killed_per_attack);
    // Victims: people of the attacker's town met through the attacker's
    // neighbourhood (his peers' peers), else a random contact.
    for _ in 0..killed {
        let row = w.society.network.peers.row(a);
        if row.is_empty() {
            break;
        }
        let j = row[rng.random_range(0..row.len())] as usize;
        let p = &w.society.people;
        if !p.status[j].present() || p.place[j] as usize != t || (p.status[j].member() && p.faction[j] as usize == f) {
            continue;
        }
        let fj = p.faction[j];
        w.society.people.assign(j, Status::Dead, fj);
        w.region.today[t].attack_deaths += 1;
        w.today.region.attack_deaths += 1;
        let fam: Vec<u32> = w.society.network.family.row(j).to_vec();
        let peers: Vec<u32> = w.society.network.peers.row(j).to_vec();
        let p = &mut w.society.people;
        for &k in fam.iter().chain(&peers) {
            let k = k as usize;
            if p.status[k].present() {
                p.fear.raise(k, ip.attack_fear as f32);
                p.grievance[f].raise(k, ip.attack_grievance as f32);
            }
        }
    }
}

/// A Poisson draw (inversion; means here are small or moderate).
pub fn poisson(rng: &mut crate::rng::Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    if mean > 50.0 {
        let z: f64 = crate::region::normal_quantile(rng.random::<f64>().clamp(1e-12, 1.0 - 1e-12));
        return (mean + mean.sqrt() * z).round().max(0.0) as u32;
    }
    let l = (-mean).exp();
    let (mut k, mut prod) = (0u32, rng.random::<f64>());
    while prod > l {
        k += 1;
        prod *= rng.random::<f64>();
    }
    k
}
