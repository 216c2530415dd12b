//! A sweep's outcomes, from each design point's moments over its
//! replicates: each outcome against each swept parameter ([`against`]), as
//! a heatmap over the first two parameters ([`heatmap`]), and by policy.
//!
//! Which outcomes are charted: those a reader asks for (`--outcome`), else
//! the main outcomes present, each kept only if the swept levers change it:
//! the spread of its means between design points must stand clearly above
//! the spread of its replicates within a point (a one-way analysis of
//! variance, F test at the 1% level), so that an outcome the levers cannot
//! move is not drawn as if it were a pattern. `all` keeps every one.

mod against;
mod heatmap;

use std::collections::BTreeMap;

pub use against::{against_parameters, by_policy};
pub use heatmap::{Cell, HeatmapPanel, heatmap_panels, heatmaps};

/// The count, mean and sum of squared deviations of an outcome's values
/// (Welford's updates; merged with Chan's formula).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    pub n: u64,
    pub mean: f64,
    pub m2: f64,
}

impl Moments {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    pub fn merge(&mut self, o: &Moments) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        let n = (self.n + o.n) as f64;
        let d = o.mean - self.mean;
        self.mean += d * o.n as f64 / n;
        self.m2 += o.m2 + d * d * self.n as f64 * o.n as f64 / n;
        self.n += o.n;
    }

    /// The sample standard deviation (0 below two values).
    pub fn sd(&self) -> f64 {
        if self.n > 1 { (self.m2 / (self.n - 1) as f64).max(0.0).sqrt() } else { 0.0 }
    }

    /// Half the width of the mean's 95% interval (Student's t; 0 for one value).
    pub fn half(&self) -> f64 {
        t975(self.n.saturating_sub(1) as usize) * self.sd() / (self.n.max(1) as f64).sqrt()
    }
}

/// One design point of a sweep: its policy, swept values (in the order of
/// `Points::keys`) and each numeric outcome's moments over its successful
/// replicates.
#[derive(Clone, Debug, Default)]
pub struct PointSummary {
    pub point: usize,
    pub policy: String,
    pub params: Vec<f64>,
    pub outcomes: BTreeMap<String, Moments>,
}

/// A sweep's design points, in point order.
#[derive(Clone, Debug, Default)]
pub struct Points {
    /// The swept keys; a swept choice's values are numbered in its order of
    /// first appearance, and its key says so (`key (0 = a, 1 = b)`, see [`bare`]).
    pub keys: Vec<String>,
    pub points: Vec<PointSummary>,
    /// Readable names of factions by their name in the data (`label` in a scenario's `[factions.<name>]`).
    pub faction_labels: BTreeMap<String, String>,
}

impl Points {
    /// The policies in order of first appearance.
    pub fn policies(&self) -> Vec<String> {
        let mut p: Vec<String> = Vec::new();
        for x in &self.points {
            if !p.contains(&x.policy) {
                p.push(x.policy.clone());
            }
        }
        p
    }

