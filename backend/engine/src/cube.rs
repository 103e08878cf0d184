//! Incident counts by month, crime kind and ward, counted once when the
//! snapshot is built.
//!
//! A ward table, a ward's profile or a monthly series for whole months is
//! then a sum over at most months × kinds × wards cells (140,000 for two
//! years of police.uk data over 289 wards) instead of a pass over every
//! incident of the period: at ten million incidents that is a fraction of a
//! millisecond against a few hundred. Date-time periods still select
//! incidents one by one.

use std::ops::RangeInclusive;

use crate::columns::Columns;

/// Counts per (month, kind, slot); a slot is an area index, or one of the
/// two after them: outside every area, and unlocated.
#[derive(Default)]
pub(crate) struct Cube {
    /// `Month::index` of the first month.
    first_month: i32,
    months: usize,
    /// Kinds, as [`Dataset::kinds`](crate::Dataset) numbers them.
    kinds: usize,
    slots: usize,
    counts: Vec<u32>,
}

/// Where an incident is counted in a [`Cube`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Area(usize),
    Outside,
    Unlocated,
}

impl Cube {
    /// Counts every incident; `kind_of[k]` is incident `k`'s kind (of
    /// `kinds`) and `slot_of(k)` says where it lies.
    pub(crate) fn build(
        cols: &Columns,
        kind_of: &[u16],
        kinds: usize,
        areas: usize,
        slot_of: impl Fn(usize) -> Slot,
    ) -> Cube {
        let (Some(&first), Some(&last)) = (cols.month.first(), cols.month.last()) else {
            return Cube::default();
        };
        let (months, slots) = ((last - first) as usize + 1, areas + 2);
        let mut counts = vec![0u32; months * kinds * slots];
        for (k, &m) in cols.month.iter().enumerate() {
            let slot = match slot_of(k) {
                Slot::Area(a) => a,
                Slot::Outside => areas,
                Slot::Unlocated => areas + 1,
            };
            counts[((m - first) as usize * kinds + kind_of[k] as usize) * slots + slot] += 1;
        }
        Cube {
            first_month: first,
            months,
            kinds,
            slots,
            counts,
        }
    }

    /// Calls `f(month index, kind, slot, count)` for every non-empty cell
    /// of the months in `months` (`Month::index`, inclusive) whose kind
    /// `allowed` accepts.
    pub(crate) fn for_each(
        &self,
        months: RangeInclusive<i32>,
        allowed: impl Fn(usize) -> bool,
        mut f: impl FnMut(i32, usize, Slot, u64),
    ) {
        let areas = self.slots.saturating_sub(2);
        let first = (*months.start()).max(self.first_month);
        let last = (*months.end()).min(self.first_month + self.months as i32 - 1);
        for m in first..=last {
            for kind in (0..self.kinds).filter(|&k| allowed(k)) {
                let at = ((m - self.first_month) as usize * self.kinds + kind) * self.slots;
                for (slot, &n) in self.counts[at..at + self.slots].iter().enumerate() {
                    if n == 0 {
                        continue;
                    }
                    let slot = match slot {
                        s if s < areas => Slot::Area(s),
                        s if s == areas => Slot::Outside,
                        _ => Slot::Unlocated,
                    };
                    f(m, kind, slot, n as u64);
                }
            }
        }
    }
}
