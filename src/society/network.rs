//! The social network: a family network (household members and relatives in
//! the extended family) and peer ties across families, each stored as
//! compressed sparse rows. Ties are undirected: each is stored in both rows,
//! rows are sorted and hold no duplicates and no self-ties.
//!
//! Peer ties follow a small-world recipe: a share `peer_locality` of a person's
//! ties go to people within a neighbourhood window of the population's order
//! (families are laid out in order, so neighbours in index are neighbours in
//! town), the rest to anyone (Watts and Strogatz 1998, as a configuration of
//! local and long-range ties).

use rand::RngExt;
use rayon::prelude::*;

use super::Layout;
use crate::rng::{CHUNK, RunKey, Stream};
use crate::scenario::{Check, Int, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub kin_degree: Option<f64>,
    pub peer_degree: Option<f64>,
    pub peer_locality: Option<f64>,
    pub neighbourhood: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub kin_degree: f64,
    pub peer_degree: f64,
    pub peer_locality: f64,
    pub neighbourhood: u32,
}

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check, people: u32, family_size_mean: f64) -> Result<Params, ScenarioError> {
        let kin_degree = c.real("kin_degree", raw.kin_degree, Real {
            default: 8.0,
            min: 0.0,
            max: 500.0,
            unit: "ties per person",
            doc: "Mean number of ties drawn to relatives anywhere in the extended family; household members are always tied, and a draw that falls in one's own household merges with that tie.",
            source: "assumption; extended families structure life in Atarib (Haid 2017, ch. 2)",
        })?;
        if kin_degree > 0.0 && kin_degree >= family_size_mean - 1.0 {
            return Err(c.fail("kin_degree", format!(
                "{kin_degree} is more ties than an extended family of mean size {family_size_mean} can hold: allowed below population.family_size_mean - 1 = {}",
                family_size_mean - 1.0
            )));
        }
        let peer_degree = c.real(
            "peer_degree",
            raw.peer_degree,
            Real {
                default: 10.0,
                min: 0.0,
                max: 2000.0,
                unit: "ties per person",
                doc: "Mean number of peer ties (friends, neighbours, colleagues) across families.",
                source: "assumption; of the order of personal networks in survey studies",
            },
        )?;
        if peer_degree >= f64::from(people.saturating_sub(1)) && peer_degree > 0.0 {
            return Err(c.fail(
                "peer_degree",
                format!("a mean degree of {peer_degree} is above the population: allowed below population.people - 1 = {}", people.saturating_sub(1)),
            ));
        }
        let peer_locality = c.real(
            "peer_locality",
            raw.peer_locality,
            Real {
                default: 0.8,
                min: 0.0,
                max: 1.0,
                unit: "share",
                doc: "Share of peer ties drawn within the neighbourhood window; the rest go to anyone in town (small world).",
                source: "assumption; Watts and Strogatz (1998)",
            },
        )?;
        let neighbourhood = c.int(
            "neighbourhood",
            raw.neighbourhood,
            Int {
                default: 2000,
                min: 2,
                max: 100_000_000,
                unit: "people",
                doc: "Width of the neighbourhood window for local peer ties, in people of the population's order.",
                source: "assumption",
            },
        )?;
        Ok(Params { kin_degree, peer_degree, peer_locality, neighbourhood: neighbourhood as u32 })
    }
}

/// Compressed sparse rows: the ties of person `i` are `targets[offsets[i]..offsets[i+1]]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csr {
    pub offsets: Vec<u32>,
    pub targets: Vec<u32>,
}

