//! Prisoners and detention (step 9 of the day): holding, handing over and releasing captured fighters (detention-unfinished-job.txt).
//!
//! Not yet modelled: the step exists so that the schedule reads as MODEL.md's,
//! and is filled by issue #5. It changes nothing and draws no random numbers.

use crate::scenario::Scenario;
use crate::world::World;

pub fn step(_w: &mut World, _s: &Scenario) {}
