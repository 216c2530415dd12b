//! Displacement and return (step 11 of the day; docs/model.md, 7.15). People
//! flee a town when fear (attacks, coercion) and the collapse of services at
//! home pass what they can bear, to a camp with room or to another town; the
//! displaced go home when home is secure, rebuilt and willing to have them.
//! Families known to have supported the faction ("ISIS families", Hassan
//! 2022) are refused by neighbours who fear sleeper cells, the more so where
//! the faction's cells are active; the levers that open the way home are
//! vetting (which also catches members), a signed denunciation (tabriya,
//! which the less committed sign), sponsorship by notables, and
//! reconstruction (lowers damage, so need, at home).

use rand::RngExt;

use crate::process::detention::daily;
use crate::region::{ABROAD, PlaceKind};
use crate::rng::{Stream, skip};
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{Flags, NONE_U8, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub flight_per_year: Option<f64>,
    pub to_camps_share: Option<f64>,
    pub to_towns_share: Option<f64>,
    pub hardship: Option<f64>,
    pub damage_hardship: Option<f64>,
    pub return_per_year: Option<f64>,
    pub insecurity_half: Option<f64>,
    pub ostracism: Option<f64>,
    pub sleeper_fear: Option<f64>,
    pub vetting: Option<f64>,
    pub tabriya: Option<f64>,
    pub sponsorship: Option<f64>,
    pub reconstruction: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub flight_per_year: f64,
    pub to_camps_share: f64,
    pub to_towns_share: f64,
    pub hardship: f64,
    pub damage_hardship: f64,
    pub return_per_year: f64,
    pub insecurity_half: f64,
    pub ostracism: f64,
    pub sleeper_fear: f64,
    pub vetting: f64,
    pub tabriya: f64,
    pub sponsorship: f64,
    pub reconstruction: f64,
}

const SHARE: Real = Real::SHARE;

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let flight_per_year = c.real(
            "flight_per_year",
            raw.flight_per_year,
            Real {
                default: 2.0,
                min: 0.0,
                max: 365.0,
                unit: "per year",
                doc: "Yearly rate of flight of someone in town at fear 1 and the worst hardship at home; scaled by fear squared and by 1 + hardship.",
                source: "assumption",
            },
        )?;
        let to_camps_share = c.real(
            "to_camps_share",
            raw.to_camps_share,
            Real { default: 0.5, doc: "Share of those who flee who go to a camp with room (the rest to another town).", source: "assumption", ..SHARE },
        )?;
        let to_towns_share = c.real(
            "to_towns_share",
            raw.to_towns_share,
            Real {
                default: 0.5,
                doc: "Share of those who flee who go to another town; with to_camps_share it must add up to 1.",
                source: "assumption",
                ..SHARE
            },
        )?;
        if (to_camps_share + to_towns_share - 1.0).abs() > 1e-9 {
            return Err(c.fail(
                "to_towns_share",
                format!(
                    "to_camps_share ({to_camps_share}) and to_towns_share ({to_towns_share}) add up to {}: allowed only a total of 1",
                    to_camps_share + to_towns_share
                ),
            ));
        }
        let hardship = c.real(
            "hardship",
            raw.hardship,
            Real {
                default: 0.4,
                doc: "Hardship of the displaced in a host town (need rises toward 1 by this share); in a camp, 1 - its conditions.",
                source: "assumption",
                ..SHARE
            },
        )?;
        let damage_hardship = c.real(
            "damage_hardship",
            raw.damage_hardship,
            Real {
                default: 0.6,
                doc: "Hardship in a town per unit of unrepaired damage.",
                source: "assumption; 'the cities and towns bombed ... have not been rebuilt' (Hassan 2022)",
                ..SHARE
            },
        )?;
        let return_per_year = c.real(
            "return_per_year",
            raw.return_per_year,
            Real {
                default: 1.0,
                min: 0.0,
                max: 365.0,
                unit: "per year",
                doc: "Yearly rate at which a displaced person tries to go home; the try succeeds with home's security, repair and acceptance.",
                source: "assumption",
            },
        )?;
        let insecurity_half = c.real(
            "insecurity_half",
            raw.insecurity_half,
            Real {
                default: 2.0,
                min: 0.001,
                max: 1000.0,
                unit: "fighters per 1,000 people",
                doc: "The faction's fighters per 1,000 people of a town at which its security, for a returnee, is one half.",
                source: "assumption",
            },
        )?;
        let ostracism = c.real(
            "ostracism",
            raw.ostracism,
            Real {
                default: 0.9,
                doc: "Chance that a household known to have supported the faction is refused by its home community (before levers).",
                source: "assumption; 500,000 'ISIS families' 'ostracized by those same neighbors, unable to return home' (Hassan 2022)",
                ..SHARE
            },
        )?;
        let sleeper_fear = c.real(
            "sleeper_fear",
            raw.sleeper_fear,
            Real {
                default: 0.5,
                min: 0.0,
                max: 100.0,
                unit: "per fighter per 1,000 people",
                doc: "How much the faction's fighters at home raise refusal (fear of sleeper cells).",
                source: "assumption; communities prevent the displaced from resettling for fear of sleeper cells (Haid 2017, ch. 6)",
            },
        )?;
        let vetting = c.real(
            "vetting",
            raw.vetting,
            Real {
                default: 0.0,
                doc: "Lever: share of returning families' files vetted; the cleared are accepted, members found are detained.",
                source: "Hassan 2022: Baghdad and the Kurdish government 'tried to vet known ISIS fighters'",
                ..SHARE
            },
        )?;
        let tabriya = c.real(
            "tabriya",
            raw.tabriya,
            Real {
                default: 0.0,
                doc: "Lever: how widely a signed denunciation (tabriya) is offered; the less committed sign and are accepted.",
                source: "Hassan 2022: 'mechanisms to enable Iraqis with known ISIS ties ... to sign denunciations of the group and return'",
                ..SHARE
            },
        )?;
        let sponsorship = c.real(
            "sponsorship",
            raw.sponsorship,
            Real {
                default: 0.0,
                doc: "Lever: chance that a notable sponsors a refused family's return.",
                source: "tribal sponsorship released 1,122 women and children in July 2019 (published figures)",
                ..SHARE
            },
        )?;
        let reconstruction = c.real(
            "reconstruction",
            raw.reconstruction,
            Real {
                default: 0.0,
                doc: "Lever: share of towns' damage rebuilt (lowers hardship at home and the bar to return).",
                source: "Hassan 2022: the bombed cities 'have not been rebuilt'",
                ..SHARE
            },
        )?;
        Ok(Params {
            flight_per_year,
            to_camps_share,
            to_towns_share,
            hardship,
            damage_hardship,
            return_per_year,
            insecurity_half,
            ostracism,
            sleeper_fear,
            vetting,
            tabriya,
            sponsorship,
            reconstruction,
        })
    }
}

