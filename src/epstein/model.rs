//! The agents and the step of Epstein's model. Citizens are agents
//! 0..citizens, cops follow; positions are cells (x, y) of a torus.
//!
//! Laid out for speed on one core (docs/epstein.md, section 7): turns come in
//! a random order, so on a large grid each turn's data is a cache miss unless
//! it is small or read ahead. An agent is one 16-byte struct (one miss, not
//! one per column), read ahead in batches of turns; who is where and what an
//! agent sees are bitmaps that stay in cache (window.rs); a move draws one
//! offset from a table of the cells in vision; bounded draws take one 32-bit
//! number each; and the step's counts are kept as the agents change, not
//! recounted.

use rand::{Rng as _, RngExt};

use super::params::{Jailed, Order, Params, Placement};
use super::window::{Bits, Vision};
use crate::record::Event;
use crate::rng::{Rng, RunKey, Stream};

/// Draws of a random cell in vision before a move counts the empty cells
/// instead (window.rs). With about a quarter of cells empty, all 16 fail
/// about once in a hundred moves, and then counting is cheaper than more
/// draws; where the crowd is dense, it saves many draws.
const MOVE_TRIES: u32 = 16;

/// One step's counts (timeseries.csv of an Epstein run).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepRecord {
    pub step: u32,
    pub quiet: u32,
    pub active: u32,
    /// Citizens arrested and not yet released (a term still to serve, or
    /// served and waiting for the citizen's next turn): Mesa's "arrested".
    pub jailed: u32,
    /// Citizens with a term still running (at least one more turn to miss):
    /// NetLogo's jail count.
    pub serving: u32,
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
    /// Mean over the steps of the citizens jailed until release (`jailed_until_release`).
    pub mean_jailed_until_release: f64,
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

/// An agent: citizens hold all fields, cops only their cell. 16 bytes, so
/// that a turn, which comes in random order, touches one cache line of it.
#[derive(Clone, Copy, Debug, Default)]
struct Agent {
    x: u16,
    y: u16,
    hardship: f32,
    risk: f32,
    /// `ACTIVE`, `JAILED` and the remaining jail term in the low bits.
    status: u32,
}

/// Turns whose agents are read ahead together (see `touch`).
const TOUCH: usize = 64;
/// Agents from which the turns' agents are read ahead (16 bytes each: 256 KB).
const READ_AHEAD_FROM: usize = 16_384;

const ACTIVE: u32 = 1 << 31;
const JAILED: u32 = 1 << 30;
/// Jail terms are at most 1,000,000 (params.rs), well under 2^30.
const TERM: u32 = JAILED - 1;

#[derive(Clone)]
pub struct Model {
    p: Params,
    key: RunKey,
    step: u32,
    width: usize,
    citizens: usize,
    vision: Vision,
    /// Occupied cells, cops and active citizens: bitmaps with halos (window.rs).
    occupied: Bits,
    cops: Bits,
    actives: Bits,
    /// The active citizen at each cell (`y * width + x`), valid where
    /// `actives` is set: an arrest reads it. Only active citizens write it,
    /// so quiet turns make no write to this large array.
    who: Vec<u32>,
    agents: Vec<Agent>,
    order: Vec<u32>,
    /// P by the whole value of f(C / A) with the floor or a rounding (`Ratio::whole`).
    p_of_ratio: Vec<f64>,
    active_now: u32,
    jailed_now: u32,
    serving_now: u32,
    arrests: u32,
    in_outburst: bool,
    records: Vec<StepRecord>,
    events: Vec<Event>,
}

/// A uniform integer in [0, n), n > 0: Lemire's multiply-shift with
/// rejection of the few low products that would bias it, so exactly
/// uniform, on one 32-bit draw almost always (no division on the common path).
#[inline]
fn below(rng: &mut Rng, n: u32) -> u32 {
    let mut m = u64::from(rng.next_u32()) * u64::from(n);
    if (m as u32) < n {
        let t = n.wrapping_neg() % n;
        while (m as u32) < t {
            m = u64::from(rng.next_u32()) * u64::from(n);
        }
    }
    (m >> 32) as u32
}

