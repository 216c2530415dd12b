//! The society a run starts from: people in extended families and households,
//! their network, local armed groups and institutions, generated from the
//! scenario's parameters and the run's streams.

pub mod groups;
pub mod institutions;
pub mod network;
pub mod people;
pub mod population;
pub mod settle;

use crate::rng::RunKey;
use crate::scenario::Scenario;

/// Families and households as contiguous ranges of people.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Family `f` holds people `family_start[f]..family_start[f + 1]`.
    pub family_start: Vec<u32>,
    /// Household `h` holds people `household_start[h]..household_start[h + 1]`.
    pub household_start: Vec<u32>,
    pub family_of: Vec<u32>,
    pub household_of: Vec<u32>,
    /// Families of the towns and foreign detainees; those after them are the
    /// factions' pools elsewhere.
    pub local_families: usize,
    /// People of each town, then of the foreign detainees (if any), as
    /// ranges: peer ties stay within a block.
    pub blocks: Vec<(u32, u32)>,
}

impl Layout {
    pub fn families(&self) -> usize {
        self.family_start.len() - 1
    }
    pub fn households(&self) -> usize {
        self.household_start.len() - 1
    }
}

/// Everything generated at the start of a run.
#[derive(Clone, Debug)]
pub struct Society {
    pub people: people::People,
    /// Families of the town; family `local_families + f` is faction f's pool elsewhere.
    pub local_families: usize,
    pub family_start: Vec<u32>,
    pub household_start: Vec<u32>,
    /// People of each town (and the foreign detainees) as ranges, at the start.
    pub blocks: Vec<(u32, u32)>,
    pub network: network::Network,
    pub groups: Vec<groups::ArmedGroup>,
    pub institutions: Vec<institutions::Institution>,
}

impl Society {
    /// Generate the society of a scenario for one run.
    pub fn build(s: &Scenario, key: &RunKey) -> Society {
        let pools: Vec<u32> = s.factions.iter().map(|f| f.strength_elsewhere).collect();
        let towns: Vec<u32> = s.region.places[..s.region.towns].iter().map(|p| p.people).collect();
        let layout = population::layout(&s.population, &towns, settle::foreign_detainees(&s.region), &pools, key);
        let network = network::build(&s.network, &layout, key);
        let commitment: Vec<f64> = s.factions.iter().map(|f| f.member_commitment).collect();
        let mut people = population::people(&s.population, &layout, &commitment, key);
        let defeated = s.detention.faction;
        let defeated_commitment = commitment.get(defeated as usize).copied().unwrap_or(0.0);
        settle::settle(&s.region, &layout, &mut people, defeated, defeated_commitment, key);
        let groups = groups::raise(&s.armed_groups, &layout, s.region.towns, &mut people, key);
        let institutions = institutions::found(&s.institutions, s.region.towns);
        Society {
            local_families: layout.local_families,
            people,
            family_start: layout.family_start,
            household_start: layout.household_start,
            blocks: layout.blocks,
            network,
            groups,
            institutions,
        }
    }

    pub fn families(&self) -> usize {
        self.family_start.len() - 1
    }

    /// Heap bytes held per person by people and network (for benchmarks).
    pub fn bytes_per_person(&self) -> f64 {
        let n = self.people.len().max(1);
        (self.people.heap_bytes() + self.network.heap_bytes() + (self.family_start.capacity() + self.household_start.capacity()) * 4) as f64 / n as f64
    }
}
