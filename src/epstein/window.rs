//! What agents see: who is where on the torus, and exact counts within vision.
//!
//! The model keeps three bitmaps of the grid ([`Bits`]): occupied cells, cops
//! and active citizens, one bit a cell. At 1000 x 1000 each is about 128 KB,
//! so all three stay in a core's L2 cache while turns jump around the grid
//! in random order (the strip counts they replaced took 16 bytes a cell,
//! 16 MB there, and nearly every turn missed the caches).
//!
//! Each bitmap carries a halo of `vision` cells on every side, copies of the
//! cells across the torus's seam, so that every cell in vision of a cell lies
//! at a fixed bit offset from it, with no wrap-around: a move try is one bit
//! test at an offset from a table ([`Vision::moves`]), and a count within
//! vision is a sum over the rows of the vision shape, each row one unaligned
//! 8-byte load, a shift and a mask. Setting a cell writes its copies too
//! (1, 2 or 4 bits). Counts are therefore exact at every moment: asynchronous
//! activation sees exactly what a rescan of the grid would.
//!
//! Baseline x86-64 has no popcount instruction. The model's step is built
//! twice (model.rs): with the instruction, chosen at run time where the CPU
//! has it, counts use `count_ones` a run; without, bits are counted with the
//! SWAR method, and shared: a row's cops and its active citizens go in the
//! two halves of one u64, and the per-byte counts are summed over the rows
//! before the bytes are added up. Both give the same counts.

/// The shape of an agent's vision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Neighbourhood {
    Moore,
    VonNeumann,
    /// Cells within a Euclidean distance (dx^2 + dy^2 <= v^2): NetLogo's `in-radius`.
    Disc,
}

/// Half the width of the vision shape's row at dy: |dx| <= half_row.
fn half_row(shape: Neighbourhood, v: isize, dy: isize) -> isize {
    match shape {
        Neighbourhood::Moore => v,
        Neighbourhood::VonNeumann => v - dy.abs(),
        Neighbourhood::Disc => (v * v - dy * dy).max(0).isqrt(),
    }
}

/// Whether offset (dx, dy) lies within vision.
#[inline]
pub fn within(shape: Neighbourhood, vision: isize, dx: isize, dy: isize) -> bool {
    dy.abs() <= vision && dx.abs() <= half_row(shape, vision, dy)
}

/// Longest run of a row read at once: one 8-byte load holds 57 bits after
/// a shift of up to 7, and two runs of 32 share a u64 when counting.
const RUN: usize = 32;
/// Runs summed in byte lanes before the lanes (at most 8 a run) could pass 255.
const LANE_RUNS: usize = 31;

/// A run of cells of one row within vision, relative to the centre.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// Bit offset of the run's first cell from the centre's bit.
    off: isize,
    mask: u64,
    dx: i16,
    dy: i16,
}

/// An offset within vision other than (0, 0): a place to move to.
#[derive(Clone, Copy, Debug)]
pub struct Move {
    /// Bit offset from the mover's bit.
    pub off: i32,
    pub dx: i16,
    pub dy: i16,
}

/// The geometry of vision on one torus: the bitmaps' layout, the runs of a
/// vision window and the table of moves.
#[derive(Clone, Debug)]
pub struct Vision {
    size: usize,
    vision: usize,
    /// Bits per padded row (a whole number of bytes).
    stride: usize,
    runs: Vec<Run>,
    /// By coordinate c (x or y) of a cell, the padded coordinate of its
    /// copy across the seam, or its own (c + vision) far from the seam.
    mirror: Vec<u32>,
    /// By padded coordinate (c + vision + d), the coordinate on the torus.
    canon: Vec<u16>,
    /// Offsets within vision, (0, 0) left out, in scan order: a move draws
    /// one of them uniformly.
    pub moves: Vec<Move>,
}

impl Vision {
    pub fn new(size: usize, vision: usize, shape: Neighbourhood) -> Vision {
        let stride = (size + 2 * vision).div_ceil(8) * 8;
        let v = vision as isize;
        let (mut runs, mut moves) = (Vec::new(), Vec::new());
        for dy in -v..=v {
            let r = half_row(shape, v, dy);
            let mut dx = -r;
            while dx <= r {
                let len = ((r - dx + 1) as usize).min(RUN);
                runs.push(Run { off: dy * stride as isize + dx, mask: (1u64 << len) - 1, dx: dx as i16, dy: dy as i16 });
                dx += len as isize;
            }
            for dx in -r..=r {
                if (dx, dy) != (0, 0) {
                    moves.push(Move { off: (dy * stride as isize + dx) as i32, dx: dx as i16, dy: dy as i16 });
                }
            }
        }
        // 2 x vision + 1 <= size (params.rs): no coordinate is within vision of both seams.
        let mirror = (0..size)
            .map(|c| {
                (if c < vision {
                    c + size + vision
                } else if c + vision >= size {
                    c + vision - size
                } else {
                    c + vision
                }) as u32
            })
            .collect();
        let canon = (0..size + 2 * vision).map(|p| ((p + size - vision) % size) as u16).collect();
        Vision { size, vision, stride, runs, mirror, canon, moves }
    }

