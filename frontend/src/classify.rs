//! Classed legends: class breaks from the data, colour-blind-safe palettes,
//! and the MapLibre style expressions that paint with them.
//!
//! Palettes (all ColorBrewer or viridis, chosen for colour-vision deficiency):
//! * counts and rates: ColorBrewer YlOrRd (sequential, colour-blind safe);
//! * % change: ColorBrewer RdBu reversed (diverging: blue = fewer, red = more,
//!   a pale neutral for "stable"; colour-blind safe);
//! * kernel density: viridis (perceptually uniform, colour-blind safe);
//! * hotspot areas: ColorBrewer Purples (a hue the choropleth does not use).

use std::borrow::Cow;

use hotspot_api::responses::WardProperties;
use serde_json::{json, Value};

use crate::format;

pub const YL_OR_RD: [&str; 5] = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
pub const RD_BU_REVERSED: [&str; 5] = ["#0571b0", "#92c5de", "#f7f7f7", "#f4a582", "#ca0020"];
pub const VIRIDIS: [&str; 5] = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];
/// Top 10 %, 5 %, 1 % of density.
pub const PURPLES: [&str; 3] = ["#cbc9e2", "#9e9ac8", "#54278f"];
pub const NO_DATA: &str = "#d9d9d9";
/// Wards whose value is withheld (1–2 incidents, public role): a neutral
/// grey under a dark hatch (`hatch_rgba`), distinct from "no data".
pub const SUPPRESSED: &str = "#bdbdbd";
/// The hatch lines drawn over [`SUPPRESSED`].
pub const HATCH: &str = "#525252";
/// The legend label of withheld wards: "Suppressed (1–2 incidents)" with the
/// server's default threshold (`format::suppress_below`).
pub fn suppressed_label() -> String {
    let r = crate::format::withheld_range();
    let s = if r == "1" { "" } else { "s" };
    format!("Suppressed ({r} incident{s})")
}
/// The MapLibre image id of the hatch pattern.
pub const HATCH_IMAGE: &str = "hotspot-hatch";

/// Breaks for % change: fixed and symmetric, so "stable" means the same on every map.
pub const CHANGE_BREAKS: [f64; 4] = [-20.0, -5.0, 5.0, 20.0];

/// One legend row.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub colour: String,
    pub label: String,
    /// Features in the class.
    pub count: usize,
}

/// Legend rows for fixed classes `(key, colour, label)`, each with how many
/// of the features' class keys (`keys`) are its key.
pub fn class_legend<'a>(
    classes: &[(&str, &str, &str)],
    keys: impl Iterator<Item = Cow<'a, str>>,
) -> Vec<LegendItem> {
    let mut counts = std::collections::HashMap::new();
    for k in keys {
        *counts.entry(k).or_insert(0) += 1;
    }
    classes
        .iter()
        .map(|(k, colour, label)| LegendItem {
            colour: colour.to_string(),
            label: label.to_string(),
            count: counts.get(*k).copied().unwrap_or(0),
        })
        .collect()
}

/// A classification of one numeric property.
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    pub property: String,
    /// Lower bounds of classes 2..n (MapLibre `step` stops).
    pub breaks: Vec<f64>,
    pub colours: Vec<String>,
    pub legend: Vec<LegendItem>,
    /// Features without a value (no population, no comparison...).
    pub no_data: usize,
    /// Features whose value the API withheld (small counts, public role);
    /// not included in `no_data`.
    pub suppressed: usize,
}

impl Classes {
    /// Class index of a value.
    pub fn class_of(&self, v: f64) -> usize {
        self.breaks.iter().take_while(|b| v >= **b).count()
    }

    /// `fill-color`: the class colour, grey where the property is not a number.
    pub fn expression(&self) -> Value {
        let get = json!(["get", self.property]);
        let mut step = vec![json!("step"), get.clone(), json!(self.colours[0])];
        for (b, c) in self.breaks.iter().zip(&self.colours[1..]) {
            step.push(json!(b));
            step.push(json!(c));
        }
        let paint = if self.breaks.is_empty() {
            json!(self.colours[0])
        } else {
            Value::Array(step)
        };
        match suppression_condition(&self.property).filter(|_| self.suppressed > 0) {
            Some(cond) => json!([
                "case",
                ["==", ["typeof", get], "number"],
                paint,
                cond,
                SUPPRESSED,
                NO_DATA
            ]),
            None => json!(["case", ["==", ["typeof", get], "number"], paint, NO_DATA]),
        }
    }

