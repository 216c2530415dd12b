//! Breaking the walls (step 13 of the day; docs/model.md, 7.17): the defeated
//! faction's decision to attack a prison and free its people, sized by its
//! strength outside and the prison's security (the Hasakeh prison uprising,
//! January 2022; Hassan 2022). Each day it weighs each prison: what an
//! attack would free (its members inside, times the chance of success)
//! against the fighters it would lose; the better the prospect, the likelier
//! it moves that day. A success frees a share of everyone held, more the
//! stronger the attack; the freed leave as escapees (detention's gate).

use rand::RngExt;

use crate::process::detention::{self, Leave, daily};
use crate::region::PlaceKind;
use crate::rng::Stream;
use crate::scenario::{Check, Int, Real, Scenario, ScenarioError};
use crate::society::people::Status;
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub plans_per_year: Option<f64>,
    pub prize_half: Option<f64>,
    pub attack_share: Option<f64>,
    pub guards_per_100: Option<f64>,
    pub freed_share: Option<f64>,
    pub attackers_lost_share: Option<f64>,
    pub loss_weight: Option<f64>,
    pub rest_days: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub plans_per_year: f64,
    pub prize_half: f64,
    pub attack_share: f64,
    pub guards_per_100: f64,
    pub freed_share: f64,
    pub attackers_lost_share: f64,
    pub loss_weight: f64,
    pub rest_days: u32,
}

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let plans_per_year = c.real(
            "plans_per_year",
            raw.plans_per_year,
            Real {
                default: 2.0,
                min: 0.0,
                max: 365.0,
                unit: "per year",
                doc: "Yearly rate at which the faction moves on a prison whose prospect is certain (0: it never attacks prisons).",
                source: "assumption; 'breaking the walls' campaigns and the Hasakeh attack (Hassan 2022)",
            },
        )?;
        let prize_half = c.real(
            "prize_half",
            raw.prize_half,
            Real {
                default: 500.0,
                min: 1.0,
                max: 1e7,
                unit: "members freed",
                doc: "Expected members freed, net of losses, at which an attack's prospect is one half.",
                source: "assumption",
            },
        )?;
        let attack_share = c.real(
            "attack_share",
            raw.attack_share,
            Real { default: 0.2, doc: "Share of its fighters outside the faction commits to an attack.", source: "assumption", ..Real::SHARE },
        )?;
        let guards_per_100 = c.real(
            "guards_per_100",
            raw.guards_per_100,
            Real {
                default: 10.0,
                min: 0.0,
                max: 1000.0,
                unit: "guards per 100 detainees at security 1",
                doc: "Guards of a prison per 100 held at full security (scaled by its security): the defence an attack meets.",
                source: "assumption",
            },
        )?;
        let freed_share = c.real(
            "freed_share",
            raw.freed_share,
            Real {
                default: 0.3,
                doc: "Share of those held freed by a successful attack at full strength (scaled by the attack's odds).",
                source: "assumption; hundreds escaped at Hasakeh",
                ..Real::SHARE
            },
        )?;
        let attackers_lost_share = c.real(
            "attackers_lost_share",
            raw.attackers_lost_share,
            Real {
                default: 0.3,
                doc: "Share of the attackers lost (killed or captured) if the attack fails, half that if it succeeds.",
                source: "assumption",
                ..Real::SHARE
            },
        )?;
        let loss_weight = c.real(
            "loss_weight",
            raw.loss_weight,
            Real {
                default: 1.0,
                min: 0.0,
                max: 100.0,
                unit: "members per fighter",
                doc: "How many freed members the faction would give for a fighter lost.",
                source: "assumption",
            },
        )?;
        let rest_days = c.int(
            "rest_days",
            raw.rest_days,
            Int {
                default: 90,
                min: 0,
                max: 10_000,
                unit: "days",
                doc: "Days the faction needs after an attack before it can mount another.",
                source: "assumption",
            },
        )? as u32;
        Ok(Params { plans_per_year, prize_half, attack_share, guards_per_100, freed_share, attackers_lost_share, loss_weight, rest_days })
    }
}

pub fn step(w: &mut World, s: &Scenario) {
    let b = &s.breaking_the_walls;
    let f = s.detention.faction as usize;
    if !s.region.declared || f >= s.factions.len() || b.plans_per_year <= 0.0 {
        return;
    }
    if w.region.last_attack.is_some_and(|d| w.day < d + b.rest_days) {
        return;
    }
    let hideout = s.region.hideout(f) as usize;
    let towns = s.region.towns;
    let at = &w.society.people.at;
    let outside = f64::from(at[hideout].status[Status::Elsewhere as usize]) + (0..towns).map(|t| f64::from(at[t].fighters[f])).sum::<f64>();
    let force = outside * b.attack_share;
    // The best prospect among the prisons.
    let mut best: Option<(usize, f64, f64)> = None;
    for (k, pl) in s.region.places.iter().enumerate() {
        if pl.kind != PlaceKind::Prison {
            continue;
        }
        let held = f64::from(at[k].status[Status::Detained as usize]);
        let members = f64::from(at[k].detained[f]);
        let guards = held * b.guards_per_100 / 100.0 * pl.security;
        let odds = force / (force + guards).max(1e-9);
        let lost = force * b.attackers_lost_share * (1.0 - odds / 2.0);
        let value = odds * b.freed_share * odds * members - b.loss_weight * lost;
        if value > 0.0 && best.is_none_or(|x| value > x.1) {
            best = Some((k, value, odds));
        }
    }
    let Some((k, value, odds)) = best else { return };
    let mut rng = w.key.stream(Stream::BreakingTheWalls, w.day, 0);
    let prospect = value / (value + b.prize_half);
    if rng.random::<f64>() >= daily(b.plans_per_year * prospect) {
        return;
    }
    w.region.last_attack = Some(w.day);
    w.region.attacked_day[k] = Some(w.day);
    w.region.today[k].prison_attacks += 1;
    w.today.region.prison_attacks += 1;
    let success = rng.random::<f64>() < odds;
    let name = &s.factions[f].name;
    // Attackers lost, from the fighters outside (hideout first).
    let lost = (force * b.attackers_lost_share * if success { 0.5 } else { 1.0 }).round() as u32;
    let mut lost_left = lost;
    let n = w.society.people.len();
    let mut i = 0;
    while lost_left > 0 && i < n {
        let p = &w.society.people;
        if p.faction[i] as usize == f && (p.status[i] == Status::Elsewhere && p.place[i] as usize == hideout) {
            w.society.people.assign(i, Status::Dead, f as u8);
            lost_left -= 1;
        }
        i += 1;
    }
    let mut freed = 0u32;
    if success {
        w.region.first_break.get_or_insert(w.day);
        let share = b.freed_share * odds;
        let held: Vec<u32> =
            (0..n).filter(|&i| w.society.people.status[i] == Status::Detained && w.society.people.place[i] as usize == k).map(|i| i as u32).collect();
        for i in held {
            if rng.random::<f64>() < share {
                detention::leave(w, s, i as usize, Leave::Escaped, &mut rng);
                freed += 1;
                w.today.region.freed_by_attacks += 1;
            }
        }
    }
    let detail = format!("{} ({}): {} attackers lost, {freed} freed", s.region.places[k].name, if success { "success" } else { "repelled" }, lost - lost_left);
    w.event("prison_attack", name, None, f64::from(freed), detail);
}
