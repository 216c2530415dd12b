//! The town a community process acts in (docs/model.md, 7.13: in a region
//! each town is a community with its own council, groups and institutions).
//! A town's head counts come from the place tallies; its mean grievance and
//! efficacy from a pass over its people. A region of one town reads the
//! running sums of the whole society instead: the same numbers without the
//! pass, so a single town's run stays as cheap and as it was.

use rand::RngExt;

use crate::rng::Rng;
use crate::scenario::Scenario;
use crate::society::people::{Origin, Status};
use crate::world::World;

/// Whether the society is one town (its running sums are the town's).
pub fn single(s: &Scenario) -> bool {
    s.region.towns <= 1
}

/// The town a person belongs to: home if home is a town, else where they are
/// if that is a town, else the first town.
pub fn of(w: &World, s: &Scenario, i: usize) -> u16 {
    let p = &w.society.people;
    let towns = s.region.towns.max(1);
    if (p.home[i] as usize) < towns {
        p.home[i]
    } else if (p.place[i] as usize) < towns {
        p.place[i]
    } else {
        0
    }
}

/// People taking part in town `t`'s daily life (present there).
pub fn present(w: &World, s: &Scenario, t: u16) -> f64 {
    let p = &w.society.people;
    if single(s) {
        return p.tally.present() as f64;
    }
    p.at.get(t as usize).map_or(0.0, |a| Status::ALL.iter().filter(|s| s.present()).map(|&s| f64::from(a.status[s as usize])).sum())
}

/// Status count in town `t`.
pub fn count(w: &World, s: &Scenario, t: u16, status: Status) -> f64 {
    let p = &w.society.people;
    if single(s) {
        return p.tally.status[status as usize] as f64;
    }
    p.at.get(t as usize).map_or(0.0, |a| f64::from(a.status[status as usize]))
}

/// Faction `f`'s members in town `t` (supporters, fighters, informants).
pub fn members(w: &World, s: &Scenario, f: usize, t: u16) -> f64 {
    let p = &w.society.people;
    if single(s) {
        return p.tally.members_in_town(f) as f64;
    }
    p.at.get(t as usize).map_or(0.0, |a| f64::from(a.members[f]))
}

/// Faction `f`'s fighters in town `t`.
pub fn fighters(w: &World, s: &Scenario, f: usize, t: u16) -> f64 {
    let p = &w.society.people;
    if single(s) {
        return p.tally.by_faction[f][Status::Fighter as usize] as f64;
    }
    p.at.get(t as usize).map_or(0.0, |a| f64::from(a.fighters[f]))
}

/// Faction `f`'s informants in town `t`.
pub fn informants(w: &World, s: &Scenario, f: usize, t: u16) -> f64 {
    let p = &w.society.people;
    if single(s) {
        return p.tally.by_faction[f][Status::Informant as usize] as f64;
    }
    p.at.get(t as usize).map_or(0.0, |a| f64::from(a.informants[f]))
}

/// Mean grievance toward `f` and mean efficacy of those present in town `t`.
pub fn means(w: &World, s: &Scenario, f: usize, t: u16) -> (f64, f64) {
    let p = &w.society.people;
    if single(s) {
        let n = p.tally.present().max(1) as f64;
        return (p.grievance[f].sum() / n, (p.efficacy_base.sum() + p.efficacy_lift.sum()) / n);
    }
    let (mut n, mut anger, mut efficacy) = (0u64, 0.0, 0.0);
    for i in 0..p.len() {
        if p.place[i] == t && p.status[i].present() {
            n += 1;
            anger += f64::from(p.grievance[f].get(i));
            efficacy += f64::from(p.efficacy_base.get(i) + p.efficacy_lift.get(i));
        }
    }
    let n = n.max(1) as f64;
    (anger / n, efficacy / n)
}

/// Raise everyone's grievance toward `f` in town `t` by `a` (of the way to 1).
pub fn raise_grievance(w: &mut World, s: &Scenario, f: usize, t: u16, a: f64) {
    let p = &mut w.society.people;
    if single(s) {
        let st = &p.status;
        p.grievance[f].raise_all(a, |i| st[i].present());
        return;
    }
    for i in 0..p.len() {
        if p.place[i] == t && p.status[i].present() {
            p.grievance[f].raise(i, a as f32);
        }
    }
}

/// Shift everyone's efficacy lift in town `t` (a raise toward 1 if `up`, a fall by `a` if not).
pub fn shift_efficacy(w: &mut World, s: &Scenario, t: u16, a: f64, up: bool) {
    let p = &mut w.society.people;
    let one = single(s);
    if one && up {
        let st = &p.status;
        p.efficacy_lift.raise_all(a, |i| st[i].present());
        return;
    }
    for i in 0..p.len() {
        let here = p.place[i] == t && p.status[i].present();
        if !(one || here) {
            continue;
        }
        if up {
            p.efficacy_lift.raise(i, a as f32);
        } else {
            let e = p.efficacy_lift.get(i);
            p.efficacy_lift.set(i, e - a as f32);
        }
    }
}

/// Whether person `i` is in town `t` (not in a camp, prison or hideout).
pub fn within(w: &World, _s: &Scenario, t: u16, i: usize) -> bool {
    w.society.people.place[i] == t
}

/// Everyone in town `t` (in index order).
pub fn people(w: &World, s: &Scenario, t: u16) -> Vec<u32> {
    let n = w.society.people.len() as u32;
    if single(s) {
        return (0..n).collect();
    }
    (0..n).filter(|&i| w.society.people.place[i as usize] == t).collect()
}

/// A uniformly drawn local present in town `t`, or None after a few tries.
pub fn random_local(w: &World, s: &Scenario, t: u16, rng: &mut Rng) -> Option<usize> {
    if single(s) {
        return super::soft_power::random_local(w, rng);
    }
    let p = &w.society.people;
    let found: Vec<u32> = (0..p.len() as u32)
        .filter(|&i| {
            let i = i as usize;
            p.place[i] == t && p.status[i].present() && p.status[i] != Status::Detained && p.origin[i] == Origin::Local
        })
        .collect();
    (!found.is_empty()).then(|| found[rng.random_range(0..found.len())] as usize)
}

/// An event's detail with the town named, in a region of several towns
/// (`"expelled in north"`); in a single town the detail alone.
pub fn label(s: &Scenario, detail: &str, t: u16) -> String {
    if single(s) {
        return detail.to_string();
    }
    match s.region.places.get(t as usize) {
        Some(place) => format!("{detail} in {}", place.name),
        None => detail.to_string(),
    }
}
