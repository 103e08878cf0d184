//! The value types of query parameters. Each parses one kind of value and
//! says what was wrong in the words a user sees; `{key}` in a message is
//! replaced with the parameter's name (see [`crate::query`]).
//!
//! Their OpenAPI schemas are given where they are used (`value_type` in
//! [`crate::params`]), except [`Choice`], which lists its names itself.

use std::fmt;
use std::str::FromStr;

use hotspot_core::Choices;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

/// Deserialises a value from its text with `parse`.
fn from_text<'de, D, T>(
    d: D,
    expecting: &'static str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct Text<F>(&'static str, F);
    impl<'de, T, F: FnOnce(&str) -> Result<T, String>> Visitor<'de> for Text<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
            (self.1)(s).map_err(E::custom)
        }
    }
    d.deserialize_str(Text(expecting, parse))
}

fn number<T: FromStr>(s: &str) -> Result<T, String> {
    s.parse()
        .map_err(|_| format!("parameter {{key}}={s:?} is not a valid number"))
}

/// Any number `T` parses (`u64`, `usize`, `f64`…).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num<T>(pub T);

impl<'de, T: FromStr> Deserialize<'de> for Num<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a number", |s| number(s).map(Num))
    }
}

/// A finite number greater than zero: a cell size, a bandwidth, a distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Positive(pub f64);

impl<'de> Deserialize<'de> for Positive {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a positive number", |s| {
            let v: f64 = number(s)?;
            if v.is_finite() && v > 0.0 {
                Ok(Positive(v))
            } else {
                Err(format!("parameter {{key}}={v} must be a positive number"))
            }
        })
    }
}

/// A comma-separated list of names (crime groups, types, sources, wards).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct List(pub Vec<String>);

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a comma-separated list", |s| {
            Ok(List(
                s.split(',')
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect(),
            ))
        })
    }
}

/// A comma-separated list of numbers: Knox bands (days as `u32`),
/// bandwidths to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Numbers<T = f64>(pub Vec<T>);

fn numbers<T: FromStr>(s: &str, what: &str) -> Result<Vec<T>, String> {
    s.split(',')
        .map(|v| v.trim().parse::<T>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{{key}}={s:?}: expected {what}"))
}

impl<'de, T: FromStr> Deserialize<'de> for Numbers<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "numbers", |s| {
            numbers(s, "a comma-separated list of numbers").map(Numbers)
        })
    }
}

/// Percentages, comma-separated: the hotspot bands' `top=10,5,1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Percentages(pub Vec<f64>);

impl<'de> Deserialize<'de> for Percentages {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "percentages", |s| {
            numbers(s, "percentages such as 10,5,1").map(Percentages)
        })
    }
}

/// `min_lon,min_lat,max_lon,max_lat` in WGS84 degrees, min < max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox(pub [f64; 4]);

impl FromStr for BBox {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("parameter {{key}}={s:?}: expected min_lon,min_lat,max_lon,max_lat in degrees")
        };
        let v: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        let lon = -180.0..=180.0;
        let lat = -90.0..=90.0;
        match v.as_slice() {
            &[x0, y0, x1, y1]
                if [x0, y0, x1, y1].iter().all(|v| v.is_finite())
                    && x0 < x1
                    && y0 < y1
                    && lon.contains(&x0)
                    && lon.contains(&x1)
                    && lat.contains(&y0)
                    && lat.contains(&y1) =>
            {
                Ok(BBox([x0, y0, x1, y1]))
            }
            _ => Err(bad()),
        }
    }
}

impl<'de> Deserialize<'de> for BBox {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a bounding box", str::parse)
    }
}

/// A value with its own `FromStr` (a period, a comparison, a date): its
/// error is shown after the parameter's name, `parameter period: …`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parsed<T>(pub T);

impl<'de, T: FromStr<Err = String>> Deserialize<'de> for Parsed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a value", |s| {
            s.parse()
                .map(Parsed)
                .map_err(|e| format!("parameter {{key}}: {e}"))
        })
    }
}

/// One of a few names (an option such as `correction=holm`, a format),
/// parsed by the option's own `FromStr`, the one the CLI uses too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice<T>(pub T);

impl<'de, T: Choices> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a name", |s| {
            s.parse().map(Choice).map_err(|e| format!("{{key}}={e}"))
        })
    }
}

/// The OpenAPI schema: a string, one of the option's names. (utoipa's
/// derives see a generic type as a composition of its parameters' schemas,
/// which the options, defined without utoipa, do not have; the parameter
/// structs therefore name each choice by a non-generic alias.)
impl<T: Choices> utoipa::PartialSchema for Choice<T> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(T::NAMES.iter().copied()))
            .into()
    }
}

impl<T: Choices> utoipa::ToSchema for Choice<T> {}

/// `true`/`false` (also `1`/`0`, `yes`/`no`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "true or false", |s| match s {
            "true" | "1" | "yes" => Ok(Flag(true)),
            "false" | "0" | "no" => Ok(Flag(false)),
            other => Err(format!("{{key}}={other:?}: expected true or false")),
        })
    }
}

/// A calendar day, `YYYY-MM-DD`, in years 1000 to 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub chrono::NaiveDate);

impl FromStr for Date {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        use chrono::Datelike;
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| (1000..=9999).contains(&d.year()))
            .map(Date)
            .ok_or_else(|| format!("{s:?}: expected a date YYYY-MM-DD"))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a date", |s| {
            s.parse().map_err(|e| format!("{{key}}={e}"))
        })
    }
}

/// Whole months, `YYYY-MM..YYYY-MM` or one month `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Months(pub hotspot_core::MonthRange);

impl<'de> Deserialize<'de> for Months {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "months", |s| {
            s.parse().map(Months).map_err(|e| format!("{{key}}={e}"))
        })
    }
}
