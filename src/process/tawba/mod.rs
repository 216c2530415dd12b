//! Tawba (step 3c of the day; docs/model.md 7.21): a faction's time-limited
//! amnesty windows for those who worked for its enemies, the executions of
//! the "irredeemable", and its own rehabilitation of repentants (Ingram and
//! Mohammed 2022).
//!
//! - Windows open at `windows_per_year` (Poisson) and, with
//!   `window_on_capture`, in the days after it takes a town; each stays open
//!   `window_days`.
//! - Each day of a window the offer reaches `reach_per_day` (times 1 + its
//!   intelligence, times `prized_weight` for the prized) of those who worked
//!   for its enemies: local fighters (police and local forces) and notables
//!   (officials) in the towns it reaches. Commanders are irredeemable unless
//!   it is short of manpower (members below `readmit_below` of its peak).
//!   Each weighs its offer (protection, and its package, larger for the
//!   prized) against the government's (government_offer::faction_wins).
//! - A public execution of an irredeemable (`executions_per_window`, spread
//!   over the window) raises fear across his town: fear is what makes its
//!   protection worth taking.
//! - When a window closes, those who refused lose their safety (fear rises
//!   by `after_fear`).
//! - Repentants join as supporters and pass through its Sharia Institute
//!   (`institute_days`), an interview (`interview_pass`, else another term),
//!   then monitoring (`monitoring_days`); one who leaves before the end is
//!   caught with `monitoring` and killed. Passed, a man of fighting age from
//!   a town that had risen against it is armed as its fighter (its own
//!   awakening units, `awakening`). A repentant is featured in its
//!   propaganda: bound as by a public pledge (`campaign.pledge_days`).

mod params;

pub use params::{RawTawba, Tawba};

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use super::campaign::{self, Repentant};
use super::government_offer::{FactionOffer, faction_wins};
use crate::rng::{Rng, Stream};
use crate::scenario::Scenario;
use crate::society::people::{Flags, Origin, Status};
use crate::world::World;

pub fn step(w: &mut World, s: &Scenario) {
    for (f, fp) in s.factions.iter().enumerate() {
        if !fp.tawba.active() {
            continue;
        }
        let mut rng = w.key.stream(Stream::Tawba, w.day, f as u32);
        rehabilitate(w, s, f, &mut rng);
        if !campaign::open(w, f) {
            continue;
        }
        open_or_close(w, s, f, &mut rng);
        if w.factions[f].campaign.window_until.is_some() {
            offer(w, s, f, &mut rng);
            execute(w, s, f, &mut rng);
        }
    }
}

fn open_or_close(w: &mut World, s: &Scenario, f: usize, rng: &mut Rng) {
    let t = &s.factions[f].tawba;
    let day = w.day;
    if let Some(until) = w.factions[f].campaign.window_until {
        if day < until {
            return;
        }
        // Closed: safety is no longer guaranteed to those who refused.
        w.factions[f].campaign.window_until = None;
        let refused = std::mem::take(&mut w.factions[f].campaign.refused);
        for &i in &refused {
            w.society.people.fear.raise(i as usize, t.after_fear as f32);
        }
        w.event("tawba_closed", &s.factions[f].name, None, refused.len() as f64, "");
        return;
    }
    // A town taken yesterday or today opens one (the first days of a capture).
    let captured = t.window_on_capture
        && w.battles.last().is_some_and(|b| {
            b.faction as usize == f && b.decided_day.is_some_and(|d| d + 1 >= day) && b.outcome == Some(super::confrontation::Outcome::FactionHolds)
        });
    let opens = captured || rng.random::<f64>() < t.windows_per_year / 365.0;
    if opens {
        let st = &mut w.factions[f].campaign;
        st.window_until = Some(day + t.window_days.round().max(1.0) as u32);
        st.windows += 1;
        w.today.strategy.windows[f] += 1;
        w.event("tawba_opened", &s.factions[f].name, None, t.window_days, if captured { "capture" } else { "" });
    }
}

/// Whether person `i` worked for the faction's enemies, and whether they
/// are irredeemable (a commander of a local group).
fn enemy(w: &World, i: usize) -> Option<bool> {
    let p = &w.society.people;
    if !p.status[i].present() || p.origin[i] != Origin::Local || p.status[i].member() || p.status[i] == Status::Detained {
        return None;
    }
    if p.status[i] == Status::LocalFighter {
        return Some(p.flags[i].has(Flags::COMMANDER));
    }
    p.flags[i].has(Flags::NOTABLE).then_some(false)
}

/// Whether person `i` has skills it prizes: a fixed draw per person and run.
fn prized(w: &World, s: &Scenario, f: usize, i: usize) -> bool {
    let p = &w.society.people;
    if !p.fighting_age_man(i) {
        return false;
    }
    let mut r = w.key.stream(Stream::Prized, f as u32, p.id[i]);
    r.random::<f64>() < s.factions[f].tawba.prized_share
}

