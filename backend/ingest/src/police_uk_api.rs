//! police.uk's API answers (<https://data.police.uk/docs/>) as the street
//! CSV files police.uk publishes, so that `hotspot sync police-uk` stores
//! a month exactly as a downloaded street file would be: the same parser,
//! the same dataset key (`police.uk:<force>:<month>`), so a month loaded
//! from a download is not fetched again, and the reverse.

use std::collections::HashMap;

use serde::Deserialize;

/// One crime of `crimes-street` or `crimes-no-location`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiCrime {
    pub category: String,
    /// The API's id for the crime (ASB included), to keep each crime once.
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub persistent_id: Option<String>,
    #[serde(default)]
    pub location: Option<ApiLocation>,
    #[serde(default)]
    pub context: Option<String>,
    pub month: String,
    #[serde(default)]
    pub outcome_status: Option<ApiOutcome>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApiLocation {
    pub latitude: String,
    pub longitude: String,
    #[serde(default)]
    pub street: Option<ApiStreet>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApiStreet {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApiOutcome {
    pub category: String,
}

/// `crime-categories`: the slug (`violent-crime`) and the name the CSV
/// files use (`Violence and sexual offences`).
#[derive(Debug, Clone, Deserialize)]
pub struct ApiCategory {
    pub url: String,
    pub name: String,
}

pub use hotspot_core::police_uk::STREET_HEADER;

/// The dataset key a month of `force_name`'s street data is stored under.
pub fn month_key(force_name: &str, month: &str) -> String {
    format!("police.uk:{}:{month}", crate::slug(force_name))
}

/// `crimes` (one month, one force) as a police.uk street CSV. Category
/// slugs become the names `categories` gives (an unknown slug is kept, and
/// the import groups it as police.uk's own files would).
///
/// ```
/// use hotspot_ingest::police_uk_api::{street_csv, ApiCategory, ApiCrime};
/// let crimes: Vec<ApiCrime> = serde_json::from_str(r#"[{"category":"violent-crime","persistent_id":"ab12",
///   "location":{"latitude":"52.2386","longitude":"-0.8960","street":{"id":1,"name":"On or near Drapery"}},
///   "context":"","month":"2025-03","outcome_status":{"category":"Under investigation","date":"2025-03"}}]"#).unwrap();
/// let names = vec![ApiCategory { url: "violent-crime".into(), name: "Violence and sexual offences".into() }];
/// let csv = street_csv("Northamptonshire Police", &crimes, &names);
/// assert!(csv.ends_with("ab12,2025-03,Northamptonshire Police,Northamptonshire Police,-0.8960,52.2386,On or near Drapery,,,Violence and sexual offences,Under investigation,\n"));
/// ```
pub fn street_csv(force_name: &str, crimes: &[ApiCrime], categories: &[ApiCategory]) -> String {
    let names: HashMap<&str, &str> = categories
        .iter()
        .map(|c| (c.url.as_str(), c.name.as_str()))
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(STREET_HEADER).expect("writing to memory");
    for c in crimes {
        let (lon, lat, street) = match &c.location {
            Some(l) => (
                l.longitude.as_str(),
                l.latitude.as_str(),
                l.street.as_ref().map_or("", |s| s.name.as_str()),
            ),
            None => ("", "", ""),
        };
        w.write_record([
            c.persistent_id.as_deref().unwrap_or(""),
            &c.month,
            force_name,
            force_name,
            lon,
            lat,
            street,
            "",
            "",
            names
                .get(c.category.as_str())
                .copied()
                .unwrap_or(&c.category),
            c.outcome_status
                .as_ref()
                .map_or("", |o| o.category.as_str()),
            c.context.as_deref().unwrap_or(""),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8 in, UTF-8 out")
}
