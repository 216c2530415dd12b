//! Criterion benches of the core: building the society, and one simulated
//! year, at 30,000 and 1,000,000 people; and each implemented process of the
//! day apart. `cargo bench --bench core`.
#![allow(clippy::disallowed_methods)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use resist::rng::RunKey;
use resist::scenario::Scenario;
use resist::society::Society;
use resist::world::World;

fn scenario(people: u32) -> Scenario {
    let base = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/atarib.toml")).expect("the shipped scenario");
    let text = base.replace("people = 30000", &format!("people = {people}"));
    Scenario::from_text("atarib.toml", &text).expect("valid scenario")
}

fn society(c: &mut Criterion) {
    let mut g = c.benchmark_group("build_society");
    g.sample_size(10);
    for people in [30_000u32, 1_000_000] {
        let s = scenario(people);
        g.bench_with_input(BenchmarkId::from_parameter(people), &s, |b, s| b.iter(|| Society::build(s, &RunKey::new(1, 0))));
    }
    g.finish();
}

fn year(c: &mut Criterion) {
    let mut g = c.benchmark_group("simulate_year");
    g.sample_size(10);
    for people in [30_000u32, 1_000_000] {
        let s = scenario(people);
        let world = World::new(&s, RunKey::new(1, 0));
        g.bench_with_input(BenchmarkId::from_parameter(people), &s, |b, s| {
            b.iter_batched(
                || world.clone(),
                |mut w| {
                    for _ in 0..365 {
                        resist::process::day(&mut w, s);
                    }
                    w
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

/// Each process of the day apart, at 1,000,000 people, on a world advanced
/// 120 days so that the faction is in town and established.
fn processes(c: &mut Criterion) {
    use resist::process;
    let mut g = c.benchmark_group("process_day_1m");
    g.sample_size(20);
    let s = scenario(1_000_000);
    let mut w = World::new(&s, RunKey::new(1, 0));
    for _ in 0..120 {
        process::day(&mut w, &s);
    }
    g.bench_function("environment", |b| b.iter(|| process::environment::step(&mut w, &s.environment)));
    g.bench_function("soft_power", |b| b.iter(|| process::soft_power::step(&mut w, &s)));
    g.bench_function("surveillance_and_coercion", |b| b.iter(|| process::surveillance_and_coercion::step(&mut w, &s)));
    g.bench_function("affiliation", |b| b.iter(|| process::affiliation::step(&mut w, &s)));
    g.bench_function("relaxation", |b| b.iter(|| process::relaxation::step(&mut w, &s.relaxation)));
    g.bench_function("observation", |b| b.iter(|| process::observation::step(&w)));
    g.finish();
}

criterion_group!(benches, society, year, processes);
criterion_main!(benches);