    /// Every outcome key that some point holds, in key order.
    pub fn outcome_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.points.iter().flat_map(|p| p.outcomes.keys().cloned()).collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// Outcomes charted by default, with their labels, when a sweep has them. A
/// `*` stands for any one part of the key (a faction's number or name).
pub const OUTCOMES: [(&str, &str); 20] = [
    ("uprising.abstention_rate", "local members abstaining (share)"),
    ("uprising.local_members_fighting_share", "local members fighting (share of those at the call)"),
    ("aftermath.reengaged_share", "ex-members re-engaged within a year (share of the cohort)"),
    ("uprising.peak_mobilised_share", "peak mobilised (share of town)"),
    ("uprising.days_to_decision", "days from the call to the decision"),
    ("uprising.deaths_town", "town deaths in the uprising"),
    ("aftermath.reintegrated", "ex-members reintegrated"),
    ("aftermath.rejoined", "ex-members who rejoined"),
    ("aftermath.switched", "ex-members who switched faction"),
    ("prisoners.rejoined", "released prisoners who rejoined"),
    ("rival.base_taken", "rival took the base"),
    ("rival.town_taken", "rival took the town"),
    ("factions.*.members_peak", "peak membership"),
    ("end.dead", "dead by the end"),
    ("peak_active", "peak active citizens"),
    ("mean_active", "mean active citizens"),
    ("outbursts", "outbursts"),
    ("active_excess_kurtosis", "excess kurtosis of the active count"),
    ("steps_in_outburst", "steps in outburst"),
    ("arrests", "arrests"),
];

/// Outcomes that are yes or no in a run: in a sweep their mean is a share of runs.
const BOOLEAN: [&str; 2] = ["rival.base_taken", "rival.town_taken"];

/// Whether `key` matches a default outcome's pattern; the part `*` stood for, if any.
fn matches<'a>(pattern: &str, key: &'a str) -> Option<Option<&'a str>> {
    let (p, k): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), key.split('.').collect());
    if p.len() != k.len() {
        return None;
    }
    let mut wild = None;
    for (a, b) in p.iter().zip(&k) {
        if *a == "*" {
            wild = Some(*b);
        } else if a != b {
            return None;
        }
    }
    Some(wild)
}

/// Whether `key` matches a default outcome's pattern (`*` for any one part).
pub fn label_pattern(pattern: &str, key: &str) -> bool {
    matches(pattern, key).is_some()
}

/// A readable label for an outcome key: the default outcomes' labels (with
/// the faction's label or name), else the key itself with any faction name
/// replaced by its label. `sweep`: a yes-or-no outcome's mean is a share of runs.
pub fn label(key: &str, faction_labels: &BTreeMap<String, String>, sweep: bool) -> String {
    let faction = |part: &str| -> String {
        if let Some(l) = faction_labels.get(part) {
            return l.clone();
        }
        match part.parse::<usize>() {
            Ok(0) => "first faction".into(),
            Ok(k) => format!("faction {}", k + 1),
            Err(_) => part.to_string(),
        }
    };
    let mut text = match OUTCOMES.iter().find_map(|(p, l)| matches(p, key).map(|w| (l, w))) {
        Some((l, Some(part))) => format!("{}: {l}", faction(part)),
        Some((l, None)) => l.to_string(),
        None => {
            let parts: Vec<&str> = key.split('.').collect();
            if parts.len() > 2 && parts[0] == "factions" { format!("{}: {}", faction(parts[1]), parts[2..].join(".")) } else { key.to_string() }
        }
    };
    if sweep && BOOLEAN.contains(&key) {
        text.push_str(" (share of runs)");
    }
    text
}

/// Whether the swept levers change an outcome: its points' means differ by
/// more than their replicates' spread explains. A one-way analysis of
/// variance: F = (between-point mean square) / (within-point mean square),
/// kept when F exceeds its 99th percentile under no effect (Paulson's normal
/// approximation of the F distribution). Without replicates to measure the
/// noise by, any difference between three or more points' means counts.
pub fn responds(points: &[Moments]) -> bool {
    let every_point = points.iter().all(|m| m.n > 0);
    let points: Vec<&Moments> = points.iter().filter(|m| m.n > 0 && m.mean.is_finite()).collect();
    if points.len() < 2 {
        return false;
    }
    let n: f64 = points.iter().map(|m| m.n as f64).sum();
    let grand = points.iter().map(|m| m.n as f64 * m.mean).sum::<f64>() / n;
    let between: f64 = points.iter().map(|m| m.n as f64 * (m.mean - grand).powi(2)).sum();
    let within: f64 = points.iter().map(|m| m.m2).sum();
    let scale = points.iter().map(|m| m.mean.abs()).fold(1e-300, f64::max);
    if between <= n * (1e-12 * scale).powi(2) {
        return false;
    }
    let (d1, d2) = ((points.len() - 1) as f64, n - points.len() as f64);
    if d2 < 1.0 {
        // No replicate measures the noise: a design without replicates counts any difference;
        // an outcome that a few single runs have (an uprising in two runs of many) is too thin to chart.
        return every_point && points.len() >= 3;
    }
    if within <= 0.0 {
        return true;
    }
    let f = (between / d1) / (within / d2);
    let (a, b) = (2.0 / (9.0 * d1), 2.0 / (9.0 * d2));
    let z = ((1.0 - b) * f.cbrt() - (1.0 - a)) / (a + b * f.cbrt().powi(2)).sqrt();
    z > 2.326
}

