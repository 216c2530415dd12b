//! Surveillance and coercion (step 3 of the day): informants, and the
//! faction's kidnappings, assassinations, arrests, public executions and
//! enforcement of personal-life rules (Haid 2017, ch. 3-4).
//!
//! - Informants are recruited among needy locals with little grievance and
//!   paid monthly. Their density in town raises everyone's fear a little each
//!   day ("it created mistrust between people as they did not know who could
//!   be spying on them. As a result, many people joined ISIS in order to
//!   protect themselves", ch. 3) and lowers trust.
//! - Coercive acts happen at a rate that grows with the faction's strength in
//!   town (`escalation`). Targets are activists and journalists, commanders of
//!   local groups, and people who oppose the faction (high grievance); rule
//!   enforcement falls on anyone. Each act raises fear in the victim's family
//!   and contacts (Bennett 2008: 0.10 of the way to 1 per exposure) and
//!   grievance toward the faction in them, more when the victim is local and
//!   known (ch. 4: the execution of Hassan Jazra 'increased anger towards the
//!   group'; ICSR: brutality outraged most when victims were 'people like
//!   them'). Kidnapped and arrested people are held and released after a
//!   while; some kidnapped are found killed (ch. 4, the trigger of ch. 5).

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use super::soft_power::random_local;
use crate::faction::Held;
use crate::rng::{Rng, Stream};
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{Flags, NONE_U8, Origin, Status};
use crate::world::World;

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
