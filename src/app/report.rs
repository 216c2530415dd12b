//! `resist report DIR`: one HTML file, DIR/report/index.html, that opens
//! offline: the manifest (seed, version, fingerprint), a summary table, every
//! chart as inline SVG, and the scenario as resolved. Nothing is fetched: the
//! charts' font is embedded as a data URL, and there are no scripts.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use anyhow::Context;
use resist::chart::Chart;
use resist::chart::sweep::{OUTCOMES, charted, decimals, fixed, label, label_pattern};

use super::cli::{EXIT_OK, Failure, io_failure};
use super::compare::Reference;
use super::files::write_atomic;
use super::plot::{ChartArgs, Kind, draw, faction_labels, kind, outcome_value, read_json, read_points};

/// At most this many rows of design points in a table; the rest are in runs.csv and comparisons.csv.
const MAX_ROWS: usize = 200;

pub fn report(args: &ChartArgs) -> Result<u8, Failure> {
    let dir = args.dir.as_path();
    let charts = draw(dir, &args.choice())?;
    // The page first: a directory whose summary cannot be read gets no charts either.
    let html = match kind(dir)? {
        Kind::Run => run_page(dir, &charts, &args.outcomes)?,
        Kind::Sweep => {
            let reference = super::compare::write(dir, args.reference.as_deref())?;
            sweep_page(dir, &charts, args, reference)?
        }
    };
    super::plot::write(dir, &charts)?;
    let out = dir.join("report");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display())).map_err(io_failure)?;
    let path = out.join("index.html");
    write_atomic(&path, html.as_bytes())?;
    eprintln!("wrote {} ({} charts, {} KB); it opens offline", path.display(), charts.len(), html.len() / 1024);
    Ok(EXIT_OK)
}

/// A mean and its 95% interval to the same decimals, chosen from the interval's width.
fn mean_pm(mean: f64, half: f64) -> String {
    if !mean.is_finite() {
        return "-".into();
    }
    if !(half.is_finite() && half > 0.0) {
        return fixed(mean, decimals(f64::NAN, mean));
    }
    let d = decimals(half, mean);
    format!("{} &plusmn; {}", fixed(mean, d), fixed(half, d))
}

