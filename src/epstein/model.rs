//! The agents and the step of Epstein's model. Citizens are agents
//! 0..citizens, cops follow; positions are cells (x * width + y) of a torus.

use rand::RngExt;

use super::params::{Params, Ratio};
use super::window::{Window, within};
use crate::record::Event;
use crate::rng::{Rng, RunKey, Stream};

const EMPTY: u32 = u32::MAX;
/// Tries at a random cell of the square around an agent before it gives up
/// moving this step. With about a quarter of cells empty, all fail with
/// probability about 1e-16 for Moore vision and 1e-8 for von Neumann (where
/// about half the square lies outside vision).
const MOVE_TRIES: u32 = 128;

/// One step's counts (timeseries.csv of an Epstein run).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepRecord {
    pub step: u32,
    pub quiet: u32,
    pub active: u32,
    pub jailed: u32,
    pub arrests: u32,
    pub legitimacy: f64,
}

/// Per-run outcomes of an Epstein run (summary.json).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Summary {
    pub model: &'static str,
    pub seed: u64,
    pub replicate: u64,
    pub steps: u32,
    pub citizens: u32,
    pub cops: u32,
    pub peak_active: u32,
    pub peak_step: u32,
    pub mean_active: f64,
    /// Excess kurtosis of the active count over the steps (heavy tails: punctuated outbursts).
    pub active_excess_kurtosis: f64,
    pub outbursts: u32,
    /// Mean steps between the starts of outbursts.
    pub mean_interval: Option<f64>,
    pub steps_in_outburst: u32,
    pub arrests: u64,
}

/// A finished Epstein run.
#[derive(Clone, Debug)]
pub struct Output {
    pub records: Vec<StepRecord>,
    pub events: Vec<Event>,
    pub summary: Summary,
}

pub struct Model {
    p: Params,
    key: RunKey,
    step: u32,
    width: usize,
    citizens: usize,
    occupancy: Vec<u32>,
    pos: Vec<u32>,
    hardship: Vec<f32>,
    risk: Vec<f32>,
    active: Vec<bool>,
    jail: Vec<u32>,
    cops: Window,
    actives: Window,
    order: Vec<u32>,
    arrests: u32,
    in_outburst: bool,
    records: Vec<StepRecord>,
    events: Vec<Event>,
}

impl Model {
    /// Place the agents at distinct random cells and record step 0.
    pub fn new(p: &Params, key: RunKey) -> Model {
        let width = p.width;
        let cells = width * width;
        let citizens = (p.citizen_density * cells as f64).round() as usize;
        let cops = (p.cop_density * cells as f64).round() as usize;
        let mut rng = key.stream(Stream::Epstein, 0, 0);
        let mut all: Vec<u32> = (0..cells as u32).collect();
        for k in 0..(citizens + cops).min(cells) {
            let j = rng.random_range(k..cells);
            all.swap(k, j);
        }
        let mut m = Model {
            p: p.clone(),
            key,
            step: 0,
            width,
            citizens,
            occupancy: vec![EMPTY; cells],
            pos: all[..citizens + cops].to_vec(),
            hardship: (0..citizens).map(|_| rng.random::<f32>()).collect(),
            risk: (0..citizens).map(|_| rng.random::<f32>()).collect(),
            active: vec![false; citizens],
            jail: vec![0; citizens],
            cops: Window::new(width, p.vision, p.neighbourhood),
            actives: Window::new(width, p.vision, p.neighbourhood),
            order: (0..(citizens + cops) as u32).collect(),
            arrests: 0,
            in_outburst: false,
            records: Vec::new(),
            events: Vec::new(),
        };
        for (id, &c) in m.pos.iter().enumerate() {
            m.occupancy[c as usize] = id as u32;
            if id >= citizens {
                m.cops.change(c as usize / width, c as usize % width, true);
            }
        }
        m.record();
        m
    }

    pub fn step_count(&self) -> u32 {
        self.step
    }

    /// Bytes held per agent (grid, agents and windows).
    pub fn bytes_per_agent(&self) -> f64 {
        let bytes = self.occupancy.capacity() * 4
            + self.pos.capacity() * 4
            + (self.hardship.capacity() + self.risk.capacity()) * 4
            + self.active.capacity()
            + self.jail.capacity() * 4
            + self.order.capacity() * 4
            + self.cops.heap_bytes()
            + self.actives.heap_bytes();
        bytes as f64 / self.pos.len().max(1) as f64
    }

