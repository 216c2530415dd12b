//! `resist report DIR`: one HTML file, DIR/report/index.html, that opens
//! offline: the manifest (seed, version, fingerprint), a summary table, every
//! chart as inline SVG, and the scenario as resolved. Nothing is fetched: the
//! charts' font is embedded as a data URL, and there are no scripts.
#![allow(clippy::disallowed_methods)]

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;
use resist::chart::Chart;
use resist::chart::sweep::{OUTCOMES, mean_ci};

use super::cli::{EXIT_OK, Failure, io_failure};
use super::files::write_atomic;
use super::plot::{Kind, draw, kind, outcome_value, read_json, read_runs};

pub fn report(dir: &Path, outcomes: &[String]) -> Result<u8, Failure> {
    let charts = draw(dir, outcomes)?;
    // The page first: a directory whose summary cannot be read gets no charts either.
    let html = match kind(dir)? {
        Kind::Run => run_page(dir, &charts)?,
        Kind::Sweep => sweep_page(dir, &charts)?,
    };
    super::plot::write(dir, &charts)?;
    let out = dir.join("report");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display())).map_err(io_failure)?;
    let path = out.join("index.html");
    write_atomic(&path, html.as_bytes())?;
    eprintln!("wrote {} ({} charts, {} KB); it opens offline", path.display(), charts.len(), html.len() / 1024);
    Ok(EXIT_OK)
}

