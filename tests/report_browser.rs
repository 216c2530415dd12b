//! The report in a real browser: headless Chromium (Debian's `chromium`,
//! which .ci/run installs when missing) loads index.html from disk with no
//! network, and the page holds and shows every chart.
//!
//! Without Chromium on the machine this test says so and passes, except under
//! CI (the `CI` variable set), where a missing browser fails it.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("RESIST_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"].iter().flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name))).find(|p| p.is_file())
}

/// Run Chromium headless on a fresh profile, with everything that would
/// reach the network switched off; give up after two minutes.
fn headless(browser: &Path, profile: &Path, args: &[String]) -> Vec<u8> {
    let mut child = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-default-apps", "--disable-sync", "--disable-extensions"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut out = Vec::new();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let _ = stdout.read_to_end(&mut out);
        out
    });
    for _ in 0..1200 {
        if child.try_wait().unwrap().is_some() {
            return reader.join().unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("chromium did not finish within two minutes: {args:?}");
}

#[test]
fn the_report_loads_every_chart_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI needs Chromium for this test: .ci/run installs Debian's chromium");
        eprintln!("SKIPPED: no chromium on this machine (apt-get install chromium, or set RESIST_CHROMIUM)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let town = root().join("tests/data/sweep/town.toml").display().to_string();
    let grid = root().join("tests/data/charts/grid.toml").display().to_string();
    // Three swept parameters crossed with two policies.
    let grid3 = root().join("tests/data/charts/grid3.toml").display().to_string();
    for (args, dir) in [
        (vec!["run", &town, "--days", "150", "--replicates", "3", "--out", "run"], "run"),
        (vec!["sweep", &grid, "--out", "grid"], "grid"),
        (vec!["sweep", &grid3, "--out", "grid3"], "grid3"),
    ] {
        let o = resist(tmp.path(), &args, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = resist(tmp.path(), &["report", dir], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        let dir = tmp.path().join(dir);
        let charts = fs::read_dir(dir.join("charts")).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "svg")).count();
        assert!(charts >= 2, "{charts} charts");
        let url = format!("file://{}", dir.join("report/index.html").display());

        // The DOM the browser built: one figure and one parsed svg element per chart.
        let dom = String::from_utf8_lossy(&headless(&browser, &tmp.path().join("profile-dom"), &["--dump-dom".into(), url.clone()])).into_owned();
        assert!(dom.contains("</html>"), "no page in the DOM dump: {}", &dom[..dom.len().min(300)]);
        assert_eq!(dom.matches("<figure class=\"chart\"").count(), charts, "figures in the DOM");
        assert_eq!(dom.matches("<svg").count(), charts, "svg elements in the DOM");
        if dir.ends_with("grid3") {
            // The paired comparisons and the per-point table reached the page.
            assert!(dom.contains("id=\"comparisons\"") && dom.contains("Reference: policy base"), "no paired comparisons in the DOM");
            assert!(dom.contains("<th>amnesty.credibility</th>"), "the third parameter is not in the tables");
        }

        // The screenshot shows the page with charts drawn: coloured pixels come only from charts.
        let shot = tmp.path().join("shot.png");
        let _ = fs::remove_file(&shot);
        headless(&browser, &tmp.path().join("profile-shot"), &["--window-size=1280,5000".into(), format!("--screenshot={}", shot.display()), url]);
        let bytes = fs::read(&shot).expect("chromium wrote a screenshot");
        let mut reader = png::Decoder::new(bytes.as_slice()).read_info().expect("a PNG screenshot");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let px: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
        let inked = px.iter().filter(|p| p[..3].iter().any(|&c| c < 200)).count() as f64 / px.len() as f64;
        let coloured = px.iter().filter(|p| p[..3].iter().max().unwrap() - p[..3].iter().min().unwrap() > 60).count() as f64 / px.len() as f64;
        assert!(inked > 0.02, "the screenshot is blank: {:.2}% ink", 100.0 * inked);
        assert!(coloured > 0.005, "{}: no chart visible in the screenshot: {:.3}% coloured pixels", dir.display(), 100.0 * coloured);
    }
}
