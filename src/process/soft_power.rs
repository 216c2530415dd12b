//! Soft power (step 2 of the day): outreach events with prizes, services in crises, a rival court (atarib-haid-2017.txt, ch. 3).
//!
//! Not yet modelled: the step exists so that the schedule reads as MODEL.md's,
//! and is filled by issue #3. It changes nothing and draws no random numbers.

use crate::scenario::Scenario;
use crate::world::World;

pub fn step(_w: &mut World, _s: &Scenario) {}
