//! police.uk's published street-level CSV format, which the sample writes,
//! `hotspot sync` writes from the police.uk API, and the importer reads.

/// The street CSV header, byte for byte.
pub const STREET_HEADER: [&str; 12] = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
];
