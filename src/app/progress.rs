//! Progress of long runs, ensembles and sweeps on stderr. On a terminal, a
//! bar (as it always was). Off one (nohup, a SLURM job's log, CI), a plain
//! line every few seconds: how much is done, the rate, and the time left;
//! and a summary line at the end. `--quiet` turns both off. The interval is
//! 10 seconds, or `RESIST_PROGRESS_SECONDS` (0: a line at every step).
#![allow(clippy::disallowed_methods)] // the clock, for rates and intervals

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seconds between lines off a terminal, unless `RESIST_PROGRESS_SECONDS` says otherwise.
const EVERY: f64 = 10.0;

/// Progress as a terminal bar, plain log lines, or nothing.
pub struct Progress {
    kind: Kind,
}

enum Kind {
    Bar(indicatif::ProgressBar),
    Lines(Mutex<Lines>),
    Quiet,
}

struct Lines {
    what: String,
    unit: &'static str,
    total: u64,
    /// Done before this command started (a resumed sweep's finished points): not counted in the rate.
    already: u64,
    done: u64,
    /// Design points done, for a sweep (`None` for runs and ensembles).
    points: Option<(u64, u64)>,
    started: Instant,
    last: Instant,
    every: Duration,
}

impl Progress {
    /// Progress over `total` units (`already` of them done before), named
    /// `what` in log lines; `quiet` shows none.
    pub fn new(what: &str, total: u64, already: u64, unit: &'static str, quiet: bool) -> Progress {
        if quiet {
            return Progress { kind: Kind::Quiet };
        }
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total + already);
            bar.set_style(
                indicatif::ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {unit}, {{per_sec}}, {{eta}} left")).expect("a valid template"),
            );
            bar.set_position(already);
            return Progress { kind: Kind::Bar(bar) };
        }
        let every = std::env::var("RESIST_PROGRESS_SECONDS").ok().and_then(|s| s.parse::<f64>().ok()).filter(|s| s.is_finite() && *s >= 0.0).unwrap_or(EVERY);
        let now = Instant::now();
        Progress {
            kind: Kind::Lines(Mutex::new(Lines {
                what: what.to_string(),
                unit,
                total: total + already,
                already,
                done: already,
                points: None,
                started: now,
                last: now,
                every: Duration::from_secs_f64(every),
            })),
        }
    }

    /// Count design points in the log lines too: `done` of `of` already.
    pub fn with_points(self, done: u64, of: u64) -> Progress {
        if let Kind::Lines(l) = &self.kind {
            l.lock().unwrap_or_else(|e| e.into_inner()).points = Some((done, of));
        }
        self
    }

    /// `n` more units done.
    pub fn inc(&self, n: u64) {
        match &self.kind {
            Kind::Bar(b) => b.inc(n),
            Kind::Lines(l) => {
                let mut l = l.lock().unwrap_or_else(|e| e.into_inner());
                l.done += n;
                l.maybe_print();
            }
            Kind::Quiet => {}
        }
    }

    /// A design point done.
    pub fn point_done(&self) {
        if let Kind::Lines(l) = &self.kind {
            let mut l = l.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((done, _)) = &mut l.points {
                *done += 1;
            }
            l.maybe_print();
        }
    }

    /// The end: the bar goes; off a terminal, a summary line.
    pub fn finish(&self) {
        match &self.kind {
            Kind::Bar(b) => b.finish_and_clear(),
            Kind::Lines(l) => {
                let l = l.lock().unwrap_or_else(|e| e.into_inner());
                let secs = l.started.elapsed().as_secs_f64();
                let ran = l.done - l.already;
                let points = l.points.map(|(d, of)| format!(" ({d} of {of} design points)")).unwrap_or_default();
                eprintln!("{}: done: {ran} {}{points} in {}, {:.1} {} a second", l.what, l.unit, duration(secs), ran as f64 / secs.max(1e-9), l.unit);
            }
            Kind::Quiet => {}
        }
    }

    /// Stopped before the end (Ctrl-C): the bar stays as it was.
    pub fn abandon(&self) {
        if let Kind::Bar(b) = &self.kind {
            b.abandon();
        }
    }
}

impl Lines {
    fn maybe_print(&mut self) {
        let now = Instant::now();
        if now.duration_since(self.last) < self.every || self.done >= self.total {
            return;
        }
        self.last = now;
        let secs = self.started.elapsed().as_secs_f64();
        let ran = self.done - self.already;
        let rate = ran as f64 / secs.max(1e-9);
        let left = if ran > 0 { duration((self.total - self.done) as f64 / rate) } else { "unknown".to_string() };
        let points = self.points.map(|(d, of)| format!("{d}/{of} points, ")).unwrap_or_default();
        eprintln!("{}: {points}{}/{} {}, {rate:.1} {} a second, about {left} left", self.what, self.done, self.total, self.unit, self.unit);
    }
}

/// A duration in words: 42 s, 3 min 5 s, 2 h 10 min.
fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else if s < 3600 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    }
}
