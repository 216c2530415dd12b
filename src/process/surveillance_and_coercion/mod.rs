//! Surveillance and coercion (step 3 of the day): informants, and the
//! faction's kidnappings, assassinations, arrests, public executions and
//! enforcement of personal-life rules (Haid 2017, ch. 3-4).
//!
//! - Informants are recruited among needy locals with little grievance and
//!   paid monthly. Their density in town raises everyone's fear a little each
//!   day ("it created mistrust between people as they did not know who could
//!   be spying on them. As a result, many people joined ISIS in order to
//!   protect themselves", ch. 3); they find coercion's targets among their
//!   contacts, and the mistrust they sow slows mobilisation (7.5).
//! - Coercive acts happen at a rate that grows with the faction's strength in
//!   town (`escalation`) and with the town's hostility (`hostility_response`). Targets are activists and journalists, commanders of
//!   local groups, and people who oppose the faction (high grievance); rule
//!   enforcement falls on anyone. Each act raises fear in the victim's family
//!   and contacts (Bennett 2008: 0.10 of the way to 1 per exposure) and
//!   grievance toward the faction in them, more when the victim is local and
//!   known (ch. 4: the execution of Hassan Jazra 'increased anger towards the
//!   group'; ICSR: brutality outraged most when victims were 'people like
//!   them'). Kidnapped and arrested people are held and released after a
//!   while; some kidnapped are found killed (ch. 4, the trigger of ch. 5).

mod params;

pub use params::{ACT_KINDS, Coercion, Informants, Params, Raw, RawCoercion, RawInformants};

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use super::soft_power::random_local;
use crate::faction::Held;
use crate::rng::{Rng, Stream};
use crate::scenario::Scenario;
use crate::society::people::{Flags, NONE_U8, Origin, Status};
use crate::world::World;

fn pick(weights: &[f64], rng: &mut Rng) -> usize {
    crate::rng::weighted(weights, rng.random())
}

pub fn step(w: &mut World, s: &Scenario) {
    release_held(w, s);
    for (f, fp) in s.factions.iter().enumerate() {
        if !w.factions[f].arrived {
            continue;
        }
        let mut rng = w.key.stream(Stream::Coercion, w.day, f as u32);
        recruit_informants(w, f, fp, &mut rng);
        // Surveillance: everyone's fear rises with the informants' density.
        let present = w.society.people.tally.present().max(1) as f64;
        let density = w.society.people.tally.by_faction[f][Status::Informant as usize] as f64 / present;
        let p = &mut w.society.people;
        let st = &p.status;
        p.fear.raise_all(s.coercion.surveillance_fear * density, |i| st[i].present());
        // Coercion, growing with strength in town.
        let strength = p.tally.members_in_town(f) as f64 / f64::from(fp.initial_members.max(1));
        // Each act is carried out by at least one member in town: a faction
        // cannot commit more acts in a day than it has members here, however
        // steep its escalation.
        let in_town = p.tally.members_in_town(f) as f64;
        // Its answer to the town's hostility: the angrier the town, the more it
        // arrests and kidnaps (a decision from its state, not a trigger).
        let hostility = p.grievance[f].sum() / present;
        let rate = (fp.coercion.acts_per_week / 7.0 * strength.powf(fp.escalation) * (1.0 + fp.coercion.hostility_response * hostility)).min(in_town);
        let acts = if rate > 0.0 { Poisson::new(rate).map(|d| (d.sample(&mut rng) as u32).min(in_town as u32)).unwrap_or(0) } else { 0 };
        for _ in 0..acts {
            act(w, s, f, &mut rng);
        }
    }
    let fade = crate::attitude::daily_factor(s.coercion.infighting_half_life_days);
    let menace_fade = crate::attitude::daily_factor(s.coercion.menace_half_life_days);
    for st in &mut w.factions {
        st.infighting *= fade;
        st.menace *= menace_fade;
    }
}