fn offer(w: &mut World, s: &Scenario, f: usize, rng: &mut Rng) {
    let t = &s.factions[f].tawba;
    let st = &w.factions[f].campaign;
    let short = (w.society.people.tally.members_in_town(f) as f64) < t.readmit_below * st.peak_members as f64;
    let reach = (t.reach_per_day * (1.0 + st.intelligence)).min(1.0);
    // Those reached: every one of its enemies at `reach` (the prized at
    // `prized_weight` times it), visited by a geometric skip at the highest rate.
    let top = (reach * t.prized_weight).min(1.0);
    let n = w.society.people.len();
    let mut i = crate::rng::skip(rng, top);
    let mut reached = Vec::new();
    while i < n {
        if let Some(irredeemable) = enemy(w, i)
            && (!irredeemable || short)
            && campaign::reaches(w, s, f, i)
        {
            let rate = if prized(w, s, f, i) { top } else { reach };
            if rng.random::<f64>() * top < rate {
                reached.push(i);
            }
        }
        i = i.saturating_add(1).saturating_add(crate::rng::skip(rng, top));
    }
    let until = w.day + s.factions[f].campaign.pledge_days.round() as u32;
    for i in reached {
        let package = if prized(w, s, f, i) { (t.package * t.prized_weight).min(1.0) } else { t.package };
        let p_take = faction_wins(w, s, f, i, FactionOffer { protection: t.protection, package });
        w.today.strategy.tawba_offered[f] += 1;
        let took = rng.random::<f64>() < p_take;
        w.today.strategy.contested[usize::from(took)] += 1;
        w.today.strategy.contested_by[f][usize::from(took)] += 1;
        if !took {
            w.factions[f].campaign.refused.push(i as u32);
            continue;
        }
        let town = super::town::of(w, s, i);
        let awakening = t.awakening && risen_against(w, f, town);
        // Repentants start as supporters: the Institute first.
        campaign::join(w, f, i, false);
        w.society.people.flags[i].set(Flags::PLEDGED);
        let st = &mut w.factions[f].campaign;
        st.pledged.push((i as u32, until));
        st.repentants.push(Repentant { person: i as u32, since: w.day, town, interviewed: false, awakening });
        w.today.strategy.tawba_taken[f] += 1;
        let id = w.society.people.id[i];
        w.event("tawba_taken", &s.factions[f].name, Some(id), 1.0, if awakening { "awakening" } else { "" });
    }
}

/// Whether town `t` had risen against faction `f`.
fn risen_against(w: &World, f: usize, t: u16) -> bool {
    w.past_uprisings.iter().chain(std::iter::once(&w.uprising)).any(|u| u.town == t && u.against == Some(f as u8) && u.call_day.is_some())
}

/// Public executions of the irredeemable during a window.
fn execute(w: &mut World, s: &Scenario, f: usize, rng: &mut Rng) {
    let t = &s.factions[f].tawba;
    let mean = t.executions_per_window / t.window_days.max(1.0);
    let count = if mean > 0.0 { Poisson::new(mean).map(|d| d.sample(rng) as u32).unwrap_or(0) } else { 0 };
    for _ in 0..count {
        // The irredeemable it can reach: the commanders of local groups.
        let n = w.society.people.len();
        let commanders: Vec<usize> =
            w.society.groups.iter().map(|g| g.commander as usize).filter(|&i| i < n && enemy(w, i) == Some(true) && campaign::reaches(w, s, f, i)).collect();
        if commanders.is_empty() {
            continue;
        }
        let i = commanders[rng.random_range(0..commanders.len())];
        let town = super::town::of(w, s, i);
        let id = w.society.people.id[i];
        let faction = w.society.people.faction[i];
        w.society.people.assign(i, Status::Dead, faction);
        w.today.strategy.executed[f] += 1;
        w.event("irredeemable_executed", &s.factions[f].name, Some(id), 1.0, "");
        raise_fear(w, s, town, t.execution_fear);
    }
}

fn raise_fear(w: &mut World, s: &Scenario, t: u16, a: f64) {
    let single = super::town::single(s);
    let p = &mut w.society.people;
    if single {
        let st = &p.status;
        p.fear.raise_all(a, |i| st[i].present());
        return;
    }
    for i in 0..p.len() {
        if p.place[i] == t && p.status[i].present() {
            p.fear.raise(i, a as f32);
        }
    }
}

/// The Sharia Institute, the interview and monitoring.
fn rehabilitate(w: &mut World, s: &Scenario, f: usize, rng: &mut Rng) {
    let t = &s.factions[f].tawba;
    if w.factions[f].campaign.repentants.is_empty() {
        return;
    }
    let day = w.day;
    let list = std::mem::take(&mut w.factions[f].campaign.repentants);
    let mut kept = Vec::with_capacity(list.len());
    for mut r in list {
        let i = r.person as usize;
        let p = &w.society.people;
        let still = p.status[i].member() && p.faction[i] as usize == f;
        if !still {
            // Left before the end: caught (and killed) where it still has
            // people to watch them, or gone (driven out with it, detained, dead).
            let watched = p.status[i].present() && p.status[i] != Status::Detained && campaign::reaches(w, s, f, i) && campaign::open(w, f);
            if watched && rng.random::<f64>() < t.monitoring {
                let id = p.id[i];
                let faction = p.faction[i];
                w.society.people.assign(i, Status::Dead, faction);
                w.today.strategy.repentants_caught[f] += 1;
                w.event("repentant_caught", &s.factions[f].name, Some(id), 1.0, "");
            }
            continue;
        }
        let elapsed = f64::from(day - r.since);
        if !r.interviewed {
            if elapsed >= t.institute_days {
                if rng.random::<f64>() < t.interview_pass {
                    r.interviewed = true;
                    r.since = day;
                    w.today.strategy.repentants_admitted[f] += 1;
                    if r.awakening && w.society.people.fighting_age_man(i) && w.society.people.may_bear_arms(i) {
                        w.society.people.assign(i, Status::Fighter, f as u8);
                        w.today.strategy.awakening[f] += 1;
                    }
                } else {
                    r.since = day;
                }
            }
            kept.push(r);
        } else if elapsed < t.monitoring_days {
            kept.push(r);
        }
    }
    w.factions[f].campaign.repentants = kept;
}
