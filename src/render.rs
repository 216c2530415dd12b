//! Rendering a run's records as the bytes of its output files (timeseries.csv,
//! events.csv, summary.json) and their fingerprint. Pure: writing the bytes to
//! disk is the caller's. Numbers print with fixed precision so that the same
//! run always gives the same bytes.

use std::fmt::Write;

use crate::process::affiliation::{MOTIVES, REASONS};
use crate::record::{DayRecord, Event};
use crate::scenario::Scenario;
use crate::sim::Summary;
use crate::society::people::Status;

/// Per-faction columns of timeseries.csv, after `members_*`.
const FACTION_COLUMNS: [&str; 9] = ["attendance", "registered", "court_cases", "acts", "acts_local", "joins", "leaves", "standing", "budget"];

/// How a column's numbers print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Count,
    Share,
    Money,
}

/// The columns of timeseries.csv for a scenario (documented in README.md), with their formats.
pub fn timeseries_spec(s: &Scenario) -> Vec<(String, Format)> {
    use Format::*;
    if s.model == crate::scenario::Model::Epstein {
        return ["step", "quiet", "active", "jailed_until_release", "jailed_serving", "arrests"]
            .iter()
            .map(|c| (c.to_string(), Count))
            .chain(std::iter::once(("legitimacy".to_string(), Share)))
            .collect();
    }
    let mut c: Vec<(String, Format)> = vec![("day".into(), Count), ("present".into(), Count)];
    c.extend(Status::ALL.iter().map(|st| (st.name().to_string(), Count)));
    for f in &s.factions {
        c.push((format!("members_local_{}", f.name), Count));
        c.push((format!("members_foreign_{}", f.name), Count));
        for k in FACTION_COLUMNS {
            let fmt = match k {
                "standing" => Share,
                "budget" => Money,
                _ => Count,
            };
            c.push((format!("{k}_{}", f.name), fmt));
        }
    }
    for k in crate::process::environment::KINDS {
        c.push((format!("crisis_{k}"), Count));
    }
    for k in ["crisis_pressure", "need", "fear", "efficacy", "commitment", "stigma", "surveillance"] {
        c.push((k.into(), Share));
    }
    for f in &s.factions {
        c.push((format!("grievance_{}", f.name), Share));
    }
    c.extend(MOTIVES.iter().map(|m| (format!("joins_{m}"), Count)));
    c.extend(REASONS.iter().map(|r| (format!("leaves_{r}"), Count)));
    for k in [
        "mobilised",
        "mobilised_today",
        "against_orders",
        "abstained",
        "turned",
        "battle_deaths_town",
        "battle_deaths_faction",
        "deaths_civilian",
        "deaths_misidentified",
    ] {
        c.push((k.into(), Count));
    }
    c.extend(crate::process::aftermath::PATHWAYS.iter().map(|p| (format!("ex_{p}"), Count)));
    c.push(("prisoners".into(), Count));
    c.push(("community_institutions".into(), Count));
    if s.region.declared {
        c.extend(REGION_COLUMNS.iter().map(|k| (k.to_string(), Count)));
    }
    if s.strategies_on() {
        for f in &s.factions {
            c.extend(STRATEGY_COLUMNS.iter().map(|k| (format!("{k}_{}", f.name), Count)));
        }
        c.push(("contested_to_government".into(), Count));
        c.push(("contested_to_faction".into(), Count));
    }
    c
}

/// Per-faction columns of the defection strategies (7.20-7.22), when a
/// faction has a campaign or tawba or the government makes an offer;
/// `phase` is the phase's number (0 dormant, 1 guerrilla, 2 consolidation,
/// 3 territory, 4 collapse).
pub const STRATEGY_COLUMNS: [&str; 17] = [
    "phase",
    "towns_held",
    "approached",
    "shifted",
    "followers",
    "pledges",
    "pledged",
    "tawba_windows",
    "tawba_offered",
    "tawba_taken",
    "executed",
    "repentants_admitted",
    "repentants_caught",
    "awakening",
    "government_defections",
    "offensives",
    "offensives_won",
];

fn strategy_values(r: &DayRecord, f: usize) -> [u64; 17] {
    let k = &r.counts.strategy;
    [
        u64::from(r.phase[f]),
        u64::from(r.towns_held[f]),
        k.approached[f],
        k.shifted[f],
        k.followers[f],
        k.pledges[f],
        k.pledged[f],
        k.windows[f],
        k.tawba_offered[f],
        k.tawba_taken[f],
        k.executed[f],
        k.repentants_admitted[f],
        k.repentants_caught[f],
        k.awakening[f],
        k.government_defections[f],
        k.offensives[f],
        k.offensives_won[f],
    ]
}

