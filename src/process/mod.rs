//! The day's schedule (docs/model.md, "Process overview
//! and scheduling"): one function per process, called in this order from this
//! one place. Each process lives in its own file with its parameters beside it;
//! the file names are the submodel titles of docs/model.md.

pub mod affiliation;
pub mod aftermath;
pub mod amnesty;
pub mod breaking_the_walls;
pub mod campaign;
pub mod confrontation;
pub mod counter_offensive;
pub mod demography;
pub mod detention;
pub mod displacement_and_return;
pub mod environment;
pub mod government_offer;
pub mod insurgency;
pub mod mobilisation;
pub mod observation;
pub mod prisoners;
pub mod relaxation;
pub mod rival_faction;
pub mod soft_power;
pub mod surveillance_and_coercion;
pub mod tawba;
pub mod town;

use crate::record::DayRecord;
use crate::scenario::Scenario;
use crate::world::World;

/// Simulate one day and record it.
pub fn day(w: &mut World, s: &Scenario) -> DayRecord {
    w.day += 1;
    w.today = Default::default();
    w.region.today.fill(Default::default());
    environment::step(w, &s.environment); //               1
    demography::step(w, s); //                             1b
    soft_power::step(w, s); //                              2
    surveillance_and_coercion::step(w, s); //               3
    campaign::step(w, s); //                               3b
    tawba::step(w, s); //                                  3c
    government_offer::step(w, s); //                       3d
    affiliation::step(w, s); //                             4
    mobilisation::step(w, s); //                            5
    amnesty::step(w, s); //                                 6
    counter_offensive::step(w, s); //                      6b
    confrontation::step(w, s); //                           7
    aftermath::step(w, s); //                               8
    prisoners::step(w, s); //                               9
    rival_faction::step(w, s); //                          10
    displacement_and_return::step(w, s); //                11
    detention::step(w, s); //                              12
    breaking_the_walls::step(w, s); //                     13
    insurgency::step(w, s); //                             14
    relaxation::step(w, &s.relaxation); //                 15
    let record = observation::step(w); //                  16
    w.compact_if_due(); // between days: indices stay stable within one
    record
}
