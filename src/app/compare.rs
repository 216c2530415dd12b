//! Paired comparisons of a sweep's design points: for each outcome, the mean
//! difference of replicate r of a point from replicate r of its reference,
//! with a 95% t interval over the paired differences, written as
//! DIR/comparisons.csv.
//!
//! The reference is a policy (each point is paired with the reference
//! policy's point at the same swept values) or a point (every point is paired
//! with it). By default it is the first policy when there are several, else
//! the first point. Under common random numbers replicate r of every point
//! shares its random numbers, so the pairs remove the noise the points share;
//! under independent seeds the pairs are still independent draws, and the
//! interval stays valid, only wider.
//!
//! runs.csv is streamed, never held: rows come in point order, replicates in
//! order within a point, so a point's sums are accumulated while its rows
//! pass and written when the next point starts. Only the current reference
//! point's values (one row of outcomes a replicate) are held; a second reader
//! walks the file to fetch them, and goes back to the start when a new
//! policy's points begin.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::anyhow;
use resist::chart::sweep::t975;

use super::cli::{Failure, bad_input, io_failure};
use super::files::write_atomic;
use super::plot::outcome_value;

/// The columns of comparisons.csv.
pub const COLUMNS: &str = "outcome,reference,point,policy,n_pairs,mean_reference,mean_point,mean_difference,ci_low,ci_high";

/// Sums of paired values: counts, means and the differences' spread (Welford's updates, in replicate order).
#[derive(Clone, Copy, Debug, Default)]
pub struct Paired {
    pub n: u64,
    sum_reference: f64,
    sum_point: f64,
    mean_d: f64,
    m2_d: f64,
}

/// What a run of pairs gives: the means and the 95% interval of the mean difference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Difference {
    pub n: u64,
    pub mean_reference: f64,
    pub mean_point: f64,
    pub mean: f64,
    /// Half the width of the 95% interval (NaN below two pairs).
    pub half: f64,
}

impl Paired {
    pub fn push(&mut self, reference: f64, point: f64) {
        self.n += 1;
        self.sum_reference += reference;
        self.sum_point += point;
        let d = point - reference;
        let delta = d - self.mean_d;
        self.mean_d += delta / self.n as f64;
        self.m2_d += delta * (d - self.mean_d);
    }

    pub fn result(&self) -> Option<Difference> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let half = if self.n > 1 { t975(self.n as usize - 1) * (self.m2_d / (n - 1.0)).sqrt() / n.sqrt() } else { f64::NAN };
        Some(Difference { n: self.n, mean_reference: self.sum_reference / n, mean_point: self.sum_point / n, mean: self.mean_d, half })
    }
}

/// The columns of runs.csv that a comparison reads.
struct Layout {
    point: usize,
    policy: usize,
    replicate: usize,
    status: usize,
    /// The swept parameters' columns.
    params: std::ops::Range<usize>,
    /// Every column after `error`, by name.
    outcomes: Vec<(usize, String)>,
}

impl Layout {
    fn of(path: &Path, header: &csv::StringRecord) -> Result<Self, Failure> {
        let h: Vec<&str> = header.iter().collect();
        let at = |name: &str| h.iter().position(|c| *c == name).ok_or_else(|| bad_input(anyhow!("{}: no `{name}` column", path.display())));
        let (seed, status, error) = (at("seed")?, at("status")?, at("error")?);
        Ok(Layout {
            point: at("point")?,
            policy: at("policy")?,
            replicate: at("replicate")?,
            status,
            params: seed + 1..status,
            outcomes: h.iter().enumerate().skip(error + 1).map(|(k, c)| (k, c.to_string())).collect(),
        })
    }
}

/// One row of runs.csv as a comparison sees it.
struct Row {
    point: usize,
    policy: String,
    replicate: u64,
    params: Vec<String>,
    /// The outcomes' values (NaN where missing or not a number); None for a failed run.
    values: Option<Vec<f64>>,
}

