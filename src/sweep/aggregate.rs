//! What a sweep reports: each run's summary flattened into one row of
//! runs.csv, and each design point's daily series reduced over its replicates
//! to mean, standard deviation and the 5%, 50% and 95% quantiles
//! (aggregates.csv, long form: one row a point, day and column). Pure.

use std::fmt::Write;

/// Header of aggregates.csv.
pub const AGGREGATE_COLUMNS: &str = "point,policy,day,column,replicates,mean,sd,q05,q50,q95";

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
    pub fn write_rows(&self, point: usize, policy: &str, columns: &[String], out: &mut String) {
        let width = columns.len();
        let days = self.count.len() / width.max(1);
        let exact = self.seen <= self.capacity as u64;
        let policy = crate::render::csv_field(policy);
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
                let _ = writeln!(
                    out,
                    "{point},{policy},{d},{name},{n},{mean:.6},{sd:.6},{:.6},{:.6},{:.6}",
                    quantile(&v, 0.05),
                    quantile(&v, 0.5),
                    quantile(&v, 0.95)
                );
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
    reduction.write_rows(point, policy, columns, &mut out);
    out
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

    #[test]
    fn flattening_names_nested_keys() {
        let v: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":{"c":[2,3],"d":null},"e":"x"}"#).unwrap();
        let mut out = Vec::new();
        flatten("", &v, &mut out);
        let keys: Vec<&str> = out.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(keys, ["a", "b.c.0", "b.c.1", "b.d", "e"]);
    }
}
