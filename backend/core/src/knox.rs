//! The Knox near-repeat table as plain data, shared by the statistic that
//! computes it (`hotspot_spacetime::knox_test`), the API that serves it and
//! the map client that draws it.

use serde::{Deserialize, Serialize};

use crate::options::Metric;

/// One cell of the Knox table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnoxCell {
    /// E.g. `"0–100 m"`, `"100–200 m"`, `"> 400 m"`.
    pub space_label: String,
    /// E.g. `"0–7 days"`, `"8–14 days"`, `"> 28 days"`.
    pub time_label: String,
    /// Index of the space band (0-based; the last is the open-ended band).
    pub space_band: usize,
    /// Index of the time band (0-based; the last is the open-ended band).
    pub time_band: usize,
    /// Pairs of events in this space band and this time band.
    pub observed: u64,
    /// Mean count over the permutations.
    pub expected: f64,
    /// Knox ratio `observed / expected`; NaN when `expected` is 0 (no
    /// permutation put a pair in the cell; serialises as `null`).
    #[serde(deserialize_with = "null_as_nan")]
    pub ratio: f64,
    /// Upper-tail Monte Carlo p-value `(1 + #perm ≥ observed) / (1 + P)`.
    pub p_value: f64,
    /// `p_value < 0.05`.
    pub significant: bool,
}

/// Result of the Knox test (`hotspot_spacetime::knox_test`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnoxResult {
    /// Number of events.
    pub n: usize,
    /// Number of pairs `n(n−1)/2`; the observed counts of all cells sum to it.
    pub pairs: u64,
    /// Row-major: for each space band (the open band last), every time band
    /// (the open band last); `(K+1) × (L+1)` cells.
    pub cells: Vec<KnoxCell>,
    /// Number of space bands including the open-ended one (`K + 1`).
    pub space_bands: usize,
    /// Number of time bands including the open-ended one (`L + 1`).
    pub time_bands: usize,
    /// Pairs within the largest finite distance, which the permutations
    /// recount (a measure of the work done).
    pub close_pairs: u64,
    pub permutations: usize,
    pub seed: u64,
    pub metric: Metric,
}

impl KnoxResult {
    /// The cell for space band `s` and time band `t` (0-based, open bands
    /// last).
    pub fn cell(&self, s: usize, t: usize) -> &KnoxCell {
        &self.cells[s * self.time_bands + t]
    }

    /// One line for the analyst about the closest cell (first distance band,
    /// first time band), e.g. "Pairs 0–100 m and 0–7 days apart: 412
    /// observed, 153.2 expected (Knox ratio 2.69, p = 0.001): more than
    /// chance, a near-repeat pattern."
    pub fn headline(&self) -> String {
        let c = self.cell(0, 0);
        // The p-value tests for an excess of close pairs only (one-sided),
        // so it can support "more than chance" but never "fewer".
        let verdict = if c.significant && c.ratio > 1.0 {
            "more than chance, a near-repeat pattern"
        } else {
            "not significantly more than chance (the test looks for an excess of close pairs only)"
        };
        let ratio = if c.ratio.is_finite() {
            format!("{:.2}", c.ratio)
        } else {
            "undefined".into()
        };
        format!(
            "Pairs {} and {} apart: {} observed, {:.1} expected (Knox ratio {}, p = {}): {}.",
            c.space_label,
            c.time_label,
            c.observed,
            c.expected,
            ratio,
            format_p(c.p_value),
            verdict
        )
    }
}

/// p-values to 3 decimals; below 0.001 (more than 999 permutations) in
/// scientific notation.
fn format_p(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

/// JSON has no NaN: serde_json writes it as `null`, so `null` reads back as
/// NaN.
fn null_as_nan<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}
