//! One person's affiliation choice: the options open to them, their
//! utilities (pulls and pushes), and the multinomial logit draw.

use rand::RngExt;

use super::{Decision, Params, View};
use crate::process::environment;
use crate::rng::Rng;
use crate::scenario::Scenario;
use crate::society::people::{MAX_FACTIONS, NONE_U8, NONE_U16, Origin, Status, unpack};
use crate::world::World;

/// What each faction looks like from each place: a faction reaches a place
/// where it runs the town's affairs (it has arrived and the town is not up
/// in arms against it) or, in a region, where it has people: members, or
/// members among the detained of a camp (docs/model.md, 7.18).
pub(super) fn views(w: &World, s: &Scenario) -> Vec<[View; MAX_FACTIONS]> {
    let t = &w.society.people.tally;
    let at = &w.society.people.at;
    let mut out = vec![[View::default(); MAX_FACTIONS]; at.len()];
    for (k, place) in at.iter().enumerate() {
        let local_fighters = f64::from(place.status[Status::LocalFighter as usize]);
        let v = &mut out[k];
        for (f, fp) in s.factions.iter().enumerate() {
            let st = &w.factions[f];
            let members = f64::from(place.members[f]);
            // A town up in arms against it is closed to it (the others are not).
            let up_against = w.uprising.against == Some(f as u8)
                && w.uprising.call_day.is_some()
                && !w.uprising.over
                && (k == w.uprising.town as usize || s.region.towns <= 1);
            let cells = place.members[f] + place.detained[f] > 0 && s.region.declared;
            let all_members = t.members_in_town(f) as f64;
            v[f] = View {
                // Nobody joins a faction the town is up in arms against.
                in_town: (st.arrived || cells) && !up_against,
                dominance: {
                    let seen = members + s.affiliation.perceived_elsewhere * f64::from(fp.strength_elsewhere);
                    seen / (seen + local_fighters + 1.0)
                },
                threat: st.menace / (st.menace + s.affiliation.protection_menace_half).max(1e-9),
                standing: st.standing,
                services_on: st.services_on,
                foreign_share: t.members[f][Origin::Foreign as usize] as f64 / all_members.max(1.0),
                infighting: st.infighting,
                unpaid: st.unpaid,
                pay: fp.pay_per_month / 115.0,

                strictness: fp.strictness,
            };
        }
    }
    out
}

