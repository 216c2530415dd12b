//! What a sweep reports: each run's summary flattened into one row of
//! runs.csv, and each design point's daily series reduced over its replicates
//! to mean, standard deviation and the 5%, 50% and 95% quantiles
//! (aggregates.csv, long form: one row a point, day and column), or each
//! outcome of runs.csv reduced over a point's replicates (`--aggregates
//! summary`: one row a point and outcome). Each row carries the point's
//! swept values after `policy`. Pure.

use std::collections::BTreeMap;
use std::fmt::Write;

/// Header of aggregates.csv (and a run's ensemble.csv) without swept parameters.
pub const AGGREGATE_COLUMNS: &str = "point,policy,day,column,replicates,mean,sd,q05,q50,q95";

/// Header of a sweep's daily aggregates.csv: the swept keys after `policy`.
pub fn aggregate_header(keys: &[String]) -> String {
    header(keys, "day,column")
}

/// Header of a sweep's summary aggregates.csv (`--aggregates summary`).
pub fn summary_header(keys: &[String]) -> String {
    header(keys, "outcome")
}

fn header(keys: &[String], what: &str) -> String {
    let mut h = String::from("point,policy");
    for k in keys {
        h.push(',');
        h.push_str(&crate::render::csv_field(k));
    }
    let _ = write!(h, ",{what},replicates,mean,sd,q05,q50,q95");
    h
}

/// The leading fields of a point's rows: point, policy and its swept values.
fn lead(point: usize, policy: &str, params: &[String]) -> String {
    let mut l = format!("{point},{}", crate::render::csv_field(policy));
    for v in params {
        l.push(',');
        l.push_str(&crate::render::csv_field(v));
    }
    l
}

/// Quantile of sorted values by linear interpolation (Hyndman and Fan's type 7, R's default).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Up to this many replicates a reduction keeps every value, so its
/// quantiles, mean and sd are exact (and the bytes those of sorting all the
/// values). Above it, memory stays flat: the mean and sd are still exact
/// (Welford's updates in replicate order) and the quantiles are those of a
/// fixed sample of this many replicates (see [`Reduction`]).
pub const EXACT_REPLICATES: usize = 256;

/// A design point's (or an ensemble's) daily series reduced as its replicates
/// arrive, in memory that does not grow with their number: per day and
/// column, the count, mean and sum of squared deviations (Welford), and a
/// bottom-k sample of whole replicates for the quantiles. The sample keeps
/// the `capacity` replicates whose numbers hash lowest ([`sample_priority`]):
/// the same replicates whatever the order they arrive in, so it does not
/// depend on threads, and with at most `capacity` replicates it is all of
/// them. Feed replicates in replicate order: the mean and sd are then the
/// same bytes whatever the threads.
///
/// Error bound above `capacity` replicates: each quantile is the type-7
/// quantile of a simple random sample of k = `capacity` of the n replicates
/// (the hash is a bijection, so the sample is a uniformly drawn subset). The
/// population rank of a sample q-quantile has standard error
/// sqrt(q (1 - q) / k * (n - k) / (n - 1)): at k = 256, at most 0.014 for
/// q05 and q95 and 0.031 for the median, so about 95% of the time q05 lies
/// between the exact 2.3% and 7.7% quantiles, the median between the 44% and
/// 56%: as precise as an ensemble of k replicates would give.
pub struct Reduction {
    capacity: usize,
    seen: u64,
    count: Vec<u64>,
    mean: Vec<f64>,
    m2: Vec<f64>,
    sample: Vec<(u64, Vec<f64>)>,
}