    /// The filter of the hatch layer drawn over suppressed features.
    pub fn suppressed_filter(&self) -> Value {
        match suppression_condition(&self.property).filter(|_| self.suppressed > 0) {
            Some(cond) => json!([
                "all",
                ["!=", ["typeof", ["get", self.property]], "number"],
                cond
            ]),
            None => json!(["boolean", false]),
        }
    }

    /// Legend rows, with a "suppressed" row when the API withheld some
    /// values and a "no data" row when some features lack a value.
    pub fn legend_with_no_data(&self, no_data_label: &str) -> Vec<LegendItem> {
        let mut rows = self.legend.clone();
        if self.suppressed > 0 {
            rows.push(LegendItem {
                colour: SUPPRESSED.into(),
                label: suppressed_label(),
                count: self.suppressed,
            });
        }
        if self.no_data > 0 {
            rows.push(LegendItem {
                colour: NO_DATA.into(),
                label: no_data_label.into(),
                count: self.no_data,
            });
        }
        rows
    }
}

/// Spreads `n` colours across a 5-colour palette (3 classes use 0, 2, 4).
fn pick(palette: &[&str], n: usize) -> Vec<String> {
    if n <= 1 {
        return vec![palette[palette.len() / 2].to_string()];
    }
    (0..n)
        .map(|i| palette[(i * (palette.len() - 1) + (n - 1) / 2) / (n - 1)].to_string())
        .collect()
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// Quantile classes (up to `k`) of `values`; `decimals` = 0 for counts.
pub fn quantiles(
    property: &str,
    values: &[Option<f64>],
    k: usize,
    decimals: usize,
    palette: &[&str],
) -> Classes {
    let mut v: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    v.sort_by(|a, b| a.total_cmp(b));
    let no_data = values.len() - v.len();
    let mut breaks: Vec<f64> = Vec::new();
    if let (Some(&min), Some(_)) = (v.first(), v.last()) {
        for i in 1..k {
            let q = v[(i * v.len()) / k];
            let b = if decimals == 0 {
                q.ceil()
            } else {
                round_to(q, decimals as i32)
            };
            if b > min && breaks.last().is_none_or(|last| b > *last) {
                breaks.push(b);
            }
        }
    }
    let colours = pick(palette, breaks.len() + 1);
    let mut c = Classes {
        property: property.into(),
        breaks,
        colours,
        legend: Vec::new(),
        no_data,
        suppressed: 0,
    };
    let mut counts = vec![0usize; c.colours.len()];
    for x in &v {
        counts[c.class_of(*x)] += 1;
    }
    let (min, max) = (v.first().copied(), v.last().copied());
    c.legend = (0..c.colours.len())
        .map(|i| {
            let lo = if i == 0 {
                min.unwrap_or(0.0)
            } else {
                c.breaks[i - 1]
            };
            let hi_next = c.breaks.get(i).copied();
            let label = if decimals == 0 {
                let hi = match hi_next {
                    Some(h) => h - 1.0,
                    None => max.unwrap_or(lo),
                };
                if hi <= lo {
                    format::number(lo, 0)
                } else {
                    format!("{} – {}", format::number(lo, 0), format::number(hi, 0))
                }
            } else {
                match hi_next {
                    Some(h) => format!(
                        "{} – under {}",
                        format::number(lo, decimals),
                        format::number(h, decimals)
                    ),
                    None => format!(
                        "{} – {}",
                        format::number(lo, decimals),
                        format::number(max.unwrap_or(lo).max(lo), decimals)
                    ),
                }
            };
            LegendItem {
                colour: c.colours[i].clone(),
                label,
                count: counts[i],
            }
        })
        .collect();
    c
}

/// Fixed diverging classes for % change.
pub fn change(values: &[Option<f64>]) -> Classes {
    let v: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    let mut c = Classes {
        property: "change_pct".into(),
        breaks: CHANGE_BREAKS.to_vec(),
        colours: RD_BU_REVERSED.iter().map(|s| s.to_string()).collect(),
        legend: Vec::new(),
        no_data: values.len() - v.len(),
        suppressed: 0,
    };
    let mut counts = [0usize; 5];
    for x in &v {
        counts[c.class_of(*x)] += 1;
    }
    let labels = [
        "Down 20% or more",
        "Down 5% to 20%",
        "Stable (within ±5%)",
        "Up 5% to 20%",
        "Up 20% or more",
    ];
    c.legend = labels
        .iter()
        .enumerate()
        .map(|(i, l)| LegendItem {
            colour: c.colours[i].clone(),
            label: l.to_string(),
            count: counts[i],
        })
        .collect();
    c
}

/// Density classes as fractions of the surface's maximum (viridis), in
/// incidents per km². Cells under the first break are not drawn.
pub fn density(max_density: f64, counts_of: impl Fn(f64, f64) -> usize) -> (f64, Classes) {
    let fractions = [0.05, 0.2, 0.4, 0.6, 0.8];
    let stops: Vec<f64> = fractions
        .iter()
        .map(|f| round_to(f * max_density, 1))
        .collect();
    let mut c = Classes {
        property: "density".into(),
        breaks: stops[1..].to_vec(),
        colours: VIRIDIS.iter().map(|s| s.to_string()).collect(),
        legend: Vec::new(),
        no_data: 0,
        suppressed: 0,
    };
    c.legend = (0..5)
        .map(|i| {
            let lo = stops[i];
            let hi = stops.get(i + 1).copied();
            LegendItem {
                colour: c.colours[i].clone(),
                label: match hi {
                    Some(h) => format!("{} – {}", format::number(lo, 1), format::number(h, 1)),
                    None => format!("{} or more", format::number(lo, 1)),
                },
                count: counts_of(lo, hi.unwrap_or(f64::INFINITY)),
            }
        })
        .collect();
    (stops[0], c)
}

/// Colour of a hotspot band by its `top_percent` (10, 5, 1 → light to dark).
pub fn hotspot_expression() -> Value {
    json!([
        "step",
        ["get", "top_percent"],
        PURPLES[2],
        2.0,
        PURPLES[1],
        7.5,
        PURPLES[0]
    ])
}

/// Hotspot band colour for a given `top_percent`.
pub fn hotspot_colour(top_percent: f64) -> &'static str {
    if top_percent < 2.0 {
        PURPLES[2]
    } else if top_percent < 7.5 {
        PURPLES[1]
    } else {
        PURPLES[0]
    }
}

