//! `resist analyze discover DIR --where CONDITION`: scenario discovery with
//! PRIM over a sweep's runs. Each successful run is a sample: its swept
//! parameter values are the inputs, and the condition (on its outcomes) says
//! whether it is a case of interest. With several policies, each policy is
//! analysed on its own.
//!
//! A condition is one or more comparisons joined by `and`: `COLUMN OP VALUE`,
//! OP one of == != < <= > >=, VALUE a number, true/false, or a word in double
//! quotes (words compare only with == and !=). Example:
//! `uprising.outcome != "expelled" and uprising.deaths_town > 20`.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::anyhow;
use clap::Args;
use resist::analysis::prim;

use super::{SweepRuns, num, number, read_sweep};
use crate::app::cli::{EXIT_OK, Failure, bad_input};
use crate::app::files::write_atomic;
use resist::render::csv_field as cell;

#[derive(Args)]
pub struct Options {
    /// Output directory of a finished `resist sweep`.
    dir: PathBuf,
    /// The condition the runs of interest meet, e.g. 'uprising.outcome != "expelled"'.
    #[arg(long = "where", value_name = "CONDITION")]
    condition: String,
    /// The share of a box's runs each peeling step removes.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Stop peeling before a box would hold fewer than this share of the runs.
    #[arg(long, default_value_t = 0.05)]
    min_mass: f64,
    /// Choose the densest box that keeps at least this share of the cases.
    #[arg(long, default_value_t = 0.8)]
    min_coverage: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Number(f64),
    Word(String),
}

#[derive(Clone, Debug, PartialEq)]
struct Comparison {
    column: String,
    op: Op,
    value: Value,
}

