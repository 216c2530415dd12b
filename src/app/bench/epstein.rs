//! `resist bench` for Epstein's model: agent-steps a second at several grid
//! sizes, and a whole run at 40 x 40 against Mesa's example.

use super::*;

#[derive(Serialize, Debug)]
pub(super) struct EpsteinRow {
    width: u32,
    agents: usize,
    steps: u32,
    repeats: usize,
    build_s: Spread,
    steps_s: Spread,
    agent_steps_per_s: Spread,
    bytes_per_agent: f64,
    rss: Rss,
    target: Target,
}

/// A whole run at 40 x 40 as `resist run` does it: building, stepping with
/// the records and events, then rendering the output files and their
/// fingerprint (not writing them).
#[derive(Serialize, Debug)]
pub(super) struct WholeRunRow {
    width: u32,
    agents: usize,
    steps: u32,
    repeats: usize,
    seconds: Spread,
    agent_steps_per_s: Spread,
    /// Per second of this thread's own CPU time (Linux), so that other work on
    /// the machine does not count against it.
    agent_steps_per_cpu_s: Option<Spread>,
    times_mesa: f64,
    target: Target,
}

pub(super) fn epstein_all(args: &BenchArgs, scenarios: &[Scenario], report: &mut Report) -> Result<(), Failure> {
    crate::outln!()?;
    crate::outln!("Epstein's model: scenarios/epstein.toml with `width` set to each size (a width x width torus); one thread")?;
    crate::outln!(
        "{:>6} {:>10} {:>5} {:>4} {:>8} {:>22} {:>20} {:>8} {:>9}  target",
        "width",
        "agents",
        "steps",
        "reps",
        "build s",
        "steps s",
        "agent-steps/s",
        "B/agent",
        "peak RSS"
    )?;
    for s in scenarios {
        let width = s.epstein.width as u32;
        let mut agents = 0;
        let mut bytes = 0.0;
        let mut steps = 0;
        let (samples, peak) = measured(|| {
            repeat(args.repeats, || {
                let t0 = Instant::now();
                let mut m = resist::epstein::Model::new(&s.epstein, RunKey::new(s.seed, 0));
                let t1 = Instant::now();
                agents = m.agents();
                bytes = m.bytes_per_agent();
                let cut = (EPSTEIN_AGENT_STEPS / agents.max(1) as u64).clamp(u64::from(MIN_STEPS), u64::from(s.days)) as u32;
                steps = args.days.unwrap_or(cut);
                for _ in 0..steps {
                    if was_interrupted() {
                        return Err(interrupted());
                    }
                    m.step();
                }
                let t2 = Instant::now();
                drop(black_box(m));
                Ok(Sample { build: (t1 - t0).as_secs_f64(), run: (t2 - t1).as_secs_f64() })
            })
        })?;
        let build: Vec<f64> = samples.iter().map(|x| x.build).collect();
        let run: Vec<f64> = samples.iter().map(|x| x.run).collect();
        let rates: Vec<f64> = run.iter().map(|t| agents as f64 * f64::from(steps) / t).collect();
        let agent_steps_per_s = Spread::of(&rates);
        let row = EpsteinRow {
            width,
            agents,
            steps,
            repeats: samples.len(),
            build_s: Spread::of(&build),
            steps_s: Spread::of(&run),
            agent_steps_per_s,
            bytes_per_agent: bytes,
            rss: peak,
            target: Target { want: format!(">= {}/s", rate(EPSTEIN_RATE)), met: agent_steps_per_s.median >= EPSTEIN_RATE },
        };
        crate::outln!(
            "{:>6} {:>10} {:>5} {:>4} {:>8} {:>22} {:>20} {:>8.1} {:>9}  {}",
            row.width,
            count(row.agents as u64),
            row.steps,
            row.repeats,
            secs(row.build_s.median),
            row.steps_s.show(secs),
            row.agent_steps_per_s.show(rate),
            row.bytes_per_agent,
            row.rss.peak_bytes.map_or("-".into(), mem),
            show_target(Some(&row.target))
        )?;
        report.epstein.push(row);
    }
    let points: Vec<(u64, f64)> = report.epstein.iter().map(|r| (r.agents as u64, r.steps_s.median / f64::from(r.steps))).collect();
    report.epstein_growth = growth(&points, "agents", "time a step", false)?;
    Ok(())
}

/// A whole run of the 40 x 40 scenario, if it is among the sizes: the
/// per-step costs beside the model's own (records, events, output) count.
pub(super) fn epstein_whole_run(args: &BenchArgs, scenarios: &[Scenario], report: &mut Report) -> Result<(), Failure> {
    let Some(s) = scenarios.iter().find(|s| s.epstein.width == 40) else { return Ok(()) };
    let steps = args.days.unwrap_or(WHOLE_RUN_STEPS);
    let mut agents = 0;
    let mut cpu = Vec::new();
    let samples = repeat(Some(args.repeats.unwrap_or(3)), || {
        let (t0, c0) = (Instant::now(), thread_cpu_s());
        let mut m = resist::epstein::Model::new(&s.epstein, RunKey::new(s.seed, 0));
        agents = m.agents();
        for _ in 0..steps {
            if was_interrupted() {
                return Err(interrupted());
            }
            m.step();
        }
        let rendered = resist::render::Rendered::of_outcome(s, &resist::sim::Outcome::Epstein(m.finish()));
        black_box(rendered);
        let (t1, c1) = (Instant::now(), thread_cpu_s());
        if let (Some(a), Some(b)) = (c0, c1) {
            cpu.push(b - a);
        }
        Ok(Sample { build: 0.0, run: (t1 - t0).as_secs_f64() })
    })?;
    let work = agents as f64 * f64::from(steps);
    let run: Vec<f64> = samples.iter().map(|x| x.run).collect();
    let per_s = Spread::of(&run.iter().map(|t| work / t).collect::<Vec<f64>>());
    let per_cpu_s = (cpu.len() == run.len() && cpu.iter().all(|&c| c > 0.0)).then(|| Spread::of(&cpu.iter().map(|t| work / t).collect::<Vec<f64>>()));
    let best = per_cpu_s.as_ref().map_or(per_s.median, |c| c.median);
    let want = MESA_40_RATE * MESA_TIMES;
    let row = WholeRunRow {
        width: 40,
        agents,
        steps,
        repeats: run.len(),
        seconds: Spread::of(&run),
        agent_steps_per_s: per_s,
        agent_steps_per_cpu_s: per_cpu_s,
        times_mesa: best / MESA_40_RATE,
        target: Target { want: format!(">= {}/s ({MESA_TIMES}x Mesa's {})", rate(want), rate(MESA_40_RATE)), met: best >= want },
    };
    println!(
        "whole run at 40 x 40 ({} agents, {steps} steps, records, events and output rendered; {} repeats): {} agent-steps/s, {} per CPU-second of the thread: {:.0}x Mesa 3.3.1's {}/s  {}",
        count(agents as u64),
        row.repeats,
        row.agent_steps_per_s.show(rate),
        row.agent_steps_per_cpu_s.as_ref().map_or("-".into(), |c| c.show(rate)),
        row.times_mesa,
        rate(MESA_40_RATE),
        show_target(Some(&row.target))
    );
    report.epstein_whole_run = Some(row);
    Ok(())
}

/// This thread's CPU time in seconds, from the kernel's scheduler statistics
/// (Linux; None elsewhere).
pub(super) fn thread_cpu_s() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
