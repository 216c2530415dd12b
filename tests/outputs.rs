//! What a researcher gets out of runs and sweeps (issue 14): common random
//! numbers across policies, `--set` on the command line, flags and choices
//! swept, named outcomes with their shares, optional aggregates carrying the
//! point's values, a sweep's manifest replayed, progress off a terminal, the
//! default run directory, and `resist check` printing the model's sections.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::*;

fn ok(dir: &Path, args: &[&str]) -> std::process::Output {
    let o = resist(dir, args, &[]);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

/// runs.csv as rows of (column, value).
fn runs(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records().map(|rec| h.iter().cloned().zip(rec.unwrap().iter().map(str::to_string)).collect()).collect()
}

fn scenario_path(name: &str) -> String {
    root().join("scenarios").join(name).display().to_string()
}

/// Two prisoner policies, which act only once the battle has taken
/// prisoners, over the Atarib scenario's first 300 days (the uprising comes
/// between days 100 and 300).
fn prisoner_sweep(dir: &Path, seeding: &str) -> Vec<BTreeMap<String, String>> {
    let text = format!(
        "scenario = {a:?}\nname = \"crn\"\nseed = 5\nreplicates = 12\ndays = 300\nseeding = \"{seeding}\"\n[policies]\nhand_over = {a:?}\ndue_process = {b:?}\n",
        a = scenario_path("atarib.toml"),
        b = scenario_path("atarib-prisoner-plan.toml")
    );
    fs::write(dir.join(format!("{seeding}.toml")), text).unwrap();
    ok(dir, &["sweep", &format!("{seeding}.toml"), "--out", seeding, "--aggregates", "none", "--quiet"]);
    let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join(seeding).join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seeding"], seeding);
    runs(&dir.join(seeding).join("runs.csv"))
}

#[test]
fn common_random_numbers_give_identical_pre_uprising_outcomes_across_aftermath_policies() {
    let t = tempfile::tempdir().unwrap();
    let pre = ["uprising.day", "uprising.abstention_rate", "uprising.local_members_at_call", "uprising.deaths_town", "uprising.deaths_faction_local"];
    let by_policy = |rows: &[BTreeMap<String, String>], policy: &str| -> Vec<BTreeMap<String, String>> {
        let mut v: Vec<_> = rows.iter().filter(|r| r["policy"] == policy).cloned().collect();
        v.sort_by_key(|r| r["replicate"].parse::<u64>().unwrap());
        v
    };
    let common = prisoner_sweep(t.path(), "common");
    let (a, b) = (by_policy(&common, "hand_over"), by_policy(&common, "due_process"));
    assert_eq!(a.len(), 12);
    let mut uprisings = 0;
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x["seed"], y["seed"], "replicate {} shares its seed across policies", x["replicate"]);
        for k in pre {
            assert_eq!(x[k], y[k], "replicate {}: `{k}` differs between policies that act only on prisoners", x["replicate"]);
        }
        uprisings += usize::from(!x["uprising.day"].is_empty());
    }
    assert!(uprisings >= 10, "the uprising came in only {uprisings} of 12 replicates");
    // The policies do differ, afterwards: only one hands prisoners over.
    assert!(a.iter().any(|r| r["prisoners.handed_over"] != "0") && b.iter().all(|r| r["prisoners.handed_over"] == "0"));
    // Independent seeds: the same policies differ before the uprising too.
    let independent = prisoner_sweep(t.path(), "independent");
    let (a, b) = (by_policy(&independent, "hand_over"), by_policy(&independent, "due_process"));
    let differing = a.iter().zip(&b).filter(|(x, y)| x["uprising.day"] != y["uprising.day"]).count();
    assert!(differing >= 8, "under independent seeding only {differing} of 12 replicates differ in the uprising day");
    // Any other seeding is refused, naming the key and what is allowed.
    fs::write(t.path().join("bad.toml"), format!("scenario = {:?}\nseeding = \"paired\"\n", scenario_path("atarib.toml"))).unwrap();
    let o = resist(t.path(), &["check", "bad.toml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml:2:1: `seeding`: \"paired\" is not one of the allowed values: \"common\", \"independent\""), "{}", stderr(&o));
}