fn run_page(dir: &Path, charts: &[Chart], chosen: &[String]) -> Result<String, Failure> {
    let manifest = read_json(&dir.join("manifest.json"))?;
    let summary = read_json(&dir.join("summary.json"))?;
    let labels = faction_labels(manifest["scenario"].as_str().unwrap_or(""));
    let name = manifest["scenario_name"].as_str().unwrap_or("run").to_string();
    let mut body = String::new();
    let facts = [
        ("scenario", name.clone()),
        ("seed", manifest["seed"].to_string()),
        ("replicate", manifest["replicate"].to_string()),
        ("days", manifest["days"].to_string()),
        ("replicates", manifest.get("replicates").map_or("1".to_string(), |r| r.to_string())),
        ("fingerprint", manifest["fingerprint"].as_str().unwrap_or("").to_string()),
        ("resist", format!("{} ({})", manifest["resist_version"].as_str().unwrap_or(""), manifest["git_commit"].as_str().unwrap_or(""))),
    ];
    facts_table(&mut body, &facts);
    let mut flat = Vec::new();
    resist::sweep::aggregate::flatten("", &summary, &mut flat);
    // Factions numbered in the summary are named by their label, else their name.
    let mut labels = labels;
    for (k, v) in &flat {
        if let Some(number) = k.strip_prefix("factions.").and_then(|k| k.strip_suffix(".name")) {
            let named = labels.get(v).cloned().unwrap_or_else(|| v.clone());
            labels.insert(number.to_string(), named);
        }
    }
    // The chosen outcomes, else the main ones, in the order of the defaults.
    let keys: Vec<&String> = if chosen.is_empty() {
        OUTCOMES.iter().flat_map(|(p, _)| flat.iter().map(|(k, _)| k).filter(move |k| label_pattern(p, k))).collect()
    } else {
        flat.iter().map(|(k, _)| k).filter(|k| chosen.contains(k)).collect()
    };
    let replicates = dir.join("replicates.csv");
    let ensemble = if replicates.is_file() { Some(read_replicates(&replicates)?) } else { None };
    let _ = write!(body, "<h2 id=\"summary\">Summary</h2>");
    let _ = write!(body, "<table class=\"summary\"><tr><th>outcome</th><th>this run</th>");
    if ensemble.is_some() {
        let _ = write!(body, "<th>mean over replicates (95% CI)</th><th>5%</th><th>95%</th>");
    }
    let _ = write!(body, "</tr>");
    for k in &keys {
        let Some((_, v)) = flat.iter().find(|(f, _)| f == *k) else { continue };
        let _ = write!(body, "<tr><td>{}</td><td>{}</td>", esc(&label(k, &labels, false)), esc(&value(v)));
        if let Some(rows) = &ensemble {
            let mut xs: Vec<f64> = rows.iter().filter_map(|r| r.get(*k)).copied().collect();
            xs.sort_by(f64::total_cmp);
            let (mean, half) = resist::chart::sweep::mean_ci(&xs);
            let q = |p: f64| resist::sweep::aggregate::quantile(&xs, p);
            let d = decimals(half, mean);
            let _ = write!(body, "<td>{}</td><td>{}</td><td>{}</td>", mean_pm(mean, half), fixed(q(0.05), d), fixed(q(0.95), d));
        }
        let _ = write!(body, "</tr>");
    }
    let _ = write!(body, "</table>");
    if keys.is_empty() {
        let _ = write!(body, "<p>No headline outcomes in this run's summary; see the full summary below.</p>");
    } else if ensemble.is_some() {
        let _ = write!(body, "<p>Yes-or-no outcomes count 1 for yes: their mean over replicates is the share of replicates.</p>");
    }
    charts_section(&mut body, charts);
    let _ = write!(body, "<h2 id=\"scenario\">Scenario (resolved: every parameter)</h2><pre>{}</pre>", esc(manifest["scenario"].as_str().unwrap_or("")));
    let _ = write!(body, "<details><summary>Full summary ({} values)</summary><table class=\"flat\">", flat.len());
    for (k, v) in &flat {
        let _ = write!(body, "<tr><td>{}</td><td>{}</td></tr>", esc(k), esc(v));
    }
    let _ = write!(body, "</table></details>");
    manifest_section(&mut body, &manifest);
    Ok(page(&format!("{name}: resist report"), &body))
}

/// A run's value as read: yes or no for a boolean, a number as written.
fn value(v: &str) -> String {
    match v {
        "true" => "yes".into(),
        "false" => "no".into(),
        "" | "null" => "-".into(),
        _ => number(v),
    }
}

/// The policies of a policy sweep and what each sets apart from the first:
/// from the resolved scenarios the sweep's manifest holds, if it holds them,
/// else the files the sweep file names.
fn policies_section(body: &mut String, state: &serde_json::Value, manifest: &serde_json::Value, policies: &[String]) {
    let resolved: BTreeMap<String, String> = ["policies", "scenarios"]
        .iter()
        .find_map(|k| manifest[*k].as_object())
        .map(|o| o.iter().filter_map(|(n, v)| v.as_str().or_else(|| v.get("resolved").and_then(|r| r.as_str())).map(|t| (n.clone(), t.to_string()))).collect())
        .unwrap_or_default();
    let files: BTreeMap<String, String> = state["sweep_toml"]
        .as_str()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("policies").and_then(|p| p.as_table()).cloned())
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default();
    let flat = |text: &str| -> BTreeMap<String, String> {
        let mut out = Vec::new();
        if let Ok(t) = text.parse::<toml::Table>()
            && let Ok(v) = serde_json::to_value(&t)
        {
            resist::sweep::aggregate::flatten("", &v, &mut out);
        }
        out.into_iter().filter(|(k, _)| k != "name").collect()
    };
    let _ = write!(
        body,
        "<h2 id=\"design\">Design</h2><table class=\"design\"><tr><th>policy</th><th>scenario</th><th>parameters set apart from {}</th></tr>",
        esc(&policies[0])
    );
    let first = resolved.get(&policies[0]).map(|t| flat(t));
    for p in policies {
        let differs = match (first.as_ref(), resolved.get(p)) {
            (Some(a), Some(t)) => {
                let b = flat(t);
                let keys: Vec<String> = b.iter().filter(|(k, v)| a.get(*k) != Some(v)).map(|(k, v)| format!("{k} = {v}")).collect();
                if keys.is_empty() { "none".to_string() } else { keys.join("; ") }
            }
            _ => "see the scenario file".to_string(),
        };
        let _ = write!(body, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", esc(p), esc(files.get(p).map_or("", |f| f.as_str())), esc(&differs));
    }
    let _ = write!(body, "</table>");
}

