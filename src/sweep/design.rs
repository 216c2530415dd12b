//! Designs: how a sweep's parameters take values at its design points.
//! Full factorial and zipped lists, Latin hypercube and Sobol samples within
//! bounds, and an explicit sample matrix made elsewhere (SALib, say).

use rand::RngExt;

use crate::rng::Rng;

/// The most replicates a design point may have.
pub const MAX_REPLICATES: u64 = 1_000_000;

/// The most design points a sweep may have (policies included), and so the
/// most `steps` of a list and `samples` of a sampled design.
pub const MAX_POINTS: usize = 1_000_000;

/// The most runs a sweep may have (points x replicates): run ids, seeds and
/// runs.csv stay in bounds.
pub const MAX_RUNS: u64 = 1_000_000_000;

/// The most swept values a design may hold (points x parameters), 80 MB.
pub const MAX_VALUES: u64 = 10_000_000;

/// `steps` evenly spaced values from `from` to `to`, both ends exact, each
/// the number nearest the intended decimal value: `from` and `to` are taken
/// as the decimals they print as (0.2 is 2/10), the k-th value is the
/// fraction from + k (to - from) / (steps - 1) computed exactly in integers,
/// and only its final division rounds. So 0.2 to 1.0 in 3 steps gives 0.6,
/// not 0.2 + 0.4 = 0.6000000000000001 (which prints as such in runs.csv).
/// Inputs with too many digits for exact integers fall back to floating point.
pub fn steps(from: f64, to: f64, steps: usize) -> Vec<f64> {
    (0..steps)
        .map(|k| if k + 1 == steps { to } else { exact_step(from, to, k, steps).unwrap_or_else(|| from + (to - from) * k as f64 / (steps - 1) as f64) })
        .collect()
}

/// A float as the integer of its shortest decimal and its decimal places
/// (0.25 is (25, 2)); `None` when that does not fit.
fn decimal(x: f64) -> Option<(i128, u32)> {
    let text = format!("{x}");
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let places = u32::try_from(frac.len()).ok().filter(|&p| p <= 18)?;
    let digits: i128 = format!("{whole}{frac}").parse().ok()?;
    Some((digits, places))
}

