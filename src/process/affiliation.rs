//! Affiliation choices (step 4 of the day): the faction's members arrive from
//! elsewhere, and each day a fraction of people reconsider where they stand,
//! choosing among staying as they are (civilian, activist or ex-member),
//! supporting or fighting for a faction in town, and joining a local armed
//! group. The choice is a multinomial logit over utilities:
//!
//! - pull of a faction: money against need (fighters' pay, services to the
//!   registered in a crisis), protection against fear in proportion to the
//!   faction's dominance in town ("many people joined ISIS in order to protect
//!   themselves", Haid 2017, ch. 3), ideology (commitment) and
//!   exposure to its outreach, what family and contacts do, its standing;
//! - push: grievance toward it (its brutality), stigma, the risk of fighting,
//!   and, for members, the other three reasons defectors gave
//!   (ICSR 2015): fighting other rebels rather than the regime,
//!   corruption and foreigners' privileges, and a life harsher than promised
//!   (strict rules felt by the uncommitted, pay that stops).
//!
//! A join is attributed to its largest pull (money, protection, ideology,
//! social), a departure to its largest push among the four reasons. Leaving
//! lowers commitment only partly: disengagement is not deradicalisation
//! (Marsden 2015).
//!
//! Decisions are synchronous: every reconsidering person decides from the
//! state at the start of the step (in parallel over fixed chunks, each with
//! its own stream), then the changes are applied in index order.

use rand::RngExt;
use rayon::prelude::*;

use super::environment;
use crate::rng::{CHUNK, Rng, Stream};
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{MAX_FACTIONS, NONE_U8, NONE_U16, Origin, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub reconsider_rate: Option<f64>,
    pub support_constant: Option<f64>,
    pub fight_constant: Option<f64>,
    pub group_constant: Option<f64>,
    pub inertia: Option<f64>,
    pub money: Option<f64>,
    pub services: Option<f64>,
    pub registered: Option<f64>,
    pub protection: Option<f64>,
    pub ideology: Option<f64>,
    pub exposure: Option<f64>,
    pub social: Option<f64>,
    pub standing: Option<f64>,
    pub grievance: Option<f64>,
    pub stigma: Option<f64>,
    pub fight_risk: Option<f64>,
    pub child_pull: Option<f64>,
    pub youth_pull: Option<f64>,
    pub elder_pull: Option<f64>,
    pub group_social: Option<f64>,
    pub group_resistance: Option<f64>,
    pub group_loyalty: Option<f64>,
    pub perceived_elsewhere: Option<f64>,
    pub infighting: Option<f64>,
    pub corruption: Option<f64>,
    pub harshness: Option<f64>,
    pub unpaid: Option<f64>,
    pub join_commitment_gain: Option<f64>,
    pub exposure_commitment_gain: Option<f64>,
    pub leave_commitment_drop: Option<f64>,
}

/// Parameters of affiliation choices (`[affiliation]`): logit weights are in
/// utility units; utilities of staying as one is get `inertia`.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub reconsider_rate: f64,
    pub support_constant: f64,
    pub fight_constant: f64,
    pub group_constant: f64,
    pub inertia: f64,
    pub money: f64,
    pub services: f64,
    pub registered: f64,
    pub protection: f64,
    pub ideology: f64,
    pub exposure: f64,
    pub social: f64,
    pub standing: f64,
    pub grievance: f64,
    pub stigma: f64,
    pub fight_risk: f64,
    /// Pull of faction membership by age class (adults 0).
    pub age_pull: [f64; 4],
    pub group_social: f64,
    pub group_resistance: f64,
    pub group_loyalty: f64,
    pub perceived_elsewhere: f64,
    pub infighting: f64,
    pub corruption: f64,
    pub harshness: f64,
    pub unpaid: f64,
    pub join_commitment_gain: f64,
    pub exposure_commitment_gain: f64,
    pub leave_commitment_drop: f64,
}