fn recruit_informants(w: &mut World, f: usize, fp: &crate::faction::Params, rng: &mut Rng) {
    // Informants are paid agents: they stay while paid, and drift away when
    // pay stops (a tenth of the unpaid share a day).
    let unpaid = w.factions[f].unpaid;
    if unpaid > 0.0 {
        let p = &w.society.people;
        let quitting: Vec<usize> = (0..p.len()).filter(|&i| p.status[i] == Status::Informant && p.faction[i] as usize == f).collect();
        for i in quitting {
            if rng.random::<f64>() < 0.1 * unpaid {
                w.society.people.assign(i, Status::Civilian, NONE_U8);
            }
        }
    }
    let t = &w.society.people.tally;
    let target = fp.informants.share * t.present() as f64;
    let have = t.by_faction[f][Status::Informant as usize] as f64;
    if have >= target || w.factions[f].budget < fp.informants.pay_per_month {
        return;
    }
    let approaches = fp.informants.recruits_per_day.floor() as u32 + u32::from(rng.random::<f64>() < fp.informants.recruits_per_day.fract());
    for _ in 0..approaches {
        let Some(i) = random_local(w, rng) else {
            continue;
        };
        let p = &w.society.people;
        let willing = super::environment::need(w, i) as f64 * (1.0 - f64::from(p.grievance[f].get(i)));
        if p.status[i] == Status::Civilian && rng.random::<f64>() < willing {
            w.society.people.assign(i, Status::Informant, f as u8);
            w.today.informants_recruited[f] += 1;
        }
    }
}

/// Find a target of the drawn class; None if the class has no one present.
/// Where the faction has informants, activists and opponents are found
/// through them: among the family and peer contacts of its informants
/// (Haid 2017, ch. 3: informants 'created mistrust between people');
/// without informants it draws from the whole town.
fn target(w: &World, f: usize, class: usize, rng: &mut Rng) -> Option<usize> {
    let p = &w.society.people;
    if class != 1 && p.tally.by_faction[f][Status::Informant as usize] > 0 {
        return informed_target(w, f, class, rng);
    }
    match class {
        0 => (0..200).map(|_| rng.random_range(0..p.len())).find(|&i| p.status[i] == Status::Activist),
        1 => {
            let present: Vec<usize> =
                w.society.groups.iter().map(|g| g.commander as usize).filter(|&c| c < p.len() && p.status[c] == Status::LocalFighter).collect();
            (!present.is_empty()).then(|| present[rng.random_range(0..present.len())])
        }
        _ => {
            for _ in 0..200 {
                let i = rng.random_range(0..p.len());
                let opponent = p.status[i].present() && p.status[i] != Status::Detained && !p.status[i].member() && p.origin[i] == Origin::Local;
                if opponent && rng.random::<f32>() < p.grievance[f].get(i) {
                    return Some(i);
                }
            }
            None
        }
    }
}

/// An activist (class 0) or opponent (class 2) known to the faction's
/// informants: drawn uniformly among the informants' contacts of that class
/// (an opponent accepted with probability their grievance, up to 200 tries).
fn informed_target(w: &World, f: usize, class: usize, rng: &mut Rng) -> Option<usize> {
    let p = &w.society.people;
    let net = &w.society.network;
    let known = |i: usize| {
        let opponent = p.status[i].present() && p.status[i] != Status::Detained && !p.status[i].member() && p.origin[i] == Origin::Local;
        if class == 0 { p.status[i] == Status::Activist } else { opponent }
    };
    let mut candidates: Vec<u32> = Vec::new();
    for i in 0..p.len() {
        if p.status[i] == Status::Informant && p.faction[i] as usize == f {
            candidates.extend(net.family.row(i).iter().chain(net.peers.row(i)).filter(|&&j| known(j as usize)));
        }
    }
    if candidates.is_empty() {
        return None;
    }
    if class == 0 {
        return Some(candidates[rng.random_range(0..candidates.len())] as usize);
    }
    for _ in 0..200 {
        let i = candidates[rng.random_range(0..candidates.len())] as usize;
        if rng.random::<f32>() < p.grievance[f].get(i) {
            return Some(i);
        }
    }
    None
}

