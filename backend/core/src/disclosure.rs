//! What every output must carry and what it may not show: the data's
//! attribution and licence, and the small-count suppression rule.
//!
//! Kept here so that the service's JSON, the ward briefings (PDF, PNG, CSV,
//! GeoPackage) and the map client say and withhold exactly the same things.

/// police.uk (and any other OGL-licensed public sector) data. The map client
/// (`frontend/src/web/map.rs`) shows the same words; a test keeps them equal.
pub const OGL_ATTRIBUTION: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0";

/// Ward boundaries from the Office for National Statistics, which contain
/// Ordnance Survey data.
pub const BOUNDARIES_ATTRIBUTION: &str =
    "Boundaries: Office for National Statistics (OGL v3.0); contains OS data © Crown copyright and database right";

/// The licence itself, for outputs with a licence field (GeoPackage metadata).
pub const OGL_LICENCE: &str = "Open Government Licence v3.0";
pub const OGL_LICENCE_URL: &str =
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";

/// Counts below this are withheld from public outputs unless configured
/// otherwise (`--suppress-below`).
pub const DEFAULT_SUPPRESS_BELOW: u64 = 3;

/// Whether a count must be withheld from a public output: 1 or 2 incidents
/// in a ward can point at a person, so counts above 0 and below `threshold`
/// are withheld, with every figure derived from them. Zero identifies no
/// one and is shown.
///
/// ```
/// use hotspot_core::disclosure::withheld;
/// assert!(!withheld(0.0, 3));
/// assert!(withheld(1.0, 3) && withheld(2.0, 3));
/// assert!(!withheld(3.0, 3));
/// ```
pub fn withheld(count: f64, threshold: u64) -> bool {
    count > 0.0 && count < threshold as f64
}

/// The marking a file carries: public (with the counts withheld) or not
/// for publication.
///
/// ```
/// use hotspot_core::disclosure::marking;
/// assert_eq!(marking(true, 3), "PUBLIC: counts of 1 to 2 are withheld");
/// assert_eq!(marking(false, 3), "NOT FOR PUBLICATION: unsuppressed counts");
/// ```
pub fn marking(public: bool, suppress_below: u64) -> String {
    if public {
        format!(
            "PUBLIC: counts of 1 to {} are withheld",
            suppress_below.saturating_sub(1)
        )
    } else {
        "NOT FOR PUBLICATION: unsuppressed counts".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map client cannot depend on this crate cheaply (it is built for
    /// WebAssembly on its own), so it repeats the words; keep them equal.
    #[test]
    fn the_map_client_shows_the_same_attribution() {
        let map = include_str!("../../../frontend/src/web/map.rs");
        let flat: String = map.split_whitespace().collect::<Vec<_>>().join(" ");
        for words in [OGL_ATTRIBUTION, BOUNDARIES_ATTRIBUTION] {
            assert!(flat.contains(words), "map.rs lacks {words:?}");
        }
    }
}
