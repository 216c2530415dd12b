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

/// The columns of timeseries.csv for a scenario (documented in README.md).
pub fn timeseries_columns(s: &Scenario) -> Vec<String> {
    let mut c: Vec<String> = vec!["day".into(), "present".into()];
    c.extend(Status::ALL.iter().map(|st| st.name().to_string()));
    for f in &s.factions {
        c.push(format!("members_local_{}", f.name));
        c.push(format!("members_foreign_{}", f.name));
        c.extend(FACTION_COLUMNS.iter().map(|k| format!("{k}_{}", f.name)));
    }
    for k in crate::process::environment::KINDS {
        c.push(format!("crisis_{k}"));
    }
    c.extend(["crisis_pressure", "need", "fear", "efficacy", "commitment", "stigma", "surveillance"].map(String::from));
    for f in &s.factions {
        c.push(format!("grievance_{}", f.name));
    }
    c.extend(MOTIVES.iter().map(|m| format!("joins_{m}")));
    c.extend(REASONS.iter().map(|r| format!("leaves_{r}")));
    c.extend(
        [
            "mobilised",
            "mobilised_today",
            "against_orders",
            "abstained",
            "turned",
            "battle_deaths_town",
            "battle_deaths_faction",
            "deaths_civilian",
            "deaths_misidentified",
        ]
        .map(String::from),
    );
    c.extend(crate::process::aftermath::PATHWAYS.iter().map(|p| format!("ex_{p}")));
    c.extend(["prisoners", "community_institutions"].map(String::from));
    c
}

pub fn timeseries_csv(s: &Scenario, records: &[DayRecord]) -> String {
    let mut out = timeseries_columns(s).join(",");
    out.push('\n');
    for r in records {
        timeseries_row(s, r, &mut out);
    }
    out
}

/// Append one row of timeseries.csv.
pub fn timeseries_row(s: &Scenario, r: &DayRecord, out: &mut String) {
    let k = &r.counts;
    let _ = write!(out, "{},{}", r.day, r.present);
    for n in r.status {
        let _ = write!(out, ",{n}");
    }
    for f in 0..s.factions.len() {
        let _ = write!(out, ",{},{}", r.members[f][0], r.members[f][1]);
        let _ = write!(out, ",{},{},{},{},{},{},{}", k.attendance[f], r.registered[f], k.court_cases[f], k.acts[f], k.acts_local[f], k.joins[f], k.leaves[f]);
        let _ = write!(out, ",{:.6},{:.2}", r.standing[f], r.budget[f]);
    }
    for a in r.crises {
        let _ = write!(out, ",{}", u8::from(a));
    }
    for v in [r.pressure, r.need, r.fear, r.efficacy, r.commitment, r.stigma, r.surveillance] {
        let _ = write!(out, ",{v:.6}");
    }
    for f in 0..s.factions.len() {
        let _ = write!(out, ",{:.6}", r.grievance[f]);
    }
    for n in k.joins_by_motive.iter().chain(&k.leaves_by_reason) {
        let _ = write!(out, ",{n}");
    }
    let _ = write!(
        out,
        ",{},{},{},{},{},{},{},{},{}",
        r.mobilised,
        k.mobilised,
        k.against_orders,
        k.abstained,
        k.turned,
        k.battle_deaths_town,
        k.battle_deaths_faction,
        k.deaths_civilian,
        k.deaths_misidentified
    );
    for n in k.pathways {
        let _ = write!(out, ",{n}");
    }
    let _ = write!(out, ",{}", r.prisoners);
    let _ = writeln!(out, ",{}", r.community_institutions);
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

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

pub fn summary_json(s: &Summary) -> String {
    let mut out = serde_json::to_string_pretty(s).expect("the summary is plain data");
    out.push('\n');
    out
}

/// The fingerprint of a run: blake3 over timeseries.csv then events.csv, each
/// preceded by its length so that no two pairs of files share a fingerprint.
pub fn fingerprint(timeseries: &str, events: &str) -> String {
    let mut h = blake3::Hasher::new();
    for part in [timeseries, events] {
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
    pub fingerprint: String,
}

impl Rendered {
    pub fn of(s: &Scenario, out: &crate::sim::RunOutput) -> Rendered {
        let timeseries = timeseries_csv(s, &out.records);
        let events = events_csv(&out.events);
        let fingerprint = fingerprint(&timeseries, &events);
        Rendered { summary: summary_json(&out.summary), timeseries, events, fingerprint }
    }
}
