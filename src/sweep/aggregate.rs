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

/// The aggregate rows of one design point. `runs[r]` holds replicate r's
/// values, day by day, `columns.len()` a day.
pub fn aggregate(point: usize, policy: &str, columns: &[String], runs: &[Vec<f64>]) -> String {
    let mut out = String::new();
    let Some(first) = runs.first() else { return out };
    let width = columns.len();
    let days = first.len() / width.max(1);
    let mut v: Vec<f64> = Vec::with_capacity(runs.len());
    for d in 0..days {
        for (c, name) in columns.iter().enumerate() {
            v.clear();
            v.extend(runs.iter().filter_map(|r| r.get(d * width + c)).copied());
            v.sort_by(f64::total_cmp);
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            let sd = if v.len() > 1 { (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt() } else { 0.0 };
            let _ = writeln!(
                out,
                "{point},{},{d},{name},{},{mean:.6},{sd:.6},{:.6},{:.6},{:.6}",
                crate::render::csv_field(policy),
                v.len(),
                quantile(&v, 0.05),
                quantile(&v, 0.5),
                quantile(&v, 0.95)
            );
        }
    }
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