const WEIGHT: Real = Real { default: 0.0, min: 0.0, max: 100.0, unit: "utility", doc: "", source: "assumption" };
const CONSTANT: Real = Real { default: 0.0, min: -100.0, max: 100.0, unit: "utility", doc: "", source: "assumption" };
const SHARE: Real = Real::SHARE;

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let mut r = |key: &str, v: Option<f64>, spec: Real| c.real(key, v, spec);
        let reconsider_rate = r(
            "reconsider_rate",
            raw.reconsider_rate,
            Real { default: 0.02, unit: "share per day", doc: "Share of people who reconsider where they stand each day.", ..SHARE },
        )?;
        let support_constant = r(
            "support_constant",
            raw.support_constant,
            Real { default: -6.0, doc: "Utility of supporting a faction before its pulls and pushes (its cost to an ordinary person).", ..CONSTANT },
        )?;
        let fight_constant = r(
            "fight_constant",
            raw.fight_constant,
            Real { default: -7.0, doc: "Utility of fighting for a faction before pay, pulls and pushes.", ..CONSTANT },
        )?;
        let group_constant =
            r("group_constant", raw.group_constant, Real { default: -7.0, doc: "Utility of joining a local armed group before its pulls.", ..CONSTANT })?;
        let inertia = r("inertia", raw.inertia, Real { default: 3.0, doc: "Utility bonus of staying as one is (the cost of changing side).", ..WEIGHT })?;
        let money = r(
            "money",
            raw.money,
            Real {
                default: 4.0,
                doc: "Weight of a fighter's pay (relative to $115 a month) times need.",
                source: "Haid 2017, ch. 3 (people were poor); weight: assumption",
                ..WEIGHT
            },
        )?;
        let services = r(
            "services",
            raw.services,
            Real {
                default: 1.5,
                doc: "Weight of the faction's services to the registered during a crisis.",
                source: "Haid 2017, ch. 3 ('people started joining Daesh to receive its services'); weight: assumption",
                ..WEIGHT
            },
        )?;
        let registered = r(
            "registered",
            raw.registered,
            Real {
                default: 1.0,
                doc: "Weight of being registered with the faction (registration ties people to it).",
                source: "Haid 2017, ch. 3; weight: assumption",
                ..WEIGHT
            },
        )?;
        let protection = r(
            "protection",
            raw.protection,
            Real {
                default: 12.0,
                doc: "Weight of fear times the faction's dominance in town (joining for protection).",
                source: "Haid 2017, ch. 3 ('many people joined ISIS in order to protect themselves'); weight: assumption",
                ..WEIGHT
            },
        )?;
        let ideology = r("ideology", raw.ideology, Real { default: 5.0, doc: "Weight of ideological commitment.", ..WEIGHT })?;
        let exposure = r(
            "exposure",
            raw.exposure,
            Real {
                default: 3.0,
                doc: "Weight of exposure to the faction's outreach.",
                source: "Haid 2017, ch. 3 (events as 'a first step in recruiting them'); weight: assumption",
                ..WEIGHT
            },
        )?;
        let social = r("social", raw.social, Real { default: 6.0, doc: "Weight of the share of one's family and contacts who are members.", ..WEIGHT })?;
        let standing = r("standing", raw.standing, Real { default: 1.0, doc: "Weight of the faction's standing as a working authority.", ..WEIGHT })?;
        let grievance = r(
            "grievance",
            raw.grievance,
            Real {
                default: 6.0,
                doc: "Weight of grievance toward the faction (for members: its brutality against people like them).",
                source: "ICSR 2015, narrative 2; weight: assumption",
                ..WEIGHT
            },
        )?;
        let stigma = r("stigma", raw.stigma, Real { default: 2.0, doc: "Weight of stigma against membership.", ..WEIGHT })?;
        let fight_risk = r("fight_risk", raw.fight_risk, Real { default: 1.0, doc: "Cost of the risks of fighting.", ..WEIGHT })?;
        let age_pull = [
            r(
                "child_pull",
                raw.child_pull,
                Real {
                    default: -1.0,
                    doc: "Pull of membership for children (cubs) relative to adults.",
                    source: "Haid 2017, ch. 3: children 'easier and cheaper to recruit'; value: assumption",
                    ..CONSTANT
                },
            )?,
            r(
                "youth_pull",
                raw.youth_pull,
                Real { default: 0.5, doc: "Pull of membership for youth relative to adults.", source: "Haid 2017, ch. 3; value: assumption", ..CONSTANT },
            )?,
            0.0,
            r("elder_pull", raw.elder_pull, Real { default: -2.0, doc: "Pull of membership for elders relative to adults.", ..CONSTANT })?,
        ];
        let group_social = r(
            "group_social",
            raw.group_social,
            Real {
                default: 6.0,
                doc: "Weight of the share of one's contacts in local armed groups (for joining one).",
                source: "Haid 2017, ch. 2 (groups of locals with family ties); weight: assumption",
                ..WEIGHT
            },
        )?;
        let group_resistance = r(
            "group_resistance",
            raw.group_resistance,
            Real { default: 2.0, doc: "Weight of one's highest grievance toward a faction (for joining a local armed group).", ..WEIGHT },
        )?;
        let group_loyalty = r(
            "group_loyalty",
            raw.group_loyalty,
            Real {
                default: 6.0,
                doc: "Utility a local fighter has in staying with his group (pay, comradeship, duty), on top of inertia.",
                source: "Haid 2017, ch. 2 (groups with strong community support); value: assumption",
                ..WEIGHT
            },
        )?;
        let perceived_elsewhere = r(
            "perceived_elsewhere",
            raw.perceived_elsewhere,
            Real {
                default: 0.2,
                max: 1.0,
                unit: "share",
                doc: "Share of a faction's strength elsewhere that people count when they judge its dominance in town (its power was unknown, likely overestimated).",
                source: "Haid 2017, ch. 5 ('the true extent of the group's power in the city ... was unknown ... likely overestimated'); value: assumption",
                ..WEIGHT
            },
        )?;
        let infighting = r(
            "infighting",
            raw.infighting,
            Real {
                default: 0.5,
                doc: "Push on local members per recent act against local armed groups (fighting rebels, not the regime).",
                source: "ICSR 2015, narrative 1; weight: assumption",
                ..WEIGHT
            },
        )?;
        let corruption = r(
            "corruption",
            raw.corruption,
            Real {
                default: 2.5,
                doc: "Push on local members of the foreign share of the faction in town (foreigners' privileges).",
                source: "ICSR 2015, narrative 3; weight: assumption",
                ..WEIGHT
            },
        )?;
        let harshness = r(
            "harshness",
            raw.harshness,
            Real {
                default: 2.0,
                doc: "Push on members of strictness times their lack of commitment (a life harsher than promised).",
                source: "ICSR 2015, narrative 4 (mostly those who joined for selfish reasons); weight: assumption",
                ..WEIGHT
            },
        )?;
        let unpaid = r(
            "unpaid",
            raw.unpaid,
            Real { default: 3.0, doc: "Push on paid members when pay stops.", source: "ICSR 2015, narrative 4; weight: assumption", ..WEIGHT },
        )?;
        let join_commitment_gain = r(
            "join_commitment_gain",
            raw.join_commitment_gain,
            Real { default: 0.1, doc: "Share of the way to full commitment a person moves on joining.", ..SHARE },
        )?;
        let exposure_commitment_gain = r(
            "exposure_commitment_gain",
            raw.exposure_commitment_gain,
            Real { default: 0.05, doc: "Share of the way to full commitment moved per reconsideration, times exposure (courses and sermons).", ..SHARE },
        )?;
        let leave_commitment_drop = r(
            "leave_commitment_drop",
            raw.leave_commitment_drop,
            Real {
                default: 0.3,
                doc: "Share of commitment lost on leaving a faction: only part (disengagement is not deradicalisation).",
                source: "Marsden 2015 ('only a small number reappraised their commitment to jihadi ideology'); value: assumption",
                ..SHARE
            },
        )?;
        Ok(Params {
            reconsider_rate,
            support_constant,
            fight_constant,
            group_constant,
            inertia,
            money,
            services,
            registered,
            protection,
            ideology,
            exposure,
            social,
            standing,
            grievance,
            stigma,
            fight_risk,
            age_pull,
            group_social,
            group_resistance,
            group_loyalty,
            perceived_elsewhere,
            infighting,
            corruption,
            harshness,
            unpaid,
            join_commitment_gain,
            exposure_commitment_gain,
            leave_commitment_drop,
        })
    }
}

