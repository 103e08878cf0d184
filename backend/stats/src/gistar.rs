//! Local Getis-Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) with analytical
//! z-scores, two-sided normal p-values and multiple-comparison control.
//!
//! For feature `i` with binary weights `w_ij` (1 for each neighbour, the
//! feature itself included), over the `n` active features with mean `X̄` and
//! population standard deviation `S = sqrt(Σ x_j²/n − X̄²)`:
//!
//! ```text
//!            Σ_j w_ij x_j − X̄ Σ_j w_ij
//! G*_i = ───────────────────────────────────────────
//!         S · sqrt( (n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1) )
//! ```
//!
//! G*_i is itself a z-score (Ord & Getis 1995, eq. 9; ArcGIS "Hot Spot
//! Analysis" and PySAL `esda.G_Local(star=True, transform='B')` compute the
//! same number). With binary weights Σ w² = Σ w = the number of active
//! neighbours `k_i`, so the denominator is `S·sqrt(k_i (n − k_i)/(n − 1))`.
//!
//! The p-value is two-sided, `P(|Z| ≥ |z|)` under the normal approximation.
//! Testing every cell of a grid is thousands of simultaneous tests, so about
//! 10% of cells in pure noise would be "hot or cold at 90%" without a
//! correction; [`Correction::BenjaminiHochberg`] (the default) controls the
//! false discovery rate instead (ArcGIS's "Apply False Discovery Rate (FDR)
//! Correction" option does the same job). [`HotspotClass`] is derived from the
//! **adjusted** p-value and the sign of z.
//!
//! Degenerate inputs are answered, not refused: with all values equal (S = 0)
//! or a neighbourhood covering every active feature (k_i = n) the statistic
//! is 0/0 and we report z = 0, p = 1.

pub use hotspot_core::options::Correction;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{two_sided_p, Neighbours, StatsError};

/// Hot/cold spot class from the adjusted p-value and the sign of z
/// (two-sided): `Hot99` when `p_adjusted < 0.01` and `z > 0`, `Hot95` when
/// `< 0.05`, `Hot90` when `< 0.10`, and the same for cold with `z < 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HotspotClass {
    Hot99,
    Hot95,
    Hot90,
    NotSignificant,
    Cold90,
    Cold95,
    Cold99,
}

impl HotspotClass {
    /// Every class, hottest first: a fixed order that compact answers index
    /// into (the API's Gi* grid).
    pub const ALL: [HotspotClass; 7] = [
        HotspotClass::Hot99,
        HotspotClass::Hot95,
        HotspotClass::Hot90,
        HotspotClass::NotSignificant,
        HotspotClass::Cold90,
        HotspotClass::Cold95,
        HotspotClass::Cold99,
    ];

    /// Classifies a z-score and its (adjusted) two-sided p-value.
    ///
    /// ```
    /// use hotspot_stats::HotspotClass;
    /// assert_eq!(HotspotClass::from_z_p(3.0, 0.002), HotspotClass::Hot99);
    /// assert_eq!(HotspotClass::from_z_p(-2.0, 0.045), HotspotClass::Cold95);
    /// assert_eq!(HotspotClass::from_z_p(1.7, 0.12), HotspotClass::NotSignificant);
    /// ```
    pub fn from_z_p(z: f64, p_adjusted: f64) -> Self {
        use HotspotClass::*;
        if p_adjusted.is_nan() || p_adjusted >= 0.10 || z == 0.0 || z.is_nan() {
            return NotSignificant;
        }
        let hot = z > 0.0;
        match (p_adjusted < 0.01, p_adjusted < 0.05, hot) {
            (true, _, true) => Hot99,
            (true, _, false) => Cold99,
            (false, true, true) => Hot95,
            (false, true, false) => Cold95,
            (false, false, true) => Hot90,
            (false, false, false) => Cold90,
        }
    }

    /// Confidence level in percent (99, 95 or 90), `None` when not
    /// significant.
    pub fn confidence(self) -> Option<u8> {
        use HotspotClass::*;
        match self {
            Hot99 | Cold99 => Some(99),
            Hot95 | Cold95 => Some(95),
            Hot90 | Cold90 => Some(90),
            NotSignificant => None,
        }
    }

    /// A significant hot spot at any level.
    pub fn is_hot(self) -> bool {
        matches!(self, Self::Hot99 | Self::Hot95 | Self::Hot90)
    }

    /// A significant cold spot at any level.
    pub fn is_cold(self) -> bool {
        matches!(self, Self::Cold99 | Self::Cold95 | Self::Cold90)
    }
}

/// Gi* result for one active feature.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GiStar {
    /// The Gi* z-score: positive where high values cluster.
    pub z: f64,
    /// Two-sided p-value of `z` under the standard normal, unadjusted.
    pub p: f64,
    /// `p` adjusted for multiple comparisons over all active features.
    pub p_adjusted: f64,
    pub class: HotspotClass,
}

/// Checks lengths and finiteness shared by [`gi_star`] and the emerging
/// hotspot analysis.
pub(crate) fn validate(
    values: &[f64],
    what: &str,
    active: &[bool],
    neighbours: &Neighbours,
) -> Result<(), StatsError> {
    if active.len() != neighbours.len() {
        return Err(StatsError::LengthMismatch {
            what: "active".into(),
            expected: neighbours.len(),
            got: active.len(),
        });
    }
    if values.len() != neighbours.len() {
        return Err(StatsError::LengthMismatch {
            what: what.into(),
            expected: neighbours.len(),
            got: values.len(),
        });
    }
    if let Some(index) = values
        .iter()
        .zip(active)
        .position(|(v, &a)| a && !v.is_finite())
    {
        return Err(StatsError::NonFinite {
            what: "values",
            index,
        });
    }
    Ok(())
}