    /// Agents that act each step.
    pub fn agents(&self) -> usize {
        self.pos.len()
    }

    /// One step: every agent acts once, in a random order drawn anew.
    pub fn step(&mut self) {
        self.step += 1;
        let legitimacy = self.p.legitimacy_at(self.step);
        if self.step > 0 && legitimacy != self.p.legitimacy_at(self.step - 1) && self.p.schedule == super::params::Schedule::Sudden {
            self.events.push(Event {
                day: self.step,
                kind: "legitimacy_drop",
                actor: "authority".into(),
                target: None,
                size: legitimacy,
                detail: String::new(),
            });
        }
        let mut rng = self.key.stream(Stream::Epstein, self.step, 0);
        let n = self.order.len();
        for k in (1..n).rev() {
            let j = rng.random_range(0..=k);
            self.order.swap(k, j);
        }
        self.arrests = 0;
        for k in 0..n {
            let id = self.order[k] as usize;
            if id < self.citizens {
                if self.pos[id] == EMPTY {
                    if self.jail[id] > 0 {
                        self.jail[id] -= 1;
                        continue;
                    }
                    self.release(id, &mut rng);
                }
                self.travel(id, &mut rng);
                self.decide(id, legitimacy);
            } else {
                self.travel(id, &mut rng);
                self.arrest(id, &mut rng);
            }
        }
        self.record();
    }

    fn xy(&self, cell: u32) -> (usize, usize) {
        (cell as usize / self.width, cell as usize % self.width)
    }

    /// Move to a random empty cell in vision (uniform over the empty cells:
    /// rejection sampling over the cells in vision).
    fn travel(&mut self, id: usize, rng: &mut Rng) {
        let from = self.pos[id];
        let (x, y) = self.xy(from);
        let v = self.p.vision as isize;
        let w = self.width as isize;
        for _ in 0..MOVE_TRIES {
            let (dx, dy) = (rng.random_range(-(v as i64)..=v as i64) as isize, rng.random_range(-(v as i64)..=v as i64) as isize);
            if (dx == 0 && dy == 0) || !within(self.p.neighbourhood, v, dx, dy) {
                continue;
            }
            let (nx, ny) = ((x as isize + dx).rem_euclid(w) as usize, (y as isize + dy).rem_euclid(w) as usize);
            let to = (nx * self.width + ny) as u32;
            if self.occupancy[to as usize] == EMPTY {
                self.relocate(id, from, to);
                return;
            }
        }
    }

    fn relocate(&mut self, id: usize, from: u32, to: u32) {
        let ((x, y), (nx, ny)) = (self.xy(from), self.xy(to));
        self.occupancy[from as usize] = EMPTY;
        self.occupancy[to as usize] = id as u32;
        self.pos[id] = to;
        if id >= self.citizens {
            self.cops.change(x, y, false);
            self.cops.change(nx, ny, true);
        } else if self.active[id] {
            self.actives.change(x, y, false);
            self.actives.change(nx, ny, true);
        }
    }

    /// A citizen's rule: active when G - R P > T.
    fn decide(&mut self, id: usize, legitimacy: f64) {
        let (x, y) = self.xy(self.pos[id]);
        let c = f64::from(self.cops.count(x, y));
        let a = f64::from(self.actives.count(x, y)) - f64::from(u8::from(self.active[id])) + 1.0;
        let ratio = match self.p.ratio {
            Ratio::Floor => (c / a).floor(),
            Ratio::AsIs => c / a,
            Ratio::Round => (c / a).round(),
        };
        let p = 1.0 - (-self.p.arrest_constant * ratio).exp();
        let g = f64::from(self.hardship[id]) * (1.0 - legitimacy);
        let now = g - f64::from(self.risk[id]) * p > self.p.threshold;
        if now != self.active[id] {
            self.active[id] = now;
            self.actives.change(x, y, now);
        }
    }

