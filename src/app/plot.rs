//! `resist plot DIR`: read a run's or a sweep's output files, draw its charts
//! with the core's pure chart code (src/chart), and write them as PNG and SVG
//! under DIR/charts/ (each file atomically).
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use resist::chart::bands::{Band, Group};
use resist::chart::region::{PlaceSeries, Region};
use resist::chart::sweep::{Choice, PointSummary, Points, charted};
use resist::chart::{Chart, Mark, Table, short};

use super::cli::{EXIT_OK, Failure, bad_input, io_failure};
use super::files::write_atomic;

/// What an output directory holds.
pub enum Kind {
    Run,
    Sweep,
}

/// Recognise a run directory (manifest.json and timeseries.csv) or a sweep
/// directory (sweep.json and runs.csv).
pub fn kind(dir: &Path) -> Result<Kind, Failure> {
    if !dir.is_dir() {
        return Err(bad_input(anyhow!("{}: no such directory; give the output directory of `resist run` or `resist sweep`", dir.display())));
    }
    if dir.join("sweep.json").is_file() && dir.join("runs.csv").is_file() {
        Ok(Kind::Sweep)
    } else if dir.join("manifest.json").is_file() && dir.join("timeseries.csv").is_file() {
        Ok(Kind::Run)
    } else if dir.join("sweep.json").is_file() {
        Err(bad_input(anyhow!("{}: an unfinished sweep (no runs.csv): finish it with `resist sweep --resume`, or merge its shards", dir.display())))
    } else {
        Err(bad_input(anyhow!(
            "{}: not a run or sweep directory: expected manifest.json and timeseries.csv (a run), or sweep.json and runs.csv (a sweep)",
            dir.display()
        )))
    }
}

/// What `resist plot` and `resist report` are asked for.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ChartArgs {
    /// Output directory of `resist run` or `resist sweep`.
    pub dir: PathBuf,
    /// A summary key (a column of runs.csv) to chart and tabulate (repeatable; default: the main outcomes that the swept parameters change).
    #[arg(long = "outcome", value_name = "KEY")]
    pub outcomes: Vec<String>,
    /// Chart every main outcome, also those whose means differ between design points no more than their replicates do.
    #[arg(long)]
    pub all_outcomes: bool,
    /// For a sweep's paired comparisons (comparisons.csv): the policy or design point (its number) to compare with (default: the first policy, else point 0).
    #[arg(long, value_name = "NAME")]
    pub reference: Option<String>,
}

impl ChartArgs {
    pub fn of(dir: &Path) -> Self {
        ChartArgs { dir: dir.to_path_buf(), ..Default::default() }
    }

    pub fn choice(&self) -> Choice {
        Choice { chosen: self.outcomes.clone(), all: self.all_outcomes }
    }
}

