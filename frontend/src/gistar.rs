//! The Gi* layer's symbology and words: hot and cold spots at 90, 95 and
//! 99% confidence (ArcGIS Pro's Hot Spot Analysis classes, in a
//! colour-blind-safe red–blue scheme), the grid as an image in those
//! colours, the legend with each class's count, the note saying how the
//! grid, neighbourhood and correction were chosen, and a clicked cell's
//! figures.

use hotspot_api::responses::{GiGrid, GiProperties};

use crate::classify::{self, LegendItem};
use crate::format;
use crate::pinned::Pinned;

/// Class key (as the API writes it, without `_`), colour and label,
/// hottest first. Cells not significant are not drawn.
pub const CLASSES: [(&str, &str, &str); 6] = [
    ("hot99", "#b2182b", "Hot spot, 99% confidence"),
    ("hot95", "#ef8a62", "Hot spot, 95% confidence"),
    ("hot90", "#fddbc7", "Hot spot, 90% confidence"),
    ("cold90", "#d1e5f0", "Cold spot, 90% confidence"),
    ("cold95", "#67a9cf", "Cold spot, 95% confidence"),
    ("cold99", "#2166ac", "Cold spot, 99% confidence"),
];

/// Cell sizes offered, metres (besides the API's automatic size).
pub const CELL_PRESETS: [u32; 4] = [250, 500, 1000, 2000];
/// Neighbourhoods offered, in cell widths (1.5: the 8 cells around).
pub const BAND_PRESETS: [f64; 3] = [1.5, 2.5, 3.5];

/// `hot_99` and `hot99` alike.
fn key(class: &str) -> String {
    class.replace('_', "")
}

/// Each grid cell's class key (`hot99`), `None` outside the study area.
fn cell_keys(grid: &GiGrid) -> impl Iterator<Item = Option<String>> + '_ {
    let keys: Vec<String> = grid.classes.iter().map(|c| key(c)).collect();
    grid.class
        .iter()
        .map(move |k| k.and_then(|k| keys.get(usize::from(k)).cloned()))
}

/// The grid's RGBA pixels, row 0 north, one per cell: each hot or cold
/// cell in its class colour, the others transparent.
pub fn rgba(grid: &GiGrid) -> Vec<u8> {
    let mut px = Vec::with_capacity(grid.class.len() * 4);
    for k in cell_keys(grid) {
        match CLASSES.iter().find(|(c, _, _)| Some(*c) == k.as_deref()) {
            Some((_, colour, _)) => {
                let [r, g, b] = classify::rgb(colour);
                px.extend_from_slice(&[r, g, b, 255]);
            }
            None => px.extend_from_slice(&[0, 0, 0, 0]),
        }
    }
    px
}

/// The legend: every class with its number of cells.
pub fn legend(grid: &GiGrid) -> Vec<LegendItem> {
    classify::class_legend(&CLASSES, cell_keys(grid).flatten().map(Into::into))
}

/// The figures of the hot or cold cell drawn under `lon`, `lat` (found
/// as MapLibre places the image at the grid's corners), if any.
pub fn cell_at(grid: &GiGrid, lon: f64, lat: f64) -> Option<GiProperties> {
    let pinned = Pinned::new(&grid.corners)?;
    let i = pinned.cell_at(lon, lat, grid.frame.cols, grid.frame.rows)?;
    grid.cell(i).filter(|p| p.class != "not_significant")
}

/// How the layer was made: the grid, the neighbourhood and the correction
/// (the legend says it, as the issue asks).
pub fn note(layer: &GiGrid) -> String {
    let m = &layer.meta;
    let correction = match serde_json::to_value(m.correction)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .as_deref()
    {
        Some("benjamini_hochberg") => "Benjamini–Hochberg (false discovery rate)",
        Some("holm") => "Holm (family-wise)",
        _ => "none",
    };
    let grid = m
        .cell_m
        .map(|c| format!("{} m cells", format::number(c, 0)))
        .unwrap_or_else(|| "wards".into());
    format!(
        "{grid}; neighbourhood: {}; p-values corrected for multiple testing: {correction}. Cells not significant are not drawn.",
        m.neighbourhood
    )
}

