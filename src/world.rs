//! The state of one run between days: the society, the state each process
//! keeps from day to day, and the events so far. Processes read and change it
//! in the order of the schedule (`process::day`).

use crate::faction;
use crate::process::aftermath::Reconciliation;
use crate::process::confrontation::Battle;
use crate::process::environment::Crises;
use crate::process::mobilisation::Uprising;
use crate::process::prisoners::{Prisoner, PrisonerCounts, Released};
use crate::record::{DayCounts, Event};
use crate::rng::RunKey;
use crate::scenario::Scenario;
use crate::society::Society;
use crate::society::people::{Origin, Status};

/// Compact the dead away once they are this share of the columns.
const COMPACT_AT_SHARE_DEAD: f64 = 0.05;

#[derive(Clone, Debug)]
pub struct World {
    /// The day being simulated (0 before the first).
    pub day: u32,
    pub key: RunKey,
    pub society: Society,
    pub crises: Crises,
    /// Each faction's state, in the scenario's order.
    pub factions: Vec<faction::State>,
    /// What happened today (reset at the start of each day).
    pub today: DayCounts,
    /// The town's uprising: triggers, the call, the cascade.
    pub uprising: Uprising,
    /// Battles so far; the last may be under way.
    pub battles: Vec<Battle>,
    /// Uprisings that are over (the current one is `uprising`).
    pub past_uprisings: Vec<Uprising>,
    /// Reconciliations after expulsions, with their ex-member cohorts.
    pub reconciliations: Vec<Reconciliation>,
    /// Prisoners in the community's custody, and totals.
    pub prisoners: Vec<Prisoner>,
    pub prisoner_counts: PrisonerCounts,
    /// Released or escaped prisoners gone home, followed for a year (7.9).
    pub released: Vec<Released>,
    pub events: Vec<Event>,
}

impl World {
    pub fn new(s: &Scenario, key: RunKey) -> World {
        let society = Society::build(s, &key);
        let factions = (0..s.factions.len())
            .map(|f| faction::State { pool_family: (society.local_families + f) as u32, weapons: s.factions[f].weapons, ..faction::State::default() })
            .collect();
        World {
            day: 0,
            key,
            society,
            crises: Crises::default(),
            factions,
            today: DayCounts::default(),
            uprising: Uprising::default(),
            battles: Vec::new(),
            past_uprisings: Vec::new(),
            reconciliations: Vec::new(),
            prisoners: Vec::new(),
            prisoner_counts: PrisonerCounts::default(),
            released: Vec::new(),
            events: Vec::new(),
        }
    }

    pub fn event(&mut self, kind: &'static str, actor: &str, target: Option<u32>, size: f64, detail: impl Into<String>) {
        self.events.push(Event { day: self.day, kind, actor: actor.to_string(), target, size, detail: detail.into() });
    }

    /// Between days: drop the dead from the columns once they are a notable
    /// share, renumbering the network, families, households and commanders.
    pub fn compact_if_due(&mut self) {
        let n = self.society.people.len();
        let dead = self.society.people.dead_in_columns() as f64;
        // Not while the town is mobilised: the cascade holds indices.
        let mobilised = (self.uprising.call_day.is_some() && !self.uprising.over) || !self.uprising.contacts.is_empty();
        if n > 0 && dead / n as f64 >= COMPACT_AT_SHARE_DEAD && !mobilised {
            self.compact();
        }
    }

    pub fn compact(&mut self) {
        let s = &mut self.society;
        let map = s.people.compact();
        s.network.family.compact(&map);
        s.network.peers.compact(&map);
        for g in &mut s.groups {
            // A dead commander leaves the group leaderless (u32::MAX) until a
            // process names a successor; group numbers never change.
            if g.commander != u32::MAX {
                g.commander = map[g.commander as usize];
            }
        }
        for st in &mut self.factions {
            // The dead leave the hold records with the columns.
            st.held.retain_mut(|h| {
                h.person = map[h.person as usize];
                h.person != u32::MAX
            });
            st.word_of_mouth.retain_mut(|j| {
                *j = map[*j as usize];
                *j != u32::MAX
            });
        }
        for r in &mut self.reconciliations {
            r.cohort.retain_mut(|m| {
                m.person = map[m.person as usize];
                m.person != u32::MAX
            });
        }
        self.prisoners.retain_mut(|p| {
            p.person = map[p.person as usize];
            p.person != u32::MAX
        });
        self.released.retain_mut(|r| {
            r.person = map[r.person as usize];
            r.person != u32::MAX
        });
        s.family_start = starts(&s.people.family, s.family_start.len() - 1);
        s.household_start = starts(&s.people.household, s.household_start.len() - 1);
    }
}

impl World {
    /// Bring up to `count` of faction `f`'s people elsewhere back into town as
    /// fighters: first the town's own (locals who fled, rejoined elsewhere or
    /// left custody for it; they know the place), in index order, then the
    /// pool's rows. Returns (locals, from the pool). The scan of the town's
    /// rows runs only while some local of `f` is elsewhere.
    pub fn bring_back(&mut self, f: usize, count: u32) -> (u32, u32) {
        let mut locals = 0;
        let want = (self.society.people.tally.elsewhere_local[f].min(u64::from(count))) as u32;
        let mut i = 0;
        while locals < want && i < self.society.people.len() {
            let p = &mut self.society.people;
            if p.status[i] == Status::Elsewhere && p.faction[i] as usize == f && p.origin[i] == Origin::Local {
                p.assign(i, Status::Fighter, f as u8);
                p.register(i, f as u8);
                locals += 1;
            }
            i += 1;
        }
        let pool = self.bring_from_pool(f, count - locals);
        (locals, pool)
    }

    /// Move up to `count` of faction `f`'s pool elsewhere into town as
    /// fighters; returns how many came.
    pub fn bring_from_pool(&mut self, f: usize, count: u32) -> u32 {
        let fam = self.factions[f].pool_family as usize;
        if fam + 1 >= self.society.family_start.len() {
            return 0;
        }
        let (a, b) = (self.society.family_start[fam] as usize, self.society.family_start[fam + 1] as usize);
        let mut moved = 0;
        for i in a..b {
            if moved == count {
                break;
            }
            let p = &mut self.society.people;
            if p.status[i] == Status::Elsewhere && p.faction[i] as usize == f {
                p.assign(i, Status::Fighter, f as u8);
                p.register(i, f as u8);
                moved += 1;
            }
        }
        moved
    }
}

/// Range starts of contiguous, ordered ids (families or households, some of
/// which may now be empty).
fn starts(ids: &[u32], count: usize) -> Vec<u32> {
    let mut out = vec![0u32; count + 1];
    for &id in ids {
        out[id as usize + 1] += 1;
    }
    for k in 1..out.len() {
        out[k] += out[k - 1];
    }
    out
}
