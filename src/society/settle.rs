//! Where people are at the start (docs/model.md, 7.13): each town's people at
//! home; the factions' pools in their hideouts; the detained drawn household
//! by household from the towns their camp or prison takes from (the towns the
//! faction held, failing a list), men of fighting age to prisons and the rest
//! of a household to a camp, with the foreign detainees from their own
//! block; the displaced of each town to camps with room or to other towns.
//! Households of members, detainees and fighters elsewhere carry the stigma
//! of "ISIS families" (Hassan 2022). Ages within each class are drawn here
//! from their own stream, so the rest of the society is drawn as before.

use rand::RngExt;
use rayon::prelude::*;

use super::Layout;
use super::people::{AgeClass, Flags, NONE_U8, Origin, People, Sex, Status};
use crate::region::{ABROAD, Params as Region, PlaceKind};
use crate::rng::{CHUNK, RunKey, Stream};

/// Lowest and highest age in years of each class (elders up to 80).
pub const AGE_YEARS: [(i32, i32); 4] = [(0, 14), (15, 24), (25, 59), (60, 80)];

/// The age class of someone `years` old.
#[inline]
pub fn class_of(years: i32) -> AgeClass {
    match years {
        ..15 => AgeClass::Child,
        15..25 => AgeClass::Youth,
        25..60 => AgeClass::Adult,
        _ => AgeClass::Elder,
    }
}

/// Settle people in the region's places. `defeated` is the faction whose
/// members and families are detained; `member_commitment` their commitment.
pub fn settle(region: &Region, layout: &Layout, people: &mut People, defeated: u8, member_commitment: f64, key: &RunKey) {
    let n = people.len();
    // Days of birth: a uniform age within the class, in days before day 0.
    let born: Vec<Vec<i32>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut rng = key.stream(Stream::Demography, 0, c as u32);
            let (lo, hi) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            (lo..hi)
                .map(|i| {
                    let (a, b) = AGE_YEARS[people.age[i] as usize];
                    -(rng.random_range(a * 365..(b + 1) * 365))
                })
                .collect()
        })
        .collect();
    people.born = born.concat();
    people.place = vec![0; n];
    people.home = vec![ABROAD; n];
    for (k, &(a, b)) in layout.blocks.iter().enumerate().take(region.towns) {
        people.place[a as usize..b as usize].fill(k as u16);
        people.home[a as usize..b as usize].fill(k as u16);
    }
    for f in 0..layout.families() - layout.local_families {
        let fam = layout.local_families + f;
        let h = region.hideout(f);
        people.place[layout.family_start[fam] as usize..layout.family_start[fam + 1] as usize].fill(h);
    }
    people.hideout = (0..layout.families() - layout.local_families).map(|f| region.hideout(f)).collect();
    people.recount_places(region.places.len());
    if region.detained_people() > 0 || region.places.iter().any(|p| p.displaced_share > 0.0 || p.ex_member_share > 0.0) {
        ex_members_at_start(region, layout, people, defeated, member_commitment, key);
        detain_at_start(region, layout, people, defeated, member_commitment, key);
        displace_at_start(region, layout, people, key);
        taint_households(layout, people);
    }
}

/// What a detention place still needs: local women and children, local men,
/// foreign women and children, foreign men.
#[derive(Clone, Copy, Default)]
struct Quota {
    local_wc: u32,
    local_men: u32,
    foreign_wc: u32,
    foreign_men: u32,
}

fn quotas(region: &Region) -> Vec<Quota> {
    region
        .places
        .iter()
        .map(|p| {
            if !p.kind.detains() {
                return Quota::default();
            }
            let foreign = (f64::from(p.people) * p.foreign_share).round() as u32;
            let local = p.people - foreign;
            let wc = p.women_children_share;
            let fwc = (f64::from(foreign) * wc).round() as u32;
            let lwc = (f64::from(local) * wc).round() as u32;
            Quota { local_wc: lwc, local_men: local - lwc, foreign_wc: fwc, foreign_men: foreign - fwc }
        })
        .collect()
}

/// Foreign detainees sit in the block after the towns.
pub fn foreign_detainees(region: &Region) -> u32 {
    quotas(region).iter().map(|q| q.foreign_wc + q.foreign_men).sum()
}

fn detain(people: &mut People, i: usize, place: usize, region: &Region, defeated: u8, member_commitment: f64, rng: &mut crate::rng::Rng) {
    let member = rng.random::<f64>() < region.places[place].member_share;
    people.move_to(i, place as u16);
    people.assign(i, Status::Detained, if member { defeated } else { NONE_U8 });
    if member {
        people.commitment.set(i, member_commitment as f32);
        people.flags[i].set(Flags::PROSECUTABLE);
    }
}

