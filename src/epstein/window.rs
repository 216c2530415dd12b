//! Counts of cops and of active citizens within each agent's vision, kept
//! incrementally on a torus so that no step rescans a window.
//!
//! For every cell and every half-height h the model needs, `strips[h]` holds
//! the count in the vertical strip of 2h + 1 cells centred on it. A Moore
//! window of radius v is the sum of 2v + 1 strips of half-height v; a von
//! Neumann window (|dx| + |dy| <= v) the sum of strips of half-height
//! v - |dx|. Adding or removing a unit at a cell updates the strips that
//! contain it: 2v + 1 cells of its column, each in its own row (updates are
//! rarer than queries: only moving cops and active citizens make them).
//! Counts are exact at every moment, so asynchronous activation sees exactly
//! what a rescan would.

/// The shape of an agent's vision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Neighbourhood {
    Moore,
    VonNeumann,
}

#[derive(Clone, Debug)]
pub struct Window {
    size: usize,
    vision: usize,
    shape: Neighbourhood,
    /// Half-heights kept: `v` for Moore, `0..=v` for von Neumann.
    heights: usize,
    /// Strip counts, row-major with each cell's strips side by side:
    /// `data[(y * size + x) * heights + k]` for half-height `k` (von Neumann)
    /// or `v` (Moore, k = 0). A query reads 2v + 1 neighbouring cells of one
    /// row: a few cache lines, not 2v + 1 scattered ones.
    data: Vec<u8>,
}

impl Window {
    pub fn new(size: usize, vision: usize, shape: Neighbourhood) -> Window {
        let heights = match shape {
            Neighbourhood::Moore => 1,
            Neighbourhood::VonNeumann => vision + 1,
        };
        Window { size, vision, shape, heights, data: vec![0; size * size * heights] }
    }

    /// Add or remove a unit at (x, y): every strip that contains the cell.
    pub fn change(&mut self, x: usize, y: usize, add: bool) {
        let (n, v, kk) = (self.size, self.vision as isize, self.heights);
        for dy in -v..=v {
            let yy = (y as isize + dy).rem_euclid(n as isize) as usize;
            let base = (yy * n + x) * kk;
            // Strips of half-height k contain the cell when k >= |dy|.
            let from = match self.shape {
                Neighbourhood::Moore => 0,
                Neighbourhood::VonNeumann => dy.unsigned_abs(),
            };
            for c in &mut self.data[base + from..base + kk] {
                if add {
                    *c += 1;
                } else {
                    *c -= 1;
                }
            }
        }
    }

    /// Units within vision of (x, y), the cell itself included.
    #[inline]
    pub fn count(&self, x: usize, y: usize) -> u32 {
        let (n, v, kk) = (self.size, self.vision, self.heights);
        let row = y * n;
        let mut total = 0u32;
        let k_of = |dx: usize| match self.shape {
            Neighbourhood::Moore => 0,
            Neighbourhood::VonNeumann => v - dx.abs_diff(v),
        };
        if x >= v && x + v < n {
            // No wrap: one run of the row.
            let start = (row + x - v) * kk;
            for dx in 0..=2 * v {
                total += u32::from(self.data[start + dx * kk + k_of(dx)]);
            }
        } else {
            for dx in 0..=2 * v {
                let xx = (x + n + dx - v) % n;
                total += u32::from(self.data[(row + xx) * kk + k_of(dx)]);
            }
        }
        total
    }

    pub fn heap_bytes(&self) -> usize {
        self.data.capacity()
    }
}

/// Whether offset (dx, dy) lies within vision.
#[inline]
pub fn within(shape: Neighbourhood, vision: isize, dx: isize, dy: isize) -> bool {
    match shape {
        Neighbourhood::Moore => dx.abs() <= vision && dy.abs() <= vision,
        Neighbourhood::VonNeumann => dx.abs() + dy.abs() <= vision,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counting by rescanning, to check the strips against.
    fn rescan(units: &[(usize, usize)], size: usize, v: isize, shape: Neighbourhood, x: usize, y: usize) -> u32 {
        let d = |a: usize, b: usize| {
            let raw = (a as isize - b as isize).rem_euclid(size as isize);
            if raw > size as isize / 2 { raw - size as isize } else { raw }
        };
        units.iter().filter(|&&(ux, uy)| within(shape, v, d(ux, x), d(uy, y))).count() as u32
    }

    #[test]
    fn strip_counts_match_a_rescan_on_a_torus() {
        for shape in [Neighbourhood::Moore, Neighbourhood::VonNeumann] {
            let size = 20;
            let mut w = Window::new(size, 3, shape);
            let mut units = Vec::new();
            for k in 0..60usize {
                let (x, y) = ((k * 7 + 3) % size, (k * 11 + 5) % size);
                w.change(x, y, true);
                units.push((x, y));
            }
            // Remove a few again.
            for _ in 0..10 {
                let (x, y) = units.pop().unwrap();
                w.change(x, y, false);
            }
            for x in 0..size {
                for y in 0..size {
                    assert_eq!(w.count(x, y), rescan(&units, size, 3, shape, x, y), "{shape:?} at {x},{y}");
                }
            }
        }
    }
}