pub(super) fn decide(w: &World, s: &Scenario, views: &[[View; MAX_FACTIONS]], i: usize, rng: &mut Rng) -> Option<Decision> {
    let p = &w.society.people;
    let views = views.get(p.place[i] as usize)?;
    let status = p.status[i];
    // While the town is up in arms, the mobilised, abstainers and turned stay put.
    // Commanders stay with the group they command.
    // Informants are paid agents, not choosers (see coercion's informants).
    // While the town is up in arms against their faction, its members stay
    // put (they abstain, turn or fight: the amnesty step decides).
    let up = w.uprising.call_day.is_some() && !w.uprising.over && (s.region.towns <= 1 || p.place[i] == w.uprising.town);
    let fought = up && status.member() && w.uprising.against == Some(p.faction[i]);
    // Ex-members of a reconciliation's cohort follow the aftermath's pathways.
    let cohort = status == Status::ExMember && p.flags[i].has(crate::society::people::Flags::EX_COHORT);
    let settled = p.mobilised[i] != 0
        || fought
        || cohort
        || (up && p.flags[i].has(crate::society::people::Flags::OFFERED))
        || p.flags[i].has(crate::society::people::Flags::COMMANDER);
    let local = p.origin[i] == Origin::Local;
    // Foreign members in town reconsider too: they can desert and flee
    // (ICSR 2015); other foreigners (the pools) do not.
    let reconsiders = !settled
        && if local {
            matches!(
                status,
                Status::Civilian | Status::Activist | Status::LocalFighter | Status::Supporter | Status::Fighter | Status::ExMember | Status::Displaced
            )
        } else {
            matches!(status, Status::Supporter | Status::Fighter)
        };
    if !reconsiders {
        return None;
    }
    // Where no faction reaches and no local group could take them, there is
    // nothing to choose: skip the contacts (most of a region's towns).
    let open = views.iter().take(s.factions.len()).any(|v| v.in_town);
    if !open && (w.society.groups.is_empty() || !local || !p.fighting_age_man(i)) {
        return None;
    }
    // The incumbent option: informants count as supporters of their faction.
    let civil = if matches!(status, Status::ExMember | Status::Activist | Status::Displaced) { status } else { Status::Civilian };
    let current = |o: &(Status, u8, f64, u8, u8)| match status {
        Status::Informant => o.0 == Status::Supporter && o.1 == p.faction[i],
        Status::Supporter | Status::Fighter => o.0 == status && o.1 == p.faction[i],
        Status::LocalFighter => o.0 == Status::LocalFighter,
        _ => o.0 == civil,
    };
    let build = |near: &Near| options(w, s, views, i, near);
    // The draw is taken before the contacts are read: most people stay as they
    // are, and when even the most their contacts could pull (every contact a
    // member) leaves the stay certain for this draw, reading the contacts
    // (cache misses, the bulk of the step's time) would change nothing. The
    // same draws and the same choices as reading them always.
    // A member bound by a public pledge (or featured as a repentant) pays to
    // rescind it (7.20): staying weighs `inertia` and that cost.
    let pledge = if status.member() && p.flags[i].has(crate::society::people::Flags::PLEDGED) {
        s.factions.get(p.faction[i] as usize).map_or(0.0, |fp| fp.campaign.pledge_cost)
    } else {
        0.0
    };
    let inertia = s.affiliation.inertia + pledge;
    let u: f64 = rng.random();
    let bound = build(&Near::most(&s.affiliation));
    if bound.k > 0 && bound.civil_open && current(&bound.options[0]) {
        let stay = bound.options[0].2 + inertia;
        let others: f64 = bound.options[1..bound.k].iter().map(|o| (o.2 + if current(o) { inertia } else { 0.0 } - stay).exp()).sum();
        // A margin far above rounding: the exact weights give chosen = 0 whenever u (1 + others) < 1.
        if u * (1.0 + others) < 1.0 - 1e-9 {
            return Some(Decision { person: i as u32, status, faction: p.faction[i], group: p.group[i], motive: 0, reason: 0 });
        }
    }
    let Built { options, k, own_pushes, .. } = build(&Near::read(w, i));
    let top = options[..k].iter().map(|o| o.2 + if current(o) { inertia } else { 0.0 }).fold(f64::MIN, f64::max);
    let mut weights = [0.0f64; 2 * MAX_FACTIONS + 2];
    for (wgt, o) in weights.iter_mut().zip(&options[..k]) {
        *wgt = (o.2 + if current(o) { inertia } else { 0.0 } - top).exp();
    }
    let chosen = crate::rng::weighted(&weights[..k], u);
    let o = options[chosen];
    if current(&o) {
        // Unchanged; committed exposure still deepens commitment.
        return Some(Decision { person: i as u32, status, faction: p.faction[i], group: p.group[i], motive: 0, reason: 0 });
    }
    // A member leaving: why, from the pushes of staying with their own faction.
    // Defectors give several reasons (ICSR 2015): the one recorded is drawn
    // in proportion to the pushes, not always the largest.
    let leaving_reason = if own_pushes.iter().sum::<f64>() > 0.0 {
        crate::rng::weighted(&own_pushes, rng.random()) as u8
    } else {
        options[..k].iter().find(|x| current(x)).map(|x| x.4).unwrap_or(0)
    };
    let group = if o.0 == Status::LocalFighter { pick_group(w, i, rng) } else { NONE_U16 };
    Some(Decision { person: i as u32, status: o.0, faction: o.1, group, motive: o.3, reason: leaving_reason })
}

