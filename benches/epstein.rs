//! Criterion benches of Epstein's model: steps of the published defaults
//! (scenarios/epstein.toml: 70% citizens, 4% cops, von Neumann vision 7) on
//! 40 x 40, 200 x 200 and 1000 x 1000 tori, one thread. The model is built
//! and warmed past the start-up outburst outside the timing; each iteration
//! times a fixed number of steps of the same evolving model, and the
//! throughput is in agent-steps (elements/s = agent-steps per second, the
//! issue's target being 10 million). `cargo bench --bench epstein`.
#![allow(clippy::disallowed_methods)]

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use resist::epstein::Model;
use resist::rng::RunKey;
use resist::scenario::Scenario;

fn params(width: usize) -> resist::epstein::Params {
    let base = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/epstein.toml")).expect("the shipped scenario");
    let text = base.replace("width = 40", &format!("width = {width}"));
    Scenario::from_text("epstein.toml", &text).expect("valid scenario").epstein
}

fn epstein_steps(c: &mut Criterion) {
    let mut g = c.benchmark_group("epstein_steps");
    // (width, warm-up steps, steps per iteration): the start-up outburst is
    // over by step 10 or so; larger grids time fewer steps per iteration.
    for (width, warm, steps) in [(40usize, 200u32, 100u32), (200, 100, 10), (1000, 20, 1)] {
        let mut m = Model::new(&params(width), RunKey::new(2002, 0));
        for _ in 0..warm {
            m.step();
        }
        g.throughput(Throughput::Elements(m.agents() as u64 * u64::from(steps)));
        g.sampling_mode(SamplingMode::Flat);
        g.sample_size(if width >= 1000 { 10 } else { 20 });
        g.warm_up_time(Duration::from_secs(1));
        g.measurement_time(Duration::from_secs(if width >= 1000 { 8 } else { 4 }));
        g.bench_function(BenchmarkId::from_parameter(width), |b| {
            b.iter(|| {
                for _ in 0..steps {
                    m.step();
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, epstein_steps);
criterion_main!(benches);
