//! Applying a decision: joins and departures counted by motive and reason,
//! commitment, registration and the local armed groups' rolls.

use super::Decision;
use crate::scenario::Scenario;
use crate::society::people::{NONE_U8, NONE_U16, Status};
use crate::world::World;

pub(super) fn apply(w: &mut World, s: &Scenario, d: Decision) {
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
        // The region's recruitment pools (docs/model.md, 7.15 and 7.16).
        if was == Status::Displaced {
            w.today.region.joins_displaced += 1;
        }
        if p.flags[i].has(crate::society::people::Flags::CAMP_RAISED) {
            w.today.region.joins_camp_raised += 1;
        }
        w.region.today[p.place[i] as usize].joins += 1;
    }
    if d.status == Status::LocalFighter {
        p.group[i] = d.group;
        p.flags[i].set(crate::society::people::Flags::ARMED);
        if (d.group as usize) < w.society.groups.len() {
            w.society.groups[d.group as usize].members += 1;
        }
    }
}