/// Why a person joined (largest pull) and why a member left (largest push).
pub const MOTIVES: [&str; 4] = ["money", "protection", "ideology", "social"];
pub const REASONS: [&str; 4] = ["infighting", "brutality", "corruption", "harshness"];

/// What each faction looks like to a person deciding today.
#[derive(Clone, Copy, Default)]
struct View {
    in_town: bool,
    dominance: f64,
    standing: f64,
    services_on: bool,
    foreign_share: f64,
    infighting: f64,
    unpaid: f64,
    pay: f64,
    strictness: f64,
}

/// One person's decision.
#[derive(Clone, Copy)]
struct Decision {
    person: u32,
    status: Status,
    faction: u8,
    group: u16,
    motive: u8,
    reason: u8,
}

pub fn step(w: &mut World, s: &Scenario) {
    crate::faction::arrivals(w, s);
    let views = views(w, s);
    if !views.iter().any(|v| v.in_town) {
        return;
    }
    let n = w.society.people.len();
    let day = w.day;
    let world: &World = w;
    let decisions: Vec<Vec<Decision>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut rng = world.key.stream(Stream::Affiliation, day, c as u32);
            let (lo, hi) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            let mut out = Vec::new();
            let mut i = lo + skip(&mut rng, s.affiliation.reconsider_rate);
            while i < hi {
                if let Some(d) = decide(world, s, &views, i, &mut rng) {
                    out.push(d);
                }
                i += 1 + skip(&mut rng, s.affiliation.reconsider_rate);
            }
            out
        })
        .collect();
    for d in decisions.into_iter().flatten() {
        apply(w, s, d);
    }
}