impl Csr {
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    #[inline]
    pub fn row(&self, i: usize) -> &[u32] {
        &self.targets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
    pub fn ties(&self) -> usize {
        self.targets.len()
    }
    pub fn heap_bytes(&self) -> usize {
        (self.offsets.capacity() + self.targets.capacity()) * 4
    }

    /// Build from undirected pairs (each stored in both rows), given in
    /// chunks whose order fixes the result; rows end sorted and deduplicated.
    pub fn from_pair_chunks(n: usize, chunks: &[Vec<(u32, u32)>]) -> Csr {
        let mut degree = vec![0u32; n + 1];
        for chunk in chunks {
            for &(a, b) in chunk {
                degree[a as usize] += 1;
                degree[b as usize] += 1;
            }
        }
        let mut offsets = vec![0u32; n + 1];
        let mut acc = 0u32;
        for i in 0..n {
            offsets[i] = acc;
            acc += degree[i];
        }
        offsets[n] = acc;
        let mut cursor = offsets.clone();
        let mut targets = vec![0u32; acc as usize];
        for chunk in chunks {
            for &(a, b) in chunk {
                targets[cursor[a as usize] as usize] = b;
                cursor[a as usize] += 1;
                targets[cursor[b as usize] as usize] = a;
                cursor[b as usize] += 1;
            }
        }
        drop(cursor);
        drop(degree);
        Csr { offsets, targets }.sorted_unique()
    }

    /// Sort each row and drop duplicate ties and self-ties, in parallel over
    /// fixed chunks of rows.
    fn sorted_unique(self) -> Csr {
        let n = self.len();
        let bounds: Vec<usize> = (0..n.div_ceil(CHUNK)).map(|c| c * CHUNK).chain(std::iter::once(n)).collect();
        let parts: Vec<(Vec<u32>, Vec<u32>)> = bounds
            .par_windows(2)
            .map(|w| {
                let (r0, r1) = (w[0], w[1]);
                let mut lens = Vec::with_capacity(r1 - r0);
                let mut out = Vec::with_capacity((self.offsets[r1] - self.offsets[r0]) as usize);
                let mut row = Vec::new();
                for r in r0..r1 {
                    row.clear();
                    row.extend_from_slice(self.row(r));
                    row.sort_unstable();
                    row.dedup();
                    let before = out.len();
                    out.extend(row.iter().copied().filter(|&t| t as usize != r));
                    lens.push((out.len() - before) as u32);
                }
                (lens, out)
            })
            .collect();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
        let mut acc = 0u32;
        for (lens, out) in parts {
            for l in lens {
                offsets.push(acc);
                acc += l;
            }
            targets.extend_from_slice(&out);
        }
        offsets.push(acc);
        Csr { offsets, targets }
    }

    /// Renumber after people were inserted (`map[old] = new`, `total` rows
    /// after), adding the directed entries `extra` (new numbering; each tie
    /// given in both directions). Rows stay sorted and free of duplicates.
    pub fn insert(&mut self, map: &[u32], total: usize, mut extra: Vec<(u32, u32)>) {
        extra.sort_unstable();
        let old_rows = self.offsets.len() - 1;
        // Forward: each new row's old row (the map is increasing) and, for
        // the few rows given extra entries, the merged row.
        let mut old_of = vec![u32::MAX; total];
        for (old, &new) in map.iter().enumerate().take(old_rows) {
            old_of[new as usize] = old as u32;
        }
        let mut merged: Vec<u32> = Vec::new();
        let mut merged_at: Vec<(u32, u32, u32)> = Vec::new(); // (row, start, end) in `merged`
        let mut offsets = Vec::with_capacity(total + 1);
        let mut len = 0u32;
        let mut e = 0;
        for (r, &old) in old_of.iter().enumerate() {
            offsets.push(len);
            let own = if old != u32::MAX { self.row(old as usize) } else { &[] };
            if e < extra.len() && extra[e].0 as usize == r {
                let start = merged.len();
                merged.extend(own.iter().map(|&t| map[t as usize]));
                let had = merged.len();
                while e < extra.len() && extra[e].0 as usize == r {
                    if extra[e].1 as usize != r {
                        merged.push(extra[e].1);
                    }
                    e += 1;
                }
                if merged.len() > had {
                    merged[start..].sort_unstable();
                    let mut w = start;
                    for k in start..merged.len() {
                        if k == start || merged[k] != merged[w - 1] {
                            merged[w] = merged[k];
                            w += 1;
                        }
                    }
                    merged.truncate(w);
                }
                merged_at.push((r as u32, start as u32, merged.len() as u32));
                len += (merged.len() - start) as u32;
            } else {
                len += own.len() as u32;
            }
        }
        offsets.push(len);
        // Backward, in place: a row's new start is never before its old one,
        // so moving rows from the last down overwrites only what was moved.
        self.targets.resize(len as usize, 0);
        for r in (0..total).rev() {
            let (ns, ne) = (offsets[r] as usize, offsets[r + 1] as usize);
            if let Some(&(mr, ms, me)) = merged_at.last()
                && mr as usize == r
            {
                self.targets[ns..ne].copy_from_slice(&merged[ms as usize..me as usize]);
                merged_at.pop();
                continue;
            }
            let old = old_of[r];
            if old == u32::MAX {
                continue;
            }
            let (os, oe) = (self.offsets[old as usize] as usize, self.offsets[old as usize + 1] as usize);
            self.targets.copy_within(os..oe, ns);
            for t in &mut self.targets[ns..ne] {
                *t = map[*t as usize];
            }
        }
        self.offsets = offsets;
    }

    /// Renumber after people were removed (`map[old] = new`, or `u32::MAX`).
    pub fn compact(&mut self, map: &[u32]) {
        let mut offsets = Vec::with_capacity(self.offsets.len());
        let mut w = 0usize;
        for (old, &new) in map.iter().enumerate() {
            if new == u32::MAX {
                continue;
            }
            offsets.push(w as u32);
            let (s, e) = (self.offsets[old] as usize, self.offsets[old + 1] as usize);
            for k in s..e {
                let t = map[self.targets[k] as usize];
                if t != u32::MAX {
                    self.targets[w] = t;
                    w += 1;
                }
            }
        }
        offsets.push(w as u32);
        self.targets.truncate(w);
        self.offsets = offsets;
    }
}

/// The two layers of the social network.
#[derive(Clone, Debug, Default)]
pub struct Network {
    pub family: Csr,
    pub peers: Csr,
}

impl Network {
    pub fn heap_bytes(&self) -> usize {
        self.family.heap_bytes() + self.peers.heap_bytes()
    }
}

/// Draw a count with mean `m` as floor(m) plus one with probability frac(m).
fn stochastic_round(rng: &mut impl RngExt, m: f64) -> u32 {
    let f = m.floor();
    f as u32 + u32::from(rng.random::<f64>() < m - f)
}

/// Build both layers. Each chunk of people draws from its own stream, so the
/// result does not depend on the number of threads.
pub fn build(p: &Params, layout: &Layout, key: &RunKey) -> Network {
    let n = layout.family_of.len();
    let chunks = n.div_ceil(CHUNK);
    let family_pairs: Vec<Vec<(u32, u32)>> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut rng = key.stream(Stream::KinTies, 0, c as u32);
            let (lo, hi) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            let mut pairs = Vec::with_capacity((hi - lo) * 8);
            for i in lo..hi {
                // Household members are all tied: add each pair once, from its lower end.
                let h = layout.household_of[i] as usize;
                let (hs, he) = (layout.household_start[h] as usize, layout.household_start[h + 1] as usize);
                for j in (i + 1)..he {
                    pairs.push((i as u32, j as u32));
                }
                debug_assert!(hs <= i);
                // Ties to relatives: each draws half the mean, as every tie has two ends.
                let f = layout.family_of[i] as usize;
                let (fs, fe) = (layout.family_start[f], layout.family_start[f + 1]);
                let size = fe - fs;
                if size > 1 {
                    let k = stochastic_round(&mut rng, p.kin_degree / 2.0);
                    for _ in 0..k {
                        let j = fs + rng.random_range(0..size);
                        if j as usize != i {
                            pairs.push((i as u32, j));
                        }
                    }
                }
            }
            pairs
        })
        .collect();
    let family = Csr::from_pair_chunks(n, &family_pairs);
    drop(family_pairs);

    // Peer ties join people of the same town only (each block of the
    // layout): the factions' pools elsewhere keep to their own households and
    // cell, and ties across places are kin (docs/model.md, 7.13).
    let blocks = &layout.blocks;
    let peer_pairs: Vec<Vec<(u32, u32)>> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut rng = key.stream(Stream::PeerTies, 0, c as u32);
            let (lo, hi) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            let mut pairs = Vec::with_capacity((hi - lo) * (p.peer_degree as usize / 2 + 1));
            let mut b = blocks.partition_point(|&(_, e)| (e as usize) <= lo);
            for i in lo..hi {
                while b < blocks.len() && blocks[b].1 as usize <= i {
                    b += 1;
                }
                let Some(&(start, end)) = blocks.get(b) else { break };
                let (start, end) = (start as usize, end as usize);
                if i < start {
                    continue;
                }
                let town = end - start;
                if town < 2 {
                    continue;
                }
                let window = (p.neighbourhood as usize).min(town.max(2));
                let k = stochastic_round(&mut rng, p.peer_degree / 2.0);
                let at = i - start;
                for _ in 0..k {
                    // A few tries to find someone outside one's own family.
                    for _try in 0..4 {
                        let j = start
                            + if rng.random::<f64>() < p.peer_locality {
                                let s = at.saturating_sub(window / 2).min(town - window.min(town));
                                s + rng.random_range(0..window.min(town))
                            } else {
                                rng.random_range(0..town)
                            };
                        if j != i && layout.family_of[j] != layout.family_of[i] {
                            pairs.push((i as u32, j as u32));
                            break;
                        }
                    }
                }
            }
            pairs
        })
        .collect();
    let peers = Csr::from_pair_chunks(n, &peer_pairs);
    Network { family, peers }
}

