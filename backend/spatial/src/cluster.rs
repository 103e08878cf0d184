//! DBSCAN point clusters (Ester, Kriegel, Sander & Xu 1996) over an rstar
//! R-tree, with sfhotspot-style defaults for its two parameters.
//!
//! police.uk snaps incidents to shared map points, so many incidents sit on
//! one point. Each incident is a point here (duplicates count toward
//! `min_points`); the work is done once per distinct location, each weighted
//! by how many incidents it holds, which gives the same clusters as running
//! over every duplicate (duplicates have the same neighbourhood, so they are
//! all core or all not, and are reached together).

use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::SpatialError;

type Entry = GeomWithData<[f64; 2], u32>;

/// `eps` by default asks for about this many times the density of the
/// median nearest-neighbour distance (sfhotspot's `density_adjust = 2`):
/// eps = median nearest-neighbour distance ÷ √2.
pub const DENSITY_ADJUST: f64 = 2.0;

/// Smallest default `min_points`.
pub const MIN_DEFAULT_MIN_POINTS: usize = 5;

/// DBSCAN labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Dbscan {
    /// Per input point: its cluster (0 = the cluster with the most points),
    /// or `None` for noise.
    pub labels: Vec<Option<u32>>,
    /// Per input point: whether it is a core point (at least `min_points`
    /// points, itself and duplicates included, within `eps`).
    pub core: Vec<bool>,
    /// Points in each cluster, most first.
    pub sizes: Vec<usize>,
}

impl Dbscan {
    /// Points in no cluster.
    pub fn noise(&self) -> usize {
        self.labels.iter().filter(|l| l.is_none()).count()
    }
}

/// Distinct locations of `points`, each with the indices of its points.
fn distinct(points: &[[f64; 2]]) -> (Vec<[f64; 2]>, Vec<Vec<usize>>) {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[a][0]
            .total_cmp(&points[b][0])
            .then(points[a][1].total_cmp(&points[b][1]))
    });
    let (mut locs, mut members): (Vec<[f64; 2]>, Vec<Vec<usize>>) = (Vec::new(), Vec::new());
    for i in order {
        if locs.last() == Some(&points[i]) {
            members.last_mut().expect("a location").push(i);
        } else {
            locs.push(points[i]);
            members.push(vec![i]);
        }
    }
    (locs, members)
}

fn check_finite(points: &[[f64; 2]]) -> Result<(), SpatialError> {
    match points
        .iter()
        .position(|p| !(p[0].is_finite() && p[1].is_finite()))
    {
        Some(i) => Err(SpatialError::InvalidParameter(format!(
            "point {i} has a coordinate that is not a finite number"
        ))),
        None => Ok(()),
    }
}

fn tree_of(locs: &[[f64; 2]]) -> RTree<Entry> {
    RTree::bulk_load(
        locs.iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new(*p, i as u32))
            .collect(),
    )
}