/// The priority of replicate `r` in a reduction's sample (lowest kept): a
/// fixed bijective mix of its number (splitmix64's finaliser).
pub fn sample_priority(r: u64) -> u64 {
    let mut z = r.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Default for Reduction {
    fn default() -> Self {
        Reduction::new(EXACT_REPLICATES)
    }
}

impl Reduction {
    /// A reduction whose quantiles are exact up to `capacity` replicates.
    pub fn new(capacity: usize) -> Self {
        Reduction { capacity: capacity.max(1), seen: 0, count: Vec::new(), mean: Vec::new(), m2: Vec::new(), sample: Vec::new() }
    }

    /// Replicates reduced so far.
    pub fn replicates(&self) -> u64 {
        self.seen
    }

    /// Add replicate `r`'s values (day by day, the columns of each day). The
    /// first replicate fixes the cells; a shorter one counts in the cells it has.
    pub fn push(&mut self, r: u64, mut values: Vec<f64>) {
        if self.seen == 0 {
            let n = values.len();
            (self.count, self.mean, self.m2) = (vec![0; n], vec![0.0; n], vec![0.0; n]);
        }
        self.seen += 1;
        for (i, &x) in values.iter().enumerate().take(self.count.len()) {
            self.count[i] += 1;
            let delta = x - self.mean[i];
            self.mean[i] += delta / self.count[i] as f64;
            self.m2[i] += delta * (x - self.mean[i]);
        }
        let priority = sample_priority(r);
        // What the sample keeps is held to its length, not its capacity.
        values.shrink_to_fit();
        if self.sample.len() < self.capacity {
            self.sample.push((priority, values));
        } else if let Some(worst) = (0..self.sample.len()).max_by_key(|&i| self.sample[i].0)
            && priority < self.sample[worst].0
        {
            self.sample[worst] = (priority, values);
        }
    }

    /// The aggregate rows (see [`AGGREGATE_COLUMNS`]), `columns.len()` values a day.
    pub fn write_rows(&self, point: usize, policy: &str, params: &[String], columns: &[String], out: &mut String) {
        let width = columns.len();
        let days = self.count.len() / width.max(1);
        let exact = self.seen <= self.capacity as u64;
        let lead = lead(point, policy, params);
        let mut v: Vec<f64> = Vec::with_capacity(self.sample.len());
        for d in 0..days {
            for (c, name) in columns.iter().enumerate() {
                let i = d * width + c;
                v.clear();
                v.extend(self.sample.iter().filter_map(|(_, s)| s.get(i)).copied());
                v.sort_by(f64::total_cmp);
                let (n, mean, sd) = if exact {
                    // Every value is here: the sums of the sorted values, as
                    // ever, so that small ensembles keep their bytes.
                    let n = v.len() as f64;
                    let mean = v.iter().sum::<f64>() / n;
                    let sd = if v.len() > 1 { (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt() } else { 0.0 };
                    (v.len() as u64, mean, sd)
                } else {
                    let n = self.count[i];
                    (n, self.mean[i], if n > 1 { (self.m2[i] / (n - 1) as f64).sqrt() } else { 0.0 })
                };
                let _ = writeln!(out, "{lead},{d},{name},{n},{mean:.6},{sd:.6},{:.6},{:.6},{:.6}", quantile(&v, 0.05), quantile(&v, 0.5), quantile(&v, 0.95));
            }
        }
    }
}

/// The aggregate rows of one design point. `runs[r]` holds replicate r's
/// values, day by day, `columns.len()` a day.
pub fn aggregate(point: usize, policy: &str, columns: &[String], runs: &[Vec<f64>]) -> String {
    let mut reduction = Reduction::default();
    for (r, values) in runs.iter().enumerate() {
        reduction.push(r as u64, values.clone());
    }
    let mut out = String::new();
    reduction.write_rows(point, policy, &[], columns, &mut out);
    out
}

/// A design point's outcomes (the numeric fields of its runs.csv rows, a
/// flag counting as 1 or 0) reduced over its replicates as they come, in
/// memory that does not grow with their number: per outcome the count,
/// mean and sd of the runs that have it (Welford, in replicate order), and
/// the quantiles of a fixed sample of [`EXACT_REPLICATES`] replicates, the
/// same ones a [`Reduction`] keeps (all of them up to that many).
pub struct OutcomeReduction {
    in_sample: std::collections::BTreeSet<u64>,
    keys: Vec<String>,
    index: BTreeMap<String, usize>,
    count: Vec<u64>,
    mean: Vec<f64>,
    m2: Vec<f64>,
    sample: Vec<Vec<f64>>,
}

impl OutcomeReduction {
    /// For a point of replicates `0..replicates`.
    pub fn new(replicates: u64) -> Self {
        let mut lowest: std::collections::BinaryHeap<(u64, u64)> = std::collections::BinaryHeap::new();
        for r in 0..replicates {
            lowest.push((sample_priority(r), r));
            if lowest.len() > EXACT_REPLICATES {
                lowest.pop();
            }
        }
        OutcomeReduction {
            in_sample: lowest.into_iter().map(|(_, r)| r).collect(),
            keys: Vec::new(),
            index: BTreeMap::new(),
            count: Vec::new(),
            mean: Vec::new(),
            m2: Vec::new(),
            sample: Vec::new(),
        }
    }

    /// Replicate `r`'s outcomes as (key, value as runs.csv writes it).
    pub fn push(&mut self, r: u64, outcomes: &[(String, String)]) {
        let sampled = self.in_sample.contains(&r);
        for (k, v) in outcomes {
            let x = match v.as_str() {
                "true" => 1.0,
                "false" => 0.0,
                v => match v.parse::<f64>() {
                    Ok(x) if x.is_finite() => x,
                    _ => continue,
                },
            };
            let i = match self.index.get(k) {
                Some(&i) => i,
                None => {
                    self.index.insert(k.clone(), self.keys.len());
                    self.keys.push(k.clone());
                    self.count.push(0);
                    self.mean.push(0.0);
                    self.m2.push(0.0);
                    self.sample.push(Vec::new());
                    self.keys.len() - 1
                }
            };
            self.count[i] += 1;
            let delta = x - self.mean[i];
            self.mean[i] += delta / self.count[i] as f64;
            self.m2[i] += delta * (x - self.mean[i]);
            if sampled {
                self.sample[i].push(x);
            }
        }
    }

    /// One row an outcome (see [`summary_header`]), in order of first appearance.
    pub fn write_rows(&mut self, point: usize, policy: &str, params: &[String], out: &mut String) {
        let lead = lead(point, policy, params);
        for (i, key) in self.keys.iter().enumerate() {
            let v = &mut self.sample[i];
            v.sort_by(f64::total_cmp);
            let n = self.count[i];
            let sd = if n > 1 { (self.m2[i] / (n - 1) as f64).sqrt() } else { 0.0 };
            let _ = writeln!(
                out,
                "{lead},{},{n},{:.6},{sd:.6},{:.6},{:.6},{:.6}",
                crate::render::csv_field(key),
                self.mean[i],
                quantile(v, 0.05),
                quantile(v, 0.5),
                quantile(v, 0.95)
            );
        }
    }
}

/// A JSON value flattened to (dotted key, text) pairs in its own order:
/// objects by key, arrays by index, nulls empty.
pub fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match v {
        serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| flatten(&join(k), x, out)),
        serde_json::Value::Array(a) => a.iter().enumerate().for_each(|(k, x)| flatten(&join(&k.to_string()), x, out)),
        serde_json::Value::Null => out.push((prefix.to_string(), String::new())),
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_r_type_7() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&x, 0.5), 3.0);
        assert_eq!(quantile(&x, 0.05), 1.2);
        assert!((quantile(&x, 0.95) - 4.8).abs() < 1e-12);
    }

    #[test]
    fn aggregates_reduce_over_replicates() {
        let cols = vec!["a".to_string(), "b".to_string()];
        let runs = vec![vec![1.0, 10.0, 2.0, 20.0], vec![3.0, 30.0, 4.0, 40.0]];
        let out = aggregate(7, "base", &cols, &runs);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "7,base,0,a,2,2.000000,1.414214,1.100000,2.000000,2.900000");
        assert!(lines[3].starts_with("7,base,1,b,2,30.000000,"));
    }

    /// Pseudo-random values, fixed: a skewed spread like a head count's.
    fn values(n: usize, cells: usize) -> Vec<Vec<f64>> {
        (0..n as u64)
            .map(|r| (0..cells as u64).map(|c| (sample_priority(r * 7919 + c) % 10_000) as f64 / 100.0 + (c as f64) * 3.0).map(|x| x * x / 50.0).collect())
            .collect()
    }

    /// The reduction as it was before it streamed: every value kept and sorted.
    fn reference(point: usize, policy: &str, columns: &[String], runs: &[Vec<f64>]) -> String {
        let mut out = String::new();
        let width = columns.len();
        let days = runs[0].len() / width;
        for d in 0..days {
            for (c, name) in columns.iter().enumerate() {
                let mut v: Vec<f64> = runs.iter().map(|r| r[d * width + c]).collect();
                v.sort_by(f64::total_cmp);
                let n = v.len() as f64;
                let mean = v.iter().sum::<f64>() / n;
                let sd = if v.len() > 1 { (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt() } else { 0.0 };
                let (a, b, c) = (quantile(&v, 0.05), quantile(&v, 0.5), quantile(&v, 0.95));
                let _ = writeln!(out, "{point},{policy},{d},{name},{},{mean:.6},{sd:.6},{a:.6},{b:.6},{c:.6}", v.len());
            }
        }
        out
    }

    #[test]
    fn a_reduction_up_to_its_capacity_gives_the_bytes_of_sorting_every_value() {
        let cols = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        for n in [1, 2, 17, EXACT_REPLICATES] {
            let runs = values(n, 3 * 5);
            assert_eq!(aggregate(3, "base", &cols, &runs), reference(3, "base", &cols, &runs), "{n} replicates");
        }
    }

    #[test]
    fn streamed_mean_and_sd_equal_the_exact_ones_above_the_sample() {
        let runs = values(3000, 4);
        let mut red = Reduction::new(64);
        for (r, v) in runs.iter().enumerate() {
            red.push(r as u64, v.clone());
        }
        for c in 0..4 {
            let v: Vec<f64> = runs.iter().map(|r| r[c]).collect();
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt();
            assert!((red.mean[c] - mean).abs() <= 1e-12 * mean.abs(), "mean {} against {mean}", red.mean[c]);
            let got = (red.m2[c] / 2999.0).sqrt();
            assert!((got - sd).abs() <= 1e-10 * sd, "sd {got} against {sd}");
            assert_eq!(red.count[c], 3000);
        }
    }

    #[test]
    fn quantiles_above_the_sample_lie_within_the_stated_rank_bound() {
        let (n, k) = (10_000usize, EXACT_REPLICATES);
        let runs = values(n, 6);
        let mut red = Reduction::default();
        for (r, v) in runs.iter().enumerate() {
            red.push(r as u64, v.clone());
        }
        let cols: Vec<String> = (0..6).map(|c| format!("c{c}")).collect();
        let mut out = String::new();
        red.write_rows(0, "base", &[], &cols, &mut out);
        for (c, line) in out.lines().enumerate() {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f[4], n.to_string(), "every replicate counts in the mean: {line}");
            let mut all: Vec<f64> = runs.iter().map(|r| r[c]).collect();
            all.sort_by(f64::total_cmp);
            for (q, field) in [(0.05, f[7]), (0.5, f[8]), (0.95, f[9])] {
                let est: f64 = field.parse().unwrap();
                // The estimate's rank among all the values, against the
                // documented standard error (3 of them: a bound this fixed
                // sample must meet, not a coin toss).
                let rank = all.partition_point(|&x| x < est) as f64 / n as f64;
                let se = (q * (1.0 - q) / k as f64 * (n - k) as f64 / (n - 1) as f64).sqrt();
                assert!((rank - q).abs() <= 3.0 * se, "column {c}, q{q}: rank {rank} of estimate {est}, bound {}", 3.0 * se);
            }
        }
    }

    #[test]
    fn the_sample_does_not_depend_on_the_order_replicates_arrive_in() {
        let runs = values(1000, 5);
        let cols: Vec<String> = (0..5).map(|c| format!("c{c}")).collect();
        let (mut forward, mut backward) = (Reduction::new(32), Reduction::new(32));
        for (r, v) in runs.iter().enumerate() {
            forward.push(r as u64, v.clone());
        }
        for (r, v) in runs.iter().enumerate().rev() {
            backward.push(r as u64, v.clone());
        }
        let quantiles = |red: &Reduction| {
            let mut out = String::new();
            red.write_rows(0, "p", &[], &cols, &mut out);
            out.lines().map(|l| l.split(',').skip(7).collect::<Vec<_>>().join(",")).collect::<Vec<_>>()
        };
        assert_eq!(quantiles(&forward), quantiles(&backward));
    }

    #[test]
    fn outcome_summaries_carry_the_point_and_reduce_each_outcome() {
        let mut red = OutcomeReduction::new(3);
        for (r, (a, b)) in [("1", "true"), ("3", "false"), ("", "true")].iter().enumerate() {
            red.push(r as u64, &[("x".into(), a.to_string()), ("y".into(), b.to_string())]);
        }
        let mut out = String::new();
        red.write_rows(4, "due_process", &["0.6".into()], &mut out);
        assert_eq!(summary_header(&["amnesty.broadcast_reach".into()]), "point,policy,amnesty.broadcast_reach,outcome,replicates,mean,sd,q05,q50,q95");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "4,due_process,0.6,x,2,2.000000,1.414214,1.100000,2.000000,2.900000");
        assert!(lines[1].starts_with("4,due_process,0.6,y,3,0.666667,"), "{}", lines[1]);
    }

    #[test]
    fn flattening_names_nested_keys() {
        let v: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":{"c":[2,3],"d":null},"e":"x"}"#).unwrap();
        let mut out = Vec::new();
        flatten("", &v, &mut out);
        let keys: Vec<&str> = out.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(keys, ["a", "b.c.0", "b.c.1", "b.d", "e"]);
    }
}
