//! Charts and the report as users meet them: every chart kind, drawn from
//! small runs and sweeps, is a valid PNG and SVG of the stated size with
//! something drawn on it; the report holds every chart and fetches nothing.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// Run the binary and insist that it succeeds.
fn ok(dir: &Path, args: &[&str]) {
    let o = resist(dir, args, &[]);
    assert!(o.status.success(), "resist {args:?} failed: {}", stderr(&o));
}

fn data(name: &str) -> String {
    root().join("tests/data/charts").join(name).display().to_string()
}

/// Output directories for every chart kind: a run with an ensemble, an
/// Epstein run, a two-parameter sweep, a sweep of policies, and a run with a
/// faction's defection strategy.
fn outputs(tmp: &Path) -> Vec<PathBuf> {
    let root = root();
    let town = root.join("tests/data/sweep/town.toml").display().to_string();
    let epstein = root.join("scenarios/epstein.toml").display().to_string();
    ok(tmp, &["run", &town, "--days", "200", "--replicates", "4", "--out", "run", "--plot"]);
    ok(tmp, &["run", &epstein, "--days", "150", "--out", "epstein", "--plot"]);
    ok(tmp, &["sweep", &data("grid.toml"), "--out", "grid", "--plot"]);
    ok(tmp, &["sweep", &data("policies.toml"), "--out", "policies"]);
    ok(tmp, &["plot", "policies"]);
    ok(tmp, &["sweep", &data("grid3.toml"), "--out", "grid3", "--plot"]);
    let strategy = root.join("tests/data/strategy-town.toml").display().to_string();
    ok(tmp, &["run", &strategy, "--days", "90", "--set", "factions.isis.tawba.windows_per_year=6", "--out", "strategy", "--plot"]);
    ["run", "epstein", "grid", "policies", "grid3", "strategy"].iter().map(|d| tmp.join(d)).collect()
}

fn png_size(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().expect("a valid PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("valid PNG data");
    assert_eq!(info.color_type, png::ColorType::Rgb, "charts are RGB");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// The width and height attributes of the root svg element.
fn svg_size(text: &str) -> (u32, u32) {
    let start = text.find("<svg").expect("an svg element");
    let tag = &text[start..start + text[start..].find('>').expect("a closed svg tag")];
    let attr = |name: &str| -> u32 {
        let k = tag.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("svg without {name}")) + name.len() + 2;
        tag[k..k + tag[k..].find('"').unwrap()].parse().unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn every_chart_kind_is_a_valid_png_and_svg_of_its_stated_size_and_not_blank() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = outputs(tmp.path());
    let mut names = Vec::new();
    for dir in &dirs {
        let charts = dir.join("charts");
        let mut svgs: Vec<PathBuf> = fs::read_dir(&charts).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "svg")).collect();
        svgs.sort();
        assert!(!svgs.is_empty(), "no charts in {}", charts.display());
        for svg in svgs {
            let name = svg.file_stem().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&svg).unwrap();
            let (w, h, pixels) = png_size(&fs::read(svg.with_extension("png")).unwrap_or_else(|_| panic!("{name}: no PNG beside the SVG")));
            assert_eq!(svg_size(&text), (w, h), "{name}: the SVG and the PNG differ in size");
            assert_eq!(w, 1100, "{name}: charts are 1100 pixels wide");
            assert!((300..8000).contains(&h), "{name}: height {h}");
            // Not blank: a good part of the picture is ink, in several colours.
            let px: Vec<&[u8]> = pixels.chunks(3).collect();
            let inked = px.iter().filter(|p| p.iter().any(|&c| c < 235)).count() as f64 / px.len() as f64;
            let mut colours: Vec<[u8; 3]> = px.iter().map(|p| [p[0], p[1], p[2]]).collect();
            colours.sort_unstable();
            colours.dedup();
            // Axes and text are grey; data are drawn in colour.
            let coloured = px.iter().filter(|p| p.iter().max().unwrap() - p.iter().min().unwrap() > 40).count() as f64 / px.len() as f64;
            assert!(inked > 0.01, "{name}: only {:.2}% of the PNG is drawn", 100.0 * inked);
            assert!(coloured > 0.002, "{name}: only {:.3}% of the PNG is in colour: no data drawn", 100.0 * coloured);
            assert!(colours.len() > 8, "{name}: only {} colours", colours.len());
            // The SVG draws shapes and sets text in the bundled font.
            let shapes = text.matches("<polygon").count() + text.matches("<polyline").count() + text.matches("<rect").count() + text.matches("<circle").count();
            assert!(shapes > 10, "{name}: {shapes} shapes in the SVG");
            assert!(text.contains("font-family=\"DejaVu Sans\""), "{name}: text not in the bundled font");
            names.push(format!("{}/{name}", dir.file_name().unwrap().to_string_lossy()));
        }
    }
    for kind in [
        "run/overview",
        "run/ensemble",
        "epstein/overview",
        "grid/outcomes-vs-affiliation-money",
        "grid/outcomes-vs-population-activist_share",
        "grid/heatmap",
        "grid/policies",
        "policies/outcomes-by-policy",
        "policies/policies",
        "grid3/outcomes-vs-affiliation-protection",
        "grid3/heatmap-base",
        "grid3/heatmap-rich_faction",
        "strategy/strategy",
    ] {
        assert!(names.iter().any(|n| n == kind), "chart {kind} missing; drawn: {names:?}");
    }
}

