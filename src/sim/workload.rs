//! A partition's stream of page writes, drawn from its workload.

use super::rng::{SimRng, probability_threshold};
use crate::spec::workload::{Workload, hot_region_start, region_pages};

/// A partition's stream of page writes: its random source, its sweep cursor and the fraction
/// of a write carried from one step to the next.
#[derive(Debug, Clone)]
pub struct WorkloadGen {
    pub rng: SimRng,
    cursor: usize,
    carry: f64,
}

impl WorkloadGen {
    pub fn new(rng: SimRng) -> WorkloadGen {
        WorkloadGen {
            rng,
            cursor: 0,
            carry: 0.0,
        }
    }

    /// The whole number of writes due for `pages_due` more (fractional) pages of writing.
    pub fn due(&mut self, pages_due: f64) -> u64 {
        self.carry += pages_due.max(0.0);
        let n = self.carry.floor();
        self.carry -= n;
        n as u64
    }

    /// Draws `n` page writes from `leaf` (not Phased) over `pages` pages, calling `write` on each.
    #[inline]
    pub fn write_pages(
        &mut self,
        leaf: &Workload,
        pages: usize,
        n: u64,
        mut write: impl FnMut(usize),
    ) {
        if pages == 0 {
            return;
        }
        let rng = &mut self.rng;
        match *leaf {
            Workload::Idle | Workload::Phased { .. } => {}
            Workload::Uniform { .. } => {
                batched(n, || rng.below(pages as u64) as usize, write);
            }
            Workload::Hotspot {
                hot_percent,
                hot_share,
                ..
            } => {
                let hot = region_pages(pages, hot_percent);
                let start = hot_region_start(pages, hot);
                let threshold = probability_threshold(hot_share);
                let pick = || {
                    if rng.chance(threshold) {
                        start + rng.below(hot as u64) as usize
                    } else {
                        rng.below(pages as u64) as usize
                    }
                };
                batched(n, pick, write);
            }
            Workload::Sequential { region_percent, .. } => {
                let region = region_pages(pages, region_percent);
                for _ in 0..n {
                    if self.cursor >= region {
                        self.cursor = 0;
                    }
                    write(self.cursor);
                    self.cursor += 1;
                }
            }
        }
    }
}

/// Draws pages in batches, then writes them: with the drawing out of the way, the write loop
/// is short enough for the processor to have many of its cache misses in flight at once.
#[inline(always)]
fn batched(n: u64, mut pick: impl FnMut() -> usize, mut write: impl FnMut(usize)) {
    const BATCH: usize = 64;
    let mut buf = [0usize; BATCH];
    let mut left = n;
    while left > 0 {
        let k = left.min(BATCH as u64) as usize;
        for slot in &mut buf[..k] {
            *slot = pick();
        }
        for &p in &buf[..k] {
            write(p);
        }
        left -= k as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hotspot_concentrates_writes() {
        let mut g = WorkloadGen::new(SimRng::new(1, "t"));
        let leaf = Workload::Hotspot {
            writes_mib_s: 1.0,
            hot_percent: 10.0,
            hot_share: 0.9,
        };
        let pages = 10_000;
        let (start, hot) = (hot_region_start(pages, 1000), 1000);
        let mut in_hot = 0;
        g.write_pages(&leaf, pages, 100_000, |p| {
            assert!(p < pages);
            in_hot += (start..start + hot).contains(&p) as u32;
        });
        // 90% directed + 10% of the uniform rest also lands there: 91% expected.
        assert!((90_000..92_000).contains(&in_hot), "{in_hot}");
    }

    #[test]
    fn sequential_sweeps_its_region() {
        let mut g = WorkloadGen::new(SimRng::new(1, "t"));
        let leaf = Workload::Sequential {
            writes_mib_s: 1.0,
            region_percent: 1.0,
        };
        let mut seen = Vec::new();
        g.write_pages(&leaf, 1000, 25, |p| seen.push(p));
        assert_eq!(&seen[..12], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    }

    #[test]
    fn due_carries_fractions() {
        let mut g = WorkloadGen::new(SimRng::new(1, "t"));
        let total: u64 = (0..1000).map(|_| g.due(0.3)).sum();
        // 1000 x 0.3 in floating point lands within one write of 300.
        assert!((299..=300).contains(&total), "{total}");
    }
}