/// People skipped before the next one who reconsiders (geometric).
fn skip(rng: &mut Rng, rate: f64) -> usize {
    if rate >= 1.0 {
        return 0;
    }
    if rate <= 0.0 {
        return usize::MAX / 2;
    }
    let u: f64 = rng.random::<f64>().max(1e-300);
    (u.ln() / (1.0 - rate).ln()).floor().min(1e15) as usize
}

fn views(w: &World, s: &Scenario) -> [View; MAX_FACTIONS] {
    let t = &w.society.people.tally;
    let local_fighters = t.status[Status::LocalFighter as usize] as f64;
    let mut v = [View::default(); MAX_FACTIONS];
    for (f, fp) in s.factions.iter().enumerate() {
        let st = &w.factions[f];
        let members = t.members_in_town(f) as f64;
        v[f] = View {
            // Nobody joins a faction the town is up in arms against.
            in_town: st.arrived && !(w.uprising.against == Some(f as u8) && w.uprising.call_day.is_some() && !w.uprising.over),
            dominance: {
                let seen = members + s.affiliation.perceived_elsewhere * f64::from(fp.strength_elsewhere);
                seen / (seen + local_fighters + 1.0)
            },
            standing: st.standing,
            services_on: st.services_on,
            foreign_share: t.members[f][Origin::Foreign as usize] as f64 / members.max(1.0),
            infighting: st.infighting,
            unpaid: st.unpaid,
            pay: fp.pay_per_month / 115.0,

            strictness: fp.strictness,
        };
    }
    v
}

