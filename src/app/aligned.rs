//! Series aligned on the council's call. Mobilisation starts on a different
//! day in each replicate; averaged by calendar day, the ensemble's mean
//! smears it over weeks, while aligned on the call it shows its course. Used
//! by `resist run --replicates` (ensemble-from-call.csv) and by sweeps (rows
//! of aggregates.csv whose column ends in [`SUFFIX`]).

/// Days before and after the council's call that an aligned window covers (after: at most half the run).
pub const BEFORE_CALL: usize = 30;
pub const AFTER_CALL: usize = 150;

/// What a sweep's aggregates.csv appends to a column's name for its rows
/// aligned on the call (their `day` counts from the call, negative before it).
pub const SUFFIX: &str = "@call";

/// A replicate's daily values (`width` a day) from [`BEFORE_CALL`] days
/// before the council's call to [`AFTER_CALL`] days after it. Every
/// replicate gives the same days (a reduction's cells are fixed), so one
/// whose call comes too early or too late in the run to fill them is left
/// out (None).
pub fn since_call(series: &[f64], width: usize, call: usize, days: usize) -> Option<Vec<f64>> {
    let start = call.checked_sub(BEFORE_CALL)?;
    let end = call + AFTER_CALL.min(days / 2) + 1;
    (end * width <= series.len()).then(|| series[start * width..end * width].to_vec())
}

/// Rows of a reduction of [`since_call`] windows with the day counted from
/// the call (negative before it); the day is the field after `point`,
/// `policy` and the `swept` parameter values.
pub fn days_from_call(rows: &str, swept: usize) -> String {
    let at = 2 + swept;
    let mut out = String::with_capacity(rows.len());
    for line in rows.lines() {
        let mut f: Vec<&str> = line.splitn(at + 2, ',').collect();
        let day = f.get(at).and_then(|d| d.parse::<i64>().ok()).map(|d| (d - BEFORE_CALL as i64).to_string());
        if let Some(d) = &day {
            f[at] = d;
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_starts_a_month_before_the_call_and_days_count_from_it() {
        let series: Vec<f64> = (0..400).map(f64::from).collect();
        let w = since_call(&series, 1, 100, 400).unwrap();
        assert_eq!((w[0], w[BEFORE_CALL], w.len()), (70.0, 100.0, BEFORE_CALL + AFTER_CALL + 1));
        assert!(since_call(&series, 1, 10, 400).is_none(), "a call in the first month cannot be aligned");
        assert!(since_call(&series, 1, 350, 400).is_none(), "nor one too near the end");
        assert_eq!(days_from_call("3,base,0.5,true,31,mobilised,8", 2), "3,base,0.5,true,1,mobilised,8\n");
    }
}
