//! A run's outcomes as a researcher reads them (summary.json, and runs.csv
//! through it): positional counts named (`joins_by_motive.money`, not `.0`;
//! factions, crises and institutions by name), and the derived shares beside
//! the counts they come from, computed here alone, at output, from the
//! counts. The model's summary structs hold counts only; what they gain later
//! is written as it is, and a share is added only here.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// The four motives of a join (`joins_by_motive`), in the model's order.
pub const MOTIVES: [&str; 4] = ["money", "protection", "ideology", "social"];
/// The defectors' four reasons for leaving (`leaves_by_reason`).
pub const REASONS: [&str; 5] = ["infighting", "brutality", "corruption", "harshness", "unpaid"];
/// The four age classes (`joins_by_age`).
pub const AGES: [&str; 4] = ["child", "youth", "adult", "elder"];

fn named<S: Serializer, T: Serialize>(names: &[&str], values: &[T], s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(values.len()))?;
    for (n, v) in names.iter().zip(values) {
        m.serialize_entry(n, v)?;
    }
    m.end()
}

/// `joins_by_motive` by motive.
pub fn motives<S: Serializer>(v: &[u64; 4], s: S) -> Result<S::Ok, S::Error> {
    named(&MOTIVES, v, s)
}

/// `leaves_by_reason` by reason.
pub fn reasons<S: Serializer>(v: &[u64; 5], s: S) -> Result<S::Ok, S::Error> {
    named(&REASONS, v, s)
}

/// `joins_by_age` by age class.
pub fn ages<S: Serializer>(v: &[u64; 4], s: S) -> Result<S::Ok, S::Error> {
    named(&AGES, v, s)
}

/// Factions by name (in the scenario's order, which is by name).
pub fn factions<S: Serializer>(v: &[crate::sim::FactionSummary], s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(v.len()))?;
    for f in v {
        m.serialize_entry(&f.name, f)?;
    }
    m.end()
}

/// Crises by kind: each kind's onsets and days.
pub fn crises<S: Serializer>(v: &[crate::sim::CrisisSummary], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Crisis {
        onsets: u64,
        days: u64,
    }
    let mut m = s.serialize_map(Some(v.len()))?;
    for c in v {
        m.serialize_entry(c.kind, &Crisis { onsets: c.onsets, days: c.days })?;
    }
    m.end()
}

/// Institutions by name (their kind; `checkpoint_1`, `checkpoint_2`, ... where
/// a kind has several) and who holds each.
pub fn institutions<S: Serializer>(v: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, (kind, who)) in v.iter().enumerate() {
        let same = v.iter().filter(|(o, _)| o == kind).count();
        let name = if same > 1 { format!("{kind}_{}", v[..=k].iter().filter(|(o, _)| o == kind).count()) } else { kind.clone() };
        m.serialize_entry(&name, who)?;
    }
    m.end()
}

/// A run's summary as a value (summary.json, a row of runs.csv): the summary
/// as serialised, with the derived shares added beside their counts (see
/// [`add_shares`]).
pub fn summary_value(summary: &impl Serialize) -> serde_json::Value {
    let mut v = serde_json::to_value(summary).expect("a summary is plain data");
    add_shares(&mut v);
    v
}