/// A clicked cell's figures, for the details panel; `harm` when the layer
/// was weighted by harm (its `count` is then the cell's harm).
pub fn cell_html(p: &GiProperties, harm: bool) -> String {
    let class = CLASSES
        .iter()
        .find(|(k, _, _)| *k == key(&p.class))
        .map_or("Not significant", |(_, _, label)| label);
    format!(
        "<div class=\"gistar\"><h3>Gi* cell: {class}</h3><dl>\
         <dt>{}</dt><dd>{}</dd>\
         <dt>z-score</dt><dd>{}</dd>\
         <dt>p-value</dt><dd>{} (corrected {})</dd></dl></div>",
        if harm {
            "Harm in the cell (weighted)"
        } else {
            "Incidents in the cell"
        },
        format::number(p.count, 0),
        format::number(p.z, 2),
        format::p_value(p.p),
        format::p_value(p.p_adjusted),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_api::responses::GridFrame;

    /// A 3 × 2 grid: a 99% hot spot, a not significant cell, a 90% cold
    /// spot; a cell outside the study area, a 95% hot spot, another 99%.
    fn grid() -> GiGrid {
        let classes = ["hot_99", "hot_95", "hot_90", "not_significant", "cold_90"];
        let class = vec![Some(0), Some(3), Some(4), None, Some(1), Some(0)];
        let figure = |v: f64| class.iter().map(|c| c.map(|_| v)).collect::<Vec<_>>();
        GiGrid {
            frame: GridFrame {
                west: 0.0,
                north: 0.0,
                cols: 3,
                rows: 2,
            },
            corners: vec![[-0.9, 52.25], [-0.87, 52.25], [-0.87, 52.23], [-0.9, 52.23]],
            classes: classes.iter().map(|c| c.to_string()).collect(),
            count: figure(3.0),
            z: figure(2.7),
            p: figure(0.007),
            p_adjusted: figure(0.04),
            class,
            ..Default::default()
        }
    }

    #[test]
    fn the_legend_counts_each_class_of_the_grid() {
        let counts: Vec<usize> = legend(&grid()).iter().map(|i| i.count).collect();
        assert_eq!(counts, [2, 1, 0, 1, 0, 0]);
    }

    #[test]
    fn the_image_colours_hot_and_cold_cells_and_hides_the_rest() {
        let px = rgba(&grid());
        assert_eq!(px.len(), 6 * 4);
        assert_eq!(px[0..4], [0xb2, 0x18, 0x2b, 255], "hot 99");
        assert_eq!(px[4..8], [0, 0, 0, 0], "not significant");
        assert_eq!(px[8..12], [0xd1, 0xe5, 0xf0, 255], "cold 90");
        assert_eq!(px[12..16], [0, 0, 0, 0], "outside the study area");
        assert_eq!(px[16..20], [0xef, 0x8a, 0x62, 255], "hot 95");
    }

    #[test]
    fn a_click_finds_the_hot_or_cold_cell_drawn_there() {
        let g = grid();
        let p = Pinned::new(&g.corners).unwrap();
        let at = |c: usize, r: usize| p.lon_lat_at((c as f64 + 0.5) / 3.0, (r as f64 + 0.5) / 2.0);
        let [lon, lat] = at(1, 1);
        let hot = cell_at(&g, lon, lat).unwrap();
        assert_eq!((hot.class.as_str(), hot.z), ("hot_95", 2.7));
        let [lon, lat] = at(2, 0);
        assert_eq!(cell_at(&g, lon, lat).unwrap().class, "cold_90");
        let [lon, lat] = at(1, 0);
        assert_eq!(cell_at(&g, lon, lat), None, "not significant: not drawn");
        let [lon, lat] = at(0, 1);
        assert_eq!(cell_at(&g, lon, lat), None, "outside the study area");
        assert_eq!(cell_at(&g, -1.0, 52.24), None, "off the grid");
    }

    #[test]
    fn a_cell_says_its_class_and_figures() {
        let html = cell_html(&grid().cell(4).unwrap(), false);
        assert!(
            html.contains("Hot spot, 95% confidence") && html.contains("2.70"),
            "{html}"
        );
    }
}