fn parse(path: &Path, line: u64, l: &Layout, rec: &csv::StringRecord) -> Result<Row, Failure> {
    let num = |k: usize, what: &str| -> Result<u64, Failure> {
        rec.get(k).and_then(|v| v.parse().ok()).ok_or_else(|| bad_input(anyhow!("{}: line {line}: `{what}` is not a whole number", path.display())))
    };
    let ok = rec.get(l.status) == Some("ok");
    Ok(Row {
        point: num(l.point, "point")? as usize,
        policy: rec.get(l.policy).unwrap_or("").to_string(),
        replicate: num(l.replicate, "replicate")?,
        params: l.params.clone().map(|k| rec.get(k).unwrap_or("").to_string()).collect(),
        values: ok.then(|| l.outcomes.iter().map(|(k, _)| rec.get(*k).and_then(outcome_value).filter(|v| v.is_finite()).unwrap_or(f64::NAN)).collect()),
    })
}

/// runs.csv read a row at a time.
struct Rows {
    path: std::path::PathBuf,
    reader: csv::Reader<std::io::BufReader<std::fs::File>>,
    layout: Layout,
    record: csv::StringRecord,
    line: u64,
    /// A row read ahead and not yet taken.
    peeked: Option<Row>,
}

impl Rows {
    fn open(path: &Path) -> Result<Self, Failure> {
        let f = std::fs::File::open(path).map_err(|e| io_failure(anyhow!("cannot read {}: {e}", path.display())))?;
        let mut reader = csv::Reader::from_reader(std::io::BufReader::new(f));
        let header = reader.headers().map_err(|e| bad_input(anyhow!("{}: {e}", path.display())))?.clone();
        let layout = Layout::of(path, &header)?;
        Ok(Rows { path: path.to_path_buf(), reader, layout, record: csv::StringRecord::new(), line: 1, peeked: None })
    }

    fn peek(&mut self) -> Result<Option<&Row>, Failure> {
        if self.peeked.is_none() {
            if !self.reader.read_record(&mut self.record).map_err(|e| bad_input(anyhow!("{}: {e}", self.path.display())))? {
                return Ok(None);
            }
            self.line += 1;
            self.peeked = Some(parse(&self.path, self.line, &self.layout, &self.record)?);
        }
        Ok(self.peeked.as_ref())
    }

    fn next(&mut self) -> Result<Option<Row>, Failure> {
        self.peek()?;
        Ok(self.peeked.take())
    }
}

/// What the points are compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Reference {
    /// Policy k (by order of appearance): each point against the reference policy's point at the same swept values.
    Policy(usize, String),
    /// One design point against which every other is compared.
    Point(usize),
}

/// The sweep's shape, from a first pass over runs.csv: the policies in
/// order with their first point and number of points, the number of points,
/// and which outcome columns hold a number in any successful run.
struct Shape {
    policies: Vec<(String, usize, usize)>,
    points: usize,
    numeric: Vec<bool>,
}

fn shape(path: &Path) -> Result<Shape, Failure> {
    let mut rows = Rows::open(path)?;
    let mut policies: Vec<(String, usize, usize)> = Vec::new();
    let mut numeric = vec![false; rows.layout.outcomes.len()];
    let mut last: Option<usize> = None;
    while let Some(r) = rows.next()? {
        if last.is_some_and(|p| r.point < p) {
            return Err(bad_input(anyhow!("{}: line {}: rows are not in point order, as a sweep's runs.csv is", path.display(), rows.line)));
        }
        if last != Some(r.point) {
            match policies.last_mut() {
                Some((name, _, count)) if *name == r.policy => *count += 1,
                _ => {
                    if policies.iter().any(|(name, _, _)| *name == r.policy) {
                        return Err(bad_input(anyhow!("{}: policy `{}`'s points are not together, as a sweep's runs.csv has them", path.display(), r.policy)));
                    }
                    policies.push((r.policy.clone(), r.point, 1));
                }
            }
            last = Some(r.point);
        }
        if let Some(v) = &r.values {
            for (n, x) in numeric.iter_mut().zip(v) {
                *n |= x.is_finite();
            }
        }
    }
    let points = policies.iter().map(|p| p.2).sum();
    Ok(Shape { policies, points, numeric })
}

