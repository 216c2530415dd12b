//! A region's outputs as a user meets them (docs/model.md, 8): a run of a
//! small region writes places.csv, one row per place per day under the
//! header README.md documents; the manifest lists it and `resist replay`
//! checks its bytes (a changed places.csv is named); `--plot` draws the
//! region's charts; an ensemble's replicates.csv carries the region's
//! summary and its shares.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::*;

const SCENARIO: &str = "tests/data/region-tiny.toml";

fn ok(dir: &Path, args: &[&str]) {
    let o = resist(dir, args, &[]);
    assert!(o.status.success(), "resist {args:?} failed: {}", stderr(&o));
}

/// The columns of places.csv as README.md lists them.
const PLACES_HEADER: &str = "day,place,kind,civilian,activist,local_fighter,supporter,fighter,informant,ex_member,detained,displaced,elsewhere,\
members,fighters,detained_members,detained_children,detained_youth,detained_adults,detained_elders,detained_women,detained_commitment,\
displaced_out,displaced_in,returned,detained_today,released,escaped,repatriated,convicted,recruited,infiltrated,attacks,attack_deaths,prison_attacks,joins";

#[test]
fn a_region_run_writes_places_csv_a_row_per_place_a_day_draws_its_charts_and_replays() {
    let t = tempfile::tempdir().unwrap();
    let scenario = root().join(SCENARIO).display().to_string();
    ok(t.path(), &["run", &scenario, "--days", "200", "--out", "r", "--plot", "--quiet"]);
    let dir = t.path().join("r");
    let places = fs::read_to_string(dir.join("places.csv")).unwrap();
    let mut lines = places.lines();
    assert_eq!(lines.next(), Some(PLACES_HEADER));
    let summary: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let n_places = summary["region"]["places"].as_u64().unwrap() as usize;
    assert!(n_places > 40, "{n_places} places");
    let mut by_day: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let columns = PLACES_HEADER.split(',').count();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), columns, "{l}");
        by_day.entry(f[0].parse().unwrap()).or_default().push(f[1].to_string());
    }
    assert_eq!(by_day.keys().copied().collect::<Vec<u32>>(), (0..=200).collect::<Vec<u32>>());
    let first = by_day[&0].clone();
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), n_places, "each place once a day");
    assert!(by_day.values().all(|names| *names == first), "the same places in the same order every day");
    // The derived shares sit beside the region's counts.
    for k in ["camp_raised_with_faction_share", "youth_with_faction_share", "first_cells_in_held_share"] {
        assert!(summary["region"].get(k).is_some(), "summary.json region.{k} missing");
    }
    // Every column is documented: the statuses in a list, the others each by name.
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let statuses = "civilian, activist, local_fighter, supporter, fighter, informant, ex_member, detained, displaced, elsewhere";
    assert!(
        readme.contains(&format!("| `civilian` ... `elsewhere` | head counts there by status: {statuses}")),
        "README.md does not list places.csv's statuses"
    );
    for c in PLACES_HEADER.split(',').filter(|c| !statuses.split(", ").any(|s| s == *c)) {
        assert!(readme.contains(&format!("`{c}`")), "README.md does not document places.csv's `{c}`");
    }
    // The region's charts: valid PNGs with data in colour, and their SVGs.
    for name in ["region", "region-places"] {
        let png = fs::read(dir.join("charts").join(format!("{name}.png"))).unwrap_or_else(|_| panic!("no charts/{name}.png"));
        let decoder = png::Decoder::new(png.as_slice());
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.width, 1100, "{name}");
        assert!(info.height > 800, "{name}: {} pixels high", info.height);
        let px: Vec<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
        let coloured = px.iter().filter(|p| p.iter().max().unwrap() - p.iter().min().unwrap() > 40).count() as f64 / px.len() as f64;
        assert!(coloured > 0.05, "{name}: only {:.3}% in colour", 100.0 * coloured);
        let svg = fs::read_to_string(dir.join("charts").join(format!("{name}.svg"))).unwrap();
        assert!(svg.matches("<polygon").count() + svg.matches("<rect").count() > 20, "{name}: too few shapes");
    }
    let svg = fs::read_to_string(dir.join("charts/region-places.svg")).unwrap();
    for caption in ["held towns (sum)", "towns not held (sum)", "al_hol (camp)", "hasakeh (prison)", "isis_hideout (hideout)"] {
        assert!(svg.contains(caption), "region-places has no panel `{caption}`");
    }
    // The manifest lists places.csv, and the replay checks it.
    let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["files"]["places.csv"].as_str().unwrap(), blake3::hash(places.as_bytes()).to_hex().as_str());
    let o = resist(t.path(), &["replay", "r"], &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("files match: timeseries.csv, events.csv, summary.json, places.csv"), "{}", stdout(&o));
    fs::write(dir.join("places.csv"), places.replacen(",town,", ",camp,", 1)).unwrap();
    let o = resist(t.path(), &["replay", "r"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("places.csv: does not match its blake3"), "{}", stdout(&o));
}

#[test]
fn a_region_ensemble_carries_the_region_summary_in_replicates_csv() {
    let t = tempfile::tempdir().unwrap();
    let scenario = root().join(SCENARIO).display().to_string();
    ok(t.path(), &["run", &scenario, "--days", "60", "--replicates", "3", "--out", "e", "--plot", "--quiet"]);
    let text = fs::read_to_string(t.path().join("e/replicates.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    for k in ["region.places", "region.detained_end", "region.escaped", "region.strength_peak", "region.youth_with_faction_share"] {
        let at = header.iter().position(|c| c == k).unwrap_or_else(|| panic!("replicates.csv has no {k}"));
        assert!(rows.iter().all(|row| !row[at].is_empty() || k.ends_with("_share")), "{k} empty");
    }
    let places = header.iter().position(|c| c == "region.places").unwrap();
    assert!(rows.iter().all(|row| row[places].parse::<u64>().unwrap() > 40));
    for chart in ["ensemble", "region", "region-places"] {
        assert!(t.path().join(format!("e/charts/{chart}.png")).is_file(), "no {chart} chart");
    }
}
