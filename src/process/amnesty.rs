//! Amnesty and abstention (step 6 of the day): the offer to members who stay home, relayed through families (atarib-haid-2017.txt, ch. 6).
//!
//! Not yet modelled: the step exists so that the schedule reads as MODEL.md's,
//! and is filled by issue #4. It changes nothing and draws no random numbers.

use crate::scenario::Scenario;
use crate::world::World;

pub fn step(_w: &mut World, _s: &Scenario) {}
