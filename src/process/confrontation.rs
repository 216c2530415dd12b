//! Confrontation (step 7 of the day): daily attrition between the mobilised town and the faction's fighters (atarib-haid-2017.txt, ch. 5 and 7).
//!
//! Not yet modelled: the step exists so that the schedule reads as MODEL.md's,
//! and is filled by issue #4. It changes nothing and draws no random numbers.

use crate::scenario::Scenario;
use crate::world::World;

pub fn step(_w: &mut World, _s: &Scenario) {}