/// One synchronous round of a threshold cascade (Granovetter 1978) on the
/// given layers: of the `frontier`, those for whom `passes(person, contacts
/// already in, degree)` holds join. Pure, so that mobilisation and the
/// Granovetter tests run the same rule.
pub fn threshold_round(layers: &[&Csr], contacts: &[u16], frontier: &mut Vec<u32>, mut passes: impl FnMut(usize, u32, u32) -> bool) -> Vec<u32> {
    frontier.sort_unstable();
    frontier.dedup();
    let joiners = frontier
        .iter()
        .copied()
        .filter(|&i| {
            let degree: usize = layers.iter().map(|l| l.row(i as usize).len()).sum();
            passes(i as usize, u32::from(contacts[i as usize]), degree as u32)
        })
        .collect();
    frontier.clear();
    joiners
}

/// Tell the joiners' contacts: their counts rise and they join the frontier.
pub fn push_counts(layers: &[&Csr], contacts: &mut [u16], joiners: &[u32], frontier: &mut Vec<u32>) {
    for &i in joiners {
        for layer in layers {
            for &j in layer.row(i as usize) {
                contacts[j as usize] = contacts[j as usize].saturating_add(1);
                frontier.push(j);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symmetric(c: &Csr) -> bool {
        (0..c.len()).all(|i| c.row(i).iter().all(|&j| c.row(j as usize).binary_search(&(i as u32)).is_ok()))
    }

    #[test]
    fn rows_are_sorted_unique_symmetric_without_self_ties() {
        let pairs = vec![vec![(0, 1), (1, 0), (2, 2), (3, 1)], vec![(0, 1), (2, 3)]];
        let c = Csr::from_pair_chunks(4, &pairs);
        assert_eq!(c.row(0), &[1]);
        assert_eq!(c.row(1), &[0, 3]);
        assert_eq!(c.row(2), &[3]);
        assert_eq!(c.row(3), &[1, 2]);
        assert!(symmetric(&c));
    }

    #[test]
    fn compaction_renumbers_and_drops_ties_to_the_removed() {
        let c0 = Csr::from_pair_chunks(4, &[vec![(0, 1), (1, 2), (2, 3), (0, 3)]]);
        let mut c = c0.clone();
        c.compact(&[0, u32::MAX, 1, 2]);
        assert_eq!(c.len(), 3);
        assert_eq!(c.row(0), &[2]);
        assert_eq!(c.row(1), &[2]);
        assert_eq!(c.row(2), &[0, 1]);
        assert!(symmetric(&c));
    }

    /// Everyone tied to everyone (Granovetter's crowd of 100).
    fn crowd(n: u32) -> Csr {
        let pairs: Vec<(u32, u32)> = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).collect();
        Csr::from_pair_chunks(n as usize, &[pairs])
    }

    /// Run rounds until nobody joins; thresholds count the others who already joined.
    fn riot(thresholds: &[u32]) -> usize {
        let net = crowd(thresholds.len() as u32);
        let mut contacts = vec![0u16; thresholds.len()];
        let mut joined = vec![false; thresholds.len()];
        let mut frontier: Vec<u32> = (0..thresholds.len() as u32).collect();
        loop {
            let joiners = super::threshold_round(&[&net], &contacts, &mut frontier, |i, k, _| !joined[i] && k >= thresholds[i]);
            if joiners.is_empty() {
                break;
            }
            for &i in &joiners {
                joined[i as usize] = true;
            }
            super::push_counts(&[&net], &mut contacts, &joiners, &mut frontier);
        }
        joined.iter().filter(|&&j| j).count()
    }

    #[test]
    fn granovetter_uniform_thresholds_all_riot() {
        let t: Vec<u32> = (0..100).collect();
        assert_eq!(riot(&t), 100);
    }

    #[test]
    fn granovetter_one_changed_threshold_stops_the_riot() {
        let mut t: Vec<u32> = (0..100).collect();
        t[1] = 2;
        assert_eq!(riot(&t), 1);
    }
}