/// The region's daily flows in timeseries.csv (a scenario with `[region]`).
pub const REGION_COLUMNS: [&str; 19] = [
    "births",
    "natural_deaths",
    "came_of_age_detained",
    "displaced_today",
    "returned_today",
    "detained_today",
    "released_today",
    "escaped_today",
    "repatriated_today",
    "convicted_today",
    "rejoined_from_detention",
    "recruited_in_detention",
    "attacks",
    "attack_deaths",
    "fighters_killed",
    "prison_attacks",
    "joins_displaced",
    "joins_camp_raised",
    "freed_by_attacks",
];

fn region_values(r: &crate::record::RegionCounts) -> [u64; 19] {
    [
        r.births,
        r.natural_deaths,
        r.came_of_age_detained,
        r.displaced,
        r.returned,
        r.detained,
        r.released,
        r.escaped,
        r.repatriated,
        r.convicted,
        r.rejoined,
        r.recruited_in_detention,
        r.attacks,
        r.attack_deaths,
        r.fighters_killed,
        r.prison_attacks,
        r.joins_displaced,
        r.joins_camp_raised,
        r.freed_by_attacks,
    ]
}

/// The columns of places.csv: one row per place per day.
pub fn places_columns() -> Vec<String> {
    let mut c: Vec<String> = ["day", "place", "kind"].iter().map(|s| s.to_string()).collect();
    c.extend(Status::ALL.iter().filter(|&&s| s != Status::Dead).map(|s| s.name().to_string()));
    c.extend(
        [
            "members",
            "fighters",
            "detained_members",
            "detained_children",
            "detained_youth",
            "detained_adults",
            "detained_elders",
            "detained_women",
            "detained_commitment",
            "displaced_out",
            "displaced_in",
            "returned",
            "detained_today",
            "released",
            "escaped",
            "repatriated",
            "convicted",
            "recruited",
            "infiltrated",
            "attacks",
            "attack_deaths",
            "prison_attacks",
            "joins",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    c
}

/// places.csv: each place's head counts, detained and flows, day by day
/// (every `every` days, and the last).
pub fn places_csv(s: &Scenario, records: &[DayRecord], every: u32) -> String {
    let mut out = places_columns().join(",");
    out.push('\n');
    let last = records.last().map_or(0, |r| r.day);
    for r in records.iter().filter(|r| r.day.is_multiple_of(every.max(1)) || r.day == last) {
        for (k, d) in r.places.iter().enumerate() {
            let Some(pl) = s.region.places.get(k) else { continue };
            let _ = write!(out, "{},{},{}", r.day, pl.name, pl.kind.name());
            for st in Status::ALL.iter().filter(|&&x| x != Status::Dead) {
                let _ = write!(out, ",{}", d.status[*st as usize]);
            }
            let f = &d.flows;
            let _ = write!(
                out,
                ",{},{},{},{},{},{},{},{},{:.6},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                d.members,
                d.fighters,
                d.detained_members,
                d.detained_by_age[0],
                d.detained_by_age[1],
                d.detained_by_age[2],
                d.detained_by_age[3],
                d.detained_women,
                d.detained_commitment,
                f.displaced_out,
                f.displaced_in,
                f.returned,
                f.detained,
                f.released,
                f.escaped,
                f.repatriated,
                f.convicted,
                f.recruited,
                f.infiltrated,
                f.attacks,
                f.attack_deaths,
                f.prison_attacks,
                f.joins
            );
            out.push('\n');
        }
    }
    out
}

/// The column names of timeseries.csv.
pub fn timeseries_columns(s: &Scenario) -> Vec<String> {
    timeseries_spec(s).into_iter().map(|(n, _)| n).collect()
}

/// One day's values, in the order of `timeseries_spec`.
pub fn timeseries_values(s: &Scenario, r: &DayRecord, out: &mut Vec<f64>) {
    let k = &r.counts;
    let n = |x: u64| x as f64;
    out.push(f64::from(r.day));
    out.push(n(r.present));
    out.extend(r.status.iter().map(|&x| n(x)));
    for f in 0..s.factions.len() {
        out.extend(
            [r.members[f][0], r.members[f][1], k.attendance[f], r.registered[f], k.court_cases[f], k.acts[f], k.acts_local[f], k.joins[f], k.leaves[f]].map(n),
        );
        out.extend([r.standing[f], r.budget[f]]);
    }
    out.extend(r.crises.map(|a| f64::from(u8::from(a))));
    out.extend([r.pressure, r.need, r.fear, r.efficacy, r.commitment, r.stigma, r.surveillance]);
    out.extend(r.grievance[..s.factions.len()].iter().copied());
    out.extend(k.joins_by_motive.iter().chain(&k.leaves_by_reason).map(|&x| n(x)));
    out.extend(
        [
            r.mobilised,
            k.mobilised,
            k.against_orders,
            k.abstained,
            k.turned,
            k.battle_deaths_town,
            k.battle_deaths_faction,
            k.deaths_civilian,
            k.deaths_misidentified,
        ]
        .map(n),
    );
    out.extend(k.pathways.map(n));
    out.push(n(r.prisoners));
    out.push(f64::from(r.community_institutions));
    if s.region.declared {
        out.extend(region_values(&k.region).map(n));
    }
    if s.strategies_on() {
        for f in 0..s.factions.len() {
            out.extend(strategy_values(r, f).map(n));
        }
        out.extend(k.strategy.contested.map(n));
    }
}

/// One step of an Epstein run, in the order of `timeseries_spec`.
pub fn epstein_values(r: &crate::epstein::StepRecord, out: &mut Vec<f64>) {
    out.extend([r.step, r.quiet, r.active, r.jailed, r.serving, r.arrests].map(f64::from));
    out.push(r.legitimacy);
}

pub fn timeseries_csv(s: &Scenario, records: &[DayRecord]) -> String {
    let mut values = Vec::new();
    for r in records {
        timeseries_values(s, r, &mut values);
    }
    values_csv(s, &values)
}

/// timeseries.csv from all days' values (`timeseries_spec(s).len()` a day).
pub fn values_csv(s: &Scenario, all: &[f64]) -> String {
    let spec = timeseries_spec(s);
    let mut out = spec.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(",");
    out.push('\n');
    for values in all.chunks(spec.len()) {
        for (k, (v, (_, fmt))) in values.iter().zip(&spec).enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = match fmt {
                Format::Count => write!(out, "{}", *v as u64),
                Format::Share => write!(out, "{v:.6}"),
                Format::Money => write!(out, "{v:.2}"),
            };
        }
        out.push('\n');
    }
    out
}

pub const EVENT_COLUMNS: &str = "day,kind,actor,target,size,detail";

pub fn events_csv(events: &[Event]) -> String {
    let mut out = String::from(EVENT_COLUMNS);
    out.push('\n');
    for e in events {
        let target = e.target.map(|t| t.to_string()).unwrap_or_default();
        let _ = writeln!(out, "{},{},{},{},{},{}", e.day, e.kind, csv_field(&e.actor), target, fmt_num(e.size), csv_field(&e.detail));
    }
    out
}

fn fmt_num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v:.6}") }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// summary.json: the outcomes named and with their shares (`outcomes`).
pub fn summary_json(s: &Summary) -> String {
    let mut out = serde_json::to_string_pretty(&crate::outcomes::summary_value(s)).expect("the summary is plain data");
    out.push('\n');
    out
}