fn sweep_page(dir: &Path, charts: &[Chart], args: &ChartArgs, reference: Option<Reference>) -> Result<String, Failure> {
    let state = read_json(&dir.join("sweep.json"))?;
    let manifest = read_json(&dir.join("manifest.json")).unwrap_or(serde_json::Value::Null);
    let points = read_points(&dir.join("runs.csv"), &args.outcomes, BTreeMap::new())?;
    let name = state["name"].as_str().unwrap_or("sweep").to_string();
    let policies = points.policies();
    let sweep_file: toml::Table = state["sweep_toml"].as_str().and_then(|t| t.parse().ok()).unwrap_or_default();
    let setting = |k: &str| sweep_file.get(k).map_or("-".to_string(), |v| v.to_string().trim_matches('"').to_string());
    let mut body = String::new();
    let facts = [
        ("sweep", name.clone()),
        ("design points", state["points"].to_string()),
        ("runs", format!("{} ({} failed)", manifest["runs"], manifest["failed_runs"])),
        ("replicates a point", setting("replicates")),
        ("seed", setting("seed")),
        ("seeding", manifest.get("seeding").and_then(|s| s.as_str()).map_or_else(|| setting("seeding"), str::to_string)),
        ("swept parameters", if points.keys.is_empty() { "none: policies only".to_string() } else { points.keys.join(", ") }),
        ("policies", policies.join(", ")),
        ("fingerprint", manifest["fingerprint"].as_str().unwrap_or("").to_string()),
        ("resist", format!("{} ({})", manifest["resist_version"].as_str().unwrap_or(""), manifest["git_commit"].as_str().unwrap_or(""))),
    ];
    facts_table(&mut body, &facts);
    if policies.len() > 1 {
        policies_section(&mut body, &state, &manifest, &policies);
    }
    let outs = charted(&points, &args.choice());
    let _ = write!(
        body,
        "<h2 id=\"summary\">Summary by design point</h2><p>Mean &plusmn; half the 95% confidence interval over each point's replicates, to the decimals the interval allows. \
Outcomes: {}. {}</p>",
        if args.outcomes.is_empty() { "those the design changes (their means differ between points more than between replicates)" } else { "as chosen" },
        if outs.is_empty() { "None differs between points more than between replicates: `--all-outcomes` lists them all." } else { "" }
    );
    let _ = write!(body, "<div class=\"wide\"><table class=\"summary\"><tr><th>point</th><th>policy</th>");
    for k in &points.keys {
        let _ = write!(body, "<th>{}</th>", esc(k));
    }
    let _ = write!(body, "<th>runs</th>");
    for (_, l) in &outs {
        let _ = write!(body, "<th>{}</th>", esc(l));
    }
    let _ = write!(body, "</tr>");
    for p in points.points.iter().take(MAX_ROWS) {
        let _ = write!(body, "<tr><td>{}</td><td>{}</td>", p.point, esc(&p.policy));
        for v in &p.params {
            let _ = write!(body, "<td>{}</td>", resist::chart::short(*v));
        }
        let _ = write!(body, "<td>{}</td>", p.outcomes.values().map(|m| m.n).max().unwrap_or(0));
        for (k, _) in &outs {
            let cell = p.outcomes.get(k).filter(|m| m.n > 0).map_or("-".to_string(), |m| mean_pm(m.mean, m.half()));
            let _ = write!(body, "<td>{cell}</td>");
        }
        let _ = write!(body, "</tr>");
    }
    let _ = write!(body, "</table></div>");
    if points.points.len() > MAX_ROWS {
        let _ = write!(body, "<p>The first {MAX_ROWS} of {} design points; all are in runs.csv.</p>", points.points.len());
    }
    if let Some(reference) = reference {
        comparisons_section(&mut body, dir, &outs, &points, &reference)?;
    }
    charts_section(&mut body, charts);
    let _ = write!(body, "<h2 id=\"scenario\">Sweep file</h2><pre>{}</pre>", esc(state["sweep_toml"].as_str().unwrap_or("")));
    manifest_section(&mut body, &manifest);
    Ok(page(&format!("{name}: resist sweep report"), &body))
}