impl Model {
    /// Place the agents at distinct random cells and record step 0.
    pub fn new(p: &Params, key: RunKey) -> Model {
        let width = p.width;
        let cells = width * width;
        let mut rng = key.stream(Stream::Epstein, 0, 0);
        let (citizens, all) = match p.placement {
            Placement::ExactCounts => {
                let citizens = (p.citizen_density * cells as f64).round() as usize;
                let cops = (p.cop_density * cells as f64).round() as usize;
                let mut all: Vec<u32> = (0..cells as u32).collect();
                for k in 0..(citizens + cops).min(cells) {
                    let j = rng.random_range(k..cells);
                    all.swap(k, j);
                }
                all.truncate(citizens + cops);
                (citizens, all)
            }
            Placement::PerCellDraw => {
                // One uniform draw a cell, in cell order: below citizen_density a
                // citizen, then up to citizen_density + cop_density a cop.
                let (mut citizen_cells, mut cop_cells) = (Vec::new(), Vec::new());
                for c in 0..cells as u32 {
                    let u: f64 = rng.random();
                    if u < p.citizen_density {
                        citizen_cells.push(c);
                    } else if u < p.citizen_density + p.cop_density {
                        cop_cells.push(c);
                    }
                }
                let citizens = citizen_cells.len();
                citizen_cells.append(&mut cop_cells);
                (citizens, citizen_cells)
            }
        };
        let mut agents: Vec<Agent> =
            all.iter().map(|&c| Agent { x: (c as usize % width) as u16, y: (c as usize / width) as u16, ..Agent::default() }).collect();
        for a in &mut agents[..citizens] {
            a.hardship = rng.random::<f32>();
        }
        for a in &mut agents[..citizens] {
            a.risk = rng.random::<f32>();
        }
        let vision = Vision::new(width, p.vision, p.neighbourhood);
        let k = p.arrest_constant;
        let p_of_ratio = (0..=vision.cells()).map(|i| 1.0 - (-k * f64::from(i)).exp()).collect();
        let mut m = Model {
            p: p.clone(),
            key,
            step: 0,
            width,
            citizens,
            occupied: vision.bitmap(),
            cops: vision.bitmap(),
            actives: vision.bitmap(),
            vision,
            who: vec![0; cells],
            agents,
            order: (0..all.len() as u32).collect(),
            p_of_ratio,
            active_now: 0,
            jailed_now: 0,
            serving_now: 0,
            arrests: 0,
            in_outburst: false,
            records: Vec::new(),
            events: Vec::new(),
        };
        for id in 0..m.agents.len() {
            let (x, y) = (usize::from(m.agents[id].x), usize::from(m.agents[id].y));
            m.vision.put(&mut m.occupied, x, y, true);
            if id >= citizens {
                m.vision.put(&mut m.cops, x, y, true);
            }
        }
        m.record();
        m
    }

    pub fn step_count(&self) -> u32 {
        self.step
    }

    /// Bytes held per agent (grid, bitmaps, agents and tables).
    pub fn bytes_per_agent(&self) -> f64 {
        let bytes = self.who.capacity() * 4
            + self.agents.capacity() * std::mem::size_of::<Agent>()
            + self.order.capacity() * 4
            + self.p_of_ratio.capacity() * 8
            + self.vision.heap_bytes()
            + self.occupied.heap_bytes()
            + self.cops.heap_bytes()
            + self.actives.heap_bytes();
        bytes as f64 / self.agents.len().max(1) as f64
    }

    /// Agents that act each step.
    pub fn agents(&self) -> usize {
        self.agents.len()
    }