/// What a person's family and contacts do: members of each faction, kin with
/// it away (elsewhere or held as its members), local fighters, out of how many.
struct Near {
    members: [u32; MAX_FACTIONS],
    away: [u32; MAX_FACTIONS],
    fighters: u32,
    degree: f64,
}

impl Near {
    fn read(w: &World, i: usize) -> Near {
        let p = &w.society.people;
        let (fam, peers) = (w.society.network.family.row(i), w.society.network.peers.row(i));
        let mut near = Near { members: [0; MAX_FACTIONS], away: [0; MAX_FACTIONS], fighters: 0, degree: (fam.len() + peers.len()).max(1) as f64 };
        for &j in fam.iter().chain(peers) {
            let (sj, fj) = unpack(p.standing[j as usize]);
            if sj.member() && (fj as usize) < MAX_FACTIONS {
                near.members[fj as usize] += 1;
            }
            // Kin with the faction away: elsewhere with it, or held as its members.
            if matches!(sj, Status::Elsewhere | Status::Detained) && (fj as usize) < MAX_FACTIONS {
                near.away[fj as usize] += 1;
            }
            near.fighters += u32::from(sj == Status::LocalFighter);
        }
        near
    }

    /// The most any contacts could pull: every contact a member (or every one
    /// away, if ties away weigh more) and every one a local fighter. The social
    /// weights are at least 0 (their declared ranges), so no contacts pull more.
    fn most(a: &Params) -> Near {
        let (m, aw) = if a.social >= a.ties_away { (1, 0) } else { (0, 1) };
        Near { members: [m; MAX_FACTIONS], away: [aw; MAX_FACTIONS], fighters: 1, degree: 1.0 }
    }
}

/// A person's options (status, faction, utility, motive, reason), how many,
/// the pushes on staying with their own faction, and whether staying civilian is open.
struct Built {
    options: [(Status, u8, f64, u8, u8); 2 * MAX_FACTIONS + 2],
    k: usize,
    own_pushes: [f64; 5],
    civil_open: bool,
}

