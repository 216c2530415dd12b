//! Each town of a region is a community of its own (issue 16; docs/model.md,
//! 7.5, 7.7 and 7.13): its council deliberates on its own people's anger and
//! calls out its own people, its own local groups join, it fights the
//! faction's people there over its own institutions, and a faction driven
//! out of one town keeps the others. tests/data/region-towns.toml is three
//! towns of 10,000 with Atarib's community and factions; its twin is the
//! same 30,000 people as one town (Atarib's own semantics, unchanged).
#![allow(clippy::disallowed_methods)]

mod common;

use common::*;
use resist::invariants::check_day;
use resist::region_summary::RegionSummary;
use resist::rng::RunKey;
use resist::scenario::Scenario;
use resist::sim::{RunOutput, Simulation};

const SEED: u64 = 20130401;
const REPS: u64 = 24;
const DAYS: u32 = 400;

fn towns() -> Scenario {
    scenario("tests/data/region-towns.toml")
}

#[derive(Clone, Debug)]
struct Run {
    region: Option<RegionSummary>,
    /// The faction's members in the other towns on the day it was first driven out of one.
    left_elsewhere: Option<u32>,
}

fn runs(s: &Scenario) -> Vec<Run> {
    replicates(s, SEED, REPS, DAYS, |o: &RunOutput| {
        let first = o.events.iter().find(|e| e.kind == "battle_decided" && e.actor == "isis" && e.detail.starts_with("expelled"));
        let left_elsewhere = first.map(|e| {
            let town = e.detail.rsplit(' ').next().unwrap_or("");
            let r = &o.records[e.day as usize];
            s.region.places.iter().zip(&r.places).take(s.region.towns).filter(|(p, _)| p.name != town).map(|(_, d)| d.members).sum()
        });
        Run { region: o.summary.region.clone(), left_elsewhere }
    })
}

/// Every day of a few runs: those mobilised are all in the town that is up,
/// and only its own groups joined (src/invariants.rs), with the rest of the
/// conservation checks.
#[test]
fn one_town_rises_at_a_time_with_its_own_people_and_groups() {
    let s = towns();
    for r in 0..4 {
        let mut sim = Simulation::new(&s, RunKey::new(SEED, r), DAYS);
        let mut yesterday = sim.records()[0].clone();
        let mut mobilised_days = 0;
        while !sim.done() {
            let today = sim.step().clone();
            check_day(sim.world(), &today, Some(&yesterday)).unwrap_or_else(|e| panic!("replicate {r}: {e}"));
            mobilised_days += u32::from(today.mobilised > 0);
            yesterday = today;
        }
        assert!(mobilised_days > 5, "replicate {r}: a town mobilised (on {mobilised_days} days), so the check had something to check");
    }
}

/// The towns rise one after another, each on its own council's call, and
/// the faction is driven out town by town: after its first expulsion it
/// still has members in the other towns. As one town (the twin), the same
/// people rise once and one battle ends its open presence.
#[test]
fn towns_rise_on_their_own_and_the_faction_is_driven_out_town_by_town() {
    let runs3 = runs(&towns());
    let risen: Vec<f64> = runs3.iter().map(|r| r.region.as_ref().expect("a region").towns_risen as f64).collect();
    let spans: Vec<f64> = runs3.iter().map(|r| r.region.as_ref().expect("a region").expulsion_span_days as f64).collect();
    let left: Vec<f64> = runs3.iter().filter_map(|r| r.left_elsewhere.map(f64::from)).collect();
    eprintln!(
        "three towns: towns risen {:.2} (sd {:.2}), days from first to last expulsion {:.1} (sd {:.1}), members left in the other towns {:.1} over {} runs",
        mean(&risen),
        sd(&risen),
        mean(&spans),
        sd(&spans),
        mean(&left),
        left.len()
    );
    assert!(left.len() as u64 * 4 >= REPS * 3, "the faction was driven out of a town in most runs ({} of {REPS})", left.len());
    assert!(mean(&risen) >= 2.0, "more than one town rises, each on its own call (mean {:.2})", mean(&risen));
    assert!(
        left.iter().filter(|&&x| x > 0.0).count() * 4 >= left.len() * 3,
        "after its first expulsion the faction keeps members in the other towns in most runs"
    );
    assert!(mean(&spans) > 5.0, "it is driven out town by town, days apart (mean span {:.1})", mean(&spans));
    assert!(sd(&risen) > 0.0 || sd(&spans) > 0.0, "outcomes vary across replicates");
    // The twin: one town of 30,000 rises once, and one battle ends the
    // faction's open presence; three towns drive it out more than once.
    let one = variant("atarib.toml", "days = 400\n");
    let battles1 = expulsions(&one);
    let battles3 = expulsions(&towns());
    eprintln!("expulsions by battle per run: three towns {:.2}, one town {:.2}", mean(&battles3), mean(&battles1));
    assert!(battles1.iter().all(|&b| b <= 1.0), "one town drives the faction out by battle at most once");
    assert!(mean(&battles3) > mean(&battles1) + 0.5, "three towns drive it out town by town ({:.2} against {:.2})", mean(&battles3), mean(&battles1));
}

/// Expulsions by battle per run of a scenario.
fn expulsions(s: &Scenario) -> Vec<f64> {
    replicates(s, SEED, REPS, DAYS, |o: &RunOutput| {
        o.events.iter().filter(|e| e.kind == "battle_decided" && e.actor == "isis" && e.detail.starts_with("expelled")).count() as f64
    })
}