    pub fn heap_bytes(&self) -> usize {
        self.runs.capacity() * std::mem::size_of::<Run>()
            + self.moves.capacity() * std::mem::size_of::<Move>()
            + self.mirror.capacity() * 4
            + self.canon.capacity() * 2
    }

    /// Cells within vision, the centre included.
    pub fn cells(&self) -> u32 {
        self.moves.len() as u32 + 1
    }

    /// The bit of cell (x, y) (its own copy, not a halo copy).
    #[inline]
    pub fn bit(&self, x: usize, y: usize) -> usize {
        (y + self.vision) * self.stride + x + self.vision
    }

    /// A zeroed bitmap for this geometry.
    pub fn bitmap(&self) -> Bits {
        // 8 spare bytes at the end for the last 8-byte load.
        Bits { bytes: vec![0; (self.size + 2 * self.vision) * self.stride / 8 + 8] }
    }

    /// Set bits within vision of bit `at`. With `POP`, by `count_ones` a
    /// run, for code built with a popcount instruction (model.rs); without,
    /// by the SWAR method, the runs' byte counts summed before the bytes.
    #[inline(always)]
    pub fn count<const POP: bool>(&self, b: &Bits, at: usize) -> u32 {
        if POP {
            return self.runs.iter().map(|r| (b.word(at.wrapping_add_signed(r.off)) & r.mask).count_ones()).sum();
        }
        let mut total = 0;
        for runs in self.runs.chunks(LANE_RUNS) {
            let mut acc = 0;
            for r in runs {
                acc += byte_counts(b.word(at.wrapping_add_signed(r.off)) & r.mask);
            }
            let (l, h) = halves(acc);
            total += l + h;
        }
        total
    }

    /// Set bits within vision of bit `at` in two bitmaps, in one pass
    /// (`POP` as for [`Vision::count`]).
    #[inline(always)]
    pub fn count2<const POP: bool>(&self, a: &Bits, b: &Bits, at: usize) -> (u32, u32) {
        let (mut na, mut nb) = (0, 0);
        if POP {
            for r in &self.runs {
                let s = at.wrapping_add_signed(r.off);
                na += (a.word(s) & r.mask).count_ones();
                nb += (b.word(s) & r.mask).count_ones();
            }
            return (na, nb);
        }
        for runs in self.runs.chunks(LANE_RUNS) {
            // a's run in the low half, b's in the high half: one SWAR bit
            // count serves both.
            let mut acc = 0;
            for r in runs {
                let s = at.wrapping_add_signed(r.off);
                acc += byte_counts((a.word(s) & r.mask) | (b.word(s) & r.mask) << 32);
            }
            let (l, h) = halves(acc);
            na += l;
            nb += h;
        }
        (na, nb)
    }

    /// The offset of the `j`-th (from 0) set bit within vision of bit `at`,
    /// or of the `j`-th clear bit with `clear`, scanning rows from dy = -v
    /// and each row from dx = -r. None if there are not that many.
    #[inline(always)]
    pub fn pick(&self, b: &Bits, at: usize, mut j: u32, clear: bool) -> Option<(isize, isize)> {
        for r in &self.runs {
            let raw = b.word(at.wrapping_add_signed(r.off));
            let mut w = if clear { !raw } else { raw } & r.mask;
            let n = w.count_ones();
            if j < n {
                for _ in 0..j {
                    w &= w - 1;
                }
                return Some((r.dx as isize + w.trailing_zeros() as isize, r.dy as isize));
            }
            j -= n;
        }
        None
    }

    /// The coordinate `c + d` on the torus, for |d| <= vision.
    #[inline]
    pub fn wrap(&self, c: usize, d: isize) -> usize {
        usize::from(self.canon[(c + self.vision).wrapping_add_signed(d)])
    }

    /// Set or clear cell (x, y) and its halo copies: four bits, some of
    /// them the same where the cell is far from a seam (setting a bit twice
    /// does no harm, and is cheaper than the tests).
    #[inline(always)]
    pub fn put(&self, b: &mut Bits, x: usize, y: usize, on: bool) {
        let v = self.vision;
        let (col, row) = (x + v, (y + v) * self.stride);
        let (col2, row2) = (self.mirror[x] as usize, self.mirror[y] as usize * self.stride);
        b.set(row + col, on);
        b.set(row + col2, on);
        b.set(row2 + col, on);
        b.set(row2 + col2, on);
    }
}

/// The number of set bits of each byte of `x`, in that byte (the first
/// steps of a SWAR bit count; the lanes can then be summed over runs).
#[inline]
fn byte_counts(x: u64) -> u64 {
    let x = x - ((x >> 1) & 0x5555_5555_5555_5555);
    let x = (x & 0x3333_3333_3333_3333) + ((x >> 2) & 0x3333_3333_3333_3333);
    (x + (x >> 4)) & 0x0f0f_0f0f_0f0f_0f0f
}