/// How outcomes are chosen.
#[derive(Clone, Debug, Default)]
pub struct Choice {
    /// Keys asked for (`--outcome`): charted as they are, whether or not the levers move them.
    pub chosen: Vec<String>,
    /// Keep every default outcome present, also those the levers do not change.
    pub all: bool,
}

/// The outcomes to chart, with their labels: the chosen keys if any; else the
/// default outcomes present (every numeric outcome when none of the defaults
/// is) that the swept levers change ([`responds`]), or all of them with `all`.
pub fn charted(points: &Points, choice: &Choice) -> Vec<(String, String)> {
    let labelled = |k: &str| (k.to_string(), label(k, &points.faction_labels, true));
    if !choice.chosen.is_empty() {
        return choice.chosen.iter().map(|k| labelled(k)).collect();
    }
    let keys = points.outcome_keys();
    let mut defaults: Vec<&String> = Vec::new();
    for (pattern, _) in OUTCOMES {
        defaults.extend(keys.iter().filter(|k| matches(pattern, k).is_some()));
    }
    if defaults.is_empty() {
        defaults = keys.iter().collect();
    }
    defaults
        .into_iter()
        .filter(|k| choice.all || responds(&points.points.iter().map(|p| p.outcomes.get(*k).copied().unwrap_or_default()).collect::<Vec<_>>()))
        .map(|k| labelled(k))
        .collect()
}

/// The mean of the values and the half-width of its 95% confidence interval
/// (Student's t; 0 for a single value).
pub fn mean_ci(v: &[f64]) -> (f64, f64) {
    let mut m = Moments::default();
    for x in v {
        m.push(*x);
    }
    (if m.n == 0 { f64::NAN } else { m.mean }, m.half())
}

/// Student's t quantile at 0.975 for `df` degrees of freedom (df 0: no interval).
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
        2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => 0.0,
        1..=30 => T[df - 1],
        31..=60 => 2.042 - (df - 30) as f64 * (2.042 - 2.000) / 30.0,
        61..=120 => 2.000 - (df - 60) as f64 * (2.000 - 1.980) / 60.0,
        _ => 1.960,
    }
}

/// Decimals that show an interval of half-width `half` to two significant
/// figures; a mean and its interval are printed to the same decimals. A value
/// without an interval gets three significant figures.
pub fn decimals(half: f64, value: f64) -> usize {
    let (basis, figures) = if half.is_finite() && half > 0.0 { (half, 1.0) } else { (value.abs(), 2.0) };
    if !basis.is_finite() || basis <= 0.0 {
        return 0;
    }
    (figures - basis.log10().floor()).clamp(0.0, 6.0) as usize
}