/// The paired differences of comparisons.csv for the charted outcomes: a row a compared point.
fn comparisons_section(
    body: &mut String,
    dir: &Path,
    outs: &[(String, String)],
    points: &resist::chart::sweep::Points,
    reference: &Reference,
) -> Result<(), Failure> {
    let rows = super::compare::read(&dir.join("comparisons.csv"), |k| outs.iter().any(|(o, _)| o == k))?;
    let against = match reference {
        Reference::Policy(_, name) => format!("policy {name}: each point against the {name} point with the same swept values"),
        Reference::Point(p) => format!("design point {p}: every other point against it"),
    };
    let _ = write!(
        body,
        "<h2 id=\"comparisons\">Paired comparisons</h2><p>Reference: {}. Each cell: the mean over replicates of (this point &minus; its reference), replicate r paired with replicate r, \
and the 95% t interval of that mean; <strong>bold</strong> where the interval excludes 0. All outcomes are in comparisons.csv (choose the reference with <code>--reference</code>).</p>",
        esc(&against)
    );
    let _ = write!(body, "<div class=\"wide\"><table class=\"comparisons\"><tr><th>point</th><th>policy</th>");
    for k in &points.keys {
        let _ = write!(body, "<th>{}</th>", esc(k));
    }
    let _ = write!(body, "<th>pairs</th>");
    for (_, l) in outs {
        let _ = write!(body, "<th>{}</th>", esc(l));
    }
    let _ = write!(body, "</tr>");
    let mut compared: Vec<usize> = rows.iter().map(|r| r.point).collect();
    compared.dedup();
    for p in compared.iter().take(MAX_ROWS) {
        let mine: Vec<&super::compare::Comparison> = rows.iter().filter(|r| r.point == *p).collect();
        let _ = write!(body, "<tr><td>{p}</td><td>{}</td>", esc(&mine[0].policy));
        if let Some(summary) = points.points.iter().find(|x| x.point == *p) {
            for v in &summary.params {
                let _ = write!(body, "<td>{}</td>", resist::chart::short(*v));
            }
        }
        let _ = write!(body, "<td>{}</td>", mine.iter().filter_map(|r| r.difference.map(|d| d.n)).max().unwrap_or(0));
        for (k, _) in outs {
            let cell = match mine.iter().find(|r| &r.outcome == k).and_then(|r| r.difference) {
                None => "-".to_string(),
                Some(d) if !(d.half.is_finite() && d.half > 0.0) => {
                    let dd = decimals(f64::NAN, d.mean.abs().max(d.mean_reference.abs()));
                    format!("{}{}", if d.mean > 0.0 { "+" } else { "" }, fixed(d.mean, dd))
                }
                Some(d) => {
                    let dd = decimals(d.half, d.mean);
                    let text = format!(
                        "{}{} [{}, {}]",
                        if d.mean > 0.0 { "+" } else { "" },
                        fixed(d.mean, dd),
                        fixed(d.mean - d.half, dd),
                        fixed(d.mean + d.half, dd)
                    );
                    if d.mean - d.half > 0.0 || d.mean + d.half < 0.0 { format!("<strong>{text}</strong>") } else { text }
                }
            };
            let _ = write!(body, "<td>{cell}</td>");
        }
        let _ = write!(body, "</tr>");
    }
    let _ = write!(body, "</table></div>");
    if compared.len() > MAX_ROWS {
        let _ = write!(body, "<p>The first {MAX_ROWS} of {} compared points; all are in comparisons.csv.</p>", compared.len());
    }
    Ok(())
}