fn act(w: &mut World, s: &Scenario, f: usize, rng: &mut Rng) {
    let fp = &s.factions[f];
    let mut kinds = fp.coercion.kinds;
    kinds[4] *= fp.strictness;
    let kind = pick(&kinds, rng);
    let victim = match kind {
        // Rule enforcement falls on anyone in town.
        4 => random_local(w, rng),
        // Executions: someone the faction holds, else an outsider brought in.
        3 => {
            let held = &w.factions[f].held;
            (!held.is_empty()).then(|| held[rng.random_range(0..held.len())].person as usize)
        }
        _ => target(w, f, pick(&fp.coercion.targets, rng), rng),
    };
    let name = &fp.name;
    if kind == 3 {
        let p = &mut w.society.people;
        let st = &p.status;
        p.fear.raise_all(s.coercion.execution_town_fear, |i| st[i].present());
    }
    let Some(v) = victim else {
        if kind == 3 {
            // An outsider brought to town to be killed (Hassan Jazra, an FSA
            // commander, ch. 4): it angers the town and is infighting.
            let p = &mut w.society.people;
            let st = &p.status;
            p.grievance[f].raise_all(s.coercion.known_victim_town_grievance, |i| st[i].present());
            w.factions[f].infighting += 1.0;
            w.factions[f].menace += 1.0;
            w.today.acts[f] += 1;
            w.event("execution", name, None, 1.0, "outsider");
        }
        return;
    };
    let p = &w.society.people;
    let local = p.origin[v] == Origin::Local;
    let role = if p.status[v] == Status::Activist {
        "activist"
    } else if p.flags[v].has(Flags::COMMANDER) {
        "commander"
    } else if p.status[v] == Status::LocalFighter {
        "local_fighter"
    } else {
        "civilian"
    };
    let known = matches!(role, "activist" | "commander") || p.flags[v].has(Flags::NOTABLE);
    if matches!(role, "commander" | "local_fighter") {
        w.factions[f].infighting += 1.0;
    }
    backlash(w, s, f, v, local, known);
    let id = w.society.people.id[v];
    match kind {
        0 | 2 => {
            let days = 1 + (rng.random::<f64>().max(1e-12).ln() * -fp.coercion.held_days_mean) as u32;
            let killed = kind == 0 && rng.random::<f64>() < fp.coercion.kidnapped_killed_share;
            w.factions[f].held.push(Held {
                person: v as u32,
                until: w.day + days,
                status: w.society.people.status[v],
                faction: w.society.people.faction[v],
                killed,
            });
            w.society.people.assign(v, Status::Detained, f as u8);
        }
        1 | 3 => {
            // An executed captive leaves the faction's hold.
            w.factions[f].held.retain(|h| h.person as usize != v);
            let faction = w.society.people.faction[v];
            w.society.people.assign(v, Status::Dead, faction);
        }
        _ => {}
    }
    w.today.acts[f] += 1;
    if kind != 4 {
        w.factions[f].menace += 1.0;
    }
    if local {
        w.today.acts_local[f] += 1;
    }
    w.event(ACT_KINDS[kind], name, Some(id), 1.0, format!("{role};{}", if local { "local" } else { "foreign" }));
}

/// Fear and grievance in the victim's family and contacts, more for a local
/// victim; a known victim angers the whole town a little.
fn backlash(w: &mut World, s: &Scenario, f: usize, v: usize, local: bool, known: bool) {
    let c = &s.coercion;
    let factor = if local { 1.0 } else { c.foreign_victim_factor };
    let (p, net) = (&mut w.society.people, &w.society.network);
    p.fear.raise(v, c.fear_gain as f32);
    for &j in net.family.row(v) {
        p.fear.raise(j as usize, c.fear_gain as f32);
        p.grievance[f].raise(j as usize, (c.family_grievance_gain * factor) as f32);
    }
    for &j in net.peers.row(v) {
        p.fear.raise(j as usize, c.fear_gain as f32);
        p.grievance[f].raise(j as usize, (c.contact_grievance_gain * factor) as f32);
    }
    if known {
        let st = &p.status;
        p.grievance[f].raise_all(c.known_victim_town_grievance * factor, |i| st[i].present());
    }
}

/// Free person `v` held by faction `f` now (an arrest the town resisted).
pub fn free(w: &mut World, f: usize, v: usize) {
    if let Some(k) = w.factions[f].held.iter().position(|h| h.person as usize == v) {
        let h = w.factions[f].held.swap_remove(k);
        w.society.people.assign(v, h.status, h.faction);
    }
}

/// Release those whose time is up; the killed are found dead (an event that
/// the uprising's triggers read).
fn release_held(w: &mut World, s: &Scenario) {
    for f in 0..w.factions.len() {
        let mut k = 0;
        while k < w.factions[f].held.len() {
            let h = w.factions[f].held[k];
            if w.day < h.until {
                k += 1;
                continue;
            }
            w.factions[f].held.swap_remove(k);
            let v = h.person as usize;
            if w.society.people.status[v] != Status::Detained {
                continue; // freed or executed meanwhile
            }
            let id = w.society.people.id[v];
            if h.killed {
                w.society.people.assign(v, Status::Dead, NONE_U8);
                let local = w.society.people.origin[v] == Origin::Local;
                backlash(w, s, f, v, local, true);
                w.event("found_killed", &s.factions[f].name, Some(id), 1.0, "");
            } else {
                w.society.people.assign(v, h.status, h.faction);
                w.event("released", &s.factions[f].name, Some(id), 1.0, "");
            }
        }
    }
}