/// A number to `d` decimals, without a minus sign on a zero.
pub fn fixed(v: f64, d: usize) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let s = format!("{v:.d$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// A swept key without the note a reader adds to it (`prisoners.policy (0 = hand_over, 1 = due_process)`).
pub fn bare(key: &str) -> &str {
    key.split(" (").next().unwrap_or(key)
}

pub(crate) fn distinct(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(values: &[f64]) -> Moments {
        let mut m = Moments::default();
        for x in values {
            m.push(*x);
        }
        m
    }

    /// Values from a fixed pseudo-random sequence, so that the test is exact and repeatable.
    fn noise(seed: u64, n: usize) -> Vec<f64> {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    fn points(effect: f64, replicates: usize) -> Points {
        let mut out = Points { keys: vec!["lever".into()], ..Default::default() };
        for p in 0..6 {
            let mut s = PointSummary { point: p, policy: "base".into(), params: vec![p as f64], outcomes: BTreeMap::new() };
            // An outcome the lever cannot change: the same noise around 0.92 at every point.
            s.outcomes.insert("uprising.abstention_rate".into(), moments(&noise(p as u64 + 1, replicates).iter().map(|x| 0.91 + 0.03 * x).collect::<Vec<_>>()));
            // One it moves: a step of `effect` a point on top of the same noise.
            s.outcomes.insert(
                "aftermath.rejoined".into(),
                moments(&noise(p as u64 + 100, replicates).iter().map(|x| 10.0 * x + effect * p as f64).collect::<Vec<_>>()),
            );
            // One that does not vary at all.
            s.outcomes.insert("end.dead".into(), moments(&vec![3.0; replicates]));
            out.points.push(s);
        }
        out
    }

    #[test]
    fn outcomes_the_levers_cannot_change_are_left_out_unless_asked_for() {
        let keys = |c: &Choice, pts: &Points| charted(pts, c).into_iter().map(|k| k.0).collect::<Vec<_>>();
        let strong = points(3.0, 20);
        assert_eq!(keys(&Choice::default(), &strong), ["aftermath.rejoined"]);
        assert_eq!(keys(&Choice { all: true, ..Default::default() }, &strong), ["uprising.abstention_rate", "aftermath.rejoined", "end.dead"]);
        assert_eq!(keys(&Choice { chosen: vec!["end.dead".into()], all: false }, &strong), ["end.dead"]);
        // Without an effect, the same noise is left out too.
        assert!(keys(&Choice::default(), &points(0.0, 20)).is_empty());
    }

    #[test]
    fn the_f_test_keeps_a_clear_effect_and_drops_replicate_noise() {
        // Two points, 10 replicates each, sd about 1: means 0 and 3 are far apart; 0 and 0.1 are not.
        let a = moments(&noise(7, 10).iter().map(|x| 3.46 * x).collect::<Vec<_>>());
        let shifted = |d: f64| moments(&noise(8, 10).iter().map(|x| 3.46 * x + d).collect::<Vec<_>>());
        assert!(responds(&[a, shifted(3.0)]));
        assert!(!responds(&[a, shifted(0.1)]));
        // Exact ties (common random numbers and a lever that acts later): no difference at all.
        assert!(!responds(&[a, a]));
    }

    #[test]
    fn decimals_follow_the_interval() {
        assert_eq!(decimals(0.0123, 0.93), 3);
        assert_eq!(decimals(4.5, 120.0), 1);
        assert_eq!(decimals(23.0, 400.0), 0);
        assert_eq!(decimals(f64::NAN, 0.9), 3);
        assert_eq!(decimals(0.0, 231.0), 0);
        assert_eq!(fixed(-0.0001, 2), "0.00");
        let mut m = moments(&[1.0, 2.0]);
        m.merge(&moments(&[3.0, 4.0, 5.0]));
        assert!((m.mean - 3.0).abs() < 1e-12 && (m.sd() - 2.5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn labels_name_factions_by_their_label() {
        let labels: BTreeMap<String, String> = [("isis".to_string(), "Islamic State".to_string())].into();
        assert_eq!(label("factions.isis.members_peak", &labels, true), "Islamic State: peak membership");
        assert_eq!(label("factions.0.members_peak", &labels, true), "first faction: peak membership");
        assert_eq!(label("rival.base_taken", &labels, false), "rival took the base");
        assert_eq!(label("rival.base_taken", &labels, true), "rival took the base (share of runs)");
        assert_eq!(label("factions.isis.joins", &labels, true), "Islamic State: joins");
    }
}
