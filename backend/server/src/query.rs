//! Query-string parsing with messages that name the parameter at fault.
//! Unknown parameters are refused, so a typo (`perod=`) is not silently
//! ignored and the user is not shown the wrong period.

use std::collections::HashMap;

use hotspot_engine::{Period, Selection};

use crate::AppError;

pub struct Params {
    map: HashMap<String, String>,
}

/// Parameters that select incidents, accepted wherever a selection is.
pub const SELECTION_KEYS: &[&str] = &["period", "group", "type", "source", "ward", "bbox"];

impl Params {
    pub fn new(map: HashMap<String, String>, allowed: &[&[&str]]) -> Result<Self, AppError> {
        for key in map.keys() {
            if !allowed.iter().any(|set| set.contains(&key.as_str())) {
                let mut names: Vec<&str> = allowed.iter().flat_map(|s| s.iter().copied()).collect();
                names.sort_unstable();
                return Err(AppError::BadRequest(format!(
                    "unknown parameter {key:?}; this endpoint accepts: {}",
                    names.join(", ")
                )));
            }
        }
        Ok(Params { map })
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.map
            .get(key)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// A comma-separated list.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.str(key)
            .map(|s| {
                s.split(',')
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, AppError> {
        self.str(key)
            .map(|s| {
                s.parse::<T>().map_err(|_| {
                    AppError::BadRequest(format!("parameter {key}={s:?} is not a valid number"))
                })
            })
            .transpose()
    }

    pub fn positive(&self, key: &str) -> Result<Option<f64>, AppError> {
        match self.number::<f64>(key)? {
            Some(v) if !(v.is_finite() && v > 0.0) => Err(AppError::BadRequest(format!(
                "parameter {key}={v} must be a positive number"
            ))),
            other => Ok(other),
        }
    }

    pub fn period(&self, key: &str) -> Result<Period, AppError> {
        match self.str(key) {
            None => Ok(Period::All),
            Some(s) => {
                Period::parse(s).map_err(|e| AppError::BadRequest(format!("parameter {key}: {e}")))
            }
        }
    }

    /// `bbox=min_lon,min_lat,max_lon,max_lat` (WGS84).
    pub fn bbox(&self, key: &str) -> Result<Option<[f64; 4]>, AppError> {
        let Some(s) = self.str(key) else {
            return Ok(None);
        };
        let bad = || {
            AppError::BadRequest(format!(
                "parameter {key}={s:?}: expected min_lon,min_lat,max_lon,max_lat in degrees"
            ))
        };
        let v: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        match v.as_slice() {
            &[x0, y0, x1, y1]
                if [x0, y0, x1, y1].iter().all(|v| v.is_finite())
                    && x0 < x1
                    && y0 < y1
                    && (-180.0..=180.0).contains(&x0)
                    && (-180.0..=180.0).contains(&x1)
                    && (-90.0..=90.0).contains(&y0)
                    && (-90.0..=90.0).contains(&y1) =>
            {
                Ok(Some([x0, y0, x1, y1]))
            }
            _ => Err(bad()),
        }
    }

    pub fn selection(&self) -> Result<Selection, AppError> {
        Ok(Selection {
            groups: self.list("group"),
            types: self.list("type"),
            sources: self.list("source"),
            period: self.period("period")?,
            area: self.str("ward").map(str::to_string),
            bbox: self.bbox("bbox")?,
        })
    }

    /// An option parameter such as `correction=holm`, parsed by the option
    /// type's own `FromStr` (the one the CLI uses too); `None` when absent.
    pub fn option<T: std::str::FromStr<Err = String>>(
        &self,
        key: &str,
    ) -> Result<Option<T>, AppError> {
        self.str(key)
            .map(|v| {
                v.parse()
                    .map_err(|e| AppError::BadRequest(format!("{key}={e}")))
            })
            .transpose()
    }

    /// `compare=previous|year|none|<period>` relative to `current`.
    pub fn comparison(&self, current: &Period) -> Result<Option<Period>, AppError> {
        match self.str("compare") {
            None | Some("none") => Ok(None),
            Some("previous") => current.previous().map(Some).ok_or_else(|| {
                AppError::BadRequest(
                    "compare=previous needs a period, e.g. period=2025-01..2025-06".into(),
                )
            }),
            Some("year") => current.year_before().map(Some).ok_or_else(|| {
                AppError::BadRequest(
                    "compare=year needs a period, e.g. period=2025-01..2025-06".into(),
                )
            }),
            Some(s) => Period::parse(s)
                .map(Some)
                .map_err(|e| AppError::BadRequest(format!("parameter compare: {e}"))),
        }
    }
}