/// Parse a condition; Err says what is wrong and what is allowed.
fn parse(text: &str) -> Result<Vec<Comparison>, String> {
    let mut out = Vec::new();
    for part in text.split(" and ") {
        let part = part.trim();
        let ops = [("==", Op::Eq), ("!=", Op::Ne), ("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)];
        let Some((at, sym, op)) = ops.iter().filter_map(|(s, o)| part.find(s).map(|i| (i, *s, *o))).min_by_key(|(i, s, _)| (*i, std::cmp::Reverse(s.len())))
        else {
            return Err(format!("`{part}`: expected COLUMN OP VALUE with OP one of == != < <= > >="));
        };
        let column = part[..at].trim().to_string();
        let raw = part[at + sym.len()..].trim();
        if column.is_empty() || raw.is_empty() {
            return Err(format!("`{part}`: expected COLUMN OP VALUE"));
        }
        let value = if let Some(w) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Value::Word(w.to_string())
        } else if let Some(v) = number(raw) {
            Value::Number(v)
        } else {
            return Err(format!("`{part}`: the value `{raw}` is not a number, true/false or a word in double quotes"));
        };
        if matches!(value, Value::Word(_)) && !matches!(op, Op::Eq | Op::Ne) {
            return Err(format!("`{part}`: a word compares only with == or !="));
        }
        out.push(Comparison { column, op, value });
    }
    Ok(out)
}

fn holds(c: &Comparison, cell: &str) -> bool {
    match &c.value {
        Value::Word(w) => (cell == w) == (c.op == Op::Eq),
        Value::Number(v) => match number(cell) {
            // A missing value (no uprising, say) meets only `!=`.
            None => c.op == Op::Ne,
            Some(x) => match c.op {
                Op::Eq => x == *v,
                Op::Ne => x != *v,
                Op::Lt => x < *v,
                Op::Le => x <= *v,
                Op::Gt => x > *v,
                Op::Ge => x >= *v,
            },
        },
    }
}

pub fn run(o: &Options) -> Result<u8, Failure> {
    let fail = |m: String| bad_input(anyhow!("--where {:?}: {m}", o.condition));
    let comparisons = parse(&o.condition).map_err(fail)?;
    if !(o.alpha > 0.0 && o.alpha < 0.5) {
        return Err(bad_input(anyhow!("--alpha {}: allowed strictly between 0 and 0.5", o.alpha)));
    }
    if !(0.0..1.0).contains(&o.min_mass) || !(0.0..=1.0).contains(&o.min_coverage) {
        return Err(bad_input(anyhow!(
            "--min-mass {} and --min-coverage {}: allowed 0 <= min-mass < 1 and 0 <= min-coverage <= 1",
            o.min_mass,
            o.min_coverage
        )));
    }
    let s: SweepRuns = read_sweep(&o.dir)?;
    if s.keys.is_empty() {
        return Err(bad_input(anyhow!("{}: the sweep has no swept parameters (only policies): there are no ranges to discover", o.dir.display())));
    }
    let columns: Vec<usize> = comparisons.iter().map(|c| s.outcome_index(&c.column)).collect::<Result<_, _>>()?;
    let per = s.points_per_policy();
    let mut csv = String::from("policy,box,coverage,density,mass,runs,chosen");
    for k in &s.keys {
        let _ = write!(csv, ",{},{}", cell(&format!("{k}.lower")), cell(&format!("{k}.upper")));
    }
    csv.push('\n');
    let mut charts = Vec::new();
    for (pi, policy) in s.policies.iter().enumerate() {
        let rows: Vec<&super::Row> = s.rows.iter().filter(|r| r.point / per.max(1) == pi).collect();
        let x: Vec<Vec<f64>> = rows.iter().map(|r| r.params.clone()).collect();
        let y: Vec<bool> = rows.iter().map(|r| comparisons.iter().zip(&columns).all(|(c, &k)| holds(c, &r.cells[k]))).collect();
        let cases = y.iter().filter(|b| **b).count();
        if cases == 0 {
            crate::outln!("{policy}: no run meets the condition (of {})", rows.len())?;
            continue;
        }
        let steps = prim::peel(&x, &y, o.alpha, o.min_mass).map_err(|e| bad_input(anyhow!("{}: {e}", o.dir.display())))?;
        let chosen = prim::choose(&steps, o.min_coverage);
        for (b, st) in steps.iter().enumerate() {
            let _ = write!(csv, "{},{b},{},{},{},{},{}", cell(policy), num(st.coverage), num(st.density), num(st.mass), st.points, b == chosen);
            for j in 0..s.keys.len() {
                let _ = write!(csv, ",{},{}", num(st.limits.lower[j]), num(st.limits.upper[j]));
            }
            csv.push('\n');
        }
        let st = &steps[chosen];
        crate::outln!(
            "{policy}: {cases} of {} runs meet the condition; chosen box {chosen} of {}: coverage {:.3}, density {:.3}, mass {:.3}",
            rows.len(),
            steps.len() - 1,
            st.coverage,
            st.density,
            st.mass
        )?;
        let restricted = resist::chart::analysis::restricted(&steps, chosen);
        if restricted.is_empty() {
            crate::outln!("  no parameter restricted: the cases are spread over the whole design")?;
        }
        for j in restricted {
            crate::outln!(
                "  {} from {} to {} (sampled {} to {})",
                s.keys[j],
                s.shown(j, st.limits.lower[j]),
                s.shown(j, st.limits.upper[j]),
                s.shown(j, steps[0].limits.lower[j]),
                s.shown(j, steps[0].limits.upper[j])
            )?;
        }
        let suffix = if s.policies.len() > 1 { format!("-{policy}") } else { String::new() };
        let title = format!("PRIM for {}{}", o.condition, if s.policies.len() > 1 { format!(" ({policy})") } else { String::new() });
        let io = |e| crate::app::cli::io_failure(anyhow::Error::new(e));
        charts.push(
            resist::chart::analysis::prim_trajectory(&resist::chart::file_stem(&format!("discover-trajectory{suffix}")), &title, &steps, chosen).map_err(io)?,
        );
        charts.push(
            resist::chart::analysis::prim_box(
                &resist::chart::file_stem(&format!("discover-box{suffix}")),
                &format!("{title}: the chosen box"),
                &s.keys,
                &steps,
                chosen,
            )
            .map_err(io)?,
        );
    }
    write_atomic(&o.dir.join("discover.csv"), csv.as_bytes())?;
    if !charts.is_empty() {
        crate::app::plot::write(&o.dir, &charts)?;
    }
    eprintln!("wrote {}/discover.csv and {} charts to {}/charts/", o.dir.display(), charts.len(), o.dir.display());
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_refuse_what_they_cannot_mean() {
        let c = parse("uprising.outcome != \"expelled\" and aftermath.rejoined >= 3").unwrap();
        assert_eq!(c[0], Comparison { column: "uprising.outcome".into(), op: Op::Ne, value: Value::Word("expelled".into()) });
        assert_eq!(c[1], Comparison { column: "aftermath.rejoined".into(), op: Op::Ge, value: Value::Number(3.0) });
        assert!(holds(&c[0], "faction_holds") && !holds(&c[0], "expelled"));
        assert!(holds(&c[1], "3") && !holds(&c[1], "2.5") && !holds(&c[1], ""));
        assert!(holds(&parse("rival.town_taken == true").unwrap()[0], "true"));
        assert!(parse("x < \"a\"").unwrap_err().contains("only with == or !="));
        assert!(parse("x ~ 3").unwrap_err().contains("OP one of"));
        assert!(parse("x == expelled").unwrap_err().contains("double quotes"));
    }
}
