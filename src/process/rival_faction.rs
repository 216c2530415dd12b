//! Rival faction (step 10 of the day): the local faction's growth and its takeover decision (atarib-haid-2017.txt, ch. 7).
//!
//! Not yet modelled: the step exists so that the schedule reads as MODEL.md's,
//! and is filled by issue #5. It changes nothing and draws no random numbers.

use crate::scenario::Scenario;
use crate::world::World;

pub fn step(_w: &mut World, _s: &Scenario) {}