    /// One step: every agent acts once, in a random order drawn anew.
    pub fn step(&mut self) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has the popcount instruction, checked just
            // above; that is all `step_popcnt` requires.
            unsafe { self.step_popcnt() };
            return;
        }
        // Other targets (aarch64) count bits in one instruction or few.
        self.step_with::<{ !cfg!(target_arch = "x86_64") }>();
    }

    /// The step built with the popcount instruction, which baseline x86-64
    /// lacks: its counts take about 12% fewer instructions a turn. The
    /// counts, hence the runs, are the same as without it.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    fn step_popcnt(&mut self) {
        self.step_with::<true>();
    }

    /// The step, with counts by `count_ones` (`POP`) or by the SWAR method (window.rs).
    #[inline(always)]
    fn step_with<const POP: bool>(&mut self) {
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
        // A full Fisher-Yates shuffle: every order equally likely.
        let n = self.order.len();
        for k in (1..n).rev() {
            let j = below(&mut rng, k as u32 + 1) as usize;
            self.order.swap(k, j);
        }
        self.arrests = 0;
        let one_minus_l = 1.0 - legitimacy;
        let decide_first = self.p.order == Order::DecideThenMove;
        // Agents that fit in a core's L1 and L2 caches need no read-ahead.
        let read_ahead = n > READ_AHEAD_FROM;
        for k in 0..n {
            if read_ahead && k % TOUCH == 0 {
                self.touch(k);
            }
            self.turn::<POP>(self.order[k] as usize, &mut rng, one_minus_l, decide_first);
        }
        self.record();
    }

    /// One agent's turn: a jailed citizen serves or is released; a free
    /// citizen moves and decides, a cop moves and arrests, in the order set.
    #[inline(always)]
    fn turn<const POP: bool>(&mut self, id: usize, rng: &mut Rng, one_minus_l: f64, decide_first: bool) {
        if id < self.citizens {
            let status = self.agents[id].status;
            if status & JAILED != 0 {
                if status & TERM > 0 {
                    self.agents[id].status -= 1;
                    self.serving_now -= u32::from(status & TERM == 1);
                    return;
                }
                self.release(id, rng);
            }
            if decide_first {
                self.decide::<POP>(id, one_minus_l);
                self.travel::<POP>(id, rng);
            } else {
                self.travel::<POP>(id, rng);
                self.decide::<POP>(id, one_minus_l);
            }
        } else if decide_first {
            if !self.arrest::<POP>(id, rng) {
                self.travel::<POP>(id, rng);
            }
        } else {
            self.travel::<POP>(id, rng);
            self.arrest::<POP>(id, rng);
        }
    }

    /// Read the agents of the next `TOUCH` turns, so that their cache
    /// misses overlap (the random order makes each one a miss on a large
    /// grid; the CPU overlaps independent loads, but not turns that depend
    /// on each other). A software prefetch would do the same with `unsafe`.
    #[inline(never)]
    fn touch(&self, from: usize) {
        let mut sum = 0u32;
        for &id in &self.order[from..(from + TOUCH).min(self.order.len())] {
            sum = sum.wrapping_add(self.agents[id as usize].status);
        }
        std::hint::black_box(sum);
    }

    /// Move to a random empty cell in vision, uniform over the empty cells:
    /// rejection sampling over the offsets in vision, then, if `MOVE_TRIES`
    /// draws all hit occupied cells, one draw among the empty cells counted
    /// exactly (so an agent stays only when no cell in vision is empty).
    #[inline(always)]
    fn travel<const POP: bool>(&mut self, id: usize, rng: &mut Rng) {
        let a = self.agents[id];
        let (x, y) = (usize::from(a.x), usize::from(a.y));
        let at = self.vision.bit(x, y);
        let n = self.vision.moves.len() as u32;
        for _ in 0..MOVE_TRIES {
            let m = self.vision.moves[below(rng, n) as usize];
            if !self.occupied.get(at.wrapping_add_signed(m.off as isize)) {
                self.relocate(id, x, y, self.vision.wrap(x, m.dx as isize), self.vision.wrap(y, m.dy as isize));
                return;
            }
        }
        let empty = self.vision.cells() - self.vision.count::<POP>(&self.occupied, at);
        if empty > 0 {
            let j = below(rng, empty);
            let (dx, dy) = self.vision.pick(&self.occupied, at, j, true).expect("an empty cell counted");
            self.relocate(id, x, y, self.vision.wrap(x, dx), self.vision.wrap(y, dy));
        }
    }

    #[inline(always)]
    fn relocate(&mut self, id: usize, x: usize, y: usize, nx: usize, ny: usize) {
        let g = &self.vision;
        g.put(&mut self.occupied, x, y, false);
        g.put(&mut self.occupied, nx, ny, true);
        let a = &mut self.agents[id];
        (a.x, a.y) = (nx as u16, ny as u16);
        if id >= self.citizens {
            g.put(&mut self.cops, x, y, false);
            g.put(&mut self.cops, nx, ny, true);
        } else if a.status & ACTIVE != 0 {
            g.put(&mut self.actives, x, y, false);
            g.put(&mut self.actives, nx, ny, true);
            self.who[ny * self.width + nx] = id as u32;
        }
    }

    /// A citizen's rule: active when G - R P > T. Since 0 <= P < 1, and
    /// floating-point rounding is monotone, G <= T means quiet and G - R > T
    /// active whatever the counts: those citizens skip counting (the result
    /// is the same bit for bit).
    #[inline(always)]
    fn decide<const POP: bool>(&mut self, id: usize, one_minus_l: f64) {
        let a = self.agents[id];
        let was = a.status & ACTIVE != 0;
        let g = f64::from(a.hardship) * one_minus_l;
        let t = self.p.threshold;
        let now = if g <= t {
            false
        } else if g - f64::from(a.risk) > t {
            true
        } else {
            let (x, y) = (usize::from(a.x), usize::from(a.y));
            let (c, n) = self.vision.count2::<POP>(&self.cops, &self.actives, self.vision.bit(x, y));
            let c = f64::from(c);
            let n = f64::from(n) - f64::from(u8::from(was)) + 1.0;
            let p = match self.p.ratio.whole(c / n) {
                Some(i) => self.p_of_ratio[i],
                None => 1.0 - (-self.p.arrest_constant * (c / n)).exp(),
            };
            g - f64::from(a.risk) * p > t
        };
        if now != was {
            self.agents[id].status ^= ACTIVE;
            let (x, y) = (usize::from(a.x), usize::from(a.y));
            self.vision.put(&mut self.actives, x, y, now);
            if now {
                self.who[y * self.width + x] = id as u32;
                self.active_now += 1;
            } else {
                self.active_now -= 1;
            }
        }
    }

    /// A cop's rule: arrest a random active citizen in vision. True if the
    /// cop then moved onto the arrested citizen's cell (its move of the turn).
    #[inline(always)]
    fn arrest<const POP: bool>(&mut self, cop: usize, rng: &mut Rng) -> bool {
        let a = self.agents[cop];
        let (x, y) = (usize::from(a.x), usize::from(a.y));
        let at = self.vision.bit(x, y);
        let seen = self.vision.count::<POP>(&self.actives, at);
        if seen == 0 {
            return false;
        }
        let j = below(rng, seen);
        let (dx, dy) = self.vision.pick(&self.actives, at, j, false).expect("an active citizen counted");
        let (cx, cy) = (self.vision.wrap(x, dx), self.vision.wrap(y, dy));
        let victim = self.who[cy * self.width + cx] as usize;
        self.vision.put(&mut self.actives, cx, cy, false);
        // Staying on its cell, a jailed citizen keeps it occupied: it blocks
        // moves there, and is seen as neither cop nor active.
        if self.p.jailed == Jailed::LeaveGrid {
            self.vision.put(&mut self.occupied, cx, cy, false);
        }
        let (from, to) = (self.p.jail_terms_from, self.p.max_jail_term.max(self.p.jail_terms_from));
        let term = from + below(rng, to - from + 1);
        self.agents[victim].status = JAILED | term;
        self.active_now -= 1;
        self.jailed_now += 1;
        self.serving_now += u32::from(term > 0);
        self.arrests += 1;
        // params.rs refuses cops_move_to_arrest with jailed = stay_on_cell.
        if self.p.cops_move_to_arrest {
            self.relocate(cop, x, y, cx, cy);
        }
        self.p.cops_move_to_arrest
    }

    /// A released citizen goes to a random empty cell, quiet, or is freed
    /// where it stands (`jailed = "stay_on_cell"`).
    fn release(&mut self, id: usize, rng: &mut Rng) {
        if self.p.jailed == Jailed::StayOnCell {
            self.agents[id].status = 0;
            self.jailed_now -= 1;
            return;
        }
        let cells = self.who.len() as u32;
        loop {
            let c = below(rng, cells) as usize;
            let (x, y) = (c % self.width, c / self.width);
            if !self.occupied.get(self.vision.bit(x, y)) {
                self.vision.put(&mut self.occupied, x, y, true);
                self.agents[id] = Agent { x: x as u16, y: y as u16, status: 0, ..self.agents[id] };
                self.jailed_now -= 1;
                return;
            }
        }
    }

    fn record(&mut self) {
        let (active, jailed) = (self.active_now, self.jailed_now);
        let quiet = self.citizens as u32 - active - jailed;
        let r = StepRecord {
            step: self.step,
            quiet,
            active,
            jailed,
            serving: self.serving_now,
            arrests: self.arrests,
            legitimacy: self.p.legitimacy_at(self.step),
        };
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
            cops: (self.agents.len() - self.citizens) as u32,
            peak_active,
            peak_step,
            mean_active: mean,
            mean_jailed_until_release: r.iter().map(|x| f64::from(x.jailed)).sum::<f64>() / n,
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
    run_until(p, key, steps, &|| false).expect("never stopped")
}

/// Run an Epstein model unless `stop` says so before a step (then `None`).
pub fn run_until(p: &Params, key: RunKey, steps: u32, stop: &dyn Fn() -> bool) -> Option<Output> {
    let mut m = Model::new(p, key);
    for _ in 0..steps {
        if stop() {
            return None;
        }
        m.step();
    }
    Some(m.finish())
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
