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
    /// Births of the month so far (mother, day), entering at the census.
    pub births: Vec<(u32, u32)>,
    /// The next stable id to give (a newborn's).
    pub next_id: u32,
    /// The region's places' state (detention, attacks).
    pub region: crate::process::detention::RegionState,
    /// The faction the region's detention holds (`detention.faction`).
    pub defeated: u8,
    /// Hardship of each place for residents and for the displaced there.
    pub hardship: (Vec<f32>, Vec<f32>),
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
            births: Vec::new(),
            next_id: 0,
            region: crate::process::detention::RegionState::new(&s.region),
            defeated: s.detention.faction,
            hardship: crate::process::displacement_and_return::hardship(s),
        }
        .with_next_id()
    }

    fn with_next_id(mut self) -> Self {
        self.next_id = self.society.people.id.iter().copied().max().map_or(0, |m| m + 1);
        self
    }

    /// Whether indices may change between days: not while the town is
    /// mobilised (the cascade holds indices).
    pub fn may_renumber(&self) -> bool {
        !((self.uprising.call_day.is_some() && !self.uprising.over) || !self.uprising.contacts.is_empty())
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
        if n > 0 && dead / n as f64 >= COMPACT_AT_SHARE_DEAD && self.may_renumber() {
            self.compact();
        }
    }

    pub fn compact(&mut self) {
        let s = &mut self.society;
        let map = s.people.compact();
        s.network.family.compact(&map);
        s.network.peers.compact(&map);
        self.remap(&map);
    }

    /// Bring newborns into the columns, each right after its mother's
    /// household (so families and households stay contiguous ranges), with
    /// ties to the household; renumbers everyone after them.
    pub fn insert_births(&mut self, births: &[(u32, u32)]) {
        let s = &mut self.society;
        let p = &s.people;
        let n = p.len();
        let mut rng = self.key.stream(crate::rng::Stream::Demography, self.day, 1);
        // (position before which the newborn goes, mother), in order.
        let mut at: Vec<(usize, u32, u32)> = births
            .iter()
            .filter(|&&(m, _)| p.status[m as usize] != Status::Dead)
            .map(|&(m, day)| (s.household_start[p.household[m as usize] as usize + 1] as usize, m, day))
            .collect();
        at.sort_unstable();
        if at.is_empty() {
            return;
        }
        let mut map = vec![0u32; n];
        let mut k = 0usize;
        for (i, slot) in map.iter_mut().enumerate() {
            while k < at.len() && at[k].0 <= i {
                k += 1;
            }
            *slot = (i + k) as u32;
        }
        let newborns: Vec<crate::society::people::Newborn> = at
            .iter()
            .map(|&(pos, m, day)| {
                let id = self.next_id;
                self.next_id += 1;
                crate::society::people::Newborn { before: pos, mother: m as usize, born: day as i32, id, male: rand::RngExt::random::<bool>(&mut rng) }
            })
            .collect();
        let new_index = s.people.insert_newborns(&newborns);
        self.today.region.births += newborns.len() as u64;
        // Ties: each newborn to the members of its household.
        let mut extra = Vec::new();
        for b in 0..newborns.len() {
            let h = s.people.household[new_index[b] as usize];
            let (hs, he) = (s.household_start[h as usize] as usize, s.household_start[h as usize + 1] as usize);
            for &j in &map[hs..he] {
                extra.push((new_index[b], j));
                extra.push((j, new_index[b]));
            }
            // Earlier newborns of the same household: they go before the same
            // row, so they are the run just before this one in the sorted order.
            for c in (0..b).rev().take_while(|&c| newborns[c].before == newborns[b].before) {
                extra.push((new_index[b], new_index[c]));
                extra.push((new_index[c], new_index[b]));
            }
        }
        let total = s.people.len();
        s.network.family.insert(&map, total, extra);
        s.network.peers.insert(&map, total, Vec::new());
        self.remap(&map);
    }

    /// Renumber the state that holds people's indices (`map[old] = new`, or
    /// `u32::MAX` for the removed); families' and households' ranges follow
    /// the columns.
    fn remap(&mut self, map: &[u32]) {
        let s = &mut self.society;
        for g in &mut s.groups {
            // A dead commander leaves the group leaderless (u32::MAX) until a
            // process names a successor; group numbers never change.
            if g.commander != u32::MAX {
                g.commander = map[g.commander as usize];
            }
        }
        for st in &mut self.factions {
            st.campaign.remap(map);
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
        // The month's births waiting for the census name their mothers by
        // index: renumber them too (a compaction between censuses used to
        // leave them pointing past the columns).
        self.births.retain_mut(|(m, _)| {
            *m = map[*m as usize];
            *m != u32::MAX
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
        self.bring_from_pool_to(f, count, None)
    }

    /// As `bring_from_pool`, into town `to` if given (they come to fight
    /// there; otherwise they go to the first town).
    pub fn bring_from_pool_to(&mut self, f: usize, count: u32, to: Option<u16>) -> u32 {
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
                if let Some(t) = to.filter(|&t| p.place[i] != t) {
                    p.move_to(i, t);
                }
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