fn decide(w: &World, s: &Scenario, views: &[View; MAX_FACTIONS], i: usize, rng: &mut Rng) -> Option<Decision> {
    let p = &w.society.people;
    let status = p.status[i];
    // While the town is up in arms, the mobilised, abstainers and turned stay put.
    // Commanders stay with the group they command.
    // Informants are paid agents, not choosers (see coercion's informants).
    // While the town is up in arms against their faction, its members stay
    // put (they abstain, turn or fight: the amnesty step decides).
    let up = w.uprising.call_day.is_some() && !w.uprising.over;
    let fought = up && status.member() && w.uprising.against == Some(p.faction[i]);
    // Ex-members of a reconciliation's cohort follow the aftermath's pathways.
    let cohort = status == Status::ExMember && p.flags[i].has(crate::society::people::Flags::EX_COHORT);
    let settled = p.mobilised[i] != 0
        || fought
        || cohort
        || (up && p.flags[i].has(crate::society::people::Flags::OFFERED))
        || p.flags[i].has(crate::society::people::Flags::COMMANDER);
    let reconsiders = !settled
        && p.origin[i] == Origin::Local
        && matches!(status, Status::Civilian | Status::Activist | Status::LocalFighter | Status::Supporter | Status::Fighter | Status::ExMember);
    if !reconsiders {
        return None;
    }
    let a = &s.affiliation;
    let age = p.age[i];
    // The disarmed may not bear arms until their ban lapses (7.8).
    let can_fight = p.fighting_age_man(i) && p.may_bear_arms(i);
    let need = f64::from(environment::need(w, i));
    let fear = f64::from(p.fear.get(i));
    let commitment = f64::from(p.commitment.get(i));
    let stigma = f64::from(p.stigma.get(i));
    // What family and contacts do.
    let (fam, peers) = (w.society.network.family.row(i), w.society.network.peers.row(i));
    let degree = (fam.len() + peers.len()).max(1) as f64;
    let mut members_near = [0u32; MAX_FACTIONS];
    let mut fighters_near = 0u32;
    for &j in fam.iter().chain(peers) {
        let (sj, fj) = (p.status[j as usize], p.faction[j as usize]);
        if sj.member() && (fj as usize) < MAX_FACTIONS {
            members_near[fj as usize] += 1;
        }
        fighters_near += u32::from(sj == Status::LocalFighter);
    }
    // Options: 0 stay civilian (or ex-member), then per faction support and fight, then a local group.
    let mut options: [(Status, u8, f64, u8, u8); 2 * MAX_FACTIONS + 2] = [(Status::Civilian, NONE_U8, 0.0, 0, 0); 2 * MAX_FACTIONS + 2];
    let civil = if status == Status::ExMember || status == Status::Activist { status } else { Status::Civilian };
    let civil_faction = if status == Status::ExMember { p.faction[i] } else { NONE_U8 };
    options[0] = (civil, civil_faction, 0.0, 0, 0);
    let mut k = 1;
    let mut max_grievance = 0.0f64;
    for (f, v) in views.iter().enumerate().take(s.factions.len()) {
        let g = f64::from(p.grievance[f].get(i));
        max_grievance = max_grievance.max(g);
        if !v.in_town {
            continue;
        }
        let reg = f64::from(u8::from(p.registered[i] as usize == f));
        let pulls = [
            a.services * reg * f64::from(u8::from(v.services_on)),
            a.protection * fear * v.dominance,
            a.ideology * commitment + a.exposure * f64::from(p.exposure[f].get(i)),
            a.social * f64::from(members_near[f]) / degree + a.standing * v.standing + a.registered * reg,
        ];
        let member_here = status.member() && p.faction[i] as usize == f;
        // Pay stopping pushes those who are paid (fighters; informants quit on their own).
        let paid = member_here && status == Status::Fighter;
        let pushes = [
            if member_here { a.infighting * v.infighting } else { 0.0 },
            a.grievance * g,
            if member_here { a.corruption * v.foreign_share } else { 0.0 },
            if member_here { a.harshness * v.strictness * (1.0 - commitment) } else { 0.0 } + if paid { a.unpaid * v.unpaid } else { 0.0 },
        ];
        let base = a.age_pull[age as usize] + pulls.iter().sum::<f64>() - pushes.iter().sum::<f64>() - a.stigma * stigma;
        let reason = argmax(&pushes) as u8;
        let support = a.support_constant + base;
        options[k] = (Status::Supporter, f as u8, support, argmax(&pulls) as u8, reason);
        k += 1;
        if can_fight {
            let pay = a.money * need * v.pay * (1.0 - v.unpaid);
            let mut with_pay = pulls;
            with_pay[0] += pay;
            options[k] = (Status::Fighter, f as u8, a.fight_constant + base + pay - a.fight_risk, argmax(&with_pay) as u8, reason);
            k += 1;
        }
    }
    // Ex-members join local groups only where groups admit them.
    if can_fight && !w.society.groups.is_empty() && (status != Status::ExMember || s.aftermath.groups_admit) {
        let loyalty = if status == Status::LocalFighter { a.group_loyalty } else { 0.0 };
        let u = a.group_constant + loyalty + a.group_social * f64::from(fighters_near) / degree + a.group_resistance * max_grievance - 0.5 * a.fight_risk;
        options[k] = (Status::LocalFighter, NONE_U8, u, 0, 0);
        k += 1;
    }
    // The incumbent option: informants count as supporters of their faction.
    let current = |o: &(Status, u8, f64, u8, u8)| match status {
        Status::Informant => o.0 == Status::Supporter && o.1 == p.faction[i],
        Status::Supporter | Status::Fighter => o.0 == status && o.1 == p.faction[i],
        Status::LocalFighter => o.0 == Status::LocalFighter,
        _ => o.0 == civil,
    };

    let top = options[..k].iter().map(|o| o.2 + if current(o) { a.inertia } else { 0.0 }).fold(f64::MIN, f64::max);
    let mut weights = [0.0f64; 2 * MAX_FACTIONS + 2];
    for (wgt, o) in weights.iter_mut().zip(&options[..k]) {
        *wgt = (o.2 + if current(o) { a.inertia } else { 0.0 } - top).exp();
    }
    let chosen = crate::rng::weighted(&weights[..k], rng.random());
    let o = options[chosen];
    if current(&o) {
        // Unchanged; committed exposure still deepens commitment.
        return Some(Decision { person: i as u32, status, faction: p.faction[i], group: p.group[i], motive: 0, reason: 0 });
    }
    // A member leaving: why, from the pushes of staying with their own faction.
    let leaving_reason = options[..k].iter().find(|x| current(x)).map(|x| x.4).unwrap_or(0);
    let group = if o.0 == Status::LocalFighter { pick_group(w, i, rng) } else { NONE_U16 };
    Some(Decision { person: i as u32, status: o.0, faction: o.1, group, motive: o.3, reason: leaving_reason })
}