/// Which reference `--reference` names: a policy's name, or a point's number.
fn reference(path: &Path, shape: &Shape, chosen: Option<&str>) -> Result<Option<Reference>, Failure> {
    let Some(name) = chosen else {
        return Ok(if shape.policies.len() > 1 {
            Some(Reference::Policy(0, shape.policies[0].0.clone()))
        } else if shape.points > 1 {
            Some(Reference::Point(shape.policies[0].1))
        } else {
            None
        });
    };
    if let Some(k) = shape.policies.iter().position(|p| p.0 == name) {
        if shape.policies.len() < 2 {
            return Ok(Some(Reference::Point(shape.policies[0].1)).filter(|_| shape.points > 1));
        }
        return Ok(Some(Reference::Policy(k, name.to_string())));
    }
    if let Ok(p) = name.parse::<usize>()
        && shape.policies.iter().any(|(_, first, count)| (*first..first + count).contains(&p))
    {
        return Ok(Some(Reference::Point(p)));
    }
    Err(bad_input(anyhow!(
        "--reference {name}: neither a policy nor a design point of {} (policies: {}; points: 0 to {})",
        path.display(),
        shape.policies.iter().map(|p| p.0.as_str()).collect::<Vec<_>>().join(", "),
        shape.points.saturating_sub(1)
    )))
}

/// The current reference point: its number, swept values and each replicate's values.
type Held = (usize, Vec<String>, BTreeMap<u64, Option<Vec<f64>>>);

/// Compare every point of runs.csv with its reference and write the table to
/// `out` (comparisons.csv's rows: by point, then outcome in runs.csv's
/// order). Returns the reference, or None when there is nothing to compare
/// (one point).
pub fn compare(runs: &Path, chosen: Option<&str>, out: &mut impl Write) -> Result<Option<Reference>, Failure> {
    let shape = shape(runs)?;
    let Some(reference) = reference(runs, &shape, chosen)? else { return Ok(None) };
    if let Reference::Policy(k, _) = &reference
        && let Some((name, _, n)) = shape.policies.iter().find(|p| p.2 != shape.policies[*k].2)
    {
        return Err(bad_input(anyhow!(
            "{}: policy `{name}` has {n} points and the reference `{}` {}: points cannot be paired by their swept values",
            runs.display(),
            shape.policies[*k].0,
            shape.policies[*k].2
        )));
    }
    let reference_of = |point: usize| -> usize {
        match &reference {
            Reference::Point(p) => *p,
            Reference::Policy(k, _) => {
                let (_, first, _) = shape.policies.iter().rev().find(|(_, first, _)| *first <= point).expect("every point is in a policy");
                shape.policies[*k].1 + (point - first)
            }
        }
    };
    let label = match &reference {
        Reference::Policy(_, name) => name.clone(),
        Reference::Point(p) => p.to_string(),
    };
    let write_err = |e: std::io::Error| io_failure(anyhow::Error::new(e).context("cannot write comparisons.csv"));
    writeln!(out, "{COLUMNS}").map_err(write_err)?;
    let mut rows = Rows::open(runs)?;
    let names: Vec<String> = rows.layout.outcomes.iter().map(|(_, n)| n.clone()).collect();
    let mut finder = Rows::open(runs)?;
    let mut held: Option<Held> = None;
    while let Some(first) = rows.peek()? {
        let (point, policy, params) = (first.point, first.policy.clone(), first.params.clone());
        let target = reference_of(point);
        if target == point {
            while rows.peek()?.is_some_and(|r| r.point == point) {
                rows.next()?;
            }
            continue;
        }
        if held.as_ref().is_none_or(|h| h.0 != target) {
            if finder.peek()?.is_none_or(|r| r.point > target) {
                finder = Rows::open(runs)?;
            }
            while finder.peek()?.is_some_and(|r| r.point < target) {
                finder.next()?;
            }
            let mut values = BTreeMap::new();
            let mut ref_params = Vec::new();
            while let Some(r) = finder.peek()?.filter(|r| r.point == target) {
                ref_params = r.params.clone();
                let r = finder.next()?.expect("peeked");
                values.insert(r.replicate, r.values);
            }
            held = Some((target, ref_params, values));
        }
        let (_, ref_params, ref_values) = held.as_ref().expect("loaded above");
        if matches!(reference, Reference::Policy(..)) && *ref_params != params {
            return Err(bad_input(anyhow!(
                "{}: point {point} ({}) and its reference point {target} differ in their swept values: the policies' designs are not aligned",
                runs.display(),
                params.join(", ")
            )));
        }
        let mut sums = vec![Paired::default(); names.len()];
        while let Some(r) = rows.peek()?.filter(|r| r.point == point) {
            let _ = r;
            let r = rows.next()?.expect("peeked");
            let (Some(v), Some(Some(base))) = (&r.values, ref_values.get(&r.replicate)) else { continue };
            for ((s, x), b) in sums.iter_mut().zip(v).zip(base) {
                if x.is_finite() && b.is_finite() {
                    s.push(*b, *x);
                }
            }
        }
        for ((name, s), numeric) in names.iter().zip(&sums).zip(&shape.numeric) {
            if !numeric {
                continue;
            }
            let cells = match s.result() {
                Some(d) => {
                    let ci = |x: f64| if x.is_finite() { x.to_string() } else { String::new() };
                    format!("{},{},{},{},{},{}", d.n, d.mean_reference, d.mean_point, d.mean, ci(d.mean - d.half), ci(d.mean + d.half))
                }
                None => "0,,,,,".to_string(),
            };
            writeln!(out, "{},{},{point},{},{cells}", csv_text(name), csv_text(&label), csv_text(&policy)).map_err(write_err)?;
        }
    }
    Ok(Some(reference))
}

