//! A bit-exact port of numpy's legacy `RandomState` (MT19937).
//!
//! Only the calls the seed tutorial and scikit-learn make are provided, and each one
//! consumes the underlying Mersenne Twister exactly as numpy does, so that a stream
//! seeded here continues in lockstep with `np.random.seed(s)` followed by the same calls.

use rand::RngCore;

const STATE_LEN: usize = 624;
const PERIOD: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// numpy's legacy global generator: `np.random.seed(s)` then `randn`, `random_sample`, ...
///
/// ```
/// use moons_datasets::RandomState;
/// let mut rng = RandomState::new(0);
/// // np.random.seed(0); np.random.random_sample()
/// assert_eq!(rng.random_sample(), 0.5488135039273248);
/// ```
#[derive(Clone, Debug)]
pub struct RandomState {
    key: [u32; STATE_LEN],
    pos: usize,
    /// The second value of the last polar Box–Muller pair, as numpy caches it.
    cached_gauss: Option<f64>,
}

impl RandomState {
    /// `np.random.seed(seed)`: MT19937 `init_genrand`, with an empty Gaussian cache.
    pub fn new(seed: u32) -> Self {
        let mut key = [0u32; STATE_LEN];
        let mut s = seed;
        for (pos, slot) in key.iter_mut().enumerate() {
            *slot = s;
            s = 1_812_433_253u32
                .wrapping_mul(s ^ (s >> 30))
                .wrapping_add(pos as u32 + 1);
        }
        Self {
            key,
            pos: STATE_LEN,
            cached_gauss: None,
        }
    }

    /// Re-seeds in place, as `np.random.seed(seed)` does to the global generator.
    pub fn seed(&mut self, seed: u32) {
        *self = Self::new(seed);
    }

    fn regenerate(&mut self) {
        let twist = |upper: u32, lower: u32, far: u32| {
            let y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
            far ^ (y >> 1) ^ if y & 1 == 1 { MATRIX_A } else { 0 }
        };
        for i in 0..STATE_LEN {
            let far = self.key[(i + PERIOD) % STATE_LEN];
            self.key[i] = twist(self.key[i], self.key[(i + 1) % STATE_LEN], far);
        }
        self.pos = 0;
    }

    /// The next raw 32-bit output (`genrand_int32`).
    pub fn next_u32_raw(&mut self) -> u32 {
        if self.pos == STATE_LEN {
            self.regenerate();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random_sample()`: a double in [0, 1) with 53 random bits.
    pub fn random_sample(&mut self) -> f64 {
        let a = self.next_u32_raw() >> 5;
        let b = self.next_u32_raw() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) / 9_007_199_254_740_992.0
    }

    /// `uniform(low, high)`: `low + (high - low) * random_sample()`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.random_sample()
    }

    /// `standard_normal()` / `randn()`: numpy's legacy polar Box–Muller, which draws a pair
    /// and caches the second value for the next call.
    pub fn standard_normal(&mut self) -> f64 {
        if let Some(cached) = self.cached_gauss.take() {
            return cached;
        }
        let (x1, x2, r2) = loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                break (x1, x2, r2);
            }
        };
        let f = (-2.0 * r2.ln() / r2).sqrt();
        self.cached_gauss = Some(f * x1);
        f * x2
    }

    /// `normal(loc, scale)`: `loc + scale * standard_normal()`.
    pub fn normal(&mut self, loc: f64, scale: f64) -> f64 {
        loc + scale * self.standard_normal()
    }

    /// `randn(n)` as a vector, in numpy's draw order.
    pub fn randn_vec(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.standard_normal()).collect()
    }

    /// numpy's legacy `random_interval(max)`: a uniform integer in `[0, max]` by masked
    /// rejection sampling.
    pub fn random_interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        for shift in [1, 2, 4, 8, 16, 32] {
            mask |= mask >> shift;
        }
        loop {
            let value = if max <= u64::from(u32::MAX) {
                u64::from(self.next_u32_raw()) & mask
            } else {
                ((u64::from(self.next_u32_raw()) << 32) | u64::from(self.next_u32_raw())) & mask
            };
            if value <= max {
                return value;
            }
        }
    }

    /// `shuffle(x)`: numpy's legacy Fisher–Yates, from the last element down.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.random_interval(i as u64) as usize;
            items.swap(i, j);
        }
    }

    /// `permutation(n)`: a shuffled `arange(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut indices: Vec<usize> = (0..n).collect();
        self.shuffle(&mut indices);
        indices
    }
}

/// Lets `rand`/`ndarray-rand` draw from the same MT19937 stream.
///
/// `next_u32` is the raw Mersenne Twister output; `next_u64` joins two of them high word
/// first, as numpy's `next_uint64` does.
impl RngCore for RandomState {
    fn next_u32(&mut self) -> u32 {
        self.next_u32_raw()
    }

    fn next_u64(&mut self) -> u64 {
        (u64::from(self.next_u32_raw()) << 32) | u64::from(self.next_u32_raw())
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(4) {
            let bytes = self.next_u32_raw().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reseeding_restarts_the_stream_and_clears_the_gaussian_cache() {
        let mut rng = RandomState::new(3);
        let first = rng.standard_normal();
        rng.seed(3);
        assert_eq!(rng.standard_normal(), first);
        assert!(rng.cached_gauss.is_some());
        rng.seed(3);
        assert!(rng.cached_gauss.is_none());
    }

    #[test]
    fn random_interval_stays_in_range() {
        let mut rng = RandomState::new(9);
        for max in [0u64, 1, 2, 7, 8, 1000, u64::from(u32::MAX) + 5] {
            for _ in 0..50 {
                assert!(rng.random_interval(max) <= max);
            }
        }
    }
}
