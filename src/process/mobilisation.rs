//! Deliberation and mobilisation (step 5 of the day): triggers, the council of notables, the public call, and the threshold cascade (atarib-haid-2017.txt, ch. 5).
//!
//! Not yet modelled: the step exists so that the schedule reads as MODEL.md's,
//! and is filled by issue #4. It changes nothing and draws no random numbers.

use crate::scenario::Scenario;
use crate::world::World;

pub fn step(_w: &mut World, _s: &Scenario) {}