/// The sums of the byte lanes of the low and of the high 32 bits.
#[inline]
fn halves(acc: u64) -> (u32, u32) {
    let pairs = (acc & 0x00ff_00ff_00ff_00ff) + ((acc >> 8) & 0x00ff_00ff_00ff_00ff);
    let quads = (pairs & 0x0000_ffff_0000_ffff) + ((pairs >> 16) & 0x0000_ffff_0000_ffff);
    (quads as u32, (quads >> 32) as u32)
}

/// A bitmap of the padded torus of a [`Vision`].
#[derive(Clone, Debug)]
pub struct Bits {
    bytes: Vec<u8>,
}

impl Bits {
    #[inline]
    pub fn get(&self, bit: usize) -> bool {
        self.bytes[bit >> 3] >> (bit & 7) & 1 != 0
    }

    #[inline]
    fn set(&mut self, bit: usize, on: bool) {
        let m = 1u8 << (bit & 7);
        let byte = &mut self.bytes[bit >> 3];
        *byte = if on { *byte | m } else { *byte & !m };
    }

    /// The 57 or more bits from `bit` on, in the low bits.
    #[inline]
    fn word(&self, bit: usize) -> u64 {
        let i = bit >> 3;
        let raw: [u8; 8] = self.bytes[i..i + 8].try_into().expect("8 bytes");
        u64::from_le_bytes(raw) >> (bit & 7)
    }

    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counting by rescanning, to check the bitmaps against.
    fn rescan(units: &[(usize, usize)], size: usize, v: isize, shape: Neighbourhood, x: usize, y: usize) -> u32 {
        let d = |a: usize, b: usize| {
            let raw = (a as isize - b as isize).rem_euclid(size as isize);
            if raw > size as isize / 2 { raw - size as isize } else { raw }
        };
        units.iter().filter(|&&(ux, uy)| within(shape, v, d(ux, x), d(uy, y))).count() as u32
    }

    #[test]
    fn counts_match_a_rescan_on_a_torus() {
        // Vision 30 has rows longer than one 56-bit run.
        for (shape, size, vision) in [
            (Neighbourhood::Moore, 20, 3),
            (Neighbourhood::VonNeumann, 20, 3),
            (Neighbourhood::Disc, 20, 3),
            (Neighbourhood::VonNeumann, 70, 30),
            (Neighbourhood::Disc, 70, 30),
        ] {
            let g = Vision::new(size, vision, shape);
            let mut b = g.bitmap();
            let mut units = Vec::new();
            for k in 0..(3 * size) {
                let (x, y) = ((k * 7 + 3) % size, (k * 11 + 5) % size);
                if !units.contains(&(x, y)) {
                    g.put(&mut b, x, y, true);
                    units.push((x, y));
                }
            }
            // Remove a few again.
            for _ in 0..10 {
                let (x, y) = units.pop().unwrap();
                g.put(&mut b, x, y, false);
            }
            for x in 0..size {
                for y in 0..size {
                    let at = g.bit(x, y);
                    let n = g.count::<false>(&b, at);
                    assert_eq!(g.count::<true>(&b, at), n);
                    assert_eq!(n, rescan(&units, size, vision as isize, shape, x, y), "{shape:?} at {x},{y}");
                    assert_eq!(g.count2::<false>(&b, &b, at), (n, n));
                    assert_eq!(g.count2::<true>(&b, &b, at), (n, n));
                    // Every pick is a set bit within vision, each once; the clear ones likewise.
                    let mut seen = Vec::new();
                    for j in 0..n {
                        let (dx, dy) = g.pick(&b, at, j, false).expect("a set bit");
                        assert!(within(shape, vision as isize, dx, dy));
                        let cell = (g.wrap(x, dx), g.wrap(y, dy));
                        assert!(units.contains(&cell) && !seen.contains(&cell));
                        seen.push(cell);
                    }
                    assert_eq!(g.pick(&b, at, n, false), None);
                    let empty = g.cells() - n;
                    for j in 0..empty {
                        let (dx, dy) = g.pick(&b, at, j, true).expect("a clear bit");
                        assert!(!units.contains(&(g.wrap(x, dx), g.wrap(y, dy))));
                        assert!(!b.get(at.wrapping_add_signed(dy * g.stride as isize + dx)));
                    }
                }
            }
        }
    }

    #[test]
    fn moves_are_the_cells_in_vision_but_the_own() {
        // Disc: the 149 cells with dx^2 + dy^2 <= 49, as NetLogo's `in-radius 7`.
        for (shape, moves) in [(Neighbourhood::Moore, 224), (Neighbourhood::VonNeumann, 112), (Neighbourhood::Disc, 148)] {
            let g = Vision::new(15, 7, shape);
            assert_eq!(g.moves.len(), moves);
            assert!(g.moves.iter().all(|m| (m.dx, m.dy) != (0, 0) && within(shape, 7, m.dx as isize, m.dy as isize)));
            assert!(g.moves.iter().all(|m| m.off as isize == m.dy as isize * g.stride as isize + m.dx as isize));
        }
    }
}