fn detain_at_start(region: &Region, layout: &Layout, people: &mut People, defeated: u8, member_commitment: f64, key: &RunKey) {
    let mut rng = key.stream(Stream::Demography, 0, u32::MAX);
    let mut q = quotas(region);
    let man = |p: &People, i: usize| p.sex[i] == Sex::Male && matches!(p.age[i], AgeClass::Youth | AgeClass::Adult);
    // Foreigners, person by person in the block's order: men to prisons (then
    // camps), the rest to camps (then wherever is left).
    if let Some(&(a, b)) = layout.blocks.get(region.towns) {
        for i in a as usize..b as usize {
            people.origin[i] = Origin::Foreign;
            let is_man = man(people, i);
            let order: [fn(&Quota) -> u32; 2] = if is_man { [|q| q.foreign_men, |q| q.foreign_wc] } else { [|q| q.foreign_wc, |q| q.foreign_men] };
            let pick = order.iter().find_map(|get| q.iter().position(|x| get(x) > 0)).unwrap_or(0);
            let slot = &mut q[pick];
            if (is_man && slot.foreign_men > 0) || slot.foreign_wc == 0 {
                slot.foreign_men = slot.foreign_men.saturating_sub(1);
            } else {
                slot.foreign_wc -= 1;
            }
            detain(people, i, pick, region, defeated, member_commitment, &mut rng);
        }
    }
    // Locals, household by household from each place's source towns.
    let households = layout.households();
    let mut taken = vec![false; households];
    for d in 0..region.places.len() {
        if !region.places[d].kind.detains() {
            continue;
        }
        let sources: Vec<u16> = if !region.places[d].from.is_empty() {
            region.places[d].from.clone()
        } else if region.places[..region.towns].iter().any(|t| t.held) {
            (0..region.towns as u16).filter(|&t| region.places[t as usize].held).collect()
        } else {
            (0..region.towns as u16).collect()
        };
        let ranges: Vec<(usize, usize)> = sources
            .iter()
            .map(|&t| {
                let (a, b) = layout.blocks[t as usize];
                (layout.household_of[a as usize] as usize, if b > a { layout.household_of[b as usize - 1] as usize + 1 } else { 0 })
            })
            .collect();
        let total: usize = ranges.iter().map(|r| r.1.saturating_sub(r.0)).sum();
        let mut tries = 0usize;
        while (q[d].local_wc > 0 || q[d].local_men > 0) && tries < total.saturating_mul(4) + 1000 {
            tries += 1;
            let mut k = rng.random_range(0..total.max(1));
            let h = ranges
                .iter()
                .find_map(|r| {
                    if k < r.1 - r.0 {
                        Some(r.0 + k)
                    } else {
                        k -= r.1 - r.0;
                        None
                    }
                })
                .unwrap_or(0);
            if taken[h] {
                continue;
            }
            taken[h] = true;
            for i in layout.household_start[h] as usize..layout.household_start[h + 1] as usize {
                if people.status[i] != Status::Civilian {
                    continue;
                }
                if man(people, i) {
                    // Men to a prison with room first, then to the camp's men.
                    if let Some(p) = (0..q.len()).find(|&p| region.places[p].kind == PlaceKind::Prison && q[p].local_men > 0) {
                        q[p].local_men -= 1;
                        detain(people, i, p, region, defeated, member_commitment, &mut rng);
                    } else if q[d].local_men > 0 {
                        q[d].local_men -= 1;
                        detain(people, i, d, region, defeated, member_commitment, &mut rng);
                    }
                } else if q[d].local_wc > 0 {
                    q[d].local_wc -= 1;
                    detain(people, i, d, region, defeated, member_commitment, &mut rng);
                }
            }
        }
    }
}

/// The faction's former members who live at home: youth and adults of each
/// town, at its `ex_member_share`, with part of a member's commitment.
fn ex_members_at_start(region: &Region, layout: &Layout, people: &mut People, defeated: u8, member_commitment: f64, key: &RunKey) {
    if defeated == NONE_U8 {
        return;
    }
    let mut rng = key.stream(Stream::Demography, 0, u32::MAX - 2);
    for t in 0..region.towns {
        let share = region.places[t].ex_member_share;
        if share <= 0.0 {
            continue;
        }
        let (a, b) = layout.blocks[t];
        for i in a as usize..b as usize {
            if people.status[i] == Status::Civilian && matches!(people.age[i], AgeClass::Youth | AgeClass::Adult) && rng.random::<f64>() < share {
                people.assign(i, Status::ExMember, defeated);
                // Disengaged, not deradicalised (Marsden 2015): half a member's commitment.
                people.commitment.set(i, (member_commitment / 2.0) as f32);
            }
        }
    }
}

fn displace_at_start(region: &Region, layout: &Layout, people: &mut People, key: &RunKey) {
    let mut rng = key.stream(Stream::Demography, 0, u32::MAX - 1);
    let towns = region.towns;
    let camps: Vec<usize> = (0..region.places.len()).filter(|&p| region.places[p].kind == PlaceKind::Camp).collect();
    for t in 0..towns {
        let share = region.places[t].displaced_share;
        if share <= 0.0 {
            continue;
        }
        let (a, b) = layout.blocks[t];
        let (h0, h1) = (layout.household_of[a as usize] as usize, layout.household_of[b as usize - 1] as usize + 1);
        for h in h0..h1 {
            if rng.random::<f64>() >= share {
                continue;
            }
            let size = layout.household_start[h + 1] - layout.household_start[h];
            // A camp with room for the household, else another town.
            let camp = camps.iter().copied().find(|&c| people.at[c].alive() + size <= region.places[c].capacity && rng.random::<f64>() < 0.5);
            let to = match camp {
                Some(c) => c as u16,
                None if towns > 1 => {
                    let k = rng.random_range(0..towns - 1);
                    (if k >= t { k + 1 } else { k }) as u16
                }
                None => continue,
            };
            for i in layout.household_start[h] as usize..layout.household_start[h + 1] as usize {
                if matches!(people.status[i], Status::Civilian | Status::ExMember) {
                    let f = people.faction[i];
                    people.move_to(i, to);
                    people.assign(i, Status::Displaced, f);
                }
            }
        }
    }
}

/// Mark the households of members, detainees and those elsewhere.
fn taint_households(layout: &Layout, people: &mut People) {
    for h in 0..layout.households() {
        let (a, b) = (layout.household_start[h] as usize, layout.household_start[h + 1] as usize);
        let known =
            (a..b).any(|i| matches!(people.status[i], Status::Detained | Status::ExMember) && people.faction[i] != NONE_U8 || people.status[i].member());
        if known {
            for i in a..b {
                people.flags[i].set(Flags::TAINTED);
            }
        }
    }
}