#[test]
fn the_report_holds_every_chart_inline_and_fetches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in outputs(tmp.path()) {
        ok(tmp.path(), &["report", &dir.display().to_string()]);
        let html = fs::read_to_string(dir.join("report/index.html")).unwrap();
        let charts = fs::read_dir(dir.join("charts")).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "svg")).count();
        assert_eq!(html.matches("<figure class=\"chart\"").count(), charts, "{}", dir.display());
        assert_eq!(html.matches("<svg").count(), charts, "{}", dir.display());
        assert!(html.contains("<table class=\"summary\">"), "no summary table");
        assert!(html.contains("id=\"manifest\""), "no manifest");
        assert!(html.contains("@font-face"), "the font is not embedded");
        // Nothing to fetch: no scripts, no external sources (the SVG namespace is a name, not a fetch).
        let links = html.matches("http://").count() + html.matches("https://").count();
        assert_eq!(links, html.matches("http://www.w3.org/2000/svg").count(), "{}: the report links outside", dir.display());
        assert!(!html.contains("<script"), "the report has a script");
    }
}

#[test]
fn plot_refuses_a_directory_that_holds_no_run_or_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("empty")).unwrap();
    let o = resist(tmp.path(), &["plot", "empty"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("empty: not a run or sweep directory: expected manifest.json and timeseries.csv"), "{}", stderr(&o));
    assert!(!tmp.path().join("empty/charts").exists(), "nothing is written for a bad directory");
    let o = resist(tmp.path(), &["report", "missing"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing: no such directory"), "{}", stderr(&o));
}

#[test]
fn charts_are_the_same_bytes_every_time() {
    let tmp = tempfile::tempdir().unwrap();
    let epstein = root().join("scenarios/epstein.toml").display().to_string();
    ok(tmp.path(), &["run", &epstein, "--days", "60", "--out", "a", "--plot"]);
    let first = fs::read(tmp.path().join("a/charts/overview.png")).unwrap();
    let svg = fs::read(tmp.path().join("a/charts/overview.svg")).unwrap();
    ok(tmp.path(), &["plot", "a"]);
    assert!(first == fs::read(tmp.path().join("a/charts/overview.png")).unwrap(), "the PNG changed when redrawn");
    assert!(svg == fs::read(tmp.path().join("a/charts/overview.svg")).unwrap(), "the SVG changed when redrawn");
}

#[test]
fn an_ensemble_is_the_same_bytes_on_one_and_two_threads_and_its_first_replicate_is_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let town = root().join("tests/data/sweep/town.toml").display().to_string();
    ok(tmp.path(), &["run", &town, "--days", "60", "--replicates", "6", "--threads", "1", "--out", "one"]);
    ok(tmp.path(), &["run", &town, "--days", "60", "--replicates", "6", "--threads", "2", "--out", "two"]);
    ok(tmp.path(), &["run", &town, "--days", "60", "--out", "single"]);
    for f in ["ensemble.csv", "replicates.csv", "timeseries.csv", "events.csv"] {
        assert!(fs::read(tmp.path().join("one").join(f)).unwrap() == fs::read(tmp.path().join("two").join(f)).unwrap(), "{f} depends on the thread count");
    }
    for f in ["timeseries.csv", "events.csv", "summary.json"] {
        assert!(
            fs::read(tmp.path().join("one").join(f)).unwrap() == fs::read(tmp.path().join("single").join(f)).unwrap(),
            "{f}: the ensemble's first replicate is not the single run"
        );
    }
    let ensemble = fs::read_to_string(tmp.path().join("one/ensemble.csv")).unwrap();
    assert!(ensemble.lines().nth(1).unwrap().contains(",6,"), "each row counts the 6 replicates: {}", ensemble.lines().nth(1).unwrap());
    assert_eq!(fs::read_to_string(tmp.path().join("one/replicates.csv")).unwrap().lines().count(), 7, "a header and one row a replicate");
    // The replay of an ensemble's manifest checks its first replicate.
    let o = resist(tmp.path(), &["replay", "one/manifest.json"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn plot_refuses_numbers_it_cannot_draw_and_unknown_outcomes_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let town = root().join("tests/data/sweep/town.toml").display().to_string();
    ok(tmp.path(), &["run", &town, "--days", "20", "--out", "run"]);
    let path = tmp.path().join("run/timeseries.csv");
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[3] = lines[3].replacen("2,", "NaN,", 1);
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    let o = resist(tmp.path(), &["plot", "run"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("timeseries.csv: line 4, column `day`: `NaN` is not a finite number"), "{}", stderr(&o));
    assert!(!tmp.path().join("run/charts").exists(), "no chart is written from bad data");

    ok(tmp.path(), &["sweep", &data("grid.toml"), "--out", "grid"]);
    let o = resist(tmp.path(), &["plot", "grid", "--outcome", "no.such.outcome"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--outcome no.such.outcome: no numeric column of that name in"), "{}", stderr(&o));
}

/// runs.csv's rows as maps from column to field.
fn runs_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records().map(|rec| h.iter().cloned().zip(rec.unwrap().iter().map(str::to_string)).collect()).collect()
}

#[test]
fn a_three_parameter_heatmap_shows_the_means_over_the_third_parameter() {
    let tmp = tempfile::tempdir().unwrap();
    ok(tmp.path(), &["sweep", &data("grid3.toml"), "--out", "g", "--plot"]);
    let runs = runs_csv(&tmp.path().join("g/runs.csv"));
    let (k0, k1, k2) = ("affiliation.protection", "population.activist_share", "amnesty.credibility");
    let mut checked = 0;
    for policy in ["base", "rich_faction"] {
        let path = tmp.path().join(format!("g/charts/heatmap-{policy}.csv"));
        let cells = runs_csv(&path);
        assert!(!cells.is_empty(), "{}: no cells", path.display());
        for c in &cells {
            // The mean over every successful run at these two values, whatever the third.
            let xs: Vec<f64> = runs
                .iter()
                .filter(|r| r["policy"] == policy && r["status"] == "ok" && r[k0] == c[k0] && r[k1] == c[k1])
                .filter_map(|r| r[&c["outcome"]].parse::<f64>().ok())
                .collect();
            let thirds: std::collections::BTreeSet<&str> =
                runs.iter().filter(|r| r["policy"] == policy && r[k0] == c[k0] && r[k1] == c[k1]).map(|r| r[k2].as_str()).collect();
            assert_eq!(thirds.len(), 2, "each cell spans both values of {k2}");
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            assert_eq!(c["runs"].parse::<usize>().unwrap(), xs.len(), "{c:?}");
            let got: f64 = c["mean"].parse().unwrap();
            assert!((got - mean).abs() <= 1e-9 * mean.abs().max(1.0), "{policy} {c:?}: the cell shows {got}, runs.csv gives {mean}");
            checked += 1;
        }
    }
    // 2 x 2 cells of peak membership for each policy at least.
    assert!(checked >= 8, "{checked} cells checked");
    let svg = fs::read_to_string(tmp.path().join("g/charts/heatmap-base.svg")).unwrap();
    // The title may break onto more lines (draw::titled): its words, in order, say what the cells are.
    let text: String = svg.split('<').filter_map(|t| t.split_once('>').map(|(_, x)| x.trim())).filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" ");
    assert!(text.contains("averaged over amnesty.credibility"), "the title says what the cells are: {text}");
}

#[test]
fn a_sweep_writes_paired_comparisons_and_the_report_shows_them_against_the_chosen_reference() {
    let tmp = tempfile::tempdir().unwrap();
    ok(tmp.path(), &["sweep", &data("grid3.toml"), "--out", "g"]);
    let text = fs::read_to_string(tmp.path().join("g/comparisons.csv")).unwrap();
    assert_eq!(text.lines().next().unwrap(), "outcome,reference,point,policy,n_pairs,mean_reference,mean_point,mean_difference,ci_low,ci_high");
    let rows = runs_csv(&tmp.path().join("g/comparisons.csv"));
    let runs = runs_csv(&tmp.path().join("g/runs.csv"));
    // The first faction's peak membership, whatever runs.csv names it (by number or by name).
    let peak = runs[0].keys().find(|k| k.starts_with("factions.") && k.ends_with(".members_peak")).expect("a faction's peak membership").clone();
    // Point 12 (rich_faction) against point 4 (base, the same swept values), replicate by replicate.
    let row = rows.iter().find(|r| r["point"] == "12" && r["outcome"] == peak).expect("a row for point 12");
    assert_eq!((row["reference"].as_str(), row["policy"].as_str(), row["n_pairs"].as_str()), ("base", "rich_faction", "5"));
    let value = |p: &str, r: &str| -> f64 { runs.iter().find(|x| x["point"] == p && x["replicate"] == r).unwrap()[&peak].parse().unwrap() };
    let diffs: Vec<f64> = ["0", "1", "2", "3", "4"].iter().map(|r| value("12", r) - value("4", r)).collect();
    let mean = diffs.iter().sum::<f64>() / 5.0;
    assert!((row["mean_difference"].parse::<f64>().unwrap() - mean).abs() < 1e-9, "{row:?} against {diffs:?}");
    assert!(rows.iter().all(|r| r["policy"] == "rich_faction"), "the reference policy is not compared with itself");

    ok(tmp.path(), &["report", "g", "--reference", "rich_faction"]);
    let html = fs::read_to_string(tmp.path().join("g/report/index.html")).unwrap();
    assert!(html.contains("Reference: policy rich_faction"), "the report names the chosen reference");
    assert!(fs::read_to_string(tmp.path().join("g/comparisons.csv")).unwrap().contains(",rich_faction,0,base,"), "comparisons.csv follows --reference");
    let o = resist(tmp.path(), &["report", "g", "--reference", "nobody"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--reference nobody: neither a policy nor a design point"), "{}", stderr(&o));
}

/// The mean of a column by day in an ensemble's long-form CSV.
fn means(path: &Path, column: &str) -> Vec<(f64, f64, u64)> {
    runs_csv(path)
        .iter()
        .filter(|r| r["column"] == column)
        .map(|r| (r["day"].parse().unwrap(), r["mean"].parse().unwrap(), r["replicates"].parse().unwrap()))
        .collect()
}

#[test]
fn an_ensemble_is_also_aligned_on_the_council_call_where_mobilisation_does_not_smear() {
    let tmp = tempfile::tempdir().unwrap();
    let atarib = root().join("scenarios/atarib.toml").display().to_string();
    ok(tmp.path(), &["run", &atarib, "--days", "400", "--replicates", "6", "--out", "a", "--plot"]);
    let aligned = means(&tmp.path().join("a/ensemble-from-call.csv"), "mobilised");
    let calendar = means(&tmp.path().join("a/ensemble.csv"), "mobilised");
    // Day 0 is the call. A month before it few are out (people may demonstrate after a
    // trigger before any call, docs/model.md 7.5): under 5% of the aligned peak.
    let peak_aligned = aligned.iter().map(|r| r.1).fold(0.0, f64::max);
    assert_eq!(aligned.first().map(|r| r.0), Some(-30.0), "{:?}", &aligned[..3]);
    assert!(aligned[0].1 < 0.05 * peak_aligned, "{} mobilised a month before the call, against a peak of {peak_aligned}", aligned[0].1);
    let n = aligned[0].2;
    assert!(n >= 3, "only {n} of 6 replicates had a call to align on");
    let peak = |v: &[(f64, f64, u64)]| v.iter().map(|r| r.1).fold(0.0, f64::max);
    // Aligned, the replicates' peaks fall on the same days: the mean's peak is at least the calendar mean's.
    assert!(peak(&aligned) >= peak(&calendar), "aligned peak {} below the calendar's {}", peak(&aligned), peak(&calendar));
    assert!(tmp.path().join("a/charts/ensemble-from-call.png").is_file(), "the aligned chart is drawn");
}

#[test]
fn a_swept_choice_is_charted_by_its_place_and_named_in_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    ok(tmp.path(), &["sweep", &data("grid.toml"), "--out", "g"]);
    // As a sweep over a choice writes it: the value's name in the parameter's column.
    let path = tmp.path().join("g/runs.csv");
    let mut r = csv::Reader::from_path(&path).unwrap();
    let header = r.headers().unwrap().clone();
    let k = header.iter().position(|c| c == "population.activist_share").unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let fields: Vec<&str> = rec.iter().enumerate().map(|(i, f)| if i == k { if f == "0" { "none" } else { "some" } } else { f }).collect();
        w.write_record(&fields).unwrap();
    }
    fs::write(&path, w.into_inner().unwrap()).unwrap();
    ok(tmp.path(), &["report", "g"]);
    assert!(tmp.path().join("g/charts/outcomes-vs-population-activist_share.svg").is_file(), "the chart against the choice");
    let html = fs::read_to_string(tmp.path().join("g/report/index.html")).unwrap();
    assert!(html.contains("population.activist_share (0 = none, 1 = some)"), "the key names the choices");
}

#[test]
fn a_sweep_aligns_each_point_on_its_council_call_beside_the_calendar() {
    let tmp = tempfile::tempdir().unwrap();
    let atarib = root().join("scenarios/atarib.toml").display().to_string();
    let no_offer = root().join("scenarios/atarib-no-amnesty.toml").display().to_string();
    fs::write(
        tmp.path().join("s.toml"),
        format!("scenario = \"{atarib}\"\nseed = 7\nreplicates = 6\ndays = 300\n[policies]\noffer = \"{atarib}\"\nno_offer = \"{no_offer}\"\n"),
    )
    .unwrap();
    ok(tmp.path(), &["sweep", "s.toml", "--out", "s", "--plot"]);
    let rows = runs_csv(&tmp.path().join("s/aggregates.csv"));
    let aligned: Vec<_> = rows.iter().filter(|r| r["column"] == "mobilised@call").collect();
    let days: Vec<i64> = aligned.iter().map(|r| r["day"].parse().unwrap()).collect();
    assert_eq!((days.iter().min(), days.iter().max()), (Some(&-30), Some(&150)), "a month before the call to half the run after it");
    // Replicates whose call leaves room for the window: those called on days 30 to 149.
    let runs = runs_csv(&tmp.path().join("s/runs.csv"));
    let fit = runs.iter().filter(|r| r["point"] == "0" && r["uprising.day"].parse::<i64>().is_ok_and(|d| (30..=149).contains(&d))).count();
    assert!(fit > 0, "no replicate to align: {runs:?}");
    assert!(aligned.iter().filter(|r| r["point"] == "0").all(|r| r["replicates"] == fit.to_string()));
    // Aligned, each point's mobilisation peaks where the calendar mean smears it.
    let peak =
        |col: &str, p: &str| rows.iter().filter(|r| r["column"] == col && r["point"] == p).map(|r| r["mean"].parse::<f64>().unwrap()).fold(0.0, f64::max);
    for p in ["0", "1"] {
        assert!(peak("mobilised@call", p) >= peak("mobilised", p), "point {p}: aligned peak below the calendar's");
    }
    assert!(tmp.path().join("s/charts/policies-from-call.png").is_file() && tmp.path().join("s/charts/policies.png").is_file());
}

/// A column's total over the days of a run's timeseries.csv.
fn column_total(path: &Path, column: &str) -> f64 {
    let mut r = csv::Reader::from_path(path).unwrap();
    let k = r.headers().unwrap().iter().position(|c| c == column).unwrap_or_else(|| panic!("no column {column}"));
    r.records().map(|rec| rec.unwrap()[k].parse::<f64>().unwrap()).sum()
}

#[test]
fn a_run_with_a_faction_strategy_charts_its_phases_and_defections_and_one_without_draws_none() {
    let tmp = tempfile::tempdir().unwrap();
    let strategy = root().join("tests/data/strategy-town.toml").display().to_string();
    let set = ["--set", "factions.isis.tawba.windows_per_year=6", "--set", "government.defection_reach_per_week=0.05"];
    ok(tmp.path(), &[&["run", &strategy, "--days", "60", "--out", "on", "--plot", "--quiet"][..], &set[..]].concat());
    let svg = fs::read_to_string(tmp.path().join("on/charts/strategy.svg")).expect("a run with a strategy draws strategy.svg");
    assert!(tmp.path().join("on/charts/strategy.png").is_file(), "no strategy.png beside the SVG");
    // The legend names every phase (a text element each), and the strip names those the faction was in.
    for phase in ["dormant", "guerrilla", "consolidation", "territory", "collapse", "towns held"] {
        assert!(svg.contains(&format!("\n{phase}\n")), "the legend does not name the phase {phase}");
    }
    // Who defected to whom: the legend's totals are the timeseries' (the shifted and the followers they brought).
    let series = tmp.path().join("on/timeseries.csv");
    let covert = column_total(&series, "shifted_isis") + column_total(&series, "followers_isis");
    assert!(covert > 0.0, "nobody shifted in 60 days: the chart would show nothing");
    assert!(svg.contains(&format!("\nto it: covert approach ({covert:.0})\n")), "the covert approaches' total ({covert}) is not in the legend");
    let tawba = column_total(&series, "tawba_taken_isis");
    assert!(svg.contains(&format!("\nto it: tawba ({tawba:.0})\n")), "the tawba total ({tawba}) is not in the legend");
    for label in ["from it to the government (", "repentants caught leaving (", "irredeemable executed (", "won by a faction (", "won by the government ("] {
        assert!(svg.contains(label), "no `{label}` in the chart");
    }
    // Without a campaign, tawba or government offer: no strategy columns, and no strategy chart
    // (the town is Atarib's: its faction's profile switched off).
    let town = root().join("tests/data/sweep/town.toml").display().to_string();
    let off = ["--set", "factions.isis.campaign.approaches_per_week=0", "--set", "factions.isis.tawba.window_on_capture=false"];
    ok(tmp.path(), &[&["run", &town, "--days", "30", "--out", "off", "--plot", "--quiet"][..], &off[..]].concat());
    let header = fs::read_to_string(tmp.path().join("off/timeseries.csv")).unwrap().lines().next().unwrap().to_string();
    assert!(!header.contains("phase_"), "a run without strategies has phase columns: {header}");
    assert!(tmp.path().join("off/charts/overview.svg").is_file(), "the run without strategies drew no overview");
    assert!(!tmp.path().join("off/charts/strategy.svg").exists(), "a run without strategies drew a strategy chart");
    assert!(!tmp.path().join("off/charts/strategy.png").exists(), "a run without strategies drew a strategy chart");
}