/// The fingerprint of a run: blake3 over timeseries.csv then events.csv, each
/// preceded by its length so that no two pairs of files share a fingerprint.
pub fn fingerprint(timeseries: &str, events: &str) -> String {
    fingerprint_parts(&[timeseries, events])
}

/// The fingerprint over any number of files, each preceded by its length
/// (a region's run adds places.csv after the other two).
pub fn fingerprint_parts(parts: &[&str]) -> String {
    let mut h = blake3::Hasher::new();
    for part in parts {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

/// A finished run's output files as bytes, with their fingerprint.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    pub timeseries: String,
    pub events: String,
    pub summary: String,
    /// places.csv, for a scenario with `[region]`.
    pub places: Option<String>,
    pub fingerprint: String,
}

impl Rendered {
    /// The output files of a run of either model.
    pub fn of_outcome(s: &Scenario, out: &crate::sim::Outcome) -> Rendered {
        match out {
            crate::sim::Outcome::Resist(o) => Rendered::of(s, o),
            crate::sim::Outcome::Epstein(o) => {
                let timeseries = values_csv(s, &out.series_values(s));
                let events = events_csv(&o.events);
                let mut summary = serde_json::to_string_pretty(&crate::outcomes::summary_value(&o.summary)).expect("plain data");
                summary.push('\n');
                Rendered { fingerprint: fingerprint(&timeseries, &events), timeseries, events, summary, places: None }
            }
        }
    }

    pub fn of(s: &Scenario, out: &crate::sim::RunOutput) -> Rendered {
        let timeseries = timeseries_csv(s, &out.records);
        let events = events_csv(&out.events);
        let places = s.region.declared.then(|| places_csv(s, &out.records, 1));
        // places.csv is part of a region's fingerprint, after the other two.
        let fingerprint = match &places {
            Some(p) => fingerprint_parts(&[&timeseries, &events, p]),
            None => fingerprint(&timeseries, &events),
        };
        Rendered { summary: summary_json(&out.summary), timeseries, events, places, fingerprint }
    }
}
