//! `resist bench --region`: the region's speed (issue 16). North-east Syria
//! at a tenth, three tenths and all of its size (people, the camp, the
//! prisons and the faction's fighters scaled together), each for its six
//! years, for the growth of time with people; the shipped scenario on a
//! pool of one thread against its target (under a minute a replicate on one
//! core); and with `--full` the Iraq scenario, 10,000,000 people in 100
//! towns and five camps for five years (under 5 minutes on 2 cores and
//! 16 GB). Both scenarios are compiled in.

use anyhow::anyhow;

use resist::scenario::{Layer, Scenario, Sources};

use super::{Failure, Report, ResistRow, Spread, Target, bad_input, growth, print_resist, timed_replicates};

const NE_SYRIA: &str = include_str!("../../../scenarios/northeast-syria-2019.toml");
const IRAQ: &str = include_str!("../../../scenarios/iraq-2022.toml");
/// Targets of issue 16.
const NE_SYRIA_SECONDS: f64 = 60.0;
const IRAQ_SECONDS: f64 = 300.0;
const IRAQ_BYTES: f64 = 16e9;
/// Scales of north-east Syria for the growth exponent.
const SCALES: [f64; 3] = [0.1, 0.3, 1.0];

/// North-east Syria with its people scaled by `k`.
fn ne_syria(k: f64, days: Option<u32>) -> Result<Scenario, Failure> {
    let scaled = |n: f64| (n * k).round().max(1.0);
    let mut text = format!(
        "[region.generated_towns]\npeople_mean = {:.1}\n[region.camps.al_hol]\ncapacity = {}\npeople = {}\n[factions.isis]\nstrength_elsewhere = {}\n",
        scaled(25_000.0),
        scaled(73_000.0),
        scaled(60_000.0),
        scaled(2_000.0)
    );
    for (name, capacity, people) in [("hasakeh", 5_000.0, 4_000.0), ("north", 4_000.0, 3_000.0), ("south", 4_000.0, 3_000.0)] {
        text.push_str(&format!("[region.prisons.{name}]\ncapacity = {}\npeople = {}\n", scaled(capacity), scaled(people)));
    }
    // Its approaches across the region and the security forces scale with it (as tests/data/region-small.toml).
    text.push_str(&format!("[factions.isis.campaign]\napproaches_per_week = {}\n[government]\nforces = {}\n", 1.0 * k, scaled(20_000.0)));
    // A top-level key goes before the first table, or it would land in the last.
    if let Some(d) = days {
        text.insert_str(0, &format!("days = {d}\n"));
    }
    scenario("scenarios/northeast-syria-2019.toml", NE_SYRIA, &text)
}

fn scenario(name: &str, base: &str, over: &str) -> Result<Scenario, Failure> {
    let fail = |e: resist::scenario::ScenarioError| bad_input(anyhow!("resist bench --region: {e}"));
    let layers = vec![Layer::parse("resist bench --region", over.to_string()).map_err(fail)?, Layer::parse(name, base.to_string()).map_err(fail)?];
    Scenario::from_sources(&Sources { layers }).map_err(fail)
}

/// One replicate of a region, built and run for its days, `repeats` times.
fn region_case(s: &Scenario, repeats: Option<u32>, target: impl Fn(&Spread, Option<u64>) -> Option<Target>) -> Result<ResistRow, Failure> {
    let days = s.days;
    let (samples, peak, people, heap) = timed_replicates(s, days, Some(repeats.unwrap_or(1)))?;
    let build: Vec<f64> = samples.iter().map(|x| x.build).collect();
    let simulate: Vec<f64> = samples.iter().map(|x| x.run).collect();
    let total: Vec<f64> = samples.iter().map(|x| x.build + x.run).collect();
    let rates: Vec<f64> = simulate.iter().map(|t| f64::from(people) * f64::from(days) / t).collect();
    let total_s = Spread::of(&total);
    Ok(ResistRow {
        case: "region",
        people,
        days,
        repeats: samples.len(),
        build_s: Spread::of(&build),
        simulate_s: Spread::of(&simulate),
        target: target(&total_s, peak.peak_bytes),
        total_s,
        person_days_per_s: Spread::of(&rates),
        heap_bytes_per_person: heap,
        rss: peak,
    })
}

pub(super) fn region_all(repeats: Option<u32>, days: Option<u32>, full: bool, threads: usize, report: &mut Report) -> Result<(), Failure> {
    crate::outln!()?;
    crate::outln!("region: scenarios/northeast-syria-2019.toml at 0.1, 0.3 and 1 of its people (camp, prisons and fighters scaled too), each for its days;")?;
    crate::outln!("the shipped one again on one thread (its target); with --full, scenarios/iraq-2022.toml (10,000,000 people, 100 towns, 5 camps)")?;
    let mut rows = Vec::new();
    for k in SCALES {
        let s = ne_syria(k, days)?;
        let row = region_case(&s, repeats, |_, _| None)?;
        print_resist(&row)?;
        rows.push(row);
    }
    let points: Vec<(u64, f64)> = rows.iter().map(|r| (u64::from(r.people), r.simulate_s.median / f64::from(r.days))).collect();
    report.region_growth = growth(&points, "people", "time a day", true)?;
    let shipped = ne_syria(1.0, days)?;
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().map_err(|e| bad_input(anyhow!("cannot start a thread pool: {e}")))?;
    let six_years = shipped.days == 2190;
    let row = one.install(|| {
        region_case(&shipped, repeats, |t, _| {
            six_years.then(|| Target { want: format!("< {NE_SYRIA_SECONDS} s on one thread"), met: t.median < NE_SYRIA_SECONDS })
        })
    })?;
    crate::outln!("north-east Syria on one thread:")?;
    print_resist(&row)?;
    rows.push(row);
    if full {
        let mut over = String::new();
        if let Some(d) = days {
            over.push_str(&format!("days = {d}\n"));
        }
        let iraq = scenario("scenarios/iraq-2022.toml", IRAQ, &over)?;
        let on = if threads == 2 { String::new() } else { format!(" (measured on {threads})") };
        let five_years = iraq.days == 1825;
        let row = region_case(&iraq, repeats, |t, peak| {
            five_years.then(|| Target {
                want: format!("< {IRAQ_SECONDS} s on 2 cores{on}, < {} GB", IRAQ_BYTES / 1e9),
                met: t.median < IRAQ_SECONDS && peak.is_some_and(|p| (p as f64) < IRAQ_BYTES),
            })
        })?;
        crate::outln!("Iraq, 10,000,000 people in 100 towns and 5 camps:")?;
        print_resist(&row)?;
        rows.push(row);
    }
    report.region = rows;
    Ok(())
}