/// Cells per rayon task: large enough that scheduling is negligible.
const CHUNK: usize = 4096;

/// Global moments over the active features.
struct Moments {
    n: f64,
    mean: f64,
    sd: f64,
    /// S = 0 (all values equal) or fewer than 2 features: every z is 0.
    degenerate: bool,
}

impl Moments {
    fn new(values: &[f64], active: &[bool]) -> Self {
        // Two passes for accuracy (no Σx² − n·X̄² cancellation).
        let (n, sum) = values
            .iter()
            .zip(active)
            .filter(|(_, &a)| a)
            .fold((0usize, 0.0f64), |(n, s), (v, _)| (n + 1, s + v));
        let nf = n as f64;
        let mean = if n > 0 { sum / nf } else { 0.0 };
        let ss: f64 = values
            .iter()
            .zip(active)
            .filter(|(_, &a)| a)
            .map(|(v, _)| (v - mean) * (v - mean))
            .sum();
        let sd = if n > 0 { (ss / nf).sqrt() } else { 0.0 };
        // Relative to the data's scale, an S this small is rounding noise on
        // constant input.
        let degenerate = n < 2 || sd.is_nan() || sd <= 1e-12 * mean.abs().max(f64::MIN_POSITIVE);
        Moments {
            n: nf,
            mean,
            sd,
            degenerate,
        }
    }

    /// z for a neighbourhood of `k` active features summing to `sx`.
    #[inline]
    fn z(&self, sx: f64, k: f64) -> f64 {
        if self.degenerate {
            return 0.0;
        }
        let var = k * (self.n - k) / (self.n - 1.0);
        if var > 0.0 {
            (sx - self.mean * k) / (self.sd * var.sqrt())
        } else {
            0.0
        }
    }
}

/// Gi* for every feature in a compact form shared by [`gi_star`] and the
/// emerging hotspot analysis.
pub(crate) enum Core {
    /// z, p and adjusted p per feature (NaN for inactive features).
    Direct {
        z: Vec<f64>,
        p: Vec<f64>,
        adj: Vec<f64>,
    },
    /// Integer counts: G*_i depends only on the neighbourhood sum and size,
    /// so each feature stores a key `sum·stride + k` into per-key tables.
    /// Count data have few distinct keys, so `erfc` and the FDR sort run
    /// once per key instead of once per cell.
    Table {
        /// Per feature; `u32::MAX` for inactive features.
        key: Vec<u32>,
        /// Per key (only keys in use are filled).
        z: Vec<f64>,
        p: Vec<f64>,
        adj: Vec<f64>,
    },
}

impl Core {
    /// `(z, p, adjusted p)` of feature `i`, `None` if inactive.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<(f64, f64, f64)> {
        match self {
            Core::Direct { z, p, adj } => (!z[i].is_nan()).then(|| (z[i], p[i], adj[i])),
            Core::Table { key, z, p, adj } => {
                let k = key[i];
                (k != u32::MAX).then(|| {
                    let k = k as usize;
                    (z[k], p[k], adj[k])
                })
            }
        }
    }
}

/// Largest count for which the integer path is tried (keeps keys in u32).
const MAX_INT_VALUE: f64 = (1u32 << 24) as f64;

/// Computes Gi* for validated inputs.
pub(crate) fn compute(
    values: &[f64],
    active: &[bool],
    nb: &Neighbours,
    correction: Correction,
) -> Core {
    let m = Moments::new(values, active);
    if let Some(core) = compute_table(values, active, nb, correction, &m) {
        return core;
    }
    let (z, p) = direct_z_p(values, active, nb, &m);
    let adj = adjust_active(&p, active, correction);
    Core::Direct { z, p, adj }
}

/// The integer-count path, or `None` when the values are not small
/// non-negative integers (or the key table would be too large).
fn compute_table(
    values: &[f64],
    active: &[bool],
    nb: &Neighbours,
    correction: Correction,
    m: &Moments,
) -> Option<Core> {
    let mut max = 0.0f64;
    for (&v, &a) in values.iter().zip(active) {
        if a {
            if !((0.0..=MAX_INT_VALUE).contains(&v) && v.fract() == 0.0) {
                return None;
            }
            max = max.max(v);
        }
    }
    let stride = nb.max_degree() as u64 + 1;
    let max_sum = nb.max_degree() as u64 * max as u64;
    let table_len = (max_sum + 1) * stride;
    // The histogram costs 4 bytes per key: allow up to 4 per feature.
    if table_len > (4 * values.len() as u64).max(1 << 16) || table_len >= u32::MAX as u64 {
        return None;
    }
    // value·stride + 1 for active features, 0 for the rest: summing this
    // over a neighbourhood gives sum·stride + k in one add per neighbour
    // (k ≤ max_degree < stride, so the digits never carry into each other).
    let packed: Vec<u32> = values
        .iter()
        .zip(active)
        .map(|(&v, &a)| if a { v as u32 * stride as u32 + 1 } else { 0 })
        .collect();
    let mut key = vec![u32::MAX; values.len()];
    key.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(chunk, ks)| {
            let base = chunk * CHUNK;
            for (o, k) in ks.iter_mut().enumerate() {
                let i = base + o;
                if active[i] {
                    *k = nb.of(i).iter().map(|&j| packed[j as usize]).sum();
                }
            }
        });
    let mut hist = vec![0u32; table_len as usize];
    for &k in &key {
        if k != u32::MAX {
            hist[k as usize] += 1;
        }
    }
    let mut z = vec![f64::NAN; table_len as usize];
    let mut p = vec![f64::NAN; table_len as usize];
    let used: Vec<u32> = (0..table_len as u32)
        .filter(|&e| hist[e as usize] > 0)
        .collect();
    for &e in &used {
        let (sx, k) = (e as u64 / stride, e as u64 % stride);
        let zi = m.z(sx as f64, k as f64);
        z[e as usize] = zi;
        p[e as usize] = two_sided_p(zi);
    }
    let used_p: Vec<f64> = used.iter().map(|&e| p[e as usize]).collect();
    let used_w: Vec<u32> = used.iter().map(|&e| hist[e as usize]).collect();
    let order = ascending_order(&used_p, None);
    let used_adj = adjust_grouped(&used_p, &order, Some(&used_w), correction);
    let mut adj = vec![f64::NAN; table_len as usize];
    for (&e, a) in used.iter().zip(used_adj) {
        adj[e as usize] = a;
    }
    Some(Core::Table { key, z, p, adj })
}

