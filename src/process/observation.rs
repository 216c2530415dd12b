//! Observation (step 12 of the day): record the day. Head counts and attitude
//! sums are kept incrementally by the columns, so recording costs
//! O(factions), not a pass over people.

use crate::process::environment;
use crate::record::{DayRecord, PlaceDay};
use crate::society::institutions::Controller;
use crate::society::people::{MAX_FACTIONS, Sex, Status};
use crate::world::World;

pub fn step(w: &World) -> DayRecord {
    let p = &w.society.people;
    let t = &p.tally;
    let present = t.present();
    let n = present.max(1) as f64;
    let mean_base = p.need_base.sum() / n;
    // Services lift part of the pressure from the registered (environment::need).
    let relieved: f64 = w.factions.iter().enumerate().map(|(f, st)| st.relief_today * t.registered_unmet[f]).sum();
    let mut grievance = [0.0; MAX_FACTIONS];
    for (f, col) in p.grievance.iter().enumerate() {
        grievance[f] = col.sum() / n;
    }
    let (mut standing, mut budget) = ([0.0; MAX_FACTIONS], [0.0; MAX_FACTIONS]);
    let mut informants = 0;
    for (f, st) in w.factions.iter().enumerate() {
        standing[f] = st.standing;
        budget[f] = st.budget;
        informants += t.by_faction[f][Status::Informant as usize];
    }
    DayRecord {
        day: w.day,
        present,
        status: t.status,
        members: t.members,
        crises: w.crises.active(),
        pressure: w.crises.pressure,
        need: mean_base + ((1.0 - mean_base) * n - relieved) * w.crises.pressure / n,
        fear: p.fear.sum() / n,
        efficacy: ((p.efficacy_base.sum() + p.efficacy_lift.sum()) / n).clamp(0.0, 1.0),
        commitment: p.commitment.sum() / n,
        stigma: p.stigma.sum() / n,
        grievance,
        community_institutions: w.society.institutions.iter().filter(|i| i.controller == Controller::Community).count() as u32,
        surveillance: informants as f64 / n,
        registered: t.registered,
        standing,
        budget,
        counts: w.today.clone(),
        mobilised: t.mobilised,
        prisoners: w.prisoners.len() as u64,
        phase: std::array::from_fn(|f| w.factions.get(f).map_or(0, |st| st.campaign.phase as u8)),
        towns_held: std::array::from_fn(|f| w.factions.get(f).map_or(0, |st| st.campaign.towns_held)),
        places: places(w),
    }
}

/// Each place's day: head counts from the tallies, the detained's make-up
/// and commitment from one pass over the columns (only where anyone is
/// detained), and the day's flows.
fn places(w: &World) -> Vec<PlaceDay> {
    let p = &w.society.people;
    let f = w.defeated as usize;
    let mut out: Vec<PlaceDay> =
        p.at.iter()
            .enumerate()
            .map(|(k, at)| PlaceDay {
                status: at.status,
                members: at.members.get(f).copied().unwrap_or(0),
                fighters: at.fighters.get(f).copied().unwrap_or(0),
                detained_members: at.detained.get(f).copied().unwrap_or(0),
                flows: w.region.today.get(k).copied().unwrap_or_default(),
                ..PlaceDay::default()
            })
            .collect();
    if p.tally.status[Status::Detained as usize] > 0 {
        let mut commitment = vec![0.0f64; out.len()];
        let mut i = crate::society::people::next_equal(&p.status, 0, Status::Detained);
        while i < p.len() {
            if let Some(d) = out.get_mut(p.place[i] as usize) {
                d.detained_by_age[p.age[i] as usize] += 1;
                d.detained_women += u32::from(p.sex[i] == Sex::Female);
                commitment[p.place[i] as usize] += f64::from(p.commitment.get(i));
            }
            i = crate::society::people::next_equal(&p.status, i + 1, Status::Detained);
        }
        for (d, c) in out.iter_mut().zip(commitment) {
            let held = d.status[Status::Detained as usize];
            d.detained_commitment = if held > 0 { (c / f64::from(held)) as f32 } else { 0.0 };
        }
    }
    out
}

/// Mean need computed person by person (for tests of the shared pressure).
pub fn mean_need_by_person(w: &World) -> f64 {
    let p = &w.society.people;
    let (mut s, mut n) = (0.0, 0u64);
    for i in 0..p.len() {
        if p.status[i].present() {
            s += f64::from(environment::need(w, i));
            n += 1;
        }
    }
    s / n.max(1) as f64
}