/// Ward properties the server withholds with a small count (`suppressed`)
/// and with a small comparison count (`comparison_suppressed`).
const COUNT_DERIVED: [&str; 4] = ["count", "rate_per_1000", "annual_rate_per_1000", "share"];
const CHANGE_DERIVED: [&str; 2] = ["change", "change_pct"];

/// The MapLibre condition under which `property` of a ward is withheld.
pub fn suppression_condition(property: &str) -> Option<Value> {
    let flag = |k: &str| json!(["==", ["get", k], true]);
    if COUNT_DERIVED.contains(&property) {
        Some(flag("suppressed"))
    } else if CHANGE_DERIVED.contains(&property) {
        Some(json!([
            "any",
            flag("suppressed"),
            flag("comparison_suppressed")
        ]))
    } else {
        None
    }
}

/// Whether a ward's `property` is missing because the API withheld it.
pub fn is_suppressed(property: &str, value: Option<f64>, w: &WardProperties) -> bool {
    if value.is_some() {
        return false;
    }
    if COUNT_DERIVED.contains(&property) {
        w.suppressed
    } else if CHANGE_DERIVED.contains(&property) {
        w.suppressed || w.comparison_suppressed
    } else {
        false
    }
}

/// The ward choropleth's classes for `measure` over the wards of a
/// `/api/wards` collection. Withheld values form their own class
/// ([`SUPPRESSED`]), so they are never classed as 0 or counted as "no data".
pub fn ward_classes<'a>(
    measure: crate::filters::Measure,
    wards: impl IntoIterator<Item = &'a WardProperties>,
) -> Classes {
    use crate::filters::Measure;
    let prop = measure.property();
    let mut values = Vec::new();
    let mut suppressed = 0;
    for w in wards {
        let v = measure.value(w);
        suppressed += usize::from(is_suppressed(prop, v, w));
        values.push(v);
    }
    let mut c = match measure {
        Measure::Count => quantiles(prop, &values, 5, 0, &YL_OR_RD),
        Measure::Rate | Measure::Harm => quantiles(prop, &values, 5, 1, &YL_OR_RD),
        Measure::Change => change(&values),
    };
    c.suppressed = suppressed;
    c.no_data = c.no_data.saturating_sub(suppressed);
    c
}

/// RGBA pixels of the `size` × `size` hatch pattern: [`HATCH`] diagonal
/// lines over [`SUPPRESSED`] (tiles seamlessly).
pub fn hatch_rgba(size: usize) -> Vec<u8> {
    let (line, base) = (rgb(HATCH), rgb(SUPPRESSED));
    let mut px = Vec::with_capacity(size * size * 4);
    for y in 0..size {
        for x in 0..size {
            let on = (x + y) % size < 2;
            let c = if on { line } else { base };
            px.extend_from_slice(&[c[0], c[1], c[2], 255]);
        }
    }
    px
}