/// Gi* z-scores and unadjusted two-sided p-values, feature by feature (NaN
/// for inactive features).
fn direct_z_p(
    values: &[f64],
    active: &[bool],
    nb: &Neighbours,
    m: &Moments,
) -> (Vec<f64>, Vec<f64>) {
    let len = values.len();
    let mut z = vec![f64::NAN; len];
    let mut p = vec![f64::NAN; len];
    z.par_chunks_mut(CHUNK)
        .zip(p.par_chunks_mut(CHUNK))
        .enumerate()
        .for_each(|(chunk, (zs, ps))| {
            let base = chunk * CHUNK;
            for (o, (zo, po)) in zs.iter_mut().zip(ps.iter_mut()).enumerate() {
                let i = base + o;
                if !active[i] {
                    continue;
                }
                let mut sx = 0.0;
                let mut k = 0u32;
                for &j in nb.of(i) {
                    let j = j as usize;
                    if active[j] {
                        sx += values[j];
                        k += 1;
                    }
                }
                let zi = m.z(sx, k as f64);
                *zo = zi;
                *po = two_sided_p(zi);
            }
        });
    (z, p)
}

/// Adjusts the p-values of the active features only (the family of tests),
/// leaving NaN elsewhere. Inputs must be in [0, 1].
fn adjust_active(p: &[f64], active: &[bool], correction: Correction) -> Vec<f64> {
    if correction == Correction::None {
        return p.to_vec();
    }
    let order = ascending_order(p, Some(active));
    adjust_grouped(p, &order, None, correction)
}

/// Indices of `p` (only those with `member[i]`, when given) in ascending
/// order of `p`, ties in index order.
///
/// For non-negative floats the IEEE bit pattern orders like the value
/// (`+ 0.0` turns a -0.0 into +0.0), so this sorts integer keys. Large inputs
/// use a stable LSD radix sort: linear time, exact, and immune to what slows
/// comparison sorts on Gi* p-values (long runs of equal or near-equal
/// values).
fn ascending_order(p: &[f64], member: Option<&[bool]>) -> Vec<u32> {
    let (keys, idx): (Vec<u64>, Vec<u32>) = (0..p.len())
        .filter(|&i| member.is_none_or(|m| m[i]))
        .map(|i| ((p[i] + 0.0).to_bits(), i as u32))
        .unzip();
    if keys.len() > 4096 {
        radix_sort_by_key(keys, idx)
    } else {
        let mut pairs: Vec<(u64, u32)> = keys.into_iter().zip(idx).collect();
        pairs.sort_unstable();
        pairs.into_iter().map(|(_, i)| i).collect()
    }
}

/// Stable LSD radix sort of `values` by `keys`, one byte per pass, skipping
/// bytes that are the same in every key. Returns the values in key order
/// (equal keys keep their input order).
fn radix_sort_by_key(keys: Vec<u64>, values: Vec<u32>) -> Vec<u32> {
    let n = keys.len();
    let mut counts = vec![[0usize; 256]; 8];
    for &k in &keys {
        for (b, c) in counts.iter_mut().enumerate() {
            c[((k >> (8 * b)) & 0xff) as usize] += 1;
        }
    }
    let (mut k_src, mut v_src) = (keys, values);
    let (mut k_dst, mut v_dst) = (vec![0u64; n], vec![0u32; n]);
    for (b, count) in counts.iter().enumerate() {
        if count.contains(&n) {
            continue;
        }
        let mut next = [0usize; 256];
        let mut sum = 0;
        for (o, &c) in next.iter_mut().zip(count.iter()) {
            *o = sum;
            sum += c;
        }
        for (&k, &v) in k_src.iter().zip(&v_src) {
            let d = ((k >> (8 * b)) & 0xff) as usize;
            k_dst[next[d]] = k;
            v_dst[next[d]] = v;
            next[d] += 1;
        }
        std::mem::swap(&mut k_src, &mut k_dst);
        std::mem::swap(&mut v_src, &mut v_dst);
    }
    v_src
}

