//! Harm weights: how much each crime type counts when a map weighs harm
//! rather than numbers (a burglary is not a shoplifting).
//!
//! Hotspot ships no default index: a defensible one needs figures per
//! police.uk category with a citable source (the ONS Crime Severity Score
//! is per Home Office offence code, not per police.uk category, and a
//! mapping between them is a local choice). The deployment supplies its own
//! table (`hotspot serve --harm-index FILE`, read by `hotspot-ingest`), and
//! every weighted answer names it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A table of weights per crime type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarmIndex {
    /// What the table is called, e.g. "Northants CSS 2024".
    pub name: String,
    /// Where its figures come from, for the legend and the docs.
    pub source: String,
    /// Weight per crime type, as the types are spelled in the data.
    pub weights: BTreeMap<String, f64>,
    /// The weight of a type the table does not list (its `*` row), if any.
    pub default: Option<f64>,
}

impl HarmIndex {
    /// The weight of crime type `category`: its row (case and surrounding
    /// spaces ignored), else the `*` row.
    ///
    /// ```
    /// use hotspot_core::harm::HarmIndex;
    /// let index = HarmIndex {
    ///     name: "test".into(),
    ///     source: "made up".into(),
    ///     weights: [("Burglary".to_string(), 400.0)].into(),
    ///     default: None,
    /// };
    /// assert_eq!(index.weight_of(" burglary "), Some(400.0));
    /// assert_eq!(index.weight_of("Shoplifting"), None);
    /// ```
    pub fn weight_of(&self, category: &str) -> Option<f64> {
        let wanted = category.trim();
        self.weights
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(wanted))
            .map(|(_, &w)| w)
            .or(self.default)
    }

    /// Weights for `categories` in order, or the types the table cannot
    /// weigh.
    pub fn weights_for<'a>(
        &self,
        categories: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<f64>, Vec<String>> {
        let mut missing = Vec::new();
        let weights = categories
            .into_iter()
            .map(|c| {
                self.weight_of(c).unwrap_or_else(|| {
                    missing.push(c.to_string());
                    0.0
                })
            })
            .collect();
        if missing.is_empty() {
            Ok(weights)
        } else {
            Err(missing)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_row_weighs_what_the_table_does_not_list() {
        let mut index = HarmIndex {
            name: "t".into(),
            source: "s".into(),
            weights: [("Burglary".to_string(), 3.0)].into(),
            default: None,
        };
        assert_eq!(
            index.weights_for(["Burglary", "Drugs", "Robbery"]),
            Err(vec!["Drugs".to_string(), "Robbery".to_string()])
        );
        index.default = Some(1.0);
        assert_eq!(index.weights_for(["Burglary", "Drugs"]), Ok(vec![3.0, 1.0]));
    }
}
