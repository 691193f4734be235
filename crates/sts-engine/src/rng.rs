//! The simulation's only source of randomness: a small seeded generator.
//!
//! Every random choice (scheduler tie-breaks, pod IPs, uids) draws from one [`SimRng`]
//! built from the scenario's `seed`, so the same scenario and seed give the same trace.
//! It is SplitMix64: tiny, fast, well-distributed, and needs no OS entropy (which
//! `wasm32-unknown-unknown` does not have anyway).

/// A deterministic pseudo-random generator seeded from the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng {
    state: u64,
}

impl SimRng {
    /// A generator whose whole future output is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        SimRng {
            state: seed ^ 0x5DEE_CE66_D1CE_4E5B,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        // Lemire's multiply-shift; the tiny bias is irrelevant for a simulator.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A child generator for a subsystem, so adding draws in one subsystem does not
    /// shift the numbers another one sees.
    pub fn fork(&mut self, salt: u64) -> SimRng {
        SimRng::new(self.next_u64() ^ salt.rotate_left(17))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(SimRng::new(8).next_u64(), xs[0]);
        assert!((0..1000).all(|_| a.below(3) < 3));
    }
}