/// BH or Holm over the p-values `p[i]` for `i` in `order` (ascending by p),
/// where `p[i]` stands for `weight[i]` tests with that p-value (1 each
/// without weights); entries not in `order` come out NaN. Equal p-values
/// form one tie group occupying ranks `a..=b` among the `m = Σ weight`
/// tests; R's `p.adjust` gives every member of the group the same value,
/// which is what the per-test formulas reduce to:
///
/// * BH: `min(1, min over groups g' ≥ g of m·p_g'/b_g')`;
/// * Holm: `min(1, max over groups g' ≤ g of (m − a_g' + 1)·p_g')`.
fn adjust_grouped(
    p: &[f64],
    order: &[u32],
    weight: Option<&[u32]>,
    correction: Correction,
) -> Vec<f64> {
    let mut out = vec![f64::NAN; p.len()];
    if correction == Correction::None {
        for &i in order {
            out[i as usize] = p[i as usize];
        }
        return out;
    }
    let w = |e: u32| weight.map_or(1u64, |w| w[e as usize] as u64);
    let len = order.len();
    let total: u64 = order.iter().map(|&e| w(e)).sum();
    let mf = total as f64;
    // Tie groups as ranges of `order`, with the rank of their first and
    // last member.
    let mut groups: Vec<(usize, usize, u64, u64)> = Vec::new();
    let mut start = 0;
    let mut rank = 0u64;
    while start < len {
        let v = p[order[start] as usize];
        let mut end = start;
        let first = rank + 1;
        while end < len && p[order[end] as usize] == v {
            rank += w(order[end]);
            end += 1;
        }
        groups.push((start, end, first, rank));
        start = end;
    }
    match correction {
        Correction::BenjaminiHochberg => {
            let mut running = 1.0f64;
            for &(s, e, _, last) in groups.iter().rev() {
                // (m/b)·p in this order, as R does (`n/i * p[o]`): with b = m
                // the factor is exactly 1, so the top p-value is unchanged.
                let v = mf / last as f64 * p[order[s] as usize];
                running = running.min(v);
                for &i in &order[s..e] {
                    out[i as usize] = running;
                }
            }
        }
        Correction::Holm => {
            let mut running = 0.0f64;
            for &(s, e, first, _) in &groups {
                let v = p[order[s] as usize] * (total - first + 1) as f64;
                running = running.max(v);
                for &i in &order[s..e] {
                    out[i as usize] = running.min(1.0);
                }
            }
        }
        Correction::None => unreachable!(),
    }
    out
}

/// Adjusts p-values for multiple comparisons with the semantics of R's
/// `p.adjust`: Benjamini-Hochberg `min(1, min_{l ≥ k} m·p_(l)/l)` (step-up)
/// or Holm `min(1, max_{l ≤ k} (m − l + 1)·p_(l))` (step-down), where
/// `p_(k)` is the k-th smallest of the `m` p-values. The output is in input
/// order, never below the raw p-value, never above 1, and preserves the order
/// of the raw p-values; equal p-values get equal adjusted values.
///
/// ```
/// use hotspot_stats::{adjust_p_values, Correction};
/// let p = [0.01, 0.04, 0.03, 0.005];
/// let bh = adjust_p_values(&p, Correction::BenjaminiHochberg).unwrap();
/// let holm = adjust_p_values(&p, Correction::Holm).unwrap();
/// let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
/// assert!(close(&bh, &[0.02, 0.04, 0.04, 0.02]));
/// assert!(close(&holm, &[0.03, 0.06, 0.06, 0.02]));
/// ```
///
/// # Errors
/// [`StatsError::InvalidPValue`] for a NaN or a value outside `[0, 1]`.
pub fn adjust_p_values(p: &[f64], correction: Correction) -> Result<Vec<f64>, StatsError> {
    if let Some(index) = p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(StatsError::InvalidPValue {
            index,
            value: p[index],
        });
    }
    let order = ascending_order(p, None);
    Ok(adjust_grouped(p, &order, None, correction))
}