fn argmax(v: &[f64; 4]) -> usize {
    (0..4).fold(0, |b, k| if v[k] > v[b] { k } else { b })
}

/// The group of a contact who is a local fighter, else any group.
fn pick_group(w: &World, i: usize, rng: &mut Rng) -> u16 {
    let p = &w.society.people;
    let fam = w.society.network.family.row(i);
    if let Some(&j) = fam.iter().chain(w.society.network.peers.row(i)).find(|&&j| p.status[j as usize] == Status::LocalFighter) {
        return p.group[j as usize];
    }
    rng.random_range(0..w.society.groups.len()) as u16
}

fn apply(w: &mut World, s: &Scenario, d: Decision) {
    let a = &s.affiliation;
    let i = d.person as usize;
    let p = &mut w.society.people;
    let (was, was_faction) = (p.status[i], p.faction[i]);
    // Exposure to outreach deepens commitment a little at each reconsideration.
    let exposure: f32 = p.exposure.iter().map(|x| x.get(i)).fold(0.0, f32::max);
    if exposure > 0.0 {
        p.commitment.raise(i, (a.exposure_commitment_gain * f64::from(exposure)) as f32);
    }
    if was == d.status && was_faction == d.faction {
        return;
    }
    if was.member() && !(d.status.member() && d.faction == was_faction) {
        let f = was_faction as usize;
        w.today.leaves[f] += 1;
        w.today.leaves_by_reason[d.reason as usize] += 1;
        let c = p.commitment.get(i);
        p.commitment.set(i, c * (1.0 - a.leave_commitment_drop as f32));
    }
    if was == Status::LocalFighter {
        let g = p.group[i] as usize;
        if g < w.society.groups.len() {
            w.society.groups[g].members = w.society.groups[g].members.saturating_sub(1);
        }
        p.group[i] = NONE_U16;
        p.flags[i].clear(crate::society::people::Flags::ARMED);
    }
    let status = if d.status == Status::Civilian && was.member() { Status::ExMember } else { d.status };
    let faction = if status == Status::ExMember && was.member() { was_faction } else { d.faction };
    p.assign(i, status, faction);
    if d.status.member() && !(was.member() && was_faction == d.faction) {
        let f = d.faction as usize;
        if p.registered[i] == NONE_U8 {
            p.register(i, d.faction);
        }
        p.commitment.raise(i, a.join_commitment_gain as f32);
        w.today.joins[f] += 1;
        w.today.joins_by_age[f][p.age[i] as usize] += 1;
        w.today.joins_by_motive[d.motive as usize] += 1;
    }
    if d.status == Status::LocalFighter {
        p.group[i] = d.group;
        p.flags[i].set(crate::society::people::Flags::ARMED);
        if (d.group as usize) < w.society.groups.len() {
            w.society.groups[d.group as usize].members += 1;
        }
    }
}
