//! The timing loop of the bench binaries that report best and median wall
//! time (planning, spacetime, briefing), shared by `#[path]` so that the
//! figures in the README are all measured the same way.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `f` `runs` times; returns the best and the median wall time. The
/// result goes through `black_box` so the work cannot be optimised away.
pub fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut d: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    d.sort();
    (d[0], d[d.len() / 2])
}