/// DBSCAN: a point is **core** when at least `min_points` points (itself
/// included) lie within `eps` (distance ≤ eps); clusters are the core points
/// joined through chains of cores within `eps` of each other, plus the
/// non-core points within `eps` of one of their cores (**border** points,
/// each given to the first cluster that reaches it, as the original
/// algorithm); the rest is **noise**. Clusters are numbered by size, most
/// points first.
///
/// ```
/// use hotspot_spatial::cluster::dbscan;
/// // Three incidents on one snap point, one 30 m away, one far off.
/// let pts = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [30.0, 0.0], [500.0, 0.0]];
/// let d = dbscan(&pts, 50.0, 4).unwrap();
/// assert_eq!(d.labels, vec![Some(0), Some(0), Some(0), Some(0), None]);
/// assert_eq!(d.core, vec![true, true, true, true, false]);
/// assert_eq!((d.sizes.clone(), d.noise()), (vec![4], 1));
/// ```
///
/// # Errors
/// [`SpatialError::InvalidParameter`] when `eps` is not a positive finite
/// number, `min_points` is 0 or a point is not finite.
pub fn dbscan(points: &[[f64; 2]], eps: f64, min_points: usize) -> Result<Dbscan, SpatialError> {
    if !(eps.is_finite() && eps > 0.0) {
        return Err(SpatialError::InvalidParameter(format!(
            "eps must be a positive number of metres, got {eps}"
        )));
    }
    if min_points == 0 {
        return Err(SpatialError::InvalidParameter(
            "min_points must be at least 1".into(),
        ));
    }
    check_finite(points)?;
    let (locs, members) = distinct(points);
    let tree = tree_of(&locs);
    let eps2 = eps * eps;
    let neighbours = |l: usize| {
        tree.locate_within_distance(locs[l], eps2)
            .map(|e| e.data as usize)
    };
    let core: Vec<bool> = (0..locs.len())
        .map(|l| neighbours(l).map(|m| members[m].len()).sum::<usize>() >= min_points)
        .collect();
    let mut label: Vec<Option<u32>> = vec![None; locs.len()];
    let mut sizes: Vec<usize> = Vec::new();
    let mut stack = Vec::new();
    for seed in 0..locs.len() {
        if !core[seed] || label[seed].is_some() {
            continue;
        }
        let c = sizes.len() as u32;
        sizes.push(0);
        label[seed] = Some(c);
        stack.push(seed);
        while let Some(l) = stack.pop() {
            sizes[c as usize] += members[l].len();
            if !core[l] {
                continue;
            }
            for m in neighbours(l) {
                if label[m].is_none() {
                    label[m] = Some(c);
                    stack.push(m);
                }
            }
        }
    }
    // Number clusters by size, most points first (ties: found first).
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(sizes[c]));
    let mut rank = vec![0u32; sizes.len()];
    for (r, &c) in order.iter().enumerate() {
        rank[c] = r as u32;
    }
    let mut out = Dbscan {
        labels: vec![None; points.len()],
        core: vec![false; points.len()],
        sizes: order.iter().map(|&c| sizes[c]).collect(),
    };
    for (l, ids) in members.iter().enumerate() {
        for &i in ids {
            out.labels[i] = label[l].map(|c| rank[c as usize]);
            out.core[i] = core[l];
        }
    }
    Ok(out)
}

/// The default `eps`: the median distance from each distinct location to
/// the nearest other one, ÷ √[`DENSITY_ADJUST`] (a neighbourhood about
/// twice as dense as the typical one, as sfhotspot's `hotspot_dbscan`).
/// Distinct locations, because police.uk's snapped duplicates would make
/// the median 0. `None` with fewer than two distinct locations.
///
/// ```
/// use hotspot_spatial::cluster::default_eps;
/// // Locations 100 m apart on a line (duplicates ignored): median 100 m.
/// let pts = [[0.0, 0.0], [0.0, 0.0], [100.0, 0.0], [200.0, 0.0]];
/// assert!((default_eps(&pts).unwrap() - 100.0 / 2f64.sqrt()).abs() < 1e-9);
/// ```
pub fn default_eps(points: &[[f64; 2]]) -> Option<f64> {
    let finite: Vec<[f64; 2]> = points
        .iter()
        .copied()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    let (locs, _) = distinct(&finite);
    if locs.len() < 2 {
        return None;
    }
    let tree = tree_of(&locs);
    let mut d: Vec<f64> = locs
        .iter()
        .map(|p| {
            tree.nearest_neighbor_iter_with_distance_2(p)
                .find(|(e, _)| e.geom() != p)
                .map_or(f64::INFINITY, |(_, d2)| d2.sqrt())
        })
        .collect();
    d.sort_by(f64::total_cmp);
    let n = d.len();
    let median = if n % 2 == 1 {
        d[n / 2]
    } else {
        (d[n / 2 - 1] + d[n / 2]) / 2.0
    };
    Some(median / DENSITY_ADJUST.sqrt())
}