pub fn plot(args: &ChartArgs) -> Result<u8, Failure> {
    let dir = args.dir.as_path();
    let charts = draw(dir, &args.choice())?;
    if matches!(kind(dir)?, Kind::Sweep) {
        super::compare::write(dir, args.reference.as_deref())?;
    }
    let written = write(dir, &charts)?;
    eprintln!("wrote {} charts to {}/ ({})", charts.len(), written.display(), charts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "));
    Ok(EXIT_OK)
}

/// Readable faction names (`label`) by faction name, from a resolved scenario's TOML.
pub fn faction_labels(scenario: &str) -> BTreeMap<String, String> {
    let Ok(table) = scenario.parse::<toml::Table>() else { return BTreeMap::new() };
    let Some(factions) = table.get("factions").and_then(|f| f.as_table()) else { return BTreeMap::new() };
    factions
        .iter()
        .filter_map(|(name, f)| f.get("label").and_then(|l| l.as_str()).filter(|l| !l.is_empty() && *l != name).map(|l| (name.clone(), l.to_string())))
        .collect()
}

/// The faction labels of a sweep: from the resolved scenarios its manifest holds, if it holds them.
fn sweep_faction_labels(dir: &Path) -> BTreeMap<String, String> {
    let Ok(manifest) = read_json(&dir.join("manifest.json")) else { return BTreeMap::new() };
    let mut out = BTreeMap::new();
    let mut texts: Vec<&str> = Vec::new();
    for key in ["base_scenario", "scenario", "policies", "scenarios"] {
        match &manifest[key] {
            serde_json::Value::String(s) => texts.push(s),
            serde_json::Value::Object(o) => texts.extend(o.values().filter_map(|v| v.as_str().or_else(|| v.get("resolved").and_then(|r| r.as_str())))),
            serde_json::Value::Array(a) => texts.extend(a.iter().filter_map(|v| v.as_str().or_else(|| v.get("resolved").and_then(|r| r.as_str())))),
            _ => {}
        }
    }
    for t in texts {
        out.extend(faction_labels(t));
    }
    out
}

/// Every chart of an output directory.
pub fn draw(dir: &Path, choice: &Choice) -> Result<Vec<Chart>, Failure> {
    let chart_failure = |e: resist::chart::ChartError| match e {
        resist::chart::ChartError::Empty { .. } => bad_input(anyhow!("{}: {e}", dir.display())),
        resist::chart::ChartError::Draw { .. } => io_failure(anyhow::Error::new(e)),
    };
    match kind(dir)? {
        Kind::Run => {
            let manifest = read_json(&dir.join("manifest.json"))?;
            let title = format!(
                "{}: seed {}, replicate {}",
                manifest["scenario_name"].as_str().unwrap_or("run"),
                manifest["seed"].as_u64().unwrap_or(0),
                manifest["replicate"].as_u64().unwrap_or(0)
            );
            let labels = faction_labels(manifest["scenario"].as_str().unwrap_or(""));
            let series = read_table(&dir.join("timeseries.csv"))?;
            let events = read_events(&dir.join("events.csv"))?;
            let mut charts = Vec::new();
            let overview = if series.index("step").is_some() {
                resist::chart::run::epstein_overview(&title, &series, &events)
            } else {
                resist::chart::run::overview(&title, &series, &events, &labels)
            };
            charts.push(overview.map_err(chart_failure)?);
            // A faction's campaign or tawba, or a government offer, adds the strategy columns.
            if resist::chart::strategy::drawn_for(&series) {
                charts.push(resist::chart::strategy::strategy(&title, &series, &labels).map_err(chart_failure)?);
            }
            if dir.join("places.csv").is_file() {
                let region = read_region(dir, &manifest, &title, &labels, &events)?;
                charts.extend(resist::chart::region::charts(&region).map_err(chart_failure)?);
            }
            let ensemble = dir.join("ensemble.csv");
            if ensemble.is_file() {
                let groups = read_aggregates(&ensemble, &BTreeMap::new())?;
                let name = manifest["scenario_name"].as_str().unwrap_or("run");
                let reps = groups.first().map_or(0, |g| g.replicates);
                charts.push(resist::chart::bands::multiples("ensemble", &format!("{name}: {reps} replicates"), &groups, &labels).map_err(chart_failure)?);
                let from_call = dir.join("ensemble-from-call.csv");
                if from_call.is_file() {
                    let groups = read_aggregates(&from_call, &BTreeMap::new())?;
                    let called = groups.first().map_or(0, |g| g.replicates);
                    let title = format!("{name}: the {called} of {reps} replicates whose council called the town out, aligned on the call");
                    let time = Some("days from the council's call");
                    charts.push(resist::chart::bands::multiples_over("ensemble-from-call", &title, &groups, &labels, time).map_err(chart_failure)?);
                }
            }
            Ok(charts)
        }
        Kind::Sweep => {
            let state = read_json(&dir.join("sweep.json"))?;
            let name = state["name"].as_str().unwrap_or("sweep").to_string();
            let labels = sweep_faction_labels(dir);
            let points = read_points(&dir.join("runs.csv"), &choice.chosen, labels.clone())?;
            let outs = charted(&points, choice);
            let mut charts = Vec::new();
            charts.extend(resist::chart::sweep::against_parameters(&name, &points, &outs).map_err(chart_failure)?);
            charts.extend(resist::chart::sweep::heatmaps(&name, &points, &outs).map_err(chart_failure)?);
            charts.extend(resist::chart::sweep::by_policy(&name, &points, &outs).map_err(chart_failure)?);
            let point_names = point_labels(&points);
            // aggregates.csv holds daily series unless the sweep reduced only its outcomes (no `day` column) or wrote none.
            if point_names.len() <= 8 && daily(&dir.join("aggregates.csv")) {
                let groups = read_aggregates(&dir.join("aggregates.csv"), &point_names)?;
                // Rows aligned on the council's call (column names ending in "@call") are charted apart.
                let (calendar, aligned) = split_aligned(groups, &aligned_replicates(&dir.join("aggregates.csv"))?);
                let (file, title) = if calendar.len() == 1 {
                    ("ensemble", format!("{name}: one design point"))
                } else {
                    ("policies", format!("{name}: design points side by side"))
                };
                if !calendar.is_empty() {
                    charts.push(resist::chart::bands::multiples(file, &title, &calendar, &labels).map_err(chart_failure)?);
                }
                if aligned.iter().any(|g| !g.series.is_empty()) {
                    let title = format!(
                        "{name}: {title_of}, aligned on the council's call",
                        title_of = if aligned.len() == 1 { "one design point" } else { "design points side by side" }
                    );
                    let time = Some("days from the council's call");
                    charts.push(resist::chart::bands::multiples_over(&format!("{file}-from-call"), &title, &aligned, &labels, time).map_err(chart_failure)?);
                }
            }
            if charts.is_empty() {
                return Err(bad_input(anyhow!(
                    "{}: no outcome to chart (every run failed; or no swept parameter and a single policy; or no outcome differs between points more than between replicates: --all-outcomes charts them all)",
                    dir.display()
                )));
            }
            Ok(charts)
        }
    }
}

/// Write each chart as DIR/charts/NAME.svg and NAME.png.
pub fn write(dir: &Path, charts: &[Chart]) -> Result<PathBuf, Failure> {
    let out = dir.join("charts");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display())).map_err(io_failure)?;
    for c in charts {
        write_atomic(&out.join(format!("{}.svg", c.name)), c.svg.as_bytes())?;
        write_atomic(&out.join(format!("{}.png", c.name)), &c.png)?;
        if let Some(data) = &c.data {
            write_atomic(&out.join(format!("{}.csv", c.name)), data.as_bytes())?;
        }
    }
    Ok(out)
}

