//! Affiliation choices (step 4 of the day): the faction's members arrive from
//! elsewhere, and each day a fraction of people reconsider where they stand,
//! choosing among staying as they are (civilian, activist or ex-member),
//! supporting or fighting for a faction in town, and joining a local armed
//! group. The choice is a multinomial logit over utilities:
//!
//! - pull of a faction: money against need (fighters' pay, services to the
//!   registered in a crisis), protection against fear in proportion to the
//!   faction's dominance in town ("many people joined ISIS in order to protect
//!   themselves", Haid 2017, ch. 3), ideology (commitment) and
//!   exposure to its outreach, what family and contacts do, its standing;
//! - push: grievance toward it (its brutality), stigma, the risk of fighting,
//!   and, for members, the other three reasons defectors gave
//!   (ICSR 2015): fighting other rebels rather than the regime,
//!   corruption and foreigners' privileges, and a life harsher than promised
//!   (strict rules felt by the uncommitted, pay that stops).
//!
//! A join is attributed to its largest pull (money, protection, ideology,
//! social), a departure to its largest push among the four reasons. Leaving
//! lowers commitment only partly: disengagement is not deradicalisation
//! (Marsden 2015).
//!
//! Decisions are synchronous: every reconsidering person decides from the
//! state at the start of the step (in parallel over fixed chunks, each with

mod apply;
mod choose;
mod params;

pub use params::{Params, Raw};

use rand::RngExt;
use rayon::prelude::*;

use crate::rng::{CHUNK, Rng, Stream};
use crate::scenario::Scenario;
use crate::society::people::Status;
use crate::world::World;

/// Why a person joined (largest pull) and why a member left (largest push).
pub const MOTIVES: [&str; 4] = ["money", "protection", "ideology", "social"];
/// The defectors' four narratives (ICSR 2015), and pay that stopped, apart:
/// narrative 4 is about promised goods, and counting unpaid wages there
/// would hide the faction's purse behind it.
pub const REASONS: [&str; 5] = ["infighting", "brutality", "corruption", "harshness", "unpaid"];

/// What each faction looks like to a person deciding today.
#[derive(Clone, Copy, Default)]
pub(crate) struct View {
    in_town: bool,
    dominance: f64,
    /// How far it threatens people: its menace over menace plus `protection_menace_half`.
    threat: f64,
    standing: f64,
    services_on: bool,
    foreign_share: f64,
    infighting: f64,
    unpaid: f64,
    pay: f64,
    strictness: f64,
}

/// One person's decision.
#[derive(Clone, Copy)]
pub(crate) struct Decision {
    person: u32,
    status: Status,
    faction: u8,
    group: u16,
    motive: u8,
    reason: u8,
}

pub fn step(w: &mut World, s: &Scenario) {
    crate::faction::arrivals(w, s);
    let views = choose::views(w, s);
    if !views.iter().any(|pl| pl.iter().any(|v| v.in_town)) {
        return;
    }
    let n = w.society.people.len();
    let day = w.day;
    let world: &World = w;
    let decisions: Vec<Vec<Decision>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut rng = world.key.stream(Stream::Affiliation, day, c as u32);
            let (lo, hi) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            let mut out = Vec::new();
            let mut i = lo + skip(&mut rng, s.affiliation.reconsider_rate);
            while i < hi {
                if let Some(d) = choose::decide(world, s, &views, i, &mut rng) {
                    out.push(d);
                }
                i += 1 + skip(&mut rng, s.affiliation.reconsider_rate);
            }
            out
        })
        .collect();
    for d in decisions.into_iter().flatten() {
        apply::apply(w, s, d);
    }
}

/// People skipped before the next one who reconsiders (geometric).
fn skip(rng: &mut Rng, rate: f64) -> usize {
    if rate >= 1.0 {
        return 0;
    }
    if rate <= 0.0 {
        return usize::MAX / 2;
    }
    let u: f64 = rng.random::<f64>().max(1e-300);
    (u.ln() / (1.0 - rate).ln()).floor().min(1e15) as usize
}