fn exact_step(from: f64, to: f64, k: usize, steps: usize) -> Option<f64> {
    let ((a, pa), (b, pb)) = (decimal(from)?, decimal(to)?);
    let places = pa.max(pb);
    let a = a.checked_mul(10i128.checked_pow(places - pa)?)?;
    let b = b.checked_mul(10i128.checked_pow(places - pb)?)?;
    let n = (steps - 1) as i128;
    // (a n + k (b - a)) / (n 10^places), reduced so both fit a float's 53 bits exactly.
    let mut num = a.checked_mul(n)?.checked_add((k as i128).checked_mul(b.checked_sub(a)?)?)?;
    let mut den = n.checked_mul(10i128.checked_pow(places)?)?;
    let g = gcd(num.unsigned_abs(), den.unsigned_abs()) as i128;
    if g > 1 {
        num /= g;
        den /= g;
    }
    const EXACT: i128 = 1 << 53;
    (num.abs() <= EXACT && den <= EXACT).then(|| num as f64 / den as f64)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// A point `x` of [0, 1) scaled to [lo, hi]; for an integer parameter, to one
/// of the whole numbers lo..=hi, each over an equal share of [0, 1), so that
/// the value a point records is the value it runs.
pub fn scale(x: f64, lo: f64, hi: f64, integer: bool) -> f64 {
    if integer { (lo + (x * (hi - lo + 1.0)).floor()).min(hi) } else { lo + x * (hi - lo) }
}

/// Every combination of the value lists, the first list varying slowest.
pub fn factorial(lists: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut points: Vec<Vec<f64>> = vec![Vec::new()];
    for list in lists {
        let mut next = Vec::with_capacity(points.len() * list.len());
        for p in &points {
            for v in list {
                let mut q = p.clone();
                q.push(*v);
                next.push(q);
            }
        }
        points = next;
    }
    points
}

/// The k-th values of equally long lists together.
pub fn zip(lists: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = lists.first().map_or(0, Vec::len);
    (0..n).map(|k| lists.iter().map(|l| l[k]).collect()).collect()
}

/// A Latin hypercube sample of `n` points in [0, 1)^d: each dimension's n
/// strata hold one point each, at a uniform place within the stratum.
pub fn latin_hypercube(n: usize, d: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    let mut points = vec![vec![0.0; d]; n];
    let mut order: Vec<usize> = (0..n).collect();
    for j in 0..d {
        for k in (1..n).rev() {
            order.swap(k, rng.random_range(0..=k));
        }
        for (i, p) in points.iter_mut().enumerate() {
            p[j] = (order[i] as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    points
}

/// The most dimensions a Sobol design may have.
pub const SOBOL_MAX_DIMENSIONS: usize = 1 + super::joe_kuo::DIRECTIONS.len();

/// The first `n` points of the Sobol sequence in [0, 1)^d (Bratley and Fox's
/// Gray-code construction, Joe and Kuo's direction numbers), skipping the
/// origin so that every point is interior.
pub fn sobol(n: usize, d: usize) -> Vec<Vec<f64>> {
    const BITS: usize = 32;
    let mut v = vec![[0u32; BITS]; d];
    for (j, dir) in v.iter_mut().enumerate() {
        if j == 0 {
            for (k, x) in dir.iter_mut().enumerate() {
                *x = 1 << (31 - k);
            }
            continue;
        }
        let (s, a, m) = super::joe_kuo::DIRECTIONS[j - 1];
        let s = s as usize;
        for k in 0..s.min(BITS) {
            dir[k] = m[k] << (31 - k);
        }
        for k in s..BITS {
            let mut x = dir[k - s] ^ (dir[k - s] >> s);
            for t in 1..s {
                if (a >> (s - 1 - t)) & 1 == 1 {
                    x ^= dir[k - t];
                }
            }
            dir[k] = x;
        }
    }
    let mut x = vec![0u32; d];
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        // The position of the lowest zero bit of i - 1 picks the direction.
        let c = (!(i - 1)).trailing_zeros() as usize;
        for j in 0..d {
            x[j] ^= v[j][c];
        }
        out.push(x.iter().map(|&b| f64::from(b) / 4_294_967_296.0).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::RunKey;

    #[test]
    fn factorial_and_zip_orders() {
        let f = factorial(&[vec![1.0, 2.0], vec![10.0, 20.0, 30.0]]);
        assert_eq!(f.len(), 6);
        assert_eq!(f[0], vec![1.0, 10.0]);
        assert_eq!(f[1], vec![1.0, 20.0]);
        assert_eq!(f[5], vec![2.0, 30.0]);
        assert_eq!(zip(&[vec![1.0, 2.0], vec![3.0, 4.0]]), vec![vec![1.0, 3.0], vec![2.0, 4.0]]);
    }

    #[test]
    fn steps_end_exactly_and_integers_scale_to_whole_numbers() {
        assert_eq!(steps(0.2, 1.0, 3), vec![0.2, 0.6, 1.0]);
        assert_eq!(steps(0.0, 1.0, 11).iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","), "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1");
        assert_eq!(steps(0.0, 1.0, 4)[1], 1.0 / 3.0);
        assert_eq!(steps(-0.5, 0.25, 4), vec![-0.5, -0.25, 0.0, 0.25]);
        assert_eq!(steps(1e300, 2e300, 3)[1], 1.5e300);
        assert_eq!(*steps(0.1, 0.7, 7).last().unwrap(), 0.7);
        assert_eq!(scale(0.0, 1.0, 3.0, true), 1.0);
        assert_eq!(scale(0.34, 1.0, 3.0, true), 2.0);
        assert_eq!(scale(0.999_999, 1.0, 3.0, true), 3.0);
        assert_eq!(scale(0.5, 0.0, 2.0, false), 1.0);
    }

    #[test]
    fn latin_hypercube_puts_one_point_in_each_stratum() {
        let mut rng = RunKey::new(1, 0).stream(crate::rng::Stream::Families, 0, 0);
        let pts = latin_hypercube(50, 3, &mut rng);
        for j in 0..3 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[j] * 50.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..50).collect::<Vec<_>>());
        }
    }

    #[test]
    fn sobol_first_points_are_the_known_ones_and_stratify_every_dimension() {
        let p = sobol(4, 2);
        assert_eq!(p[0], vec![0.5, 0.5]);
        assert_eq!(p[1], vec![0.75, 0.25]);
        assert_eq!(p[2], vec![0.25, 0.75]);
        // With the origin, the first 256 points fill each dimension's 256 strata once:
        // the 255 after the origin fall in distinct strata.
        let n = 255;
        let pts = sobol(n, SOBOL_MAX_DIMENSIONS);
        for j in 0..SOBOL_MAX_DIMENSIONS {
            let mut strata: Vec<usize> = pts.iter().map(|q| (q[j] * 256.0) as usize).collect();
            strata.sort();
            strata.dedup();
            assert_eq!(strata.len(), n, "dimension {j} repeats a stratum");
        }
        // Two-dimensional projections of 256 points with the origin fill every 16 x 16 cell (a (0, 8, 2)-net
        // for the first two dimensions).
        let mut all = vec![vec![0.0, 0.0]];
        all.extend(sobol(255, 2));
        let mut cells: Vec<(usize, usize)> = all.iter().map(|q| ((q[0] * 16.0) as usize, (q[1] * 16.0) as usize)).collect();
        cells.sort();
        cells.dedup();
        assert_eq!(cells.len(), 256);
    }
}