/// replicates.csv (the shape of runs.csv without the design columns): each replicate's numeric outcomes.
fn read_replicates(path: &Path) -> Result<Vec<BTreeMap<String, f64>>, Failure> {
    let mut r = csv::Reader::from_path(path).map_err(|e| io_failure(anyhow::anyhow!("cannot read {}: {e}", path.display())))?;
    let h: Vec<String> = r.headers().map_err(|e| io_failure(e.into()))?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| io_failure(e.into()))?;
        rows.push(h.iter().zip(rec.iter()).filter_map(|(k, v)| outcome_value(v).map(|x| (k.clone(), x))).collect());
    }
    Ok(rows)
}

fn facts_table(body: &mut String, facts: &[(&str, String)]) {
    let _ = write!(body, "<table class=\"facts\">");
    for (k, v) in facts {
        let _ = write!(body, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    let _ = write!(body, "</table>");
}

fn charts_section(body: &mut String, charts: &[Chart]) {
    let _ = write!(body, "<h2 id=\"charts\">Charts</h2>");
    for c in charts {
        let _ = write!(
            body,
            "<figure class=\"chart\" id=\"chart-{}\"><figcaption>{}</figcaption>{}<p class=\"files\">charts/{}.svg, charts/{}.png</p></figure>",
            esc(&c.name),
            esc(&c.title),
            strip_prolog(&c.svg),
            esc(&c.name),
            esc(&c.name)
        );
    }
}

fn manifest_section(body: &mut String, manifest: &serde_json::Value) {
    let mut m = manifest.clone();
    // The scenario and sweep text are shown above; the manifest without them stays short.
    if let Some(o) = m.as_object_mut() {
        for k in ["scenario", "sweep_toml"] {
            if o.contains_key(k) {
                o.insert(k.to_string(), serde_json::Value::String("(shown above)".into()));
            }
        }
    }
    let text = serde_json::to_string_pretty(&m).unwrap_or_default();
    let _ = write!(body, "<h2 id=\"manifest\">Manifest</h2><pre>{}</pre>", esc(&text));
}

/// An inline SVG without an XML prolog, if plotters wrote one.
fn strip_prolog(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |k| &svg[k..])
}

fn page(title: &str, body: &str) -> String {
    let font = base64(resist::chart::style::FONT_BYTES);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\n<style>\n\
@font-face {{ font-family: 'DejaVu Sans'; src: url(data:font/ttf;base64,{font}) format('truetype'); }}\n\
body {{ font-family: 'DejaVu Sans', sans-serif; margin: 2em auto; max-width: 1160px; color: #1e1e1e; line-height: 1.4; }}\n\
h1 {{ font-size: 1.6em; }} h2 {{ margin-top: 2em; border-bottom: 1px solid #ccc; }}\n\
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }} th, td {{ padding: 0.25em 0.7em; border-bottom: 1px solid #e4e4e4; text-align: left; }}\n\
td {{ font-variant-numeric: tabular-nums; }} table.facts th {{ width: 9em; }}\n\
figure.chart {{ margin: 1.5em 0; }} figure.chart svg {{ max-width: 100%; height: auto; display: block; }}\n\
figcaption {{ font-weight: bold; margin-bottom: 0.4em; }} p.files {{ color: #666; font-size: 0.8em; }}\n\
pre {{ background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.8em; }}\n\
nav a {{ margin-right: 1em; }} div.wide {{ overflow-x: auto; }} th {{ vertical-align: bottom; }}\n</style></head>\n<body><h1>{t}</h1>\n<nav><a href=\"#summary\">Summary</a><a href=\"#comparisons\">Comparisons</a><a href=\"#charts\">Charts</a><a href=\"#scenario\">Scenario</a><a href=\"#manifest\">Manifest</a></nav>\n{body}\n\
<footer><p>Made by resist {v}. This page is self-contained: no scripts, no network.</p></footer></body></html>\n",
        t = esc(title),
        v = env!("CARGO_PKG_VERSION"),
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn number(v: &str) -> String {
    v.parse::<f64>().map_or_else(|_| v.to_string(), |x| fixed(x, if x == x.trunc() { 0 } else { decimals(f64::NAN, x) }))
}

/// Standard base64 (RFC 4648) for the embedded font.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc_4648_examples() {
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(super::base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(super::base64(b"foob"), "Zm9vYg==");
    }
}
