//! `resist bench` end to end at tiny sizes: the JSON holds every model and
//! size with positive rates, and bad sizes are refused with exit code 2. No
//! time or speed is asserted: it depends on the machine and its load.
#![allow(clippy::disallowed_methods)]

mod common;

use serde_json::Value;

/// The rows of `model` in the report, each checked to have positive `rate` and `bytes`.
fn sizes(report: &Value, model: &str, size: &str, rate: &str, bytes: &str) -> Vec<u64> {
    let rows = report[model].as_array().unwrap_or_else(|| panic!("no {model} rows in {report}"));
    rows.iter()
        .map(|r| {
            assert!(r[rate]["median"].as_f64().is_some_and(|x| x > 0.0), "{model}: {rate} not positive in {r}");
            assert!(r[bytes].as_f64().is_some_and(|x| x > 0.0), "{model}: {bytes} not positive in {r}");
            assert!(r["repeats"].as_u64() == Some(1), "{model}: one repeat asked in {r}");
            r[size].as_u64().expect("a size")
        })
        .collect()
}

#[test]
fn bench_reports_both_models_at_every_size() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let args = ["bench", "--model", "all", "--people", "3000,2000", "--widths", "20,30", "--repeats", "1", "--days", "5", "--json", json.to_str().unwrap()];
    let o = common::resist(dir.path(), &args, &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = common::stdout(&o);
    assert!(out.contains("people-days/s") && out.contains("agent-steps/s"), "{out}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    // Sizes run in increasing order whatever the order given.
    assert_eq!(sizes(&report, "resist", "people", "person_days_per_s", "heap_bytes_per_person"), [2000, 3000]);
    assert_eq!(sizes(&report, "epstein", "width", "agent_steps_per_s", "bytes_per_agent"), [20, 30]);
    assert!(report["resist_growth"]["fit_exponent"].is_f64() && report["epstein_growth"]["fit_exponent"].is_f64(), "{report}");
}

#[test]
fn bench_refuses_bad_sizes_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    for (args, names) in [
        (&["bench", "--sizes", "0"][..], "--sizes"),
        (&["bench", "--model", "foo"][..], "--model"),
        (&["bench", "--model", "resist", "--sizes", "100"][..], "--sizes 100"),
        (&["bench", "--widths", "10"][..], "--widths 10"),
    ] {
        let o = common::resist(dir.path(), args, &[]);
        let err = common::stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(names), "{args:?} should name {names}: {err}");
    }
}

/// `--days` with `--region` was appended after the last table of the
/// override and refused as `region.prisons.south.days`.
#[test]
fn bench_region_takes_days_as_a_top_level_key() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let o = common::resist(dir.path(), &["bench", "--region", "--days", "3", "--json", json.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rows = report["region"].as_array().expect("region rows");
    assert_eq!(rows.len(), 4, "three sizes and the one-thread run: {rows:?}");
    assert!(rows.iter().all(|r| r["days"] == 3), "every region run took --days: {rows:?}");
}
