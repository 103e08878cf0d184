//! The point-cluster layer's words (`/api/clusters`, DBSCAN): outlines of
//! the clusters, the legend with how eps and the minimum were chosen, and
//! a clicked cluster's figures.

use hotspot_api::responses::{ClusterLayer, ClusterProperties};

use crate::classify::LegendItem;
use crate::format::{self, esc};

/// Outline and fill of a cluster.
pub const LINE: &str = "#54278f";
pub const FILL: &str = "#9e9ac8";

/// One legend row: the clusters and the incidents in them.
pub fn legend(layer: &ClusterLayer) -> Vec<LegendItem> {
    vec![LegendItem {
        colour: FILL.into(),
        label: format!(
            "Cluster ({} incidents in all)",
            format::thousands(layer.features.iter().map(|f| f.properties.count).sum())
        ),
        count: layer.features.len(),
    }]
}

/// How the clusters were found and what was left as noise.
pub fn note(layer: &ClusterLayer) -> String {
    let m = &layer.meta;
    format!(
        "DBSCAN: neighbourhood {} m ({}), at least {} incidents ({}). {} of {} located incidents are in no cluster.",
        format::number(m.eps_m, 0),
        m.eps_rule,
        m.min_points,
        m.min_points_rule,
        format::thousands(m.noise),
        format::thousands(m.incidents),
    )
}

/// A clicked cluster's figures, for the details panel.
pub fn cluster_html(p: &ClusterProperties) -> String {
    let types: Vec<String> = p
        .top_types
        .iter()
        .map(|t| format!("{} ({})", esc(&t.category), format::thousands(t.count)))
        .collect();
    format!(
        "<div class=\"cluster\"><h3>Cluster {} of the selection</h3><dl>\
         <dt>Incidents</dt><dd>{}</dd><dt>Map points</dt><dd>{}</dd>\
         <dt>Area</dt><dd>{} km²</dd><dt>Most common</dt><dd>{}</dd></dl></div>",
        p.rank,
        format::thousands(p.count),
        format::thousands(p.locations),
        format::number(p.area_km2, 2),
        types.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_api::responses::TypeCount;

    #[test]
    fn a_cluster_names_its_commonest_types() {
        let p = ClusterProperties {
            rank: 2,
            count: 40,
            core_count: 30,
            locations: 3,
            area_km2: 0.05,
            top_types: vec![TypeCount {
                category: "Shoplifting <b>".into(),
                count: 25,
            }],
        };
        let html = cluster_html(&p);
        assert!(html.contains("Cluster 2 of the selection"));
        assert!(html.contains("Shoplifting &lt;b&gt; (25)"));
    }
}