/// `#rrggbb` → `[r, g, b]`.
pub fn rgb(hex: &str) -> [u8; 3] {
    let h = hex.trim_start_matches('#');
    let c = |i: usize| u8::from_str_radix(h.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    [c(0), c(2), c(4)]
}

/// RGBA pixels of a density grid (row 0 = north), coloured by `classes`,
/// transparent under `min`; and the number of cells in each class.
pub fn density_rgba(values: &[f64], classes: &Classes, min: f64) -> (Vec<u8>, Vec<usize>) {
    let colours: Vec<[u8; 3]> = classes.colours.iter().map(|c| rgb(c)).collect();
    let mut counts = vec![0usize; colours.len()];
    let mut px = Vec::with_capacity(values.len() * 4);
    for &v in values {
        if v.is_finite() && v >= min && v > 0.0 {
            let k = classes.class_of(v);
            counts[k] += 1;
            let c = colours[k];
            px.extend_from_slice(&[c[0], c[1], c[2], 255]);
        } else {
            px.extend_from_slice(&[0, 0, 0, 0]);
        }
    }
    (px, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(v: &[f64]) -> Vec<Option<f64>> {
        v.iter().copied().map(Some).collect()
    }

    #[test]
    fn quantile_classes_cover_the_data_and_label_integer_ranges() {
        let v = vals(&[1., 2., 3., 4., 5., 6., 7., 8., 9., 10.]);
        let c = quantiles("count", &v, 5, 0, &YL_OR_RD);
        assert_eq!(c.breaks, vec![3., 5., 7., 9.]);
        assert_eq!(c.colours.len(), 5);
        let labels: Vec<_> = c.legend.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["1 – 2", "3 – 4", "5 – 6", "7 – 8", "9 – 10"]);
        assert_eq!(c.legend.iter().map(|l| l.count).sum::<usize>(), 10);
        assert_eq!(c.class_of(1.0), 0);
        assert_eq!(c.class_of(9.0), 4);
    }

    #[test]
    fn ties_collapse_classes_and_missing_values_are_no_data() {
        let mut v = vals(&[4., 4., 4., 4., 9.]);
        v.push(None);
        let c = quantiles("rate_per_1000", &v, 5, 1, &YL_OR_RD);
        assert_eq!(c.breaks, vec![9.0]);
        assert_eq!(c.colours, vec![YL_OR_RD[0], YL_OR_RD[4]]);
        assert_eq!(c.no_data, 1);
        assert_eq!(c.legend_with_no_data("No data").len(), 3);
        let e = c.expression();
        assert_eq!(e[0], "case");
        assert_eq!(
            e[2],
            json!(["step", ["get", "rate_per_1000"], "#ffffb2", 9.0, "#bd0026"])
        );
        assert_eq!(e[3], NO_DATA);
        // All equal: one class, a constant colour.
        let one = quantiles("count", &vals(&[3., 3.]), 5, 0, &YL_OR_RD);
        assert!(one.breaks.is_empty());
        assert_eq!(one.legend[0].label, "3");
        assert_eq!(one.expression()[2], json!(YL_OR_RD[2]));
        // Nothing at all.
        let none = quantiles("count", &[], 5, 0, &YL_OR_RD);
        assert_eq!(none.legend.len(), 1);
    }

    #[test]
    fn change_uses_fixed_diverging_classes() {
        let c = change(&[
            Some(-50.0),
            Some(0.0),
            Some(4.9),
            Some(5.0),
            Some(100.0),
            None,
        ]);
        let counts: Vec<_> = c.legend.iter().map(|l| l.count).collect();
        assert_eq!(counts, [1, 0, 2, 1, 1]);
        assert_eq!(c.no_data, 1);
        assert_eq!(c.legend[2].colour, "#f7f7f7");
    }

    #[test]
    fn density_classes_scale_with_the_maximum() {
        let (min, c) = density(100.0, |lo, hi| if lo <= 50.0 && 50.0 < hi { 1 } else { 0 });
        assert_eq!(min, 5.0);
        assert_eq!(c.breaks, vec![20.0, 40.0, 60.0, 80.0]);
        assert_eq!(c.legend[2].count, 1);
        assert_eq!(c.legend[4].label, "80.0 or more");
    }

    /// Ward rows from their figures (the rest as a reader defaults them).
    fn wards(rows: Value) -> Vec<WardProperties> {
        let rows: Vec<Value> = serde_json::from_value(rows).unwrap();
        rows.into_iter()
            .map(|mut r| {
                for (k, v) in [
                    ("code", json!("W")),
                    ("name", json!("Ward")),
                    ("rank", json!(1)),
                    ("priority", json!(false)),
                ] {
                    r.as_object_mut().unwrap().entry(k).or_insert(v);
                }
                serde_json::from_value(r).unwrap()
            })
            .collect()
    }

    #[test]
    fn ward_measures_pick_their_property_and_palette() {
        use crate::filters::Measure;
        let fc = wards(json!([
            {"count": 1, "rate_per_1000": 0.5, "change_pct": -30.0},
            {"count": 9, "rate_per_1000": null, "change_pct": 30.0},
        ]));
        let c = ward_classes(Measure::Count, &fc);
        assert_eq!(c.property, "count");
        assert_eq!(c.breaks, vec![9.0]);
        let r = ward_classes(Measure::Rate, &fc);
        assert_eq!(r.no_data, 1);
        let ch = ward_classes(Measure::Change, &fc);
        assert_eq!(ch.colours[0], RD_BU_REVERSED[0]);
        assert_eq!(ch.legend[0].count, 1);
        assert_eq!(ch.legend[4].count, 1);
    }

    #[test]
    fn density_pixels() {
        let (_, c) = density(100.0, |_, _| 0);
        let (px, counts) = density_rgba(&[0.0, 4.0, 10.0, 95.0], &c, 5.0);
        assert_eq!(px.len(), 16);
        assert_eq!(&px[0..8], &[0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&px[8..12], &[0x44, 0x01, 0x54, 255]);
        assert_eq!(&px[12..16], &[0xfd, 0xe7, 0x25, 255]);
        assert_eq!(counts, vec![1, 0, 0, 0, 1]);
        assert_eq!(rgb("#3b528b"), [0x3b, 0x52, 0x8b]);
    }

    #[test]
    fn suppressed_wards_have_their_own_class() {
        use crate::filters::Measure;
        let fc = wards(json!([
            {"count": 10, "rate_per_1000": 1.0, "change_pct": 25.0},
            {"count": null, "rate_per_1000": null, "change_pct": null, "suppressed": true},
            {"count": 7, "rate_per_1000": null, "change_pct": null, "comparison_suppressed": true},
            {"count": 0, "rate_per_1000": 0.0, "change_pct": null},
        ]));
        let c = ward_classes(Measure::Count, &fc);
        assert_eq!((c.suppressed, c.no_data), (1, 0));
        // Withheld counts are not classed as 0.
        assert_eq!(c.legend.iter().map(|l| l.count).sum::<usize>(), 3);
        let rows = c.legend_with_no_data("No data");
        let last = rows.last().unwrap();
        assert_eq!(
            (last.label.as_str(), last.colour.as_str(), last.count),
            ("Suppressed (1–2 incidents)", SUPPRESSED, 1)
        );
        let e = c.expression();
        assert_eq!(e[3], json!(["==", ["get", "suppressed"], true]));
        assert_eq!(
            (e[4].as_str(), e[5].as_str()),
            (Some(SUPPRESSED), Some(NO_DATA))
        );
        assert_eq!(c.suppressed_filter()[0], "all");
        // Rate: one withheld, one without a population.
        let r = ward_classes(Measure::Rate, &fc);
        assert_eq!((r.suppressed, r.no_data), (1, 1));
        // Change: withheld when either period's count is.
        let ch = ward_classes(Measure::Change, &fc);
        assert_eq!((ch.suppressed, ch.no_data), (2, 1));
        assert_eq!(ch.expression()[3][0], "any");
        // Nothing withheld: the expression and filter are as before.
        let none = ward_classes(Measure::Count, &wards(json!([{"count": 3}])));
        assert_eq!(none.expression()[3], NO_DATA);
        assert_eq!(none.suppressed_filter(), json!(["boolean", false]));
        let px = hatch_rgba(6);
        assert_eq!(px.len(), 6 * 6 * 4);
        assert_eq!(&px[0..3], &rgb(HATCH));
        assert_eq!(&px[8..11], &rgb(SUPPRESSED));
    }

    #[test]
    fn hotspot_bands() {
        assert_eq!(hotspot_colour(1.0), PURPLES[2]);
        assert_eq!(hotspot_colour(5.0), PURPLES[1]);
        assert_eq!(hotspot_colour(10.0), PURPLES[0]);
    }
}