/// The default `min_points`: ln(number of points), rounded, at least
/// [`MIN_DEFAULT_MIN_POINTS`] (5 up to 400 points, 8 at 3,000, 12 at
/// 160,000), growing slowly with the data as the usual DBSCAN heuristics.
///
/// ```
/// use hotspot_spatial::cluster::default_min_points;
/// assert_eq!(default_min_points(100), 5);
/// assert_eq!(default_min_points(3_000), 8);
/// ```
pub fn default_min_points(n: usize) -> usize {
    ((n.max(1) as f64).ln().round() as usize).max(MIN_DEFAULT_MIN_POINTS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Textbook O(n²) DBSCAN over every point (duplicates as separate
    /// points), from the definitions: cores, then connected components of
    /// cores, then borders.
    fn brute(points: &[[f64; 2]], eps: f64, min_points: usize) -> (Vec<bool>, Vec<Option<usize>>) {
        let n = points.len();
        let near = |i: usize, j: usize| {
            let (dx, dy) = (points[i][0] - points[j][0], points[i][1] - points[j][1]);
            dx * dx + dy * dy <= eps * eps
        };
        let core: Vec<bool> = (0..n)
            .map(|i| (0..n).filter(|&j| near(i, j)).count() >= min_points)
            .collect();
        // Components of cores by union-find.
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut Vec<usize>, i: usize) -> usize {
            if p[i] != i {
                let r = find(p, p[i]);
                p[i] = r;
            }
            p[i]
        }
        for i in 0..n {
            for j in 0..n {
                if core[i] && core[j] && near(i, j) {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a] = b;
                }
            }
        }
        let comp: Vec<Option<usize>> = (0..n)
            .map(|i| core[i].then(|| find(&mut parent, i)))
            .collect();
        (core, comp)
    }

    fn check(points: &[[f64; 2]], eps: f64, min_points: usize) {
        let d = dbscan(points, eps, min_points).unwrap();
        let (core, comp) = brute(points, eps, min_points);
        assert_eq!(d.core, core, "core points");
        let n = points.len();
        // Cores: the same partition (two cores share a cluster iff they
        // share a component).
        for i in (0..n).filter(|&i| core[i]) {
            for j in (0..n).filter(|&j| core[j]) {
                assert_eq!(d.labels[i] == d.labels[j], comp[i] == comp[j]);
            }
        }
        // Non-cores: in a cluster iff within eps of some core, and then in
        // the cluster of one of those cores.
        let near = |i: usize, j: usize| {
            let (dx, dy) = (points[i][0] - points[j][0], points[i][1] - points[j][1]);
            dx * dx + dy * dy <= eps * eps
        };
        for i in (0..n).filter(|&i| !core[i]) {
            let cores: Vec<usize> = (0..n).filter(|&j| core[j] && near(i, j)).collect();
            match d.labels[i] {
                None => assert!(cores.is_empty(), "point {i} is a border point"),
                Some(c) => assert!(cores.iter().any(|&j| d.labels[j] == Some(c))),
            }
        }
        // Sizes, most first.
        let mut counted = vec![0; d.sizes.len()];
        for l in d.labels.iter().flatten() {
            counted[*l as usize] += 1;
        }
        assert_eq!(counted, d.sizes);
        assert!(d.sizes.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn matches_brute_force_on_random_snapped_points() {
        let mut rng = ChaCha8Rng::seed_from_u64(27700);
        for round in 0..40 {
            // A few dense blobs, background noise, and snapping to a 25 m
            // lattice so that many points share a location.
            let mut pts: Vec<[f64; 2]> = Vec::new();
            for _ in 0..rng.gen_range(1..5) {
                let (cx, cy) = (rng.gen_range(0.0..2000.0), rng.gen_range(0.0..2000.0));
                for _ in 0..rng.gen_range(5..60) {
                    pts.push([
                        cx + rng.gen_range(-150.0..150.0),
                        cy + rng.gen_range(-150.0..150.0),
                    ]);
                }
            }
            for _ in 0..rng.gen_range(0..80) {
                pts.push([rng.gen_range(0.0..2000.0), rng.gen_range(0.0..2000.0)]);
            }
            if round % 2 == 0 {
                for p in &mut pts {
                    *p = [(p[0] / 25.0).round() * 25.0, (p[1] / 25.0).round() * 25.0];
                }
            }
            let eps = [25.0, 40.0, 60.0, 100.0][round % 4];
            let min_points = [1, 3, 5, 8, 12][round % 5];
            check(&pts, eps, min_points);
        }
    }

    #[test]
    fn exact_eps_is_inside() {
        // Two points exactly eps apart are neighbours.
        let d = dbscan(&[[0.0, 0.0], [3.0, 4.0]], 5.0, 2).unwrap();
        assert_eq!(d.labels, vec![Some(0), Some(0)]);
        let d = dbscan(&[[0.0, 0.0], [3.0, 4.0]], 4.999, 2).unwrap();
        assert_eq!(d.noise(), 2);
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(dbscan(&[[0.0, 0.0]], 0.0, 2).is_err());
        assert!(dbscan(&[[0.0, 0.0]], f64::NAN, 2).is_err());
        assert!(dbscan(&[[0.0, 0.0]], 1.0, 0).is_err());
        assert!(dbscan(&[[f64::NAN, 0.0]], 1.0, 2).is_err());
        assert_eq!(dbscan(&[], 1.0, 2).unwrap().sizes, Vec::<usize>::new());
        assert_eq!(default_eps(&[[1.0, 1.0], [1.0, 1.0]]), None);
    }
}