#[test]
fn set_on_the_command_line_equals_the_same_value_written_in_a_file() {
    let t = tempfile::tempdir().unwrap();
    let file = format!("base = {:?}\n[amnesty]\noffer = false\n[factions.isis]\nbudget_per_day = 800.0\n", scenario_path("atarib.toml"));
    fs::write(t.path().join("written.toml"), file).unwrap();
    ok(t.path(), &["run", "written.toml", "--days", "60", "--out", "file"]);
    ok(
        t.path(),
        &["run", &scenario_path("atarib.toml"), "--days", "60", "--out", "set", "--set", "amnesty.offer=false", "--set", "factions.isis.budget_per_day=800"],
    );
    let manifest = |d: &str| -> serde_json::Value { serde_json::from_str(&fs::read_to_string(t.path().join(d).join("manifest.json")).unwrap()).unwrap() };
    let (file, set) = (manifest("file"), manifest("set"));
    assert_eq!(file["fingerprint"], set["fingerprint"]);
    assert_eq!(file["scenario_hash"], set["scenario_hash"], "the same resolved scenario");
    assert_eq!(set["set"], serde_json::json!(["amnesty.offer=false", "factions.isis.budget_per_day=800"]));
    assert!(set["scenario"].as_str().unwrap().contains("budget_per_day = 800.0"));
    // The last --set of a key wins; a run with another value differs.
    ok(t.path(), &["run", &scenario_path("atarib.toml"), "--days", "60", "--out", "last", "--set", "amnesty.offer=true", "--set", "amnesty.offer=false"]);
    assert!(manifest("last")["scenario"].as_str().unwrap().contains("offer = false"));
    // `check` shows the set value; so does a sweep's every policy.
    let o = ok(t.path(), &["check", &scenario_path("atarib.toml"), "--set", "prisoners.policy=due_process"]);
    assert!(stdout(&o).contains("policy = \"due_process\""));
}

#[test]
fn a_bad_set_exits_2_naming_the_argument_the_key_and_what_is_allowed() {
    let t = tempfile::tempdir().unwrap();
    let atarib = scenario_path("atarib.toml");
    for (arg, expected) in [
        ("amnesty.offer=maybe", &["--set amnesty.offer=maybe", "`amnesty.offer`", "expected true or false"][..]),
        ("amnesty.ofer=true", &["--set amnesty.ofer=true", "`amnesty.ofer`", "unknown field `ofer`", "`offer`"]),
        ("factions.isis.budget_per_day=-3", &["--set factions.isis.budget_per_day=-3", "`factions.isis.budget_per_day`", "out of range: allowed 0.0 to"]),
        ("prisoners.policy=jail", &["`prisoners.policy`", "\"jail\" is not one of the allowed values: \"hand_over\""]),
        ("amnesty", &["--set amnesty", "no value: allowed KEY=VALUE"]),
        // A misspelt faction name used to add a faction with every default.
        ("factions.isys.budget_per_day=5", &["--set factions.isys.budget_per_day=5", "no faction `isys`", "`isis`, `nusra`"]),
        ("amnesty.offer=[1,", &["--set amnesty.offer=[1,", "the value is not TOML"]),
    ] {
        for cmd in [&["run", &atarib, "--days", "5", "--out", "x"][..], &["check", &atarib]] {
            let mut args: Vec<&str> = cmd.to_vec();
            args.extend(["--set", arg]);
            let o = resist(t.path(), &args, &[]);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
            for e in expected {
                assert!(stderr(&o).contains(e), "{args:?}: `{e}` not in: {}", stderr(&o));
            }
        }
    }
    assert!(!t.path().join("x").exists());
}