/// A label for each design point: its policy and parameter values.
fn point_labels(points: &Points) -> BTreeMap<usize, String> {
    let several = points.policies().len() > 1;
    points
        .points
        .iter()
        .map(|p| {
            let mut parts = Vec::new();
            if several || points.keys.is_empty() {
                parts.push(p.policy.clone());
            }
            parts.extend(points.keys.iter().zip(&p.params).map(|(k, v)| format!("{k} = {}", short(*v))));
            (p.point, parts.join(", "))
        })
        .collect()
}

pub fn read_json(path: &Path) -> Result<serde_json::Value, Failure> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display())).map_err(io_failure)?;
    serde_json::from_str(&text).map_err(|e| bad_input(anyhow!("{}: not valid JSON: {e}", path.display())))
}

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>, Failure> {
    csv::Reader::from_path(path).map_err(|e| io_failure(anyhow!("cannot read {}: {e}", path.display())))
}

fn bad_csv(path: &Path, e: impl std::fmt::Display) -> Failure {
    bad_input(anyhow!("{}: {e}", path.display()))
}

/// A field that must be a finite number (charts cannot place NaN or infinity).
fn finite(path: &Path, line: usize, column: &str, v: &str) -> Result<f64, Failure> {
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(bad_csv(path, format!("line {line}, column `{column}`: `{v}` is not a finite number"))),
    }
}

/// A CSV of numbers with a header (timeseries.csv).
pub fn read_table(path: &Path) -> Result<Table, Failure> {
    let mut r = reader(path)?;
    let columns: Vec<String> = r.headers().map_err(|e| bad_csv(path, e))?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for (line, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad_csv(path, e))?;
        let row: Result<Vec<f64>, Failure> = rec.iter().zip(&columns).map(|(v, c)| finite(path, line + 2, c, v)).collect();
        rows.push(row?);
    }
    Ok(Table { columns, rows })
}

