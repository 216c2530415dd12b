//! Golden fingerprints: each fixture in seeds/ reproduces exactly. When the
//! model changes on purpose, `resist seeds --refresh` rewrites them (and the
//! commit says why); any other change of a fingerprint is a regression.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;

use resist::fixture::Fixture;
use resist::render::Rendered;
use resist::rng::RunKey;

/// The fixtures this file tests, one test each.
const FIXTURES: [&str; 6] = [
    "atarib-seed20130401.toml",
    "atarib-seed1-replicate3.toml",
    "epstein-seed2002.toml",
    "epstein-netlogo-seed2002.toml",
    "epstein-mesa-seed2002.toml",
    "northeast-syria-seed20190323.toml",
];

fn check(name: &str) {
    let path = common::root().join("seeds").join(name);
    let text = fs::read_to_string(&path).unwrap();
    let fx = Fixture::parse(name, &text).unwrap_or_else(|e| panic!("{e}"));
    let scenario = common::scenario(&format!("seeds/{}", fx.scenario));
    let out = resist::sim::run_any(&scenario, RunKey::new(fx.seed, fx.replicate), fx.days);
    let got = Rendered::of_outcome(&scenario, &out).fingerprint;
    assert_eq!(got, fx.fingerprint, "{name}: the fingerprint changed; if on purpose, run `resist seeds --refresh` and say why in the commit");
}

#[test]
fn fixture_atarib_seed20130401_reproduces() {
    check(FIXTURES[0]);
}

#[test]
fn fixture_atarib_seed1_replicate3_reproduces() {
    check(FIXTURES[1]);
}

#[test]
fn fixture_northeast_syria_seed20190323_reproduces() {
    check(FIXTURES[5]);
}

#[test]
fn fixture_epstein_seed2002_reproduces() {
    check(FIXTURES[2]);
}

#[test]
fn fixture_epstein_netlogo_seed2002_reproduces() {
    check(FIXTURES[3]);
}

#[test]
fn fixture_epstein_mesa_seed2002_reproduces() {
    check(FIXTURES[4]);
}

#[test]
fn every_fixture_in_seeds_has_a_golden_test() {
    let mut on_disk: Vec<String> = fs::read_dir(common::root().join("seeds"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut tested: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(on_disk, tested, "add a test for each new fixture");
}