/// A person's options given what their contacts do (pulls and pushes).
fn options(w: &World, s: &Scenario, views: &[View; MAX_FACTIONS], i: usize, near: &Near) -> Built {
    let p = &w.society.people;
    let a = &s.affiliation;
    let status = p.status[i];
    let local = p.origin[i] == Origin::Local;
    let age = p.age[i];
    // The disarmed may not bear arms until their ban lapses (7.8).
    let can_fight = p.fighting_age_man(i) && p.may_bear_arms(i);
    let need = f64::from(environment::need(w, i));
    let fear = f64::from(p.fear.get(i));
    let commitment = f64::from(p.commitment.get(i));
    let stigma = f64::from(p.stigma.get(i));
    // Options: 0 stay civilian (or ex-member), then per faction support and fight, then a local group.
    let mut options: [(Status, u8, f64, u8, u8); 2 * MAX_FACTIONS + 2] = [(Status::Civilian, NONE_U8, 0.0, 0, 0); 2 * MAX_FACTIONS + 2];
    let civil = if matches!(status, Status::ExMember | Status::Activist | Status::Displaced) { status } else { Status::Civilian };
    let civil_faction = if matches!(status, Status::ExMember | Status::Displaced) { p.faction[i] } else { NONE_U8 };
    // An ostracised household displaced has no community to keep (7.15).
    let excluded = if status == Status::Displaced && p.flags[i].has(crate::society::people::Flags::TAINTED) { a.exclusion } else { 0.0 };
    // A foreign member's way out is to desert and flee the town, at a cost.
    options[0] = if local { (civil, civil_faction, -excluded, 0, 0) } else { (Status::Displaced, NONE_U8, -a.flight_cost, 0, 0) };
    // A local fighter does not drift back to civilian life: the texts name no
    // such loss; groups lose men to battle, to a faction's recruitment and pay,
    // and to disarming (docs/model.md, 7.4). His options are his group and the
    // factions.
    let mut civil_open = true;
    let mut k = 1;
    let mut max_grievance = 0.0f64;
    // The pushes on staying with one's own faction (a member's reasons to leave).
    let mut own_pushes = [0.0f64; 5];
    for (f, v) in views.iter().enumerate().take(s.factions.len()) {
        let g = f64::from(p.grievance[f].get(i));
        max_grievance = max_grievance.max(g);
        if !v.in_town {
            continue;
        }
        // A foreign member weighs only his own faction.
        let own = status.member() && p.faction[i] as usize == f;
        if !local && !own {
            continue;
        }
        let reg = f64::from(u8::from(p.registered[i] as usize == f));
        let pulls = [
            a.services * reg * f64::from(u8::from(v.services_on)),
            a.protection * fear * v.dominance * v.threat,
            a.ideology * commitment + a.exposure * f64::from(p.exposure[f].get(i)),
            a.social * f64::from(near.members[f]) / near.degree
                + a.ties_away * f64::from(near.away[f]) / near.degree
                + a.standing * v.standing
                + a.registered * reg,
        ];
        let member_here = status.member() && p.faction[i] as usize == f;
        // Pay stopping pushes those who are paid (fighters; informants quit on their own).
        let paid = member_here && status == Status::Fighter;
        // Foreigners' privileges push locals only: foreigners hold them.
        let pushes = [
            if member_here { a.infighting * v.infighting } else { 0.0 },
            a.grievance * g,
            if member_here && local { a.corruption * v.foreign_share } else { 0.0 },
            if member_here { a.harshness * v.strictness * (1.0 - commitment) } else { 0.0 },
            if paid { a.unpaid * v.unpaid } else { 0.0 },
        ];
        let base = a.age_pull[age as usize] + pulls.iter().sum::<f64>() - pushes.iter().sum::<f64>() - a.stigma * stigma;
        if member_here {
            own_pushes = pushes;
        }
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
    if local && can_fight && !w.society.groups.is_empty() && (status != Status::ExMember || s.aftermath.groups_admit) {
        // The cost of taking up arms (`group_constant`) is paid on joining,
        // not again by a man already in his group.
        let entry = if status == Status::LocalFighter { 0.0 } else { a.group_constant };
        let u = entry + a.group_social * f64::from(near.fighters) / near.degree + a.group_resistance * max_grievance - 0.5 * a.fight_risk;
        options[k] = (Status::LocalFighter, NONE_U8, u, 0, 0);
        k += 1;
        civil_open = status != Status::LocalFighter;
    }
    if !civil_open {
        options[0].2 = f64::NEG_INFINITY;
    }
    Built { options, k, own_pushes, civil_open }
}

fn argmax(v: &[f64]) -> usize {
    (0..v.len()).fold(0, |b, k| if v[k] > v[b] { k } else { b })
}

/// The group of a contact who is a local fighter, else any group (of the
/// town they are in: each town has its own).
fn pick_group(w: &World, i: usize, rng: &mut Rng) -> u16 {
    let p = &w.society.people;
    let fam = w.society.network.family.row(i);
    let groups = &w.society.groups;
    let here = |g: u16| groups.get(g as usize).is_some_and(|x| x.town == p.place[i]);
    if let Some(&j) = fam.iter().chain(w.society.network.peers.row(i)).find(|&&j| p.status[j as usize] == Status::LocalFighter && here(p.group[j as usize])) {
        return p.group[j as usize];
    }
    let mine: Vec<u16> = (0..groups.len() as u16).filter(|&g| here(g)).collect();
    if mine.is_empty() || mine.len() == groups.len() {
        return rng.random_range(0..groups.len()) as u16;
    }
    mine[rng.random_range(0..mine.len())]
}