/// A region's run: places.csv by place, with each town's `held` and the
/// faction's name from the manifest's resolved scenario (when this resist
/// reads it), and the faction's prison attacks from events.csv.
fn read_region(dir: &Path, manifest: &serde_json::Value, title: &str, labels: &BTreeMap<String, String>, events: &[Mark]) -> Result<Region, Failure> {
    let path = dir.join("places.csv");
    let scenario = resist::scenario::Scenario::from_text("manifest.json (scenario)", manifest["scenario"].as_str().unwrap_or("")).ok();
    let mut r = reader(&path)?;
    let h: Vec<String> = r.headers().map_err(|e| bad_csv(&path, e))?.iter().map(str::to_string).collect();
    let at = |name: &str| h.iter().position(|c| c == name).ok_or_else(|| bad_csv(&path, format!("no `{name}` column")));
    let (place, kind) = (at("place")?, at("kind")?);
    let numeric: Vec<usize> = (0..h.len()).filter(|&k| k != place && k != kind).collect();
    let columns: Vec<String> = numeric.iter().map(|&k| h[k].clone()).collect();
    let mut places: Vec<PlaceSeries> = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1;
    while r.read_record(&mut rec).map_err(|e| bad_csv(&path, e))? {
        line += 1;
        let name = rec.get(place).unwrap_or("");
        let row = numeric.iter().map(|&k| finite(&path, line, &h[k], rec.get(k).unwrap_or(""))).collect::<Result<Vec<f64>, Failure>>()?;
        // Rows come day by day, the places in the same order each day.
        let k = match places.iter().position(|p| p.name == name) {
            Some(k) => k,
            None => {
                let held = scenario.as_ref().and_then(|s| s.region.places.iter().find(|p| p.name == name)).map(|p| p.held);
                let table = resist::chart::Table { columns: columns.clone(), rows: Vec::new() };
                places.push(PlaceSeries { name: name.to_string(), kind: rec.get(kind).unwrap_or("").to_string(), held, table });
                places.len() - 1
            }
        };
        places[k].table.rows.push(row);
    }
    // A label too long for a legend ("ISIS-like faction after its territorial defeat") gives way to the name.
    let faction = scenario
        .as_ref()
        .and_then(|s| s.factions.get(s.detention.faction as usize))
        .map_or_else(|| "the faction".to_string(), |f| labels.get(&f.name).filter(|l| l.chars().count() <= 20).cloned().unwrap_or_else(|| f.name.clone()));
    let prison_attacks = events.iter().filter(|e| e.kind == "prison_attack").cloned().collect();
    Ok(Region { title: title.to_string(), faction, places, prison_attacks })
}

fn read_events(path: &Path) -> Result<Vec<Mark>, Failure> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let mut r = reader(path)?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| bad_csv(path, e))?;
        let day = rec.get(0).and_then(|d| d.parse::<f64>().ok()).ok_or_else(|| bad_csv(path, "an event without a day"))?;
        out.push(Mark { day, kind: rec.get(1).unwrap_or("").to_string(), detail: rec.get(5).unwrap_or("").to_string() });
    }
    Ok(out)
}

/// Whether a file is aggregates.csv of daily series (with `day` and `column` columns).
fn daily(path: &Path) -> bool {
    let Ok(mut r) = csv::Reader::from_path(path) else { return false };
    r.headers().is_ok_and(|h| h.iter().any(|c| c == "day") && h.iter().any(|c| c == "column"))
}

/// aggregates.csv (or a run's ensemble.csv): one group per design point.
pub fn read_aggregates(path: &Path, labels: &BTreeMap<usize, String>) -> Result<Vec<Group>, Failure> {
    let mut r = reader(path)?;
    let h: Vec<String> = r.headers().map_err(|e| bad_csv(path, e))?.iter().map(str::to_string).collect();
    let at = |name: &str| h.iter().position(|c| c == name).ok_or_else(|| bad_csv(path, format!("no `{name}` column")));
    let (point, policy, day, column, reps, mean, q05, q95) =
        (at("point")?, at("policy")?, at("day")?, at("column")?, at("replicates")?, at("mean")?, at("q05")?, at("q95")?);
    let mut groups: BTreeMap<usize, Group> = BTreeMap::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1;
    while r.read_record(&mut rec).map_err(|e| bad_csv(path, e))? {
        line += 1;
        // The quantiles of a column that was never finite print as NaN; the day and point must be numbers.
        let num = |k: usize| rec.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
        let p = finite(path, line, "point", rec.get(point).unwrap_or(""))? as usize;
        let d = finite(path, line, "day", rec.get(day).unwrap_or(""))?;
        let g = groups.entry(p).or_insert_with(|| Group {
            label: labels.get(&p).cloned().unwrap_or_else(|| rec.get(policy).unwrap_or("").to_string()),
            replicates: num(reps) as u64,
            series: BTreeMap::new(),
        });
        let b: &mut Band = g.series.entry(rec.get(column).unwrap_or("").to_string()).or_default();
        b.day.push(d);
        b.mean.push(num(mean));
        b.lo.push(num(q05));
        b.hi.push(num(q95));
    }
    Ok(groups.into_values().collect())
}