/// Local Getis-Ord Gi* for every feature, with binary weights including self
/// (see the module docs for the formula), two-sided p-values, p-values
/// adjusted over all active features by `correction`, and a class.
///
/// `values[i]` is the value of feature `i` (e.g. incidents in a cell);
/// `active[i]` false puts a feature outside the study area: its result is
/// `None`, it is no one's neighbour, and it is left out of n, X̄ and S.
///
/// ```
/// use hotspot_stats::{gi_star, Correction, HotspotClass, Neighbours};
/// // A 5×5 grid of 1s with a block of 20s in the top-left corner.
/// let mut v = vec![1.0; 25];
/// for i in [0, 1, 5, 6] { v[i] = 20.0; }
/// let active = vec![true; 25];
/// let nb = Neighbours::square_grid(5, 5, &active, 1.5).unwrap();
/// let g = gi_star(&v, &active, &nb, Correction::None).unwrap();
/// let corner = g[0].unwrap();
/// assert!(corner.z > 3.0 && corner.class == HotspotClass::Hot99);
/// assert!(g[24].unwrap().z < 0.0);
/// ```
///
/// # Errors
/// [`StatsError::LengthMismatch`] when `values`, `active` and `neighbours`
/// differ in length; [`StatsError::NonFinite`] for a NaN or infinite value
/// of an active feature.
pub fn gi_star(
    values: &[f64],
    active: &[bool],
    neighbours: &Neighbours,
    correction: Correction,
) -> Result<Vec<Option<GiStar>>, StatsError> {
    validate(values, "values", active, neighbours)?;
    let core = compute(values, active, neighbours, correction);
    Ok((0..values.len())
        .into_par_iter()
        .with_min_len(CHUNK)
        .map(|i| {
            core.get(i).map(|(z, p, p_adjusted)| GiStar {
                z,
                p,
                p_adjusted,
                class: HotspotClass::from_z_p(z, p_adjusted),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn every_class_a_z_and_p_can_give_is_listed_once_in_all() {
        let mut seen = std::collections::HashSet::new();
        for z in [-3.0, -1.0, 0.0, 1.0, 3.0] {
            for p in [0.001, 0.03, 0.07, 0.5] {
                seen.insert(HotspotClass::from_z_p(z, p));
            }
        }
        assert_eq!(seen.len(), HotspotClass::ALL.len());
        assert!(seen.iter().all(|c| HotspotClass::ALL.contains(c)));
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    /// 3×3 grid, values 1..=9 row-major, queen neighbours (band 1.5), all
    /// active:
    ///
    /// ```text
    /// 1 2 3
    /// 4 5 6
    /// 7 8 9
    /// ```
    ///
    /// By hand: n = 9, X̄ = 5, S² = Σ(x − 5)²/9 = 60/9 = 20/3.
    /// * corner 0 (values 1,2,4,5; k = 4): Σx − X̄k = 12 − 20 = −8,
    ///   denominator² = S²·(9·4 − 16)/8 = (20/3)(20/8) = 50/3,
    ///   z = −8/√(50/3) = −8·√(3/50) = −1.959592;
    /// * corner 2 (2,3,5,6): 16 − 20 = −4, z = −4·√(3/50) = −0.979796;
    /// * edge 1 (values 1..=6; k = 6): 21 − 30 = −9, denominator² =
    ///   (20/3)(54 − 36)/8 = 15, z = −9/√15 = −2.323790;
    /// * edge 3 (1,2,4,5,7,8): 27 − 30 = −3, z = −3/√15 = −0.774597;
    /// * centre (k = n = 9): 0/0, reported as z = 0, p = 1;
    /// * 8, 7, 6, 5 mirror 0, 1, 2, 3 (point symmetry about the centre)
    ///   with the sign flipped.
    #[test]
    fn hand_worked_3x3() {
        let v: Vec<f64> = (1..=9).map(f64::from).collect();
        let act = vec![true; 9];
        let nb = Neighbours::square_grid(3, 3, &act, 1.5).unwrap();
        let g = gi_star(&v, &act, &nb, Correction::None).unwrap();
        let z: Vec<f64> = g.iter().map(|r| r.unwrap().z).collect();
        let corner = -8.0 * (3.0f64 / 50.0).sqrt();
        let corner2 = -4.0 * (3.0f64 / 50.0).sqrt();
        let edge = -9.0 / 15f64.sqrt();
        let side = -3.0 / 15f64.sqrt();
        let expect = [
            corner, edge, corner2, side, 0.0, -side, -corner2, -edge, -corner,
        ];
        for (i, (a, b)) in z.iter().zip(expect).enumerate() {
            assert!(close(*a, b, 1e-12), "cell {i}: {a} vs {b}");
        }
        assert!(close(corner, -1.959592, 1e-6) && close(edge, -2.323790, 1e-6));
        assert!(close(corner2, -0.979796, 1e-6) && close(side, -0.774597, 1e-6));
        // p two-sided: P(|Z| ≥ 1.959592) = 0.050044; P(|Z| ≥ 2.32379) = 0.020137.
        assert!(close(g[0].unwrap().p, 0.050044, 1e-6));
        assert!(close(g[1].unwrap().p, 0.020137, 1e-6));
        assert_eq!(g[4].unwrap().p, 1.0);
        // Unadjusted: edge 1 is cold at 95%, corner 0 at 90% (p just over 0.05).
        assert_eq!(g[1].unwrap().class, HotspotClass::Cold95);
        assert_eq!(g[0].unwrap().class, HotspotClass::Cold90);
        assert_eq!(g[7].unwrap().class, HotspotClass::Hot95);
        // The same data as non-integers takes the direct path: same answer.
        let v2: Vec<f64> = v.iter().map(|x| x * 0.5).collect();
        let g2 = gi_star(&v2, &act, &nb, Correction::None).unwrap();
        for i in 0..9 {
            assert!(close(g2[i].unwrap().z, expect[i], 1e-12));
        }
    }

    /// PySAL esda `G_Local(y, w, transform='B', star=True)` docstring example
    /// (esda/getisord.py): six points, `DistanceBand(points, threshold=15)`.
    #[test]
    fn pysal_reference_values() {
        let pts = [
            [10.0, 10.0],
            [20.0, 10.0],
            [40.0, 10.0],
            [15.0, 20.0],
            [30.0, 20.0],
            [30.0, 30.0],
        ];
        let y = [2.0, 3.0, 3.2, 5.0, 8.0, 7.0];
        let nb = Neighbours::distance_band(&pts, 15.0).unwrap();
        let act = [true; 6];
        let g = gi_star(&y, &act, &nb, Correction::None).unwrap();
        let pysal = [
            -1.39727626,
            -0.28917762,
            0.65064964,
            -0.28917762,
            1.23452088,
            2.02424331,
        ];
        for (r, e) in g.iter().zip(pysal) {
            assert!(close(r.unwrap().z, e, 1e-7), "{} vs {e}", r.unwrap().z);
        }
    }

    #[test]
    fn constant_input_gives_zero() {
        for value in [3.0, 2.5, 0.0] {
            let v = vec![value; 100];
            let act: Vec<bool> = (0..100).map(|i| i % 9 != 0).collect();
            let nb = Neighbours::square_grid(10, 10, &act, 1.5).unwrap();
            for c in [
                Correction::BenjaminiHochberg,
                Correction::Holm,
                Correction::None,
            ] {
                for (i, r) in gi_star(&v, &act, &nb, c).unwrap().into_iter().enumerate() {
                    match r {
                        None => assert!(!act[i]),
                        Some(g) => {
                            assert_eq!((g.z, g.p, g.p_adjusted), (0.0, 1.0, 1.0));
                            assert_eq!(g.class, HotspotClass::NotSignificant);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn negating_values_negates_z() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let v: Vec<f64> = (0..400).map(|_| rng.gen_range(0..12) as f64).collect();
        let act: Vec<bool> = (0..400).map(|_| rng.gen_bool(0.9)).collect();
        let nb = Neighbours::square_grid(20, 20, &act, 1.5).unwrap();
        let a = gi_star(&v, &act, &nb, Correction::BenjaminiHochberg).unwrap();
        // −v takes the direct path, 20 − v the integer path: both mirror z.
        for w in [
            v.iter().map(|x| -x).collect::<Vec<_>>(),
            v.iter().map(|x| 20.0 - x).collect(),
        ] {
            let b = gi_star(&w, &act, &nb, Correction::BenjaminiHochberg).unwrap();
            for (x, y) in a.iter().zip(&b) {
                match (x, y) {
                    (Some(x), Some(y)) => {
                        assert!(close(x.z, -y.z, 1e-9));
                        assert!(close(x.p_adjusted, y.p_adjusted, 1e-9));
                    }
                    (None, None) => {}
                    _ => panic!("activity differs"),
                }
            }
        }
    }

    #[test]
    fn planted_hotspot_is_hot99() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let (cols, rows) = (30, 30);
        let mut v: Vec<f64> = (0..cols * rows)
            .map(|_| rng.gen_range(0..4) as f64)
            .collect();
        for r in 12..15 {
            for c in 20..23 {
                v[r * cols + c] = 15.0;
            }
        }
        let act = vec![true; cols * rows];
        let nb = Neighbours::square_grid(cols, rows, &act, 1.5).unwrap();
        let g = gi_star(&v, &act, &nb, Correction::default()).unwrap();
        let centre = g[13 * cols + 21].unwrap();
        assert_eq!(centre.class, HotspotClass::Hot99);
        assert!(centre.p_adjusted >= centre.p);
        // Far from the plant, nothing is significant after FDR.
        let far_hot = (0..cols * rows)
            .filter(|&i| (i % cols) < 10 && g[i].unwrap().class != HotspotClass::NotSignificant)
            .count();
        assert_eq!(far_hot, 0);
    }

    #[test]
    fn integer_table_path_matches_direct_path() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (cols, rows) = (40, 25);
        let v: Vec<f64> = (0..cols * rows)
            .map(|_| rng.gen_range(0..30) as f64)
            .collect();
        let act: Vec<bool> = (0..cols * rows).map(|_| rng.gen_bool(0.85)).collect();
        for nb in [
            Neighbours::square_grid(cols, rows, &act, 2.5).unwrap(),
            Neighbours::hex_grid(cols, rows, &act, 1.0).unwrap(),
        ] {
            for c in [
                Correction::BenjaminiHochberg,
                Correction::Holm,
                Correction::None,
            ] {
                let m = Moments::new(&v, &act);
                let table = compute_table(&v, &act, &nb, c, &m).expect("integer path");
                let (z, p) = direct_z_p(&v, &act, &nb, &m);
                let adj = adjust_active(&p, &act, c);
                for i in 0..v.len() {
                    match table.get(i) {
                        None => assert!(!act[i]),
                        Some((tz, tp, ta)) => {
                            assert_eq!(tz, z[i]);
                            assert_eq!(tp, p[i]);
                            assert!(close(ta, adj[i], 1e-15), "{c:?} {i}: {ta} vs {}", adj[i]);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn errors_on_misuse() {
        let nb = Neighbours::square_grid(2, 2, &[true; 4], 1.0).unwrap();
        assert!(matches!(
            gi_star(&[1.0; 3], &[true; 4], &nb, Correction::None),
            Err(StatsError::LengthMismatch { .. })
        ));
        assert!(matches!(
            gi_star(&[1.0; 4], &[true; 5], &nb, Correction::None),
            Err(StatsError::LengthMismatch { .. })
        ));
        assert!(matches!(
            gi_star(
                &[1.0, f64::NAN, 1.0, 1.0],
                &[true; 4],
                &nb,
                Correction::None
            ),
            Err(StatsError::NonFinite { index: 1, .. })
        ));
        // A NaN outside the study area is fine.
        assert!(gi_star(
            &[1.0, f64::NAN, 1.0, 2.0],
            &[true, false, true, true],
            &nb,
            Correction::None
        )
        .is_ok());
        assert!(adjust_p_values(&[0.5, 1.5], Correction::Holm).is_err());
        assert!(adjust_p_values(&[f64::NAN], Correction::None).is_err());
    }

    /// The radix path (over 4096 values) with ties and near-ties.
    #[test]
    fn ascending_order_large() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let p: Vec<f64> = (0..20_000)
            .map(|_| {
                let base: f64 = [0.0, 0.01, 0.5, 1.0][rng.gen_range(0..4)];
                f64::from_bits(base.to_bits().saturating_sub(rng.gen_range(0..50)))
            })
            .collect();
        let member: Vec<bool> = (0..p.len()).map(|_| rng.gen_bool(0.8)).collect();
        for m in [None, Some(member.as_slice())] {
            let mut want: Vec<u32> = (0..p.len() as u32)
                .filter(|&i| m.is_none_or(|m| m[i as usize]))
                .collect();
            want.sort_by(|&a, &b| p[a as usize].total_cmp(&p[b as usize]).then(a.cmp(&b)));
            assert_eq!(ascending_order(&p, m), want);
        }
    }

    fn vec_close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(*x, *y, 1e-12))
    }

    /// Hand-worked against R's `p.adjust`.
    #[test]
    fn bh_and_holm_by_hand() {
        let bh = |p: &[f64]| adjust_p_values(p, Correction::BenjaminiHochberg).unwrap();
        let holm = |p: &[f64]| adjust_p_values(p, Correction::Holm).unwrap();
        let p = [0.01, 0.04, 0.03, 0.005];
        assert!(vec_close(&bh(&p), &[0.02, 0.04, 0.04, 0.02]));
        assert!(vec_close(&holm(&p), &[0.03, 0.06, 0.06, 0.02]));
        // Ties. BH: 0.04·4/4, 0.03·4/3, 0.01·4/2 → cummin → [0.02, 0.02, 0.04, 0.04].
        // Holm: 0.01·4, 0.01·3, 0.03·2, 0.04·1 → cummax → [0.04, 0.04, 0.06, 0.06].
        let p = [0.01, 0.01, 0.03, 0.04];
        assert!(vec_close(&bh(&p), &[0.02, 0.02, 0.04, 0.04]));
        assert!(vec_close(&holm(&p), &[0.04, 0.04, 0.06, 0.06]));
        // p.adjust(c(.01,.02,.03,.04,.05), "BH") is all 0.05;
        // "holm" is 0.05, 0.08, 0.09, 0.09, 0.09.
        let p = [0.01, 0.02, 0.03, 0.04, 0.05];
        assert!(vec_close(&bh(&p), &[0.05; 5]));
        assert!(vec_close(&holm(&p), &[0.05, 0.08, 0.09, 0.09, 0.09]));
        // Caps at 1.
        assert!(vec_close(&holm(&[0.6, 0.7]), &[1.0, 1.0]));
        assert!(vec_close(&bh(&[0.6, 0.9]), &[0.9, 0.9]));
        assert_eq!(adjust_p_values(&p, Correction::None).unwrap(), p.to_vec());
        // The largest p-value is unchanged by BH, to the last bit ((m/m)·p).
        assert_eq!(bh(&[0.0, 0.978371168154119])[1], 0.978371168154119);
        assert!(bh(&[]).is_empty());
    }

    /// Independent O(m²) definitions: BH_i = min(1, min over p_j ≥ p_i of
    /// m·p_j/r_j) and Holm_i = min(1, max over p_j ≤ p_i of (m − r'_j + 1)·p_j),
    /// with r_j = #{p ≤ p_j} and r'_j = 1 + #{p < p_j}.
    fn oracle(p: &[f64], c: Correction) -> Vec<f64> {
        let m = p.len() as f64;
        let le: Vec<f64> = p
            .iter()
            .map(|&x| p.iter().filter(|&&q| q <= x).count() as f64)
            .collect();
        let lt: Vec<f64> = p
            .iter()
            .map(|&x| p.iter().filter(|&&q| q < x).count() as f64)
            .collect();
        p.iter()
            .map(|&pi| match c {
                Correction::BenjaminiHochberg => (0..p.len())
                    .filter(|&j| p[j] >= pi)
                    .map(|j| m * p[j] / le[j])
                    .fold(1.0, f64::min),
                Correction::Holm => (0..p.len())
                    .filter(|&j| p[j] <= pi)
                    .map(|j| (m - lt[j]) * p[j])
                    .fold(0.0, f64::max)
                    .min(1.0),
                Correction::None => pi,
            })
            .collect()
    }

    /// Direct O(n²) evaluation of the Gi* formula with explicit weights
    /// w_ij = [d(i, j) ≤ band], over active features.
    fn direct_gi(values: &[f64], active: &[bool], pos: &[[f64; 2]], band2: f64) -> Vec<f64> {
        let idx: Vec<usize> = (0..values.len()).filter(|&i| active[i]).collect();
        let n = idx.len() as f64;
        let mean = idx.iter().map(|&i| values[i]).sum::<f64>() / n;
        let s = (idx.iter().map(|&i| values[i] * values[i]).sum::<f64>() / n - mean * mean).sqrt();
        (0..values.len())
            .map(|i| {
                if !active[i] {
                    return f64::NAN;
                }
                let (mut swx, mut sw, mut sw2) = (0.0, 0.0, 0.0);
                for &j in &idx {
                    let d2 = (pos[i][0] - pos[j][0]).powi(2) + (pos[i][1] - pos[j][1]).powi(2);
                    let w = if d2 <= band2 { 1.0 } else { 0.0 };
                    swx += w * values[j];
                    sw += w;
                    sw2 += w * w;
                }
                let den = s * ((n * sw2 - sw * sw) / (n - 1.0)).sqrt();
                if den > 1e-12 {
                    (swx - mean * sw) / den
                } else {
                    0.0
                }
            })
            .collect()
    }

    fn check_against_direct(
        values: &[f64],
        active: &[bool],
        nb: &Neighbours,
        pos: &[[f64; 2]],
        band2: f64,
    ) {
        let want = direct_gi(values, active, pos, band2);
        let got = gi_star(values, active, nb, Correction::BenjaminiHochberg).unwrap();
        let active_p: Vec<f64> = got.iter().flatten().map(|g| g.p).collect();
        let want_adj = oracle(&active_p, Correction::BenjaminiHochberg);
        let mut k = 0;
        for i in 0..values.len() {
            match got[i] {
                None => assert!(!active[i]),
                Some(g) => {
                    assert!(
                        close(g.z, want[i], 1e-9),
                        "cell {i}: {} vs {}",
                        g.z,
                        want[i]
                    );
                    assert!(close(g.p, two_sided_p(want[i]), 1e-12));
                    assert!(close(g.p_adjusted, want_adj[k], 1e-12));
                    k += 1;
                }
            }
        }
    }

    fn grid_case() -> impl Strategy<Value = (Vec<f64>, Vec<bool>)> {
        (
            prop::collection::vec(prop::bool::weighted(0.85), 900),
            prop_oneof![
                prop::collection::vec((0u32..15).prop_map(f64::from), 900),
                prop::collection::vec(-3.0f64..40.0, 900),
            ],
        )
            .prop_map(|(a, v)| (v, a))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn square_grid_equals_direct_formula(
            (values, active) in grid_case(),
            band in prop::sample::select(vec![1.0, 1.5, 2.0, 2.3, 3.0]),
        ) {
            let pos: Vec<[f64; 2]> = (0..900).map(|i| [(i % 30) as f64, (i / 30) as f64]).collect();
            let nb = Neighbours::square_grid(30, 30, &active, band).unwrap();
            check_against_direct(&values, &active, &nb, &pos, band * band * (1.0 + 1e-9));
        }

        #[test]
        fn hex_grid_equals_direct_formula(
            (values, active) in grid_case(),
            band in prop::sample::select(vec![1.0, 3f64.sqrt(), 2.0, 2.7]),
        ) {
            let h = 3f64.sqrt() / 2.0;
            let pos: Vec<[f64; 2]> = (0..900)
                .map(|i| [(i % 30) as f64 + 0.5 * ((i / 30) % 2) as f64, -((i / 30) as f64) * h])
                .collect();
            let nb = Neighbours::hex_grid(30, 30, &active, band).unwrap();
            check_against_direct(&values, &active, &nb, &pos, band * band * (1.0 + 1e-9));
        }

        #[test]
        fn distance_band_equals_direct_formula(
            pts in prop::collection::vec((0.0f64..1000.0, 0.0f64..1000.0), 2..300),
            band in 0.0f64..250.0,
            seed in any::<u64>(),
        ) {
            let pos: Vec<[f64; 2]> = pts.iter().map(|&(x, y)| [x, y]).collect();
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let values: Vec<f64> = pos.iter().map(|_| rng.gen_range(0..20) as f64).collect();
            let active = vec![true; pos.len()];
            let nb = Neighbours::distance_band(&pos, band).unwrap();
            check_against_direct(&values, &active, &nb, &pos, band * band);
        }

        #[test]
        fn adjustment_properties(p in prop::collection::vec(
            prop_oneof![0.0f64..=1.0, prop::sample::select(vec![0.0, 0.01, 0.05, 1.0])], 0..120)
        ) {
            for c in [Correction::BenjaminiHochberg, Correction::Holm] {
                let a = adjust_p_values(&p, c).unwrap();
                let o = oracle(&p, c);
                for i in 0..p.len() {
                    prop_assert!(a[i] >= p[i] && a[i] <= 1.0);
                    prop_assert!(close(a[i], o[i], 1e-12), "{:?} {} vs {}", c, a[i], o[i]);
                    for j in 0..p.len() {
                        if p[i] <= p[j] {
                            prop_assert!(a[i] <= a[j]);
                        }
                    }
                }
            }
            let bh = adjust_p_values(&p, Correction::BenjaminiHochberg).unwrap();
            let holm = adjust_p_values(&p, Correction::Holm).unwrap();
            for i in 0..p.len() {
                prop_assert!(holm[i] >= bh[i] - 1e-15);
            }
        }

        #[test]
        fn radix_sort_is_a_stable_sort(v in prop::collection::vec(any::<u64>(), 0..3000), shift in 0u32..64) {
            let keys: Vec<u64> = v.iter().map(|x| x >> shift).collect();
            let idx: Vec<u32> = (0..keys.len() as u32).collect();
            let mut want: Vec<(u64, u32)> = keys.iter().copied().zip(idx.iter().copied()).collect();
            want.sort_unstable();
            let want: Vec<u32> = want.into_iter().map(|(_, i)| i).collect();
            prop_assert_eq!(radix_sort_by_key(keys, idx), want);
        }

        /// Near-ties (p-values a few ulps apart) exercise the fix-up of
        /// runs whose truncated keys collide.
        #[test]
        fn ascending_order_is_exact(
            p in prop::collection::vec(
                (prop::sample::select(vec![0.0, 1e-300, 0.01, 0.3, 1.0]), 0u64..600)
                    .prop_map(|(b, k): (f64, u64)| f64::from_bits(b.to_bits().saturating_sub(k)).max(0.0)),
                0..200,
            ),
            member_seed in any::<u64>(),
        ) {
            let member: Vec<bool> = (0..p.len()).map(|i| (member_seed >> (i % 64)) & 1 == 1).collect();
            for m in [None, Some(member.as_slice())] {
                let got = ascending_order(&p, m);
                let mut want: Vec<u32> = (0..p.len() as u32).filter(|&i| m.is_none_or(|m| m[i as usize])).collect();
                want.sort_by(|&a, &b| p[a as usize].total_cmp(&p[b as usize]).then(a.cmp(&b)));
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn weighted_groups_equal_expanded(
            entries in prop::collection::vec((0.0f64..=1.0, 1u32..5), 1..40)
        ) {
            let p: Vec<f64> = entries.iter().map(|e| e.0).collect();
            let w: Vec<u32> = entries.iter().map(|e| e.1).collect();
            let expanded: Vec<f64> = entries.iter().flat_map(|&(p, w)| std::iter::repeat_n(p, w as usize)).collect();
            for c in [Correction::BenjaminiHochberg, Correction::Holm] {
                let g = adjust_grouped(&p, &ascending_order(&p, None), Some(&w), c);
                let e = adjust_grouped(&expanded, &ascending_order(&expanded, None), None, c);
                let mut k = 0;
                for (i, &wi) in w.iter().enumerate() {
                    for _ in 0..wi {
                        prop_assert_eq!(g[i], e[k]);
                        k += 1;
                    }
                }
            }
        }
    }
}
