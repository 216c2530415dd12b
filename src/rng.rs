//! Counter-style random streams: every draw in a run comes from a ChaCha8 stream
//! keyed by (master seed, replicate, stream, day, chunk), never from thread timing,
//! scheduling or the order of a hash map. Two runs with the same key draw the same
//! numbers whatever the thread count, because no stream is ever shared between
//! units of work that may run in parallel.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The one random generator type of the model.
pub type Rng = ChaCha8Rng;

/// People are split into fixed chunks of this many for work that runs in
/// parallel; each chunk draws from its own stream. The number is part of the
/// model's definition: changing it changes every fingerprint.
pub const CHUNK: usize = 1 << 14;

/// The named streams. Their numbers are part of the fingerprint: append new
/// streams, never renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Stream {
    Families = 1,
    People = 2,
    KinTies = 3,
    PeerTies = 4,
    ArmedGroups = 5,
    Environment = 6,
    SoftPower = 7,
    Coercion = 8,
    Affiliation = 9,
    Mobilisation = 10,
    Amnesty = 11,
    Confrontation = 12,
    Aftermath = 13,
    Prisoners = 14,
    RivalFaction = 15,
    Notables = 16,
    Epstein = 17,
    Demography = 18,
    DisplacementAndReturn = 19,
    Detention = 20,
    BreakingTheWalls = 21,
    Insurgency = 22,
    Campaign = 23,
    Tawba = 24,
    GovernmentOffer = 25,
    /// Who has skills a faction prizes: one draw per person (day: the faction).
    Prized = 26,
    CounterOffensive = 27,
}

/// The key of one run: its master seed and replicate number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunKey {
    pub seed: u64,
    pub replicate: u64,
}

impl RunKey {
    pub fn new(seed: u64, replicate: u64) -> Self {
        Self { seed, replicate }
    }

    /// The stream for one process on one day (day 0 for set-up) and one chunk
    /// of people (0 when the process draws sequentially).
    pub fn stream(&self, stream: Stream, day: u32, chunk: u32) -> Rng {
        let mut h = blake3::Hasher::new_derive_key("resist 1 run stream");
        h.update(&self.seed.to_le_bytes());
        h.update(&self.replicate.to_le_bytes());
        h.update(&(stream as u32).to_le_bytes());
        h.update(&day.to_le_bytes());
        h.update(&chunk.to_le_bytes());
        Rng::from_seed(*h.finalize().as_bytes())
    }
}

/// A run's own seed derived from a master seed and its place in a design
/// (design point, replicate), so that a sweep's runs are independent of each
/// other and of the order they are executed in.
pub fn derive_seed(master: u64, design_point: u64, replicate: u64) -> u64 {
    let mut h = blake3::Hasher::new_derive_key("resist 1 run seed");
    h.update(&master.to_le_bytes());
    h.update(&design_point.to_le_bytes());
    h.update(&replicate.to_le_bytes());
    let b = h.finalize();
    u64::from_le_bytes(b.as_bytes()[..8].try_into().expect("8 bytes"))
}

/// Rows skipped before the next candidate of an event with daily rate `rate`
/// per row (a geometric draw): processes that touch a few rows a day step
/// through the columns by these skips instead of a draw per row.
pub fn skip(rng: &mut Rng, rate: f64) -> usize {
    use rand::RngExt;
    if rate <= 0.0 {
        return usize::MAX / 2;
    }
    if rate >= 1.0 {
        return 0;
    }
    let u: f64 = rng.random::<f64>().max(1e-300);
    (u.ln() / (1.0 - rate).ln()).floor().min(1e15) as usize
}

/// The index drawn from non-negative `weights` by a uniform `u` in [0, 1):
/// the first whose cumulative weight passes `u` times the total (the last one
/// if rounding leaves `u` beyond them all).
pub fn weighted(weights: &[f64], u: f64) -> usize {
    let total: f64 = weights.iter().sum();
    let mut left = u * total;
    for (k, w) in weights.iter().enumerate() {
        if left < *w {
            return k;
        }
        left -= w;
    }
    weights.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn same_key_same_numbers_other_key_other_numbers() {
        let k = RunKey::new(7, 0);
        let a: Vec<u64> = (0..4).map(|_| 0).scan(k.stream(Stream::Environment, 3, 0), |r, _: u64| Some(r.random::<u64>())).collect();
        let b: Vec<u64> = (0..4).map(|_| 0).scan(k.stream(Stream::Environment, 3, 0), |r, _: u64| Some(r.random::<u64>())).collect();
        assert_eq!(a, b);
        let mut other = [
            k.stream(Stream::Environment, 4, 0),
            k.stream(Stream::Environment, 3, 1),
            k.stream(Stream::SoftPower, 3, 0),
            RunKey::new(7, 1).stream(Stream::Environment, 3, 0),
            RunKey::new(8, 0).stream(Stream::Environment, 3, 0),
        ];
        for r in other.iter_mut() {
            assert_ne!(r.random::<u64>(), a[0]);
        }
    }

    #[test]
    fn derived_seeds_differ_by_point_and_replicate() {
        let s = derive_seed(1, 0, 0);
        assert_eq!(s, derive_seed(1, 0, 0));
        assert_ne!(s, derive_seed(1, 0, 1));
        assert_ne!(s, derive_seed(1, 1, 0));
        assert_ne!(s, derive_seed(2, 0, 0));
    }
}
