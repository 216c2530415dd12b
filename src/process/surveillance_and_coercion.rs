//! Surveillance and coercion (step 3 of the day): informants, kidnappings, assassinations, arrests, executions and personal-life rules (atarib-haid-2017.txt, ch. 3-4).
//!
//! Not yet modelled: the step exists so that the schedule reads as MODEL.md's,
//! and is filled by issue #3. It changes nothing and draws no random numbers.

use crate::scenario::Scenario;
use crate::world::World;

pub fn step(_w: &mut World, _s: &Scenario) {}