/// Hardship of each place for its residents, and of the displaced there
/// (the need they feel beyond their household's baseline).
pub fn hardship(s: &Scenario) -> (Vec<f32>, Vec<f32>) {
    let d = &s.displacement;
    let home: Vec<f32> = s
        .region
        .places
        .iter()
        .map(|p| match p.kind {
            PlaceKind::Town => (p.damage * (1.0 - d.reconstruction) * d.damage_hardship) as f32,
            PlaceKind::Camp | PlaceKind::Prison => (1.0 - p.conditions) as f32,
            PlaceKind::Hideout => 0.0,
        })
        .collect();
    let away = home.iter().zip(&s.region.places).map(|(&h, p)| if p.kind == PlaceKind::Town { h.max(d.hardship as f32) } else { h }).collect();
    (home, away)
}

/// Security of town `t` for a returnee, in [0, 1].
fn security(w: &World, s: &Scenario, t: usize) -> f64 {
    let at = &w.society.people.at[t];
    let fighters: u32 = at.fighters.iter().sum();
    let per_1000 = f64::from(fighters) * 1000.0 / f64::from(at.alive().max(1));
    1.0 / (1.0 + per_1000 / s.displacement.insecurity_half)
}

/// Whether person `i`'s home community takes them back today; `u` uniform.
/// Vetting may find a member instead (returns `None`: to be detained).
fn accepted(w: &World, s: &Scenario, i: usize, t: usize, u: [f64; 4]) -> Option<bool> {
    let d = &s.displacement;
    let p = &w.society.people;
    if !p.flags[i].has(Flags::TAINTED) {
        return Some(true);
    }
    if u[0] < d.vetting {
        // Vetted: members of the faction are found; the rest are cleared.
        return if p.faction[i] != NONE_U8 && matches!(p.status[i], Status::ExMember | Status::Displaced) && p.faction[i] == s.detention.faction {
            None
        } else {
            Some(true)
        };
    }
    let at = &w.society.people.at[t];
    let fighters: u32 = at.fighters.iter().sum();
    let per_1000 = f64::from(fighters) * 1000.0 / f64::from(at.alive().max(1));
    let refuse = (d.ostracism * (1.0 + d.sleeper_fear * per_1000)).min(1.0);
    let signs = u[1] < d.tabriya * (1.0 - f64::from(p.commitment.get(i)));
    let sponsored = u[2] < d.sponsorship;
    Some(signs || sponsored || u[3] >= refuse)
}

