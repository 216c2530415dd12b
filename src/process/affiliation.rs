//! Affiliation choices (step 4 of the day): who joins a faction or a local group, and who leaves it and why (icsr-defectors-2015.txt).
//!
//! Not yet modelled: the step exists so that the schedule reads as MODEL.md's,
//! and is filled by issue #3. It changes nothing and draws no random numbers.

use crate::scenario::Scenario;
use crate::world::World;

pub fn step(_w: &mut World, _s: &Scenario) {}
