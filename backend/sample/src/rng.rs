//! Small, explicit random helpers.
//!
//! Only `rand`'s core uniform draws are used, never distribution types whose
//! algorithms may change between releases, so that a given seed keeps
//! producing the committed files byte for byte.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Independent streams, one per purpose, so that e.g. changing the number of
/// incidents per month does not move the ward boundaries.
pub(crate) mod stream {
    pub const WARDS: u64 = 1;
    pub const SNAP_POINTS: u64 = 2;
    pub const POLICE_UK: u64 = 3;
    pub const FLY_TIPPING: u64 = 4;
}

/// A ChaCha8 generator for one purpose (`stream`) of one seed.
pub fn stream_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// A standard normal draw (Box–Muller), written out so the algorithm is fixed.
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.gen::<f64>(); // (0, 1], so ln is finite
    let u2: f64 = rng.gen::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Index drawn with probability proportional to `weights` (not all zero).
pub fn pick(rng: &mut impl Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut r = rng.gen::<f64>() * total;
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
}

/// Weighted choice over many items (snap points), by binary search on the
/// cumulative weights.
pub struct Cumulative {
    cum: Vec<f64>,
}

impl Cumulative {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cum = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Cumulative { cum }
    }

    pub fn pick(&self, rng: &mut impl Rng) -> usize {
        let total = *self.cum.last().expect("non-empty weights");
        let r = rng.gen::<f64>() * total;
        self.cum
            .partition_point(|&c| c <= r)
            .min(self.cum.len() - 1)
    }
}

/// Rounds to 6 decimal places (police.uk's precision, ~0.1 m).
pub(crate) fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
