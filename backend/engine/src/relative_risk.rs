//! Relative risk (dual KDE): the selection's density over a denominator's
//! (residents, or another source's or group's incidents) on one grid with
//! one bandwidth, normalised so 1.0 is the area's average risk.

use geo::InteriorPoint;
use hotspot_density::risk::{relative_risk, RiskSurface, FLOOR_SHARE};
use hotspot_density::{choose_parameters, kde, DensityGrid, KdeParameters};

use crate::{Dataset, EngineError, Period, Selection};

/// What risk is relative to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denominator {
    /// Each ward's residents, placed at one point inside the ward (its
    /// interior point: a point of the ward, not a population-weighted
    /// centroid).
    Population,
    /// Incidents of this source, in the same period.
    Source(String),
    /// Incidents of this crime group, in the same period.
    Group(String),
}

impl std::str::FromStr for Denominator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once(':') {
            _ if s == "population" => Ok(Denominator::Population),
            Some(("source", n)) if !n.is_empty() => Ok(Denominator::Source(n.to_string())),
            Some(("group", g)) if !g.is_empty() => Ok(Denominator::Group(g.to_string())),
            _ => Err(format!(
                "denominator {s:?}: expected population, source:NAME or group:ID"
            )),
        }
    }
}

impl std::fmt::Display for Denominator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Denominator::Population => write!(f, "population"),
            Denominator::Source(n) => write!(f, "source:{n}"),
            Denominator::Group(g) => write!(f, "group:{g}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RiskQuery {
    /// The numerator; its period also selects denominator incidents. Its
    /// box and ward are ignored: the grid covers the study area.
    pub selection: Selection,
    pub denominator: Denominator,
    pub cell: Option<f64>,
    pub bandwidth: Option<f64>,
}

pub struct RiskResult {
    pub numerator: DensityGrid,
    pub denominator: DensityGrid,
    pub surface: RiskSurface,
    pub parameters: KdeParameters,
    pub numerator_points: usize,
    pub denominator_total: f64,
    pub denominator_units: String,
    pub floor_share: f64,
}