/// The shares a researcher compares, each beside its counts, `null` where the
/// denominator is zero (no cohort, no prisoner released):
/// - `aftermath`: the reconciled cohort's pathways within 365 days as shares
///   of the cohort (`reintegrated_share`, `rejoined_share`, `switched_share`,
///   `detained_share`, `stigmatised_share`), and re-engagement, those who
///   rejoined or switched (`reengaged_share`);
/// - `uprising`: `local_abstainers_share`, abstainers among local members
///   at the call (the summary's own `abstention_rate` is the same number);
///   `local_members_fighting_share` over the same members;
/// - `prisoners`: released prisoners who rejoined or switched
///   (`rejoined_share`, `switched_share` of `released`);
/// - `region`: of those who came of age in detention and are out of it at
///   the end, the share with the faction (`camp_raised_with_faction_share`),
///   and the same of the youth never held (`youth_with_faction_share`), the
///   two compared; of the towns where the faction first had cells, the share
///   it had held (`first_cells_in_held_share`).
pub fn add_shares(v: &mut serde_json::Value) {
    fn count(o: &serde_json::Map<String, serde_json::Value>, k: &str) -> Option<f64> {
        o.get(k).and_then(serde_json::Value::as_f64)
    }
    fn share(o: &mut serde_json::Map<String, serde_json::Value>, name: &str, parts: &[&str], of: &str) {
        let total = count(o, of).filter(|t| *t > 0.0);
        let part: Option<f64> = parts.iter().map(|p| count(o, p)).sum();
        let value = match (part, total) {
            (Some(p), Some(t)) => serde_json::json!(p / t),
            _ => serde_json::Value::Null,
        };
        o.insert(name.to_string(), value);
    }
    let serde_json::Value::Object(top) = v else { return };
    if let Some(serde_json::Value::Object(a)) = top.get_mut("aftermath") {
        for p in ["reintegrated", "rejoined", "switched", "detained", "stigmatised"] {
            share(a, &format!("{p}_share"), &[p], "cohort");
        }
        share(a, "reengaged_share", &["rejoined", "switched"], "cohort");
    }
    if let Some(serde_json::Value::Object(u)) = top.get_mut("uprising") {
        share(u, "local_abstainers_share", &["local_abstainers"], "local_members_at_call");
        share(u, "local_members_fighting_share", &["local_members_fighting"], "local_members_at_call");
    }
    if let Some(serde_json::Value::Object(p)) = top.get_mut("prisoners") {
        share(p, "rejoined_share", &["rejoined"], "released");
        share(p, "switched_share", &["switched"], "released");
    }
    if let Some(serde_json::Value::Object(r)) = top.get_mut("region") {
        share(r, "camp_raised_with_faction_share", &["camp_raised_with_faction"], "camp_raised_out");
        share(r, "youth_with_faction_share", &["youth_with_faction"], "youth_out");
        share(r, "first_cells_in_held_share", &["first_cells_in_held"], "first_cells_counted");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sit_beside_their_counts_and_are_null_without_a_denominator() {
        let mut v = serde_json::json!({
            "aftermath": {"cohort": 40, "reintegrated": 30, "rejoined": 6, "switched": 2, "detained": 2, "stigmatised": 10},
            "prisoners": {"released": 0, "rejoined": 0, "switched": 0},
            "uprising": {"local_members_at_call": 50, "local_abstainers": 20, "local_members_fighting": 5},
            "region": {"camp_raised_out": 8, "camp_raised_with_faction": 2, "youth_out": 0, "youth_with_faction": 0, "first_cells_in_held": 3, "first_cells_counted": 4}
        });
        add_shares(&mut v);
        assert_eq!(v["aftermath"]["rejoined_share"], 0.15);
        assert_eq!(v["aftermath"]["reengaged_share"], 0.2);
        assert_eq!(v["uprising"]["local_abstainers_share"], 0.4);
        assert!(v["prisoners"]["rejoined_share"].is_null());
        assert_eq!(v["region"]["camp_raised_with_faction_share"], 0.25);
        assert!(v["region"]["youth_with_faction_share"].is_null());
        assert_eq!(v["region"]["first_cells_in_held_share"], 0.75);
    }

    #[test]
    fn a_run_without_a_region_gets_no_region_shares() {
        let mut v = serde_json::json!({"region": null});
        add_shares(&mut v);
        assert!(v["region"].is_null());
    }

    #[test]
    fn institutions_of_one_kind_are_numbered() {
        let v: Vec<(String, String)> =
            [("court", "community"), ("checkpoint", "isis"), ("checkpoint", "community")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        let json = institutions(&v, serde_json::value::Serializer).unwrap();
        assert_eq!(json, serde_json::json!({"court": "community", "checkpoint_1": "isis", "checkpoint_2": "community"}));
    }
}