#[test]
fn flags_and_choices_are_swept_end_to_end_and_steps_print_as_written() {
    let t = tempfile::tempdir().unwrap();
    let text = format!(
        "scenario = {:?}\nseed = 3\nreplicates = 2\ndays = 60\n\
         [[parameters]]\nkey = \"amnesty.offer\"\nvalues = [true, false]\n\
         [[parameters]]\nkey = \"prisoners.policy\"\nvalues = [\"hand_over\", \"due_process\"]\n\
         [[parameters]]\nkey = \"amnesty.credibility\"\nfrom = 0.2\nto = 1.0\nsteps = 3\n",
        root().join("tests/data/sweep/town.toml").display()
    );
    fs::write(t.path().join("s.toml"), text).unwrap();
    ok(t.path(), &["sweep", "s.toml", "--out", "o", "--quiet", "--set", "days=30"]);
    let rows = runs(&t.path().join("o/runs.csv"));
    assert_eq!(rows.len(), 24);
    let values = |k: &str| rows.iter().map(|r| r[k].clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>();
    assert_eq!(values("amnesty.offer"), ["false", "true"]);
    assert_eq!(values("prisoners.policy"), ["due_process", "hand_over"]);
    assert_eq!(values("amnesty.credibility"), ["0.2", "0.6", "1"], "no float artefacts (0.6000000000000001)");
    // The values ran: the resolved scenario of a point replays to its row's fingerprint.
    let o = ok(t.path(), &["replay", "o/manifest.json", "--sample", "0"]);
    assert!(stdout(&o).contains("24 of 24 sampled runs (of 24) reproduced"), "{}", stdout(&o));
    // A free-text key or the model cannot be swept: the message points to [policies].
    let text = format!("scenario = {:?}\n[[parameters]]\nkey = \"name\"\nvalues = [\"a\", \"b\"]\n", root().join("tests/data/sweep/town.toml").display());
    fs::write(t.path().join("bad.toml"), text).unwrap();
    let o = resist(t.path(), &["check", "bad.toml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("[policies]"), "{}", stderr(&o));
    // A flag takes only its options.
    let text = format!("scenario = {:?}\n[[parameters]]\nkey = \"amnesty.offer\"\nvalues = [true, 0.5]\n", root().join("tests/data/sweep/town.toml").display());
    fs::write(t.path().join("bad.toml"), text).unwrap();
    let o = resist(t.path(), &["check", "bad.toml"], &[]);
    assert!(stderr(&o).contains("value 2 of the list: 0.5 is not one of the allowed values: true, false"), "{}", stderr(&o));
}

#[test]
fn aggregates_are_optional_carry_the_point_values_and_the_manifest_holds_the_policies() {
    let t = tempfile::tempdir().unwrap();
    let g = root().join("tests/data/sweep/grid.toml").display().to_string();
    ok(t.path(), &["sweep", &g, "--out", "daily", "--quiet"]);
    ok(t.path(), &["sweep", &g, "--out", "summary", "--aggregates", "summary", "--quiet"]);
    ok(t.path(), &["sweep", &g, "--out", "none", "--aggregates", "none", "--quiet"]);
    // runs.csv is the same whatever the aggregates.
    let same = fs::read(t.path().join("daily/runs.csv")).unwrap();
    assert!(same == fs::read(t.path().join("none/runs.csv")).unwrap() && same == fs::read(t.path().join("summary/runs.csv")).unwrap());
    assert!(!t.path().join("none/aggregates.csv").exists());
    let daily = fs::read_to_string(t.path().join("daily/aggregates.csv")).unwrap();
    assert!(daily.starts_with("point,policy,amnesty.credibility,factions.isis.coercion.acts_per_week,day,column,replicates,mean,sd,q05,q50,q95\n"));
    assert!(daily.lines().nth(1).unwrap().starts_with("0,base,0.1,0.2,0,"), "{}", daily.lines().nth(1).unwrap());
    assert!(daily.contains(",0.4,0.6,"), "the steps 0.2..1.2 print as 0.4, 0.6, not 0.6000000000000001");
    // The summary: one row a point and outcome, its mean that of runs.csv.
    let rows = runs(&t.path().join("summary/runs.csv"));
    let mean: f64 = rows.iter().filter(|r| r["point"] == "5").map(|r| r["end.dead"].parse::<f64>().unwrap()).sum::<f64>() / 4.0;
    let summary = runs(&t.path().join("summary/aggregates.csv"));
    let row = summary.iter().find(|r| r["point"] == "5" && r["outcome"] == "end.dead").expect("a row for point 5's end.dead");
    assert_eq!(row["replicates"], "4");
    assert_eq!(row["mean"], format!("{mean:.6}"));
    assert_eq!(row["amnesty.credibility"], "0.1");
    for d in ["daily", "summary", "none"] {
        let m: serde_json::Value = serde_json::from_str(&fs::read_to_string(t.path().join(d).join("manifest.json")).unwrap()).unwrap();
        assert_eq!(m["aggregates"], d);
        assert_eq!(m["seeding"], "common");
        assert!(m["policies"]["base"].as_str().unwrap().contains("[amnesty]"), "the resolved base scenario");
        assert_eq!(m["policies"]["base"], m["base_scenario"]);
        assert_eq!(m["files"].as_object().unwrap().len(), if d == "none" { 1 } else { 2 });
    }
}

#[test]
fn a_sweep_manifest_replays_a_sample_of_its_runs_and_fails_on_a_mismatch() {
    let t = tempfile::tempdir().unwrap();
    let g = root().join("tests/data/sweep/grid.toml").display().to_string();
    ok(t.path(), &["sweep", &g, "--out", "o", "--aggregates", "none", "--quiet"]);
    let o = ok(t.path(), &["replay", "o/manifest.json", "--sample", "3"]);
    assert!(stdout(&o).contains("3 of 3 sampled runs (of 96) reproduced"), "{}", stdout(&o));
    assert!(stdout(&o).contains("run 95 (point 23, policy base, replicate 3): fingerprint matches"));
    // A recorded fingerprint changed: the run is named, exit 1.
    let text = fs::read_to_string(t.path().join("o/runs.csv")).unwrap();
    let fp = runs(&t.path().join("o/runs.csv"))[0]["fingerprint"].clone();
    fs::write(t.path().join("o/runs.csv"), text.replacen(&fp, &"0".repeat(64), 1)).unwrap();
    let o = resist(t.path(), &["replay", "o/manifest.json", "--sample", "2"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("run 0 (point 0, policy base, replicate 0): fingerprint differs"), "{}", stdout(&o));
    assert!(stdout(&o).contains("runs.csv: does not match its blake3"));
}

#[test]
fn progress_off_a_terminal_prints_lines_and_a_summary_and_quiet_prints_none() {
    let t = tempfile::tempdir().unwrap();
    let g = root().join("tests/data/sweep/grid.toml").display().to_string();
    let o = resist(t.path(), &["sweep", &g, "--out", "a", "--aggregates", "none"], &[("RESIST_PROGRESS_SECONDS", "0")]);
    let err = stderr(&o);
    let line = err.lines().find(|l| l.starts_with("grid: ") && l.contains(" points, ")).unwrap_or_else(|| panic!("no progress line in: {err}"));
    assert!(line.contains("/24 points, ") && line.contains("/96 runs, ") && line.contains("runs a second, about "), "{line}");
    assert!(err.contains("grid: done: 96 runs (24 of 24 design points) in "), "{err}");
    let o = resist(t.path(), &["sweep", &g, "--out", "b", "--aggregates", "none", "--quiet"], &[("RESIST_PROGRESS_SECONDS", "0")]);
    assert!(!stderr(&o).contains("runs a second"), "{}", stderr(&o));
    let o = resist(t.path(), &["run", &scenario_path("atarib.toml"), "--days", "20", "--out", "r"], &[("RESIST_PROGRESS_SECONDS", "0")]);
    assert!(stderr(&o).contains("atarib: done: 20 days in "), "{}", stderr(&o));
}

#[test]
fn the_default_run_directory_names_the_replicate_days_and_sets_that_differ() {
    let t = tempfile::tempdir().unwrap();
    let small = root().join("tests/data/small.toml").display().to_string();
    ok(t.path(), &["run", &small, "--seed", "4"]);
    ok(t.path(), &["run", &small, "--seed", "4", "--replicate", "2", "--days", "30"]);
    ok(t.path(), &["run", &small, "--seed", "4", "--replicates", "3"]);
    ok(t.path(), &["run", &small, "--seed", "4", "--set", "amnesty.offer=false"]);
    let mut names: Vec<String> = fs::read_dir(t.path().join("out")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.contains(&"small-seed4".to_string()) && names.contains(&"small-seed4-r2-d30".to_string()) && names.contains(&"small-seed4-n3".to_string()));
    assert!(names.iter().any(|n| n.starts_with("small-seed4-set")), "{names:?}");
}

#[test]
fn check_prints_only_the_sections_the_model_uses() {
    let t = tempfile::tempdir().unwrap();
    let atarib = stdout(&ok(t.path(), &["check", &scenario_path("atarib.toml")]));
    assert!(!atarib.contains("[epstein]") && atarib.contains("[amnesty]"));
    let epstein = stdout(&ok(t.path(), &["check", &scenario_path("epstein.toml")]));
    assert!(epstein.contains("[epstein]") && !epstein.contains("[amnesty]") && !epstein.contains("[population]"));
    // What is printed is itself a scenario that resolves to the same one.
    fs::write(t.path().join("printed.toml"), &atarib).unwrap();
    let again = stdout(&ok(t.path(), &["check", "printed.toml"]));
    assert_eq!(atarib, again);
}

#[test]
fn summaries_name_their_counts_and_carry_shares_beside_them() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["run", &scenario_path("atarib.toml"), "--days", "400", "--out", "r"]);
    let s: serde_json::Value = serde_json::from_str(&fs::read_to_string(t.path().join("r/summary.json")).unwrap()).unwrap();
    for k in ["money", "protection", "ideology", "social"] {
        assert!(s["joins_by_motive"][k].is_u64(), "joins_by_motive.{k}");
    }
    for k in ["infighting", "brutality", "corruption", "harshness"] {
        assert!(s["leaves_by_reason"][k].is_u64(), "leaves_by_reason.{k}");
    }
    let isis = &s["factions"]["isis"];
    assert_eq!(isis["label"], "ISIS-like outsider faction");
    let ages: u64 = ["child", "youth", "adult", "elder"].iter().map(|a| isis["joins_by_age"][a].as_u64().unwrap()).sum();
    assert_eq!(ages, isis["joins"].as_u64().unwrap(), "joins by age class add up to the joins");
    assert!(s["crises"]["gas"]["onsets"].is_u64() && s["crises"]["bread"]["days"].is_u64());
    assert!(s["institutions_end"]["court"].is_string() && s["institutions_end"]["checkpoint_1"].is_string());
    // Shares are the counts' ratios (to the precision JSON text is read back with).
    let close = |a: f64, b: f64| assert!((a - b).abs() <= 1e-12, "{a} against {b}");
    let a = &s["aftermath"];
    let cohort = a["cohort"].as_f64().unwrap();
    assert!(cohort > 0.0, "the uprising of this seed reconciles a cohort");
    close(a["rejoined_share"].as_f64().unwrap(), a["rejoined"].as_f64().unwrap() / cohort);
    close(a["reengaged_share"].as_f64().unwrap(), (a["rejoined"].as_f64().unwrap() + a["switched"].as_f64().unwrap()) / cohort);
    let u = &s["uprising"];
    close(u["local_abstainers_share"].as_f64().unwrap(), u["local_abstainers"].as_f64().unwrap() / u["local_members_at_call"].as_f64().unwrap());
    let p = &s["prisoners"];
    if p["released"].as_u64().unwrap() > 0 {
        close(p["rejoined_share"].as_f64().unwrap(), p["rejoined"].as_f64().unwrap() / p["released"].as_f64().unwrap());
    } else {
        assert!(p["rejoined_share"].is_null());
    }
}

#[test]
fn the_local_fighters_abstention_is_reported_apart_from_all_local_members() {
    let s = common::scenario("scenarios/atarib.toml");
    let mut seen = 0;
    for r in 0..4 {
        let o = resist::sim::run(&s, resist::rng::RunKey::new(2014, r), 250);
        let u = &o.summary.uprising;
        if u.local_members_at_call == 0 {
            continue;
        }
        seen += 1;
        assert!(u.local_fighters_at_call <= u.local_members_at_call && u.local_fighter_abstainers <= u.local_fighters_at_call);
        assert!(u.local_fighter_abstainers <= u.local_abstainers);
        let rate = u.fighter_abstention_rate.expect("a rate when fighters were at the call");
        assert!((rate - u.local_fighter_abstainers as f64 / u.local_fighters_at_call as f64).abs() < 1e-12);
        // Supporters and informants are members who never fight: the fighters are fewer than the members.
        assert!(u.local_fighters_at_call < u.local_members_at_call, "{} fighters of {} members", u.local_fighters_at_call, u.local_members_at_call);
        let v: serde_json::Value = serde_json::from_str(&resist::render::summary_json(&o.summary)).unwrap();
        let written = v["uprising"]["fighter_abstention_rate"].as_f64().expect("the rate is written");
        assert!((written - rate).abs() < 1e-12, "summary.json writes {written}, the run {rate}");
    }
    assert!(seen >= 2, "uprisings in {seen} of 4 runs");
}