fn run_page(dir: &Path, charts: &[Chart]) -> Result<String, Failure> {
    let manifest = read_json(&dir.join("manifest.json"))?;
    let summary = read_json(&dir.join("summary.json"))?;
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
    let _ = write!(body, "<h2 id=\"summary\">Summary</h2>");
    let headline: Vec<(String, String)> =
        OUTCOMES.iter().filter_map(|(k, label)| flat.iter().find(|(f, _)| f == k).map(|(_, v)| (label.to_string(), v.clone()))).collect();
    let _ = write!(body, "<table class=\"summary\"><tr><th>outcome</th><th>this run</th>");
    let replicates = dir.join("replicates.csv");
    let ensemble = if replicates.is_file() { Some(read_replicates(&replicates)?) } else { None };
    if ensemble.is_some() {
        let _ = write!(body, "<th>mean over replicates</th><th>5%</th><th>95%</th>");
    }
    let _ = write!(body, "</tr>");
    for (k, label) in OUTCOMES {
        let Some((_, v)) = flat.iter().find(|(f, _)| f == k) else { continue };
        let _ = write!(body, "<tr><td>{}</td><td>{}</td>", esc(label), esc(&number(v)));
        if let Some(rows) = &ensemble {
            let mut xs: Vec<f64> = rows.iter().filter_map(|r| r.outcomes.get(k)).copied().collect();
            xs.sort_by(f64::total_cmp);
            let mean = if xs.is_empty() { f64::NAN } else { xs.iter().sum::<f64>() / xs.len() as f64 };
            let q = |p: f64| resist::sweep::aggregate::quantile(&xs, p);
            let _ = write!(body, "<td>{}</td><td>{}</td><td>{}</td>", fmt(mean), fmt(q(0.05)), fmt(q(0.95)));
        }
        let _ = write!(body, "</tr>");
    }
    let _ = write!(body, "</table>");
    if headline.is_empty() {
        let _ = write!(body, "<p>No headline outcomes in this run's summary; see the full summary below.</p>");
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

fn sweep_page(dir: &Path, charts: &[Chart]) -> Result<String, Failure> {
    let state = read_json(&dir.join("sweep.json"))?;
    let manifest = read_json(&dir.join("manifest.json")).unwrap_or(serde_json::Value::Null);
    let runs = read_runs(&dir.join("runs.csv"))?;
    let name = state["name"].as_str().unwrap_or("sweep").to_string();
    let mut body = String::new();
    let facts = [
        ("sweep", name.clone()),
        ("design points", state["points"].to_string()),
        ("runs", format!("{} ({} failed)", manifest["runs"], manifest["failed_runs"])),
        ("parameters", runs.keys.join(", ")),
        ("fingerprint", manifest["fingerprint"].as_str().unwrap_or("").to_string()),
        ("resist", format!("{} ({})", manifest["resist_version"].as_str().unwrap_or(""), manifest["git_commit"].as_str().unwrap_or(""))),
    ];
    facts_table(&mut body, &facts);
    let outs: Vec<(String, String)> = resist::chart::sweep::charted(&runs, &[]).into_iter().take(6).collect();
    let _ = write!(body, "<h2 id=\"summary\">Summary by design point</h2><p>Mean and 95% confidence interval over each point's replicates.</p>");
    let _ = write!(body, "<table class=\"summary\"><tr><th>point</th><th>policy</th>");
    for k in &runs.keys {
        let _ = write!(body, "<th>{}</th>", esc(k));
    }
    let _ = write!(body, "<th>runs</th>");
    for (_, label) in &outs {
        let _ = write!(body, "<th>{}</th>", esc(label));
    }
    let _ = write!(body, "</tr>");
    let mut points: Vec<usize> = runs.rows.iter().map(|r| r.point).collect();
    points.dedup();
    for p in points {
        let rows: Vec<_> = runs.rows.iter().filter(|r| r.point == p).collect();
        let _ = write!(body, "<tr><td>{p}</td><td>{}</td>", esc(&rows[0].policy));
        for v in &rows[0].params {
            let _ = write!(body, "<td>{}</td>", fmt(*v));
        }
        let _ = write!(body, "<td>{}</td>", rows.len());
        for (k, _) in &outs {
            let xs: Vec<f64> = rows.iter().filter_map(|r| r.outcomes.get(k)).copied().collect();
            let (mean, half) = mean_ci(&xs);
            let cell = match xs.len() {
                0 => "-".to_string(),
                1 => fmt(mean),
                _ => format!("{} &plusmn; {}", fmt(mean), fmt(half)),
            };
            let _ = write!(body, "<td>{cell}</td>");
        }
        let _ = write!(body, "</tr>");
    }
    let _ = write!(body, "</table>");
    charts_section(&mut body, charts);
    let _ = write!(body, "<h2 id=\"scenario\">Sweep file</h2><pre>{}</pre>", esc(state["sweep_toml"].as_str().unwrap_or("")));
    manifest_section(&mut body, &manifest);
    Ok(page(&format!("{name}: resist sweep report"), &body))
}

fn read_replicates(path: &Path) -> Result<Vec<resist::chart::sweep::RunRow>, Failure> {
    // replicates.csv has the shape of runs.csv without the design columns.
    let mut r = csv::Reader::from_path(path).map_err(|e| io_failure(anyhow::anyhow!("cannot read {}: {e}", path.display())))?;
    let h: Vec<String> = r.headers().map_err(|e| io_failure(e.into()))?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| io_failure(e.into()))?;
        let outcomes = h.iter().zip(rec.iter()).filter_map(|(k, v)| outcome_value(v).map(|x| (k.clone(), x))).collect();
        rows.push(resist::chart::sweep::RunRow { point: 0, policy: String::new(), params: Vec::new(), outcomes });
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
nav a {{ margin-right: 1em; }}\n</style></head>\n<body><h1>{t}</h1>\n<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a><a href=\"#scenario\">Scenario</a><a href=\"#manifest\">Manifest</a></nav>\n{body}\n\
<footer><p>Made by resist {v}. This page is self-contained: no scripts, no network.</p></footer></body></html>\n",
        t = esc(title),
        v = env!("CARGO_PKG_VERSION"),
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn number(v: &str) -> String {
    v.parse::<f64>().map_or_else(|_| v.to_string(), fmt)
}

fn fmt(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v == v.trunc() && v.abs() < 1e12 {
        format!("{v:.0}")
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
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
