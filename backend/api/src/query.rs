//! From a query string to typed parameters.
//!
//! The rules are the API's, not serde's defaults: a parameter the endpoint
//! does not know is refused (a typo such as `perod=` must not silently show
//! the wrong period), surrounding spaces are trimmed, an empty value means
//! the parameter is absent, and a repeated parameter takes its last value.
//! Value errors name the parameter at fault: the field types in
//! [`crate::fields`] write their messages with a `{key}` placeholder that is
//! filled in here from the path serde was deserialising.

use serde::de::DeserializeOwned;
use utoipa::openapi::path::ParameterIn;
use utoipa::IntoParams;

/// A query string that could not be read: the message names the parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

/// Parameters read from a query string: one parameter struct, or a tuple of
/// them when an endpoint combines groups (a selection and KDE options).
pub trait FromQuery: Sized {
    /// Every parameter name accepted.
    fn names() -> Vec<String>;
    /// Reads the parameters from cleaned pairs (see [`parse`]).
    fn from_pairs(pairs: &[(String, String)]) -> Result<Self, QueryError>;
}

/// Parses a raw query string (without the `?`) into `T`.
///
/// ```
/// use hotspot_api::params::Kde;
/// let kde: Kde = hotspot_api::query::parse("cell=50&bandwidth=%20300%20&").unwrap();
/// assert_eq!(kde.cell.map(|c| c.0), Some(50.0));
/// assert_eq!(kde.bandwidth.map(|b| b.0), Some(300.0));
/// let err = hotspot_api::query::parse::<Kde>("cel=50").unwrap_err();
/// assert_eq!(err.0, r#"unknown parameter "cel"; this endpoint accepts: bandwidth, cell"#);
/// let err = hotspot_api::query::parse::<Kde>("cell=-5").unwrap_err();
/// assert_eq!(err.0, "parameter cell=-5 must be a positive number");
/// ```
pub fn parse<T: FromQuery>(query: &str) -> Result<T, QueryError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        pairs.retain(|(k, _)| *k != key);
        pairs.push((key.into_owned(), value.trim().to_string()));
    }
    let mut names = T::names();
    names.sort_unstable();
    if let Some((key, _)) = pairs.iter().find(|(k, _)| !names.contains(k)) {
        return Err(QueryError(format!(
            "unknown parameter {key:?}; this endpoint accepts: {}",
            names.join(", ")
        )));
    }
    pairs.retain(|(_, v)| !v.is_empty());
    T::from_pairs(&pairs)
}

/// Deserialises one parameter struct from the pairs, naming the field at
/// fault in the error.
pub fn deserialize_struct<T: DeserializeOwned>(
    pairs: &[(String, String)],
) -> Result<T, QueryError> {
    let encoded = serde_urlencoded::to_string(pairs).expect("pairs of strings encode");
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let message = e.inner().to_string();
        QueryError(if message.contains("{key}") {
            message.replace("{key}", &key)
        } else {
            format!("parameter {key}: {message}")
        })
    })
}

/// The names of a parameter struct, from its `IntoParams` derive (the same
/// list the OpenAPI document shows).
pub fn param_names<T: IntoParams>() -> Vec<String> {
    T::into_params(|| Some(ParameterIn::Query))
        .into_iter()
        .map(|p| p.name)
        .collect()
}

/// Implements [`FromQuery`] for parameter structs.
#[macro_export]
macro_rules! from_query {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::query::FromQuery for $t {
            fn names() -> Vec<String> {
                $crate::query::param_names::<$t>()
            }
            fn from_pairs(pairs: &[(String, String)]) -> Result<Self, $crate::query::QueryError> {
                $crate::query::deserialize_struct(pairs)
            }
        }
    )*};
}

macro_rules! tuple_from_query {
    ($($t:ident),+) => {
        impl<$($t: FromQuery),+> FromQuery for ($($t,)+) {
            fn names() -> Vec<String> {
                let mut names = Vec::new();
                $(names.extend($t::names());)+
                names
            }
            fn from_pairs(pairs: &[(String, String)]) -> Result<Self, QueryError> {
                Ok(($($t::from_pairs(pairs)?,)+))
            }
        }
    };
}

tuple_from_query!(A, B);
tuple_from_query!(A, B, C);
tuple_from_query!(A, B, C, D);
tuple_from_query!(A, B, C, D, E);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{
        Comparison, DensityFormat, DensityOptions, GiFormat, GiOptions, Kde, NoParams, Scope,
        Selection,
    };
    use hotspot_core::options::Correction;

    fn err<T: FromQuery + std::fmt::Debug>(q: &str) -> String {
        parse::<T>(q).unwrap_err().0
    }

    #[test]
    fn tuples_accept_the_union_of_their_names_and_refuse_others() {
        let (sel, kde): (Selection, Kde) =
            parse("period=2025-01..2025-03&type=Burglary,%20Robbery&cell=25").unwrap();
        assert_eq!(
            sel.1.period.map(|p| p.0),
            Some("2025-01..2025-03".parse().unwrap())
        );
        assert_eq!(sel.0.r#type.unwrap().0, ["Burglary", "Robbery"]);
        assert_eq!(kde.cell.unwrap().0, 25.0);
        assert_eq!(
            err::<(Selection, Kde)>("perod=2025-01"),
            "unknown parameter \"perod\"; this endpoint accepts: bandwidth, bbox, cell, group, period, source, type, ward"
        );
        assert!(err::<NoParams>("x=").starts_with("unknown parameter \"x\""));
    }

    #[test]
    fn empty_values_are_absent_and_the_last_repeat_wins() {
        let kde: Kde = parse("cell=&bandwidth=100&bandwidth=200").unwrap();
        assert!(kde.cell.is_none());
        assert_eq!(kde.bandwidth.unwrap().0, 200.0);
    }

    #[test]
    fn value_errors_name_the_parameter_as_before() {
        assert_eq!(
            err::<Kde>("bandwidth=wide"),
            "parameter bandwidth=\"wide\" is not a valid number"
        );
        assert_eq!(
            err::<Kde>("cell=0"),
            "parameter cell=0 must be a positive number"
        );
        assert_eq!(
            err::<Kde>("cell=inf"),
            "parameter cell=inf must be a positive number"
        );
        assert!(err::<Scope>("period=2025-13").starts_with("parameter period: "));
        assert_eq!(
            err::<Scope>("bbox=1,2,3"),
            "parameter bbox=\"1,2,3\": expected min_lon,min_lat,max_lon,max_lat in degrees"
        );
        assert_eq!(
            err::<GiOptions>("correction=bonferroni"),
            "correction=\"bonferroni\": expected fdr, holm or none"
        );
        assert_eq!(
            err::<GiOptions>("format=geotiff"),
            "format=\"geotiff\": expected geojson or grid"
        );
        assert_eq!(
            err::<DensityOptions>("format=png"),
            "format=\"png\": expected geojson, grid or geotiff"
        );
        assert!(err::<Comparison>("compare=soon").starts_with("parameter compare: "));
    }

    #[test]
    fn options_parse_with_their_own_parsers() {
        let gi: GiOptions = parse("correction=bh").unwrap();
        assert_eq!(gi.correction.unwrap().0, Correction::BenjaminiHochberg);
        let gi: GiOptions = parse("format=grid").unwrap();
        assert_eq!(gi.format.unwrap().0, GiFormat::Grid);
        let d: DensityOptions = parse("format=tiff").unwrap();
        assert_eq!(d.format.unwrap().0, DensityFormat::Geotiff);
    }
}
