//! Criterion benches of the core: building the society and one simulated
//! year at 30,000 and 1,000,000 people; the whole Atarib scenario (700 days,
//! 30,000 people); and each process of the day apart, at 1,000,000 people in
//! the faction's rise and at 30,000 people around the uprising and in the
//! aftermath; and the region's processes at 100,000 people (issue 16).
//! `cargo bench --bench core`.
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

fn atarib(c: &mut Criterion) {
    let mut g = c.benchmark_group("atarib_700_days");
    g.sample_size(10);
    let s = scenario(30_000);
    g.bench_function("30000", |b| b.iter(|| resist::sim::run(&s, RunKey::new(1, 0), 700)));
    g.finish();
}

/// Each process at 30,000 people on worlds advanced into the uprising (the
/// day of the council's call) and into the aftermath (day 400).
fn processes_atarib(c: &mut Criterion) {
    use resist::process;
    let s = scenario(30_000);
    let mut base = World::new(&s, RunKey::new(1, 0));
    let mut uprising = None;
    for _ in 0..700 {
        process::day(&mut base, &s);
        if uprising.is_none() && base.uprising.call_day.is_some() {
            uprising = Some(base.clone());
        }
        if base.day == 400 {
            break;
        }
    }
    let aftermath = base;
    let mut g = c.benchmark_group("process_day_30k");
    g.sample_size(20);
    if let Some(u) = uprising {
        let mut w = u.clone();
        g.bench_function("mobilisation", |b| b.iter(|| process::mobilisation::step(&mut w, &s)));
        let mut w = u.clone();
        g.bench_function("amnesty", |b| b.iter(|| process::amnesty::step(&mut w, &s)));
        g.bench_function("confrontation", |b| b.iter_batched(|| u.clone(), |mut w| process::confrontation::step(&mut w, &s), criterion::BatchSize::LargeInput));
    }
    let mut w = aftermath.clone();
    g.bench_function("aftermath", |b| b.iter(|| process::aftermath::step(&mut w, &s)));
    let mut w = aftermath.clone();
    g.bench_function("prisoners", |b| b.iter(|| process::prisoners::step(&mut w, &s)));
    let mut w = aftermath.clone();
    g.bench_function("rival_faction", |b| b.iter(|| process::rival_faction::step(&mut w, &s)));
    let mut w = aftermath.clone();
    g.bench_function("affiliation", |b| b.iter(|| process::affiliation::step(&mut w, &s)));
    let mut w = aftermath;
    g.bench_function("whole_day", |b| b.iter(|| process::day(&mut w, &s)));
    g.finish();
}

/// Sweep throughput: 8 runs of the whole Atarib scenario (700 days) as a
/// sweep runs them (each with its derived seed, in parallel over runs), on
/// 1 and on 2 threads. Runs per second = 8 / the time.
fn sweep_throughput(c: &mut Criterion) {
    use rayon::prelude::*;
    let s = scenario(30_000);
    let mut g = c.benchmark_group("sweep_8_atarib_runs");
    g.sample_size(10);
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    (0..8u64).into_par_iter().map(|r| resist::sim::run(&s, RunKey::new(resist::rng::derive_seed(1, 0, r), 0), 700).summary.days).sum::<u32>()
                })
            })
        });
    }
    g.finish();
}

/// The region's processes (issue 16): north-east Syria at a tenth of its size
/// (tests/data/region-small.toml, about 100,000 people, a camp of 6,000 and
/// three prisons) a year into its run; each region process apart and the whole day.
fn processes_region(c: &mut Criterion) {
    use resist::process;
    let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/region-small.toml"));
    let s = Scenario::load(path, &|p: &std::path::Path| std::fs::read_to_string(p)).expect("the small region");
    let mut w = World::new(&s, RunKey::new(1, 0));
    for _ in 0..365 {
        process::day(&mut w, &s);
    }
    let mut g = c.benchmark_group("process_day_region_100k");
    g.bench_function("demography", |b| b.iter(|| process::demography::step(&mut w, &s)));
    g.bench_function("displacement_and_return", |b| b.iter(|| process::displacement_and_return::step(&mut w, &s)));
    g.bench_function("detention", |b| b.iter(|| process::detention::step(&mut w, &s)));
    g.bench_function("breaking_the_walls", |b| b.iter(|| process::breaking_the_walls::step(&mut w, &s)));
    g.bench_function("insurgency", |b| b.iter(|| process::insurgency::step(&mut w, &s)));
    g.bench_function("affiliation", |b| b.iter(|| process::affiliation::step(&mut w, &s)));
    g.bench_function("observation", |b| b.iter(|| process::observation::step(&w)));
    g.bench_function("whole_day", |b| b.iter(|| process::day(&mut w, &s)));
    g.finish();
}

criterion_group!(benches, society, year, processes, atarib, processes_atarib, sweep_throughput, processes_region);
criterion_main!(benches);