/// Person `i`, out of detention, goes home if home is a town that takes
/// them, else is displaced: in the camp they left, or in another town.
pub fn go_home(w: &mut World, s: &Scenario, i: usize) {
    let home = w.society.people.home[i];
    let mut rng = w.key.stream(Stream::DisplacementAndReturn, w.day, 1 + w.society.people.id[i]);
    let u: [f64; 4] = rng.random();
    let from = w.society.people.place[i] as usize;
    let ok = home != ABROAD && (home as usize) < s.region.towns && accepted(w, s, i, home as usize, u) == Some(true);
    let p = &mut w.society.people;
    let settled = if p.status[i] == Status::ExMember { Status::ExMember } else { Status::Civilian };
    let f = if settled == Status::ExMember { p.faction[i] } else { NONE_U8 };
    if ok {
        p.assign(i, settled, f);
        p.move_to(i, home);
        w.region.today[home as usize].returned += 1;
        w.today.region.returned += 1;
        return;
    }
    // Displaced: where they are if a camp, else a town other than home.
    let to = if s.region.places[from].kind == PlaceKind::Camp {
        from as u16
    } else {
        let towns = s.region.towns;
        let k = rng.random_range(0..towns);
        if k as u16 == home && towns > 1 { ((k + 1) % towns) as u16 } else { k as u16 }
    };
    p.assign(i, Status::Displaced, f);
    p.move_to(i, to);
    p.flags[i].set(Flags::TAINTED);
    w.region.today[to as usize].displaced_in += 1;
}

pub fn step(w: &mut World, s: &Scenario) {
    let d = &s.displacement;
    if !s.region.declared {
        return;
    }
    let towns = s.region.towns;
    let camps: Vec<usize> = (0..s.region.places.len()).filter(|&k| s.region.places[k].kind == PlaceKind::Camp).collect();
    let sec: Vec<f64> = (0..towns).map(|t| security(w, s, t)).collect();
    let (home_h, _) = hardship(s);
    let n = w.society.people.len();
    let mut rng = w.key.stream(Stream::DisplacementAndReturn, w.day, 0);
    let back = daily(d.return_per_year);
    let mut moves: Vec<(u32, u16, Status)> = Vec::new();
    let mut vetted: Vec<u32> = Vec::new();
    // Flight: candidates at the highest hazard (fear 1, the worst hardship),
    // kept in proportion to their own.
    let worst = daily(d.flight_per_year * 2.0);
    let mut i = skip(&mut rng, worst);
    while i < n {
        let p = &w.society.people;
        let t = p.place[i] as usize;
        if matches!(p.status[i], Status::Civilian | Status::Activist | Status::ExMember) && t < towns {
            let fear = f64::from(p.fear.get(i));
            let h = daily(d.flight_per_year * fear * fear * (1.0 + f64::from(home_h[t])));
            let u: [f64; 3] = rng.random();
            if u[0] * worst < h {
                let to = if u[1] < d.to_camps_share {
                    camps.iter().copied().find(|&c| w.society.people.at[c].alive() < s.region.places[c].capacity).map(|c| c as u16)
                } else {
                    None
                };
                let to = to.unwrap_or_else(|| {
                    let k = ((u[2] * towns as f64) as usize).min(towns - 1);
                    if k == t && towns > 1 { ((k + 1) % towns) as u16 } else { k as u16 }
                });
                if to as usize != t {
                    moves.push((i as u32, to, Status::Displaced));
                }
            }
        }
        i += 1 + skip(&mut rng, worst);
    }
    // Return: the displaced try to go home at their rate.
    let mut i = skip(&mut rng, back);
    while i < n {
        let p = &w.society.people;
        let home = p.home[i] as usize;
        if p.status[i] == Status::Displaced && home < towns {
            let repaired = 1.0 - s.region.places[home].damage * (1.0 - d.reconstruction);
            let u: [f64; 6] = rng.random();
            if u[4] < sec[home] && u[5] < repaired {
                match accepted(w, s, i, home, [u[0], u[1], u[2], u[3]]) {
                    Some(true) => moves.push((i as u32, home as u16, Status::Civilian)),
                    Some(false) => {}
                    None => vetted.push(i as u32),
                }
            }
        }
        i += 1 + skip(&mut rng, back);
    }
    for (i, to, st) in moves {
        let i = i as usize;
        let p = &mut w.society.people;
        let from = p.place[i] as usize;
        if st == Status::Displaced {
            let f = if p.status[i] == Status::ExMember { p.faction[i] } else { NONE_U8 };
            p.assign(i, Status::Displaced, f);
            w.region.today[from].displaced_out += 1;
            w.region.today[to as usize].displaced_in += 1;
            w.today.region.displaced += 1;
        } else {
            let back_as = if p.faction[i] != NONE_U8 { Status::ExMember } else { Status::Civilian };
            let f = p.faction[i];
            p.assign(i, back_as, f);
            w.region.today[to as usize].returned += 1;
            w.today.region.returned += 1;
        }
        w.society.people.move_to(i, to);
    }
    // Members found by vetting go to a prison with room.
    let prisons: Vec<usize> = (0..s.region.places.len()).filter(|&k| s.region.places[k].kind == PlaceKind::Prison).collect();
    for i in vetted {
        let i = i as usize;
        let Some(&k) = prisons.iter().find(|&&k| w.society.people.at[k].alive() < s.region.places[k].capacity) else { break };
        let p = &mut w.society.people;
        let f = p.faction[i];
        p.assign(i, Status::Detained, f);
        p.move_to(i, k as u16);
        w.region.today[k].detained += 1;
        w.today.region.detained += 1;
    }
}
