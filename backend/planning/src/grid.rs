//! A uniform grid ("cell list") over a fixed set of points, for "which points
//! lie within `r` of here?" queries. With the cell size equal to the usual
//! query radius a query looks at 3 × 3 cells, so it costs about the number of
//! points returned. Cells are kept in a hash map, not a dense array, so a few
//! far-away outliers cannot blow up memory.

use std::collections::HashMap;

pub(crate) struct CellIndex {
    cell: f64,
    /// Point indices sorted by cell.
    order: Vec<u32>,
    /// Cell key → range in `order`.
    cells: HashMap<(i64, i64), (u32, u32)>,
}

impl CellIndex {
    /// `cell` must be finite and > 0; points must be finite.
    pub(crate) fn new(points: &[[f64; 2]], cell: f64) -> Self {
        let key = |p: [f64; 2]| ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64);
        let mut keyed: Vec<((i64, i64), u32)> = points
            .iter()
            .enumerate()
            .map(|(i, &p)| (key(p), i as u32))
            .collect();
        keyed.sort_unstable();
        let mut cells = HashMap::new();
        let mut start = 0usize;
        while start < keyed.len() {
            let k = keyed[start].0;
            let mut end = start + 1;
            while end < keyed.len() && keyed[end].0 == k {
                end += 1;
            }
            cells.insert(k, (start as u32, end as u32));
            start = end;
        }
        Self {
            cell,
            order: keyed.into_iter().map(|(_, i)| i).collect(),
            cells,
        }
    }

    /// Calls `f(i)` for every point `i` with `|points[i] − centre| ≤ r`, in a
    /// deterministic order (by cell, then by index).
    pub(crate) fn within(
        &self,
        points: &[[f64; 2]],
        centre: [f64; 2],
        r: f64,
        mut f: impl FnMut(usize),
    ) {
        let r2 = r * r;
        let lo = |v: f64| ((v - r) / self.cell).floor() as i64;
        let hi = |v: f64| ((v + r) / self.cell).floor() as i64;
        for cy in lo(centre[1])..=hi(centre[1]) {
            for cx in lo(centre[0])..=hi(centre[0]) {
                if let Some(&(s, e)) = self.cells.get(&(cx, cy)) {
                    for &i in &self.order[s as usize..e as usize] {
                        let p = points[i as usize];
                        let (dx, dy) = (p[0] - centre[0], p[1] - centre[1]);
                        if dx * dx + dy * dy <= r2 {
                            f(i as usize);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_brute_force() {
        let pts: Vec<[f64; 2]> = (0..400)
            .map(|i| {
                let t = i as f64;
                [(t * 37.3) % 1000.0 - 200.0, (t * 91.7) % 800.0 - 100.0]
            })
            .collect();
        let idx = CellIndex::new(&pts, 100.0);
        for c in [[0.0, 0.0], [-250.0, 700.0], [512.5, 333.3]] {
            for r in [10.0, 100.0, 250.0] {
                let mut got = Vec::new();
                idx.within(&pts, c, r, |i| got.push(i));
                got.sort();
                let want: Vec<usize> = (0..pts.len())
                    .filter(|&i| {
                        let (dx, dy) = (pts[i][0] - c[0], pts[i][1] - c[1]);
                        dx * dx + dy * dy <= r * r
                    })
                    .collect();
                assert_eq!(got, want);
            }
        }
    }
}