fn csv_text(s: &str) -> String {
    resist::render::csv_field(s)
}

/// Write DIR/comparisons.csv (atomically) when DIR's sweep has two or more
/// points; returns the reference used.
pub fn write(dir: &Path, chosen: Option<&str>) -> Result<Option<Reference>, Failure> {
    let mut text = Vec::new();
    let reference = compare(&dir.join("runs.csv"), chosen, &mut text)?;
    if reference.is_some() {
        write_atomic(&dir.join("comparisons.csv"), &text)?;
    }
    Ok(reference)
}

/// One row of comparisons.csv.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub outcome: String,
    pub point: usize,
    pub policy: String,
    pub difference: Option<Difference>,
}

/// Read the rows of comparisons.csv that `keep` accepts (by outcome), a row at a time.
pub fn read(path: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<Comparison>, Failure> {
    let mut r = csv::Reader::from_path(path).map_err(|e| io_failure(anyhow!("cannot read {}: {e}", path.display())))?;
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    while r.read_record(&mut rec).map_err(|e| bad_input(anyhow!("{}: {e}", path.display())))? {
        let f = |k: usize| rec.get(k).unwrap_or("");
        if !keep(f(0)) {
            continue;
        }
        let x = |k: usize| f(k).parse::<f64>().unwrap_or(f64::NAN);
        let n: u64 = f(4).parse().unwrap_or(0);
        out.push(Comparison {
            outcome: f(0).to_string(),
            point: f(2).parse().unwrap_or(0),
            policy: f(3).to_string(),
            difference: (n > 0).then(|| Difference { n, mean_reference: x(5), mean_point: x(6), mean: x(7), half: (x(9) - x(8)) / 2.0 }),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two policies crossed with a two-value parameter, three replicates; a
    /// failed run and a missing value; the reference's point order differs.
    const RUNS: &str = "run_id,point,policy,replicate,seed,x,status,error,a,b,name
0,0,base,0,1,0.1,ok,,10,1,u
1,0,base,1,1,0.1,ok,,12,2,u
2,0,base,2,1,0.1,ok,,14,,u
3,1,base,0,1,0.2,ok,,20,1,u
4,1,base,1,1,0.2,ok,,20,1,u
5,1,base,2,1,0.2,ok,,20,1,u
6,2,plan,0,1,0.1,ok,,11,true,u
7,2,plan,1,1,0.1,ok,,15,false,u
8,2,plan,2,1,0.1,ok,,14,true,u
9,3,plan,0,1,0.2,ok,,21,1,u
10,3,plan,1,1,0.2,failed,boom,,,
11,3,plan,2,1,0.2,ok,,26,1,u
";

    fn table(chosen: Option<&str>) -> Result<String, Failure> {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("runs.csv");
        std::fs::write(&path, RUNS).unwrap();
        let mut out = Vec::new();
        compare(&path, chosen, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    /// A row's fields, its numbers checked to within 1e-9.
    fn check(line: &str, text: [&str; 5], numbers: [f64; 5]) {
        let row: Vec<&str> = line.split(',').collect();
        assert_eq!(row[..5], text, "{line}");
        for (k, want) in numbers.iter().enumerate() {
            let got: f64 = row[5 + k].parse().unwrap();
            assert!((got - want).abs() < 1e-9, "column {}: {got} against {want}: {line}", 5 + k);
        }
    }

    #[test]
    fn paired_differences_have_the_known_means_and_t_intervals() {
        let text = table(None).unwrap_or_else(|f| panic!("{}", f.error));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], COLUMNS);
        // Point 2 against point 0, outcome a: differences 1, 3, 0: mean 4/3, sd sqrt(7/3), t(2) = 4.303.
        let h = 4.303 * (7.0f64 / 3.0).sqrt() / 3.0f64.sqrt();
        check(lines[1], ["a", "base", "2", "plan", "3"], [12.0, 40.0 / 3.0, 4.0 / 3.0, 4.0 / 3.0 - h, 4.0 / 3.0 + h]);
        // Outcome b: booleans count 1 and 0; replicate 2's reference is missing: pairs (1, 1), (2, 0),
        // differences 0 and -2: sd sqrt(2), t(1) = 12.706.
        check(lines[2], ["b", "base", "2", "plan", "2"], [1.5, 0.5, -1.0, -1.0 - 12.706, -1.0 + 12.706]);
        // Point 3 against point 1: the failed replicate 1 is left out; differences 1 and 6: sd sqrt(12.5).
        let h = 12.706 * 12.5f64.sqrt() / 2f64.sqrt();
        check(lines[3], ["a", "base", "3", "plan", "2"], [20.0, 23.5, 3.5, 3.5 - h, 3.5 + h]);
        check(lines[4], ["b", "base", "3", "plan", "2"], [1.0, 1.0, 0.0, 0.0, 0.0]);
        // A text column is no outcome.
        assert!(!text.contains("name,"), "{text}");
        assert_eq!(lines.len(), 5, "{text}");
    }

    #[test]
    fn a_chosen_reference_point_pairs_every_other_point_with_it() {
        let text = table(Some("1")).unwrap_or_else(|f| panic!("{}", f.error));
        let a: Vec<&str> = text.lines().filter(|l| l.starts_with("a,")).collect();
        assert_eq!(a.len(), 3, "{text}");
        assert!(a[0].starts_with("a,1,0,base,3,20,12,-8,"), "{}", a[0]);
        assert!(a[2].starts_with("a,1,3,plan,2,20,23.5,3.5,"), "{}", a[2]);
        let e = table(Some("nope")).expect_err("an unknown reference is refused");
        assert!(e.error.to_string().contains("--reference nope: neither a policy nor a design point"), "{}", e.error);
    }
}