    /// A cop's rule: arrest a random active citizen in vision.
    fn arrest(&mut self, cop: usize, rng: &mut Rng) {
        let (x, y) = self.xy(self.pos[cop]);
        let seen = self.actives.count(x, y);
        if seen == 0 {
            return;
        }
        let mut pick = rng.random_range(0..seen);
        let v = self.p.vision as isize;
        let w = self.width as isize;
        for dx in -v..=v {
            for dy in -v..=v {
                if !within(self.p.neighbourhood, v, dx, dy) {
                    continue;
                }
                let cell = ((x as isize + dx).rem_euclid(w) as usize) * self.width + (y as isize + dy).rem_euclid(w) as usize;
                let who = self.occupancy[cell];
                if who == EMPTY || who as usize >= self.citizens || !self.active[who as usize] {
                    continue;
                }
                if pick > 0 {
                    pick -= 1;
                    continue;
                }
                let j = who as usize;
                self.actives.change(cell / self.width, cell % self.width, false);
                self.active[j] = false;
                self.occupancy[cell] = EMPTY;
                self.pos[j] = EMPTY;
                self.jail[j] = rng.random_range(self.p.jail_terms_from..=self.p.max_jail_term.max(self.p.jail_terms_from));
                self.arrests += 1;
                if self.p.cops_move_to_arrest {
                    self.relocate(cop, self.pos[cop], cell as u32);
                }
                return;
            }
        }
    }

    /// A released citizen goes to a random empty cell, quiet.
    fn release(&mut self, id: usize, rng: &mut Rng) {
        let cells = self.occupancy.len();
        loop {
            let c = rng.random_range(0..cells);
            if self.occupancy[c] == EMPTY {
                self.occupancy[c] = id as u32;
                self.pos[id] = c as u32;
                return;
            }
        }
    }

    fn record(&mut self) {
        let (mut quiet, mut active, mut jailed) = (0, 0, 0);
        for id in 0..self.citizens {
            if self.pos[id] == EMPTY {
                jailed += 1;
            } else if self.active[id] {
                active += 1;
            } else {
                quiet += 1;
            }
        }
        let r = StepRecord { step: self.step, quiet, active, jailed, arrests: self.arrests, legitimacy: self.p.legitimacy_at(self.step) };
        let outburst = f64::from(active) >= self.p.outburst_share * self.citizens as f64 && active > 0;
        if outburst != self.in_outburst {
            self.in_outburst = outburst;
            let kind = if outburst { "outburst_start" } else { "outburst_end" };
            self.events.push(Event { day: self.step, kind, actor: "citizens".into(), target: None, size: f64::from(active), detail: String::new() });
        }
        self.records.push(r);
    }

    pub fn finish(self) -> Output {
        let r = &self.records;
        let n = r.len() as f64;
        let act: Vec<f64> = r.iter().map(|x| f64::from(x.active)).collect();
        let mean = act.iter().sum::<f64>() / n;
        let var = act.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / n;
        let m4 = act.iter().map(|a| (a - mean).powi(4)).sum::<f64>() / n;
        let kurtosis = if var > 0.0 { m4 / (var * var) - 3.0 } else { 0.0 };
        let starts: Vec<u32> = self.events.iter().filter(|e| e.kind == "outburst_start").map(|e| e.day).collect();
        let (peak_step, peak_active) = r.iter().map(|x| (x.step, x.active)).fold((0, 0), |a, b| if b.1 > a.1 { b } else { a });
        let threshold = self.p.outburst_share * self.citizens as f64;
        let summary = Summary {
            model: "epstein",
            seed: self.key.seed,
            replicate: self.key.replicate,
            steps: self.step,
            citizens: self.citizens as u32,
            cops: (self.pos.len() - self.citizens) as u32,
            peak_active,
            peak_step,
            mean_active: mean,
            active_excess_kurtosis: kurtosis,
            outbursts: starts.len() as u32,
            mean_interval: (starts.len() > 1).then(|| f64::from(starts[starts.len() - 1] - starts[0]) / (starts.len() - 1) as f64),
            steps_in_outburst: r.iter().filter(|x| f64::from(x.active) >= threshold && x.active > 0).count() as u32,
            arrests: r.iter().map(|x| u64::from(x.arrests)).sum(),
        };
        Output { records: self.records, events: self.events, summary }
    }
}

/// Run an Epstein model for `steps` steps.
pub fn run(p: &Params, key: RunKey, steps: u32) -> Output {
    let mut m = Model::new(p, key);
    for _ in 0..steps {
        m.step();
    }
    m.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epstein::window::Neighbourhood;

    #[test]
    fn neighbourhood_is_checked_for_moves() {
        assert!(within(Neighbourhood::Moore, 2, 2, 2));
        assert!(!within(Neighbourhood::VonNeumann, 2, 2, 1));
    }
}