/// A denominator's points, their weights (residents) and their units.
type DenominatorPoints = (Vec<[f64; 2]>, Option<Vec<f64>>, &'static str);
/// A selection's located points in the study area.
type PointsOf<'a> = dyn Fn(&Selection) -> Result<Vec<[f64; 2]>, EngineError> + 'a;

impl Dataset {
    /// The relative-risk surface of the selection against `q.denominator`.
    pub fn relative_risk(&self, q: &RiskQuery) -> Result<RiskResult, EngineError> {
        let extent = self.study_extent(None)?;
        let parameters = choose_parameters(
            (extent[0], extent[1], extent[2], extent[3]),
            q.cell,
            q.bandwidth,
        )?;
        let spec = parameters.grid((extent[0], extent[1], extent[2], extent[3]))?;
        let h = parameters.bandwidth;
        let inside = |[x, y]: [f64; 2]| {
            x >= spec.west - h
                && x <= spec.east() + h
                && y >= spec.south() - h
                && y <= spec.north + h
        };
        let mut sel = q.selection.clone();
        sel.bbox = None;
        sel.area = None;
        let points_of = |sel: &Selection| -> Result<Vec<[f64; 2]>, EngineError> {
            Ok(self
                .select(sel)?
                .into_iter()
                .filter_map(|k| self.point_of(k).map(|p| self.points[p]))
                .filter(|&p| inside(p))
                .collect())
        };
        let num_points = points_of(&sel)?;
        let (den_points, den_weights, units) =
            self.denominator_points(&q.denominator, sel.period, &points_of)?;
        if den_points.is_empty() {
            return Err(EngineError::InvalidParameter(format!(
                "the denominator {} has nothing in the study area for this period",
                q.denominator
            )));
        }
        let denominator_total = den_weights
            .as_ref()
            .map_or(den_points.len() as f64, |w| w.iter().sum());
        let numerator = kde(&num_points, None, &spec, h)?;
        let denominator = kde(&den_points, den_weights.as_deref(), &spec, h)?;
        let surface = relative_risk(&numerator, &denominator, FLOOR_SHARE)?;
        Ok(RiskResult {
            numerator,
            denominator,
            surface,
            parameters,
            numerator_points: num_points.len(),
            denominator_total,
            denominator_units: units.to_string(),
            floor_share: FLOOR_SHARE,
        })
    }

    /// The denominator's points (and weights, for residents) in the study
    /// area, and what they count.
    fn denominator_points(
        &self,
        denominator: &Denominator,
        period: Period,
        points_of: &PointsOf,
    ) -> Result<DenominatorPoints, EngineError> {
        Ok(match denominator {
            Denominator::Population => {
                if self.areas.is_empty() {
                    return Err(EngineError::NoAreas);
                }
                let (mut pts, mut w) = (Vec::new(), Vec::new());
                for a in &self.areas {
                    if let (Some(pop), Some(p)) = (a.area.population, a.bng.interior_point()) {
                        if pop > 0.0 {
                            pts.push([p.x(), p.y()]);
                            w.push(pop);
                        }
                    }
                }
                if pts.is_empty() {
                    return Err(EngineError::InvalidParameter(
                        "no ward has a population loaded: import a population table first".into(),
                    ));
                }
                (pts, Some(w), "residents (each ward's at a point inside it)")
            }
            Denominator::Source(name) => {
                let den_sel = Selection {
                    sources: vec![name.clone()],
                    period,
                    ..Default::default()
                };
                (points_of(&den_sel)?, None, "incidents")
            }
            Denominator::Group(id) => {
                let den_sel = Selection {
                    groups: vec![id.clone()],
                    period,
                    ..Default::default()
                };
                (points_of(&den_sel)?, None, "incidents")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at, build, square_ward};

    #[test]
    fn population_at_ward_points_and_denominator_names() {
        assert_eq!("population".parse(), Ok(Denominator::Population));
        assert_eq!("group:asb".parse(), Ok(Denominator::Group("asb".into())));
        assert!("source:".parse::<Denominator>().is_err());
        assert!("people".parse::<Denominator>().is_err());
        let (x0, y0) = (450_000.0, 260_000.0);
        // Two 2 km wards of 1,000 residents; all the burglaries in the west one.
        let wards = vec![
            square_ward("W", x0, y0, 2000.0),
            square_ward("E", x0 + 2000.0, y0, 2000.0),
        ];
        let incidents = (0..20)
            .map(|_| at(x0 + 1000.0, y0 + 1000.0, "2025-01"))
            .collect();
        let ds = build(incidents, wards);
        let r = ds
            .relative_risk(&RiskQuery {
                selection: Selection::default(),
                denominator: Denominator::Population,
                cell: Some(100.0),
                bandwidth: Some(600.0),
            })
            .unwrap();
        assert_eq!(r.denominator_total, 2000.0);
        assert_eq!(r.numerator_points, 20);
        let spec = r.numerator.spec;
        let cell = |x: f64, y: f64| {
            let c = ((x - spec.west) / spec.cell) as usize;
            let row = ((spec.north - y) / spec.cell) as usize;
            row * spec.cols + c
        };
        // West ward's point: all the burglaries, half the residents → risk 2.
        let w = r.surface.ratio[cell(x0 + 1000.0, y0 + 1000.0)].unwrap();
        assert!((w - 2.0).abs() < 0.05, "{w}");
        // East ward's point: residents, no burglaries → 0.
        assert_eq!(r.surface.ratio[cell(x0 + 3000.0, y0 + 1000.0)], Some(0.0));
        // Far from both points: no residents within the bandwidth → masked.
        assert!(r.surface.masked[cell(x0 + 50.0, y0 + 50.0)]);
    }
}
