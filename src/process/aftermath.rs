//! Aftermath (step 8 of the day): reconciliation, reprisals, and ex-members' pathways (atarib-haid-2017.txt, ch. 6).
//!
//! Not yet modelled: the step exists so that the schedule reads as MODEL.md's,
//! and is filled by issue #5. It changes nothing and draws no random numbers.

use crate::scenario::Scenario;
use crate::world::World;

pub fn step(_w: &mut World, _s: &Scenario) {}
