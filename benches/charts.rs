//! Criterion bench of charting: `resist plot` on the output directory of a
//! 1,000-replicate Atarib ensemble (reading timeseries.csv, events.csv and
//! ensemble.csv, drawing the overview and the ensemble, encoding PNG and SVG,
//! writing them). The directory is built once: 16 real runs of atarib.toml,
//! their series repeated to 1,000 replicates before the reduction (the cost
//! of plotting does not depend on the values). Also the reduction itself: 1,000
//! replicates' series to the mean, sd and quantiles of ensemble.csv.
//! `cargo bench --bench charts`.
#![allow(clippy::disallowed_methods)]

use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;
use resist::render::{Rendered, timeseries_columns};
use resist::rng::RunKey;
use resist::scenario::Scenario;
use resist::sweep::aggregate::{AGGREGATE_COLUMNS, aggregate};

fn charts(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/atarib.toml");
    let s = Scenario::from_text("atarib.toml", &std::fs::read_to_string(path).expect("the shipped scenario")).expect("valid");
    let runs: Vec<_> = (0..16u64).into_par_iter().map(|r| resist::sim::run_any(&s, RunKey::new(s.seed, r), s.days)).collect();
    let values: Vec<Vec<f64>> = (0..1000).map(|r| runs[r % runs.len()].series_values(&s)).collect();
    let columns = timeseries_columns(&s);
    let mut g = c.benchmark_group("charts");
    g.sample_size(10);
    g.bench_function("reduce_1000_replicates", |b| b.iter(|| aggregate(0, &s.name, &columns, &values)));

    let dir = tempfile::tempdir().expect("a temporary directory");
    let first = Rendered::of_outcome(&s, &runs[0]);
    let mut ensemble = String::from(AGGREGATE_COLUMNS);
    ensemble.push('\n');
    ensemble.push_str(&aggregate(0, &s.name, &columns, &values));
    let manifest = serde_json::json!({ "scenario_name": s.name, "seed": s.seed, "replicate": 0, "replicates": 1000 });
    for (name, text) in
        [("timeseries.csv", &first.timeseries), ("events.csv", &first.events), ("ensemble.csv", &ensemble), ("manifest.json", &manifest.to_string())]
    {
        std::fs::write(dir.path().join(name), text).expect("writable");
    }
    let out = dir.path().display().to_string();
    g.bench_function("plot_atarib_ensemble_1000", |b| {
        b.iter(|| {
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_resist")).args(["plot", &out]).output().expect("resist runs");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        })
    });
    g.finish();
}

criterion_group!(benches, charts);
criterion_main!(benches);