/// Each group's series by calendar day, and (apart) those aligned on the
/// council's call, named without their suffix; a group with no aligned
/// series (no replicate called) keeps an empty one.
fn split_aligned(groups: Vec<Group>, counts: &[u64]) -> (Vec<Group>, Vec<Group>) {
    let suffix = super::aligned::SUFFIX;
    let mut calendar = Vec::with_capacity(groups.len());
    let mut aligned = Vec::with_capacity(groups.len());
    for g in groups {
        let (mut cal, mut al) = (BTreeMap::new(), BTreeMap::new());
        for (name, band) in g.series {
            match name.strip_suffix(suffix) {
                Some(base) => al.insert(base.to_string(), band),
                None => cal.insert(name, band),
            };
        }
        let called = counts.get(calendar.len()).copied().unwrap_or(0);
        calendar.push(Group { label: g.label.clone(), replicates: g.replicates, series: cal });
        aligned.push(Group { label: g.label, replicates: called, series: al });
    }
    (calendar, aligned)
}

/// For each design point in order, how many of its replicates were aligned
/// on a call (the `replicates` of its first aligned row; 0 if none).
fn aligned_replicates(path: &Path) -> Result<Vec<u64>, Failure> {
    let mut r = reader(path)?;
    let h: Vec<String> = r.headers().map_err(|e| bad_csv(path, e))?.iter().map(str::to_string).collect();
    let at = |name: &str| h.iter().position(|c| c == name).ok_or_else(|| bad_csv(path, format!("no `{name}` column")));
    let (point, column, reps) = (at("point")?, at("column")?, at("replicates")?);
    let mut counts: BTreeMap<usize, u64> = BTreeMap::new();
    let mut rec = csv::StringRecord::new();
    while r.read_record(&mut rec).map_err(|e| bad_csv(path, e))? {
        let p = rec.get(point).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
        let e = counts.entry(p).or_insert(0);
        if *e == 0 && rec.get(column).is_some_and(|c| c.ends_with(super::aligned::SUFFIX)) {
            *e = rec.get(reps).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    Ok(counts.into_values().collect())
}

/// A summary value as a number: booleans count as 1 and 0 (so their mean is a share of runs).
pub fn outcome_value(v: &str) -> Option<f64> {
    match v {
        "true" | "True" => Some(1.0),
        "false" | "False" => Some(0.0),
        _ => v.parse::<f64>().ok(),
    }
}

/// runs.csv, streamed into each design point's moments over its successful
/// runs: the swept parameters sit between `seed` and `status`; outcomes
/// follow `error`. Only the outcomes that may be charted are kept (the
/// chosen ones, else the default outcomes present, else every column), so
/// memory grows with the points, not the runs. A chosen key that is no
/// numeric column is refused, naming some that are.
pub fn read_points(path: &Path, chosen: &[String], faction_labels: BTreeMap<String, String>) -> Result<Points, Failure> {
    let mut r = reader(path)?;
    let h: Vec<String> = r.headers().map_err(|e| bad_csv(path, e))?.iter().map(str::to_string).collect();
    let at = |name: &str| h.iter().position(|c| c == name).ok_or_else(|| bad_csv(path, format!("no `{name}` column")));
    let (point, policy, seed, status, error) = (at("point")?, at("policy")?, at("seed")?, at("status")?, at("error")?);
    if !(seed < status && status < error) {
        return Err(bad_csv(path, "the columns are not in the order of a sweep's runs.csv (`seed`, the swept parameters, `status`, `error`, the outcomes)"));
    }
    let mut keys: Vec<String> = h[seed + 1..status].to_vec();
    let mut choices: Vec<Vec<String>> = vec![Vec::new(); keys.len()];
    let outcome_columns: Vec<(usize, &String)> = h.iter().enumerate().skip(error + 1).collect();
    if let Some(k) = chosen.iter().find(|k| !outcome_columns.iter().any(|(_, c)| c == k)) {
        let known: Vec<&str> = outcome_columns.iter().take(12).map(|(_, c)| c.as_str()).collect();
        return Err(bad_input(anyhow!("--outcome {k}: no numeric column of that name in {}; for example: {}", path.display(), known.join(", "))));
    }
    let defaults: Vec<(usize, &String)> = outcome_columns
        .iter()
        .filter(|(_, c)| resist::chart::sweep::OUTCOMES.iter().any(|(p, _)| resist::chart::sweep::label_pattern(p, c)))
        .copied()
        .collect();
    let kept: Vec<(usize, &String)> = if !chosen.is_empty() {
        outcome_columns.iter().filter(|(_, c)| chosen.contains(c)).copied().collect()
    } else if defaults.is_empty() {
        outcome_columns
    } else {
        defaults
    };
    // Factions numbered in the data (`factions.0.name = isis`) are named, by label where one is known.
    let faction_names: Vec<(usize, String)> =
        h.iter().enumerate().filter_map(|(k, c)| c.strip_prefix("factions.").and_then(|c| c.strip_suffix(".name")).map(|n| (k, n.to_string()))).collect();
    let mut faction_labels = faction_labels;
    let mut points: Vec<PointSummary> = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut line = 1;
    while r.read_record(&mut rec).map_err(|e| bad_csv(path, e))? {
        line += 1;
        for (k, number) in &faction_names {
            if let Some(name) = rec.get(*k).filter(|n| !n.is_empty())
                && !faction_labels.contains_key(number)
            {
                let named = faction_labels.get(name).cloned().unwrap_or_else(|| name.to_string());
                faction_labels.insert(number.clone(), named);
            }
        }
        let p: usize = finite(path, line, "point", rec.get(point).unwrap_or(""))? as usize;
        let known = points.last().is_some_and(|x| x.point == p);
        if !known {
            // A number, a flag (1 and 0), or a choice: its place among the choices seen (named in the key).
            let mut params = Vec::with_capacity(status - seed - 1);
            for (j, k) in (seed + 1..status).enumerate() {
                let text = rec.get(k).unwrap_or("");
                let v = match outcome_value(text) {
                    Some(v) => v,
                    None if !text.is_empty() && text.parse::<f64>().is_err() => {
                        let seen = &mut choices[j];
                        let at = seen.iter().position(|c| c == text).unwrap_or_else(|| {
                            seen.push(text.to_string());
                            seen.len() - 1
                        });
                        at as f64
                    }
                    None => f64::NAN,
                };
                if !v.is_finite() {
                    finite(path, line, &h[k], text)?;
                }
                params.push(v);
            }
            points.push(PointSummary { point: p, policy: rec.get(policy).unwrap_or("").to_string(), params, outcomes: BTreeMap::new() });
        }
        if rec.get(status) != Some("ok") {
            continue;
        }
        let summary = points.last_mut().expect("pushed above");
        for (k, name) in &kept {
            if let Some(v) = rec.get(*k).and_then(outcome_value).filter(|v| v.is_finite()) {
                summary.outcomes.entry((*name).clone()).or_default().push(v);
            }
        }
    }
    // A point whose rows are not together (runs.csv as a sweep writes it has them together) is merged.
    points.sort_by_key(|p| p.point);
    let mut merged: Vec<PointSummary> = Vec::with_capacity(points.len());
    for p in points {
        match merged.last_mut() {
            Some(last) if last.point == p.point => {
                for (k, m) in p.outcomes {
                    last.outcomes.entry(k).or_default().merge(&m);
                }
            }
            _ => merged.push(p),
        }
    }
    // A swept choice is charted by its place among the values: the key says which is which.
    for (key, seen) in keys.iter_mut().zip(&choices) {
        if !seen.is_empty() {
            let names: Vec<String> = seen.iter().enumerate().map(|(k, c)| format!("{k} = {c}")).collect();
            *key = format!("{key} ({})", names.join(", "));
        }
    }
    Ok(Points { keys, points: merged, faction_labels })
}
